"""Shared content per locale: ``sources/<locale>/*.yaml``.

Each locale folder holds the same files with the same keys:
``terms.yaml`` (vertical wording), ``faq.yaml`` (sections and questions),
``infographic.yaml`` (titles, steps, call-to-action labels), ``ui.yaml``
(labels used by page and document templates), ``email.yaml`` (the email
campaign), ``resources.yaml`` (the resources page) and ``readme.yaml`` (the
README.txt for the organisation's web and email teams).

Copy names the organisation with ``{org}`` everywhere: the content model shows
the full name at a document's first mention and the short name after it, so a
translator never has to choose (``{short}`` is for tight places only, such as
the email's subject line). ``readme.yaml``'s ``notices`` are the build
warnings as README.txt says them, one sentence per kind with the notice's own
``{parameters}`` (``visitkit.content.NOTICE_KINDS``).

``load_locale`` checks that: a broken or incomplete file fails with one line
that names it (``sources/fr/ui.yaml: missing key 'back_to_top' (present in
sources/en/ui.yaml)``), the same line for every organisation that uses the
locale. Keys a locale has beyond the reference's are ignored; a key given twice in one
mapping is refused (YAML would silently keep the second).

Regional variants are overlays. A code whose last subtag is a region (``fr-CA``, ``pt-BR``, ``es-419``)
resolves through its chain: ``sources/fr-CA/`` holds only the files and keys whose values differ from
``sources/fr/``, and ``load_locale`` merges them over the base (mappings merge key by key; a list is
replaced whole, so an overlay that changes one item of a list gives the whole list). A language with
a script (``zh-Hans``) is a base locale of its own. A base locale is complete: the reference (``en``)
fills nothing. An overlay key the base lacks, an overlay value equal to the base's (it changes nothing)
or a missing base is one line naming the overlay's file.

Every locale folder, overlays too, has ``status.yaml``: who or what produced the copy, whether it has
been reviewed and by whom, and ``notice``, the sentence README.txt shows, in the locale's language
(``load_locale`` returns it under ``status``). ``untranslated.yaml`` (optional; read by the tests, never by
the build) lists the key paths whose value deliberately equals English (brand names, ``PDF``, vendor
URLs), each with a reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

FILES = ("terms.yaml", "faq.yaml", "infographic.yaml", "ui.yaml", "email.yaml", "resources.yaml", "readme.yaml")
STATUS = "status.yaml"  # every locale's provenance: returned by load_locale under "status"
UNTRANSLATED = "untranslated.yaml"  # key paths deliberately equal to English: for tests and checks, not the build
REFERENCE = "en"  # every other locale has at least the keys of this one
# status.yaml's keys: the type each holds (None: may be null).
STATUS_KEYS: dict[str, tuple[type, ...]] = {
    "produced_by": (str,),  # who or what wrote the copy, in English (the index shows it to the agency)
    "reviewed": (bool,),
    "reviewed_by": (str, type(None)),  # a name when reviewed, else null
    "notes": (str, type(None)),  # register and terms chosen, in English
    "notice": (str,),  # the sentence README.txt shows, in the locale's language
}
_REGION = re.compile(r"[A-Z]{2}|[0-9]{3}")


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader, refusing a key given twice in one mapping (YAML would keep the last one silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"found the key {key!r} twice in one mapping", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


_LOADER = _Loader
_SHOWN_MISSING = 3  # missing keys named in the one line; the rest are counted
# Locales found complete, by the size, time and inode of their files, their bases' and the reference's:
# load_locale runs once per content task, and a warm process need not check the same files again.
_CHECKED: set[tuple[tuple[str, int, int, int] | None, ...]] = set()


class SourcesError(ValueError):
    """A locale's sources are broken: one line per file, naming the file (and never an organisation)."""


def base_of(locale: str) -> str | None:
    """The locale a regional variant overlays (``fr-CA`` → ``fr``, ``zh-Hans-TW`` → ``zh-Hans``), else None."""
    head, _, last = locale.rpartition("-")
    return head if head and _REGION.fullmatch(last) else None


