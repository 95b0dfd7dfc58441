"""From milligrams to millilitres: products, measured volumes, tablets,
vials, infusion rates and cumulative doses, against figures computed by hand
from clinical-reference.md, second edition, sections A to D (issue 14)."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_regimen_file import edited, problems_for

from app.dosing import InvalidInput, PlanRequest, compute_plan, load_regimens
from app.dosing.growth_references import load_references
from app.dosing.infusions import InfusionRule, RateStep, infuse
from app.dosing.measuring import measure
from app.dosing.products import Device, Product, ProductUse

D = Decimal
START = date(2027, 1, 31)
REFERENCES = load_references()


def case(book, weight="14", height="96", **kw):
    return compute_plan(book, PlanRequest(D(weight), "kg", D(height), "cm", START, **kw), REFERENCES)


def given_as(result, rid):
    r = next(r for r in result.regimens if r.id == rid)
    return r, r.administration


def test_case_patient_measures(book):
    result = case(book)
    _, mtx = given_as(result, "methotrexate")
    m = mtx.measures[0]
    # 9 mg ÷ 25 mg/mL = 0.36 mL in a 1 mL syringe (0.01 mL steps): 9 mg.
    assert (m.volume, m.device.name, m.measured) == (D("0.36"), "1 mL syringe", 9)
    _, pred = given_as(result, "prednisolone")
    # 28, 21, 14, 11, 7, 5, 3 mg ÷ 3 mg/mL.
    assert [(m.volume, m.device.name, m.measured) for m in pred.measures] == [
        (D("9.4"), "10 mL syringe", D("28.2")), (7, "10 mL syringe", 21),
        (D("4.7"), "5 mL syringe", D("14.1")),
        (D("3.7"), "5 mL syringe", D("11.1")), (D("2.3"), "5 mL syringe", D("6.9")),
        (D("1.7"), "5 mL syringe", D("5.1")), (1, "1 mL syringe", 3)]
    _, pam = given_as(result, "pamidronate")
    assert (pam.measures[0].volume, pam.measures[0].device.name, pam.measures[0].measured) == (
        D("4.7"), "5 mL syringe", D("14.1"))
    _, cyc = given_as(result, "cyclophosphamide")
    assert (cyc.measures[0].volume, cyc.measures[0].device.name, cyc.measures[0].measured) == (
        D("15.5"), "20 mL syringe", 310)


def test_case_patient_immunoglobulin_from_its_bottles(book):
    _, ivig = given_as(case(book), "ivig")
    m = ivig.measures[0]
    # 28 g ÷ 100 mg/mL = 280 mL, more than any syringe: from the bottles, to 1 mL.
    assert (m.volume, m.device, m.measured) == (280, None, 28)
    # Vials of 2.5, 5, 10, 20, 40 g: 30 g is the least above 28 g; 20 + 10 the fewest.
    assert (m.vials, m.left_over) == (((20, 1), (10, 1)), 2)
    steps = ivig.infusions[0].steps
    # 1, 2, 4 mg/kg/min x 14 kg x 60 ÷ 100 mg/mL = 8.4, 16.8, 33.6 mL/h.
    assert [(s.rate_ml_per_h, s.minutes, s.volume_ml) for s in steps] == [
        (D("8.4"), 30, D("4.2")), (D("16.8"), 30, D("8.4")), (D("33.6"), 478, D("267.4"))]
    assert ivig.infusions[0].total_minutes == 538


def test_case_patient_pamidronate_and_cyclophosphamide_infusions(book):
    result = case(book)
    infusion = given_as(result, "pamidronate")[1].infusions[0]
    # 14.1 mg in 50 mL = 0.282 mg/mL (at most 0.36), over 4 hours: 12.5 mL/h.
    assert (infusion.dilution.volume_ml, infusion.dilution.concentration) == (50, D("0.282"))
    assert [(s.rate_ml_per_h, s.minutes) for s in infusion.steps] == [(D("12.5"), 240)]
    cyc = given_as(result, "cyclophosphamide")[1]
    # Hydration 750 mL/m² x 0.61 m² = 457.5 -> 458 mL over 1 hour; then 100 mL over 60 minutes.
    assert (cyc.infusions[0].hydration.volume_ml, cyc.infusions[0].hydration.minutes) == (458, 60)
    assert [(s.rate_ml_per_h, s.minutes) for s in cyc.infusions[0].steps] == [(100, 60)]
    # 6 x 310 mg = 1,860 mg; ÷ 0.61 m² = 3,049.2 -> 3,049 mg/m².
    assert (cyc.cumulative.amount, cyc.cumulative.per_basis) == (1860, 3049)
    assert not cyc.cumulative.reaches_threshold and not cyc.warnings


def test_open_ended_regimen_has_no_cumulative_dose_and_notes_are_printed(book):
    r, pred = given_as(case(book), "prednisolone")
    assert pred.cumulative is None
    assert r.regimen.notes == ("Calcium and vitamin D as per local protocol.",)


def test_override_pushes_cyclophosphamide_past_its_threshold(book):
    # 700 mg/m² x 0.61 = 427 mg -> 430 mg; 430 ÷ 20 = 21.5 mL, more than 20 mL: a 50 mL
    # syringe in 1 mL steps, 22 mL = 440 mg. 6 x 440 = 2,640 mg ÷ 0.61 = 4,327.9 -> 4,328 mg/m².
    cyc = given_as(case(book, overrides={"cyclophosphamide": D(700)}), "cyclophosphamide")[1]
    assert (cyc.measures[0].volume, cyc.measures[0].device.name, cyc.measures[0].measured) == (
        22, "50 mL syringe", 440)
    assert (cyc.cumulative.amount, cyc.cumulative.per_basis, cyc.cumulative.reaches_threshold) == (
        2640, 4328, True)
    assert any("4,328 mg/m²" in w and "4,000 mg/m²" in w for w in cyc.warnings)


def test_already_given_is_added_to_the_cumulative_dose(book):
    # 1,860 + 600 = 2,460 mg ÷ 0.61 = 4,032.8 -> 4,033 mg/m², past 4,000.
    cyc = given_as(case(book, already_given={"cyclophosphamide": D(600)}), "cyclophosphamide")[1]
    assert (cyc.cumulative.amount, cyc.cumulative.per_basis, cyc.cumulative.reaches_threshold) == (
        2460, 4033, True)


def test_volume_larger_than_the_largest_syringe(book):
    # sqrt(152.1 x 40 / 3600) = 1.3 m²; 1,000 mg/m² x 1.3 = 1,300 mg, capped at 1,200 mg;
    # 1,200 ÷ 20 mg/mL = 60 mL, above the 50 mL syringe: measured to 1 mL.
    cyc = given_as(case(book, weight="40", height="152.1", overrides={"cyclophosphamide": D(1000)}),
                   "cyclophosphamide")[1]
    assert (cyc.measures[0].volume, cyc.measures[0].device, cyc.measures[0].measured) == (60, None, 1200)


def test_tablets_whole_and_beyond_the_deviation_limit(book):
    _, pred = given_as(case(book, products={"prednisolone": "prednisolone_tablets_5"}), "prednisolone")
    # 28 ÷ 5 = 5.6 -> 6 tablets (30 mg); 21 -> 4 (20); 14 -> 3 (15); 11 -> 2 (10);
    # 7 -> 1 (5 mg, 28.6% below 7 mg); 5 -> 1; 3 -> 1 (5 mg for 2.8 mg intended, +78.6%).
    assert [(m.tablets, m.measured) for m in pred.measures] == [
        (6, 30), (4, 20), (3, 15), (2, 10), (1, 5), (1, 5), (1, 5)]
    assert [m.deviation_percent for m in pred.measures][4:] == [D("-28.6"), 2, D("78.6")]
    assert pred.warnings == (
        "prednisolone: 5 mg measured for 7 mg intended (−28.6%), more than 10% off",
        "prednisolone: 5 mg measured for 2.8 mg intended (+78.6%), more than 10% off")


def test_divisible_tablets_come_in_halves(tmp_path):
    path = tmp_path / "regimens.toml"
    path.write_text(edited('divisible = false', 'divisible = true'), encoding="utf-8")
    _, pred = given_as(case(load_regimens(path), products={"prednisolone": "prednisolone_tablets_5"}),
                       "prednisolone")
    # 28 ÷ 5 = 5.6 -> 5.5 tablets (27.5 mg); 11 ÷ 5 = 2.2 -> 2 (10 mg); 3 ÷ 5 = 0.6 -> 0.5 (2.5 mg).
    assert [(m.tablets, m.measured) for m in pred.measures][0::3] == [(D("5.5"), D("27.5")),
                                                                     (2, 10), (D("0.5"), D("2.5"))]


def test_a_product_of_another_regimen_is_refused(book):
    with pytest.raises(InvalidInput) as caught:
        case(book, products={"prednisolone": "ivig_10"})
    assert [e.field for e in caught.value.errors] == ["product.prednisolone"]


SYRINGES = tuple(Device(f"s{c}", f"{c} mL syringe", D(c), D(g))
                 for c, g in (("1", "0.01"), ("5", "0.1"), ("10", "0.2"), ("20", "0.5"), ("50", "1")))


def liquid(strength):
    return ProductUse(Product("p", "d", "p", "liquid", strength, "mg/mL", False, (), "s"), strength, ())


def test_a_volume_that_would_round_above_the_cap_takes_one_graduation_less():
    # 40 mg ÷ 3 mg/mL = 13.33 mL -> 20 mL syringe, 0.5 mL steps: 13.5 mL = 40.5 mg, above the
    # 40 mg cap, so 13 mL = 39 mg.
    m = measure(D(40), D(40), D(40), liquid(D(3)), SYRINGES)
    assert (m.volume, m.device.name, m.measured, m.deviation_percent) == (13, "20 mL syringe", 39, D("-2.5"))


@settings(max_examples=200, deadline=None)
@given(amount=st.decimals(min_value=D("0.1"), max_value=D(2000), places=1),
       headroom=st.decimals(min_value=0, max_value=D(50), places=1),
       strength=st.sampled_from([D(1), D(3), D(20), D(25), D(50), D(100)]))
def test_measured_never_above_cap_in_whole_graduations_of_the_smallest_device(amount, headroom, strength):
    cap = amount + headroom
    m = measure(amount, amount, cap, liquid(strength), SYRINGES)
    assert m.measured <= cap
    if m.device is None:
        assert m.volume_exact > SYRINGES[-1].capacity_ml and m.volume % 1 == 0
    else:
        assert m.volume % m.device.graduation_ml == 0 and m.volume <= m.device.capacity_ml
        smaller = [d for d in SYRINGES if d.capacity_ml < m.device.capacity_ml]
        assert all(d.capacity_ml < m.volume_exact for d in smaller)


IVIG_STEPS = InfusionRule((RateStep(D("0.06"), D(1), 30), RateStep(D("0.12"), D(2), 30),
                           RateStep(D("0.24"), D(4), None)), "mg/kg/min", None, None, (), None, None,
                          None, None, "s")


@settings(max_examples=200, deadline=None)
@given(weight=st.decimals(min_value=D("0.3"), max_value=D(250), places=2),
       grams=st.integers(min_value=1, max_value=100))
def test_a_rate_from_a_maximum_never_exceeds_it(weight, grams):
    volume = D(grams) * 10
    infusion = infuse(IVIG_STEPS, D(grams), volume, D("0.1"), weight, D(1), "g")
    for step, maximum in zip(infusion.steps, (1, 2, 4), strict=False):
        # mL/h x 100 mg/mL ÷ 60 ÷ kg, in mg/kg/min
        assert step.rate_ml_per_h * 100 / 60 / weight <= maximum
    assert sum(s.volume_ml for s in infusion.steps) == volume


@pytest.mark.parametrize("old,new,field", [
    ('strength = { value = 25, unit = "mg/mL"', 'strength = { value = 25, unit = "mg/kg"',
     "products.methotrexate_injection_25.strength.unit"),
    ('graduation = { value = 0.01, unit = "mL"', 'graduation = { value = 0, unit = "mL"',
     "devices.syringe_1_ml.graduation.value"),
    ('products = ["methotrexate_injection_25"]', 'products = ["methotrexate_pen_50"]',
     "regimens.methotrexate.products"),
    ('duration = { value = 4, unit = "h", source = "CHEO Parenteral Manual 2017 (A3): over 4 hours" }\n', '',
     "regimens.pamidronate.infusion"),
    ('cumulative_warning = { value = 4000, unit = "mg/m2"',
     'cumulative_warning = { value = 4000, unit = "mg/mL"',
     "regimens.cyclophosphamide.cumulative_warning.unit"),
])
def test_malformed_administration_is_refused(tmp_path, old, new, field):
    problems, path = problems_for(tmp_path, edited(old, new))
    assert field in [p.field for p in problems]
    assert all(p.line for p in problems)


def split_book(tmp_path, days):
    path = tmp_path / "regimens.toml"
    text = edited("every_months = 1, count = 9,", f"every_months = 1, count = 9, split_days = {days},")
    path.write_text(text, encoding="utf-8")
    return load_regimens(path)


def test_a_course_split_over_two_days(tmp_path):
    r, ivig = given_as(case(split_book(tmp_path, 2), weight="14.3", height="96"), "ivig")
    # 2 g/kg x 14.3 kg = 28.6 g a course; 28.6 ÷ 2 = 14.3 -> 14 g on each of two days.
    assert [(i.date, i.amount) for i in r.items[:4]] == [
        (date(2027, 1, 31), 14), (date(2027, 2, 1), 14), (date(2027, 2, 28), 14), (date(2027, 3, 1), 14)]
    assert len(r.items) == 18
    assert r.calculation(r.items[0]) == (
        "2 g/kg × 14.3 kg = 28.6 g; 28.6 g ÷ 2 days = 14.3 g a day, rounded to 14 g")
    # On the sheet each number keeps its unit, "2 days" included.
    assert r.calculation(r.items[0], "\u00a0") == (
        "2\u00a0g/kg × 14.3\u00a0kg = 28.6\u00a0g; 28.6\u00a0g ÷ 2\u00a0days = 14.3\u00a0g a day, "
        "rounded to 14\u00a0g")
    # 9 courses x 2 days x 14 g = 252 g.
    assert ivig.cumulative.amount == 252


def test_a_split_course_never_above_its_cap(tmp_path):
    r, _ = given_as(case(split_book(tmp_path, 3), weight="40", height="150"), "ivig")
    # 2 g/kg x 40 kg = 80 g, above 70 g; 70 ÷ 3 = 23.33 g a day -> 23 g (24 g would make 72 g).
    assert {(i.amount, i.capped) for i in r.items} == {(23, True)}
    assert 3 * r.items[0].amount <= 70


def test_a_split_longer_than_the_interval_is_refused(tmp_path):
    text = edited("every_days = 7, count = 52,", "every_days = 7, count = 52, split_days = 8,")
    problems, _ = problems_for(tmp_path, text)
    assert [p.field for p in problems] == ["regimens.methotrexate.schedule.split_days"]


def test_nih_cyclophosphamide_course_past_its_threshold(book):
    # 650 mg ÷ 20 mg/mL = 32.5 mL -> 33 mL in a 50 mL syringe = 660 mg; 980 mg = 49 mL.
    # 660 + 5 x 980 = 5,560 mg ÷ 1.3 m² = 4,276.9 -> 4,277 mg/m², past 4,000 mg/m².
    result = compute_plan(book, PlanRequest(D(40), "kg", D("152.1"), "cm", START, plan="lupus_nephritis_nih",
                                            regimens=("cyclophosphamide",)), REFERENCES)
    cyc = result.regimens[0].administration
    assert [(m.volume, m.measured) for m in cyc.measures] == [(33, 660), (49, 980)]
    assert (cyc.cumulative.amount, cyc.cumulative.per_basis, cyc.cumulative.reaches_threshold) == (
        5560, 4277, True)
