"""Planning: the doit tasks for the organisations selected, with exactly the files each reads and writes.

visitkit's doit loader (visitkit/loader.py) asks for them. The outputs come from
the registry (visitkit/outputs.py). Each task lists exactly the files it reads as
``file_dep`` so doit rebuilds precisely what an edit touched:

    validate:<org>          org_profiles/<org>.yaml + brand.yml/logo/font files → build/.work/<org>/profile.json
    content:<org>/<loc>     profile.json + sources/<loc>/*.yaml      → build/.work/<org>/<loc>/content.json
                            (an overlay's and its base's: fr-CA and fr; and sources/en's, the reference)
    <group>:<org>/<loc>     content.json + templates + logo/fonts    → build/<org>/<loc>/<file>
    <group>:<org>/<loc>     another output (the PDF)                 → its previews
    manifest:<org>, zip:<org>

and every task also depends on the code that computes it and the libraries that code runs on
(visitkit/code.py), through one recipe stamp per group of tasks that share them.
"""

from __future__ import annotations

import difflib
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from visitkit import outputs, snapshot, sources
from visitkit.code import NO_RECORD, libraries, module_files, versions
from visitkit.selection import EVERYTHING, ORG_ID, Selection, shard_of  # noqa: F401 - shard_of is part of this module's API

# The schema, content model and renderers are imported where they are used: planning needs
# them, but a build in which nothing changed (visitkit.snapshot) never plans.

BUILD = Path("build")
WORK = BUILD / ".work"
RECIPES = (BUILD / ".recipes").as_posix()
PROFILES = Path("org_profiles")
SOURCES = Path("sources")
SCHEMA_FILE = PROFILES / "profile.schema.json"

OUTPUTS = {output.group: output.renderer for output in outputs.OUTPUTS}
"""Task group → renderer module, from the output registry (visitkit/outputs.py)."""
GROUP_DOCS = {
    "validate": "check each profile in org_profiles/ against the schema",
    "content": "merge a profile with a locale's sources into the content model",
    **{output.group: output.doc for output in outputs.OUTPUTS},
    "recipe": "stamps of the code, templates and sources that groups of tasks share",
    "manifest": "build/<org>/manifest.json: every output with its size, sha256 and inputs' hash",
    "zip": "build/<org>/<org>-toolkit.zip: every output of the organisation, by locale",
    "prune": "remove outputs no longer built: a deleted organisation's folder, a dropped locale, an output turned off",
}


@functools.cache
def _code(record: snapshot.Record, *modules: str) -> tuple[str, ...]:
    files = {"visitkit/build.py"}
    for module in modules:
        files.update(module_files(module, record))
    return tuple(sorted(files))


@functools.cache
def _libraries_of(record: snapshot.Record, *modules: str) -> tuple[str, ...]:
    return tuple(sorted({d for module in ("visitkit.build", *modules) for d in libraries(module, record)}))


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
    icon: str = "generic"  # the header icon (brand.icon, else the vertical's): names templates/icons/<icon>.svg
    brand_file: str | None = None  # project-relative brand.yml (brand.from), which validation reads

    @property
    def assets(self) -> tuple[str, ...]:
        return ((self.brand_file,) if self.brand_file else ()) + ((self.logo,) if self.logo else ()) + self.fonts