def chain(locale: str) -> list[str]:
    """``locale`` and the locales it overlays, nearest first: ``["fr-CA", "fr"]``."""
    codes = [locale]
    while (base := base_of(codes[-1])) is not None:
        codes.append(base)
    return codes


def available_locales(sources_dir: Path) -> set[str]:
    """Locales with a folder in ``sources/``: base locales with their files, overlays whose chain resolves."""
    if not sources_dir.is_dir():
        return set()
    folders = {p.name for p in sources_dir.iterdir() if p.is_dir()}
    found = set()
    for code in folders:
        codes = chain(code)
        if all(c in folders for c in codes) and (sources_dir / codes[-1] / FILES[0]).is_file():
            found.add(code)
    return found


def locale_folders(sources_dir: Path) -> list[str]:
    """Every folder of ``sources/`` holding a sources file, broken ones too (``visitkit check`` reads them all)."""
    if not sources_dir.is_dir():
        return []
    names = (*FILES, STATUS)
    return sorted(p.name for p in sources_dir.iterdir() if p.is_dir() and any((p / n).is_file() for n in names))


def source_files(sources_dir: Path, locale: str) -> list[Path]:
    """The files ``load_locale`` reads for ``locale`` (not the reference's): the base's, then each overlay's."""
    *overlays, root = chain(locale)
    files = [sources_dir / root / name for name in (*FILES, STATUS)]
    for code in reversed(overlays):
        files += [path for name in (*FILES, STATUS) if (path := sources_dir / code / name).is_file()]
    return files


def load_locale(sources_dir: Path, locale: str) -> dict[str, Any]:
    """All of one locale's sources, keyed by file stem (``terms``, ``faq``, …, and ``status``).

    Raises ``SourcesError`` for a file that is missing, is not YAML or lacks a key the reference
    locale's file has, a ``status.yaml`` that does not follow its schema, and a broken overlay.
    """
    base = base_of(locale)
    if base is not None:
        return _load_overlay(sources_dir, locale, base)
    files = [sources_dir / locale / name for name in FILES]
    references = [sources_dir / REFERENCE / name for name in FILES] if locale != REFERENCE else []
    status = sources_dir / locale / STATUS
    stamp = tuple(_stamp(path) for path in (*files, status, *references))  # taken before reading: a later edit rechecks
    data = {path.stem: _load(path) for path in files}
    data["status"] = _load(status, f"every locale needs {STATUS}")
    if stamp not in _CHECKED:
        problems = [_status_problems(status, data["status"])]
        if references and references[0].is_file():
            problems += [_missing_keys(path, data[path.stem], ref) for path, ref in zip(files, references, strict=True)]
        _remember(stamp, problems)
    return data


def _load_overlay(sources_dir: Path, locale: str, base: str) -> dict[str, Any]:
    """``locale``'s files merged over its base's (``load_locale`` of the base, checked on its own)."""
    folder = sources_dir / locale
    if not (sources_dir / base).is_dir():
        raise SourcesError(f"{folder.as_posix()}: its base locale {base!r} has no folder "
                           f"({(sources_dir / base).as_posix()}/): a regional variant overlays its base")
    data = load_locale(sources_dir, base)
    files = [path for name in FILES if (path := folder / name).is_file()]
    status = folder / STATUS
    references = [sources_dir / REFERENCE / path.name for path in files]
    every = [*source_files(sources_dir, locale), *references]
    stamp = tuple(_stamp(path) for path in every)
    problems: list[str | None] = []  # each overlay file against its base, before merging it
    for path in files:
        overlay = _load(path)
        base_path = sources_dir / base / path.name
        problem = _overlay_problem(path, base_path, overlay, data[path.stem])
        data[path.stem] = _merged(data[path.stem], overlay)
        problems.append(problem)
    data["status"] = _load(status, f"every locale needs {STATUS}, overlays too")
    if stamp not in _CHECKED:
        problems.append(_status_problems(status, data["status"]))
        # A list the overlay replaces whole must still have every item the reference has.
        problems += [_missing_keys(path, data[path.stem], ref) for path, ref in zip(files, references, strict=True)
                     if not any(problems)]
        _remember(stamp, problems)
    return data  # (files remembered as checked had no problems: the comparisons above found none again)


