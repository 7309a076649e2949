"""One plain-data view of a run that every renderer shares.

Renderers (JSON, CSV, XLSX, HTML, Markdown, terminal) must agree to the letter, so they all read this
model instead of the store. The model only gathers and labels: verdicts, scores, statuses and messages
are what the checks wrote.
"""
from __future__ import annotations

import json
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from functools import lru_cache

from checks import figures
from checks.shapes import ColumnSummary, SiteDetails
from reports.columns import coverage_text, entrance_rows, entrances_absent, failed_pages, tree_rows
from reports.labels import (
    ACTIVE_STATUSES,
    SEVERITY_ORDER,
    STATUS_ORDER,
    add_days,
    beijing_time,
    kind_label,
    rule_texts,
    severity_label,
    status_label,
)
from reports.links import link_runs, link_view
from reports.notcrawled import not_crawled_view
from reports.rows import RunRows, monthly_counts, trends

log = logging.getLogger(__name__)

TREND_RUNS = 12          # past runs shown in the open-findings trend
AVAILABILITY_DAYS = 7    # probes window (the 普查 "one week" availability rule)
# the checks store the week's probe figures in site_results.details["availability"]
NO_PROBES = {"count": 0, "failed": 0, "ratio": None, "days": AVAILABILITY_DAYS}


def _loads(text) -> dict | list:
    if isinstance(text, (dict, list)):
        return text
    try:
        value = json.loads(text or "{}")
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, (dict, list)) else {}


def _run_ids_with_data(db, run_id: int) -> set[str]:
    ids: set[str] = set()
    for table in ("site_results", "findings", "columns", "board_stats", "fetches"):
        ids.update(r[0] for r in db.execute(
            f"select distinct site_id from [{table}] where run_id = ?", [run_id]))  # noqa: S608 - the table name is one of ours
    return ids


def _finding(row: dict) -> dict:
    texts = rule_texts(row["code"])
    ev = row.get("evidence") or {}
    if not isinstance(ev, dict):
        ev = {"value": ev}
    # 超期天数 of a finding judged in calendar days against a limit (the rule's own figure)
    overdue = figures.days_over(ev.get("days"), ev.get("limit_days"))
    return {
        "code": row["code"], "severity": row["severity"],
        "severity_label": severity_label(row["severity"]),
        # column/url stay None when the rule has none (findings.json shows null)
        "column": row.get("column"), "url": row.get("url"),
        "message": row.get("message") or "", "evidence": ev,
        "status": row["status"], "status_label": status_label(row["status"]),
        "first_seen": row.get("first_seen") or "", "last_seen": row.get("last_seen") or "",
        "fingerprint": row.get("fingerprint") or "",
        "title": texts["title"], "basis": texts["basis"], "remedy": texts["remedy"],
        "deadline_days": texts["deadline_days"],
        "deadline": add_days(row.get("first_seen"), texts["deadline_days"]),
        "newest_date": ev.get("newest_date") or "",
        "overdue_days": overdue,
        "unverified": ev.get("unverified") is True,   # carried forward unread: 未复核
    }


def _column_summaries(details: SiteDetails | dict) -> dict[str, ColumnSummary]:
    """The checks' figures per list column key (checks/engine.py `_column_summary`)."""
    cols = details.get("columns") if isinstance(details, dict) else None
    return {c["key"]: c for c in cols or [] if isinstance(c, dict) and c.get("key")}


def _column_limits(findings: list[dict], summaries: dict[str, ColumnSummary]) -> dict[str, int]:
    """Freshness limit per column key/name/url, as the checks recorded it."""
    limits: dict[str, int] = {}
    for val in summaries.values():
        if val.get("limit_days") is not None:
            for k in ("key", "name", "url"):
                if val.get(k):
                    limits[str(val[k])] = val["limit_days"]
    for f in findings:
        if f["code"] == "COLUMN_STALE" and f["evidence"].get("limit_days") is not None:
            for k in (f["evidence"].get("column_key"), f["column"], f["url"]):
                if k:
                    limits[str(k)] = f["evidence"]["limit_days"]
    return limits


