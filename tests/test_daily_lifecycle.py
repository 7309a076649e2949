"""A daily run resolves only what it read again (issue 12, item 8).

A real sweep, then real daily runs, over HTTP against a small county site on 127.0.0.1 that changes
between runs. The daily run reads the first page of each known column and board: a low-volume
column (its month goes on to page 2), a letter on the board's page 2 and a column that now fails
stay open, marked 未复核 with the day they were last verified; a stale column that got a fresh
item on page 1 is resolved. The digest lists as 已整改 only what was read again. A later sweep
reads everything and judges them again.
"""
from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from harness import run_quiet, store_with_site, write_sites

from checks.engine import judge_run
from crawler.demo.server import LoopbackServer
from crawler.store import Store

SWEEP_DAY = date(2026, 11, 18)      # Wednesday; "last month" is October 2026
DAILY_DAY = date(2026, 11, 19)
DAILY2_DAY = date(2026, 11, 20)
RESWEEP_DAY = date(2026, 11, 23)
SITE = "lingxi-town"
HTML = {"Content-Type": "text/html; charset=utf-8"}
ARTICLE_RE = re.compile(r"/t(\d{8})_(\d+)\.html$")
PER_PAGE = 20
PENDING_LETTER = "LX20260901099"    # unanswered since 2026-09-01, listed on the board's page 2 only


def _weekdays(last: date, n: int) -> list[date]:
    out, d = [], last
    while len(out) < n:
        if d.weekday() < 5:
            out.append(d)
        d -= timedelta(days=1)
    return out


