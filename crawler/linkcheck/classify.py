"""One attempt at a link → ok | broken | unverified, with a reason an office can act on.

Why strict about "unverified": a failed fetch is never an accusation. A WAF challenge, a 429, a
page that needs a login or that robots.txt keeps us from are 无法核实; only what a visitor would
also meet — 404/410, 5xx, no such domain, refused or reset connections, timeouts, TLS failures,
redirect loops, a page saying 页面不存在 (soft 404), an attachment that is empty or an HTML error
page — is broken, and only when it fails again a while later (`checker.py`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from w3lib.encoding import http_content_type_encoding

from crawler import neterrors
from crawler.extraction.encoding import decode_body
from crawler.linkcheck.answers import Answer

OK, BROKEN, UNVERIFIED = "ok", "broken", "unverified"

# reason code -> what the 链接可用性 sheet, the findings and `govwatch links` say
REASONS: dict[str, str] = {
    "http_404": "页面不存在（404）",
    "http_410": "页面已删除（410）",
    "http_4xx": "请求被拒绝（4xx）",
    "http_5xx": "服务器错误（5xx）",
    "dns": "域名无法解析",
    "refused": "连接被拒绝",
    "reset": "连接中断",
    "timeout": "连接或响应超时",
    "tls": "HTTPS证书或加密连接错误",
    "redirect_loop": "重定向循环",
    "soft_404": "页面显示“页面不存在”（软404）",
    "empty_attachment": "附件为空或为错误页面",
    "waf": "网站防护设备拦截（无法核实）",
    "rate_limited": "请求过于频繁（429，无法核实）",
    "access": "需要登录或禁止访问（无法核实）",
    "robots": "robots.txt 禁止检查（无法核实）",
    "failed": "无法核实",
}
BROKEN_REASONS = frozenset(("http_404", "http_410", "http_4xx", "http_5xx", "dns", "refused", "reset",
                            "timeout", "tls", "redirect_loop", "soft_404", "empty_attachment"))

# neterrors' phrase of a failure -> reason
PHRASE_REASONS = {
    neterrors.DNS: "dns", neterrors.REFUSED: "refused", neterrors.CONNECT_TIMEOUT: "timeout",
    neterrors.RESPONSE_TIMEOUT: "timeout", neterrors.TLS: "tls", neterrors.CERTIFICATE: "tls",
    neterrors.NO_RESPONSE: "reset", neterrors.LOST: "reset", f"{neterrors.NO_RESPONSE}，{neterrors.LOST}": "reset",
    neterrors.INCOMPLETE: "reset", neterrors.UNREACHABLE: "refused", neterrors.CONNECT: "refused",
    "重定向次数过多，疑似重定向循环": "redirect_loop", neterrors.WAF_PHRASE: "waf",
    "网站 robots.txt 禁止抓取该页面": "robots",
}
ACCESS_STATUSES = (401, 403, 407, 451)   # someone with access may open it: not an accusation
# HEAD answers a GET must confirm: refused (405/501/400/403), failing, or "200, no body" (a lie or
# an empty file — the GET tells which)
HEAD_REFUSED = (400, 403, 405, 501)

# What a page says when it is not there. The strong wordings are read in the title or anywhere in a
# page of modest length (a soft-404 page in the site's template, menus included); the weak ones
# (信息不存在, 已删除, 404 …) also occur in ordinary prose, so only in the title or a page of a few lines.
STRONG_NOT_FOUND_RE = re.compile(
    r"您访问的页面不存在|页面不存在|页面未找到|页面找不到|访问的页面已不存在|找不到(?:该|此|您要的|您访问的|所需的)?(?:页面|网页)|"
    r"404\s*not\s*found|page\s+(?:not\s+found|does\s+not\s+exist)", re.I)
WEAK_NOT_FOUND_RE = re.compile(r"(?:网页|信息|文章|内容|栏目)不存在|(?:页面|网页|信息|文章|内容)已(?:被)?删除|"
                               r"(?<!\d)404(?!\d)|not\s+found|出错了|错误页面", re.I)
MODEST_TEXT = 1000       # characters of visible text
FEW_LINES = 200
TITLE_RE = re.compile(rb"<title[^>]*>(.*?)</title", re.I | re.S)
SCRIPT_STYLE_RE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.I | re.S)
TAG_RE = re.compile(r"<[^>]+>")
SPACE_RE = re.compile(r"\s+")
# a redirect that lands on an error page: /404.html, /error/, notfound.jsp …
ERROR_PAGE_RE = re.compile(r"/(?:404|40x|50x|error|errors|notfound|not_found|nopage|pagenotfound)(?:[_.-]\w*)?"
                           r"(?:/|\.(?:s?html?|jsp|aspx?|php))?$", re.I)
HTML_START_RE = re.compile(rb"^\s*(?:<!doctype\s+html|<html|<head|<body|<meta|<title|<script|<!--)", re.I)
FILE_MAGIC = {  # what an attachment's first bytes are when it is the file it says it is
    "pdf": (b"%PDF",), "doc": (b"\xd0\xcf\x11\xe0",), "xls": (b"\xd0\xcf\x11\xe0",),
    "ppt": (b"\xd0\xcf\x11\xe0",), "wps": (b"\xd0\xcf\x11\xe0",), "et": (b"\xd0\xcf\x11\xe0",),
    "docx": (b"PK",), "xlsx": (b"PK",), "pptx": (b"PK",), "zip": (b"PK",), "ofd": (b"PK",),
    "rar": (b"Rar!",), "7z": (b"7z\xbc\xaf",), "gz": (b"\x1f\x8b",),
}


@dataclass(frozen=True)
class Verdict:
    result: str           # ok | broken | unverified
    reason: str | None    # a key of REASONS (None when ok)
    error: str | None     # the detail, in Chinese: 页面不存在（HTTP 404）, 连接被拒绝（…）…

    @property
    def ok(self) -> bool:
        return self.result == OK


GOOD = Verdict(OK, None, None)


def page_text(answer: Answer) -> tuple[str, str]:
    """(title, visible text) of a GET's body, decoded as the crawl decodes pages."""
    body = answer.body or b""
    m = TITLE_RE.search(body[:8192])
    enc = http_content_type_encoding(answer.content_type) if answer.content_type else None
    text, _ = decode_body(body, enc)
    title = ""
    if m:
        title, _ = decode_body(m.group(1), enc)
        title = SPACE_RE.sub(" ", TAG_RE.sub("", title)).strip()
    visible = SPACE_RE.sub(" ", TAG_RE.sub(" ", SCRIPT_STYLE_RE.sub(" ", text))).strip()
    return title, visible


