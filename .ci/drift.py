#!/usr/bin/env python3
"""Which newer release broke which tests: the packages of this environment against constraints.txt.

    python .ci/drift.py --list
        Only list the packages whose installed version differs from constraints.txt (``--dry-run``
        is the same). Exits 0.

    python .ci/drift.py [--failed-from PYTEST_LOG] [-- PYTEST_ARGS...]
        For each package whose installed version differs from its pin, install the project in a
        virtual environment pinned to constraints.txt (made once in a temporary folder, and put back
        after each package) with only that package at the installed version, run the tests, and
        print one line per package:

            weasyprint 70.0 -> 71.1: breaks tests/test_render_pdf.py::test_one_page (and 3 more)
            pillow 13.0.0 -> 13.1.0: ok

        then a plain summary. The tests are the ones that failed in PYTEST_LOG (the output of the
        failing run: its "FAILED"/"ERROR" summary lines) when given, else PYTEST_ARGS, else all of
        them. Tests that already fail with constraints.txt alone are not blamed on any package.
        An upgrade whose release cannot be installed beside the other pins is tried again with the
        upgrades of its own dependencies; failing that, pip's reason is printed. Exits 1 when an
        upgrade breaks a test, else 0.

    python .ci/drift.py --requirements [--no-upper]
        Print the project's requirements (its dependencies and the test extra), one a line;
        with --no-upper, without their upper bounds (.ci/newest --no-upper installs these).

The environment compared is the one running this script. .ci/newest runs it after the tests fail
with the newest releases. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONSTRAINTS = ROOT / "constraints.txt"
# `pip freeze` leaves these out, and so does constraints.txt
UNPINNED = {"pip", "setuptools", "wheel", "distribute"}
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*==\s*([^\s;]+)")
REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*([^;]*?)\s*(;.*)?$")
SUMMARY_LINE = re.compile(r"^(?:FAILED|ERROR) (.+?)(?: - .*)?$")


def canonical(name: str) -> str:
    """A package name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Change:
    name: str
    old: str | None  # the pin in constraints.txt; None: not pinned
    new: str | None  # the installed version; None: not installed

    @property
    def key(self) -> str:
        return canonical(self.name)

    def __str__(self) -> str:
        old = self.old if self.old is not None else "(not pinned)"
        new = self.new if self.new is not None else "(not installed)"
        return f"{self.name} {old} -> {new}"


def read_constraints(path: Path) -> dict[str, tuple[str, str]]:
    """``canonical name -> (name, version)`` for each ``name==version`` line."""
    pins = {}
    for line in path.read_text().splitlines():
        match = PIN.match(line.split("#", 1)[0].strip())
        if match:
            pins[canonical(match[1])] = (match[1], match[2])
    return pins


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def installed() -> dict[str, tuple[str, str]]:
    """``canonical name -> (name, version)`` of this environment, as `pip freeze --exclude-editable` sees it."""
    skip = UNPINNED | {canonical(project()["name"])}
    found: dict[str, tuple[str, str]] = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if not name or canonical(name) in skip or canonical(name) in found:
            continue  # the first on sys.path is the one imported
        direct = dist.read_text("direct_url.json")
        if direct and json.loads(direct).get("dir_info", {}).get("editable"):
            continue
        found[canonical(name)] = (name, dist.version)
    return found


def differences(pins: dict[str, tuple[str, str]], here: dict[str, tuple[str, str]]) -> list[Change]:
    changes = []
    for key in sorted(pins.keys() | here.keys()):
        old = pins.get(key, (None, None))[1]
        new = here.get(key, (None, None))[1]
        if old != new:
            changes.append(Change((here.get(key) or pins[key])[0], old, new))
    return changes


def requirements(no_upper: bool) -> list[str]:
    meta = project()
    found = list(meta.get("dependencies", [])) + list(meta.get("optional-dependencies", {}).get("test", []))
    return [without_upper(req) for req in found] if no_upper else found


def without_upper(requirement: str) -> str:
    """``doit>=0.36,<0.38`` -> ``doit>=0.36``: the newest release is allowed."""
    match = REQUIREMENT.match(requirement)
    if not match:
        return requirement
    name, extras, specifiers, marker = match.groups()
    kept = []
    for specifier in specifiers.split(","):
        specifier = specifier.strip()
        if not specifier or specifier.startswith("<"):
            continue
        kept.append(">=" + specifier[2:].strip() if specifier.startswith("~=") else specifier)
    return f"{name}{extras or ''}{','.join(kept)}{' ' + marker if marker else ''}"


