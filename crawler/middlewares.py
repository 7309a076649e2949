"""Downloader middlewares that keep a crawl truthful and bounded on hostile or broken sites.

Why here and not in the spider: each guard turns a page we cannot honestly read into a *failed
fetch* (an exception the spider's errback records as 无法核实), before the spider could mistake it
for an empty or stale column. Every guard's message says what happened in words an office can act
on and becomes the fetch's error (crawler/neterrors.py: the message, then the guard's class); a WAF
challenge's message is the technical detail behind neterrors' 网站防护设备拦截.

- ``ResponseGuardMiddleware``: bodies over ``GOVWATCH_BODY_CAP`` bytes are cut at the cap and
  counted; binary data served as text/html is a failure; a WAF / JS challenge page (even with
  status 200) is a failure.
- ``TrapGuardMiddleware``: crawler traps (session-id and calendar URLs, repeated path segments,
  endless URLs) and redirects that leave the site are refused.
"""
from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest

from crawler.urls import allowed, canonical
from crawler.waf import detect_challenge

log = logging.getLogger(__name__)

HOME_KEY = "__home__"
TRUNCATED_META = "govwatch_truncated_from"
BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b",
                b"Rar!", b"7z\xbc\xaf", b"\xd0\xcf\x11\xe0", b"MZ")
CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0e, 0x1b), *range(0x1c, 0x20)])
# A date-like year in a URL (calendar pages): /2099/05/, ?year=2099, date=2099-05-01, 209905
URL_YEAR_RE = re.compile(r"(?<![\d])((?:19|20|21)\d{2})(?:[-/_]?(?:0[1-9]|1[0-2]))?(?![\d])")
CALENDAR_HINT_RE = re.compile(r"[?&;](?:year|month|date|day|ym|ymd|yyyymm|y|m|d|time)=|/(?:calendar|rili)/", re.I)


class CrawlGuardError(IgnoreRequest):
    """A page refused or rejected by a govwatch guard; the message is the fetch's error."""


class WafChallenge(CrawlGuardError):
    pass


class NotTextBody(CrawlGuardError):
    pass


class CrawlerTrap(CrawlGuardError):
    pass


class SiteOvertime(CrawlGuardError):
    pass


class OffsiteRedirect(CrawlGuardError):
    pass


def _content_type(response) -> str:
    return (response.headers.get(b"Content-Type") or b"").decode("latin-1")


def looks_binary(body: bytes, content_type: str = "") -> bool:
    """Binary data whatever the Content-Type says: a file signature or many control bytes."""
    head = body[:4096]
    if not head:
        return False
    if head.startswith(BINARY_MAGIC):
        return True
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    # control bytes counted by deleting them: one C pass, cheaper than a regex scan (bench/README.md)
    return len(head) - len(head.translate(None, CONTROL_BYTES)) > len(head) * 0.05


class _Base:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _count(self, key: str, request=None) -> None:
        self.stats.inc_value(f"govwatch/{key}")
        sid = request.meta.get("site_id") if request is not None else None
        if sid:
            self.stats.inc_value(f"govwatch/{key}/{sid}")


