"""doit's own commands keep the meaning doit documents, whatever visitkit's no-op fast path does.

Each test runs doit for real in a private copy of a built project.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from tests.pipeline_support import doit, example_orgs, ran

FAST = "nothing changed since the last build"


def _first() -> tuple[str, str]:
    org, locales = next(iter(example_orgs().items()))
    return org, locales[0]


def test_forget_then_build_reruns_the_forgotten_task(project: Path):
    org, locale = _first()
    assert doit(project, "forget", f"pptx:{org}/{locale}").returncode == 0
    result = doit(project)
    assert FAST not in result.stdout
    assert ran(result) == {f"pptx:{org}/{locale}"}  # same bytes: nothing downstream of it reruns
    assert FAST in doit(project).stdout


def test_ignored_task_stays_ignored_after_an_edit(project: Path):
    org, locale = _first()
    assert doit(project, "ignore", f"pdf:{org}/{locale}").returncode == 0
    css = project / "templates/infographic/infographic.css"
    css.write_text(css.read_text() + "\n/* an edit every PDF reads */\n")
    result = doit(project)
    assert result.returncode == 0, result.stdout
    pdfs = {name for name in ran(result) if name.startswith("pdf:")}
    assert f"pdf:{org}/{locale}" not in pdfs
    assert len(pdfs) == sum(len(locales) for locales in example_orgs().values()) - 1


def test_always_execute_runs_every_task(project: Path):
    result = doit(project, "-a")
    assert FAST not in result.stdout
    every = {f"pdf:{org}/{locale}" for org, locales in example_orgs().items() for locale in locales}
    assert every <= ran(result)


def test_info_shows_the_files_behind_the_stamps(project: Path):
    org, locale = _first()
    result = doit(project, "info", f"pdf:{org}/{locale}")
    assert result.returncode == 0, result.stderr
    for read in ("templates/infographic/infographic.html.j2", "templates/infographic/infographic.css",
                 "visitkit/render/pdf.py", f"build/.work/{org}/{locale}/content.json"):
        assert f"'{read}'" in result.stdout, read
    assert re.search(r"'weasyprint': '\d", result.stdout)  # and the library versions it renders with


def test_upgrading_a_rendering_library_rebuilds_what_it_renders(project: Path, tmp_path: Path):
    # An installed distribution's version is what its metadata says: a newer metadata folder ahead on
    # the path is, for planning, an upgraded WeasyPrint (the code that runs is the same).
    site = tmp_path / "site"
    info = site / "weasyprint-999.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: weasyprint\nVersion: 999.0\n")
    upgraded = {"PYTHONPATH": f"{site}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    result = doit(project, env=upgraded)
    assert result.returncode == 0, result.stdout + result.stderr
    groups = {name.split(":")[0] for name in ran(result)}
    assert FAST not in result.stdout
    assert {"pdf", "email", "logo"} <= groups  # the renderers that run on WeasyPrint
    assert not groups & {"faq", "fragment", "resources", "email_text", "readme", "validate", "content"}
    assert FAST in doit(project, env=upgraded).stdout


def test_clean_leaves_no_file_folder_or_report(project: Path):
    result = doit(project, "clean")
    assert result.returncode == 0, result.stderr
    assert not (project / "build").exists(), sorted(p.as_posix() for p in (project / "build").rglob("*"))
    rebuilt = doit(project)  # and the next build is a full one, not a no-op from an old record
    assert rebuilt.returncode == 0 and FAST not in rebuilt.stdout
    assert (project / "build/index.html").is_file()


def test_clean_dry_run_removes_nothing(project: Path):
    before = sorted(p.as_posix() for p in (project / "build").rglob("*"))
    assert doit(project, "clean", "-n").returncode == 0
    assert sorted(p.as_posix() for p in (project / "build").rglob("*")) == before


def test_clean_one_task_removes_only_its_target(project: Path):
    org, locale = _first()
    assert doit(project, "clean", f"pdf:{org}/{locale}").returncode == 0
    assert not (project / f"build/{org}/{locale}/infographic.pdf").exists()
    assert (project / f"build/{org}/{locale}/infographic.pptx").exists()
    assert (project / "build/index.html").exists()


def test_task_lines_are_off_in_ci_logs_and_on_when_asked(project: Path):
    org, locale = _first()
    doit(project, "forget", f"pptx:{org}/{locale}")
    quiet = doit(project, env={"VISITKIT_TASK_LINES": ""})  # not a terminal: a CI log
    assert ran(quiet) == set() and "visitkit: run 1," in quiet.stdout
    doit(project, "forget", f"pptx:{org}/{locale}")
    assert ran(doit(project, env={"VISITKIT_TASK_LINES": "1"})) == {f"pptx:{org}/{locale}"}


def test_an_interrupted_build_leaves_its_edit_for_the_next_one(project: Path):
    """Ctrl-C mid-build: no traceback, and the next plain `doit` rebuilds what the interrupted one had not."""
    import signal
    import subprocess
    import sys

    org = next(iter(example_orgs()))
    path = project / f"org_profiles/{org}.yaml"
    path.write_text(re.sub(r"(?m)^name: .*$", "name: Interrupted Edit", path.read_text(), count=1))
    env = {**os.environ, "VISITKIT_TASK_LINES": "1"}
    with subprocess.Popen(
        [sys.executable, "-m", "doit"], cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, start_new_session=True,
        # as from a terminal: a suite started in the background (`cmd &` in a script) passes SIGINT on ignored
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    ) as build:
        assert build.stdout is not None
        for line in build.stdout:
            if line.startswith(".  content:"):  # the first tasks ran; the renders are still to come
                break
        os.killpg(build.pid, signal.SIGINT)
        out, err = build.communicate(timeout=120)
    assert "interrupted" in out and "Traceback" not in out + err
    result = doit(project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "nothing changed" not in result.stdout
    locale = example_orgs()[org][0]
    assert "Interrupted Edit" in (project / f"build/{org}/{locale}/faq.html").read_text()
