"""Geometry for the inline SVG charts in report.html (numbers only; the template draws and escapes).

Charts are plain SVG computed here so the report stays one self-contained file with no chart library.
"""
from __future__ import annotations

BAR_HEIGHT = 18
BAR_GAP = 6
LABEL_WIDTH = 170
PLOT_WIDTH = 420
TREND_WIDTH = 560
TREND_HEIGHT = 160
TREND_PAD = 30


def freshness_bars(columns: list[dict]) -> dict:
    """One bar per dated column: days since the newest item, with the column's limit as a tick."""
    cols = [c for c in columns if c.get("days_since") is not None or c.get("limit_days")]
    if not cols:
        return {"bars": [], "height": 0, "width": 0}
    top = max([c["days_since"] or 0 for c in cols] + [c["limit_days"] or 0 for c in cols] + [1])
    scale = PLOT_WIDTH / top
    bars = []
    for i, c in enumerate(cols):
        days, limit = c.get("days_since"), c.get("limit_days")
        bars.append({
            "name": c["name"], "days": days, "limit": limit,
            "y": i * (BAR_HEIGHT + BAR_GAP),
            "width": round(max(days or 0, 0) * scale, 1),
            "limit_x": None if limit is None else round(LABEL_WIDTH + limit * scale, 1),
            # stale as the checks judged it (reports/model.py `_columns`), not recomputed here
            "cls": "over" if c.get("stale") and days is not None else ("ok" if days is not None else "nodate"),
        })
    return {"bars": bars, "label_width": LABEL_WIDTH, "bar_height": BAR_HEIGHT,
            "width": LABEL_WIDTH + PLOT_WIDTH + 90,
            "height": len(cols) * (BAR_HEIGHT + BAR_GAP)}


def trend_line(trend: list) -> dict:
    """Polyline points for open findings over past runs (x: run order, y: count)."""
    if not trend:
        return {"points": [], "polyline": "", "width": 0, "height": 0}
    top = max([n for _, _, n in trend] + [1])
    step = (TREND_WIDTH - 2 * TREND_PAD) / max(len(trend) - 1, 1)
    plot_h = TREND_HEIGHT - 2 * TREND_PAD
    pts = []
    for i, (run_id, as_of, n) in enumerate(trend):
        x = round(TREND_PAD + i * step, 1)
        y = round(TREND_PAD + plot_h - n / top * plot_h, 1)
        pts.append({"x": x, "y": y, "run": run_id, "as_of": as_of, "n": n})
    return {"points": pts, "polyline": " ".join(f"{p['x']},{p['y']}" for p in pts),
            "width": TREND_WIDTH, "height": TREND_HEIGHT, "base": TREND_HEIGHT - TREND_PAD,
            "pad": TREND_PAD, "top": top}
