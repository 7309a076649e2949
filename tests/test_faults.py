"""The fault matrix: every fault in tests/faultserver.py through a real crawl (`run_job`), with the
exact outcome each must produce. A column we could not read is 无法核实 (EXTRACTION_FAILED) and
nothing else about the column; the link to it is a broken link (LINK_BROKEN) only when the link
check, a while later, meets what a visitor meets too (a timeout, a 5xx, a reset or refused
connection, a redirect loop) — never for a WAF challenge, robots.txt, an off-site redirect or odd
content. A homepage we could not read is SITE_UNREACHABLE and nothing else; content that is
merely odd (charset, size, traps, absurd dates) is read correctly or bounded, never misjudged.

The faults run as one site each in two crawls (network faults with a 2 s timeout, heavy content
faults with a longer one so a 10,000-item page cannot starve a 2 s download of the reactor)."""
from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta

import pytest
from faultserver import FAULTS, FAULTY, HEALTHY, FaultServer
from harness import run_quiet

from crawler.neterrors import http_status
from crawler.store import Store

pytestmark = pytest.mark.slow   # real crawls of the fault matrix

AS_OF = date(2026, 11, 27)
BUDGET = 40
BODY_CAP = 2 * 1024 * 1024
EF = "EXTRACTION_FAILED"
LB = ("LINK_BROKEN", None)   # the homepage's link to the failing column (crawler/linkcheck)
CONTENT_KINDS = ("article", "attachment")   # fetches of the content checks, outside the walk's budget
NEVER_FOR_FAILED = ("COLUMN_STALE", "COLUMN_BLANK", "COLUMN_MISSING")
NO_MANDATORY_PROFILE = ("extends: gb2019\nname: faults\n"
                        "mandatory:\n  common: []\n  portal: []\n  department: []\n  township: []\n")

CONTENT = ["huge_body", "many_items", "calendar_trap", "session_trap", "next_chain"]
NETWORK = [f for f in FAULTS if f not in CONTENT]

# fault -> (findings as {(code, column)}, regex the failed page's error must match or None).
# A stored error is Chinese first, the technical text in parentheses (crawler/neterrors.py).
EXPECT: dict[str, tuple[set, str | None]] = {
    "control": (set(), None),
    "timeout": ({(EF, FAULTY), LB}, r"^网页响应超时（DownloadTimeoutError.*took longer than 2"),
    "slow": ({(EF, FAULTY), LB}, r"^网页响应超时（DownloadTimeoutError.*took longer than 2"),
    "slow_drip": ({(EF, FAULTY), LB}, r"^网页响应超时（DownloadTimeoutError.*took longer than 2"),
    "http_503": ({(EF, FAULTY), LB}, r"^服务暂时不可用（HTTP 503）$"),
    "conn_reset": ({(EF, FAULTY), LB}, r"^(?:服务器未响应，)?连接中断（.*(?:ConnectionLost|Connection.*(?:reset|lost|closed)"
                                   r"|ResponseFailed)"),
    "refused": ({(EF, FAULTY), LB}, r"^连接被拒绝（.*ConnectionRefused"),
    "waf_412": ({(EF, FAULTY)}, r"^网站防护设备拦截（WAF质询），页面无法核实（WafChallenge: HTTP 412 JS 质询"),
    "waf_521": ({(EF, FAULTY)}, r"^网站防护设备拦截（WAF质询），页面无法核实（WafChallenge: HTTP 521 "),
    "waf_200": ({(EF, FAULTY)}, r"^网站防护设备拦截（WAF质询），页面无法核实（WafChallenge: HTTP 200 云锁"),
    "waf_403": ({(EF, FAULTY)}, r"^网站防护设备拦截（WAF质询），页面无法核实（WafChallenge: HTTP 403 拦截页"),
    "redirect_loop": ({(EF, FAULTY), LB}, r"^重定向次数过多，疑似重定向循环（IgnoreRequest: max redirections reached）$"),
    "redirect_offsite": ({(EF, FAULTY)}, r"^重定向到站外网址 http://127\.0\.0\.2:.*页面无法核实（OffsiteRedirect）$"),
    "robots": ({(EF, FAULTY)}, r"^网站 robots\.txt 禁止抓取该页面（IgnoreRequest: Forbidden by robots\.txt）$"),
    "binary": ({(EF, FAULTY)}, r"^内容不是网页文本.*（NotTextBody）$"),
    "wrong_charset": (set(), None),
    "no_charset": (set(), None),
    "malformed": (set(), None),
    "many_items": (set(), None),
    "huge_body": (set(), None),
    "calendar_trap": (set(), None),
    "session_trap": (set(), None),
    "next_chain": (set(), None),
    "dates_2099_1900": (set(), None),
    "tls_selfsigned": (set(), None),
    "home_moved": (set(), None),
    "home_timeout": ({("SITE_UNREACHABLE", None)}, r"^网页响应超时（DownloadTimeoutError"),
    "home_503": ({("SITE_UNREACHABLE", None)}, r"^服务暂时不可用（HTTP 503）$"),
    "home_refused": ({("SITE_UNREACHABLE", None)}, r"^连接被拒绝（.*ConnectionRefused"),
    "home_waf": ({("SITE_UNREACHABLE", None)}, r"^网站防护设备拦截（WAF质询），页面无法核实（WafChallenge: HTTP 521 "),
}


