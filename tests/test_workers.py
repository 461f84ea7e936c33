"""visitkit.workers: doit's worker threads hand their actions to long-lived spawned processes."""

from __future__ import annotations

import io
import multiprocessing
import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pypdfium2
import pytest
from doit.exceptions import TaskError, TaskFailed

from visitkit import workers


def _pdf(folder: Path) -> str:
    document = pypdfium2.PdfDocument.new()
    document.new_page(300, 200)
    buffer = io.BytesIO()
    document.save(buffer)
    path = folder / "page.pdf"
    path.write_bytes(buffer.getvalue())
    return str(path)


def _thumbnail(folder: Path, name: str) -> tuple[str, dict[str, int]]:
    return _pdf(folder), {str(folder / name): 120}


def _pids(log_folder: Path) -> set[int]:
    """The processes that rendered, from the benchmark's memory log (one file per process)."""
    return {int(p.stem) for p in log_folder.glob("*.log")}


@pytest.fixture
def rss_log(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "rss"
    folder.mkdir()
    monkeypatch.setenv("VISITKIT_RSS_LOG", str(folder))  # set before any worker starts: they inherit it
    return folder


def test_a_serial_run_acts_in_its_own_process(tmp_path: Path, rss_log: Path):
    assert workers.run("thumbnails", *_thumbnail(tmp_path, "a.png")) is None
    assert (tmp_path / "a.png").read_bytes().startswith(b"\x89PNG")
    assert _pids(rss_log) == {os.getpid()}


def test_each_worker_thread_has_one_long_lived_process(tmp_path: Path, rss_log: Path):
    with ThreadPoolExecutor(1) as first, ThreadPoolExecutor(1) as second:
        for name in ("a.png", "b.png"):
            assert first.submit(workers.run, "thumbnails", *_thumbnail(tmp_path, name)).result() is None
        one = _pids(rss_log)
        assert len(one) == 1 and os.getpid() not in one  # both documents, one process, not this one
        assert second.submit(workers.run, "thumbnails", *_thumbnail(tmp_path, "c.png")).result() is None
    assert len(_pids(rss_log)) == 2
    assert all((tmp_path / n).read_bytes().startswith(b"\x89PNG") for n in ("a.png", "b.png", "c.png"))
    # the worker logged each document it rendered: one line each
    lines = sorted(len(p.read_text().splitlines()) for p in rss_log.glob("*.log"))
    assert lines == [1, 2]


def test_failures_and_errors_come_back_as_doit_results(tmp_path: Path):
    with ThreadPoolExecutor(1) as thread:
        failed = thread.submit(workers.run, "missing_profile", "org_profiles/nobody.yaml").result()
        assert isinstance(failed, TaskFailed)
        assert failed.message == "org_profiles/nobody.yaml: no such profile (asked for with org=)"
        error = thread.submit(workers.run, "recipe", ["no/such/file.txt"], str(tmp_path / "stamp")).result()
        assert isinstance(error, TaskError)
        assert "FileNotFoundError" in error.get_msg() and "no/such/file.txt" in error.get_msg()


def test_a_killed_worker_fails_only_its_task(tmp_path: Path):
    before = {child.pid for child in multiprocessing.active_children()}
    with ThreadPoolExecutor(1) as thread:
        pdf, targets = _thumbnail(tmp_path, "a.png")
        pending = thread.submit(workers.run, "thumbnails", pdf, targets)
        deadline = time.monotonic() + 30
        while not (started := [c for c in multiprocessing.active_children() if c.pid not in before]):
            assert time.monotonic() < deadline, "no worker process started"
            time.sleep(0.005)
        os.kill(started[0].pid, signal.SIGKILL)  # while it still imports: before it can render
        failed = pending.result()
        assert isinstance(failed, TaskFailed)
        assert failed.message == f"{pdf}: the worker process stopped unexpectedly while running thumbnails"
        # the thread's next task gets a fresh worker
        assert thread.submit(workers.run, "thumbnails", *_thumbnail(tmp_path, "b.png")).result() is None
    assert (tmp_path / "b.png").is_file() and not (tmp_path / "a.png").exists()
