"""链接可用性 as the reports show it: the broken links (the LINK_BROKEN findings, homepage first) and
the counts of what the crawl checked.

Why from the findings and not the `links` table: a report shows what the checks judged — a link an
office marked 已确认忽略 or one resolved since, with its first-seen day — and only labels and orders
it. The crawl's own figures (links checked, 无法核实) come from `link_runs`.
"""
from __future__ import annotations

from reports.labels import ACTIVE_STATUSES

SCOPE_ORDER = {"home": 0, "inner": 1, "external": 2}
WHERE = {"home": "首页", "inner": "其他页面", "external": "站外链接"}


def link_runs(db, run_id: int | None) -> dict[str, dict]:
    """The crawl's `link_runs` rows by site (empty for a run that checked no links)."""
    if run_id is None:
        return {}
    cursor = db.execute("select * from link_runs where run_id = ?", [run_id])
    names = [d[0] for d in cursor.description]
    return {row["site_id"]: row for row in (dict(zip(names, r, strict=True)) for r in cursor)}


def _row(f: dict) -> dict:
    ev = f["evidence"]
    scope = ev.get("scope") or "inner"
    return {"scope": scope, "where": WHERE.get(scope, scope), "url": ev.get("link_url") or f["url"] or "",
            "text": ev.get("text") or "", "kind": ev.get("kind_label") or ev.get("kind") or "",
            "reason": ev.get("reason_label") or "", "error": ev.get("error") or "",
            "status": ev.get("status"), "pages": ev.get("pages") or 0, "found_on": ev.get("found_on") or [],
            "first_seen": f["first_seen"], "severity": f["severity"], "severity_label": f["severity_label"],
            "status_label": f["status_label"], "unverified": f["unverified"]}


def link_view(findings: list[dict], run_row: dict | None) -> dict:
    """A site's broken links (active LINK_BROKEN findings: homepage, other pages, other hosts; the
    most-carried first) and counts; `checked` False when the run did not check its links."""
    rows = sorted((_row(f) for f in findings if f["code"] == "LINK_BROKEN" and f["status"] in ACTIVE_STATUSES),
                  key=lambda r: (SCOPE_ORDER.get(r["scope"], 3), -r["pages"], r["url"]))
    counts = {scope: sum(r["scope"] == scope for r in rows) for scope in SCOPE_ORDER}
    run = run_row or {}
    view = {"checked": run_row is not None, "rows": rows, "broken": len(rows), **counts,
            "links": run.get("links") or 0, "unverified": run.get("unverified") or 0,
            "external_checked": bool(run.get("external")), "note": run.get("note") or ""}
    view["summary"] = summary_text(view)
    return view


def summary_text(view: dict) -> str:
    """One line for a site: 首页2个、其他页面5个不可用链接（已检查300个链接，无法核实3个）."""
    if not view["checked"]:
        return "本次未检查链接"
    parts = [f"{WHERE[s]}{view[s]}个" for s in SCOPE_ORDER if view[s]]
    head = ("、".join(parts) + "不可用链接") if parts else "未发现不可用链接"
    tail = f"已检查{view['links']}个链接" + (f"，无法核实{view['unverified']}个" if view["unverified"] else "")
    return f"{head}（{tail}）"
