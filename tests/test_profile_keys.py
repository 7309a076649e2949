"""Every documented key of a profile does something (issue 13, settings that do nothing).

The keys come from the shipped profiles themselves (top level, `thresholds.*`, `annual_report.*`, the
fields of `categories` and of `mandatory` entries) and from what the loader accepts, so a key added
to a profile or to the loader without a case here fails. For each key a small site is stored row by
row (the pattern of tests/test_rules_boundaries.py) and judged twice through the real engine: with
the shipped gb2019, and with a profile that `extends: gb2019` and changes only that key. The case
says what must differ: a finding, its severity, message or evidence, or the verdict.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pytest
import yaml
from test_rules_boundaries import AS_OF, Site, _standard  # noqa: E402 (tests dir is on sys.path)

from checks.docs import rules_markdown
from checks.profile import CATEGORY_KEYS, ENTRY_KEYS, PROFILE_DIR, THRESHOLDS, TOP_KEYS, load_profile
from checks.registry import load_builtin_rules

CONTAINERS = ("thresholds", "annual_report", "categories", "mandatory")   # judged through their keys


def documented_keys() -> list[str]:
    keys = set(TOP_KEYS) | {f"thresholds.{k}" for k in THRESHOLDS} | {f"categories.*.{k}" for k in CATEGORY_KEYS}
    keys |= {f"mandatory.*.{k}" for k in ENTRY_KEYS}
    for path in sorted(PROFILE_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        keys |= set(data)
        keys |= {f"{part}.{k}" for part in ("thresholds", "annual_report") for k in data.get(part) or {}}
        keys |= {f"categories.*.{k}" for spec in (data.get("categories") or {}).values() for k in spec or {}}
        keys |= {f"mandatory.*.{k}" for entries in (data.get("mandatory") or {}).values()
                 for entry in entries if isinstance(entry, dict) for k in entry}
    return sorted(keys - set(CONTAINERS))


@dataclass
class Outcome:
    findings: list[dict]
    verdict: dict
    profile: str
    page: str

    def find(self, code: str, column: str | None = None) -> dict | None:
        hits = [f for f in self.findings if f["code"] == code and (column is None or f["column"] == column)]
        assert len(hits) <= 1, hits
        return hits[0] if hits else None

    def vetoes(self) -> set[str]:
        return {v["id"] for v in self.verdict["vetoes"]}

    def warnings(self) -> set[str]:
        return {w["id"] for w in self.verdict["warnings"]}


@dataclass
class Case:
    layer: str                                  # YAML after `extends: gb2019` (or replacing it)
    check: Callable[[Outcome, Outcome], None]   # (with gb2019, with the changed key)
    setup: Callable[[Site], None] = lambda s: None
    kind: str = "portal"
    marks: list = field(default_factory=list)


def judge(tmp_path, case: Case, profile_text: str | None) -> Outcome:
    tmp_path.mkdir()
    profile = "gb2019"
    if profile_text is not None:
        profile = str(tmp_path / "profile.yaml")
        (tmp_path / "profile.yaml").write_text(profile_text, encoding="utf-8")
    s = Site(tmp_path, kind=case.kind)
    try:
        _standard(s)
        case.setup(s)
        s.judge(profile_name=profile, rubric_name=None)
        result = s.store.site_result(s.run, "s")
        return Outcome(s.store.findings(s.run, "s"), result["details"]["verdict"], result["profile"],
                       rules_markdown(load_builtin_rules(), load_profile(profile)))
    finally:
        s.close()


# ------------------------------------------------------------------ what the stored sites hold
def columns(name: str, n: int = 1, *, age: int | None = 30, level: int = 1) -> Callable[[Site], None]:
    """n columns named name0…; dated `age` days before the check day, or blank (age None)."""
    def setup(s: Site):
        for i in range(n):
            s.column(f"/k{name}{i}/", f"{name}{i}", level=level,
                     dates=[] if age is None else [AS_OF - timedelta(days=age)])
    return setup


def home_age(days: int) -> Callable[[Site], None]:
    def setup(s: Site):
        for it in s.items:
            if it["column_key"] == "__home__":
                it["date"] = (AS_OF - timedelta(days=days)).isoformat()
    return setup


def letter(submitted: date, replied: date | None = None, board: str = "/hdjl/") -> Callable[[Site], None]:
    return lambda s: s.letter("L1", submitted, replied, status="answered" if replied else "pending", board=board)


def probes(total: int, failed: int = 0, slow: int = 0) -> Callable[[Site], None]:
    """`total` homepage probes spread evenly over the week ending on the check day (20 a day for 140)."""
    def setup(s: Site):
        start = AS_OF - timedelta(days=6)
        step = timedelta(days=7) / total
        rows = []
        for i in range(total):
            at = (datetime.combine(start, datetime.min.time()) + i * step).strftime("%Y-%m-%dT%H:%M:%S+08:00")
            bad, late = i < failed, failed <= i < failed + slow
            rows.append({"site_id": "s", "url": "http://127.0.0.1:9/", "at": at, "ok": 0 if bad else 1,
                         "status": None if bad else 200, "error": "TimeoutError: timed out" if bad else None,
                         "elapsed": 12.0 if late else 0.2})
        s.store.insert_batch("probes", rows)
    return setup


def old_annual_report(s: Site):
    for it in s.items:
        if it["column_key"] == "/ndbg/":
            it["title"] = "测试县2024年政府信息公开工作年度报告"


def entrance(kind: str) -> Callable[[Site], None]:
    return lambda s: s.store.insert_batch("entrances", [{
        "run_id": s.run, "site_id": "s", "kind": kind, "name": "政务服务网", "url": "http://zwfw.example.gov.cn/",
        "found_on": "http://127.0.0.1:9/", "how": "link"}])


def broken_links(home: int = 0, inner: int = 0, external: int = 0) -> Callable[[Site], None]:
    """This run checked the site's links (those to other hosts too) and found so many broken."""
    def setup(s: Site):
        s.store.insert_batch("link_runs", [{"run_id": s.run, "site_id": "s", "internal": 1, "external": 1,
                                            "links": 50, "checked": 50, "broken": home + inner + external}])
        rows = []
        for scope, n in (("home", home), ("inner", inner), ("external", external)):
            for i in range(n):
                host = "http://other.example.gov.cn" if scope == "external" else "http://127.0.0.1:9"
                rows.append({"run_id": s.run, "site_id": "s", "url": f"{host}/{scope}{i}.html", "kind": "page",
                             "external": int(scope == "external"), "on_home": int(scope == "home"), "pages": 3,
                             "found_on": '["http://127.0.0.1:9/"]', "result": "broken", "reason": "http_404",
                             "status": 404, "error": "页面不存在（HTTP 404）", "attempts": 2})
        s.store.insert_batch("links", rows)
    return setup


