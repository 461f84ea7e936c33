"""visitkit/atomic.py: atomic writes, from task actions and from doit's main process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT
from visitkit.atomic import write_atomic


def test_write_atomic_replaces_whole_files_and_keeps_identical_ones(tmp_path: Path):
    target = tmp_path / "out" / "file.bin"
    write_atomic(target, b"first")
    assert target.read_bytes() == b"first"
    os.utime(target, ns=(1, 1))
    write_atomic(target, b"first")  # same bytes: untouched, so nothing downstream reruns
    assert target.stat().st_mtime_ns == 1
    (target.parent / ".file.bin.abc.tmp").write_bytes(b"half")  # left by a killed build
    write_atomic(target, b"second")
    assert target.read_bytes() == b"second"
    assert [p.name for p in target.parent.iterdir()] == ["file.bin"]


def test_writing_the_report_and_index_imports_no_task_action(tmp_path: Path):
    """doit's main process writes build/report.json and index.html after every run that did something: it
    must not import the task actions (pydantic, the content model), about 0.3 s of every such run."""
    code = (
        "import sys; from pathlib import Path; from visitkit import outcome;"
        f"outcome.write_site({{'organisations': {{}}, 'failed': [], 'warnings': {{}}}}, {{}}, Path({str(tmp_path)!r}));"
        "print(sorted(m for m in ('visitkit.build', 'pydantic', 'visitkit.content') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
    assert (tmp_path / "index.html").is_file() and (tmp_path / "report.json").is_file()
