"""Board extraction against hand-written fixture boards served over loopback HTTP.

Each fixture page has a sidecar ``*.expected.json`` written by hand; the tests fetch the page with
urllib from a local server (so encodings, query strings and POST forms go through real HTTP) and
compare every letter field by field.
"""
from __future__ import annotations

import datetime as dt
import json
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from harness import serve_http
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.extraction.boards import (
    BoardPage,
    Letter,
    classify_board,
    extract_board,
    extract_letter,
    is_board_page,
    normalise_status,
)
from crawler.extraction.html import parse_html
from crawler.extraction.navigation import board_links as page_board_links


def board_links(html: str, base_url: str) -> list[tuple[str, str, str]]:
    """(name, url, board class) of the links the spider follows as boards (navigation.board_links)."""
    return [(lk.name, lk.url, lk.source) for lk in page_board_links(parse_html(html), base_url)]


FIXTURES = Path(__file__).resolve().parent / "fixtures" / "boards"
CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"
AS_OF = dt.date(2026, 10, 20)
ASPNET_PAGES = {"Page$1": "maillist_p1.html", "Page$Prev": "maillist_p1.html",
                "Page$2": "maillist_p2.html", "Page$Next": "maillist_p2.html"}


class FixtureHandler(BaseHTTPRequestHandler):
    """Serves tests/fixtures/boards plus the two dynamic endpoints a real board would have."""

    def log_message(self, *args) -> None:  # keep pytest output clean
        pass

    def _send(self, status: int, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        parts = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(parts.query))
        if parts.path == "/api/letters":
            page = query.get("page", "1")
            path = FIXTURES / "json" / f"letters_page{page}.json"
            if query.get("pageSize") != "3" or not path.is_file():
                self._send(404, b'{"code": 404}', "application/json")
                return
            self._send(200, path.read_bytes(), "application/json;charset=UTF-8")
            return
        if parts.path == "/aspnet/MailList.aspx":
            # Like ASP.NET, the header says nothing about the charset; the meta tag says gb2312.
            self._send(200, (FIXTURES / "aspnet" / "maillist_p1.html").read_bytes(), "text/html")
            return
        path = (FIXTURES / parts.path.lstrip("/")).resolve()
        if FIXTURES not in path.parents or not path.is_file():
            self._send(404, b"not found", "text/plain")
            return
        self._send(200, path.read_bytes(), "text/html; charset=utf-8")

    def do_POST(self) -> None:  # noqa: N802
        parts = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode("ascii")))
        name = ASPNET_PAGES.get(form.get("__EVENTARGUMENT", ""))
        if parts.path != "/aspnet/MailList.aspx" or not form.get("__VIEWSTATE") or \
                form.get("__EVENTTARGET") != "gvMail" or name is None:
            self._send(400, b"bad postback", "text/plain")
            return
        self._send(200, (FIXTURES / "aspnet" / name).read_bytes(), "text/html")


@pytest.fixture(scope="module")
def server():
    with serve_http(FixtureHandler) as base:
        yield base


def fetch(url: str, data: dict | None = None) -> tuple[bytes, str | None]:
    body = urllib.parse.urlencode(data).encode("ascii") if data is not None else None
    with urllib.request.urlopen(urllib.request.Request(url, data=body), timeout=10) as resp:
        return resp.read(), resp.headers.get("Content-Type")


def absolute(base: str, value):
    if isinstance(value, str) and value.startswith("/"):
        return base + value
    if isinstance(value, list):
        return [absolute(base, v) for v in value]
    return value


def expected_letter(base: str, raw: dict) -> dict:
    out = dict(raw)
    out["url"] = absolute(base, raw["url"])
    if raw["key"].startswith("/"):
        out["key"] = raw["key"]  # keys are URL paths without the host: stable across hosts/ports
    return out


def as_dict(letter: Letter) -> dict:
    return {"key": letter.key, "number": letter.number, "title": letter.title, "category": letter.category,
            "url": letter.url, "submitted": letter.submitted.isoformat() if letter.submitted else None,
            "replied": letter.replied.isoformat() if letter.replied else None, "status": letter.status,
            "status_text": letter.status_text, "unit": letter.unit, "needs_detail": letter.needs_detail}


def load(rel: str) -> dict:
    return json.loads((FIXTURES / rel).read_text(encoding="utf-8"))


BOARD_FIXTURES = ["table/list.expected.json", "table/list_2.expected.json", "badges/index.expected.json",
                  "json/letters_page1.expected.json", "json/letters_page2.expected.json",
                  "json/letters_page3.expected.json"]
