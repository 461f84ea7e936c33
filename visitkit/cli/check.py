"""Check every profile, the sources and the templates without rendering (for editors and pre-commit hooks)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from visitkit.cli.project import PROFILES, SOURCES, in_project


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "org_ids", nargs="*", metavar="ORG_ID", help="check only these organisations' profiles (default: all)"
    )


def profile_problems(org_ids: list[str] | None = None) -> list[str]:
    """The build's lines for every invalid profile (the validate tasks' check: visitkit.profile.load_profile)."""
    from visitkit import sources
    from visitkit.profile import ProfileError, load_profile

    available = sources.available_locales(SOURCES)
    paths = sorted(PROFILES.glob("*.yaml"))
    if org_ids:
        known = {p.stem: p for p in paths}
        paths = [known.get(org_id, PROFILES / f"{org_id}.yaml") for org_id in org_ids]
    problems: list[str] = []
    for path in paths:
        try:
            load_profile(path, available)
        except ProfileError as exc:
            problems += exc.lines
    return problems


def source_problems() -> list[str]:
    """Every locale's sources, read as a content task reads them (visitkit.sources.load_locale)."""
    from visitkit import sources

    problems: list[str] = []
    for locale in sources.locale_folders(SOURCES):  # a variant whose base is missing is named too
        try:
            sources.load_locale(SOURCES, locale)
        except sources.SourcesError as exc:
            problems += str(exc).splitlines()
    return list(dict.fromkeys(problems))  # a base locale's problem is also its variants' (es-MX reads es): once


def template_problems() -> list[str]:
    """Every Jinja template a renderer reads, parsed (not rendered) with the renderers' own settings.

    A syntax error gets the line a render would fail with (visitkit.render.template_problem).
    """
    import importlib
    import re

    from visitkit import outputs
    from visitkit.render import jinja_environment, template_problem, template_sources

    names: set[str] = set()
    for output in outputs.OUTPUTS:
        renderer = importlib.import_module(output.renderer)
        for template in renderer.TEMPLATES:
            # "{…}" is filled in per organisation (e.g. its icon): every file the pattern can name.
            pattern = re.sub(r"\{\w+\}", "*", template)
            names |= {p.as_posix() for p in Path().glob(pattern)} if pattern != template else {template}
    problems: list[str] = []
    for name in sorted(names):
        path = Path(name)
        if not path.is_file():
            problems.append(f"{name}: file not found")
            continue
        if not name.endswith(".j2"):
            continue
        try:
            ((short, text),) = template_sources({name: path.read_bytes()})
            # Parsed, not compiled: the filters exist only in each renderer's environment.
            jinja_environment(()).parse(text, short, name)
        except Exception as exc:  # a template's own mistake is a line; anything else is a real crash
            line = template_problem(exc)
            if line is None:
                raise
            problems.append(line)
    return problems


def run(args: argparse.Namespace) -> int:
    if not in_project():
        return 1
    from visitkit.report import _stray_profiles  # the build's own warning for a profile it does not read

    problems = profile_problems(args.org_ids) + source_problems() + template_problems()
    for line in problems:
        print(f"ERROR {line}")
    for line in _stray_profiles():
        print(f"WARNING {line}")
    checked = len(args.org_ids) if args.org_ids else len(list(PROFILES.glob("*.yaml")))
    summary = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}" if problems else "no problems"
    print(f"visitkit check: {checked} profiles, sources and templates: {summary}", file=sys.stderr)
    return 1 if problems else 0
