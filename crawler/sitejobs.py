"""Which sites of a run are crawled, and why the others are not (`site_jobs`).

Why a table: a province run over 1,000 sites outlives processes. Interrupted at site 600 it resumes
with the 400 left (`govwatch run --resume`); a site whose crawl kills its process is tried again
and, after N tries, given up and named in the report instead of retried forever. A site is done
when its `walks` row is stored: the crawl writes it last, so a site with one was crawled to the end.
"""
from __future__ import annotations

from crawler.store import now_iso

DONE, PENDING, RUNNING, GIVEN_UP = "done", "pending", "running", "given_up"
STATE_LABELS = {DONE: "已完成", PENDING: "未开始", RUNNING: "抓取中（未完成）", GIVEN_UP: "已放弃"}


def plan(store, run_id: int, site_ids: list[str]) -> None:
    """Every site of the run gets a row (kept as it is on resume)."""
    with store.transaction() as db:
        db.conn.executemany("insert or ignore into site_jobs (run_id, site_id, state, attempts) "
                            "values (?, ?, ?, 0)", [(run_id, sid, PENDING) for sid in site_ids])


def states(store, run_id: int) -> dict[str, dict]:
    return {r["site_id"]: r for r in store.rows("site_jobs", "run_id = ?", [run_id])}


def finished(store, run_id: int, site_ids: list[str] | None = None) -> set[str]:
    """Sites whose crawl ran to its end in this run (their walks row is stored)."""
    done = {r[0] for r in store.db.execute("select site_id from walks where run_id = ?", [run_id])}
    return done if site_ids is None else done & set(site_ids)


def started(store, run_id: int, site_ids: list[str], worker: str | None = None) -> None:
    with store.transaction() as db:
        db.conn.executemany(
            "update site_jobs set state = ?, started = coalesce(started, ?), worker = ? "
            "where run_id = ? and site_id = ?",
            [(RUNNING, now_iso(), worker, run_id, sid) for sid in site_ids])


def attempts(store, run_id: int, site_id: str) -> int:
    row = store.db.execute("select attempts from site_jobs where run_id = ? and site_id = ?",
                           [run_id, site_id]).fetchone()
    return row[0] if row else 0


def settle(store, run_id: int, site_id: str, state: str, *, error: str | None = None,
           worker: str | None = None, tries: int | None = None) -> None:
    """Record an attempt's outcome: one more attempt, or `tries` in all when the attempts were
    counted elsewhere (a distributed run counts them in Redis)."""
    with store.transaction() as db:
        db.execute("update site_jobs set state = ?, error = ?, "
                   "attempts = coalesce(?, attempts + 1), finished = ?, worker = coalesce(?, worker) "
                   "where run_id = ? and site_id = ?",
                   [state, error, tries, now_iso() if state in (DONE, GIVEN_UP) else None,
                    worker, run_id, site_id])


def begun(store, run_id: int) -> list[str]:
    """Sites of the run an earlier attempt started and did not finish: their rows are partial."""
    return [r[0] for r in store.db.execute(
        "select site_id from site_jobs where run_id = ? and started is not null and state not in (?, ?)",
        [run_id, DONE, GIVEN_UP])]


def left(store, run_id: int) -> list[str]:
    """Sites still to crawl: neither done nor given up."""
    return [r[0] for r in store.db.execute(
        "select site_id from site_jobs where run_id = ? and state not in (?, ?) order by site_id",
        [run_id, DONE, GIVEN_UP])]


def not_crawled(store, run_id: int) -> list[dict]:
    """Sites of the run not crawled to the end, with why: what a report names."""
    return [dict(r, state_label=STATE_LABELS.get(r["state"], r["state"]))
            for r in store.rows("site_jobs", "run_id = ? and state != ?", [run_id, DONE], "site_id")]
