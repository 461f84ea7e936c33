"""Warm-process CPU per organisation-locale, per output and in total.

``python -m bench.cpu --orgs 20 --locales en,es --runs 3`` generates the synthetic organisations
(bench/synth.py) and, ``--runs`` times, starts a fresh process that plans the build, warms up on
organisations outside the measured set (imports, font set-up, first renders) and then runs every
task of the measured organisations in order, with ``time.process_time`` around each action. Each
group's CPU is divided by the number of organisation-locales; planning and the bookkeeping tasks
(validate, content, manifest, zip, recipe stamps) are counted too, so ``total`` is the whole
toolkit's cost. Prints min/median/max over the runs and writes JSON (``--out``).

``--profile pdf`` (any group) also runs that group's measured tasks under cProfile in one more run and
prints where their time goes (the 25 costliest functions by own time and by cumulative time); the
whole profile is saved to ``--profile-out`` for ``python -m pstats``.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.synth import make_project

ROOT = Path(__file__).resolve().parents[1]
WARMUP = 3  # one org of each logo kind (PNG, JPEG, SVG): every renderer's first-use cost is paid before measuring
ORDER = ("planning", "validate", "content", "pdf", "thumbnail", "pptx", "logo", "faq", "fragment", "resources",
         "resources_fragment", "email", "email_text", "readme", "jsonld", "manifest", "zip", "recipe")


def _worker(measured: int, org_locales: int, profile: str = "") -> dict[str, float]:
    """One run in this (fresh) process: CPU seconds by group for the measured organisations
    (with ``profile``, that group's tasks run under cProfile and its statistics go to stderr)."""
    sys.path.insert(0, str(Path.cwd()))
    started = time.process_time()
    from visitkit import tasks

    plan = tasks.plan()
    planning = time.process_time() - started  # the first plan pays the imports, as doit's main process does
    every = [t for group in plan.values() for t in group if t.get("actions")]

    def org_of(task: dict) -> str:
        return task["name"].split("/")[0]

    warm_ids = {f"org-{measured + i:05d}" for i in range(WARMUP)}
    # recipes first, then validate → content → outputs → manifest → zip, as the build's dependencies order them
    rank = {g: i for i, g in enumerate(("recipe", "validate", "content", "pdf", "thumbnail"))}
    every.sort(key=lambda t: (rank.get(t["basename"], 5), t["basename"] in ("manifest", "zip"),
                              t["basename"] == "zip"))
    for task in every:
        if task["basename"] == "recipe" or org_of(task) in warm_ids:
            for function, args in task["actions"]:
                function(*args)
    cpu: dict[str, float] = {"planning": planning * measured / (measured + WARMUP)}
    profiler = cProfile.Profile() if profile else None
    for task in every:
        if task["basename"] == "recipe" or org_of(task) in warm_ids:
            continue
        profiled = profiler is not None and task["basename"] == profile
        before = time.process_time()
        if profiled:
            profiler.enable()
        for function, args in task["actions"]:
            failed = function(*args)
            if failed:
                raise SystemExit(f"{task['basename']}:{task['name']}: {failed}")
        if profiled:
            profiler.disable()
        cpu[task["basename"]] = cpu.get(task["basename"], 0.0) + time.process_time() - before
    if profiler is not None:
        profiler.dump_stats(Path(os.environ.get("VISITKIT_PROFILE_OUT", "profile.pstats")).resolve())
        for order in ("tottime", "cumulative"):
            pstats.Stats(profiler, stream=sys.stderr).sort_stats(order).print_stats(25)
    return {group: seconds / org_locales for group, seconds in cpu.items()}


def measure(orgs: int, locales: list[str], runs: int, scratch: Path, profile: str = "",
            profile_out: str = "bench/profile.pstats") -> dict:
    project = make_project(scratch / "cpu", orgs + WARMUP, locales)
    env = {**os.environ, "PYTHONPATH": f"{project}{os.pathsep}{ROOT}"}
    if profile:  # a run of its own: the profiler's overhead stays out of the measured runs
        shutil.rmtree(project / "build", ignore_errors=True)
        subprocess.run([sys.executable, "-m", "bench.cpu", "--worker", str(orgs), str(orgs * len(locales)),
                        "--profile", profile], cwd=project, stdout=subprocess.DEVNULL, check=True,
                       env={**env, "VISITKIT_PROFILE_OUT": str(Path(profile_out).resolve())})
    per_run = []
    for _ in range(runs):
        shutil.rmtree(project / "build", ignore_errors=True)  # each run renders everything
        result = subprocess.run(
            [sys.executable, "-m", "bench.cpu", "--worker", str(orgs), str(orgs * len(locales))],
            cwd=project, capture_output=True, text=True, env=env,
        )
        if result.returncode != 0:
            raise SystemExit(result.stdout[-3000:] + result.stderr[-3000:])
        per_run.append(json.loads(result.stdout.strip().splitlines()[-1]))
    groups = [g for g in ORDER if any(g in r for r in per_run)] + sorted({g for r in per_run for g in r} - set(ORDER))
    rows = {}
    for group in [*groups, "total"]:
        values = [1000 * (sum(r.values()) if group == "total" else r.get(group, 0.0)) for r in per_run]
        rows[group] = {"min_ms": round(min(values), 1), "median_ms": round(statistics.median(values), 1),
                       "max_ms": round(max(values), 1)}
    return {"orgs": orgs, "locales": locales, "runs": runs, "ms_per_org_locale": rows}


def table(result: dict) -> str:
    lines = [f"CPU per organisation-locale, warm process, {result['orgs']} orgs × {','.join(result['locales'])}, "
             f"{result['runs']} runs (ms: median, min–max)", "", "| output | median ms | min–max ms |", "|---|---|---|"]
    for group, row in result["ms_per_org_locale"].items():
        label = f"**{group}**" if group == "total" else group
        lines.append(f"| {label} | {row['median_ms']} | {row['min_ms']}–{row['max_ms']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cpu", description=__doc__.split("\n")[0])
    parser.add_argument("--orgs", type=int, default=20)
    parser.add_argument("--locales", default="en,es")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", default="bench/cpu.json")
    parser.add_argument("--profile", default="", metavar="GROUP",
                        help="also profile this group's tasks (pdf, thumbnail, pptx, …) in a run of their own")
    parser.add_argument("--profile-out", default="bench/profile.pstats")
    parser.add_argument("--worker", nargs=2, type=int, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.worker:
        print(json.dumps(_worker(*options.worker, profile=options.profile)))
        return 0
    with tempfile.TemporaryDirectory(prefix="visitkit-cpu-") as scratch:
        result = measure(options.orgs, options.locales.split(","), options.runs, Path(scratch), options.profile,
                         options.profile_out)
    result["machine"] = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    Path(options.out).write_text(json.dumps(result, indent=1) + "\n")
    print(table(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
