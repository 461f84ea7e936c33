"""The CI workflows: the toolkit fan-out (a scheduled and manual run, a shard matrix, cached state, a merge),
and the tests that prove the README's set-up commands, with pinned versions and a weekly newest-releases job."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import ROOT


def _workflow() -> dict:
    return yaml.load((ROOT / ".github/workflows/toolkits.yml").read_text(), Loader=yaml.BaseLoader)


def test_workflow_is_scheduled_and_manual():
    triggers = _workflow()["on"]
    assert triggers["schedule"][0]["cron"]
    assert "workflow_dispatch" in triggers


def test_shards_keep_their_state_and_merge_from_manifests():
    workflow = _workflow()
    assert workflow["concurrency"]["group"]
    build = workflow["jobs"]["build"]
    assert "matrix" in build["strategy"] and build["strategy"]["fail-fast"] == "false"
    steps = " ".join(str(step) for step in build["steps"])
    assert "shard=" in steps and "actions/cache/restore" in steps and "actions/cache/save" in steps
    assert ".doit-shard-" in str(build["env"])
    assert "upload-artifact" in steps
    merge = workflow["jobs"]["merge"]
    assert "build" in merge["needs"]
    assert 'python -m visitkit.merge --shards "${{ needs.plan.outputs.count }}" build' in str(merge["steps"])
    failure = workflow["jobs"]["report-failure"]
    assert "schedule" in failure["if"] and "gh issue create" in str(failure["steps"])


# --- CI proves the README's promise: tests.yml, .ci/run, the pinned versions, .ci/drift.py ---

README_COMMANDS = ("pip install -e . && doit", "pip install -e '.[test]' && pytest")


def _tests_workflow() -> dict:
    return yaml.load((ROOT / ".github/workflows/tests.yml").read_text(), Loader=yaml.BaseLoader)


def _commands(path: Path) -> list[str]:
    """The lines of a shell script that run something: no comments, no echo."""
    lines = [line.strip() for line in path.read_text().splitlines()]
    return [line for line in lines if line and not line.startswith(("#", "echo "))]


def _direct_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [Requirement(text) for text in project["dependencies"] + project["optional-dependencies"]["test"]]


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"{path.name}: not an exact pin: {line!r}"
            pins[canonicalize_name(name)] = version
    return pins


def _drift(*args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "PIP_CONSTRAINT"}
    return subprocess.run(
        [sys.executable, str(ROOT / ".ci/drift.py"), *args], capture_output=True, text=True, env=env, timeout=60
    )


def test_every_push_runs_ci_and_a_weekly_job_tries_the_newest_releases():
    workflow = _tests_workflow()
    triggers = workflow["on"]
    assert "push" in triggers and "pull_request" in triggers and "workflow_dispatch" in triggers
    assert triggers["schedule"][0]["cron"]
    jobs = workflow["jobs"]
    assert "bash .ci/run" in str(jobs["tests"]["steps"])
    assert jobs["tests"]["if"] == "github.event_name != 'schedule'"
    newest = jobs["newest"]
    assert "schedule" in newest["if"] and "bash .ci/newest" in str(newest["steps"])
    assert {"", "--no-upper"} == {entry["args"] for entry in newest["strategy"]["matrix"]["include"]}
    script = (ROOT / ".ci/newest").read_text()
    assert "pip install --upgrade -e '.[test]'" in _commands(ROOT / ".ci/newest")
    assert "unset PIP_CONSTRAINT" in script and ".ci/drift.py --failed-from" in script


def test_ci_runs_the_readme_commands_exactly_as_written_in_a_fresh_venv_with_the_pins():
    readme = (ROOT / "README.md").read_text()
    commands = _commands(ROOT / ".ci/run")
    for command in README_COMMANDS:
        assert command in readme
        # the command itself, only followed by `|| exit` (set -e does not stop at the left of `&&`)
        assert f"{command} || exit" in commands, command
    script = (ROOT / ".ci/run").read_text()
    assert script.startswith("#!/usr/bin/env bash\n") and "set -euo pipefail" in script
    order = [
        "bash .ci/system-packages",
        'python3 -m venv "$tmp/venv"',
        '. "$tmp/venv/bin/activate"',
        'export PIP_CONSTRAINT="$PWD/constraints.txt"',
        *README_COMMANDS,
        "ruff check .",
    ]
    positions = [next(i for i, line in enumerate(commands) if line.startswith(step)) for step in order]
    assert positions == sorted(positions), order
    system = (ROOT / ".ci/system-packages").read_text()
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "chromium", "chromium-driver"):
        assert f" {package}" in system and package in readme, package


def test_the_toolkit_build_installs_the_pinned_versions():
    workflow = _workflow()
    assert workflow["env"]["PIP_CONSTRAINT"] == "${{ github.workspace }}/constraints.txt"
    for job in ("build", "merge"):
        assert "pip install -e ." in str(workflow["jobs"][job]["steps"])


def test_every_direct_dependency_has_a_tested_range_and_a_pin_inside_it():
    pins = _pins(ROOT / "constraints.txt")
    for requirement in _direct_requirements():
        operators = {specifier.operator for specifier in requirement.specifier}
        assert operators & {">=", "~=", "=="}, f"{requirement}: no lower bound"
        assert operators & {"<", "<=", "~=", "=="}, f"{requirement}: no upper bound"
        pin = pins.get(canonicalize_name(requirement.name))
        assert pin, f"{requirement.name} is not pinned in constraints.txt"
        assert requirement.specifier.contains(pin, prereleases=True), f"{requirement.name}=={pin}: not in {requirement}"
    assert "visitkit" not in pins


def test_the_environment_installed_with_the_constraints_has_exactly_their_versions():
    """In CI (.ci/run sets PIP_CONSTRAINT) every installed package must be pinned: the lock is complete."""
    if Path(os.environ.get("PIP_CONSTRAINT") or "/nonexistent").resolve() != ROOT / "constraints.txt":
        pytest.skip("this environment was not installed with PIP_CONSTRAINT=constraints.txt (CI's is)")
    result = _drift("--list")
    assert result.returncode == 0, result.stderr
    assert "has exactly those versions" in result.stdout, result.stdout


def test_drift_lists_what_differs_from_a_constraints_file(tmp_path):
    yaml_version, jinja_version = metadata.version("PyYAML"), metadata.version("Jinja2")
    constraints = tmp_path / "constraints.txt"
    constraints.write_text(
        "# names spelt differently from the installed ones on purpose\n"
        f"pyyaml==0.0.1\njinja2=={jinja_version}\nno_such.package==1.0\n"
    )
    result = _drift("--list", "--constraints", str(constraints))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("constraints.txt pins 3 packages; this environment (")
    assert f"  PyYAML 0.0.1 -> {yaml_version}" in lines
    assert "  no_such.package 1.0 -> (not installed)" in lines
    assert f"  pytest (not pinned) -> {metadata.version('pytest')}" in lines
    assert not any("jinja2" in line.lower() for line in lines), "an unchanged pin is listed"
    assert not any(line.split()[0] in ("visitkit", "pip", "setuptools") for line in lines[1:])


def test_drift_prints_the_requirements_without_upper_bounds():
    result = _drift("--requirements", "--no-upper")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split()
    assert len(lines) == len(_direct_requirements())
    assert "doit>=0.36" in lines and not any("<" in line for line in lines)