def failed_tests(output: str) -> list[str]:
    """The node ids of pytest's "short test summary info" lines (FAILED and ERROR), in order."""
    found: list[str] = []
    in_summary = False
    for line in output.splitlines():
        if "short test summary info" in line:
            in_summary = True
            continue
        match = SUMMARY_LINE.match(line) if in_summary else None
        if match and match[1] not in found:
            found.append(match[1])
    return found


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PIP_CONSTRAINT", None)  # each pip call below names its constraints itself
    return env


def pip(python: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(python), "-m", "pip", *args], capture_output=True, text=True, env=environment(), cwd=ROOT
    )


def last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("ERROR")]
    return (errors or lines or ["(no output)"])[-1]


def pip_complaint(text: str) -> str:
    """pip's reason in one line: the lines under "The conflict is caused by:", else its first error."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.strip() == "The conflict is caused by:":
            causes = []
            for cause in lines[index + 1 :]:
                if not cause.startswith((" ", "\t")) or not cause.strip():
                    break
                causes.append(cause.strip())
            if causes:
                return "; ".join(causes)
    errors = [line.strip() for line in lines if line.startswith("ERROR") and "ResolutionImpossible" not in line]
    return errors[0] if errors else last_line(text)


@dataclass
class TestRun:
    status: int
    failed: list[str]
    tail: str


def run_tests(python: Path, args: list[str]) -> TestRun:
    env = environment()
    env["PATH"] = f"{python.parent}{os.pathsep}{env.get('PATH', '')}"  # `doit`, `ruff` of that environment
    env["VIRTUAL_ENV"] = str(python.parent.parent)
    result = subprocess.run([str(python), "-m", "pytest", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    output = result.stdout + result.stderr
    return TestRun(result.returncode, failed_tests(output), last_line(output))


def describe(run: TestRun, baseline: TestRun) -> tuple[bool, str]:
    """(breaks?, what to print after the package) for a test run, given the run with constraints.txt alone."""
    if run.status == 0:
        return False, "ok"
    new = [test for test in run.failed if test not in baseline.failed]
    if new:
        more = f" (and {len(new) - 1} more)" if len(new) > 1 else ""
        return True, f"breaks {new[0]}{more}"
    if run.failed and baseline.status != 0:
        return False, "ok (fails only what constraints.txt fails too)"
    return True, f"breaks the test run: pytest exited {run.status}: {run.tail}"


def versions_in(python: Path) -> dict[str, tuple[str, str]]:
    result = subprocess.run(
        [str(python), __file__, "--installed-json"], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return {key: tuple(value) for key, value in json.loads(result.stdout).items()}


def restore(python: Path, base: dict[str, tuple[str, str]]) -> None:
    """Put the environment back to exactly ``base`` after one package was tried."""
    now = versions_in(python)
    added = [now[key][0] for key in now if key not in base]
    changed = [f"{name}=={version}" for key, (name, version) in base.items() if now.get(key) != (name, version)]
    if added:
        pip(python, "uninstall", "-y", "-q", *added)
    if changed:
        pip(python, "install", "-q", "--no-deps", *changed)


def dependencies_of(name: str) -> set[str]:
    """The canonical names this environment's release of ``name`` requires (extras and markers included)."""
    found = set()
    for requirement in metadata.requires(name) or []:
        match = REQUIREMENT.match(requirement)
        if match:
            found.add(canonical(match[1]))
    return found


def try_alone(python: Path, change: Change, changes: list[Change], pins: dict, folder: Path) -> tuple[str, str]:
    """Install ``change`` with every other package at its pin; when its release needs newer dependencies,
    those at this environment's versions too. The other pins are requirements, not constraints, so that
    pip checks them all against each other. Returns (what was installed, pip's complaint or "")."""
    trials = [[change]]
    needed = dependencies_of(change.name)
    with_dependencies = [other for other in changes if other.key in needed and other.old and other.new]
    if with_dependencies:
        trials.append([change, *with_dependencies])
    complaint = ""
    for trial in trials:
        freed = {item.key for item in trial}
        others = folder / f"requirements-without-{change.key}.txt"
        others.write_text("".join(f"{n}=={v}\n" for key, (n, v) in sorted(pins.items()) if key not in freed))
        # not -q: pip then explains a conflict ("The conflict is caused by: ...")
        result = pip(python, "install", "-r", str(others), *(f"{item.name}=={item.new}" for item in trial))
        if result.returncode == 0:
            extra = ", ".join(str(item) for item in trial[1:])
            return (f"{change} (with {extra})" if extra else str(change)), ""
        complaint = pip_complaint(result.stdout + result.stderr)
    return str(change), complaint


