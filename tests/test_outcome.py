"""What a build publishes: nothing stale, a report and an index after every run, failures kept visible.

Each test runs doit for real in a private copy of a built project and checks files and messages.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from tests.pipeline_support import doit, example_orgs
from visitkit import outcome

FAST = "nothing changed since the last build"


def _report(project: Path) -> dict:
    return json.loads((project / "build/report.json").read_text())


def _manifest(project: Path, org: str) -> dict:
    return json.loads((project / f"build/{org}/manifest.json").read_text())


def _zipped(project: Path, org: str) -> set[str]:
    import zipfile

    with zipfile.ZipFile(project / f"build/{org}/{org}-toolkit.zip") as archive:
        return set(archive.namelist())


def _files(project: Path, org: str) -> set[str]:
    folder = project / "build" / org
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _index_text(project: Path, org: str | None = None) -> str:
    """The index page's text (of one organisation's card), with markup boundaries dropped."""
    html = (project / "build/index.html").read_text()
    if org:
        html = html[html.index(f'<article id="{org}">'):]
        html = html[: html.index("</article>")]
    parser = _Text()
    parser.feed(html)
    return " ".join("".join(parser.parts).split())


def _edit(path: Path, pattern: str, replacement: str) -> None:
    text = path.read_text()
    edited = re.sub(pattern, replacement, text, count=1, flags=re.MULTILINE)
    assert edited != text, pattern
    path.write_text(edited)


# ------------------------------------------------------------ nothing stale


def test_a_dropped_locale_is_removed_from_disk_manifest_and_zip(project: Path):
    org = next(o for o, locales in example_orgs().items() if locales == ["en", "es"] and o != "sunvale-health")
    profile = project / f"org_profiles/{org}.yaml"
    text = profile.read_text()
    text = re.sub(r"(?m)^locales: \[en, es\]$", "locales: [en]", text)
    profile.write_text(re.sub(r"(?m)^\s+es: .*\n", "", text))  # and the Spanish translations with it
    result = doit(project)
    assert result.returncode == 0, result.stdout
    assert not (project / f"build/{org}/es").exists()
    assert not (project / f"build/.work/{org}/es").exists()
    assert not any(name.startswith("es/") for name in _manifest(project, org)["files"])
    assert not any(name.startswith("es/") for name in _zipped(project, org))
    assert f"removed from build/{org}/, no longer built: es/" in result.stdout
    assert FAST in doit(project).stdout


def test_an_opt_in_output_turned_off_and_a_removed_logo_are_removed(project: Path):
    profile = project / "org_profiles/sunvale-health.yaml"
    _edit(profile, r"^(\s+structured_data:) true$", r"\1 false")
    _edit(profile, r"^  logo: .*\n", "")
    result = doit(project)
    assert result.returncode == 0, result.stdout
    files = _files(project, "sunvale-health")
    for gone in ("en/faq.jsonld", "en/logo.png", "es/faq.jsonld", "es/logo.png"):
        assert gone not in files
        assert gone not in _manifest(project, "sunvale-health")["files"]
        assert gone not in _zipped(project, "sunvale-health")
    assert "en/faq.html" in files
    assert set(_manifest(project, "sunvale-health")["files"]) | {"manifest.json", "sunvale-health-toolkit.zip"} == files


def test_a_deleted_organisation_leaves_the_index_and_report(project: Path):
    org = next(iter(example_orgs()))
    (project / f"org_profiles/{org}.yaml").unlink()
    result = doit(project)
    assert result.returncode == 0, result.stdout
    assert not (project / "build" / org).exists() and not (project / "build/.work" / org).exists()
    assert org not in _report(project)["organisations"]
    assert f'id="{org}"' not in (project / "build/index.html").read_text()


# ------------------------------------------------------ failures stay visible


def test_a_broken_profile_keeps_its_last_good_outputs_and_shows_as_failed(project: Path):
    org = "brightside-hardware"
    before = {name: (project / "build" / org / name).read_bytes() for name in _files(project, org)}
    good = _report(project)["organisations"][org]
    assert good["status"] == "ok" and good["errors"] == [] and good["last_good"]
    profile = project / f"org_profiles/{org}.yaml"
    _edit(profile, r'^(  primary: ).*$', r"\1blue")
    result = doit(project)
    assert result.returncode != 0
    assert {name: (project / "build" / org / name).read_bytes() for name in _files(project, org)} == before
    entry = _report(project)["organisations"][org]
    line = next(n for n, t in enumerate(profile.read_text().splitlines(), 1) if t.startswith("  primary:"))
    assert entry["status"] == "failed"
    assert entry["errors"] == [f"org_profiles/{org}.yaml:{line}: brand.primary: expected a colour like #1A2B3C, "
                               "got 'blue'"]
    assert entry["last_good"] == good["last_good"]
    assert _report(project)["failed"] == [org]
    text = _index_text(project, org)
    assert f"Last build failed: these files are from the last good build, {good['last_good']}." in text
    assert entry["errors"][0] in text
    assert "1 failed" in _index_text(project)
    # the other organisations are still listed and ok
    assert all(v["status"] == "ok" for k, v in _report(project)["organisations"].items() if k != org)
    # fixed: ok again
    _edit(profile, r'^(  primary: ).*$', r'\1"#FFD500"')
    assert doit(project).returncode == 0
    assert _report(project)["organisations"][org]["status"] == "ok"
    assert "Last build failed" not in _index_text(project)


def test_an_organisation_that_never_built_is_listed_as_failed(project: Path):
    (project / "org_profiles/newcomer.yaml").write_text("name: Newcomer\nvertical: retail\n")  # no links
    result = doit(project)
    assert result.returncode != 0
    entry = _report(project)["organisations"]["newcomer"]
    assert entry["status"] == "failed" and entry["last_good"] is None and entry["errors"]
    assert "Last build failed: nothing has been built yet." in _index_text(project, "newcomer")


def test_summary_shows_every_error_line_up_to_a_limit(project: Path):
    org = "brightside-hardware"
    profile = project / f"org_profiles/{org}.yaml"
    text = profile.read_text()
    for key in ("primary", "secondary", "background", "text"):
        text = re.sub(rf'(?m)^(  {key}: ).*$', r"\1blue", text, count=1)
    text = text.replace("vertical: retail", "vertical: shop")
    text += "extra_one: 1\nextra_two: 2\n"
    profile.write_text(text)
    result = doit(project)
    errors = _report(project)["organisations"][org]["errors"]
    assert len(errors) > outcome.SHOWN_ERRORS
    summary = result.stdout.split("failed orgs 1, ")[1]
    for line in errors[: outcome.SHOWN_ERRORS]:
        assert line in summary
    assert f"+{len(errors) - outcome.SHOWN_ERRORS} more" in summary
    assert "warnings by kind: contrast " in summary


def test_a_shared_template_error_is_reported_once(project: Path):
    template = project / "templates/faq/page.html.j2"
    lines = template.read_text().splitlines(keepends=True)
    template.write_text("".join([*lines[:13], "{{ broken } }}\n", *lines[13:]]))  # a stray } on line 14
    result = doit(project)
    assert result.returncode != 0
    errors = [line for line in result.stdout.splitlines() if line.startswith("ERROR ")]
    assert errors == ["ERROR templates/faq/page.html.j2:14: unexpected '}'"]  # once, not once per page
    count = len(example_orgs())
    assert f"  templates/faq/page.html.j2:14: unexpected '}}' (stops {count} organisations: " in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert set(_report(project)["failed"]) == set(example_orgs())


def test_a_profile_saved_as_yml_is_named_in_a_warning(project: Path):
    shutil.copy(project / "org_profiles/sample.yaml", project / "org_profiles/acme.yml")
    result = doit(project)
    line = "WARNING org_profiles/acme.yml: not built: a profile's name must end in .yaml (rename it to acme.yaml)"
    assert line in result.stdout
    assert _report(project)["ignored_profiles"] == [line.removeprefix("WARNING ")]


# ------------------------------------------------------------------ strict


def test_strict_fails_a_build_with_warnings_after_writing_it(project: Path):
    assert sum(_report(project)["warnings"].values()) > 0  # the examples have contrast warnings
    for _ in range(2):  # after a full run, and from the no-op record
        result = doit(project, "strict=1")
        assert result.returncode == 1
        assert re.search(r"^visitkit: strict=1: failing the build: \d+ warnings$", result.stdout, re.M)
    assert doit(project).returncode == 0
    assert (project / "build/index.html").is_file()


def test_strict_passes_a_build_without_warnings(tmp_path: Path):
    from tests.pipeline_support import copy_project

    project = copy_project(tmp_path / "calm")
    for path in (project / "org_profiles").glob("*.yaml"):
        if path.stem != "caja-rural-guadalquivir":
            path.unlink()
            shutil.rmtree(project / "org_profiles" / path.stem, ignore_errors=True)
    profile = project / "org_profiles/caja-rural-guadalquivir.yaml"
    profile.write_text(profile.read_text() + 'assets_base_url: "https://cdn.example.org/caja/"\n')
    result = doit(project, "strict=1")
    assert result.returncode == 0, result.stdout
    assert _report(project)["warnings"] == {}


# ------------------------------------------------------------------- merge


def _merge(folder: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "visitkit.merge", *args], cwd=cwd or folder, capture_output=True,
                          text=True, timeout=120)


def test_merge_reads_only_the_shards_it_merges(project: Path, tmp_path: Path):
    build = project / "build"
    own = json.loads((build / "report.json").read_text())
    (build / ".reports").mkdir()
    (build / ".reports/.doit.json").write_text(json.dumps(own))  # left by an older local build
    for index in (1, 2):
        (build / f".reports/.doit-shard-{index}-of-2.json").write_text(json.dumps({**own, "shard": [index, 2]}))
    stale = {**own, "organisations": {"ghost": {"status": "failed", "errors": ["old"], "warnings": [],
                                                 "last_good": None}}}
    (build / ".reports/.doit-shard-1-of-3.json").write_text(json.dumps(stale))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = _merge(build, str(build), "--shards", "2", cwd=elsewhere)  # from any folder
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ignored" in result.stdout and ".doit-shard-1-of-3.json" in result.stdout and ".doit.json" in result.stdout
    merged = json.loads((build / "report.json").read_text())
    assert "ghost" not in merged["organisations"] and merged["shards"] == 2
    assert set(merged["organisations"]) == set(example_orgs())


def test_merge_names_a_missing_shard_and_has_help(project: Path):
    build = project / "build"
    own = json.loads((build / "report.json").read_text())
    (build / ".reports").mkdir()
    (build / ".reports/.doit-shard-2-of-2.json").write_text(json.dumps({**own, "shard": [2, 2]}))
    result = _merge(build, "--shards", "2", str(build))
    assert result.returncode == 1
    assert "ERROR shard 1: no report in" in result.stdout
    usage = _merge(build, "--help")
    assert usage.returncode == 0 and "--shards N" in usage.stdout


def test_report_lists_every_organisation_with_kinds_of_warnings(built: Path):
    report = _report(built)
    assert set(report["organisations"]) == set(example_orgs())
    kinds = {w["kind"] for entry in report["organisations"].values() for w in entry["warnings"]}
    assert kinds <= {"contrast", "no_assets_base_url"} and kinds
    assert report["warnings"] == {kind: sum(w["kind"] == kind for e in report["organisations"].values()
                                            for w in e["warnings"]) for kind in sorted(kinds)}
