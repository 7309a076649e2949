"""Later pages of a list (`extract_page(continuation=True, locator=…)`), page 1's locator, the page-URL
builders and the find_blocks prefilter: the cheap paths must read exactly what the full read reads."""
import datetime as dt
import json
from pathlib import Path
from urllib.parse import urljoin

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.extraction import extract_page
from crawler.extraction.dates import DateWindow
from crawler.extraction.html import LinkTexts, parse_html, strip_invisible
from crawler.extraction.lists import generic, locate, trs

PAGES = Path(__file__).parent / "fixtures" / "pages"
CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"
AS_OF = dt.date(2026, 11, 27)
URL = "http://demo.gov.cn/zwgk/tzgg/"

NAV = ('<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>'
       '<li><a href="/zwgk/tzgg/">通知公告</a></li><li><a href="/hdjl/">互动交流</a></li></ul></div>')
FOOTER = '<div class="footer"><ul>' + "".join(
    f'<li><a href="http://www.dept{i}.gov.cn/">县第{i}部门网站</a></li>' for i in range(30)) + "</ul></div>"


def list_page(rows, current=0, total=5, wrap=False, banner=False):
    lis = "".join(f'<li><a href="./202611/t2026110{i % 9 + 1}_{i}.html">{title}</a>{f"<span>{d}</span>" if d else ""}</li>'
                  for i, (title, d) in enumerate(rows))
    body = f'<div class="list"><ul>{lis}</ul></div>'
    if wrap:
        body = f'<div class="wrap2026">{body}</div>'
    return (f'<html><head><meta name="ColumnName" content="通知公告"><title>通知公告</title></head><body>{NAV}'
            + ('<div class="banner"><ul><li><a href="/zt/">专题专栏</a></li></ul></div>' if banner else "")
            + '<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="./">通知公告</a></div>'
            + f'<div class="main">{body}<div class="page"><script>createPageHTML({total}, {current}, "index", "html");'
            + f"</script></div></div>{FOOTER}</body></html>")


ROWS_1 = [(f"关于做好第{i}批重点工作的通知", f"2026-11-{20 - i:02d}") for i in range(8)]
ROWS_2 = [(f"县政府第{i}次常务会议纪要", f"2026-10-{25 - i:02d}") for i in range(8)]


def first_page():
    r = extract_page(list_page(ROWS_1), URL, as_of=AS_OF)
    assert r.kind == "column_list" and len(r.blocks[0].items) == 8
    return r


def cont(html, url=URL + "index_1.html", locator=None, **kw):
    return extract_page(html, url, as_of=AS_OF, continuation=True, locator=locator, **kw)


def items(result):
    return [(e.url, e.title, e.date) for e in result.blocks[0].items] if result.blocks else []


def test_main_block_locator_names_the_list_container():
    main = first_page().blocks[0]
    assert main.locator == "dom:body[0] > div.main[0] > div.list[0] > ul[0]"
    doc = parse_html(list_page(ROWS_2, current=1))
    strip_invisible(doc)
    assert locate.find(doc, main.locator).getparent().get("class") == "list"


def test_continuation_reads_the_located_list_and_skips_page_furniture():
    loc = first_page().blocks[0].locator
    html = list_page(ROWS_2, current=1)
    r = cont(html, locator=loc)
    full = extract_page(html, URL + "index_1.html", as_of=AS_OF)
    assert items(r) == items(full) and len(items(r)) == 8
    assert r.blocks[0].locator == loc and r.kind == "column_list"
    assert r.nav_links == [] and r.breadcrumb == [] and r.exempt_note is None and not r.is_info_page
    assert r.pagination.next_page_href == "index_2.html" and r.pagination.total_pages == 5
    assert r.pagination.page_urls == []  # page 1 listed them
    assert r.latest_date == dt.date(2026, 10, 25)


