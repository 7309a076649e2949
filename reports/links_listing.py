"""`govwatch links`: what a run's link check found on each site, on the terminal.

Why a listing of the stored rows and not of the findings: it answers an engineer's or an office's
"which links, and why" right after a crawl, judged or not — the broken links with their reason,
status and the pages that carry them, then those that could not be verified; `--all` adds the
links that failed once and worked when tried again. The first-seen day comes from the run's
LINK_BROKEN findings where the run was judged.
"""
from __future__ import annotations

import json

from rich.console import Console
from rich.text import Text

from crawler.linkcheck.classify import REASONS
from reports.links import WHERE
from reports.terminal import columns_console

RESULT_ORDER = {"broken": 0, "unverified": 1, "unchecked": 2, "ok": 3}
RESULT_HEADS = {"broken": "不可用链接", "unverified": "无法核实（不计为不可用）", "unchecked": "未检查",
                "ok": "首次检查失败、复查正常"}
FOUND_ON_SHOWN = 3


def stored_links(store, run_id: int, site_id: str, everything: bool = False) -> tuple[dict | None, list[dict]]:
    """(the site's `link_runs` row or None, its `links` rows: broken first, homepage first, the
    most-carried first; working links only with `everything`)."""
    runs = store.rows("link_runs", "run_id = ? and site_id = ?", [run_id, site_id])
    rows = store.rows("links", "run_id = ? and site_id = ?", [run_id, site_id])
    if not everything:
        rows = [r for r in rows if r["result"] != "ok"]
    first_seen = {f["url"]: f["first_seen"] for f in store.findings(run_id, site_id) if f["code"] == "LINK_BROKEN"}
    for r in rows:
        r["found_on"] = json.loads(r["found_on"] or "[]")
        r["first_seen"] = first_seen.get(r["url"])
        r["where"] = WHERE["external"] if r["external"] else WHERE["home"] if r["on_home"] else WHERE["inner"]
    rows.sort(key=lambda r: (RESULT_ORDER.get(r["result"], 9), r["external"], not r["on_home"], -r["pages"], r["url"]))
    return (runs[0] if runs else None), rows


def _counts_line(run: dict, rows: list[dict]) -> str:
    broken = [r for r in rows if r["result"] == "broken"]
    home = sum(r["on_home"] and not r["external"] for r in broken)
    shapes = "；".join(s.get("note", "") for s in json.loads(run.get("shape") or "[]")[:1])
    line = (f"已检查链接 {run['links']} 个：不可用 {len(broken)} 个（首页 {home} 个，其他 {len(broken) - home} 个），"
            f"无法核实 {run['unverified']} 个；请求 {run['requests']} 次")
    return line + (f"；{shapes}" if shapes else "") + (f"；{run['note']}" if run.get("note") else "")


def print_links(run: dict, sites: list[tuple[dict, dict | None, list[dict]]], console: Console | None = None) -> None:
    """Per site: the counts, then each link (its reason first, then where it is carried)."""
    console = console or columns_console()   # piped: lines as long as they are (URLs are never cut)
    console.print(Text(f"巡检批次 {run['id']}（截至 {run.get('as_of') or ''}）的链接检查", style="bold"))
    for site, checked, rows in sites:
        console.print()
        console.print(Text(f"{site['name']}（{site['id']}） {site.get('url') or ''}", style="bold"))
        if checked is None:
            console.print(Text("本次巡检未检查该网站的链接（日常巡检，或关闭了链接检查）"))
            continue
        console.print(Text(_counts_line(checked, rows)))
        shown = None
        for r in rows:
            if r["result"] != shown:
                shown = r["result"]
                console.print(Text(f"{RESULT_HEADS.get(shown, shown)}：", style="bold"))
            reason = REASONS.get(r["reason"] or "", "") if r["result"] != "ok" else "复查正常"
            console.print(Text(f"  [{r['where']}] {reason} {r['url']}" + (f"  “{r['text']}”" if r["text"] else "")))
            pages = "，".join(r["found_on"][:FOUND_ON_SHOWN]) + (" 等" if r["pages"] > FOUND_ON_SHOWN else "")
            seen = f"；首次发现 {r['first_seen']}" if r.get("first_seen") else ""
            console.print(Text(f"      {r['error'] or ''}；{r['pages']} 个页面含此链接：{pages}{seen}"))
        if not rows:
            console.print(Text("未发现不可用或无法核实的链接"))
