"""doit task definitions: which files each output reads and writes.

``dodo.py`` only wires these generators. Each task lists exactly the files it
reads as ``file_dep`` so doit rebuilds precisely what an edit touched:

    validate:<org>          org_profiles/<org>.yaml + logo/font files → build/.work/<org>/profile.json
    content:<org>/<loc>     profile.json + sources/<loc>/*.yaml      → build/.work/<org>/<loc>/content.json
    <format>:<org>/<loc>    content.json + templates + logo/fonts    → build/<org>/<loc>/<file>

and every task also depends on the Python modules that compute it.
"""

from __future__ import annotations

import ast
import functools
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from visitkit import profile as profile_mod
from visitkit import sources
from visitkit.content import DEFAULT_FONT
from visitkit.render import renderer_inputs

BUILD = Path("build")
WORK = BUILD / ".work"
PROFILES = Path("org_profiles")
SOURCES = Path("sources")
SCHEMA_FILE = PROFILES / "profile.schema.json"

# task group → renderer module; the order is the order outputs are listed in.
OUTPUTS: dict[str, str] = {
    "faq": "visitkit.render.faq_page",
    "fragment": "visitkit.render.faq_fragment",
    "pdf": "visitkit.render.pdf",
    "pptx": "visitkit.render.pptx",
}
GROUP_DOCS = {
    "validate": "check each profile in org_profiles/ against the schema",
    "content": "merge a profile with a locale's sources into the content model",
    "faq": "standalone FAQ page, faq.html",
    "fragment": "drop-in FAQ fragment for an existing site, faq.fragment.html",
    "pdf": "one-page branded PDF infographic, infographic.pdf",
    "pptx": "editable PowerPoint infographic, infographic.pptx",
    "prune": "remove build/<org>/ of organisations whose profile was deleted",
}
_PACKAGE_DIR = Path(__file__).resolve().parent
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# ------------------------------------------------------------ module deps


