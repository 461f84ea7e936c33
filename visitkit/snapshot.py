"""The no-op fast path: skip planning when nothing changed since the last successful build.

doit decides per task whether it is up to date; with tens of thousands of tasks
that costs seconds even when nothing changed, most of it creating the tasks.
After a run in which every task succeeded, we record every file any task reads
or writes (size, mtime and, for the project's own inputs, a content hash) and
the listing of the input folders. The next plain ``doit`` run compares the
files with that record; if they all match, doit is given no tasks to check.

Contents decide, not times: an input whose mtime changed (a fresh ``git clone``
or a cache restore) but whose bytes did not still matches, and each file is
hashed at most once (hard links once per inode). Anything else — an edited,
added or removed file, a missing or touched output, another selection, a run
that failed or was killed — falls back to doit's own checks. The record is
removed when a run starts and written only when it ends without failure.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path

INPUT_DIRS = ("org_profiles", "sources", "templates", "visitkit")
INPUT_FILES = ("dodo.py",)
FOLDER = Path("build/.snapshots")
# Options that make a run more than "bring everything up to date", and options taking a value.
_NOT_PLAIN = {"-a", "--always-execute", "-s", "--single"}
_WITH_VALUE = {
    "-f", "--file", "-d", "--dir", "-n", "--process", "-P", "--parallel-type", "--db-file", "--dep-file",
    "--backend", "--check_file_uptodate", "-r", "--reporter", "-o", "--output-file", "--failure-verbosity",
    "-v", "--verbosity", "--codec-cls",
}

fast_count: int | None = None
"""Set when this run was answered from the record: how many tasks it covers."""
recording = False
"""Set for plain runs over every org (or one shard): only they may leave a record."""
_pending: tuple[Path, list[str], int] | None = None


def is_plain_run(args: list[str]) -> bool:
    """``doit`` or ``doit run`` with options and name=value variables only: no task names."""
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in _NOT_PLAIN:
            return False
        elif arg.startswith("-"):
            skip = arg in _WITH_VALUE
        elif "=" not in arg and arg != "run":
            return False
    return True


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
            names += sorted(f"{folder}/{n}" for n in os.listdir(folder))
    return names


def unchanged(state_file: str) -> int | None:
    """The task count of the recorded build if nothing changed since, else None."""
    path = _path(state_file)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not os.path.exists(state_file) or record.get("listing") != _listing():
        return None
    inputs, recorded = _inputs(), record["inputs"]
    if inputs.keys() != recorded.keys():
        return None
    digest, refreshed = _Hasher(), False
    for name, stat in inputs.items():
        mtime, size, md5 = recorded[name]
        if stat.st_mtime_ns == mtime and stat.st_size == size:
            continue
        if stat.st_size != size or digest(name, stat) != md5:
            return None
        recorded[name] = [stat.st_mtime_ns, size, md5]
        refreshed = True
    for name, (mtime, size) in record["files"].items():
        try:
            stat = os.stat(name)
        except OSError:
            return None
        if stat.st_mtime_ns != mtime or stat.st_size != size:
            return None
    if refreshed:  # same contents, new times: record them so the next run needs no hashing
        _write(path, record)
    return record["tasks"]


def start(state_file: str, files: Iterable[str], tasks: int) -> None:
    """A real run begins: forget the record until it ends well."""
    global _pending
    path = _path(state_file)
    path.unlink(missing_ok=True)
    if recording:
        _pending = (path, sorted(set(files)), tasks)


def finish(success: bool) -> None:
    """The run ended: record its files if every task succeeded."""
    if _pending is None or not success:
        return
    path, files, tasks = _pending
    digest = _Hasher()
    inputs = {name: [s.st_mtime_ns, s.st_size, digest(name, s)] for name, s in _inputs().items()}
    outputs = {}
    for name in files:
        if name not in inputs:
            try:
                stat = os.stat(name)
            except OSError:
                return  # a file the build should have written is missing: no record
            outputs[name] = [stat.st_mtime_ns, stat.st_size]
    _write(path, {"tasks": tasks, "inputs": inputs, "files": outputs, "listing": _listing()})


def _write(path: Path, record: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(record, separators=(",", ":")), encoding="utf-8")
    os.replace(tmp, path)
