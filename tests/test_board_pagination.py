"""Board pagination in every family (issue 12): page 1 names every later page, a later page names the
pages after it (never itself, never an earlier one), so a sweep reads a board to its last page.

Real pages come from ../shared/corpus (each test skips, saying why, when it is absent); families the
corpus has no board page for are written here in their platform's markup. The last two tests are
real crawls (`run_job` over loopback HTTP): a TRS table board paged by `createPageHTML(3, 0, "index",
"html")` and an EmpireCMS board (index.html, index_2.html, index_3.html with 下一页/尾页), each
with its only overdue unanswered letter on the last page.
"""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
from harness import run_quiet, write_sites
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.demo.server import LoopbackServer
from crawler.extraction import extract_page
from crawler.extraction.board_pager import MAX_LISTED
from crawler.extraction.boards import BoardPage, extract_board

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"
ZHECHENG = "http://www.zhecheng.gov.cn/"
DAOZHEN = "http://rsj.gzdaozhen.gov.cn/"
AS_OF = dt.date(2026, 10, 20)


def corpus(rel: str) -> bytes:
    path = CORPUS / rel
    if not path.is_file():
        pytest.skip(f"../shared/corpus/{rel} not present (real saved pages are kept outside the repo)")
    return path.read_bytes()


def board(body: bytes | str, url: str, **kw) -> BoardPage:
    return extract_board(body, url, as_of=kw.pop("as_of", AS_OF), **kw)


def numbered(base: str, numbers) -> list[str]:
    return [base.format(n) for n in numbers]


# ---------------------------------------------------------------- EmpireCMS (zhecheng saved site)

HFJS = ZHECHENG + "hdjl/hfjs/index{}.html"


def test_empirecms_page_one_names_all_57_pages_past_its_elided_pager():
    """hdjl/hfjs shows 1 2 … 10 下一页 尾页(index_57): every page 2..57, and the counts."""
    page = board(corpus("sites/zhecheng/hdjl/hfjs/index.html"), HFJS.format(""))
    assert page.page_urls == numbered(HFJS, (f"_{n}" for n in range(2, 58)))
    assert page.next_page_url == HFJS.format("_2")
    assert page.total_items == 852 and page.total_pages == 57


def test_empirecms_later_pages_name_only_the_pages_after_them():
    page10 = board(corpus("sites/zhecheng/hdjl/hfjs/index_10.html"), HFJS.format("_10"))
    assert page10.page_urls == numbered(HFJS, (f"_{n}" for n in range(11, 58)))
    assert page10.next_page_url == HFJS.format("_11")
    last = board(corpus("sites/zhecheng/hdjl/hfjs/index_57.html"), HFJS.format("_57"))
    assert last.page_urls == [] and last.next_page_url is None and last.post_requests == []


def test_empirecms_short_board_chain_reaches_its_last_page_once():
    """yjzj (3 pages): following every page's page_urls from page 1 requests each page exactly once
    and never page 1 again."""
    base = ZHECHENG + "hdjl/yjzj/index{}.html"
    requested: list[str] = []
    todo = [base.format("")]
    while todo:
        url = todo.pop(0)
        rel = "sites/zhecheng/" + url[len(ZHECHENG):]
        page = board(corpus(rel), url)
        assert url not in page.page_urls
        new = [u for u in page.page_urls if u not in requested]
        requested += new
        todo += new
    assert requested == [base.format("_2"), base.format("_3")]


def test_empirecms_list_pager_counts_to_its_last_page():
    """The same pager read as a column list (lists/pagers.py): 57 pages, 852 records, not the 10
    pages the numbered links show."""
    r = extract_page(corpus("sites/zhecheng/hdjl/hfjs/index.html"), HFJS.format(""), as_of=dt.date(2018, 7, 30))
    assert r.pagination.total_pages == 57 and r.pagination.total_items == 852
    assert r.pagination.page_urls == numbered(HFJS, (f"_{n}" for n in range(2, 58)))
    r = extract_page(corpus("sites/zhecheng/ywdt/mtgz/index.html"), ZHECHENG + "ywdt/mtgz/index.html",
                     as_of=dt.date(2018, 7, 30))
    assert r.pagination.total_pages == 42 and r.pagination.total_items == 624


