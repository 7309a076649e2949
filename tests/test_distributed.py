"""Distributed runs on a real Redis (crawler/distributed.py): `govwatch worker` processes take site
jobs from the queue, the run's own process writes every batch. The distributed run finds what the
local run finds; a worker killed with SIGKILL mid-site loses nothing and stores nothing twice; a site
that kills its worker every time is given up after its attempts and reported, not retried forever."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fleetsites import findings, fleet_server, row_counts, site_jobs, sites_yaml, sql
from harness import free_port, run_quiet
from sitegen import DEFAULT_AS_OF as AS_OF

from crawler.cli import main

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
HEARTBEAT = "2"   # seconds: a killed worker's job goes to another this long after its last beat


@pytest.fixture
def redis_url(tmp_path):
    """A real redis-server (the Debian package; .ci/run installs it) on a free loopback port."""
    import redis
    exe = shutil.which("redis-server")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server missing: .ci/run installs the Debian package redis-server")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    proc = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(tmp_path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while True:
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.ConnectionError:
            assert time.monotonic() < deadline and proc.poll() is None, "redis-server did not start"
            time.sleep(0.05)
    yield url
    proc.terminate()
    proc.wait(10)


class Workers:
    """`govwatch worker` processes against the test's Redis."""

    def __init__(self, url: str):
        self.url = url
        self.procs: list[subprocess.Popen] = []

    def start(self, n: int = 1) -> None:
        env = dict(os.environ, PYTHONPATH=str(ROOT), GOVWATCH_HEARTBEAT_TIMEOUT=HEARTBEAT)
        for _ in range(n):
            self.procs.append(subprocess.Popen([sys.executable, "-m", "crawler.cli", "worker", "--redis", self.url],
                                               env=env, cwd=str(ROOT), stdout=subprocess.DEVNULL,
                                               stderr=subprocess.DEVNULL))

    def alive(self) -> int:
        return sum(1 for p in self.procs if p.poll() is None)

    def stop(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
        for p in self.procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(5)


@pytest.fixture
def workers(redis_url):
    w = Workers(redis_url)
    yield w
    w.stop()


def _running(url: str) -> dict[str, int]:
    """Sites being crawled right now, with the pid of the worker crawling each."""
    import redis
    client = redis.Redis.from_url(url)
    out = {}
    for key in client.keys("govwatch:run:*:running"):
        for sid, worker in client.hgetall(key).items():
            out[sid.decode()] = int(worker.decode().rsplit(":", 1)[1])
    return out


def _distributed(sites, db, out, url, *extra) -> int:
    return main(["run", str(sites), "--db", str(db), "--out", str(out), "--as-of", AS_OF.isoformat(),
                 "--no-progress", "--distributed", "--redis", url, *extra])


def test_distributed_run_finds_what_the_local_run_finds(tmp_path, redis_url, workers):
    with fleet_server(4) as srv:
        sites = sites_yaml(srv, tmp_path / "sites.yaml")
        local = run_quiet(sites, tmp_path / "local.db", as_of=AS_OF)
        workers.start(2)
        code = _distributed(sites, tmp_path / "dist.db", tmp_path / "out", redis_url)
    assert code == 0
    dist = sql(tmp_path / "dist.db", "select max(id) from runs")[0][0]
    found = findings(tmp_path / "local.db", local)
    assert found and findings(tmp_path / "dist.db", dist) == found
    assert row_counts(tmp_path / "dist.db", dist) == row_counts(tmp_path / "local.db", local)
    jobs = site_jobs(tmp_path / "dist.db", dist)
    assert {sid: j[:2] for sid, j in jobs.items()} == {f"f{i}": ("done", 1) for i in range(1, 5)}
    # every site's batch names the worker process that crawled it
    assert all(w and ":" in w for (w,) in sql(tmp_path / "dist.db", "select worker from site_jobs"))
    assert (tmp_path / "out" / "rectification.xlsx").stat().st_size > 0


def test_worker_killed_mid_site_loses_nothing_and_duplicates_nothing(tmp_path, redis_url, workers):
    with fleet_server(3) as srv:
        sites = sites_yaml(srv, tmp_path / "sites.yaml")
        local = run_quiet(sites, tmp_path / "local.db", as_of=AS_OF)
        workers.start(2)
        killed: dict[str, int] = {}

        def kill_first_busy_worker():
            while not killed:
                busy = _running(redis_url)
                if busy:
                    sid, pid = sorted(busy.items())[0]
                    os.kill(pid, signal.SIGKILL)
                    killed[sid] = pid
                time.sleep(0.05)

        import threading
        t = threading.Thread(target=kill_first_busy_worker, daemon=True)
        t.start()
        # a delay between requests keeps each site busy for a few seconds: killed mid-site
        code = _distributed(sites, tmp_path / "dist.db", tmp_path / "out", redis_url, "--delay", "0.05")
        t.join(5)
    assert code == 0 and len(killed) == 1 and workers.alive() == 1
    (sid, _), = killed.items()
    dist = sql(tmp_path / "dist.db", "select max(id) from runs")[0][0]
    jobs = site_jobs(tmp_path / "dist.db", dist)
    assert jobs[sid][:2] == ("done", 2)          # re-delivered and crawled once more
    assert all(state == "done" for state, *_ in jobs.values())
    assert row_counts(tmp_path / "dist.db", dist) == row_counts(tmp_path / "local.db", local)
    assert findings(tmp_path / "dist.db", dist) == findings(tmp_path / "local.db", local)


def test_site_that_kills_its_worker_every_time_is_given_up(tmp_path, redis_url, workers):
    with fleet_server(3) as srv:
        sites = sites_yaml(srv, tmp_path / "sites.yaml")
        workers.start(2)
        kills: list[int] = []
        stop = False

        def kill_whoever_takes_f2():
            while not stop:
                pid = _running(redis_url).get("f2")
                if pid is not None and pid not in kills:
                    os.kill(pid, signal.SIGKILL)
                    kills.append(pid)
                    workers.start(1)   # the operator's supervisor starts a fresh one
                time.sleep(0.05)

        import threading
        t = threading.Thread(target=kill_whoever_takes_f2, daemon=True)
        t.start()
        try:
            code = _distributed(sites, tmp_path / "dist.db", tmp_path / "out", redis_url,
                                "--attempts", "2", "--delay", "0.02")
        finally:
            stop = True
            t.join(5)
    assert code == 5 and len(kills) == 2
    dist = sql(tmp_path / "dist.db", "select max(id) from runs")[0][0]
    jobs = site_jobs(tmp_path / "dist.db", dist)
    assert jobs["f2"][0] == "given_up" and "2次意外退出" in jobs["f2"][2]
    assert jobs["f1"][0] == jobs["f3"][0] == "done"
    assert sql(tmp_path / "dist.db", "select count(*) from fetches where run_id = ? and site_id = 'f2'",
               [dist]) == [(0,)]
    complete, note = sql(tmp_path / "dist.db", "select complete, note from runs where id = ?", [dist])[0]
    assert complete == 0 and "f2" in note
    assert {r[0] for r in sql(tmp_path / "dist.db", "select site_id from site_results")} == {"f1", "f3"}
