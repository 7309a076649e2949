"""A fault-injection web server for crawl tests (loopback only, free ports).

Each fault is a small site: a homepage whose nav links a healthy column (工作动态, fresh items) and
a faulty one (通知公告) — or, for homepage faults, a homepage that itself fails. A real crawl over a
sites file listing several faults therefore meets every fault the way it would on the internet.

Servers:
- ``main``: the well-behaved HTTP part (``crawler.demo.server.LoopbackServer``) on 127.0.0.1.
- ``raw``: socket-level faults the LoopbackServer cannot produce — no answer (timeout), slow drip,
  connection reset — plus, on a second socket, the same site over self-signed TLS.
- ``other``: 127.0.0.2, "another domain" for off-site redirects.
"""
from __future__ import annotations

import random
import shutil
import socket
import ssl
import struct
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from crawler.demo.server import LoopbackServer, closed_port_url

HTML = "text/html; charset=utf-8"
HEALTHY = "工作动态"
FAULTY = "通知公告"

WAF_412_JS = (b"<html><head><meta charset=\"utf-8\"></head><body><script>"
              b"document.cookie=\"ccsrftoken=7f1d2c0a;path=/\";location.reload();</script></body></html>")
WAF_521_JSL = (b"<script>document.cookie=('_')+('_')+('j')+('s')+('l')+('_')+('c')+('l')+('e')+('a')+('r')"
               b"+('a')+('n')+('c')+('e')+('=')+(-~[]+'')+('6')+('9')+'|-1|'+"
               b"'b4d1f2fbde3e96c1a7d0d3e8c1a2'+';Expires=Tue, 01-Dec-26 09:00:00 GMT;Path=/;';"
               b"location.href=location.pathname+location.search</script>")
WAF_200_YUNSUO = ("<html><head><meta charset=\"utf-8\"><title>安全验证</title></head><body>"
                  "<script type=\"text/javascript\">function stringToHex(s){return s}"
                  "var screendate = \"1920,1080\";"
                  "self.location = \"/s/waf_200/tzgg/?security_verify_data=\" + stringToHex(screendate);"
                  "</script><p>网站防火墙正在验证您的浏览器</p></body></html>").encode()
WAF_403_BLOCK = ("<html><head><meta charset=\"utf-8\"><title>访问被拦截</title></head><body>"
                 "<h1>您的访问被阻断</h1><p>网站防火墙检测到您的请求存在威胁，已拦截了您的访问。</p>"
                 "<p>事件ID：a8c3e1</p></body></html>").encode()


@dataclass
class Fault:
    name: str
    what: str                  # one line for the matrix table
    homepage_fails: bool = False
    faulty_column: bool = True  # the site has a faulty 通知公告 column
    extra: dict = field(default_factory=dict)


FAULTS: dict[str, Fault] = {f.name: f for f in [
    Fault("control", "no fault (healthy control site)", faulty_column=False),
    Fault("timeout", "column never answers (read timeout)"),
    Fault("slow_drip", "column body dripped 1 byte / 0.5 s past the timeout"),
    Fault("slow", "column answers only after 30 s (past the timeout; crash tests kill during it)"),
    Fault("http_503", "column answers 503 on every try"),
    Fault("conn_reset", "column connection reset (RST) after the request"),
    Fault("refused", "column on a closed port (connection refused)"),
    Fault("waf_412", "column: 412 JS challenge (document.cookie + location.reload)"),
    Fault("waf_521", "column: 521 加速乐 __jsl_clearance challenge"),
    Fault("waf_200", "column: 200 云锁 security_verify_data challenge"),
    Fault("waf_403", "column: 403 WAF block page (访问被拦截)"),
    Fault("redirect_loop", "column: 302 loop between two URLs"),
    Fault("redirect_offsite", "column: 302 to another domain (127.0.0.2)"),
    Fault("robots", "column disallowed by robots.txt"),
    Fault("huge_body", "column: 3 MB page (fresh list, then filler) over the body cap"),
    Fault("binary", "column: random binary bytes served as text/html"),
    Fault("wrong_charset", "column: GBK body, header says charset=utf-8"),
    Fault("no_charset", "column: GBK body, no charset anywhere"),
    Fault("malformed", "column: malformed HTML (unclosed tags, stray </div>, broken attributes)"),
    Fault("many_items", "column: one page listing 10,000 items"),
    Fault("calendar_trap", "column: endless calendar (next month, forever) + next-page chain"),
    Fault("session_trap", "column: every link carries a fresh session id"),
    Fault("dates_2099_1900", "column: fresh items plus items dated 2099 and 1900"),
    Fault("next_chain", "column: 5 pages, each linking only the next (下一页)"),
    Fault("home_moved", "homepage 301 to another host (site moved), columns there", faulty_column=False),
    Fault("tls_selfsigned", "whole site over HTTPS with a self-signed certificate", faulty_column=False),
    Fault("home_timeout", "homepage never answers", homepage_fails=True),
    Fault("home_503", "homepage answers 503", homepage_fails=True),
    Fault("home_refused", "homepage on a closed port", homepage_fails=True),
    Fault("home_waf", "homepage: 521 加速乐 challenge", homepage_fails=True),
]}


