"""visitkit build: `doit` builds every organisation in org_profiles/ into build/.

Only wiring lives here; see visitkit/tasks.py for what each task reads and writes.
`doit org=acme,bank` builds only those organisations; `doit list` shows the task groups.
"""

from doit import get_var

from visitkit import tasks
from visitkit.report import Reporter

DOIT_CONFIG = {
    "default_tasks": ["validate", "content", *tasks.OUTPUTS, "prune"],
    "continue": True,  # a broken profile must not stop the other organisations
    "backend": "sqlite3",
    "dep_file": ".doit.db",
    "reporter": Reporter,
}

SELECTED = get_var("org", None)


def _orgs():
    return tasks.scan(SELECTED)


def task_validate():
    yield from tasks.validate_tasks(*_orgs())


def task_content():
    yield from tasks.content_tasks(_orgs()[0])


def task_faq():
    yield from tasks.output_tasks("faq", _orgs()[0])


def task_fragment():
    yield from tasks.output_tasks("fragment", _orgs()[0])


def task_pdf():
    yield from tasks.output_tasks("pdf", _orgs()[0])


def task_pptx():
    yield from tasks.output_tasks("pptx", _orgs()[0])


def task_prune():
    return tasks.prune_task(_orgs()[0], SELECTED)


def task_schema():
    return tasks.schema_task()
