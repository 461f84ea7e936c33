"""Helpers for the FAQ page and fragment tests: edited profile copies, real contexts, HTML and CSS parsing."""

from __future__ import annotations

import importlib
import shutil
from pathlib import Path
from typing import Any

import tinycss2
import yaml
from lxml import html as lxml_html

from tests.conftest import ROOT, make_content, planned_options
from visitkit.content import Content
from visitkit.render import RenderContext, renderer_inputs

HOSTILE = '<script>alert(1)</script> & "x"'
LONG_NAME = "Servicios Financieros Integrales del Noroeste de Andalucía S.C.A."
_DROP = object()


def profile_copy(tmp_path: Path, edits: dict[str, Any] | None = None, org: str = "acme") -> Path:
    """A copy of org_profiles/sample.yaml (and its folder) as ``<tmp>/org_profiles/<org>.yaml``.

    ``edits`` maps dotted keys to new values; ``None`` removes the key. Returns the profiles folder.
    """
    profiles = tmp_path / "org_profiles"
    profiles.mkdir(exist_ok=True)
    shutil.copytree(ROOT / "org_profiles" / "sample", profiles / org, dirs_exist_ok=True)
    data = yaml.safe_load((ROOT / "org_profiles" / "sample.yaml").read_text(encoding="utf-8"))
    data["brand"]["logo"] = f"{org}/logo.png"
    for key, value in (edits or {}).items():
        node = data
        *parents, last = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        if value is None:
            node.pop(last, None)
        else:
            node[last] = value
    (profiles / f"{org}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return profiles


def content_for(tmp_path: Path, edits: dict[str, Any] | None = None, locale: str | None = None) -> Content:
    profiles = profile_copy(tmp_path, edits)
    return make_content("acme", locale, profiles_dir=profiles)


def context_for(module: str, content: Content, profiles_dir: Path | None = None, **options: Any) -> RenderContext:
    """The context the pipeline would give ``module``: its declared inputs only, read from disk."""
    renderer = importlib.import_module(module)
    logo = content.logo.path if content.logo else None
    names = renderer_inputs(renderer, content.vertical, logo, [content.font.regular, content.font.bold])
    assets = {}
    for name in names:
        if profiles_dir is not None and name.startswith("org_profiles/"):
            assets[name] = (profiles_dir / name.removeprefix("org_profiles/")).read_bytes()
        else:
            assets[name] = (ROOT / name).read_bytes()
    return RenderContext(content=content, assets=assets, options={**planned_options(module, content), **options})


def render(
    module: str, tmp_path: Path, edits: dict[str, Any] | None = None, locale: str | None = None, **options: Any
) -> tuple[bytes, Content]:
    profiles = profile_copy(tmp_path, edits)
    content = make_content("acme", locale, profiles_dir=profiles)
    renderer = importlib.import_module(module)
    return renderer.render(context_for(module, content, profiles, **options)), content


def parse_document(data: bytes):
    return lxml_html.document_fromstring(data.decode("utf-8"))


def parse_fragment(data: bytes):
    """The fragment's elements; lxml wraps them in <html><body> for us to inspect."""
    return lxml_html.fragments_fromstring(data.decode("utf-8"))


def fragment(data: bytes):
    """The fragment's single root element."""
    elements = parse_fragment(data)
    assert len(elements) == 1, [e.tag for e in elements]
    return elements[0]


def all_questions(content: Content):
    return [q for section in content.faq.sections for q in section.questions]


def text_of(element) -> str:
    return " ".join(element.text_content().split())


def css_rules(css: str) -> list[tuple[str, str]]:
    """Every qualified rule as (selector list text, at-rule context), recursing into @media/@supports."""
    found: list[tuple[str, str]] = []

    def walk(rules, context: str) -> None:
        for rule in rules:
            if rule.type == "qualified-rule":
                found.append((tinycss2.serialize(rule.prelude).strip(), context))
            elif rule.type == "at-rule":
                name = rule.lower_at_keyword
                if rule.content is not None and name in ("media", "supports", "layer", "container"):
                    inner = tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
                    walk(inner, f"@{name}")
                else:
                    found.append((f"@{name}", context))
            elif rule.type == "error":
                raise AssertionError(f"CSS parse error: {rule.message}")

    walk(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True), "")
    return found


def selectors(prelude: str) -> list[str]:
    """Split a selector list on top-level commas (not inside :is()/:where() parentheses)."""
    parts, depth, current = [], 0, ""
    for char in prelude:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return [p for p in parts if p]


def external_references(root, css: str) -> list[str]:
    """Every place the document would fetch something from the network by itself."""
    problems = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for attr in ("src", "srcset", "poster", "data", "action", "formaction", "background"):
            value = element.get(attr)
            if value and not value.startswith("data:"):
                problems.append(f"<{element.tag} {attr}={value[:60]}>")
        href = element.get("href")
        if href and element.tag != "a" and not href.startswith(("#", "data:")):
            problems.append(f"<{element.tag} href={href[:60]}>")
        style = element.get("style")
        if style and "url(" in style:
            problems.append(f"style attribute with url(): {style[:60]}")
    lowered = css.lower()
    if "@import" in lowered:
        problems.append("@import in CSS")
    for token in _css_tokens(css):
        if token.type == "url" or (token.type == "function" and token.lower_name in ("url", "image-set", "src")):
            value = token.value if token.type == "url" else tinycss2.serialize(token.arguments)
            if "data:" not in value:
                problems.append(f"url() in CSS: {value[:60]}")
    return problems


def _css_tokens(css: str):
    def walk(tokens):
        for token in tokens:
            yield token
            if hasattr(token, "content") and token.content is not None and not isinstance(token.content, str):
                yield from walk(token.content)
            if hasattr(token, "arguments"):
                yield from walk(token.arguments)
            if hasattr(token, "prelude") and token.prelude is not None:
                yield from walk(token.prelude)

    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        yield from walk([rule])


def empty_elements(root) -> list[str]:
    """Elements that show nothing (<p>, <li>, headings, links…) and leftovers like 'None' or '{'."""
    problems = []
    for element in root.iter("p", "li", "ul", "ol", "a", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "span"):
        if not text_of(element) and not len(element.xpath(".//img|.//svg")):
            problems.append(f"empty <{element.tag} class={element.get('class')}>")
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag in ("style", "script"):
            continue
        for text in (element.text, element.tail):
            if text and any(marker in text for marker in ("None", "{{", "{%", "{", "}", "undefined")):
                problems.append(f"placeholder text in <{element.tag}>: {text.strip()[:60]!r}")
    return problems


def style_text(root) -> str:
    return "\n".join(s.text_content() for s in root.iter("style"))


REFERENCE_ATTRS = ("aria-labelledby", "aria-describedby", "aria-controls", "aria-owns", "aria-details",
                   "aria-activedescendant", "aria-errormessage", "aria-flowto", "for", "headers", "list", "form")


def internal_references(root) -> list[tuple[str, str]]:
    """Every (attribute, id) an element of ``root`` points at: ``href="#…"`` and the id-list attributes."""
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        href = element.get("href")
        if href and href.startswith("#"):
            found.append(("href", href[1:]))
        for attr in REFERENCE_ATTRS:
            found += [(attr, target) for target in (element.get(attr) or "").split()]
    return found


def example_contents() -> list[Content]:
    """The content of every example organisation in every locale it builds."""
    from visitkit import tasks

    return [make_content(org.id, locale) for org in tasks.scan()[0] for locale in org.locales]
