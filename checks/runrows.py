"""A run's stored rows as the checks read and write them: a batch of sites at a time, one query per
table.

Why: a province's `check` judges 1,000 sites of 60 columns. Asked table by table for each site
(columns, items, letters, walk, entrances, the site, the previous run and its findings, the marks)
the store answered tens of thousands of queries through sqlite-utils, which builds every row twice,
and wrote each finding with its own INSERT. Here one query per table per batch reads the same rows
in the same order (by id within a site), and one transaction writes the batch's results. A batch
rather than the whole run, so that a run's rows are never all held at once. A lone site is a batch
of one: `SiteContext` reads through here whether or not the engine handed it its rows.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import groupby, repeat
from operator import itemgetter

BATCH = 50      # sites per batch: a few MB of rows at 60 columns × 20 items


@dataclass
class SiteRows:
    """What the crawl stored for one site in one run, rows as `Store.columns`, `Store.enquiries`…
    give them. Of the items, only each column's dates (in id order): items are most of what a
    check reads (800,000 a day for a province) and the rules judge their dates; a column's whole
    rows are read when a finding shows them (`SiteContext.column_items`)."""
    columns: list[dict] = field(default_factory=list)
    dates_by_column: dict[str, list] = field(default_factory=dict)
    enquiries: list[dict] = field(default_factory=list)
    entrances: list[dict] = field(default_factory=list)
    walk: dict | None = None


def batches(ids: list[str], size: int | None = None) -> Iterator[list[str]]:
    size = size or BATCH
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def _select(store, sql: str, args: Iterable) -> Iterator[dict]:
    cur = store.db.conn.execute(sql, list(args))
    names = [d[0] for d in cur.description]
    return map(dict, map(zip, repeat(names), cur))


def _of_sites(store, table: str, run_id: int, site_ids: list[str], order: str = "site_id, id") -> Iterator[dict]:
    """A table's rows of these sites in this run, site by site, each site's in id order (the
    (run_id, site_id…) indexes give that order without sorting: rowid ends every index)."""
    marks = ", ".join("?" * len(site_ids))
    return _select(store, f"select * from [{table}] where run_id = ? and site_id in ({marks}) "  # noqa: S608
                          f"order by {order}", [run_id, *site_ids])


def load(store, run_id: int, site_ids: list[str]) -> dict[str, SiteRows]:
    """The rows of these sites in this run."""
    out = {sid: SiteRows() for sid in site_ids}
    for table in ("columns", "enquiries", "entrances"):
        for sid, rows in groupby(_of_sites(store, table, run_id, site_ids), key=itemgetter("site_id")):
            setattr(out[sid], table, list(rows))
    marks = ", ".join("?" * len(site_ids))
    items = store.db.conn.execute(
        "select site_id, column_key, date from items where run_id = ? "  # noqa: S608
        f"and site_id in ({marks}) order by site_id, column_key, id", [run_id, *site_ids])
    for (sid, key), rows in groupby(items, key=itemgetter(0, 1)):
        out[sid].dates_by_column[key] = list(map(itemgetter(2), rows))
    for row in _of_sites(store, "walks", run_id, site_ids, order="site_id"):
        row["failed"] = json.loads(row["failed"] or "[]")
        out[row["site_id"]].walk = row
    return out


def column_items(store, run_id: int, site_id: str, column_key: str) -> list[dict]:
    """A column's item rows by id, as `Store.items` gives them (without sqlite-utils' look at the
    schema on every call: a thousand sites ask)."""
    return list(_select(store, "select * from items where run_id = ? and site_id = ? and column_key = ? "
                               "order by id", [run_id, site_id, column_key]))


def probes(store, site_id: str, since: str, until: str) -> list[dict]:
    """A site's homepage probes in [since, until), as `Store.rows("probes", …)` gives them."""
    return list(_select(store, "select * from probes where site_id = ? and at >= ? and at < ?",
                        [site_id, since, until]))


