"""The demo county site: served over real loopback HTTP, realistic CMS structures, planted problems
that hold for any as-of day, and variant switching."""
from __future__ import annotations

import datetime as dt
import json
import re
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from urllib.parse import urljoin, urlsplit

import chinese_calendar
import pytest
import yaml

from crawler.demo import LoopbackServer, build_site, closed_port_url, demo_sites_yaml, serve_demo
from crawler.demo.content import LATE_LETTER, LETTERS, OVERDUE_LETTER, build_letters

AS_OF = dt.date(2026, 11, 27)
OTHER_AS_OF = dt.date(2025, 3, 3)
LINK_RE = re.compile(r'(?:href|src)="([^"]+)"')
CREATE_PAGE_RE = re.compile(r'createPageHTML\((\d+),\s*(\d+),\s*"index",\s*"html"\)')
LIST_HREF_RE = re.compile(r'<li><a href="([^"]+)" title="([^"]*)"[^>]*>[^<]*</a><span>([\d-]+)</span></li>')
LIST_DATA_RE = re.compile(r"articleList:\s*(\[.*?\]),\s*\n", re.S)
ARTICLE_COUNT_RE = re.compile(r'"articleCount":\s*(\d+)')


def fetch(url: str, data: dict | None = None, method: str | None = None):
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    req = urllib.request.Request(url, data=body, method=method)
    with urllib.request.urlopen(req, timeout=10) as resp:
        return resp.status, dict(resp.headers), resp.read()


@pytest.fixture(scope="module")
def server():
    with serve_demo(AS_OF) as srv:
        yield srv


@pytest.fixture(scope="module")
def site():
    return build_site(AS_OF)


def page_text(site, path: str) -> str:
    status, headers, body = site.handle("GET", path, {}, {})
    assert status == 200, path
    return body.decode("gbk" if "gbk" in headers["Content-Type"] else "utf-8")


# -- HTTP ------------------------------------------------------------------------------------------
def test_homepage_over_http(server):
    status, headers, body = fetch(server.base_url)
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    html = body.decode("utf-8")
    assert '<meta name="SiteIDCode" content="3311270001">' in html
    assert re.search(r'<h3>部门动态</h3><a class="more" href="/bmdt/index.html">更多</a>', html)
    # Homepage blocks show MM-DD only where the item URL carries the full TRS date.
    assert re.search(r'href="\./zwyw/\d{6}/t\d{8}_\d+\.html"[^>]*>[^<]+</a><span>\d{2}-\d{2}</span>', html)
    assert 'href="/zwgk/index.html"' in html and 'href="/hdjl/xzxx/index.html"' in html


