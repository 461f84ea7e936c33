"""Removing what the build no longer writes, and ``doit clean``'s last sweep.

An output that should no longer exist is removed on the next build (and is absent
from the manifest and the zip, which list only planned files): a deleted
organisation's folder, a locale dropped from a profile, an opt-in output turned
off, a logo removed. A broken profile keeps its last good outputs: its stale files
go only once it validates again.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

from visitkit import snapshot, tasks
from visitkit.code import NO_RECORD
from visitkit.selection import EVERYTHING, Selection

BUILD, WORK = tasks.BUILD, tasks.WORK


def stray_dirs() -> list[Path]:
    """Output folders of organisations that no longer have a profile."""
    known = {p.stem for p in tasks.PROFILES.glob("*.yaml")}
    found = []
    for parent in (BUILD, WORK):
        if parent.is_dir():
            found += [d for d in parent.iterdir() if d.is_dir() and not d.name.startswith(".") and d.name not in known]
    return sorted(found)


def stale_files(selection: Selection = EVERYTHING, record: snapshot.Record = NO_RECORD) -> dict[str, list[str]]:
    """By organisation, the files in its folders that the build no longer writes: a locale dropped
    from the profile, an opt-in output turned off, a logo removed (and temporary files of a killed build)."""
    found = {}
    for org_id, expected in tasks.expected_files(selection, record).items():
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


def prune_tasks(selection: Selection = EVERYTHING, record: snapshot.Record = NO_RECORD):
    """Remove what the build no longer writes. An organisation's stale files go only once its profile
    validates: a broken profile keeps its last good outputs (a live site must not lose its FAQ over a typo)."""
    yield {"basename": "prune", "name": None, "doc": tasks.GROUP_DOCS["prune"], "clean": [_clean_build]}
    if record.unchanged is not None:
        return
    # org= builds leave other orgs alone; a shard prunes only the orgs that hash to it
    stray = [d.as_posix() for d in stray_dirs() if selection.includes(d.name)] if selection.orgs is None else []
    if stray:
        yield {"basename": "prune", "name": "deleted", "actions": [(_remove_dirs, [stray])], "uptodate": [False],
               "verbosity": 2}
    for org_id, files in stale_files(selection, record).items():
        validated = [] if org_id == tasks.RECIPE_FOLDER else [tasks.validated(org_id)]
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
    if shown and org_id != tasks.RECIPE_FOLDER:
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


