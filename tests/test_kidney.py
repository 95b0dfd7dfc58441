"""Creatinine, eGFR and kidney rules against the clinical reference (section G).

Figures: the CKiD U25 published test cases (R3); the case patient (girl,
3 years 6 months, 96 cm) computed by hand; the methotrexate and IVIG rules
of the reference's table.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.dosing.file_fields import FieldReader
from app.dosing.kidney import (
    NOT_GIVEN,
    KidneyRule,
    KidneyRuleError,
    apply_kidney_rules,
    ckid_u25_k,
    creatinine_mg_dl,
    egfr,
    outcome_without_egfr,
    read_kidney_rules,
)
from app.dosing.toml_source import read_toml

D = Decimal

#: Section G: methotrexate (R5) and IVIG (I5) rules.
METHOTREXATE = (
    KidneyRule("withhold", "R5", below=D(10)),
    KidneyRule("percent", "R5", from_=D(10), below=D(20), percent=D(50)),
    KidneyRule("warn", "R5", from_=D(20), below=D(50),
               message="50 to 100% of the dose, prescriber decides"),
)
IVIG = (KidneyRule("max_rate", "I5", below=D(60), max_rate=D("3.3"), max_rate_unit="mg/kg/min"),)


@pytest.mark.parametrize(("sex", "years", "height_m", "creatinine", "expected"), [
    ("male", 11, "1.2", "0.9", "51.6"),
    ("female", 11, "1.2", "0.9", "47.8"),
    ("male", 15, "1.6", "1.9", "37.5"),
    ("female", 15, "1.6", "1.9", "32.5"),
    ("male", 20, "1.81", "2.1", "43.8"),
    ("female", 20, "1.81", "2.1", "35.7"),
])
def test_ckid_u25_published_test_cases(sex, years, height_m, creatinine, expected):
    """The CKiD study group's test cases (R3), as listed in section G."""
    result = egfr("ckid_u25", D(creatinine), D(height_m) * 100, sex, years, 0)
    assert result.value == D(expected)
    assert result.formula == "ckid_u25"


@pytest.mark.parametrize(("sex", "years", "months", "k"), [
    # 39.0 / 1.008 = 38.6904…; 36.1 / 1.008 = 35.8134…
    ("male", 11, 0, "38.690"), ("female", 11, 0, "35.813"),
    # 39.0 × 1.045³ = 39.0 × 1.141166125 = 44.5054…; 36.1 × 1.023³ = 38.6486…
    ("male", 15, 0, "44.505"), ("female", 15, 0, "38.649"),
    # At 12 the exponent is 0; from 18 the constants.
    ("male", 12, 0, "39"), ("female", 12, 0, "36.1"),
    ("male", 18, 0, "50.8"), ("female", 25, 0, "41.4"),
    # The case patient: 36.1 × 1.008^(−8.5) = 36.1 × 0.934513… = 33.7359…
    ("female", 3, 6, "33.736"),
])
def test_ckid_u25_k_by_hand(sex, years, months, k):
    assert ckid_u25_k(sex, years, months) == D(k)


def test_ckid_u25_k_just_below_18_uses_the_adolescent_formula():
    """17 y 11 m, male: 39.0 × 1.045^(5 + 11/12) = 39.0 × 1.297492… = 50.602
    (by hand: ln 1.045 = 0.0440169, × 5.91667 = 0.260433, e^0.260433 = 1.297492)."""
    assert ckid_u25_k("male", 17, 11) == D("50.602")


@pytest.mark.parametrize(("creatinine", "unit"), [("0.35", "mg/dL"), ("31", "umol/L")])
def test_case_patient_egfr(creatinine, unit):
    """Girl 3 y 6 m, 96 cm: 31 µmol/L ÷ 88.4 = 0.3507 → 0.35 mg/dL;
    CKiD U25 33.736 × 0.96 ÷ 0.35 = 92.533 → 92.5;
    bedside Schwartz 0.413 × 96 ÷ 0.35 = 113.28 → 113.3."""
    mg_dl = creatinine_mg_dl(D(creatinine), unit)
    assert mg_dl == D("0.35")
    ckid = egfr("ckid_u25", mg_dl, D("96.0"), "female", 3, 6)
    assert (ckid.value, ckid.k, ckid.height_m, ckid.creatinine_mg_dl) == (D("92.5"), D("33.736"),
                                                                          D("0.96"), D("0.35"))
    assert ckid.text == "CKiD U25: K 33.736 × 0.96 m ÷ 0.35 mg/dL = 92.5 mL/min/1.73 m²"
    bedside = egfr("bedside_schwartz", mg_dl, D("96.0"))
    assert (bedside.value, bedside.k) == (D("113.3"), D("0.413"))
    assert bedside.text == "bedside Schwartz: 0.413 × 96 cm ÷ 0.35 mg/dL = 113.3 mL/min/1.73 m²"


