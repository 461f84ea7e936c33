"""The doit pipeline, run for real in a temporary copy of the project.

Each rule of incremental building is proven by editing one input and
checking exactly which tasks ran.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.pipeline_support import (  # noqa: F401 - COPIED and OUTPUT_FILES are used by other test modules
    COPIED,
    OUTPUT_FILES,
    doit,
    example_orgs,
    hashes,
    ran,
    rendered,
)
from visitkit import outputs, tasks


def test_full_build_writes_every_output(built: Path):
    orgs = example_orgs()
    assert len(orgs) >= 4
    for org_id, locales in orgs.items():
        for locale in locales:
            for name in OUTPUT_FILES:
                path = built / "build" / org_id / locale / name
                assert path.is_file() and path.stat().st_size > 0, path


def test_outputs_are_rendered_organisation_after_organisation(built: Path):
    """Every format of one organisation, then the next: a worker meets each renderer within its first documents.
    (The PDF's previews, made from the PDFs rather than the content, come after the renderers.)"""
    order = re.findall(r"^\.  (\S+)$", (built / "first-build.log").read_text(), re.MULTILINE)
    renderers = {o.group for o in outputs.OUTPUTS if o.source is None}
    rendered_orgs = [n.split(":", 1)[1].split("/")[0] for n in order if n.split(":", 1)[0] in renderers]
    assert len(rendered_orgs) > len(example_orgs()) * len(renderers) // 2
    assert rendered_orgs == sorted(rendered_orgs)  # no org's output after the next org's first one


def test_noop_run_executes_nothing(project: Path):
    result = doit(project)
    assert result.returncode == 0
    assert ran(result) == set()


def test_yaml_comment_rebuilds_nothing_downstream(project: Path):
    org = next(iter(example_orgs()))
    with (project / f"org_profiles/{org}.yaml").open("a") as handle:
        handle.write("# a comment changes no validated field\n")
    assert ran(doit(project)) == {f"validate:{org}"}


def test_profile_edit_rebuilds_only_that_org(project: Path):
    orgs = example_orgs()
    org = next(iter(orgs))
    path = project / f"org_profiles/{org}.yaml"
    text = path.read_text()
    path.write_text(re.sub(r"(?m)^name: .*$", "name: Renamed Organisation", text, count=1))
    expected = {f"validate:{org}"} | {f"content:{org}/{locale}" for locale in orgs[org]} | rendered(org, orgs[org])
    assert ran(doit(project)) == expected


def test_renderer_edit_rebuilds_only_its_format(project: Path):
    with (project / "visitkit/render/pptx.py").open("a") as handle:
        handle.write("\n# an edit to the PowerPoint renderer\n")
    expected = set().union(*(rendered(org, locales, ["pptx"]) for org, locales in example_orgs().items()))
    icons = {org.icon for org in tasks.scan()[0]}
    expected |= {f"recipe:pptx-{icon}" for icon in icons}  # the stamps of the renderer's code
    assert ran(doit(project)) == expected


def test_locale_sources_edit_rebuilds_only_that_locale(project: Path):
    path = project / "sources/es/infographic.yaml"
    text = path.read_text()
    path.write_text(re.sub(r"(?m)^steps_heading: (.*)$", r"steps_heading: \1 ya", text, count=1))
    spanish = [(org, "es") for org, locales in example_orgs().items() if "es" in locales]
    assert spanish, "the examples must include a Spanish locale"
    expected = set().union(*({f"content:{org}/es"} | rendered(org, ["es"]) for org, _ in spanish))
    assert ran(doit(project)) == expected | {"recipe:content-es"}


def test_broken_profile_fails_alone(project: Path):
    orgs = example_orgs()
    # the other org: one whose profile writes its name (brightside-hardware takes it from its brand.yml)
    named = [org for org in orgs if re.search(r"(?m)^name: ", (project / f"org_profiles/{org}.yaml").read_text())]
    broken, other = named[:2]
    path = project / f"org_profiles/{broken}.yaml"
    path.write_text(re.sub(r'(?m)^(  primary: ).*$', r"\1blue", path.read_text(), count=1))
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if text.startswith("  primary: "))
    # the other org changes too, and must still build
    other_path = project / f"org_profiles/{other}.yaml"
    other_path.write_text(re.sub(r"(?m)^name: .*$", "name: Still Builds", other_path.read_text(), count=1))
    result = doit(project)
    assert result.returncode != 0
    expected = f"org_profiles/{broken}.yaml:{line}: brand.primary: expected a colour like #1A2B3C, got 'blue'"
    assert expected in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert f"pdf:{other}/{orgs[other][0]}" in ran(result)
    assert not any(name.split(":", 1)[1].startswith(f"{broken}/") for name in ran(result) if ":" in name)


