"""Task actions: atomic writes, and dates from SOURCE_DATE_EPOCH rather than the clock."""

from __future__ import annotations

import io
import os
from pathlib import Path

from tests.conftest import make_content
from visitkit import build
from visitkit.content import dump_content


def test_write_atomic_replaces_whole_files_and_keeps_identical_ones(tmp_path: Path):
    target = tmp_path / "out" / "file.bin"
    build.write_atomic(target, b"first")
    assert target.read_bytes() == b"first"
    os.utime(target, ns=(1, 1))
    build.write_atomic(target, b"first")  # same bytes: untouched, so nothing downstream reruns
    assert target.stat().st_mtime_ns == 1
    (target.parent / ".file.bin.abc.tmp").write_bytes(b"half")  # left by a killed build
    build.write_atomic(target, b"second")
    assert target.read_bytes() == b"second"
    assert [p.name for p in target.parent.iterdir()] == ["file.bin"]


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