def bisect(constraints: Path, pytest_args: list[str], failed_from: Path | None) -> int:
    pins = read_constraints(constraints)
    changes = differences(pins, installed())
    upgrades = [change for change in changes if change.old and change.new]
    print(f"{len(changes)} package(s) differ from {constraints.name}:", flush=True)
    for change in changes:
        print(f"  {change}", flush=True)
    if not upgrades:
        print("No pinned package has another version here: there is nothing to try alone.")
        return 0

    selection = failed_tests(failed_from.read_text(errors="replace")) if failed_from else []
    args = ["-q", "-p", "no:cacheprovider", "-rfE", *pytest_args, *selection]
    if selection:
        print(f"Running the {len(selection)} test(s) that failed in {failed_from}.", flush=True)
    with tempfile.TemporaryDirectory(prefix="drift-") as tmp:
        folder = Path(tmp)
        python = folder / "venv" / "bin" / "python"
        subprocess.run([sys.executable, "-m", "venv", str(folder / "venv")], check=True)
        pip(python, "install", "-q", "--upgrade", "pip")
        base_install = pip(python, "install", "-c", str(constraints), "-e", f"{ROOT}[test]")
        if base_install.returncode != 0:
            print(f"Cannot install the project with {constraints.name}: {pip_complaint(base_install.stderr)}")
            return 1
        base = versions_in(python)
        baseline = run_tests(python, args)
        broken_already = describe(baseline, TestRun(0, [], ""))[1]
        print(f"{constraints.name} alone: {'ok' if baseline.status == 0 else broken_already}", flush=True)

        broken: list[str] = []
        untried: list[str] = []
        for change in upgrades:
            label, complaint = try_alone(python, change, changes, pins, folder)
            if complaint:
                line = f"{label}: cannot be installed beside the other pins: {complaint}"
                untried.append(line)
            else:
                breaks, what = describe(run_tests(python, args), baseline)
                line = f"{label}: {what}"
                if breaks:
                    broken.append(line)
            print(line, flush=True)
            restore(python, base)

    print()
    print("Summary:")
    for line in broken + untried:
        print(f"  {line}")
    if broken:
        print(f"{len(broken)} of {len(upgrades)} upgraded package(s) break tests on their own.")
    else:
        print(f"None of the {len(upgrades)} upgraded package(s) breaks a test on its own", end="")
        print(": the failure needs several of them together, or is not caused by an upgrade." if not untried else ".")
    if untried:
        print(f"{len(untried)} could not be tried without other upgrades (pip's reason is on its line).")
    return 1 if broken else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--list", "--dry-run", action="store_true", help="only list what differs")
    parser.add_argument("--constraints", type=Path, default=CONSTRAINTS, help="default: constraints.txt")
    parser.add_argument("--failed-from", type=Path, help="a pytest log: run only the tests that failed in it")
    parser.add_argument("--requirements", action="store_true", help="print the project's requirements")
    parser.add_argument("--no-upper", action="store_true", help="with --requirements: drop the upper bounds")
    parser.add_argument("--installed-json", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("pytest_args", nargs="*", help="after --: arguments for pytest")
    options = parser.parse_args(argv)

    if options.installed_json:
        print(json.dumps(installed()))
        return 0
    if options.requirements:
        print("\n".join(requirements(options.no_upper)))
        return 0
    if options.list:
        pins = read_constraints(options.constraints)
        changes = differences(pins, installed())
        where = f"this environment ({sys.executable})"
        if not changes:
            print(f"{options.constraints.name} pins {len(pins)} packages; {where} has exactly those versions.")
        else:
            print(f"{options.constraints.name} pins {len(pins)} packages; {where} differs in {len(changes)}:")
            for change in changes:
                print(f"  {change}")
        return 0
    return bisect(options.constraints, options.pytest_args, options.failed_from)


if __name__ == "__main__":
    sys.exit(main())