def test_deleted_profile_removes_its_outputs(project: Path):
    org = next(iter(example_orgs()))
    (project / f"org_profiles/{org}.yaml").unlink()
    result = doit(project)
    assert result.returncode == 0, result.stdout
    assert not (project / "build" / org).exists()
    assert ran(doit(project)) == set()


def test_org_selection_builds_only_those(project: Path):
    shutil.rmtree(project / "build")
    (project / ".doit.db").unlink()
    org = next(iter(example_orgs()))
    result = doit(project, f"org={org}")
    assert result.returncode == 0, result.stdout
    assert {p.name for p in (project / "build").iterdir() if p.is_dir() and not p.name.startswith(".")} == {org}
    result = doit(project, "org=no-such-org")
    assert result.returncode != 0
    assert "org_profiles/no-such-org.yaml: no such profile" in result.stdout
    near = org[:-1] + "x"  # a typo of a real id
    result = doit(project, f"org={near}")
    assert f"org_profiles/{near}.yaml: no such profile (asked for with org=); did you mean '{org}'?" in result.stdout


@pytest.mark.parametrize(("parallel", "start_method"), [("thread", "fork"), ("process", "fork"), ("process", "spawn")])
def test_parallel_build_gives_the_same_bytes(built: Path, project: Path, parallel: str, start_method: str, monkeypatch):
    # "thread" (the default) is visitkit's runner, feeding render processes from doit's main thread;
    # doit's own process workers are started with spawn on Python 3.14 and macOS, which re-imports
    # dodo.py in every worker
    monkeypatch.setenv("VISITKIT_START_METHOD", start_method)
    shutil.rmtree(project / "build")
    (project / ".doit.db").unlink()
    result = doit(project, "-n", "2", "-P", parallel)
    assert result.returncode == 0, result.stdout + result.stderr
    assert hashes(project / "build") == hashes(built / "build")


def test_clean_removes_outputs(project: Path):
    result = doit(project, "clean")
    assert result.returncode == 0, result.stderr
    left = [p for p in (project / "build").rglob("*") if p.is_file()]
    assert left == []


def test_task_groups_are_documented(project: Path):
    listing = doit(project, "list").stdout
    for group in ("validate", "content", *tasks.OUTPUTS, "prune", "schema"):
        assert re.search(rf"(?m)^{group}\s+\S", listing), group


def test_same_bytes_from_another_folder_and_hash_seed(built: Path, tmp_path: Path):
    other = tmp_path / "elsewhere" / "checkout"
    other.mkdir(parents=True)
    for name in COPIED:
        src = built / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, other / name)
    result = doit(other)  # PYTHONHASHSEED=random in every run
    assert result.returncode == 0, result.stdout + result.stderr
    assert hashes(other / "build") == hashes(built / "build")