def _sid(fault: str) -> str:
    return fault.replace("_", "-")


@pytest.fixture(scope="module")
def matrix(tmp_path_factory):
    base = tmp_path_factory.mktemp("faults")
    profile = base / "no-mandatory.yaml"
    profile.write_text(NO_MANDATORY_PROFILE, encoding="utf-8")
    db = str(base / "faults.db")
    runs = {}
    with FaultServer(AS_OF) as fs:
        for label, faults, timeout in (("network", NETWORK, 2), ("content", CONTENT, 20)):
            faults = [f for f in faults if not (f == "tls_selfsigned" and fs.tls_skip_reason)]
            sites = base / f"{label}-sites.yaml"
            sites.write_text(fs.sites_yaml(faults), encoding="utf-8")
            run_id = run_quiet(sites, db, base / label, as_of=AS_OF, profile=str(profile), rubric=None,
                               settings={"DOWNLOAD_TIMEOUT": timeout, "RETRY_TIMES": 1,
                                         "GOVWATCH_MAX_PAGES": BUDGET, "GOVWATCH_BODY_CAP": BODY_CAP})
            runs.update({f: run_id for f in faults})
        hits = dict(fs.hits)
        tls_skip = fs.tls_skip_reason
    store = Store(db)
    yield {"store": store, "runs": runs, "hits": hits, "tls_skip": tls_skip}
    store.close()


def _site(matrix, fault):
    if fault not in matrix["runs"]:
        pytest.skip(matrix["tls_skip"] or f"{fault} not crawled")
    store, run_id, sid = matrix["store"], matrix["runs"][fault], _sid(fault)
    cols = {}
    for c in store.judged_columns(run_id, sid):
        cols.setdefault(c["name"], c)
    return {"run": store.run(run_id), "columns": cols, "findings": store.findings(run_id, sid),
            "fetches": store.fetches(run_id, sid), "items": store.items(run_id, sid)}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_fault_outcome(matrix, fault):
    site = _site(matrix, fault)
    assert site["run"]["complete"] == 1, "a crawl that met faults still completes"
    expected, error_re = EXPECT[fault]
    got = {(f["code"], f["column"]) for f in site["findings"]}
    assert got == expected
    assert len(site["findings"]) == len(expected)
    cols = site["columns"]
    if FAULTS[fault].homepage_fails:
        home = cols["首页"]
        assert home["status"] == "failed" and re.search(error_re, home["error"]), home["error"]
        assert set(cols) == {"首页"}, "nothing but the homepage is recorded for an unreachable site"
        # the walk saw nothing: it is incomplete, naming the homepage (no absence is ever asserted)
        walk = matrix["store"].walk(matrix["runs"][fault], _sid(fault))
        assert walk["complete"] == 0 and [f["url"] for f in walk["failed"]] == [home["url"]], walk
        return
    failed = [c for c in cols.values() if c["status"] == "failed"]
    if error_re is None:
        assert failed == []
    else:
        assert [c["name"] for c in failed] == [FAULTY]
        assert re.search(error_re, failed[0]["error"]), failed[0]["error"]
        bad = [http_status(f["status"]) if f["error"] is None else f["error"]
               for f in site["fetches"] if (f["error"] or (f["status"] or 0) >= 400)
               and f["kind"] != "budget"]
        assert bad and all(re.search(error_re, e) for e in bad), bad
    if fault == "home_moved":
        return  # its columns live on the new host: test_moved_site_columns_followed
    # the healthy column beside the fault is read whole, whatever its neighbour did
    assert cols[HEALTHY]["status"] == "ok" and cols[HEALTHY]["counted_items"] == 6
    assert cols[HEALTHY]["newest_date"] == (AS_OF - timedelta(days=1)).isoformat()


