"""Read the JSON blobs the checks store (board stats, scorecards) into rows the renderers share.

Board stats have one shape (checks/shapes.py BoardStats, written by checks/engine.py) and are read
by its names only; a scorecard of another shape is shown generically, any unknown key under its
own name rather than dropped.
"""
from __future__ import annotations

import json

from checks.shapes import BoardStats, Letter
from reports.labels import rule_texts

# Letters still unanswered past the deadline, then letters answered after it.
LETTER_KINDS = (("overdue", "超期未答复"), ("late", "逾期答复"))

SCORE_LABELS = {
    "code": "规则代码", "item": "指标", "name": "指标", "title": "指标", "indicator": "指标",
    "category": "类别", "group": "类别", "max": "分值", "points": "分值", "full": "分值",
    "score": "得分", "got": "得分", "deducted": "扣分", "deduction": "扣分", "deduct": "扣分",
    "cap": "扣分上限", "count": "次数", "veto": "单项否决", "note": "说明", "reason": "说明",
    "detail": "说明",
}


def board_figures(stats: BoardStats | dict) -> dict:
    """收到/已答复/答复率/用时/超期 and the overdue or late letters of one board."""
    stats = stats if isinstance(stats, dict) else {}
    lists: dict[str, list[Letter] | None] = {
        key: stats[key] if isinstance(stats.get(key), list) else None for key, _ in LETTER_KINDS}
    period = stats.get("period")
    return {
        "received": stats.get("received"), "answered": stats.get("answered"),
        "reply_rate": stats.get("answer_rate"), "avg_days": stats.get("mean_workdays"),
        "median_days": stats.get("median_workdays"), "p90_days": stats.get("p90_workdays"),
        "overdue": None if lists["overdue"] is None else len(lists["overdue"]),
        "late": None if lists["late"] is None else len(lists["late"]),
        "pending": stats.get("pending"), "deadline_days": stats.get("deadline_workdays"),
        "period": " 至 ".join(map(str, period)) if isinstance(period, list) else (period or ""),
        "estimated": stats.get("estimated"),
        "letters": [dict(letter, kind=kind, days=letter.get("workdays"))
                    for key, kind in LETTER_KINDS for letter in lists[key] or []
                    if isinstance(letter, dict)],
    }


def percent(value) -> str:
    """A ratio (0.9987) or percentage (99.87) as "99.87%"."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, str):
        return value
    pct = value * 100 if value <= 1 else value
    return f"{pct:.2f}%"


def scorecard_view(card) -> dict:
    """A scorecard as title, summary lines and one table (Chinese headers → cells).

    Reads the checks' rubric scorecard (sections → indicators → deduction lines); any other shape
    (a list of dicts, a mapping) is shown generically rather than dropped.
    """
    if isinstance(card, dict) and isinstance(card.get("indicators"), list):
        return _rubric_view(card)
    headers, rows = scorecard_rows(card)
    return {"title": "", "summary": [], "headers": headers, "rows": rows}


def _rubric_view(card: dict) -> dict:
    sections = {s.get("id"): s for s in card.get("sections") or [] if isinstance(s, dict)}
    headers = ["板块", "指标", "分值", "扣分", "得分", "扣分明细"]
    rows = []
    for ind in card["indicators"]:
        if not isinstance(ind, dict):
            continue
        notes = []
        for d in ind.get("deductions") or []:
            if isinstance(d, dict):
                title = rule_texts(str(d.get("code", "")))["title"]
                notes.append(f"{title}{d.get('count', '')}处，扣{_num(d.get('amount'))}分"
                             + ("（已达上限）" if d.get("capped") else ""))
        if ind.get("cap_applied"):
            notes.append("本指标扣完为止")
        if ind.get("assessed") is False:
            notes.append("未自动检查，按满分计")
        sec = sections.get(ind.get("section"), {})
        rows.append({"板块": sec.get("title") or ind.get("section") or "", "指标": ind.get("title") or ind.get("id"),
                     "分值": ind.get("points"), "扣分": ind.get("deducted"), "得分": ind.get("score"),
                     "扣分明细": "；".join(notes)})
    for sec in sections.values():
        rows.append({"板块": sec.get("title") or sec.get("id"), "指标": "板块小计", "分值": sec.get("points"),
                     "扣分": None, "得分": sec.get("score"), "扣分明细": ""})
    summary = [f"总分 {_num(card.get('total'))} 分（满分 {_num(card.get('base'))}，合格线 "
               f"{_num(card.get('pass_line'))}）"]
    if card.get("vetoed"):
        summary.append("存在单项否决问题")
    if card.get("provisional"):
        summary.append("结论暂定（部分内容未能核实）")
    if card.get("summary"):
        summary.append(str(card["summary"]))
    return {"title": str(card.get("title") or ""), "summary": summary, "headers": headers, "rows": rows}


def _num(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def scorecard_rows(card) -> tuple[list[str], list[dict]]:
    """(Chinese headers, rows) for a generic scorecard: list of dicts, {"items": [...]}, a mapping."""
    if isinstance(card, dict) and isinstance(card.get("items"), list):
        rows = [r for r in card["items"] if isinstance(r, dict)]
        extra = {k: v for k, v in card.items() if k != "items" and not isinstance(v, (dict, list))}
        if extra:
            rows.append({"item": "合计", **extra})
    elif isinstance(card, list):
        rows = [r if isinstance(r, dict) else {"item": r} for r in card]
    elif isinstance(card, dict):
        rows = [dict(v, item=k) if isinstance(v, dict) else {"item": k, "score": v}
                for k, v in card.items()]
    else:
        return [], []
    keys: list[str] = []
    for r in rows:
        keys.extend(k for k in r if k not in keys)
    head = [k for k in keys if k in ("item", "name", "title", "indicator")]
    keys = head + [k for k in keys if k not in head]
    headers: list[str] = []
    for k in keys:
        label = SCORE_LABELS.get(k, k)
        headers.append(label if label not in headers else f"{label}（{k}）")
    return headers, [{h: _cell(r.get(k)) for h, k in zip(headers, keys, strict=False)} for r in rows]


def _cell(value):
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value
