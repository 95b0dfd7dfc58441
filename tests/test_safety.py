"""Safety case: the hazard log points at tests that exist; request limits and
headers hold on error responses too."""

import re

import pytest
from conftest import ROOT

from app.security import HEADERS

LOG = ROOT / "docs" / "safety.md"


def test_every_test_in_the_hazard_log_exists():
    text = LOG.read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if re.match(r"\| \d+ \|", line)]
    assert len(rows) >= 15
    for row in rows:
        refs = re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", row)
        assert refs, f"hazard without a test: {row[:60]}"
        for path, name in refs:
            source = (ROOT / path).read_text(encoding="utf-8")
            assert re.search(rf"^def {name}\(", source, re.M), f"{path}::{name} is missing"


def test_oversized_body_is_413(client):
    response = client.post("/api/v1/plan", data=b"{" + b" " * 20_000 + b"}",
                           content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["errors"][0]["message"]


@pytest.mark.parametrize("path", ["/sheet", "/", "/regimens", "/api/v1/plans"])
def test_query_bytes_that_are_not_utf8_are_400_not_500(client, path):
    """A raw byte 0xFF in the query (not the escape %FF) cannot be read as
    text: every page and the API refuse it with a message, never a 500."""
    response = client.get(path, environ_overrides={"QUERY_STRING": "weight=\xff&height=91"})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "not UTF-8" in text
    if path.startswith("/api/"):
        assert response.get_json()["errors"][0]["message"].startswith("The query string holds bytes")


def test_overlong_query_is_414(client):
    response = client.get("/sheet?weight=" + "1" * 5000)
    assert response.status_code == 414
    assert "Content-Security-Policy" in response.headers


@pytest.mark.parametrize("method,path,status", [
    ("post", "/api/v1/plan", 413), ("get", "/sheet?x=" + "y" * 5000, 414),
    ("get", "/api/v1/plan", 405), ("get", "/nowhere", 404), ("delete", "/", 405),
])
def test_headers_on_error_responses(client, method, path, status):
    kwargs = {"data": b"x" * 20_000} if status == 413 else {}
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == status
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    assert "<script" not in response.get_data(as_text=True)


# Issue 12, items 1 and 2 on the pages: text and numbers in the query string.

SHEET = "/sheet?weight=14&weight_unit=kg&height=96&height_unit=cm&start=2027-01-31&regimen=ivig"


def errors_on_page(response):
    html = response.get_data(as_text=True)
    summary = html.split('id="error-summary-title"')[1].split("</ul>")[0]
    return re.sub(r"\s+", " ", re.sub("<[^>]+>", " ", summary))


@pytest.mark.parametrize("extra,shown", [
    ("&%ED%A0%80=1", "Unknown parameter &#39;%ED%A0%80&#39;"),
    ("&a%00%0Ab=1", "Unknown parameter &#39;a\\x00\\nb&#39;"),
    ("&" + "k" * 3000 + "=1", "Unknown parameter &#39;" + "k" * 40 + "…&#39;"),
    ("&regimen=" + "i" * 3000, "Regimens: is longer than 64 characters"),
    ("&sex=%EF%BF%BD", "Sex: holds something that is not UTF-8 text"),
])
def test_query_text_is_refused_and_echoed_short(client, extra, shown):
    response = client.get(SHEET + extra)
    assert response.status_code == 422
    assert shown in errors_on_page(response)
    assert "i" * 65 not in response.get_data(as_text=True)


@pytest.mark.parametrize("field", ["weight", "height", "age_years", "dose.ivig"])
@pytest.mark.parametrize("number", ["1e1000000", "1E3000000", "-1e1000000", "1" + "0" * 3000,
                                    "0." + "0" * 3000 + "1", "9.9e999999999"])
def test_query_numbers_are_bounded_before_conversion(client, field, number):
    query = dict(weight="14", weight_unit="kg", height="96", height_unit="cm", start="2027-01-31",
                 regimen="ivig", age_years="3", age_months="6", sex="female")
    query[field] = number
    response = client.get("/sheet", query_string=query)
    assert response.status_code == 422
    label = {"weight": "Weight", "height": "Height", "age_years": "Age, years",
             "dose.ivig": "Immunoglobulin dose"}[field]
    assert f"{label}: must be" in errors_on_page(response)


def test_every_hostile_input_of_the_benchmark_is_refused_or_answered():
    """bench/hostile.py times these; here only their answers are checked."""
    from bench.hostile import measure

    results = measure(runs=1)
    assert len(results) >= 20
    assert all(status in (200, 400, 422) for _, _, status in results), results


# Issue 12, item 8: every status the app gives carries its headers.

def test_405_carries_allow(client):
    response = client.get("/api/v1/plan")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"OPTIONS", "POST"}
    response = client.delete("/")
    assert response.status_code == 405 and set(response.headers["Allow"].split(", ")) == {
        "GET", "HEAD", "OPTIONS"}