# ---------------------------------------------------------------- TRS WCM script pagers

def test_trs_create_page_html_page_one_and_later_pages():
    """daozhen-rsj zwgk/gsgg: createPageHTML(4, 0, "index", "html"); the same page as index_2.html
    (current 2) names only index_3.html."""
    raw = corpus("sites/daozhen-rsj/zwgk/gsgg/index.html")
    base = DAOZHEN + "zwgk/gsgg/index{}.html"
    page = board(raw, base.format(""))
    assert page.page_urls == numbered(base, ("_1", "_2", "_3")) and page.total_pages == 4
    assert page.next_page_url == base.format("_1")
    text = raw.decode("utf-8").replace("createPageHTML(4, 0,", "createPageHTML(4, 2,")
    later = board(text, base.format("_2"))
    assert later.page_urls == [base.format("_3")] and later.next_page_url == base.format("_3")
    last = board(text.replace("createPageHTML(4, 2,", "createPageHTML(4, 3,"), base.format("_3"))
    assert last.page_urls == [] and last.next_page_url is None


def test_trs_count_page_with_rendered_links_is_one_list():
    """kevin3691 list.jsp: `var countPage=56` and the links the script wrote (index_1..5, 尾页
    index_55): 55 later pages, each once."""
    base = "http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/index{}.html"
    page = board(corpus("raw/kevin3691__renmin/list.jsp"), base.format(""))
    assert page.page_urls == numbered(base, (f"_{n}" for n in range(1, 56)))


def test_trs_new_signature_is_one_based():
    html = ("<table><tr><th>来信主题</th><th>来信时间</th><th>状态</th></tr>"
            "<tr><td><a href='./202609/t20260901_1.html'>路灯不亮</a></td><td>2026-09-01</td><td>已回复</td></tr></table>"
            "<div id='page_div'></div><script>createPageHTML('page_div', 5, 2, 'dezlist', 'shtml', 62);</script>")
    page = board(html, "http://x.gov.cn/hdjl/dezlist_2.shtml")
    assert page.page_urls == numbered("http://x.gov.cn/hdjl/dezlist_{}.shtml", (3, 4, 5))
    assert page.total_items == 62 and page.total_pages == 5


# ---------------------------------------------------------------- 集约化 (Jiangxi listData)

def test_jiyuehua_page_num_pages_after_this_one():
    raw = corpus("raw/jas0no7__local_spider_jason/debug_page_1.html")
    col = "http://sthjt.jiangxi.gov.cn/jxssthjt/col/col42150/index.html"
    page = board(raw, col)
    assert page.page_urls == [f"{col}?uid=380055&pageNum={n}" for n in range(2, 31)]  # 444 records, 15 a page
    later = board(raw, f"{col}?uid=380055&pageNum=29")
    assert later.page_urls == [f"{col}?uid=380055&pageNum=30"]


# ---------------------------------------------------------------- Hanweb jpage

def _hanweb_record(i: int, status: str) -> str:
    return (f"<record><![CDATA[<li><a href='/art/2026/9/{i}/art_5101_{i}.html' title='来信{i}'>来信{i}</a>"
            f"<span class='zt'>{status}</span><span>2026-09-{i:02d}</span></li>]]></record>")


HANWEB_PAGE = ("<html><body><h2>咨询投诉</h2><div id='212860'><script type='text/xml'><datastore>"
               "<nextgroup><![CDATA[<a href='/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=1&path=/"
               "&columnid=5101&unitid=212860&webname=%E5%8E%BF&permissiontype=0'></a>]]></nextgroup>"
               "<recordset>{records}</recordset></datastore></script></div>"
               "<script>$('#212860').jpage({{totalRecord:100, perPage:15, dataStore:dataStore}});</script>"
               "</body></html>")


