"""The slowest hostile request: the worst inputs we could construct within
the size limits (16 KiB body, 4,096-byte query), each sent through the Flask
test client to `POST /api/v1/plan` or `GET /sheet` and timed in CPU time.

Issue 12, item 2: a 121-byte body with `age.years` 1e1000000 once cost 22 to
32 s of CPU. No request within the limits may cost more than a few
milliseconds; the figure is the slowest input's median, and names it.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

BODY_LIMIT = 16 * 1024
QUERY_LIMIT = 4096
VALID = '"weight":{"value":14,"unit":"kg"},"height":{"value":96,"unit":"cm"}'


def _fill(head: str, unit: str, tail: str, limit: int) -> str:
    """`head`, then `unit` (its "{}" replaced by 0, 1, 2...) as often as
    fits, then `tail`: at most `limit` bytes."""
    parts, size, n = [head], len(head) + len(tail), 0
    while size + len(piece := unit.replace("{}", str(n))) <= limit:
        parts.append(piece)
        size += len(piece)
        n += 1
    return "".join(parts) + tail


def api_bodies() -> dict[str, bytes]:
    """Bodies for `POST /api/v1/plan`, each at most 16 KiB."""
    age = "{" + VALID + ',"age":{"years":%s,"months":0},"sex":"female"}'
    depth = (BODY_LIMIT - 200) // 2
    depth_objects = (BODY_LIMIT - 200) // 7
    bodies = {
        "age.years 1e1000000 (issue 12)": age % "1e1000000",
        "age.years 1e3000000": age % "1e3000000",
        "weight 16 KiB of digits": _fill('{"weight":{"value":1', "0", ',"unit":"kg"}}', BODY_LIMIT),
        "weight 16 KiB of decimals": _fill('{"weight":{"value":0.', "0", '1,"unit":"kg"}}', BODY_LIMIT),
        "unknown keys": _fill("{" + VALID, ',"k{}":1', "}", BODY_LIMIT),
        "duplicate keys": _fill("{" + VALID, ',"sex":"female"', "}", BODY_LIMIT),
        "lone surrogates": _fill("{" + VALID + ',"regimens":["\\ud800"', ',"\\ud800"', "]}", BODY_LIMIT),
        "unknown regimens": _fill("{" + VALID + ',"regimens":["x"', ',"x{}"', "]}", BODY_LIMIT),
        "repeated regimens": _fill("{" + VALID + ',"regimens":["ivig"', ',"ivig"', "]}", BODY_LIMIT),
        "unknown override ids": _fill("{" + VALID + ',"overrides":{"a":{"dose":1}', ',"{}":{"dose":1}',
                                      "}}", BODY_LIMIT),
        "nested lists": "{" + VALID + ',"regimens":' + "[" * depth + "]" * depth + "}",
        "nested objects": "{" + VALID + ',"overrides":' + '{"a":' * depth_objects + "1"
                          + "}" * depth_objects + "}",
        "full plan, every regimen": "{" + VALID + ',"age":{"years":3,"months":6},"sex":"female",'
                                    '"start_date":"2027-01-31"}',
    }
    return {name: body.encode() for name, body in bodies.items()}


def sheet_queries() -> dict[str, str]:
    """Query strings for `GET /sheet`, each at most 4,096 bytes."""
    valid = "weight=14&weight_unit=kg&height=96&height_unit=cm&start=2027-01-31"
    everything = (valid + "&age_years=3&age_months=6&sex=female&regimen=prednisolone&regimen=ivig"
                  "&regimen=methotrexate&regimen=pamidronate&regimen=cyclophosphamide")
    return {
        "weight 1e1000000": valid.replace("weight=14", "weight=1e1000000") + "&regimen=ivig",
        "age_years 1e3000000": valid + "&age_years=1e3000000&age_months=0&sex=female&regimen=ivig",
        "weight 4 KiB of digits": _fill(valid.replace("weight=14", "weight=1"), "0", "&regimen=ivig",
                                        QUERY_LIMIT),
        "unknown parameters": _fill(valid, "&k=1", "", QUERY_LIMIT),
        "unknown regimens": _fill(valid, "&regimen=x", "", QUERY_LIMIT),
        "repeated regimens": _fill(valid, "&regimen=ivig", "", QUERY_LIMIT),
        "bytes that are not UTF-8": _fill(valid, "&regimen=%ED%A0%80", "", QUERY_LIMIT),
        "full sheet, every regimen": everything,
    }


def _median_cpu_ms(call: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.process_time_ns()
        call()
        times.append(time.process_time_ns() - t0)
    return statistics.median(times) / 1e6


def measure(runs: int = 20) -> list[tuple[float, str, int]]:
    """(median CPU ms, "endpoint: input", status) for every hostile input."""
    from app import create_app

    client = create_app().test_client()
    results = []
    for name, body in api_bodies().items():
        assert len(body) <= BODY_LIMIT, name
        status = client.post("/api/v1/plan", data=body, content_type="application/json").status_code
        ms = _median_cpu_ms(lambda b=body: client.post("/api/v1/plan", data=b,
                                                       content_type="application/json"), runs)
        results.append((ms, f"POST /api/v1/plan: {name}", status))
    for name, query in sheet_queries().items():
        assert len(query) <= QUERY_LIMIT, name
        status = client.get("/sheet?" + query).status_code
        ms = _median_cpu_ms(lambda q=query: client.get("/sheet?" + q), runs)
        results.append((ms, f"GET /sheet: {name}", status))
    return sorted(results, reverse=True)


def bench_hostile(runs: int, figure: Callable[[str, str, str, bool | None], None]) -> None:
    """Print the slowest hostile request as a figure (target: 10 ms of CPU)."""
    results = measure(runs)
    slowest_ms, name, status = results[0]
    figure("hostile_request_ms_max", f"{slowest_ms:.2f} ms CPU, median of {runs} ({name}, {status}; "
           f"{len(results)} inputs, next {results[1][0]:.2f} ms)", "<= 10 ms", slowest_ms <= 10)


if __name__ == "__main__":
    for ms, name, status in measure():
        print(f"{ms:8.3f} ms  {status}  {name}")
