"""Build output: one line per task run, one line per problem, progress, a summary, and the build's
report (``build/report.json``) and site index (``build/index.html``; see visitkit/outcome.py).

Users see the validation lines exactly as written (``file: field: problem``),
never a traceback; the traceback of an unexpected renderer failure is shown
only with ``VISITKIT_DEBUG=1``. On a terminal a status line shows done/total,
rate and ETA; elsewhere (CI logs) a plain progress line is printed every
``VISITKIT_PROGRESS_SECONDS`` (default 10), and the per-task lines are off
unless ``VISITKIT_TASK_LINES=1``. An error in a shared file (a template, a
locale's sources) is printed once, not once per organisation it stops.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from doit.exceptions import BaseFail, TaskFailed, UnmetDependency
from doit.reporter import ConsoleReporter

from visitkit import outcome, snapshot

PROFILES = Path("org_profiles")


class Reporter(ConsoleReporter):
    desc = "visitkit: task lines, one-line errors, progress, a summary and build/report.json"
    # visitkit's loader sets these for each run (doit passes a reporter none of its options but
    # ``failure_verbosity``).
    record = snapshot.Record()
    """This run's no-op record (visitkit/snapshot.py); its state file, one per shard, names the run's report."""
    shard: tuple[int, int] | None = None
    """The shard this run builds (``shard=i/n``): its report is merged later, so it writes no index."""
    strict = False
    """``strict=1``: a build with any warning fails (exit status 1) after writing its outputs and report."""

    def __init__(self, outstream, options):
        super().__init__(outstream, options)
        self.executed = 0
        self.uptodate = 0
        self.errors: dict[str, list[str]] = {}  # org → its error lines in this run
        self.shown: set[str] = set()  # shared files' error lines already printed
        self.planned: set[str] = set()
        self.total = 0
        self.done = 0
        self.started = time.monotonic()
        self.interval = float(os.environ.get("VISITKIT_PROGRESS_SECONDS", "10"))
        self.last_progress = self.started
        self.live = getattr(outstream, "isatty", lambda: False)() and os.environ.get("TERM") != "dumb"
        # One line per task run: on a terminal, or with VISITKIT_TASK_LINES=1; off in CI logs, where
        # the progress lines and the summary say enough for thousands of tasks.
        lines = os.environ.get("VISITKIT_TASK_LINES", "")
        self.task_lines = lines == "1" or (lines != "0" and self.live)
        self.status_shown = False
        # A shard's report is its own, for the merge step.
        self.report_path = outcome.report_path(self.record.state_file, self.shard)

    # -------------------------------------------------------------- doit hooks

    def initialize(self, tasks, selected_tasks):
        self.total = sum(1 for task in tasks.values() if task.actions)
        self.started = self.last_progress = time.monotonic()
        self.planned = {org for name in tasks if (org := _org_of(name))}
        if self.record.unchanged is None:  # tasks are about to run: the no-op record no longer holds
            self.record.start(_closure(tasks, selected_tasks))

    def execute_task(self, task):
        if task.actions and not task.name.startswith("_"):
            self.executed += 1
            if self.task_lines:
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
        if isinstance(fail, TaskFailed) and not fail.traceback:
            lines = fail.message.splitlines()
        else:
            lines = [f"{task.name}: {_last_line(fail)}"]
            if os.environ.get("VISITKIT_DEBUG"):
                lines.append(fail.get_msg())
        for line in lines:
            if line.startswith(outcome.SHARED_PREFIXES):  # the same line for every org: once is enough
                if line in self.shown:
                    continue
                self.shown.add(line)
            self._line(f"ERROR {line}")
        org = _org_of(task.name) or task.name
        known = self.errors.setdefault(org, [])
        known += [line for line in lines if line not in known]

    def complete_run(self):
        # doit calls this from a ``finally``: an exception still on its way out (Ctrl-C) is an interrupted run,
        # whose record must not claim that build/ matches the inputs (the next build would skip the edit).
        interrupted = sys.exc_info()[0] is not None
        # Failures were reported as they happened; doit's own dump would add tracebacks.
        self._clear_status()
        for error in self.runtime_errors:
            self.write(f"ERROR {error}\n")
        elapsed = time.monotonic() - self.started
        stray = _stray_profiles()
        for line in stray:
            self.write(f"WARNING {line}\n")
        if self.record.unchanged is not None:
            self.write(f"visitkit: nothing changed since the last build; {self.record.unchanged} tasks up to date\n")
            self._strict(outcome.load(self.report_path), stray)
            return
        existing = {p.stem for p in PROFILES.glob("*.yaml")}
        manifests = outcome.read_manifests()
        report = outcome.update(
            outcome.load(self.report_path),
            self.planned,
            self.errors,
            existing,
            manifests,
            run=self.executed,
            up_to_date=self.uptodate,
            shard=self.shard,
        )
        report["ignored_profiles"] = stray
        try:
            if self.shard is None:
                outcome.write_site(report, manifests)
            else:  # shards leave the site to the merge step
                outcome.write(self.report_path, report)
        except OSError as exc:
            self.write(f"ERROR cannot write the build report: {exc}\n")
        # after the report and index: the record lists what build/ holds
        self.record.finish(not interrupted and not self.failures and not self.runtime_errors)
        if interrupted:
            self.write("visitkit: interrupted: the next build checks every task again\n")
        unknown = sorted(org for org in self.errors if org not in existing)  # org= ids without a profile
        failed = len(report["failed"]) + len(unknown)
        warnings = sum(report["warnings"].values())
        summary = (
            f"visitkit: run {self.executed}, up to date {self.uptodate}, failed orgs {failed}, "
            f"warnings {warnings} ({elapsed:.1f} s)"
        )
        lines = outcome.summary_lines(report) + [f"  {line}" for org in unknown for line in self.errors[org]]
        self.write(summary + (":\n" if lines else "\n"))
        for line in lines:
            self.write(line + "\n")
        if self.shard is None:
            self.write(f"visitkit: see {outcome.SITE_INDEX} and {outcome.SITE_REPORT}\n")
        self._strict(report, stray)

    def _strict(self, report: dict, stray: list[str]) -> None:
        """``strict=1``: fail the build when it publishes anything with a warning."""
        count = sum(report.get("warnings", {}).values()) + len(stray)
        if self.strict and count:
            self.write(f"visitkit: strict=1: failing the build: {count} warning{'s' if count != 1 else ''}\n")
            self.outstream.flush()
            # doit gives a reporter no say in its exit status; leave with the failure status, as doit
            # would for a failed task (its state and this report are written already).
            raise SystemExit(1)

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


_NOT_ORGS = {"recipe", "prune", "schema"}


def _org_of(task_name: str) -> str | None:
    """The organisation a task builds: ``pdf:acme/en`` → ``acme``; None for shared tasks."""
    group, _, name = task_name.partition(":")
    if not name or group in _NOT_ORGS:
        return None
    return name.split("/", 1)[0]


def _stray_profiles() -> list[str]:
    """Profiles saved with an extension the build does not read."""
    return [
        f"{path.as_posix()}: not built: a profile's name must end in .yaml (rename it to {path.stem}.yaml)"
        for path in sorted(PROFILES.glob("*.yml"))
    ]


def _last_line(fail: BaseFail) -> str:
    text = fail.get_msg().strip().splitlines()
    return text[-1] if text else fail.get_name()
