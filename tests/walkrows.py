"""One run's stored walk, as the discovery tests read it: columns by key, findings, the walk row,
entrances and fetches (a real SQLite file written by a real crawl)."""
from __future__ import annotations

import sqlite3


def walk_rows(db, run_id: int, open_only: bool = False) -> dict:
    conn = sqlite3.connect(str(db))
    conn.row_factory = sqlite3.Row
    try:
        q = lambda sql: [dict(r) for r in conn.execute(sql, [run_id])]  # noqa: E731
        findings = q("select * from findings where run_id = ?")
        return {"columns": {c["key"]: c for c in q("select * from columns where run_id = ?")},
                "findings": [f for f in findings if not open_only or f["status"] != "resolved"],
                "walk": q("select * from walks where run_id = ?")[0],
                "entrances": q("select * from entrances where run_id = ?"),
                "fetches": q("select * from fetches where run_id = ?")}
    finally:
        conn.close()
