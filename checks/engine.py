"""Turns one run's stored crawl data into findings, with a life across runs.

Every finding gets a fingerprint from what it is about (site + code + column/letter identity),
never from the run, so the same problem seen again is `open`, and an office's accepted/ignored mark
follows it. A problem no longer seen is `resolved` only when this run read again what raised it
(the rule's `needs`, asked of the run by `SiteContext.rereads`): a daily run that read only a
column's first page cannot resolve a low-volume finding or a letter on page 2. Otherwise the
finding is carried forward still open, marked 未复核 with the day it was last verified. A site
whose homepage could not be fetched gets only SITE_UNREACHABLE, and a column that could not be read
gets only EXTRACTION_FAILED: a failed fetch never becomes a stale or blank finding.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
from datetime import date

from checks import figures, runrows
from checks.context import Finding, SiteContext
from checks.registry import RULES, load_builtin_rules
from checks.shapes import BoardStats, ColumnSummary, SiteDetails

log = logging.getLogger(__name__)

ALWAYS = ("SITE_UNREACHABLE",)
OPEN_STATUSES = ("new", "open", "ignored", "accepted")
# evidence a carried-forward finding gets, and the suffix its message gets
UNVERIFIED_KEYS = ("unverified", "unverified_since", "last_verified")
MARK_KEYS = ("mark_reason", "mark_by", "mark_at")
UNVERIFIED_SUFFIX_RE = re.compile(r"（本次未复核(?:，最近核实于 \d{4}-\d{2}-\d{2})?）$")


def fingerprint(site_id: str, code: str, subject: str) -> str:
    return hashlib.sha1(f"{site_id}|{code}|{subject}".encode(), usedforsecurity=False).hexdigest()[:16]


def judge_site(store, run: dict, site: dict, *, as_of: date, profile, calendar,
               rubric=None) -> dict:
    """One site judged and written: a batch of one (`judge_run` judges batches of them)."""
    load_builtin_rules()
    return _judge_batch(store, run, [site], runrows.previous_runs(store, run["id"]), store.marks(),
                        as_of=as_of, profile=profile, calendar=calendar, rubric=rubric)[0]


def _judge_batch(store, run: dict, sites: list[dict], prev_runs: dict[str, int], marks: dict, *,
                 as_of: date, profile, calendar, rubric) -> list[dict]:
    """Sites judged from their rows, read one query per table for the batch, and written in one
    transaction."""
    ids = [s["id"] for s in sites]
    rows = runrows.load(store, run["id"], ids)
    previous = runrows.previous_findings(store, {sid: prev_runs.get(sid) for sid in ids})
    results, written = [], []
    for site in sites:
        result, write = _judge(store, run, site, rows[site["id"]], previous[site["id"]], marks,
                               as_of=as_of, profile=profile, calendar=calendar, rubric=rubric)
        results.append(result)
        written.append(write)
    runrows.write(store, run["id"], written)
    return results


def _judge(store, run: dict, site: dict, site_rows, previous: list[dict], marks: dict, *,
           as_of: date, profile, calendar, rubric) -> tuple[dict, tuple]:
    """A site's result, and what is to be written for it (its batch is written at once)."""
    from checks.scoring import score_site
    from checks.verdict import site_verdict

    prof = profile.with_overrides(site) if hasattr(profile, "with_overrides") else profile
    ctx = SiteContext(store=store, run=run, site=site, as_of=as_of, profile=prof,
                      calendar=calendar, rows=site_rows)
    rows = _rule_findings(ctx)
    rows = _lifecycle(rows, as_of, ctx, previous, marks)
    current = [r for r in rows if r["status"] != "resolved"]
    unverified = sum(1 for r in current if r["code"] == "EXTRACTION_FAILED")
    verdict = site_verdict(current, profile=prof, unverified=unverified,
                           unreachable=ctx.unreachable)
    scorecard = score_site(current, rubric, verdict) if rubric is not None and not ctx.unreachable else None
    boards = _board_stats(store, ctx)
    from checks.rules_site import availability
    details = SiteDetails(verdict=verdict, scorecard=scorecard, columns=_column_summary(ctx),
                          availability=availability(ctx), unreachable=ctx.unreachable,
                          estimated_workdays=sorted(getattr(calendar, "estimated_years", set()) or []))
    result = {"verdict": verdict["verdict"], "score": scorecard["total"] if scorecard else None,
              "rubric": getattr(rubric, "name", None), "profile": getattr(prof, "name", None),
              "details": json.dumps(details, ensure_ascii=False, default=str)}
    return ({"site": site["id"], "verdict": verdict["verdict"], "findings": rows, "score": result["score"]},
            (site["id"], rows, result, boards))


