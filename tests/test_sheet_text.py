"""The sheet's wording: numbers kept with their units, warnings, sentences
and headings, against texts written by hand."""

import html
import re

from hypothesis import given
from hypothesis import strategies as st

from app.sheet import NBSP, TIMES, printed


def by_hand(text: str) -> str:
    """A space between a digit and a lower-case letter, µ or % becomes a
    non-breaking space; then " x " becomes the multiplication sign."""
    chars = list(text)
    for i in range(1, len(chars) - 1):
        unit_follows = chars[i + 1] in "µ%" or "a" <= chars[i + 1] <= "z"
        if chars[i] == " " and chars[i - 1].isdigit() and unit_follows:
            chars[i] = NBSP
    return "".join(chars).replace(" x ", f" {TIMES} ")


def test_numbers_keep_their_units():
    assert printed("2 mg/kg/day x 14 kg = 28 mg; 50 % of 3 µg, 2 tablets, 4 Doses") == (
        f"2{NBSP}mg/kg/day {TIMES} 14{NBSP}kg = 28{NBSP}mg; 50{NBSP}% of 3{NBSP}µg, 2{NBSP}tablets, 4 Doses")


@given(st.text(alphabet="0123456789 axmgkµ%X.", max_size=60))
def test_printed_matches_the_rule_read_character_by_character(text):
    assert printed(text) == by_hand(text)


CHILD = "weight_unit=kg&height_unit=cm&age_years=3&age_months=6&sex=female&start=2027-01-31"


def sheet_text(client, query):
    response = client.get(f"/sheet?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    body = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", html.unescape(body).replace(NBSP, " "))


def test_a_dose_measured_too_far_from_the_intended_is_flagged_on_the_sheet(client):
    # 10 kg, taper step 6: 0.35 mg/kg/day × 10 kg = 3.5 mg, rounded to 4 mg;
    # 4 mg ÷ 3 mg/mL = 1.33 mL, 1.3 mL in the 5 mL syringe (0.1 mL steps) =
    # 3.9 mg; (3.9 - 3.5) ÷ 3.5 = +11.4 %, beyond the 10 % allowed.
    text = sheet_text(client, f"{CHILD}&weight=10&height=80&regimen=prednisolone&confirm_implausible=yes")
    assert ("Check before giving: Prednisolone: 3.9 mg measured for 3.5 mg intended (+11.4%), "
            "more than 10% off.") in text
    assert text.count("Check before giving:") == 1  # steps 1 to 5 and 7 are within 10 %


def test_a_cumulative_dose_at_its_threshold_is_flagged_on_the_sheet(client):
    # NIH plan, 40 kg, 150 cm: BSA sqrt(150 × 40 / 3600) = 1.29 m². 500 mg/m² × 1.29 =
    # 645, rounded to 650 mg: 32.5 mL, measured 33 mL (660 mg); then 750 mg/m² × 1.29 =
    # 967.5, 970 mg: 48.5 mL, measured 49 mL (980 mg), five times. 660 + 5 × 980 =
    # 5,560 mg; ÷ 1.29 m² = 4,310 mg/m², at or above the 4,000 mg/m² threshold.
    text = sheet_text(client, "weight=40&weight_unit=kg&height=150&height_unit=cm&start=2027-01-31"
                              "&plan=lupus_nephritis_nih&regimen=cyclophosphamide")
    assert ("Check before giving: Cyclophosphamide: the cumulative dose reaches 4,310 mg/m², at or above "
            "the 4,000 mg/m² the pharmacy set.") in text


def test_kidney_rules_print_as_sentences(client):
    text = sheet_text(client, f"{CHILD}&weight=14&height=96&regimen=methotrexate&regimen=pamidronate"
                              "&creatinine=2&creatinine_unit=mg/dL")
    assert "EGFR" not in text and ".." not in text and "; Check" not in text
    assert "Kidney function not given" not in text


