"""The page reader (crawler/pagereader.py): a sweep's later list pages read and stored by a second
process must give exactly the rows the crawl process itself would store, follow 下一页 chains through
its answers, and — if it dies — stop the crawl as incomplete without losing committed rows."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from faultserver import child_pids, wait_for
from harness import store_with_site
from sitegen import AsyncServer, build_site  # bench/, on sys.path (conftest)

from crawler.crawl import crawl
from crawler.demo.server import LoopbackServer

pytestmark = pytest.mark.slow   # real sweeps with the page-reader process, and subprocesses

ROOT = Path(__file__).resolve().parents[1]

AS_OF = date(2026, 11, 27)
MULTICORE = os.name == "posix" and len(os.sched_getaffinity(0)) > 1
needs_reader = pytest.mark.skipif(not MULTICORE, reason="the page reader starts only with a second core")
CHAIN_PAGES = 5
HTML = {"Content-Type": "text/html; charset=utf-8"}


def _rows(page: int) -> list[tuple[str, str, str]]:
    """Six items per page; every later page repeats the previous page's last item (a re-listed
    notice), which must be stored once whichever process reads which page."""
    start = 1 + 5 * (page - 1)
    return [(f"/tzgg/art_{i}.html", f"关于做好第{i}批项目申报工作的通知",
             (AS_OF - timedelta(days=3 * i)).isoformat()) for i in range(start, start + 6)]


def chain_site(slow_after: int = 0, pages: int = CHAIN_PAGES, delay: float = 0.0):
    """A homepage and one 通知公告 column whose pages name only the next one (下一页, no count)."""
    def handle(method, path, query, form):
        if path in ("/", "/index.html"):
            body = ('<html><head><meta charset="utf-8"><title>青溪县人民政府</title></head><body>'
                    '<div class="nav"><ul><li><a href="/tzgg/">通知公告</a></li></ul></div>'
                    '<div class="main">欢迎访问</div></body></html>')
            return 200, HTML, body.encode()
        if path == "/tzgg/":
            page = int((query.get("page") or ["1"])[0])
            if page > pages:
                return 404, HTML, b"not found"
            if slow_after and page > slow_after:
                time.sleep(delay)
            items = "".join(f'<li><a href="{h}" title="{t}">{t}</a><span>{d}</span></li>'
                            for h, t, d in _rows(page))
            nxt = f'<div class="page"><a href="/tzgg/?page={page + 1}">下一页</a></div>' \
                if page < pages else ""
            body = ('<html><head><meta charset="utf-8"><meta name="ColumnName" content="通知公告">'
                    '<title>通知公告</title></head><body>'
                    '<div class="position">当前位置：<a href="/">首页</a> &gt; <span>通知公告</span></div>'
                    f'<div class="list"><ul>{items}</ul></div>{nxt}</body></html>')
            return 200, HTML, body.encode()
        return 404, HTML, b"not found"
    return handle


def _sweep(db: Path, url: str, reader: bool, site_id: str = "s1") -> int:
    store = store_with_site(db, id=site_id, url=url)
    run_id = store.start_run("sweep", AS_OF.isoformat(), "test")
    store.close()
    code = crawl(db, run_id, [{"id": site_id, "name": "测试站", "url": url, "kind": "portal"}], AS_OF,
                 "sweep", progress=False, settings={"GOVWATCH_PAGE_READER": reader,
                                                    "RETRY_TIMES": 0, "GOVWATCH_MAX_PAGES": 5000})
    assert code == 0
    return run_id


def _stored(db: Path, run_id: int) -> dict:
    conn = sqlite3.connect(str(db))
    try:
        q = lambda sql: conn.execute(sql, [run_id]).fetchall()  # noqa: E731
        return {
            "items": Counter(q("select column_key, title, url, date, date_source, page_url from items "
                               "where run_id = ?")),
            "fetches": Counter(q("select url, status, error, kind from fetches where run_id = ?")),
            "columns": sorted(q("select key, name, role, pages_read, counted_items, newest_date, "
                                "item_count, pages_total, method from columns where run_id = ?")),
        }
    finally:
        conn.close()


@needs_reader
def test_chain_read_by_the_reader_equals_in_process(tmp_path):
    with LoopbackServer(chain_site()) as srv:
        a = _stored(tmp_path / "a.db", _sweep(tmp_path / "a.db", srv.base_url, reader=True))
        b = _stored(tmp_path / "b.db", _sweep(tmp_path / "b.db", srv.base_url, reader=False))
    assert a == b
    col = [c for c in a["columns"] if c[1] == "通知公告"]
    assert len(col) == 1
    key, _, role, pages_read, counted = col[0][:5]
    # 5 pages of 6 rows, each later page repeating one: 26 distinct items, all pages followed
    assert (role, pages_read, counted) == ("list", CHAIN_PAGES, 26)
    # (the items table: items[i] = (column_key, title, url, date, date_source, page_url))
    assert max(i[3] for i in a["items"] if i[0] == key) == (AS_OF - timedelta(days=3)).isoformat()
    assert max(a["items"].values()) == 1
    assert sum(a["items"].values()) == 26
    assert sum(1 for (u, *_ ) in a["fetches"] if "page=" in u) == CHAIN_PAGES - 1


@needs_reader
def test_generated_portal_reader_equals_in_process(tmp_path):
    """TRS index_N pages, Hanweb dataproxy POSTs, 集约化 JSON pages and a board, both ways."""
    site = build_site(400, as_of=AS_OF)
    with AsyncServer(site, ["127.0.0.1"]) as srv:
        url = srv.base_urls[0]
        a = _stored(tmp_path / "a.db", _sweep(tmp_path / "a.db", url, reader=True))
        b = _stored(tmp_path / "b.db", _sweep(tmp_path / "b.db", url, reader=False))
    assert a == b
    # every page of the sweep once (articles read for the content checks come on top)
    assert sum(n for (_, _, _, kind), n in a["fetches"].items() if kind not in ("article", "attachment")) \
        == len(site.expected)
    assert sum(a["items"].values()) > 5000
    gen = {c.path.removesuffix("index.html"): c for c in site.columns
           if c.family in ("trs", "hanweb", "jiyue")}
    lists = {c[0]: c for c in a["columns"] if c[0] in gen}
    assert set(lists) == set(gen)
    # every request of every list answered and counted, every listed item stored once
    assert {k: (c[3], c[4]) for k, c in lists.items()} == \
        {k: (g.fetches, g.total) for k, g in gen.items()}


CHILD = """
import sys
from datetime import date
from crawler.cli import run_job
print("RUN", run_job(sys.argv[1], sys.argv[2], None, as_of=date.fromisoformat(sys.argv[3]),
      progress=False, quiet=True, profile="gb2019", rubric=None,
      settings={"RETRY_TIMES": 0, "GOVWATCH_BATCH_SIZE": 1, "DOWNLOAD_TIMEOUT": 60}))
