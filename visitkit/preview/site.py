"""What the last build published, as the preview pages show it: ``build/report.json`` and each
organisation's ``manifest.json``, re-read only when they change on disk (1,000 organisations
must not mean 1,000 JSON parses per page view)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Org:
    id: str
    name: str
    locales: list[str]
    status: str  # "ok", "failed", or "" when the report does not know it yet
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    last_good: str | None = None
    files: frozenset[str] = frozenset()  # paths relative to build/<org-id>/, e.g. "en/faq.html"


class Site:
    def __init__(self, build: Path) -> None:
        self.build = build
        self._lock = threading.Lock()
        self._cache: dict[Path, tuple[tuple[int, int], dict[str, Any]]] = {}

    def _json(self, path: Path) -> dict[str, Any]:
        try:
            stat = path.stat()
        except OSError:
            return {}
        key = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            cached = self._cache.get(path)
            if cached and cached[0] == key:
                return cached[1]
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        data = data if isinstance(data, dict) else {}
        with self._lock:
            self._cache[path] = (key, data)
        return data

    def report(self) -> dict[str, Any]:
        return self._json(self.build / "report.json")

    def org(self, org_id: str, entry: dict[str, Any] | None = None) -> Org | None:
        if entry is None:
            entry = self.report().get("organisations", {}).get(org_id)
        manifest = self._json(self.build / org_id / "manifest.json")
        if not entry and not manifest:
            return None
        entry = entry or {}
        warnings = entry.get("warnings", manifest.get("warnings", []))
        return Org(
            id=org_id,
            name=str(manifest.get("name") or org_id),
            locales=[str(locale) for locale in manifest.get("locales", [])],
            status=str(entry.get("status", "")),
            errors=[str(line) for line in entry.get("errors", [])],
            warnings=[str(w.get("text", "")) for w in warnings if isinstance(w, dict)],
            last_good=entry.get("last_good"),
            files=frozenset(manifest.get("files", {})),
        )

    def orgs(self) -> list[Org]:
        """Every organisation the report or a manifest knows, by id."""
        known = dict(self.report().get("organisations", {}))
        for path in self.build.glob("*/manifest.json"):
            known.setdefault(path.parent.name, None)
        found = (self.org(org_id, entry) for org_id, entry in sorted(known.items()))
        return [org for org in found if org is not None]
