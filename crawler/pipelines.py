"""Writes crawl items to SQLite in batches, one transaction per batch, so a crawl killed mid-way
leaves a consistent file (the run simply stays incomplete)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import fields, is_dataclass

from scrapy.exceptions import NotConfigured

from crawler.items import row
from crawler.store import Store, now_iso

_FIELDS: dict[type, tuple[str, ...]] = {}


def _flat_row(item) -> dict:
    """A shallow field copy: the crawl items are flat, and dataclasses.asdict's recursive deep copy
    was ~5% of a sweep's CPU (bench/crawl.py --profile, one call per list entry)."""
    if not is_dataclass(item):
        return row(item)
    names = _FIELDS.get(type(item))
    if names is None:
        names = _FIELDS[type(item)] = tuple(f.name for f in fields(item))
    return {n: getattr(item, n) for n in names}


class StorePipeline:
    def __init__(self, db_path: str, run_id: int, batch_size: int):
        self.db_path, self.run_id, self.batch_size = db_path, run_id, batch_size
        self.pending: dict[str, list[dict]] = defaultdict(list)
        self.pending_count = 0
        self.store: Store | None = None

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        if not s.get("GOVWATCH_DB") or s.get("GOVWATCH_RUN_ID") is None:
            raise NotConfigured("GOVWATCH_DB / GOVWATCH_RUN_ID not set")
        return cls(s.get("GOVWATCH_DB"), s.getint("GOVWATCH_RUN_ID"),
                   s.getint("GOVWATCH_BATCH_SIZE", 200))

    def open_spider(self, spider=None):
        self.store = Store(self.db_path)

    def process_item(self, item, spider=None):
        table = getattr(item, "table", None)
        if table is None:
            return item
        for one in getattr(item, "entries", None) or (item,):
            data = _flat_row(one)
            data["run_id"] = self.run_id
            if table == "fetches":
                data["fetched_at"] = now_iso()
            self.pending[table].append(data)
            self.pending_count += 1
        if self.pending_count >= self.batch_size:
            self.flush()
        return item

    @staticmethod
    def _insert(db, table: str, rows: list[dict]) -> None:
        """One executemany when the rows share their keys (they do: flat crawl items)."""
        keys = tuple(rows[0])
        if all(tuple(r) == keys for r in rows):
            cols = ", ".join(f"[{k}]" for k in keys)
            marks = ", ".join("?" for _ in keys)
            db.conn.executemany(f"insert into [{table}] ({cols}) values ({marks})",
                                [tuple(r.values()) for r in rows])
        else:
            db[table].insert_all(rows)

    def flush(self):
        if not any(self.pending.values()):
            return
        with self.store.transaction() as db:
            # columns first: items refer to them by key
            for table in ("columns", "items", "enquiries", "fetches"):
                rows = self.pending.pop(table, [])
                if rows:
                    self._insert(db, table, rows)
            for table, rows in list(self.pending.items()):
                if rows:
                    self._insert(db, table, rows)
            self.pending.clear()
        self.pending_count = 0

    def close_spider(self, spider=None):
        self.flush()
        pages = getattr(spider, "column_pages", {}) if spider is not None else {}
        with self.store.transaction() as db:
            for (site_id, key), n in pages.items():
                db.execute("update columns set pages_read = ? where run_id = ? and site_id = ? "
                           "and key = ?", [n, self.run_id, site_id, key])
            db.execute("""
                update columns set
                  counted_items = (select count(*) from items i where i.run_id = columns.run_id
                                   and i.site_id = columns.site_id and i.column_key = columns.key),
                  newest_date = (select max(i.date) from items i where i.run_id = columns.run_id
                                 and i.site_id = columns.site_id and i.column_key = columns.key
                                 and i.date <= (select as_of from runs where id = columns.run_id))
                where run_id = ?""", [self.run_id])
        self.store.close()
