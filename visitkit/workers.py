"""Render workers: ``doit -n N`` renders in N lean processes that doit's main thread keeps fed.

doit creates its tasks in the main process. With ``-P process`` it then forks its
N workers from that process, so each worker carries every task object of the
plan (about 180 MB at 1,000 organisations, growing with the count) before it
renders anything. visitkit's runner (``Runner``, used for ``-n N``) instead hands
each task's action over a pipe to one of N long-lived processes forked from
multiprocessing's fork server, a fresh interpreter that loads the code while doit
plans: a worker starts warm, sets WeasyPrint up once, never sees the plan, and so
uses the same memory for 10 organisations as for 10,000.

A serial run (no ``-n``) and ``-P process`` run actions in the calling process.
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import pickle
import signal
import sys
import threading
from collections import deque
from collections.abc import Iterator
from multiprocessing.connection import Connection, wait
from typing import Any

from doit import runner as doit_runner
from doit.exceptions import BaseFail, TaskError, TaskFailed


def run(action: str, *args: Any) -> BaseFail | None:
    """doit's action for every visitkit task: ``visitkit.build.<action>(*args)``, run here.

    ``Runner`` never calls it: it sends the same action and arguments to a worker.
    """
    from visitkit import build

    return getattr(build, action)(*args)


# Workers are forked from multiprocessing's fork server: a fresh process (not a copy of this one,
# which holds the plan) that imports these modules once, so that a new worker starts warm.
_CONTEXT = multiprocessing.get_context("forkserver")
_PRELOAD = ["visitkit.build"]
_QUEUED = 2  # tasks handed to a worker at once: one rendering, the next waiting in its pipe
# A task waits in a pipe only when small: a big one (the site index lists every manifest) goes to an
# idle worker, so that the two ends of a pipe can never both block on a full buffer.
_QUEUED_BYTES = 16 * 1024


def start_fork_server() -> None:
    """Start the fork server now, so that it loads the code while doit plans (visitkit's loader calls
    this for ``doit -n N``)."""
    from multiprocessing import forkserver

    _CONTEXT.set_forkserver_preload(_PRELOAD)
    with _sigint_ignored():
        forkserver.ensure_running()


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Ctrl-C reaches every process of the terminal's group, workers too. A worker ignores it (the build
    stops it), but a worker restores its fork server's *original* SIGINT handler when it is forked, and
    until it reaches ``_serve`` a Ctrl-C printed a KeyboardInterrupt traceback. Started with SIGINT
    ignored, the fork server (and so every worker) ignores it from birth: Python keeps an ignored SIGINT."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


class Runner(doit_runner.Runner):
    """doit's runner for ``-n N``: N render processes, kept busy by doit's main thread.

    doit's own parallel runners hand a worker its next task only after the main
    thread has recorded the last one (its dependency state, a stat of every file it
    read): up to a millisecond per task, as long as rendering a small page takes,
    during which the worker sits idle. This runner puts a second task in each
    worker's pipe, so doit's bookkeeping overlaps the rendering, and waits on the
    pipes itself: no worker threads, no hand-overs of the interpreter lock.
    Tasks whose actions are not ``run`` (none in visitkit's plan) run here.
    """

    def __init__(self, dep_manager, reporter, continue_=False, always_execute=False, stream=None,  # noqa: ANN001
                 num_process=1) -> None:  # noqa: ANN001 - doit's signature
        super().__init__(dep_manager, reporter, continue_=continue_, always_execute=always_execute, stream=stream)
        self.size = num_process
        self.workers: list[_Worker] = []

    def run_tasks(self, task_dispatcher) -> None:  # noqa: ANN001 - doit's signature
        dispatch = task_dispatcher.generator
        done: deque = deque()  # finished nodes not yet reported to doit's dispatcher
        ready: deque = deque()  # checked tasks waiting for a worker: (node, pickled call)
        holding = exhausted = False
        try:
            while True:
                while ready and (worker := self._worker(len(ready[0][1]))):
                    self._send(worker, *ready.popleft())
                # ask doit for tasks while a worker has room; after a "hold on", only once a task has finished
                while not ready and not exhausted and not self._stop_running and (done or not holding):
                    if not self._has_room():
                        break
                    try:
                        node = dispatch.send(done.popleft() if done else None)
                    except StopIteration:
                        exhausted = True
                        break
                    holding = node == "hold on"
                    if holding:
                        continue
                    if not self.select_task(node, task_dispatcher.tasks):
                        done.append(node)  # up to date, ignored or failed: doit moves on
                        continue
                    call = _remote_call(node.task)
                    if call is None:
                        self.process_task_result(node, self.execute_task(node.task))
                        done.append(node)
                    elif worker := self._worker(len(call)):
                        self._send(worker, node, call)
                    else:
                        ready.append((node, call))
                busy = [w for w in self.workers if w.queued]
                if not busy:
                    if ready:
                        continue
                    break
                for connection in wait([w.connection for w in busy]):
                    worker = next(w for w in busy if w.connection is connection)
                    done.append(self._receive(worker, ready))
        except BaseException:  # e.g. Ctrl-C: no task still waiting in a pipe may start
            for worker in self.workers:
                worker.process.kill()
            raise
        finally:
            for worker in self.workers:
                worker.connection.close()  # the worker reads the end of its pipe and exits
            for worker in self.workers:
                worker.process.join()
            self.workers = []

    def _has_room(self) -> bool:
        """Could a task be handed out now? (Without starting a worker: a run with nothing to do starts none.)"""
        return len(self.workers) < self.size or any(len(w.queued) < _QUEUED for w in self.workers)

    def _worker(self, call_bytes: int) -> _Worker | None:
        """The worker to send a task of ``call_bytes`` to now (an idle one first), or None."""
        idle = next((w for w in self.workers if not w.queued), None)
        if idle is None and len(self.workers) < self.size:
            idle = _Worker()
            self.workers.append(idle)
        if idle is not None or call_bytes > _QUEUED_BYTES:
            return idle
        return min((w for w in self.workers if len(w.queued) < _QUEUED), key=lambda w: len(w.queued), default=None)

    def _send(self, worker: _Worker, node, call: bytes) -> None:  # noqa: ANN001 - doit's ExecNode
        task = node.task
        task.executed = True
        self.reporter.execute_task(task)
        worker.queued.append((node, call))
        worker.connection.send_bytes(call)

    def _receive(self, worker: _Worker, ready: deque):  # noqa: ANN001, ANN202 - doit's ExecNode
        """Record the result of ``worker``'s oldest task; return its node."""
        node, call = worker.queued.popleft()
        try:
            result, out, err = worker.connection.recv()
        except (EOFError, OSError):
            # killed from outside (e.g. by the kernel's out-of-memory killer): fail the task it was
            # running, and give the ones waiting in its pipe to the other workers
            self.workers.remove(worker)
            worker.process.kill()
            ready.extendleft(reversed(worker.queued))
            action, args = pickle.loads(call)
            result = TaskFailed(f"{_subject(args)}: the worker process stopped unexpectedly while running {action}")
            out = err = ""
        if out:
            sys.stdout.write(out)
        if err:  # e.g. a content model's warnings
            sys.stderr.write(err)
        self.process_task_result(node, result if isinstance(result, BaseFail) else None)
        return node


def _remote_call(task) -> bytes | None:  # noqa: ANN001 - doit's Task
    """The pickled ``(action, args)`` a worker runs for ``task``, if its one action is ``run``."""
    actions = task.actions
    if len(actions) != 1 or task.teardown or getattr(actions[0], "py_callable", None) is not run:
        return None
    action, *args = actions[0].args
    return pickle.dumps((action, tuple(args)), protocol=pickle.HIGHEST_PROTOCOL)


class _Worker:
    """One render process, the pipe to it, and the tasks sent to it that have not come back."""

    def __init__(self) -> None:
        _CONTEXT.set_forkserver_preload(_PRELOAD)
        self.connection, theirs = _CONTEXT.Pipe()
        self.process = _CONTEXT.Process(target=_serve, args=(theirs,), daemon=True, name="visitkit-worker")
        with _sigint_ignored():  # starts the fork server if the loader did not
            self.process.start()
        theirs.close()
        self.queued: deque = deque()


def _subject(args: tuple[Any, ...]) -> str:
    """The file an action is about, for its error line: its last path argument (the target, mostly)."""
    return next((a for a in reversed(args) if isinstance(a, str)), "a task")


def _serve(connection: Connection) -> None:
    """The worker's loop: run each action it is sent until the build closes the pipe."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the build, which then ends its workers
    while True:
        try:
            action, args = pickle.loads(connection.recv_bytes())
        except EOFError:
            return
        connection.send(_call(action, args))


def _call(action: str, args: tuple[Any, ...]) -> tuple[BaseFail | None, str, str]:
    """In the worker: run the action, returning its result and what it printed."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            result = run(action, *args)
        except Exception as exc:  # as doit reports an exception raised by an action run in-process
            result = TaskError("PythonAction Error", exc)
    return result, out.getvalue(), err.getvalue()