def link_severity(scope: str, old: str, new: str):
    """Every LINK_BROKEN finding of that scope has severity `old` with gb2019 and `new` with the change."""
    def check(before: Outcome, after: Outcome):
        for outcome, want in ((before, old), (after, new)):
            found = [f for f in outcome.findings if f["code"] == "LINK_BROKEN" and f["evidence"]["scope"] == scope]
            assert found and {f["severity"] for f in found} == {want}, (want, found)
    return check


def both(*setups) -> Callable[[Site], None]:
    def setup(s: Site):
        for one in setups:
            one(s)
    return setup


# ------------------------------------------------------------------ the effects
def absent_then(code: str, column: str | None = None, **expect):
    """No such finding with gb2019; with the change there is one, with these severity/evidence values."""
    def check(before: Outcome, after: Outcome):
        assert before.find(code, column) is None
        got = after.find(code, column)
        assert got is not None, [(f["code"], f["column"]) for f in after.findings]
        for key, value in expect.items():
            have = got["severity"] if key == "severity" else got["evidence"].get(key)
            assert have == value, (key, have, got)
    return check


def present_then_gone(code: str, column: str | None = None):
    def check(before: Outcome, after: Outcome):
        assert before.find(code, column) is not None, [(f["code"], f["column"]) for f in before.findings]
        assert after.find(code, column) is None
    return check