def test_hanweb_board_letters_from_the_datastore_and_posts_after_them():
    """Page 1's 15 letters are read out of the CDATA; the dataproxy POSTs start at record 16 (an
    overlap would store letters twice) and reach record 100."""
    html = HANWEB_PAGE.format(records="".join(_hanweb_record(i, "已回复" if i % 2 else "办理中")
                                              for i in range(1, 16)))
    page = board(html, "http://x.gov.cn/col/col5101/index.html")
    assert [x.title for x in page.letters] == [f"来信{i}" for i in range(1, 16)]
    assert page.letters[1].status == "pending" and page.letters[0].status == "answered"
    assert [p["url"].split("?")[1] for p in page.post_requests] == [
        "startrecord=16&endrecord=60&perpage=15", "startrecord=61&endrecord=100&perpage=15"]
    form = page.post_requests[0]["formdata"]
    assert form["columnid"] == "5101" and form["unitid"] == "212860"
    assert page.total_items == 100


def test_hanweb_dataproxy_answer_gives_letters_and_no_more_posts():
    xml = ("<?xml version='1.0' encoding='UTF-8'?><datastore><totalrecord>100</totalrecord><recordset>"
           + "".join(_hanweb_record(i, "待回复") for i in range(16, 28)) + "</recordset></datastore>")
    page = board(xml, "http://x.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=16&endrecord=60&perpage=15",
                 content_type="text/xml;charset=UTF-8")
    assert len(page.letters) == 12 and {x.status for x in page.letters} == {"pending"}
    assert page.post_requests == [] and page.page_urls == []


# ---------------------------------------------------------------- query, chain and postback pagers

def _letters_table(rows: int = 2) -> str:
    return ("<table><tr><th>编号</th><th>来信主题</th><th>来信时间</th><th>状态</th></tr>"
            + "".join(f"<tr><td>N{i}</td><td><a href='show.jsp?id={i}'>来信{i}</a></td><td>2026-09-0{i}</td>"
                      f"<td>已回复</td></tr>" for i in range(1, rows + 1)) + "</table>")


def test_query_pager_is_completed_to_its_last_page():
    pager = ("<div class='pager'>共9页 <span class='cur'>{cur}</span> <a href='list.jsp?id=7&page=2'>2</a> "
             "<a href='list.jsp?id=7&page=3'>3</a> <a href='list.jsp?id=7&page={nxt}'>下一页</a> "
             "<a href='list.jsp?id=7&page=9'>尾页</a></div>")
    base = "http://x.gov.cn/hdjl/list.jsp?id=7{}"
    page = board(_letters_table() + pager.format(cur=1, nxt=2), base.format(""))
    assert page.page_urls == numbered(base, (f"&page={n}" for n in range(2, 10)))
    later = board(_letters_table() + pager.format(cur=4, nxt=5), base.format("&page=4"))
    assert later.page_urls == numbered(base, (f"&page={n}" for n in range(5, 10)))
    assert later.next_page_url == base.format("&page=5")


def test_a_numbered_link_to_page_one_is_not_a_later_page():
    """Page 1 served as list.html with its pager's "1" naming list_1.html: page 1 is not read twice."""
    html = (_letters_table() + "<div class='page'><a href='list_1.html'>1</a> <a href='list_2.html'>2</a> "
            "<a href='list_2.html'>下一页</a> <a href='list_3.html'>尾页</a></div>")
    page = board(html, "http://x.gov.cn/hdjl/list.html")
    assert page.page_urls == ["http://x.gov.cn/hdjl/list_2.html", "http://x.gov.cn/hdjl/list_3.html"]


