"""Network failures read in Chinese (crawler/neterrors.py): one phrase per kind of failure, the
technical text kept in parentheses. Unit tests build the exceptions the way Scrapy, Twisted,
OpenSSL and urllib raise them; a real crawl and real probes then meet DNS, TLS and HTTP failures.
(The fault matrix, tests/test_faults.py, checks the crawl's refused, timeout, reset and WAF pages.)"""
from __future__ import annotations

import http.client
import json
import socket
import ssl
import threading
import urllib.error
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from faultserver import homepage, list_page  # noqa: E402 (tests dir is on sys.path)
from OpenSSL import SSL
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from twisted.internet import error as tx
from twisted.python.failure import Failure
from twisted.web.client import ResponseFailed, ResponseNeverReceived

from crawler import neterrors
from crawler.cli import run_job
from crawler.demo.server import closed_port_url
from crawler.middlewares import CrawlerTrap, NotTextBody, OffsiteRedirect, WafChallenge
from crawler.neterrors import describe, http_status, is_waf
from crawler.probe import probe_url
from crawler.store import Store
from crawler.waf import Challenge

AS_OF = date(2026, 11, 27)


def _wrapped(outer: type[Exception], inner: BaseException) -> Exception:
    """`raise outer(str(inner)) from inner`, as Scrapy wraps Twisted's errors."""
    try:
        try:
            raise inner
        except BaseException as e:
            raise outer(str(e)) from e
    except outer as e:
        return e


def _failed(*reasons: BaseException, never_received: bool = True) -> Exception:
    kind = ResponseNeverReceived if never_received else ResponseFailed
    return _wrapped(DownloadFailedError, kind([Failure(r) for r in reasons]))


@pytest.mark.parametrize("exc, phrase, technical", [
    (_wrapped(DownloadConnectionRefusedError, tx.ConnectionRefusedError("111: Connection refused")),
     "连接被拒绝", "DownloadConnectionRefusedError: Connection was refused by other side: 111"),
    (_wrapped(CannotResolveHostError, tx.DNSLookupError("no results for hostname lookup: x.invalid")),
     "域名无法解析", "CannotResolveHostError: DNS lookup failed"),
    (_wrapped(DownloadTimeoutError, tx.TimeoutError()),
     "连接超时", "DownloadTimeoutError: User timeout caused connection failure"),
    (DownloadTimeoutError("Getting http://x/ took longer than 2.0 seconds."),
     "网页响应超时", "DownloadTimeoutError: Getting http://x/ took longer than 2.0 seconds."),
    (_failed(SSL.Error([("SSL routines", "", "wrong version number")])),
     "证书或加密连接（HTTPS）错误", "DownloadFailedError: [<twisted.python.failure.Failure OpenSSL.SSL.Error"),
    (_failed(tx.ConnectionDone()), "服务器未响应，连接中断", "ConnectionDone"),
    (_failed(tx.ConnectionLost(), never_received=False), "连接中断", "ConnectionLost"),
    (ResponseNeverReceived([]), "服务器未响应", "ResponseNeverReceived"),
    (ResponseDataLossError(), "网页数据未完整接收", "ResponseDataLossError"),
    (_wrapped(DownloadFailedError, tx.NoRouteError()), "网络不可达", "DownloadFailedError: No route to host"),
    (IgnoreRequest("max redirections reached"), "重定向次数过多，疑似重定向循环", "IgnoreRequest: max redirections reached"),
    (IgnoreRequest("Forbidden by robots.txt"), "网站 robots.txt 禁止抓取该页面", "IgnoreRequest: Forbidden by robots.txt"),
    (IgnoreRequest(), "请求被跳过", "IgnoreRequest"),
    (ValueError("odd"), "网页无法打开", "ValueError: odd"),
    # the standard library's, as urllib raises them in the availability probe
    (urllib.error.URLError(ConnectionRefusedError(111, "Connection refused")), "连接被拒绝", "Connection refused"),
    (urllib.error.URLError(socket.gaierror(-2, "Name or service not known")), "域名无法解析", "Name or service not known"),
    (TimeoutError("timed out"), "连接超时", "TimeoutError: timed out"),
    (urllib.error.URLError(ssl.SSLCertVerificationError(1, "certificate verify failed")), "证书错误",
     "certificate verify failed"),
    (urllib.error.URLError(ssl.SSLError(1, "wrong version number")), "证书或加密连接（HTTPS）错误", "wrong version number"),
    (http.client.RemoteDisconnected("Remote end closed connection without response"), "服务器未响应",
     "RemoteDisconnected"),
    (ConnectionResetError(104, "Connection reset by peer"), "连接中断", "Connection reset by peer"),
])
def test_each_failure_kind_reads_in_chinese(exc, phrase, technical):
    text = describe(exc)
    assert text.startswith(phrase + "（") and text.endswith("）"), text
    assert technical in text, "the technical detail is kept"


def test_guards_say_what_happened_and_name_their_class():
    assert describe(OffsiteRedirect("重定向到站外网址 http://a/，页面无法核实")) == \
        "重定向到站外网址 http://a/，页面无法核实（OffsiteRedirect）"
    assert describe(CrawlerTrap("网址过长（2000 字符），疑似爬虫陷阱")).endswith("疑似爬虫陷阱（CrawlerTrap）")
    assert describe(NotTextBody("内容不是网页文本")) == "内容不是网页文本（NotTextBody）"


