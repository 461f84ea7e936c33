"""visitkit's doit loader and run command (visitkit/loader.py): doit plugins, kept in step with doit."""

from __future__ import annotations

import inspect
import re
import tomllib
from pathlib import Path

from doit import cmd_run

from tests.conftest import ROOT
from tests.pipeline_support import copy_project, doit
from visitkit import loader, outputs


def test_the_run_command_matches_doits():
    # Run._execute replaces doit's own for -n with threads: same parameters, same defaults.
    ours = inspect.signature(loader.Run._execute).parameters
    theirs = inspect.signature(cmd_run.Run._execute).parameters
    assert [(p.name, p.default) for p in ours.values()] == [(p.name, p.default) for p in theirs.values()]
    assert tuple(ours) == loader.RUN_PARAMETERS


def test_pyproject_names_the_plugins_and_bounds_doit():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    doit_config = config["tool"]["doit"]
    assert doit_config["loader"] == "visitkit"
    assert doit_config["plugins"]["loader"]["visitkit"] == "visitkit.loader:Loader"
    assert doit_config["plugins"]["command"]["run"] == "visitkit.loader:Run"
    (spec,) = [d for d in config["project"]["dependencies"] if d.startswith("doit")]
    assert "<" in spec  # the run command follows doit's internals: an upper bound


def test_doit_list_shows_every_registry_group(tmp_path: Path):
    project = copy_project(tmp_path / "project")
    listed = doit(project, "list").stdout
    for output in outputs.OUTPUTS:
        assert re.search(rf"(?m)^{output.group} +{re.escape(output.doc)}$", listed), output.group
    assert not (project / "build").exists()  # listing plans, builds nothing


def test_another_dodo_file_is_loaded_as_doit_would(tmp_path: Path):
    # the benchmark's floor: a plain dodo file in a visitkit project
    project = copy_project(tmp_path / "project")
    (project / "other.py").write_text(
        "def task_hello():\n    return {'actions': ['echo hello > hello.txt'], 'targets': ['hello.txt']}\n"
    )
    result = doit(project, "-f", "other.py")
    assert result.returncode == 0, result.stderr
    assert (project / "hello.txt").read_text().strip() == "hello"
    assert not (project / "build").exists()


def test_parallel_builds_render_in_visitkits_workers(tmp_path: Path):
    project = copy_project(tmp_path / "project")
    for profile in (project / "org_profiles").glob("*.yaml"):
        if profile.stem != "sample":
            profile.unlink()
    log = tmp_path / "rss"
    log.mkdir()
    result = doit(project, "-n", "2", env={"VISITKIT_RSS_LOG": str(log)})
    assert result.returncode == 0, result.stdout + result.stderr
    pids = {p.stem for p in log.glob("*.log")}
    assert len(pids) == 2  # two long-lived render processes: not doit's threads, not one per document
