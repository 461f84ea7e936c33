"""`visitkit new <org-id>`: a documented profile that validates and builds, and one-line refusals."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys

from tests.cli_support import project_copy, visitkit
from tests.pipeline_support import doit
from visitkit.cli import fields
from visitkit.profile import load_profile
from visitkit.sources import available_locales

OPTIONS = ["--name", "Acme Family Clinic", "--vertical", "healthcare", "--primary", "#0B6E4F"]
OPTIONS += ["--booking", "https://acme.example/book", "--locales", "en,es"]


def test_new_writes_a_documented_profile_that_validates_and_builds(tmp_path):
    project = project_copy(tmp_path / "p")
    result = visitkit(project, "new", "acme-clinic", *OPTIONS)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        "wrote org_profiles/acme-clinic.yaml and org_profiles/acme-clinic/ (put the logo and fonts there)"
    )
    assert "doit org=acme-clinic" in result.stdout.splitlines()[-1]  # the next command to run
    path = project / "org_profiles" / "acme-clinic.yaml"
    assert (project / "org_profiles" / "acme-clinic").is_dir()
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "# yaml-language-server: $schema=profile.schema.json"

    profile = load_profile(path, available_locales(project / "sources"))
    assert (profile.name, profile.vertical, profile.locales) == ("Acme Family Clinic", "healthcare", ["en", "es"])
    assert (profile.brand.primary, profile.links.booking) == ("#0B6E4F", "https://acme.example/book")

    # Every field of the schema is there: the ones given live, every other commented out under its documentation.
    given = {"name", "vertical", "locales", "brand", "brand.primary", "links", "links.booking"}
    for field in fields.fields():
        indent = "  " * (len(field.path) - 1)
        key = field.path[-1]
        live = [i for i, line in enumerate(lines) if line.startswith(f"{indent}{key}:")]
        commented = [i for i, line in enumerate(lines) if line.replace("# ", "", 1).startswith(f"{indent}{key}:")]
        assert bool(live) if field.dotted in given else bool(commented) and not live, field.dotted
        where = (live or commented)[0]
        above = " ".join(re.sub(r"^[#\s]*", "", line) for line in lines[max(0, where - 8) : where])
        assert field.doc and above.endswith(field.doc), field.dotted  # the documentation, right above its key

    # Uncommenting an optional field with its default still validates (the template's values are real ones).
    edited = text.replace("# page_size: a4", "page_size: letter").replace("  # text: '#1F2933'", "  text: '#1F2933'")
    path.write_text(edited, encoding="utf-8")
    assert load_profile(path, available_locales(project / "sources")).page_size == "letter"
    path.write_text(text, encoding="utf-8")

    check = visitkit(project, "check", "acme-clinic")
    assert check.returncode == 0, check.stdout + check.stderr
    built = doit(project, "org=acme-clinic")
    assert built.returncode == 0, built.stdout + built.stderr
    for locale in ("en", "es"):
        assert (project / "build" / "acme-clinic" / locale / "faq.html").stat().st_size > 1000
        assert "Acme Family Clinic" in (project / "build" / "acme-clinic" / locale / "faq.html").read_text()


def test_new_refuses_an_existing_id_with_one_line(tmp_path):
    project = project_copy(tmp_path / "p")
    before = (project / "org_profiles" / "sample.yaml").read_bytes()
    result = visitkit(project, "new", "sample", *OPTIONS)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "visitkit new: org_profiles/sample.yaml already exists: edit it, or choose another org id"
    ]
    assert (project / "org_profiles" / "sample.yaml").read_bytes() == before


def test_new_refuses_an_invalid_id_with_one_line(tmp_path):
    project = project_copy(tmp_path / "p")
    for bad in ("Bad_Org", "acme clinic", "a" * 64, "../escape", "café"):
        result = visitkit(project, "new", bad, *OPTIONS)
        assert result.returncode == 1
        assert result.stderr.splitlines() == [
            "visitkit new: org id: expected an org id like 'acme-clinic' (a-z, 0-9 and '-', at most 63 characters), "
            f"got {bad!r}"
        ]
    assert sorted(p.name for p in (project / "org_profiles").glob("*.yaml")) == sorted(
        p.name for p in (project_copy(tmp_path / "fresh") / "org_profiles").glob("*.yaml")
    )


def test_new_without_a_terminal_names_the_missing_options(tmp_path):
    project = project_copy(tmp_path / "p")
    result = visitkit(project, "new", "acme", "--name", "Acme")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "visitkit new: missing --vertical, --primary, --booking (input is not a terminal, so they cannot be asked for)"
    ]
    assert not (project / "org_profiles" / "acme.yaml").exists()


def test_new_reports_invalid_values_and_writes_nothing(tmp_path):
    project = project_copy(tmp_path / "p")
    args = ["--name", "Acme", "--vertical", "bakery", "--primary", "blue", "--booking", "javascript:alert(1)"]
    result = visitkit(project, "new", "acme", *args, "--locales", "en,xx")
    assert result.returncode == 1
    errors = [line.split(": ", 1)[1] for line in result.stderr.splitlines() if line.startswith("ERROR ")]
    assert errors == [
        "vertical: expected one of healthcare, financial, retail or generic, got 'bakery'",
        f"locales: expected one of {', '.join(sorted(available_locales(project / 'sources')))}, got 'xx'",
        "brand.primary: expected a colour like #1A2B3C, got 'blue'",
        "links.booking: expected a https: or http: URL, got 'javascript:alert(1)'",
    ]
    assert all(line.startswith("ERROR org_profiles/acme.yaml:") for line in result.stderr.splitlines()[:-1])
    assert not (project / "org_profiles" / "acme.yaml").exists()
    assert not (project / "org_profiles" / "acme").exists()


def test_new_asks_on_a_terminal(tmp_path):
    project = project_copy(tmp_path / "p")
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(project)}
    process = subprocess.Popen(
        [sys.executable, "-m", "visitkit.cli", "new", "acme", "--vertical", "retail"],
        cwd=project,
        env=env,
        stdin=follower,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    os.close(follower)
    # name, primary, booking, then locales (empty: the default); then the colour again, as it did not validate
    os.write(leader, b"Acme Hardware\nblue\nhttps://acme.example/visit\n\n#FFD500\n")
    out, err = process.communicate(timeout=120)
    os.close(leader)
    assert process.returncode == 0, out + err
    assert "name: " in out and "brand.primary: " in out and "links.booking: " in out and "locales [en]: " in out
    assert "vertical: " not in out  # given as an option: not asked
    assert out.count("brand.primary: ") == 2
    assert re.search(
        r"^ERROR org_profiles/acme.yaml:\d+: brand.primary: expected a colour like #1A2B3C, got 'blue'$", err, re.M
    )
    profile = load_profile(project / "org_profiles" / "acme.yaml", available_locales(project / "sources"))
    assert (profile.name, profile.vertical, profile.brand.primary, profile.locales) == (
        "Acme Hardware",
        "retail",
        "#FFD500",
        ["en"],
    )


def test_the_visitkit_script_is_installed():
    script = os.path.join(os.path.dirname(sys.executable), "visitkit")
    result = subprocess.run([script, "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    for command in ("new", "check", "import", "export"):
        assert f"    {command} " in result.stdout