def _rule_findings(ctx: SiteContext) -> list[dict]:
    """Every rule's findings on the site, fingerprinted (SITE_UNREACHABLE alone on a site that
    could not be opened)."""
    raw: list[tuple[object, Finding]] = []
    for code, r in RULES.items():
        if ctx.unreachable and code not in ALWAYS:
            continue
        try:
            for f in r.func(ctx) or ():
                raw.append((r, f))
        except Exception:  # noqa: BLE001 - one broken rule must not lose the others
            log.exception("rule %s failed on site %s", code, ctx.site["id"])
    site_id = ctx.site["id"]
    return [{"fingerprint": fingerprint(site_id, f.code, f.subject), "code": f.code,
             "severity": f.severity or r.severity, "column": f.column, "url": f.url,
             "message": f.message, "evidence": f.evidence} for r, f in raw]


def _lifecycle(rows, as_of, ctx, previous: list[dict], marks: dict) -> list[dict]:
    """Status of each finding against the site's findings in the previous complete run that judged
    it (`previous`). A previous open finding this run did not raise again is resolved only if this
    run read what it needs (its rule's `needs`); otherwise, like one raised again from a reading the
    rule itself marks unverified, it is carried forward open and 未复核, keeping the earliest day it
    was last verified."""
    prev = {p["fingerprint"]: p for p in previous}
    prev = {fp: p for fp, p in prev.items() if p["status"] in OPEN_STATUSES}
    today = as_of.isoformat()
    out, seen, partial = [], set(), set()
    for r in rows:
        p = prev.get(r["fingerprint"])
        if r["evidence"].get("unverified") and p is not None and _last_verified(p):
            partial.add(r["fingerprint"])   # a hint from a partial reading: the verified one stays
            continue
        seen.add(r["fingerprint"])
        r["status"], r["first_seen"] = ("open", p["first_seen"]) if p is not None else ("new", today)
        r["last_seen"] = today
        out.append(_marked(r, marks))
    for fp, p in prev.items():
        if fp in seen:
            continue
        rule = RULES.get(p["code"])
        message = UNVERIFIED_SUFFIX_RE.sub("", p["message"] or "")
        base = {"fingerprint": fp, "code": p["code"], "severity": p["severity"], "column": p["column"],
                "url": p["url"], "first_seen": p["first_seen"], "last_seen": p["last_seen"]}
        if fp not in partial and ctx.rereads(rule.needs if rule else "column", p["evidence"]):
            evidence = {k: v for k, v in p["evidence"].items() if k not in UNVERIFIED_KEYS}
            out.append(dict(base, message=message, status="resolved",
                            evidence=dict(evidence, resolved_on=today)))
            continue
        verified = _last_verified(p)
        evidence = {k: v for k, v in p["evidence"].items() if k not in MARK_KEYS}
        since = evidence.get("unverified_since") if evidence.get("unverified") else None
        evidence.update(unverified=True, last_verified=verified, unverified_since=since or today)
        suffix = f"（本次未复核，最近核实于 {verified}）" if verified else "（本次未复核）"
        out.append(_marked(dict(base, message=message + suffix, status="open", evidence=evidence),
                           marks))
    return out