def test_unknown_path_is_404_and_head_has_no_body(server):
    with pytest.raises(urllib.error.HTTPError) as err:
        fetch(server.base_url + "no/such/page.html")
    assert err.value.code == 404
    status, headers, body = fetch(server.base_url + "zwyw/index.html", method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 1000


def test_gbk_section_decodes(server, site):
    status, headers, body = fetch(server.base_url + "zwgk/rsxx/index.html")
    assert headers["Content-Type"] == "text/html; charset=gbk"
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    html = body.decode("gb18030")
    assert '<meta charset="gb2312">' in html
    assert '<meta name="ColumnName" content="人事信息">' in html
    titles = [m.group(2) for m in LIST_HREF_RE.finditer(html)]
    assert titles == [i.title for i in site.model.column("rsxx").items[:15]]
    art = site.model.column("rsxx").items[0]
    _, headers, body = fetch(urljoin(server.base_url, art.url))
    assert "gbk" in headers["Content-Type"] and art.title in body.decode("gbk")


def _records(xml_bytes: bytes) -> tuple[int | None, list[str]]:
    root = ET.fromstring(xml_bytes)
    total = root.findtext("totalrecord")
    hrefs = [re.search(r'href="([^"]+)"', r.text).group(1) for r in root.iter("record")]
    return (int(total) if total is not None else None), hrefs


HANWEB_FORM = {"col": "1", "appid": "1", "webid": "1", "path": "/", "columnid": "1234", "sourceContentType": "1",
               "unitid": "5678", "webname": "青溪县人民政府", "permissiontype": "0"}


def test_hanweb_dataproxy_returns_requested_ranges(server, site):
    items = site.model.column("jdhy").items
    assert len(items) == 40
    proxy = server.base_url + "module/web/jpage/dataproxy.jsp"
    got = []
    for start, end in ((16, 30), (31, 45)):
        status, headers, body = fetch(f"{proxy}?startrecord={start}&endrecord={end}&perpage=15", HANWEB_FORM)
        assert status == 200 and headers["Content-Type"].startswith("text/xml")
        total, hrefs = _records(body)
        assert total == 40
        assert hrefs == [i.url for i in items[start - 1:end]]
        got += hrefs
    assert len(got) == 25
    # Another column's ids: nothing, not this column's records.
    _, _, body = fetch(f"{proxy}?startrecord=1&endrecord=15&perpage=15", {**HANWEB_FORM, "columnid": "999"})
    assert _records(body) == (0, [])
    with pytest.raises(urllib.error.HTTPError) as err:
        fetch(f"{proxy}?startrecord=abc&endrecord=15&perpage=15", HANWEB_FORM)
    assert err.value.code == 400


def test_hanweb_embedded_first_page(site):
    html = page_text(site, "/col/col1234/index.html")
    xml = re.search(r'<script type="text/xml">(.*?)</script>', html, re.S).group(1)
    root = ET.fromstring(xml)
    assert "columnid=1234" in root.findtext("nextgroup") and "unitid=5678" in root.findtext("nextgroup")
    hrefs = [re.search(r'href="([^"]+)"', r.text).group(1) for r in root.iter("record")]
    items = site.model.column("jdhy").items
    assert hrefs == [i.url for i in items[:15]]
    assert all(re.fullmatch(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_1234_\d+\.html", h) for h in hrefs)
    assert "totalRecord:40" in html


def test_trs_pagination_covers_every_item(site):
    for key in ("zwyw", "bmdt", "xzdt", "tzgg", "zcwj", "rsxx"):
        col = site.model.column(key)
        first = page_text(site, col.path)
        count = int(CREATE_PAGE_RE.search(first).group(1))
        assert count >= 2, key
        seen = []
        for k in range(count):
            html = page_text(site, col.path if k == 0 else f"{col.directory}index_{k}.html")
            assert CREATE_PAGE_RE.search(html).groups() == (str(count), str(k))
            seen += [urljoin(col.directory, h) for h in re.findall(r'<a href="(\./[^"]+)" title=', html)]
        assert seen == [i.url for i in col.items], key
        assert site.handle("GET", f"{col.directory}index_{count}.html", {}, {})[0] == 404


def test_table_list_has_disclosure_columns(site):
    html = page_text(site, "/zwgk/zcwj/index.html")
    assert "<th>名称</th><th>索引号</th><th>发布机构</th><th>发布日期</th>" in html
    first = site.model.column("zcwj").items[0]
    assert first.index_no in html and first.date.isoformat() in html


def test_jiyue_list_data_json(server, site):
    col = site.model.column("czyjs")
    pages = []
    for url in (col.path, col.path + "?uid=380055&pageNum=2"):
        _, _, body = fetch(urljoin(server.base_url, url))
        html = body.decode("utf-8")
        assert int(ARTICLE_COUNT_RE.search(html).group(1)) == len(col.items) == 22
        pages += json.loads(LIST_DATA_RE.search(html).group(1))
    assert [json.loads(a["urls"])["pc"] for a in pages] == [i.url for i in col.items]
    assert pages[0]["pubDate"].startswith(col.items[0].date.isoformat())
    assert site.handle("GET", col.path, {"pageNum": ["3"]}, {})[0] == 404


# channels on other hosts (entrances, never fetched) and the planted hidden link (HIDDEN_LINK, never fetched)
OFFSITE_CHANNELS = {"www.zjzwfw.gov.cn", "xinxiang.qingxi.gov.cn", "www.xpj-yule.example"}


def test_every_link_and_asset_resolves():
    for variant in (0, 1):
        s = build_site(AS_OF, variant)
        broken = []
        for path, (_, headers, body) in s.pages.items():
            if not headers["Content-Type"].startswith("text/html"):
                continue
            text = body.decode("gbk" if "gbk" in headers["Content-Type"] else "utf-8")
            for href in LINK_RE.findall(text):
                if "{{" in href:      # handlebars template of the 集约化 page
                    continue
                parts = urlsplit(urljoin("http://demo" + path, href))
                if path == "/index.html" and parts.netloc in OFFSITE_CHANNELS:
                    continue   # the homepage's channels on other hosts and the planted hidden link
                assert parts.netloc == "demo", f"{path} links off-site: {href}"
                query = urllib.parse.parse_qs(parts.query)
                if s.handle("GET", parts.path, query, {})[0] != 200:
                    broken.append((path, href))
        assert broken == [], broken[:5]
        assert len(s.pages) > 300


def test_static_exempt_and_blank_pages(site):
    guide = page_text(site, "/zwgk/gkzn/index.html")
    assert "20个工作日" in guide and not LIST_HREF_RE.search(guide)
    exempt = page_text(site, "/zwgk/zdxm/index.html")
    assert "备注说明：本栏目暂无相关信息，原因：" in exempt and not LIST_HREF_RE.search(exempt)
    blank = page_text(site, "/zwgk/tjxx/index.html")
    assert "备注说明" not in blank and not LIST_HREF_RE.search(blank)
    assert '<meta name="ColumnName" content="统计信息">' in blank


def test_board_list_and_detail_pages(site):
    html = page_text(site, "/hdjl/xzxx/index.html")
    assert "<th>编号</th><th>来信主题</th><th>来信时间</th><th>状态</th><th>答复时间</th>" in html
    letters = site.model.letters
    assert html.count("待回复") == sum(1 for l in letters if l.replied is None) == 2
    pending = next(l for l in letters if (AS_OF - l.submitted.date()).days == OVERDUE_LETTER)
    detail = page_text(site, pending.url)
    assert "来信时间" in detail and "答复时间" not in detail and "答复单位" not in detail
    assert len({l.title for l in letters}) == len(letters)    # one title, one letter
    answered = next(l for l in letters if l.replied)
    detail = page_text(site, answered.url)
    assert answered.replied.strftime("%Y-%m-%d %H:%M") in detail and "答复单位" in detail


# -- planted problems ------------------------------------------------------------------------------
def _working_days(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (the checker's convention)."""
    return sum(1 for k in range(1, (end - start).days + 1) if chinese_calendar.is_workday(start + dt.timedelta(days=k)))


def _check_facts(s, finding: dict) -> None:
    m, facts = s.model, finding.get("facts") or {}
    if finding["code"] == "HOME_STALE":
        assert (m.as_of - s.home_newest()).days == facts["home_newest_days"] > 14
        return
    if finding["code"] in ("COLUMN_STALE", "COLUMN_BLANK", "FUTURE_DATE"):
        col = next(c for c in m.columns if c.name == finding["column"])
        assert col.path == finding["path"]
        past = [i.date for i in col.items if i.date <= m.as_of]
        if "newest_days" in facts:
            assert (m.as_of - max(past)).days == facts["newest_days"]
        if "items" in facts:
            assert len(col.items) == facts["items"] and col.note is None
        if "future_days" in facts:
            assert [(i.date - m.as_of).days for i in col.items if i.date > m.as_of] == [facts["future_days"]]
            assert (m.as_of - max(past)).days <= 3        # otherwise fresh
        return
    if finding["code"] in ("ENQUIRY_UNANSWERED", "ENQUIRY_LATE"):
        letter = next(l for l in m.letters if (m.as_of - l.submitted.date()).days == facts["submitted_days"])
        if finding["code"] == "ENQUIRY_UNANSWERED":
            assert letter.replied is None
        else:
            assert (letter.replied.date() - letter.submitted.date()).days == facts["took_days"]


@pytest.mark.parametrize("variant", [0, 1])
def test_planted_list_is_the_same_for_any_as_of(variant):
    a, b = build_site(AS_OF, variant), build_site(OTHER_AS_OF, variant)
    assert a.planted == b.planted and len(a.planted) >= 9
    for s in (a, b):
        for finding in s.planted:
            _check_facts(s, finding)
    # Same site, shifted in time: titles and URLs' ids do not depend on the as-of day.
    assert [i.title for i in a.model.column("zwyw").items] == [i.title for i in b.model.column("zwyw").items]


def test_every_check_is_planted_in_variant_0(site):
    codes = {f["code"] for f in site.planted}
    assert codes >= {"COLUMN_STALE", "COLUMN_BLANK", "COLUMN_MISSING", "ENQUIRY_UNANSWERED", "ENQUIRY_LATE",
                     "HOME_STALE", "FUTURE_DATE", "SITE_UNREACHABLE"}
    stale = {f["column"] for f in site.planted if f["code"] == "COLUMN_STALE"}
    assert stale == {"部门动态", "通知公告", "人事信息"}


def test_planted_columns_are_named_as_the_spider_reads_them(site):
    nav_and_tree = page_text(site, "/zwgk/index.html") + page_text(site, "/index.html")
    for f in site.planted:
        if f["site"] != "qingxi-county" or f["column"] is None:
            continue
        if f["code"] == "COLUMN_MISSING":
            for path, (_, headers, body) in site.pages.items():
                if headers["Content-Type"].startswith("text/html"):
                    assert f["column"] not in body.decode("gbk" if "gbk" in headers["Content-Type"] else "utf-8"), path
            continue
        assert f">{f['column']}</a>" in nav_and_tree, f["column"]
        assert f'<meta name="ColumnName" content="{f["column"]}">' in page_text(site, f["path"])


def test_healthy_columns_are_clearly_healthy(site):
    planted = {f["column"] for f in site.planted if f["code"] in ("COLUMN_STALE", "COLUMN_BLANK")}
    for col in site.model.columns:
        if col.family in ("static", "board") or col.name in planted or col.note:
            continue
        assert col.items, col.name
        newest = max(i.date for i in col.items if i.date <= AS_OF)
        limit = 3 if col.column_type in ("要闻", "动态", "通知公告", "政策文件", "政策解读") else 60
        if col.family == "annual":
            limit = 366
        assert (AS_OF - newest).days <= limit, col.name


@pytest.mark.slow
def test_letter_dates_hold_across_chinese_holidays():
    """Overdue/late letters stay > 5 working days and answered ones ≤ 2 on any as-of day of 2024–2026
    (every other day: covers each 春节 and 国庆 window)."""
    day, end = dt.date(2024, 1, 1), dt.date(2026, 12, 31)   # chinesecalendar 1.11 knows up to 2026
    while day <= end:
        for variant in (0, 1):
            for letter in build_letters(day, variant):
                sub = letter.submitted.date()
                if letter.replied is None:
                    limit = _working_days(sub, day)
                    assert limit >= 8 if (day - sub).days == OVERDUE_LETTER else limit <= 1, (day, letter.number)
                else:
                    took = _working_days(sub, letter.replied.date())
                    if (letter.replied.date() - sub).days >= OVERDUE_LETTER:
                        assert took >= 8, (day, letter.number)
                    else:
                        assert took <= 2, (day, letter.number)
        day += dt.timedelta(days=2)
    assert any(ago == LATE_LETTER for ago, _ in LETTERS)


# -- variants --------------------------------------------------------------------------------------
def test_variant_switching_while_serving(server):
    try:
        blank = fetch(server.base_url + "zwgk/tjxx/index.html")[2].decode()
        assert not LIST_HREF_RE.search(blank)
        with pytest.raises(urllib.error.HTTPError):
            fetch(server.base_url + "zwgk/zcwj/bmwj/index.html")
        server.handler = build_site(AS_OF, 1).handle
        fixed = fetch(server.base_url + "zwgk/tjxx/index.html")[2].decode()
        assert len(LIST_HREF_RE.findall(fixed)) == 1
        new_blank = fetch(server.base_url + "zwgk/zcwj/bmwj/index.html")[2].decode()
        assert not LIST_HREF_RE.search(new_blank) and "部门文件" in new_blank
        board = fetch(server.base_url + "hdjl/xzxx/index.html")[2].decode()
        assert board.count("待回复") == 1
    finally:
        server.handler = build_site(AS_OF, 0).handle


def test_variant_1_lists_resolved_and_new():
    s0, s1 = build_site(AS_OF, 0), build_site(AS_OF, 1)
    key = lambda f: (f["site"], f["code"], f["column"])  # noqa: E731
    before, after = {key(f) for f in s0.planted}, {key(f) for f in s1.planted}
    assert {key(f) for f in s1.planted_changes["resolved"]} == before - after
    assert {key(f) for f in s1.planted_changes["new"]} <= after
    assert ("qingxi-county", "COLUMN_BLANK", "部门文件") in after - before
    with pytest.raises(ValueError, match="variant"):
        build_site(AS_OF, 7)


def test_output_is_deterministic():
    a, b = build_site(AS_OF), build_site(AS_OF)
    assert a.pages == b.pages


# -- sites file and the generic server ---------------------------------------------------------------
def test_demo_sites_yaml_and_unreachable_site():
    dead = closed_port_url()
    data = yaml.safe_load(demo_sites_yaml("http://127.0.0.1:8123/", dead))
    sites = {s["id"]: s for s in data["sites"]}
    assert sites["qingxi-county"] == {"id": "qingxi-county", "name": "青溪县人民政府", "url": "http://127.0.0.1:8123/",
                                      "kind": "portal", "owner": "青溪县人民政府办公室", "code": "3311270001"}
    assert sites["qingxi-water"]["kind"] == "department" and sites["qingxi-water"]["url"] == dead
    with pytest.raises(urllib.error.URLError):
        fetch(dead)


def test_loopback_server_is_generic():
    calls = []

    def handler(method, path, query, form):
        calls.append((method, path, query, form))
        if path == "/boom":
            raise RuntimeError("fixture bug")
        return 201, {"Content-Type": "text/plain; charset=utf-8", "X-Test": "1"}, "好".encode()

    with LoopbackServer(handler) as srv:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", srv.base_url)
        status, headers, body = fetch(srv.base_url + "a/b?x=1&x=2", {"k": "v"})
        assert (status, headers["X-Test"], body.decode()) == (201, "1", "好")
        assert calls[-1] == ("POST", "/a/b", {"x": ["1", "2"]}, {"k": ["v"]})
        with pytest.raises(urllib.error.HTTPError) as err:
            fetch(srv.base_url + "boom")
        assert err.value.code == 500 and b"fixture bug" in err.value.read()
    with pytest.raises(ValueError):
        LoopbackServer(handler, host="0.0.0.0")
