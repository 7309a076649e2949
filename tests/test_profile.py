"""Profile loading, synonym classification (rules.md A4.3), freshness boundaries, overrides, YAML errors."""
from datetime import date
from pathlib import Path

import pytest

from checks.docs import rules_markdown
from checks.profile import ProfileError, load_profile, normalise_name
from checks.registry import Rule

AS_OF = date(2026, 11, 27)


# rules.md A4.3, row by row: every listed alias classifies into its rule category.
A43 = {
    "dynamic": "政务动态 工作动态 部门动态 本地要闻 要闻动态 政务要闻 今日要闻 图片新闻 区县动态 乡镇动态 基层动态 工作进展 新闻中心 媒体聚焦 委内新闻",
    "notice": "通知公告 公示公告 公告公示 通知 公告 公示 公告栏",
    "policy": "政策文件 政策法规 文件资料 规范性文件 行政规范性文件 部门文件 政府文件 法规公文 政策公开 政策发布",
    "interpretation": "政策解读 解读回应 文件解读 图解政策 政策问答 解读",
    "response": "回应关切 热点回应 舆情回应 新闻发布会 发布实录",
    "personnel": "人事信息 人事任免 干部任免 人事招录 公务员招考 招录信息",
    "planning": "规划计划 计划规划 发展规划 专项规划 计划总结 工作计划",
    "organisation": "机构职能 机构概况 机构设置 机构信息 内设机构 部门职责 主要职责 单位简介",
    "leaders": "负责人信息 领导信息 领导之窗 领导分工 领导简历 领导介绍",
    "overview": "概况信息 走进平潭 平潭概况 区情概况 县情简介",
    "statistics": "数据发布 统计数据 统计信息 数据解读 数据开放",
    "enquiry": "领导信箱 市长信箱 县长信箱 书记信箱 政府信箱 咨询投诉 我要咨询 我要建议 我要投诉 我要举报 网上民声 网络问政 政民互动 公众参与 互动交流",
    "survey": "征集调查 意见征集 民意征集 网上调查 调查征集 决策预公开",
    "interview": "在线访谈 访谈直播 政府开放日",
    "annual_report": "政府信息公开年报 年度报告 工作年报",
    "petition": "网上信访 纪检举报 举报投诉",
}
A43_CASES = [(name, code) for code, names in A43.items() for name in names.split()]


@pytest.mark.parametrize("name,code", A43_CASES)
def test_a43_synonyms_classify(profile, name, code):
    assert profile.classify(name).code == code


@pytest.mark.parametrize("name,code", [
    ("【通知公告】", "notice"), ("通 知 公 告", "notice"), ("通知公告 >>", "notice"),
    ("县政府通知公告", "notice"),       # contains
    ("政策文件解读", "interpretation"), # equal-length tie: the head noun comes last
    ("局长信箱", "enquiry"), ("住建局工作动态", "dynamic"), ("ＸＸ县人事任免", "personnel"),
    ("2025年政府信息公开年报", "annual_report"), ("重点领域信息公开", "key_areas"),
])
def test_classify_decorated_and_contained(profile, name, code):
    assert profile.classify(name).code == code


def test_classify_unknown_and_empty(profile):
    assert profile.classify("友情链接") is None
    assert profile.classify("") is None
    assert normalise_name("  【通知　公告】 ") == "通知公告"


def test_excluded_boards_are_not_enquiry_channels(profile):
    assert profile.classify("网上信访").enquiry is False
    assert profile.classify("在线访谈").enquiry is False
    assert profile.classify("县长信箱").enquiry is True
    assert profile.reply_deadline_workdays(profile.classify("我为政府网站找错")) == 3
    assert profile.reply_deadline_workdays(profile.classify("县长信箱")) == 5


# ------------------------------------------------------------------ freshness boundaries
@pytest.mark.parametrize("age,stale", [(13, False), (14, False), (15, True)])
def test_two_week_window(profile, age, stale):
    result = profile.stale(profile.categories["dynamic"], date.fromordinal(AS_OF.toordinal() - age), AS_OF, 2)
    assert result["stale"] is stale
    assert result["days"] == age
    assert result["limit_days"] == 14


@pytest.mark.parametrize("newest,stale", [(date(2026, 5, 28), False), (date(2026, 5, 27), False),
                                          (date(2026, 5, 26), True)])
def test_six_month_window(profile, newest, stale):
    result = profile.stale(profile.categories["notice"], newest, AS_OF, 1)
    assert result["stale"] is stale
    assert result["limit_days"] == (AS_OF - date(2026, 5, 27)).days == 184