def scan_org(path: Path, available: set[str]) -> Org:
    """Read the few fields that decide which tasks exist; never raise."""
    org_id = path.stem
    empty = Org(org_id, path, (), "", None, ())
    from visitkit import icons, profile_file

    try:  # the validator's own guarded reader: size, UTF-8, aliases and depth checked before parsing
        data = profile_file.read_yaml(path, path.as_posix())
    except profile_file.ProfileError:
        return empty
    if not isinstance(data, dict) or not ORG_ID.fullmatch(org_id):
        return empty
    locales = data.get("locales", ["en"])
    vertical = data.get("vertical")
    brand = data.get("brand") if isinstance(data.get("brand"), dict) else {}
    brand_file = None
    if "from" in brand:  # the brand.yml's logo and fonts are the org's files too (the profile's win)
        from visitkit import profile_brandyml

        found = profile_brandyml.plan(PROFILES, org_id, data)
        if found is None:
            return empty
        brand_file, brand = (PROFILES / found[0]).as_posix(), found[1]["brand"]
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
    chosen = brand.get("icon")
    if (
        not isinstance(locales, list)
        or not locales
        or not all(isinstance(c, str) and c in available for c in locales)
        or vertical not in profile_file.VERTICALS
        or (chosen is not None and chosen not in icons.ICONS)
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
    icon = icons.icon_for(vertical, chosen)
    fonts = tuple(dict.fromkeys(fonts))
    return Org(org_id, path, tuple(dict.fromkeys(locales)), vertical, logo, fonts, flags, icon, brand_file)


@functools.cache
def scan(
    selection: Selection = EVERYTHING, record: snapshot.Record = NO_RECORD
) -> tuple[tuple[Org, ...], tuple[str, ...]]:
    """The orgs to build and the ids asked for with ``org=`` that have no profile."""
    available = sources.available_locales(SOURCES)
    paths = [p for p in sorted(PROFILES.glob("*.yaml")) if selection.includes(p.stem)]
    if selection.orgs is not None:
        by_id = {p.stem: p for p in paths}
        missing = tuple(w for w in selection.orgs if w not in by_id and selection.shard is None)
        return tuple(_scan_known(by_id[w], available, record) for w in selection.orgs if w in by_id), missing
    return tuple(_scan_known(p, available, record) for p in paths), ()


def _scan_known(path: Path, available: set[str], record: snapshot.Record) -> Org:
    """``scan_org``, or its result from the no-op record when the org's files did not change since
    (parsing every profile is most of the planning a template edit needs)."""
    known = record.known("scans", path.stem)
    if known is None:
        org = scan_org(path, available)
    else:
        locales, vertical, logo, fonts, flags, icon, *brand_file = known  # a record from before brand.from: 6
        org = Org(path.stem, path, tuple(locales), vertical, logo, tuple(fonts), frozenset(flags), icon, *brand_file)
    record.remember(
        "scans",
        org.id,
        [list(org.locales), org.vertical, org.logo, list(org.fonts), sorted(org.flags), org.icon, org.brand_file],
    )
    return org


# ------------------------------------------------------------------- tasks


def validated(org_id: str) -> str:
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
    options: dict[str, Any] | None = None  # the renderer's options: the task reruns when they change


def _recipe_path(name: str) -> str:
    return f"{RECIPES}/{name}.sha256"


class _Plan:
    """Collects tasks by group, and the recipes they share."""

    def __init__(self, record: snapshot.Record) -> None:
        self.record = record
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
            code = _code(self.record, *modules)
            self.recipes[name] = (tuple(sorted({*files, *code})), _libraries_of(self.record, *modules))
        return _recipe_path(name)

    def reads(self, name: str) -> list[str]:
        """The files behind a recipe stamp (what ``doit info`` shows a task really reads)."""
        return list(self.recipes[name][0])

    def recipe_tasks(self) -> list[dict[str, Any]]:
        from doit.tools import config_changed

        tasks = []
        for name, (files, used) in sorted(self.recipes.items()):
            installed = versions(used)
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


downstream = outputs.downstream


@functools.cache
def plan(selection: Selection = EVERYTHING, record: snapshot.Record = NO_RECORD) -> dict[str, list[dict[str, Any]]]:
    """Every task, by group, for the selected orgs (and, when narrowed, the selected groups)."""
    lock_project()
    orgs, missing = scan(selection, record)
    built = _Plan(record)
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
            _expected.setdefault((selection, record), {})[org.id] = {
                *(t for job in jobs for t in job.targets),
                _manifest(org.id),
                _zip(org.id),
                validated(org.id),
                *(_content(org.id, locale) for locale in org.locales),
            }
    groups["recipe"] = built.recipe_tasks()
    if selection.orgs is None and selection.groups is None:  # every recipe planned: the others are stale
        _expected.setdefault((selection, record), {})[RECIPE_FOLDER] = {_recipe_path(n) for n in built.recipes}
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


_expected: dict[tuple[Selection, snapshot.Record], dict[str, set[str]]] = {}
"""Per planned organisation (with its profile readable), every file the build writes for it; and under
``RECIPE_FOLDER``, the recipe stamps (when every organisation is planned)."""
RECIPE_FOLDER = Path(RECIPES).name


def expected_files(selection: Selection = EVERYTHING, record: snapshot.Record = NO_RECORD) -> dict[str, set[str]]:
    """Per planned organisation whose profile could be read, every file the build writes for it; and under
    ``RECIPE_FOLDER``, the recipe stamps (when every organisation is planned). What else is there is stale."""
    plan(selection, record)
    return _expected.get((selection, record), {})


def group_tasks(group: str, selection: Selection = EVERYTHING, record: snapshot.Record = NO_RECORD):
    """doit task generator for one group."""
    yield {"basename": group, "name": None, "doc": GROUP_DOCS[group]}
    if record.unchanged is None:  # else nothing changed since the last build: no task to check
        yield from plan(selection, record)[group]


def _validate_task(built: _Plan, org: Org) -> dict[str, Any]:
    target = validated(org.id)
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
        # the files of the locale's chain (an overlay's and its base's), and the reference's copy: a key
        # added there is checked for in every locale
        list(dict.fromkeys(p.as_posix() for p in (*sources.source_files(SOURCES, locale),
                                                  *(SOURCES / sources.REFERENCE / name for name in sources.FILES)))),
    )
    args = [validated(org.id), org.id, locale, SOURCES.as_posix(), PROFILES.as_posix(), target]
    return {
        "basename": "content",
        "name": f"{org.id}/{locale}",
        "actions": [_action("content", args)],
        # the logo is read too: its type comes from its bytes
        "file_dep": [validated(org.id), recipe, *([org.logo] if org.logo else [])],
        "targets": [target],
        "clean": True,
    }


