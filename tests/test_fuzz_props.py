"""Fuzzing the readers a crawl feeds hostile pages to: page extraction, dates, boards, letters, and
the fault guards. Properties: never raise, never return an implausible date, never call a healthy
list page a WAF challenge or binary; a generous hypothesis deadline bounds the time per page."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from faultserver import list_page
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.extraction import extract_page
from crawler.extraction.boards import extract_board, extract_letter
from crawler.extraction.dates import MIN_DATE, DateWindow, find_dates, parse_date
from crawler.middlewares import looks_binary
from crawler.waf import detect_challenge

pytestmark = pytest.mark.slow   # fuzzing: each property runs hundreds of examples (> 0.5 s)

AS_OF = dt.date(2026, 11, 27)
LATEST = AS_OF + dt.timedelta(days=DateWindow(AS_OF).margin_days)
PER_PAGE = dt.timedelta(seconds=10)   # generous: catches pathological (super-linear) cases only
FUZZ = settings(max_examples=150, deadline=PER_PAGE,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

YEARS = st.sampled_from([1899, 1900, 1989, 1990, 2000, 2019, 2025, 2026, 2027, 2099, 2100])
DATE_TEXT = st.builds(
    lambda y, m, d, fmt: fmt.format(y=y, m=m, d=d),
    YEARS, st.integers(0, 13), st.integers(0, 32),
    st.sampled_from(["{y}-{m:02d}-{d:02d}", "{y}/{m}/{d}", "{y}年{m}月{d}日", "{y}.{m}.{d}",
                     "[{m:02d}-{d:02d}]", "{y}{m:02d}{d:02d}", "{m}月{d}日", "{y}-{m}"]))
TITLE = st.text(alphabet="青溪县关于通知公告政策文件的工作会议第一二三号（）《》 &<>\"'", min_size=0, max_size=30)
HREF = st.sampled_from(["/tzgg/art_1.html", "./202611/t20261120_1.html", "javascript:void(0)", "#", "",
                        "http://127.0.0.1/x.html", "//evil.example/x", "../../../../etc", "mailto:a@b",
                        "/art/2026/11/20/art_1_2.html", "?page=2&sid=abc"])
ROW = st.tuples(HREF, TITLE, DATE_TEXT)
TAG = st.sampled_from(["<li>", "</li>", "<ul>", "</ul>", "<table>", "<tr><td>", "</td></tr>", "</div>",
                       "<div class='list'>", "<span>", "</span>", "<a href='/x'>", "</a>", "<!--", "-->",
                       "<script>", "</script>", "<![CDATA[", "]]>", "&#xZZ;", "&nbsp", "\x00", "<title>",
                       "createPageHTML(99999, 0, 'index', 'html');", "共 9999 页", "下一页", "备注说明：",
                       "<meta charset='gbk'>", "<meta name='ColumnName' content='通知公告'>"])
NOISE = st.lists(st.one_of(TAG, TITLE, DATE_TEXT), max_size=30).map("".join)


def plausible(d) -> bool:
    return d is None or MIN_DATE <= d <= LATEST


def _check_page(page) -> None:
    for block in page.blocks:
        for e in block.items:
            assert plausible(e.date), (e.title, e.date)
    assert page.pagination.total_pages is None or page.pagination.total_pages >= 0


@FUZZ
@given(st.lists(ROW, max_size=60), NOISE, st.sampled_from(["utf-8", "gbk", "gb18030"]),
       st.sampled_from([None, "utf-8", "gbk", "iso-8859-1", "bogus-charset"]))
def test_list_pages_with_hostile_rows(rows, noise, encoding, header):
    html = list_page("通知公告", rows, extra=noise, charset_meta=None)
    body = html.encode(encoding, errors="replace")
    _check_page(extract_page(body, "http://127.0.0.1:8080/s/x/tzgg/", as_of=AS_OF, header_encoding=header))


@FUZZ
@given(st.binary(max_size=4096))
def test_arbitrary_bytes(body):
    _check_page(extract_page(body, "http://127.0.0.1:8080/", as_of=AS_OF))
    board = extract_board(body, "http://127.0.0.1:8080/hdjl/", as_of=AS_OF)
    assert all(plausible(l.submitted) and plausible(l.replied) for l in board.letters)
    extract_letter(body, "http://127.0.0.1:8080/hdjl/1.html", as_of=AS_OF)
    detect_challenge(200, body, "text/html")


@FUZZ
@given(st.lists(ROW, max_size=60), st.lists(st.sampled_from(["已回复", "已办结", "待回复", "办理中", "不予受理", ""]),
                                           max_size=60), NOISE)
def test_board_tables(rows, statuses, noise):
    trs = "".join(f"<tr><td><a href='{h}'>{t}</a></td><td>{d}</td><td>{s}</td></tr>"
                  for (h, t, d), s in zip(rows, statuses + [""] * len(rows), strict=False))
    html = (f"<html><head><title>领导信箱</title></head><body><h2>领导信箱</h2><table>"
            f"<tr><th>标题</th><th>提交时间</th><th>状态</th></tr>{trs}</table>{noise}</body></html>")
    board = extract_board(html.encode("utf-8"), "http://127.0.0.1:8080/hdjl/", as_of=AS_OF)
    assert len(board.letters) <= max(len(rows), 1) * 2 + 50
    assert all(plausible(l.submitted) and plausible(l.replied) for l in board.letters)
    letter = extract_letter(html, "http://127.0.0.1:8080/hdjl/1.html", as_of=AS_OF)
    assert plausible(letter.submitted) and plausible(letter.replied)


@FUZZ
@given(st.recursive(st.none() | st.booleans() | st.integers() | DATE_TEXT | TITLE,
                    lambda kids: st.lists(kids, max_size=5) | st.dictionaries(
                        st.sampled_from(["title", "createTime", "replyTime", "status", "list", "data",
                                         "rows", "total", "id", "content"]), kids, max_size=6),
                    max_leaves=40))
def test_json_boards(data):
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    board = extract_board(body, "http://127.0.0.1:8080/api/letters", as_of=AS_OF,
                          content_type="application/json")
    assert all(plausible(l.submitted) and plausible(l.replied) for l in board.letters)


@FUZZ
@given(st.lists(st.one_of(DATE_TEXT, TITLE, TAG), max_size=50).map(" ".join))
def test_dates_in_window(text):
    assert plausible(parse_date(text, as_of=AS_OF))
    assert all(plausible(d) for d in find_dates(text, as_of=AS_OF))


@FUZZ
@given(st.lists(ROW, min_size=3, max_size=40), st.sampled_from(["utf-8", "gbk"]))
def test_real_list_pages_are_not_challenges_or_binary(rows, encoding):
    body = list_page("通知公告", rows).encode(encoding, errors="replace")
    assert detect_challenge(200, body, "text/html") is None
    assert not looks_binary(body, "text/html")