@pytest.mark.parametrize("delay", [0.4, 1.2, 2.5, 4.0])
def test_killed_build_recovers_to_identical_outputs(built: Path, project: Path, delay: float):
    import signal
    import time

    shutil.rmtree(project / "build")
    (project / ".doit.db").unlink()
    process = subprocess.Popen(
        [sys.executable, "-m", "doit"], cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()
    result = doit(project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert hashes(project / "build") == hashes(built / "build")  # no partial file, no leftover


def test_two_builds_at_once_do_not_collide(built: Path, project: Path):
    shutil.rmtree(project / "build")
    (project / ".doit.db").unlink()
    first = subprocess.Popen([sys.executable, "-m", "doit"], cwd=project,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    second = subprocess.Popen([sys.executable, "-m", "doit"], cwd=project,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    outs = [p.communicate(timeout=600) for p in (first, second)]
    assert first.returncode == 0 and second.returncode == 0, outs
    assert any("another build is running in this folder; waiting" in err for _, err in outs)
    assert hashes(project / "build") == hashes(built / "build")
    assert ran(doit(project)) == set()


def _replace_renderer(project: Path, body: str) -> None:
    path = project / "visitkit/render/pptx.py"
    path.write_text(path.read_text() + "\n\n" + body)


def test_runaway_render_is_stopped_and_the_rest_builds(project: Path):
    _replace_renderer(project, "def render(context):\n    import time\n    time.sleep(30)\n")
    env = {**os.environ, "VISITKIT_RENDER_TIMEOUT": "0.5"}
    result = subprocess.run([sys.executable, "-m", "doit"], cwd=project, env=env, capture_output=True, text=True)
    assert result.returncode != 0
    stopped = re.findall(r"ERROR build/\S+/infographic\.pptx: rendering took longer than 0\.5 s and was stopped",
                         result.stdout)
    # every PowerPoint task was tried in turn: one stopped render does not stop the others
    assert len(stopped) == sum(len(locales) for locales in example_orgs().values())
    assert "Traceback" not in result.stdout + result.stderr


def test_memory_hungry_render_is_stopped(project: Path):
    _replace_renderer(project, "def render(context):\n    return bytes(3 * 1024 ** 3)\n")
    env = {**os.environ, "VISITKIT_MEMORY_LIMIT_MB": "1024"}
    result = subprocess.run([sys.executable, "-m", "doit"], cwd=project, env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert re.search(r"ERROR build/\S+/infographic\.pptx: rendering needed more than 1024 MB of memory",
                     result.stdout)


def _without_reports(found: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in found.items() if not k.startswith(".reports/") and k != "report.json"}


def test_shards_and_merge_equal_a_single_build(built: Path, tmp_path: Path):
    count = 3
    merged = tmp_path / "merged"
    shards = []
    for index in range(1, count + 1):
        shard = tmp_path / f"shard{index}"
        shard.mkdir()
        for name in COPIED:
            src = built / name
            (shutil.copytree if src.is_dir() else shutil.copy2)(src, shard / name)
        result = doit(shard, f"shard={index}/{count}")
        assert result.returncode == 0, result.stdout + result.stderr
        assert (shard / f".doit-shard-{index}-of-{count}.db").is_file()
        assert not (shard / "build/index.html").exists()  # the merge step writes it
        assert (shard / f"build/.reports/.doit-shard-{index}-of-{count}.json").is_file()  # its own report
        shutil.copytree(shard / "build", merged / "build", dirs_exist_ok=True)
        shards.append(shard)
    built_orgs = {p.name for s in shards for p in (s / "build").iterdir() if not p.name.startswith(".")}
    assert built_orgs == set(example_orgs())  # every org in exactly one shard (sizes add up below)
    assert sum(len([p for p in (s / "build").iterdir() if not p.name.startswith(".")]) for s in shards) == len(
        built_orgs
    )
    for name in ("visitkit", "templates"):
        shutil.copytree(built / name, merged / name)
    result = subprocess.run([sys.executable, "-m", "visitkit.merge", "build"], cwd=merged, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert _without_reports(hashes(merged / "build")) == _without_reports(hashes(built / "build"))
    assert json.loads((merged / "build/report.json").read_text())["shards"] == count
    assert all(FAST in doit(shard, f"shard={i}/{count}").stdout for i, shard in enumerate(shards, 1))

    # an edit to one profile reruns only that org's tasks, in its own shard
    org = next(iter(example_orgs()))
    for shard in shards:
        path = shard / f"org_profiles/{org}.yaml"
        path.write_text(re.sub(r"(?m)^name: .*$", "name: Renamed Organisation", path.read_text(), count=1))
    executed = [ran(doit(shard, f"shard={i}/{count}")) for i, shard in enumerate(shards, 1)]
    owner = tasks.shard_of(org, count)
    for index, names in enumerate(executed, 1):
        if index == owner:
            assert names and all(n.split(":", 1)[1].split("/")[0] == org for n in names), names
        else:
            assert names == set()


def test_bad_shard_spec_is_one_line(project: Path):
    result = doit(project, "shard=5/4")
    assert result.returncode != 0
    assert "ERROR: shard=5/4: expected shard=<i>/<n> with 1 <= i <= n, e.g. shard=2/4" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


# ------------------------------------------------- drop-in outputs (issue 3)

DROP_IN_FILES = ("email.html", "email.txt", "resources.html", "resources.fragment.html", "README.txt",
                 "infographic.png", "infographic-large.png")


def _relative_targets(html_file: Path) -> set[str]:
    from lxml import html as lxml_html

    root = lxml_html.fromstring(html_file.read_bytes())
    targets = set(root.xpath("//a/@href | //img/@src"))
    return {t for t in targets if not t.startswith(("https:", "http:", "mailto:", "tel:", "#", "data:"))}


def test_every_org_gets_its_drop_in_outputs(built: Path):
    for org in tasks.scan()[0]:
        for locale in org.locales:
            folder = built / "build" / org.id / locale
            names = {p.name for p in folder.iterdir() if not p.name.startswith(".")}
            expected = {*OUTPUT_FILES, *DROP_IN_FILES}
            expected |= {"faq.jsonld"} if "faq.structured_data" in org.flags else set()
            expected |= {"logo.png"} if org.logo else set()
            assert names == expected, (org.id, locale)
            # README.txt describes exactly the other files of its folder.
            readme = (folder / "README.txt").read_text(encoding="utf-8")
            assert set(re.findall(r"(?m)^([a-z-]+(?:\.[a-z]+)+)$", readme)) == names - {"README.txt"}
    assert any("faq.structured_data" in org.flags for org in tasks.scan()[0]), "an example must opt in to JSON-LD"


def test_resources_links_resolve_to_files_of_the_bundle(built: Path):
    checked = 0
    for org in tasks.scan()[0]:
        for locale in org.locales:
            folder = built / "build" / org.id / locale
            pages = [folder / "resources.html"]
            content = json.loads((built / f"build/.work/{org.id}/{locale}/content.json").read_text())
            if not content["assets_base_url"]:
                pages.append(folder / "resources.fragment.html")  # relative links only without a hosted bundle
            for page in pages:
                targets = _relative_targets(page)
                assert {"infographic.pdf", "infographic.pptx", "infographic.png"} <= targets, page
                missing = [t for t in targets if not (folder / t).is_file()]
                assert missing == [], page
                checked += 1
    assert checked >= 2 * len(example_orgs())


def test_hosted_email_links_point_into_the_bundle(built: Path):
    """Absolute links below assets_base_url name files the bundle really has."""
    from lxml import html as lxml_html

    hosted = 0
    for org in tasks.scan()[0]:
        for locale in org.locales:
            content = json.loads((built / f"build/.work/{org.id}/{locale}/content.json").read_text())
            base = content["assets_base_url"]
            if not base:
                continue
            root = lxml_html.fromstring((built / "build" / org.id / locale / "email.html").read_bytes())
            below = [u[len(base):] for u in root.xpath("//a/@href | //img/@src") if u.startswith(base)]
            assert {f"{locale}/logo.png", f"{locale}/infographic.png", f"{locale}/infographic.pdf"} <= set(below)
            assert [u for u in below if not (built / "build" / org.id / u).is_file()] == []
            hosted += 1
    assert hosted, "an example must set assets_base_url"


def test_zip_lists_exactly_the_manifest_files(built: Path):
    import zipfile

    for org in example_orgs():
        manifest = json.loads((built / f"build/{org}/manifest.json").read_text(encoding="utf-8"))
        with zipfile.ZipFile(built / f"build/{org}/{org}-toolkit.zip") as archive:
            assert sorted(archive.namelist()) == sorted(manifest["files"])
            for name, info in manifest["files"].items():
                assert hashlib.sha256(archive.read(name)).hexdigest() == info["sha256"], name
                assert hashlib.sha256((built / f"build/{org}/{name}").read_bytes()).hexdigest() == info["sha256"]
        assert any(name.endswith("/README.txt") for name in manifest["files"])


def test_two_clean_builds_give_identical_zips(built: Path, project: Path):
    shutil.rmtree(project / "build")
    (project / ".doit.db").unlink()
    result = doit(project)
    assert result.returncode == 0, result.stdout + result.stderr
    for org in example_orgs():
        zip_path = f"build/{org}/{org}-toolkit.zip"
        assert (project / zip_path).read_bytes() == (built / zip_path).read_bytes(), org


def _rendered_only(result: subprocess.CompletedProcess[str]) -> set[str]:
    """Executed tasks, without the stamps of shared inputs that precede them."""
    return {name for name in ran(result) if not name.startswith("recipe:")}


def test_email_template_edit_rebuilds_only_email_files(project: Path):
    path = project / "templates/email/email.html.j2"
    path.write_text(path.read_text().replace('<body class="vk-body">', '<body class="vk-body" data-edit="1">'))
    orgs = example_orgs()
    expected = {f"email:{org}/{locale}" for org, locales in orgs.items() for locale in locales}
    expected |= {f"{step}:{org}" for org in orgs for step in ("manifest", "zip")}
    assert _rendered_only(doit(project)) == expected
    # The text part has its own template: editing it leaves email.html alone.
    path = project / "templates/email/email.txt.j2"
    path.write_text(path.read_text() + "\n")
    assert {n.split(":")[0] for n in _rendered_only(doit(project))} <= {"email_text", "manifest", "zip"}


def test_thumbnail_is_rebuilt_only_when_its_pdf_bytes_change(project: Path):
    # A comment in the PDF renderer reruns every PDF, but the PDFs come out the same: no thumbnail reruns.
    with (project / "visitkit/render/pdf.py").open("a") as handle:
        handle.write("\n# a comment that changes no PDF\n")
    groups = {n.split(":")[0] for n in _rendered_only(doit(project))}
    assert "pdf" in groups and "thumbnail" not in groups  # (the manifest records the new inputs' hash)
    assert groups <= {"pdf", "manifest", "zip"}
    # A stylesheet edit changes the PDFs' bytes: then their thumbnails are redrawn.
    css = project / "templates/infographic/infographic.css"
    css.write_text(css.read_text() + "\nhtml { background: #FEFEFE; }\n")
    names = _rendered_only(doit(project))
    thumbnails = {n for n in names if n.startswith("thumbnail:")}
    assert thumbnails == {f"thumbnail:{org}/{locale}" for org, locales in example_orgs().items() for locale in locales}


FAST = "nothing changed since the last build"


def test_noop_is_answered_from_the_record(project: Path):
    result = doit(project)
    assert result.returncode == 0 and FAST in result.stdout, result.stdout


def test_fresh_checkout_times_with_the_same_contents_stay_a_noop(project: Path):
    import time

    later = time.time() + 100
    for folder in ("org_profiles", "sources", "templates", "visitkit"):
        for path in (project / folder).rglob("*"):
            if path.is_file():
                os.utime(path, (later, later))
    first = doit(project)
    assert FAST in first.stdout and ran(first) == set(), first.stdout
    assert FAST in doit(project).stdout  # the record now holds the new times


def test_a_missing_output_falls_back_to_doit(project: Path):
    org, locales = next(iter(example_orgs().items()))
    (project / "build" / org / locales[0] / "infographic.pptx").unlink()
    result = doit(project)
    assert FAST not in result.stdout
    assert ran(result) == {f"pptx:{org}/{locales[0]}"}
    assert FAST in doit(project).stdout


def test_a_partial_or_failed_run_leaves_no_record(project: Path):
    org, locales = next(iter(example_orgs().items()))
    path = project / f"org_profiles/{org}.yaml"
    original = path.read_text()
    path.write_text(re.sub(r"(?m)^name: .*$", "name: Partly Built", original, count=1))
    partial = doit(project, f"pdf:{org}/{locales[0]}")  # one named task: the rest stays stale
    assert partial.returncode == 0, partial.stdout
    result = doit(project)
    assert FAST not in result.stdout and f"faq:{org}/{locales[0]}" in ran(result)
    path.write_text(re.sub(r'(?m)^(  primary: ).*$', r"\1blue", original, count=1))
    assert doit(project).returncode != 0
    again = doit(project)
    assert FAST not in again.stdout and again.returncode != 0  # still broken, still checked


def test_a_profile_edit_plans_only_that_org(project: Path):
    orgs = example_orgs()
    org = next(iter(orgs))
    path = project / f"org_profiles/{org}.yaml"
    path.write_text(re.sub(r"(?m)^name: .*$", "name: Renamed Organisation", path.read_text(), count=1))
    result = doit(project)
    checked = int(re.search(r"up to date (\d+)", result.stdout).group(1))
    recipes = len(list((project / "build/.recipes").glob("*.sha256")))
    assert checked <= recipes  # the other organisations' tasks were not even checked
    assert {name.split(":", 1)[1].split("/")[0] for name in ran(result)} == {org}
    assert FAST in doit(project).stdout


def test_a_shared_template_edit_plans_only_the_groups_that_read_it(project: Path):
    path = project / "templates/email/email.html.j2"
    path.write_text(path.read_text().replace('<body class="vk-body">', '<body class="vk-body" data-edit="2">'))
    result = doit(project)
    groups = {name.split(":")[0] for name in ran(result)}
    assert groups == {"recipe", "email", "manifest", "zip"}
    checked = int(re.search(r"up to date (\d+)", result.stdout).group(1))
    recipes = len(list((project / "build/.recipes").glob("*.sha256")))
    assert checked <= recipes  # no task of another group (faq, pdf, content…) was even checked
    assert FAST in doit(project).stdout


def test_a_narrowed_plan_reuses_what_planning_read_from_unchanged_profiles(project: Path):
    # the record keeps what planning read from each profile: a template edit does not parse them again.
    # Proof: a profile whose bytes changed behind the record's back (same size and mtime, so it counts
    # as unchanged) still gets its email rebuilt, as planned from what was read before.
    org = next(iter(example_orgs()))
    profile = project / "org_profiles" / f"{org}.yaml"
    before = profile.stat()
    profile.write_bytes(b"#" * before.st_size)  # a comment: parsed now, it would plan no outputs
    os.utime(profile, ns=(before.st_atime_ns, before.st_mtime_ns))
    path = project / "templates/email/email.html.j2"
    path.write_text(path.read_text().replace('<body class="vk-body">', '<body class="vk-body" data-edit="3">'))
    result = doit(project)
    assert result.returncode == 0, result.stdout + result.stderr
    emailed = {name.split(":", 1)[1].split("/")[0] for name in ran(result) if name.startswith("email:")}
    assert emailed == set(example_orgs())


def test_a_code_edit_plans_every_task(project: Path):
    with (project / "visitkit/render/email_html.py").open("a") as handle:
        handle.write("\n# code may change what the plan holds: no narrowing\n")
    result = doit(project)
    assert {name.split(":")[0] for name in ran(result)} == {"recipe", "email", "manifest", "zip"}
    checked = int(re.search(r"up to date (\d+)", result.stdout).group(1))
    assert checked > sum(len(locales) for locales in example_orgs().values())  # every other task was checked
