"""Client-side checkers for the HTML outputs, and the awkward-profile corpus they run on.

- axe-core (npm ``axe-core``) is injected into a page loaded in headless Chromium (Selenium) and run with
  the WCAG 2.x A/AA rules; it returns the violations.
- The Nu HTML checker (npm ``vnu-jar``, run with ``java -jar vnu.jar``) validates many files in one Java
  run (the JVM takes seconds to start) and returns the errors per file.

Both come from npm, at the versions of ``tests/npm-tools.txt``, into one folder: ``$VISITKIT_NPM_TOOLS``
(``.ci/run`` sets it), by default ``~/.cache/visitkit-npm-tools``. Without them the tests that need them skip,
naming the install command (a failure instead when ``$VISITKIT_NPM_TOOLS`` is set, as in CI).
The corpus (``tests/profiles/valid/``) is built once per session with doit in a temporary project.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from tests.conftest import ROOT

TOOLS_ENV = "VISITKIT_NPM_TOOLS"
# One list of exact versions, read by these tests and by .ci/run's `npm install`.
TOOLS_FILE = ROOT / "tests" / "npm-tools.txt"
PINS = dict(
    line.strip().rsplit("@", 1) for line in TOOLS_FILE.read_text().splitlines() if line.strip() and line[0] != "#"
)


def install_command(folder: Path) -> str:
    """The ``npm install`` that puts the pinned tools in ``folder`` (what .ci/run runs).

    ``--ignore-scripts``: vnu-jar's postinstall would download a Java runtime; the system's Java runs it.
    """
    packages = " ".join(f"{name}@{version}" for name, version in PINS.items())
    return f"npm install --prefix {shlex.quote(str(folder))} --save-exact --ignore-scripts {packages}"


AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")

CORPUS = ROOT / "tests" / "profiles" / "valid"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--hide-scrollbars",
)


def tools_dir() -> Path:
    default = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "visitkit-npm-tools"
    return Path(os.environ.get(TOOLS_ENV) or default)


def _installed(package: str, file: str) -> Path:
    """``file`` of npm ``package`` at its pinned version, or a skip saying how to install it.

    When ``$VISITKIT_NPM_TOOLS`` is set (CI sets it after installing), a missing tool is a failure, not a skip.
    """
    version = PINS[package]
    folder = tools_dir() / "node_modules" / package
    path = folder / file
    try:
        found = json.loads((folder / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        found = None
    if found != version or not path.is_file():
        got = f"version {found} is" if found else "it is not"
        message = (
            f"{package}@{version} is needed but {got} installed in {tools_dir()} (${TOOLS_ENV} or its default): "
            f"{install_command(tools_dir())}"
        )
        (pytest.fail if os.environ.get(TOOLS_ENV) else pytest.skip)(message)
    return path


def axe_source() -> str:
    return _installed("axe-core", "axe.min.js").read_text(encoding="utf-8")


def vnu_command() -> list[str]:
    jar = _installed("vnu-jar", "build/dist/vnu.jar")
    java = shutil.which("java")
    if java is None:
        pytest.skip("the Nu HTML checker needs Java: apt-get install default-jre-headless")
    return [java, "-Xss8m", "-jar", str(jar)]


# ---------------------------------------------------------------------------------------------- Chromium


def require_chromium() -> None:
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (CI installs it): apt-get install chromium chromium-driver")
    assert DRIVER, "chromium is installed but chromedriver is not: apt-get install chromium-driver"


def start_chromium() -> Any:
    """A headless Chromium that cannot reach the network (pages that name remote images still lay out)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    require_chromium()
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    # Explicit driver path: Selenium Manager never runs, so nothing is downloaded.
    driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["http://*", "https://*", "ws://*", "wss://*"]})
    return driver


def open_page(driver: Any, path: Path, width: int, height: int = 900) -> None:
    """``path`` at a viewport ``width`` px wide (``--window-size`` cannot go below 500 px; this can)."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )
    driver.get(path.as_uri())


OVERFLOW = """
const root = document.documentElement, inner = window.innerWidth;
const out = el => {
  const b = el.getBoundingClientRect();
  return b.width > 0 && (b.right > inner + 0.5 || b.left < -0.5);
};
const wide = [];
for (const el of document.body.querySelectorAll('*')) {
  // the innermost elements that stick out: the culprits, not every ancestor that holds them
  if (out(el) && ![...el.children].some(out)) {
    const box = el.getBoundingClientRect(), text = (el.textContent || '').trim().slice(0, 50);
    wide.push(`${el.tagName.toLowerCase()} [${Math.round(box.left)}, ${Math.round(box.right)}] "${text}"`);
  }
}
return {scroll: root.scrollWidth, inner: inner, wide: wide.slice(0, 3)};
"""


def overflow(driver: Any) -> dict[str, Any]:
    """The document's scroll width against the viewport, and the innermost elements that stick out."""
    return driver.execute_script(OVERFLOW)


