"""The benchmark harness still runs end to end (quick mode: 5 orgs, one run; no timing is asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def test_quick_benchmark_runs_and_reports(tmp_path: Path):
    out = tmp_path / "results.json"
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--workers", "2", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    (measured,) = json.loads(out.read_text())["results"]
    assert measured["orgs"] == 5
    assert measured["cold"]["tasks"] > 5 * 10
    assert measured["noop"]["bare_floor_seconds"] > 0
    for label in ("one profile", "one shared template", "one locale's sources"):
        edit = measured["edits"][label]
        # exactly the tasks downstream of the edit ran: no more, no fewer
        assert edit["tasks_ran"] == edit["tasks_downstream"] and edit["unexpected"] == [], edit
    assert measured["memory"]["workers"] >= 1
    assert "| orgs | tasks | cold s (min–max) |" in result.stdout
    cold = measured["cold"]
    # the spread of the runs is reported with each median (one run here: min = max = median)
    assert cold["spread"] == [cold["seconds"], cold["seconds"]] and len(cold["ratio_spread"]) == 2
    assert cold["cpu_ms_per_org_locale"] > 0
    # the ratio with the machine's speed taken out: wall per CPU second of both halves, times doit's share
    assert 0.5 < cold["cpu_normalised_ratio"] < 5 and len(cold["cpu_normalised_spread"]) == 2


def test_the_normalised_ratio_takes_the_machines_speed_out():
    from bench.__main__ import _normalised_ratio

    floor = {"seconds": 100.0, "cpu_seconds": 190.0}
    # the same build on a machine twice as slow: twice the wall time and twice the CPU time, the same ratio
    assert _normalised_ratio(110.0, 190.0, 5.0, floor) == pytest.approx(_normalised_ratio(220.0, 380.0, 10.0, floor))
    # doit's own CPU and idle workers both count against the build
    assert _normalised_ratio(100.0, 190.0, 0.0, floor) == pytest.approx(1.0)
    assert _normalised_ratio(100.0, 190.0, 19.0, floor) == pytest.approx(1.1)
    assert _normalised_ratio(120.0, 190.0, 0.0, floor) == pytest.approx(1.2)


def test_cpu_benchmark_reports_every_output_and_the_total(tmp_path: Path):
    out = tmp_path / "cpu.json"
    result = subprocess.run(
        [sys.executable, "-m", "bench.cpu", "--orgs", "1", "--locales", "en,es", "--runs", "1", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    rows = json.loads(out.read_text())["ms_per_org_locale"]
    from visitkit.outputs import OUTPUTS

    # every output an org with a logo and no opt-ins gets, plus planning and the bookkeeping tasks
    expected = {o.group for o in OUTPUTS if o.when in (None, "brand.logo")} | {"planning", "validate", "content",
                                                                               "manifest", "zip", "total"}
    assert expected <= set(rows), expected - set(rows)
    assert all(row["min_ms"] <= row["median_ms"] <= row["max_ms"] for row in rows.values())
    assert rows["pdf"]["median_ms"] > 0
    parts = sum(row["median_ms"] for name, row in rows.items() if name != "total")
    assert rows["total"]["median_ms"] == pytest.approx(parts, abs=0.1 * len(rows))  # rounding of each row
    assert "| **total** |" in result.stdout
