"""The rebuild loop: watch the inputs, run the project's own ``doit`` after each batch of changes
(so the same incremental rules, the same outputs and the same bytes), then tell the pages.

A change that arrives during a build is not lost: the build in progress finishes (its outputs are
written atomically) and another one starts after it; the pages are told to reload only when the
builds have caught up with the last save, so they never show a state between two saves.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

import watchfiles

WATCHED = ("org_profiles", "sources", "templates")
STOP_GRACE = 10.0  # seconds doit gets to stop after SIGINT before it is killed


class Events:
    """Build generations, for the server-sent events: each finished batch of builds is one generation."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.generation = 0
        self.building = False
        self.closed = False

    def set_building(self, building: bool) -> None:
        with self._cond:
            self.building = building
            self._cond.notify_all()

    def publish(self) -> None:
        with self._cond:
            self.generation += 1
            self.building = False
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify_all()

    def wait(self, since: int, building_seen: bool, timeout: float) -> tuple[int, bool, bool]:
        """Wait until a generation after ``since``, a build starts (unless already seen), or ``timeout``;
        returns (generation, building, closed)."""
        with self._cond:
            self._cond.wait_for(
                lambda: self.closed or self.generation > since or (self.building and not building_seen), timeout
            )
            return self.generation, self.building, self.closed


class Builder:
    def __init__(self, project: Path, events: Events, log: TextIO | None = None, jobs: int = 1) -> None:
        self.project = project
        self.command = [sys.executable, "-m", "doit", *(["-n", str(jobs)] if jobs > 1 else [])]
        self.events = events
        self.log = log or sys.stderr
        self._wanted = threading.Event()
        self._stop = threading.Event()
        self._process: subprocess.Popen[bytes] | None = None
        self._process_lock = threading.Lock()
        self.builds = 0
        self.last_seconds = 0.0

    def request(self) -> None:
        self._wanted.set()

    def stop(self) -> None:
        """Stop watching and building; a running doit is interrupted as Ctrl-C would (it keeps its state)."""
        self._stop.set()
        self._wanted.set()
        with self._process_lock:
            process = self._process
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGINT)
            process.wait(STOP_GRACE)
        except (ProcessLookupError, PermissionError):
            pass
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        # An interrupted doit keeps no no-op record (visitkit.report), so the next build checks every task.

    def build_loop(self) -> None:
        while not self._stop.is_set():
            self._wanted.wait()
            if self._stop.is_set():
                return
            self._wanted.clear()
            self.events.set_building(True)
            self._run_doit()
            if self._stop.is_set():
                return
            if not self._wanted.is_set():  # caught up with the last save: now the pages may reload
                self.events.publish()

    def _run_doit(self) -> None:
        started = time.perf_counter()
        # Its own process group: a Ctrl-C in the terminal reaches the server, which then stops doit itself
        # (so doit is never killed between two of its writes by a signal the server did not choose).
        env = {
            **os.environ,
            "VISITKIT_TASK_LINES": os.environ.get("VISITKIT_TASK_LINES", "0"),
            "PYTHONUNBUFFERED": "1",  # its lines as they happen, through the pipe
        }
        with self._process_lock:
            if self._stop.is_set():
                return
            self._process = subprocess.Popen(
                self.command, cwd=self.project, env=env, stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
            )
        # doit's lines go to the terminal, except once stopping: an interrupted parallel build prints
        # its KeyboardInterrupt, which says nothing to someone who pressed Ctrl-C on purpose.
        assert self._process.stdout is not None
        for line in self._process.stdout:
            if not self._stop.is_set():
                self.log.write(line.decode("utf-8", errors="replace"))
                self.log.flush()
        self._process.stdout.close()
        status = self._process.wait()
        self.builds += 1
        self.last_seconds = time.perf_counter() - started
        if not self._stop.is_set():
            state = "ok" if status == 0 else f"exit status {status}: see the errors in the page"
            print(f"visitkit serve: built in {self.last_seconds:.1f} s ({state})", file=self.log, flush=True)

    def watch_loop(self) -> None:
        paths = [self.project / name for name in WATCHED if (self.project / name).is_dir()]
        try:
            # A short rust_timeout: the loop looks at the stop event that often, so Ctrl-C is prompt.
            for changes in watchfiles.watch(
                *paths, stop_event=self._stop, debounce=400, step=50, rust_timeout=200, yield_on_timeout=True,
                raise_interrupt=False,
            ):
                if changes and _relevant(changes):
                    self.request()
        except (OSError, RuntimeError) as error:  # e.g. the system's limit on watched folders
            print(f"visitkit serve: cannot watch {', '.join(WATCHED)} any more ({error}); saves are not rebuilt "
                  "until it is restarted", file=self.log, flush=True)


def _relevant(changes: Iterable[tuple[watchfiles.Change, str]]) -> bool:
    """Ignore the schema file `doit schema` writes; every other change may change an output."""
    return any(not path.endswith("profile.schema.json") for _, path in changes)
