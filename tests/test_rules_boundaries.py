"""Rule boundaries through the real engine and a real SQLite store (no crawl): the data a crawl
would have stored is written row by row, then judged."""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from harness import store_with_site

from checks.engine import judge_run

AS_OF = date(2026, 11, 27)   # a Friday


class Site:
    """A tiny store builder: one run, one portal site."""

    def __init__(self, tmp_path, kind="portal", as_of=AS_OF, overrides=None, boards=None):
        site = {"name": "测试县人民政府", "url": "http://127.0.0.1:9/", "kind": kind}
        if overrides:
            site["overrides"] = overrides
        if boards:
            site["boards"] = boards
        self.store = store_with_site(tmp_path / "r.db", **site)
        self.run = self.store.start_run("sweep", as_of.isoformat())
        self.as_of = as_of
        self.columns, self.items, self.letters = [], [], []
        self.column("__home__", "首页", role="home", level=0, dates=[as_of - timedelta(days=1)])

    def column(self, key, name, *, role="list", level=1, status="ok", dates=(), error=None, note=None,
               board_class=None, parent_key=None):
        self.columns.append({"run_id": self.run, "site_id": "s", "key": key, "name": name, "parent_key": parent_key,
                             "url": f"http://127.0.0.1:9{key if key.startswith('/') else '/'}",
                             "level": level, "role": role, "status": status, "error": error,
                             "note": note, "board_class": board_class, "counted_items": len(dates),
                             "newest_date": max((d for d in dates if d), default=None) and
                             max(d for d in dates if d).isoformat()})
        for i, d in enumerate(dates):
            self.items.append({"run_id": self.run, "site_id": "s", "column_key": key,
                               "title": f"{name}信息{i}", "url": f"http://127.0.0.1:9{key}{i}.html",
                               "date": d.isoformat() if d else None, "date_source": "list:text",
                               "page_url": key})
        return self

    def letter(self, key, submitted, replied=None, status="pending", board="/hdjl/", board_name="县长信箱"):
        self.letters.append({"run_id": self.run, "site_id": "s", "board_key": board, "board": board_name,
                             "letter_key": key, "number": key, "title": f"来信{key}", "category": None,
                             "url": None, "submitted": submitted.isoformat(),
                             "replied": replied.isoformat() if replied else None, "status": status,
                             "status_text": None, "unit": None})
        return self

    def judge(self, **kw):
        for table, rows in (("columns", self.columns), ("items", self.items), ("enquiries", self.letters)):
            self.store.insert_batch(table, rows)
        self.store.insert_batch("fetches", [{"run_id": self.run, "site_id": "s", "url": "http://127.0.0.1:9/",
                                             "status": 200, "error": None, "elapsed": 0.1, "bytes": 10,
                                             "kind": "home", "fetched_at": "x"}])
        (result,) = judge_run(self.store, self.run, as_of=self.as_of, **kw)
        return {(f["code"], f["column"]) for f in result["findings"]}, result

    def close(self):
        self.store.close()


@pytest.fixture
def site(tmp_path):
    s = Site(tmp_path)
    yield s
    s.close()


def _standard(s: Site):
    """Every mandatory column of a portal, fresh, plus a board: judging them yields nothing."""
    fresh = [AS_OF - timedelta(days=2)]
    for key, name in (("/gkzn/", "政府信息公开指南"), ("/ndbg/", "政府信息公开年报"), ("/zcwj/", "政策文件"),
                      ("/zcjd/", "政策解读"), ("/hygq/", "回应关切"), ("/jgzn/", "机构职能"),
                      ("/tzgg/", "通知公告"), ("/gkzd/", "政府信息公开制度"), ("/fdzdgk/", "法定主动公开内容"),
                      ("/ysqgk/", "依申请公开")):
        s.column(key, name, dates=fresh if name != "政府信息公开年报" else [date(2026, 1, 20)])
    for it in s.items:
        if it["column_key"] == "/ndbg/":
            it["title"] = "测试县2025年政府信息公开工作年度报告"
    s.column("/hdjl/", "县长信箱", role="board", board_class="consult")
    return s


