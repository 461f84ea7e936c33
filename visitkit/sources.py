"""Shared content per locale: ``sources/<locale>/*.yaml``.

Each locale folder holds the same files with the same keys:
``terms.yaml`` (vertical wording), ``faq.yaml`` (sections and questions),
``infographic.yaml`` (titles, steps, call-to-action labels), ``ui.yaml``
(labels used by page and document templates), ``email.yaml`` (the email
campaign), ``resources.yaml`` (the resources page) and ``readme.yaml`` (the
README.txt for the organisation's web and email teams).

``load_locale`` checks that: a broken or incomplete file fails with one line
that names it (``sources/fr/ui.yaml: missing key 'back_to_top' (present in
sources/en/ui.yaml)``), the same line for every organisation that uses the
locale. Keys a locale has beyond the reference's are ignored.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

FILES = ("terms.yaml", "faq.yaml", "infographic.yaml", "ui.yaml", "email.yaml", "resources.yaml", "readme.yaml")
REFERENCE = "en"  # every other locale has at least the keys of this one
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SHOWN_MISSING = 3  # missing keys named in the one line; the rest are counted
# Locales found complete, by the size, time and inode of their files and the reference's: load_locale
# runs once per content task, and a warm process need not parse the reference again for each one.
_CHECKED: set[tuple[tuple[str, int, int, int] | None, ...]] = set()


class SourcesError(ValueError):
    """A locale's sources are broken: one line per file, naming the file (and never an organisation)."""


def available_locales(sources_dir: Path) -> set[str]:
    """Locales with a folder in ``sources/``."""
    if not sources_dir.is_dir():
        return set()
    return {p.name for p in sources_dir.iterdir() if p.is_dir() and (p / FILES[0]).is_file()}


def source_files(sources_dir: Path, locale: str) -> list[Path]:
    return [sources_dir / locale / name for name in FILES]


def load_locale(sources_dir: Path, locale: str) -> dict[str, Any]:
    """All of one locale's sources, keyed by file stem (``terms``, ``faq``, …).

    Raises ``SourcesError`` for a file that is missing, is not YAML or lacks a key the reference
    locale's file has.
    """
    files = source_files(sources_dir, locale)
    references = source_files(sources_dir, REFERENCE) if locale != REFERENCE else []
    stamp = tuple(_stamp(path) for path in (*files, *references))  # taken before reading: a later edit rechecks
    data = {path.stem: _load(path) for path in files}
    if references and references[0].is_file() and stamp not in _CHECKED:
        problems = [_missing_keys(path, data[path.stem], ref) for path, ref in zip(files, references, strict=True)]
        if any(problems):
            raise SourcesError("\n".join(line for line in problems if line))
        if len(_CHECKED) >= 64:
            _CHECKED.clear()
        _CHECKED.add(stamp)
    return data


def key_paths(value: Any, prefix: str = "") -> set[str]:
    """Every key path in nested data; list items are named by their ``id`` when they have one."""
    return set(_walk(value, prefix))


def _walk(value: Any, prefix: str = "") -> Iterator[str]:
    """``key_paths`` in document order, each path before the paths below it."""
    if isinstance(value, dict):
        for key, child in value.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            yield path
            yield from _walk(child, path)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            name = child.get("id", index) if isinstance(child, dict) else index
            path = f"{prefix}[{name}]"
            yield path
            yield from _walk(child, path)


def _load(path: Path) -> dict[str, Any]:
    """One sources file, parsed; any problem is one line naming it."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SourcesError(f"{path.as_posix()}: file not found (every locale needs {', '.join(FILES)})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        found = f"byte 0x{raw[exc.start]:02X}"
        raise SourcesError(f"{path.as_posix()}:{line}: expected UTF-8 text, found {found}") from None
    try:
        data = yaml.load(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        place = f"{path.as_posix()}:{mark.line + 1}:{mark.column + 1}" if mark else path.as_posix()
        problem = " ".join(str(exc.problem or exc.context or "cannot be parsed").split())
        if exc.context and exc.problem:
            problem += f" ({' '.join(exc.context.split())})"
        raise SourcesError(f"{place}: YAML error: {problem}") from None
    except yaml.YAMLError as exc:  # e.g. a control character (yaml's ReaderError, which has no mark)
        position = getattr(exc, "position", None)
        place = path.as_posix()
        if position is not None:
            line = text.count("\n", 0, position) + 1
            place += f":{line}"
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SourcesError(f"{place}: YAML error: {first}") from None
    if not isinstance(data, dict):
        found = "nothing" if data is None else f"a {type(data).__name__}"
        raise SourcesError(f"{path.as_posix()}: expected a mapping of keys at the top, found {found}")
    return data


def _missing_keys(path: Path, data: dict[str, Any], reference: Path) -> str | None:
    """The line for the keys ``reference`` has and ``data`` lacks (only the outermost of each), or None."""
    if not reference.is_file():
        return None  # the reference locale's own content tasks report its missing file
    have = key_paths(data)
    missing: list[str] = []
    for key in _walk(_load(reference)):
        if key not in have and not any(key.startswith((f"{m}.", f"{m}[")) for m in missing):
            missing.append(key)
    if not missing:
        return None
    named = ", ".join(repr(key) for key in missing[:_SHOWN_MISSING])
    more = f" +{len(missing) - _SHOWN_MISSING} more" if len(missing) > _SHOWN_MISSING else ""
    keys = "key" if len(missing) == 1 else "keys"
    return f"{path.as_posix()}: missing {keys} {named}{more} (present in {reference.as_posix()})"


def _stamp(path: Path) -> tuple[str, int, int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return str(path), stat.st_mtime_ns, stat.st_size, stat.st_ino
