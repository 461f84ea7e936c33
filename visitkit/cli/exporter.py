"""Write every profile to one CSV or XLSX file, one row each (what `visitkit import` reads back).

Cells hold the values as the profiles' YAML has them (not the schema's defaults), so exporting and
importing the result changes nothing. A file a profile names (logo, fonts) is given as a path relative
to the spreadsheet's folder: the file itself when it lies inside that folder, else a copy written to
``<file stem>-files/<path below org_profiles/>`` next to the spreadsheet.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from visitkit.cli import fields, spreadsheet
from visitkit.cli.project import PROFILES, SOURCES, in_project


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="the .csv or .xlsx file to write (replaced if it exists)")


def _column_order(columns: list[str]) -> list[str]:
    """``id`` first, then the schema's field order; columns below one field (locales, names) as first met."""
    rank = {field.dotted: index for index, field in enumerate(fields.fields())}

    def key(column: str) -> int:
        parts = column.split(".")
        return next(
            (rank[".".join(parts[:end])] for end in range(len(parts), 0, -1) if ".".join(parts[:end]) in rank),
            len(rank),
        )

    return ["id", *sorted((c for c in columns if c != "id"), key=key)]


def run(args: argparse.Namespace) -> int:
    from visitkit import sources
    from visitkit.atomic import write_atomic
    from visitkit.profile import ProfileError, load_profile
    from visitkit.profile_file import read_yaml

    if not in_project():
        return 1
    target: Path = args.file
    if target.suffix.lower() not in spreadsheet.FORMATS:
        print(f"ERROR {target}: expected a .csv or .xlsx file name, got {target.suffix or 'no extension'}")
        return 1
    available = sources.available_locales(SOURCES)
    base = target.parent
    failed = 0
    rows: list[dict[str, str]] = []
    copies: dict[Path, bytes] = {}
    for path in sorted(PROFILES.glob("*.yaml")):
        try:
            load_profile(path, available)  # only valid profiles: an import must be able to read them back
            cells = spreadsheet.flatten(read_yaml(path, path.as_posix()))
        except ProfileError as exc:
            failed += 1
            for line in exc.lines:
                print(f"ERROR {line}")
            continue
        except ValueError as exc:
            failed += 1
            print(f"ERROR {path.as_posix()}: {exc}")
            continue
        for spec in fields.fields():
            if spec.is_file and spec.dotted in cells:
                cells[spec.dotted] = _file_cell(PROFILES / cells[spec.dotted], base, target, copies)
        rows.append({"id": path.stem, **cells})
    header = _column_order(list(dict.fromkeys(column for row in rows for column in row)))
    data = spreadsheet.write(target, header, [[row.get(column, "") for column in header] for row in rows])
    for copy, content in copies.items():
        write_atomic(copy, content)
    write_atomic(target, data)
    print(
        f"visitkit export: {len(rows)} profiles to {target.as_posix()}"
        + (f"; {failed} invalid, left out" if failed else ""),
        file=sys.stderr,
    )
    return 1 if failed else 0


def _file_cell(source: Path, base: Path, target: Path, copies: dict[Path, bytes]) -> str:
    """The file as the spreadsheet names it: relative to its folder, copied there when it lies outside."""
    real = source.resolve()
    folder = base.resolve()
    if real.is_relative_to(folder):
        return real.relative_to(folder).as_posix()
    copy = base / f"{target.stem}-files" / source.relative_to(PROFILES)
    copies[copy] = real.read_bytes()
    return os.path.relpath(copy, base).replace(os.sep, "/")