LETTER_FIXTURES = sorted(str(p.relative_to(FIXTURES)) for d in ("badges/detail", "pending")
                         for p in (FIXTURES / d).glob("*.expected.json"))


@pytest.mark.parametrize("rel", BOARD_FIXTURES)
def test_board_fixture_gives_exactly_the_expected_letters(server, rel):
    exp = load(rel)
    url = server + exp["url"]
    body, ctype = fetch(url)
    page = extract_board(body, url, as_of=AS_OF, content_type=ctype)
    assert [as_dict(x) for x in page.letters] == [expected_letter(server, x) for x in exp["letters"]]
    assert page.total_items == exp["total_items"]
    if "page_urls" in exp:
        assert page.page_urls == absolute(server, exp["page_urls"])
        assert page.next_page_url == absolute(server, exp["next_page_url"])
    if "json_urls" in exp:
        assert page.json_urls == absolute(server, exp["json_urls"])


@pytest.mark.parametrize("rel", LETTER_FIXTURES)
def test_detail_fixture_gives_exactly_the_expected_letter(server, rel):
    exp = load(rel)
    url = server + exp["url"]
    body, ctype = fetch(url)
    letter = extract_letter(body, url, as_of=AS_OF, content_type=ctype)
    assert as_dict(letter) == expected_letter(server, exp["letter"])


def test_letter_fixture_set_covers_missing_and_empty_reply_blocks():
    names = set(LETTER_FIXTURES)
    assert {"pending/a.expected.json", "pending/b.expected.json", "pending/d.expected.json"} <= names
    assert len(names) >= 8


def test_table_board_is_crawled_through_its_plain_link_pager(server):
    """Follow page_urls from page 1 until nothing new: all seven letters, each once."""
    todo, seen, letters = [server + "/table/list.html"], set(), {}
    while todo:
        url = todo.pop(0)
        if url in seen:
            continue
        seen.add(url)
        body, ctype = fetch(url)
        page = extract_board(body, url, as_of=AS_OF, content_type=ctype)
        letters.update({x.key: x for x in page.letters})
        todo.extend(page.page_urls)
    assert seen == {server + "/table/list.html", server + "/table/list_2.html"}
    assert sorted(letters) == ["XJ2026090101", "XJ2026092502", "XJ2026093003", "XJ2026100904",
                               "XJ2026101205", "XJ2026101306", "XJ2026101507"]
    assert len(letters) == page.total_items


def test_json_board_is_discovered_from_the_html_page_and_paged(server):
    body, ctype = fetch(server + "/json/index.html")
    page = extract_board(body, server + "/json/index.html", as_of=AS_OF, content_type=ctype)
    assert page.letters == []
    todo = [u for u in page.json_urls if "page=" in u]
    seen, letters, total = set(), {}, None
    while todo:
        url = todo.pop(0)
        if url in seen:
            continue
        seen.add(url)
        body, ctype = fetch(url)
        data_page = extract_board(body, url, as_of=AS_OF, content_type=ctype)
        letters.update({x.key: x for x in data_page.letters})
        total = data_page.total_items
        todo.extend(data_page.json_urls)
    assert len(seen) == 3
    assert total == 7 and len(letters) == 7
    assert sorted(x.status for x in letters.values()) == ["answered"] * 4 + ["pending"] * 2 + ["rejected"]


def test_aspnet_board_is_paged_by_form_post_and_decoded_from_gb2312(server):
    exp1, exp2 = load("aspnet/maillist_p1.expected.json"), load("aspnet/maillist_p2.expected.json")
    url = server + exp1["url"]
    body, ctype = fetch(url)
    assert "charset" not in (ctype or "")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    page1 = extract_board(body, url, as_of=AS_OF, content_type=ctype)
    assert [as_dict(x) for x in page1.letters] == [expected_letter(server, x) for x in exp1["letters"]]
    assert page1.total_items == exp1["total_items"] and page1.page_urls == []
    assert [[p["formdata"]["__EVENTTARGET"], p["formdata"]["__EVENTARGUMENT"], p["label"], p["next"]]
            for p in page1.post_requests] == exp1["post_arguments"]
    post = page1.post_requests[0]
    assert post["url"] == server + exp1["post_url"]
    assert post["formdata"]["__VIEWSTATE"].startswith("/wEPDwUKMTY1NDU2MTA1Mg")
    assert set(post["formdata"]) >= {"__VIEWSTATEGENERATOR", "__EVENTVALIDATION"}
    body2, ctype2 = fetch(post["url"], post["formdata"])
    page2 = extract_board(body2, post["url"], as_of=AS_OF, content_type=ctype2)
    assert [as_dict(x) for x in page2.letters] == [expected_letter(server, x) for x in exp2["letters"]]
    assert [[p["formdata"]["__EVENTTARGET"], p["formdata"]["__EVENTARGUMENT"], p["label"], p["next"]]
            for p in page2.post_requests] == exp2["post_arguments"]


