"""The growth chart read as a person reads it: positions converted to kg,
cm and age through the chart's own axis labels, and compared with values
taken by hand from the shipped tables (the CDC's published percentile
columns P3 to P97; for WHO, the median M)."""

import random
import re
import xml.etree.ElementTree as ET
from itertools import pairwise

import pytest

from app.growth_chart import ORDINALS, PERCENTILES, GrowthCharts

CASE = ("weight=14&weight_unit=kg&height=96&height_unit=cm&age_years=3&age_months=6&sex=female"
        "&start=2027-01-31&regimen=ivig")

# cdc_2000_wtage.csv, girls (Sex 2), Agemos 42.5 (3 years 6 completed months
# + 0.5, the CDC's rule): P3, P10, P25, P50, P75, P90, P97 columns.
GIRL_42_5 = {3: 12.05757491, 10: 12.82719552, 25: 13.72053844, 50: 14.88121352,
             75: 16.27016402, 90: 17.77788046, 97: 19.58747608}
# The same file at Agemos 240 (20 years), the right-hand end of the chart.
GIRL_240 = {3: 45.04654822, 50: 58.21897289, 97: 89.04485133}
# cdc_2000_statage.csv, girls, Agemos 42.5: P50.
GIRL_HEIGHT_42_5_P50 = 97.6484807
# who_2006_weight_for_age.csv, girls, 12 months: M (the median, so the 50th).
WHO_GIRL_12_MONTHS_M = 8.9481


class Chart:
    """One SVG panel, with its axes read from its tick labels."""

    def __init__(self, svg: ET.Element):
        self.svg = svg
        self.y_of = self._axis("y-ticks", "y")
        self.x_of = self._axis("x-ticks", "x")

    def _axis(self, group: str, attr: str):
        ticks = [(float(t.get(attr)), float(t.text))
                 for g in self.svg.iter("g") if group in g.get("class", "") for t in g.iter("text")]
        (p0, v0), (p1, v1) = ticks[0], ticks[-1]
        return lambda pos: v0 + (pos - p0) * (v1 - v0) / (p1 - p0)

    def point(self, cls: str) -> tuple[float, float] | None:
        for c in self.svg.iter("circle"):
            if cls in c.get("class", "").split():
                return self.x_of(float(c.get("cx"))), self.y_of(float(c.get("cy")))
        return None

    def curves(self) -> dict[int, list[tuple[float, float]]]:
        return {int(p.get("data-percentile")):
                [(self.x_of(float(x)), self.y_of(float(y)))
                 for x, y in (pair.split(",") for pair in p.get("points").split())]
                for p in self.svg.iter("polyline")}

    def curve_at(self, percentile: int, x: float) -> float:
        """The curve's value at `x`, read between its drawn points."""
        points = self.curves()[percentile]
        for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
            if x0 <= x <= x1:
                return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
        raise AssertionError(f"{x} is outside the curve")


def charts(html: str) -> dict[str, Chart]:
    found = {}
    for svg_text in re.findall(r"<svg .*?</svg>", html, re.S):
        svg = ET.fromstring(svg_text)
        found[svg.get("data-measure")] = Chart(svg)
    return found


