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
import contextlib
import difflib
import functools
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from visitkit import snapshot, sources
from visitkit.selection import EVERYTHING, ORG_ID, Selection, shard_of  # noqa: F401 - shard_of is part of this module's API

# The schema, content model and renderers are imported where they are used: planning needs
# them, but a build in which nothing changed (visitkit.snapshot) never plans.

BUILD = Path("build")
WORK = BUILD / ".work"
RECIPES = (BUILD / ".recipes").as_posix()
PROFILES = Path("org_profiles")
SOURCES = Path("sources")
SCHEMA_FILE = PROFILES / "profile.schema.json"

# task group → renderer module; the order is the order outputs are listed in.
OUTPUTS: dict[str, str] = {
    "faq": "visitkit.render.faq_page",
    "fragment": "visitkit.render.faq_fragment",
    "pdf": "visitkit.render.pdf",
    "pptx": "visitkit.render.pptx",
    "jsonld": "visitkit.render.faq_jsonld",
    "resources": "visitkit.render.resources_page",
    "resources_fragment": "visitkit.render.resources_fragment",
    "email": "visitkit.render.email_html",
    "email_text": "visitkit.render.email_text",
    "logo": "visitkit.render.email_logo",
    "readme": "visitkit.render.readme",
}
GROUP_DOCS = {
    "validate": "check each profile in org_profiles/ against the schema",
    "content": "merge a profile with a locale's sources into the content model",
    "faq": "standalone FAQ page, faq.html",
    "fragment": "drop-in FAQ fragment for an existing site, faq.fragment.html",
    "pdf": "one-page branded PDF infographic, infographic.pdf",
    "pptx": "editable PowerPoint infographic, infographic.pptx",
    "jsonld": "schema.org FAQPage metadata, faq.jsonld (opt-in: faq.structured_data)",
    "resources": "resources page for the team and the clients, resources.html",
    "resources_fragment": "drop-in resources section for an existing site, resources.fragment.html",
    "email": "campaign email with inline styles, email.html",
    "email_text": "plain-text part of the campaign email, email.txt",
    "logo": "the logo as a PNG for the email, logo.png (when the profile has a logo)",
    "readme": "README.txt for the organisation's web and email teams",
    "recipe": "stamps of the code, templates and sources that groups of tasks share",
    "thumbnail": "PNG previews of the PDF: infographic.png and infographic-large.png",
    "manifest": "build/<org>/manifest.json: every output with its size, sha256 and inputs' hash",
    "zip": "build/<org>/<org>-toolkit.zip: every output of the organisation, by locale",
    "prune": "remove outputs no longer built: a deleted organisation's folder, a dropped locale, an output turned off",
}
_PACKAGE_DIR = Path(__file__).resolve().parent


# ------------------------------------------------------------ module deps


@functools.cache
def module_files(module: str) -> tuple[str, ...]:
    """Project-relative source files of ``module`` and every visitkit module it imports."""
    known = snapshot.known("modules", module)  # parsing the code is most of planning one org
    if known is None:
        known = snapshot.remember("modules", module, list(_module_files(module)))
    return tuple(known)


def _module_files(module: str) -> tuple[str, ...]:
    seen: set[str] = set()
    pending = [module]
    while pending:
        name = pending.pop()
        if name in seen or _module_path(name) is None:
            continue
        seen.add(name)
        pending += _imports(name)
    root = _PACKAGE_DIR.parent
    return tuple(sorted({_module_path(name).relative_to(root).as_posix() for name in seen}))


@functools.cache
def _imports(name: str) -> tuple[str, ...]:
    """Modules one visitkit module imports (anywhere in it, lazy imports included)."""
    return tuple(n for n in _all_imports(name) if n == "visitkit" or n.startswith("visitkit."))


@functools.cache
def _all_imports(name: str) -> tuple[str, ...]:
    path = _module_path(name)
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_bytes())):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
                parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(parts + ([base] if base else []))
            found.append(base)
            found += [f"{base}.{a.name}" for a in node.names]
    if "." in name:  # a submodule import runs its package's __init__ too
        found.append(name.rsplit(".", 1)[0])
    return tuple(found)


