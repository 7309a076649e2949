"""A loopback HTTP forward proxy that answers a saved site's own URLs from its folder.

Why: the whole sites in `../shared/corpus/sites/` link to themselves by absolute URL
(`http://www.zhecheng.gov.cn/xxgk/`) as often as by relative ones. Pointing the crawler at this proxy
(Scrapy honours `http_proxy`) lets it walk a copy exactly as it would walk the live host: a file that
is in the copy is a 200, a page missing from the copy is a 404 (a real gap the crawl must report as
无法核实), and any other host is unreachable (502), as the folder's README asks. Used by
`bench/discovery.py` and by the tests that read the saved sites.
"""
from __future__ import annotations

import mimetypes
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

SITES_DIR = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "sites"

# folder name -> (original host, the day it is judged as of: the folder README's "as of")
SAVED_SITES = {
    "zhecheng": ("www.zhecheng.gov.cn", "2018-07-30", "柘城县人民政府", "portal"),
    "daozhen-rsj": ("rsj.gzdaozhen.gov.cn", "2021-01-05", "道真县人力资源和社会保障局", "department"),
}


def sites_available() -> bool:
    return all((SITES_DIR / name / "index.html").is_file() for name in SAVED_SITES)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: SiteProxy

    def log_message(self, *args):  # quiet
        pass

    def do_HEAD(self):
        self.do_GET(head=True)

    def do_GET(self, head: bool = False):
        parts = urlsplit(self.path)
        host = (parts.hostname or self.headers.get("Host", "").split(":")[0]).lower()
        root = self.server.hosts.get(host)
        self.server.count(host, parts.path)
        if root is None:
            return self._send(502, b"unreachable host", "text/plain", head)
        if parts.query:
            # a query URL was saved under a renamed file (HTTrack) or not at all: not in the copy
            return self._send(404, b"not in the copy", "text/plain", head)
        path = unquote(parts.path or "/")
        target = (root / path.lstrip("/")).resolve()
        if root not in target.parents and target != root:
            return self._send(404, b"outside", "text/plain", head)
        if target.is_dir() and not path.endswith("/"):
            # as a web server does: /gzjg -> /gzjg/
            self.send_response(301)
            self.send_header("Location", f"http://{host}{path}/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if target.is_dir() or path.endswith("/"):
            target = target / "index.html"
        if not target.is_file():
            return self._send(404, b"not in the copy", "text/plain", head)
        ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if ctype.startswith("text/"):
            ctype += "; charset=utf-8"
        self._send(200, target.read_bytes(), ctype, head)

    def _send(self, status: int, body: bytes, ctype: str, head: bool):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)


class SiteProxy(ThreadingHTTPServer):
    """`with SiteProxy({"www.zhecheng.gov.cn": folder}) as proxy: env http_proxy=proxy.url`."""
    daemon_threads = True

    def __init__(self, hosts: dict[str, Path], address: str = "127.0.0.1"):
        super().__init__((address, 0), _Handler)
        self.hosts = {h.lower(): Path(p).resolve() for h, p in hosts.items()}
        self.requests: dict[str, int] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def count(self, host: str, path: str) -> None:
        with self._lock:
            self.requests[host] = self.requests.get(host, 0) + 1

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> SiteProxy:
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()
        self.server_close()


def saved_site_proxy(*names: str) -> SiteProxy:
    names = names or tuple(SAVED_SITES)
    return SiteProxy({SAVED_SITES[n][0]: SITES_DIR / n for n in names})


def sites_yaml(*names: str) -> str:
    """A sites file for the saved sites (their original URLs: the proxy answers them)."""
    names = names or tuple(SAVED_SITES)
    lines = ["sites:"]
    for n in names:
        host, _, title, kind = SAVED_SITES[n]
        lines += [f"  - id: {n}", f"    name: {title}", f"    url: http://{host}/", f"    kind: {kind}"]
    return "\n".join(lines) + "\n"