def _stale_keys(findings: list[dict]) -> set[str]:
    """Columns an active COLUMN_STALE finding names (key, name or url)."""
    return {str(k) for f in findings if f["code"] == "COLUMN_STALE" and f["status"] in ACTIVE_STATUSES
            for k in (f["evidence"].get("column_key"), f["column"], f["url"]) if k}


def _columns(stored: list[dict], as_of: str, findings: list[dict],
             details: SiteDetails | dict) -> list[dict]:
    """Every column the crawl stored, with the figures the checks derived: days since the newest
    item and stale from `details["columns"]` (list columns), otherwise from the same functions
    (checks/figures.py) and the findings (a run judged before the summaries were stored)."""
    summaries = _column_summaries(details)
    limits = _column_limits(findings, summaries)
    stale = _stale_keys(findings)
    out = []
    for c in stored:
        names = [k for k in (c["key"], c["name"], c["url"]) if k]
        limit = next((limits[k] for k in names if k in limits), None)
        summary = summaries.get(c["key"])
        out.append({
            "key": c["key"], "name": c["name"] or c["key"] or "", "url": c["url"] or "",
            "level": c["level"], "role": c["role"], "status": c["status"],
            "newest_date": c["newest_date"] or "", "item_count": c["item_count"],
            "method": c["method"],
            "days_since": summary["days_since"] if summary is not None
            else figures.days_since(c["newest_date"], as_of),
            "limit_days": limit,
            "stale": summary["stale"] if summary is not None else any(k in stale for k in names),
        })
    return out


def _monthly(rows: list[tuple[str, str, int]] | None, columns: list[dict]) -> dict:
    """Items per column per month and year (`rows.monthly_counts`): the figures an office copies
    into its 年度报告."""
    if rows is None:
        return {"months": [], "years": [], "columns": []}
    names = {c["key"]: c["name"] for c in columns}
    by_col: dict[str, dict] = {}
    for key, month, n in rows:
        if not month or len(month) < 7:
            continue
        col = by_col.get(key)
        if col is None:
            col = by_col[key] = {"key": key, "name": names.get(key) or key or "",
                                 "months": {}, "years": {}, "total": 0}
        months, years, year = col["months"], col["years"], month[:4]
        months[month] = months.get(month, 0) + n
        years[year] = years.get(year, 0) + n
        col["total"] += n
    months = sorted({m for c in by_col.values() for m in c["months"]})
    years = sorted({y for c in by_col.values() for y in c["years"]})
    order = {c["key"]: i for i, c in enumerate(columns)}
    cols = sorted(by_col.values(), key=lambda c: (order.get(c["key"], 1 << 30), c["name"]))
    year_totals = {y: sum(c["years"].get(y, 0) for c in cols) for y in years}
    return {"months": months, "years": years, "columns": cols, "year_totals": year_totals}


@lru_cache(maxsize=8)
def _profile(name: str):
    """The run's profile; gb2019 (the default) when the file it named can no longer be read."""
    from checks.profile import load_profile
    try:
        return load_profile(name or "gb2019")
    except (ValueError, OSError):
        log.warning("规则配置 %s 无法读取，栏目类别按 gb2019 命名", name)
        return load_profile("gb2019")


@lru_cache(maxsize=64)
def _overridden(profile_name: str, overrides: str):
    """The profile's `classify` under one set of sites-file overrides (JSON), remembering each
    name: a province's sites mostly share their overrides (none) and their column names. None
    when the overrides cannot be read."""
    try:
        profile = _profile(profile_name).with_overrides({"overrides": json.loads(overrides)})
    except ValueError:
        return None
    return lru_cache(maxsize=16384)(profile.classify)


