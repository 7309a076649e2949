"""List adapters on hand-written fixtures shaped like the demo site and the real CMS families."""
import datetime as dt
import json
from pathlib import Path

import pytest

from crawler.extraction import decode_body, extract_page
from crawler.extraction.cli import ExtractError, extract_command

PAGES = Path(__file__).parent / "fixtures" / "pages"
AS_OF = dt.date(2026, 11, 27)


def page(name, url, **kw):
    return extract_page((PAGES / name).read_bytes(), url, as_of=AS_OF, **kw)


def test_trs_list_with_create_page_html_zero_based():
    r = page("trs_list.html", "http://demo.gov.cn/zwgk/tzgg/")
    assert r.kind == "column_list" and r.column_name == "通知公告"
    main = r.blocks[0]
    assert [e.href for e in main.items] == ["./202611/t20261120_1234.html", "./202611/t20261105_1201.html",
                                           "../gzdt/202610/t20261030_1188.html"]
    assert main.items[2].url == "http://demo.gov.cn/zwgk/gzdt/202610/t20261030_1188.html"
    assert main.items[0].title_full == "关于做好2026年冬季森林防火工作的通知（完整标题在这里）"
    assert main.items[0].date == dt.date(2026, 11, 20) and main.items[0].date_source == "list:text"
    assert r.pagination.total_pages == 3 and r.pagination.next_page_href == "index_1.html"
    assert r.pagination.page_urls == ["http://demo.gov.cn/zwgk/tzgg/index_1.html",
                                      "http://demo.gov.cn/zwgk/tzgg/index_2.html"]
    assert r.latest_date == dt.date(2026, 11, 20)
    assert [b.name for b in r.breadcrumb] == ["首页", "政务公开", "通知公告"]
    names = {lk.name: lk for lk in r.nav_links}
    assert "政务公开" in names and "互动交流" in names and "无障碍" not in names


def test_trs_table_rows_and_new_create_page_signature():
    r = page("trs_table_list.html", "http://demo.gov.cn/zwgk/zcwj/index.shtml")
    main = r.blocks[0]
    assert main.method == "table"
    assert [e.date for e in main.items] == [dt.date(2026, 9, 12), dt.date(2026, 8, 1), dt.date(2026, 6, 15)]
    assert r.pagination.total_pages == 4 and r.pagination.total_items == 37
    assert r.pagination.page_urls[0] == "http://demo.gov.cn/zwgk/zcwj/index_2.shtml"
    assert r.pagination.next_page_href == "index_2.shtml"


def test_gbk_page_is_decoded_as_gb18030():
    raw = (PAGES / "gbk_list.html").read_bytes()
    text, enc = decode_body(raw)
    assert enc == "gb18030" and "镕" in text
    r = page("gbk_list.html", "http://demo.gov.cn/zwgk/tzgg/index.html")
    assert r.encoding == "gb18030" and r.blocks[0].items[1].title == "示范县第四季度重点工作安排"


def test_wrong_declared_charset_and_bom():
    body = '<meta charset="gbk"><p>政务公开</p>'.encode()
    assert decode_body(body) == ('<meta charset="gbk"><p>政务公开</p>', "utf-8")
    assert decode_body("政务".encode("gbk"), "utf-8")[1] == "gb18030"
    assert decode_body(b"\xef\xbb\xbf" + "公开".encode(), "gbk") == ("公开", "utf-8")


def test_hanweb_datastore_first_page_and_dataproxy_posts():
    r = page("hanweb_column.html", "http://demo.gov.cn/col/col33718/index.html")
    main = r.blocks[0]
    assert main.method == "hanweb-datastore" and len(main.items) == 3
    assert main.items[2].title_full == "县卫健局部署秋冬季疫病防控工作（全文）"
    assert main.items[2].date == dt.date(2026, 10, 9)
    pag = r.pagination
    assert pag.total_items == 47 and pag.per_page == 15 and pag.total_pages == 4
    assert [p["url"] for p in pag.post_requests] == [
        "http://demo.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=45&perpage=15",
        "http://demo.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=46&endrecord=90&perpage=15"]
    form = pag.post_requests[0]["formdata"]
    assert form == {"col": "1", "appid": "1", "webid": "3", "path": "/", "columnid": "33718",
                    "sourceContentType": "1", "unitid": "212860", "webname": "示范县", "permissiontype": "0"}


def test_hanweb_dataproxy_xml_response():
    url = "http://demo.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=45&perpage=15"
    r = page("hanweb_dataproxy.xml", url, request_formdata={"columnid": "33718"})
    assert r.kind == "column_list" and r.pagination.total_items == 47
    assert [e.url for e in r.blocks[0].items][1] == "http://demo.gov.cn/art/2026/9/1/art_33718_300.html"
    assert [p["url"].split("?")[1] for p in r.pagination.post_requests] == [
        "startrecord=46&endrecord=90&perpage=15"]


