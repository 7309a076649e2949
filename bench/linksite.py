"""A loopback county site with planted broken links of every kind, and links that only look broken.

Why one site for the tests and the benchmark (`bench/links.py`): what counts as found, missed and
false must be the same list wherever it is measured. `PLANTED` says, per link, what it is: a broken
link with the reason govwatch must give, or a look-alike that must not be reported.

Two sites:
- the hard site on 127.0.0.1 answers a missing page with a real 404; its pages carry the planted
  links (the homepage some, inner pages others, the footer one on every page);
- the soft site on 127.0.0.2 answers a missing page with 200 and its full template (no "not found"
  wording: only its shape tells), and sends /old/ to its error page.
Socket faults (reset, no answer) are paths of the hard site's own server; a refused connection is a
closed port, a TLS failure an https:// URL on the plain-HTTP port, the DNS failure a name under
.invalid (a link to another host: checked with external links only).

    with LinkSite() as site:
        site.hard_url, site.soft_url       # http://127.0.0.1:P/, http://127.0.0.2:Q/
        site.planted()                     # [(url, reason or None, scope)], every link with a verdict
        site.hits                          # Counter of (host, method, path) served
        site.log                           # [(monotonic time, host, method, path)], in arrival order
"""
from __future__ import annotations

import socket
import struct
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HTML = "text/html; charset=utf-8"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + b"0" * 2000 + b"\n%%EOF\n"
XLSX = b"PK\x03\x04" + b"\x00" * 1500
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
JSL_521 = (b"<script>document.cookie=('_')+('_')+('j')+('s')+('l')+('_')+('c')+('l')+('e')+('a')+('r')"
           b"+('a')+('n')+('c')+('e')+('=')+(-~[]+'')+('6')+'|-1|'+'b4d1f2fb'+';Path=/;';"
           b"location.href=location.pathname+location.search</script>")
AS_OF = "2026-11-27"


@dataclass(frozen=True)
class Planted:
    path: str            # on the hard site unless `url` is set (or `soft`)
    reason: str | None   # the reason govwatch must give; None: a look-alike, never reported
    scope: str           # home | inner | external: where it is carried
    what: str            # what it is, for the benchmark's table
    soft: bool = False   # carried by the soft site
    url: str | None = None   # an absolute URL filled in when the servers start (refused, TLS, DNS)


PLANTED: list[Planted] = [
    # broken, on the homepage
    Planted("/gone.html", "http_404", "home", "页脚“网站地图”，每个页面都有（404）"),
    Planted("/error500.html", "http_5xx", "home", "首页“专题”链接（500）"),
    Planted("/images/missing.png", "http_404", "home", "首页图片（404）"),
    # broken, on inner pages
    Planted("/removed.html", "http_410", "inner", "已删除页面（410）"),
    Planted("/gzdt/t20261101_9.html", "http_404", "inner", "列表中的文章（404）"),
    Planted("/js/missing.js", "http_404", "inner", "脚本（404）"),
    Planted("/refused", "refused", "inner", "关闭的端口（连接被拒绝）"),
    Planted("/reset/x.html", "reset", "inner", "连接被重置"),
    Planted("/hang/x.pdf", "timeout", "inner", "不应答（超时）"),
    Planted("/tls", "tls", "inner", "https 链接到不支持 HTTPS 的端口（TLS 错误）"),
    Planted("/loop/a.html", "redirect_loop", "inner", "重定向循环"),
    Planted("/zwgk/deleted.html", "soft_404", "inner", "200 但显示“您访问的页面不存在”"),
    Planted("/files/empty.pdf", "empty_attachment", "inner", "0 字节的 PDF 附件"),
    Planted("/files/notice.pdf", "empty_attachment", "inner", "PDF 附件实为网页错误页"),
    Planted("/news/t20260102_2.html", "soft_404", "home", "软404站点上不存在的文章（200，本站模板）", soft=True),
    Planted("/old/", "soft_404", "home", "跳转到错误页面 /404.html（200）", soft=True),
    Planted("/dns", "dns", "external", "站外链接，域名无法解析（.invalid）"),
    # look-alikes: none of these may be reported
    Planted("/moved.html", None, "inner", "301 跳转到存在的页面"),
    Planted("/head405/guide.html", None, "inner", "HEAD 返回 405，GET 正常"),
    Planted("/head403/form.doc", None, "inner", "HEAD 返回 403，GET 正常（附件）"),
    Planted("/head501/list.html", None, "inner", "HEAD 返回 501，GET 正常"),
    Planted("/files/lies.pdf", None, "inner", "HEAD 返回 200 且长度为 0，GET 得到完整 PDF"),
    Planted("/css/busy.css", None, "inner", "样式表：连续请求时 429，稍后正常"),
    Planted("/images/blip.png", None, "inner", "图片：连续请求时连接被重置，稍后正常（一时故障）"),
    Planted("/files/report.pdf", None, "inner", "正常的 PDF 附件"),
    Planted("/files/table.xlsx", None, "inner", "正常的 XLSX 附件（application/octet-stream）"),
    Planted("/zwgk/long.html", None, "inner", "正常长页面，正文中提到“页面不存在”"),
    Planted("/old-home.html", None, "inner", "301 跳转到首页（硬404站点）"),
    Planted("/waf.html", None, "inner", "521 加速乐质询（无法核实，不算不可用）"),
    Planted("/limited.html", None, "inner", "一直 429（无法核实，不算不可用）"),
    Planted("/news/t20260101_1.html", None, "home", "软404站点上存在的文章", soft=True),
]
BROKEN = [p for p in PLANTED if p.reason]
LOOKALIKES = [p for p in PLANTED if not p.reason]
# "for a moment": these fail while requests for them come in a burst (the first one, and any within
# QUIET seconds of the one before) and work for a request after a pause — a restart, a rate limit
BUSY, BLIP = "/css/busy.css", "/images/blip.png"
QUIET = 0.5   # requests that fail before the path works


