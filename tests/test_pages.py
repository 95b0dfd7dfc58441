"""The form and the sheet through the Flask test client: values, refusals,
escaping, headers."""

import re

import pytest

CASE = ("weight=14&weight_unit=kg&height=96&height_unit=cm&age_years=3&age_months=6&sex=female"
        "&start=2027-01-31&bsa_formula=mosteller&regimen=prednisolone&regimen=ivig"
        "&regimen=methotrexate&regimen=pamidronate&regimen=cyclophosphamide")


def text_of(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_form_defaults(client):
    html = client.get("/").get_data(as_text=True)
    assert 'action="/sheet"' in html and 'method="get"' in html
    assert '<option value="kg" selected>' in html and '<option value="cm" selected>' in html
    assert '<option value="mosteller" selected>' in html
    assert html.count('name="regimen"') == 5 and html.count(" checked") == 5
    assert "allowed 1 to 2 g/kg" in html and "allowed 500 to 1,000 mg/m²" in html
    assert "<script" not in html


def test_case_sheet(client):
    response = client.get("/sheet?" + CASE)
    assert response.status_code == 200
    text = text_of(response)
    assert "0.61 m² (Mosteller formula" in text
    assert "15 mg/m²/week × 0.61 m² = 9.15 mg/week, rounded to 9 mg" in text
    assert "52 doses of 9 mg, every Sunday (every 7 days) from 31 Jan 2027 to 23 Jan 2028" in text
    assert "0.75 mg/kg/day × 14 kg = 10.5 mg/day, rounded to 11 mg" in text
    assert "Cap 1,200 mg" in text and "Pedidose 0.1.0" in text
    assert "MTX" not in text and "IVIG" not in text
    assert " x " not in text  # the multiplication sign is ×
    figures = text.split("Doses, caps, rounding")[0]  # the footer holds version numbers
    assert not re.search(r"(?<![0-9])\.[0-9]", figures)  # no naked decimal point (.5)
    assert not re.search(r"[0-9]\.[0-9]*0(?![0-9])", figures)  # no trailing zero (5.0)


def test_pounds_shown_as_entered_and_as_used(client):
    text = text_of(client.get("/sheet?" + CASE.replace("weight=14&weight_unit=kg",
                                                       "weight=31&weight_unit=lb")))
    assert "14.06 kg, from 31 lb (pounds) as measured, × 0.45359237 kg/lb" in text


def test_cap_is_marked(client):
    # A 12-year-old girl, 150 cm: ideal 18.10148804 kg/m² x 1.5² = 40.73 kg; 40 kg is not above
    # 120% of it, so immunoglobulin is dosed on the actual weight: 2 g/kg x 40 kg = 80 g, capped.
    query = CASE.replace("weight=14", "weight=40").replace("height=96", "height=150")
    query = query.replace("age_years=3&age_months=6", "age_years=12&age_months=0")
    text = text_of(client.get("/sheet?" + query))
    assert "Cap applied" in text and "2 g/kg × 40 kg = 80 g, above the cap of 70 g: 70 g" in text


def test_override_is_marked(client):
    text = text_of(client.get("/sheet?" + CASE + "&dose.methotrexate=20"))
    assert "prescriber's dose (default 15 mg/m²/week)" in text
    assert "20 mg/m²/week × 0.61 m² = 12.2 mg/week, rounded to 12 mg" in text


@pytest.mark.parametrize("change,field", [
    (("weight=14", "weight=abc"), "weight"),
    (("weight=14", "weight=14,5"), "weight"),
    (("weight=14", "weight=.5e3"), "weight"),
    (("weight=14", "weight="), "weight"),
    (("weight=14", "weight=300"), "weight"),
    (("weight_unit=kg", "weight_unit=stone"), "weight_unit"),
    (("weight_unit=kg&", ""), "weight_unit"),
    (("height=96", "height=2"), "height"),
    (("height_unit=cm", "height_unit=ft"), "height_unit"),
    (("start=2027-01-31", "start=2027-02-30"), "start"),
    (("age_months=6", "age_months=12"), "age_months"),
    (("age_months=6", "age_months="), "age_months"),
    (("sex=female", "sex=x"), "sex"),
    (("bsa_formula=mosteller", "bsa_formula=nope"), "bsa_formula"),
    (("bsa_formula=mosteller", "bsa_formula="), "bsa_formula"),
    (("weight=14", "weight=14&weight_source="), "weight_source"),
    (("weight=14", "weight=14&egfr_formula="), "egfr_formula"),
    (("&regimen=ivig", "&regimen=aspirin"), "regimen"),
    (("weight=14", "weight=14&weight=15"), "weight"),
    (("weight=14", "weight=14&dose.ivig=3"), "dose.ivig"),
    (("weight=14", "weight=14&dose.prednisolone=1"), "form"),
    (("weight=14", "weight=14&wieght=14"), "form"),
])
def test_invalid_input_rerenders_form_with_values_and_field_error(client, change, field):
    query = CASE.replace(*change)
    response = client.get("/sheet?" + query)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and "Dosing sheet" not in html
    if field != "form":
        assert f'id="{field}-error"' in html
    assert 'value="96"' in html or "height=2" in query


def test_no_regimen_ticked(client):
    query = re.sub(r"&regimen=\w+", "", CASE)
    response = client.get("/sheet?" + query)
    assert response.status_code == 422 and 'id="regimen-error"' in response.get_data(as_text=True)


def test_markup_in_parameters_is_escaped(client):
    evil = "<script>alert(1)</script>"
    response = client.get("/sheet", query_string={"weight": evil, "weight_unit": evil, "height": "96",
                                                  "height_unit": "cm", evil: "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert evil not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize("path", ["/", "/sheet?" + CASE, "/sheet?weight=x", "/nowhere",
                                  "/static/pedidose.css"])
def test_security_headers_and_no_cookies(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_case_sheet_prints_the_growth_check(client):
    text = text_of(client.get("/sheet?" + CASE))
    assert ("Growth check CDC 2000: weight-for-age z -0.5 (30.8th percentile), height-for-age z") in text
    assert "BMI 14 kg ÷ (0.96 m)² = 15.2 kg/m² (to 0.1), BMI-for-age z" in text
    assert "Check the measurements" not in text


def test_sheet_without_age_says_the_check_was_not_done(client):
    query = CASE.replace("&age_years=3&age_months=6&sex=female", "")
    text = text_of(client.get("/sheet?" + query))
    assert text.count("Growth check not done: age (years and months) and sex are needed") == 1


def test_31_kg_sheet_has_the_warning_at_the_top(client):
    response = client.get("/sheet?" + CASE.replace("weight=14&", "weight=31&"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.index('class="growth-warnings"') < html.index('class="patient"')
    assert ("31 kg is far above the expected weight for a 3-year-6-month-old girl (z +4.0). "
            "31 lb would be 14.06 kg (z -0.5). Was the weight measured in pounds?") in text_of(response)


def test_beyond_5_needs_the_box_ticked(client):
    query = CASE.replace("weight=14&", "weight=70&")
    response = client.get("/sheet?" + query)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'type="checkbox" id="confirm_implausible" name="confirm_implausible" value="yes"' in html
    assert "I have re-measured and confirm these values" in html
    assert "70 kg is far above the expected weight" in html
    assert 'href="#confirm_implausible"' in html
    confirmed = client.get("/sheet?" + query + "&confirm_implausible=yes")
    assert confirmed.status_code == 200
    assert "The prescriber confirmed that these values were re-measured and are right." in text_of(confirmed)
    assert "70 kg is far above the expected weight" in text_of(confirmed)


def test_confirmation_accepts_only_the_checkbox_value(client):
    response = client.get("/sheet?" + CASE + "&confirm_implausible=on")
    assert response.status_code == 422
    assert "must be &#39;yes&#39; (box ticked) or absent" in response.get_data(as_text=True)


DAY_FIRST = CASE.replace("start=2027-01-31", "start_day=31&start_month=1&start_year=2027")


def test_date_as_day_month_and_year(client):
    text = text_of(client.get("/sheet?" + DAY_FIRST))
    assert "First dose on 31 Jan 2027" in text
    # Day 5, month 3 is 5 March, never read the other way round.
    text = text_of(client.get("/sheet?" + DAY_FIRST.replace("start_day=31&start_month=1",
                                                            "start_day=5&start_month=3")))
    assert "First dose on 5 Mar 2027" in text


@pytest.mark.parametrize("parts,field,message", [
    ("start_day=30&start_month=2&start_year=2027", "start", "30 February 2027 is not a real date"),
    ("start_day=29&start_month=2&start_year=2027", "start", "29 February 2027 is not a real date"),
    ("start_day=31&start_month=13&start_year=2027", "start_month", "must be a month from 1 to 12"),
    ("start_day=0&start_month=1&start_year=2027", "start_day", "must be a day from 1 to 31"),
    ("start_day=31&start_month=1&start_year=27", "start_year", "four-digit year from 2000 to 2099"),
    ("start_day=31&start_month=1&start_year=12027", "start_year", "four-digit year"),
    ("start_day=2027-01-31&start_month=&start_year=", "start_day", "must be a day from 1 to 31"),
    ("start_day=&start_month=&start_year=", "start", "enter the day, month and year"),
    ("start_day=31&start_month=1&start_year=2027&start=2027-01-31", "start",
     "either as start (YYYY-MM-DD) or as start_day, start_month and start_year, not both"),
])
def test_date_refused_naming_the_field(client, parts, field, message):
    response = client.get("/sheet?" + CASE.replace("start=2027-01-31", parts))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html and message in html
    target = "start_day" if field == "start" else field
    assert f'<a href="#{target}">First dose on' in html


def test_leap_day_is_a_real_date(client):
    text = text_of(client.get("/sheet?" + DAY_FIRST.replace(
        "start_day=31&start_month=1&start_year=2027", "start_day=29&start_month=2&start_year=2028")))
    assert "First dose on 29 Feb 2028" in text


def test_change_the_input_brings_back_every_value(client):
    query = (DAY_FIRST.replace("weight=14&weight_unit=kg", "weight=31&weight_unit=lb")
             .replace("bsa_formula=mosteller", "bsa_formula=haycock").replace("&regimen=pamidronate", "")
             + "&dose.methotrexate=20")
    sheet = client.get("/sheet?" + query).get_data(as_text=True)
    link = re.search(r'<a href="(/\?[^"]+)" class="button">Change the input</a>', sheet).group(1)
    html = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    for name, value in [("weight", "31"), ("height", "96"), ("age_years", "3"), ("age_months", "6"),
                        ("start_day", "31"), ("start_month", "1"), ("start_year", "2027"),
                        ("dose.methotrexate", "20")]:
        assert re.search(rf'id="{re.escape(name)}" name="{re.escape(name)}"[^>]*value="{value}"', html), name
    for select, value in [("weight_unit", "lb"), ("height_unit", "cm"), ("sex", "female"),
                          ("bsa_formula", "haycock")]:
        chosen = re.search(rf'<select id="{select}".*?</select>', html, re.S).group(0)
        assert re.findall(r'<option value="(\w*)" selected>', chosen) == [value], select
    ticked = re.findall(r'name="regimen" value="(\w+)" checked', html)
    assert ticked == ["prednisolone", "ivig", "methotrexate", "cyclophosphamide"]


def test_a_link_with_start_fills_the_three_date_fields(client):
    html = client.get("/?" + CASE).get_data(as_text=True)
    assert re.search(r'id="start_day" name="start_day"[^>]*value="31"', html)
    assert re.search(r'id="start_month" name="start_month"[^>]*value="1"', html)
    assert re.search(r'id="start_year" name="start_year"[^>]*value="2027"', html)


def test_error_summary_names_fields_by_their_labels(client):
    def summary(query):
        html = client.get("/sheet?" + query).get_data(as_text=True)
        return re.search(r'<div class="error-summary".*?</div>\s*</div>', html, re.S).group(0)

    first = summary(CASE.replace("weight=14", "weight=14,5").replace("age_months=6", "age_months=12"))
    assert "autofocus" in first and 'tabindex="-1"' in first and 'role="alert"' in first
    assert '<a href="#weight">Weight: use a point for decimals' in first
    assert '<a href="#age_months">Age, months: must be a whole number from 0 to 11' in first
    # In the form's order, whatever order the problems were found in.
    both = summary(DAY_FIRST.replace("weight=14", "weight=x").replace("start_day=31", "start_day=32"))
    assert both.index('href="#weight"') < both.index('href="#start_day"')
    override = summary(CASE + "&dose.ivig=3")
    assert '<a href="#dose.ivig">Immunoglobulin dose: must be from 1 to 2 g/kg' in override


@pytest.mark.parametrize("value,z,expected", [
    ("62.2", "0.31", "62.2nd"), ("30.8", "-0.5", "30.8th"), ("41", "-0.23", "41st"),
    ("12", "-1.17", "12th"), ("11.1", "-1.22", "11.1st"), ("2.3", "-2", "2.3rd"),
    ("22", "-0.77", "22nd"), ("99.9", "3.2", "above the 99.9th"), ("0.1", "-3.2", "below the 0.1st"),
])
def test_percentile_ordinals(value, z, expected):
    from decimal import Decimal

    from app.sheet import ordinal

    assert ordinal(Decimal(value), Decimal(z)) == expected


def test_sheet_typography(client):
    html = client.get("/sheet?" + CASE).get_data(as_text=True)
    assert "0.75\u00a0mg/kg/day × 14\u00a0kg = 10.5\u00a0mg/day, rounded to 11\u00a0mg" in html
    assert 'id="weight-used">14\u00a0kg, as measured; weight measured on ' in html
    assert 'id="height-used">96\u00a0cm, as measured<' in html
    assert " x " not in text_of(client.get("/sheet?" + CASE))
    # The weekly methotrexate is one run of doses: a sentence, not a one-item list.
    section = html.split('id="regimen-methotrexate"')[1].split("</section>")[0]
    assert "<ol" not in section and '<p class="dates">52 doses of 9\u00a0mg, every Sunday' in section
    # Sources numbered in the text, not by list markers that a column can overlap.
    assert '<li><span class="n">1.</span>' in html


def test_static_files_are_versioned_and_kept_pages_are_not(client):
    html = client.get("/").get_data(as_text=True)
    css = re.search(r'<link rel="stylesheet" href="([^"]+)"', html).group(1)
    icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml"', html).group(1)
    assert re.fullmatch(r"/static/pedidose\.css\?v=[0-9a-f]{12}", css)
    assert '<meta name="description" content="' in html
    for url in (css, icon):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert client.get(css.split("?")[0] + "?v=000000000000").headers["Cache-Control"] == "no-store"
    assert client.get("/").headers["Cache-Control"] == "no-store"
    assert client.get("/sheet?" + CASE).headers["Cache-Control"] == "no-store"
    favicon = client.get("/favicon.ico")
    assert favicon.status_code == 200 and favicon.mimetype == "image/svg+xml"