def test_next_link_chain_without_numbers():
    """Only 下一页: each page names the next one, and the spider follows the chain."""
    html = _letters_table() + "<div class='page'><a href='list.jsp?p=1'>上一页</a> <a href='list.jsp?p=3'>下一页</a></div>"
    page = board(html, "http://x.gov.cn/hdjl/list.jsp?p=2")
    assert page.page_urls == ["http://x.gov.cn/hdjl/list.jsp?p=3"]
    assert page.next_page_url == "http://x.gov.cn/hdjl/list.jsp?p=3"


def test_pager_links_without_page_numbers_keep_the_later_shown_pages():
    html = (_letters_table() + "<div class='pages'><a href='go?k=a'>1</a> <b>2</b> <a href='go?k=c'>3</a> "
            "<a href='go?k=d'>4</a> <a href='go?k=c'>下一页</a></div>")
    page = board(html, "http://x.gov.cn/hdjl/go?k=b")
    assert page.page_urls == ["http://x.gov.cn/hdjl/go?k=c", "http://x.gov.cn/hdjl/go?k=d"]


ASPNETPAGER = ("<form name='form1' method='post' action='./List.aspx'><input type='hidden' name='__VIEWSTATE' value='v'>"
               "<input type='hidden' name='__EVENTVALIDATION' value='e'>" + _letters_table() +
               "<div id='AspNetPager1'><a href=\"javascript:__doPostBack('AspNetPager1','1')\">首页</a> "
               "<a href=\"javascript:__doPostBack('AspNetPager1','{prev}')\">上一页</a> "
               "<a href=\"javascript:__doPostBack('AspNetPager1','{prev}')\">{prev}</a> <span>{cur}</span> "
               "<a href=\"javascript:__doPostBack('AspNetPager1','{nxt}')\">{nxt}</a> "
               "<a href=\"javascript:__doPostBack('AspNetPager1','{nxt}')\">下一页</a> "
               "<a href=\"javascript:__doPostBack('AspNetPager1','12')\">尾页</a></div></form>")


def test_aspnetpager_postbacks_for_every_later_page_only():
    """Webdiyer AspNetPager (numeric arguments, 尾页 names the last page): page 2 posts 3..12, never
    1 (首页/上一页) and never the same page twice."""
    page = board(ASPNETPAGER.format(prev=1, cur=2, nxt=3), "http://x.gov.cn/hdjl/List.aspx")
    args = [p["formdata"]["__EVENTARGUMENT"] for p in page.post_requests]
    assert args == [str(n) for n in range(3, 13)]
    assert all(p["formdata"]["__VIEWSTATE"] == "v" and p["formdata"]["__EVENTTARGET"] == "AspNetPager1"
               for p in page.post_requests)
    assert page.post_requests[0]["next"] and not page.post_requests[1]["next"]
    # on the last page AspNetPager renders 下一页/尾页 as disabled anchors without a postback
    last = ASPNETPAGER.format(prev=11, cur=12, nxt=13).replace(
        "<a href=\"javascript:__doPostBack('AspNetPager1','13')\">13</a>", "").replace(
        "<a href=\"javascript:__doPostBack('AspNetPager1','13')\">下一页</a>", "<a disabled='disabled'>下一页</a>").replace(
        "<a href=\"javascript:__doPostBack('AspNetPager1','12')\">尾页</a>", "<a disabled='disabled'>尾页</a>")
    assert board(last, "http://x.gov.cn/hdjl/List.aspx").post_requests == []