def test_six_month_deadline_is_calendar_period(profile):
    result = profile.stale(profile.categories["policy"], date(2026, 5, 26), AS_OF, 1)
    assert result["deadline"] == date(2026, 11, 26)
    # month ends clamp: 6 months before 31 August is 28 February
    assert profile.stale(profile.categories["policy"], date(2026, 2, 28), date(2026, 8, 31), 1)["stale"] is False
    assert profile.stale(profile.categories["policy"], date(2026, 2, 27), date(2026, 8, 31), 1)["stale"] is True


@pytest.mark.parametrize("newest,stale", [(date(2025, 11, 28), False), (date(2025, 11, 27), False),
                                          (date(2025, 11, 26), True)])
def test_one_year_window(profile, newest, stale):
    result = profile.stale(profile.categories["personnel"], newest, AS_OF, 3)
    assert result["stale"] is stale
    assert result["limit_days"] == 365


def test_six_month_rule_only_for_first_level_columns(profile):
    notice = profile.categories["notice"]
    assert profile.stale(notice, date(2020, 1, 1), AS_OF, 2) is None
    assert profile.stale(notice, date(2020, 1, 1), AS_OF, None) is None
    assert profile.stale(profile.categories["organisation"], None, AS_OF, 1) is None   # no window


def test_never_updated_column_is_stale(profile):
    result = profile.stale(profile.categories["dynamic"], None, AS_OF, 1)
    assert result == {"stale": True, "days": None, "limit_days": 14, "deadline": None, "window": {"days": 14}}


def test_home_window(profile):
    assert profile.home_stale(date(2026, 11, 13), AS_OF)["stale"] is False
    assert profile.home_stale(date(2026, 11, 12), AS_OF)["stale"] is True


def test_annual_report_due(profile):
    assert profile.annual_report_due(2027) == date(2027, 1, 31)
    assert profile.annual_report_due(2027, "government") == date(2027, 3, 31)


def test_category_flags(profile):
    assert profile.categories["dynamic"].key and profile.categories["dynamic"].should_update
    assert profile.categories["notice"].level1_only and profile.categories["policy"].level1_only
    assert not profile.categories["personnel"].key and profile.categories["personnel"].should_update
    assert profile.categories["guide"].static
    assert profile.thresholds["key_stale_veto"] == 5
    assert profile.thresholds["should_update_veto"] == 10
    assert profile.thresholds["blank_veto"] == 5


