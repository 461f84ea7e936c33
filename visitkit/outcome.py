"""What a build published: ``build/report.json`` and ``build/index.html``, written after every run.

The report lists each organisation with its status (``ok`` or ``failed``), its
error lines, its warnings (each with a stable ``kind``) and the time of its last
good build. An organisation whose build fails keeps its last good outputs on
disk (a live site must not lose its FAQ over a typo); the report and the index
say it failed, why, and since when its outputs are the old ones.

A run updates only the organisations it planned: the others keep their entry
from the previous report. Sharded builds each keep their own report under
``build/.reports/``; ``python -m visitkit.merge`` combines them.
"""

from __future__ import annotations

import datetime
import json
import os
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

BUILD = Path("build")
REPORTS = BUILD / ".reports"
SITE_REPORT = BUILD / "report.json"
SITE_INDEX = BUILD / "index.html"
INDEX_TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "index" / "index.html.j2"
SHARED_PREFIXES = ("templates/", "sources/")
"""Error lines naming one of these files are about a shared file: shown once, not once per organisation."""
SHOWN_ERRORS = 5  # error lines per organisation in the end-of-build summary; the rest are counted


def source_date() -> datetime.datetime | None:
    """The date reproducible builds use instead of the clock: ``SOURCE_DATE_EPOCH``, when set (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC) if epoch.isdigit() else None


def now() -> str:
    """The time of this build, UTC, to the second (``SOURCE_DATE_EPOCH`` when set, for reproducible tests)."""
    return (source_date() or datetime.datetime.now(datetime.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")


def report_path(state_file: str, shard: tuple[int, int] | None) -> Path:
    """Where a run's report goes: ``build/report.json`` for a whole build; for a shard, a report of its
    own (named after its doit state file) that ``visitkit.merge`` combines."""
    return REPORTS / (Path(state_file).stem + ".json") if shard else SITE_REPORT


def load(path: Path) -> dict[str, Any]:
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return report if isinstance(report.get("organisations"), dict) else {}


def read_manifests(build: Path = BUILD) -> dict[str, dict[str, Any]]:
    """Every organisation's manifest in ``build``, by id (its last good build)."""
    manifests = {}
    for path in sorted(build.glob("*/manifest.json")):
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        manifests[manifest.get("id", path.parent.name)] = manifest
    return manifests


def update(
    previous: Mapping[str, Any],
    planned: Iterable[str],
    errors: Mapping[str, list[str]],
    existing: set[str],
    manifests: Mapping[str, Mapping[str, Any]],
    *,
    run: int,
    up_to_date: int,
    shard: tuple[int, int] | None,
) -> dict[str, Any]:
    """The report after a run that planned ``planned`` organisations, of which ``errors`` failed.

    Organisations not planned keep their previous entry; those without a profile any more
    (``existing`` holds the ids that have one) are dropped.
    """
    stamp = now()
    organisations = {k: v for k, v in previous.get("organisations", {}).items() if k in existing}
    for org_id in planned:
        if org_id not in existing:
            continue
        before = organisations.get(org_id, {})
        if org_id in errors:
            entry = {"status": "failed", "errors": errors[org_id], "last_good": before.get("last_good")}
        else:
            entry = {"status": "ok", "errors": [], "last_good": stamp}
        warnings = manifests.get(org_id, {}).get("warnings", [])
        entry["warnings"] = [w for w in warnings if isinstance(w, dict)]
        organisations[org_id] = entry
    return summarise(organisations, run=run, up_to_date=up_to_date, shard=shard)


def summarise(
    organisations: Mapping[str, Any], *, run: int, up_to_date: int, shard: tuple[int, int] | None
) -> dict[str, Any]:
    """A report document: the organisations and the totals a reader looks for first."""
    kinds = Counter(w["kind"] for entry in organisations.values() for w in entry["warnings"])
    return {
        "shard": list(shard) if shard else None,
        "run": run,
        "up_to_date": up_to_date,
        "organisations": dict(sorted(organisations.items())),
        "failed": sorted(k for k, v in organisations.items() if v["status"] == "failed"),
        "warnings": dict(sorted(kinds.items())),
    }


def write(path: Path, report: Mapping[str, Any]) -> None:
    from visitkit.atomic import write_atomic

    write_atomic(path, (json.dumps(report, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode())


def write_site(report: Mapping[str, Any], manifests: Mapping[str, Mapping[str, Any]], build: Path = BUILD) -> None:
    """``build/report.json`` and ``build/index.html`` for a whole build (not one shard)."""
    from visitkit.atomic import write_atomic
    from visitkit.render import index

    write(build / "report.json", report)
    template = INDEX_TEMPLATE.read_text(encoding="utf-8")
    html = index.render(list(manifests.values()), template, report["organisations"])
    write_atomic(build / "index.html", html)


def summary_lines(report: Mapping[str, Any]) -> list[str]:
    """The end-of-build lines for the organisations that failed: a shared file's error once, with
    the organisations it stopped, then every other error line of each organisation (the first
    few, then "+N more"), then the warnings counted by kind."""
    shared: dict[str, list[str]] = {}
    lines = []
    for org_id in report["failed"]:
        problems = report["organisations"][org_id]["errors"]
        own = []
        for problem in problems:
            if problem.startswith(SHARED_PREFIXES):
                shared.setdefault(problem, []).append(org_id)
            else:
                own.append(problem)
        shown = own[:SHOWN_ERRORS] + ([f"+{len(own) - SHOWN_ERRORS} more"] if len(own) > SHOWN_ERRORS else [])
        for number, line in enumerate(shown):
            lines.append(f"  {org_id}: {line}" if number == 0 else f"  {' ' * len(org_id)}  {line}")
    for problem, orgs in sorted(shared.items()):
        named = ", ".join(orgs[:3]) + (f", +{len(orgs) - 3} more" if len(orgs) > 3 else "")
        lines.insert(0, f"  {problem} (stops {len(orgs)} organisation{'s' if len(orgs) != 1 else ''}: {named})")
    kinds = report.get("warnings", {})
    if kinds:
        counted = ", ".join(f"{kind} {count}" for kind, count in kinds.items())
        lines.append(f"  warnings by kind: {counted}")
    return lines
