"""Task actions: the impure shell around the pure steps (read inputs, write outputs).

Every output is written atomically: to a temporary file in the same folder,
then renamed into place, so no reader ever sees a partial file.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import os
import resource
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

from doit.exceptions import TaskFailed

from visitkit import outcome, sources
from visitkit import profile as profile_mod
from visitkit.atomic import write_atomic
from visitkit.content import build_content, dump_content, load_content
from visitkit.render import RenderContext

RENDER_SECONDS = float(os.environ.get("VISITKIT_RENDER_TIMEOUT", "60"))
MEMORY_MB = int(os.environ.get("VISITKIT_MEMORY_LIMIT_MB", "2048"))


class RenderLimit(Exception):
    """A render ran too long or used too much memory."""


@contextlib.contextmanager
def _limits(target: str):
    """Stop a render that runs longer than RENDER_SECONDS or grows past MEMORY_MB.

    The time limit is a SIGALRM timer (actions run in the main thread of doit's
    process or of each worker); the memory limit caps the process's address
    space, which turns a runaway allocation into a MemoryError.
    """
    limit = resource.getrlimit(resource.RLIMIT_AS)
    if MEMORY_MB > 0:
        cap = MEMORY_MB * 1024 * 1024
        soft, hard = limit
        if soft == resource.RLIM_INFINITY or soft > cap:
            resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    timed = RENDER_SECONDS > 0 and threading.current_thread() is threading.main_thread()
    if timed:

        def expired(signum, frame):
            raise RenderLimit(f"{target}: rendering took longer than {RENDER_SECONDS:g} s and was stopped")

        previous = signal.signal(signal.SIGALRM, expired)
        signal.setitimer(signal.ITIMER_REAL, RENDER_SECONDS)
    try:
        yield
        _log_rss()
        _settle()
    except MemoryError:
        raise RenderLimit(f"{target}: rendering needed more than {MEMORY_MB} MB of memory and was stopped") from None
    finally:
        # Only the render is capped: a process started later (a browser in the tests, LibreOffice) must not
        # inherit a cap sized for one document.
        resource.setrlimit(resource.RLIMIT_AS, limit)
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


_WARM_DOCUMENTS = 12  # about one organisation's toolkit in two locales: every renderer has run and set up
_documents = 0


def _settle() -> None:
    """After the first documents of a process, move everything alive (modules, fonts, caches) out of the
    collector's reach (``gc.freeze``): a full collection otherwise walks that whole heap again and again,
    about a tenth of a render's CPU (measured). Garbage made later is collected as before."""
    global _documents
    _documents += 1
    if _documents == _WARM_DOCUMENTS:
        gc.collect()
        gc.freeze()
    if _documents % _TRIM_EVERY == 0:
        _trim()


_TRIM_EVERY = 25  # documents


def _trim() -> None:
    """Give the C heap's free pages back to the system (glibc only). Pango, HarfBuzz, pdfium and lxml free
    what a document used into malloc's arenas, which keep it: without this a worker's resident memory
    crept up by a quarter over 12,000 documents though Python's own objects did not grow (tracemalloc)."""
    global _malloc_trim
    if _malloc_trim is None:
        import ctypes
        import ctypes.util

        try:
            _malloc_trim = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
        except (OSError, AttributeError):  # not glibc: nothing to trim
            _malloc_trim = False
    if _malloc_trim:
        _malloc_trim(0)


_malloc_trim: Any = None


def _log_rss() -> None:
    """For the benchmark: append this process's peak and current resident memory (kB) and its CPU time (ms)
    after each document.

    The peak is VmHWM, this process image's own high-water mark: ru_maxrss survives exec, so a
    worker spawned from a large doit process would report that process's size as its own.
    """
    folder = os.environ.get("VISITKIT_RSS_LOG")
    if folder:
        with open("/proc/self/status") as status:
            fields = dict(line.split(":", 1) for line in status if ":" in line)
        peak, current = (fields[name].split()[0] for name in ("VmHWM", "VmRSS"))
        with open(os.path.join(folder, f"{os.getpid()}.log"), "a") as log:  # and its CPU so far, in ms
            log.write(f"{peak} {current} {round(1000 * time.process_time())}\n")


def validate(profile_path: str, sources_dir: str, target: str) -> TaskFailed | None:
    """Validate one profile; write its normalised form (the content tasks' input)."""
    path = Path(profile_path)
    try:
        profile = profile_mod.load_profile(path, sources.available_locales(Path(sources_dir)))
    except profile_mod.ProfileError as exc:
        return TaskFailed(str(exc))
    write_atomic(Path(target), (profile.model_dump_json(indent=1, exclude_none=True) + "\n").encode())
    return None