def sheet(client, query):
    response = client.get("/sheet?" + query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_case_girl_14_kg_near_her_50th_percentile(client):
    html = sheet(client, CASE)
    weight = charts(html)["weight"]
    assert sorted(weight.curves()) == [3, 10, 25, 50, 75, 90, 97]
    age, kg = weight.point("child")
    assert age == pytest.approx(42.5 / 12, abs=0.05)  # years, read at completed months + 0.5
    assert kg == pytest.approx(14, abs=0.1)
    for p, published in GIRL_42_5.items():
        assert weight.curve_at(p, age) == pytest.approx(published, abs=0.15), p
    assert weight.curve_at(25, age) < kg < weight.curve_at(50, age)  # z -0.5: 30.8th percentile
    assert weight.point("other-reading") is None
    for p, published in GIRL_240.items():
        assert weight.curves()[p][-1][1] == pytest.approx(published, abs=0.15), p
    assert weight.curves()[50][0][0] == pytest.approx(2) and weight.curves()[50][-1][0] == pytest.approx(20)
    height = charts(html)["height"]
    assert height.point("child")[1] == pytest.approx(96, abs=0.1)
    assert height.curve_at(50, age) == pytest.approx(GIRL_HEIGHT_42_5_P50, abs=0.15)
    # No warning: the chart is on screen, not on paper.
    assert 'class="growth-chart no-print"' in html


def test_31_kg_far_above_the_97th_with_14_06_kg_hollow_near_the_middle(client):
    html = sheet(client, CASE.replace("weight=14", "weight=31"))
    weight = charts(html)["weight"]
    age, kg = weight.point("child")
    assert kg == pytest.approx(31, abs=0.1)
    assert kg - GIRL_42_5[97] > 10  # 31 kg against a 97th percentile of 19.6 kg
    assert weight.curve_at(97, age) < kg
    other_age, other_kg = weight.point("other-reading")  # 31 lb x 0.45359237 = 14.06 kg
    assert other_age == pytest.approx(age)
    assert other_kg == pytest.approx(14.06, abs=0.1)
    assert GIRL_42_5[25] < other_kg < GIRL_42_5[50]
    caption = re.search(r'<figcaption id="chart-weight-desc">(.*?)</figcaption>', html).group(1)
    caption = caption.replace("\u00a0", " ")
    assert "31 kg at 3 years 6 months, above the 97th percentile curve" in caption
    assert "31 lb = 14.06 kg, between the 25th and 50th percentile curves" in caption
    assert 'class="growth-chart"' in html  # the growth check warned: printed too
    assert charts(html)["height"].point("other-reading") is None


def test_who_chart_below_two_years(client):
    query = CASE.replace("age_years=3&age_months=6", "age_years=1&age_months=0").replace(
        "weight=14", "weight=9").replace("height=96", "height=74")
    weight = charts(sheet(client, query))["weight"]
    assert sorted(weight.curves()) == [3, 15, 50, 85, 97]
    assert weight.curves()[50][0][0] == pytest.approx(0)
    assert weight.curves()[50][-1][0] == pytest.approx(24)
    age, kg = weight.point("child")
    assert age == pytest.approx(12) and kg == pytest.approx(9, abs=0.05)
    assert weight.curve_at(50, 12) == pytest.approx(WHO_GIRL_12_MONTHS_M, abs=0.05)


def test_no_chart_without_age_and_sex(client):
    html = sheet(client, CASE.replace("&age_years=3&age_months=6&sex=female", ""))
    assert "<svg" not in html


def _between_by_scan(values: dict[int, float], value: float) -> str:
    """Where `value` lies among the curves, read pair by pair."""
    ordered = sorted(values.items())
    if value > ordered[-1][1]:
        return f"above the {ORDINALS[ordered[-1][0]]} percentile curve"
    if value < ordered[0][1]:
        return f"below the {ORDINALS[ordered[0][0]]} percentile curve"
    for (p_low, v_low), (p_high, v_high) in pairwise(ordered):
        if v_low <= value <= v_high:
            return f"between the {ORDINALS[p_low]} and {ORDINALS[p_high]} percentile curves"
    raise AssertionError(value)


@pytest.mark.parametrize("measure", ["weight", "height"])
@pytest.mark.parametrize("sex", ["female", "male"])
def test_words_at_every_age_match_the_curves_read_pair_by_pair(app, sex, measure):
    charts_ = GrowthCharts(app.extensions["growth"])
    for months in range(1, 240):
        here = charts_.at_age(sex, measure, months)
        assert list(here.values) == sorted(here.values), months
        by_percentile = dict(zip(PERCENTILES[here.reference], here.values, strict=True))
        lows, highs = here.values[:-1], here.values[1:]
        probes = [*here.values, *((a + b) / 2 for a, b in zip(lows, highs, strict=True)),
                  here.values[0] - 0.01, here.values[-1] + 0.01]
        for value in probes:
            assert here.between(value) == _between_by_scan(by_percentile, value), (months, value)


def test_a_whole_curve_is_placed_as_each_point_is(app):
    charts_ = GrowthCharts(app.extensions["growth"])
    references = app.extensions["growth"]
    rng = random.Random(11)
    for reference in (references.who, references.cdc):
        for low, high in ((0.0, 0.0), (1.7, 250.3), (45.25, 45.25)):
            frame = charts_.axes(reference, "male", "height", low, high)
            v0, v1 = frame.values
            values = [v0 + (v1 - v0) * i / 97 for i in range(98)] + [rng.uniform(v0 - 5, v1 + 5)
                                                                      for _ in range(5000)]
            assert frame.y_texts(values) == [str(frame.y(v)) for v in values]
