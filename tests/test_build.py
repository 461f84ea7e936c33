"""Task actions: dates from SOURCE_DATE_EPOCH rather than the clock; a worker's memory."""

from __future__ import annotations

import io
from pathlib import Path

from tests.conftest import make_content
from visitkit import build
from visitkit.content import dump_content


def test_pptx_dates_come_from_source_date_epoch(tmp_path: Path, monkeypatch):
    from pptx import Presentation

    content = tmp_path / "content.json"
    content.write_bytes(dump_content(make_content("sample")))
    inputs = ["templates/icons/healthcare.svg", "org_profiles/sample/logo.png",
              "templates/fonts/Inter-Regular.otf", "templates/fonts/Inter-Bold.otf"]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14T22:13:20Z
    target = tmp_path / "infographic.pptx"
    assert build.render("visitkit.render.pptx", str(content), inputs, str(target), {}) is None
    properties = Presentation(io.BytesIO(target.read_bytes())).core_properties
    assert properties.created.isoformat().startswith("2023-11-14T22:13:20")
    assert properties.modified == properties.created


def test_a_worker_hands_freed_c_memory_back_every_25_documents(monkeypatch):
    from visitkit import build

    trimmed = []
    monkeypatch.setattr(build, "_trim", lambda: trimmed.append(build._documents))
    monkeypatch.setattr(build, "_documents", 0)
    monkeypatch.setattr(build, "_WARM_DOCUMENTS", 10**9)  # no gc.freeze() of the test process
    for _ in range(60):
        build._settle()
    assert trimmed == [25, 50]


def test_trimming_finds_glibcs_malloc_trim_here():
    from visitkit import build

    build._trim()
    assert build._malloc_trim  # this machine and CI run glibc: the call is made, not skipped
