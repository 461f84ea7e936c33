"""The CI fan-out workflow: a scheduled and manual run, a shard matrix, cached state, a merge."""

from __future__ import annotations

import yaml

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
    assert "python -m visitkit.merge build" in str(merge["steps"])
    failure = workflow["jobs"]["report-failure"]
    assert "schedule" in failure["if"] and "gh issue create" in str(failure["steps"])
