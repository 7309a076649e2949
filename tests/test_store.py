"""The store: numbered migrations applied once, in order, and data carried across them."""
import sqlite3
from datetime import datetime

import pytest
import sqlite_utils

from crawler import store as store_module
from crawler.store import MIGRATIONS, Store

NAMES = ["0001_initial", "0002_marks_and_site_results", "0003_board_class",
         "0004_walk_and_entrances", "0005_failed_pages", "0006_site_region", "0008_site_jobs",
         "0009_links", "0010_content"]


def _applied(db) -> list[tuple[str, str]]:
    return [(m.name, m.applied_at) for m in MIGRATIONS.applied(sqlite_utils.Database(db))]


def test_migrations_apply_once_in_order(tmp_path):
    db = tmp_path / "s.db"
    first = Store(db)
    first.close()
    again = Store(db)
    assert again.migrate() == []
    assert MIGRATIONS.pending(again.db) == []
    assert [name for name, _ in _applied(db)] == NAMES
    # the old runner's record stays readable under its name
    assert [r["name"] for r in again.db["_migrations"].rows_where(order_by="name")] == NAMES
    assert again.db.execute("pragma journal_mode").fetchone()[0] == "wal"
    again.close()


def test_board_class_moves_out_of_note(tmp_path):
    """A database written before 0003 kept a board's class in `note`; the migration moves it."""
    db = tmp_path / "old.db"
    s = Store(db)
    s.db.execute("delete from _sqlite_migrations where migration_set = 'govwatch' and name = '0003_board_class'")
    s.db.execute("alter table columns drop column board_class")
    run = s.start_run("sweep", "2026-11-27")
    s.insert_batch("columns", [
        {"run_id": run, "site_id": "a", "key": "/hdjl/", "name": "县长信箱", "role": "board",
         "note": "consult", "status": "ok"},
        {"run_id": run, "site_id": "a", "key": "/zdxm/", "name": "重大建设项目", "role": "list",
         "note": "备注说明：本栏目暂无信息", "status": "exempt"}])
    s.close()
    s = Store(db)
    rows = {r["key"]: r for r in s.columns(run, "a")}
    s.close()
    assert rows["/hdjl/"]["board_class"] == "consult" and rows["/hdjl/"]["note"] is None
    assert rows["/zdxm/"]["note"].startswith("备注说明") and rows["/zdxm/"]["board_class"] is None
    assert sqlite3.connect(db).execute("pragma integrity_check").fetchone()[0] == "ok"


# -- a database written by govwatch's own runner (before sqlite-utils kept the record) --------------
OLD_APPLIED = ["2026-03-01T09:00:00+08:00", "2026-05-10T09:00:00+08:00", "2026-07-20T09:00:00+08:00"]


def _old_runner_database(path) -> None:
    """The layout the hand-written runner left after 0003: its `_migrations` (name, applied), the
    tables as of 0003 and an office's data."""
    db = sqlite_utils.Database(path)
    db["_migrations"].create({"name": str, "applied": str}, pk="name")
    for name, fn, applied in zip(NAMES[:3], (store_module._m0001, store_module._m0002, store_module._m0003),
                                 OLD_APPLIED, strict=True):
        fn(db)
        db["_migrations"].insert({"name": name, "applied": applied})
    db["runs"].insert({"id": 1, "mode": "sweep", "started": "2026-08-01T10:00:00+08:00",
                       "finished": "2026-08-01T10:30:00+08:00", "complete": 1, "as_of": "2026-08-01",
                       "profile": "gb2019"})
    db["columns"].insert({"run_id": 1, "site_id": "a", "key": "/hdjl/", "name": "县长信箱", "role": "board",
                          "board_class": "consult", "status": "ok", "pages_total": 3, "pages_read": 3})
    db["items"].insert({"run_id": 1, "site_id": "a", "column_key": "/gzdt/", "title": "通知", "date": "2026-07-30"})
    db["finding_marks"].insert({"fingerprint": "f1", "mark": "ignored", "reason": "栏目已整合",
                                "decided_by": "县政务公开办", "decided_at": "2026-08-02T09:00:00+08:00"})
    db.conn.close()


def test_a_database_from_the_old_runner_upgrades_once_and_keeps_its_data(tmp_path):
    path = tmp_path / "old-runner.db"
    _old_runner_database(path)

    s = Store(path)
    applied = _applied(path)
    assert [name for name, _ in applied] == NAMES                   # 0004, 0005 once, after 0001..0003
    assert [at for _, at in applied[:3]] == OLD_APPLIED              # the old record carried over as it was
    assert "_migrations" in s.db.view_names() and "_migrations" not in s.db.table_names()
    assert {"named_by", "pages_failed"} <= set(s.db["columns"].columns_dict)
    assert {"walks", "entrances"} <= set(s.db.table_names())
    # data intact
    assert s.run(1)["complete"] == 1 and s.latest_run()["id"] == 1
    [col] = s.columns(1, "a")
    assert (col["board_class"], col["pages_read"], col["named_by"], col["pages_failed"]) == ("consult", 3, None, None)
    assert [i["title"] for i in s.items(1, "a")] == ["通知"]
    assert s.marks()["f1"]["reason"] == "栏目已整合"
    # what checks read: when 0005 was applied, to the second (a run started before it has no per-column count)
    [(at,)] = s.db.execute("select applied from _migrations where name = '0005_failed_pages'").fetchall()
    assert datetime.fromisoformat(at) > datetime.fromisoformat(s.run(1)["started"])
    assert datetime.fromisoformat(s.run(s.start_run("sweep", "2026-12-01"))["started"]) >= datetime.fromisoformat(at)
    s.close()

    again = Store(path)
    assert again.migrate() == []
    again.close()
    assert _applied(path) == applied                                # re-opening applies nothing
    assert sqlite3.connect(path).execute("pragma integrity_check").fetchone()[0] == "ok"


def test_a_failed_migration_leaves_nothing_behind(tmp_path):
    """Each migration and its record are one transaction: 0004 failing half-way (its `walks` table is
    already there) leaves neither its first column nor a record, and runs once the cause is gone."""
    path = tmp_path / "old-runner.db"
    _old_runner_database(path)
    sqlite_utils.Database(path)["walks"].create({"x": int})
    with pytest.raises(sqlite3.OperationalError, match="walks"):
        Store(path)
    db = sqlite_utils.Database(path)
    assert [name for name, _ in _applied(path)] == NAMES[:3]
    assert "named_by" not in db["columns"].columns_dict
    db["walks"].drop()
    db.conn.close()
    Store(path).close()
    assert [name for name, _ in _applied(path)] == NAMES
