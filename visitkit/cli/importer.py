"""Create or update one profile per row of a CSV or XLSX file (columns are profile paths: name, brand.primary…).

Every row is validated as a profile file is (the schema, with the same context as ``load_profile``, and
the same wording); valid rows are written, invalid ones are not, and the exit status is 1 when any row
failed. A profile written by import carries a header with the sha256 of the body it wrote: a profile
edited by hand since (or never written by import) is not overwritten without ``--force``, unless the row
holds exactly what it holds already.

Files named in the file columns (``brand.logo``, ``brand.font.*``) are paths relative to the
spreadsheet's folder, and must stay inside it (no absolute paths, ``..`` or symbolic links leading out);
each is copied into ``org_profiles/<org-id>/`` (below its ``<org-id>/`` folder when the path has one).
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import re
import shutil
import sys
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from visitkit import profile_brandyml
from visitkit.cli import fields, spreadsheet
from visitkit.cli.project import PROFILES, SOURCES, in_project, org_id_problem

HEADER = (
    "# Written by `visitkit import`: change the spreadsheet and import it again. An edit made here by hand\n"
    "# keeps the next import from replacing this file (unless --force); it is noticed by this hash:\n"
    "# sha256 of the lines below: {digest}\n"
)
_HEADER_LINES = HEADER.count("\n") + 1  # and the schema line above it
_DIGEST = re.compile(r"^# sha256 of the lines below: ([0-9a-f]{64})$", re.MULTILINE)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="a .csv or .xlsx file: one organisation per row")
    parser.add_argument("--dry-run", action="store_true", help="say what would change; write nothing")
    parser.add_argument("--force", action="store_true", help="also replace profiles edited by hand")


# ------------------------------------------------------------ profile files written by import


def profile_text(data: dict[str, Any]) -> str:
    body = fields.dump(data)
    return fields.SCHEMA_LINE + "\n" + HEADER.format(digest=_sha256(body)) + body


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def written_by_import(text: str) -> bool:
    """Whether ``text`` is a profile import wrote and nobody edited since."""
    lines = text.split("\n", _HEADER_LINES)
    if len(lines) <= _HEADER_LINES or not lines[1].startswith("# Written by `visitkit import`"):
        return False
    found = _DIGEST.fullmatch(lines[_HEADER_LINES - 1])
    return bool(found) and found.group(1) == _sha256(lines[_HEADER_LINES])


def normal(data: Any) -> Any:
    """Profile data compared for "the same values": nothing (null) and empty mappings left out."""
    if isinstance(data, dict):
        kept = {key: normal(value) for key, value in data.items() if value is not None}
        return {key: value for key, value in kept.items() if value != {}}
    if isinstance(data, list):
        return [normal(item) for item in data]
    return data


# ------------------------------------------------------------ ids


# Latin letters that do not decompose into a base letter and accents.
_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"})


def derive_id(name: str) -> str:
    """An org id from a name: ``Caja Rural Cooperativa`` → ``caja-rural-cooperativa`` (at most 63 characters)."""
    plain = unicodedata.normalize("NFKD", name.lower().translate(_LETTERS)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")
    if len(slug) > 63:
        slug = slug[:63].rsplit("-", 1)[0] if "-" in slug[:63] else slug[:63]
    return slug or "org"


# ------------------------------------------------------------ one row


@dataclass
class Row:
    number: int
    org_id: str | None = None
    derived: bool = False
    data: dict[str, Any] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)  # path relative to org_profiles/ → bytes to put there
    problems: list[str] = field(default_factory=list)  # "<column>: …"


def _copy_source(row: Row, column: str, value: str, base: Path, org_id: str) -> str | None:
    """The path below org_profiles/ a file named in a spreadsheet goes to; its bytes are kept in ``row``."""
    from visitkit.profile import MAX_FONT_BYTES, MAX_IMAGE_BYTES
    from visitkit.profile_values import BAD_IN_LINE, shown

    folder = base.as_posix() + "/" if base.as_posix() != "." else "./"
    refused = f"{column}: expected a path inside the spreadsheet's folder ({folder}), got {shown(value)}"
    parts = Path(value).parts
    if not parts or BAD_IN_LINE.search(value) or value.startswith("/") or "\\" in value or ".." in parts:
        row.problems.append(refused)
        return None
    try:
        source = (base / value).resolve(strict=False)
    except (OSError, RuntimeError, ValueError):  # a link loop, a name too long
        row.problems.append(refused + ", a link that cannot be followed")
        return None
    if not source.is_relative_to(base.resolve()):
        row.problems.append(refused + ", which leads outside it through a symbolic link")
        return None
    if not source.is_file():
        row.problems.append(f"{column}: file not found: {shown(value)}")
        return None
    limit = MAX_FONT_BYTES if "font" in column else MAX_IMAGE_BYTES
    size = source.stat().st_size
    if size > limit:
        row.problems.append(f"{column}: expected a file of at most {limit} bytes, got {size} bytes in {shown(value)}")
        return None
    # Below the org's folder the file keeps its place (acme/fonts/Brand.ttf → fonts/Brand.ttf); else its name.
    rest = parts[parts.index(org_id) + 1 :] if org_id in parts[:-1] else parts[-1:]
    target = "/".join((org_id, *rest))
    row.files[target] = source.read_bytes()
    return target


def _locales_of(data: dict) -> list[str]:
    from visitkit.profile import DEFAULT_LOCALES

    declared = data.get("locales", list(DEFAULT_LOCALES))
    return [code for code in declared if isinstance(code, str)] if isinstance(declared, list) else []


def check_row(row: Row, cells: dict[str, str], base: Path, available: set[str]) -> None:
    """Fill ``row`` from its cells and validate it as ``load_profile`` would; problems go to ``row.problems``."""
    from pydantic import ValidationError

    from visitkit.profile import Profile
    from visitkit.profile_errors import error_lines

    data, problems = spreadsheet.unflatten(cells)
    row.problems += problems
    assert row.org_id is not None
    for path, spec in fields.by_path().items():
        if not spec.is_file:
            continue
        parent = spreadsheet._get(data, path[:-1])
        if isinstance(parent, dict) and isinstance(parent.get(path[-1]), str):
            target = _copy_source(row, spec.dotted, parent[path[-1]], base, row.org_id)
            if target is None:
                del parent[path[-1]]  # reported already; the rest of the row is still checked
            else:
                parent[path[-1]] = target
    row.data = data
    with tempfile.TemporaryDirectory() as scratch:  # the org's folder as it will be: where the profile finds files
        staged = Path(scratch)
        if (PROFILES / row.org_id).is_dir():  # files already there (a brand.yml and its logo) stay; links stay links
            shutil.copytree(PROFILES / row.org_id, staged / row.org_id, symlinks=True)
        for name, content in row.files.items():
            (staged / name).parent.mkdir(parents=True, exist_ok=True)
            (staged / name).write_bytes(content)
        context = {"profiles_dir": staged, "org_id": row.org_id, "locales": available}
        if isinstance(data.get("brand"), dict) and "from" in data["brand"]:  # as load_profile does
            data, brand_lines = profile_brandyml.apply(
                copy.deepcopy(data), {}, staged, row.org_id, (PROFILES / row.org_id).as_posix(),
                {"profile_locales": _locales_of(data), **context},
            )
            row.problems += brand_lines
        try:
            Profile.model_validate(data, context=context)
        except ValidationError as exc:
            # A column refused above (a formula, a file) is left out of the data: not "missing" as well.
            refused = {problem.split(": ", 1)[0] for problem in row.problems}
            found = [message for _, message in error_lines(exc, Profile, data)]
            row.problems += [message for message in found if message.split(": ", 1)[0] not in refused]


def assign_ids(rows: list[tuple[int, dict[str, str]]]) -> list[Row]:
    """Each row's org id: its ``id`` cell, else one derived from its name, unique in the file (rows in order)."""
    taken = {cells["id"].strip() for _, cells in rows if "id" in cells}
    found: list[Row] = []
    seen_ids: dict[str, int] = {}
    for number, cells in rows:
        row = Row(number)
        if "id" in cells:
            org_id = cells["id"].strip()
            problem = org_id_problem(org_id)
            if problem:
                row.problems.append(problem.replace("org id:", "id:", 1))
            elif org_id in seen_ids:
                row.problems.append(f"id: {org_id!r} is the id of row {seen_ids[org_id]} too")
            else:
                row.org_id = org_id
        elif "name" in cells and not isinstance(cells["name"], spreadsheet.FormulaCell):
            base = candidate = derive_id(cells["name"])
            count = 1
            while candidate in taken:  # a later duplicate name gets -2, -3…: stable for the same file
                count += 1
                candidate = f"{base[: 63 - len(str(count)) - 1]}-{count}"
            row.org_id, row.derived = candidate, True
        else:
            row.problems.append("id: required column is missing (no id, and no name to derive one from)")
        if row.org_id:
            taken.add(row.org_id)
            seen_ids[row.org_id] = number
        found.append(row)
    return found


