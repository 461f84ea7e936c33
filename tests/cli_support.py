"""Running the ``visitkit`` command as a user does: a subprocess in a temporary copy of the project."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT
from tests.pipeline_support import copy_project


def project_copy(target: Path) -> Path:
    """A fresh copy of the project's inputs and code, with the example spreadsheet."""
    project = copy_project(target)
    shutil.copytree(ROOT / "examples", project / "examples")
    return project


def visitkit(project: Path, *args: str, stdin: int | None = subprocess.DEVNULL) -> subprocess.CompletedProcess[str]:
    """``python -m visitkit.cli *args`` in ``project`` (the copy's own code), input not a terminal."""
    env = {**os.environ, "PYTHONPATH": str(project)}
    return subprocess.run(
        [sys.executable, "-m", "visitkit.cli", *args],
        cwd=project,
        env=env,
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


def tree(folder: Path) -> dict[str, str]:
    """sha256 of every file below ``folder`` (relative path → digest)."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