def test_a_phased_regimen_heading_gives_each_phase_its_cap_rounding_and_rhythm(client):
    text = sheet_text(client, "weight=20&weight_unit=kg&height=110&height_unit=cm&start=2027-01-31"
                              "&plan=kawasaki_aha2017&regimen=aspirin")
    assert "Aspirin oral, every 6 hours then once daily" in text
    assert ("Cap 4,000 mg/day (1,000 mg per dose) in phase 1, 81 mg/day in phase 2. "
            "Rounded half-up to 5 mg in phase 1, 1 mg in phase 2.") in text


def test_a_weight_not_measured_is_not_called_measured(client):
    text = sheet_text(client, f"{CHILD}&weight=14&height=96&regimen=ivig&weight_source=estimated")
    assert "Weight used 14 kg, as entered; weight estimated on" in text
    assert "Height used 96 cm, as measured" in text


def test_the_hydration_volume_shows_its_rounding(client):
    # 750 mL/m² × 0.61 m² = 457.5 mL, rounded half-up to 1 mL: 458 mL over 1 hour.
    text = sheet_text(client, f"{CHILD}&weight=14&height=96&regimen=cyclophosphamide")
    assert ("Before the dose: sodium chloride 0.9% 750 mL/m² × 0.61 m² = 457.5 mL, rounded to 458 mL "
            "over 1 h 0 min (458 mL/h)") in text


def test_a_continuing_daily_regimen_reads_as_one_sentence(client):
    # Mycophenolate 600 mg/m² × 1.29 m² = 774 mg, rounded to 750 mg, twice daily.
    text = sheet_text(client, "weight=40&weight_unit=kg&height=150&height_unit=cm&start=2027-01-31"
                              "&plan=lupus_nephritis_mmf&regimen=mycophenolate")
    assert ("Give 750 mg oral, twice daily (1,500 mg a day): from 31 Jan 2027, continuing until changed"
            in text)


def test_the_first_aspirin_phase_says_when_it_may_end_early(client):
    text = sheet_text(client, "weight=20&weight_unit=kg&height=110&height_unit=cm&start=2027-01-31"
                              "&plan=kawasaki_aha2017&regimen=aspirin")
    assert ("400 mg every 6 hours (1,600 mg a day), for 14 days or until afebrile for 48 to 72 hours "
            "(verify before local use)") in text


def test_each_immunoglobulin_pump_rate_can_be_recomputed(client):
    # 1, 2, 4 mg/kg/min = 0.06, 0.12, 0.24 g/kg/h; × 14.3 kg ÷ 0.1 g/mL = 8.58, 17.16,
    # 34.32 mL/h, each rounded down to 0.1 mL/h (a pump never above its maximum).
    text = sheet_text(client, f"{CHILD}&weight=14.3&height=96&regimen=ivig")
    assert ("Pump: 1 mg/kg/min (0.06 g/kg/h) × 14.3 kg ÷ 0.1 g/mL = 8.58 mL/h, rounded down to 8.5 mL/h "
            "for 30 min (4.3 mL); 2 mg/kg/min (0.12 g/kg/h) × 14.3 kg ÷ 0.1 g/mL = 17.16 mL/h, rounded "
            "down to 17.1 mL/h for 30 min (8.6 mL); 4 mg/kg/min (0.24 g/kg/h) × 14.3 kg ÷ 0.1 g/mL = "
            "34.32 mL/h, rounded down to 34.3 mL/h for 485 min (277.1 mL)") in text
    exact = sheet_text(client, f"{CHILD}&weight=14&height=96&regimen=ivig")
    assert "1 mg/kg/min (0.06 g/kg/h) × 14 kg ÷ 0.1 g/mL = 8.4 mL/h for 30 min (4.2 mL)" in exact


def test_a_rate_lowered_by_a_kidney_maximum_shows_it(client):
    # eGFR below 60: pamidronate at most 20 mg/h; 90 mg cap in 250 mL = 0.36 mg/mL;
    # 20 ÷ 0.36 = 55.56 mL/h, rounded down to 55.5; 250 mL ÷ 55.5 mL/h = 270.3, so 271 min.
    text = sheet_text(client, "weight=95&weight_unit=kg&height=160&height_unit=cm&age_years=14&age_months=0"
                              "&sex=female&start=2027-01-31&regimen=pamidronate&creatinine=1.5"
                              "&creatinine_unit=mg/dL&confirm_implausible=yes")
    assert ("Pump: at most 20 mg/h: 20 mg/h ÷ 0.36 mg/mL = about 55.56 mL/h, rounded down to 55.5 mL/h for "
            "271 min (250 mL)") in text


