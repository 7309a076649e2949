"""`govwatch run` tells cron and scripts that the crawl was incomplete: exit status 5, with the
reports written and saying 本次巡检未完成 (README, exit codes)."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import threading
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from faultserver import child_pids, wait_for
from test_page_reader import chain_site

from crawler.cli import main
from crawler.demo.server import LoopbackServer

pytestmark = pytest.mark.slow   # a real run whose crawl process is killed

AS_OF = date(2026, 11, 27)


def _list_pages(db: Path) -> int:
    """List pages stored so far (read-only: never creates the database before govwatch does)."""
    try:
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)) as conn:
            return conn.execute("select count(*) from fetches where kind = 'list-page'").fetchone()[0]
    except sqlite3.OperationalError:   # not created yet
        return 0


def _kill_the_crawl_mid_sweep(db: Path, killed: list) -> None:
    """From a thread of this process: once the crawl child has stored a few list pages, kill -9 it."""
    def crawl_child():
        for pid in child_pids(os.getpid()):
            try:
                if b"crawler.crawl" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    return pid
            except OSError:
                pass
        return None

    if wait_for(lambda: _list_pages(db) >= 3 and crawl_child() is not None, 120):
        pid = crawl_child()
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc to find the crawl")
def test_run_whose_crawl_was_killed_exits_incomplete_with_reports(tmp_path, capsys):
    db, out = tmp_path / "gw.db", tmp_path / "out"
    with LoopbackServer(chain_site(slow_after=2, pages=400, delay=0.05)) as srv:
        sites = tmp_path / "sites.yaml"
        sites.write_text(f"sites:\n  - id: s1\n    name: 测试站\n    url: {srv.base_url}\n"
                         "    kind: portal\n", encoding="utf-8")
        killed: list[int] = []
        killer = threading.Thread(target=_kill_the_crawl_mid_sweep, args=(db, killed), daemon=True)
        killer.start()
        code = main(["run", str(sites), "--db", str(db), "--out", str(out), "--no-progress",
                     "--as-of", AS_OF.isoformat(), "--rubric", "gb2019", "--attempts", "1"])
        killer.join(5)
    assert killed, "the crawl was never killed"
    assert code == 5
    err = capsys.readouterr().err
    assert "抓取不完整" in err
    data = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert data["complete"] is False
    assert "本次巡检未完成" in (out / "report.html").read_text(encoding="utf-8")
    assert "本次巡检未完成" in (out / "digest.md").read_text(encoding="utf-8")
    assert (out / "rectification.xlsx").stat().st_size > 0

