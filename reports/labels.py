"""Chinese display labels and the rule texts shown beside findings.

Reports never judge: every label here translates a value the checks already stored. Rule texts come
from the registry so the wording an office reads in the 整改清单 is the same `govwatch rules` prints.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

SEVERITY_LABELS = {"veto": "单项否决", "deduct": "扣分", "warn": "提示"}
SEVERITY_ORDER = ("veto", "deduct", "warn")
STATUS_LABELS = {"new": "新发现", "open": "未整改", "resolved": "已整改",
                 "ignored": "已确认忽略", "accepted": "已确认接受"}
STATUS_ORDER = ("new", "open", "resolved", "ignored", "accepted")
# Findings an office still has to act on (counted in trends and severity totals).
ACTIVE_STATUSES = ("new", "open")
INCOMPLETE_BANNER = "本次巡检未完成，结果不完整"
# Offices read Beijing time; the store keeps UTC (crawler/store.py) and findings.json keeps ISO.
BEIJING = ZoneInfo("Asia/Shanghai")
TIME_NOTE = "（北京时间）"
# 网站类型 (sites.kind), as checks/docs.py names them
KIND_LABELS = {"portal": "政府门户网站", "department": "部门网站", "township": "乡镇（街道）网站"}
MODE_LABELS = {"sweep": "全面巡检", "daily": "日常监测", "crawl": "采集", "check": "检查",
               "run": "巡检", "demo": "演示"}


def beijing_time(value: str | None) -> str:
    """A stored ISO date-time (UTC or any offset; without one, UTC) as people read it: Beijing
    time, "2026-11-28 07:30". "" when there is none; text that is not a date-time is shown as it is."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def started_phrase(started: str | None, lead: str = "") -> str:
    """`lead` + "开始于 2026-11-28 07:30（北京时间）" for a run's stored start; "" when it has none."""
    shown = beijing_time(started)
    return f"{lead}开始于 {shown}{TIME_NOTE}" if shown else ""


def severity_label(code: str | None) -> str:
    return SEVERITY_LABELS.get(code or "", code or "")


def kind_label(kind: str | None) -> str:
    return KIND_LABELS.get(kind or "", kind or "")


def status_label(code: str | None) -> str:
    return STATUS_LABELS.get(code or "", code or "")


@lru_cache(maxsize=1)
def _rules() -> dict:
    """The registry, loaded lazily; a missing rules module leaves whatever is registered."""
    try:
        from checks import registry
    except ImportError:
        return {}
    try:
        return registry.load_builtin_rules()
    except ImportError:
        return registry.RULES


def rule_texts(code: str) -> dict:
    """问题类型/依据/整改要求/整改时限 for a code; an unknown code shows the code itself."""
    rule = _rules().get(code)
    if rule is None:
        return {"title": code, "basis": "", "remedy": "", "deadline_days": None}
    return {"title": rule.title or code, "basis": rule.basis or "", "remedy": rule.remedy or "",
            "deadline_days": rule.deadline_days}


def add_days(day: str | None, days: int | None) -> str:
    """An ISO date plus N calendar days, or "" when either is unknown or malformed."""
    if not day or days is None:
        return ""
    try:
        return (date.fromisoformat(str(day)[:10]) + timedelta(days=int(days))).isoformat()
    except (TypeError, ValueError):
        return ""


# Evidence keys shown in the HTML/XLSX; unknown keys are shown as they are.
EVIDENCE_LABELS = {
    "newest_date": "最新信息日期", "days": "距今天数", "limit_days": "时限天数",
    "days_over": "超期天数", "overdue_days": "超期天数", "item_count": "条目数",
    "submitted": "提交日期", "replied": "答复日期", "workdays": "已用工作日",
    "working_days": "已用工作日", "limit_workdays": "时限(工作日)", "deadline": "答复期限",
    "number": "编号", "status_text": "办理状态", "status": "HTTP状态", "target": "失效链接",
    "error": "错误", "expected": "应设栏目", "count": "数量", "probes": "探测次数",
    "failed": "失败次数", "ratio": "失败率", "resolved_on": "整改日期", "category_title": "栏目类别",
    "titles": "标题", "note": "说明", "limit": "时限", "title": "标题", "page_url": "所在页面",
    # a finding carried forward unread (checks/engine.py, the lifecycle)
    "unverified": "未复核", "last_verified": "最近核实日期", "unverified_since": "未复核起始日期",
    # an absence and how much was walked (checks/rules_columns.py absence)
    "pages_checked": "已检查页面数", "columns_seen": "已发现栏目数", "walk_complete": "遍历完整",
    "unread": "无法读取的页面", "walk_note": "抓取说明",
}
