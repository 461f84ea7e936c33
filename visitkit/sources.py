"""Shared content per locale: ``sources/<locale>/*.yaml``.

Each locale folder holds the same files with the same keys:
``terms.yaml`` (vertical wording), ``faq.yaml`` (sections and questions),
``infographic.yaml`` (titles, steps, call-to-action labels), ``ui.yaml``
(labels used by page and document templates), ``email.yaml`` (the email
campaign), ``resources.yaml`` (the resources page) and ``readme.yaml`` (the
README.txt for the organisation's web and email teams).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

FILES = ("terms.yaml", "faq.yaml", "infographic.yaml", "ui.yaml", "email.yaml", "resources.yaml", "readme.yaml")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def available_locales(sources_dir: Path) -> set[str]:
    """Locales with a folder in ``sources/``."""
    if not sources_dir.is_dir():
        return set()
    return {p.name for p in sources_dir.iterdir() if p.is_dir() and (p / FILES[0]).is_file()}


def source_files(sources_dir: Path, locale: str) -> list[Path]:
    return [sources_dir / locale / name for name in FILES]


def load_locale(sources_dir: Path, locale: str) -> dict[str, Any]:
    """All of one locale's sources, keyed by file stem (``terms``, ``faq``, …)."""
    data: dict[str, Any] = {}
    for path in source_files(sources_dir, locale):
        with path.open(encoding="utf-8") as handle:
            data[path.stem] = yaml.load(handle, Loader=_LOADER)
    return data


def key_paths(value: Any, prefix: str = "") -> set[str]:
    """Every key path in nested data; list items are named by their ``id`` when they have one."""
    paths: set[str] = set()
    if isinstance(value, dict):
        for key, child in value.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            paths.add(path)
            paths |= key_paths(child, path)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            name = child.get("id", index) if isinstance(child, dict) else index
            path = f"{prefix}[{name}]"
            paths.add(path)
            paths |= key_paths(child, path)
    return paths