def says_not_found(answer: Answer) -> str | None:
    """The phrase a page uses to say it is not there: in its title, or anywhere in a short page."""
    if not answer.body or "html" not in (answer.content_type or "text/html"):
        return None
    title, visible = page_text(answer)
    m = STRONG_NOT_FOUND_RE.search(title) or WEAK_NOT_FOUND_RE.search(title)
    if m is None and len(visible) <= MODEST_TEXT:
        m = STRONG_NOT_FOUND_RE.search(visible)
    if m is None and len(visible) <= FEW_LINES:
        m = WEAK_NOT_FOUND_RE.search(visible)
    return m.group(0) if m else None


def lands_on_error_page(answer: Answer) -> bool:
    """A redirect whose end is an error page (/404.html, /error/ …)."""
    return answer.redirected and bool(ERROR_PAGE_RE.search(urlsplit(answer.final_url or "").path))


def extension(url: str) -> str:
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def looks_html(body: bytes) -> bool:
    return bool(HTML_START_RE.match(body[:512]))


def failure_verdict(answer: Answer) -> Verdict:
    reason = PHRASE_REASONS.get(answer.phrase or "")
    if reason is None:
        return Verdict(UNVERIFIED, "failed", answer.error)
    return Verdict(BROKEN if reason in BROKEN_REASONS else UNVERIFIED, reason, answer.error)