def evidence_changes(code: str, column: str, key: str, old, new):
    def check(before: Outcome, after: Outcome):
        assert before.find(code, column)["evidence"][key] == old
        assert after.find(code, column)["evidence"][key] == new
    return check


def veto_then(vid: str, threshold: int):
    def check(before: Outcome, after: Outcome):
        assert vid not in before.vetoes() and before.verdict["verdict"] == "合格", before.verdict
        assert vid in after.vetoes() and after.verdict["verdict"] == "不合格", after.verdict
        assert f"达到{threshold}个的否决线" in after.verdict["reason"]
    return check


def warning_then(vid: str):
    def check(before: Outcome, after: Outcome):
        assert vid not in before.warnings() and "接近" not in before.verdict["reason"]
        assert vid in after.warnings() and "接近" in after.verdict["reason"], after.verdict
        assert after.verdict["verdict"] == "合格"
    return check


def count_changes(key: str, old: int, new: int):
    def check(before: Outcome, after: Outcome):
        assert (before.verdict["counts"][key], after.verdict["counts"][key]) == (old, new)
    return check


def on_the_page(text: str, profile_name: str | None = None):
    def check(before: Outcome, after: Outcome):
        assert text not in before.page and text in after.page
        if profile_name:
            assert (before.profile, after.profile) == ("gb2019", profile_name)
    return check


def unreachable_share(before: Outcome, after: Outcome):
    assert before.find("SITE_UNREACHABLE") is None
    got = after.find("SITE_UNREACHABLE")
    assert got["severity"] == "veto" and got["evidence"]["failed"] == 5
    assert got["message"].endswith("达到3%") and "5%" not in got["message"], got["message"]
    assert "SITE_UNREACHABLE" in before.page and "占比达到3%" in after.page


def unreachable_timeout(before: Outcome, after: Outcome):
    assert before.find("SITE_UNREACHABLE") is None
    got = after.find("SITE_UNREACHABLE")
    assert got["severity"] == "veto" and got["evidence"]["slow"] == 10 and got["evidence"]["failed"] == 10
    assert "其中10次超过10秒才打开" in got["message"], got["message"]


def min_daily_polls(before: Outcome, after: Outcome):
    was, now = before.find("SITE_UNREACHABLE"), after.find("SITE_UNREACHABLE")
    assert was["severity"] == "veto" and was["evidence"]["short_days"] == 0
    assert now["severity"] == "warn" and now["evidence"]["short_days"] == 7
    assert "有7天探测不足30次，不构成单项否决" in now["message"], now["message"]
    assert (before.verdict["verdict"], after.verdict["verdict"]) == ("不合格", "合格")


def home_window(before: Outcome, after: Outcome):
    assert before.find("HOME_STALE") is None
    got = after.find("HOME_STALE")
    assert got["severity"] == "veto" and got["evidence"]["limit_days"] == 7 and "要求7天内" in got["message"]


def home_warning(before: Outcome, after: Outcome):
    assert before.find("HOME_STALE") is None
    got = after.find("HOME_STALE")
    assert got["severity"] == "warn" and got["evidence"]["warn_days"] == 7, got
    assert "接近14天的否决线" in got["message"] and after.verdict["verdict"] == "合格"


MANDATORY = "mandatory:\n  portal:\n    - {%s}\n"
MISSING_OVERVIEW = "name: 概况信息, categories: [overview], basis: 国办发〔2017〕47号"
PENDING_3_WORKDAYS = letter(date(2026, 11, 24))     # Tue: 25, 26, 27 are 3 working days by Friday the 27th

def typo_in_a_title(s: Site):
    """A news item whose title carries a serious typo (CONTENT_WORDING reads item titles too)."""
    s.column("/kzwyw/", "政务要闻", dates=[AS_OF - timedelta(days=1)])
    s.items[-1]["title"] = "坚持中国共产觉的全面领导"


def severity_of(code: str, before: str, after: str) -> Callable[[Outcome, Outcome], None]:
    def check(b: Outcome, a: Outcome):
        assert b.find(code)["severity"] == before and a.find(code)["severity"] == after
    return check


