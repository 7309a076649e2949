"""The province-scale benchmark store (`bench/bigstore.py`) is the same for the same arguments, has
the shapes the crawler writes, and gives `check` something of everything to judge."""
from __future__ import annotations

import sqlite3
from collections import Counter
from datetime import date

from bigstore import WORDING, build_store  # bench/, on sys.path (conftest)

from checks.profile import load_profile

TABLES = {"sites": "id, name, url, kind, owner, code, region, config", "columns": "*", "items": "*",
          "fetches": "*", "enquiries": "*", "entrances": "*", "walks": "*",
          "runs": "id, mode, complete, as_of, sites_file, profile"}


def _rows(path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"select {cols} from [{t}] order by rowid").fetchall()  # noqa: S608
                for t, cols in TABLES.items()}
    finally:
        conn.close()


def test_same_arguments_same_store(tmp_path):
    a = build_store(tmp_path / "a.db", sites=15, columns=20, runs=2)
    b = build_store(tmp_path / "b.db", sites=15, columns=20, runs=2)
    assert a["rows"] == b["rows"] and a["runs"] == [1, 2]
    assert _rows(tmp_path / "a.db") == _rows(tmp_path / "b.db")
    build_store(tmp_path / "c.db", sites=15, columns=20, runs=2, seed=15)
    assert _rows(tmp_path / "c.db")["items"] != _rows(tmp_path / "a.db")["items"]


def test_shapes_and_a_share_of_everything(tmp_path):
    path = tmp_path / "big.db"
    info = build_store(path, sites=40, columns=60, items_per_column=10, boards=2, letters=8, runs=2)
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    run = info["runs"][-1]
    sites = conn.execute("select * from sites").fetchall()
    assert {s["kind"] for s in sites} == {"portal", "department", "township"}
    assert all(s["owner"] and s["region"] for s in sites)
    cols = conn.execute("select * from columns where run_id = ?", [run]).fetchall()
    per_site = Counter(c["site_id"] for c in cols if c["key"] != "__home__")
    assert set(per_site.values()) <= {0, 60} and 60 in per_site.values()     # 0: an unreachable site
    assert {c["role"] for c in cols} == {"home", "list", "static", "section", "board"}
    assert {c["status"] for c in cols} == {"ok", "failed", "exempt"}
    profile = load_profile("gb2019")
    categories = Counter(cat.code for c in cols if (cat := profile.classify(c["name"] or "")))
    assert {"dynamic", "notice", "policy", "personnel", "planning", "enquiry"} <= set(categories)
    assert all(c["newest_date"] is None for c in cols)           # the crawl stores none (checks derive it)
    assert conn.execute("select count(*) from walks where run_id = ? and complete = 1", [run]).fetchone()[0]
    letters = Counter(e["status"] for e in conn.execute("select status from enquiries where run_id = ?", [run]))
    assert {"answered", "pending"} <= set(letters)
    titles = [r[0] for r in conn.execute("select title from items where run_id = ?", [run])]
    assert 0 < sum(any(w in t for w in WORDING) for t in titles) < len(titles) / 100   # for the content checks
    first = conn.execute("select max(date) from items where run_id = ? and date <= '2026-11-27'",
                         [info["runs"][0]]).fetchone()[0]
    assert date.fromisoformat(first) <= date(2026, 11, 26)      # the day before had nothing from the day after