# ------------------------------------------------------------------ mandatory columns
def test_mandatory_portal(profile):
    entries = profile.mandatory("portal")
    names = [e["name"] for e in entries]
    for part in ("政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "政府信息公开年报"):
        assert part in names
    for art20 in ("财政预决算", "行政事业性收费", "政府采购", "重大建设项目", "规划计划", "人事信息"):
        assert art20 in names
    channel = next(e for e in entries if e["name"] == "互动交流渠道")
    assert channel["categories"] == ["enquiry"] and channel["kind"] == "channel"
    assert "县长信箱" in channel["aliases"]
    guide = next(e for e in entries if e["name"] == "政府信息公开指南")
    assert "公开指南" in guide["aliases"]
    assert len(names) == len(set(names))


def test_mandatory_by_kind(profile):
    portal = {e["name"] for e in profile.mandatory("portal")}
    department = {e["name"] for e in profile.mandatory("department")}
    township = {e["name"] for e in profile.mandatory("township")}
    assert "概况信息" in portal and "概况信息" not in department
    assert "政府信息公开指南" in department and "政府信息公开指南" in township
    with pytest.raises(ProfileError, match="网站类型"):
        profile.mandatory("blog")


# ------------------------------------------------------------------ per-site overrides
def test_overrides(profile):
    site = {"name": "某县政府", "url": "http://x.gov.cn", "overrides": {
        "columns": {"工作简报": {"category": "dynamic"}, "历史专题": {"expected": False}},
        "board_deadline_workdays": 3, "not_expected": ["回应关切"]}}
    custom = profile.with_overrides(site)
    assert custom.classify("工作简报").code == "dynamic"
    assert profile.classify("工作简报") is None                  # the shared profile is untouched
    assert custom.classify("历史专题") is None
    assert custom.reply_deadline_workdays() == 3 and profile.reply_deadline_workdays() == 5
    assert "回应关切" not in {e["name"] for e in custom.mandatory("portal")}
    assert "回应关切" in {e["name"] for e in profile.mandatory("portal")}
    assert custom.with_overrides({}).classify("工作简报").code == "dynamic"


def test_bad_override_names_site_and_field(profile):
    with pytest.raises(ProfileError) as err:
        profile.with_overrides({"name": "某县政府", "overrides": {"columns": {"工作简报": {"category": "news"}}}})
    assert "某县政府" in str(err.value) and "overrides.columns.工作简报.category" in str(err.value)
    with pytest.raises(ProfileError, match="未知的覆盖项"):
        profile.with_overrides({"overrides": {"home_window": 7}})


# ------------------------------------------------------------------ YAML errors
def _write(tmp_path: Path, text: str, name="local.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_extends_overrides_only_what_differs(tmp_path):
    path = _write(tmp_path, "extends: gb2019\nname: local\nhome_window_days: 10\n"
                            "thresholds:\n  key_stale_veto: 3\n"
                            "categories:\n  dynamic:\n    window: {days: 7}\n"
                            "  bulletin:\n    title: 工作简报\n    names: [工作简报]\n    window: {months: 1}\n")
    local = load_profile(str(path))
    assert local.name == "local" and local.home_window_days == 10
    assert local.thresholds["key_stale_veto"] == 3 and local.thresholds["blank_veto"] == 5
    assert local.categories["dynamic"].window == {"days": 7} and local.categories["dynamic"].key
    assert local.classify("工作简报").code == "bulletin"
    assert local.classify("政务要闻").code == "dynamic"


@pytest.mark.parametrize("text,line,field,words", [
    ("name: x\ncategories:\n  dynamic:\n    title: 动态\n    window: {weeks: 2}\n", 5, "categories.dynamic.window", "时间窗"),
    ("name: x\nthresholds:\n  blank_veto: five\n", 3, "thresholds.blank_veto", "阈值"),
    ("name: x\nhome_window: 14\n", 2, "home_window", "未知字段"),
    ("name: x\ncategories:\n  dynamic:\n    title: 动态\n    key: yes please\n", 5, "categories.dynamic.key", "true 或 false"),
    ("name: x\ncategories:\n  a:\n    title: 甲\n    names: [通知]\n  b:\n    title: 乙\n    names: [公告, 通知]\n",
     8, "categories.b.names.1", "同时出现"),
    ("name: x\ncategories:\n  a: {title: 甲}\nmandatory:\n  portal:\n    - {name: 甲, categories: [a]}\n"
     "    - {name: 乙, categories: [zzz]}\n", 7, "mandatory.portal.1.categories.0", "未知类别"),
    ("name: x\nannual_report:\n  department: 1-31\n", 3, "annual_report.department", "MM-DD"),
    ("name: x\ncategories:\n  newcat:\n    names: [新栏目]\n", 3, "categories.newcat", "title"),
])
def test_yaml_errors_name_file_line_field(tmp_path, text, line, field, words):
    path = _write(tmp_path, text)
    with pytest.raises(ProfileError) as err:
        load_profile(str(path))
    exc = err.value
    assert exc.file == str(path) and exc.line == line and exc.field == field
    message = str(exc)
    assert "local.yaml" in message and f"第{line}行" in message and field in message and words in message


def test_yaml_syntax_error_has_line(tmp_path):
    path = _write(tmp_path, "name: x\ncategories:\n  dynamic: [unclosed\n  notice: {}\n")
    with pytest.raises(ProfileError) as err:
        load_profile(str(path))
    assert err.value.line in (3, 4) and "YAML 语法错误" in str(err.value)


def test_unknown_profile_name_and_bad_extends(tmp_path):
    with pytest.raises(ProfileError, match="gb2019"):
        load_profile("no-such-profile")
    path = _write(tmp_path, "name: x\nextends: gb1999\n")
    with pytest.raises(ProfileError) as err:
        load_profile(str(path))
    assert err.value.line == 2 and "gb1999" in str(err.value)


def test_missing_file(tmp_path):
    with pytest.raises(ProfileError, match="无法读取"):
        load_profile(str(tmp_path / "absent.yaml"))


# ------------------------------------------------------------------ generated docs
def test_rules_markdown_shows_current_thresholds(profile):
    rules = {"COLUMN_STALE": Rule("COLUMN_STALE", "栏目不更新", "国办秘函〔2019〕19号", "deduct", "及时更新栏目",
                                  10, "重点栏目超过时间窗未更新", ("thresholds.key_stale_veto",))}
    custom = profile.with_overrides({"overrides": {"thresholds": {"key_stale_veto": 3}}})
    page = rules_markdown(rules, custom)
    assert "`COLUMN_STALE`" in page and "栏目不更新" in page and "扣分" in page
    assert "thresholds.key_stale_veto = 3" in page
    assert "| `dynamic` | 动态要闻 | 2周 |" in page
    assert "6个月（仅一级栏目）" in page and "政府信息公开指南" in page


def test_gb2015_applies_six_months_to_every_level():
    gb2015 = load_profile("gb2015")
    assert gb2015.name == "gb2015" and gb2015.thresholds["key_stale_veto"] == 5
    result = gb2015.stale(gb2015.categories["notice"], date(2026, 5, 26), AS_OF, 2)
    assert result["stale"] is True
    assert gb2015.classify("公示公告").code == "notice"


def test_family_planning_is_not_a_planning_column(profile):
    assert profile.classify("计划生育") is None
    assert profile.classify("年度计划").code == "planning"
