"""visitkit benchmark: ``python -m bench --orgs 1000 --locales en,es``.

Generates N synthetic organisations in a temporary folder and measures, as
medians of ``--runs`` runs on this machine in this run:

1. cold build (``doit -n W``) against the render floor (the same actions in a
   plain loop over W worker processes, no doit), as a ratio of wall times and
   with the machine's speed taken out (``_normalised_ratio``);
2. no-op against doit's bare floor (same tasks and dependencies, empty actions);
3. fresh-checkout no-op (every input's mtime changed, contents unchanged);
4. one profile / one shared template / one locale's sources edited: time (median of --runs; the sources edit once), and
   tasks that ran against the tasks downstream of the edit, and their render floor;
5. peak RSS per worker (VmHWM) and the growth of its RSS from document 100 to 2,000 and to the last;
6. with ``--curve``, cold and no-op times over several sizes.

Prints a table and writes a JSON result (``--out``). ``--quick`` runs 5 orgs once
(the test suite uses it to keep the harness working; no timing is asserted).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.synth import make_project

ROOT = Path(__file__).resolve().parents[1]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _doit(project: Path, *args: str, env: dict | None = None) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "doit", *args], cwd=project, capture_output=True, text=True,
        env={**os.environ, "VISITKIT_TASK_LINES": "1", **(env or {})},  # _ran() reads the task lines
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        output = f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        raise SystemExit(f"doit {' '.join(args)} failed in {project}:\n{output}")
    return elapsed, result


def _floor(project: Path, workers: int, only: set[str] | None = None) -> dict:
    """The render floor's JSON: seconds, tasks and its workers' CPU seconds."""
    args = [sys.executable, "-m", "bench.floor", "--workers", str(workers)]
    if only is not None:
        (project / "floor_only.json").write_text(json.dumps(sorted(only)))
        args += ["--only", "floor_only.json"]
    env = {**os.environ, "PYTHONPATH": f"{project}{os.pathsep}{ROOT}"}
    result = subprocess.run(args, cwd=project, capture_output=True, text=True, env=env, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def _ran(result: subprocess.CompletedProcess) -> set[str]:
    return set(re.findall(r"^\.  (\S+)$", result.stdout, re.MULTILINE))


def _clean(project: Path) -> None:
    shutil.rmtree(project / "build", ignore_errors=True)
    for state in project.glob(".doit*.db"):
        state.unlink()


def _touch_inputs(project: Path) -> None:
    now = time.time() + 10
    for folder in ("org_profiles", "sources", "templates", "visitkit"):
        for path in (project / folder).rglob("*"):
            if path.is_file():
                os.utime(path, (now, now))
    os.utime(project / "dodo.py", (now, now))


def _downstream(project: Path, edited: list[str]) -> set[str]:
    """Every task whose inputs depend, directly or through other tasks, on ``edited`` files."""
    code = (
        "import json, sys; sys.path.insert(0, '.');"
        "from visitkit import tasks;"
        "print(json.dumps([[t['basename'] + ':' + t['name'], t.get('file_dep', []), t.get('targets', [])]"
        " for g in tasks.plan().values() for t in g if t.get('name') and t.get('actions')]))"
    )
    rows = json.loads(subprocess.run([sys.executable, "-c", code], cwd=project, capture_output=True, text=True,
                                     check=True).stdout)
    changed = set(edited)
    names: set[str] = set()
    grew = True
    while grew:
        grew = False
        for name, deps, targets in rows:
            if name not in names and changed.intersection(deps):
                names.add(name)
                changed.update(targets)
                grew = True
    return names


def _rss(folder: Path) -> dict:
    """Per worker: peak resident memory (VmHWM) and the growth of its current RSS from document 100."""
    peaks, growth, growth_2000, cpu = [], [], [], []
    for log in folder.glob("*.log"):
        rows = [tuple(map(int, line.split())) for line in log.read_text().splitlines() if line.strip()]
        if not rows:
            continue
        peaks.append(max(r[0] for r in rows) / 1024)
        cpu.append(rows[-1][2] / 1000)  # a worker's CPU up to its last document (forked: it starts at zero)
        if len(rows) > 100:
            at_100 = rows[99][1]
            growth.append(100 * (rows[-1][1] - at_100) / at_100)
            growth_2000.append(100 * (rows[min(len(rows), 2000) - 1][1] - at_100) / at_100)
    return {
        "workers": len(peaks),
        "documents": sum(1 for log in folder.glob("*.log") for _ in log.open()),
        "peak_rss_mb": round(max(peaks), 1) if peaks else None,
        "growth_100_to_2000_pct": round(max(growth_2000, key=abs), 1) if growth_2000 else None,
        "growth_100_to_last_pct": round(max(growth, key=abs), 1) if growth else None,
        "workers_cpu_seconds": round(sum(cpu), 3),
    }


def _normalised_ratio(cold_seconds: float, workers_cpu: float, doit_cpu: float, floor_run: dict) -> float:
    """The cold/floor ratio with the machine's speed taken out of it.

    On a shared virtual machine the same work costs up to twice the CPU time from one run to the next
    (measured here: 262–500 ms per organisation-locale within one benchmark), so a ratio of two wall times
    measured minutes apart mostly compares the machine with itself. Each half's wall time per CPU second
    (how well its workers were kept busy) does not depend on that speed, nor does doit's own CPU as a
    share of the workers'; their product is what the build adds to the floor, assuming a task costs its
    worker the same CPU in both (the same actions in long-lived processes).
    """
    packing_cold = cold_seconds / workers_cpu
    packing_floor = floor_run["seconds"] / floor_run["cpu_seconds"]
    return (1 + doit_cpu / workers_cpu) * packing_cold / packing_floor


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def _spread(values: list[float]) -> list[float]:
    """[min, max] of the runs: how far a median can be trusted."""
    return [round(min(values), 3), round(max(values), 3)]


def measure(orgs: int, locales: list[str], runs: int, workers: int, scratch: Path, full: bool = True) -> dict:
    """Every measure for ``orgs`` organisations; ``full=False`` (curve points): cold build and no-op only."""
    project = make_project(scratch / f"orgs-{orgs}", orgs, locales)
    result: dict = {"orgs": orgs, "locales": locales, "workers": workers, "runs": runs}

    # 1. cold build against the render floor, alternating so both see the same machine state
    cold, floor, cpu, normalised = [], [], [], []
    rss_dir = scratch / f"rss-{orgs}"
    for _ in range(runs):
        if full:
            _clean(project)
            floor_run = _floor(project, workers)
            floor.append(floor_run["seconds"])
        _clean(project)
        shutil.rmtree(rss_dir, ignore_errors=True)
        rss_dir.mkdir()
        before = _children_cpu()
        seconds, build = _doit(project, "-n", str(workers), env={"VISITKIT_RSS_LOG": str(rss_dir)})
        cold.append(seconds)
        # the workers' CPU (their own logs) plus doit's process (planning, bookkeeping, feeding the workers);
        # the fork server and its workers exit after doit, unwaited, so rusage misses them
        workers_cpu, doit_cpu = _rss(rss_dir)["workers_cpu_seconds"], _children_cpu() - before
        cpu.append(workers_cpu + doit_cpu)
        if full:
            normalised.append(_normalised_ratio(seconds, workers_cpu, doit_cpu, floor_run))
    tasks_run = len(_ran(build))
    org_locales = orgs * len(locales)
    result["cold"] = {"seconds": _median(cold), "spread": _spread(cold), "tasks": tasks_run,
                      "cpu_ms_per_org_locale": round(1000 * statistics.median(cpu) / org_locales, 1),
                      "cpu_ms_spread": [round(1000 * c / org_locales, 1) for c in (min(cpu), max(cpu))]}
    if full:
        ratios = [c / f for c, f in zip(cold, floor, strict=True)]
        result["cold"]["floor_seconds"] = _median(floor)
        result["cold"]["floor_spread"] = _spread(floor)
        result["cold"]["ratio"] = round(statistics.median(ratios), 3)
        result["cold"]["ratio_spread"] = _spread(ratios)
        result["cold"]["cpu_normalised_ratio"] = _median(normalised)
        result["cold"]["cpu_normalised_spread"] = _spread(normalised)
    result["memory"] = _rss(rss_dir)

    # 2. no-op against doit's bare floor
    noop = [_doit(project, "-n", str(workers))[0] for _ in range(max(runs, 3))]
    result["noop"] = {"seconds": _median(noop)}
    if not full:
        shutil.rmtree(project, ignore_errors=True)
        return result
    subprocess.run([sys.executable, "-m", "bench.floor", "--floor-dodo"], cwd=project, check=True,
                   capture_output=True, env={**os.environ, "PYTHONPATH": f"{project}{os.pathsep}{ROOT}"})
    shutil.copy(ROOT / "bench/floor_dodo.py", project / "floor_dodo.py")
    _doit(project, "-f", "floor_dodo.py")  # records the floor's state
    bare = [_doit(project, "-f", "floor_dodo.py")[0] for _ in range(runs)]
    _doit(project, "-n", str(workers))  # planning the floor's tasks dropped the no-op record: make it again
    result["noop"] = {"seconds": _median(noop), "bare_floor_seconds": _median(bare),
                      "ratio": round(_median(noop) / _median(bare), 3)}

    # 3. fresh checkout: contents unchanged, every mtime new
    fresh = []
    for _ in range(runs):
        _touch_inputs(project)
        seconds, run_result = _doit(project, "-n", str(workers))
        assert not _ran(run_result), _ran(run_result)
        fresh.append(seconds)
    result["fresh_checkout_noop"] = {
        "seconds": _median(fresh), "ratio_to_noop": round(_median(fresh) / _median(noop), 3)
    }

    # 4. edits: exactly the downstream tasks run; each edit timed `runs` times (the sources edit,
    #    which reruns half the build, once) and its tasks run once more through the floor
    if full:
        result["edits"] = {}
        for label, path, change, repeat in (
            ("one profile", "org_profiles/org-00001.yaml", lambda t, i: t.replace("name: ", f"name: Renamed{i} ", 1),
             runs),
            ("one shared template", "templates/faq/page.css.j2", lambda t, i: t + f"\n/* edited {i} */\n", runs),
            ("one locale's sources", f"sources/{locales[-1]}/infographic.yaml",
             lambda t, i: re.sub(r"(?m)^steps_heading: (.*)$", rf"steps_heading: \1 {i}", t, count=1), 1),
        ):
            file = project / path
            original = file.read_text()
            expected = _downstream(project, [path])
            times, ran = [], set()
            for i in range(repeat):
                file.write_text(change(original, i))
                seconds, run_result = _doit(project, "-n", str(workers))
                times.append(seconds)
                ran = _ran(run_result) if i == 0 else ran
                file.write_text(original)
                _doit(project, "-n", str(workers))
            # the same tasks once more through the floor, from the same starting state
            file.write_text(change(original, 0))
            floor_seconds = _floor(project, workers, only=ran)["seconds"] if ran else 0.0
            _doit(project, "-n", str(workers))
            file.write_text(original)
            _doit(project, "-n", str(workers))
            result["edits"][label] = {
                "seconds": _median(times), "spread": _spread(times), "runs": repeat, "tasks_ran": len(ran),
                "tasks_downstream": len(expected),
                "unexpected": sorted(ran - expected)[:5], "missing": sorted(expected - ran)[:5],
                "floor_seconds": round(floor_seconds, 3),
                "budget_seconds": round(_median(noop) + 1.2 * floor_seconds, 3),
            }
    shutil.rmtree(project, ignore_errors=True)
    return result


def table(results: list[dict]) -> str:
    lines = ["| orgs | tasks | cold s (min–max) | render floor s (min–max) | ratio (min–max) | ratio, CPU-normalised "
             "(min–max) | cold CPU ms per org-locale | no-op s | bare floor s | ratio | fresh-checkout s | "
             "peak RSS MB | RSS growth 100→2000 % | RSS growth 100→last % |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]

    def spread(value: object, bounds: list | None) -> str:
        return f"{value} ({bounds[0]}–{bounds[1]})" if bounds and bounds[0] != bounds[1] else str(value)

    for r in results:
        cold, noop = r["cold"], r["noop"]
        fresh = r.get("fresh_checkout_noop", {})
        lines.append(
            f"| {r['orgs']} | {cold['tasks']} | {spread(cold['seconds'], cold.get('spread'))} | "
            f"{spread(cold.get('floor_seconds', '–'), cold.get('floor_spread'))} | "
            f"{spread(cold.get('ratio', '–'), cold.get('ratio_spread'))} | "
            f"{spread(cold.get('cpu_normalised_ratio', '–'), cold.get('cpu_normalised_spread'))} | "
            f"{cold.get('cpu_ms_per_org_locale', '–')} | "
            f"{noop['seconds']} | {noop.get('bare_floor_seconds', '–')} | "
            f"{noop.get('ratio', '–')} | {fresh.get('seconds', '–')} | {r['memory']['peak_rss_mb']} | "
            f"{r['memory']['growth_100_to_2000_pct']} | {r['memory']['growth_100_to_last_pct']} |"
        )
    for r in results:
        for label, edit in r.get("edits", {}).items():
            lines.append(
                f"\n{r['orgs']} orgs, {label}: {spread(edit['seconds'], edit.get('spread'))} s "
                f"(median of {edit['runs']}), "
                f"{edit['tasks_ran']} tasks ran of "
                f"{edit['tasks_downstream']} downstream; floor {edit['floor_seconds']} s, "
                f"budget (no-op + 1.2 × floor) {edit['budget_seconds']} s"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--orgs", type=int, default=1000)
    parser.add_argument("--locales", default="en,es")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--curve", default="", help="comma-separated sizes, e.g. 100,500,1000,2000 (one run each)")
    parser.add_argument("--out", default="bench/results.json")
    parser.add_argument("--quick", action="store_true", help="5 orgs, one run: checks the harness works")
    options = parser.parse_args(argv)
    locales = options.locales.split(",")
    if options.quick:
        options.orgs, options.runs, options.curve = 5, 1, ""
    with tempfile.TemporaryDirectory(prefix="visitkit-bench-") as scratch:
        results = [measure(options.orgs, locales, options.runs, options.workers, Path(scratch))]
        for size in [int(s) for s in options.curve.split(",") if s]:
            if size != options.orgs:
                results.append(measure(size, locales, 1, options.workers, Path(scratch), full=False))
    results.sort(key=lambda r: r["orgs"])
    document = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}, "results": results}
    Path(options.out).write_text(json.dumps(document, indent=1) + "\n")
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
