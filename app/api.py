"""`POST /api/v1/plan`: JSON in, JSON out; `GET /api/v1/openapi.json`, its
contract (`app/openapi.py`).

Parses and type-checks the body, calls the engine, and writes the plan with
exact decimal numbers, the growth check (`growth`, null when not done) and
its `warnings`. Anything wrong is a 400 (not UTF-8 JSON, or not an object),
413 (over 16 KiB, declared or chunked), 415 (not application/json) or 422
(a field at fault: a wrong type, a null, a key given twice, text that may
not be used, a number not written as a plain decimal) with
{"errors": [{"field", "message"}]}; when the growth check was done, a 422
also carries `growth` and `warnings`, so that a client can show why
`confirm_implausible` is needed.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from flask import Blueprint, abort, current_app, request
from werkzeug.exceptions import UnsupportedMediaType

from .clock import clinic_today
from .dosing import FieldError, InvalidInput, Plan, PlanRequest, RegimenBook, compute_plan, formatting
from .dosing.errors import merge_errors
from .dosing.growth import GrowthCheck
from .dosing.infusions import Infusion
from .dosing.inputs import date_from_text, decimal_from_text
from .dosing.measuring import Measure
from .dosing.patient import Patient
from .dosing.plan import RegimenPlan
from .json_response import json_response
from .openapi import document
from .request_text import MAX_ERRORS, echo, text_problem

bp = Blueprint("api", __name__, url_prefix="/api/v1")

FIELDS = {"plan", "weight", "height", "start_date", "start_dates", "bsa_formula", "regimens", "overrides",
          "products", "already_given", "age", "sex", "confirm_implausible", "weighed_on", "weight_source",
          "creatinine", "egfr_formula", "gestational_age"}
#: Optional fields whose explicit null is refused rather than read as "not
#: given" (weight, height, age and confirm_implausible refuse it by type).
NULL_IS_NOT_DEFAULT = ("plan", "start_date", "start_dates", "bsa_formula", "regimens", "overrides",
                       "products", "already_given", "sex", "weighed_on", "weight_source", "creatinine",
                       "egfr_formula", "gestational_age")
#: The engine's field names, as this API calls them.
API_NAMES = {
    "weight": "weight.value", "weight_unit": "weight.unit",
    "height": "height.value", "height_unit": "height.unit",
    "start": "start_date", "age_years": "age.years", "age_months": "age.months",
    "creatinine_on": "creatinine.measured_on", "gestation_weeks": "gestational_age.weeks",
    "gestation_days": "gestational_age.days",
}


#: The most entries a list or object of the body may hold: no field needs
#: more than one entry per regimen.
MAX_ENTRIES = 64


class _BadBody(Exception):
    pass


class _Number:
    """A JSON number as written, kept as text: it becomes a `Decimal` only
    through `decimal_from_text`, the same bounded rule (7 digits before the
    point, 6 after, no sign or exponent) as a number typed in the form, so
    that no digit string or exponent of any size reaches a conversion."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class _Object(dict):
    """A JSON object that remembers the keys it was given more than once."""

    duplicates: tuple[str, ...] = ()

    @classmethod
    def from_pairs(cls, pairs: list[tuple[str, Any]]) -> _Object:
        obj = cls(pairs)
        if len(obj) < len(pairs):
            seen: set[str] = set()
            obj.duplicates = tuple(dict.fromkeys(k for k, _ in pairs if k in seen or seen.add(k)))
        return obj


def _reject_constant(name: str) -> None:
    raise _BadBody(f"{name} is not a number JSON allows")


def decode_body(raw: bytes) -> Any:
    """The body as JSON: objects as `_Object`, numbers as `_Number`;
    `_BadBody` if it is not UTF-8 JSON."""
    try:
        return json.loads(raw.decode("utf-8"), parse_float=_Number, parse_int=_Number,
                          parse_constant=_reject_constant, object_pairs_hook=_Object.from_pairs)
    except UnicodeDecodeError as err:
        raise _BadBody(f"the body is not UTF-8 text ({err.reason} at byte {err.start})") from err
    except (ValueError, RecursionError) as err:
        raise _BadBody(f"the body is not valid JSON ({err})") from err