def status_verdict(status: int) -> Verdict | None:
    """The verdict an HTTP status alone gives (None: 2xx/3xx, the content decides)."""
    if status == 429:
        return Verdict(UNVERIFIED, "rate_limited", neterrors.http_status(status))
    if status in ACCESS_STATUSES:
        return Verdict(UNVERIFIED, "access", neterrors.http_status(status))
    if status in (404, 410):
        return Verdict(BROKEN, f"http_{status}", neterrors.http_status(status))
    if 400 <= status < 500:
        return Verdict(BROKEN, "http_4xx", neterrors.http_status(status))
    if status >= 500:
        return Verdict(BROKEN, "http_5xx", neterrors.http_status(status))
    return None


def attachment_verdict(answer: Answer) -> Verdict:
    """A download that is no file: 0 bytes, or an HTML page where a .pdf/.doc… was promised."""
    ext = extension(answer.final_url or answer.url)
    body = answer.body if answer.body is not None else b""
    if answer.method == "HEAD":
        return GOOD
    if not body and answer.complete and not answer.binary:
        return Verdict(BROKEN, "empty_attachment", f"附件为0字节（HTTP {answer.status}）")
    if ext in FILE_MAGIC and body and looks_html(body) and not body.startswith(FILE_MAGIC[ext]):
        return Verdict(BROKEN, "empty_attachment",
                       f"附件内容为网页（{answer.content_type or '未声明类型'}），不是.{ext}文件，疑似错误页面")
    return GOOD


def judge(answer: Answer, kind: str, shape=None) -> Verdict:
    """An attempt's verdict. `kind` is the link's (page | attachment | image …); `shape` the site's
    own 404 (`shape.Shape`, None for links to other hosts or when it could not be learned)."""
    if answer.error is not None:
        return failure_verdict(answer)
    if answer.binary:
        return GOOD   # binary data: a file, whatever its type says
    status = answer.status or 0
    if status == 416 and kind == "attachment":   # bytes=0-1023 of an empty file
        return Verdict(BROKEN, "empty_attachment", "附件为0字节（HTTP 416：请求的范围超出文件长度）")
    by_status = status_verdict(status)
    if by_status is not None:
        return by_status
    if status >= 300:
        return Verdict(UNVERIFIED, "failed", f"重定向未完成（HTTP {status}）")
    if lands_on_error_page(answer):
        return Verdict(BROKEN, "soft_404", f"跳转到错误页面 {answer.final_url}（HTTP {status}）")
    if kind == "attachment":
        verdict = attachment_verdict(answer)
        if not verdict.ok:
            return verdict
    if shape is not None:
        like = shape.matches(answer)
        if like:
            return Verdict(BROKEN, "soft_404", f"{like}（HTTP {status}）")
    phrase = says_not_found(answer) if kind in ("page", "frame") else None
    if phrase:
        return Verdict(BROKEN, "soft_404", f"页面显示“{phrase}”（HTTP {status}）")
    return GOOD


def head_needs_get(answer: Answer, kind: str) -> bool:
    """Whether a HEAD's answer must be confirmed by a ranged GET at once: HEAD refused (405/501/400/
    403), dropped (a server that closes the connection on a HEAD may answer a GET), "200 with no
    body" (a server that lies, or an empty file), or an attachment announced as a web page. Any
    other failure (404, 5xx, 429, no such domain, refused, timeout, TLS) is asked again by the retry
    a while later, which is a GET: a HEAD that lies about a missing page is caught there."""
    if answer.error is not None:
        return PHRASE_REASONS.get(answer.phrase or "") in ("reset", None)
    status = answer.status or 0
    if status in HEAD_REFUSED:
        return True
    if status >= 300:
        return False
    if answer.length == 0:
        return True
    return kind == "attachment" and "html" in answer.content_type
