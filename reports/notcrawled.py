"""Sites of a run that were not crawled to the end, and why: every report names them.

Why apart: a province run over 1,000 sites can give up a site (its crawl kept dying) or stop before
reaching some (interrupted, not yet resumed). Those sites have no verdict, or one from a partial
crawl, and an office must see that it was govwatch that did not finish — not read their absence
from the list as "no problems".
"""
from __future__ import annotations

from crawler.sitejobs import not_crawled

REASON_FALLBACK = {"pending": "巡检中断，尚未抓取（可用 govwatch run --resume 继续）",
                   "running": "巡检中断时正在抓取，未完成（可用 govwatch run --resume 继续）"}
HEAD = ("网站", "主办单位", "所属地区", "网址", "状态", "尝试次数", "原因")


def not_crawled_view(store, run_id: int, known: dict[str, dict]) -> list[dict]:
    if "site_jobs" not in store.db.table_names():
        return []
    out = []
    for job in not_crawled(store, run_id):
        site = known.get(job["site_id"]) or {}
        out.append({"id": job["site_id"], "name": site.get("name") or job["site_id"],
                    "owner": site.get("owner") or "", "region": site.get("region") or "",
                    "url": site.get("url") or "", "state": job["state"], "state_label": job["state_label"],
                    "attempts": job["attempts"] or 0,
                    "reason": job["error"] or REASON_FALLBACK.get(job["state"], "")})
    return out


def rows(model: dict) -> list[tuple]:
    return [(s["name"], s["owner"], s["region"], s["url"], s["state_label"], s["attempts"], s["reason"])
            for s in model["run"].get("not_crawled") or []]


def markdown(model: dict) -> list[str]:
    items = model["run"].get("not_crawled") or []
    if not items:
        return []
    return [f"**未完成抓取的网站 {len(items)} 个**（没有或只有部分巡检结果）：", "",
            *(f"- {s['name']}（{s['state_label']}，尝试 {s['attempts']} 次）：{s['reason']}" for s in items), ""]


def sheet(w, model: dict) -> None:
    """The 未完成抓取 sheet, only when there are such sites (xlsxwriter `_Writer` of reports/xlsx.py)."""
    data = rows(model)
    if not data:
        return
    ws = w.wb.add_worksheet("未完成抓取")
    w.header(ws, 0, [(h, 40 if h == "原因" else 18) for h in HEAD])
    for r, values in enumerate(data, start=1):
        for c, v in enumerate(values):
            w.cell(ws, r, c, v)
    ws.autofilter(0, 0, len(data), len(HEAD) - 1)
    ws.freeze_panes(1, 0)
