"""Serve a live preview of every organisation on http://127.0.0.1:8000, rebuilt with doit on every save.

The gallery lists every organisation and locale; each has a page with its outputs (FAQ, fragments in a
neutral host page, resources, email, infographic, slide). Saving a profile, a source or a template runs
the project's own ``doit`` (only what changed is rebuilt) and reloads the open pages. A broken profile
shows its error lines, as doit prints them, in place of its outputs. Ctrl-C stops it.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from visitkit.cli.project import in_project
from visitkit.preview.builder import Builder, Events
from visitkit.preview.server import PreviewServer
from visitkit.preview.slides import Slides

LOOPBACK = "127.0.0.1"
LOOPBACK_NAMES = (LOOPBACK, "localhost", "::1")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--port", type=int, default=8000, help="the port to listen on (default 8000; 0 picks a free one)"
    )
    parser.add_argument(
        "--jobs", "-n", type=int, default=1, metavar="N",
        help="build with N worker processes, as `doit -n N` (same bytes as a serial build; default 1)",
    )
    parser.add_argument(
        "--host",
        default=None,
        help=f"the address to listen on (default {LOOPBACK}, this computer only); another address makes the preview "
        "reachable from other computers, so it is used only when given here",
    )


def run(args: argparse.Namespace) -> int:
    if not in_project():
        return 2
    project = Path.cwd()  # doit's files (build/, .doit.db) are relative to it, as for doit itself
    host = args.host or LOOPBACK
    if not 0 <= args.port <= 65535:
        print(f"visitkit serve: --port: expected 0 to 65535, got {args.port}", file=sys.stderr)
        return 2
    if args.jobs < 1:
        print(f"visitkit serve: --jobs: expected 1 or more, got {args.jobs}", file=sys.stderr)
        return 2
    events = Events()
    build = project / "build"
    build.mkdir(exist_ok=True)
    try:
        server = PreviewServer(
            (host, args.port), build, events, Slides(), loopback_only=host in LOOPBACK_NAMES
        )
    except OSError as error:
        print(f"visitkit serve: cannot listen on {host}:{args.port}: {error.strerror or error}", file=sys.stderr)
        return 1
    builder = Builder(project, events, jobs=args.jobs)
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    threads = [
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, name="http", daemon=True),
        threading.Thread(target=builder.watch_loop, name="watch", daemon=True),
        threading.Thread(target=builder.build_loop, name="build", daemon=True),
    ]
    try:
        for thread in threads:
            thread.start()
        builder.request()  # catch up with edits made while the preview was not running
        shown = f"[{host}]" if ":" in host else host
        print(f"visitkit serve: http://{shown}:{server.server_address[1]}/ (Ctrl-C stops it)", flush=True)
        if host not in LOOPBACK_NAMES:
            print(f"visitkit serve: listening on {host}: other computers can reach this preview", flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        builder.stop()
        events.close()
        server.shutdown()
        server.server_close()
        for thread in threads:
            thread.join(timeout=5)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print("visitkit serve: stopped", flush=True)
    return 0
