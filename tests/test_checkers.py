"""Every HTML output through axe-core (WCAG 2.x A/AA, in headless Chromium) and the Nu HTML checker.

The documents: ``faq.html``, ``resources.html`` and ``email.html`` of every organisation and locale of the
examples (``org_profiles/``, the ``built`` session build) and of the awkward-profile corpus
(``tests/profiles/valid/``), each build's ``index.html``, and host pages holding the fragments as a site
would paste them (the FAQ fragment, the resources fragment, and both on one page).

axe: no violation anywhere (at 1280 px; the pages and the email also at 375 px). Nu: no error anywhere,
except in ``email.html`` the deliberate email-client constructs listed in ``EMAIL_EXCEPTIONS``, each with
its reason.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.checkers import (
    CORPUS,
    build_corpus,
    corpus_profiles,
    describe_violations,
    describe_vnu,
    host_page,
    run_axe,
    run_vnu,
    start_chromium,
)
from tests.conftest import ROOT
from visitkit.profile_file import read_yaml

PAGES = ("faq.html", "resources.html", "email.html")
HOSTS = {
    "host-faq.html": ("faq.fragment.html",),
    "host-resources.html": ("resources.fragment.html",),
    "host-both.html": ("faq.fragment.html", "resources.fragment.html"),
}

# Deliberate in an email, wrong on the web: (the Nu checker's message, as a pattern; why it is kept).
EMAIL_EXCEPTIONS = (
    (r"Attribute “xmlns:[vo]” not allowed here\.", "Outlook's VML and Office namespaces, for the button's VML twin"),
    (r"CSS: “mso-[a-z-]+”: Property “mso-[a-z-]+” doesn't exist\.", "Outlook's own properties (table gaps, hiding)"),
    (
        r"CSS: “supported-color-schemes”: Property “supported-color-schemes” doesn't exist\.",
        "Apple Mail's earlier name of color-scheme: keeps older versions from inverting the colours",
    ),
    (
        r"Bad value “(\*\|UNSUB\|\*|\[UNSUBSCRIBE_LINK\]|\{\{ unsubscribe_link \}\})” "
        r"for attribute “href” on element “a”.*",
        "the email platform's unsubscribe token: the platform writes the real link in at send time",
    ),
    (
        r"(Element “unsubscribe” not allowed as child of element “\w+” in this context\..*"
        r"|The “unsubscribe” element is a completely-unknown element .*)",
        "Campaign Monitor's <unsubscribe> tag, which it turns into the unsubscribe link at send time",
    ),
)


def _locales(profile: Path) -> list[str]:
    """The locales a profile declares (read, not validated: the build reports invalid profiles)."""
    data = read_yaml(profile, profile.name)
    return list(data.get("locales") or ["en"]) if isinstance(data, dict) else []


def _documents() -> list[tuple[str, str]]:
    """``(build, relative path)`` of every document checked; the host pages are written by ``documents``."""
    found = []
    for build, folder in (("examples", ROOT / "org_profiles"), ("corpus", CORPUS)):
        names = sorted(p.stem for p in folder.glob("*.yaml")) if build == "examples" else corpus_profiles()
        for org in names:
            for locale in _locales(folder / f"{org}.yaml"):
                found += [(build, f"{org}/{locale}/{name}") for name in (*PAGES, *HOSTS)]
        found.append((build, "index.html"))
    return found


DOCUMENTS = _documents()


@pytest.fixture(scope="module")
def documents(built, tmp_path_factory) -> dict[tuple[str, str], Path]:
    """Every document to check. The host pages go in a copy of their locale's folder (the builds are shared
    and stay untouched), next to the files the fragments link to."""
    roots = {"examples": built / "build", "corpus": build_corpus(tmp_path_factory) / "build"}
    hosts = tmp_path_factory.mktemp("hosts")
    paths = {}
    for build, relative in DOCUMENTS:
        path = roots[build] / relative
        fragments = HOSTS.get(path.name)
        if fragments:
            folder = hosts / build / path.parent.relative_to(roots[build])
            if not folder.exists() and path.parent.is_dir():
                shutil.copytree(path.parent, folder)
            if all((folder / name).is_file() for name in fragments):
                host_page(folder, [folder / name for name in fragments], path.name, folder.name)
            path = folder / path.name
        paths[build, relative] = path
    return paths


@pytest.fixture(scope="module")
def vnu_errors(documents) -> dict[Path, list[dict]]:
    """The Nu HTML checker's errors for every document, from one Java run."""
    return run_vnu(sorted(path for path in documents.values() if path.is_file()))


@pytest.fixture(scope="module")
def browser():
    driver = start_chromium()
    try:
        yield driver
    finally:
        driver.quit()


def _document(documents, build: str, relative: str) -> Path:
    path = documents[build, relative]
    assert path.is_file(), f"{build}: {relative} was not built"
    return path


def _ids(params: list[tuple[str, str]]) -> list[str]:
    return [f"{build}:{relative}" for build, relative in params]


