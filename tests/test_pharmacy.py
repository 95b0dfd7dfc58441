"""For the pharmacy: what an edit changes, the dose table, and sheets traced
to their file (issue 17)."""

import csv
import hashlib
import io
from decimal import Decimal

from test_regimen_file import SHIPPED, edited

from app.dosing.regimen_diff import dose_changes
from app.dosing.regimens import parse_regimens


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


ACTUAL_IVIG = edited('dosing_weight = { weight = "adjusted", source = "Ontario Ig dose calculator (W6): dose-'
                     'determining weight; clinical-reference.md section E" }\n', "")


def test_lowering_a_cap_reports_exactly_the_patients_it_changes(app, tmp_path):
    # 2 g/kg rounded to 1 g: 2 x 30.24 = 60.48 -> 60 g, 2 x 30.25 = 60.5 -> 61 g; so from 30.25 kg
    # up the dose was 61 to 70 g and becomes 60 g.
    old = write(tmp_path, "old.toml", ACTUAL_IVIG)
    new = write(tmp_path, "new.toml", ACTUAL_IVIG.replace('cap = { value = 70, unit = "g"',
                                                          'cap = { value = 60, unit = "g"'))
    result = app.test_cli_runner().invoke(args=["regimens", "diff", old, new])
    assert result.exit_code == 1
    assert "regimens.ivig.cap.value: 70" in result.output and "→ 60" in result.output
    doses = result.output.split("Doses changed")[1].splitlines()[1:]
    assert doses == ["  ivig: 30.25 to 250 kg: 61 to 70 g → 60 g (cap)"]


def test_a_change_of_source_only_changes_no_dose(app, tmp_path):
    old = write(tmp_path, "old.toml", SHIPPED)
    share = "SHARE 2017 JDM recommendations (Bellutti Enders et al., Ann Rheum Dis 2017)"
    new = write(tmp_path, "new.toml", edited(share, "SHARE 2017, Ann Rheum Dis"))
    result = app.test_cli_runner().invoke(args=["regimens", "diff", old, new])
    assert result.exit_code == 0
    assert ".source:" in result.output and "  none" in result.output


def test_diff_of_an_invalid_file_exits_2_naming_the_line(app, tmp_path):
    old = write(tmp_path, "old.toml", SHIPPED)
    new = write(tmp_path, "new.toml", edited('value = 70, unit = "g"', 'value = 1e28, unit = "g"'))
    result = app.test_cli_runner().invoke(args=["regimens", "diff", old, new])
    assert result.exit_code == 2
    line = next(n for n, text in enumerate(open(new, encoding="utf-8"), 1) if "1e28" in text)
    assert f"{new}:{line}: regimens.ivig.cap.value:" in result.output


def test_a_rounding_change_moves_the_lightest_children(tmp_path):
    # 1.5 mg/kg/day with 1 mg steps: 0.3 kg gives 0.45 mg -> 0 mg; with 0.5 mg steps, 0.5 mg.
    old = parse_regimens(SHIPPED.encode(), "old")
    one_mg = 'round_to = { value = 1, unit = "mg", source = "clinical-reference.md: round to 1 mg" }'
    half_mg = 'round_to = { value = 0.5, unit = "mg", source = "x" }'
    new = parse_regimens(SHIPPED.replace(one_mg, half_mg, 1).encode(), "new")
    changes = [c for c in dose_changes(old, new) if c.regimen == "prednisolone" and c.phase == 2]
    assert str(changes[0]).startswith("prednisolone, phase 2: ")
    assert changes[0].low == Decimal("0.3")


def test_the_hash_changes_with_any_byte(tmp_path):
    one = parse_regimens(SHIPPED.encode(), "a")
    other = parse_regimens((SHIPPED + " ").encode(), "b")
    assert one.sha256 == hashlib.sha256(SHIPPED.encode()).hexdigest() != other.sha256


def test_check_api_and_sheet_print_the_hash(app, client, book):
    assert book.short_hash in app.test_cli_runner().invoke(args=["regimens", "check"]).output
    body = {"weight": {"value": 14, "unit": "kg"}, "height": {"value": 96, "unit": "cm"}}
    assert client.post("/api/v1/plan", json=body).get_json()["regimen_file"]["sha256"] == book.sha256
    sheet = client.get("/sheet?weight=14&weight_unit=kg&height=96&height_unit=cm&regimen=ivig")
    assert f"SHA-256 {book.short_hash}" in sheet.get_data(as_text=True)


def test_table_csv_reads_back_as_numbers(app):
    result = app.test_cli_runner().invoke(args=["regimens", "table", "jdm_calcinosis"])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.output)))
    mtx = next(r for r in rows if r["regimen"] == "methotrexate" and r["weight_kg"] == "15"
               and r["height_cm"] == "100")
    # sqrt(100 x 15 / 3600) = 0.645 -> 0.65 m²; 15 x 0.65 = 9.75 mg -> 10 mg (0.5 mg steps):
    # 10 ÷ 25 mg/mL = 0.4 mL in a 1 mL syringe.
    assert (float(mtx["bsa_m2"]), float(mtx["amount"]), float(mtx["volume_ml"]), mtx["device"]) == (
        0.65, 10, 0.4, "1 mL syringe")
    ivig = next(r for r in rows if r["regimen"] == "ivig" and r["weight_kg"] == "50")
    assert (float(ivig["exact"]), float(ivig["amount"]), ivig["capped"]) == (100, 70, "yes")
    assert all("," not in r["amount"] for r in rows)


def test_review_page_lists_every_regimen_with_its_sources(client, book):
    html = client.get("/regimens").get_data(as_text=True)
    assert book.sha256 in html and book.version in html
    for plan in book.plans.values():
        assert f"Plan <code>{plan.id}</code>" in html
        for entry in plan.entries:
            assert f'id="rev-{plan.id}-{entry.id}"' in html
            for source in entry.regimen.sources:
                assert f"<li>{source}</li>".replace("&", "&amp;") in html.replace("&#39;", "'")


def test_review_chart_marks_where_the_cap_takes_over(app, tmp_path):
    # 2 g/kg with a 70 g cap: reached at 70 ÷ 2 = 35 kg; with 60 g, at 30 kg.
    html = app.test_client().get("/regimens").get_data(as_text=True)
    assert "cap 70 g reached at 35 kg" in html
    from app import create_app

    path = write(tmp_path, "regimens.toml", edited('value = 70, unit = "g"', 'value = 60, unit = "g"'))
    other = create_app({"TESTING": True, "REGIMENS": path}).test_client().get("/regimens")
    other = other.get_data(as_text=True)
    assert "cap 60 g reached at 30 kg" in other and "cap 70 g reached at 35 kg" not in other
