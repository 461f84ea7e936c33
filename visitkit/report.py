"""Build output: one line per task run, one line per problem, a summary at the end.

Users see the validation lines exactly as written (``file: field: problem``),
never a traceback; the traceback of an unexpected renderer failure is shown
only with ``VISITKIT_DEBUG=1``.
"""

from __future__ import annotations

import os

from doit.exceptions import BaseFail, TaskFailed, UnmetDependency
from doit.reporter import ConsoleReporter


class Reporter(ConsoleReporter):
    desc = "visitkit: task lines, one-line errors and a summary"

    def __init__(self, outstream, options):
        super().__init__(outstream, options)
        self.executed = 0
        self.uptodate = 0
        self.failed: dict[str, str] = {}  # org → first reason

    def execute_task(self, task):
        if task.actions and not task.name.startswith("_"):
            self.executed += 1
            self.write(f".  {task.title()}\n")

    def skip_uptodate(self, task):
        if task.actions and not task.name.startswith("_"):
            self.uptodate += 1

    def skip_ignore(self, task):
        pass

    def add_failure(self, task, fail: BaseFail):
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
            self.write(f"ERROR {line}\n")
        self.failed.setdefault(org, lines[0])

    def complete_run(self):
        # Failures were reported as they happened; doit's own dump would add tracebacks.
        for error in self.runtime_errors:
            self.write(f"ERROR {error}\n")
        summary = f"visitkit: run {self.executed}, up to date {self.uptodate}, failed orgs {len(self.failed)}"
        self.write(summary + ("\n" if not self.failed else ":\n"))
        for org, reason in sorted(self.failed.items()):
            self.write(f"  {org}: {reason}\n")


def _last_line(fail: BaseFail) -> str:
    text = fail.get_msg().strip().splitlines()
    return text[-1] if text else fail.get_name()