class _Place:
    """Where a value sits in the body: its parent's place and its key or
    index; named (`overrides.ivig`, `regimens[0]`) only when at fault."""

    __slots__ = ("parent", "step")

    def __init__(self, parent: _Place | None, step: str | int) -> None:
        self.parent, self.step = parent, step

    def name(self, last: str | int | None = None) -> str:
        steps: list[str | int] = [] if last is None else [last]
        place: _Place | None = self
        while place is not None and place.parent is not None:
            steps.append(place.step)
            place = place.parent
        text = ""
        for step in reversed(steps):
            text += f"[{step}]" if isinstance(step, int) else (f".{echo(step)}" if text else echo(step))
        return text or "(body)"


def structure_errors(data: Any) -> list[FieldError]:
    """Every key given twice, every list or object of more than
    `MAX_ENTRIES` entries and every text that `text_problem` refuses,
    anywhere in the decoded body (up to `MAX_ERRORS` of them), named by its path (`overrides.ivig`,
    `regimens[0]`), with names from the body cut by `echo`."""
    errors: list[FieldError] = []
    stack: list[tuple[_Place, Any]] = [(_Place(None, ""), data)]
    while stack and len(errors) < MAX_ERRORS:
        place, value = stack.pop()
        if isinstance(value, str):
            problem = text_problem(value)
            if problem:
                errors.append(FieldError(place.name(), problem))
        elif isinstance(value, list | dict) and len(value) > MAX_ENTRIES:
            errors.append(FieldError(place.name(), f"holds more than {MAX_ENTRIES} entries"))
        elif isinstance(value, list):
            stack.extend((_Place(place, i), item) for i, item in reversed(list(enumerate(value))))
        elif isinstance(value, _Object):
            errors.extend(FieldError(place.name(key), "is given more than once") for key in value.duplicates)
            for key, item in reversed(value.items()):
                problem = text_problem(key)
                if problem:
                    errors.append(FieldError(place.name(key), f"this name {problem}"))
                stack.append((_Place(place, key), item))
    return errors


#: Engine field prefixes of per-regimen fields, and the API's names for them.
PER_REGIMEN = {"dose.": ("overrides.", ".dose"), "start.": ("start_dates.", ""),
               "product.": ("products.", "")}


def _api_name(engine_name: str) -> str:
    for prefix, (before, after) in PER_REGIMEN.items():
        if engine_name.startswith(prefix):
            return f"{before}{engine_name[len(prefix):]}{after}"
    return API_NAMES.get(engine_name, engine_name)


def _errors(errors: list[FieldError], status: int, growth: GrowthCheck | None = None):
    shown = [{"field": e.field, "message": e.message} for e in errors[:MAX_ERRORS]]
    if len(errors) >= MAX_ERRORS:
        shown.append({"field": "(body)", "message": f"only the first {MAX_ERRORS} problems are listed"})
    body: dict[str, Any] = {"errors": shown}
    if growth is not None:
        body.update(growth_json(growth))
    return json_response(body, status)