@pytest.mark.parametrize("fault", [f for f in FAULTS if f != "control"])
def test_failed_column_never_judged_stale_blank_or_missing(matrix, fault):
    site = _site(matrix, fault)
    failed_keys = {c["key"] for c in site["columns"].values() if c["status"] == "failed"}
    failed_names = {c["name"] for c in site["columns"].values() if c["status"] == "failed"}
    for f in site["findings"]:
        if f["code"] in NEVER_FOR_FAILED:
            assert f["evidence"].get("column_key") not in failed_keys and f["column"] not in failed_names
    if site["columns"].get("首页", {}).get("status") == "failed":
        assert {f["code"] for f in site["findings"]} == {"SITE_UNREACHABLE"}


def _col(matrix, fault, name=FAULTY):
    return _site(matrix, fault)["columns"][name]


@pytest.mark.parametrize("fault", ["wrong_charset", "no_charset"])
def test_gbk_pages_decoded_whatever_the_charset_says(matrix, fault):
    site = _site(matrix, fault)
    col = site["columns"][FAULTY]
    titles = [i["title"] for i in site["items"] if i["column_key"] == col["key"]]
    assert len(titles) == 6 and all(t.startswith("青溪县召开第") for t in titles)
    assert col["newest_date"] == (AS_OF - timedelta(days=1)).isoformat()


def test_huge_body_cut_at_cap_and_still_read(matrix):
    site = _site(matrix, "huge_body")
    col = site["columns"][FAULTY]
    fetch = next(f for f in site["fetches"] if f["url"] == col["url"])
    assert fetch["bytes"] == BODY_CAP, "the 3 MB body is cut at GOVWATCH_BODY_CAP"
    assert col["status"] == "ok" and col["counted_items"] == 6


def test_huge_body_truncation_recorded_on_fetch(matrix):
    site = _site(matrix, "huge_body")
    col = site["columns"][FAULTY]
    fetch = next(f for f in site["fetches"] if f["url"] == col["url"])
    assert fetch["error"] and "截断" in fetch["error"]


def test_ten_thousand_items_all_counted(matrix):
    col = _col(matrix, "many_items")
    assert col["status"] == "ok" and col["counted_items"] == 10_000
    assert col["newest_date"] == (AS_OF - timedelta(days=1)).isoformat()


@pytest.mark.parametrize("fault", ["calendar_trap", "session_trap"])
def test_traps_stay_under_the_page_budget(matrix, fault):
    site = _site(matrix, fault)
    # the content checks' articles and attachments are fetched outside the walk's budget (crawler/content)
    fetched = [f for f in site["fetches"] if f["kind"] not in ("budget", *CONTENT_KINDS)]
    assert len(fetched) <= BUDGET, Counter(f["kind"] for f in fetched)
    assert site["columns"][FAULTY]["status"] == "ok"