def _page(title: str, body: str, nav: str = "", footer: str = "") -> bytes:
    return ("<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
            f"<title>{title}</title><link rel=\"stylesheet\" href=\"/css/site.css\">"
            "<script src=\"/js/site.js\"></script></head><body>"
            f"<div class=\"header\"><a href=\"/\"><img src=\"/images/logo.png\" alt=\"青溪县人民政府\"></a></div>"
            f"{nav}<div class=\"main\">{body}</div>{footer}</body></html>").encode()


def _a(href: str, text: str) -> str:
    return f'<li><a href="{href}">{text}</a></li>'


class LinkSite:
    def __init__(self, hard_host: str = "127.0.0.1", soft_host: str = "127.0.0.2"):
        self.hard_host, self.soft_host = hard_host, soft_host
        self.hits: Counter = Counter()
        self.log: list[tuple[float, str, str, str]] = []
        self.last_hit: dict[tuple[str, str], float] = {}
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.servers: list[ThreadingHTTPServer] = []
        self.closed_port = 0

    # -- addresses ----------------------------------------------------------------------------------
    @property
    def hard_url(self) -> str:
        return f"http://{self.hard_host}:{self.servers[0].server_address[1]}/"

    @property
    def soft_url(self) -> str:
        return f"http://{self.soft_host}:{self.servers[1].server_address[1]}/"

    def url_of(self, p: Planted) -> str:
        if p.path == "/refused":
            return f"http://{self.hard_host}:{self.closed_port}/gkml/index.html"
        if p.path == "/tls":
            return f"https://{self.hard_host}:{self.servers[0].server_address[1]}/secure/apply.html"
        if p.path == "/dns":
            return "http://www.qingxi-nosuchsite.invalid/"
        return (self.soft_url if p.soft else self.hard_url).rstrip("/") + p.path

    def planted(self) -> list[tuple[str, str | None, str, str]]:
        """(URL, reason or None, scope, what) of every planted link."""
        return [(self.url_of(p), p.reason, p.scope, p.what) for p in PLANTED]

    # -- the hard site's pages ----------------------------------------------------------------------
    def _nav(self) -> str:
        return ('<div class="nav"><ul>' + _a("/", "首页") + _a("/gzdt/", "工作动态") + _a("/tzgg/", "通知公告")
                + _a("/zwgk/", "政务公开") + _a("/about/", "走进青溪") + "</ul></div>")

    def _footer(self, external: bool = True) -> str:
        dns = next(p for p in PLANTED if p.path == "/dns")
        links = _a("/gone.html", "网站地图") + _a("/about/", "联系我们")
        if external:
            links += _a(self.url_of(dns), "青溪县融媒体中心") + _a(self.soft_url, "青溪县教育局")
        return f'<div class="footer"><ul>{links}</ul><p>主办：青溪县人民政府办公室</p></div>'

    def _inner_links(self, scope: str, where: str) -> str:
        """The planted links of `scope` that the page `where` carries (soft-site ones live there)."""
        wanted = [p for p in PLANTED if p.scope == scope and not p.soft and p.path != "/dns" and _carrier(p) == where]
        return "".join(_element(self.url_of(p), i) for i, p in enumerate(wanted, 1))

    def hard(self, method: str, path: str) -> tuple[int, dict, bytes]:
        nav, footer = self._nav(), self._footer()
        if path in ("/", "/index.html"):
            body = ('<div class="block"><h3>工作动态</h3><ul>'
                    + "".join(_a(f"/gzdt/t202611{20 + i:02d}_{i}.html", f"青溪县召开第{i}次专题会议") for i in range(1, 4))
                    + '</ul><a href="/gzdt/">更多</a></div>'
                    + '<div class="block"><h3>专题专栏</h3><ul>' + _a("/error500.html", "优化营商环境专题")
                    + '</ul><img src="/images/missing.png" alt="专题图片"></div>')
            return 200, {"Content-Type": HTML}, _page("青溪县人民政府", body, nav, footer)
        if path == "/gzdt/":
            rows = "".join(f'<li><a href="/gzdt/t202611{20 + i:02d}_{i}.html">青溪县召开第{i}次专题会议</a>'
                           f"<span>2026-11-{20 + i:02d}</span></li>" for i in range(1, 6))
            rows += '<li><a href="/gzdt/t20261101_9.html">青溪县第九次专题会议</a><span>2026-11-01</span></li>'
            return 200, {"Content-Type": HTML}, _page("工作动态", f'<div class="list"><ul>{rows}</ul></div>', nav, footer)
        if path.startswith("/gzdt/t202611") and not path.endswith("_9.html"):
            return 200, {"Content-Type": HTML}, _page("文章", "<h1>专题会议</h1><p>发布时间：2026-11-20</p><p>会议研究了有关工作。</p>", nav, footer)
        if path == "/tzgg/":
            files = [(p.path, f"附件{i}") for i, p in enumerate(PLANTED) if _carrier(p) == "tzgg-files"]
            rows = "".join(f'<li><a href="{h}">{t}</a><span>2026-11-{10 + i:02d}</span></li>' for i, (h, t) in enumerate(files))
            return 200, {"Content-Type": HTML}, _page("通知公告", f'<div class="list"><ul>{rows}</ul></div>', nav, footer)
        if path == "/zwgk/":
            return 200, {"Content-Type": HTML}, _page("政务公开", "<p>政务公开目录。</p><ul>"
                                                      + self._inner_links("inner", "zwgk") + "</ul>", nav, footer)
        if path == "/about/":
            return 200, {"Content-Type": HTML}, _page("走进青溪", "<p>青溪县位于云岭南麓。</p>" * 8, nav, footer)
        if path == "/zwgk/deleted.html":
            return 200, {"Content-Type": HTML}, ("<html><head><meta charset='utf-8'><title>提示</title></head>"
                                                 "<body><p>您访问的页面不存在</p></body></html>").encode()
        if path == "/zwgk/long.html":
            text = "<p>本页介绍政府信息公开申请的办理流程。若申请的信息不存在，本机关将告知申请人；若页面不存在请联系网站管理员。</p>" + \
                "<p>依申请公开的办理时限为二十个工作日，需要延长的经负责人同意可延长二十个工作日。</p>" * 40
            return 200, {"Content-Type": HTML}, _page("依申请公开办理流程", text, nav, footer)
        if path == "/moved.html":
            return 301, {"Location": "/about/"}, b""
        if path == "/old-home.html":
            return 301, {"Location": "/"}, b""
        if path.startswith("/loop/"):
            return 302, {"Location": "/loop/b.html" if path == "/loop/a.html" else "/loop/a.html"}, b""
        if path in ("/head405/guide.html", "/head501/list.html", "/limited.html"):
            return 200, {"Content-Type": HTML}, _page("办事指南", "<p>办事指南正文。</p>", nav, footer)
        if path in ("/files/report.pdf", "/files/lies.pdf"):
            return 200, {"Content-Type": "application/pdf"}, PDF
        if path in ("/files/table.xlsx", "/head403/form.doc"):
            return 200, {"Content-Type": "application/octet-stream"}, XLSX
        if path == "/files/empty.pdf":
            return 200, {"Content-Type": "application/pdf"}, b""
        if path == "/files/notice.pdf":
            return 200, {"Content-Type": HTML}, _page("出错了", "<p>文件下载失败，请稍后再试。</p>")
        if path == "/removed.html":
            return 410, {"Content-Type": HTML}, _page("410", "<p>Gone</p>")
        if path == "/error500.html":
            return 500, {"Content-Type": HTML}, _page("500", "<p>Internal Server Error</p>")
        if path == "/waf.html":
            return 521, {"Content-Type": HTML}, JSL_521
        if path in ("/css/site.css", "/js/site.js", BUSY):
            return 200, {"Content-Type": "text/css" if path.endswith("css") else "application/javascript"}, b"/* ok */"
        if path in ("/images/logo.png", BLIP):
            return 200, {"Content-Type": "image/png"}, PNG
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n"
        return 404, {"Content-Type": HTML}, _page("404 Not Found", "<h1>404 Not Found</h1>")

    # -- the soft site's pages ----------------------------------------------------------------------
    def soft(self, method: str, path: str) -> tuple[int, dict, bytes]:
        menu = "".join(_a(f"/col{i}/", name) for i, name in enumerate(
            ["首页", "政务要闻", "部门动态", "乡镇动态", "通知公告", "政策文件", "政策解读", "人事信息", "规划计划",
             "财政预决算", "政府采购", "重大项目", "应急管理", "统计信息", "互动交流", "办事服务"]))
        nav = f'<div class="nav"><ul>{menu}</ul></div>'
        filler = "<p>青溪县教育局主办，青溪县教育信息中心承办，联系电话0871-6000000，地址青溪县人民路8号。</p>" * 12
        footer = f'<div class="footer">{filler}</div>'
        title = "青溪县教育局"
        if path in ("/", "/index.html"):
            body = '<ul>' + _a("/news/t20260101_1.html", "开学工作部署会召开") + \
                _a("/news/t20260102_2.html", "秋季学期教学检查通报") + _a("/old/", "原招生专栏") + "</ul>"
            return 200, {"Content-Type": HTML}, _page(title, body, nav, footer)
        if path.startswith("/col") or path == "/news/t20260101_1.html":
            return 200, {"Content-Type": HTML}, _page(title, "<h1>开学工作部署会召开</h1>"
                                                      + "<p>会议部署了秋季学期开学各项工作，要求各校做好安全检查。</p>" * 6, nav, footer)
        if path == "/old/":
            return 302, {"Location": "/404.html"}, b""
        if path == "/404.html":
            return 200, {"Content-Type": HTML}, _page("系统提示", "<p>系统提示：请返回首页。</p>")
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n"
        # anything else: the template and a line that says nothing a phrase list knows
        return 200, {"Content-Type": HTML}, _page(title, "<p>抱歉，您要查看的信息暂时无法显示，可能已移动或撤下。</p>", nav, footer)

    # -- serving ------------------------------------------------------------------------------------
    def _handler(self, soft: bool):
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_HEAD(self):  # noqa: N802
                self._serve("HEAD")

            def do_GET(self):  # noqa: N802
                self._serve("GET")

            def _serve(self, method: str) -> None:
                path = self.path.split("?")[0]
                host = site.soft_host if soft else site.hard_host
                with site.lock:
                    site.hits[(host, method, path)] += 1
                    now = time.monotonic()
                    site.log.append((now, host, method, path))
                    last = site.last_hit.get((host, path))
                    site.last_hit[(host, path)] = now
                burst = last is None or now - last < QUIET
                if not soft and self._fault(method, path, burst):
                    return
                status, headers, body = site.soft(method, path) if soft else site.hard(method, path)
                if not soft and path == BUSY and burst:
                    status, headers, body = 429, {"Content-Type": HTML, "Retry-After": "1"}, b"Too Many Requests"
                if not soft and method == "HEAD" and path.startswith(("/head405/", "/head403/", "/head501/")):
                    status, body = int(path[5:8]), b""
                length = len(body)
                if not soft and method == "HEAD" and path == "/files/lies.pdf":
                    length = 0   # a HEAD that lies: "200, nothing"
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(length))
                self.end_headers()
                if method == "GET":
                    self.wfile.write(body)

            def _fault(self, method: str, path: str, burst: bool) -> bool:
                if path.startswith("/hang/"):
                    site.stopping.wait(60)
                    return True
                if path.startswith("/reset/") or (path == BLIP and burst):
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.close_connection = True
                    self.connection.close()
                    return True
                if path == "/limited.html":
                    self.send_response(429)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return True
                return False

        return Handler

    def start(self) -> LinkSite:
        for host, soft in ((self.hard_host, False), (self.soft_host, True)):
            httpd = ThreadingHTTPServer((host, 0), self._handler(soft))
            httpd.daemon_threads = True
            threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
            self.servers.append(httpd)
        with socket.socket() as s:   # a port nobody listens on
            s.bind((self.hard_host, 0))
            self.closed_port = s.getsockname()[1]
        return self

    def stop(self) -> None:
        self.stopping.set()
        for httpd in self.servers:
            httpd.shutdown()
            httpd.server_close()

    def __enter__(self) -> LinkSite:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _element(url: str, i: int) -> str:
    """A planted link as a page carries it: scripts, stylesheets and images load, the rest are anchors."""
    if url.endswith(".js"):
        return f'<script src="{url}"></script>'
    if url.endswith(".css"):
        return f'<link rel="stylesheet" href="{url}">'
    if url.endswith(".png"):
        return f'<img src="{url}" alt="图{i}">'
    return _a(url, f"链接{i}")


def _carrier(p: Planted) -> str:
    """Which inner page carries a planted inner link: attachments on 通知公告, the rest on 政务公开."""
    if p.path.startswith(("/files/", "/head403/", "/hang/")):
        return "tzgg-files"   # listed in 通知公告's own list
    if p.path.startswith("/gzdt/"):
        return "gzdt-list"
    return "zwgk"
