"""A run's stored rows, read with one query per table and handed out per site.

A province run has 1,000–3,000 sites: asking the store once per site and table made `report` spend
most of its time in SQLite round trips (and parse each site's `details` twice). The model asks
here instead; each method answers exactly what the per-site store call it replaces answered, in
the same order. Each site's rows are handed out once (and let go of): a province run's columns
alone are 60,000+ rows.
"""
from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from contextlib import closing
from pathlib import Path

from reports.labels import ACTIVE_STATUSES


def _loads(text, empty):
    if text is None or text == "":
        return empty
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return empty


def _by_site(db, sql: str, args: list) -> dict[str, list[dict]]:
    cursor = db.execute(sql, args)
    names = [d[0] for d in cursor.description]
    grouped: dict[str, list[dict]] = defaultdict(list)
    at = names.index("site_id")
    for values in cursor:
        grouped[values[at]].append(dict(zip(names, values, strict=True)))
    return grouped


class RunRows:
    """Rows of the judged run (`run_id`) and of the run whose crawl it judged (`crawl_run`)."""

    def __init__(self, db, run_id: int, crawl_run: int | None):
        self.db, self.run_id, self.crawl_run = db, run_id, crawl_run
        self.results = self._results(run_id)
        self.crawl_results = self.results if crawl_run in (None, run_id) else self._results(crawl_run)
        # by site then id: the (run_id, site_id) index gives that order without a sort
        self._findings = _by_site(db, "select * from findings where run_id = ? "
                                      "order by site_id, id", [run_id])
        self._boards = _by_site(db, "select * from board_stats where run_id = ? "
                                    "order by site_id, board_key", [run_id])
        crawl = [crawl_run]
        self._columns = _by_site(db, "select * from columns where run_id = ? "
                                     "order by site_id, id", crawl)
        self._walks = _by_site(db, "select * from walks where run_id = ?", crawl)
        self._entrances = _by_site(db, "select * from entrances where run_id = ? "
                                       "order by site_id, id", crawl)

    def _results(self, run_id: int) -> dict[str, dict]:
        out = {}
        for r in _by_site(self.db, "select * from site_results where run_id = ?", [run_id]).values():
            row = r[0]
            row["details"] = _loads(row["details"], {})
            out[row["site_id"]] = row
        return out

    def result(self, site_id: str) -> dict | None:
        return self.results.get(site_id)

    def findings(self, site_id: str) -> list[dict]:
        rows = self._findings.pop(site_id, [])
        for r in rows:
            r["evidence"] = _loads(r["evidence"], {})
        return rows

    def boards(self, site_id: str) -> list[dict]:
        return self._boards.pop(site_id, [])

    def columns(self, site_id: str) -> list[dict]:
        return self._columns.pop(site_id, [])

    def judged_columns(self, site_id: str, columns: list[dict]) -> list[dict]:
        """As `Store.judged_columns` of the site's `columns`: with the newest date the checks judged."""
        result = self.crawl_results.get(site_id)
        details = (result or {}).get("details") or {}
        judged = {c["key"]: c.get("newest_date") for c in details.get("columns") or []}
        return [dict(c, newest_date=judged[c["key"]]) if c["key"] in judged else c
                for c in columns]

    def walk(self, site_id: str) -> dict | None:
        rows = self._walks.pop(site_id, None)
        if not rows:
            return None
        return dict(rows[0], failed=_loads(rows[0]["failed"], []))

    def entrances(self, site_id: str) -> list[dict]:
        return self._entrances.pop(site_id, [])


def trends(db, run_id: int, runs: int) -> tuple[list[tuple[int, str]], dict[tuple[int, str], int]]:
    """The last `runs` runs up to `run_id` that have findings, and active findings per (run, site)."""
    recent = db.execute(
        "select r.id, r.as_of from runs r where r.id <= ? and exists "
        "(select 1 from findings g where g.run_id = r.id) order by r.id desc limit ?",
        [run_id, runs]).fetchall()
    ids = [r[0] for r in recent]
    counts: dict[tuple[int, str], int] = {}
    if ids:
        marks = ",".join("?" for _ in ids)
        statuses = ",".join("?" for _ in ACTIVE_STATUSES)
        for rid, sid, n in db.execute(
                f"select run_id, site_id, count(*) from findings where run_id in ({marks}) "  # noqa: S608 - placeholders only
                f"and status in ({statuses}) group by run_id, site_id", [*ids, *ACTIVE_STATUSES]):
            counts[(rid, sid)] = n
    return [(r[0], r[1] or "") for r in reversed(recent)], counts


def monthly_counts(path, crawl_run: int | None) -> dict[str, list[tuple[str, str, int]]]:
    """Per site: (column key, month, distinct items) of the crawl, the homepage left out (it
    repeats items of its columns). Its own read-only connection to the store at `path`: the
    model runs it on a thread while it reads the rest (SQLite lets go of the GIL while it works,
    and grouping a province's million items is a second or more of it)."""
    if crawl_run is None:
        return {}
    out: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    with closing(sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True,
                                 timeout=30)) as db:
        rows = db.execute(
            "select site_id, column_key, substr(date, 1, 7) as month, "
            "count(distinct coalesce(url, title || date)) from items "
            "where run_id = ? and date is not null and date != '' and column_key != '__home__' "
            "group by site_id, column_key, month", [crawl_run])
        for sid, key, month, n in rows:
            out[sid].append((key, month, n))
    return out