def test_clean_site_has_no_findings(site):
    codes, result = _standard(site).judge()
    extra = {c for c in codes if c[0] != "COLUMN_MISSING"}
    assert extra == set(), codes


@pytest.mark.parametrize("days, stale", [(13, False), (14, False), (15, True)])
def test_dynamic_column_two_weeks(site, days, stale):
    _standard(site).column("/gzdt/", "工作动态", dates=[AS_OF - timedelta(days=days)])
    codes, _ = site.judge()
    assert (("COLUMN_STALE", "工作动态") in codes) is stale


@pytest.mark.parametrize("newest, level, stale", [
    (date(2026, 5, 27), 1, False), (date(2026, 5, 26), 1, True), (date(2026, 5, 26), 2, False)])
def test_notice_six_months_first_level_only(site, newest, level, stale):
    _standard(site).column("/gsgg/", "公示公告", dates=[newest], level=level)
    codes, _ = site.judge()
    assert (("COLUMN_STALE", "公示公告") in codes) is stale


@pytest.mark.parametrize("newest, stale", [(date(2025, 11, 27), False), (date(2025, 11, 26), True)])
def test_personnel_one_year(site, newest, stale):
    _standard(site).column("/rsxx/", "人事任免", dates=[newest], level=2)
    codes, _ = site.judge()
    assert (("COLUMN_STALE", "人事任免") in codes) is stale


def test_undated_items_count_as_not_updated(site):
    _standard(site).column("/bmdt/", "部门动态", dates=[None, None])
    site.columns[-1]["newest_date"] = None
    codes, result = site.judge()
    assert ("COLUMN_STALE", "部门动态") in codes


def test_failed_column_is_unverified_never_stale_blank_or_missing(site):
    _standard(site).column("/bmdt/", "部门动态", status="failed", error="HTTP 503")
    site.column("/kong/", None, status="failed", error="TimeoutError")
    codes, result = site.judge()
    assert ("EXTRACTION_FAILED", "部门动态") in codes
    assert not {c for c in codes if c[0] in ("COLUMN_STALE", "COLUMN_BLANK")}
    # an unread page might hold a mandatory column: absences are hints for a person, never deductions
    missing = [f for f in result["findings"] if f["code"] == "COLUMN_MISSING"]
    assert missing and all(f["severity"] == "warn" and "待人工核实" in f["message"] for f in missing)


def test_blank_column_and_exemption(site):
    _standard(site).column("/kong/", "统计信息").column("/zdxm/", "重大建设项目", status="exempt")
    codes, _ = site.judge()
    assert ("COLUMN_BLANK", "统计信息") in codes and ("COLUMN_BLANK", "重大建设项目") not in codes


def test_missing_column_counts_aliases(site):
    _standard(site)
    site.columns = [c for c in site.columns if c["name"] not in ("政策解读", "回应关切")]
    site.items = [i for i in site.items if i["column_key"] not in ("/zcjd/", "/hygq/")]
    site.column("/jdhy/", "解读回应", dates=[AS_OF - timedelta(days=3)])
    codes, _ = site.judge()
    assert ("COLUMN_MISSING", "回应关切") in codes
    assert ("COLUMN_MISSING", "政策解读") not in codes


@pytest.mark.parametrize("submitted, overdue", [
    (date(2026, 11, 20), False),   # Fri → 5 working days to Fri 11-27
    (date(2026, 11, 19), True),    # Thu → 6 working days
    (date(2026, 9, 28), False),    # judged on 10-9: 9-29, 9-30, (国庆) 10-8, 10-9 = 4 working days
])
def test_enquiry_five_working_days(tmp_path, submitted, overdue):
    as_of = AS_OF if submitted.month == 11 else date(2026, 10, 9)
    s = _standard(Site(tmp_path, as_of=as_of))
    s.letter("L1", submitted)
    codes, _ = s.judge()
    s.close()
    assert (("ENQUIRY_UNANSWERED", "县长信箱") in codes) is overdue


