"""The walk sees a site the way an inspector clicking through it does, and asserts no absence it has
not proved (issue 12).

A small department site served on loopback hides its columns the ways real sites do: headings that are
not in a menu, an image link without alt, a section hub that only redirects by script, a TRS-style
sidebar written by `document.write`, a column three levels deep, its 信箱 on another host and its 找错
entrance as the national widget. One real crawl of it must find every column, name each from the page
itself, and assert only the one mandatory column it really lacks; the same site with one hub broken, or
walked less deep than it goes, must say "待人工核实" instead of accusing.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from harness import run_quiet, write_sites
from walkrows import walk_rows

from crawler.demo.server import LoopbackServer

pytestmark = pytest.mark.slow   # real crawls of a loopback site

AS_OF = date(2026, 11, 20)
HTML = {"Content-Type": "text/html; charset=utf-8"}


def _d(days: int) -> str:
    return (AS_OF - timedelta(days=days)).isoformat()


def _page(title: str, body: str, crumbs: list[tuple[str, str]] | None = None, sidebar: bool = False,
          meta: str = "") -> bytes:
    crumb = ""
    if crumbs:
        crumb = ('<div class="dqwz">您当前所在位置：<a href="/index.html">首页</a>'
                 + "".join(f' &raquo; <a href="{h}">{n}</a>' for n, h in crumbs) + "</div>")
    side = ""
    if sidebar:   # TRS: each entry written by script, its name and URL in variables
        entries = [("政府信息公开指南", "/zwgk/gkzn/"), ("机构职能", "/zwgk/jgzn/"), ("负责人信息", "/zwgk/ldxx/"),
                   ("政策文件", "/zwgk/zcwj/"), ("政府信息公开制度", "/zwgk/gkzd/"),
                   ("法定主动公开内容", "/zwgk/fdzdgk/"), ("政府信息公开年报", "/zwgk/ndbg/"),
                   ("依申请公开", "/zwgk/ysqgk/"), ("通知公告", "/tzgg/")]
        side = '<div class="Left_Nav"><ul>' + "".join(
            f"<script type=\"text/javascript\">var str3='{n}'; var str4='{h}';"
            f"document.write('<li class=\"li_nav\"><a href=\"{h}\">'+str3+'</a></li>');</script>"
            for n, h in entries) + "</ul></div>"
    return (f'<html><head><meta charset="utf-8">{meta}<title>测试局-{title}</title></head><body>'
            f'<div class="header">测试县测试局</div>{crumb}{side}<div class="content">{body}</div>'
            '<div class="footer">主办单位：测试县测试局</div></body></html>').encode()


def _list(name: str, folder: str, ages: list[int]) -> str:
    rows = "".join(f'<li><a href="{folder}{_d(a).replace("-", "")[:6]}/t{_d(a).replace("-", "")}_{i}.html">'
                   f'{name}第{i}号信息标题文字</a><span>{_d(a)}</span></li>' for i, a in enumerate(ages))
    return f'<div class="NewsList"><h1>{name}</h1><ul>{rows}</ul></div>'


PROSE = "<p>" + "本局依照《中华人民共和国政府信息公开条例》编制本页内容，主要职责包括组织实施相关政策。" * 3 + "</p>"


def site(broken_hub: bool = False):
    pages = {
        "/": ('<html><head><meta charset="utf-8"><title>测试县测试局</title></head><body>'
              '<div class="nav"><ul><li><a href="/index.html">首页</a></li></ul></div>'
              '<div class="news"><h3><a href="/gzdt/">工作动态</a></h3>'
              + _list("工作动态", "/gzdt/", [2, 5]).replace('<div class="NewsList"><h1>工作动态</h1>', "<div>")
              + '</div><div class="tabs"><div class="hd"><ul><li class="on">公示公告</li></ul></div>'
              '<div class="bd">' + _list("公示公告", "/gsgg/", [4, 8]).replace('<h1>公示公告</h1>', "")
              + '</div></div><div class="strip"><a href="/zwgk/"><img src="/images/zwgk.png"></a>'
              '<a href="http://xinxiang.example.gov.cn/list.aspx"><img src="/images/jzxx.png" alt="局长信箱"></a>'
              '</div><script id="_jiucuo_" sitecode="5200000001" src="https://zfwzgl.www.gov.cn/exposure/jiucuo.js">'
              '</script></body></html>').encode("utf-8"),
        "/gzdt/": _page("工作动态", _list("工作动态", "/gzdt/", [2, 5, 9]), [("工作动态", "")], sidebar=True),
        # reachable only through its articles on the homepage tab block: no link, no 更多
        "/gsgg/": _page("公示公告", _list("公示公告", "/gsgg/", [4, 8, 30]), [("公示公告", "")]),
        "/tzgg/": _page("通知公告", _list("通知公告", "/tzgg/", [20, 40]), [("通知公告", "")], sidebar=True),
        # the hub only forwards, by a meta refresh written by script
        "/zwgk/": (b'<html><head><script>document.write(\'<meta http-equiv="Refresh" content="0;URL=/zwgk/gkzn/" />\');'
                   b'</script></head><body></body></html>'),
        "/zwgk/gkzn/": _page("指南", PROSE, [("政务公开", "/zwgk/"), ("政府信息公开指南", "")], sidebar=True),
        "/zwgk/jgzn/": _page("机构职能", PROSE, [("政务公开", "/zwgk/"), ("机构职能", "")], sidebar=True),
        "/zwgk/ldxx/": _page("领导", PROSE, [("政务公开", "/zwgk/"), ("负责人信息", "")], sidebar=True),
        "/zwgk/gkzd/": _page("制度", PROSE, [("政务公开", "/zwgk/"), ("政府信息公开制度", "")], sidebar=True),
        "/zwgk/ysqgk/": _page("依申请公开", PROSE, [("政务公开", "/zwgk/"), ("依申请公开", "")], sidebar=True),
        "/zwgk/zcwj/": _page("政策文件", _list("政策文件", "/zwgk/zcwj/", [30, 90]),
                             [("政务公开", "/zwgk/"), ("政策文件", "")], sidebar=True),
        "/zwgk/ndbg/": _page("年报", _list("年报", "/zwgk/ndbg/", [200]),
                             [("政务公开", "/zwgk/"), ("政府信息公开年报", "")], sidebar=True),
        "/zwgk/fdzdgk/": _page("法定主动公开内容",
                               '<ul class="sub"><li><a href="/zwgk/fdzdgk/czyjs/">财政预决算</a></li>'
                               '<li><a href="/zwgk/fdzdgk/rsxx/">人事信息</a></li></ul>',
                               [("政务公开", "/zwgk/"), ("法定主动公开内容", "")], sidebar=True),
        "/zwgk/fdzdgk/czyjs/": _page("财政预决算", '<div><a href="/zwgk/fdzdgk/czyjs/bmys/">部门预算</a></div>',
                                     [("政务公开", "/zwgk/"), ("法定主动公开内容", "/zwgk/fdzdgk/"),
                                      ("财政预决算", "")]),
        "/zwgk/fdzdgk/czyjs/bmys/": _page("部门预算", _list("部门预算", "/zwgk/fdzdgk/czyjs/bmys/", [100]),
                                          [("政务公开", "/zwgk/"), ("法定主动公开内容", "/zwgk/fdzdgk/"),
                                           ("财政预决算", "/zwgk/fdzdgk/czyjs/"), ("部门预算", "")]),
        "/zwgk/fdzdgk/rsxx/": _page("人事信息", _list("人事信息", "/zwgk/fdzdgk/rsxx/", [60]),
                                    [("政务公开", "/zwgk/"), ("法定主动公开内容", "/zwgk/fdzdgk/"), ("人事信息", "")]),
    }
    if broken_hub:
        del pages["/zwgk/fdzdgk/"]

    def handle(method, path, query, form):
        key = path if path.endswith("/") else path.rsplit("/", 1)[0] + "/" if path.endswith("index.html") else path
        if key in pages:
            return 200, HTML, pages[key]
        return 404, HTML, b"<html><body>404</body></html>"
    return handle


def _crawl(tmp_path, handler, extra: str = "", modes=("sweep",)):
    """Runs of the loopback site in `modes`, one after the other on one database: the last run's rows
    (or, for several modes, each run's)."""
    with LoopbackServer(handler) as srv:
        sites = write_sites(tmp_path / "sites.yaml", id="dept", name="测试县测试局", url=srv.base_url,
                            kind="department", extra=extra)
        db = tmp_path / "g.db"
        runs = [run_quiet(sites, db, as_of=AS_OF, mode=mode, settings={"RETRY_TIMES": 0}) for mode in modes]
    got = [walk_rows(db, run_id) for run_id in runs]
    return got[0] if len(got) == 1 else got


@pytest.fixture(scope="module")
def whole(tmp_path_factory):
    return _crawl(tmp_path_factory.mktemp("whole"), site())


def test_every_column_found_and_named_by_its_page(whole):
    cols = whole["columns"]
    names = {k: c["name"] for k, c in cols.items()}
    # the image link had no text: the page names itself from its breadcrumb
    assert names["/zwgk/gkzn/"] == "政府信息公开指南"
    assert cols["/zwgk/gkzn/"]["named_by"] == "breadcrumb"
    for key, name in [("/gzdt/", "工作动态"), ("/tzgg/", "通知公告"), ("/gsgg/", "公示公告"), ("/zwgk/jgzn/", "机构职能"),
                      ("/zwgk/zcwj/", "政策文件"), ("/zwgk/ndbg/", "政府信息公开年报"),
                      ("/zwgk/fdzdgk/czyjs/", "财政预决算"), ("/zwgk/fdzdgk/czyjs/bmys/", "部门预算"),
                      ("/zwgk/fdzdgk/rsxx/", "人事信息"), ("/zwgk/ysqgk/", "依申请公开")]:
        assert names.get(key) == name, key
    # four levels deep, placed under its parent from the breadcrumb
    assert cols["/zwgk/fdzdgk/czyjs/bmys/"]["parent_key"] == "/zwgk/fdzdgk/czyjs/"
    assert cols["/zwgk/fdzdgk/rsxx/"]["parent_key"] == "/zwgk/fdzdgk/"
    # the hub that only redirects is a section, never a blank column
    assert cols["/zwgk/"]["role"] == "section"
    assert not [f for f in whole["findings"] if f["code"] == "COLUMN_BLANK"]
    # articles are not walked (the content checks read some, outside the walk: kind article)
    assert not [f for f in whole["fetches"] if "/t20" in f["url"] and f["kind"] not in ("article", "attachment")]


def test_complete_walk_asserts_only_what_is_missing(whole):
    assert whole["walk"]["complete"] == 1, whole["walk"]
    missing = [f for f in whole["findings"] if f["code"] == "COLUMN_MISSING"]
    assert [f["column"] for f in missing] == ["政策解读"]
    assert missing[0]["severity"] == "deduct"
    assert f"已检查{whole['walk']['pages']}个页面" in missing[0]["message"]
    # the 信箱 lives on another host, the 找错 entrance is the national widget
    assert not [f for f in whole["findings"] if f["code"] == "NO_ENQUIRY_CHANNEL"]
    kinds = {e["kind"] for e in whole["entrances"]}
    assert {"mailbox", "correction"} <= kinds
    assert not [f for f in whole["findings"] if f["column"] == "我为政府网站找错"]
    # the other host was never fetched
    assert not [f for f in whole["fetches"] if "example.gov.cn" in f["url"]]


def test_broken_hub_makes_absence_a_hint(tmp_path):
    got = _crawl(tmp_path, site(broken_hub=True))
    assert got["walk"]["complete"] == 0
    hub = got["columns"]["/zwgk/fdzdgk/"]
    assert hub["status"] == "failed" and hub["name"] == "法定主动公开内容"
    codes = {(f["code"], f["column"]): f for f in got["findings"]}
    assert ("EXTRACTION_FAILED", "法定主动公开内容") in codes
    for name in ("政策解读", "财政预决算", "人事信息"):
        f = codes[("COLUMN_MISSING", name)]
        assert f["severity"] == "warn" and "抓取不完整，待人工核实" in f["message"]
        assert "/zwgk/fdzdgk/" in f["message"]
    assert not [f for f in got["findings"] if f["code"] in ("COLUMN_STALE", "COLUMN_BLANK")
                and "fdzdgk" in (f["url"] or "")]


def test_depth_limit_makes_the_walk_incomplete(tmp_path):
    got = _crawl(tmp_path, site(), extra="    max_depth: 2\n")
    assert got["walk"]["complete"] == 0 and got["walk"]["depth_cut"] > 0
    assert "/zwgk/fdzdgk/czyjs/bmys/" not in got["columns"]
    missing = [f for f in got["findings"] if f["code"] == "COLUMN_MISSING"]
    assert missing and all(f["severity"] == "warn" for f in missing)


def test_failed_letters_and_articles_never_become_columns(tmp_path):
    """A letter's or an article's page that fails costs that letter its status or that article its
    date; it is never a column (before: 栏目“<letter title>”无法核实, and the verdict 无法判定)."""
    home = ('<html><head><meta charset="utf-8"><title>测试县测试局</title></head><body>'
            '<div class="letters"><h3>县长信箱</h3><ul>'
            + "".join(f'<li><a href="/hdjl/view.html?letter=XX{i}">关于道路维修的咨询{i}</a>'
                      f'<span>{_d(3 + i)}</span></li>' for i in range(6))
            + '</ul></div><div class="news"><a href="/news/show.html">县领导调研春耕生产情况</a></div>'
            '</body></html>').encode("utf-8")

    def handle(method, path, query, form):
        if path in ("/", "/index.html"):
            return 200, HTML, home
        return 404, HTML, b"<html><body>404</body></html>"
    got = _crawl(tmp_path, handle)
    assert [f for f in got["fetches"] if "show.html" in f["url"]]   # it was tried …
    assert not got["columns"] or all(c["key"] == "__home__" for c in got["columns"].values())
    assert not [f for f in got["findings"] if f["code"] == "EXTRACTION_FAILED"]


def test_daily_run_reads_known_columns_and_hubs_within_its_bound(tmp_path):
    """A daily run after the sweep: the first page of every column, board and hub the sweep knew,
    the homepage, and at most 5 new links — within columns + boards + hubs + 5 (+ the homepage)."""
    swept, dl = _crawl(tmp_path, site(), modes=("sweep", "daily"))
    known = [c for c in swept["columns"].values() if c["role"] in ("list", "board", "static", "section")]
    requests = [f for f in dl["fetches"] if f["kind"] != "budget"]
    assert len(requests) <= 1 + len(known) + 5
    assert {c["key"] for c in known} <= set(dl["columns"])       # every known column re-read
    assert dl["walk"]["complete"] == 0 and dl["walk"]["mode"] == "daily"
    # nothing judged absent from a daily run; the sweep's findings are not resolved by it
    assert not [f for f in dl["findings"] if f["status"] == "resolved"]
    assert not [f for f in dl["findings"] if f["code"] == "COLUMN_MISSING" and f["severity"] != "deduct"
                and f["status"] == "new"]
