"""A broken template fails every render task that uses it with one line naming the template and its line.

Each test breaks a copy of templates/ and runs the render task's action (``visitkit.build.render``)
for two organisations: the line must name the file that holds the mistake (an imported or
included template names itself), and be the same for both, so that the build shows it once.
"""

from __future__ import annotations

import importlib
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, make_content
from visitkit import build, outputs
from visitkit.content import dump_content
from visitkit.render import renderer_inputs

ORGS = ("sample", "brightside-hardware")  # two verticals, a PNG and an SVG logo, default and own fonts
BROKEN = "{{ broken } }}"  # one brace too many


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    """A folder with a copy of templates/, as the working directory of the render actions."""
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(build, "MEMORY_MB", 0)  # leave the test process's address space alone
    return tmp_path


def run(project: Path, module: str, org: str) -> str | None:
    """The render task's action for ``org``'s first locale: its failure message, or None."""
    content = make_content(org)
    content_path = project / "work" / org / "content.json"
    content_path.parent.mkdir(parents=True, exist_ok=True)
    content_path.write_bytes(dump_content(content))
    renderer = importlib.import_module(f"visitkit.render.{module}")
    logo = content.logo.path if content.logo else None
    inputs = renderer_inputs(renderer, content.icon, logo, [content.font.regular, content.font.bold])
    for name in inputs:
        if name.startswith("org_profiles/") and not (project / name).exists():
            (project / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, project / name)
    target = project / "build" / org / content.locale / outputs.file_name(renderer.__name__)
    failed = build.render(renderer.__name__, str(content_path), inputs, str(target), {})
    assert (failed is None) == target.is_file()
    return None if failed is None else failed.message


def messages(project: Path, module: str) -> set[str | None]:
    return {run(project, module, org) for org in ORGS}


def insert(project: Path, template: str, line: int, text: str) -> int:
    """Put ``text`` on its own line at ``line`` (0: after the last line); returns its line number."""
    path = project / template
    lines = path.read_text(encoding="utf-8").splitlines()
    line = line or len(lines) + 1
    lines.insert(line - 1, text)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return line


def line_of(project: Path, template: str, needle: str) -> int:
    lines = (project / template).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if needle in line)


def test_intact_templates_render(project: Path):
    assert messages(project, "faq_page") == {None}


def test_syntax_error_names_the_template_and_line(project: Path):
    insert(project, "templates/faq/page.html.j2", 14, BROKEN)
    assert messages(project, "faq_page") == {"templates/faq/page.html.j2:14: unexpected '}'"}


@pytest.mark.parametrize(
    ("module", "template"),
    [
        ("faq_fragment", "templates/faq/fragment.html.j2"),
        ("resources_page", "templates/resources/page.html.j2"),
        ("resources_fragment", "templates/resources/fragment.html.j2"),
        ("email_html", "templates/email/email.html.j2"),
        ("email_text", "templates/email/email.txt.j2"),
        ("readme", "templates/readme/README.txt.j2"),
        ("pdf", "templates/infographic/infographic.html.j2"),
    ],
)
def test_every_renderer_names_its_broken_template(project: Path, module: str, template: str):
    line = insert(project, template, 0, BROKEN)
    assert messages(project, module) == {f"{template}:{line}: unexpected '}}'"}


def test_syntax_error_in_imported_macros_names_the_macros_file(project: Path):
    macros = "templates/faq/macros.html.j2"
    line = line_of(project, macros, "{% macro") + 1
    insert(project, macros, line, BROKEN)
    expected = {f"{macros}:{line}: unexpected '}}'"}
    assert messages(project, "faq_page") == expected
    assert messages(project, "faq_fragment") == expected  # the same line from both templates that import it


def test_syntax_error_in_included_stylesheet_names_that_file(project: Path):
    line = insert(project, "templates/faq/components.css.j2", 3, "{% if %}")
    expected = {f"templates/faq/components.css.j2:{line}: Expected an expression, got 'end of statement block'"}
    assert messages(project, "faq_page") == expected


def test_undefined_label_names_the_template_and_line(project: Path):
    insert(project, "templates/faq/page.html.j2", 14, "{{ labels.nonexistent_key }}")
    assert messages(project, "faq_page") == {
        "templates/faq/page.html.j2:14: 'dict object' has no attribute 'nonexistent_key'"
    }


def test_undefined_name_inside_a_macro_names_the_macros_file(project: Path):
    macros = "templates/faq/macros.html.j2"
    line = line_of(project, macros, "{% macro run_text") + 1
    insert(project, macros, line, "{{ run.nonexistent_key }}")
    assert messages(project, "faq_page") == {
        f"{macros}:{line}: 'visitkit.richtext.Run object' has no attribute 'nonexistent_key'"
    }


def test_undefined_name_in_the_pdf_template(project: Path):
    template = "templates/infographic/infographic.html.j2"
    line = insert(project, template, 0, "{{ nonexistent_name }}")
    assert messages(project, "pdf") == {f"{template}:{line}: 'nonexistent_name' is undefined"}


def test_include_of_a_template_that_is_not_an_input(project: Path):
    page = project / "templates/faq/page.html.j2"
    line = line_of(project, "templates/faq/page.html.j2", '{% include "faq/page.css.j2" %}')
    page.write_text(page.read_text(encoding="utf-8").replace("faq/page.css.j2", "faq/missing.css.j2"), encoding="utf-8")
    assert messages(project, "faq_page") == {
        f"templates/faq/page.html.j2:{line}: template 'templates/faq/missing.css.j2' not found: "
        "a renderer reads only the templates in its TEMPLATES"
    }


def test_template_that_is_not_utf8(project: Path):
    path = project / "templates/faq/page.css.j2"
    size = path.stat().st_size
    path.write_bytes(path.read_bytes() + b"/* \xff */\n")
    assert messages(project, "faq_page") == {
        f"templates/faq/page.css.j2: expected UTF-8 text, found byte 0xFF at offset {size + 3}"
    }


def test_other_failures_still_name_the_output(project: Path):
    """Only Jinja's own errors are the template's: a value a filter refuses is reported for its output."""
    insert(project, "templates/email/email.html.j2", 0, '{{ "javascript:alert(1)" | href }}')
    org = ORGS[0]
    locale = make_content(org).locale
    assert run(project, "email_html", org) == (
        f"{project / 'build' / org / locale / 'email.html'}: ValueError: "
        "refusing a link with an unexpected scheme in an email: 'javascript:alert(1)'"
    )