class _Fields:
    """Typed reads from the decoded body, collecting errors under the API's
    field names."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def fail(self, field: str, message: str) -> None:
        self.errors.append(FieldError(field, message))

    def number(self, value: Any, field: str, whole: bool = False) -> Decimal | None:
        if not isinstance(value, _Number):
            self.fail(field, "must be a JSON number" + (" (whole)" if whole else ""))
            return None
        number = decimal_from_text(field, value.text)
        if isinstance(number, FieldError):
            self.errors.append(number)
            return None
        if whole and number != number.to_integral_value():
            self.fail(field, "must be a whole number")
            return None
        return number

    def measure(self, data: dict, key: str, units: str) -> tuple[Decimal | None, str | None]:
        raw = data.get(key)
        if not isinstance(raw, dict) or set(raw) != {"value", "unit"}:
            self.fail(key, f'must be an object {{"value": number, "unit": {units}}}')
            return None, None
        unit = raw["unit"]
        if not isinstance(unit, str):
            self.fail(f"{key}.unit", f"must be one of {units}")
            unit = None
        return self.number(raw["value"], f"{key}.value"), unit

    def text(self, data: dict, key: str, default: str | None) -> str | None:
        """The string `key`, or `default` when it is absent (or, with its
        error recorded, when it is not a string). An empty string is kept:
        the engine refuses it as it refuses any other value not allowed."""
        value = data.get(key, default)
        if value is not None and not isinstance(value, str):
            self.fail(key, "must be a string")
            return default
        return value

    def whole_pair(self, data: dict, key: str, names: tuple[str, str]) -> tuple[int | None, int | None]:
        """An optional object of two whole numbers, such as age {"years", "months"}."""
        raw = data.get(key)
        if key not in data:
            return None, None
        if not isinstance(raw, dict) or set(raw) != set(names):
            self.fail(key, f'must be an object {{"{names[0]}": whole number, "{names[1]}": whole number}}')
            return None, None
        values = (self.number(raw[name], f"{key}.{name}", whole=True) for name in names)
        first, second = (None if v is None else int(v) for v in values)
        return first, second

    def per_regimen(self, data: dict, key: str, shape: str) -> dict[str, Any]:
        """An object keyed by regimen id, or {} with an error."""
        value = data.get(key, {})
        if not isinstance(value, dict):
            self.fail(key, f'must be an object {{"<regimen id>": {shape}}}')
            return {}
        return value

    def date(self, value: Any, field: str) -> date | None:
        if not isinstance(value, str) or value != value.strip():
            self.fail(field, "must be a date written YYYY-MM-DD, e.g. 2027-01-31")
            return None
        parsed = date_from_text(field, value)
        if isinstance(parsed, FieldError):
            self.errors.append(parsed)
            return None
        return parsed


def parse_body(raw: bytes) -> tuple[PlanRequest | None, list[FieldError]]:
    """The request body as a `PlanRequest` (None when weight or height is
    unusable, or when the body holds text that may not be used) and the
    errors found; `_BadBody` if it is no JSON object.
    A field of the wrong type is replaced by its default so that the engine
    can still report on every other field."""
    data = decode_body(raw)
    if not isinstance(data, dict):
        raise _BadBody("the body must be a JSON object")
    refused = structure_errors(data)
    if refused:
        return None, refused
    f = _Fields()
    for key in sorted(set(data) - FIELDS)[:MAX_ERRORS]:
        f.fail(echo(key), f"unknown field; allowed: {', '.join(sorted(FIELDS))}")
    for key in NULL_IS_NOT_DEFAULT:
        if key in data and data[key] is None:
            f.fail(key, "must not be null: leave the field out to use its default")
            del data[key]
    weight, weight_unit = f.measure(data, "weight", '"kg", "g" or "lb"')
    height, height_unit = f.measure(data, "height", '"cm", "m" or "in"')
    start: date | None = clinic_today()
    if "start_date" in data:
        text = f.text(data, "start_date", None)
        parsed = date_from_text("start_date", text) if text is not None else None
        if text is not None and text != text.strip():
            parsed = FieldError("start_date", "must be a date written YYYY-MM-DD, with no spaces")
        if isinstance(parsed, FieldError):
            f.errors.append(parsed)
            parsed = None
        start = parsed
    formula = f.text(data, "bsa_formula", "mosteller")
    regimens = data.get("regimens")
    if regimens is not None and (not isinstance(regimens, list)
                                 or not all(isinstance(r, str) for r in regimens)):
        f.fail("regimens", "must be a list of regimen ids")
        regimens = None
    overrides: dict[str, Decimal] = {}
    raw_overrides = data.get("overrides", {})
    if not isinstance(raw_overrides, dict):
        f.fail("overrides", 'must be an object {"<regimen id>": {"dose": number}}')
        raw_overrides = {}
    for rid, spec in raw_overrides.items():
        if not isinstance(spec, dict) or set(spec) != {"dose"}:
            f.fail(f"overrides.{rid}.dose", 'must be an object {"dose": number}')
            continue
        dose = f.number(spec["dose"], f"overrides.{rid}.dose")
        if dose is not None:
            overrides[rid] = dose
    start_dates: dict[str, date] = {}
    for rid, text in f.per_regimen(data, "start_dates", '"YYYY-MM-DD"').items():
        first = f.date(text, f"start_dates.{echo(rid)}")
        if first is not None:
            start_dates[rid] = first
    products: dict[str, str] = {}
    for rid, product in f.per_regimen(data, "products", '"<product id>"').items():
        if isinstance(product, str):
            products[rid] = product
        else:
            f.fail(f"products.{echo(rid)}", "must be a product id (a string)")
    already_given: dict[str, Decimal] = {}
    for rid, value in f.per_regimen(data, "already_given", "number").items():
        amount = f.number(value, f"already_given.{echo(rid)}")
        if amount is not None:
            already_given[rid] = amount
    plan_id = f.text(data, "plan", None)
    weighed_on = f.date(data["weighed_on"], "weighed_on") if "weighed_on" in data else None
    weight_source = f.text(data, "weight_source", "measured")
    creatinine = creatinine_unit = creatinine_on = None
    if "creatinine" in data:
        raw = data["creatinine"]
        if not isinstance(raw, dict) or not {"value", "unit"} <= set(raw) <= {"value", "unit", "measured_on"}:
            f.fail("creatinine", 'must be an object {"value": number, "unit": "umol/L" or "mg/dL", '
                                 '"measured_on": "YYYY-MM-DD"}')
        else:
            creatinine = f.number(raw["value"], "creatinine.value")
            creatinine_unit = raw["unit"] if isinstance(raw["unit"], str) else None
            if creatinine_unit is None:
                f.fail("creatinine.unit", 'must be "umol/L" or "mg/dL"')
            if "measured_on" in raw:
                creatinine_on = f.date(raw["measured_on"], "creatinine.measured_on")
    egfr_formula = f.text(data, "egfr_formula", "ckid_u25")
    gestation_weeks, gestation_days = f.whole_pair(data, "gestational_age", ("weeks", "days"))
    age_years, age_months = f.whole_pair(data, "age", ("years", "months"))
    sex = f.text(data, "sex", None)
    confirm = data.get("confirm_implausible", False)
    if not isinstance(confirm, bool):
        f.fail("confirm_implausible", "must be true or false")
        confirm = False
    if weight is None or height is None:
        return None, f.errors
    return PlanRequest(
        weight=weight, weight_unit=weight_unit or "", height=height,
        height_unit=height_unit or "", start=start or clinic_today(),
        bsa_formula=formula,
        regimens=None if regimens is None else tuple(regimens),
        overrides=overrides, age_years=age_years, age_months=age_months, sex=sex,
        confirm_implausible=confirm, plan=plan_id, start_dates=start_dates, products=products,
        already_given=already_given, today=clinic_today(), weighed_on=weighed_on,
        weight_source=weight_source, creatinine=creatinine,
        creatinine_unit=creatinine_unit, creatinine_on=creatinine_on,
        egfr_formula=egfr_formula, gestation_weeks=gestation_weeks,
        gestation_days=gestation_days,
    ), f.errors


def growth_json(check: GrowthCheck, patient: Patient | None = None) -> dict[str, Any]:
    """`growth` (null when the check was not done) and `warnings`."""
    warnings = [{"code": w.code, "message": w.message} for w in check.warnings]
    if check.reference is None:
        return {"growth": None, "warnings": warnings}
    growth: dict[str, Any] = {"reference": check.reference, "bmi_kg_m2": check.bmi}
    if patient is not None:
        growth["age_used_months"] = patient.age_used_months
        growth["corrected_for_gestation"] = patient.corrected_for_gestation
    for m in check.measures:
        growth[f"{m.measure}_for_age_z"] = m.z
        growth[f"{m.measure}_for_age_percentile"] = m.percentile
    return {"growth": growth, "warnings": warnings}


def _measure_json(m: Measure | None, unit: str) -> dict[str, Any]:
    if m is None:
        return {"volume": None, "tablets": None, "deviation_percent": None}
    volume = None if m.volume is None else {
        "value": m.volume, "unit": "mL", "exact": m.volume_exact,
        "device": None if m.device is None else m.device.name, "measured_amount": m.measured,
        "vials": [{"size": size, "unit": unit, "count": count} for size, count in m.vials],
        "left_over": m.left_over}
    return {"volume": volume, "tablets": m.tablets, "measured_amount": m.measured,
            "deviation_percent": m.deviation_percent}


def infusion_json(infusion: Infusion | None, unit: str) -> dict[str, Any] | None:
    if infusion is None:
        return None
    dilution = infusion.dilution
    hydration = infusion.hydration
    return {
        "steps": [{"rate_ml_per_h": s.rate_ml_per_h, "minutes": s.minutes, "volume_ml": s.volume_ml}
                  for s in infusion.steps],
        "total_minutes": infusion.total_minutes,
        "dilution": None if dilution is None else {
            "fluid": dilution.fluid, "volume_ml": dilution.volume_ml,
            "concentration": dilution.concentration, "concentration_unit": f"{unit}/mL"},
        "hydration": None if hydration is None else {
            "fluid": hydration.fluid, "volume_ml": hydration.volume_ml, "minutes": hydration.minutes,
            "rate_ml_per_h": hydration.rate_ml_per_h},
    }


def _regimen_json(r: RegimenPlan) -> dict[str, Any]:
    regimen, given = r.regimen, r.administration
    unit = regimen.amount_unit
    use = given.product if given else None
    total = given.cumulative if given else None
    items = []
    for i in r.items:
        phase = regimen.phases[i.phase]
        items.append({
            "date": i.date.isoformat(), "until": None if i.until is None else i.until.isoformat(),
            "amount": i.amount, "unit": unit, "exact": i.exact, "capped": i.capped, "cap": phase.dose_cap,
            "phase": i.phase + 1, "frequency": phase.frequency, "condition": phase.condition,
            "doses_per_day": i.doses_per_day, "daily_amount": i.daily_amount,
            **_measure_json(given.measure_of(i) if given else None, unit),
            "infusion": infusion_json(given.infusion_of(i) if given else None, unit),
        })
    kidney = r.kidney
    return {
        "id": r.id, "drug": regimen.drug, "route": regimen.route, "frequency": regimen.frequency,
        "dosing_weight": None if r.dosing_weight is None else r.dosing_weight.kind,
        "dosing_weight_kg": None if r.dosing_weight is None else r.dosing_weight.kg,
        "kidney": None if kidney is None else {
            "percent": kidney.percent, "withhold": kidney.withhold, "not_given": kidney.not_given,
            "max_rate_mg_per_h": kidney.max_rate, "warnings": list(kidney.warnings)},
        "basis": regimen.basis, "dose_rule": r.dose_rule, "start_date": r.start.isoformat(),
        "overridden": r.overridden, "calculation": r.calculation(r.phase_doses[0]),
        "product": None if use is None else {
            "id": use.product.id, "name": use.product.name,
            "strength": f"{formatting.number(use.product.strength)} {use.product.strength_unit}"},
        "infusion": infusion_json(given.infusions[0] if given else None, unit),
        "cumulative": None if total is None else {
            "amount": total.amount, "unit": unit, "already_given": total.already_given,
            "per_basis": total.per_basis,
            "per_basis_unit": None if total.basis_unit is None else f"{unit}/{total.basis_unit}"},
        "notes": list(regimen.notes),
        "items": items,
    }


def plan_json(plan: Plan) -> dict[str, Any]:
    """The plan in the API's shape, numbers as exact decimals."""
    p = plan.patient
    record = plan.weight_record
    adjusted = [r.dosing_weight.adjusted for r in plan.regimens
                if r.dosing_weight and r.dosing_weight.adjusted]
    kidney = plan.kidney
    book = current_app.extensions["regimens"]
    body = {
        "plan": {"id": plan.definition.id, "name": plan.definition.name, "source": plan.definition.source},
        "regimen_file": {"version": book.version, "sha256": book.sha256},
        "patient": {"weight_kg": p.weight_kg, "height_cm": p.height_cm,
                    "bsa_m2": p.bsa_m2, "bsa_formula": p.bsa_formula,
                    "weighed_on": None if record is None else record.weighed_on.isoformat(),
                    "weight_source": None if record is None else record.source,
                    "ideal_weight_kg": None if plan.ideal is None else plan.ideal.kg,
                    "adjusted_weight_kg": adjusted[0] if adjusted else None},
        "kidney": None if kidney is None else {
            "creatinine_mg_dl": kidney.creatinine_mg_dl, "egfr": kidney.value, "formula": kidney.formula,
            "k": kidney.k, "calculation": kidney.text},
        **growth_json(plan.growth, p),
        "confirmed_implausible": plan.confirmed,
        "regimens": [_regimen_json(r) for r in plan.regimens],
    }
    body["warnings"] += [{"code": "patient_data", "message": n} for n in plan.notices]
    body["warnings"] += [{"code": "kidney", "message": f"{r.regimen.drug}: {rule.text}"}
                         for r in plan.regimens if r.kidney for rule in r.kidney.applied
                         if rule.action == "warn" and (rule.below is not None or rule.from_ is not None)]
    body["warnings"] += [{"code": "administration", "message": w}
                         for r in plan.regimens if r.administration for w in r.administration.warnings]
    return body