@pytest.mark.parametrize("text,expected", [
    ("已回复", "answered"), ("已办结", "answered"), ("已答复", "answered"), ("已处理", "answered"),
    ("办理中", "pending"), ("待回复", "pending"), ("未回复", "pending"), ("已受理", "pending"),
    ("已转办", "pending"), ("处理中", "pending"), ("待处理", "pending"), ("新建", "pending"),
    ("待审查", "pending"), ("未办结", "pending"), ("不予受理", "rejected"), ("不予处理", "rejected"),
    ("无效", "rejected"), ("【已回复】", "answered"), (" 已 回 复 ", "answered"), ("公开", "unknown"),
    ("", "unknown"), (None, "unknown"),
])
def test_normalise_status(text, expected):
    assert normalise_status(text) == expected


@pytest.mark.parametrize("name,expected", [
    ("领导信箱", "consult"), ("县长信箱", "consult"), ("局长信箱", "consult"), ("书记信箱", "consult"),
    ("咨询投诉", "consult"), ("建议提案", "other"), ("网民留言", "consult"), ("12345热线", "consult"),
    ("互动交流", "consult"), ("在线访谈", "excluded"), ("调查征集", "excluded"), ("民意征集", "excluded"),
    ("网上信访", "excluded"), ("纪检举报", "excluded"), ("政务公开", "other"), ("通知公告", "other"),
])
def test_classify_board(name, expected):
    assert classify_board(name) == expected


def test_classify_board_uses_the_url_only_for_generic_link_texts():
    assert classify_board("更多>>", "http://x.gov.cn/zmhd/zxft.htm") == "excluded"
    assert classify_board("更多", "http://x.gov.cn/hdjl/leadermail/list.jsp") == "consult"
    assert classify_board("关闭", "http://x.gov.cn/zmhd/zxft.htm") == "other"


def test_board_links_reads_link_text_and_icon_alt():
    html = """<div class="hd"><a href="/hdjl/xzxx/">县长信箱</a> <a href="zxft/index.html">在线访谈</a>
      <a href="javascript:void(0)">咨询投诉</a> <a href="/zwgk/">政务公开</a>
      <a href="http://wsxf.example.gov.cn/"><img src="x.png" alt="网上信访"></a>
      <a href="/hdjl/xzxx/">县长信箱</a>
      <a href="/news/1.html">关于开展2026年度民意征集活动情况的通报</a></div>"""
    assert board_links(html, "http://www.example.gov.cn/index.html") == [
        ("县长信箱", "http://www.example.gov.cn/hdjl/xzxx/", "consult"),
        ("在线访谈", "http://www.example.gov.cn/zxft/index.html", "excluded"),
        ("网上信访", "http://wsxf.example.gov.cn/", "excluded"),
    ]


def test_is_board_page_on_fixtures_and_non_boards():
    for rel in ("table/list.html", "badges/index.html", "badges/detail/101.html", "pending/a.html"):
        assert is_board_page((FIXTURES / rel).read_text(encoding="utf-8")), rel
    assert not is_board_page("<html><body><h1>政务公开</h1><ul><li><a href='1.html'>通知</a> 2026-01-02</li></ul>")
    assert not is_board_page("")


def test_list_row_letter_merges_into_detail_on_the_spider_side(server):
    """The badge list lacks dates: its letters ask for the detail page, which supplies them."""
    body, ctype = fetch(server + "/badges/index.html")
    page = extract_board(body, server + "/badges/index.html", as_of=AS_OF, content_type=ctype)
    details = []
    for letter in page.letters:
        assert letter.needs_detail
        dbody, dctype = fetch(letter.url)
        details.append(extract_letter(dbody, letter.url, as_of=AS_OF, content_type=dctype))
    assert [d.status for d in details] == [x.status for x in page.letters]
    assert all(d.submitted for d in details)


def test_iframe_boards_are_reported():
    html = '<html><body><iframe src="http://www.cq.gov.cn/publicmail/citizen/ReleaseMailByOrgID.aspx?intOrganizationID=101"></iframe></body></html>'
    page = extract_board(html, "http://x.gov.cn/leadermail/", as_of=AS_OF)
    assert page.frame_urls == ["http://www.cq.gov.cn/publicmail/citizen/ReleaseMailByOrgID.aspx?intOrganizationID=101"]


