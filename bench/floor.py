"""The render floor: the build's own actions run in a plain loop over worker processes, no doit.

``python -m bench.floor --workers 2 [--only names.json] [--floor-dodo]`` in a project folder.
Tasks run level by level (a task's level is one more than the levels of the tasks
that write its inputs), each level spread over a ``multiprocessing`` pool of
long-lived workers, as doit's ``-n`` would. Prints JSON: seconds, task count and the workers' CPU seconds.
With ``--floor-dodo`` it instead writes ``floor_tasks.json`` for bench/floor_dodo.py.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import sys
import time
from pathlib import Path


def _all_tasks() -> list[dict]:
    sys.path.insert(0, str(Path.cwd()))
    from visitkit import tasks

    return [t for group in tasks.plan().values() for t in group if t.get("actions")]


def _levels(task_list: list[dict]) -> list[list[dict]]:
    producer = {target: t["basename"] + ":" + t["name"] for t in task_list for target in t.get("targets", [])}
    by_name = {t["basename"] + ":" + t["name"]: t for t in task_list}
    level: dict[str, int] = {}

    def depth(name: str) -> int:
        if name not in level:
            deps = [producer[d] for d in by_name[name].get("file_dep", []) if d in producer]
            level[name] = 1 + max((depth(d) for d in deps), default=-1)
        return level[name]

    stages: dict[int, list[dict]] = {}
    for name, task in by_name.items():
        stages.setdefault(depth(name), []).append(task)
    return [stages[k] for k in sorted(stages)]


def _run(task: dict) -> None:
    try:
        for function, args in task["actions"]:
            function(*args)
    except Exception as exc:  # re-raised as a plain error: some exceptions cannot cross the pool
        raise RuntimeError(f"{task['basename']}:{task['name']}: {exc!r}") from None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", help="JSON list of task names to run (the others are taken as done)")
    parser.add_argument("--floor-dodo", action="store_true")
    options = parser.parse_args()
    task_list = _all_tasks()
    if options.floor_dodo:
        every = [t for group in __import__("visitkit.tasks").tasks.plan().values() for t in group if t.get("name")]
        rows = [[f"{t['basename']}.{t['name']}", t.get("file_dep", []), t.get("targets", [])] for t in every]
        Path("floor_tasks.json").write_text(json.dumps(rows))
        print(json.dumps({"tasks": len(rows)}))
        return
    if options.only:
        wanted = set(json.loads(Path(options.only).read_text()))
        task_list = [t for t in task_list if f"{t['basename']}:{t['name']}" in wanted]
    stages = _levels(task_list)
    started = time.perf_counter()
    pool = multiprocessing.Pool(options.workers)
    for stage in stages:
        pool.map(_run, stage, chunksize=1)
    seconds = time.perf_counter() - started
    pool.close()
    pool.join()  # the workers are reaped, so their CPU time is counted in RUSAGE_CHILDREN
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"seconds": seconds, "tasks": len(task_list), "cpu_seconds": usage.ru_utime + usage.ru_stime}))


if __name__ == "__main__":
    main()
