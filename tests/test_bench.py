"""The benchmark script runs to completion on tiny inputs (its timings are
not asserted here: they belong to `python -m bench` on a quiet machine)."""

import subprocess
import sys

from conftest import ROOT

FIGURES = ["engine_ms_per_plan_median", "page_ratio", "cold_start_s_median",
           "growth_references_load_ms_median"]
SERVED = ["served_run1_sheets_per_s", "served_run1_p99_ms", "served_run1_errors",
          "memory_run1_worker_rss", "served_run2_errors", "memory_growth_between_runs"]


def test_bench_quick_prints_every_figure():
    result = subprocess.run([sys.executable, "-m", "bench", "--quick", "--seed", "1"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    names = {line.split(":")[0] for line in result.stdout.splitlines()}
    assert set(FIGURES) <= names
    assert set(SERVED) <= names or "served" in names