def site_configs(store, site_ids: list[str]) -> dict[str, dict]:
    """Each site as the sites file gave it, with the stored fields over it."""
    marks = ", ".join("?" * len(site_ids))
    out = {}
    for row in _select(store, f"select * from sites where id in ({marks})", site_ids):  # noqa: S608
        cfg = json.loads(row["config"] or "{}")
        out[row["id"]] = dict(cfg, id=row["id"], name=row["name"], url=row["url"], kind=row["kind"],
                              owner=row["owner"], code=row["code"])
    return out


def previous_runs(store, run_id: int) -> dict[str, int]:
    """Each site's previous complete run that judged it (the run its findings' lifecycle follows)."""
    return dict(store.db.conn.execute(
        "select s.site_id, max(s.run_id) from site_results s join runs r on r.id = s.run_id "
        "where s.run_id < ? and r.complete = 1 group by s.site_id", [run_id]))


def previous_findings(store, prev_runs: dict[str, int | None]) -> dict[str, list[dict]]:
    """The findings each site had in its previous run, evidence read, by id."""
    out: dict[str, list[dict]] = {sid: [] for sid in prev_runs}
    by_run: dict[int, list[str]] = {}
    for sid, prev in prev_runs.items():
        if prev is not None:
            by_run.setdefault(prev, []).append(sid)
    for prev, sids in by_run.items():
        for row in _of_sites(store, "findings", prev, sids):
            row["evidence"] = json.loads(row["evidence"] or "{}")
            out[row["site_id"]].append(row)
    return out


FINDING_FIELDS = ("run_id", "site_id", "fingerprint", "code", "severity", "column", "url", "message",
                  "evidence", "status", "first_seen", "last_seen")
RESULT_FIELDS = ("run_id", "site_id", "verdict", "score", "rubric", "profile", "details")
BOARD_FIELDS = ("run_id", "site_id", "board_key", "board", "url", "stats")


def write(store, run_id: int, judged: list[tuple[str, list[dict], dict, list[dict]]]) -> None:
    """Each site's findings, result and board figures, replacing what an earlier check of this run
    wrote for it, all in one transaction: (site id, findings, result, board rows) per site."""
    def text(evidence) -> str:
        return evidence if isinstance(evidence, str) else json.dumps(evidence or {}, ensure_ascii=False,
                                                                     default=str)
    sites = [(run_id, sid) for sid, *_ in judged]
    findings = [(run_id, sid, *(text(f.get("evidence")) if k == "evidence" else f.get(k)
                                for k in FINDING_FIELDS[2:]))
                for sid, rows, _, _ in judged for f in rows]
    results = [(run_id, sid, *(result.get(k) for k in RESULT_FIELDS[2:])) for sid, _, result, _ in judged]
    boards = [tuple(b[k] for k in BOARD_FIELDS) for *_, rows in judged for b in rows]
    update = ", ".join(f"[{k}] = excluded.[{k}]" for k in RESULT_FIELDS[2:])
    with store.transaction() as db:
        conn = db.conn
        conn.executemany("delete from findings where run_id = ? and site_id = ?", sites)
        conn.executemany(f"insert into findings ({', '.join(f'[{k}]' for k in FINDING_FIELDS)}) "  # noqa: S608
                         f"values ({', '.join('?' * len(FINDING_FIELDS))})", findings)
        conn.executemany(f"insert into site_results ({', '.join(RESULT_FIELDS)}) "  # noqa: S608
                         f"values ({', '.join('?' * len(RESULT_FIELDS))}) "
                         f"on conflict (run_id, site_id) do update set {update}", results)
        conn.executemany("delete from board_stats where run_id = ? and site_id = ?", sites)
        conn.executemany(f"insert into board_stats ({', '.join(BOARD_FIELDS)}) "  # noqa: S608
                         f"values ({', '.join('?' * len(BOARD_FIELDS))})", boards)
