"""The form and the sheet in Debian's Chromium, as a person uses them."""

import re
from io import BytesIO

import pytest
from axe_playwright_python.sync_playwright import Axe
from pypdf import PdfReader

pytestmark = pytest.mark.browser

DRUGS = ["Prednisolone", "Immunoglobulin", "Methotrexate", "Pamidronate", "Cyclophosphamide"]


def fill_case_patient(page, weight="14"):
    page.get_by_label("Weight", exact=True).fill(weight)
    page.get_by_label("Weight unit").select_option("kg")
    page.get_by_label("Height", exact=True).fill("96")
    page.get_by_label("Age, years").fill("3")
    page.get_by_label("and months").fill("6")
    page.get_by_label("Sex").select_option("female")
    page.locator("#start_day").fill("31")
    page.locator("#start_month").fill("1")
    page.locator("#start_year").fill("2027")


def submit(page):
    page.get_by_role("button", name="Calculate dosing sheet").click()
    page.wait_for_load_state()


def text_of(locator):
    """The text a person reads, non-breaking spaces read as spaces."""
    return locator.inner_text().replace("\u00a0", " ")


def case_sheet_text(page):
    text = text_of(page.locator("article.sheet"))
    assert "0.61 m²" in text
    assert "28 mg once daily" in text
    assert "Give 28 g intravenous" in text
    assert "Give 9 mg subcutaneous, once weekly" in text
    assert "52 doses of 9 mg, every Sunday" in text
    assert "Give 14 mg intravenous" in text
    assert "Give 310 mg intravenous" in text
    assert "500 mg/m² × 0.61 m² = 305 mg, rounded to 310 mg" in text
    return text


def test_case_patient_through_the_form(page, live_server, artifacts):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server + "/")
    page.screenshot(path=artifacts / "form-390px.png", full_page=True)
    fill_case_patient(page)
    submit(page)
    assert "/sheet?" in page.url
    text = case_sheet_text(page)
    assert "3 years 6 months, female" in text


def test_bad_weight_shows_field_error_and_keeps_values(page, live_server):
    page.goto(live_server + "/")
    fill_case_patient(page, weight="14,5")
    submit(page)
    error = page.locator("#weight-error")
    assert "use a point for decimals" in error.inner_text()
    weight = page.get_by_label("Weight", exact=True)
    assert weight.get_attribute("aria-invalid") == "true"
    assert "weight-error" in weight.get_attribute("aria-describedby")
    assert weight.input_value() == "14,5"
    assert page.get_by_label("Height", exact=True).input_value() == "96"
    assert page.get_by_label("Sex").input_value() == "female"
    dates = [page.locator(f"#start_{p}").input_value() for p in ("day", "month", "year")]
    assert dates == ["31", "1", "2027"]
    assert page.get_by_role("alert").first.is_visible()


def test_works_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + "/")
    fill_case_patient(page)
    submit(page)
    case_sheet_text(page)
    context.close()


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_sheet_prints_on_two_pages_with_every_regimen(page, live_server, artifacts, paper):
    page.goto(live_server + "/")
    fill_case_patient(page)
    submit(page)
    page.emulate_media(media="print")
    if paper == "A4":
        page.screenshot(path=artifacts / "sheet-print.png", full_page=True)
    pdf = page.pdf(format=paper, print_background=False)
    (artifacts / f"sheet-{paper}.pdf").write_bytes(pdf)
    reader = PdfReader(BytesIO(pdf))
    assert len(reader.pages) <= 2
    text = " ".join(p.extract_text() for p in reader.pages).replace("\u00a0", " ")
    for drug in DRUGS:
        assert drug in text
    for figure in ("0.61 m", "28 mg", "28 g", "9 mg", "14 mg", "310 mg"):
        assert figure in text
    assert "Page 1 of" in text and "Record number" in text


GIRL_31_KG = ("/sheet?weight=31&weight_unit=kg&height=96&height_unit=cm&age_years=3&age_months=6"
              "&sex=female&start=2027-01-31&regimen=ivig")


@pytest.mark.parametrize("path", ["/", "/sheet?weight=14&weight_unit=kg&height=96&height_unit=cm"
                                       "&start=2027-01-31&regimen=prednisolone&regimen=ivig"
                                       "&regimen=methotrexate&regimen=pamidronate&regimen=cyclophosphamide",
                                  "/sheet?weight=abc&weight_unit=kg&height=96&height_unit=cm",
                                  GIRL_31_KG, GIRL_31_KG.replace("weight=31", "weight=70"),
                                  GIRL_31_KG.replace("start=2027-01-31",
                                                     "start_day=30&start_month=2&start_year=2027"),
                                  "/nowhere"])
def test_no_serious_accessibility_violations(page, live_server, path):
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 844})
        page.goto(live_server + path)
        results = Axe().run(page)
        bad = [v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        assert bad == [], f"at {width} px"


def test_nothing_loaded_from_another_host(page, live_server):
    hosts = set()
    page.on("request", lambda r: hosts.add(r.url.split("/")[2]))
    page.goto(live_server + "/")
    fill_case_patient(page)
    submit(page)
    assert hosts == {live_server.split("/")[2]}


POUNDS = ("31 kg is far above the expected weight for a 3-year-6-month-old girl (z +4.0). "
          "31 lb would be 14.06 kg (z -0.5). Was the weight measured in pounds?")


def test_31_kg_for_the_case_girl_warns_of_pounds(page, live_server, artifacts):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server + "/")
    fill_case_patient(page, weight="31")
    submit(page)
    warning = page.locator(".growth-warnings")
    assert warning.is_visible()
    assert POUNDS in text_of(warning)
    assert warning.get_attribute("role") == "alert"
    page.screenshot(path=artifacts / "sheet-31kg-warning-390px.png", full_page=True)
    page.emulate_media(media="print")
    reader = PdfReader(BytesIO(page.pdf(format="A4")))
    # The growth chart prints with the warning, still within two pages.
    assert len(reader.pages) <= 2
    assert "Was the weight measured in pounds?" in re.sub(r"\s+", " ", reader.pages[0].extract_text())


def test_beyond_5_cannot_print_without_the_confirmation(page, live_server, artifacts):
    page.goto(live_server + "/")
    fill_case_patient(page, weight="70")
    submit(page)
    assert page.locator("article.sheet").count() == 0
    box = page.get_by_label("I have re-measured and confirm these values")
    assert box.is_visible() and not box.is_checked()
    assert "70 kg is far above the expected weight" in text_of(page.locator(".growth-warnings"))
    page.screenshot(path=artifacts / "form-confirm-implausible.png", full_page=True)
    submit(page)
    assert page.locator("article.sheet").count() == 0
    page.get_by_label("I have re-measured and confirm these values").check()
    submit(page)
    sheet = page.locator("article.sheet")
    assert sheet.count() == 1
    text = text_of(sheet)
    assert "The prescriber confirmed that these values were re-measured and are right." in text
    assert "70 kg is far above the expected weight" in text