def test_a_per_kg_kidney_maximum_shows_how_it_became_mg_per_hour(client):
    # eGFR below 60: immunoglobulin at most 3.3 mg/kg/min = 198 mg/kg/h; × 67.72 kg
    # (adjusted weight: 49.54 + 0.4 × (95 - 49.54)) = 13,408.56 mg/h.
    text = sheet_text(client, "weight=95&weight_unit=kg&height=160&height_unit=cm&age_years=14&age_months=0"
                              "&sex=female&start=2027-01-31&regimen=ivig&creatinine=1.5"
                              "&creatinine_unit=mg/dL&confirm_implausible=yes")
    assert "Infuse no faster than 3.3 mg/kg/min (198 mg/kg/h) × 67.72 kg = 13,408.56 mg/h." in text


def test_regimen_text_from_the_file_is_escaped_on_the_sheet(tmp_path):
    """The regimen sections print text escaped once in `sheet.escaped`,
    outside the template's autoescape: markup in the file's notes, fluid
    and drug name shows as text, never as markup."""
    from app import create_app
    from tests.conftest import REGIMENS

    text = REGIMENS.read_text(encoding="utf-8")
    text = text.replace('notes = ["Calcium and vitamin D as per local protocol."]',
                        'notes = ["Calcium & vitamin D <b>as per</b> \\"local\\" protocol\'s."]')
    text = text.replace('fluid = "sodium chloride 0.9%", volume = { value = 750',
                        'fluid = "sodium chloride 0.9% <i>&</i>", volume = { value = 750')
    assert "<b>" in text and "<i>" in text
    path = tmp_path / "regimens.toml"
    path.write_text(text, encoding="utf-8")
    client = create_app({"TESTING": True, "REGIMENS": str(path)}).test_client()
    page = client.get("/sheet?weight=14&weight_unit=kg&height=92&height_unit=cm&start=2027-01-31"
                      "&regimen=prednisolone&regimen=cyclophosphamide").get_data(as_text=True)
    assert "<b>" not in page and "<i>" not in page
    assert "Calcium &amp; vitamin D &lt;b&gt;as per&lt;/b&gt; &#34;local&#34; protocol&#39;s." in page
    assert "sodium chloride 0.9% &lt;i&gt;&amp;&lt;/i&gt; 750" in page


def test_a_kept_measuring_trail_is_the_one_of_this_amount_and_product(client):
    # Prednisolone step 1, 2 mg/kg/day. 14 kg: 28 mg; 28 ÷ 3 mg/mL = 9.33 mL, in the
    # 10 mL syringe (0.2 mL steps) 9.4 mL = 28.2 mg. 14.1 kg: 28.2 mg, rounded to the
    # same 28 mg, so the same trail. As 5 mg tablets (not divisible): 28 ÷ 5 = 5.6, so
    # 6 tablets = 30 mg. 15 kg: 30 mg = 10 mL exactly, the 10 mL syringe.
    query = f"{CHILD}&height=96&regimen=prednisolone&confirm_implausible=yes"
    solution_28 = "28 mg ÷ 3 mg/mL = 9.33 mL; measure 9.4 mL in a 10 mL syringe (28.2 mg)"
    tablets_28 = "28 mg ÷ 5 mg a tablet = 5.6 → give 6 tablets of 5 mg (30 mg)"
    first = sheet_text(client, f"{query}&weight=14")
    assert solution_28 in first and tablets_28 not in first
    assert solution_28 in sheet_text(client, f"{query}&weight=14.1")
    tablets = sheet_text(client, f"{query}&weight=14&product.prednisolone=prednisolone_tablets_5")
    assert tablets_28 in tablets and solution_28 not in tablets
    other = sheet_text(client, f"{query}&weight=15")
    assert "30 mg ÷ 3 mg/mL = 10 mL; measure 10 mL in a 10 mL syringe (30 mg)" in other
    assert solution_28 not in other
