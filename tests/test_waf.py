"""WAF challenge recognition (crawler/waf.py): the cheap tests in front of the vendor patterns — the
signal-word prefilter and the "a page with its own links is a page" rule — never hide a challenge
page, and keep ordinary pages that load a vendor's script readable."""
from __future__ import annotations

import re

from faultserver import WAF_200_YUNSUO, WAF_403_BLOCK, WAF_412_JS, WAF_521_JSL, list_page
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.waf import CHALLENGE_STATUSES, PAGE_LINKS, detect_challenge

# one sample of each signal the patterns look for, as challenge pages carry them
SIGNALS = [
    "var __jsl_clearance='1';", "yunsuo_session_verify", "safedog-flow-item", "创宇盾", "知道创宇",
    "云防御", "yunaq.com", "jiasule", "$_ts=window['$_ts'];", "_$Ab('x')", "FSSBBIl1UgzbN7N80S",
    "cf-browser-verification", "cf_chl_opt", "/cdn-cgi/challenge-platform/", "Just a moment...",
    "360wzws", "360网站卫士", "aliyun_waf_aa", "_waf_bd8ce2ce37", "acw_sc__v2", "acw_tc=1",
]
BLOCK_TEXTS = ["访问被拦截", "您的请求存在威胁", "网站防火墙", "WEB 应用防火墙", "Web Application Firewall",
               "安全验证", "人机验证", "请开启 JavaScript", "请启用JavaScript", "enable JavaScript and cookies"]


def _rows(n: int) -> list[tuple[str, str, str]]:
    return [(f"/tzgg/art_{i}.html", f"关于第{i}批项目的通知", f"2026-11-{1 + i % 27:02d}") for i in range(n)]


def test_fixture_challenges_still_recognised():
    assert detect_challenge(412, WAF_412_JS, "text/html").vendor == "JS 质询"
    assert detect_challenge(521, WAF_521_JSL, "text/html") is not None
    assert detect_challenge(200, WAF_200_YUNSUO, "text/html").vendor.startswith("云锁")
    assert detect_challenge(403, WAF_403_BLOCK, "text/html").vendor == "拦截页"


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(SIGNALS), st.text(max_size=80), st.sampled_from([200, *CHALLENGE_STATUSES]),
       st.booleans())
def test_every_vendor_signal_passes_the_prefilter(signal, filler, status, as_text):
    page = f"<html><head><script>{signal}</script></head><body>{filler}</body></html>"
    body = page if as_text else page.encode("utf-8")
    got = detect_challenge(status, body, "text/html")
    assert got is not None and got.vendor not in ("JS 质询", "拦截页"), (signal, got)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(BLOCK_TEXTS), st.sampled_from([200, 403, 503]))
def test_every_block_wording_passes_the_prefilter(text, status):
    body = f"<html><body><h1>{text}</h1><p>事件编号 8c1f</p></body></html>".encode()
    assert detect_challenge(status, body, "text/html").vendor == "拦截页"


def test_cookie_reload_challenge_with_mixed_case():
    body = b"<SCRIPT>Document.Cookie='a=1';Location.Reload();</SCRIPT>"
    assert detect_challenge(200, body, "text/html").vendor == "JS 质询"


def test_list_page_loading_a_vendor_script_is_read_not_judged():
    rows = _rows(PAGE_LINKS + 5)
    body = list_page("通知公告", rows, extra='<script src="/yunsuo_session_verify.js"></script>'
                     '<script>var _$Ab=1;document.cookie="acw_tc=1";</script>').encode("utf-8")
    assert len(body) < 12000 and len(re.findall(rb"<a ", body)) >= PAGE_LINKS
    assert detect_challenge(200, body, "text/html") is None
    # the same page answered with a challenge status is still a challenge
    assert detect_challenge(412, body, "text/html") is not None


def test_few_links_do_not_exempt_a_challenge():
    body = list_page("安全验证", _rows(2), extra='<script>var yunsuo_session_verify=1;</script>').encode()
    assert detect_challenge(200, body, "text/html").vendor.startswith("云锁")
