"""visitkit build: `doit` builds every organisation in org_profiles/ into build/.

Only wiring lives here; see visitkit/tasks.py for what each task reads and writes.
`doit org=acme,bank` builds only those organisations; `doit list` shows the task groups.
"""

from doit import get_var

from visitkit import tasks
from visitkit.report import Reporter

DOIT_CONFIG = {
    "default_tasks": ["validate", "content", *tasks.OUTPUTS, "thumbnail", "manifest", "zip", "index", "prune"],
    "continue": True,  # a broken profile must not stop the other organisations
    "backend": "sqlite3",
    "dep_file": ".doit.db",
    "reporter": Reporter,
}

SELECTED = get_var("org", None)


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


def task_thumbnail():
    yield from tasks.group_tasks("thumbnail", SELECTED)


def task_manifest():
    yield from tasks.group_tasks("manifest", SELECTED)


def task_zip():
    yield from tasks.group_tasks("zip", SELECTED)


def task_index():
    yield from tasks.group_tasks("index", SELECTED)


def task_prune():
    return tasks.prune_task(SELECTED)


def task_schema():
    return tasks.schema_task()