def test_waf_challenge_and_the_older_stored_form():
    exc = WafChallenge(Challenge("加速乐 (__jsl_clearance)", "特征 __jsl_clearance").describe(521))
    column = describe(exc)
    assert column == ("网站防护设备拦截（WAF质询），页面无法核实"
                      "（WafChallenge: HTTP 521 加速乐 (__jsl_clearance): 特征 __jsl_clearance）")
    # runs before the errors were Chinese stored "WafChallenge: …": still recognised
    assert is_waf(column) and is_waf("WafChallenge: HTTP 521 加速乐") and not is_waf(describe(IgnoreRequest()))
    assert not is_waf(None)


@pytest.mark.parametrize("status, text", [
    (404, "页面不存在（HTTP 404）"), (403, "禁止访问（HTTP 403）"), (500, "服务器内部错误（HTTP 500）"),
    (502, "网关错误（HTTP 502）"), (503, "服务暂时不可用（HTTP 503）"), (504, "网关超时（HTTP 504）"),
    (599, "服务器错误（HTTP 599）"), (418, "请求被拒绝（HTTP 418）"),
])
def test_http_statuses(status, text):
    assert http_status(status) == text


def test_long_technical_text_is_cut():
    text = describe(DownloadTimeoutError("x" * 1000))
    assert len(text) < neterrors.DETAIL_CHARS + 50


# -- real failures ------------------------------------------------------------------------------
class _Site(BaseHTTPRequestHandler):
    """A homepage whose menu links a column that is gone (404) and one whose server fails (500)."""

    def do_GET(self) -> None:  # noqa: N802
        if self.path in ("/", "/index.html"):
            status, body = 200, homepage("/", "/gone/").replace(
                "</ul>", '<li><a href="/boom/">政策文件</a></li></ul>')
        elif self.path.startswith("/gzdt/"):
            status, body = 200, list_page("工作动态", [("/gzdt/1.html", "青溪县召开专题工作会议", "2026-11-26")])
        elif self.path.startswith("/boom/"):
            status, body = 500, "<html><body>Internal Server Error</body></html>"
        else:
            status, body = 404, "<html><body>404 Not Found</body></html>"
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.slow
def test_a_crawl_meets_dns_tls_and_http_failures_in_chinese(server, tmp_path):
    """A real crawl: a host that does not resolve, HTTPS spoken to a plain HTTP server, a column
    that is gone and one whose server fails. Stored errors and findings read Chinese first."""
    sites = tmp_path / "sites.yaml"
    sites.write_text(f"""sites:
  - {{id: dns, name: 域名测试, url: "http://govwatch-test.invalid/", kind: portal}}
  - {{id: tls, name: 证书测试, url: "https://{server}/", kind: portal}}
  - {{id: http, name: 状态码测试, url: "http://{server}/", kind: portal}}
""", encoding="utf-8")
    db = tmp_path / "n.db"
    run = run_job(str(sites), str(db), str(tmp_path / "out"), as_of=AS_OF, quiet=True, progress=False,
                  rubric=None, settings={"DOWNLOAD_TIMEOUT": 5, "DNS_TIMEOUT": 5, "RETRY_TIMES": 0})
    store = Store(db)
    home = {sid: next(c for c in store.columns(run, sid) if c["key"] == "__home__") for sid in ("dns", "tls")}
    failed = {c["name"]: c["error"] for c in store.columns(run, "http") if c["status"] == "failed"}
    findings = {sid: store.findings(run, sid) for sid in ("dns", "tls", "http")}
    store.close()
    assert home["dns"]["error"].startswith("域名无法解析（") and "govwatch-test.invalid" in home["dns"]["error"]
    assert home["tls"]["error"].startswith("证书或加密连接（HTTPS）错误（"), home["tls"]["error"]
    assert failed == {"通知公告": "页面不存在（HTTP 404）", "政策文件": "服务器内部错误（HTTP 500）"}
    for sid, phrase in (("dns", "域名无法解析"), ("tls", "证书或加密连接（HTTPS）错误")):
        (f,) = findings[sid]
        assert f["code"] == "SITE_UNREACHABLE" and f["message"].startswith(f"网站首页无法访问：{phrase}（")
    messages = {f["message"] for f in findings["http"] if f["code"] == "EXTRACTION_FAILED"}
    assert messages == {"栏目“通知公告”无法核实：页面不存在（HTTP 404）", "栏目“政策文件”无法核实：服务器内部错误（HTTP 500）"}
    report = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    (dns,) = [f for s in report["sites"] if s["id"] == "dns" for f in s["findings"]]
    assert "CannotResolveHostError: DNS lookup failed" in dns["evidence"]["error"], "the evidence keeps the detail"


@pytest.mark.slow
def test_probes_read_in_chinese(server):
    assert probe_url(closed_port_url(), timeout=2)["error"].startswith("连接被拒绝（")
    assert probe_url("http://govwatch-test.invalid/", timeout=2)["error"].startswith("域名无法解析（")
    assert probe_url(f"https://{server}/", timeout=2)["error"].startswith("证书或加密连接（HTTPS）错误（")
    gone = probe_url(f"http://{server}/gone/", timeout=2)
    assert gone["status"] == 404 and gone["error"] == "页面不存在（HTTP 404）"