# -- pages ------------------------------------------------------------------------------------------
def _nav(prefix: str, faulty_href: str | None) -> str:
    links = [f'<li><a href="{prefix}index.html">首页</a></li>',
             f'<li><a href="{prefix}gzdt/">{HEALTHY}</a></li>']
    if faulty_href:
        links.append(f'<li><a href="{faulty_href}">{FAULTY}</a></li>')
    return '<div class="nav"><ul>' + "".join(links) + "</ul></div>"


def list_page(name: str, rows: list[tuple[str, str, str]], *, prefix: str = "/", nav: str = "",
              extra: str = "", charset_meta: str | None = "utf-8") -> str:
    """A column list page the generic adapter reads: rows are (href, title, date text)."""
    meta = f'<meta charset="{charset_meta}">' if charset_meta else ""
    items = "".join(f'<li><a href="{h}" title="{t}">{t}</a><span>{d}</span></li>' for h, t, d in rows)
    return (f'<!DOCTYPE html><html><head>{meta}<meta name="ColumnName" content="{name}">'
            f"<title>{name}</title></head><body>{nav}"
            f'<div class="position">当前位置：<a href="{prefix}">首页</a> &gt; <span>{name}</span></div>'
            f'<div class="list"><ul>{items}</ul></div>{extra}</body></html>')


def fresh_rows(prefix: str, slug: str, as_of: date, n: int = 6, start: int = 1) -> list[tuple[str, str, str]]:
    """Weekly items, the newest yesterday: fresh for every window, and the previous month has some."""
    return [(f"{prefix}{slug}/art_{start + i}.html", f"青溪县召开第{start + i}次专题工作会议",
             (as_of - timedelta(days=1 + 7 * i)).isoformat()) for i in range(n)]


def homepage(prefix: str, faulty_href: str | None) -> str:
    return ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>故障测试网站</title></head><body>'
            f'{_nav(prefix, faulty_href)}<div class="main"><p>欢迎访问</p></div></body></html>')