@pytest.mark.parametrize("leak", ["", "</div>", "<div>", "</li></ul></div><p>", "<table><tr>"])
def test_hanweb_records_read_together_equal_records_read_alone(leak):
    """Records are parsed in one document (wrapped one by one); a record whose markup would leak
    out of its wrapper sends the page back to one parse per record: same entries either way."""
    from crawler.extraction.dates import DateWindow
    from crawler.extraction.lists import hanweb
    records = [
        '<li><a href="/art/2026/9/1/art_1_1.html" title="县政府关于秋粮收购的通知（全文）">县政府关于秋粮…</a>'
        '<span>2026-09-01</span></li>',
        f'<tr><td><a href="/art/2026/8/30/art_1_2.html">县卫健局工作动态</a></td><td>2026-08-30</td></tr>{leak}',
        '<li><script>document.write("2099-01-01")</script><a href="./t20260828_3.html">示范县公告</a>'
        '<span>[08-28]</span></li>',
        '<a href="/art/2026/8/27/art_1_4.html">只有链接的记录</a>',
    ]
    xml = "<datastore><recordset>" + "".join(f"<record><![CDATA[{r}]]></record>" for r in records) + \
          "</recordset></datastore>"
    window = DateWindow(dt.date(2026, 11, 27), 400)
    url = "http://demo.gov.cn/col/col1/index.html"
    together = hanweb._record_entries(xml, url, window)
    alone = [e for r in records if (e := hanweb.entry_from_record(hanweb._parsed_alone(r), url, window))]
    if leak in ("", "<div>"):   # clean records are read together; an unclosed div nests the next
        assert (hanweb._parsed_together(records) is None) == (leak == "<div>")
    assert [(e.title, e.url, e.date, e.title_full) for e in together] == \
           [(e.title, e.url, e.date, e.title_full) for e in alone]
    assert len(together) == 4 and together[0].title_full == "县政府关于秋粮收购的通知（全文）"
    assert [e.date for e in together][:2] == [dt.date(2026, 9, 1), dt.date(2026, 8, 30)]


def test_jiyuehua_list_data_json():
    r = page("jiyuehua_listdata.html", "http://demo.gov.cn/sfx/col/col42150/index.html")
    main = r.blocks[0]
    assert main.method == "jiyuehua-json"
    assert main.items[0].url == "http://demo.gov.cn/sfx/col/col42150/content/content_1951206363677671424.html"
    assert main.items[0].date == dt.date(2026, 7, 29) and main.items[0].date_source == "json:pubDate"
    assert r.pagination.total_items == 44 and r.pagination.total_pages == 3
    assert r.pagination.page_urls[-1] == "http://demo.gov.cn/sfx/col/col42150/index.html?uid=380055&pageNum=3"


def test_homepage_blocks_month_day_dates_and_more_links():
    r = page("homepage.html", "http://demo.gov.cn/")
    assert r.kind == "homepage"
    by_name = {b.name: b for b in r.blocks}
    news = by_name["政务要闻"]
    assert news.more_url == "http://demo.gov.cn/zwdt/zwyw/"
    assert [e.date for e in news.items] == [dt.date(2026, 11, 26), dt.date(2026, 11, 18), dt.date(2026, 10, 30)]
    notices = by_name["通知公告"]
    assert notices.more_url == "http://demo.gov.cn/zwgk/tzgg/"
    # newest-first list: 12-30 cannot be in the future, 11-20 follows it, so both are 2025
    assert [e.date for e in notices.items] == [dt.date(2025, 12, 30), dt.date(2025, 11, 20)]
    assert all("旧条目" not in e.title for b in r.blocks for e in b.items)  # commented-out block
    urls = {lk.url: lk.source for lk in r.nav_links}
    assert urls["http://demo.gov.cn/zwdt/zwyw/"] == "more" and urls["http://demo.gov.cn/zwgk/"] == "nav"
    assert "http://www.gov.cn/" not in urls  # off-site
    assert not any("t20261120" in u for u in urls)  # article pages are not columns


def test_article_metadata_table_with_spaced_labels():
    r = page("article_bd1.html", "http://demo.gov.cn/zhengce/content/2026-02/15/content_1.htm")
    assert r.kind == "article"
    assert (r.date.value, r.date.source) == (dt.date(2026, 2, 15), "table:发布日期")


def test_article_meta_pubdate_reversed_attributes_fullwidth_colon():
    r = page("article_meta_reversed.html", "http://demo.gov.cn/a/b.html")
    assert (r.date.value, r.date.source) == (dt.date(2023, 8, 19), "meta:PubDate")