def test_a_stale_or_wrong_locator_falls_back_to_the_full_search():
    loc = first_page().blocks[0].locator
    moved = list_page(ROWS_2, current=1, wrap=True)  # the template changed under the list
    assert items(cont(moved, locator=loc)) == items(extract_page(moved, URL, as_of=AS_OF))
    assert len(items(cont(moved, locator=loc))) == 8
    nav = "dom:body[0] > div.nav[0] > ul[0]"  # a menu, not a list: ignored
    assert items(cont(list_page(ROWS_2, current=1), locator=nav))[0][1] == "县政府第0次常务会议纪要"
    for junk in ("dom:", "dom:body[x]", "dom:body[0] > nosuch[3]", "adapter:hanweb-datastore", "garbage"):
        assert len(items(cont(list_page(ROWS_2, current=1), locator=junk))) == 8


def test_an_extra_sibling_before_the_list_does_not_move_the_locator():
    loc = first_page().blocks[0].locator
    r = cont(list_page(ROWS_2, current=1, banner=True), locator=loc)
    assert r.blocks[0].locator == loc and len(items(r)) == 8


def test_last_page_with_one_undated_record_is_still_read_at_the_locator():
    loc = first_page().blocks[0].locator
    r = cont(list_page([("县政府关于调整部分工作安排的说明", None)], current=4), locator=loc)
    assert [t for _, t, _ in items(r)] == ["县政府关于调整部分工作安排的说明"]
    assert r.pagination.next_page_href is None


def test_continuation_without_any_pager_script_reads_the_generic_pager():
    html = list_page(ROWS_2, current=1).replace("createPageHTML", "void").replace(
        '<div class="page">', '<div class="page">共5页 <a href="index_2.html">下一页</a>')
    r = cont(html, locator=first_page().blocks[0].locator)
    assert r.pagination.next_page_href == "index_2.html" and r.pagination.page_urls == []
    assert len(items(r)) == 8


def test_hanweb_xml_and_jiyuehua_json_continuations_need_no_locator():
    xml = (PAGES / "hanweb_dataproxy.xml").read_bytes()
    url = "http://demo.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=46&endrecord=90&perpage=15"
    assert items(cont(xml, url=url)) == items(extract_page(xml, url, as_of=AS_OF))
    page = (PAGES / "jiyuehua_listdata.html").read_bytes()
    url = "http://demo.gov.cn/zwgk/czyjs/?uid=1&pageNum=2"
    full = extract_page(page, url, as_of=AS_OF)
    r = cont(page, url=url, locator=full.blocks[0].locator)
    assert full.blocks[0].locator == "adapter:jiyuehua-json"
    assert items(r) == items(full) and r.pagination.page_urls == []
    assert r.pagination.total_pages == full.pagination.total_pages


@pytest.mark.parametrize("name,url", [
    ("trs_list.html", "http://demo.gov.cn/zwgk/tzgg/"),
    ("trs_table_list.html", "http://demo.gov.cn/zwgk/zcwj/index.shtml"),
    ("hanweb_column.html", "http://demo.gov.cn/col/col1400/index.html"),
    ("gbk_list.html", "http://demo.gov.cn/zwgk/tzgg/index.html"),
])
def test_fixture_pages_read_as_their_own_continuation(name, url):
    body = (PAGES / name).read_bytes()
    full = extract_page(body, url, as_of=AS_OF)
    main = full.blocks[0]
    assert main.locator
    for loc in (main.locator, None):
        r = cont(body, url=url, locator=loc)
        assert items(r) == [(e.url, e.title, e.date) for e in main.items]
        assert r.pagination.next_page_href == full.pagination.next_page_href