def test_enquiry_across_national_day(tmp_path):
    """Submitted Wed 9-30; 10-1..10-7 are holidays, 10-8 Thu and 10-9 Fri are workdays, 10-10 (Sat)
    is a make-up workday, then 10-12 (Mon): the 5th working day is 10-13, the 6th 10-14."""
    for as_of, overdue in ((date(2026, 10, 13), False), (date(2026, 10, 14), True)):
        s = _standard(Site(tmp_path / as_of.isoformat(), as_of=as_of))
        s.letter("L1", date(2026, 9, 30))
        codes, _ = s.judge()
        s.close()
        assert (("ENQUIRY_UNANSWERED", "县长信箱") in codes) is overdue, as_of


def test_late_answer_and_three_month_veto(site):
    _standard(site).letter("late", date(2026, 11, 2), replied=date(2026, 11, 16), status="answered")
    site.letter("ok", date(2026, 11, 2), replied=date(2026, 11, 3), status="answered")
    site.letter("old", date(2026, 8, 26))
    site.letter("younger", date(2026, 8, 28))
    codes, result = site.judge()
    late = [f for f in result["findings"] if f["code"] == "ENQUIRY_LATE"]
    veto = [f for f in result["findings"] if f["code"] == "ENQUIRY_VETO"]
    assert [f["evidence"]["letter_key"] for f in late] == ["late"]
    assert [f["evidence"]["letter_key"] for f in veto] == ["old"]
    assert result["verdict"] == "不合格"


def test_no_enquiry_channel(site):
    _standard(site)
    site.columns = [c for c in site.columns if c["role"] != "board"]
    codes, result = site.judge()
    assert [c for c in codes if c[0] == "NO_ENQUIRY_CHANNEL"] and result["verdict"] == "不合格"


def test_annual_report_due(tmp_path):
    for as_of, kind, missing in ((date(2026, 3, 31), "portal", False), (date(2026, 4, 1), "portal", True),
                                 (date(2026, 2, 1), "department", True)):
        s = Site(tmp_path / f"{as_of}{kind}", kind=kind, as_of=as_of)
        s.column("/ndbg/", "政府信息公开年报", dates=[date(2025, 1, 20)])
        s.items[-1]["title"] = "青溪县2024年政府信息公开工作年度报告"
        codes, _ = s.judge()
        s.close()
        assert (("ANNUAL_REPORT_MISSING", "政府信息公开年报") in codes) is missing, (as_of, kind)


def test_future_dated_item(site):
    _standard(site).column("/xzdt/", "乡镇动态", dates=[AS_OF + timedelta(days=40), AS_OF - timedelta(days=1)])
    codes, result = site.judge()
    assert ("FUTURE_DATE", "乡镇动态") in codes
    assert ("COLUMN_STALE", "乡镇动态") not in codes


def test_unreachable_site_gets_only_site_unreachable(site):
    _standard(site)
    site.columns[0].update(status="failed", error="ConnectionRefusedError")
    site.column("/kong/", "统计信息")
    codes, result = site.judge()
    assert {c[0] for c in codes} == {"SITE_UNREACHABLE"}
    assert result["score"] is None


def test_sites_file_overrides_reach_every_rule(tmp_path):
    """not_expected, a column's category and the board deadline come from the sites file."""
    s = _standard(Site(tmp_path, overrides={"not_expected": ["回应关切"],
                                            "columns": {"工作信息": {"category": "dynamic"}},
                                            "board_deadline_workdays": 3}))
    s.columns = [c for c in s.columns if c["name"] != "回应关切"]
    s.column("/gzxx/", "工作信息", dates=[AS_OF - timedelta(days=15)])
    s.letter("L1", date(2026, 11, 23))          # Mon → 4 working days to Fri 11-27: over 3, under 5
    codes, result = s.judge()
    s.close()
    assert ("COLUMN_MISSING", "回应关切") not in codes
    assert ("COLUMN_STALE", "工作信息") in codes
    late = [f for f in result["findings"] if f["code"] == "ENQUIRY_UNANSWERED"]
    assert [f["evidence"]["limit_workdays"] for f in late] == [3]


