"""One site's crawl rows of one run, as a unit: read out, shipped, written back whole, or forgotten.

Why a unit: a fleet run retries a site whose crawl process died and a distributed worker ships its
results to the single writer. Either way a site's rows must land once and whole — a retry or a
re-delivered job *replaces* what an earlier attempt left, so nothing is lost or stored twice.
"""
from __future__ import annotations

import base64
import json
import zlib

# every table the crawl writes, in the order rows go back in (columns before the items naming them)
CRAWL_TABLES = ("columns", "items", "enquiries", "entrances", "fetches", "links", "link_runs", "page_texts",
                "hidden_links", "walks")
FORMAT = 1


class BatchError(ValueError):
    """A batch this store cannot take (another govwatch version wrote it)."""


def _columns(db, table: str) -> list[str]:
    return [c.name for c in db[table].columns if c.name not in ("id", "run_id")]


def read_site(store, run_id: int, site_id: str) -> dict:
    """The site's rows of the run, per table: {"columns": [...], "rows": [[...], ...]}."""
    tables = {}
    for table in CRAWL_TABLES:
        names = _columns(store.db, table)
        cols = ", ".join(f"[{n}]" for n in names)
        rows = store.db.execute(f"select {cols} from [{table}] where run_id = ? and site_id = ? "  # noqa: S608 - names from the schema
                                "order by rowid", [run_id, site_id]).fetchall()
        tables[table] = {"columns": names, "rows": [[_plain(v) for v in r] for r in rows]}
    return {"format": FORMAT, "site_id": site_id, "tables": tables}


def _plain(value):
    """A BLOB (page_texts.body: compressed text) as JSON can carry it."""
    return {"b64": base64.b64encode(value).decode("ascii")} if isinstance(value, bytes) else value


def _stored(value):
    return base64.b64decode(value["b64"]) if isinstance(value, dict) and "b64" in value else value


def forget_site(db, run_id: int, site_id: str) -> None:
    """What an earlier attempt at the site left in this run (inside the caller's transaction)."""
    for table in reversed(CRAWL_TABLES):
        db.execute(f"delete from [{table}] where run_id = ? and site_id = ?", [run_id, site_id])  # noqa: S608


def write_site(store, run_id: int, batch: dict) -> int:
    """Replace the site's rows of the run with the batch's, in one transaction; rows written."""
    if batch.get("format") != FORMAT:
        raise BatchError(f"结果格式版本 {batch.get('format')} 与本程序（{FORMAT}）不一致，"
                         "请让工作节点与汇总端使用同一版本 govwatch")
    site_id = batch["site_id"]
    written = 0
    with store.transaction() as db:
        forget_site(db, run_id, site_id)
        for table in CRAWL_TABLES:
            part = batch["tables"].get(table) or {"columns": [], "rows": []}
            known = set(_columns(db, table)) | {"site_id"}
            unknown = [c for c in part["columns"] if c not in known]
            if unknown:
                raise BatchError(f"表 {table} 没有字段 {', '.join(unknown)}：工作节点的 govwatch 版本较新")
            if not part["rows"]:
                continue
            cols = ", ".join(f"[{n}]" for n in part["columns"])
            marks = ", ".join("?" for _ in part["columns"])
            db.conn.executemany(f"insert into [{table}] ({cols}, [run_id]) values ({marks}, {int(run_id)})",  # noqa: S608
                                [[_stored(v) for v in r] for r in part["rows"]])
            written += len(part["rows"])
    return written


def encode(batch: dict) -> bytes:
    return zlib.compress(json.dumps(batch, ensure_ascii=False, default=str).encode("utf-8"), 6)


def decode(data: bytes) -> dict:
    return json.loads(zlib.decompress(data).decode("utf-8"))