def test_calendar_trap_engaged_and_bounded(matrix):
    """The endless pager really was followed (the budget, not luck, stopped it)."""
    site = _site(matrix, "calendar_trap")
    served = sum(n for p, n in matrix["hits"].items() if p.startswith("/s/calendar_trap/"))
    # the link checks of the pages read are bounded apart (GOVWATCH_LINK_MAX per site): counted out
    (checked,) = matrix["store"].rows("link_runs", "run_id = ? and site_id = ?",
                                      [matrix["runs"]["calendar_trap"], _sid("calendar_trap")])
    served -= checked["requests"]
    # … as are the content checks' articles and attachments (crawler/content: 5 articles a column)
    walked = [f for f in site["fetches"] if f["kind"] not in CONTENT_KINDS]
    served -= len(site["fetches"]) - len(walked)
    assert len(walked) >= BUDGET - 5
    # what the budget left unread is recorded, not silently dropped
    (note,) = [f for f in site["fetches"] if f["kind"] == "budget"]
    assert "页面预算已用尽" in note["error"] and int(note["error"].split("，")[1].split("个")[0]) > 0
    assert served <= BUDGET + 5
    months = [c for c in site["columns"] if c and "年" in c]
    assert len(months) <= 5, "month-after-month column links stop at the depth budget"


def test_absurd_dates_never_newest(matrix):
    site = _site(matrix, "dates_2099_1900")
    col = site["columns"][FAULTY]
    assert col["newest_date"] == (AS_OF - timedelta(days=1)).isoformat()
    dated = {i["title"]: i["date"] for i in site["items"] if i["column_key"] == col["key"]}
    assert dated["关于2099年规划的通知"] is None and dated["旧档案通知"] is None
    assert not any(f["code"] in ("COLUMN_STALE", "FUTURE_DATE") for f in site["findings"])


def test_malformed_list_read_whole(matrix):
    col = _col(matrix, "malformed")
    assert col["counted_items"] == 6 and col["newest_date"] == (AS_OF - timedelta(days=1)).isoformat()


def test_next_only_pager_read_to_the_end(matrix):
    assert _col(matrix, "next_chain")["counted_items"] == 30


def test_moved_site_columns_followed(matrix):
    assert _col(matrix, "home_moved", HEALTHY)["counted_items"] == 6


def test_homepage_waf_challenge_not_a_veto(matrix):
    site = _site(matrix, "home_waf")
    assert all(f["severity"] != "veto" for f in site["findings"])


def test_self_signed_tls_site_is_read(matrix):
    site = _site(matrix, "tls_selfsigned")
    assert site["columns"]["首页"]["url"].startswith("https://")
    assert site["columns"][HEALTHY]["counted_items"] == 6


# An English exception name (DownloadTimeoutError, IgnoreRequest, OffsiteRedirect, ConnectionLost…).
EXCEPTION_NAME = re.compile(r"[A-Z][A-Za-z]*(?:Error|Exception|Request|Challenge|Redirect|Body|Trap|Lost|Done|Received)")
CHINESE_FIRST = re.compile(r"^[\u4e00-\u9fff]")


def _chinese_first(text: str) -> bool:
    """Starts with Chinese, and an exception's name appears only inside the technical parentheses."""
    head = text.split("（", 1)[0]
    return bool(CHINESE_FIRST.match(text)) and not EXCEPTION_NAME.search(head)


@pytest.mark.parametrize("fault", [f for f, (_, error_re) in EXPECT.items() if error_re])
def test_failures_read_in_chinese_with_the_technical_detail_kept(matrix, fault):
    """Every stored error of a failed page (column, fetch, walk) and every finding message of the
    fault starts with a Chinese explanation; the exception's own text follows in parentheses."""
    site = _site(matrix, fault)
    walk = matrix["store"].walk(matrix["runs"][fault], _sid(fault))
    errors = [c["error"] for c in site["columns"].values() if c["status"] == "failed"]
    errors += [f["error"] for f in site["fetches"] if f["error"] and f["kind"] != "budget"]
    errors += [f["error"] for f in walk["failed"]]
    assert errors and all(_chinese_first(e) for e in errors), errors
    assert all("（" in e and e.endswith("）") for e in errors), "the technical detail is kept"
    messages = [f["message"] for f in site["findings"]]
    assert messages and all(_chinese_first(m.split("：", 1)[1]) and CHINESE_FIRST.match(m) for m in messages), \
        messages
    for f in site["findings"]:
        assert f["evidence"]["error"] in f["message"], "the evidence keeps the stored error"
