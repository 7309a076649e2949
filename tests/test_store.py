"""The store: numbered migrations applied once, in order, and data carried across them."""
import sqlite3

from crawler.store import MIGRATIONS, Store


def test_migrations_apply_once_in_order(tmp_path):
    db = tmp_path / "s.db"
    Store(db).close()
    again = Store(db)
    assert again.migrate() == []
    names = [r["name"] for r in again.db["_migrations"].rows_where(order_by="name")]
    assert names == [name for name, _ in MIGRATIONS] == sorted(names)
    assert again.db.execute("pragma journal_mode").fetchone()[0] == "wal"
    again.close()


def test_board_class_moves_out_of_note(tmp_path):
    """A database written before 0003 kept a board's class in `note`; the migration moves it."""
    db = tmp_path / "old.db"
    s = Store(db)
    s.db.execute("delete from _migrations where name = '0003_board_class'")
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