def test_gridview_next_only_pager_and_next_button():
    form = ("<form method='post' action='Mail.aspx'><input type='hidden' name='__VIEWSTATE' value='v'>"
            + _letters_table() + "<div class='pager'>{}</div></form>")
    page = board(form.format("<a href=\"javascript:__doPostBack('gv','Page$Prev')\">上一页</a> "
                             "<a href=\"javascript:__doPostBack('gv','Page$Next')\">下一页</a>"), "http://x.gov.cn/Mail.aspx")
    assert [p["formdata"]["__EVENTARGUMENT"] for p in page.post_requests] == ["Page$Next"]
    page = board(form.format("<input type='submit' name='btnPrev' value='上一页'>"
                             "<input type='submit' name='btnNext' value='下一页'>"), "http://x.gov.cn/Mail.aspx")
    assert [sorted(set(p["formdata"]) - {"__VIEWSTATE"}) for p in page.post_requests] == [["btnNext"]]


def test_json_pages_after_this_one():
    body = json.dumps({"total": 23, "pageSize": 10, "rows": [{"title": "来信", "status": "已回复"}]})
    page = board(body, "http://x.gov.cn/api/letters?page=2&pageSize=10", content_type="application/json")
    assert page.json_urls == ["http://x.gov.cn/api/letters?page=3&pageSize=10"]


def test_a_huge_last_page_is_listed_a_thousand_at_a_time():
    """尾页 → index_99999: page 1 names MAX_LISTED pages; the last of them names the next ones."""
    html = _letters_table() + "<div class='page'><a href='index_2.html'>2</a> <a href='index_2.html'>下一页</a> " \
                              "<a href='index_9999.html'>尾页</a></div>"
    page = board(html, "http://x.gov.cn/hdjl/index.html")
    assert len(page.page_urls) == MAX_LISTED and page.page_urls[-1] == f"http://x.gov.cn/hdjl/index_{MAX_LISTED + 1}.html"
    later = board(html, page.page_urls[-1])
    assert later.page_urls[0] == f"http://x.gov.cn/hdjl/index_{MAX_LISTED + 2}.html"


@pytest.mark.slow
@pytest.mark.parametrize("html", [
    "<div class='page'><a href='x_2.html'>²</a><a href='x_3.html'>下一页</a></div>",  # isdigit() but not int()
    "<div class='page'><a title='Total record'> " + "9" * 5000 + " </a><a href='x_2.html'>下一页</a></div>",
    "<a href='l.jsp?page=" + "9" * 5000 + "'>下一页</a>",
    "<form><input type='hidden' name='__VIEWSTATE' value='v'>"
    "<a href=\"javascript:__doPostBack('a','" + "9" * 5000 + "')\">下一页</a></form>",
    "<p>共" + "9" * 5000 + "条 共" + "9" * 5000 + "页 每页" + "9" * 5000 + "条</p>",
    "<script>createPageHTML(" + "9" * 5000 + ", 0, \"index\", \"html\"); var countPage=" + "9" * 5000 + "</script>",
])
def test_odd_page_numbers_do_not_raise(html):
    """A superscript digit or a 5,000-digit count is no page number (int() raises on both: both
    extractors raised on each of these before)."""
    assert isinstance(board(html, "http://x.gov.cn/a/l.jsp?page=2"), BoardPage)
    assert extract_page(html.encode("utf-8"), "http://x.gov.cn/a/", as_of=AS_OF).pagination is not None


@pytest.mark.slow
def test_board_pages_never_raise_on_adapter_counts():
    """Hanweb `<totalrecord>` and 集约化 `articleCount` of 5,000 digits (those adapters raise on them)."""
    for html in ("<div id='1'><script type='text/xml'><datastore><totalrecord>" + "9" * 5000 +
                 "</totalrecord><recordset></recordset></datastore></script></div>",
                 "var listData = {articleList:[]}; channelsTagSelf = {\"articleCount\":" + "9" * 5000 +
                 "}; perPage: 15, unitid: 1"):
        assert board(html, "http://x.gov.cn/a/").post_requests == []
    body = json.dumps({"total": 10 ** 400, "rows": [{"title": "来信"}]})   # no float ceil of 10**400
    assert len(board(body, "http://x.gov.cn/api?page=1", content_type="application/json").json_urls) == MAX_LISTED