class ResponseGuardMiddleware(_Base):
    """The body guard, then the WAF guard, in one middleware: every response of a crawl passes
    here, and each middleware hop is a measurable share of a sweep's per-page cost."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.cap = crawler.settings.getint("GOVWATCH_BODY_CAP", 0)

    def process_response(self, request, response, spider=None):
        body = getattr(response, "body", None)
        if body is None:
            return response
        ctype = _content_type(response)
        response = self._body(request, response, body, ctype.lower())
        self._waf(request, response, ctype)
        return response

    def _body(self, request, response, body: bytes, ctype: str):
        """Bodies over the cap are cut and counted; binary data served as text is a failure."""
        textual = not ctype or any(t in ctype for t in ("html", "text/", "xml", "json"))
        # an attachment is binary on purpose (.xlsx is "…spreadsheetml…": xml in its type); its
        # reader sniffs the format itself (crawler/content/attachments.py)
        if textual and looks_binary(body, ctype) and request.meta.get("page_kind") != "attachment":
            self._count("binary_body", request)
            raise NotTextBody(f"内容不是网页文本（{ctype or '未声明类型'}，疑似二进制数据 {len(body)} 字节），页面无法核实")
        if self.cap and len(body) > self.cap:
            self._count("body_truncated", request)
            request.meta[TRUNCATED_META] = len(body)
            log.warning("body of %s cut at %d of %d bytes", response.url, self.cap, len(body))
            return response.replace(body=body[:self.cap])
        return response

    def _waf(self, request, response, ctype: str) -> None:
        """A WAF / JS challenge page (even with status 200) is a failure."""
        challenge = detect_challenge(response.status, response.body, ctype)
        if challenge is not None:
            self._count("waf_challenge", request)
            log.warning("WAF challenge at %s: %s", response.url, challenge.vendor)
            raise WafChallenge(challenge.describe(response.status))


class TrapGuardMiddleware(_Base):
    def __init__(self, crawler):
        super().__init__(crawler)
        s = crawler.settings
        self.max_url = s.getint("GOVWATCH_MAX_URL_LENGTH", 1024)
        self.max_repeat = s.getint("GOVWATCH_MAX_SEGMENT_REPEAT", 3)
        self.future_years = s.getint("GOVWATCH_CALENDAR_FUTURE_YEARS", 1)
        self.seen: dict[str, set[str]] = {}

    def _site(self, request) -> dict | None:
        spider = getattr(self.crawler, "spider", None)
        sites = getattr(spider, "sites", None) or {}
        return sites.get(request.meta.get("site_id"))

    def _trap(self, request) -> str | None:
        url = request.url
        if len(url) > self.max_url:
            return f"网址过长（{len(url)} 字符），疑似爬虫陷阱"
        parts = urlsplit(url)
        segments = [s for s in parts.path.split("/") if s]
        if len(set(segments)) < len(segments):   # only a repeated segment can be a loop
            for seg in set(segments):
                if segments.count(seg) >= self.max_repeat:
                    return f"网址路径重复“{seg}”{segments.count(seg)}次，疑似爬虫陷阱"
        if request.meta.get("key") == HOME_KEY or not CALENDAR_HINT_RE.search(url):
            return None
        spider = getattr(self.crawler, "spider", None)
        as_of = getattr(spider, "as_of", None)
        if as_of is not None:
            for m in URL_YEAR_RE.finditer(parts.path + "?" + parts.query):
                year = int(m.group(1))
                if year > as_of.year + self.future_years:
                    return f"网址中的日期（{year}年）远在检查日之后，疑似无限日历陷阱"
        return None

    def process_request(self, request, spider=None):
        frontier = getattr(getattr(self.crawler, "spider", None), "frontier", None)
        late = request.meta.get("site_id") or request.meta.get("link_site")   # a page or a link check
        if frontier is not None and late and frontier.over_time(late):
            self._count("overtime", request)
            raise SiteOvertime(f"超过单站时限（{frontier.walks[late].timeout:g}秒），页面未抓取，无法核实")
        site = self._site(request)
        if site is None:
            return None
        if request.meta.get("redirect_urls"):
            if request.meta.get("key") != HOME_KEY and not allowed(request.url, site):
                self._count("offsite_redirect", request)
                raise OffsiteRedirect(f"重定向到站外网址 {request.url}（不在本网站范围内，可在 allow_hosts 中允许），页面无法核实")
            return None
        reason = self._trap(request)
        if reason:
            self._count("trap", request)
            raise CrawlerTrap(reason)
        if request.meta.get("key") == HOME_KEY or request.method != "GET":
            return None
        seen = self.seen.setdefault(site["id"], set())
        ident = canonical(request.url)
        if ident in seen and not request.meta.get("retry_times"):
            self._count("duplicate", request)
            raise CrawlerTrap(f"同一网页的重复网址（会话参数不同）：{request.url}")
        seen.add(ident)
        return None
