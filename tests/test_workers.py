"""visitkit.workers: ``doit -n N`` renders in N long-lived processes fed by doit's main thread."""

from __future__ import annotations

import io
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from pathlib import Path
from types import SimpleNamespace

import pypdfium2
import pytest
from doit.cmd_base import ModuleTaskLoader
from doit.doit_cmd import DoitMain

from visitkit import workers

THUMBNAIL = "visitkit.render.thumbnail"


def _pdf(folder: Path) -> str:
    document = pypdfium2.PdfDocument.new()
    document.new_page(300, 200)
    buffer = io.BytesIO()
    document.save(buffer)
    path = folder / "page.pdf"
    path.write_bytes(buffer.getvalue())
    return str(path)


def _pids(log_folder: Path) -> dict[int, int]:
    """The processes that rendered, from the benchmark's memory log (one file per process, one line
    per document): pid → documents rendered."""
    return {int(p.stem): len(p.read_text().splitlines()) for p in log_folder.glob("*.log")}


@pytest.fixture
def rss_log(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "rss"
    folder.mkdir()
    monkeypatch.setenv("VISITKIT_RSS_LOG", str(folder))  # set before any worker starts: they inherit it
    return folder


@pytest.fixture
def runner() -> None:
    """doit's run command is visitkit's (a doit plugin named in pyproject.toml, read from the tests' working
    directory, the project folder): it uses workers.Runner for -n."""
    assert Path("pyproject.toml").read_text().count('run = "visitkit.loader:Run"') == 1


def _build(folder: Path, actions: dict[str, list], *args: str) -> tuple[int, str]:
    """Run doit in this process over one task per ``actions`` entry (name → [action, *args]);
    return its exit code and output."""

    def task_work():
        for name, action in actions.items():
            yield {"name": name, "actions": [(workers.run, action)]}

    out = io.StringIO()
    loader = ModuleTaskLoader({"task_work": task_work, "DOIT_CONFIG": {
        "par_type": "thread", "continue": True, "outfile": out,
    }})
    code = DoitMain(loader).run(["--db-file", str(folder / ".doit.db"), *args])
    return code, out.getvalue()


def _thumbnails(folder: Path, count: int) -> dict[str, list]:
    pdf = _pdf(folder)
    return {f"t{i}": ["derive", THUMBNAIL, pdf, {str(folder / f"t{i}.png"): {"width": 120}}] for i in range(count)}


def test_a_serial_run_acts_in_its_own_process(tmp_path: Path, rss_log: Path):
    assert workers.run("derive", THUMBNAIL, _pdf(tmp_path), {str(tmp_path / "a.png"): {"width": 120}}) is None
    assert (tmp_path / "a.png").read_bytes().startswith(b"\x89PNG")
    assert _pids(rss_log) == {os.getpid(): 1}


def test_n_workers_render_every_task_and_end_with_the_build(tmp_path: Path, rss_log: Path, runner):
    code, output = _build(tmp_path, _thumbnails(tmp_path, 8), "-n", "2")
    assert code == 0, output
    assert all((tmp_path / f"t{i}.png").read_bytes().startswith(b"\x89PNG") for i in range(8))
    rendered = _pids(rss_log)
    assert len(rendered) == 2 and os.getpid() not in rendered  # two long-lived processes, not this one
    assert sum(rendered.values()) == 8
    assert not [c for c in multiprocessing.active_children() if c.name == "visitkit-worker"]


def test_failures_and_errors_come_back_as_doit_results(tmp_path: Path, runner, capsys):
    actions = {
        "failed": ["missing_profile", "org_profiles/nobody.yaml", []],
        "error": ["recipe", ["no/such/file.txt"], str(tmp_path / "stamp"), {}],
        "fine": ["recipe", [], str(tmp_path / "empty-stamp"), {}],
    }
    code, output = _build(tmp_path, actions, "-n", "2")
    assert code == 2  # doit's code for an action that raised
    assert (tmp_path / "empty-stamp").is_file()
    failures = output + capsys.readouterr().out
    assert "org_profiles/nobody.yaml: no such profile (asked for with org=)" in failures
    assert "FileNotFoundError" in failures and "no/such/file.txt" in failures


def test_a_killed_worker_fails_only_its_task(tmp_path: Path, runner):
    # one worker: the first task runs, the second waits in its pipe; the worker is killed while it
    # still starts, before it can render: the first task fails, the second goes to a new worker
    before = {child.pid for child in multiprocessing.active_children()}
    stop = threading.Event()

    def kill_first_worker() -> None:
        deadline = time.monotonic() + 30
        while not stop.is_set() and time.monotonic() < deadline:
            started = [c for c in multiprocessing.active_children() if c.pid not in before]
            if started:
                os.kill(started[0].pid, signal.SIGKILL)
                return
            time.sleep(0.002)

    killer = threading.Thread(target=kill_first_worker)
    killer.start()
    try:
        code, output = _build(tmp_path, _thumbnails(tmp_path, 3), "-n", "1")
    finally:
        stop.set()
        killer.join()
    assert code != 0, output
    pdf = str(tmp_path / "page.pdf")
    assert output.count(f"{pdf}: the worker process stopped unexpectedly while running derive") == 1
    assert not (tmp_path / "t0.png").exists()
    assert (tmp_path / "t1.png").is_file() and (tmp_path / "t2.png").is_file()


def _fake_workers(*queued: int) -> workers.Runner:
    runner = workers.Runner(None, None, num_process=len(queued))
    runner.workers = [SimpleNamespace(queued=deque(range(n))) for n in queued]
    return runner


def test_a_task_waits_in_a_pipe_only_behind_one_other_and_only_when_small():
    small, big = 100, workers._QUEUED_BYTES + 1
    runner = _fake_workers(1, 0)
    assert runner._worker(small) is runner.workers[1]  # an idle worker first
    assert runner._worker(big) is runner.workers[1]
    runner = _fake_workers(2, 1)
    assert runner._worker(small) is runner.workers[1]  # the one with room
    assert runner._worker(big) is None  # a big task waits for an idle worker
    assert _fake_workers(2, 2)._worker(small) is None


def _send_sigint_handler(connection) -> None:  # noqa: ANN001 - run in a worker-to-be, before anything else
    connection.send(signal.getsignal(signal.SIGINT) is signal.SIG_IGN)


def test_a_worker_ignores_ctrl_c_from_birth():
    """Ctrl-C reaches every process of the terminal's group. A process forked from the fork server gets the
    server's original SIGINT handler back: it must be "ignore" (else a Ctrl-C while a worker starts prints a
    KeyboardInterrupt traceback from it). Checked in a fresh interpreter, whose fork server this test starts."""
    import subprocess
    import sys

    code = (
        "import signal; from visitkit import workers; from tests.test_workers import _send_sigint_handler;"
        "workers.start_fork_server();"
        "ours, theirs = workers._CONTEXT.Pipe();"
        "process = workers._CONTEXT.Process(target=_send_sigint_handler, args=(theirs,));"
        "process.start(); print(ours.recv(), signal.getsignal(signal.SIGINT) is signal.default_int_handler);"
        "process.join()"
    )
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # as from a terminal
    assert result.returncode == 0, result.stderr
    # the worker ignores it from its first instruction; the build's own process still stops on Ctrl-C
    assert result.stdout.split() == ["True", "True"]
