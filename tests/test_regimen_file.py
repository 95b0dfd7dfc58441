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
    assert {(p.cap, p.cap_unit, p.round_to) for p in pred.phases} == {(60, "mg/day", 1)}
    assert [(p.dose, p.days) for p in pred.phases] == [
        (2, 28), (D("1.5"), 14), (1, 14), (D("0.75"), 28), (D("0.5"), 28), (D("0.35"), 28), (D("0.2"), None)]
    assert (ivig.phases[0].dose, ivig.phases[0].cap, ivig.override_min, ivig.override_max) == (2, 70, 1, 2)
    first = mtx.phases[0]
    assert (first.dose_cap, first.round_to, first.every_days, first.count) == (40, D("0.5"), 7, 52)
    assert book.regimens["cyclophosphamide"].phases[0].cap == 1200
    assert book.regimens["pamidronate"].phases[0].every_months == 3


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
     "regimens.cyclophosphamide.round_to.unit", 'round_to = { value = 10, unit = "mL"'),
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


def test_phased_regimen_without_phases(tmp_path):
    head, _, tail = SHIPPED.partition("[[regimens.prednisolone.phases]]")
    tail = tail[tail.index("[regimens.ivig]"):]
    text = head + "phases = []\n" + tail
    problems, _ = problems_for(tmp_path, text)
    assert "regimens.prednisolone.phases" in [p.field for p in problems]


def test_only_the_last_phase_may_be_open_ended(tmp_path):
    text = edited("dose = 0.35\nweeks = 4\n", "dose = 0.35\n")
    problems, _ = problems_for(tmp_path, text)
    assert problems[0].field == "regimens.prednisolone.phases.5"
    assert problems[0].line == line_number(text, "dose = 0.35") - 1
    assert "only the last phase may be open-ended" in problems[0].message


def test_duplicate_id_is_a_syntax_error_with_its_line(tmp_path):
    text = SHIPPED + '\n[regimens.ivig]\ndrug = "again"\n'
    problems, _ = problems_for(tmp_path, text)
    assert problems[0].field == "regimens.ivig" and "declared twice (first on line" in problems[0].message
    assert problems[0].line == len(text.splitlines()) - 1


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


def test_time_unit_may_be_written_anywhere(tmp_path):
    # Units are compared by Pint, not by their spelling: mg/week/m2 is mg/m2/week.
    path = tmp_path / "regimens.toml"
    path.write_text(edited('unit = "mg/m2/week"', 'unit = "mg/week/m2"'), encoding="utf-8")
    mtx = load_regimens(path).regimens["methotrexate"].phases[0]
    assert (mtx.dose_factor, mtx.dose_cap, mtx.per) == (1, 40, "week")


def test_per_time_rule_is_read_after_reduction_not_from_its_spelling(tmp_path):
    # Issue 12, item 5: mg/m2/day*week/week is mg/m2/day; given every 7 days it
    # would be 15 mg/m²/day x 7 days x 0.61 m² = 64 mg a week, not 9 mg.
    text = edited('unit = "mg/m2/week"', 'unit = "mg/m2/day*week/week"')
    text = text.replace('cap = { value = 40, unit = "mg/week"', 'cap = { value = 40, unit = "mg/day"')
    problems, _ = problems_for(tmp_path, text)
    assert [p.field for p in problems] == ["regimens.methotrexate.schedule.every_days"]
    assert "a dose per day is given once per day: every_days must be 1" in problems[0].message
