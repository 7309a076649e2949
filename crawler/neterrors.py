"""Network failures in plain Chinese, with the technical text kept beside them.

Why one module: a page that could not be fetched is stored with its error, and that error is what
an office reads in a finding (栏目“通知公告”无法核实：…). Scrapy's download errors, the Twisted and
OpenSSL errors beneath them, the standard library's (the availability probe), govwatch's own guards
(crawler/middlewares.py) and HTTP statuses are each turned here into a short phrase; the stored
error is ``<说明>（<technical detail>）`` so a finding reads Chinese first and an engineer still sees
the exception (“连接被拒绝（DownloadConnectionRefusedError: Connection was refused by other side: 111…）”).

Exceptions are matched by qualified class name over their MRO, so subclasses match and the probe
needs neither Twisted nor OpenSSL imported; the innermost recognised cause wins (Scrapy re-raises
Twisted's errors ``from`` them, Twisted's ResponseFailed carries its ``reasons``, urllib's URLError
its ``reason``).
"""
from __future__ import annotations

import re

DETAIL_CHARS = 300
GUARD_ERROR = "crawler.middlewares.CrawlGuardError"
WAF_ERROR = "crawler.middlewares.WafChallenge"
WAF_PHRASE = "网站防护设备拦截（WAF质询），页面无法核实"
# stored by runs before the errors were Chinese; is_waf() still knows it
WAF_LEAD = "WafChallenge: "

REFUSED = "连接被拒绝"
DNS = "域名无法解析"
CONNECT_TIMEOUT = "连接超时"
RESPONSE_TIMEOUT = "网页响应超时"
TLS = "证书或加密连接（HTTPS）错误"
CERTIFICATE = "证书错误"
NO_RESPONSE = "服务器未响应"
LOST = "连接中断"
INCOMPLETE = "网页数据未完整接收"
UNREACHABLE = "网络不可达"
CONNECT = "无法建立连接"
FAILED = "网页下载失败"
UNKNOWN = "网页无法打开"

# qualified class name -> phrase; a class's MRO is looked up in order, so the nearest class wins.
PHRASES: dict[str, str] = {
    "scrapy.exceptions.DownloadConnectionRefusedError": REFUSED,
    "twisted.internet.error.ConnectionRefusedError": REFUSED,
    "builtins.ConnectionRefusedError": REFUSED,
    "scrapy.exceptions.CannotResolveHostError": DNS,
    "twisted.internet.error.DNSLookupError": DNS,
    "socket.gaierror": DNS,
    "twisted.internet.error.TimeoutError": CONNECT_TIMEOUT,
    "twisted.internet.error.TCPTimedOutError": CONNECT_TIMEOUT,
    "builtins.TimeoutError": CONNECT_TIMEOUT,
    "scrapy.exceptions.DownloadTimeoutError": RESPONSE_TIMEOUT,
    "ssl.SSLCertVerificationError": CERTIFICATE,
    "twisted.internet._sslverify.VerificationError": CERTIFICATE,
    "OpenSSL.SSL.Error": TLS,
    "ssl.SSLError": TLS,
    "twisted.web._newclient.ResponseNeverReceived": NO_RESPONSE,
    "http.client.RemoteDisconnected": NO_RESPONSE,
    "twisted.internet.error.ConnectionLost": LOST,
    "twisted.internet.error.ConnectionDone": LOST,
    "twisted.internet.error.ConnectionAborted": LOST,
    "builtins.ConnectionResetError": LOST,
    "builtins.ConnectionAbortedError": LOST,
    "builtins.BrokenPipeError": LOST,
    "scrapy.exceptions.ResponseDataLossError": INCOMPLETE,
    "twisted.web.client.PartialDownloadError": INCOMPLETE,
    "http.client.IncompleteRead": INCOMPLETE,
    "twisted.web._newclient.ResponseFailed": INCOMPLETE,
    "twisted.internet.error.NoRouteError": UNREACHABLE,
    "scrapy.core.downloader.handlers.http11.TunnelError": "代理隧道连接失败",
    "twisted.internet.error.ConnectError": CONNECT,
    "scrapy.exceptions.DownloadCancelledError": "下载被取消",
    "twisted.internet.error.ConnectingCancelledError": "下载被取消",
    "scrapy.exceptions.UnsupportedURLSchemeError": "不支持的网址类型",
    "scrapy.exceptions.DownloadFailedError": FAILED,
    "urllib.error.URLError": UNKNOWN,
    "builtins.OSError": "网络错误",
}
# Scrapy says some things only in an IgnoreRequest's message.
IGNORED: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"max redirections reached", re.I), "重定向次数过多，疑似重定向循环"),
    (re.compile(r"robots\.txt", re.I), "网站 robots.txt 禁止抓取该页面"),
)
IGNORED_OTHER = "请求被跳过"

