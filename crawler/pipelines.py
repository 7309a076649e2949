"""Writes crawl items to SQLite in batches, one transaction per batch, so a crawl killed mid-way
leaves a consistent file (the run simply stays incomplete)."""
from __future__ import annotations

import json
from dataclasses import is_dataclass

from scrapy.exceptions import NotConfigured

from crawler.items import ENTRY_FIELDS, EntryBatch, row_shape
from crawler.store import Store, now_iso

# table order within a flush: columns first, items refer to them by key
TABLE_RANK = {t: i for i, t in enumerate(("columns", "items", "enquiries", "entrances", "fetches"))}


class StorePipeline:
    def __init__(self, db_path: str, run_id: int, batch_size: int):
        self.db_path, self.run_id, self.batch_size = db_path, int(run_id), batch_size
        # (table, columns) -> value tuples; run_id is the same for every row and goes in the SQL
        self.pending: dict[tuple[str, tuple[str, ...]], list[tuple]] = {}
        self.pending_count = 0
        self.store: Store | None = None

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        if not s.get("GOVWATCH_DB") or s.get("GOVWATCH_RUN_ID") is None:
            raise NotConfigured("GOVWATCH_DB / GOVWATCH_RUN_ID not set")
        pipeline = cls(s.get("GOVWATCH_DB"), s.getint("GOVWATCH_RUN_ID"),
                       s.getint("GOVWATCH_BATCH_SIZE", 200))
        pipeline.crawler = crawler
        return pipeline

    def open_spider(self, spider=None):
        self.store = Store(self.db_path)

    def _add(self, item, table: str) -> None:
        if not is_dataclass(item):
            raise TypeError(f"crawl item {type(item).__name__} for table {table} is not a dataclass")
        names, getter = row_shape(type(item))
        values = getter(item)
        if table == "fetches":
            names, values = names + ("fetched_at",), values + (now_iso(),)
        self.pending.setdefault((table, names), []).append(values)
        self.pending_count += 1

    def process_item(self, item, spider=None):
        table = getattr(item, "table", None)
        if table is None:
            return item
        if isinstance(item, EntryBatch):
            if item.fetch is not None:
                self._add(item.fetch, "fetches")
            if item.rows:
                self.pending.setdefault(("items", ENTRY_FIELDS), []).extend(item.rows)
                self.pending_count += len(item.rows)
        else:
            self._add(item, table)
        if self.pending_count >= self.batch_size:
            self.flush()
        return item

    def _insert(self, db, table: str, names: tuple[str, ...], rows: list[tuple]) -> None:
        cols = ", ".join(f"[{k}]" for k in names)
        marks = ", ".join("?" for _ in names)
        db.conn.executemany(f"insert into [{table}] ({cols}, [run_id]) values ({marks}, {self.run_id})",  # noqa: S608 - table and column names come from the item classes
                            rows)

    def flush(self):
        if not self.pending:
            return
        with self.store.transaction() as db:
            for (table, names), rows in sorted(self.pending.items(),
                                               key=lambda kv: TABLE_RANK.get(kv[0][0], len(TABLE_RANK))):
                if rows:
                    self._insert(db, table, names, rows)
        self.pending = {}
        self.pending_count = 0

    def close_spider(self, spider=None):
        # Scrapy ≥ 2.13 may call this without the spider: take it from the crawler
        spider = spider or getattr(getattr(self, "crawler", None), "spider", None)
        finish = getattr(spider, "finish_reading", None)
        if finish is not None:
            finish()   # the page reader's rows are committed before the counts below
        self.flush()
        pages = getattr(spider, "column_pages", {}) if spider is not None else {}
        skipped = getattr(spider, "over_budget", {}) if spider is not None else {}
        sites = getattr(spider, "sites", {}) if spider is not None else {}
        # this crawl's own sites: other crawl processes of a fleet run write the same run
        mine = json.dumps(list(sites))
        with self.store.transaction() as db:
            # pages left unread because the site's page budget ran out (a trap, or a huge site)
            for site_id, n in skipped.items():
                db["fetches"].insert({
                    "run_id": self.run_id, "site_id": site_id,
                    "url": (sites.get(site_id) or {}).get("url"), "status": None,
                    "error": f"页面预算已用尽，{n}个页面未抓取 (page budget exhausted)",
                    "elapsed": None, "bytes": None, "kind": "budget", "fetched_at": now_iso()})
            # the link checks (crawler/linkcheck): stored before the walks, which say a site is done
            checker = getattr(spider, "links", None)
            if checker is not None:
                links, runs = checker.rows()
                db["links"].insert_all([dict(r, run_id=self.run_id) for r in links])
                db["link_runs"].insert_all([dict(r, run_id=self.run_id) for r in runs], replace=True)
            # how much of each site the walk saw: absences are asserted only on a complete walk
            records = getattr(spider, "walk_records", None)
            for row in (records() if records is not None else []):
                db["walks"].insert(dict(row, run_id=self.run_id), replace=True)
            for (site_id, key), n in pages.items():
                db.execute("update columns set pages_read = ? where run_id = ? and site_id = ? "
                           "and key = ?", [n, self.run_id, site_id, key])
            failed = getattr(spider, "column_failed_pages", {}) if spider is not None else {}
            for (site_id, key), n in failed.items():
                db.execute("update columns set pages_failed = ? where run_id = ? and site_id = ? "
                           "and key = ?", [n, self.run_id, site_id, key])
            # a hub that only forwards has no breadcrumb of its own: its children's say where it is
            inferred = getattr(spider, "inferred_parents", {}) if spider is not None else {}
            for (site_id, key), parent in inferred.items():
                db.execute("update columns set parent_key = ? where run_id = ? and site_id = ? and key = ? "
                           "and role = 'section' and named_by = 'link' and parent_key is null and ? != key",
                           [parent, self.run_id, site_id, key, parent])
            db.execute("""
                update columns set level = (select min(c.level) - 1 from columns c
                                            where c.run_id = columns.run_id and c.site_id = columns.site_id
                                            and c.parent_key = columns.key and c.level > 1)
                where run_id = ? and site_id in (select value from json_each(?))
                  and role = 'section' and named_by = 'link' and exists (
                  select 1 from columns c where c.run_id = columns.run_id and c.site_id = columns.site_id
                  and c.parent_key = columns.key and c.level > 1 and c.level - 1 > coalesce(columns.level, 0))""",
                       [self.run_id, mine])
            # (a column's newest date is a judged figure: checks/figures.py, stored in site_results)
            db.execute("""
                update columns set
                  counted_items = (select count(*) from items i where i.run_id = columns.run_id
                                   and i.site_id = columns.site_id and i.column_key = columns.key)
                where run_id = ? and site_id in (select value from json_each(?))""", [self.run_id, mine])
        self.store.close()
