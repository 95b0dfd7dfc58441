"""A regimen file that `regimens check` accepts never makes a request fail
(issue 12, items 3 and 4), and the new shapes are refused when malformed
(issue 13): each with `file:line: field: message`."""

from datetime import date
from decimal import Decimal

import pytest
from test_regimen_file import SHIPPED, edited, line_number, problems_for

from app import create_app
from app.dosing import load_regimens
from app.dosing.bsa import FORMULAS

PAM = 'schedule = { every_months = 3, count = 4,'


def test_ten_thousand_years_of_pamidronate_is_refused(tmp_path):
    text = edited(PAM, 'schedule = { every_months = 120, count = 1000,')
    problems, path = problems_for(tmp_path, text)
    assert [p.field for p in problems] == ["regimens.pamidronate.schedule"]
    assert problems[0].line == line_number(text, "every_months = 120")
    assert "shorten the schedule" in problems[0].message


def test_800_phases_of_ten_years_are_refused(tmp_path):
    steps = "".join("[[regimens.prednisolone.phases]]\ndose = 2\nweeks = 520\n\n" for _ in range(800))
    text = edited("[[regimens.prednisolone.phases]]\ndose = 2\nweeks = 4\n", steps)
    problems, _ = problems_for(tmp_path, text)
    assert [p.field for p in problems] == ["regimens.prednisolone.phases"]
    assert "shorten the schedule" in problems[0].message


@pytest.mark.parametrize("written", ["1e28", "1e308", "1e999999", "1e27", "1e-30", "1E3", "inf", "nan",
                                     "100000000", "0.0000001", "12345678.5"])
def test_numbers_in_the_file_are_plain_bounded_decimals(tmp_path, written):
    text = edited('cap = { value = 70, unit = "g"', f'cap = {{ value = {written}, unit = "g"')
    problems, path = problems_for(tmp_path, text)
    assert [(p.file, p.line, p.field) for p in problems] == [
        (path, line_number(text, f"value = {written}"), "regimens.ivig.cap.value")]
    assert "plain decimal" in problems[0].message


def test_a_rounding_step_too_fine_for_typed_numbers_is_refused(tmp_path):
    problems, _ = problems_for(tmp_path, edited('round_to = { value = 1, unit = "g"',
                                                'round_to = { value = 1e-30, unit = "mg"'))
    assert [p.field for p in problems] == ["regimens.ivig.round_to.value"]


def test_divided_dose_whose_cap_per_dose_exceeds_the_daily_cap(tmp_path):
    text = edited('round_to = { value = 5, unit = "mg", source = "clinical-reference.md, section H: each',
                  'cap_per_dose = { value = 5000, unit = "mg", source = "x" }\n'
                  'round_to = { value = 5, unit = "mg", source = "clinical-reference.md, section H: each')
    problems, _ = problems_for(tmp_path, text)
    assert problems[0].field == "regimens.aspirin_kawasaki.cap_per_dose"
    assert problems[0].line == line_number(text, "cap_per_dose = { value = 5000")
    assert "exceeds the daily cap" in problems[0].message


def test_phase_without_duration_that_is_not_last(tmp_path):
    text = edited("doses_per_day = 4\ndays = 14\n", "doses_per_day = 4\n")
    problems, _ = problems_for(tmp_path, text)
    assert problems[0].field == "regimens.aspirin_kawasaki.phases.0"
    assert problems[0].line == line_number(text, "dose = 80") - 1


def test_offset_beyond_the_plan(tmp_path):
    # The CARRA plan's other regimens end with the 52nd weekly methotrexate, day 358.
    text = edited('"prednisolone_carra", start_day = 4', '"prednisolone_carra", start_day = 400')
    problems, _ = problems_for(tmp_path, text)
    assert [p.field for p in problems] == ["plans.jdm_carra_ivmp.regimens"]
    assert "prednisolone starts on day 400, after the plan has ended" in problems[0].message
    assert "by day 358" in problems[0].message


def test_fixed_dose_with_a_per_kg_unit(tmp_path):
    text = edited('dose = { value = 500, unit = "mg", source = "Houssiau',
                  'dose = { value = 500, unit = "mg/kg", source = "Houssiau')
    problems, _ = problems_for(tmp_path, text)
    assert [p.field for p in problems] == ["regimens.cyclophosphamide_eurolupus.dose.unit"]
    assert problems[0].line == line_number(text, 'unit = "mg/kg", source = "Houssiau')


def test_unknown_regimen_in_a_plan_entry(tmp_path):
    problems, _ = problems_for(tmp_path, edited('regimen = "aspirin_kawasaki"', 'regimen = "aspirin"'))
    assert [p.field for p in problems] == ["plans.kawasaki_aha2017.regimens"]


def test_the_shipped_file_loads_in_well_under_a_second():
    # The proof runs at every start-up; it is a few hundred small plans.
    import time

    started = time.perf_counter()
    book = load_regimens(SHIPPED and "regimens.toml")
    assert book.plans and time.perf_counter() - started < 1


def test_plan_start_plus_offset_is_within_the_proved_dates(book):
    entry = book.plans["jdm_carra_ivmp"].by_id["prednisolone"]
    assert entry.start_day == 4
    assert date(2099, 12, 31).toordinal() + 3 == date(2100, 1, 3).toordinal()
    assert Decimal(entry.regimen.phases[0].dose) == 2


EXTREMES = [(w, h, f) for w, h in (("0.3", "20"), ("250", "250"), ("0.3", "250"), ("250", "20"))
            for f in sorted(FORMULAS)]


def test_accepted_file_serves_every_plan_for_the_extreme_patients(tmp_path):
    """The shipped file, and one a pharmacy has pushed to the limits the
    check allows, answer 200 or a clean 422 naming a regimen for the
    extreme patients, from the earliest and latest accepted dates."""
    pushed = edited(PAM, 'schedule = { every_months = 12, count = 5,')
    path = tmp_path / "pushed.toml"
    path.write_text(pushed, encoding="utf-8")
    for regimens in (None, str(path)):
        app = create_app({"TESTING": True, **({"REGIMENS": regimens} if regimens else {})})
        client = app.test_client()
        book = app.extensions["regimens"]
        for plan_id in book.plans:
            for weight, height, formula in EXTREMES:
                for start in ("2000-01-01", "2099-12-31"):
                    response = client.post("/api/v1/plan", json={
                        "plan": plan_id, "weight": {"value": float(weight), "unit": "kg"},
                        "height": {"value": float(height), "unit": "cm"}, "bsa_formula": formula,
                        "start_date": start})
                    assert response.status_code in (200, 422), (plan_id, weight, height, formula)
                    if response.status_code == 422:
                        fields = {e["field"] for e in response.get_json()["errors"]}
                        assert fields == {"regimens"}
