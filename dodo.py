"""visitkit build: `doit` builds every organisation in org_profiles/ into build/.

Only wiring lives here; see visitkit/tasks.py for what each task reads and writes.
`doit org=acme,bank` builds only those organisations, `doit shard=2/4` the second of four
shards (see README, "Many organisations"); `doit list` shows the task groups.
"""

import multiprocessing
import os
import sys

from doit import get_var

from visitkit import snapshot, tasks, workers
from visitkit.checker import MemoMD5Checker
from visitkit.report import Reporter

if os.environ.get("VISITKIT_START_METHOD"):
    # Python 3.14 and macOS start doit's workers with spawn/forkserver; this lets Linux try the same.
    multiprocessing.set_start_method(os.environ["VISITKIT_START_METHOD"], force=True)

try:
    SELECTED = tasks.Selection.parse(get_var("org", None), get_var("shard", None))
except ValueError as problem:
    sys.exit(f"ERROR {problem}")

# Nothing changed since the last successful build? Then doit gets no tasks to check; did only
# some organisations' own files change? Then it gets only theirs (see visitkit/snapshot.py).
# Only the main process decides: spawned workers re-import this file.
if SELECTED.orgs is None and multiprocessing.parent_process() is None and snapshot.is_plain_run(sys.argv[1:]):
    snapshot.recording = True
    CHANGES = snapshot.check(SELECTED.state_file)
    snapshot.fast_count = CHANGES.unchanged_tasks
    if CHANGES.orgs:  # only these organisations' own files changed: plan just them
        SELECTED = tasks.Selection(orgs=tuple(sorted(CHANGES.orgs)), shard=SELECTED.shard)
    elif CHANGES.groups:  # only shared files read by these groups changed: plan them and what reads their outputs
        SELECTED = tasks.Selection(shard=SELECTED.shard, groups=tasks.downstream(CHANGES.groups))

Reporter.state_file = SELECTED.state_file  # each shard's report and no-op record are its own
Reporter.shard = SELECTED.shard
Reporter.strict = str(get_var("strict", "0")).lower() in ("1", "true", "yes")  # any warning fails the build

if snapshot.fast_count is None and multiprocessing.parent_process() is None:
    workers.prepare(sys.argv[1:])  # -n uses visitkit's runner; its workers' code loads while doit plans

DOIT_CONFIG = {
    # An organisation's zip needs every one of its outputs, so asking for the zips first renders
    # organisation after organisation, not format after format: each worker meets every renderer
    # within its first documents, so its memory levels off at once. "validate" then catches the
    # profiles too broken to have outputs. "prune" comes first so that `doit clean`, which cleans
    # in reverse, runs its sweep of empty folders and reports last. The reporter writes
    # build/report.json and build/index.html after every run (visitkit/outcome.py).
    "default_tasks": ["prune", "recipe", "zip", "validate"],
    "continue": True,  # a broken profile must not stop the other organisations
    # -n N: doit's run command picks its runner for "thread" by a name that workers.prepare points at
    # visitkit's runner, which feeds N lean render processes from doit's main thread (visitkit/workers.py)
    "par_type": "thread",
    "backend": "sqlite3",
    "dep_file": SELECTED.state_file,
    "reporter": Reporter,
    "check_file_uptodate": MemoMD5Checker,  # hash each file at most once per run
}


def task_validate():
    yield from tasks.group_tasks("validate", SELECTED)


def task_content():
    yield from tasks.group_tasks("content", SELECTED)


def task_faq():
    yield from tasks.group_tasks("faq", SELECTED)


def task_fragment():
    yield from tasks.group_tasks("fragment", SELECTED)


def task_pdf():
    yield from tasks.group_tasks("pdf", SELECTED)


def task_pptx():
    yield from tasks.group_tasks("pptx", SELECTED)


def task_jsonld():
    yield from tasks.group_tasks("jsonld", SELECTED)


def task_resources():
    yield from tasks.group_tasks("resources", SELECTED)


def task_resources_fragment():
    yield from tasks.group_tasks("resources_fragment", SELECTED)


def task_email():
    yield from tasks.group_tasks("email", SELECTED)


def task_email_text():
    yield from tasks.group_tasks("email_text", SELECTED)


def task_logo():
    yield from tasks.group_tasks("logo", SELECTED)


def task_readme():
    yield from tasks.group_tasks("readme", SELECTED)


def task_thumbnail():
    yield from tasks.group_tasks("thumbnail", SELECTED)


def task_manifest():
    yield from tasks.group_tasks("manifest", SELECTED)


def task_zip():
    yield from tasks.group_tasks("zip", SELECTED)


def task_recipe():
    yield from tasks.group_tasks("recipe", SELECTED)


def task_prune():
    yield from tasks.prune_tasks(SELECTED)


def task_schema():
    return tasks.schema_task()
