"""The crawl side of the content checks over real loopback HTTP: within the budget (the newest
articles of a column, their attachments), texts stored masked, hidden links recorded, a daily run
reading only new articles, and nothing of it when GOVWATCH_CONTENT is off."""
from __future__ import annotations

import io
import zlib
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler

import pytest
from harness import run_quiet, serve_http, write_sites

from crawler.store import Store

pytestmark = pytest.mark.slow   # real crawls

AS_OF = date(2026, 11, 27)
LEAKED = "110101199003071233"
N_ARTICLES = 8


def _xlsx() -> bytes:
    import openpyxl
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "身份证号"])
    wb.active.append(["张三", LEAKED])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _pages(extra_article: bool = False) -> dict[str, tuple[str, bytes]]:
    html = "text/html; charset=utf-8"
    days = [AS_OF - timedelta(days=i + 1) for i in range(N_ARTICLES)] + ([AS_OF] if extra_article else [])
    days.sort(reverse=True)
    # an article's URL names its day (t20261126_26.html): a new article does not move the others
    rows = "".join(f'<li><a href="./{d:%Y%m}/t{d:%Y%m%d}_{d.day}.html" title="通知{i}">通知{i}</a><span>{d}</span></li>'
                   for i, d in enumerate(days))
    pages = {
        "/index.html": (html, ('<html><head><meta charset="utf-8"><title>测试县人民政府</title></head><body>'
                               '<div class="nav"><a href="/tzgg/index.html">通知公告</a>'
                               '<a href="/jgzn/index.html">机构职能</a></div>'
                               '<div style="position:absolute;left:-9999px"><a href="http://bet.example/">百家乐</a></div>'
                               '</body></html>').encode()),
        "/tzgg/index.html": (html, ('<html><head><meta charset="utf-8"><meta name="ColumnName" content="通知公告">'
                                    f'<title>通知公告</title></head><body><ul class="list">{rows}</ul></body></html>').encode()),
        "/jgzn/index.html": (html, ('<html><head><meta charset="utf-8"><meta name="ColumnName" content="机构职能">'
                                    '<title>机构职能</title></head><body><div class="TRS_Editor"><p>县政府办公室是县政府的'
                                    '办事机构，负责全县政务公开工作的组织协调和监督指导。联系电话13912345678。</p></div>'
                                    '</body></html>').encode()),
        "/files/名单.xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _xlsx()),
    }
    for i, d in enumerate(days):
        body = "县国土资源局开展专项检查。" if i == 0 else "各乡镇要加强协调配合。"
        attach = '<p><a href="/files/名单.xlsx">名单.xlsx</a></p>' if i == 1 else ""
        pages[f"/tzgg/{d:%Y%m}/t{d:%Y%m%d}_{d.day}.html"] = (html, (
            f'<html><head><meta charset="utf-8"><meta name="ArticleTitle" content="通知{i}">'
            f'<meta name="PubDate" content="{d} 09:00"></head><body><div class="TRS_Editor"><p>{body}</p>{attach}'
            '</div></body></html>').encode())
    return pages


def _server(pages: dict):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            from urllib.parse import unquote
            path = unquote(self.path.split("?")[0])
            path = "/index.html" if path == "/" else path
            hit = pages.get(path)
            if path == "/robots.txt" or hit is None:
                self.send_response(404)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", hit[0])
            self.send_header("Content-Length", str(len(hit[1])))
            self.end_headers()
            self.wfile.write(hit[1])

        def log_message(self, *args):
            pass
    return serve_http(Handler)


def _run(tmp_path, pages, db, *, mode="sweep", settings=None):
    with _server(pages) as base:
        sites = write_sites(tmp_path / "sites.yaml", id="t", name="测试县人民政府", url=base + "/", kind="portal")
        return run_quiet(sites, db, as_of=AS_OF, mode=mode, settings=settings or {})


def test_sweep_reads_the_newest_articles_and_their_attachments_masked(tmp_path):
    db = tmp_path / "c.db"
    run = _run(tmp_path, _pages(), db)
    store = Store(db)
    try:
        texts = store.rows("page_texts", "run_id = ?", [run], "id")
        kinds = sorted(t["kind"] for t in texts)
        assert kinds == ["article"] * 5 + ["attachment", "home", "page"]     # 5 of 8 articles
        fetched = [f["url"] for f in store.fetches(run, "t") if f["kind"] == "article"]
        newest = {f"t{AS_OF - timedelta(days=i):%Y%m%d}" for i in range(1, 6)}
        assert len(fetched) == 5 and {u.rsplit("/", 1)[1].split("_")[0] for u in fetched} == newest
        for t in texts:
            if t["body"]:
                assert LEAKED not in zlib.decompress(t["body"]).decode()
        attachment = next(t for t in texts if t["kind"] == "attachment")
        assert '"id_card"' in attachment["found"] and attachment["parent_url"].endswith(f"_{(AS_OF - timedelta(days=2)).day}.html")
        (hidden,) = store.rows("hidden_links", "run_id = ?", [run])
        assert hidden["url"] == "http://bet.example/" and hidden["how"] == "off-screen"
        codes = {(f["code"], f["severity"]) for f in store.findings(run, "t")}
        assert {("CONTENT_WORDING", "deduct"), ("PRIVACY_LEAK", "veto"), ("HIDDEN_LINK", "veto")} <= codes
        walk = store.walk(run, "t")
        assert walk["complete"] == 1 and walk["pages"] == 3   # articles are not the walk's pages
    finally:
        store.close()


def test_a_second_sweep_stores_unchanged_texts_by_reference_and_daily_reads_only_new_articles(tmp_path):
    db = tmp_path / "c.db"
    first = _run(tmp_path, _pages(), db)
    second = _run(tmp_path, _pages(), db)
    daily = _run(tmp_path, _pages(extra_article=True), db, mode="daily")
    store = Store(db)
    try:
        again = store.rows("page_texts", "run_id = ?", [second])
        assert again and all(r["body"] is None and r["digest"] for r in again if r["chars"])
        daily_articles = [r["url"] for r in store.rows("page_texts", "run_id = ? and kind = 'article'", [daily])]
        assert len(daily_articles) == 1 and f"t{AS_OF:%Y%m%d}_{AS_OF.day}" in daily_articles[0]
        # the texts stored by reference are judged as before
        assert {f["code"] for f in store.findings(second, "t")} >= {"CONTENT_WORDING", "PRIVACY_LEAK"}
        assert store.rows("page_texts", "run_id = ?", [first])
    finally:
        store.close()


def test_content_off_fetches_no_article_and_stores_no_text(tmp_path):
    db = tmp_path / "c.db"
    run = _run(tmp_path, _pages(), db, settings={"GOVWATCH_CONTENT": False})
    store = Store(db)
    try:
        assert store.rows("page_texts", "run_id = ?", [run]) == []
        assert store.rows("hidden_links", "run_id = ?", [run]) == []
        assert not [f for f in store.fetches(run, "t") if f["kind"] in ("article", "attachment")]
    finally:
        store.close()