def plans_json(book: RegimenBook) -> dict[str, Any]:
    """Every plan and its regimens, so that a client need not read the file."""
    return {"regimen_file": {"version": book.version, "sha256": book.sha256},
            "default_plan": book.default_plan, "plans": [
        {"id": plan.id, "name": plan.name, "source": plan.source, "regimens": [
            {"id": e.id, "drug": e.regimen.drug, "route": e.regimen.route,
             "frequency": e.regimen.frequency, "basis": e.regimen.basis,
             "dose_rule": ("in phases: " if e.regimen.phased else "") + "; ".join(
                 formatting.amount(ph.dose, e.regimen.dose_unit) for ph in e.regimen.phases),
             "start_day": e.start_day,
             "overridable": e.regimen.overridable,
             "override_range": None if not e.regimen.overridable else {
                 "min": e.regimen.override_min, "max": e.regimen.override_max,
                 "unit": e.regimen.dose_unit},
             "products": [{"id": u.product.id, "name": u.product.name} for u in e.regimen.products]}
            for e in plan.entries]}
        for plan in book.plans.values()]}


def read_body() -> bytes:
    """The body, refused with 413 when over `MAX_CONTENT_LENGTH` whether
    its length was declared or it came in chunks (Werkzeug stops reading a
    chunked body at the limit, which would cut it rather than refuse it),
    and with 415 unless it is declared application/json in UTF-8."""
    data = request.get_data(cache=False)
    if (request.content_length is None and len(data) >= current_app.config["MAX_CONTENT_LENGTH"]
            and request.environ["wsgi.input"].read(1)):
        abort(413)
    if request.mimetype != "application/json" or \
            request.mimetype_params.get("charset", "utf-8").lower() != "utf-8":
        raise UnsupportedMediaType("the body must be sent as Content-Type: application/json (UTF-8)")
    return data


@bp.post("/plan")
def plan():
    try:
        req, errors = parse_body(read_body())
    except _BadBody as err:
        return _errors([FieldError("(body)", str(err))], 400)
    growth = None
    if req is not None:
        try:
            result = compute_plan(current_app.extensions["regimens"], req, current_app.extensions["growth"])
        except InvalidInput as err:
            errors = merge_errors(errors, err.errors, _api_name)
            growth = err.growth
    if errors:
        return _errors(errors, 422, growth)
    return json_response(plan_json(result))


@bp.get("/plans")
def plans():
    """Every plan and its regimens (id, drug, route, dose rule, override range)."""
    return json_response(plans_json(current_app.extensions["regimens"]))


@bp.get("/openapi.json")
def openapi():
    """The API's contract (`app/openapi.py`)."""
    return json_response(document(current_app.extensions["regimens"]))
