"""Issue 16 in Debian's Chromium: the pages on phones and at 200% text, the
form keeping what was typed, unambiguous dates, the error summary, the
sheet's wording and print, the growth chart, and cacheable static files."""

import re
from io import BytesIO

import pytest
from pypdf import PdfReader
from test_browser import fill_case_patient, submit, text_of

pytestmark = pytest.mark.browser

CASE = ("weight=14&weight_unit=kg&height=96&height_unit=cm&age_years=3&age_months=6&sex=female"
        "&start_day=31&start_month=1&start_year=2027&bsa_formula=mosteller&regimen=prednisolone"
        "&regimen=ivig&regimen=methotrexate&regimen=pamidronate&regimen=cyclophosphamide")
PAGES = {
    "form": "/",
    "sheet": "/sheet?" + CASE,
    "error": "/sheet?" + CASE.replace("weight=14", "weight=14,5").replace("start_day=31", "start_day=32"),
    "warning": "/sheet?" + CASE.replace("weight=14", "weight=31"),
    "confirmation": "/sheet?" + CASE.replace("weight=14", "weight=70"),
}
PHONES = (320, 360, 390, 412)
#: The browser's text size setting at 200%: the root font size doubled.
TEXT_200 = "html { font-size: 200% !important; }"


@pytest.fixture()
def styled_page(browser):
    """A page on which a test may add a style sheet (text size)."""
    context = browser.new_context(bypass_csp=True)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("text", ["100%", "200%"])
@pytest.mark.parametrize("name", list(PAGES))
def test_no_sideways_scroll_on_phones(styled_page, live_server, artifacts, name, text):
    page = styled_page
    for width in PHONES:
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(live_server + PAGES[name])
        if text == "200%":
            page.add_style_tag(content=TEXT_200)
        wide = page.evaluate("""() => document.documentElement.scrollWidth""")
        assert wide <= width, f"{name} at {width} px, text {text}: the page is {wide} px wide"
        if width == 320:
            page.screenshot(path=artifacts / f"{name}-320px-text{text[:3]}.png", full_page=True)


@pytest.mark.parametrize("text", ["100%", "200%"])
def test_number_and_unit_on_one_line(styled_page, live_server, text):
    page = styled_page
    for width in (*PHONES, 768, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(live_server + "/")
        if text == "200%":
            page.add_style_tag(content=TEXT_200)
        for name in ("weight", "height"):
            number = page.locator(f"#{name}").bounding_box()
            unit = page.locator(f"#{name}_unit").bounding_box()
            assert unit["y"] < number["y"] + number["height"] and number["y"] < unit["y"] + unit["height"], \
                f"{name} at {width} px: the unit is not beside the number"
            assert unit["x"] > number["x"]


def test_change_the_input_brings_back_every_value(page, live_server):
    page.goto(live_server + "/")
    page.get_by_label("Weight", exact=True).fill("31")
    page.get_by_label("Weight unit").select_option("lb")
    page.get_by_label("Height", exact=True).fill("37.8")
    page.get_by_label("Height unit").select_option("in")
    page.get_by_label("Age, years").fill("3")
    page.get_by_label("and months").fill("6")
    page.get_by_label("Sex").select_option("female")
    page.locator("#start_day").fill("5")
    page.locator("#start_month").fill("3")
    page.locator("#start_year").fill("2027")
    page.get_by_label("Body surface area formula").select_option("haycock")
    page.get_by_label("Pamidronate, intravenous").uncheck()
    page.get_by_label("Methotrexate dose").fill("20")
    page.get_by_label("Immunoglobulin dose").fill("1.5")
    submit(page)
    sheet = text_of(page.locator("article.sheet"))
    assert re.search(r"First dose on\s+5 Mar 2027", sheet)
    assert re.search(r"Weight used\s+14.06 kg, from 31 lb \(pounds\) as measured", sheet)
    page.get_by_role("link", name="Change the input").click()
    page.wait_for_load_state()
    expected = {"Weight": "31", "Weight unit": "lb", "Height": "37.8", "Height unit": "in",
                "Age, years": "3", "and months": "6", "Sex": "female",
                "Body surface area formula": "haycock", "Methotrexate dose": "20",
                "Immunoglobulin dose": "1.5", "Cyclophosphamide dose": "", "Pamidronate dose": ""}
    for label, value in expected.items():
        assert page.get_by_label(label, exact=label in ("Weight", "Height")).input_value() == value, label
    assert [page.locator(f"#start_{p}").input_value() for p in ("day", "month", "year")] == ["5", "3", "2027"]
    ticks = {r: page.locator(f"#regimen-{r}").is_checked()
             for r in ("prednisolone", "ivig", "methotrexate", "pamidronate", "cyclophosphamide")}
    assert ticks == {"prednisolone": True, "ivig": True, "methotrexate": True, "pamidronate": False,
                     "cyclophosphamide": True}


def test_error_summary_focused_on_load_without_script(browser, live_server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 640})
    page = context.new_page()
    page.goto(live_server + "/")
    fill_case_patient(page, weight="14,5")
    page.get_by_label("Cyclophosphamide dose").fill("1,000")
    submit(page)
    summary = page.locator(".error-summary")
    assert summary.evaluate("element => element === document.activeElement")
    assert summary.get_by_role("alert").count() == 1
    links = [a.inner_text() for a in summary.get_by_role("link").all()]
    assert links[0].startswith("Weight: use a point for decimals")
    assert links[-1].startswith("Cyclophosphamide dose: use a point for decimals")
    summary.get_by_role("link", name=re.compile("^Cyclophosphamide dose")).click()
    label = page.locator('label[for="dose.cyclophosphamide"]').bounding_box()
    field = page.locator("#dose\\.cyclophosphamide").bounding_box()
    assert 0 <= label["y"] and field["y"] + field["height"] <= 640, "label or field out of view"
    context.close()


