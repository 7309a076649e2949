"""A threaded HTTP server on the loopback interface that answers through a plain Python callable.

Generic on purpose: the demo run serves the county site with it, and other engineers' tests serve
their fixtures with it. The handler is looked up on every request, so a test (or the demo) can switch
the site between runs without restarting: ``server.handler = build_site(as_of, 1).handle``.
"""
from __future__ import annotations

import datetime as dt
import socket
import string
import threading
import traceback
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

Handler = Callable[[str, str, dict, dict], tuple[int, dict, bytes]]
SITES_TEMPLATE = Path(__file__).resolve().parent / "sites.yaml"
MAX_FORM_BYTES = 1 << 20
FORM_TYPE = "application/x-www-form-urlencoded"


class _RequestHandler(BaseHTTPRequestHandler):
    server_version = "Apache"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._answer("GET")

    def do_HEAD(self) -> None:
        self._answer("HEAD")

    def do_POST(self) -> None:
        self._answer("POST")

    def _answer(self, method: str) -> None:
        parts = urlsplit(self.path)
        query = parse_qs(parts.query, keep_blank_values=True)
        form: dict[str, list[str]] = {}
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            raw = self.rfile.read(min(length, MAX_FORM_BYTES))
            if (self.headers.get("Content-Type") or "").split(";")[0].strip().lower() == FORM_TYPE:
                form = parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True)
        owner: LoopbackServer = self.server.owner  # type: ignore[attr-defined]
        try:
            status, headers, body = owner.handler(method, parts.path, query, form)
        except Exception:  # noqa: BLE001 - a fixture bug must show up as a 500 with its traceback, not a hung crawl
            status, headers = 500, {"Content-Type": "text/plain; charset=utf-8"}
            body = traceback.format_exc().encode("utf-8")
        self.send_response(status)
        for name, value in headers.items():
            if name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - quiet: the crawl logs fetches itself
        return


class LoopbackServer:
    """``with LoopbackServer(handler) as srv: fetch(srv.base_url + "index.html")``; port 0 → a free port."""

    def __init__(self, handler: Handler, host: str = "127.0.0.1"):
        if not host.startswith("127."):
            raise ValueError(f"LoopbackServer binds loopback addresses only, not {host!r}")
        self.handler = handler
        self.host = host
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("LoopbackServer is not started")
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def start(self) -> LoopbackServer:
        if self._httpd is not None:
            return self
        httpd = ThreadingHTTPServer((self.host, 0), _RequestHandler)
        httpd.daemon_threads = True
        httpd.owner = self  # type: ignore[attr-defined]
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                        name=f"loopback-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join()
        self._httpd = self._thread = None

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def closed_port_url(host: str = "127.0.0.1") -> str:
    """A URL on a local port nobody listens on (bound, then released): a site that cannot be opened."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        port = s.getsockname()[1]
    return f"http://{host}:{port}/"


def serve_demo(as_of: dt.date, variant: int = 0) -> LoopbackServer:
    """Start the demo county on a free loopback port; the caller stops it."""
    from .site import build_site
    return LoopbackServer(build_site(as_of, variant).handle).start()


def demo_sites_yaml(base_url: str, unreachable_url: str) -> str:
    """The sites file text of the demo run (the county portal + a department on a closed port)."""
    text = SITES_TEMPLATE.read_text(encoding="utf-8")
    return string.Template(text).substitute(BASE_URL=base_url, UNREACHABLE_URL=unreachable_url)
