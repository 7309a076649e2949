"""One govwatch job per database at a time.

Why: two runs on one SQLite file would interleave their runs, findings and lifecycles (a finding
"resolved" by one run while the other still sees it). SQLite's own locking keeps the file valid
but not the history meaningful. So run/crawl/check/report take an exclusive advisory lock on
``<db>.lock``; a second process waits (``GOVWATCH_LOCK_WAIT`` seconds, default 0) or exits with a
Chinese message naming the holder. The lock dies with its process (even on kill -9), so a crashed
run never blocks the next one. Availability probes do not take it: they only append a row.
"""
from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path

POLL_SECONDS = 0.2


class DatabaseBusy(RuntimeError):
    """Another govwatch process holds the database; the message is for the user."""


def lock_path(db: str | Path) -> Path:
    return Path(str(db) + ".lock")


def _holder(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""
    return text


def default_wait() -> float:
    try:
        return float(os.environ.get("GOVWATCH_LOCK_WAIT", "0") or 0)
    except ValueError:
        return 0.0


@contextmanager
def db_lock(db: str | Path, *, wait: float | None = None, what: str = "巡检"):
    """Hold the database's lock for the block; raise DatabaseBusy after `wait` seconds."""
    wait = default_wait() if wait is None else wait
    path = lock_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + max(wait, 0)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _holder(path)
                    raise DatabaseBusy(
                        f"数据库 {db} 正被另一个 govwatch 进程使用（{holder or '进程号未知'}），"
                        f"请等待其完成后再运行；如需排队等待，可设置环境变量 GOVWATCH_LOCK_WAIT=秒数"
                    ) from None
                time.sleep(POLL_SECONDS)
        os.ftruncate(fd, 0)
        os.write(fd, f"进程号 {os.getpid()}，{what}，开始于 {time.strftime('%Y-%m-%d %H:%M:%S')}".encode())
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def close_interrupted_runs(store) -> int:
    """Runs left unfinished by a killed process (only callable under the lock: nobody else is
    running) are closed as incomplete, so no report or daily run mistakes them for live ones."""
    from crawler.store import now_iso
    with store.transaction() as db:
        cur = db.execute("update runs set finished = ?, complete = 0, "
                         "note = coalesce(note || '；', '') || '巡检中断（进程被终止），结果不完整' "
                         "where finished is null", [now_iso()])
        return cur.rowcount