@pytest.mark.parametrize("path,allow", [("/api/v1/plan", "OPTIONS, POST"), ("/", "GET, HEAD, OPTIONS"),
                                        ("/sheet", "GET, HEAD, OPTIONS")])
def test_options_is_204_with_allow_and_the_security_headers(client, path, allow):
    response = client.options(path)
    assert response.status_code == 204
    assert set(response.headers["Allow"].split(", ")) == set(allow.split(", "))
    assert response.get_data() == b"" and "Content-Type" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


@pytest.fixture(scope="module")
def failing_client():
    from app import create_app

    app = create_app({"REGIMENS": str(ROOT / "regimens.toml")})
    app.add_url_rule("/api/v1/fail", "fail_api", lambda: 1 / 0)
    app.add_url_rule("/fail", "fail_page", lambda: 1 / 0)
    return app.test_client()


CASE_JSON = ('{"weight": {"value": 14, "unit": "kg"}, "height": {"value": 96, "unit": "cm"}, '
             '"start_date": "2027-01-31", "regimens": ["ivig"]}')
EVERY_STATUS = [
    ("get", "/", {}, 200), ("get", SHEET, {}, 200),
    ("post", "/api/v1/plan", {"data": CASE_JSON, "content_type": "application/json"}, 200),
    ("options", "/api/v1/plan", {}, 204), ("options", "/", {}, 204),
    ("post", "/api/v1/plan", {"data": "{", "content_type": "application/json"}, 400),
    ("get", "/nowhere", {}, 404), ("get", "/api/v1/nowhere", {}, 404),
    ("get", "/api/v1/plan", {}, 405), ("post", "/sheet", {}, 405),
    ("post", "/api/v1/plan", {"data": "x" * 20_000, "content_type": "application/json"}, 413),
    ("get", "/sheet?x=" + "y" * 5000, {}, 414), ("get", "/api/v1/plan?x=" + "y" * 5000, {}, 414),
    ("post", "/api/v1/plan", {"data": CASE_JSON, "content_type": "text/plain"}, 415),
    ("post", "/api/v1/plan", {"data": "{}", "content_type": "application/json"}, 422),
    ("get", "/sheet?weight=x", {}, 422),
    ("get", "/fail", {}, 500), ("get", "/api/v1/fail", {}, 500),
]


@pytest.mark.parametrize("method,path,kwargs,status", EVERY_STATUS,
                         ids=[f"{s}-{m}-{p[:20]}" for m, p, _, s in EVERY_STATUS])
def test_every_status_carries_the_security_headers_and_a_charset(failing_client, method, path, kwargs,
                                                                  status):
    response = getattr(failing_client, method)(path, **kwargs)
    assert response.status_code == status
    for name, value in HEADERS.items():
        assert response.headers[name] == value
    if status == 204:
        assert response.get_data() == b""
    else:
        assert response.mimetype_params.get("charset") == "utf-8", response.headers["Content-Type"]
        assert response.mimetype == ("application/json" if path.startswith("/api/") else "text/html")
    if status == 405:
        assert "Allow" in response.headers