@functools.cache
def libraries(module: str) -> tuple[str, ...]:
    """The installed distributions ``module``'s code runs on: those its visitkit modules import,
    and everything they require. Their versions are part of the module's recipe, so upgrading
    WeasyPrint (or pydyf under it) rebuilds the outputs it renders."""
    known = snapshot.known("libraries", module)
    if known is None:
        known = snapshot.remember("libraries", module, list(_libraries(module)))
    return tuple(known)


def _libraries(module: str) -> tuple[str, ...]:
    import importlib.metadata
    import sys

    owners = _distributions_by_package()
    tops = {
        n.split(".")[0]
        for f in module_files(module)
        for n in _all_imports(_module_name(f))
        if not n.startswith("visitkit")
    }
    pending = sorted({d for top in tops - set(sys.stdlib_module_names) for d in owners.get(top, ())})
    found: set[str] = set()
    while pending:
        name = pending.pop()
        key = _canonical(name)
        if key in found:
            continue
        try:
            requires = importlib.metadata.distribution(name).requires or []
        except importlib.metadata.PackageNotFoundError:
            continue
        found.add(key)
        pending += [re.split(r"[\s\[<>=!~;(]", r, maxsplit=1)[0] for r in requires if "extra ==" not in r]
    return tuple(sorted(found))


@functools.cache
def _distributions_by_package() -> dict[str, list[str]]:
    import importlib.metadata

    return importlib.metadata.packages_distributions()


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _module_name(path: str) -> str:
    """``visitkit/render/pdf.py`` → ``visitkit.render.pdf``."""
    return path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")


def versions(distributions: tuple[str, ...]) -> dict[str, str]:
    """Installed version of each distribution ("absent" when it is not installed)."""
    import importlib.metadata

    found = {}
    for name in distributions:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = "absent"
    return found