def _classifier(profile_name: str, site: dict):
    """The profile's naming of a column, with the site's sites-file overrides (as the checks do)."""
    config = _loads(site.get("config"))
    overrides = config.get("overrides") if isinstance(config, dict) else None
    classify = _overridden(profile_name, json.dumps(overrides, ensure_ascii=False, sort_keys=True))
    if classify is None:
        log.warning("网站 %s 的覆盖项无法读取，栏目类别不含覆盖项", site.get("id"))
        return _overridden(profile_name, "null")
    return classify


def _seen(run_id: int | None, walk: dict | None, columns: list[dict], entrances: list[dict],
          classify) -> dict:
    return {"run_id": run_id, "columns": tree_rows(columns, classify),
            "walk": walk, "coverage": coverage_text(walk), "failed_pages": failed_pages(walk),
            "entrances": entrance_rows(entrances), "entrances_absent": entrances_absent(walk)}


def seen_view(store, crawl_run: dict | None, site: dict) -> dict:
    """What one run's walk saw on a site: the column tree rows, the coverage line, the pages it
    could not read, the off-site entrances. `site` is a sites row; no run, nothing seen."""
    run_id, site_id = (crawl_run or {}).get("id"), site["id"]
    classify = _classifier((crawl_run or {}).get("profile") or "gb2019", site)
    if not crawl_run:
        return _seen(None, None, [], [], classify)
    return _seen(run_id, store.walk(run_id, site_id), store.judged_columns(run_id, site_id),
                 store.entrances(run_id, site_id), classify)


def _verdict_reason(details: SiteDetails | dict) -> str:
    """The checks' one-sentence explanation of the verdict (结论说明), when they wrote one."""
    v = details.get("verdict")
    return str(v.get("reason") or "") if isinstance(v, dict) else ""


def _counts(findings: list[dict]) -> dict:
    active = [f for f in findings if f["status"] in ACTIVE_STATUSES]
    return {
        "by_severity": {s: sum(f["severity"] == s for f in active) for s in SEVERITY_ORDER},
        "by_status": {s: sum(f["status"] == s for f in findings) for s in STATUS_ORDER},
        "active": len(active),
        "new": sum(f["status"] == "new" for f in findings),
        "resolved": sum(f["status"] == "resolved" for f in findings),
    }


def _unverified(details: SiteDetails | dict, findings: list[dict]) -> int:
    """无法核实: the columns the verdict counted as unread (checks/verdict.py), else the open
    EXTRACTION_FAILED findings of a run judged before the verdict kept its counts."""
    verdict = details.get("verdict")
    counted = verdict.get("counts", {}).get("unverified") if isinstance(verdict, dict) else None
    if isinstance(counted, int):
        return counted
    return sum(f["code"] == "EXTRACTION_FAILED" and f["status"] in ACTIVE_STATUSES for f in findings)


def totals(sites: list[dict]) -> dict:
    """The run's totals over `sites` (all of them, or one owner's for a split report)."""
    verdicts: dict[str, int] = {}
    for s in sites:
        verdicts[s["verdict"] or "未评定"] = verdicts.get(s["verdict"] or "未评定", 0) + 1
    all_findings = [f for s in sites for f in s["findings"]]
    return dict(_counts(all_findings), sites=len(sites), verdicts=verdicts,
                findings=len(all_findings))