def test_date_is_read_day_first_and_only_real_dates(page, live_server):
    page.goto(live_server + "/")
    fill_case_patient(page)
    page.locator("#start_day").fill("5")
    page.locator("#start_month").fill("3")
    submit(page)
    assert re.search(r"First dose on\s+5 Mar 2027", text_of(page.locator("article.sheet")))
    page.goto(live_server + "/")
    fill_case_patient(page)
    page.locator("#start_day").fill("30")
    page.locator("#start_month").fill("2")
    submit(page)
    link = page.locator(".error-summary").get_by_role("link")
    assert link.inner_text() == "First dose on: 30 February 2027 is not a real date"
    assert link.get_attribute("href") == "#start_day"
    assert page.locator("#start_day").get_attribute("aria-invalid") == "true"


def test_sheet_wording(page, live_server):
    page.goto(live_server + "/sheet?" + CASE.replace("height=96", "height=100"))
    raw = page.locator("article.sheet").inner_text()
    text = raw.replace("\u00a0", " ")
    assert "height-for-age z +0.56 (71.3rd percentile)" in text
    assert "(7.2nd percentile)" in text and "2nd percentile" in text and "th percentile" in text
    assert not re.search(r"\d\.\d[123]th", text)
    assert "0.75 mg/kg/day × 14 kg" in text and " x " not in text
    assert not re.search(r"\d (mg|g|kg|cm|m|m²|mcg)\b", raw), "a number and its unit may break apart"
    assert re.search(r"Weight used\s+14 kg, as measured", text)
    methotrexate = page.locator("#regimen-methotrexate")
    assert methotrexate.locator("ol, li").count() == 0
    # 15 mg/m² × 0.62 m² (height 100 cm) = 9.3 mg, rounded to 9.5 mg
    assert "52 doses of 9.5 mg, every Sunday" in text_of(methotrexate.locator("p.dates"))


@pytest.mark.parametrize("width", [768, 1280, "print"])
def test_sources_do_not_overlap_their_numbers(page, live_server, width):
    if width == "print":
        page.set_viewport_size({"width": 703, "height": 1000})  # A4 less the margins, at 96 px/in
        page.emulate_media(media="print")
    else:
        page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server + "/sheet?" + CASE)
    items = page.locator("footer.sources li").all()
    assert len(items) > 10
    boxes = [(li.locator(".n").bounding_box(), li.bounding_box()) for li in items]
    if width == "print":
        # On paper the sources run as text: no number may overlap another.
        numbers = [number for number, _ in boxes]
        for i, a in enumerate(numbers):
            for b in numbers[i + 1:]:
                assert (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                        or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])
        return
    for i, (number, item) in enumerate(boxes):
        assert item["x"] <= number["x"] and number["x"] + number["width"] <= item["x"] + item["width"]
        for j, (_, other) in enumerate(boxes):
            if i != j:
                apart = (number["x"] + number["width"] <= other["x"]
                         or other["x"] + other["width"] <= number["x"]
                         or number["y"] + number["height"] <= other["y"]
                         or other["y"] + other["height"] <= number["y"])
                assert apart, f"source {i + 1}'s number overlaps source {j + 1}"


def pdf_pages(page, paper):
    page.emulate_media(media="print")
    reader = PdfReader(BytesIO(page.pdf(format=paper)))
    return [re.sub(r"\s+", " ", p.extract_text()) for p in reader.pages]


def test_patient_lines_once_on_each_page(page, live_server):
    page.goto(live_server + "/sheet?" + CASE)
    pages = pdf_pages(page, "A4")
    assert len(pages) == 2
    assert [p.count("Record number") for p in pages] == [1, 1]


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_growth_chart_printed_only_when_the_check_warns(page, live_server, artifacts, paper):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server + PAGES["sheet"])
    chart = page.locator(".growth-chart svg").first
    assert chart.is_visible() and chart.bounding_box()["width"] <= 390
    quiet = pdf_pages(page, paper)
    assert len(quiet) <= 2 and "Growth chart" not in " ".join(quiet)
    page.emulate_media(media="screen")
    page.goto(live_server + PAGES["warning"])
    page.screenshot(path=artifacts / "sheet-31kg-chart-390px.png", full_page=True)
    warned = pdf_pages(page, paper)
    (artifacts / f"sheet-31kg-{paper}.pdf").write_bytes(page.pdf(format=paper))
    assert len(warned) <= 2
    printed = " ".join(warned)
    assert "Growth chart" in printed and "Hollow point: the number read as 31 lb = 14.06 kg" in printed


def test_no_failed_request_and_static_files_cached(page, live_server):
    answers = []
    page.on("response", lambda r: answers.append((r.url, r.status, r.headers.get("cache-control"))))
    page.goto(live_server + "/")
    fill_case_patient(page)
    submit(page)
    assert all(status < 400 for _, status, _ in answers), answers
    static = [(url, cache) for url, _, cache in answers if "/static/" in url]
    assert static and all(cache == "public, max-age=31536000, immutable" for _, cache in static)
    pages = [cache for url, _, cache in answers if "/static/" not in url]
    assert pages and all(cache == "no-store" for cache in pages)
    icon = page.locator('link[rel="icon"]').get_attribute("href")
    assert page.request.get(live_server + icon).status == 200
    assert page.locator('meta[name="description"]').get_attribute("content")