@functools.cache
def _module_path(name: str) -> Path | None:
    if name != "visitkit" and not name.startswith("visitkit."):
        return None
    relative = Path(*name.split(".")[1:])
    for candidate in (_PACKAGE_DIR / relative / "__init__.py", (_PACKAGE_DIR / relative).with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


@functools.cache
def _code(*modules: str) -> tuple[str, ...]:
    files = {"visitkit/build.py"}
    for module in modules:
        files.update(module_files(module))
    return tuple(sorted(files))


@functools.cache
def _libraries_of(*modules: str) -> tuple[str, ...]:
    return tuple(sorted({d for module in ("visitkit.build", *modules) for d in libraries(module)}))


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
    flags: frozenset[str] = frozenset()  # opt-in options set to true, e.g. "faq.structured_data"; "brand.logo"

    @property
    def assets(self) -> tuple[str, ...]:
        return ((self.logo,) if self.logo else ()) + self.fonts


def scan_org(path: Path, available: set[str]) -> Org:
    """Read the few fields that decide which tasks exist; never raise."""
    org_id = path.stem
    empty = Org(org_id, path, (), "", None, ())
    from visitkit import profile_file

    try:  # the validator's own guarded reader: size, UTF-8, aliases and depth checked before parsing
        data = profile_file.read_yaml(path, path.as_posix())
    except profile_file.ProfileError:
        return empty
    if not isinstance(data, dict) or not ORG_ID.fullmatch(org_id):
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
    default = profile_file.DEFAULT_FONT
    fonts = (regular, bold or regular) if regular else (default["regular"], default["bold"])
    flags = frozenset(
        f"{group}.{key}"
        for group, options in data.items()
        if isinstance(options, dict)
        for key, value in options.items()
        if value is True
    )
    if logo:
        flags |= {"brand.logo"}  # outputs made from the logo (logo.png) exist only when there is one
    return Org(org_id, path, tuple(dict.fromkeys(locales)), vertical, logo, tuple(dict.fromkeys(fonts)), flags)


@functools.cache
def scan(selection: Selection = EVERYTHING) -> tuple[tuple[Org, ...], tuple[str, ...]]:
    """The orgs to build and the ids asked for with ``org=`` that have no profile."""
    available = sources.available_locales(SOURCES)
    paths = [p for p in sorted(PROFILES.glob("*.yaml")) if selection.includes(p.stem)]
    if selection.orgs is not None:
        by_id = {p.stem: p for p in paths}
        missing = tuple(w for w in selection.orgs if w not in by_id and selection.shard is None)
        return tuple(_scan_known(by_id[w], available) for w in selection.orgs if w in by_id), missing
    return tuple(_scan_known(p, available) for p in paths), ()


def _scan_known(path: Path, available: set[str]) -> Org:
    """``scan_org``, or its result from the no-op record when the org's files did not change since
    (parsing every profile is most of the planning a template edit needs)."""
    known = snapshot.known("scans", path.stem)
    if known is None:
        org = scan_org(path, available)
    else:
        locales, vertical, logo, fonts, flags = known
        org = Org(path.stem, path, tuple(locales), vertical, logo, tuple(fonts), frozenset(flags))
    snapshot.remember("scans", org.id, [list(org.locales), org.vertical, org.logo, list(org.fonts), sorted(org.flags)])
    return org


# ------------------------------------------------------------------- tasks


def _validated(org_id: str) -> str:
    return (WORK / org_id / "profile.json").as_posix()


def _content(org_id: str, locale: str) -> str:
    return (WORK / org_id / locale / "content.json").as_posix()


@dataclass(frozen=True)
class Job:
    """One task that writes one or more files of an org's toolkit."""

    group: str
    name: str
    locale: str
    targets: tuple[str, ...]  # project-relative, under build/<org>/
    file_dep: tuple[str, ...]
    action: str  # a function in visitkit.build
    args: tuple[Any, ...]


def _recipe_path(name: str) -> str:
    return f"{RECIPES}/{name}.sha256"


class _Plan:
    """Collects tasks by group, and the recipes they share."""

    def __init__(self) -> None:
        self.groups: dict[str, list[dict[str, Any]]] = {name: [] for name in GROUP_DOCS}
        self.recipes: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        self.versions: dict[str, str] = {}

    def recipe(self, name: str, modules: tuple[str, ...], files: tuple[str, ...] | list[str] = ()) -> str:
        """A stamp holding the hashes of the files (templates, sources, and the code of ``modules``)
        and the versions of the libraries that code runs on, shared by many tasks.

        A task then depends on one stamp instead of a dozen files: doit checks far fewer
        dependencies per run, and an edit to any of them, or an upgraded library, still reaches
        exactly its tasks.
        """
        if name not in self.recipes:
            self.recipes[name] = (tuple(sorted({*files, *_code(*modules)})), _libraries_of(*modules))
        return _recipe_path(name)

    def reads(self, name: str) -> list[str]:
        """The files behind a recipe stamp (what ``doit info`` shows a task really reads)."""
        return list(self.recipes[name][0])

    def recipe_tasks(self) -> list[dict[str, Any]]:
        from doit.tools import config_changed

        tasks = []
        for name, (files, libraries) in sorted(self.recipes.items()):
            installed = versions(libraries)
            self.versions.update(installed)
            tasks.append({
                "basename": "recipe",
                "name": name,
                "actions": [_action("recipe", [list(files), _recipe_path(name), installed])],
                "file_dep": list(files),
                "uptodate": [config_changed(installed)],
                "targets": [_recipe_path(name)],
                "clean": True,
                "meta": {"libraries": installed},
            })
        return tasks


LOCK_FILE = Path(".visitkit.lock")
_lock_handle = None


def lock_project() -> None:
    """Let one build at a time work in this folder: a second one waits for the first.

    The lock is an advisory ``flock`` held until the process exits, so a killed
    build never leaves a stale lock behind.
    """
    global _lock_handle
    if _lock_handle is not None:
        return
    import fcntl
    import sys

    handle = LOCK_FILE.open("a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        message = "visitkit: another build is running in this folder; waiting for it to finish"
        print(message, file=sys.stderr, flush=True)
        fcntl.flock(handle, fcntl.LOCK_EX)
    _lock_handle = handle


def downstream(groups: set[str] | frozenset[str]) -> frozenset[str]:
    """``groups`` and every group whose tasks read what theirs write."""
    found = set(groups)
    if "validate" in found:
        found.add("content")
    if "content" in found:
        found.update(OUTPUTS)
    if "pdf" in found:
        found.add("thumbnail")
    if found & {"content", "thumbnail", *OUTPUTS}:
        found.add("manifest")
    if "manifest" in found:
        found.add("zip")
    return frozenset(found)


@functools.cache
def plan(selection: Selection = EVERYTHING) -> dict[str, list[dict[str, Any]]]:
    """Every task, by group, for the selected orgs (and, when narrowed, the selected groups)."""
    lock_project()
    orgs, missing = scan(selection)
    built = _Plan()
    groups = built.groups
    wanted = selection.plans
    if wanted("validate"):
        groups["validate"] += [_validate_task(built, org) for org in orgs] + [_missing_task(i) for i in missing]
    for org in orgs:
        jobs = []
        for locale in org.locales:
            if wanted("content"):
                groups["content"].append(_content_task(built, org, locale))
            jobs += org_jobs(built, org, locale)
        for job in jobs:
            if wanted(job.group):
                groups[job.group].append(_job_task(job))
        if jobs and wanted("manifest"):
            groups["manifest"].append(_manifest_task(built, org, jobs))
        if jobs and wanted("zip"):
            groups["zip"].append(_zip_task(built, org))
        if jobs and selection.groups is None:  # what the org's folders should hold, for the prune task
            _expected.setdefault(selection, {})[org.id] = {
                *(t for job in jobs for t in job.targets),
                _manifest(org.id),
                _zip(org.id),
                _validated(org.id),
                *(_content(org.id, locale) for locale in org.locales),
            }
    groups["recipe"] = built.recipe_tasks()
    if selection.orgs is None and selection.groups is None:  # every recipe planned: the others are stale
        _expected.setdefault(selection, {})[_RECIPE_FOLDER] = {_recipe_path(name) for name in built.recipes}
    for task in (task for group in groups.values() for task in group):
        # Output (warnings, mostly) passes through as it comes in every mode: visitkit's runner writes
        # what a worker printed, and serial and -P process runs leave it uncaptured likewise.
        task["io"] = {"capture": False}
        stamps = [d for d in task.get("file_dep", ()) if d.startswith(RECIPES)]
        if stamps:  # doit info shows the files behind the stamps, and the library versions
            names = [Path(d).name.removesuffix(".sha256") for d in stamps]
            task["meta"] = {
                "reads": [d for d in task["file_dep"] if d not in stamps] + [f for n in names for f in built.reads(n)],
                "libraries": {lib: built.versions[lib] for n in names for lib in built.recipes[n][1]},
            }
    return groups


_expected: dict[Selection, dict[str, set[str]]] = {}
"""Per planned organisation (with its profile readable), every file the build writes for it; and under
``_RECIPE_FOLDER``, the recipe stamps (when every organisation is planned)."""
_RECIPE_FOLDER = Path(RECIPES).name


def group_tasks(group: str, selection: Selection = EVERYTHING):
    """doit task generator for one group."""
    yield {"basename": group, "name": None, "doc": GROUP_DOCS[group]}
    if snapshot.fast_count is None:  # else nothing changed since the last build: no task to check
        yield from plan(selection)[group]


def _validate_task(built: _Plan, org: Org) -> dict[str, Any]:
    target = _validated(org.id)
    profile = org.profile.as_posix()
    return {
        "basename": "validate",
        "name": org.id,
        "actions": [_action("validate", [profile, SOURCES.as_posix(), target])],
        "file_dep": [profile, *org.assets, built.recipe("validate", ("visitkit.profile",))],
        "targets": [target],
        "clean": True,
    }


def _nearest_ids(org_id: str) -> list[str]:
    """Organisation ids that look like ``org_id`` (for "did you mean"), nearest first."""
    known = [p.stem for p in PROFILES.glob("*.yaml")]
    return difflib.get_close_matches(org_id, known, n=3, cutoff=0.6)


def _missing_task(org_id: str) -> dict[str, Any]:
    return {
        "basename": "validate",
        "name": org_id,
        "actions": [_action("missing_profile", [f"{PROFILES}/{org_id}.yaml", _nearest_ids(org_id)])],
        "uptodate": [False],
    }


def _content_task(built: _Plan, org: Org, locale: str) -> dict[str, Any]:
    target = _content(org.id, locale)
    recipe = built.recipe(
        f"content-{locale}",
        ("visitkit.content", "visitkit.sources"),
        # the reference locale's too: a key added there is checked for in every locale
        [p.as_posix() for code in {locale, sources.REFERENCE} for p in sources.source_files(SOURCES, code)],
    )
    args = [_validated(org.id), org.id, locale, SOURCES.as_posix(), PROFILES.as_posix(), target]
    return {
        "basename": "content",
        "name": f"{org.id}/{locale}",
        "actions": [_action("content", args)],
        # the logo is read too: its type comes from its bytes
        "file_dep": [_validated(org.id), recipe, *([org.logo] if org.logo else [])],
        "targets": [target],
        "clean": True,
    }


@functools.cache
def _renderer(module_name: str):
    import importlib

    return importlib.import_module(module_name)


def org_jobs(built: _Plan, org: Org, locale: str) -> list[Job]:
    """Every task writing one org and locale's outputs, with exactly the files each reads."""
    from visitkit import render
    from visitkit.render import thumbnail

    jobs = []
    folder = f"{BUILD}/{org.id}/{locale}"
    content = _content(org.id, locale)
    for group, module_name in OUTPUTS.items():
        module = _renderer(module_name)
        if getattr(module, "WHEN", None) and module.WHEN not in org.flags:
            continue  # an opt-in output the profile did not ask for
        templates = [t.format(vertical=org.vertical) for t in module.TEMPLATES]
        recipe = built.recipe(f"{group}-{org.vertical}", (module_name,), templates)
        inputs = render.renderer_inputs(module, org.vertical, org.logo, org.fonts)
        assets = [f for f in inputs if f not in templates]
        target = f"{folder}/{module.OUTPUT}"
        args = (module_name, content, inputs, target, {})
        jobs.append(Job(group, f"{org.id}/{locale}", locale, (target,), (content, recipe, *assets), "render", args))
    pdf = f"{folder}/{thumbnail.SOURCE}"
    targets = {f"{folder}/{name}": width for name, width in thumbnail.OUTPUTS.items()}
    recipe = built.recipe("thumbnail", ("visitkit.render.thumbnail",))
    jobs.append(Job("thumbnail", f"{org.id}/{locale}", locale, tuple(targets), (pdf, recipe), "thumbnails",
                    (pdf, targets)))
    return jobs


def _job_task(job: Job) -> dict[str, Any]:
    return {
        "basename": job.group,
        "name": job.name,
        "actions": [_action(job.action, list(job.args))],
        "file_dep": list(job.file_dep),
        "targets": list(job.targets),
        "clean": True,
    }


def _manifest(org_id: str) -> str:
    return f"{BUILD}/{org_id}/manifest.json"


def _manifest_task(built: _Plan, org: Org, jobs: list[Job]) -> dict[str, Any]:
    prefix = f"{BUILD}/{org.id}/"
    files = {
        target.removeprefix(prefix): {"locale": job.locale, "format": job.group, "path": target,
                                       "inputs": list(job.file_dep)}
        for job in jobs
        for target in job.targets
    }
    contents = [_content(org.id, locale) for locale in org.locales]
    recipe = built.recipe("bundle", ("visitkit.bundle",))
    deps = sorted({d for job in jobs for d in (*job.targets, *job.file_dep)} | set(contents) | {recipe})
    return {
        "basename": "manifest",
        "name": org.id,
        "actions": [_action("org_manifest", [org.id, contents, files, _manifest(org.id)])],
        "file_dep": deps,
        "targets": [_manifest(org.id)],
        "clean": True,
    }


def _zip(org_id: str) -> str:
    return f"{BUILD}/{org_id}/{org_id}-toolkit.zip"


def _zip_task(built: _Plan, org: Org) -> dict[str, Any]:
    target = _zip(org.id)
    return {
        "basename": "zip",
        "name": org.id,
        # The manifest holds every file's sha256, so it alone says when the zip is stale.
        "actions": [_action("org_zip", [_manifest(org.id), target])],
        "file_dep": [_manifest(org.id), built.recipe("bundle", ("visitkit.bundle",))],
        "targets": [target],
        "clean": True,
    }


def stray_dirs() -> list[Path]:
    """Output folders of organisations that no longer have a profile."""
    known = {p.stem for p in PROFILES.glob("*.yaml")}
    found = []
    for parent in (BUILD, WORK):
        if parent.is_dir():
            found += [d for d in parent.iterdir() if d.is_dir() and not d.name.startswith(".") and d.name not in known]
    return sorted(found)


def stale_files(selection: Selection = EVERYTHING) -> dict[str, list[str]]:
    """By organisation, the files in its folders that the build no longer writes: a locale dropped
    from the profile, an opt-in output turned off, a logo removed (and temporary files of a killed build)."""
    plan(selection)
    found = {}
    for org_id, expected in _expected.get(selection, {}).items():
        stale = [
            f"{root}/{name}"
            for folder in (BUILD / org_id, WORK / org_id)
            for root, _, files in os.walk(folder)
            for name in files
            if f"{root}/{name}" not in expected
        ]
        if stale:
            found[org_id] = sorted(stale)
    return found


def prune_tasks(selection: Selection = EVERYTHING):
    """Remove what the build no longer writes. An organisation's stale files go only once its profile
    validates: a broken profile keeps its last good outputs (a live site must not lose its FAQ over a typo)."""
    yield {"basename": "prune", "name": None, "doc": GROUP_DOCS["prune"], "clean": [_clean_build]}
    if snapshot.fast_count is not None:
        return
    # org= builds leave other orgs alone; a shard prunes only the orgs that hash to it
    stray = [d.as_posix() for d in stray_dirs() if selection.includes(d.name)] if selection.orgs is None else []
    if stray:
        yield {"basename": "prune", "name": "deleted", "actions": [(_remove_dirs, [stray])], "uptodate": [False],
               "verbosity": 2}
    for org_id, files in stale_files(selection).items():
        validated = [] if org_id == _RECIPE_FOLDER else [_validated(org_id)]
        yield {"basename": "prune", "name": org_id, "actions": [(_remove_stale, [org_id, files])],
               "file_dep": validated, "uptodate": [False], "verbosity": 2}


def _remove_dirs(dirs: list[str]) -> None:
    for d in dirs:
        shutil.rmtree(d, ignore_errors=True)
        print(f"removed {d}/ (its profile was deleted)")


def _remove_stale(org_id: str, files: list[str]) -> None:
    for name in files:
        Path(name).unlink(missing_ok=True)
    _remove_empty_dirs(BUILD / org_id)
    _remove_empty_dirs(WORK / org_id)
    shown = [n.removeprefix(f"{BUILD}/{org_id}/") for n in files if not n.startswith(f"{WORK}/")]
    if shown and org_id != _RECIPE_FOLDER:
        print(f"removed from {BUILD}/{org_id}/, no longer built: {', '.join(shown)}")


def _remove_empty_dirs(top: Path) -> None:
    """Remove the empty folders under ``top`` (and ``top`` itself when it ends up empty)."""
    for root, _, _ in sorted(os.walk(top), key=lambda entry: -len(Path(entry[0]).parts)):
        with contextlib.suppress(OSError):  # not empty
            os.rmdir(root)


def _clean_build(dryrun: bool = False) -> None:
    """``doit clean``'s last step: after every task removed its own files, remove what no task owns
    (the report, the index, the no-op records, outputs of deleted organisations, stale files) and
    the folders left empty."""
    from visitkit import outcome

    leftovers = [*stray_dirs(), *(Path(f) for files in stale_files().values() for f in files)]
    leftovers += [outcome.REPORTS, snapshot.FOLDER]
    leftovers += [outcome.SITE_INDEX, outcome.SITE_REPORT]
    for path in leftovers:
        if path.exists():
            print(f"prune - removing {path}")
            if not dryrun:
                shutil.rmtree(path) if path.is_dir() else path.unlink()
    if not dryrun and BUILD.is_dir():
        _remove_empty_dirs(BUILD)


def schema_task() -> dict[str, Any]:
    return {
        "basename": "schema",
        "doc": f"write the profile JSON Schema to {SCHEMA_FILE} (for editor autocompletion)",
        "actions": [_action("schema", [SCHEMA_FILE.as_posix()])],
        "file_dep": list(_code("visitkit.profile")),
        "targets": [SCHEMA_FILE.as_posix()],
    }


def _action(name: str, args: list[Any]) -> tuple[Any, list[Any]]:
    """doit's action for ``visitkit.build.<name>(*args)``: run by a render worker under ``-n`` (visitkit.workers)."""
    from visitkit import workers

    return workers.run, [name, *args]