def _site(s: dict, rows: RunRows, crawled: dict | None, as_of: str,
          trend: list[tuple[int, str, int]]) -> dict:
    """A site of the model, all but its `monthly` (counted on a thread meanwhile)."""
    sid = s["id"]
    result = rows.result(sid) or {}
    details: SiteDetails | dict = result.get("details") if isinstance(result.get("details"), dict) else {}
    findings = [_finding(r) for r in rows.findings(sid)]
    stored = rows.columns(sid)
    columns = _columns(stored, as_of, findings, details)
    classify = _classifier((crawled or {}).get("profile") or "gb2019", s)
    seen = _seen(crawled["id"], rows.walk(sid), rows.judged_columns(sid, stored),
                 rows.entrances(sid), classify) if crawled else _seen(None, None, [], [], classify)
    kind = s.get("kind") or ""
    return {
        "id": sid, "name": s.get("name") or sid, "url": s.get("url") or "",
        "kind": kind, "kind_label": kind_label(kind), "owner": s.get("owner") or "",
        "region": s.get("region") or "", "code": s.get("code") or "",
        "verdict": result.get("verdict") or "", "score": result.get("score"),
        "verdict_reason": _verdict_reason(details),
        "rubric": result.get("rubric") or "", "profile": result.get("profile") or "",
        # details less its column summaries: `columns` carries them (60,000 dicts a province)
        "scorecard": details.get("scorecard"),
        "details": {k: v for k, v in details.items() if k != "columns"},
        "findings": findings, "counts": _counts(findings),
        "unverified": _unverified(details, findings),
        "columns": columns,
        "boards": [dict(r, stats=_loads(r["stats"])) for r in rows.boards(sid)],
        "availability": details.get("availability") or NO_PROBES,
        "trend": trend,
        "monthly": None,
        "seen": seen,
    }


def build_model(store, run_id: int) -> dict:
    """Everything every renderer needs for one run, as plain dicts and lists."""
    db = store.db
    run = store.run(run_id)   # raises sqlite_utils NotFoundError for an unknown run
    as_of = run.get("as_of") or (run.get("started") or "")[:10]
    prev = store.latest_run(complete_only=True, before=run_id)
    crawled = store.latest_crawled_run(before=run_id + 1)
    crawl_run = crawled["id"] if crawled else None

    known = {s["id"]: s for s in store.sites()}
    wanted = _run_ids_with_data(db, run_id)
    site_ids = [sid for sid in known if sid in wanted] + sorted(wanted - set(known))

    with ThreadPoolExecutor(max_workers=1) as pool:
        counting = pool.submit(monthly_counts, store.path, crawl_run)
        rows = RunRows(db, run_id, crawl_run)
        trend_runs, trend_counts = trends(db, run_id, TREND_RUNS)
        sites = []
        for sid in site_ids:
            s = known.get(sid) or {"id": sid, "name": sid, "url": "", "kind": "", "owner": "",
                                   "code": ""}
            trend = [(r, day, trend_counts.get((r, sid), 0)) for r, day in trend_runs]
            sites.append(_site(s, rows, crawled, as_of, trend))
        monthly = counting.result()
    checked_links = link_runs(db, crawl_run)
    for s in sites:
        s["monthly"] = _monthly(None if crawl_run is None else monthly.get(s["id"], []),
                                s["columns"])
        s["links"] = link_view(s["findings"], checked_links.get(s["id"]))   # 链接可用性 (reports/links.py)

    generated_at = datetime.now(UTC).astimezone().isoformat(timespec="seconds")
    run_trend = [(r, day, sum(n for (rid, _), n in trend_counts.items() if rid == r))
                 for r, day in trend_runs]
    return {
        # *_at and started/finished: ISO as stored; *_text: Beijing time, for people
        "run": {"id": run["id"], "as_of": as_of, "mode": run.get("mode") or "",
                "started": run.get("started") or "", "finished": run.get("finished") or "",
                "started_text": beijing_time(run.get("started")),
                "complete": bool(run.get("complete")), "note": run.get("note") or "",
                "profile": run.get("profile") or "",
                # sites not crawled to the end, and why (reports/notcrawled.py)
                "not_crawled": not_crawled_view(store, run_id, known)},
        "previous_run_id": prev["id"] if prev else None,
        "crawl_run_id": crawl_run,
        "generated_at": generated_at,
        "generated_text": beijing_time(generated_at),
        "sites": sites,
        "trend": run_trend,
        "totals": totals(sites),
    }