CASES: dict[str, Case] = {
    # descriptive keys: what the rules page and the stored result say
    "name": Case("name: 本地细则\n", on_the_page("规则配置：本地细则", "本地细则")),
    "title": Case("title: 某省政府网站考评细则\n", on_the_page("规则配置：某省政府网站考评细则")),
    "basis": Case("basis: 某省政府办公厅文件\n", on_the_page("依据：某省政府办公厅文件")),
    "extends": Case("extends: gb2015\n", absent_then("COLUMN_STALE", "通知公告0", limit_days=184),
                    columns("通知公告", age=240, level=2)),
    # windows and deadlines
    "home_window_days": Case("home_window_days: 7\n", home_window, home_age(8)),
    "enquiry_deadline_workdays": Case("enquiry_deadline_workdays: 2\n",
                                      absent_then("ENQUIRY_UNANSWERED", "县长信箱", limit_workdays=2),
                                      PENDING_3_WORKDAYS),
    "board_deadline_workdays": Case("board_deadline_workdays: 2\n",
                                    absent_then("ENQUIRY_UNANSWERED", "县长信箱", limit_workdays=2),
                                    PENDING_3_WORKDAYS),
    "enquiry_veto_months": Case("enquiry_veto_months: 2\n", absent_then("ENQUIRY_VETO", "县长信箱", severity="veto"),
                                letter(date(2026, 9, 10))),
    "enquiry_lookback_years": Case("enquiry_lookback_years: 2\n", absent_then("ENQUIRY_LATE", "县长信箱"),
                                   letter(date(2025, 9, 1), replied=date(2025, 10, 31))),
    "annual_report.department": Case('annual_report:\n  department: "12-31"\n',
                                     present_then_gone("ANNUAL_REPORT_MISSING"), old_annual_report,
                                     kind="department"),
    "annual_report.government": Case('annual_report:\n  government: "12-31"\n',
                                     present_then_gone("ANNUAL_REPORT_MISSING"), old_annual_report),
    # thresholds
    "thresholds.key_stale_veto": Case("thresholds:\n  key_stale_veto: 3\n", veto_then("R-COL-1", 3),
                                      columns("工作动态", 3)),
    "thresholds.should_update_veto": Case("thresholds:\n  should_update_veto: 3\n", veto_then("R-COL-2", 3),
                                          columns("人事任免", 3, age=400, level=2)),
    "thresholds.blank_veto": Case("thresholds:\n  blank_veto: 3\n", veto_then("R-COL-3", 3),
                                  columns("统计信息", 3, age=None)),
    "thresholds.should_update_counts_blank": Case("thresholds:\n  should_update_counts_blank: 0\n",
                                                  count_changes("should_update_stale", 3, 0),
                                                  columns("统计信息", 3, age=None)),
    "thresholds.unreachable_share": Case("thresholds:\n  unreachable_share: 0.03\n", unreachable_share,
                                         probes(140, failed=5)),
    "thresholds.unreachable_timeout_s": Case("thresholds:\n  unreachable_timeout_s: 10\n", unreachable_timeout,
                                             probes(140, slow=10)),
    "thresholds.unreachable_min_daily_polls": Case("thresholds:\n  unreachable_min_daily_polls: 30\n",
                                                   min_daily_polls, probes(140, failed=10)),
    "thresholds.home_stale_warn_days": Case("thresholds:\n  home_stale_warn_days: 7\n", home_warning, home_age(8)),
    "thresholds.key_stale_warn": Case("thresholds:\n  key_stale_warn: 2\n", warning_then("R-COL-1"),
                                      columns("工作动态", 2)),
    "thresholds.should_update_warn": Case("thresholds:\n  should_update_warn: 2\n", warning_then("R-COL-2"),
                                          columns("人事任免", 2, age=400, level=2)),
    "thresholds.blank_warn": Case("thresholds:\n  blank_warn: 2\n", warning_then("R-COL-3"),
                                  columns("统计信息", 2, age=None)),
    "thresholds.low_volume_per_month": Case(
        "thresholds:\n  low_volume_per_month: 1\n", present_then_gone("COLUMN_LOW_VOLUME", "工作动态"),
        lambda s: s.column("/gzdt/", "工作动态", dates=[date(2026, 10, 15), AS_OF - timedelta(days=2)])),
    "thresholds.links_home_deduct": Case("thresholds:\n  links_home_deduct: 3\n", link_severity("home", "deduct", "warn"),
                                         broken_links(home=2)),
    "thresholds.links_inner_deduct": Case("thresholds:\n  links_inner_deduct: 0\n",
                                          link_severity("inner", "deduct", "warn"), broken_links(inner=2)),
    "thresholds.links_external_deduct": Case("thresholds:\n  links_external_deduct: 1\n",
                                             link_severity("external", "warn", "deduct"), broken_links(external=1)),
    # column categories
    "categories.*.title": Case("categories:\n  dynamic:\n    title: 工作要闻\n",
                               evidence_changes("COLUMN_STALE", "工作动态0", "category_title", "动态要闻", "工作要闻"),
                               columns("工作动态")),
    "categories.*.names": Case("categories:\n  dynamic:\n    names: [政务快讯]\n",
                               absent_then("COLUMN_STALE", "政务快讯0", category="dynamic"), columns("政务快讯")),
    "categories.*.window": Case("categories:\n  dynamic:\n    window: {days: 30}\n",
                                present_then_gone("COLUMN_STALE", "工作动态0"), columns("工作动态", age=20)),
    "categories.*.level1_only": Case("categories:\n  notice:\n    level1_only: false\n",
                                     absent_then("COLUMN_STALE", "通知公告0"), columns("通知公告", age=240, level=2)),
    "categories.*.key": Case("categories:\n  dynamic:\n    key: false\n", count_changes("key_stale", 1, 0),
                             columns("工作动态")),
    "categories.*.should_update": Case("categories:\n  personnel:\n    should_update: false\n",
                                       count_changes("should_update_stale", 1, 0),
                                       columns("人事任免", age=400, level=2)),
    "categories.*.static": Case("categories:\n  statistics:\n    static: true\n",
                                present_then_gone("COLUMN_BLANK", "统计信息0"), columns("统计信息", age=None)),
    # the site's only board is a 县长信箱: without the flag its letters no longer count as a channel
    "categories.*.enquiry": Case("categories:\n  enquiry:\n    enquiry: false\n",
                                 absent_then("NO_ENQUIRY_CHANNEL"), PENDING_3_WORKDAYS),
    "categories.*.reply_workdays": Case("categories:\n  enquiry:\n    reply_workdays: 2\n",
                                        absent_then("ENQUIRY_UNANSWERED", "县长信箱", limit_workdays=2),
                                        PENDING_3_WORKDAYS),
    # mandatory columns (each entry replaces the portal list)
    "mandatory.*.name": Case(MANDATORY % MISSING_OVERVIEW.replace("name: 概况信息", "name: 县情概况"),
                             absent_then("COLUMN_MISSING", "县情概况", expected="县情概况")),
    "mandatory.*.categories": Case(MANDATORY % "name: 概况信息, categories: [statistics]",
                                   present_then_gone("COLUMN_MISSING", "概况信息"), columns("统计信息")),
    "mandatory.*.aliases": Case(MANDATORY % (MISSING_OVERVIEW + ", aliases: [县情速览]"),
                                present_then_gone("COLUMN_MISSING", "概况信息"), columns("县情速览", age=None)),
    "mandatory.*.kind": Case(MANDATORY % (MISSING_OVERVIEW + ", kind: channel"),
                             present_then_gone("COLUMN_MISSING", "概况信息")),
    "mandatory.*.offsite": Case(MANDATORY % (MISSING_OVERVIEW + ", offsite: [service]"),
                                present_then_gone("COLUMN_MISSING", "概况信息"), entrance("service")),
    # the content rules' block (checks/contentconf.py; its keys: tests/test_content_rules.py)
    "content": Case("content:\n  severity:\n    typo: warn\n", severity_of("CONTENT_WORDING", "veto", "warn"),
                    typo_in_a_title),
    "mandatory.*.basis": Case(MANDATORY % MISSING_OVERVIEW.replace("国办发〔2017〕47号", "本省考评细则第三条"),
                              evidence_changes("COLUMN_MISSING", "概况信息", "basis", "国办发〔2017〕47号",
                                               "本省考评细则第三条")),
}