"""


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        for c in child_pids(todo.pop()):
            out.append(c)
            todo.append(c)
    return out


@needs_reader
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc to find the reader")
def test_reader_killed_mid_sweep_leaves_run_incomplete_and_rows_kept(tmp_path):
    db = tmp_path / "gw.db"
    with LoopbackServer(chain_site(slow_after=3, pages=400, delay=0.05)) as srv:
        sites = tmp_path / "sites.yaml"
        sites.write_text(f"sites:\n  - id: s1\n    name: 测试站\n    url: {srv.base_url}\n"
                         "    kind: portal\n", encoding="utf-8")
        env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        proc = subprocess.Popen([sys.executable, "-c", CHILD, str(sites), str(db), AS_OF.isoformat()],
                                env=env, cwd=str(ROOT), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)

        def stored_pages() -> int:
            if not db.exists():
                return 0
            conn = sqlite3.connect(str(db), timeout=30)
            try:
                return conn.execute("select count(*) from fetches where kind = 'list-page'").fetchone()[0]
            except sqlite3.OperationalError:
                return 0
            finally:
                conn.close()

        assert wait_for(lambda: stored_pages() >= 5, 60), proc.stderr.read() if proc.poll() else "no pages"
        # the crawl is `python -m crawler.crawl`; the reader is its forked child
        crawl_pids = [p for p in _descendants(proc.pid)
                      if b"crawler.crawl" in Path(f"/proc/{p}/cmdline").read_bytes()]
        readers = [c for p in crawl_pids for c in child_pids(p)]
        assert len(readers) == 1, (crawl_pids, readers)
        kept = stored_pages()
        os.kill(readers[0], signal.SIGKILL)
        out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    conn = sqlite3.connect(str(db))
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        complete, note = conn.execute("select complete, note from runs order by id desc limit 1").fetchone()
        pages = conn.execute("select count(*) from fetches where kind = 'list-page'").fetchone()[0]
    finally:
        conn.close()
    assert complete == 0 and "退出码 4" in (note or "")
    assert kept <= pages < 399, "rows committed before the kill are kept; the crawl stopped"
    assert "页面读取进程" in err


def test_reader_only_for_sweeps_on_more_than_one_core():
    from scrapy.settings import Settings

    from crawler.pagereader import reader_enabled
    many = MULTICORE
    assert reader_enabled(Settings(), "sweep") is many
    assert reader_enabled(Settings(), "daily") is False
    assert reader_enabled(Settings({"GOVWATCH_PAGE_READER": False}), "sweep") is False
    for off in ("0", "false", "OFF"):
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("GOVWATCH_PAGE_READER", off)
            assert reader_enabled(Settings(), "sweep") is False
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GOVWATCH_PAGE_READER", "1")
        assert reader_enabled(Settings({"GOVWATCH_PAGE_READER": False}), "sweep") is many
    if many:   # a process allowed one core only: no reader
        code = ("import os; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}); "
                "from scrapy.settings import Settings; from crawler.pagereader import reader_enabled; "
                "print(reader_enabled(Settings(), 'sweep'))")
        env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                             check=True).stdout.strip()
        assert out == "False"