class Town:
    """灵溪镇人民政府: three 动态 columns and a 镇长信箱, changed between runs by the test."""

    def __init__(self):
        self.stage = "sweep"
        n = iter(range(1000, 9999))
        # 工作动态: page 1 = 19 items of November and one of October; page 2 = September and older.
        # October has one item (two are required): only both pages together show it.
        nov = [date(2026, 11, 17) - timedelta(days=i % 17) for i in range(19)]
        older = [date(2026, 9, 28) - timedelta(days=3 * i) for i in range(12)]
        self.gzdt = [(f"灵溪镇工作动态第{i + 1}期", d, next(n))
                     for i, d in enumerate(nov + [date(2026, 10, 9)] + older)]
        # 部门动态 and 乡镇动态: one page each, stale since October (three items in October)
        self.bmdt = [(f"部门动态{i + 1}", d, next(n)) for i, d in
                     enumerate([date(2026, 10, 20), date(2026, 10, 14), date(2026, 10, 8),
                                date(2026, 9, 30), date(2026, 9, 21)])]
        self.xzdt = [(f"村居动态{i + 1}", d, next(n)) for i, d in
                     enumerate([date(2026, 10, 22), date(2026, 10, 15), date(2026, 10, 6),
                                date(2026, 9, 25)])]
        # 镇长信箱: page 1 = 15 letters answered the next day; page 2 = older, one never answered
        recent = _weekdays(date(2026, 11, 16), 15)
        self.letters = [(f"LX{d:%Y%m%d}{i:03d}", f"关于村道修缮的咨询{i + 1}", d, d + timedelta(days=1))
                        for i, d in enumerate(recent)]
        old = _weekdays(date(2026, 10, 15), 6)
        self.letters += [(f"LX{d:%Y%m%d}{i:03d}", f"关于农村低保的咨询{i + 1}", d, d + timedelta(days=1))
                         for i, d in enumerate(old)]
        self.letters.insert(18, (PENDING_LETTER, "关于灌溉渠维修的建议", date(2026, 9, 1), None))
        self.fetched: list[str] = []

    # -- what changes between runs ---------------------------------------------------------------
    def to_daily(self) -> None:
        """部门动态 gets a fresh item on page 1; 乡镇动态 loses its link and fails."""
        self.stage = "daily"
        self.bmdt.insert(0, ("部门动态：镇农业站开展秋冬种技术指导", date(2026, 11, 18), 9001))

    def to_resweep(self) -> None:
        """乡镇动态 is back; the letter on page 2 has been answered."""
        self.stage = "resweep"
        self.letters = [(k, t, s, s + timedelta(days=80) if k == PENDING_LETTER else r)
                        for k, t, s, r in self.letters]

    # -- pages -------------------------------------------------------------------------------------
    def _nav(self) -> str:
        links = [("/index.html", "首页"), ("/gzdt/", "工作动态"), ("/bmdt/", "部门动态")]
        if self.stage != "daily":
            links.append(("/xzdt/", "乡镇动态"))
        links.append(("/hdjl/zzxx/", "镇长信箱"))
        return "".join(f'<li><a href="{h}">{n}</a></li>' for h, n in links)

    def _page(self, title: str, body: str, column: str | None = None) -> bytes:
        meta = f'<meta name="ColumnName" content="{column}">' if column else ""
        return ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
                f'<meta name="SiteName" content="灵溪镇人民政府">{meta}<title>{title}</title></head><body>'
                f'<div class="nav"><ul>{self._nav()}</ul></div><div class="main">{body}</div>'
                '<div class="footer"><p>主办单位：灵溪镇人民政府</p></div></body></html>').encode()

    @staticmethod
    def _li(title: str, d: date, n: int, prefix: str = "./") -> str:
        return (f'<li><a href="{prefix}t{d:%Y%m%d}_{n}.html" title="{title}" target="_blank">{title}</a>'
                f"<span>{d.isoformat()}</span></li>")

    def _list(self, name: str, items: list, k: int) -> bytes:
        pages = max(1, -(-len(items) // PER_PAGE))
        rows = "".join(self._li(t, d, n) for t, d, n in items[k * PER_PAGE:(k + 1) * PER_PAGE])
        crumbs = f'<div class="position">当前位置：<a href="/index.html">首页</a> &gt; <span>{name}</span></div>'
        body = (f'{crumbs}<div class="column-title"><h2>{name}</h2></div><div class="list"><ul>{rows}</ul></div>'
                f'<div class="page" id="page_div"><script type="text/javascript">'
                f'createPageHTML({pages}, {k}, "index", "html");</script></div>')
        return self._page(f"{name}_灵溪镇人民政府", body, name)

    def _board(self, k: int) -> bytes:
        per, pages = 15, 2
        chunk = self.letters[k * per:(k + 1) * per]
        rows = "".join(
            f'<tr><td>{num}</td><td><a href="/hdjl/zzxx/{num}.html" title="{t}">{t}</a></td>'
            f"<td>{s.isoformat()}</td><td>{'已回复' if r else '待回复'}</td><td>{r.isoformat() if r else ''}</td></tr>"
            for num, t, s, r in chunk)
        links = "".join(f'<a href="{"index" if i == 0 else f"index_{i}"}.html">{i + 1}</a>' for i in range(pages))
        nxt = f'<a href="index_{k + 1}.html">下一页</a>' if k + 1 < pages else ""
        body = ('<div class="position">当前位置：<a href="/index.html">首页</a> &gt; <span>镇长信箱</span></div>'
                '<div class="mailbox-intro"><p>镇长信箱受理群众咨询、建议和投诉，一般事项5个工作日内答复。</p></div>'
                '<table class="mailbox-list" width="100%"><thead><tr><th>编号</th><th>来信主题</th><th>来信时间</th>'
                f"<th>状态</th><th>答复时间</th></tr></thead><tbody>{rows}</tbody></table>"
                f'<div class="page">共{pages}页 {links} {nxt} <a href="index_{pages - 1}.html">尾页</a></div>')
        return self._page("镇长信箱_灵溪镇人民政府", body, "镇长信箱")

    def _home(self) -> bytes:
        rows = "".join(self._li(t, d, n, "/gzdt/") for t, d, n in self.gzdt[:7])
        body = (f'<div class="block"><h3>工作动态</h3><a class="more" href="/gzdt/">更多</a><ul>{rows}</ul></div>'
                '<div class="block hdjl"><h3>互动交流</h3><ul><li><a href="/hdjl/zzxx/">镇长信箱</a></li></ul></div>')
        return self._page("灵溪镇人民政府", body)

    def handle(self, method: str, path: str, query: dict, form: dict) -> tuple[int, dict, bytes]:
        self.fetched.append(path)
        path = re.sub(r"/index\.html$", "/", path) if path != "/index.html" else path
        lists = {"/gzdt/": ("工作动态", self.gzdt), "/bmdt/": ("部门动态", self.bmdt),
                 "/xzdt/": ("乡镇动态", self.xzdt)}
        if path in ("/", "/index.html"):
            return 200, HTML, self._home()
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n"
        if path.startswith("/xzdt/") and self.stage == "daily":
            return 500, HTML, self._page("服务器错误", "<p>服务器内部错误</p>")
        for prefix, (name, items) in lists.items():
            if path == prefix:
                return 200, HTML, self._list(name, items, 0)
            m = re.fullmatch(re.escape(prefix) + r"index_(\d+)\.html", path)
            if m:
                return 200, HTML, self._list(name, items, int(m.group(1)))
        if path == "/hdjl/zzxx/":
            return 200, HTML, self._board(0)
        if path == "/hdjl/zzxx/index_1.html":
            return 200, HTML, self._board(1)
        m = ARTICLE_RE.search(path)
        if m:
            d = date(int(m.group(1)[:4]), int(m.group(1)[4:6]), int(m.group(1)[6:]))
            return 200, HTML, self._page(f"文章{m.group(2)}", f'<h1>文章{m.group(2)}</h1><p>发布时间：{d}</p>')
        return 404, HTML, self._page("页面不存在", "<p>您访问的页面不存在。</p>")


def _findings(store: Store, run_id: int) -> dict[tuple, dict]:
    return {(f["code"], f["column"]): f for f in store.findings(run_id, SITE)}


def _digest_section(text: str, label: str) -> list[str]:
    """The lines of a digest's 新发现 / 已整改 list (reports/digest.py writes it)."""
    lines, on = [], False
    for line in text.splitlines():
        if line.startswith("### "):
            on = line == f"### {label}"
        elif on and line.startswith("- "):
            lines.append(line)
    return lines


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("daily")
    town = Town()
    with LoopbackServer(town.handle) as srv:
        sites = write_sites(base / "sites.yaml", id=SITE, name="灵溪镇人民政府", url=srv.base_url, kind="township")
        db = str(base / "g.db")
        ids = {}

        def run(name, day, mode):
            fetched_before = len(town.fetched)
            ids[name] = run_quiet(sites, db, base / name, as_of=day, mode=mode)
            return town.fetched[fetched_before:]

        run("sweep", SWEEP_DAY, "sweep")
        town.to_daily()
        daily_paths = run("daily", DAILY_DAY, "daily")
        run("daily2", DAILY2_DAY, "daily")
        town.to_resweep()
        run("resweep", RESWEEP_DAY, "sweep")
    store = Store(db)
    yield {"store": store, "ids": ids, "base": base, "daily_paths": daily_paths}
    store.close()


@pytest.mark.slow
def test_sweep_raises_the_findings_the_daily_run_cannot_judge(runs):
    store, ids = runs["store"], runs["ids"]
    f = _findings(store, ids["sweep"])
    low = f[("COLUMN_LOW_VOLUME", "工作动态")]
    assert low["evidence"]["count"] == 1 and low["evidence"]["month"] == "2026-10"
    assert f[("ENQUIRY_UNANSWERED", "镇长信箱")]["evidence"]["number"] == PENDING_LETTER
    assert ("COLUMN_STALE", "部门动态") in f and ("COLUMN_STALE", "乡镇动态") in f
    assert all(x["status"] == "new" for x in f.values())


@pytest.mark.slow
def test_daily_run_read_first_pages_only(runs):
    paths = runs["daily_paths"]
    assert "/gzdt/" in paths and "/hdjl/zzxx/" in paths
    assert "/gzdt/index_1.html" not in paths and "/hdjl/zzxx/index_1.html" not in paths
    store = runs["store"]
    assert store.run(runs["ids"]["daily"])["mode"] == "daily"
    xzdt = [c for c in store.columns(runs["ids"]["daily"], SITE) if c["name"] == "乡镇动态"]
    assert not any(c["status"] == "ok" for c in xzdt), "the daily run must not have read 乡镇动态"
    numbers = {e["number"] for e in store.enquiries(runs["ids"]["daily"], SITE)}
    assert numbers and PENDING_LETTER not in numbers     # the letter is on page 2 only
    # the board's first page says it has two pages: a daily run that read one has not read it whole
    (board,) = [c for c in store.columns(runs["ids"]["daily"], SITE) if c["role"] == "board"]
    assert (board["pages_total"], board["pages_read"], board["pages_failed"]) == (2, 1, None)
    (board,) = [c for c in store.columns(runs["ids"]["sweep"], SITE) if c["role"] == "board"]
    assert (board["pages_total"], board["pages_read"], board["pages_failed"]) == (2, 2, None)


@pytest.mark.slow
@pytest.mark.parametrize("code,column", [("COLUMN_LOW_VOLUME", "工作动态"),     # (a) needs page 2
                                         ("ENQUIRY_UNANSWERED", "镇长信箱"),   # (b) letter on page 2
                                         ("COLUMN_STALE", "乡镇动态")])         # (c) column not read
def test_daily_run_keeps_what_it_did_not_read_open_and_unverified(runs, code, column):
    store, ids = runs["store"], runs["ids"]
    before = _findings(store, ids["sweep"])[(code, column)]
    f = _findings(store, ids["daily"])[(code, column)]
    assert f["status"] == "open"
    assert f["fingerprint"] == before["fingerprint"] and f["first_seen"] == SWEEP_DAY.isoformat()
    assert f["evidence"]["unverified"] is True
    assert f["evidence"]["last_verified"] == SWEEP_DAY.isoformat()
    assert f["evidence"]["unverified_since"] == DAILY_DAY.isoformat()
    assert f["message"] == before["message"] + "（本次未复核，最近核实于 2026-11-18）"
    assert f["severity"] == before["severity"]


@pytest.mark.slow
@pytest.mark.parametrize("code,column", [("COLUMN_LOW_VOLUME", "工作动态"),
                                         ("ENQUIRY_UNANSWERED", "镇长信箱"),
                                         ("COLUMN_STALE", "乡镇动态")])
def test_consecutive_daily_runs_keep_the_earliest_verified_day(runs, code, column):
    store, ids = runs["store"], runs["ids"]
    before = _findings(store, ids["sweep"])[(code, column)]
    f = _findings(store, ids["daily2"])[(code, column)]
    assert f["status"] == "open" and f["evidence"]["unverified"] is True
    assert f["evidence"]["last_verified"] == SWEEP_DAY.isoformat()
    assert f["evidence"]["unverified_since"] == DAILY_DAY.isoformat()
    assert f["message"] == before["message"] + "（本次未复核，最近核实于 2026-11-18）"   # one suffix


@pytest.mark.slow
def test_daily_run_resolves_what_it_read_again(runs):
    store, ids = runs["store"], runs["ids"]
    f = _findings(store, ids["daily"])
    stale = f[("COLUMN_STALE", "部门动态")]
    assert stale["status"] == "resolved" and stale["evidence"]["resolved_on"] == DAILY_DAY.isoformat()
    assert "unverified" not in stale["evidence"]
    resolved = {k for k, v in f.items() if v["status"] == "resolved"}
    assert resolved == {("COLUMN_STALE", "部门动态")}
    # the column that failed is 无法核实 this run, besides its carried stale finding
    assert f[("EXTRACTION_FAILED", "乡镇动态")]["status"] == "new"
    # nothing the sweep raised vanished: every one is resolved, or open
    sweep = _findings(store, ids["sweep"])
    assert {v["fingerprint"] for v in sweep.values()} <= {v["fingerprint"] for v in f.values()}


@pytest.mark.slow
def test_digest_lists_as_resolved_only_what_was_read_again(runs):
    text = (runs["base"] / "daily" / "digest.md").read_text(encoding="utf-8")
    resolved = _digest_section(text, "已整改")
    assert len(resolved) == 1 and "部门动态" in resolved[0], text
    new = _digest_section(text, "新发现")
    assert all("未复核" not in line for line in new)
    assert not any(c in " ".join(new) for c in ("工作动态", "镇长信箱")), text


@pytest.mark.slow
def test_carried_findings_count_in_verdict_and_score(runs):
    store, ids = runs["store"], runs["ids"]
    daily = store.site_result(ids["daily"], SITE)
    counts = daily["details"]["verdict"]["counts"]
    assert counts["low_volume"] == 1 and counts["enquiry_unanswered"] == 1
    assert counts["key_stale"] == 1          # 乡镇动态, carried (部门动态 resolved)
    findings_json = json.loads((runs["base"] / "daily" / "findings.json").read_text(encoding="utf-8"))
    shown = {f["code"]: f for s in findings_json["sites"] for f in s["findings"]
             if f["code"] in ("COLUMN_LOW_VOLUME", "ENQUIRY_UNANSWERED")}
    assert all("本次未复核" in f["message"] and f["evidence"]["unverified"] for f in shown.values())


@pytest.mark.slow
def test_next_sweep_judges_them_again(runs):
    store, ids = runs["store"], runs["ids"]
    f = _findings(store, ids["resweep"])
    low = f[("COLUMN_LOW_VOLUME", "工作动态")]
    assert low["status"] == "open" and "unverified" not in low["evidence"]
    assert low["first_seen"] == SWEEP_DAY.isoformat() and low["last_seen"] == RESWEEP_DAY.isoformat()
    assert "未复核" not in low["message"]
    # the letter on page 2 was answered: a sweep reads page 2 and resolves it
    letter = f[("ENQUIRY_UNANSWERED", "镇长信箱")]
    assert letter["status"] == "resolved" and "unverified" not in letter["evidence"]
    assert "未复核" not in letter["message"]
    stale = f[("COLUMN_STALE", "乡镇动态")]
    assert stale["status"] == "open" and "unverified" not in stale["evidence"]


# -- the lifecycle over stored rows: what a run read, without a crawl --------------------------------
def _stored_run(store: Store, mode: str, day: date, columns: list[dict], walk: dict | None = None,
                items: list[dict] = (), letters: list[dict] = (), fetches: list[dict] = ()) -> int:
    run_id = store.start_run(mode, day.isoformat(), "test")
    with store.transaction() as db:
        for f in [{"url": "http://s.example/", "status": 200, "kind": "home"}, *fetches]:
            db["fetches"].insert(dict(f, run_id=run_id, site_id="s"))
        for c in [{"key": "__home__", "name": "首页", "url": "http://s.example/", "role": "home",
                   "status": "ok", "level": 0}, *columns]:
            db["columns"].insert(dict(c, run_id=run_id, site_id="s"))
        for it in items:
            db["items"].insert(dict(it, run_id=run_id, site_id="s"))
        for e in letters:
            db["enquiries"].insert(dict(e, run_id=run_id, site_id="s"))
        if walk is not None:
            db["walks"].insert(dict(walk, run_id=run_id, site_id="s", mode=mode))
    return run_id


def _judge(store: Store, run_id: int, day: date) -> dict:
    judge_run(store, run_id, as_of=day, site_ids=["s"])
    store.finish_run(run_id, complete=True)
    return {(f["code"], f["column"]): f for f in store.findings(run_id, "s")}


@pytest.fixture
def stored(tmp_path):
    store = store_with_site(tmp_path / "s.db", name="测试镇", kind="township")
    yield store
    store.close()


STALE_COL = {"key": "/dt/", "name": "工作动态", "url": "http://s.example/dt/", "role": "list", "status": "ok",
             "level": 1, "pages_total": 3, "pages_read": 3}
STALE, MISSING = ("COLUMN_STALE", "工作动态"), ("COLUMN_MISSING", "财政预决算")
STALE_ITEMS = [{"column_key": "/dt/", "title": "旧动态", "url": "http://s.example/dt/t1.html", "date": "2026-09-01"}]


def test_a_column_with_no_row_at_all_keeps_its_finding(stored):
    sweep = _stored_run(stored, "sweep", SWEEP_DAY, [STALE_COL], items=STALE_ITEMS)
    assert _judge(stored, sweep, SWEEP_DAY)[STALE]["status"] == "new"
    daily = _stored_run(stored, "daily", DAILY_DAY, [])          # the column was not requested
    f = _judge(stored, daily, DAILY_DAY)
    assert f[STALE]["status"] == "open" and f[STALE]["evidence"]["unverified"]
    assert f[MISSING]["status"] == "open"                        # absence: a daily run does not walk


def test_absence_is_resolved_only_by_a_complete_walk(stored):
    sweep = _stored_run(stored, "sweep", SWEEP_DAY, [STALE_COL], items=STALE_ITEMS)
    assert _judge(stored, sweep, SWEEP_DAY)[MISSING]["status"] == "new"
    budget = {"key": "/czyjs/", "name": "财政预决算", "url": "http://s.example/czyjs/", "role": "list",
              "status": "ok", "level": 1}
    # a sweep whose walk was cut short (page budget): COLUMN_MISSING needs a whole walk to be judged
    incomplete = _stored_run(stored, "sweep", DAILY_DAY, [STALE_COL, budget], items=STALE_ITEMS,
                             walk={"complete": 0, "pages": 10, "failed": "[]", "note": "页面预算已用尽"})
    f = _judge(stored, incomplete, DAILY_DAY)
    assert f[MISSING]["status"] == "open" and f[MISSING]["evidence"]["unverified"]
    complete = _stored_run(stored, "sweep", DAILY2_DAY, [STALE_COL, budget], items=STALE_ITEMS,
                           walk={"complete": 1, "pages": 12, "failed": "[]"})
    assert _judge(stored, complete, DAILY2_DAY)[MISSING]["status"] == "resolved"


def test_an_unreachable_homepage_resolves_nothing_and_loses_nothing(stored):
    sweep = _stored_run(stored, "sweep", SWEEP_DAY, [STALE_COL], items=STALE_ITEMS)
    first = _judge(stored, sweep, SWEEP_DAY)
    down = stored.start_run("daily", DAILY_DAY.isoformat(), "test")
    with stored.transaction() as db:
        db["fetches"].insert({"run_id": down, "site_id": "s", "url": "http://s.example/", "status": None,
                              "error": "TimeoutError", "kind": "home"})
        db["columns"].insert({"run_id": down, "site_id": "s", "key": "__home__", "name": "首页",
                              "url": "http://s.example/", "role": "home", "status": "failed",
                              "error": "TimeoutError", "level": 0})
    f = _judge(stored, down, DAILY_DAY)
    assert f[("SITE_UNREACHABLE", None)]["status"] == "new"
    assert {k: v["status"] for k, v in f.items() if k[0] != "SITE_UNREACHABLE"} == \
        {k: "open" for k in first}
    assert not any(v["status"] == "resolved" for v in f.values())


def test_an_office_mark_survives_being_carried(stored):
    sweep = _stored_run(stored, "sweep", SWEEP_DAY, [STALE_COL], items=STALE_ITEMS)
    fp = _judge(stored, sweep, SWEEP_DAY)[STALE]["fingerprint"]
    stored.set_mark(fp, "ignored", "栏目已整合", "镇党政办")
    daily = _stored_run(stored, "daily", DAILY_DAY, [])
    f = _judge(stored, daily, DAILY_DAY)[STALE]
    assert f["status"] == "ignored" and f["evidence"]["mark_reason"] == "栏目已整合"
    assert f["evidence"]["unverified"] is True


# -- a column read whole: its own failed later pages (columns.pages_failed), boards' page counts --------
LOW = ("COLUMN_LOW_VOLUME", "工作动态")
OTHER_LOW = ("COLUMN_LOW_VOLUME", "部门动态")
LOW_COL = {"key": "/gzdt/", "name": "工作动态", "url": "http://s.example/gzdt/", "role": "list", "status": "ok",
           "level": 1, "pages_total": 2, "pages_read": 2}
OTHER_COL = {"key": "/bmdt/", "name": "部门动态", "url": "http://s.example/bmdt/", "role": "list", "status": "ok",
             "level": 1}                    # no pager it could count: read whole only by a complete walk
LOW_ITEMS = [{"column_key": key, "title": f"{key}动态{i}", "url": f"http://s.example{key}t{i}.html",
              "date": d.isoformat()} for key in ("/gzdt/", "/bmdt/")
             for i, d in enumerate([date(2026, 11, 17), date(2026, 10, 9)])]   # October: one item of two
WHOLE = {"complete": 1, "pages": 20, "failed": "[]"}


def test_a_failed_later_page_keeps_only_its_own_column_from_being_read_whole(stored):
    sweep = _stored_run(stored, "sweep", SWEEP_DAY, [LOW_COL, OTHER_COL], walk=WHOLE, items=LOW_ITEMS)
    first = _judge(stored, sweep, SWEEP_DAY)
    assert first[LOW]["status"] == first[OTHER_LOW]["status"] == "new"
    # the next sweep walks the whole site, but page 2 of 工作动态 fails: October may go on there
    failed = dict(LOW_COL, pages_read=1, pages_failed=1)
    again = _stored_run(stored, "sweep", DAILY_DAY, [failed, OTHER_COL], walk=WHOLE, items=LOW_ITEMS,
                        fetches=[{"url": "http://s.example/gzdt/index_1.html", "status": 500,
                                  "kind": "list-page"}])
    f = _judge(stored, again, DAILY_DAY)
    assert f[LOW]["status"] == "open" and f[LOW]["evidence"]["unverified"] is True
    assert f[LOW]["evidence"]["last_verified"] == SWEEP_DAY.isoformat()
    # 部门动态 lost no page: the walk read it whole, so it is judged again (not 未复核)
    assert f[OTHER_LOW]["status"] == "open" and "unverified" not in f[OTHER_LOW]["evidence"]
    assert f[OTHER_LOW]["last_seen"] == DAILY_DAY.isoformat()


def test_every_page_read_but_one_that_failed_is_not_whole(stored):
    # a Hanweb response holds three pages: as many responses as the pager's pages, one of them failed
    sweep = _stored_run(stored, "sweep", SWEEP_DAY, [dict(LOW_COL, pages_failed=1)], walk=WHOLE,
                        items=LOW_ITEMS)
    assert LOW not in _judge(stored, sweep, SWEEP_DAY)          # cannot tell: no finding at all
    sweep2 = _stored_run(stored, "sweep", DAILY_DAY, [LOW_COL], walk=WHOLE, items=LOW_ITEMS)
    assert _judge(stored, sweep2, DAILY_DAY)[LOW]["status"] == "new"


def test_a_run_stored_before_pages_failed_keeps_the_site_wide_caution(stored):
    """Runs from before migration 0005 have no per-column count: a failed later page anywhere on
    the site keeps a column without a pager count from being read whole by the walk."""
    from checks.context import SiteContext

    failure = [{"url": "http://s.example/gzdt/index_1.html", "status": 500, "kind": "list-page"}]
    run_id = _stored_run(stored, "sweep", SWEEP_DAY, [OTHER_COL], walk=WHOLE, fetches=failure)
    site = {"id": "s", "kind": "township"}

    def whole() -> bool:
        ctx = SiteContext(store=stored, run=stored.run(run_id), site=site, as_of=SWEEP_DAY, profile=None,
                          calendar=None)
        return ctx.all_pages_read(OTHER_COL)

    assert whole()                                     # recorded per column: none failed on 部门动态
    with stored.transaction() as db:
        db.execute("update _migrations set applied = '2099-01-01T00:00:00+00:00' "
                   "where name = '0005_failed_pages'")
    assert not whole()


LETTER = {"board_key": "/hdjl/", "board": "镇长信箱", "letter_key": "L1", "number": "L1", "title": "关于路灯维修",
          "submitted": "2026-09-01", "status": "pending"}
BOARD = {"key": "/hdjl/", "name": "镇长信箱", "url": "http://s.example/hdjl/", "role": "board", "status": "ok",
         "level": 1, "board_class": "consult", "pages_total": 1, "pages_read": 1}
UNANSWERED = ("ENQUIRY_UNANSWERED", "镇长信箱")


@pytest.mark.parametrize("pages_total,status", [(1, "resolved"),      # a one-page board, read whole
                                                (2, "open"),          # page 2 not read by a daily run
                                                (None, "open")])      # a 下一页 chain of unknown length
def test_a_daily_run_resolves_a_letter_only_on_a_board_it_read_whole(stored, pages_total, status):
    sweep = _stored_run(stored, "sweep", SWEEP_DAY, [BOARD], walk=WHOLE, letters=[LETTER])
    assert _judge(stored, sweep, SWEEP_DAY)[UNANSWERED]["status"] == "new"
    # the letter is no longer listed on the board's first page (withdrawn, or moved to page 2)
    daily = _stored_run(stored, "daily", DAILY_DAY, [dict(BOARD, pages_total=pages_total)])
    f = _judge(stored, daily, DAILY_DAY)[UNANSWERED]
    assert f["status"] == status
    assert ("unverified" in f["evidence"]) == (status == "open")