def _last_verified(finding: dict) -> str | None:
    """The last day a run judged this finding: the day it was last raised, or, for one carried
    forward, the day recorded then (None for a hint never verified)."""
    ev = finding["evidence"]
    return ev.get("last_verified") if ev.get("unverified") else finding["last_seen"]


def _marked(row: dict, marks: dict) -> dict:
    """An office's accepted/ignored mark, with its reason, replaces the status."""
    mark = marks.get(row["fingerprint"])
    if mark:
        row["status"] = mark["mark"]
        row["evidence"] = dict(row["evidence"], mark_reason=mark["reason"],
                               mark_by=mark["decided_by"], mark_at=mark["decided_at"])
    return row


def _column_summary(ctx: SiteContext) -> list[ColumnSummary]:
    """Per list column: newest date, days since, category and limit, for the freshness chart
    (computed here with checks/figures.py, drawn by reports)."""
    out: list[ColumnSummary] = []
    for col in ctx.list_columns():
        if col["role"] not in ("list",):
            continue
        cat = ctx.category(col)
        newest = ctx.newest_date(col["key"])
        res = None
        if cat is not None and col["status"] == "ok":
            res = ctx.profile.stale(cat, newest, ctx.as_of, col.get("level"))
        out.append(ColumnSummary(
            key=col["key"], name=col["name"], url=col["url"], level=col.get("level"),
            status=col["status"], category=cat.title if cat else None,
            newest_date=newest.isoformat() if newest else None,
            item_count=col.get("item_count") or col.get("counted_items"),
            days_since=figures.days_since(newest, ctx.as_of),
            limit_days=res["limit_days"] if res else None,
            stale=bool(res and res["stale"]), method=col.get("method")))
    return out


def _board_stats(store, ctx: SiteContext) -> list[dict]:
    from checks.enquiry_metrics import board_metrics
    from checks.rules_enquiries import deadline_for
    out = []
    by_board: dict[str, list[dict]] = {}
    for e in ctx.enquiries:
        by_board.setdefault(e["board_key"], []).append(e)
    for b in ctx.boards():
        letters = by_board.get(b["key"], [])
        try:
            metrics = board_metrics(letters, as_of=ctx.as_of, period=(ctx.lookback_start, ctx.as_of),
                                    calendar=ctx.calendar, deadline_workdays=deadline_for(ctx, b))
        except Exception:  # noqa: BLE001
            log.exception("board metrics failed for %s", b["url"])
            continue
        stats = BoardStats(**metrics, **{"class": b.get("board_class")})
        out.append({"run_id": ctx.run["id"], "site_id": ctx.site["id"], "board_key": b["key"],
                    "board": b["name"], "url": b["url"],
                    "stats": json.dumps(stats, ensure_ascii=False, default=str)})
    return out


def judge_run(store, run_id: int, *, as_of: date | None = None, profile_name: str = "gb2019",
              rubric_name: str | None = "gb2019", holiday_file: str | None = None,
              site_ids: list[str] | None = None) -> list[dict]:
    from checks.profile import load_profile
    from checks.scoring import load_rubric
    from checks.workdays import WorkCalendar

    run = store.run(run_id)
    as_of = as_of or date.fromisoformat(run["as_of"])
    profile = load_profile(profile_name)
    rubric = load_rubric(rubric_name) if rubric_name else None
    calendar = WorkCalendar(holiday_file)
    ids = list(dict.fromkeys(site_ids or store.crawled_sites(run_id)))   # a site judged twice would be written twice
    load_builtin_rules()
    prev_runs = runrows.previous_runs(store, run_id)
    marks = store.marks()
    results = []
    for batch in runrows.batches(ids):
        configs = runrows.site_configs(store, batch)
        results += _judge_batch(store, run, [configs[sid] for sid in batch], prev_runs, marks,
                                as_of=as_of, profile=profile, calendar=calendar, rubric=rubric)
    years = sorted(getattr(calendar, "estimated_years", set()) or [])
    if years:
        log.warning("没有%s年的节假日数据，工作日按周末估算（可用 --holidays 提供节假日文件）",
                    "、".join(map(str, years)))
    return results
