"""Shared fixtures: real profiles from org_profiles/, real sources, real renderers."""

from __future__ import annotations

import importlib
import logging
import os
from pathlib import Path

import pytest

from visitkit import outputs, sources
from visitkit.content import Content, build_content
from visitkit.profile import load_profile
from visitkit.render import RenderContext, renderer_inputs

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _project_cwd(monkeypatch):
    """Renderers and tasks address files relative to the project folder."""
    monkeypatch.chdir(ROOT)


@pytest.fixture(autouse=True)
def _fail_on_warnings(caplog):
    """Like WeasyPrint's own suite: any logged warning is a test failure."""
    yield
    warnings = [r for r in caplog.get_records("call") if r.levelno >= logging.WARNING]
    assert not warnings, [r.getMessage() for r in warnings]


def make_content(org: str = "sample", locale: str | None = None, profiles_dir: Path | None = None) -> Content:
    profiles_dir = profiles_dir or ROOT / "org_profiles"
    available = sources.available_locales(ROOT / "sources")
    profile = load_profile(profiles_dir / f"{org}.yaml", available)
    locale = locale or profile.locales[0]
    return build_content(profile, org, locale, sources.load_locale(ROOT / "sources", locale), profiles_dir)


def content_flags(content: Content) -> set[str]:
    """The profile flags behind ``content`` that turn outputs on (what planning reads from the profile)."""
    flags = {"faq.structured_data": content.structured_data, "brand.logo": content.logo is not None}
    return {flag for flag, on in flags.items() if on}


def planned_options(module: str, content: Content) -> dict:
    """The options planning gives ``module`` for ``content`` (the names of the folder's other files)."""
    output = outputs.BY_RENDERER.get(module)
    if output is not None and output.lists_outputs:
        return {"files": outputs.siblings(output, content_flags(content))}
    return {}


def make_context(module: str, content: Content, **options) -> RenderContext:
    """The context the pipeline would give ``module`` for ``content``."""
    renderer = importlib.import_module(module)
    options = {**planned_options(module, content), **options}
    logo = content.logo.path if content.logo else None
    names = renderer_inputs(renderer, content.icon, logo, [content.font.regular, content.font.bold])
    assets = {name: (ROOT / name).read_bytes() for name in names}
    return RenderContext(content=content, assets=assets, options=options)


os.environ.setdefault("SOURCE_DATE_EPOCH", "1767225600")


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """A copy of the project after one full serial build (shared: tests copy it, never change it)."""
    from tests.pipeline_support import copy_project, doit

    project = copy_project(tmp_path_factory.mktemp("built"))
    result = doit(project)
    assert result.returncode == 0, result.stdout + result.stderr
    (project / "first-build.log").write_text(result.stdout)
    return project


@pytest.fixture
def project(built: Path, tmp_path: Path) -> Path:
    """A private copy of the built project, doit state included."""
    import shutil

    copy = tmp_path / "project"
    shutil.copytree(built, copy, symlinks=True)
    return copy
