"""Merge the outputs of sharded builds: ``python -m visitkit.merge [--shards N] [build]``.

Each shard (``doit shard=i/n``) writes its organisations' folders, their
manifests and a shard report under ``build/.reports/``. Once the shards'
folders are gathered into one ``build/``, this writes ``build/report.json`` and
``build/index.html`` from the shard reports and manifests alone — the same
files a single-machine build writes. Only the reports of the ``N`` shards being
merged are read: a report left by an earlier local build or by a run with
another shard count is ignored, and named.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from visitkit import outcome

_SHARD_REPORT = re.compile(r"\.doit-shard-(\d+)-of-(\d+)\.json")


def shard_reports(build: Path, shards: int | None) -> tuple[list[Path], list[Path], int]:
    """The reports of shards 1…N to merge, the other reports found (ignored), and N.

    Without ``shards``, N is the shard count of the newest shard report.
    """
    found = sorted((build / ".reports").glob("*.json"))
    sharded = {p: _SHARD_REPORT.fullmatch(p.name) for p in found}
    if shards is None:
        newest = max((p for p, m in sharded.items() if m), key=lambda p: p.stat().st_mtime_ns, default=None)
        shards = int(sharded[newest][2]) if newest else 0
    kept = [p for p, m in sharded.items() if m and int(m[2]) == shards and 1 <= int(m[1]) <= shards]
    return kept, [p for p in found if p not in kept], shards


def merge(build: Path, shards: int | None = None) -> tuple[dict, list[Path], list[int]]:
    """Write the combined report and index; return it, the ignored reports and the missing shards."""
    kept, ignored, count = shard_reports(build, shards)
    organisations: dict = {}
    run = up_to_date = 0
    for path in kept:
        report = outcome.load(path)
        organisations.update(report.get("organisations", {}))
        run += report.get("run", 0)
        up_to_date += report.get("up_to_date", 0)
    present = {int(_SHARD_REPORT.fullmatch(p.name)[1]) for p in kept}
    missing = [i for i in range(1, count + 1) if i not in present]
    combined = outcome.summarise(organisations, run=run, up_to_date=up_to_date, shard=None)
    combined["shards"] = len(kept)
    outcome.write_site(combined, outcome.read_manifests(build), build)
    return combined, ignored, missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m visitkit.merge",
        description="Write build/report.json and build/index.html from the shard reports and manifests "
        "of a sharded build (doit shard=i/n), once every shard's build/ is gathered into one folder.",
    )
    parser.add_argument(
        "build", nargs="?", default="build", type=Path, help="the gathered build folder (default: build)"
    )
    parser.add_argument(
        "--shards", type=int, metavar="N",
        help="merge the reports of shards 1…N only (default: the shard count of the newest shard report)",
    )
    options = parser.parse_args(argv)
    build: Path = options.build
    if not build.is_dir():
        print(f"ERROR {build}: no such folder", file=sys.stderr)
        return 2
    combined, ignored, missing = merge(build, options.shards)
    for path in ignored:
        print(f"visitkit merge: ignored {path.as_posix()} (not one of the {combined['shards']} shards merged)")
    failed = combined["failed"]
    print(
        f"visitkit merge: {combined['shards']} shard reports, {len(combined['organisations'])} organisations, "
        f"{sum(combined['warnings'].values())} warnings, {len(failed)} failed"
    )
    for line in outcome.summary_lines(combined):
        print(line)
    for shard in missing:
        print(f"ERROR shard {shard}: no report in {build.as_posix()}/.reports/ (did its build run?)")
    return 1 if failed or missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
