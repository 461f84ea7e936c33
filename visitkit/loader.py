"""How ``doit`` gets visitkit's tasks: a task loader and a run command, both doit plugins.

``pyproject.toml`` names them, in doit's documented plugin configuration::

    [tool.doit]
    loader = "visitkit"
    [tool.doit.plugins.loader]
    visitkit = "visitkit.loader:Loader"
    [tool.doit.plugins.command]
    run = "visitkit.loader:Run"

``Loader`` reads the dodo file as doit's own loader does (``-f``, ``-d`` and
``-k`` keep their meaning). A dodo file that declares ``VISITKIT_BUILD`` (the
project's ``dodo.py``) gets visitkit's configuration and tasks, planned from the
output registry for the command doit is running; any other dodo file (the
benchmark's floor) is loaded as doit would. Being told the command is what lets
the no-op record (visitkit/snapshot.py) answer only a plain ``doit``: task
names, ``-a`` and ``-s``, and every other command (``list``, ``info``,
``clean``, ``forget``…), always see every task.

``Run`` is doit's run command with one difference: ``-n N`` (parallel type
"thread", visitkit's default) renders in visitkit's lean worker processes
(visitkit/workers.py) instead of doit's threads. doit offers no option naming a
runner class, so the command chooses it; ``-P process`` and serial runs are
doit's own.
"""

from __future__ import annotations

import inspect
import multiprocessing
import os
from collections.abc import Callable
from typing import Any

from doit import cmd_run, get_var
from doit.cmd_base import DodoTaskLoader
from doit.exceptions import InvalidCommand

from visitkit import prune, snapshot, tasks
from visitkit.checker import MemoMD5Checker
from visitkit.report import Reporter
from visitkit.selection import Selection

VISITKIT_BUILD = True
"""Imported by dodo.py: marks it as visitkit's build (see ``Loader``)."""

# The groups doit builds by default. An organisation's zip needs every one of its outputs, so asking for
# the zips first renders organisation after organisation, not format after format: each worker meets every
# renderer within its first documents, so its memory levels off at once. "validate" then catches the
# profiles too broken to have outputs. "prune" comes first so that `doit clean`, which cleans in reverse,
# runs its sweep of empty folders and reports last. The reporter writes build/report.json and
# build/index.html after every run (visitkit/outcome.py).
DEFAULT_TASKS = ["prune", "recipe", "zip", "validate"]
# doit commands that change nothing doit has recorded; any other (forget, ignore, clean, reset-dep, a plugin
# command) drops the no-op record, so that the next run lets doit check every task.
READ_ONLY_COMMANDS = {"run", "list", "info", "help", "dumpdb", "tabcompletion", "graph"}


class Loader(DodoTaskLoader):
    """doit's dodo loader, planning visitkit's tasks when the dodo file is visitkit's."""

    def setup(self, opt_values: dict[str, Any]) -> None:
        super().setup(opt_values)
        self.options = opt_values
        self.visitkit = bool(self.namespace.get("VISITKIT_BUILD"))

    def load_doit_config(self) -> dict[str, Any]:
        config = super().load_doit_config()
        if not self.visitkit:
            return config
        if os.environ.get("VISITKIT_START_METHOD"):
            # Python 3.14 and macOS start doit's workers with spawn/forkserver; this lets Linux try the same.
            multiprocessing.set_start_method(os.environ["VISITKIT_START_METHOD"], force=True)
        try:
            self.selection = Selection.parse(get_var("org", None), get_var("shard", None))
        except ValueError as problem:
            raise InvalidCommand(str(problem)) from None
        self.record = snapshot.Record(self.selection.state_file)
        # doit makes the reporter from its class (and pickles the class for -P process workers under spawn),
        # so this run's settings go on the class.
        Reporter.record = self.record
        Reporter.shard = self.selection.shard
        Reporter.strict = str(get_var("strict", "0")).lower() in ("1", "true", "yes")  # any warning fails the build
        return {
            "default_tasks": DEFAULT_TASKS,
            "continue": True,  # a broken profile must not stop the other organisations
            "par_type": "thread",  # -n N: visitkit's lean render processes (see Run)
            "backend": "sqlite3",
            "dep_file": self.selection.state_file,
            "reporter": Reporter,
            "check_file_uptodate": MemoMD5Checker,  # hash each file at most once per run
            **config,
        }

    def load_tasks(self, cmd: Any, pos_args: list[str]) -> list:
        if not self.visitkit:
            return super().load_tasks(cmd, pos_args)
        selection = self.selection
        if cmd.name not in READ_ONLY_COMMANDS and not self.options.get("dryrun"):  # forget, ignore, clean…
            snapshot.drop(self.record.state_file)
        plain = cmd.name == "run" and not pos_args and not self.options.get("always") and not self.options.get("single")
        if plain and selection.orgs is None:
            # Nothing changed since the last successful build? Then doit gets no tasks to check; did only
            # some organisations' own files change? Then it gets only theirs; only shared templates or
            # sources? Then only the groups that read them (see visitkit/snapshot.py).
            self.record.recording = True
            changes = self.record.check()
            self.record.unchanged = changes.unchanged_tasks
            if changes.orgs:
                selection = Selection(orgs=tuple(sorted(changes.orgs)), shard=selection.shard)
            elif changes.groups:
                selection = Selection(shard=selection.shard, groups=tasks.downstream(changes.groups))
        if cmd.name == "run" and self.record.unchanged is None and self.options.get("num_process", 0) > 0 \
                and self.options.get("par_type") == "thread":
            from visitkit import workers

            workers.start_fork_server()  # its workers' code loads while doit plans
        self.namespace = {**self.namespace, **task_creators(selection, self.record)}
        return super().load_tasks(cmd, pos_args)