@pytest.mark.parametrize("key", [pytest.param(k, marks=CASES[k].marks if k in CASES else [])
                                 for k in documented_keys()])
def test_every_documented_key_has_its_effect(tmp_path, key):
    assert key in CASES, f"profile key {key!r} is documented but no case here shows what it changes"
    case = CASES[key]
    layer = case.layer if case.layer.startswith("extends:") else "extends: gb2019\n" + case.layer
    before = judge(tmp_path / "gb2019", case, None)
    after = judge(tmp_path / "changed", case, layer)
    case.check(before, after)


def test_no_case_for_a_key_that_is_not_documented():
    assert set(CASES) <= set(documented_keys())


def test_a_mistyped_threshold_is_refused_with_its_line(tmp_path):
    from checks.profile import ProfileError
    path = tmp_path / "local.yaml"
    path.write_text("extends: gb2019\nthresholds:\n  blank_vetoo: 3\n", encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        load_profile(str(path))
    assert "第3行" in str(err.value) and "thresholds.blank_vetoo" in str(err.value)
    with pytest.raises(ProfileError, match="未知阈值"):
        load_profile("gb2019").with_overrides({"overrides": {"thresholds": {"blank_vetoo": 3}}})


def test_rule_descriptions_and_the_verdict_show_the_profile_figures(tmp_path):
    """No number in a rule's description or the verdict's reason that is really a setting: each is
    filled in from the profile in force (before: 达到5%, 2周, 5个, 10个, 1月31日 were written in)."""
    from checks.verdict import site_verdict
    path = tmp_path / "local.yaml"
    path.write_text("extends: gb2015\nhome_window_days: 7\nthresholds:\n  unreachable_share: 0.025\n"
                    "  key_stale_veto: 3\n  should_update_veto: 8\n  blank_veto: 4\n  low_volume_per_month: 3\n"
                    "  unreachable_timeout_s: 10\n  unreachable_min_daily_polls: 24\n"
                    'annual_report:\n  department: "02-28"\n  government: "04-30"\n'
                    "categories:\n  dynamic:\n    window: {days: 10}\n", encoding="utf-8")
    local = load_profile(str(path))
    rows = {line.split(" | ")[0].strip("| `"): line for line in rules_markdown(load_builtin_rules(), local).splitlines()
            if line.startswith("| `")}
    assert "每天至少探测24次，首页超过10秒仍无法打开的次数占比达到2.5%" in rows["SITE_UNREACHABLE"]
    assert "首页展示的信息中没有近1周内发布的" in rows["HOME_STALE"]
    assert ("动态要闻类栏目超过10天、通知公告/政策文件类栏目超过6个月、人事信息/规划计划类栏目超过1年未更新。"
            "动态要闻与通知公告/政策文件类栏目合计不更新达到3个、应更新栏目不更新达到8个的，单项否决") in rows["COLUMN_STALE"]
    assert "空白栏目达到4个的，单项否决" in rows["COLUMN_BLANK"]
    assert "每月至少发布3条信息" in rows["COLUMN_LOW_VOLUME"]
    assert "部门2月28日前，政府本级4月30日前" in rows["ANNUAL_REPORT_MISSING"]
    for code, row in rows.items():   # (the ENQUIRY_* rules, in checks/rules_enquiries.py, are not covered here)
        assert code.startswith("ENQUIRY_") or not [w for w in ("2周", "达到5%", "≥5%", "5个", "10个", "1月31日")
                                                   if w in row], row
    stale = [{"code": "COLUMN_STALE", "severity": "deduct", "url": f"http://x.gov.cn/{i}/",
              "evidence": {"category": "dynamic", "key": True, "should_update": True}} for i in range(3)]
    reason = site_verdict(stale, profile=local)["reason"]
    assert "动态要闻类栏目10天内、通知公告/政策文件类栏目6个月内未更新共3个，达到3个的否决线" in reason, reason
