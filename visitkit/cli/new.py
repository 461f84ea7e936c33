"""Start an organisation: write org_profiles/<org-id>.yaml with every field documented, and its folder."""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
from pathlib import Path
from typing import Any

from visitkit.cli import fields
from visitkit.cli.project import PROFILES, SOURCES, in_project, org_id_problem

LOCALES = ("locales",)


def required_fields() -> list[fields.Field]:
    """The values a profile cannot do without: required fields inside required mappings (and no mapping)."""
    found: list[fields.Field] = []
    required_parents: set[tuple[str, ...]] = {()}
    for field in fields.fields():
        if not field.required or field.path[:-1] not in required_parents:
            continue
        if field.model is not None:
            required_parents.add(field.path)
        else:
            found.append(field)
    return found


def _option(field: fields.Field, taken: set[str]) -> str:
    """``--booking`` for links.booking: the last part, or the whole path when two fields share it."""
    short = field.path[-1].replace("_", "-")
    return short if short not in taken else "-".join(field.path).replace("_", "-")


def _asked() -> list[tuple[fields.Field, str]]:
    """(field, option name) for every value ``new`` fills in: the required ones and the locales."""
    every = fields.by_path()
    chosen = required_fields() + [every[LOCALES]]
    options: list[tuple[fields.Field, str]] = []
    taken: set[str] = set()
    for field in chosen:
        name = _option(field, taken)
        taken.add(name)
        options.append((field, name))
    return options


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("org_id", help="the new organisation's id: a-z, 0-9 and '-' (e.g. acme-clinic)")
    for field, option in _asked():
        extra = " (comma-separated; default: en)" if field.path == LOCALES else ""
        parser.add_argument(
            f"--{option}", dest=field.dotted, metavar="VALUE", help=(field.doc + extra).replace("%", "%%")
        )


def _value(field: fields.Field, text: str) -> Any:
    text = text.strip()
    if field.is_list:
        return [part.strip() for part in text.split(",") if part.strip()]
    return text


def _ask(field: fields.Field) -> str:
    default = ", ".join(fields.default_of(field) or []) if field.path == LOCALES else ""
    print(f"{field.doc}", file=sys.stderr)
    answer = input(f"{field.dotted}{f' [{default}]' if default else ''}: ").strip()
    return answer or default


def template(values: dict[tuple[str, ...], Any], title: str) -> str:
    """The profile's text: ``values`` filled in, every other field commented out under its documentation."""
    lines = [
        fields.SCHEMA_LINE,
        *fields.comment(
            f"{title}: written by `visitkit new`. Every other field is below, commented out under what it means: "
            'to use one, delete the "# " before its key (and before its section\'s key, e.g. "contact:"). '
            "README.md, section Profile reference, has them all.",
        ),
    ]
    every = fields.by_path()
    for field in fields.fields():
        indent = "  " * (len(field.path) - 1)
        # Inside an optional mapping everything is commented out, the mapping's key first ("# contact:").
        open_parent = all(every[field.path[:end]].required for end in range(1, len(field.path)))
        live = field.path in values or (field.model is not None and field.required)
        if field.model is not None and len(field.path) == 1:
            lines.append("")  # a blank line before each section
        if open_parent:
            lines += fields.comment(field.doc, indent)
            key = f"{indent}{'' if live else '# '}{field.path[-1]}:"
        else:
            lines += [f"# {indent}{line}" for line in fields.comment(field.doc, "", 100 - 2 - len(indent))]
            key = f"# {indent}{field.path[-1]}:"
        if field.path in values:
            key += f" {fields.scalar(values[field.path])}"
        elif field.model is None and fields.default_of(field) is not None:
            key += f" {fields.scalar(fields.default_of(field))}"
        lines.append(key)
    return "\n".join(lines) + "\n"


def _problems(text: str, target: Path, display: str) -> list[str]:
    """The build's lines for ``text`` as the profile ``target`` (validated before it is in place)."""
    from visitkit import sources
    from visitkit.profile import ProfileError, load_profile

    with tempfile.TemporaryDirectory() as scratch:
        draft = Path(scratch) / target.name
        draft.write_text(text, encoding="utf-8")
        try:
            load_profile(draft, sources.available_locales(SOURCES), display=display)
        except ProfileError as exc:
            return exc.lines
    return []


def run(args: argparse.Namespace) -> int:
    if not in_project():
        return 1
    org_id: str = args.org_id
    problem = org_id_problem(org_id)
    if problem:
        print(f"visitkit new: {problem}", file=sys.stderr)
        return 1
    target = PROFILES / f"{org_id}.yaml"
    if target.exists() or target.with_suffix(".yml").exists():
        existing = target if target.exists() else target.with_suffix(".yml")
        print(f"visitkit new: {existing.as_posix()} already exists: edit it, or choose another org id", file=sys.stderr)
        return 1
    asked = _asked()
    given = {field.path: getattr(args, field.dotted) for field, _ in asked}
    missing = [(field, option) for field, option in asked if given[field.path] is None and field.path != LOCALES]
    if missing and not sys.stdin.isatty():
        names = ", ".join(f"--{option}" for _, option in missing)
        print(f"visitkit new: missing {names} (input is not a terminal, so they cannot be asked for)", file=sys.stderr)
        return 1
    terminal = sys.stdin.isatty()
    display = target.as_posix()
    for attempt in range(3):  # on a terminal, a value that does not validate is asked for again
        if terminal:
            for field, _ in asked:
                if given[field.path] is None:
                    given[field.path] = _ask(field)
        values = {path: _value(fields.by_path()[path], text) for path, text in given.items() if text is not None}
        text = template(values, str(values.get(("name",), org_id)))
        problems = _problems(text, target, display)
        if not problems:
            break
        for line in problems:
            print(f"ERROR {line}", file=sys.stderr)
        wrong = [f for f, _ in asked if any(f": {f.dotted}: " in line or f": {f.dotted}." in line for line in problems)]
        if not terminal or not wrong or attempt == 2:
            print(f"visitkit new: {display} not written; fix the values above and run it again", file=sys.stderr)
            return 1
        for field in wrong:
            given[field.path] = None
    try:
        with open(target, "x", encoding="utf-8", newline="\n") as handle:  # "x": never over a file made meanwhile
            handle.write(text)
    except FileExistsError:
        print(f"visitkit new: {display} already exists: edit it, or choose another org id", file=sys.stderr)
        return 1
    (PROFILES / org_id).mkdir(exist_ok=True)
    print(f"wrote {display} and {(PROFILES / org_id).as_posix()}/ (put the logo and fonts there)")
    if importlib.util.find_spec("visitkit.cli.serve") is not None:
        print(f"next: visitkit serve   (a live preview), then: doit org={org_id}")
    else:
        print(f"next: doit org={org_id}   (then open build/{org_id}/)")
    return 0
