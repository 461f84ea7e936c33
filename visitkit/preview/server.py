"""The preview's HTTP server: ``build/`` byte for byte, the preview's own pages under ``/_preview/``,
and nothing else.

It is held to a web server's rules: every path is checked before it touches the disk (no ``..``, no
encoded slash, dot, backslash or NUL), resolved with ``Path.resolve()`` and required to be a file inside
``build/`` (a symlink leading out is a 404 like any missing file); there are no directory listings; on
the loopback interface it answers only requests addressed to the loopback (a web page that rebinds its
own host name to 127.0.0.1 gets nothing).
"""

from __future__ import annotations

import mimetypes
import re
import socket
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote

from visitkit.preview import pages
from visitkit.preview.builder import Events
from visitkit.preview.site import Site
from visitkit.preview.slides import Slides
from visitkit.selection import ORG_ID

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
    ".jsonld": "application/ld+json",
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".svg": "image/svg+xml",
    ".css": "text/css; charset=utf-8",
    ".zip": "application/zip",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
LOCALE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")
FRAGMENTS = ("faq.fragment.html", "resources.fragment.html")
KEEPALIVE = 15.0  # seconds between SSE comments, so proxies and browsers keep the stream open
# Encoded forms that could smuggle a separator or a dot segment past the check (decoded, they are refused too).
ENCODED = re.compile(r"%(?:2f|5c|00|2e)", re.IGNORECASE)


def safe_parts(raw_path: str) -> list[str] | None:
    """The path's segments, or None for anything that is not a plain path down from the root."""
    if "\\" in raw_path or "\x00" in raw_path or ENCODED.search(raw_path):
        return None
    try:
        path = unquote(raw_path, errors="strict")
    except UnicodeDecodeError:
        return None
    if not path.startswith("/") or "\\" in path or "\x00" in path:
        return None
    parts = [part for part in path.split("/") if part]
    # Dot-files are the build's own records (.snapshots, .work, temporary files), not outputs.
    if any(part in (".", "..") or part.startswith(".") for part in parts):
        return None
    return parts


def inside(root: Path, parts: list[str]) -> Path | None:
    """The file ``parts`` names under ``root``, resolved (symlinks followed), if it is a file inside it."""
    try:
        target = root.joinpath(*parts).resolve()
    except (OSError, RuntimeError, ValueError):
        return None
    if not target.is_relative_to(root) or not target.is_file():
        return None
    return target


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True  # an open event stream must not keep Ctrl-C waiting
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], build: Path, events: Events, slides: Slides,
                 loopback_only: bool) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, Handler)
        self.build = build.resolve()
        self.site = Site(self.build)
        self.events = events
        self.slides = slides
        self.loopback_only = loopback_only

    def allowed_host(self, host: str | None) -> bool:
        if not self.loopback_only:
            return True
        port = self.server_address[1]
        return (host or "").lower() in {f"{name}:{port}" for name in ("127.0.0.1", "localhost", "[::1]")}


class Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "visitkit-preview"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass  # the terminal shows the builds, not every request

    def do_HEAD(self) -> None:
        self._dispatch(head=True)

    def do_GET(self) -> None:
        self._dispatch(head=False)

    def _dispatch(self, head: bool) -> None:
        if not self.server.allowed_host(self.headers.get("Host")):
            return self._send(HTTPStatus.MISDIRECTED_REQUEST, b"Wrong host.\n", "text/plain; charset=utf-8", head)
        # Not urlsplit: it would read "//name/..." as a host name.
        path, _, query = self.path.partition("#")[0].partition("?")
        parts = safe_parts(path)
        if parts is None:
            return self._not_found(head)
        try:
            if not parts or parts == ["_preview"]:
                generation = self.server.events.generation  # before reading the site: a later build still reloads
                return self._page(pages.gallery(self.server.site.orgs(), generation), head)
            if parts[0] == "_preview":
                return self._preview(parts[1:], query, head)
            target = inside(self.server.build, parts)
            body = _read(target)
            if target is None or body is None:
                return self._not_found(head)
            return self._send(HTTPStatus.OK, body, _type(target), head)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _preview(self, parts: list[str], query: str, head: bool) -> None:
        server = self.server
        kind, rest = (parts[0], parts[1:]) if parts else ("", [])
        if kind == "events" and not rest:
            return self._events(query, head)
        if not rest or not ORG_ID.fullmatch(rest[0]) or (len(rest) > 1 and not LOCALE.fullmatch(rest[1])):
            return self._not_found(head)
        if kind == "org" and len(rest) <= 2:
            generation = server.events.generation
            org = server.site.org(rest[0])
            if org is None:
                return self._not_found(head)
            locale = rest[1] if len(rest) == 2 else (org.locales[0] if org.locales else None)
            if locale is not None and org.locales and locale not in org.locales:
                return self._not_found(head)
            phone = parse_qs(query).get("width") == ["phone"]
            page = pages.org_page(org, locale, generation, server.slides.available, phone=phone)
            return self._page(page, head)
        if kind == "host" and len(rest) == 3 and rest[2] in FRAGMENTS:
            fragment = _read(inside(server.build, rest))
            if fragment is None:
                return self._not_found(head)
            title = f"{rest[0]} · {rest[2]} in a host page"
            page = pages.host_page(fragment.decode("utf-8", errors="replace"), rest[1], title)
            return self._page(page, head)
        if kind == "slide" and len(rest) == 3 and rest[2] == "infographic.png":
            pptx = inside(server.build, [rest[0], rest[1], "infographic.pptx"])
            image = server.slides.png(pptx) if pptx is not None else None
            if image is None:  # LibreOffice missing or failed: the infographic's own thumbnail says the same
                image = _read(inside(server.build, [rest[0], rest[1], "infographic.png"]))
            if image is None:
                return self._not_found(head)
            return self._send(HTTPStatus.OK, image, "image/png", head)
        return self._not_found(head)

    def _events(self, query: str, head: bool) -> None:
        """Server-sent events: ``building`` when a rebuild starts, ``reload`` once it has finished."""
        try:
            since = int(parse_qs(query).get("since", ["-1"])[0])
        except ValueError:
            since = -1
        events = self.server.events
        if since < 0:
            since = events.generation
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        if head:
            return
        try:
            self.wfile.write(b"retry: 1000\n\n")
            self.wfile.flush()
            building_seen = False
            while True:
                generation, building, closed = events.wait(since, building_seen, KEEPALIVE)
                if closed:
                    return
                if generation > since:
                    self.wfile.write(f"event: reload\ndata: {generation}\n\n".encode())
                    self.wfile.flush()
                    return
                if building and not building_seen:
                    building_seen = True
                    self.wfile.write(b"event: building\ndata: \n\n")
                else:
                    self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
        except OSError:
            return

    def _page(self, body: bytes, head: bool) -> None:
        self._send(HTTPStatus.OK, body, "text/html; charset=utf-8", head)

    def _not_found(self, head: bool) -> None:
        self._send(HTTPStatus.NOT_FOUND, pages.not_found(), "text/html; charset=utf-8", head)

    def _send(self, status: HTTPStatus, body: bytes, content_type: str, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        # Everything changes on the next save: the browser must ask again, never show a stale copy.
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.end_headers()
        if not head:
            self.wfile.write(body)


def _read(path: Path | None) -> bytes | None:
    """The file's bytes; None for no file, or one the build removed since it was resolved."""
    try:
        return path.read_bytes() if path is not None else None
    except OSError:
        return None


def _type(path: Path) -> str:
    return TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
