"""The SQLite store: the only place the stages meet (crawl → store → check → report).

Schema changes are numbered migrations (`sqlite_utils.migrations`), each applied once, in order and
in its own transaction, and recorded in `_sqlite_migrations`, so an office's months of history
survive upgrades. WAL mode and one transaction per batch keep the file consistent if the process
is killed mid-crawl.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils
from sqlite_utils.migrations import Migrations

MIGRATIONS = Migrations("govwatch")

# Before sqlite-utils kept the record, govwatch's own runner wrote applied migrations to a
# `_migrations` table (name, applied). A database from then is adopted on opening: its record moves
# into `_sqlite_migrations`, so nothing applied is applied again. `_migrations` stays as a view for
# SQL that reads it, with `applied` to the second as the runner wrote it (checks compare it with a
# run's `started`, also to the second).
LEGACY_VIEW = (
    "create view if not exists _migrations as"
    " select name, strftime('%Y-%m-%dT%H:%M:%S+00:00', applied_at) as applied"
    " from _sqlite_migrations where migration_set = 'govwatch'",
    "create trigger if not exists _migrations_update instead of update of applied on _migrations"
    " begin update _sqlite_migrations set applied_at = new.applied"
    " where migration_set = 'govwatch' and name = old.name; end",
)


def now_iso() -> str:
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


@MIGRATIONS(name="0001_initial")
def _m0001(db: sqlite_utils.Database) -> None:
    db["runs"].create({
        "id": int, "mode": str, "started": str, "finished": str, "complete": int,
        "as_of": str, "sites_file": str, "profile": str, "note": str,
    }, pk="id")
    db["sites"].create({
        "id": str, "name": str, "url": str, "kind": str, "owner": str, "code": str,
        "config": str, "updated": str,
    }, pk="id")
    db["fetches"].create({
        "id": int, "run_id": int, "site_id": str, "url": str, "status": int, "error": str,
        "elapsed": float, "bytes": int, "kind": str, "fetched_at": str,
    }, pk="id", foreign_keys=[("run_id", "runs", "id")])
    db["columns"].create({
        "id": int, "run_id": int, "site_id": str, "key": str, "name": str, "url": str,
        "parent_key": str, "level": int, "role": str, "source": str, "method": str,
        "status": str, "error": str, "item_count": int, "counted_items": int,
        "newest_date": str, "pages_total": int, "pages_read": int, "note": str,
    }, pk="id", foreign_keys=[("run_id", "runs", "id")])
    db["items"].create({
        "id": int, "run_id": int, "site_id": str, "column_key": str, "title": str,
        "url": str, "date": str, "date_source": str, "page_url": str,
    }, pk="id", foreign_keys=[("run_id", "runs", "id")])
    db["enquiries"].create({
        "id": int, "run_id": int, "site_id": str, "board_key": str, "board": str,
        "letter_key": str, "number": str, "title": str, "category": str, "url": str,
        "submitted": str, "replied": str, "status": str, "status_text": str, "unit": str,
    }, pk="id", foreign_keys=[("run_id", "runs", "id")])
    db["findings"].create({
        "id": int, "run_id": int, "fingerprint": str, "site_id": str, "code": str,
        "severity": str, "column": str, "url": str, "message": str, "evidence": str,
        "status": str, "first_seen": str, "last_seen": str,
    }, pk="id", foreign_keys=[("run_id", "runs", "id")])
    db["fetches"].create_index(["run_id", "site_id"])
    db["columns"].create_index(["run_id", "site_id"])
    db["items"].create_index(["run_id", "site_id", "column_key"])
    db["enquiries"].create_index(["run_id", "site_id"])
    db["findings"].create_index(["run_id", "site_id"])
    db["findings"].create_index(["fingerprint"])


@MIGRATIONS(name="0002_marks_and_site_results")
def _m0002(db: sqlite_utils.Database) -> None:
    # An office's decision on a finding (accepted / ignored) outlives runs.
    db["finding_marks"].create({
        "fingerprint": str, "mark": str, "reason": str, "decided_by": str, "decided_at": str,
    }, pk="fingerprint")
    # Per run and site: verdict, score and any other judged figures the reports show.
    db["site_results"].create({
        "run_id": int, "site_id": str, "verdict": str, "score": float, "rubric": str,
        "profile": str, "details": str,
    }, pk=("run_id", "site_id"))
    db["probes"].create({
        "id": int, "site_id": str, "url": str, "at": str, "ok": int, "status": int,
        "error": str, "elapsed": float,
    }, pk="id")
    db["probes"].create_index(["site_id", "at"])
    db["board_stats"].create({
        "run_id": int, "site_id": str, "board_key": str, "board": str, "url": str,
        "stats": str,
    }, pk=("run_id", "site_id", "board_key"))


@MIGRATIONS(name="0003_board_class")
def _m0003(db: sqlite_utils.Database) -> None:
    # consult | excluded | other: whether a board counts for the 互动回应 rules (it lived in `note`)
    db["columns"].add_column("board_class", str)
    db.execute("update columns set board_class = note, note = null where role = 'board'")


@MIGRATIONS(name="0004_walk_and_entrances")
def _m0004(db: sqlite_utils.Database) -> None:
    # how a column got its name (meta | breadcrumb | sidebar | heading | title | link | sites-file)
    db["columns"].add_column("named_by", str)
    # One row per site and run: how much of the site the walk saw, and whether it could have seen
    # everything. Absence findings (COLUMN_MISSING, NO_ENQUIRY_CHANNEL) are asserted only on a
    # complete walk; otherwise they are hints naming what could not be read.
    db["walks"].create({
        "run_id": int, "site_id": str, "mode": str, "pages": int, "columns": int,
        "max_depth": int, "budget_hit": int, "depth_cut": int, "failed": str, "complete": int,
        "note": str,
    }, pk=("run_id", "site_id"))
    # Channels and entrances found on the site's pages without crawling them: 政务服务网, 信箱 on
    # another host, 12345, 信访, 找错 widget. kind: service | mailbox | hotline | petition |
    # complaint | correction
    db["entrances"].create({
        "id": int, "run_id": int, "site_id": str, "kind": str, "name": str, "url": str,
        "found_on": str, "how": str,
    }, pk="id", foreign_keys=[("run_id", "runs", "id")])
    db["entrances"].create_index(["run_id", "site_id"])


@MIGRATIONS(name="0005_failed_pages")
def _m0005(db: sqlite_utils.Database) -> None:
    # later pages of a list or board that could not be fetched or read: a column is read whole only
    # when none failed (a daily run may then resolve what it raised)
    db["columns"].add_column("pages_failed", int)


@MIGRATIONS(name="0006_site_region")
def _m0006(db: sqlite_utils.Database) -> None:
    # 所属地区: a province's reports are split and filtered by region as well as by owner
    db["sites"].add_column("region", str)


@MIGRATIONS(name="0008_site_jobs")
def _m0008(db: sqlite_utils.Database) -> None:
    # one row per site of a fleet run: whether it was crawled, how many tries it took, and why not
    # (a run over 1,000 sites resumes with the sites not done; its report names those not crawled)
    db["site_jobs"].create({
        "run_id": int, "site_id": str, "state": str, "attempts": int, "error": str,
        "started": str, "finished": str, "worker": str,
    }, pk=("run_id", "site_id"), foreign_keys=[("run_id", "runs", "id")])


@MIGRATIONS(name="0009_links")
def _m0009(db: sqlite_utils.Database) -> None:
    # 链接可用性 (crawler/linkcheck): one row per distinct URL a site's walked pages carry, however
    # many pages carry it (a footer link on 500 pages is one row: `pages` counts them, `found_on`
    # names the first few, `on_home` says whether the homepage is one); result ok | broken |
    # unverified | unchecked, with the reason code, status and error of the last attempt
    db["links"].create({
        "id": int, "run_id": int, "site_id": str, "url": str, "kind": str, "external": int,
        "on_home": int, "pages": int, "found_on": str, "text": str, "result": str, "reason": str,
        "status": int, "error": str, "final_url": str, "method": str, "attempts": int,
        "checked_at": str,
    }, pk="id", foreign_keys=[("run_id", "runs", "id")])
    db["links"].create_index(["run_id", "site_id"])
    # one row per site whose links this run checked (a finding is resolved only by a run that did)
    db["link_runs"].create({
        "run_id": int, "site_id": str, "internal": int, "external": int, "links": int,
        "checked": int, "broken": int, "unverified": int, "requests": int, "seconds": float,
        "shape": str, "note": str,
    }, pk=("run_id", "site_id"), foreign_keys=[("run_id", "runs", "id")])


@MIGRATIONS(name="0010_content")
def _m0010(db: sqlite_utils.Database) -> None:
    # Content checks (issue 16). One row per text a run read: the homepage, an information page, an
    # article (kind article, its column's key) or an attachment (parent_url: the article). The text
    # is stored masked (no full personal number ever reaches the store: crawler/content) and
    # compressed, once per site: a row whose text an earlier row of the site holds has body NULL and
    # the same digest. `found` lists the personal numbers that were masked (kind, position, masked
    # form); `error` says why a page or attachment has no text. `govwatch check` re-judges these
    # rows with an edited dictionary without crawling again.
    db["page_texts"].create({
        "id": int, "run_id": int, "site_id": str, "url": str, "kind": str, "column_key": str,
        "title": str, "published": str, "parent_url": str, "digest": str, "chars": int, "found": str,
        "body": bytes, "error": str,
    }, pk="id", foreign_keys=[("run_id", "runs", "id")])
    db["page_texts"].create_index(["run_id", "site_id"])
    db["page_texts"].create_index(["site_id", "digest"])
    # Links to other sites hidden from a visitor (crawler/content/hidden.py), one row per site, URL
    # and trick, with the first page showing it and the markup that hides it; judged by HIDDEN_LINK
    db["hidden_links"].create({
        "id": int, "run_id": int, "site_id": str, "page_url": str, "url": str, "text": str, "how": str,
        "excerpt": str,
    }, pk="id", foreign_keys=[("run_id", "runs", "id")])
    db["hidden_links"].create_index(["run_id", "site_id"])


class Store:
    """Thin wrapper over one SQLite file; everything else goes through sqlite-utils tables."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        if self.path.parent and not self.path.parent.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(self.path), timeout=30, isolation_level=None,
                               check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=30000")
        conn.execute("PRAGMA foreign_keys=ON")
        self.db = sqlite_utils.Database(conn)
        self.migrate()

    # -- schema -------------------------------------------------------------------------------
    def migrate(self) -> list[str]:
        """Apply the pending migrations, each in its own transaction; their names."""
        self._adopt_legacy_record()
        pending = [m.name for m in MIGRATIONS.pending(self.db)]
        MIGRATIONS.apply(self.db)
        return pending

    def _adopt_legacy_record(self) -> None:
        """Move the old runner's `_migrations` table into sqlite-utils' record (one transaction:
        a crash leaves the old layout whole) and keep `_migrations` as a view over it."""
        if "_migrations" in self.db.view_names():
            return
        with self.transaction():
            MIGRATIONS.ensure_migrations_table(self.db)
            if "_migrations" in self.db.table_names():
                self.db.execute(
                    "insert into _sqlite_migrations (migration_set, name, applied_at)"
                    " select 'govwatch', name, applied from _migrations where name not in"
                    " (select name from _sqlite_migrations where migration_set = 'govwatch')"
                    " order by rowid")
                self.db.execute("drop table _migrations")
            for sql in LEGACY_VIEW:
                self.db.execute(sql)

    @contextmanager
    def transaction(self):
        conn = self.db.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")

    def close(self) -> None:
        self.db.conn.close()

    # -- runs ---------------------------------------------------------------------------------
    def start_run(self, mode: str, as_of: str, sites_file: str = "", profile: str = "gb2019") -> int:
        with self.transaction():
            return self.db["runs"].insert({
                "mode": mode, "started": now_iso(), "finished": None, "complete": 0,
                "as_of": as_of, "sites_file": sites_file, "profile": profile, "note": None,
            }).last_pk

    def finish_run(self, run_id: int, complete: bool, note: str | None = None) -> None:
        with self.transaction():
            self.db["runs"].update(run_id, {"finished": now_iso(), "complete": int(complete),
                                            "note": note})

    def run(self, run_id: int) -> dict:
        return self.db["runs"].get(run_id)

    def latest_run(self, complete_only: bool = True, before: int | None = None) -> dict | None:
        where, args = [], []
        if complete_only:
            where.append("complete = 1")
        if before is not None:
            where.append("id < ?")
            args.append(before)
        rows = list(self.db["runs"].rows_where(" and ".join(where) or None, args,
                                               order_by="id desc", limit=1))
        return rows[0] if rows else None

    def latest_crawled_run(self, before: int | None = None) -> dict | None:
        """The newest run that crawled anything (a `check` run re-judges it without crawling)."""
        sql = "select distinct run_id from columns"
        args: list[Any] = []
        if before is not None:
            sql += " where run_id < ?"
            args.append(before)
        sql += " order by run_id desc limit 1"
        row = self.db.execute(sql, args).fetchone()
        return self.run(row[0]) if row else None

    # -- sites --------------------------------------------------------------------------------
    def upsert_sites(self, sites: Iterable[dict]) -> None:
        with self.transaction():
            for s in sites:
                self.db["sites"].upsert({
                    "id": s["id"], "name": s["name"], "url": s["url"], "kind": s["kind"],
                    "owner": s.get("owner"), "code": s.get("code"), "region": s.get("region"),
                    "config": json.dumps(s, ensure_ascii=False), "updated": now_iso(),
                }, pk="id")

    def sites(self) -> list[dict]:
        return list(self.db["sites"].rows_where(order_by="id"))

    # -- crawl data ---------------------------------------------------------------------------
    def insert_batch(self, table: str, rows: list[dict]) -> None:
        if not rows:
            return
        with self.transaction():
            self.db[table].insert_all(rows, alter=False)

    def rows(self, table: str, where: str | None = None, args: Iterable[Any] = (),
             order_by: str | None = None) -> list[dict]:
        return list(self.db[table].rows_where(where, list(args), order_by=order_by))

    def columns(self, run_id: int, site_id: str) -> list[dict]:
        return self.rows("columns", "run_id = ? and site_id = ?", [run_id, site_id], "id")

    def items(self, run_id: int, site_id: str, column_key: str | None = None) -> list[dict]:
        if column_key is None:
            return self.rows("items", "run_id = ? and site_id = ?", [run_id, site_id], "id")
        return self.rows("items", "run_id = ? and site_id = ? and column_key = ?",
                         [run_id, site_id, column_key], "id")

    def enquiries(self, run_id: int, site_id: str) -> list[dict]:
        return self.rows("enquiries", "run_id = ? and site_id = ?", [run_id, site_id], "id")

    def fetches(self, run_id: int, site_id: str) -> list[dict]:
        return self.rows("fetches", "run_id = ? and site_id = ?", [run_id, site_id], "id")

    def judged_columns(self, run_id: int, site_id: str) -> list[dict]:
        """Columns with the newest date the checks judged (site_results; checks/figures.py). The
        crawl stores none: a figure is derived once. Older runs kept theirs on the column."""
        result = self.site_result(run_id, site_id)
        judged = {c["key"]: c.get("newest_date")
                  for c in ((result or {}).get("details") or {}).get("columns") or []}
        return [dict(c, newest_date=judged[c["key"]]) if c["key"] in judged else c
                for c in self.columns(run_id, site_id)]

    def walk(self, run_id: int, site_id: str) -> dict | None:
        """How much of the site this run's walk saw (None for runs before walks were recorded)."""
        rows = self.rows("walks", "run_id = ? and site_id = ?", [run_id, site_id])
        if not rows:
            return None
        row = rows[0]
        row["failed"] = json.loads(row["failed"] or "[]")
        return row

    def entrances(self, run_id: int, site_id: str) -> list[dict]:
        return self.rows("entrances", "run_id = ? and site_id = ?", [run_id, site_id], "id")

    def crawled_sites(self, run_id: int) -> list[str]:
        return [r[0] for r in self.db.execute(
            "select distinct site_id from fetches where run_id = ? order by site_id", [run_id])]

    # -- findings -----------------------------------------------------------------------------
    def findings(self, run_id: int, site_id: str | None = None) -> list[dict]:
        if site_id is None:
            rows = self.rows("findings", "run_id = ?", [run_id], "id")
        else:
            rows = self.rows("findings", "run_id = ? and site_id = ?", [run_id, site_id], "id")
        for r in rows:
            r["evidence"] = json.loads(r["evidence"] or "{}")
        return rows

    def replace_findings(self, run_id: int, site_id: str, rows: list[dict],
                         result: dict | None = None) -> None:
        """Findings of one site for one run are written whole, in one transaction."""
        with self.transaction():
            self.db.execute("delete from findings where run_id = ? and site_id = ?",
                            [run_id, site_id])
            for r in rows:
                r = dict(r, run_id=run_id, site_id=site_id)
                if not isinstance(r.get("evidence"), str):
                    r["evidence"] = json.dumps(r.get("evidence") or {}, ensure_ascii=False,
                                               default=str)
                self.db["findings"].insert(r)
            if result is not None:
                self.db["site_results"].upsert(dict(result, run_id=run_id, site_id=site_id),
                                               pk=("run_id", "site_id"))

    def site_result(self, run_id: int, site_id: str) -> dict | None:
        rows = self.rows("site_results", "run_id = ? and site_id = ?", [run_id, site_id])
        if not rows:
            return None
        r = rows[0]
        r["details"] = json.loads(r["details"] or "{}")
        return r

    def marks(self) -> dict[str, dict]:
        return {r["fingerprint"]: r for r in self.db["finding_marks"].rows}

    def set_mark(self, fingerprint: str, mark: str, reason: str, decided_by: str) -> None:
        with self.transaction():
            self.db["finding_marks"].upsert({
                "fingerprint": fingerprint, "mark": mark, "reason": reason,
                "decided_by": decided_by, "decided_at": now_iso(),
            }, pk="fingerprint")
