"""`visitkit check`: every profile, the sources and the templates, without rendering; the build's lines."""

from __future__ import annotations

import time

from tests.cli_support import project_copy, visitkit
from tests.pipeline_support import doit

BROKEN = "name: Acme Clinic\nvertical: healthcare\nbrand:\n  primary: blue\nlinks:\n  booking: https://acme.example/b\n"
BROKEN_LINE = "ERROR org_profiles/acme.yaml:4: brand.primary: expected a colour like #1A2B3C, got 'blue'"


def test_check_passes_the_examples_quickly_and_renders_nothing(tmp_path):
    project = project_copy(tmp_path / "p")
    started = time.monotonic()
    result = visitkit(project, "check")
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    profiles = len(list((project / "org_profiles").glob("*.yaml")))
    assert result.stderr.splitlines() == [f"visitkit check: {profiles} profiles, sources and templates: no problems"]
    assert not (project / "build").exists()  # nothing rendered, nothing written
    assert elapsed < 20, elapsed  # about 2 s on the 2-core reference machine


def test_check_prints_the_builds_line_for_a_broken_profile(tmp_path):
    project = project_copy(tmp_path / "p")
    (project / "org_profiles" / "acme.yaml").write_text(BROKEN, encoding="utf-8")
    result = visitkit(project, "check")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [BROKEN_LINE]
    assert result.stderr.strip().endswith("1 problem")
    # The build says exactly the same about it.
    built = doit(project, "validate")
    assert built.returncode != 0
    assert BROKEN_LINE in built.stdout.splitlines()
    # Only the organisations asked for.
    assert visitkit(project, "check", "sample").returncode == 0
    missing = visitkit(project, "check", "nobody")
    assert missing.returncode == 1
    assert missing.stdout.splitlines() == ["ERROR org_profiles/nobody.yaml: expected a YAML file, got nothing"]


def test_check_reports_broken_sources_and_templates_once_each(tmp_path):
    project = project_copy(tmp_path / "p")
    ui = project / "sources" / "es" / "ui.yaml"
    ui.write_text(ui.read_text(encoding="utf-8") + "broken: [\n", encoding="utf-8")
    template = project / "templates" / "email" / "email.txt.j2"
    lines = template.read_text(encoding="utf-8").splitlines()
    template.write_text("\n".join(lines) + "\n{% if %}\n", encoding="utf-8")
    result = visitkit(project, "check")
    assert result.returncode == 1
    found = result.stdout.splitlines()
    assert len(found) == 2, found
    assert found[0].startswith("ERROR sources/es/ui.yaml:") and "YAML error" in found[0]
    assert (
        found[1]
        == f"ERROR templates/email/email.txt.j2:{len(lines) + 1}: Expected an expression, got 'end of statement block'"
    )


def test_check_warns_about_a_profile_the_build_does_not_read(tmp_path):
    project = project_copy(tmp_path / "p")
    (project / "org_profiles" / "acme.yml").write_text(BROKEN, encoding="utf-8")
    result = visitkit(project, "check")
    assert result.returncode == 0  # a warning, as in the build
    assert result.stdout.splitlines() == [
        "WARNING org_profiles/acme.yml: not built: a profile's name must end in .yaml (rename it to acme.yaml)"
    ]