@pytest.mark.parametrize(("value", "unit", "mg_dl"), [
    ("88.4", "umol/L", "1"),
    ("44.2", "umol/L", "0.5"),
    ("0.0442", "mol/m**3", "0.5"),  # 0.0442 mol/m³ = 44.2 µmol/L
    ("3.5", "mg/L", "0.35"),
    ("0.345", "mg/dL", "0.35"),   # half-up
    ("0.3449", "mg/dL", "0.34"),
    ("1.2", "micromole / litre", "0.01"),  # 1.2 ÷ 88.4 = 0.01357…
])
def test_creatinine_conversion_by_dimension(value, unit, mg_dl):
    assert creatinine_mg_dl(D(value), unit) == D(mg_dl)


def test_creatinine_factor_is_a_parameter():
    """A factor of 88.42 (molar mass 113.12 g/mol): 31 ÷ 88.42 = 0.3506 → 0.35;
    44.21 ÷ 88.42 = 0.5."""
    assert creatinine_mg_dl(D("44.21"), "umol/L", umol_per_mg_dl=D("88.42")) == D("0.5")


@pytest.mark.parametrize(("value", "unit", "says"), [
    ("31", "kg", "umol/L or mg/dL"),
    ("31", "mmol/L", "umol/L or mg/dL"),  # no prefixes in the registry: refused, not guessed
    ("31", "", "umol/L or mg/dL"),
    ("31", "mg", "umol/L or mg/dL"),
    ("0", "mg/dL", "above zero"),
    ("-1", "mg/dL", "above zero"),
    ("0.004", "mg/dL", "below 0.005 mg/dL"),
    ("1E+999999", "mg/dL", "too large"),
])
def test_creatinine_refusals(value, unit, says):
    with pytest.raises(ValueError, match=says):
        creatinine_mg_dl(D(value), unit)


@pytest.mark.parametrize(("sex", "years", "months", "says"), [
    ("male", 0, 11, "ages 1 to 25"),
    ("female", 25, 1, "ages 1 to 25"),
    ("other", 5, 0, "female or male"),
    (None, 5, 0, "age .* and sex"),
    ("male", None, 0, "age .* and sex"),
])
def test_ckid_u25_refusals(sex, years, months, says):
    with pytest.raises(ValueError, match=says):
        egfr("ckid_u25", D("0.5"), D(100), sex, years, months)


def test_ckid_u25_age_limits_are_inclusive():
    assert egfr("ckid_u25", D("0.5"), D(80), "male", 1, 0).value > 0
    assert egfr("ckid_u25", D("0.5"), D(180), "male", 25, 0).value == D("182.9")  # 50.8 × 1.8 ÷ 0.5


def test_bedside_schwartz_needs_no_age_or_sex():
    # 0.413 × 120 ÷ 0.6 = 82.6
    assert egfr("bedside_schwartz", D("0.6"), D(120)).value == D("82.6")


def test_unknown_formula_refused():
    with pytest.raises(ValueError, match="ckid_u25, bedside_schwartz"):
        egfr("cockcroft", D("0.5"), D(100))


@pytest.mark.parametrize(("value", "withhold", "percent", "warned"), [
    ("9.9", True, None, False),
    ("10", False, D(50), False),
    ("19.9", False, D(50), False),
    ("20", False, None, True),
    ("49.9", False, None, True),
    ("50", False, None, False),
    ("113.3", False, None, False),
])
def test_methotrexate_rules_at_each_boundary(value, withhold, percent, warned):
    outcome = apply_kidney_rules(METHOTREXATE, D(value))
    assert outcome.withhold is withhold
    assert outcome.percent == percent
    assert outcome.max_rate is None
    assert not outcome.not_given
    expected = ("eGFR 20 to below 50 mL/min/1.73 m²: 50 to 100% of the dose, prescriber decides",)
    assert outcome.warnings == (expected if warned else ())


def test_rules_without_egfr_say_kidney_function_not_given():
    outcome = apply_kidney_rules(METHOTREXATE, None)
    assert outcome == (False, None, None, (NOT_GIVEN,), True, ())
    assert NOT_GIVEN == "kidney function not given: check before each dose"


