"""The no-op fast path: skip planning when nothing changed since the last successful build.

doit decides per task whether it is up to date; with tens of thousands of tasks
that costs seconds even when nothing changed, most of it creating the tasks.
After a run in which every task succeeded, we record every file any task reads
or writes (size, mtime and, for the project's own inputs, a content hash) and
the listing of the input folders. The next plain ``doit`` run compares the
files with that record; if they all match, doit is given no tasks to check.
If only some organisations' own files changed, only those organisations are
planned; if only shared templates or sources changed, only the task groups
that read them (and the groups downstream) are planned, which the record also
keeps: each shared file with the groups that read it. It also keeps what planning
found — the fields read from each profile, the code files each module imports —
which a narrowed run reuses for everything that did not change.

Contents decide, not times: an input whose mtime changed (a fresh ``git clone``
or a cache restore) but whose bytes did not still matches, and each file is
hashed at most once (hard links once per inode). Anything else — edited code,
an added or removed file, a missing or touched output, another selection, a run
that failed or was killed, an upgraded library that a renderer runs on — falls
back to doit's own checks. The record is removed when a run starts and written
only when it ends without failure, and by any doit command that changes what
doit considers done (``forget``, ``ignore``, ``clean``…: visitkit/loader.py).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

INPUT_DIRS = ("org_profiles", "sources", "templates", "visitkit")
INPUT_FILES = ("dodo.py",)
RECIPES = "build/.recipes/"
FOLDER = Path("build/.snapshots")
def _path(state_file: str) -> Path:
    return FOLDER / (Path(state_file).stem + ".json")


def _inputs() -> dict[str, os.stat_result]:
    found = {}
    for folder in INPUT_DIRS:
        for root, dirs, files in os.walk(folder):
            dirs[:] = [d for d in dirs if d != "__pycache__"]
            for name in files:
                path = f"{root}/{name}"
                found[path] = os.stat(path)
    for path in INPUT_FILES:
        if os.path.exists(path):
            found[path] = os.stat(path)
    return found


class _Hasher:
    def __init__(self) -> None:
        self.by_inode: dict[tuple[int, int, int, int], str] = {}

    def __call__(self, path: str, stat: os.stat_result) -> str:
        key = (stat.st_dev, stat.st_ino, stat.st_mtime_ns, stat.st_size)
        if key not in self.by_inode:
            self.by_inode[key] = hashlib.md5(Path(path).read_bytes(), usedforsecurity=False).hexdigest()
        return self.by_inode[key]


def _listing() -> list[str]:
    """Top-level folders of build/: a stray one is work for the prune task."""
    names = []
    for folder in ("build", "build/.work"):
        if os.path.isdir(folder):
            names += sorted(f"{folder}/{n}" for n in os.listdir(folder) if not n.startswith("."))
    return names


def _org_of(name: str) -> str | None:
    """The org an input belongs to: org_profiles/<id>.yaml or a file in org_profiles/<id>/."""
    parts = name.split("/")
    if parts[0] != "org_profiles" or len(parts) < 2:
        return None
    if len(parts) == 2:
        return parts[1][: -len(".yaml")] if parts[1].endswith(".yaml") else None
    return parts[1]


def _outputs_of(orgs: Iterable[str]) -> tuple[str, ...]:
    """Path prefixes of the files the build writes for ``orgs``."""
    return tuple(prefix for org in orgs for prefix in (f"build/{org}/", f"build/.work/{org}/"))


@dataclass(frozen=True)
class Changes:
    """What changed since the last successful build, as far as planning is concerned."""

    unchanged_tasks: int | None = None
    """Nothing changed: the record covers this many tasks, and doit need check none."""
    orgs: frozenset[str] | None = None
    """Only these organisations' own files (profile, logo, fonts) changed: plan just them."""
    groups: frozenset[str] | None = None
    """Only shared files (templates, sources) read by these task groups changed: plan just those groups."""


def drop(state_file: str) -> None:
    """Forget the record: a doit command other than a run (``forget``, ``ignore``, ``clean``…) changed
    what doit considers done, so the next run must let doit check every task."""
    _path(state_file).unlink(missing_ok=True)


@functools.cache
def installed_version(distribution: str) -> str:
    """One distribution's installed version ("absent" when it is not installed), read once per run."""
    import importlib.metadata

    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