def task_creators(selection: Selection, record: snapshot.Record) -> dict[str, Callable[[], Any]]:
    """doit task creators (``task_<group>``) for every group, planned for ``selection`` (visitkit's loader)."""

    def creator(group: str) -> Callable[[], Any]:
        def create():
            if group == "prune":
                return prune.prune_tasks(selection, record)
            return tasks.group_tasks(group, selection, record)

        return create

    return {f"task_{group}": creator(group) for group in tasks.GROUP_DOCS} | {
        "task_schema": lambda: tasks.schema_task(record)
    }


class Run(cmd_run.Run):
    """doit's run command; ``-n N`` with parallel type "thread" uses visitkit's runner."""

    def execute(self, params, args):  # noqa: ANN001, ANN201 - doit's signature
        # Ctrl-C: the reporter has already said the run was interrupted (and kept no record); no traceback.
        try:
            return super().execute(params, args)
        except KeyboardInterrupt:
            return 130

    def _execute(self, outfile, verbosity=None, always=False, continue_=False, reporter="console",  # noqa: ANN001
                 num_process=0, par_type="process", single=False, auto_delayed_regex=False,  # noqa: ANN001
                 force_verbosity=False, failure_verbosity=0, pdb=False):  # noqa: ANN001, ANN202 - doit's signature
        if num_process == 0 or par_type != "thread":
            return super()._execute(outfile, verbosity, always, continue_, reporter, num_process, par_type,
                                    single, auto_delayed_regex, force_verbosity, failure_verbosity, pdb)
        from visitkit import workers

        # doit's own _execute for -n N with threads, the runner class aside (kept in step with doit's
        # by tests/test_loader.py, against the doit versions pyproject.toml allows).
        cmd_run.PythonAction.pm_pdb = pdb
        self.control = cmd_run.TaskControl(self.task_list, auto_delayed_regex=auto_delayed_regex)
        self.control.process(self.sel_tasks)
        if single:
            for task_name in self.control.selected_tasks:
                task = self.control.tasks[task_name]
                if task.has_subtask:
                    for sub_name in task.task_dep:
                        self.control.tasks[sub_name].task_dep = []
                else:
                    task.task_dep = []
        reporter_cls = self.reporters[reporter] if isinstance(reporter, str) else reporter
        outstream = open(outfile, "w", encoding="utf-8") if isinstance(outfile, str) else outfile  # noqa: SIM115
        self.outstream = outstream
        try:
            reporter_obj = (
                reporter_cls(outstream, {"failure_verbosity": failure_verbosity})
                if isinstance(reporter_cls, type) else reporter_cls
            )
            stream = cmd_run.Stream(verbosity, force_verbosity)
            runner = workers.Runner(self.dep_manager, reporter_obj, continue_, always, stream, num_process)
            return runner.run_all(self.control.task_dispatcher())
        finally:
            if isinstance(outfile, str):
                outstream.close()


RUN_PARAMETERS = tuple(inspect.signature(cmd_run.Run._execute).parameters)
"""doit's run command's parameters, which ``Run._execute`` must match (checked by the tests)."""
