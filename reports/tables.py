"""Read the JSON blobs the checks store (board stats, scorecards) into rows the renderers share.

The checks own these shapes and may add keys; the reports accept the common spellings and show any
unknown scorecard key under its own name rather than dropping it.
"""
from __future__ import annotations

import json

BOARD_KEYS = {
    "received": ("received", "total", "count", "letters"),
    "answered": ("answered", "replied", "answered_count"),
    "reply_rate": ("reply_rate", "answer_rate", "rate"),
    "avg_days": ("avg_working_days", "mean_working_days", "avg_days"),
    "p90_days": ("p90_working_days", "p90_days"),
    "overdue": ("overdue_count", "overdue"),
    "pending": ("pending", "unanswered"),
}
OVERDUE_LIST_KEYS = ("overdue_letters", "overdue", "letters_overdue")
LETTER_DAYS_KEYS = ("working_days", "elapsed_working_days", "days", "waited_days")

SCORE_LABELS = {
    "code": "规则代码", "item": "指标", "name": "指标", "title": "指标", "indicator": "指标",
    "category": "类别", "group": "类别", "max": "分值", "points": "分值", "full": "分值",
    "score": "得分", "got": "得分", "deducted": "扣分", "deduction": "扣分", "deduct": "扣分",
    "cap": "扣分上限", "count": "次数", "veto": "单项否决", "note": "说明", "reason": "说明",
    "detail": "说明",
}


def _first(stats: dict, keys: tuple[str, ...]):
    for k in keys:
        if k in stats and stats[k] is not None:
            return stats[k]
    return None


def board_figures(stats) -> dict:
    """收到/已答复/答复率/平均与90%用时/超期 and the overdue letters of one board."""
    stats = stats if isinstance(stats, dict) else {}
    out = {name: _first(stats, keys) for name, keys in BOARD_KEYS.items()}
    letters = next((stats[k] for k in OVERDUE_LIST_KEYS if isinstance(stats.get(k), list)), [])
    out["overdue_letters"] = [dict(l, days=_first(l, LETTER_DAYS_KEYS))
                              for l in letters if isinstance(l, dict)]
    if isinstance(out["overdue"], list):
        out["overdue"] = len(out["overdue"])
    return out


def percent(value) -> str:
    """A ratio (0.9987) or percentage (99.87) as "99.87%"."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, str):
        return value
    pct = value * 100 if value <= 1 else value
    return f"{pct:.2f}%"


def scorecard_rows(card) -> tuple[list[str], list[dict]]:
    """(Chinese headers, rows) for any scorecard shape: list of dicts, {"items": [...]}, or a mapping."""
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
    return headers, [{h: _cell(r.get(k)) for h, k in zip(headers, keys)} for r in rows]


def _cell(value):
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value
