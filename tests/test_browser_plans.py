"""Plans, products, the weight's record, kidney function and the review page
in Debian's Chromium, read off the pages as a person would (issues 13 to 15
and 17)."""

from io import BytesIO

import pytest
from axe_playwright_python.sync_playwright import Axe
from pypdf import PdfReader
from test_browser import fill_case_patient, submit, text_of

pytestmark = pytest.mark.browser

PLANS = ["jdm_calcinosis", "jdm_carra_ivmp", "kawasaki_aha2017", "lupus_nephritis_nih",
         "lupus_nephritis_mmf", "lupus_nephritis_eurolupus"]


def serious(page):
    results = Axe().run(page)
    return [v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def test_choose_the_kawasaki_plan_without_script(browser, live_server, artifacts):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + "/")
    page.get_by_label("Plan", exact=True).select_option("kawasaki_aha2017")
    page.get_by_role("button", name="Show this plan").click()
    page.wait_for_load_state()
    assert "Kawasaki disease (AHA 2017)" in text_of(page.locator("h1"))
    page.get_by_label("Weight", exact=True).fill("20")
    page.get_by_label("Height", exact=True).fill("115")
    page.locator("#start_day").fill("31")
    page.locator("#start_month").fill("1")
    page.locator("#start_year").fill("2027")
    submit(page)
    sheet = text_of(page.locator("article.sheet"))
    # 2 g/kg x 20 kg = 40 g; aspirin 80 mg/kg/day x 20 kg = 1,600 mg/day in 4 doses, then 81 mg.
    assert "Dosing sheet: Kawasaki disease (AHA 2017)" in sheet
    assert "Give 40 g intravenous" in sheet
    assert "400 mg every 6 hours (1,600 mg a day)" in sheet
    assert "81 mg once daily (cap)" in sheet
    page.screenshot(path=artifacts / "kawasaki-sheet.png", full_page=True)
    context.close()


@pytest.mark.parametrize("plan", PLANS)
def test_every_plan_prints_within_two_pages(page, live_server, artifacts, plan):
    page.goto(live_server + f"/?plan={plan}")
    fill_case_patient(page)
    submit(page)
    assert page.locator("article.sheet").is_visible()
    page.emulate_media(media="print")
    for paper in ("A4", "Letter"):
        pdf = page.pdf(format=paper)
        (artifacts / f"plan-{plan}-{paper}.pdf").write_bytes(pdf)
        assert len(PdfReader(BytesIO(pdf)).pages) <= 2, (plan, paper)
    page.emulate_media(media="screen")
    assert serious(page) == []


def test_volumes_and_rates_read_off_the_case_sheet(page, live_server):
    page.goto(live_server + "/")
    fill_case_patient(page)
    submit(page)
    sheet = text_of(page.locator("article.sheet"))
    assert "28 mg ÷ 3 mg/mL = 9.33 mL; measure 9.4 mL in a 10 mL syringe (28.2 mg)" in sheet
    assert "9 mg ÷ 25 mg/mL = 0.36 mL; measure 0.36 mL in a 1 mL syringe (9 mg)" in sheet
    assert "open vials 20 g + 10 g (2 g left over)" in sheet
    assert ("1 mg/kg/min (0.06 g/kg/h) × 14 kg ÷ 0.1 g/mL = 8.4 mL/h for 30 min (4.2 mL); "
            "2 mg/kg/min (0.12 g/kg/h) × 14 kg ÷ 0.1 g/mL = 16.8 mL/h for 30 min (8.4 mL); "
            "4 mg/kg/min (0.24 g/kg/h) × 14 kg ÷ 0.1 g/mL = 33.6 mL/h for 478 min (267.4 mL)") in sheet
    assert "Dilute in sodium chloride 0.9% to 50 mL: 14.1 mg ÷ 50 mL = 0.282 mg/mL" in sheet
    assert "sodium chloride 0.9% 750 mL/m² × 0.61 m² = 457.5 mL, rounded to 458 mL over 1 h 0 min" in sheet
    assert "1,860 mg ÷ 0.61 m² = 3,049 mg/m²" in sheet


def test_creatinine_and_a_stated_weight_through_the_form(page, live_server, artifacts):
    page.goto(live_server + "/")
    fill_case_patient(page)
    page.get_by_text("Weighed earlier, or not measured?").click()
    page.get_by_label("How the weight was obtained").select_option("stated")
    page.get_by_label("Serum creatinine").fill("31")
    page.get_by_label("Creatinine unit").select_option("umol/L")
    for rid in ("methotrexate", "cyclophosphamide"):
        page.locator(f"#regimen-{rid}").uncheck()
    submit(page)
    sheet = text_of(page.locator("article.sheet"))
    # 31 µmol/L ÷ 88.4 = 0.35 mg/dL; K 33.736 x 0.96 m ÷ 0.35 = 92.5.
    assert "CKiD U25: K 33.736 × 0.96 m ÷ 0.35 mg/dL = 92.5 mL/min/1.73 m²" in sheet
    assert "The weight was stated, not measured" in sheet
    page.screenshot(path=artifacts / "sheet-stated-weight-creatinine.png", full_page=True)
    assert serious(page) == []
    # Methotrexate is high-alert: on a stated weight it is refused, naming the field.
    page.goto(live_server + "/")
    fill_case_patient(page)
    page.get_by_text("Weighed earlier, or not measured?").click()
    page.get_by_label("How the weight was obtained").select_option("stated")
    submit(page)
    summary = text_of(page.locator(".error-summary"))
    assert "How the weight was obtained: methotrexate is a high-alert medication" in summary


@pytest.mark.parametrize("width", [390, 1280])
def test_review_page(page, live_server, artifacts, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server + "/regimens")
    text = text_of(page.locator("article.review"))
    assert "cap 70 g reached at 35 kg" in text
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    page.screenshot(path=artifacts / f"regimens-{width}px.png")
    assert serious(page) == []
