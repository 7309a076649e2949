"""Crash safety: kill -9 mid-crawl and mid-report, and two processes on one database.

After any kill the SQLite file passes `PRAGMA integrity_check`, the interrupted run stays
`complete = 0` (its reports say so), earlier runs' rows are untouched, and the next run completes.
Each scenario loops three times on the same database: crashes must not accumulate damage."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from faultserver import FaultServer, child_pids, wait_for
from harness import run_quiet

from crawler.lock import DatabaseBusy, db_lock

pytestmark = pytest.mark.slow   # kill -9 of real crawls and report writers in subprocesses

ROOT = Path(__file__).resolve().parents[1]
AS_OF = date(2026, 11, 27)
PROFILE = ("extends: gb2019\nname: faults\n"
           "mandatory:\n  common: []\n  portal: []\n  department: []\n  township: []\n")
CHILD = """
import json, sys
from datetime import date
from crawler.cli import run_job
print("RUN", run_job(sys.argv[1], sys.argv[2], sys.argv[3], as_of=date.fromisoformat(sys.argv[4]),
      progress=False, quiet=True, profile=sys.argv[5], rubric=None, settings=json.loads(sys.argv[6])))
"""
# one try: these tests kill the crawl and look at what the killed attempt left (a fleet run would
# otherwise try the site again: tests/test_fleet.py)
SLOW_SETTINGS = {"DOWNLOAD_TIMEOUT": 60, "RETRY_TIMES": 0, "GOVWATCH_BATCH_SIZE": 1,
                 "GOVWATCH_CRAWL_ATTEMPTS": 1}
FAST_SETTINGS = {"DOWNLOAD_TIMEOUT": 5, "RETRY_TIMES": 0}
TABLES = ("fetches", "columns", "items", "findings", "site_results")


def _env(**extra) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.update(extra)
    return env


def _sql(db: Path, sql: str, args=()):
    conn = sqlite3.connect(str(db), timeout=30)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def _integrity(db: Path) -> str:
    return _sql(db, "PRAGMA integrity_check")[0][0]


def _snapshot(db: Path, run_ids) -> dict:
    """Row counts and a content digest per table for the given runs: 'earlier data intact'."""
    out = {}
    for t in TABLES:
        for rid in run_ids:
            rows = _sql(db, f"select * from {t} where run_id = ? order by 1", [rid])
            out[(t, rid)] = (len(rows), hash(tuple(map(tuple, rows))))
    return out


def _crawl_child(pid: int) -> int | None:
    for child in child_pids(pid):
        try:
            cmd = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"crawler.crawl" in cmd:
            return child
    return None


def _start_run(sites: Path, db: Path, out: Path, profile: Path, settings: dict, **env):
    return subprocess.Popen([sys.executable, "-c", CHILD, str(sites), str(db), str(out),
                             AS_OF.isoformat(), str(profile), json.dumps(settings)],
                            env=_env(**env), cwd=str(ROOT), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _latest_run(db: Path) -> dict:
    cols = ("id", "complete", "finished", "note")
    row = _sql(db, f"select {', '.join(cols)} from runs order by id desc limit 1")[0]
    return dict(zip(cols, row, strict=False))


@pytest.fixture()
def world(tmp_path):
    profile = tmp_path / "profile.yaml"
    profile.write_text(PROFILE, encoding="utf-8")
    with FaultServer(AS_OF, slow_seconds=60, with_tls=False) as fs:
        slow = tmp_path / "slow-sites.yaml"
        slow.write_text(fs.sites_yaml(["control", "slow"]), encoding="utf-8")
        healthy = tmp_path / "healthy-sites.yaml"
        healthy.write_text(fs.sites_yaml(["control"]), encoding="utf-8")
        yield {"fs": fs, "slow": slow, "healthy": healthy, "profile": profile,
               "db": tmp_path / "gw.db", "tmp": tmp_path}


def _healthy_run(world, label: str) -> int:
    return run_quiet(world["healthy"], world["db"], world["tmp"] / label, as_of=AS_OF,
                     profile=str(world["profile"]), rubric=None, settings=FAST_SETTINGS)


def _wait_mid_crawl(world, proc, before_hits: int) -> int:
    """Until the slow column is being served and the crawl has written rows; the crawl's pid."""
    db = world["db"]
    assert wait_for(lambda: world["fs"].hits.get("/slow/s/slow/tzgg/", 0) > before_hits, 60), \
        proc.stderr.read() if proc.poll() is not None else "slow column never requested"
    assert wait_for(lambda: _sql(db, "select count(*) from fetches where run_id = "
                                     "(select max(id) from runs)")[0][0] >= 3, 30)
    assert wait_for(lambda: _crawl_child(proc.pid) is not None, 10)
    return _crawl_child(proc.pid)