def test_no_rules_no_line():
    assert apply_kidney_rules((), None) == (False, None, None, (), False, ())


@pytest.mark.parametrize(("value", "limited"), [("59.9", True), ("60", False), (None, False)])
def test_ivig_max_rate_below_60(value, limited):
    """3.3 mg/kg/min = 198 mg/kg/h; × 67.72 kg = 13,408.56 mg/h."""
    outcome = apply_kidney_rules(IVIG, None if value is None else D(value), weight_kg=D("67.72"))
    assert outcome.max_rate == (D("13408.56") if limited else None)
    assert IVIG[0].max_rate_mg_h == D(198) and IVIG[0].max_rate_per_kg


def test_pamidronate_rules():
    """Below 30 warn; below 60 no faster than 20 mg/h; always the check."""
    check = ("Check serum creatinine before each dose; withhold if it has risen by 0.5 mg/dL "
             "(baseline below 1.4) or 1.0 mg/dL (baseline 1.4 or more).")
    rules = (
        KidneyRule("warn", "A5", below=D(30), message="not recommended in severe kidney impairment"),
        KidneyRule("max_rate", "A2", below=D(60), max_rate=D(20), max_rate_unit="mg/h"),
        KidneyRule("warn", "A5", message=check),
    )
    at_25 = apply_kidney_rules(rules, D(25))
    assert at_25.max_rate == D(20)
    assert at_25.warnings == ("eGFR below 30 mL/min/1.73 m²: not recommended in severe kidney impairment",
                              check)
    unknown = apply_kidney_rules(rules, None)
    assert unknown.warnings == (NOT_GIVEN, check) and unknown.max_rate is None
    assert apply_kidney_rules(rules, D(60)).warnings == (check,)


def test_each_regimens_outcome_without_egfr_is_worked_out_once(book):
    for regimen in book.regimens.values():
        if regimen.kidney_rules:
            assert regimen.kidney_without_egfr == apply_kidney_rules(regimen.kidney_rules, None, D("23.45"))
        else:
            assert regimen.kidney_without_egfr is None


def test_no_outcome_without_egfr_when_an_unbounded_rule_needs_the_weight():
    per_kg = KidneyRule("max_rate", "x", max_rate=D(3), max_rate_unit="mg/kg/min")
    assert outcome_without_egfr((per_kg,)) is None
    assert outcome_without_egfr(IVIG) == apply_kidney_rules(IVIG, None)


def test_lowest_rate_and_percent_win():
    rules = (KidneyRule("max_rate", "x", below=D(60), max_rate=D(1), max_rate_unit="g/h"),
             KidneyRule("max_rate", "x", below=D(30), max_rate=D(10), max_rate_unit="mg/kg/min"),
             KidneyRule("percent", "x", below=D(30), percent=D(75)),
             KidneyRule("percent", "x", below=D(20), percent=D(50)))
    # 10 mg/kg/min × 60 × 1 kg = 600 mg/h < 1,000 mg/h
    assert apply_kidney_rules(rules, D(15), weight_kg=D(1)).max_rate == D(600)
    assert apply_kidney_rules(rules, D(15), weight_kg=D(1)).percent == D(50)
    # × 2 kg = 1,200 mg/h > 1,000 mg/h
    assert apply_kidney_rules(rules, D(25), weight_kg=D(2)).max_rate == D(1000)
    with pytest.raises(ValueError, match="dosing weight"):
        apply_kidney_rules(rules, D(25))


def test_rule_texts():
    assert [r.text for r in METHOTREXATE] == [
        "eGFR below 10 mL/min/1.73 m²: do not give",
        "eGFR 10 to below 20 mL/min/1.73 m²: 50% of the dose",
        "eGFR 20 to below 50 mL/min/1.73 m²: 50 to 100% of the dose, prescriber decides",
    ]
    assert IVIG[0].text == "eGFR below 60 mL/min/1.73 m²: infuse no faster than 3.3 mg/kg/min"
    assert KidneyRule("warn", "x", from_=D(90), message="m").text == "eGFR 90 mL/min/1.73 m² or above: m"


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"action": "halve"}, "action"),
    ({"action": "percent"}, "percent"),
    ({"action": "warn"}, "message"),
    ({"action": "max_rate"}, "max_rate"),
    ({"action": "withhold", "percent": D(50)}, "percent"),
    ({"action": "percent", "percent": D(150)}, "percent"),
    ({"action": "withhold", "from_": D(20), "below": D(10)}, "from"),
    ({"action": "withhold", "from_": D(10), "below": D(10)}, "from"),
    ({"action": "max_rate", "max_rate": D(1), "max_rate_unit": "mL/h"}, "max_rate"),
    ({"action": "max_rate", "max_rate": D(1), "max_rate_unit": "mg"}, "max_rate"),
    ({"action": "max_rate", "max_rate": D(1), "max_rate_unit": "1/min"}, "max_rate"),
    ({"action": "max_rate", "max_rate": D(1), "max_rate_unit": "furlongs"}, "max_rate"),
])
def test_inconsistent_rules_refused(kwargs, field):
    with pytest.raises(KidneyRuleError) as err:
        KidneyRule(source="x", **kwargs)
    assert err.value.field == field