# ------------------------------------------------------------ the command


def _write(path: Path, data: bytes) -> None:
    from visitkit.atomic import write_atomic

    write_atomic(path, data)


def run(args: argparse.Namespace) -> int:
    from visitkit import sources

    if not in_project():
        return 1
    source: Path = args.file
    shown_name = source.as_posix()
    try:
        table = spreadsheet.read(source)
    except spreadsheet.SheetError as exc:
        print(f"ERROR {exc}")
        return 1
    available = sources.available_locales(SOURCES)
    base = source.parent
    counts = {"created": 0, "updated": 0, "unchanged": 0, "failed": 0}
    for row, (_, cells) in zip(assign_ids(table), table, strict=True):
        if row.org_id is not None:
            check_row(row, cells, base, available)
        if row.problems:
            counts["failed"] += 1
            for problem in row.problems:
                print(f"ERROR {shown_name}:{row.number}: {problem}")
            continue
        assert row.org_id is not None
        target = PROFILES / f"{row.org_id}.yaml"
        text = profile_text(row.data)
        existing = target.read_text(encoding="utf-8") if target.is_file() else None
        org_dir = PROFILES / row.org_id
        files_same = all(
            (PROFILES / name).is_file() and (PROFILES / name).read_bytes() == content
            for name, content in row.files.items()
        )
        how = f" (row {row.number}: id derived from the name)" if row.derived else ""
        if existing is not None and files_same and (existing == text or _same_values(target, row.data)):
            counts["unchanged"] += 1
            print(f"unchanged {target.as_posix()}{how}")
            continue
        if org_dir.is_symlink():
            counts["failed"] += 1
            print(f"ERROR {shown_name}:{row.number}: {org_dir.as_posix()}: is a symbolic link; not written")
            continue
        if existing is not None and not written_by_import(existing) and not args.force:
            counts["failed"] += 1
            print(
                f"ERROR {shown_name}:{row.number}: {target.as_posix()}: edited by hand (or not written by "
                "visitkit import); not replaced: import with --force to replace it"
            )
            continue
        verb = "created" if existing is None else "updated"
        counts[verb] += 1
        changed = "" if existing is None else ": " + ", ".join(_changes(target, row))
        print(f"{'would ' + verb[:-1] if args.dry_run else verb} {target.as_posix()}{how}{changed}")
        if args.dry_run:
            continue
        org_dir.mkdir(exist_ok=True)
        for name, content in row.files.items():
            _write(PROFILES / name, content)
        _write(target, text.encode("utf-8"))
    summary = ", ".join(f"{n} {what}" for what, n in counts.items())
    print(f"visitkit import{' --dry-run' if args.dry_run else ''}: {len(table)} rows: {summary}", file=sys.stderr)
    return 1 if counts["failed"] else 0


def _same_values(path: Path, data: dict[str, Any]) -> bool:
    """A profile (perhaps written by hand) that already holds exactly ``data``: nothing to do."""
    from visitkit.profile_file import ProfileError, read_yaml

    try:
        return normal(read_yaml(path, path.as_posix())) == normal(data)
    except ProfileError:
        return False


def _changes(path: Path, row: Row) -> list[str]:
    """The columns whose values differ from the profile's (and file columns whose file changed)."""
    from visitkit.profile_file import ProfileError, read_yaml

    try:
        old = spreadsheet.flatten(normal(read_yaml(path, path.as_posix())))
    except (ProfileError, ValueError, TypeError):
        return ["every field (the old profile cannot be read)"]
    new = spreadsheet.flatten(normal(row.data))
    changed = [column for column in dict.fromkeys([*new, *old]) if new.get(column) != old.get(column)]
    for spec in fields.fields():
        name = new.get(spec.dotted)
        if spec.is_file and name in row.files and spec.dotted not in changed:
            current = PROFILES / name
            if not current.is_file() or current.read_bytes() != row.files[name]:
                changed.append(f"{spec.dotted} (the file)")
    return changed or ["formatting only"]
