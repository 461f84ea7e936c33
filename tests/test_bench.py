"""The benchmark harness still runs end to end (quick mode: 5 orgs, one run; no timing is asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
    assert "| orgs | tasks | cold s |" in result.stdout
