"""doit's bare floor: the same tasks and dependencies as the real build, with empty actions.

Generated task list in ``floor_tasks.json`` (written by the benchmark from ``visitkit.tasks.plan()``).
"""

import json
from pathlib import Path

DOIT_CONFIG = {"backend": "sqlite3", "dep_file": ".floor.db", "verbosity": 0}


def task_floor():
    for name, file_dep, targets in json.loads(Path("floor_tasks.json").read_text()):
        yield {"name": name, "actions": [], "file_dep": file_dep, "targets": targets}