def test_kill_crawl_child_mid_crawl(world):
    db = world["db"]
    first = _healthy_run(world, "base")
    for i in range(3):
        earlier = [r[0] for r in _sql(db, "select id from runs")]
        before = _snapshot(db, earlier)
        hits = world["fs"].hits.get("/slow/s/slow/tzgg/", 0)
        out = world["tmp"] / f"killed{i}"
        proc = _start_run(world["slow"], db, out, world["profile"], SLOW_SETTINGS)
        crawl_pid = _wait_mid_crawl(world, proc, hits)
        os.kill(crawl_pid, signal.SIGKILL)
        stdout, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 0, stderr
        killed = _latest_run(db)
        assert killed["complete"] == 0 and "-9" in (killed["note"] or "")
        assert _integrity(db) == "ok"
        data = json.loads((out / "findings.json").read_text(encoding="utf-8"))
        assert data["complete"] in (False, 0)
        assert _snapshot(db, earlier) == before, "earlier runs' rows changed"
        nxt = _healthy_run(world, f"after{i}")
        assert _latest_run(db)["id"] == nxt and _latest_run(db)["complete"] == 1
        assert _integrity(db) == "ok"
    assert _sql(db, "select complete from runs where id = ?", [first])[0][0] == 1


def test_kill_whole_run_mid_crawl_then_next_run_closes_it(world):
    db = world["db"]
    _healthy_run(world, "base")
    for i in range(3):
        hits = world["fs"].hits.get("/slow/s/slow/tzgg/", 0)
        proc = _start_run(world["slow"], db, world["tmp"] / f"k{i}", world["profile"], SLOW_SETTINGS)
        crawl_pid = _wait_mid_crawl(world, proc, hits)
        killed_id = _latest_run(db)["id"]
        os.kill(proc.pid, signal.SIGKILL)        # the job itself: the lock must die with it
        os.kill(crawl_pid, signal.SIGKILL)       # and its crawl child, which we also started
        proc.communicate(timeout=30)
        assert _integrity(db) == "ok"
        assert _sql(db, "select complete, finished from runs where id = ?", [killed_id])[0] == (0, None)
        nxt = _healthy_run(world, f"n{i}")
        complete, finished, note = _sql(db, "select complete, finished, note from runs where id = ?",
                                        [killed_id])[0]
        assert complete == 0 and finished and "巡检中断" in note
        assert _sql(db, "select complete from runs where id = ?", [nxt])[0][0] == 1


def test_kill_report_writer(world):
    db = world["db"]
    run_id = _healthy_run(world, "base")
    before = _snapshot(db, [run_id])
    for i in range(3):
        out = world["tmp"] / f"rep{i}"
        proc = subprocess.Popen([sys.executable, "-m", "crawler.cli", "report", "--db", str(db),
                                 "--out", str(out), "--run", str(run_id)], env=_env(), cwd=str(ROOT),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wait_for(lambda: out.exists() or proc.poll() is not None, 60, interval=0.005)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=30)
        assert _integrity(db) == "ok"
        assert _snapshot(db, [run_id]) == before
        # the same report, run again, is whole
        again = subprocess.run([sys.executable, "-m", "crawler.cli", "report", "--db", str(db),
                                "--out", str(out), "--run", str(run_id)], env=_env(), cwd=str(ROOT),
                               capture_output=True, text=True, timeout=120)
        assert again.returncode == 0, again.stderr
        assert json.loads((out / "findings.json").read_text(encoding="utf-8"))["complete"] in (True, 1)


def test_second_process_exits_with_clear_message(world):
    db = world["db"]
    _healthy_run(world, "base")
    runs_before = _sql(db, "select count(*) from runs")[0][0]
    with db_lock(db, what="测试"):
        with pytest.raises(DatabaseBusy, match="正被另一个 govwatch 进程使用"):
            _healthy_run(world, "blocked")
        cli = subprocess.run([sys.executable, "-m", "crawler.cli", "run", str(world["healthy"]),
                              "--db", str(db), "--out", str(world["tmp"] / "cli"), "--no-progress"],
                             env=_env(GOVWATCH_LOCK_WAIT="0"), cwd=str(ROOT), capture_output=True,
                             text=True, timeout=120)
    assert cli.returncode == 3
    assert "正被另一个 govwatch 进程使用" in cli.stderr and f"进程号 {os.getpid()}" in cli.stderr
    assert _sql(db, "select count(*) from runs")[0][0] == runs_before, "a refused run wrote nothing"
    assert _integrity(db) == "ok"


def test_two_concurrent_runs_one_waits(world):
    db = world["db"]
    for i in range(3):
        hits = world["fs"].hits.get("/slow/s/slow/tzgg/", 0)
        first = _start_run(world["slow"], db, world["tmp"] / f"a{i}", world["profile"],
                           dict(SLOW_SETTINGS, DOWNLOAD_TIMEOUT=3))
        _wait_mid_crawl(world, first, hits)
        refused = _start_run(world["healthy"], db, world["tmp"] / f"r{i}", world["profile"],
                             FAST_SETTINGS, GOVWATCH_LOCK_WAIT="0")
        _, err = refused.communicate(timeout=60)
        assert refused.returncode != 0 and "DatabaseBusy" in err and "正被另一个 govwatch 进程使用" in err
        waiting = _start_run(world["healthy"], db, world["tmp"] / f"w{i}", world["profile"],
                             FAST_SETTINGS, GOVWATCH_LOCK_WAIT="120")
        out_a, err_a = first.communicate(timeout=120)
        out_w, err_w = waiting.communicate(timeout=120)
        assert first.returncode == 0 and waiting.returncode == 0, (err_a, err_w)
        id_a, id_w = int(out_a.split()[-1]), int(out_w.split()[-1])
        assert id_w > id_a, "the waiting run started only after the first finished"
        assert _sql(db, "select complete from runs where id in (?, ?)", [id_a, id_w]) == [(1,), (1,)]
        assert _integrity(db) == "ok"