def test_static_information_page_and_exempt_note():
    info = page("static_info.html", "http://demo.gov.cn/zwgk/jgzn/")
    assert info.is_info_page and not info.blocks
    empty = page("exempt_column.html", "http://demo.gov.cn/zwgk/xzcf/")
    assert empty.kind == "column_list" and "本栏目无相关信息" in empty.exempt_note


@pytest.mark.parametrize("name, url", [
    ("info_trs_editor.html", "http://demo.gov.cn/zwgk/ysqgk/"),     # TRS_Editor prose, name in no list
    ("static_info.html", "http://demo.gov.cn/zwgk/jgzn/"),
])
def test_prose_page_without_dated_list_is_an_information_page(name, url):
    r = page(name, url)
    assert r.is_info_page and r.kind == "other" and r.exempt_note is None


@pytest.mark.parametrize("name", ["empty_list.html", "empty_table_no_data.html"])
def test_empty_list_container_with_pager_is_a_blank_column_list(name):
    r = page(name, "http://demo.gov.cn/zwgk/tjxx/")
    assert r.kind == "column_list" and not r.is_info_page
    assert not (r.blocks and r.blocks[0].items)
    assert r.exempt_note is None  # a bare 暂无信息 explains nothing: the column is blank


def test_section_page_with_intro_text_is_not_an_information_page():
    r = page("section_index.html", "http://demo.gov.cn/zwgk/index.html")
    assert not r.is_info_page


def test_dated_text_without_column_meta_is_an_article_not_an_information_page():
    r = page("undeclared_dated_text.html", "http://demo.gov.cn/zwgk/aqjc/")
    assert not r.is_info_page
    assert r.date.value == dt.date(2026, 11, 20)


def test_list_page_is_not_an_information_page():
    r = page("trs_list.html", "http://demo.gov.cn/zwgk/tzgg/")
    assert r.kind == "column_list" and not r.is_info_page and len(r.blocks[0].items) == 3


def test_demo_site_information_pages_and_empty_list():
    from crawler.demo.site import build_site
    site = build_site(AS_OF, 0)
    got = {}
    for path in ("/zwgk/jgzn/index.html", "/zwgk/ysqgk/index.html", "/zwgk/fdzdgk/index.html",
                 "/zwgk/tjxx/index.html", "/zwgk/zdxm/index.html", "/zwgk/index.html", "/zwgk/xzcf/index.html"):
        status, headers, body = site.handle("GET", path, {}, {})
        assert status == 200, path
        got[path] = extract_page(body, "http://127.0.0.1:8000" + path, as_of=AS_OF)
    for path in ("/zwgk/jgzn/index.html", "/zwgk/ysqgk/index.html", "/zwgk/fdzdgk/index.html"):
        assert got[path].is_info_page, path
    blank = got["/zwgk/tjxx/index.html"]
    assert blank.kind == "column_list" and not blank.is_info_page and blank.exempt_note is None
    assert not (blank.blocks and blank.blocks[0].items)
    exempt = got["/zwgk/zdxm/index.html"]
    assert not exempt.is_info_page and exempt.exempt_note.startswith("备注说明")
    assert not got["/zwgk/index.html"].is_info_page
    assert not got["/zwgk/xzcf/index.html"].is_info_page and got["/zwgk/xzcf/index.html"].blocks[0].items


def test_extract_command_json_shape(tmp_path):
    out = extract_command(str(PAGES / "trs_list.html"), "http://demo.gov.cn/zwgk/tzgg/", AS_OF)
    json.dumps(out, ensure_ascii=False)
    assert out["kind"] == "column_list" and out["latest_date"] == "2026-11-20"
    item = out["blocks"][0]["items"][0]
    assert {"title", "href", "date", "date_source"} <= set(item)
    assert out["pagination"]["total_pages"] == 3 and out["date"] is None
    with pytest.raises(ExtractError, match="missing.html"):
        extract_command(str(tmp_path / "missing.html"), None, AS_OF)


def test_empty_pages_tell_a_section_from_a_blank_column():
    """Nothing listed: the 政务公开 index links its sub-column folders (a section); 统计信息 does not (blank)."""
    from datetime import date as _date

    from crawler.demo.site import build_site
    from crawler.extraction import extract_page

    site = build_site(_date(2026, 11, 27), 0)
    pages = {}
    for path in ("/zwgk/index.html", "/zwgk/tjxx/index.html"):
        _, _, body = site.handle("GET", path, {}, {})
        pages[path] = extract_page(body, "http://127.0.0.1:8000" + path, as_of=_date(2026, 11, 27))
    assert pages["/zwgk/index.html"].child_columns >= 2
    blank = pages["/zwgk/tjxx/index.html"]
    assert blank.kind == "column_list" and blank.child_columns == 0 and not blank.is_info_page