def test_trs_page_urls_are_built_on_page_one_only():
    script = '<html><body><ul class="l">{}</ul><script>createPageHTML(1088, {}, "index", "html");</script></body></html>'
    rows = "".join(f'<li><a href="./t20261101_{i}.html">第{i}号通知公告全文</a><span>2026-11-01</span></li>'
                   for i in range(5))
    first = extract_page(script.format(rows, 0), URL, as_of=AS_OF)
    assert len(first.pagination.page_urls) == 1087 and first.pagination.page_urls[-1] == URL + "index_1087.html"
    later = cont(script.format(rows, 500), url=URL + "index_500.html", locator=first.blocks[0].locator)
    assert later.pagination.page_urls == [] and later.pagination.next_page_href == "index_501.html"


SEGMENT = st.text(alphabet="abcXYZ019_-.%~", min_size=0, max_size=6)


@pytest.mark.slow
@given(host=st.sampled_from(["demo.gov.cn", "127.0.0.1:8080", "a.b.gov.cn"]),
       path=st.lists(SEGMENT, max_size=4), leaf=SEGMENT, query=st.sampled_from(["", "?a=1", "#x", "?p=2#y"]),
       name=st.from_regex(r"[\w.-]{1,8}", fullmatch=True), ext=st.sampled_from(["html", "shtml", "htm"]),
       start=st.integers(0, 3), count=st.integers(0, 5))
@settings(max_examples=300, deadline=None)
def test_trs_page_urls_equal_urljoin(host, path, leaf, query, name, ext, start, count):
    url = f"http://{host}/" + "/".join(path) + ("/" if path else "") + leaf + query
    numbers = range(start, start + count)
    assert trs.page_urls(url, name, ext, numbers) == [urljoin(url, f"{name}_{i}.{ext}") for i in numbers]


TITLES = st.text(alphabet="通知公告关于县政府工作会议的年月日0123456789-./:：①㋀ ", min_size=0, max_size=22)
HREFS = st.sampled_from(["./t20261120_1.html", "/zwgk/", "http://x.gov.cn/", "../a/b.html", "content_123.htm",
                         "?id=55", "javascript:;", "/col/col1/index.html", "2026/11-20/x.html"])


@pytest.mark.slow
@given(lists=st.lists(st.lists(st.tuples(TITLES, TITLES, HREFS, st.sampled_from(["", "发布时间：2026-01-02", "x"])),
                               min_size=1, max_size=7), min_size=1, max_size=4))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_prefilter_never_drops_a_block_the_full_read_keeps(lists):
    html = "<html><body>" + "".join(
        "<ul>" + "".join(f'<li><a href="{h}" title="{tip}">{t}</a><span>{d}</span></li>' for t, d, h, tip in rows)
        + "</ul>" for rows in lists) + "</body></html>"

    def read(prefilter_on):
        doc = parse_html(html)
        strip_invisible(doc)
        original = generic._may_be_list
        if not prefilter_on:
            generic._may_be_list = lambda *a, **k: True
        try:
            blocks = generic.find_blocks(doc, URL, DateWindow(AS_OF), texts=LinkTexts())
        finally:
            generic._may_be_list = original
        return [[(e.url, e.title, e.date, e.date_source) for e in b.items] for b in blocks]

    assert read(True) == read(False)


def _labelled_lists():
    labels = CORPUS / "labels"
    if not labels.is_dir():
        return []
    out = []
    for f in sorted(labels.rglob("*.json")):
        label = json.loads(f.read_text(encoding="utf-8"))
        if label.get("kind") == "column_list":
            out.append(label)
    return out


def test_corpus_list_pages_read_as_their_own_continuation():
    labels = _labelled_lists()
    if not labels:
        pytest.skip("../shared/corpus not present (real pages are not copied into the project)")
    for label in labels:
        body = (CORPUS / "raw" / label["file"]).read_bytes()
        full = extract_page(body, label["page_url"], as_of=AS_OF)
        want = [(e.url, e.title, e.date) for e in full.blocks[0].items]
        for loc in (full.blocks[0].locator, None):
            assert items(cont(body, url=label["page_url"], locator=loc)) == want, (label["file"], loc)
