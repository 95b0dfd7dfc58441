"""Measure Pedidose and print each figure on its own line with its target.

    python -m bench            # full run (about a minute)
    python -m bench --quick    # tiny inputs: checks the script, not the speed

Figures: engine time per plan; /sheet time against a pre-rendered page of
the same size; cold start, and the part of it spent loading the growth
references; served sheets per second under gunicorn with wrk (two
consecutive runs); resident memory of one worker after each run.

Every patient has an age and a sex, so the growth check runs in full; the
requests confirm implausible values, because random weights and heights
are often implausible for a random age and would otherwise stop at the
confirmation instead of producing a sheet.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORMULAS = ("mosteller", "dubois", "haycock", "gehan_george", "boyd")
REGIMENS = ("prednisolone", "ivig", "methotrexate", "pamidronate", "cyclophosphamide")


def figure(name: str, value: str, target: str, ok: bool | None) -> None:
    verdict = "" if ok is None else ("  [meets target]" if ok else "  [MISSES target]")
    print(f"{name}: {value} (target {target}){verdict}", flush=True)


Patient = tuple[Decimal, Decimal, str, date, int, int, str]


def patients(rng: random.Random, n: int) -> list[Patient]:
    """Weight (kg), height (cm), formula, start, age years and months, sex."""
    return [(Decimal(rng.randint(250, 12000)) / 100, Decimal(rng.randint(450, 2000)) / 10,
             rng.choice(FORMULAS), date(2027, 1, 1) + timedelta(days=rng.randint(0, 700)),
             rng.randint(0, 19), rng.randint(1, 11), rng.choice(("female", "male")))
            for _ in range(n)]


def bench_engine(rng: random.Random, n: int) -> None:
    from app.dosing import PlanRequest, compute_plan, load_regimens
    from app.dosing.growth_references import load_references

    book = load_regimens(ROOT / "regimens.toml")
    references = load_references()
    requests = [PlanRequest(w, "kg", h, "cm", start, formula, age_years=years, age_months=months,
                            sex=sex, confirm_implausible=True, today=start)
                for w, h, formula, start, years, months, sex in patients(rng, n)]
    times = []
    items = 0
    for req in requests:
        t0 = time.perf_counter_ns()
        plan = compute_plan(book, req, references)
        times.append(time.perf_counter_ns() - t0)
        items += sum(len(r.items) for r in plan.regimens)
    median_ms = statistics.median(times) / 1e6
    figure("engine_ms_per_plan_median", f"{median_ms:.3f} ms over {n} patients, "
           f"{items // n} items per plan, with volumes, pump rates and cumulative doses", "<= 0.3 ms",
           median_ms <= 0.3)


def bench_diff() -> None:
    """`regimens diff` over its whole grid (every 0.01 kg, every 0.01 m²) for
    an edit that changes every regimen of every plan (each rounding step
    doubled), loading both files included."""
    import re as pattern

    from app.dosing.regimen_diff import dose_changes
    from app.dosing.regimens import parse_regimens

    old = (ROOT / "regimens.toml").read_bytes()
    new = pattern.sub(rb"round_to = \{ value = ([0-9.]+)", lambda m: b"round_to = { value = "
                      + str(2 * Decimal(m.group(1).decode())).encode(), old)
    t0 = time.perf_counter()
    changes = dose_changes(parse_regimens(old, "old"), parse_regimens(new, "new"))
    seconds = time.perf_counter() - t0
    figure("regimens_diff_s", f"{seconds:.2f} s for every regimen of every plan ({len(changes)} ranges)",
           "<= 5 s", seconds <= 5)


def sheet_query(w: Decimal, h: Decimal, formula: str, start: date, years: int, months: int,
                sex: str) -> str:
    chosen = "".join(f"&regimen={r}" for r in REGIMENS)
    return (f"/sheet?weight={w}&weight_unit=kg&height={h}&height_unit=cm&start={start}"
            f"&bsa_formula={formula}&age_years={years}&age_months={months}&sex={sex}"
            f"&confirm_implausible=yes{chosen}")


def bench_page(rng: random.Random, n: int) -> None:
    from flask import Response

    from app import create_app

    app = create_app()
    page = {}
    app.add_url_rule("/bench/prerendered", "prerendered",
                     lambda: Response(page["body"], mimetype="text/html"))
    client = app.test_client()
    urls = [sheet_query(*p) for p in patients(rng, n)]
    page["body"] = client.get(urls[0]).get_data()
    # The pre-rendered page is asked for with the same query string, so both
    # pay the same test-client and URL-parsing cost; only the work differs.
    prerendered = [url.replace("/sheet?", "/bench/prerendered?") for url in urls]
    for url, pre_url in list(zip(urls, prerendered, strict=True))[:5]:
        client.get(url)
        client.get(pre_url)
    sheet, pre = [], []
    for url, pre_url in zip(urls, prerendered, strict=True):
        t0 = time.perf_counter_ns()
        response = client.get(url)
        sheet.append(time.perf_counter_ns() - t0)
        assert response.status_code == 200, url
        t0 = time.perf_counter_ns()
        client.get(pre_url)
        pre.append(time.perf_counter_ns() - t0)
    ratio = statistics.median(sheet) / statistics.median(pre)
    figure("page_sheet_ms_median", f"{statistics.median(sheet) / 1e6:.3f} ms "
           f"({len(page['body']):,} bytes)", "-", None)
    figure("page_prerendered_ms_median", f"{statistics.median(pre) / 1e6:.3f} ms", "-", None)
    figure("page_ratio", f"{ratio:.2f}", "<= 3.5", ratio <= 3.5)


def bench_cold_start(runs: int) -> None:
    code = "from app import create_app; create_app()"
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
        times.append(time.perf_counter() - t0)
    median = statistics.median(times)
    figure("cold_start_s_median", f"{median:.3f} s over {runs} runs", "<= 1.0 s", median <= 1.0)
    code = ("import time; from app.dosing.growth_references import load_references; "
            "t = time.perf_counter(); load_references(); print(time.perf_counter() - t)")
    loads = [float(subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True,
                                  capture_output=True, text=True).stdout) for _ in range(runs)]
    load_ms = statistics.median(loads) * 1000
    figure("growth_references_load_ms_median", f"{load_ms:.1f} ms over {runs} runs (part of the "
           "cold start)", "<= 100 ms", load_ms <= 100)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rss_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))


def _workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(c) for c in children]


def bench_served(seconds: int, runs: int) -> None:
    wrk = shutil.which("wrk")
    gunicorn = shutil.which("gunicorn")
    if not wrk or not gunicorn:
        print("served: skipped (needs wrk and gunicorn: apt-get install -y wrk)", flush=True)
        return
    port = _free_port()
    # README's production command: gunicorn.conf.py in ROOT sets the workers.
    server = subprocess.Popen(
        [gunicorn, "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "app:create_app()"],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        deadline = time.time() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.1)
        time.sleep(1)
        rss = []
        for run in range(1, runs + 1):
            out = subprocess.run(
                [wrk, "-t", "2", "-c", "16", "-d", f"{seconds}s", "--timeout", "5s",
                 "-s", str(ROOT / "bench" / "varied.lua"), f"http://127.0.0.1:{port}"],
                capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
            fields = dict(kv.split("=") for kv in re.search(r"WRK (.*)", out).group(1).split())
            values = {k: int(v) for k, v in fields.items()}
            errors = sum(values[k] for k in ("connect", "read", "write", "timeout", "status"))
            per_s = values["requests"] / (values["duration_us"] / 1e6)
            p99_ms = values["p99_us"] / 1000
            figure(f"served_run{run}_sheets_per_s", f"{per_s:.0f}/s ({values['requests']} in "
                   f"{seconds} s, 16 connections)", ">= 300/s", per_s >= 300)
            figure(f"served_run{run}_p99_ms", f"{p99_ms:.1f} ms (p50 {values['p50_us'] / 1000:.1f} ms)",
                   "< 100 ms", p99_ms < 100)
            figure(f"served_run{run}_errors", str(errors), "0", errors == 0)
            worker_rss = [_rss_kib(pid) for pid in _workers(server.pid)]
            rss.append(max(worker_rss))
            figure(f"memory_run{run}_worker_rss", f"{max(worker_rss) / 1024:.1f} MiB "
                   f"(workers: {', '.join(f'{r / 1024:.1f}' for r in worker_rss)} MiB)", "-", None)
        if len(rss) > 1:
            growth = (rss[-1] - rss[0]) / rss[0] * 100
            figure("memory_growth_between_runs", f"{growth:+.1f} %", "<= 10 %", growth <= 10)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny inputs, to check the script runs")
    parser.add_argument("--seed", type=int, default=None, help="seed for the varied inputs")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs", flush=True)
    bench_engine(rng, 20 if args.quick else 2000)
    bench_page(rng, 10 if args.quick else 500)
    from bench.hostile import bench_hostile
    bench_hostile(2 if args.quick else 30, figure)
    bench_diff()
    bench_cold_start(1 if args.quick else 5)
    bench_served(2 if args.quick else 20, 2)


if __name__ == "__main__":
    main()