PAGERISH = st.sampled_from([
    "<div class='page'>", "</div>", "<a href='index_2.html'>2</a>", "<a href='index_57.html'>尾页</a>",
    "<a href='?page=3'>下一页</a>", "<b>7</b>", "<a title='Total record'><b>852</b></a>",
    "<script>createPageHTML(", "3, 1, \"index\", \"html\")</script>", "'page_div', 9, 0, 'x', 'shtml', 1)",
    "<form><input type='hidden' name='__VIEWSTATE' value='v'>", "</form>",
    "<a href=\"javascript:__doPostBack('p','Page$4')\">...</a>", "<a href=\"javascript:__doPostBack('p','99')\">尾页</a>",
    "<script type='text/xml'><datastore><recordset><record><![CDATA[<li><a href='/a.html'>信</a>已回复 2026-01-02</li>",
    "]]></record></recordset></datastore></script>", "<totalrecord>99999</totalrecord>",
    "var listData = {articleList:[], \"articleCount\": 1e9}; perPage: '0', unitid: '1'", "共999999页",
    "<a href='index_².html'>²</a>", "<a href='?page=" + "7" * 40 + "'>3</a>",
])


@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(PAGERISH, st.text(max_size=8)), max_size=30).map("".join),
       st.sampled_from(["http://x.gov.cn/hdjl/index.html", "http://x.gov.cn/hdjl/index_7.html",
                        "http://x.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=45&perpage=15",
                        "http://x.gov.cn/hdjl/list.jsp?page=5"]))
def test_pagers_never_raise_never_name_this_page_and_stay_bounded(html, url):
    page = board(html, url)
    assert url not in page.page_urls and len(page.page_urls) <= MAX_LISTED + 2
    # Hanweb groups and ASP.NET postbacks are each cut at MAX_LISTED (the spider's page budget ends it)
    assert len(page.post_requests) <= 2 * MAX_LISTED + 2 and len(page.json_urls) <= MAX_LISTED + 50


# ---------------------------------------------------------------- real crawls

CRAWL_AS_OF = dt.date(2026, 10, 20)
TRS_LETTERS = [  # (number, title, submitted, status, replied), page by page
    [("XJ2610150001", "小区路灯不亮", "2026-10-15", "已回复", "2026-10-16"),
     ("XJ2610120002", "公交站牌缺失", "2026-10-12", "已回复", "2026-10-13")],
    [("XJ2609080003", "农村饮水管道漏水", "2026-09-08", "已回复", "2026-09-09")],
    [("XJ2605110004", "拆迁补偿款迟迟未发放", "2026-05-11", "待回复", "")],   # the overdue one
]


def _rows(letters) -> str:
    return "".join(f"<tr><td>{no}</td><td><a href='/hdjl/xzxx/{no}.html'>{title}</a></td><td>{sub}</td>"
                   f"<td>{status}</td><td>{rep}</td></tr>" for no, title, sub, status, rep in letters)


def _table_page(letters, pager: str) -> bytes:
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>县长信箱</title></head><body>"
            "<div class='crumb'><a href='/'>首页</a> &gt; 互动交流 &gt; 县长信箱</div>"
            "<table class='mailbox'><tr><th>编号</th><th>来信主题</th><th>来信时间</th><th>状态</th><th>答复时间</th></tr>"
            f"{_rows(letters)}</table>{pager}</body></html>").encode()


def trs_page(k: int) -> bytes:
    """TRS WCM: the pager is only the script call (the links are written by createpage.js)."""
    return _table_page(TRS_LETTERS[k], "<script src='/images/createpage.js'></script><div class='page'>"
                                       f"<script>createPageHTML(3, {k}, \"index\", \"html\")</script></div>")