def content(
    validated: str, org_id: str, locale: str, sources_dir: str, profiles_dir: str, target: str
) -> TaskFailed | None:
    """Build the content model for one org and locale."""
    profile = profile_mod.Profile.model_validate_json(Path(validated).read_bytes())
    try:
        locale_sources = sources.load_locale(Path(sources_dir), locale)
    except sources.SourcesError as exc:  # a broken shared file: one line naming it, the same for every org
        return TaskFailed(str(exc))
    model = build_content(profile, org_id, locale, locale_sources, Path(profiles_dir))
    for warning in model.warnings:
        # stderr is shown even when doit captures a task's output; the report and index list them too.
        print(f"WARNING {org_id}/{locale}: {warning.text}", file=sys.stderr)
    write_atomic(Path(target), dump_content(model))


def render(
    module: str, content_path: str, inputs: list[str], target: str, options: dict[str, Any]
) -> TaskFailed | None:
    """Run one renderer on one content model; ``inputs`` are project-relative files."""
    renderer = importlib.import_module(module)
    assets = {name: Path(name).read_bytes() for name in inputs}
    stamp = outcome.source_date()
    if stamp:  # dates shown in outputs (the PowerPoint file's properties) come from here, never the clock
        options = {"date": stamp.replace(tzinfo=None).isoformat(), **options}
    context = RenderContext(content=load_content(Path(content_path)), assets=assets, options=options)
    try:
        with _limits(target):
            data = renderer.render(context)
    except RenderLimit as exc:
        return TaskFailed(str(exc))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # e.g. WeasyPrint's FatalURLFetchingError; doit contains only Exception
        from visitkit.render import template_problem

        # A broken template is every organisation's problem: one line naming the template, not the target.
        return TaskFailed(template_problem(exc) or f"{target}: {type(exc).__name__}: {exc}")
    write_atomic(Path(target), data)
    return None


def missing_profile(path: str, nearest: list[str]) -> TaskFailed:
    hint = f"; did you mean {' or '.join(repr(n) for n in nearest)}?" if nearest else ""
    return TaskFailed(f"{path}: no such profile (asked for with org=){hint}")


def schema(target: str) -> None:
    write_atomic(Path(target), profile_mod.json_schema().encode())


def derive(module: str, source_path: str, targets: dict[str, dict[str, Any]]) -> TaskFailed | None:
    """Run a renderer that reads another output's bytes (the PDF's previews): target path → its options."""
    renderer = importlib.import_module(module)
    source = Path(source_path).read_bytes()
    for target, options in targets.items():
        try:
            with _limits(target):
                data = renderer.render(source, **options)
        except RenderLimit as exc:
            return TaskFailed(str(exc))
        write_atomic(Path(target), data)
    return None


def recipe(files: list[str], target: str, libraries: dict[str, str]) -> None:
    """Write a stamp: the sha256 of each file a group of tasks shares, and the version of each library."""
    from visitkit.bundle import sha256

    lines = "".join(f"{sha256(Path(f).read_bytes())}  {f}\n" for f in files)
    lines += "".join(f"{version}  {name} (library)\n" for name, version in sorted(libraries.items()))
    write_atomic(Path(target), lines.encode())


def org_manifest(org_id: str, contents: list[str], files: dict[str, dict[str, Any]], target: str) -> None:
    """Write build/<org>/manifest.json: every output with its size, hash and inputs' hash.

    ``files``: bundle path → {"locale", "format", "path", "inputs": [project-relative files]}.
    """
    from visitkit import bundle

    digests: dict[str, str] = {}

    def digest(path: str) -> str:
        if path not in digests:
            digests[path] = bundle.sha256(Path(path).read_bytes())
        return digests[path]

    models = [load_content(Path(p)) for p in contents]
    org = {
        "id": org_id,
        "name": models[0].name,
        "vertical": models[0].vertical,
        "locales": [m.locale for m in models],
        # each locale's provenance (sources/<locale>/status.yaml), so the index says what is being published
        "translations": {m.locale: m.status.model_dump(include={"produced_by", "reviewed", "reviewed_by"})
                         for m in models},
        "warnings": [{"kind": k, "text": t} for k, t in sorted({(w.kind, w.text) for m in models for w in m.warnings})],
    }
    entries = {}
    for name, info in files.items():
        data = Path(info["path"]).read_bytes()
        entries[name] = {
            "locale": info["locale"],
            "format": info["format"],
            "size": len(data),
            "sha256": digest(info["path"]),
            "inputs": bundle.inputs_hash({p: digest(p) for p in info["inputs"]}),
        }
    write_atomic(Path(target), bundle.manifest(org, entries))


def org_zip(manifest_path: str, target: str) -> None:
    """Write the toolkit zip: exactly the files the manifest lists."""
    import json

    from visitkit import bundle

    folder = Path(manifest_path).parent
    listed = json.loads(Path(manifest_path).read_text(encoding="utf-8"))["files"]
    write_atomic(Path(target), bundle.toolkit_zip({name: (folder / name).read_bytes() for name in listed}))


def site_index(manifests: list[str], template: str, target: str) -> None:
    """Write build/index.html from the manifests alone."""
    import json

    from visitkit.render import index

    documents = [json.loads(Path(p).read_text(encoding="utf-8")) for p in manifests]
    write_atomic(Path(target), index.render(documents, Path(template).read_text(encoding="utf-8")))
