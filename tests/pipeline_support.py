"""Running doit for real in a temporary copy of the project (tests/test_pipeline.py and others)."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT
from visitkit import outputs, tasks

COPIED = ("dodo.py", "pyproject.toml", "visitkit", "sources", "templates", "org_profiles")
OUTPUT_FILES = ("faq.html", "faq.fragment.html", "infographic.pdf", "infographic.pptx")


def doit(project: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``doit *args`` in ``project``; one line per task run (ran() reads them) unless ``env`` says otherwise."""
    env = {**os.environ, "PYTHONHASHSEED": "random", "VISITKIT_TASK_LINES": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "doit", *args], cwd=project, env=env, capture_output=True, text=True, timeout=600
    )


def ran(result: subprocess.CompletedProcess[str]) -> set[str]:
    """Names of the tasks a run executed."""
    return set(re.findall(r"^\.  (\S+)$", result.stdout, re.MULTILINE))


def example_orgs() -> dict[str, list[str]]:
    orgs, _ = tasks.scan()
    return {org.id: list(org.locales) for org in orgs}


def rendered(org: str, locales: list[str], groups: tuple[str, ...] | None = None) -> set[str]:
    """Task names that re-render ``groups`` (default: every output) for one org, with the outputs made from
    them (the PDF's previews) and the bundle after them."""
    flags = next(o.flags for o in tasks.scan()[0] if o.id == org)
    chosen = [o.group for o in outputs.wanted(flags) if groups is None or {o.group, o.source} & set(groups)]
    names = {f"{group}:{org}/{locale}" for locale in locales for group in chosen}
    return names | {f"manifest:{org}", f"zip:{org}"}


def hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        # run records, not outputs: the report counts the tasks each run ran
        if p.is_file() and not {".reports", ".snapshots"} & set(p.parts) and p != folder / "report.json"
    }


def copy_project(target: Path) -> Path:
    """A fresh, unbuilt copy of the project's inputs and code in ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, target / name)
    return target
