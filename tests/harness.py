"""Helpers the tests share (the fixtures built on them are in conftest.py): loopback HTTP servers for
handler classes, a webhook receiver and a mailbox, a free port, a one-site sites file, a quiet
`run_job`, and a store holding one site."""
from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from crawler.cli import run_job
from crawler.store import Store


@contextmanager
def serve_http(handler: type) -> Iterator[str]:
    """An ``http.server`` request handler class served on a free 127.0.0.1 port: ``http://127.0.0.1:PORT``."""
    from http.server import ThreadingHTTPServer
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def free_port() -> int:
    """A 127.0.0.1 port nobody listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Receiver:
    """A loopback webhook that answers with a scripted sequence of (status, body) and records each
    request's path, headers and JSON body: ``with Receiver() as r: notify(... r.url ...)``."""

    def __init__(self, answers=((200, b'{"errcode":0,"errmsg":"ok"}'),), path: str = "/hook"):
        from http.server import BaseHTTPRequestHandler
        self.requests: list[dict] = []
        self.answers = list(answers)
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                outer.requests.append({"path": self.path, "headers": dict(self.headers),
                                       "json": json.loads(body.decode("utf-8"))})
                status, answer = outer.answers[min(len(outer.requests), len(outer.answers)) - 1]
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self._serving = serve_http(Handler)
        self._path = path
        self.url = ""

    def __enter__(self) -> Receiver:
        self.url = self._serving.__enter__() + self._path
        return self

    def __exit__(self, *exc) -> None:
        self._serving.__exit__(*exc)


class Mailbox:
    """An aiosmtpd handler keeping every envelope it is sent."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append(envelope)
        return "250 OK"


def write_sites(path: Path, *, id: str, name: str, url: str, kind: str, extra: str = "") -> Path:  # noqa: A002
    """A sites file of one site (`extra`: more YAML lines of that site, indented four spaces)."""
    path.write_text(f"sites:\n  - id: {id}\n    name: {name}\n    url: {url}\n    kind: {kind}\n{extra}",
                    encoding="utf-8")
    return path


def run_quiet(sites, db, out=None, **kw) -> int:
    """`run_job` without progress or terminal output: the run id."""
    return run_job(str(sites), str(db), None if out is None else str(out), quiet=True, progress=False, **kw)


SITE = {"id": "s", "name": "测试站", "url": "http://s.example/", "kind": "portal"}


def store_with_site(db, **site) -> Store:
    """A store at `db` that knows one site: `SITE` with the fields given (the caller closes it)."""
    store = Store(db)
    store.upsert_sites([{**SITE, **site}])
    return store