RULES_TOML = b"""\
[[regimens.methotrexate.kidney]]
below = 10
action = "withhold"
source = "The Renal Drug Handbook (R5)"

[[regimens.methotrexate.kidney]]
from = 10
below = 20
action = "percent"
percent = 50
source = "R5"

[[regimens.methotrexate.kidney]]
from = 20
below = 50
action = "warn"
message = "50 to 100% of the dose, prescriber decides"
source = "R5"

[regimens.ivig]
kidney = [
  { below = 60, action = "max_rate", max_rate = { value = 3.3, unit = "mg/kg/min" }, source = "I5" },
]
"""


def _read(content: bytes, regimen: str):
    document = read_toml(content, "regimens.toml")
    rd = FieldReader("regimens.toml", document)
    path = ("regimens", regimen, "kidney")
    rules = read_kidney_rules(rd, document.data["regimens"][regimen]["kidney"], path)
    return rules, [str(p) for p in rd.problems]


def test_read_rules_from_the_file():
    rules, problems = _read(RULES_TOML, "methotrexate")
    assert problems == []
    assert rules == (KidneyRule("withhold", "The Renal Drug Handbook (R5)", below=D(10)),
                     *METHOTREXATE[1:])
    ivig, problems = _read(RULES_TOML, "ivig")
    assert problems == [] and ivig[0].max_rate_mg_h == D(198)


@pytest.mark.parametrize(("rule", "expected"), [
    ('{ below = 10, action = "stop", source = "x" }',
     "regimens.toml:3: regimens.r.kidney.0.action: must be one of withhold, percent, warn, max_rate, "
     "not 'stop'"),
    ('{ below = 10, action = "warn", source = "x" }',
     "regimens.toml:3: regimens.r.kidney.0.message: is needed for action 'warn'"),
    ('{ below = 10, action = "withhold" }',
     "regimens.toml:3: regimens.r.kidney.0.source: required text is missing or empty"),
    ('{ below = -1, action = "withhold", source = "x" }',
     "regimens.toml:3: regimens.r.kidney.0.below: must be a plain decimal above zero with at most 7 "
     "digits before the point and 6 after, such as 0.5 or 1200"),
    ('{ below = 10, action = "withhold", sauce = "x", source = "x" }',
     "regimens.toml:3: regimens.r.kidney.0.sauce: unknown field; allowed: action, below, from, "
     "max_rate, message, percent, source"),
    ('{ below = 60, action = "max_rate", max_rate = { value = 20, unit = "mL/h" }, source = "x" }',
     "regimens.toml:3: regimens.r.kidney.0.max_rate: unit must be a mass per time such as mg/h, "
     "or per kg per time such as mg/kg/min, not 'mL/h'"),
    ('{ from = 20, below = 10, action = "withhold", source = "x" }',
     "regimens.toml:3: regimens.r.kidney.0.from: must be below `below` (10)"),
])
def test_faulty_rules_named_with_file_line_and_field(rule, expected):
    content = f"[regimens.r]\nkidney = [\n  {rule},\n]\n".encode()
    rules, problems = _read(content, "r")
    assert rules is None
    assert problems == [expected]


def test_kidney_must_be_a_list():
    rules, problems = _read(b'[regimens.r]\nkidney = "none"\n', "r")
    assert rules is None
    assert problems[0].startswith("regimens.toml:2: regimens.r.kidney: must be a list of rules")


@given(st.decimals(min_value=D("0.1"), max_value=D(15), places=2),
       st.decimals(min_value=D("0.01"), max_value=D(5), places=2),
       st.decimals(min_value=D(40), max_value=D(200), places=1))
def test_egfr_falls_as_creatinine_rises(low, step, height):
    high = low + step
    for formula, args in (("ckid_u25", ("female", 9, 4)), ("bedside_schwartz", ())):
        assert egfr(formula, high, height, *args).value <= egfr(formula, low, height, *args).value