def empire_page(k: int) -> bytes:
    """EmpireCMS list pager: Total record, the current page in <b>, 下一页 and 尾页 links."""
    name = lambda n: "index.html" if n == 1 else f"index_{n}.html"  # noqa: E731
    n = k + 1
    parts = ["<a title=\"Total record\">&nbsp;<b>4</b> </a>&nbsp;&nbsp;"]
    if n > 1:
        parts.append(f"<a href='/hdjl/zxts/index.html'>首页</a>&nbsp;<a href='{name(n - 1)}'>上一页</a>&nbsp;")
    parts += [f"<b>{i}</b>&nbsp;" if i == n else f"<a href='{name(i)}'>{i}</a>&nbsp;" for i in (1, 2, 3)]
    if n < 3:
        parts.append(f"<a href='{name(n + 1)}'>下一页</a>&nbsp;<a href='index_3.html'>尾页</a>")
    return _table_page(TRS_LETTERS[k], f"<div style='text-align:center;'>{''.join(parts)}</div>")


HOME = ("<html><head><meta charset='utf-8'><title>测试县人民政府</title></head><body>"
        "<p>本站首页</p></body></html>").encode()
PAGES = {"/": HOME, "/index.html": HOME}
PAGES.update({"/hdjl/xzxx/" + ("index.html" if k == 0 else f"index_{k}.html"): trs_page(k) for k in range(3)})
PAGES.update({"/hdjl/zxts/" + ("index.html" if k == 0 else f"index_{k + 1}.html"): empire_page(k) for k in range(3)})


def handler(method: str, path: str, query: dict, form: dict):
    if path.endswith("/"):
        path += "index.html" if path != "/" else ""
    body = PAGES.get(path)
    if body is None:
        return 404, {"Content-Type": "text/plain"}, b"not found"
    return 200, {"Content-Type": "text/html; charset=utf-8"}, body


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("board-pages")
    with LoopbackServer(handler) as srv:
        sites = write_sites(tmp / "sites.yaml", id="pages", name="测试县人民政府", url=srv.base_url,
                            kind="township", extra=f"""    boards:
      - {{url: {srv.base_url}hdjl/xzxx/, name: 县长信箱}}
      - {{url: {srv.base_url}hdjl/zxts/, name: 咨询投诉}}
""")
        db = tmp / "p.db"
        run_quiet(sites, db, tmp / "out", as_of=CRAWL_AS_OF)
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    findings = json.loads((tmp / "out" / "findings.json").read_text(encoding="utf-8"))
    yield con, [f for s in findings["sites"] for f in s["findings"]]
    con.close()


@pytest.mark.slow
@pytest.mark.parametrize("board_name, folder, pages", [
    ("县长信箱", "hdjl/xzxx/", ["", "index_1.html", "index_2.html"]),
    ("咨询投诉", "hdjl/zxts/", ["", "index_2.html", "index_3.html"]),
])
def test_sweep_reads_the_board_to_its_last_page(crawled, board_name, folder, pages):
    con, findings = crawled
    rows = con.execute("select number, status, submitted from enquiries where board = ?", [board_name]).fetchall()
    assert sorted(r["number"] for r in rows) == sorted(x[0] for p in TRS_LETTERS for x in p)  # each once
    overdue = [r for r in rows if r["status"] == "pending"]
    assert [(r["number"], r["submitted"]) for r in overdue] == [("XJ2605110004", "2026-05-11")]
    fetched = [r["url"].split("/", 3)[3] for r in con.execute("select url from fetches where url like ?",
                                                                [f"%/{folder}%"])]
    assert sorted(fetched) == sorted(folder + p for p in pages)   # every page once, page 1 not again
    veto = [f for f in findings if f["code"] == "ENQUIRY_VETO" and f["column"] == board_name]
    assert [f["evidence"]["letter_key"] for f in veto] == ["XJ2605110004"]
    assert any(f["code"] == "ENQUIRY_UNANSWERED" and f["column"] == board_name
               and f["evidence"]["letter_key"] == "XJ2605110004" for f in findings)
