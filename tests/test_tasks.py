"""Task planning: exact dependencies, read from the profiles without validating them."""

from __future__ import annotations

from pathlib import Path

import pytest

from visitkit import code, tasks


def test_module_files_follow_imports():
    files = code.module_files("visitkit.render.pptx")
    assert "visitkit/render/pptx.py" in files
    assert "visitkit/render/__init__.py" in files  # package __init__ runs on import
    assert "visitkit/content.py" in files  # via render/__init__.py
    assert "visitkit/render/pdf.py" not in files
    assert "visitkit/render/faq_page.py" not in files


def test_renderer_deps_differ_only_where_code_differs():
    pdf, pptx = set(code.module_files("visitkit.render.pdf")), set(tasks.module_files("visitkit.render.pptx"))
    assert "visitkit/render/pptx.py" not in pdf and "visitkit/render/pdf.py" not in pptx


@pytest.fixture
def profiles(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "org_profiles/acme").mkdir(parents=True)
    (tmp_path / "org_profiles/acme/logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return tmp_path / "org_profiles"


def test_scan_reads_locales_and_assets(profiles: Path):
    path = profiles / "acme.yaml"
    path.write_text("vertical: retail\nlocales: [es, en]\nbrand: {logo: acme/logo.png}\n")
    org = tasks.scan_org(Path("org_profiles/acme.yaml"), {"en", "es"})
    assert org.locales == ("es", "en")
    assert org.vertical == "retail"
    assert org.logo == "org_profiles/acme/logo.png"
    assert org.fonts == ("templates/fonts/Inter-Regular.otf", "templates/fonts/Inter-Bold.otf")


@pytest.mark.parametrize(
    "text",
    [
        "locales: [en\n",  # YAML error
        "vertical: retail\nlocales: [fr]\n",  # unknown locale
        "vertical: retail\nbrand: {logo: ../../etc/passwd}\n",  # escapes the org folder
        "vertical: retail\nbrand: {logo: acme/missing.png}\n",
        "vertical: dental\n",
        "- a list\n",
    ],
)
def test_broken_profiles_plan_no_outputs(profiles: Path, text: str):
    (profiles / "acme.yaml").write_text(text)
    assert tasks.scan_org(Path("org_profiles/acme.yaml"), {"en", "es"}).locales == ()
