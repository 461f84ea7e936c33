"""Build output: one line per task run, one line per problem, progress, and a summary.

Users see the validation lines exactly as written (``file: field: problem``),
never a traceback; the traceback of an unexpected renderer failure is shown
only with ``VISITKIT_DEBUG=1``. On a terminal a status line shows done/total,
rate and ETA; elsewhere (CI logs) a plain progress line is printed every
``VISITKIT_PROGRESS_SECONDS`` (default 10).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from doit.exceptions import BaseFail, TaskFailed, UnmetDependency
from doit.reporter import ConsoleReporter

from visitkit import snapshot


class Reporter(ConsoleReporter):
    desc = "visitkit: task lines, one-line errors, progress and a summary"
    state_file = ".doit.db"
    """This run's doit state file, one per shard: it names the run's report and no-op record.
    dodo.py sets it (doit passes a reporter none of its options but ``failure_verbosity``)."""

    def __init__(self, outstream, options):
        super().__init__(outstream, options)
        self.executed = 0
        self.uptodate = 0
        self.failed: dict[str, str] = {}  # org → first reason
        self.total = 0
        self.done = 0
        self.started = time.monotonic()
        self.interval = float(os.environ.get("VISITKIT_PROGRESS_SECONDS", "10"))
        self.last_progress = self.started
        self.live = getattr(outstream, "isatty", lambda: False)() and os.environ.get("TERM") != "dumb"
        self.status_shown = False
        # One report per doit state file, so that each shard leaves its own for the merge step.
        self.report_path = Path("build/.reports") / (Path(self.state_file).stem + ".json")

    # -------------------------------------------------------------- doit hooks

    def initialize(self, tasks, selected_tasks):
        self.total = sum(1 for task in tasks.values() if task.actions)
        self.started = self.last_progress = time.monotonic()
        if snapshot.fast_count is None:  # tasks are about to run: the no-op record no longer holds
            snapshot.start(self.state_file, _closure(tasks, selected_tasks))

    def execute_task(self, task):
        if task.actions and not task.name.startswith("_"):
            self.executed += 1
            self._line(f".  {task.title()}")

    def add_success(self, task):
        self._count(task)

    def skip_uptodate(self, task):
        if task.actions and not task.name.startswith("_"):
            self.uptodate += 1
        self._count(task)

    def skip_ignore(self, task):
        self._count(task)

    def add_failure(self, task, fail: BaseFail):
        self._count(task)
        if not fail.report or isinstance(fail, UnmetDependency):
            return  # the failure that caused it is reported already
        self.failures.append({"task": task, "exception": fail})
        org = task.name.split(":", 1)[-1].split("/", 1)[0]
        if isinstance(fail, TaskFailed) and not fail.traceback:
            lines = fail.message.splitlines()
        else:
            lines = [f"{task.name}: {_last_line(fail)}"]
            if os.environ.get("VISITKIT_DEBUG"):
                lines.append(fail.get_msg())
        for line in lines:
            self._line(f"ERROR {line}")
        self.failed.setdefault(org, lines[0])

    def complete_run(self):
        # Failures were reported as they happened; doit's own dump would add tracebacks.
        self._clear_status()
        for error in self.runtime_errors:
            self.write(f"ERROR {error}\n")
        elapsed = time.monotonic() - self.started
        if snapshot.fast_count is not None:
            self.write(f"visitkit: nothing changed since the last build; {snapshot.fast_count} tasks up to date\n")
            return
        snapshot.finish(success=not self.failures and not self.runtime_errors)
        summary = (
            f"visitkit: run {self.executed}, up to date {self.uptodate}, failed orgs {len(self.failed)}"
            f" ({elapsed:.1f} s)"
        )
        self.write(summary + ("\n" if not self.failed else ":\n"))
        for org, reason in sorted(self.failed.items()):
            self.write(f"  {org}: {reason}\n")
        self._save_report()

    def _save_report(self) -> None:
        report = {"run": self.executed, "up_to_date": self.uptodate, "failed": self.failed}
        try:
            self.report_path.parent.mkdir(parents=True, exist_ok=True)
            self.report_path.write_text(json.dumps(report, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        except OSError as exc:
            self.write(f"ERROR cannot write {self.report_path}: {exc}\n")

    # ---------------------------------------------------------------- progress

    def _count(self, task) -> None:
        if not task.actions:
            return
        self.done += 1
        now = time.monotonic()
        if self.live:
            if now - self.last_progress >= 0.2 or self.done == self.total:
                self.last_progress = now
                self._show_status(self._progress(now))
        elif now - self.last_progress >= self.interval:
            self.last_progress = now
            self.write(f"progress: {self._progress(now)}\n")

    def _progress(self, now: float) -> str:
        elapsed = max(now - self.started, 1e-6)
        rate = self.done / elapsed
        remaining = max(self.total - self.done, 0)
        eta = remaining / rate if rate else 0
        share = 100 * self.done / self.total if self.total else 100
        return (
            f"{self.done}/{self.total} tasks ({share:.0f}%), {rate:.1f}/s, "
            f"ETA {int(eta // 60)}:{int(eta % 60):02d}"
        )

    def _line(self, text: str) -> None:
        self._clear_status()
        self.write(text + "\n")

    def _show_status(self, text: str) -> None:
        self.write(f"\r\033[K[{text}]")
        self.outstream.flush()
        self.status_shown = True

    def _clear_status(self) -> None:
        if self.status_shown:
            self.write("\r\033[K")
            self.status_shown = False


def _closure(tasks: dict, selected: list[str]) -> list:
    """The selected tasks and every task they depend on (doit adds file_dep → target links as task_dep)."""
    seen: dict[str, object] = {}
    pending = list(selected or [])
    while pending:
        name = pending.pop()
        if name in seen or name not in tasks:
            continue
        seen[name] = tasks[name]
        pending += tasks[name].task_dep
    return list(seen.values())


def _last_line(fail: BaseFail) -> str:
    text = fail.get_msg().strip().splitlines()
    return text[-1] if text else fail.get_name()