def test_baqiao_homepage_letter_extract_from_corpus():
    page_path = CORPUS / "raw" / "silverfoxy__JSCryptoMinerStudy" / "baqiao.gov.cn.html"
    label_path = CORPUS / "labels" / "silverfoxy__JSCryptoMinerStudy" / "baqiao.gov.cn.html.json"
    if not page_path.is_file() or not label_path.is_file():
        pytest.skip("../shared/corpus not present (real saved pages are kept outside the repo)")
    label = json.loads(label_path.read_text(encoding="utf-8"))
    block = next(b for b in label["blocks"] if b["name"] == "投诉选登")
    base = label["page_url"]
    page = extract_board(page_path.read_bytes(), base, as_of=dt.date(2018, 3, 25))
    assert [(x.title, x.url, x.status_text, x.submitted, x.replied) for x in page.letters] == [
        (i["title"], urllib.parse.urljoin(base, i["href"]), i["status"], None, None) for i in block["items"]]
    assert all(x.status == "answered" and x.needs_detail for x in page.letters)
    names = {(n, k) for n, _, k in board_links(page_path.read_text(encoding="utf-8"), base)}
    assert {("区长信箱", "consult"), ("投诉咨询", "consult"), ("征集调查", "excluded")} <= names


ODD_HTML = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from([
        "<table>", "</table>", "<tr>", "<td>", "<th>编号</th>", "<th>来信主题</th>", "<th>状态</th>", "<li>",
        "<a href='x.html'>", "<a href='javascript:__doPostBack(\"a\",\"2\")'>", "</a>", "已回复", "办理中",
        "2026-10-01", "答复时间：", "暂无", "来信时间：2026-13-45", "<form><input name='__VIEWSTATE' value='x'>",
        "<span class='status'>", "</span>", "下一页", "共3页", "共9条", "<iframe src='//x'>", "{", "[", "\x00",
        "<dt>留言编号</dt><dd>", "<![CDATA[", "<!--", "-->", "<script>var u='/api/x?page=1'</script>",
    ]), max_size=40).map("".join),
)


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html=ODD_HTML)
def test_extractors_never_raise_on_arbitrary_html(html):
    page = extract_board(html, "http://x.gov.cn/a/list.html", as_of=AS_OF)
    assert isinstance(page, BoardPage)
    page_b = extract_board(html.encode("utf-8", "surrogatepass"), "http://x.gov.cn/a/list.html", as_of=AS_OF,
                           content_type="application/json")
    assert isinstance(page_b, BoardPage)
    letter = extract_letter(html, "http://x.gov.cn/a/1.html", as_of=AS_OF)
    assert letter.status in {"answered", "pending", "rejected", "unknown"}
    assert isinstance(board_links(html, "http://x.gov.cn/"), list)


def test_news_pages_are_not_read_as_letters():
    """A 标题 | 发布日期 news table and an article behind a list link must not become (pending) letters."""
    news = """<html><body><h2>通知公告</h2><table><tr><th>标题</th><th>发布日期</th></tr>
      <tr><td><a href="1.html">关于做好国庆假期安全工作的通知</a></td><td>2026-09-28</td></tr></table>
      <ul><li><a href="2.html">县政府常务会议召开</a><span>2026-10-12</span></li></ul></body></html>"""
    assert extract_board(news, "http://x.gov.cn/tzgg/", as_of=AS_OF).letters == []
    article = """<html><body><h1>县政府常务会议召开</h1><p>发布时间：2026-10-12</p><p>编号：2026-001</p>
      <p>会议研究了……</p></body></html>"""
    assert extract_letter(article, "http://x.gov.cn/2.html", as_of=AS_OF).status == "unknown"


@pytest.mark.parametrize("nest", ["<table><tr><td>", "<ul><li>"])
def test_deep_nesting_before_the_board_still_reads_its_letters(nest):
    """bench/fuzz.py found row and header detection quadratic in nesting depth (84 s on one page);
    a hostile 3,000-deep sidebar must neither hide the letters nor stall the crawl."""
    body = (FIXTURES / "table" / "list.html").read_text(encoding="utf-8")
    exp = json.loads((FIXTURES / "table" / "list.expected.json").read_text(encoding="utf-8"))
    at = body.index("<body>") + len("<body>")
    hostile = body[:at] + "<div class='side'>" + nest * 3000 + body[at:]
    page = extract_board(hostile.encode("utf-8"), "http://127.0.0.1/table/list.html", as_of=AS_OF)
    assert {x.number for x in page.letters} >= {x["number"] for x in exp["letters"]}