def _limits(result, code):
    return {f["column"]: f["evidence"]["limit_workdays"] for f in result["findings"] if f["code"] == code}


def _with_correction_board(s: Site, name: str) -> Site:
    """The standard site plus a 找错 board; the same letters on it and on the 县长信箱:
    answered after 4 working days (Mon 11-16 → Fri 11-20) and pending 4 working days (Mon 11-23)."""
    _standard(s).column("/jiucuo/", name, role="board", board_class="consult")
    for board, bname in (("/hdjl/", "县长信箱"), ("/jiucuo/", name)):
        s.letter("A", date(2026, 11, 16), replied=date(2026, 11, 20), status="answered",
                 board=board, board_name=bname)
        s.letter("P", date(2026, 11, 23), board=board, board_name=bname)
    return s


@pytest.mark.parametrize("name", ["我为政府网站找错", "网站纠错"])
def test_correction_board_replies_within_three_working_days(tmp_path, name):
    """The profile's 找错 category (reply_workdays: 3) decides the board's limit, by the board's name;
    a 县长信箱 keeps the default 5."""
    s = _with_correction_board(Site(tmp_path), name)
    codes, result = s.judge()
    stats = {board: json.loads(raw) for board, raw in s.store.db.execute(
        "select board, stats from board_stats where run_id = ?", [s.run]).fetchall()}
    s.close()
    assert _limits(result, "ENQUIRY_LATE") == {name: 3}
    assert _limits(result, "ENQUIRY_UNANSWERED") == {name: 3}
    assert stats[name]["deadline_workdays"] == 3 and len(stats[name]["late"]) == 1
    assert stats[name]["overdue"] and not stats["县长信箱"]["overdue"]
    assert stats["县长信箱"]["deadline_workdays"] == 5 and not stats["县长信箱"]["late"]


@pytest.mark.parametrize("overrides, boards, expected", [
    ({"board_deadline_workdays": 7}, None, {"县长信箱": None, "我为政府网站找错": 3}),   # category beats the site's override
    ({"board_deadline_workdays": 2}, None, {"县长信箱": 2, "我为政府网站找错": 3}),
    (None, [{"url": "http://127.0.0.1:9/jiucuo/", "deadline_workdays": 2}],          # the sites file's board beats the category
     {"县长信箱": None, "我为政府网站找错": 2}),
    ({"board_deadline_workdays": 2}, [{"url": "http://127.0.0.1:9/jiucuo/", "deadline_workdays": 10}],
     {"县长信箱": 2, "我为政府网站找错": None}),
])
def test_board_deadline_precedence(tmp_path, overrides, boards, expected):
    """sites-file board deadline_workdays > the board's category > overrides.board_deadline_workdays
    > the profile's default."""
    s = _with_correction_board(Site(tmp_path, overrides=overrides, boards=boards), "我为政府网站找错")
    codes, result = s.judge()
    s.close()
    limits = _limits(result, "ENQUIRY_UNANSWERED")
    assert {name: limits.get(name) for name in expected} == expected


def test_columns_of_one_name_are_told_apart_by_their_parent(site):
    """Four sub-units each keep a 工作动态: a finding names which one (监察大队 › 工作动态)."""
    old = [AS_OF - timedelta(days=400)]
    _standard(site).column("/jcdd/", "监察大队", role="section").column("/sbjb/", "社保经办", role="section")
    site.column("/jcdd/gzdt/", "工作动态", dates=old, parent_key="/jcdd/", level=2)
    site.column("/sbjb/gzdt/", "工作动态", dates=old, parent_key="/sbjb/", level=2)
    codes, result = site.judge()
    stale = sorted(f["message"] for f in result["findings"] if f["code"] == "COLUMN_STALE")
    assert len(stale) == 2 and stale[0] != stale[1]
    assert any("监察大队 › 工作动态" in m for m in stale) and any("社保经办 › 工作动态" in m for m in stale)