@functools.cache
def module_files(module: str) -> tuple[str, ...]:
    """Project-relative source files of ``module`` and every visitkit module it imports."""
    seen: set[Path] = set()
    pending = [module]
    while pending:
        name = pending.pop()
        path = _module_path(name)
        if path is None or path in seen:
            continue
        seen.add(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                pending += [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
                    parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join(parts + ([base] if base else []))
                pending.append(base)
                pending += [f"{base}.{a.name}" for a in node.names]
        # a submodule import runs its package's __init__ too
        if "." in name:
            pending.append(name.rsplit(".", 1)[0])
    root = _PACKAGE_DIR.parent
    return tuple(sorted(p.relative_to(root).as_posix() for p in seen))


def _module_path(name: str) -> Path | None:
    if name != "visitkit" and not name.startswith("visitkit."):
        return None
    relative = Path(*name.split(".")[1:])
    for candidate in (_PACKAGE_DIR / relative / "__init__.py", (_PACKAGE_DIR / relative).with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


def _code(*modules: str) -> list[str]:
    files = {"visitkit/build.py"}
    for module in modules:
        files.update(module_files(module))
    return sorted(files)


# ------------------------------------------------------------ project scan


@dataclass(frozen=True)
class Org:
    """What task creation needs from one profile, read without validating it."""

    id: str
    profile: Path
    locales: tuple[str, ...]  # empty when the profile is too broken to plan outputs
    vertical: str
    logo: str | None  # project-relative
    fonts: tuple[str, ...]  # project-relative regular (and bold) font files

    @property
    def assets(self) -> tuple[str, ...]:
        return ((self.logo,) if self.logo else ()) + self.fonts


def scan_org(path: Path, available: set[str]) -> Org:
    """Read the few fields that decide which tasks exist; never raise."""
    org_id = path.stem
    empty = Org(org_id, path, (), "", None, ())
    try:
        data = yaml.load(path.read_bytes(), Loader=_LOADER)
    except (yaml.YAMLError, OSError):
        return empty
    if not isinstance(data, dict) or not profile_mod.ORG_ID.match(org_id):
        return empty
    locales = data.get("locales", ["en"])
    vertical = data.get("vertical")
    brand = data.get("brand") if isinstance(data.get("brand"), dict) else {}
    font = brand.get("font") if isinstance(brand.get("font"), dict) else {}
    assets: list[str | None] = []
    org_dir = (PROFILES / org_id).resolve()
    for value in (brand.get("logo"), font.get("regular"), font.get("bold")):
        if value is not None:
            resolved = (PROFILES / value).resolve() if isinstance(value, str) else None
            if resolved is None or not resolved.is_relative_to(org_dir) or not resolved.is_file():
                return empty
            value = (PROFILES / value).as_posix()
        assets.append(value)
    logo, regular, bold = assets
    if (
        not isinstance(locales, list)
        or not locales
        or not all(isinstance(c, str) and c in available for c in locales)
        or vertical not in ("healthcare", "financial", "retail", "generic")
    ):
        return empty
    fonts = (regular, bold or regular) if regular else (DEFAULT_FONT["regular"], DEFAULT_FONT["bold"])
    return Org(org_id, path, tuple(dict.fromkeys(locales)), vertical, logo, tuple(dict.fromkeys(fonts)))


@functools.cache
def scan(selected: str | None = None) -> tuple[tuple[Org, ...], tuple[str, ...]]:
    """All orgs to build (``selected``: comma-separated ids) and ids asked for that have no profile."""
    available = sources.available_locales(SOURCES)
    paths = sorted(PROFILES.glob("*.yaml"))
    if selected:
        wanted = [s.strip() for s in selected.split(",") if s.strip()]
        by_id = {p.stem: p for p in paths}
        missing = tuple(w for w in wanted if w not in by_id)
        return tuple(scan_org(by_id[w], available) for w in wanted if w in by_id), missing
    return tuple(scan_org(p, available) for p in paths), ()


# ------------------------------------------------------------------- tasks


def _validated(org_id: str) -> str:
    return (WORK / org_id / "profile.json").as_posix()


def _content(org_id: str, locale: str) -> str:
    return (WORK / org_id / locale / "content.json").as_posix()


def validate_tasks(orgs: tuple[Org, ...], missing: tuple[str, ...]):
    yield {"basename": "validate", "name": None, "doc": GROUP_DOCS["validate"]}
    for org in orgs:
        target = _validated(org.id)
        yield {
            "basename": "validate",
            "name": org.id,
            "actions": [(_action("validate"), [org.profile.as_posix(), SOURCES.as_posix(), target])],
            "file_dep": [org.profile.as_posix(), *org.assets, *_code("visitkit.profile")],
            "targets": [target],
            "clean": True,
        }
    for org_id in missing:
        yield {
            "basename": "validate",
            "name": org_id,
            "actions": [(_action("missing_profile"), [(PROFILES / f"{org_id}.yaml").as_posix()])],
            "uptodate": [False],
        }


def content_tasks(orgs: tuple[Org, ...]):
    yield {"basename": "content", "name": None, "doc": GROUP_DOCS["content"]}
    code = _code("visitkit.content", "visitkit.sources")
    for org in orgs:
        for locale in org.locales:
            target = _content(org.id, locale)
            yield {
                "basename": "content",
                "name": f"{org.id}/{locale}",
                "actions": [
                    (
                        _action("content"),
                        [_validated(org.id), org.id, locale, SOURCES.as_posix(), PROFILES.as_posix(), target],
                    )
                ],
                "file_dep": [
                    _validated(org.id),
                    *(p.as_posix() for p in sources.source_files(SOURCES, locale)),
                    *org.assets,
                    *code,
                ],
                "targets": [target],
                "clean": True,
            }


def output_tasks(group: str, orgs: tuple[Org, ...]):
    """One task per org and locale for the renderer behind ``group``."""
    import importlib

    module_name = OUTPUTS[group]
    module = importlib.import_module(module_name)
    code = _code(module_name)
    yield {"basename": group, "name": None, "doc": GROUP_DOCS[group]}
    for org in orgs:
        inputs = renderer_inputs(module, org.vertical, org.logo, org.fonts)
        for locale in org.locales:
            target = (BUILD / org.id / locale / module.OUTPUT).as_posix()
            yield {
                "basename": group,
                "name": f"{org.id}/{locale}",
                "actions": [
                    (_action("render"), [module_name, _content(org.id, locale), inputs, target, {}])
                ],
                "file_dep": [_content(org.id, locale), *inputs, *code],
                "targets": [target],
                "clean": True,
            }


def stray_dirs(orgs: tuple[Org, ...]) -> list[Path]:
    """Output folders of organisations that no longer have a profile."""
    known = {p.stem for p in PROFILES.glob("*.yaml")}
    found = []
    for parent in (BUILD, WORK):
        if parent.is_dir():
            found += [d for d in parent.iterdir() if d.is_dir() and not d.name.startswith(".") and d.name not in known]
    return sorted(found)


def prune_task(orgs: tuple[Org, ...], selected: str | None):
    stray = [] if selected else stray_dirs(orgs)
    return {
        "basename": "prune",
        "doc": GROUP_DOCS["prune"],
        "actions": [(_remove_dirs, [[d.as_posix() for d in stray]])] if stray else [],
        "uptodate": [not stray],
        "verbosity": 2,
    }


def _remove_dirs(dirs: list[str]) -> None:
    for d in dirs:
        shutil.rmtree(d, ignore_errors=True)
        print(f"removed {d}/ (its profile was deleted)")


def schema_task() -> dict[str, Any]:
    return {
        "basename": "schema",
        "doc": f"write the profile JSON Schema to {SCHEMA_FILE} (for editor autocompletion)",
        "actions": [(_action("schema"), [SCHEMA_FILE.as_posix()])],
        "file_dep": _code("visitkit.profile"),
        "targets": [SCHEMA_FILE.as_posix()],
    }


def _action(name: str):
    from visitkit import build

    return getattr(build, name)