@functools.cache
def _renderer(module_name: str):
    import importlib

    return importlib.import_module(module_name)


def org_jobs(built: _Plan, org: Org, locale: str) -> list[Job]:
    """Every task writing one org and locale's outputs (the registry's), with exactly the files each reads."""
    from visitkit import render

    folder = f"{BUILD}/{org.id}/{locale}"
    content = _content(org.id, locale)
    wanted = outputs.wanted(org.flags)
    jobs = []
    for output in wanted:
        module = _renderer(output.renderer)
        targets = {f"{folder}/{f.name}": f.options for f in output.files}
        name = f"{org.id}/{locale}"
        if output.source:  # made from another output's bytes (the PDF's previews)
            source = f"{folder}/{outputs.BY_GROUP[output.source].files[0].name}"
            recipe = built.recipe(output.group, (output.renderer,))
            args = (output.renderer, source, targets)
            jobs.append(Job(output.group, name, locale, tuple(targets), (source, recipe), "derive", args))
            continue
        templates = [t.format(icon=org.icon) for t in module.TEMPLATES]
        recipe = built.recipe(f"{output.group}-{org.icon}", (output.renderer,), templates)
        inputs = render.renderer_inputs(module, org.icon, org.logo, org.fonts)
        assets = [f for f in inputs if f not in templates]
        (target, options), *_ = targets.items()
        if output.lists_outputs:
            options = {**options, "files": outputs.siblings(output, org.flags)}
        args = (output.renderer, content, inputs, target, options)
        jobs.append(Job(output.group, name, locale, (target,), (content, recipe, *assets), "render", args, options))
    return jobs


def _job_task(job: Job) -> dict[str, Any]:
    task = {
        "basename": job.group,
        "name": job.name,
        "actions": [_action(job.action, list(job.args))],
        "file_dep": list(job.file_dep),
        "targets": list(job.targets),
        "clean": True,
    }
    if job.options:
        from doit.tools import config_changed

        task["uptodate"] = [config_changed(job.options)]
    return task


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


def schema_task(record: snapshot.Record = NO_RECORD) -> dict[str, Any]:
    task = {"basename": "schema", "doc": f"write the profile JSON Schema to {SCHEMA_FILE} (for editor autocompletion)"}
    if record.unchanged is not None:  # a no-op run: not a default task, so doit needs only its name
        return {**task, "actions": []}
    return {
        **task,
        "actions": [_action("schema", [SCHEMA_FILE.as_posix()])],
        "file_dep": list(_code(record, "visitkit.profile")),
        "targets": [SCHEMA_FILE.as_posix()],
    }


def _action(name: str, args: list[Any]) -> tuple[Any, list[Any]]:
    """doit's action for ``visitkit.build.<name>(*args)``: run by a render worker under ``-n`` (visitkit.workers)."""
    from visitkit import workers

    return workers.run, [name, *args]