# -- the self-signed certificate ---------------------------------------------------------------------
def make_self_signed(directory: Path) -> tuple[Path, Path] | None:
    """cert.pem/key.pem for 127.0.0.1 via `cryptography`, else the openssl CLI; None if neither."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    try:
        import datetime as dt
        import ipaddress

        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
        from cryptography.x509.oid import NameOID
    except ImportError:
        if not shutil.which("openssl"):
            return None
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                       check=True, capture_output=True)
        return cert, key
    pkey = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    c = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
         .public_key(pkey.public_key()).serial_number(x509.random_serial_number())
         .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=2))
         .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                        critical=False)
         .sign(pkey, hashes.SHA256()))
    cert.write_bytes(c.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(pkey.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    return cert, key


# -- socket-level faults ---------------------------------------------------------------------------
class _RawHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802
        owner: FaultServer = self.server.owner  # type: ignore[attr-defined]
        path = self.path.split("?")[0]
        if path.startswith("/hang/"):
            owner.stopping.wait(60)            # never answer while the test runs
            return
        if path.startswith("/drip/"):
            body = list_page(FAULTY, fresh_rows("/drip/", "x", owner.as_of)).encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", HTML)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            for i in range(len(body)):
                if owner.stopping.wait(owner.drip_interval):
                    return
                try:
                    self.wfile.write(body[i:i + 1])
                    self.wfile.flush()
                except OSError:
                    return
            return
        if path.startswith("/reset/"):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        if path.startswith("/slow/"):           # answers, but only after a pause (crash tests)
            owner._hit(path)
            owner.stopping.wait(owner.slow_seconds)
            path = path[len("/slow"):]
        status, headers, body = owner.handle("GET", path, {}, {})
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # noqa: A002
        return


class _RawServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # resets and timeouts are the point
        return


class FaultServer:
    """``with FaultServer(as_of) as fs: Path(p).write_text(fs.sites_yaml(["timeout", ...]))``."""

    def __init__(self, as_of: date, *, drip_interval: float = 0.5, slow_seconds: float = 30.0,
                 with_tls: bool = True, trap_pages: int = 2000):
        self.as_of = as_of
        self.trap_pages = trap_pages   # the endless pager's claimed page count (100000: see report)
        self.drip_interval = drip_interval
        self.slow_seconds = slow_seconds
        self.with_tls = with_tls
        self.stopping = threading.Event()
        self.hits: dict[str, int] = {}
        self._lock = threading.Lock()
        self.main = LoopbackServer(self.handle)
        self.other = LoopbackServer(self._other, host="127.0.0.2")
        self._raw: list[tuple[_RawServer, threading.Thread]] = []
        self._tmp = tempfile.TemporaryDirectory(prefix="faultserver-")
        self.tls_skip_reason: str | None = None
        self.raw_url = self.tls_url = None
        self.closed_url = closed_port_url()

    # -- lifecycle --
    def _serve_raw(self, tls: ssl.SSLContext | None = None) -> str:
        srv = _RawServer(("127.0.0.1", 0), _RawHandler)
        srv.owner = self  # type: ignore[attr-defined]
        if tls is not None:
            srv.socket = tls.wrap_socket(srv.socket, server_side=True)
        t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        t.start()
        self._raw.append((srv, t))
        return f"{'https' if tls else 'http'}://127.0.0.1:{srv.server_address[1]}/"

    def start(self) -> FaultServer:
        self.main.start()
        try:
            self.other.start()
        except OSError:          # 127.0.0.2 not routable here: off-site target becomes a closed port
            self.other = None
        self.raw_url = self._serve_raw()
        if self.with_tls:
            pair = make_self_signed(Path(self._tmp.name))
            if pair is None:
                self.tls_skip_reason = "neither the cryptography package nor the openssl CLI is available"
            else:
                ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                ctx.load_cert_chain(str(pair[0]), str(pair[1]))
                self.tls_url = self._serve_raw(ctx)
        return self

    def stop(self) -> None:
        self.stopping.set()
        for srv, t in self._raw:
            srv.shutdown()
            srv.server_close()
            t.join(timeout=5)
        self.main.stop()
        if self.other is not None:
            self.other.stop()
        self._tmp.cleanup()

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- where things are --
    @property
    def base(self) -> str:
        return self.main.base_url

    def home_url(self, fault: str) -> str:
        if fault == "home_timeout":
            return f"{self.raw_url}hang/home/"
        if fault == "home_refused":
            return self.closed_url
        if fault == "tls_selfsigned":
            return f"{self.tls_url}s/{fault}/"
        return f"{self.base}s/{fault}/"

    def faulty_url(self, fault: str) -> str | None:
        """The faulty column's URL as the homepage links it."""
        prefix = f"/s/{fault}/"
        return {
            "timeout": f"{self.raw_url}hang/tzgg/",
            "slow_drip": f"{self.raw_url}drip/tzgg/",
            "conn_reset": f"{self.raw_url}reset/tzgg/",
            "slow": f"{self.raw_url}slow{prefix}tzgg/",
            "refused": f"{self.closed_url}tzgg/",
            "robots": f"{prefix}private/tzgg/",
        }.get(fault, f"{prefix}tzgg/" if FAULTS[fault].faulty_column else None)

    def sites_yaml(self, faults: list[str], kind: str = "portal") -> str:
        lines = ["sites:"]
        for f in faults:
            lines += [f"  - id: {f.replace('_', '-')}", f"    name: 故障测试-{f}",
                      f"    url: {self.home_url(f)}", f"    kind: {kind}"]
        return "\n".join(lines) + "\n"

    def _hit(self, path: str) -> None:
        with self._lock:
            self.hits[path] = self.hits.get(path, 0) + 1

    # -- the well-behaved server's handler --
    def _other(self, method, path, query, form):
        if path.startswith("/s/home_moved/"):
            return self.handle(method, path, query, form, moved=True)
        return 200, {"Content-Type": HTML}, list_page("站外页面", fresh_rows("/", "x", self.as_of)).encode()

    def handle(self, method: str, path: str, query: dict, form: dict, moved: bool = False):
        self._hit(path)
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /s/robots/private/\n"
        parts = path.strip("/").split("/")
        if len(parts) < 2 or parts[0] != "s" or parts[1] not in FAULTS:
            return 404, {"Content-Type": HTML}, b"<html><body>404</body></html>"
        fault, rest = parts[1], "/".join(parts[2:])
        prefix = f"/s/{fault}/"
        if rest in ("", "index.html"):
            return self._home(fault, prefix, moved)
        if rest.startswith("gzdt"):
            if rest.endswith(".html") and "art_" in rest:
                return 200, {"Content-Type": HTML}, b"<html><body><h1>article</h1></body></html>"
            return 200, {"Content-Type": HTML}, list_page(
                HEALTHY, fresh_rows(prefix, "gzdt", self.as_of), prefix=prefix,
                nav=_nav(prefix, self.faulty_url(fault))).encode("utf-8")
        return getattr(self, f"_col_{fault}", self._col_default)(fault, prefix, rest, query)

    def _home(self, fault: str, prefix: str, moved: bool = False):
        if fault == "home_503":
            return 503, {"Content-Type": HTML}, b"<html><body><h1>503 Service Unavailable</h1></body></html>"
        if fault == "home_moved" and self.other is not None and not moved:
            return 301, {"Location": self.other.base_url + prefix.lstrip("/")}, b""
        if fault == "home_waf":
            return 521, {"Content-Type": HTML}, WAF_521_JSL
        return 200, {"Content-Type": HTML}, homepage(prefix, self.faulty_url(fault)).encode("utf-8")

    def _ok(self, prefix: str, rows=None, **kw):
        rows = rows if rows is not None else fresh_rows(prefix, "tzgg", self.as_of)
        return 200, {"Content-Type": HTML}, list_page(FAULTY, rows, prefix=prefix, **kw).encode("utf-8")

    def _col_default(self, fault, prefix, rest, query):
        return self._ok(prefix)

    def _col_http_503(self, fault, prefix, rest, query):
        return 503, {"Content-Type": HTML}, b"<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>"

    def _col_waf_412(self, fault, prefix, rest, query):
        return 412, {"Content-Type": HTML}, WAF_412_JS

    def _col_waf_521(self, fault, prefix, rest, query):
        return 521, {"Content-Type": HTML}, WAF_521_JSL

    def _col_waf_200(self, fault, prefix, rest, query):
        return 200, {"Content-Type": HTML}, WAF_200_YUNSUO

    def _col_waf_403(self, fault, prefix, rest, query):
        return 403, {"Content-Type": HTML}, WAF_403_BLOCK

    def _col_redirect_loop(self, fault, prefix, rest, query):
        target = f"{prefix}tzgg2/" if rest.startswith("tzgg/") or rest == "tzgg" else f"{prefix}tzgg/"
        return 302, {"Location": target, "Content-Type": HTML}, b""

    def _col_redirect_offsite(self, fault, prefix, rest, query):
        target = self.other.base_url + "elsewhere/" if self.other else self.closed_url
        return 302, {"Location": target, "Content-Type": HTML}, b""

    def _col_huge_body(self, fault, prefix, rest, query):
        page = list_page(FAULTY, fresh_rows(prefix, "tzgg", self.as_of), prefix=prefix)
        filler = "<!-- " + "填充" * (3 * 1024 * 1024 // 6) + " -->"
        return 200, {"Content-Type": HTML}, page.replace("</body>", filler + "</body>").encode("utf-8")

    def _col_binary(self, fault, prefix, rest, query):
        return 200, {"Content-Type": HTML}, random.Random(7).randbytes(64 * 1024)

    def _col_wrong_charset(self, fault, prefix, rest, query):
        body = list_page(FAULTY, fresh_rows(prefix, "tzgg", self.as_of), prefix=prefix, charset_meta=None)
        return 200, {"Content-Type": "text/html; charset=utf-8"}, body.encode("gbk")

    def _col_no_charset(self, fault, prefix, rest, query):
        body = list_page(FAULTY, fresh_rows(prefix, "tzgg", self.as_of), prefix=prefix, charset_meta=None)
        return 200, {"Content-Type": "text/html"}, body.encode("gbk")

    def _col_many_items(self, fault, prefix, rest, query):
        rows = [(f"{prefix}tzgg/art_{i}.html", f"通知第{i}号",
                 (self.as_of - timedelta(days=1 + i // 10)).isoformat()) for i in range(10_000)]
        return self._ok(prefix, rows)

    def _col_calendar_trap(self, fault, prefix, rest, query):
        """Every month links the next month (a new column-like URL) and a next page: forever."""
        ym = (query.get("ym") or [f"{self.as_of.year}-{self.as_of.month:02d}"])[0]
        bits = rest.strip("/").split("/")
        if len(bits) >= 3 and bits[1].isdigit() and bits[2].isdigit():
            ym = f"{bits[1]}-{bits[2]}"
        y, m = (int(x) for x in ym.split("-")[:2])
        ny, nm = (y + (m == 12), 1 if m == 12 else m + 1)
        page = int((query.get("page") or ["1"])[0])
        extra = (f'<div class="calendar"><a href="{prefix}tzgg/?ym={ny}-{nm:02d}">下个月</a></div>'
                 '<div class="page" id="page_div"><script type="text/javascript">'
                 f'createPageHTML({self.trap_pages}, 0, "index", "html");</script></div>')
        nav = _nav(prefix, f"{prefix}tzgg/").replace(
            "</ul>", f'<li><a href="{prefix}tzgg/{ny}/{nm:02d}/">{ny}年{nm}月{FAULTY}</a></li></ul>')
        return self._ok(prefix, fresh_rows(prefix, "tzgg", self.as_of, start=page * 10), nav=nav, extra=extra)

    def _col_session_trap(self, fault, prefix, rest, query):
        sid = f"{random.getrandbits(32):08x}"
        page = int((query.get("page") or ["1"])[0])
        extra = (f'<div class="page"><a href="{prefix}tzgg/;jsessionid={sid}?page={page + 1}">下一页</a>'
                 f'<a href="{prefix}tzgg/?sid={sid}">{FAULTY}</a></div>')
        return self._ok(prefix, fresh_rows(prefix, "tzgg", self.as_of, start=page * 10), extra=extra)

    def _col_next_chain(self, fault, prefix, rest, query):
        page = int((query.get("page") or ["1"])[0])
        nxt = f'<div class="page"><a href="{prefix}tzgg/?page={page + 1}">下一页</a></div>' if page < 5 else ""
        return self._ok(prefix, fresh_rows(prefix, "tzgg", self.as_of, n=6, start=page * 10), extra=nxt)

    def _col_malformed(self, fault, prefix, rest, query):
        """Malformed the way old CMS templates are: unclosed li/a/ul, unquoted and duplicated
        attributes, upper-case tags, stray closing tags, a broken entity, an unclosed script."""
        rows = "".join(f'<LI><A HREF={prefix}tzgg/art_{i}.html target=_blank title=青溪县通知{i} class=a class=b>'
                       f'青溪县关于做好第{i}项工作的通知<SPAN>{(self.as_of - timedelta(days=i + 1)).isoformat()}'
                       for i in range(6))
        body = (f'<html><head><meta charset=utf-8><meta name=ColumnName content={FAULTY}><title>{FAULTY}</title>'
                f'</head><body></div></span><div class=list><UL>{rows}</div></div></table><p><b><i>'
                f"&nbsp&amp&#xZZ;<div><div><script>if(a<b){{</body>")
        return 200, {"Content-Type": HTML}, body.encode("utf-8")

    def _col_dates_2099_1900(self, fault, prefix, rest, query):
        rows = [(f"{prefix}tzgg/art_f.html", "关于2099年规划的通知", "2099-01-01"),
                (f"{prefix}tzgg/art_o.html", "旧档案通知", "1900-01-01"),
                *fresh_rows(prefix, "tzgg", self.as_of, n=3)]
        return self._ok(prefix, rows)


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.05) -> bool:
    """Poll until predicate() is true (for synchronising with a child process, not for asserting time)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(interval)
    return False


def child_pids(pid: int) -> list[int]:
    """A process's children, from Linux /proc (the crawl child of a job, the reader of a crawl)."""
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(x) for x in (task / "children").read_text().split()]
        except OSError:
            pass
    return out
