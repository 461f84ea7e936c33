"""Merge the outputs of sharded builds: ``python -m visitkit.merge [build]``.

Each shard (``doit shard=i/n``) writes its organisations' folders, their
manifests and a shard report under ``build/.reports/``. Once the shards'
folders are gathered into one ``build/``, this assembles the site index and a
combined report from the manifests and reports alone — the same index a
single-machine build writes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from visitkit.build import site_index, write_atomic
from visitkit.tasks import INDEX_TEMPLATE


def merge(build: Path) -> dict:
    manifests = sorted(build.glob("*/manifest.json"))
    site_index([p.as_posix() for p in manifests], INDEX_TEMPLATE, (build / "index.html").as_posix())
    reports = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((build / ".reports").glob("*.json"))]
    orgs = [json.loads(p.read_text(encoding="utf-8")) for p in manifests]
    combined = {
        "organisations": len(orgs),
        "files": sum(len(o["files"]) for o in orgs),
        "warnings": {o["id"]: o["warnings"] for o in orgs if o["warnings"]},
        "failed": {org: reason for r in reports for org, reason in r.get("failed", {}).items()},
        "shards": len(reports),
    }
    write_atomic(build / "report.json", (json.dumps(combined, indent=1, sort_keys=True) + "\n").encode())
    return combined


def main(argv: list[str]) -> int:
    build = Path(argv[0] if argv else "build")
    if not build.is_dir():
        print(f"ERROR {build}: no such folder", file=sys.stderr)
        return 2
    combined = merge(build)
    print(
        f"visitkit merge: {combined['organisations']} organisations, {combined['files']} files, "
        f"{len(combined['warnings'])} with warnings, {len(combined['failed'])} failed"
    )
    for org, reason in sorted(combined["failed"].items()):
        print(f"  {org}: {reason}")
    return 1 if combined["failed"] else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