class Record:
    """The no-op record of one doit run: checked before planning, written after a run that succeeded.

    visitkit's doit loader makes one per run (visitkit/loader.py) and hands it to the planner and the
    reporter; only a plain run (no task names, no ``-a``/``-s``) over every organisation or one shard
    is ``recording``: only it may leave a record, or be answered from one.
    """

    def __init__(self, state_file: str = ".doit.db", recording: bool = False) -> None:
        self.state_file = state_file
        self.recording = recording
        self.unchanged: int | None = None
        """Set when this run is answered from the record: how many tasks it covers (doit checks none)."""
        self.planning: dict[str, dict[str, list]] = {"scans": {}, "modules": {}, "libraries": {}}
        """What planning found, which a narrowed run may reuse: "scans", by org id, what it read from each
        profile (tasks.scan_org); "modules", by module, the code files each module imports; "libraries",
        by module, the installed distributions its code runs on."""
        self.pending: tuple[Path, list[str], int, dict[str, list[str]], dict[str, str]] | None = None
        self.previous: dict | None = None  # the record a narrowed run started from

    def check(self) -> Changes:
        """Compare the files with the record of the last successful build.

        Without a record, or when anything else changed (code, an added or removed
        file, an output), every field is None and doit checks every task.
        """
        state_file = self.state_file
        path = _path(state_file)
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return Changes()
        if not os.path.exists(state_file) or record.get("listing") != _listing():
            return Changes()
        versions = record.get("versions")
        if versions is None or any(installed_version(name) != v for name, v in versions.items()):
            return Changes()  # a library that a renderer runs on was upgraded
        inputs, recorded = _inputs(), record["inputs"]
        profiles = {n for n in inputs if _org_of(n) and n.count("/") == 1}
        if profiles != {n for n in recorded if _org_of(n) and n.count("/") == 1}:
            return Changes()  # an organisation was added or removed
        digest, refreshed, orgs, groups = _Hasher(), False, set(), set()
        for name in inputs.keys() | recorded.keys():
            stat, known = inputs.get(name), recorded.get(name)
            if stat and known and stat.st_mtime_ns == known[0] and stat.st_size == known[1]:
                continue
            if stat and known and stat.st_size == known[1] and digest(name, stat) == known[2]:
                recorded[name] = [stat.st_mtime_ns, known[1], known[2]]
                refreshed = True
                continue
            org = _org_of(name)
            if org is not None:
                orgs.add(org)
            elif stat and known and name in record.get("feeds", {}) and not name.endswith(".py"):
                groups.update(record["feeds"][name])  # an edited template or source file (planning reads only code)
            else:
                return Changes()  # code changed, or a shared file was added or removed
        if orgs and groups:
            return Changes()
        own = _outputs_of(orgs)
        for name, (mtime, size) in record["files"].items():
            if name.startswith(own):
                continue
            try:
                stat = os.stat(name)
            except OSError:
                return Changes()
            if stat.st_mtime_ns != mtime or stat.st_size != size:
                return Changes()
        if orgs or groups:
            self.previous = {**record, "affected": sorted(orgs)}
            return Changes(orgs=frozenset(orgs) or None, groups=frozenset(groups) or None)
        if refreshed:  # same contents, new times: record them so the next run needs no hashing
            _write(path, record)
        return Changes(unchanged_tasks=record["tasks"])



    def known(self, kind: str, key: str) -> list | None:
        """What planning found for ``key`` in the last successful build, if it still holds: in a narrowed
        run the code did not change, and neither did the profiles of the organisations not planned."""
        if self.previous is None or (kind == "scans" and key in self.previous["affected"]):
            return None
        return self.previous.get(kind, {}).get(key)


    def remember(self, kind: str, key: str, value: list) -> list:
        """Keep what planning found (``known``'s kinds) for the record."""
        self.planning[kind][key] = value
        return value


    def start(self, tasks: list) -> None:
        """doit is about to run ``tasks`` (called by the reporter): forget the record until the run ends well."""
        path = _path(self.state_file)
        path.unlink(missing_ok=True)
        if self.recording:
            files = sorted({f for task in tasks for f in (*task.file_dep, *task.targets)})
            libraries = {k: v for task in tasks for k, v in (task.meta or {}).get("libraries", {}).items()}
            self.pending = (path, files, sum(1 for task in tasks if ":" in task.name), _feeds(tasks), libraries)



    def finish(self, success: bool) -> None:
        """The run ended: record its files if every task succeeded.

        After a narrowed run the record keeps the other organisations' entries, which
        the run did not touch (``check`` verified them before it started).
        """
        if self.pending is None or not success:
            return
        previous = self.previous
        path, files, tasks, feeds, libraries = self.pending
        digest, recorded = _Hasher(), (previous or {}).get("inputs", {})
        inputs = {
            name: recorded[name] if recorded.get(name, [0, -1])[:2] == [s.st_mtime_ns, s.st_size] else
            [s.st_mtime_ns, s.st_size, digest(name, s)]
            for name, s in _inputs().items()
        }  # after a narrowed run, only the files that changed need hashing
        outputs = {}
        if previous is not None:
            own = _outputs_of(previous["affected"])
            planned = set(files)
            outputs = {n: v for n, v in previous["files"].items() if n not in planned and not n.startswith(own)}
            tasks = previous["tasks"]
            feeds = {n: sorted({*previous.get("feeds", {}).get(n, ()), *feeds.get(n, ())})
                     for n in {*previous.get("feeds", {}), *feeds}}
        for name in files:
            if name not in inputs:
                try:
                    stat = os.stat(name)
                except OSError:
                    return  # a file the build should have written is missing: no record
                outputs[name] = [stat.st_mtime_ns, stat.st_size]
        if previous is not None:
            libraries = {**previous.get("versions", {}), **libraries}
        record = {"tasks": tasks, "inputs": inputs, "files": outputs, "feeds": feeds, "listing": _listing(),
                  "versions": libraries}
        for kind, found in self.planning.items():
            record[kind] = {**(previous or {}).get(kind, {}), **found}
        _write(path, record)




def _feeds(tasks: list) -> dict[str, list[str]]:
    """Shared input file → the task groups that read it, directly or through a recipe stamp."""
    stamp_readers: dict[str, set[str]] = {}
    feeds: dict[str, set[str]] = {}
    for task in tasks:
        group = task.name.split(":", 1)[0]
        for dep in task.file_dep:
            if dep.startswith(RECIPES):
                stamp_readers.setdefault(dep, set()).add(group)
            elif dep.startswith(INPUT_DIRS) and _org_of(dep) is None:
                feeds.setdefault(dep, set()).add(group)
    for task in tasks:
        for stamp in task.targets:
            for dep in task.file_dep if stamp in stamp_readers else ():
                feeds.setdefault(dep, set()).update(stamp_readers[stamp])
    return {name: sorted(groups) for name, groups in feeds.items()}


def _write(path: Path, record: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(record, separators=(",", ":")), encoding="utf-8")
    os.replace(tmp, path)
