"""The output registry: one entry per output, and adding one is the short list the README promises."""

from __future__ import annotations

import importlib
import json
import re
import zipfile
from pathlib import Path

from tests.conftest import ROOT
from tests.pipeline_support import copy_project, doit
from visitkit import outputs, sources, tasks


def test_entries_are_unique_and_complete():
    groups = [o.group for o in outputs.OUTPUTS]
    names = [f.name for o in outputs.OUTPUTS for f in o.files]
    assert len(set(groups)) == len(groups) and len(set(names)) == len(names)
    assert len({o.label for o in outputs.OUTPUTS}) == len(outputs.OUTPUTS)
    for output in outputs.OUTPUTS:
        module = importlib.import_module(output.renderer)
        assert callable(module.render) and isinstance(module.TEMPLATES, tuple), output.group
        assert output.source is None or output.source in outputs.BY_GROUP
        assert output.group in tasks.GROUP_DOCS and tasks.GROUP_DOCS[output.group] == output.doc


def test_every_locale_describes_every_file():
    for locale in sorted(sources.available_locales(ROOT / "sources")):
        copy = sources.load_locale(ROOT / "sources", locale)["readme"]["files"]  # overlays through their base
        for output in outputs.OUTPUTS:
            for file in output.files:
                if output.section is not None:
                    assert copy.get(file.copy), f"sources/{locale}/readme.yaml: files.{file.copy} ({file.name})"


def test_what_reads_what_follows_the_sources():
    assert outputs.downstream({"pdf"}) == {"pdf", "thumbnail", "manifest", "zip"}
    assert outputs.downstream({"email"}) == {"email", "manifest", "zip"}
    assert outputs.downstream({"validate"}) == {"validate", "content", *outputs.BY_GROUP, "manifest", "zip"}


def test_opt_in_outputs_follow_the_flags():
    plain = {o.group for o in outputs.wanted(set())}
    assert "jsonld" not in plain and "logo" not in plain and "pdf" in plain
    assert {"jsonld", "logo"} <= {o.group for o in outputs.wanted({"faq.structured_data", "brand.logo"})}


RENDERER = '''"""A greeting card: the README's recipe for adding an output, followed by a test."""

from visitkit.render import RenderContext

TEMPLATES = ("templates/hello/hello.txt.j2",)
ASSETS: tuple[str, ...] = ()


def render(context: RenderContext) -> bytes:
    template = context.template("hello/hello.txt.j2")
    return template.replace("NAME", context.content.name).encode("utf-8")
'''


def test_adding_an_output_is_one_entry_a_renderer_a_template_and_its_copy(tmp_path: Path):
    project = copy_project(tmp_path / "project")
    # 1. the registry entry
    registry = project / "visitkit/outputs.py"
    entry = (
        '    Output("hello", "visitkit.render.hello", (OutputFile("hello.txt", "hello"),), "Greeting card",\n'
        '           "a greeting card, hello.txt", "web"),\n'
    )
    text = registry.read_text()
    registry.write_text(text.replace('    Output("readme",', entry + '    Output("readme",', 1))
    # 2. the renderer and 3. its template
    (project / "visitkit/render/hello.py").write_text(RENDERER)
    (project / "templates/hello").mkdir()
    (project / "templates/hello/hello.txt.j2").write_text("Hello from NAME\n")
    # 4. its copy, in every locale
    for readme in (project / "sources").glob("*/readme.yaml"):
        readme.write_text(readme.read_text().replace("\nfiles:\n", '\nfiles:\n  hello: "A greeting card."\n', 1))

    result = doit(project)
    assert result.returncode == 0, result.stdout + result.stderr
    org, locale = "sunvale-health", "en"
    folder = project / "build" / org / locale
    assert (folder / "hello.txt").read_text().startswith("Hello from Sunvale")
    assert re.search(r"(?m)^hello\.txt\n    A greeting card\.$", (folder / "README.txt").read_text())
    manifest = json.loads((project / "build" / org / "manifest.json").read_text())
    assert manifest["files"][f"{locale}/hello.txt"]["format"] == "hello"
    with zipfile.ZipFile(project / "build" / org / f"{org}-toolkit.zip") as archive:
        assert f"{locale}/hello.txt" in archive.namelist()
    assert f'href="{org}/{locale}/hello.txt" hreflang="{locale}">Greeting card</a>' in (
        project / "build/index.html").read_text()
    assert "a greeting card, hello.txt" in doit(project, "list").stdout
    # and an edit to its template rebuilds exactly it (and the bundle)
    (project / "templates/hello/hello.txt.j2").write_text("Hi from NAME\n")
    again = doit(project)
    ran = set(re.findall(r"(?m)^\.  (\S+)$", again.stdout))
    assert {name.split(":")[0] for name in ran} == {"recipe", "hello", "manifest", "zip"}
