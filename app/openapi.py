"""The API's contract: the OpenAPI 3.1 document served at
`GET /api/v1/openapi.json`, describing every request field, every response
field and every error of `POST /api/v1/plan` as `app/api.py` reads and
writes them.

Built from the running app's regimen book (its regimen ids, override ranges
and formulas), so it cannot list a regimen the app does not have. To add a
request field, add it to `request_fields`; a per-regimen response field, to
`REGIMEN_FIELDS`; an endpoint, to `paths`. tests/test_contract.py validates
real answers against this document and runs schemathesis against it.

What JSON Schema cannot say is in the descriptions, and answered with a 422
naming the field: a number must be written as a plain decimal (at most 7
digits before the point and 6 after, no exponent); each measurement's range
holds once converted (0.3 to 250 kg, 20 to 250 cm); an override needs its
regimen chosen; the growth check may need `confirm_implausible`; a dose
that rounds to nothing is refused.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

from .dosing import RegimenBook
from .dosing.bsa import FORMULAS
from .dosing.inputs import (
    CREATININE_UNITS,
    EARLIEST_START,
    HEIGHT_RANGE_CM,
    LATEST_START,
    MAX_AGE_YEARS,
    SEXES,
    WEIGHT_RANGE_KG,
)
from .dosing.kidney import FORMULAS as EGFR_FORMULAS
from .dosing.units import HEIGHT_UNITS, TO_CM, TO_KG, WEIGHT_UNITS
from .dosing.weight_record import WEIGHT_SOURCES
from .request_text import MAX_ECHO, MAX_ERRORS, MAX_TEXT
from .version import __version__

Schema = dict[str, Any]

PLAIN_DECIMAL = ("Written as a plain decimal: at most 7 digits before the point and 6 after, no sign "
                 "or exponent (14, 14.5, 0.75); anything else is a 422 naming the field.")


def obj(fields: dict[str, Schema], required: tuple[str, ...] = (), description: str = "") -> Schema:
    """A JSON object with exactly these `fields` (no others), `required` of them required."""
    schema: Schema = {"type": "object", "properties": fields, "additionalProperties": False}
    if required:
        schema["required"] = list(required)
    if description:
        schema["description"] = description
    return schema


#: The step of a plain decimal with at most 6 digits after the point.
STEP = Decimal("0.000001")


def number(description: str, **bounds: Any) -> Schema:
    """A number as the API reads it (`decimal_from_text`): a multiple of
    `STEP`, written without exponent, within `bounds`."""
    return {"type": "number", "multipleOf": STEP, "description": f"{description} {PLAIN_DECIMAL}",
            **bounds}


def _plain(value: Decimal) -> Decimal:
    """`value` without trailing zeros or exponent (250, not 250.000000 or 2.5E+2)."""
    return Decimal(f"{value.normalize():f}")


def measurement(units: tuple[str, ...], to_base: dict[str, Decimal], bounds: tuple[Decimal, Decimal],
                base: str) -> Schema:
    """{"value": number, "unit": one of `units`}, one schema per unit: the
    range `bounds` in `base` holds once converted, so in each unit it runs
    from the first to the last 6-decimal value whose conversion lies in it."""
    low, high = bounds
    one_per_unit = []
    for unit in units:
        first = (low / to_base[unit]).quantize(STEP, rounding=ROUND_CEILING)
        last = (high / to_base[unit]).quantize(STEP, rounding=ROUND_FLOOR)
        one_per_unit.append(obj({
            "value": number(f"{low} to {high} {base} once converted.", minimum=_plain(first),
                            maximum=_plain(last)),
            "unit": {"const": unit},
        }, required=("value", "unit")))
    return {"oneOf": one_per_unit, "description": f"The unit is always named: {', '.join(units)}."}


def _ids(book: RegimenBook) -> list[str]:
    """Every regimen id of every plan, each once."""
    return list(dict.fromkeys(e.id for plan in book.plans.values() for e in plan.entries))


def _overrides(book: RegimenBook) -> dict[str, Schema]:
    """Per regimen id, the widest override range any plan allows for it."""
    ranges: dict[str, tuple[Decimal, Decimal, str]] = {}
    for plan in book.plans.values():
        for e in plan.entries:
            allowed = e.regimen.override_range
            if allowed:
                low, high, unit = ranges.get(e.id, allowed)
                ranges[e.id] = (min(low, allowed[0]), max(high, allowed[1]), unit)
    return {rid: obj({"dose": number(f"{low} to {high} {unit} (the chosen plan's range applies).",
                                     minimum=low, maximum=high)}, required=("dose",))
            for rid, (low, high, unit) in ranges.items()}


def request_fields(book: RegimenBook) -> dict[str, Schema]:
    """Every field of the body of `POST /api/v1/plan`."""
    ids = _ids(book)
    overrides = _overrides(book)
    per_id = {"propertyNames": {"enum": ids}, "maxProperties": len(ids)}
    products = sorted({u.id for r in book.regimens.values() for u in r.products})
    return {
        "plan": {"type": "string", "enum": list(book.plans),
                 "description": f"The plan (`GET /api/v1/plans`). Default: {book.default_plan}."},
        "weight": measurement(WEIGHT_UNITS, TO_KG, WEIGHT_RANGE_KG, "kg"),
        "height": measurement(HEIGHT_UNITS, TO_CM, HEIGHT_RANGE_CM, "cm"),
        "start_date": {"type": "string", "format": "date", "pattern": "^20[0-9]{2}-[0-9]{2}-[0-9]{2}$",
                       "description": f"First day of the plan, {EARLIEST_START} to {LATEST_START}. "
                                      "Default: today in the clinic's time zone."},
        "bsa_formula": {"type": "string", "enum": list(FORMULAS), "description": "Default: mosteller."},
        "start_dates": {"type": "object", **per_id,
                        "additionalProperties": {"type": "string", "format": "date",
                                                 "pattern": "^20[0-9]{2}-[0-9]{2}-[0-9]{2}$"},
                        "description": "The first dose of a chosen regimen, YYYY-MM-DD. Default: the "
                                       "plan's start plus the regimen's offset in the plan."},
        "regimens": {"type": "array", "items": {"type": "string", "enum": ids}, "minItems": 1,
                     "maxItems": len(ids), "uniqueItems": True,
                     "description": "Regimen ids of the chosen plan, each once. Default: the whole plan."},
        "products": {"type": "object", **per_id, "additionalProperties": {"type": "string", "enum": products},
                     "description": "The product a chosen regimen is given as (one of its products in "
                                    "`GET /api/v1/plans`). Default: its first."},
        "already_given": {"type": "object", **per_id, "additionalProperties": number(
            "In the regimen's amount unit.", minimum=0, maximum=Decimal("9999999")),
            "description": "The amount of a chosen, finite regimen given before this plan, added to "
                           "its cumulative dose."},
        "overrides": obj(overrides, description="Doses replacing the regimen file's, each for a "
                                                "chosen regimen, within its range."),
        "age": obj({"years": {"type": "integer", "minimum": 0, "maximum": MAX_AGE_YEARS},
                    "months": {"type": "integer", "minimum": 0, "maximum": 11}},
                   required=("years", "months"),
                   description="Completed years and months; with `sex`, the growth check is done."),
        "sex": {"type": "string", "enum": list(SEXES)},
        "weighed_on": {"type": "string", "format": "date", "pattern": "^20[0-9]{2}-[0-9]{2}-[0-9]{2}$",
                       "description": "The day the weight was taken, not in the future. Default: today. "
                                      "Older than the file's limit (30 days) warns, and refuses high-alert "
                                      "regimens."},
        "weight_source": {"type": "string", "enum": list(WEIGHT_SOURCES),
                          "description": "Default: measured. A stated or estimated weight warns, and "
                                         "refuses high-alert regimens."},
        "creatinine": obj({"value": number("Serum creatinine."),
                           "unit": {"type": "string", "enum": list(CREATININE_UNITS)},
                           "measured_on": {"type": "string", "format": "date",
                                           "pattern": "^20[0-9]{2}-[0-9]{2}-[0-9]{2}$"}},
                          required=("value", "unit"),
                          description="Optional; gives the eGFR that regimens' kidney rules use."),
        "egfr_formula": {"type": "string", "enum": list(EGFR_FORMULAS),
                         "description": "Default: ckid_u25 (ages 1 to 25 years, needs age and sex)."},
        "gestational_age": obj({"weeks": {"type": "integer", "minimum": 22, "maximum": 44},
                                "days": {"type": "integer", "minimum": 0, "maximum": 6}},
                               required=("weeks", "days"),
                               description="At birth; before 37 weeks the growth check reads the "
                                           "corrected age. Needs `age`."),
        "confirm_implausible": {"type": "boolean", "description": (
            "The prescriber re-measured values the growth check finds implausible (|z| >= 5 or BMI "
            "above 60 kg/m²) and confirms them. Default: false.")},
    }


def plan_request(book: RegimenBook) -> Schema:
    return obj(request_fields(book), required=("weight", "height"), description=(
        f"No field may be null; a key may appear once; text at most {MAX_TEXT} characters; "
        "a list or object at most 64 entries."))


DECIMAL = {"type": "number"}
DATE = {"type": "string", "format": "date"}
WARNING = obj({"code": {"type": "string"}, "message": {"type": "string"}}, required=("code", "message"))
GROWTH = {
    "type": "object",
    "properties": {"reference": {"type": "string", "enum": ["WHO 2006", "CDC 2000"]},
                   "bmi_kg_m2": DECIMAL},
    "patternProperties": {"^(weight|height|bmi)_for_age_(z|percentile)$": DECIMAL,
                          "^age_used_months$": {"type": ["integer", "null"]},
                          "^corrected_for_gestation$": {"type": "boolean"}},
    "additionalProperties": False,
    "required": ["reference", "bmi_kg_m2"],
}
GROWTH_AND_WARNINGS: dict[str, Schema] = {
    "growth": {"oneOf": [{"type": "null"}, GROWTH],
               "description": "null when the check was not done (no age and sex, or out of the "
                              "references' ages); `warnings` says why."},
    "warnings": {"type": "array", "items": WARNING},
}
NULLABLE_DECIMAL = {"type": ["number", "null"]}
TEXT = {"type": "string"}
NULLABLE_TEXT = {"type": ["string", "null"]}


def nullable(schema: Schema) -> Schema:
    return {"oneOf": [{"type": "null"}, schema]}


INFUSION = obj({
    "steps": {"type": "array", "minItems": 1, "items": obj(
        {"rate_ml_per_h": DECIMAL, "minutes": {"type": "integer"}, "volume_ml": DECIMAL},
        required=("rate_ml_per_h", "minutes", "volume_ml"))},
    "total_minutes": {"type": "integer"},
    "dilution": nullable(obj({"fluid": TEXT, "volume_ml": DECIMAL, "concentration": DECIMAL,
                              "concentration_unit": TEXT},
                             required=("fluid", "volume_ml", "concentration", "concentration_unit"))),
    "hydration": nullable(obj({"fluid": TEXT, "volume_ml": DECIMAL, "minutes": DECIMAL,
                               "rate_ml_per_h": DECIMAL},
                              required=("fluid", "volume_ml", "minutes", "rate_ml_per_h"))),
}, required=("steps", "total_minutes", "dilution", "hydration"),
    description="Pump rates in mL/h (a rate from a maximum per kg rounded down to 0.1 mL/h), "
                "each step's minutes and volume; the dilution and the hydration before the dose.")
VOLUME = obj({
    "value": {"type": "number", "description": "The volume to measure, mL."},
    "unit": {"const": "mL"},
    "exact": {"type": "number", "description": "amount ÷ concentration, before rounding."},
    "device": {**NULLABLE_TEXT, "description": "The smallest device that holds it; null when larger "
                                               "than every device (measured to 1 mL from the bottles)."},
    "measured_amount": DECIMAL,
    "vials": {"type": "array", "items": obj({"size": DECIMAL, "unit": TEXT, "count": {"type": "integer"}},
                                            required=("size", "unit", "count"))},
    "left_over": NULLABLE_DECIMAL,
}, required=("value", "unit", "exact", "device", "measured_amount", "vials", "left_over"))
ITEM_FIELDS: dict[str, Schema] = {
    "date": DATE, "until": {"oneOf": [{"type": "null"}, DATE],
                            "description": "The last day of a daily run; null for a dose of a course "
                                           "or a run that continues until changed."},
    "amount": {"type": "number", "description": "The amount per dose, rounded, never above `cap`."},
    "unit": TEXT,
    "exact": {"type": "number", "description": "The dose per dose before rounding and capping."},
    "capped": {"type": "boolean"},
    "cap": {"type": "number", "description": "The cap per dose, in `unit`."},
    "phase": {"type": "integer", "minimum": 1},
    "frequency": TEXT,
    "condition": {**NULLABLE_TEXT, "description": "A condition printed with the dose ('if the nadir "
                                                  "white cell count allowed')."},
    "doses_per_day": {"type": "integer", "minimum": 1},
    "daily_amount": {"type": "number", "description": "amount x doses_per_day."},
    "volume": nullable(VOLUME),
    "tablets": {**NULLABLE_DECIMAL, "description": "Tablets per dose (halves where divisible)."},
    "measured_amount": {**NULLABLE_DECIMAL, "description": "What the volume or tablets give."},
    "deviation_percent": {**NULLABLE_DECIMAL, "description": "(measured − intended) ÷ intended, %."},
    "infusion": nullable(INFUSION),
}
ITEM = obj(ITEM_FIELDS, required=tuple(k for k in ITEM_FIELDS if k != "measured_amount"))
REGIMEN_FIELDS: dict[str, Schema] = {
    "id": TEXT, "drug": TEXT, "route": TEXT, "frequency": TEXT,
    "dosing_weight": {"type": ["string", "null"], "enum": ["actual", "adjusted", None],
                      "description": "The weight a per-kg regimen was dosed on; null otherwise."},
    "dosing_weight_kg": NULLABLE_DECIMAL,
    "kidney": nullable(obj({"percent": NULLABLE_DECIMAL, "withhold": {"type": "boolean"},
                            "not_given": {"type": "boolean"}, "max_rate_mg_per_h": NULLABLE_DECIMAL,
                            "warnings": {"type": "array", "items": TEXT}},
                           required=("percent", "withhold", "not_given", "max_rate_mg_per_h", "warnings"))),
    "basis": {"type": "string", "enum": ["weight", "bsa", "fixed"]},
    "dose_rule": TEXT, "start_date": DATE, "overridden": {"type": "boolean"},
    "calculation": {**TEXT, "description": "The first dose's arithmetic, written out."},
    "product": nullable(obj({"id": TEXT, "name": TEXT, "strength": TEXT},
                            required=("id", "name", "strength"))),
    "infusion": nullable(INFUSION),
    "cumulative": nullable(obj({"amount": DECIMAL, "unit": TEXT, "already_given": DECIMAL,
                                "per_basis": NULLABLE_DECIMAL, "per_basis_unit": NULLABLE_TEXT},
                               required=("amount", "unit", "already_given", "per_basis",
                                         "per_basis_unit"))),
    "notes": {"type": "array", "items": TEXT},
    "items": {"type": "array", "items": ITEM, "minItems": 1},
}
REGIMEN_FILE = obj({"version": TEXT, "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"}},
                   required=("version", "sha256"),
                   description="The regimen file that produced the answer: its version and SHA-256.")
PLAN = obj({
    "plan": obj({"id": TEXT, "name": TEXT, "source": TEXT}, required=("id", "name", "source")),
    "regimen_file": REGIMEN_FILE,
    "patient": obj({"weight_kg": DECIMAL, "height_cm": DECIMAL, "bsa_m2": DECIMAL,
                    "bsa_formula": {"type": "string", "enum": list(FORMULAS)},
                    "weighed_on": {"type": ["string", "null"], "format": "date"},
                    "weight_source": {"type": ["string", "null"]},
                    "ideal_weight_kg": NULLABLE_DECIMAL, "adjusted_weight_kg": NULLABLE_DECIMAL},
                   required=("weight_kg", "height_cm", "bsa_m2", "bsa_formula", "weighed_on",
                             "weight_source", "ideal_weight_kg", "adjusted_weight_kg")),
    "kidney": nullable(obj({"creatinine_mg_dl": DECIMAL, "egfr": DECIMAL, "formula": TEXT,
                            "k": DECIMAL, "calculation": TEXT},
                           required=("creatinine_mg_dl", "egfr", "formula", "k", "calculation"))),
    **GROWTH_AND_WARNINGS,
    "confirmed_implausible": {"type": "boolean"},
    "regimens": {"type": "array", "items": obj(REGIMEN_FIELDS, required=tuple(REGIMEN_FIELDS))},
}, required=("plan", "regimen_file", "patient", "kidney", "growth", "warnings", "confirmed_implausible",
             "regimens"))
PLANS = obj({
    "regimen_file": REGIMEN_FILE,
    "default_plan": TEXT,
    "plans": {"type": "array", "items": obj({
        "id": TEXT, "name": TEXT, "source": TEXT,
        "regimens": {"type": "array", "items": obj({
            "id": TEXT, "drug": TEXT, "route": TEXT, "frequency": TEXT,
            "basis": {"type": "string", "enum": ["weight", "bsa", "fixed"]}, "dose_rule": TEXT,
            "start_day": {"type": "integer", "minimum": 1}, "overridable": {"type": "boolean"},
            "override_range": nullable(obj({"min": DECIMAL, "max": DECIMAL, "unit": TEXT},
                                           required=("min", "max", "unit"))),
            "products": {"type": "array", "items": obj({"id": TEXT, "name": TEXT}, required=("id", "name"))},
        }, required=("id", "drug", "route", "frequency", "basis", "dose_rule", "start_day", "overridable",
                     "override_range", "products"))},
    }, required=("id", "name", "source", "regimens"))},
}, required=("regimen_file", "default_plan", "plans"))
FIELD_ERROR = obj({
    "field": {"type": "string", "description": (
        f"The field at fault by its path (`weight.value`, `overrides.ivig.dose`, `regimens[0]`); "
        f"a name from the request cut to {MAX_ECHO} characters; `(body)` or `(request)` for the "
        "whole.")},
    "message": {"type": "string", "minLength": 1, "description": "What is allowed."},
}, required=("field", "message"))
ERRORS = obj({"errors": {"type": "array", "items": FIELD_ERROR, "minItems": 1,
                         "maxItems": MAX_ERRORS + 1}},
             required=("errors",))
ERRORS_WITH_GROWTH = obj({"errors": ERRORS["properties"]["errors"], **GROWTH_AND_WARNINGS},
                         required=("errors",),
                         description="`growth` and `warnings` come when the growth check was done.")


def _json(schema: Schema, description: str) -> Schema:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> Schema:
    return _json({"$ref": "#/components/schemas/Errors"}, description)


def paths(book: RegimenBook) -> dict[str, Schema]:
    return {
        "/api/v1/plan": {"post": {
            "operationId": "plan",
            "summary": "The dated, rounded, capped schedule of each chosen regimen for one child.",
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/PlanRequest"}}}},
            "responses": {
                "200": _json({"$ref": "#/components/schemas/Plan"}, "The plan, numbers exact."),
                "400": _error("The body is not UTF-8 JSON, or not an object."),
                "413": _error("The body is over 16 KiB."),
                "414": _error("The query string is over 4,096 bytes."),
                "415": _error("The body is not declared Content-Type: application/json (UTF-8)."),
                "422": _json({"$ref": "#/components/schemas/ErrorsWithGrowth"},
                             "A field at fault, each named with what is allowed."),
            },
        }},
        "/api/v1/plans": {"get": {
            "operationId": "plans",
            "summary": "Every plan and its regimens: id, drug, route, dose rule, override range, products.",
            "responses": {"200": _json({"$ref": "#/components/schemas/Plans"}, "The plans."),
                          "414": _error("The query string is over 4,096 bytes.")},
        }},
        "/api/v1/openapi.json": {"get": {
            "operationId": "openapi",
            "summary": "This document.",
            "responses": {"200": _json({"type": "object"}, "The OpenAPI 3.1 document."),
                          "414": _error("The query string is over 4,096 bytes.")},
        }},
    }


def document(book: RegimenBook) -> Schema:
    """The OpenAPI 3.1 document for the app whose regimen book is `book`."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Pedidose", "version": __version__,
                 "description": "Pediatric dose calculator: weight- and BSA-based regimens."},
        "paths": paths(book),
        "components": {"schemas": {
            "PlanRequest": plan_request(book), "Plan": PLAN, "Plans": PLANS, "Errors": ERRORS,
            "ErrorsWithGrowth": ERRORS_WITH_GROWTH,
        }},
    }
