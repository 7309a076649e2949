"""Recognising WAF / anti-bot challenge pages (a pure function, no Scrapy).

Why: Chinese government sites often sit behind 加速乐 (jiasule, ``__jsl_clearance``), 创宇盾/云防御,
云锁 (``yunsuo``), 安全狗 (safedog) or a cloud WAF. A crawler that does not run JavaScript gets a
tiny page that sets a cookie and reloads — sometimes with status 200. Read as a column, that page
is an empty list: a false "blank column". Recognised, it is recorded as what it is, a page we could
not read (无法核实), and never judged.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Only the start of a body is examined: challenge pages are tiny, real pages are not.
HEAD_BYTES = 16384
# Real pages above this size are not challenge pages even if a stray keyword appears.
SMALL_PAGE_BYTES = 12000
CHALLENGE_STATUSES = (403, 405, 412, 418, 429, 468, 503, 521, 523)

# Vendor signatures: (vendor label, pattern). Matched on the decoded head of the body.
VENDOR_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("加速乐 (__jsl_clearance)", re.compile(r"__jsl_clearance|__jsluid|jsl_clearance_s", re.I)),
    ("云锁 (yunsuo)", re.compile(r"yunsuo_session_verify|security_verify_data|yunsuo", re.I)),
    ("安全狗 (safedog)", re.compile(r"safedog|安全狗", re.I)),
    ("创宇盾/云防御", re.compile(r"创宇盾|知道创宇|云防御|yunaq|jiasule", re.I)),
    ("瑞数 (Botgate)", re.compile(r"\$_ts\s*=|_\$[a-zA-Z]{2}\(|FSSBBIl1UgzbN7N", re.I)),
    ("Cloudflare", re.compile(r"cf-browser-verification|cf_chl_|challenge-platform|Just a moment\.\.\.", re.I)),
    ("360网站卫士", re.compile(r"360wzws|360网站卫士", re.I)),
    ("阿里云盾", re.compile(r"aliyun_waf|_waf_bd8ce2ce37|acw_sc__v2|acw_tc", re.I)),
]
# Generic JS challenge: set a cookie, then reload/redirect — and little else on the page.
COOKIE_SET_RE = re.compile(r"document\.cookie\s*=", re.I)
RELOAD_RE = re.compile(r"location\.(?:reload|replace|href)\s*[(=]|window\.location\s*=|"
                       r"self\.location\s*=|setTimeout\([^)]*location", re.I)
# Block pages (访问被拦截): worded for people, so match the Chinese wording too.
BLOCK_TEXT_RE = re.compile(r"访问被(?:拦截|阻断|拒绝)|拦截了您的访问|您的请求(?:存在|带有)(?:威胁|不合法)|"
                           r"网站防火墙|WEB\s*应用防火墙|Web Application Firewall|安全验证|人机验证|"
                           r"请开启\s*JavaScript|请启用\s*JavaScript|enable JavaScript and cookies", re.I)
# A challenge or block page links nowhere (or to a help page or two); a list or article page links
# its navigation and items. Answered with an ordinary status, such a page is read, not judged a
# challenge — also when it loads a WAF vendor's script, which many protected sites' pages do.
PAGE_LINKS = 15
# Every signal above contains one of these (ASCII lowercased): a page holding none of them is no
# challenge, and testing them with `in` on the lowercased head is far cheaper than the case-
# insensitive Unicode patterns, which would otherwise run on every ordinary page (bench/README.md).
SIGNAL_WORDS: tuple[bytes, ...] = tuple(w.encode("utf-8") for w in (
    "jsl_clearance", "__jsluid", "yunsuo", "security_verify_data", "safedog", "安全狗", "创宇盾",
    "知道创宇", "云防御", "yunaq", "jiasule", "$_ts", "_$", "fssbbil1ugzbn7n", "cf-browser-verification",
    "cf_chl_", "challenge-platform", "just a moment...", "360wzws", "360网站卫士", "aliyun_waf",
    "_waf_bd8ce2ce37", "acw_sc__v2", "acw_tc", "document.cookie", "访问被", "拦截了您的访问", "您的请求",
    "网站防火墙", "应用防火墙", "web application firewall", "安全验证", "人机验证", "请开启", "请启用",
    "enable javascript and cookies"))
TAG_RE = re.compile(r"<[^>]+>|<script\b.*?</script>", re.I | re.S)
SCRIPT_RE = re.compile(r"<script\b.*?</script>", re.I | re.S)


@dataclass(frozen=True)
class Challenge:
    vendor: str        # who sent it, or "JS 质询" / "拦截页" when unknown
    reason: str        # what matched, for the fetch's error text

    def describe(self, status: int | None) -> str:
        """The technical detail (crawler/neterrors.py puts the Chinese explanation in front)."""
        code = f"HTTP {status} " if status else ""
        return f"{code}{self.vendor}: {self.reason}"


def _visible_text_len(text: str) -> int:
    return len(TAG_RE.sub("", SCRIPT_RE.sub("", text)).strip())


def detect_challenge(status: int | None, body: bytes | str, content_type: str | None = None
                     ) -> Challenge | None:
    """The challenge a response carries, or None for an ordinary page (including ordinary 403s/5xx
    with a normal error page: those are plain HTTP failures)."""
    if content_type and not any(t in content_type.lower() for t in ("html", "text", "javascript")):
        return None
    size = len(body)
    small = size <= SMALL_PAGE_BYTES
    if not small and status not in CHALLENGE_STATUSES:
        return None   # every signal below needs a small page or a challenge status: skip the scans
    head = body[:HEAD_BYTES]
    low = (head if isinstance(head, bytes) else head.encode("utf-8", "replace")).lower()
    if status not in CHALLENGE_STATUSES and low.count(b"<a ") >= PAGE_LINKS:
        return None   # a page with its own links is a page, whatever script it also loads
    if not any(w in low for w in SIGNAL_WORDS):
        return None
    text = head.decode("utf-8", "replace") if isinstance(head, bytes) else head
    for vendor, pattern in VENDOR_PATTERNS:
        m = pattern.search(text)
        if m and (small or status in CHALLENGE_STATUSES):
            return Challenge(vendor, f"特征 {m.group(0)[:40]}")
    if small and COOKIE_SET_RE.search(text) and RELOAD_RE.search(text) \
            and _visible_text_len(text) < 200:
        return Challenge("JS 质询", "页面只设置 Cookie 并重新加载（需执行 JavaScript）")
    if small and (status in CHALLENGE_STATUSES or status == 200):
        m = BLOCK_TEXT_RE.search(text)
        if m and _visible_text_len(text) < 600:
            return Challenge("拦截页", f"页面提示“{m.group(0)[:30]}”")
    return None