def strip_styles(driver: Any) -> None:
    """Remove every ``<style>`` (clients such as Gmail's app for other accounts drop them), keep inline styles."""
    driver.execute_script("for (const s of [...document.querySelectorAll('style')]) s.remove();")


def run_axe(driver: Any, path: Path, width: int = 1280) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.x A/AA violations on ``path``: one dict per rule, with its failing nodes."""
    source = axe_source()
    open_page(driver, path, width)
    # Injected through the DevTools protocol: the pages' Content-Security-Policy forbids their own scripts.
    driver.execute_script(source)
    driver.set_script_timeout(60)
    result = driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})
          .then(r => done({violations: r.violations.map(v => ({
              id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}))}))
          .catch(e => done({error: String(e)}));
        """,
        list(AXE_TAGS),
    )
    assert "error" not in result, result
    return result["violations"]


def describe_violations(violations: list[dict[str, Any]], limit: int = 3) -> list[str]:
    """One line per violated rule: id, impact, how many nodes, the first targets and why."""
    lines = []
    for v in violations:
        nodes = v["nodes"]
        shown = "; ".join(f"{n['target']}: {' '.join((n['summary'] or '').split())[:160]}" for n in nodes[:limit])
        lines.append(f"{v['id']} ({v['impact']}, {len(nodes)} nodes): {v['help']} -- {shown}")
    return lines


# ----------------------------------------------------------------------------------------- Nu HTML checker


def run_vnu(files: list[Path]) -> dict[Path, list[dict[str, Any]]]:
    """The Nu HTML checker's errors for each of ``files`` (one Java run for all): ``{file: [message…]}``.

    Only ``type: error`` (and checker failures, ``non-document-error``) count; warnings and info do not.
    """
    command = vnu_command()
    result = subprocess.run(
        [*command, "--format", "json", "--stdout", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.stdout.strip(), f"the Nu HTML checker failed (exit {result.returncode}): {result.stderr[-2000:]}"
    report = json.loads(result.stdout)
    # vnu writes file URLs as ``file:/tmp/…``: compare paths, not URL spellings
    by_path = {Path(f).resolve(): Path(f) for f in files}
    found: dict[Path, list[dict[str, Any]]] = {Path(f): [] for f in files}
    for message in report["messages"]:
        if message.get("type") not in ("error", "non-document-error"):
            continue
        url = urlsplit(message.get("url", ""))
        path = by_path.get(Path(unquote(url.path))) if url.scheme == "file" else None
        assert path is not None, message  # a message about no file we asked for: the checker itself failed
        found[path].append(message)
    return found


def describe_vnu(messages: list[dict[str, Any]]) -> list[str]:
    return [f"line {m.get('lastLine', '?')}: {m['message']}" for m in messages]


# ------------------------------------------------------------------------------------------ host pages

HOST_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Host page</title>
<style>
  body {{ margin: 0; font: 16px/1.5 Georgia, serif; color: #333333; background: #FFFFFF; }}
  main {{ max-width: 760px; margin: 0 auto; padding: 16px; }}
</style>
</head>
<body>
<header><p>A host site's header</p></header>
<main>
<h1>Our virtual appointments</h1>
{fragments}
</main>
</body>
</html>
"""


def host_page(folder: Path, fragments: list[Path], name: str, lang: str) -> Path:
    """A minimal valid page of a host site, holding ``fragments`` pasted one after the other."""
    body = "\n".join(f.read_text(encoding="utf-8") for f in fragments)
    path = folder / name
    path.write_text(HOST_PAGE.format(lang=lang, fragments=body), encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------- corpus

_built: dict[str, Path] = {}


def corpus_profiles() -> list[str]:
    return sorted(p.stem for p in CORPUS.glob("*.yaml"))


def build_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A temporary project whose ``org_profiles/`` is the corpus, built once per session with doit.

    A failed build is not an error here: ``test_corpus_builds`` reports it, and each organisation's checks
    run on whatever it published (``corpus-build.log`` keeps doit's output).
    """
    if "corpus" not in _built:
        from tests.pipeline_support import copy_project, doit

        project = copy_project(tmp_path_factory.mktemp("corpus"))
        shutil.rmtree(project / "org_profiles")
        shutil.copytree(CORPUS, project / "org_profiles")
        result = doit(project, "-n", "2", env={"VISITKIT_TASK_LINES": "0"})
        (project / "corpus-build.log").write_text(f"exit {result.returncode}\n{result.stdout}{result.stderr}")
        _built["corpus"] = project
    return _built["corpus"]
