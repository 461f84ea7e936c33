"""Render workers: with ``doit -n N`` every task's action runs in a lean process of its own thread.

doit creates its tasks in the main process. With ``-P process`` it then forks its
N workers from that process, so each worker carries every task object of the
plan (about 180 MB at 1,000 organisations, growing with the count) before it
renders anything. visitkit runs doit's workers as threads instead (``par_type``
in dodo.py), and each thread hands its tasks' actions to one long-lived process
of its own. Those processes are forked from multiprocessing's fork server, a
fresh interpreter that loads the code and the rendering libraries while doit
plans: a worker starts warm, sets WeasyPrint up once, never sees the plan, and
so uses the same memory for 10 organisations as for 10,000. The thread only
waits on a pipe, so doit's bookkeeping keeps the main process's interpreter to
itself.

A serial run (no ``-n``) and ``-P process`` run actions in the calling process.
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import signal
import sys
import threading
from multiprocessing.connection import Connection
from typing import Any

from doit.exceptions import BaseFail, TaskError, TaskFailed

_local = threading.local()


def run(action: str, *args: Any) -> BaseFail | None:
    """doit's action for every visitkit task: ``visitkit.build.<action>(*args)``.

    In doit's main thread (a serial run, or a forked ``-P process`` worker) it runs
    here; in one of doit's worker threads it runs in that thread's process.
    """
    if threading.current_thread() is threading.main_thread():
        from visitkit import build

        return getattr(build, action)(*args)
    worker = getattr(_local, "worker", None)
    if worker is None:
        worker = _local.worker = _Worker()
    try:
        # The thread blocks on the pipe itself, with no helper thread in between (as a process pool
        # would have): every hand-over between threads waits for the interpreter lock.
        worker.connection.send((action, args))
        result, out, err = worker.connection.recv()
    except (EOFError, OSError):
        # killed from outside (e.g. by the kernel's out-of-memory killer): fail this task, start afresh
        _local.worker = None
        worker.process.kill()
        return TaskFailed(f"{_subject(args)}: the worker process stopped unexpectedly while running {action}")
    if out:
        sys.stdout.write(out)
    if err:  # e.g. a content model's warnings
        sys.stderr.write(err)
    return result


# Workers are forked from multiprocessing's fork server: a fresh process (not a copy of this one,
# which holds the plan) that imports these modules once, so that a new worker starts warm.
_CONTEXT = multiprocessing.get_context("forkserver")
_PRELOAD = ["visitkit.build"]


def prepare(argv: list[str]) -> None:
    """Start the fork server now when doit's arguments ask for worker threads (``-n N``),
    so that it loads the code while doit plans (dodo.py calls this)."""
    import argparse
    from multiprocessing import forkserver

    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False, exit_on_error=False)
    parser.add_argument("-n", "--process", type=int, default=0)
    parser.add_argument("-P", "--parallel-type", default="thread")
    try:
        options, _ = parser.parse_known_args(argv)
    except argparse.ArgumentError:
        return  # doit reports its own options' errors
    if options.process > 0 and options.parallel_type == "thread":
        _CONTEXT.set_forkserver_preload(_PRELOAD)
        forkserver.ensure_running()


class _Worker:
    """One process and the pipe to it; it ends with the build (a daemon process)."""

    def __init__(self) -> None:
        _CONTEXT.set_forkserver_preload(_PRELOAD)
        self.connection, theirs = _CONTEXT.Pipe()
        self.process = _CONTEXT.Process(target=_serve, args=(theirs,), daemon=True, name="visitkit-worker")
        self.process.start()
        theirs.close()


def _subject(args: tuple[Any, ...]) -> str:
    """The file an action is about, for its error line: its last path argument (the target, mostly)."""
    return next((a for a in reversed(args) if isinstance(a, str)), "a task")


def _serve(connection: Connection) -> None:
    """The worker's loop: run each action it is sent until the build closes the pipe."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the build, which then ends its workers
    while True:
        try:
            action, args = connection.recv()
        except EOFError:
            return
        connection.send(_call(action, args))


def _call(action: str, args: tuple[Any, ...]) -> tuple[BaseFail | None, str, str]:
    """In the worker: run the action, returning its result and what it printed."""
    from visitkit import build

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            result = getattr(build, action)(*args)
        except Exception as exc:  # as doit reports an exception raised by an action run in-process
            result = TaskError("PythonAction Error", exc)
    return result, out.getvalue(), err.getvalue()