HTTP_STATUSES: dict[int, str] = {
    400: "请求无效", 401: "需要登录授权", 403: "禁止访问", 404: "页面不存在", 405: "请求方式不被允许",
    408: "请求超时", 410: "页面已删除", 429: "请求过于频繁，被限制访问", 451: "因法律原因不可访问",
    500: "服务器内部错误", 501: "服务器不支持该请求", 502: "网关错误", 503: "服务暂时不可用",
    504: "网关超时",
}


def _names(exc: BaseException) -> list[str]:
    return [f"{cls.__module__}.{cls.__qualname__}" for cls in type(exc).__mro__]


def _phrase(exc: BaseException) -> str | None:
    for name in _names(exc):
        if name in PHRASES:
            return PHRASES[name]
    return None


def _causes(exc: BaseException) -> list[BaseException]:
    """The exception and what it wraps, outermost first (depth-first, each once)."""
    out: list[BaseException] = []
    todo = [exc]
    while todo and len(out) < 20:
        e = todo.pop(0)
        if not isinstance(e, BaseException) or any(e is seen for seen in out):
            continue
        out.append(e)
        inner = [getattr(r, "value", r) for r in getattr(e, "reasons", None) or []]  # Twisted Failures
        reason = getattr(e, "reason", None)                                          # urllib's URLError
        todo[:0] = [*inner, *([reason] if isinstance(reason, BaseException) else []), e.__cause__]
    return out


def detail(exc: BaseException) -> str:
    """The technical text as govwatch always stored it: ``ClassName: message``."""
    msg = str(exc)[:DETAIL_CHARS]
    return f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__


def phrase(exc: BaseException) -> str:
    """What went wrong, in Chinese: the innermost recognised cause decides."""
    names = _names(exc)
    if GUARD_ERROR in names:
        return WAF_PHRASE if WAF_ERROR in names else str(exc) or IGNORED_OTHER
    if "scrapy.exceptions.IgnoreRequest" in names:
        text = str(exc)
        return next((p for pattern, p in IGNORED if pattern.search(text)), IGNORED_OTHER)
    found = [p for p in map(_phrase, _causes(exc)) if p]
    if not found:
        return UNKNOWN
    if found[-1] == LOST and NO_RESPONSE in found:
        return f"{NO_RESPONSE}，{LOST}"   # the server closed the connection without answering
    return found[-1]


def describe(exc: BaseException) -> str:
    """The stored error of a failed fetch: ``<说明>（<technical detail>）``. A govwatch guard's message
    is already the explanation (its class name is the detail); a WAF challenge's message is its
    detail."""
    names = _names(exc)
    if GUARD_ERROR in names and WAF_ERROR not in names:
        return f"{phrase(exc)}（{type(exc).__name__}）"
    return f"{phrase(exc)}（{detail(exc)}）"


def http_status(status: int) -> str:
    """An HTTP status that is a failure, in Chinese with the status kept: 页面不存在（HTTP 404）."""
    known = HTTP_STATUSES.get(status)
    if known is None:
        known = "服务器错误" if status >= 500 else "请求被拒绝" if status >= 400 else "异常状态码"
    return f"{known}（HTTP {status}）"


def is_waf(error: str | None) -> bool:
    """A stored error that is a WAF challenge (either form)."""
    return bool(error) and (error.startswith(WAF_LEAD) or error.startswith(WAF_PHRASE))
