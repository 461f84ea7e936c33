"""`visitkit serve`: the live preview, run as a user runs it (a subprocess in a copy of a built project),
spoken to over real HTTP: the gallery, rebuild and reload on save, a broken profile's lines, the
server's rules (only build/ and its own pages, loopback by default) and a clean Ctrl-C."""

from __future__ import annotations

import http.client
import io
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.pipeline_support import doit, example_orgs, ran
from visitkit.preview import pages
from visitkit.preview.site import Org

REBUILD_TIMEOUT = 180  # seconds; a one-organisation rebuild takes ~5 s alone on the 2-core machine, more when shared
OLD_NAME = "name: Riverside Family Health Centre"
NEW_NAME = "name: Riverside Telehealth Centre"
BROKEN_COLOUR = "  primary: blue"
GOOD_COLOUR = '  primary: "#0B6E4F"'


class Serve:
    """``visitkit serve`` in ``project`` on a free port, its output in a log file."""

    def __init__(self, project: Path, *args: str) -> None:
        self.project = project
        self.log = project / "serve.log"
        env = {
            **os.environ,
            "PYTHONPATH": str(project),
            "XDG_CACHE_HOME": str(project.parent / "cache"),  # slide images: outside build/, outside ~
            "VISITKIT_TASK_LINES": "1",  # doit's own task lines, to see what each rebuild ran
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "visitkit.cli", "serve", "--port", "0", *args],
            cwd=project, env=env, stdin=subprocess.DEVNULL, stdout=self.log.open("wb"), stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while not (match := re.search(r"http://(\S+?):(\d+)/", self.output())):
            assert self.process.poll() is None, self.output()
            assert time.monotonic() < deadline, self.output()
            time.sleep(0.1)
        self.host, self.port = match.group(1).strip("[]"), int(match.group(2))
        self.wait_for(lambda: "visitkit serve: built" in self.output(), "the first build")

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, condition, what: str, timeout: float = REBUILD_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            assert self.process.poll() is None, self.output()
            assert time.monotonic() < deadline, f"timed out waiting for {what}:\n{self.output()}"
            time.sleep(0.1)

    def request(self, path: str, method: str = "GET", host: str | None = None) -> tuple[int, dict[str, str], bytes]:
        """``path`` sent exactly as written (http.client does not normalise ``..`` away)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.putrequest(method, path, skip_host=host is not None)
            if host is not None:
                connection.putheader("Host", host)
            connection.endheaders()
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()

    def get(self, path: str) -> bytes:
        status, _, body = self.request(path)
        assert status == 200, (path, status)
        return body

    def events(self) -> queue.Queue[str]:
        """An SSE client: the names of the events it receives, as they arrive."""
        received: queue.Queue[str] = queue.Queue()
        connected = threading.Event()

        def listen() -> None:
            with socket.create_connection(("127.0.0.1", self.port), timeout=REBUILD_TIMEOUT) as sock:
                sock.sendall(f"GET /_preview/events HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n\r\n".encode())
                stream = sock.makefile("rb")
                for raw in stream:
                    line = raw.decode().rstrip("\r\n")
                    if line.startswith("retry:"):
                        connected.set()
                    if line.startswith("event: "):
                        received.put(line.removeprefix("event: "))
                        if line == "event: reload":
                            return

        threading.Thread(target=listen, daemon=True).start()
        assert connected.wait(30), self.output()
        return received

    def stop(self, timeout: float = 20) -> tuple[int, float]:
        """Ctrl-C; the exit status and how long it took."""
        started = time.monotonic()
        self.process.send_signal(signal.SIGINT)
        status = self.process.wait(timeout)
        return status, time.monotonic() - started

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def serve(project):
    started: list[Serve] = []

    def start(*args: str) -> Serve:
        started.append(Serve(project, *args))
        return started[-1]

    yield start
    for server in started:
        server.kill()


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.frames: list[str] = []
        self.images: list[str] = []
        self.failed = 0
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a":
            self.links.append(attrs["href"])
        if tag == "iframe":
            self.frames.append(attrs["src"])
        if tag == "img":
            self.images.append(attrs["src"])
        if "failed" in (attrs.get("class") or "").split():
            self.failed += 1

    def handle_data(self, data):
        self.text.append(data)


def parse(body: bytes) -> Links:
    links = Links()
    links.feed(body.decode())
    return links


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(child) for child in (task / "children").read_text().split()}
    return found


def listening(port: int) -> set[str]:
    """The local addresses a TCP socket listens on ``port`` (from /proc, not from the server's word)."""
    addresses = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                addresses.add(address)
    return addresses


def test_gallery_and_pages_show_every_output_as_built(project, serve):
    server = serve()
    orgs = example_orgs()
    status, headers, body = server.request("/")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert headers["cache-control"] == "no-store"
    assert b"EventSource" in body  # the preview's own page reloads itself
    gallery = parse(body)
    wanted = {f"/_preview/org/{org}/{locale}" for org, locales in orgs.items() for locale in locales}
    assert wanted <= set(gallery.links), wanted - set(gallery.links)
    assert gallery.failed == 0

    for org, locales in orgs.items():
        for locale in locales:
            page = parse(server.get(f"/_preview/org/{org}/{locale}"))
            folder = project / "build" / org / locale
            # The pages and the email are shown as they are on disk, byte for byte, without the reload script.
            for name in ("faq.html", "resources.html", "email.html", "email.txt", "infographic.pdf"):
                assert f"/{org}/{locale}/{name}" in page.frames, (org, locale, name)
                served = server.get(f"/{org}/{locale}/{name}")
                assert served == (folder / name).read_bytes()
                assert b"EventSource" not in served and b"_preview" not in served
            assert f"/{org}/{locale}/infographic-large.png" in page.images
            assert f"/{org}/{locale}/infographic.pptx" in page.links
            for fragment in ("faq.fragment.html", "resources.fragment.html"):
                host = f"/_preview/host/{org}/{locale}/{fragment}"
                assert host in page.frames
                # The neutral host page holds the fragment exactly as built.
                assert (folder / fragment).read_bytes() in server.get(host)

    _, headers, pdf = server.request("/sample/en/infographic.pdf")
    assert headers["content-type"] == "application/pdf" and pdf.startswith(b"%PDF-")
    _, headers, _ = server.request("/sample/en/infographic.pptx")
    assert headers["content-type"].endswith("presentationml.presentation")
    _, headers, _ = server.request("/sample/en/email.txt")
    assert headers["content-type"] == "text/plain; charset=utf-8"


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed (soffice)")
def test_slide_image_is_made_by_libreoffice_and_cached_outside_build(project, serve):
    from PIL import Image

    server = serve()
    page = parse(server.get("/_preview/org/sample/en"))
    src = "/_preview/slide/sample/en/infographic.png"
    assert src in page.images
    before = sorted((project / "build").rglob("*"))
    image = server.get(src)
    with Image.open(io.BytesIO(image)) as png:
        assert png.format == "PNG" and png.width >= 500
    cached = list((project.parent / "cache" / "visitkit" / "slides").glob("*.png"))
    assert len(cached) == 1 and cached[0].read_bytes() == image
    assert sorted((project / "build").rglob("*")) == before  # nothing written into build/


def test_without_libreoffice_the_slide_is_its_thumbnail_and_a_download():
    org = Org(id="acme", name="Acme <Clinic>", locales=["en"], status="ok",
              files=frozenset({"en/infographic.pptx", "en/infographic.png", "en/infographic.pdf"}))
    page = parse(pages.org_page(org, "en", 0, slide_images=False))
    assert "/acme/en/infographic.png" in page.images
    assert "/acme/en/infographic.pptx" in page.links
    assert not any("/_preview/slide/" in src for src in page.images)
    assert "Acme <Clinic>" in "".join(page.text)  # escaped in the HTML, shown as written


def test_a_save_rebuilds_only_that_organisation_and_reloads_the_page(project, serve):
    server = serve()
    old_faq = server.get("/sample/en/faq.html")
    others = {p: p.stat().st_mtime_ns for p in (project / "build").glob("*/*/faq.html") if "sample" not in p.parts}
    events = server.events()
    log_before = len(server.output())

    # Requests keep being answered during the rebuild, and a page is always whole: the old one or the new one.
    answers: list[tuple[int, bytes]] = []
    stop_polling = threading.Event()

    def poll() -> None:
        while not stop_polling.is_set():
            status, _, body = server.request("/sample/en/faq.html")
            answers.append((status, body))
            answers.append(server.request("/")[::2])
            time.sleep(0.05)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    saved = time.monotonic()
    edit(project / "org_profiles" / "sample.yaml", OLD_NAME, NEW_NAME)
    assert events.get(timeout=REBUILD_TIMEOUT) == "building"
    assert events.get(timeout=REBUILD_TIMEOUT) == "reload"
    reloaded = time.monotonic() - saved
    stop_polling.set()
    poller.join(60)

    new_faq = server.get("/sample/en/faq.html")
    assert b"Riverside Telehealth Centre" in new_faq and new_faq != old_faq
    faq_answers = [body for status, body in answers[::2]]
    assert all(status == 200 for status, _ in answers)
    assert all(body in (old_faq, new_faq) for body in faq_answers)
    assert "Riverside Telehealth Centre" in "".join(parse(server.get("/")).text)
    # Only the edited organisation was rebuilt.
    rebuilt = ran(subprocess.CompletedProcess([], 0, server.output()[log_before:], ""))
    assert rebuilt and all("sample" in task for task in rebuilt if ":" in task), rebuilt
    assert {p: p.stat().st_mtime_ns for p in others} == others
    print(f"save → reload: {reloaded:.1f} s")

    status, took = server.stop()
    assert status == 0 and "Traceback" not in server.output()
    # What serve built is what doit builds: doit finds nothing left to do.
    again = doit(project)
    assert again.returncode == 0 and not ran(again), again.stdout


def test_a_save_during_a_build_is_built_before_the_page_reloads(project, serve):
    server = serve()
    events = server.events()
    profile = project / "org_profiles" / "sample.yaml"
    edit(profile, OLD_NAME, NEW_NAME)
    assert events.get(timeout=REBUILD_TIMEOUT) == "building"
    edit(profile, NEW_NAME, "name: Riverside Second Save Centre")  # lands while the first build runs
    assert events.get(timeout=REBUILD_TIMEOUT) == "reload"
    # The one reload comes after the build of the last save, never between the two.
    assert b"Riverside Second Save Centre" in server.get("/sample/en/faq.html")
    # The start-up build, the build the first save started, and the one after it for the save that came during it.
    assert server.output().count("visitkit serve: built") >= 3


def test_a_broken_profile_shows_its_lines_and_the_others_stay_browsable(project, serve):
    server = serve()
    events = server.events()
    edit(project / "org_profiles" / "sample.yaml", GOOD_COLOUR, BROKEN_COLOUR)
    assert "reload" in [events.get(timeout=REBUILD_TIMEOUT) for _ in range(2)]
    errors = [line.removeprefix("ERROR ") for line in server.output().splitlines() if line.startswith("ERROR ")]
    assert errors == ["org_profiles/sample.yaml:6: brand.primary: expected a colour like #1A2B3C, got 'blue'"]

    page = parse(server.get("/_preview/org/sample/en"))
    assert page.failed == 1 and errors[0] in page.text
    assert page.frames == []  # the error lines in place of the outputs
    assert errors[0] in parse(server.get("/")).text
    other = parse(server.get("/_preview/org/sunvale-health/en"))
    assert other.failed == 0 and "/sunvale-health/en/faq.html" in other.frames
    assert b"Sunvale" in server.get("/sunvale-health/en/faq.html")
    assert server.get("/sample/en/faq.html")  # its last good outputs are kept (the build's rule)

    events = server.events()
    edit(project / "org_profiles" / "sample.yaml", BROKEN_COLOUR, GOOD_COLOUR)
    assert "reload" in [events.get(timeout=REBUILD_TIMEOUT) for _ in range(2)]
    page = parse(server.get("/_preview/org/sample/en"))
    assert page.failed == 0 and "/sample/en/faq.html" in page.frames
    assert parse(server.get("/")).failed == 0


def test_serves_only_build_and_its_own_pages(project, serve, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the browser")
    build = project / "build"
    (build / "sample" / "en" / "leak.txt").symlink_to(secret)
    (build / "sample" / "outside").symlink_to(tmp_path, target_is_directory=True)
    (build / "project").symlink_to(project, target_is_directory=True)
    server = serve()
    assert server.get("/sample/en/faq.html")  # the files themselves are served
    refused = [
        "/../pyproject.toml", "/%2e%2e/pyproject.toml", "/..%2fpyproject.toml", "/%2E%2E%2Fpyproject.toml",
        "/sample/../../pyproject.toml", "/sample/%2e%2e/%2e%2e/pyproject.toml", "/..\\pyproject.toml",
        "/sample/en/faq.html%00.png", "/sample/en/leak.txt", "/sample/outside/secret.txt",
        "/project/pyproject.toml", "/sample/en/", "/sample/", "/.snapshots", "/.work",
        f"/{project}/pyproject.toml", "//etc/passwd", "/_preview/host/sample/en/../../../pyproject.toml",
        "/_preview/host/sample/en/faq.html", "/_preview/org/..", "/_preview/nothing",
    ]
    for path in refused:
        for method in ("GET", "HEAD"):
            status, _, body = server.request(path, method)
            assert status == 404, (path, method, status)
            assert b"not for the browser" not in body and b"[project]" not in body
    # A page that rebinds its own host name to 127.0.0.1 is not answered.
    assert server.request("/sample/en/faq.html", host="attacker.example")[0] == 421
    assert server.request("/", host=f"localhost:{server.port}")[0] == 200


def test_listens_on_loopback_unless_told_and_ctrl_c_stops_even_mid_build(project, serve):
    server = serve()
    assert server.host == "127.0.0.1"
    assert listening(server.port) == {"0100007F"}  # 127.0.0.1, and only there
    events = server.events()
    log_before = len(server.output())
    edit(project / "org_profiles" / "sample.yaml", OLD_NAME, NEW_NAME)
    assert events.get(timeout=REBUILD_TIMEOUT) == "building"
    # Stop once doit is rendering the edited organisation (its task lines), not before it has begun.
    server.wait_for(lambda: re.search(r"^\.  \S+:sample\b", server.output()[log_before:], re.M), "a sample task")
    doit_processes = children(server.process.pid)
    assert doit_processes  # a doit is running now
    status, took = server.stop()
    assert status == 0, server.output()
    assert took < 15, took
    assert "Traceback" not in server.output() and server.output().rstrip().endswith("visitkit serve: stopped")
    for pid in doit_processes:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()
    # The interrupted build left a project that a plain doit brings up to date (the edit is not lost).
    again = doit(project)
    assert again.returncode == 0, again.stdout + again.stderr
    manifest = json.loads((project / "build" / "sample" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["name"] == NEW_NAME.removeprefix("name: ")
    assert b"Riverside Telehealth Centre" in (project / "build" / "sample" / "en" / "faq.html").read_bytes()

    anywhere = serve("--host", "0.0.0.0")
    assert listening(anywhere.port) == {"00000000"}
    assert anywhere.request("/", host="example.lan:80")[0] == 200  # asked for: any host name
    assert anywhere.stop()[0] == 0
