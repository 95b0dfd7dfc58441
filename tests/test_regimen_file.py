"""regimens.toml: every fault is refused at start-up naming file, line and field."""

from decimal import Decimal as D
from pathlib import Path

import pytest

from app import create_app
from app.dosing import RegimenFileError, load_regimens

SHIPPED = (Path(__file__).resolve().parent.parent / "regimens.toml").read_text(encoding="utf-8")


def problems_for(tmp_path, text):
    path = tmp_path / "regimens.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RegimenFileError) as caught:
        load_regimens(path)
    return caught.value.problems, str(path)


def line_number(text, fragment):
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def edited(old, new, count=1):
    assert old in SHIPPED
    return SHIPPED.replace(old, new, count)


def test_shipped_file_loads_with_values_from_the_reference():
    book = load_regimens(Path(__file__).resolve().parent.parent / "regimens.toml")
    pred, ivig, mtx = (book.regimens[k] for k in ("prednisolone", "ivig", "methotrexate"))
    assert (pred.cap, pred.cap_unit, pred.round_to) == (60, "mg/day", 1)
    assert [(s.dose, s.weeks) for s in pred.taper] == [
        (2, 4), (D("1.5"), 2), (1, 2), (D("0.75"), 4), (D("0.5"), 4), (D("0.35"), 4), (D("0.2"), None)]
    assert (ivig.dose, ivig.cap, ivig.override_min, ivig.override_max) == (2, 70, 1, 2)
    assert (mtx.cap_amount, mtx.round_to, mtx.schedule.every_days, mtx.schedule.count) == (40, 0.5, 7, 52)
    assert book.regimens["cyclophosphamide"].cap == 1200
    assert book.regimens["pamidronate"].schedule.every_months == 3


@pytest.mark.parametrize("old,new,field,at", [
    ('unit = "mg/m2", source = "Case report: six', 'unit = "mg/kg/m2", source = "Case report: six',
     "regimens.cyclophosphamide.dose.unit", 'unit = "mg/kg/m2"'),
    ('cap = { value = 90, unit = "mg"', 'cap = { value = 90, unit = "mg/kg"',
     "regimens.pamidronate.cap.unit", 'cap = { value = 90'),
    ('cap = { value = 70, unit = "g"', 'cap = { value = -70, unit = "g"',
     "regimens.ivig.cap.value", "value = -70"),
    ('round_to = { value = 0.5, unit = "mg"', 'round_to = { value = 0, unit = "mg"',
     "regimens.methotrexate.round_to.value", "value = 0,"),
    ('round_to = { value = 10, unit = "mg"', 'round_to = { value = 10, unit = "mL"',
     "regimens.cyclophosphamide.round_to.unit", 'unit = "mL"'),
    ('override_range = { min = 10, max = 20', 'override_range = { min = 16, max = 20',
     "regimens.methotrexate.override_range", "min = 16"),
    ('schedule = { every_months = 1, count = 6', 'schedule = { every_months = 1, count = 0',
     "regimens.cyclophosphamide.schedule.count", "count = 0"),
    ('frequency = "once weekly"\n', '', "regimens.methotrexate.frequency", "[regimens.methotrexate]"),
    ('cap = { value = 90', 'capp = { value = 90', "regimens.pamidronate.capp", "capp ="),
])
def test_fault_named_with_file_line_and_field(tmp_path, old, new, field, at):
    text = edited(old, new)
    problems, path = problems_for(tmp_path, text)
    match = [p for p in problems if p.field == field]
    assert match, problems
    assert match[0].file == path and match[0].line == line_number(text, at)
    assert match[0].message


def test_weekly_dose_on_a_monthly_schedule_is_refused(tmp_path):
    text = edited('schedule = { every_days = 7, count = 52', 'schedule = { every_months = 1, count = 12')
    problems, _ = problems_for(tmp_path, text)
    assert [p.field for p in problems] == ["regimens.methotrexate.dose.unit"]


def test_every_problem_is_reported_not_just_the_first(tmp_path):
    text = edited('value = 70, unit = "g"', 'value = 0, unit = "g"')
    text = text.replace('value = 90, unit = "mg"', 'value = 90, unit = "furlong"')
    problems, _ = problems_for(tmp_path, text)
    assert {"regimens.ivig.cap.value", "regimens.pamidronate.cap.unit"} <= {p.field for p in problems}


def test_taper_without_steps(tmp_path):
    head, _, tail = SHIPPED.partition("[[regimens.prednisolone.taper]]")
    tail = tail[tail.index("[regimens.ivig]"):]
    text = head + "taper = []\n" + tail
    problems, _ = problems_for(tmp_path, text)
    assert "regimens.prednisolone.taper" in [p.field for p in problems]


def test_last_taper_step_must_be_open_ended(tmp_path):
    text = edited("dose = 0.2\n", "dose = 0.2\nweeks = 4\n")
    problems, _ = problems_for(tmp_path, text)
    assert problems[0].field == "regimens.prednisolone.taper.6.weeks"
    assert problems[0].line == line_number(text, "dose = 0.2") + 1


def test_duplicate_id_is_a_syntax_error_with_its_line(tmp_path):
    text = SHIPPED + '\n[regimens.ivig]\ndrug = "again"\n'
    problems, _ = problems_for(tmp_path, text)
    assert problems[0].field == "(syntax)" and "line" in problems[0].message


def test_syntax_error_names_the_line(tmp_path):
    problems, _ = problems_for(tmp_path, edited('cap = { value = 70,', 'cap = { value = 70,,'))
    assert "line" in problems[0].message


def test_plan_naming_an_unknown_regimen(tmp_path):
    problems, _ = problems_for(tmp_path, edited('"cyclophosphamide"]', '"rituximab"]'))
    assert problems[0].field == "plans.jdm_calcinosis.regimens"


def test_missing_file(tmp_path):
    with pytest.raises(RegimenFileError) as caught:
        load_regimens(tmp_path / "absent.toml")
    assert "absent.toml" in str(caught.value)


def test_app_refuses_to_start_with_a_bad_file(tmp_path):
    path = tmp_path / "regimens.toml"
    path.write_text(edited('value = 60, unit = "mg/day"', 'value = 60, unit = "mg"'), encoding="utf-8")
    with pytest.raises(RegimenFileError) as caught:
        create_app({"REGIMENS": str(path)})
    assert f"{path}:" in str(caught.value) and "regimens.prednisolone.cap.unit" in str(caught.value)


def test_cli_check(app, tmp_path):
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["regimens", "check"])
    assert ok.exit_code == 0 and "OK" in ok.output
    bad = tmp_path / "bad.toml"
    bad.write_text(edited('count = 9', 'count = "nine"'), encoding="utf-8")
    result = runner.invoke(args=["regimens", "check", str(bad)])
    assert result.exit_code == 1
    line = line_number(bad.read_text(), 'count = "nine"')
    assert f"{bad}:{line}: regimens.ivig.schedule.count" in result.output


def test_per_time_dose_needs_a_matching_interval(tmp_path):
    text = edited("every_days = 7, count = 52", "every_days = 14, count = 26")
    problems, _ = problems_for(tmp_path, text)
    assert problems[0].field == "regimens.methotrexate.schedule.every_days"
    assert "must be 7" in problems[0].message


def test_time_unit_must_come_last(tmp_path):
    problems, _ = problems_for(tmp_path, edited('unit = "mg/m2/week"', 'unit = "mg/week/m2"'))
    assert problems[0].field == "regimens.methotrexate.dose.unit"