# Every document on a desktop; the standalone pages and the email also on a phone, where the layout (and so
# target sizes, contrast over other backgrounds, what is hidden) changes.
AXE_RUNS = [(build, relative, 1280) for build, relative in DOCUMENTS] + [
    (build, relative, 375) for build, relative in DOCUMENTS if relative.endswith(PAGES)
]


@pytest.mark.parametrize(("build", "relative", "width"), AXE_RUNS, ids=[f"{b}:{r}@{w}" for b, r, w in AXE_RUNS])
def test_axe_finds_no_wcag_violation(documents, browser, build, relative, width):
    violations = run_axe(browser, _document(documents, build, relative), width)
    assert not violations, "\n".join(describe_violations(violations))


def _allowed(message: str) -> bool:
    return any(re.fullmatch(pattern, message) for pattern, _ in EMAIL_EXCEPTIONS)


@pytest.mark.parametrize(("build", "relative"), DOCUMENTS, ids=_ids(DOCUMENTS))
def test_nu_html_checker_finds_no_error(documents, vnu_errors, build, relative):
    path = _document(documents, build, relative)
    errors = vnu_errors[path]
    if path.name == "email.html":
        errors = [m for m in errors if not _allowed(m["message"])]
    assert not errors, "\n".join(describe_vnu(errors))


def test_email_exceptions_are_each_needed_and_match_only_their_construct(documents, vnu_errors):
    """Every exception is met in some email (a stale one would hide nothing but mislead), and none hides
    the kind of error a renderer could really make."""
    emails = [path for (_, relative), path in documents.items() if relative.endswith("/email.html")]
    messages = [m["message"] for path in emails if path.is_file() for m in vnu_errors[path]]
    for pattern, reason in EMAIL_EXCEPTIONS:
        assert any(re.fullmatch(pattern, m) for m in messages), f"no email needs the exception for {reason}"
    for real in (
        "Attribute “onclick” not allowed here.",
        "CSS: “colr”: Property “colr” doesn't exist.",
        "Bad value “https://a b” for attribute “href” on element “a”: Illegal character in path segment.",
        "Element “meta” is missing one or more of the following attributes: “content”, “property”.",
        "Duplicate ID “vk-main”.",
    ):
        assert not _allowed(real), real


# ------------------------------------------------------------- the checkers themselves find what they should

BROKEN = """<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>Broken on purpose</title></head>
<body>
<main>
<p style="color: #AAAAAA; background: #BBBBBB">Grey on grey</p>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<div><li>An item outside a list</li></div>
<p id="twice">One</p><p id="twice">Two</p>
</main>
</body>
</html>
"""


def test_axe_reports_violations_on_a_broken_page(browser, tmp_path):
    page = tmp_path / "broken.html"
    page.write_text(BROKEN, encoding="utf-8")
    found = {v["id"] for v in run_axe(browser, page)}
    assert {"html-has-lang", "image-alt", "color-contrast", "listitem"} <= found, found


def test_nu_html_checker_reports_errors_per_file(tmp_path):
    broken, valid = tmp_path / "broken.html", tmp_path / "valid file.html"
    broken.write_text(BROKEN, encoding="utf-8")
    valid.write_text(
        BROKEN.replace("<html>", '<html lang="en">')
        .replace("<img src", '<img alt="" src')
        .replace("<div><li>An item outside a list</li></div>", "")
        .replace('id="twice">Two', ">Two")
    )
    errors = run_vnu([broken, valid])
    assert errors[valid] == [], describe_vnu(errors[valid])
    messages = " ".join(m["message"] for m in errors[broken])
    assert "“img” element must have an “alt” attribute" in messages and "Duplicate ID “twice”" in messages, messages


def test_ci_installs_the_checkers_at_the_pinned_versions():
    """CI runs these checks rather than skipping them: .ci/run installs the pinned npm tools and exports their
    folder (then a missing tool fails), .ci/system-packages brings Java, npm, Chromium and LibreOffice."""
    from tests.checkers import PINS, TOOLS_ENV, TOOLS_FILE

    assert set(PINS) == {"axe-core", "vnu-jar"} and all(re.fullmatch(r"\d+\.\d+\.\d+", v) for v in PINS.values())
    tools = (ROOT / ".ci/npm-tools").read_text()
    assert f'export {TOOLS_ENV}="' in tools
    install = next(line for line in tools.splitlines() if "npm install" in line)
    assert TOOLS_FILE.relative_to(ROOT).as_posix() in install and "--ignore-scripts" in install
    run, newest = (ROOT / ".ci/run").read_text(), (ROOT / ".ci/newest").read_text()
    assert run.index(". .ci/npm-tools") < run.index("pip install -e '.[test]' && pytest || exit")
    assert newest.index(". .ci/npm-tools") < newest.index("pytest -p no:cacheprovider")
    system = (ROOT / ".ci/system-packages").read_text()
    for package in ("default-jre-headless", "nodejs", "npm", "chromium-driver", "libreoffice-impress"):
        assert f" {package}" in system, package