def _remember(stamp: tuple[tuple[str, int, int, int] | None, ...], problems: list[str | None]) -> None:
    """Raise the problems found (one line per file), or remember the files as checked."""
    if any(problems):
        raise SourcesError("\n".join(line for line in problems if line))
    if len(_CHECKED) >= 64:
        _CHECKED.clear()
    _CHECKED.add(stamp)


def _merged(base: Any, overlay: Any) -> Any:
    """``overlay`` over ``base``: mappings merge key by key; anything else (a list, a string) replaces."""
    if isinstance(base, dict) and isinstance(overlay, dict):
        return {**base, **{key: _merged(base.get(key), value) for key, value in overlay.items()}}
    return overlay


def _overlay_problem(path: Path, base_path: Path, overlay: Any, base: Any, prefix: str = "") -> str | None:
    """The line for the first key of ``overlay`` that ``base`` lacks, holds another type of value in,
    or holds the same value in; None when every key changes something its base has."""
    for key, value in overlay.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        where = f"{path.as_posix()}: {name!r}"
        if not isinstance(base, dict) or key not in base:
            return f"{where} is not a key of {base_path.as_posix()} (an overlay only changes keys its base has)"
        kind = _kind(base[key])
        if _kind(value) != kind:
            return f"{where} must be {kind}, as in {base_path.as_posix()}"
        if value == base[key]:
            return f"{where} is the same as in {base_path.as_posix()} (an overlay holds only what differs)"
        if isinstance(value, dict):
            problem = _overlay_problem(path, base_path, value, base[key], name)
            if problem:
                return problem
    return None


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "text" if isinstance(value, str) else f"a {type(value).__name__}"


def _status_problems(path: Path, status: dict[str, Any]) -> str | None:
    """One line for everything wrong in a ``status.yaml``, or None."""
    problems = [f"unknown key {key!r}" for key in status if key not in STATUS_KEYS]
    for key, types in STATUS_KEYS.items():
        if key not in status:
            problems.append(f"missing key {key!r}")
        elif not isinstance(status[key], types) or (types == (str,) and not str(status[key]).strip()):
            wanted = "true or false" if types == (bool,) else "text" if types == (str,) else "text or null"
            problems.append(f"{key!r} must be {wanted}")
        elif isinstance(status[key], str) and ("\n" in status[key].strip() or status[key] != status[key].strip()):
            problems.append(f"{key!r} must be one line without surrounding spaces")
    if not problems and status["reviewed"] != (status["reviewed_by"] is not None):
        problems.append("'reviewed_by' names the reviewer when 'reviewed' is true, and is null when it is false")
    if not problems:
        return None
    return f"{path.as_posix()}: {'; '.join(problems)} (keys: {', '.join(STATUS_KEYS)})"


def load_untranslated(sources_dir: Path, locale: str) -> dict[str, str]:
    """``untranslated.yaml`` of ``locale`` and of the locales it overlays: key path → reason.

    The file is a list of ``{key: <path>, reason: <one line>}``; a path is ``key_paths``' name prefixed
    with the file's stem (``faq.sections[booking].title``, ``resources.team.links[booking-app].url``).
    """
    found: dict[str, str] = {}
    for code in reversed(chain(locale)):
        path = sources_dir / code / UNTRANSLATED
        if not path.is_file():
            continue
        try:
            items = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or []
        except (UnicodeDecodeError, yaml.YAMLError):
            items = None
        if not isinstance(items, list):
            raise SourcesError(f"{path.as_posix()}: expected a list of key/reason pairs")
        for number, item in enumerate(items, 1):
            if (not isinstance(item, dict) or set(item) != {"key", "reason"} or not isinstance(item["key"], str)
                    or not isinstance(item["reason"], str) or not item["reason"].strip()):
                raise SourcesError(f"{path.as_posix()}: item {number} must be a key path and a one-line reason "
                                   "(key: …, reason: …)")
            found[item["key"]] = item["reason"]
    return found


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


def _load(path: Path, needed: str = "") -> dict[str, Any]:
    """One sources file, parsed; any problem is one line naming it."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        needed = needed or f"every locale needs {', '.join(FILES)}"
        raise SourcesError(f"{path.as_posix()}: file not found ({needed})") from None
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
