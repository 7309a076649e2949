"""Many sites on one machine (crawler/fleet.py): chunks of sites crawled by parallel crawl processes
give the same findings as one process; a run interrupted part-way resumes with the sites left; a
site whose crawl process dies every time is given up and named while its chunk-mates are crawled;
a site past its time limit stops without costing the others or being accused of absences."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from fleetsites import findings, fleet_server, row_counts, site_jobs, sites_yaml, sql
from harness import run_quiet
from sitegen import DEFAULT_AS_OF as AS_OF
from sitegen import request_key

from crawler.cli import main

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs Linux /proc")]
ROOT = Path(__file__).resolve().parents[1]
HOME = request_key("GET", "/")


def _crawl_processes() -> list[tuple[int, dict]]:
    """Running crawl processes (python -m crawler.crawl JOB) with their job."""
    out = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            if b"crawler.crawl" in argv:
                job = json.loads(Path(argv[argv.index(b"crawler.crawl") + 1].decode()).read_text("utf-8"))
                out.append((int(pid), job))
        except (OSError, ValueError, IndexError):
            continue
    return out


def _per_host(served) -> dict[str, int]:
    out: dict[str, int] = {}
    for (host, _), n in served.items():
        out[host] = out.get(host, 0) + n
    return out


def test_chunks_in_parallel_find_what_one_process_finds(tmp_path):
    with fleet_server(5) as srv:
        sites = sites_yaml(srv, tmp_path / "sites.yaml")
        one = run_quiet(sites, tmp_path / "one.db", as_of=AS_OF,
                        settings={"GOVWATCH_FLEET_CHUNK": 100, "GOVWATCH_FLEET_PARALLEL": 1})
        many = run_quiet(sites, tmp_path / "many.db", as_of=AS_OF,
                         settings={"GOVWATCH_FLEET_CHUNK": 2, "GOVWATCH_FLEET_PARALLEL": 2})
    found = findings(tmp_path / "one.db", one)
    assert found and {f[0] for f in found} == {f"f{i}" for i in range(1, 6)}
    assert findings(tmp_path / "many.db", many) == found
    assert row_counts(tmp_path / "many.db", many) == row_counts(tmp_path / "one.db", one)
    jobs = site_jobs(tmp_path / "many.db", many)
    assert {sid: (state, tries) for sid, (state, tries, _) in jobs.items()} == \
        {f"f{i}": ("done", 1) for i in range(1, 6)}
    assert sql(tmp_path / "many.db", "select complete from runs where id = ?", [many]) == [(1,)]


def test_interrupted_run_resumes_with_the_sites_left(tmp_path):
    db, out = tmp_path / "gw.db", tmp_path / "out"
    with fleet_server(5) as srv:
        sites = sites_yaml(srv, tmp_path / "sites.yaml")
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        proc = subprocess.Popen([sys.executable, "-m", "crawler.cli", "run", str(sites), "--db", str(db),
                                 "--out", str(out), "--as-of", AS_OF.isoformat(), "--no-progress",
                                 "--chunk", "1", "--parallel", "1"],
                                env=env, cwd=str(ROOT), start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if db.exists() and sql(db, "select count(*) from sqlite_master where name = 'site_jobs'")[0][0] \
                    and sql(db, "select count(*) from site_jobs where state = 'done'")[0][0] >= 2:
                break
            assert proc.poll() is None, proc.stderr.read().decode()
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGKILL)   # the run and its crawl process, as a power cut would
        proc.wait(10)
        run_id = sql(db, "select max(id) from runs")[0][0]
        done_before = {sid for sid, (state, *_) in site_jobs(db, run_id).items() if state == "done"}
        assert 2 <= len(done_before) < 5
        homes_before = {h: n for (h, key), n in srv.served.items() if key == HOME}
        served_before = _per_host(srv.served)
        code = main(["run", str(sites), "--db", str(db), "--out", str(out), "--as-of", AS_OF.isoformat(),
                     "--no-progress", "--resume"])
        homes_after = {h: n for (h, key), n in srv.served.items() if key == HOME}
        served_after = _per_host(srv.served)
    assert code == 0
    assert sql(db, "select count(*), max(id) from runs") == [(1, run_id)]   # the same run, continued
    assert sql(db, "select complete from runs where id = ?", [run_id]) == [(1,)]
    jobs = site_jobs(db, run_id)
    assert all(state == "done" for state, *_ in jobs.values()) and len(jobs) == 5
    # the sites finished before the interruption were not fetched again
    hosts = {f"f{i + 1}": f"127.0.0.{20 + i}" for i in range(5)}
    for sid in done_before:
        assert served_after[hosts[sid]] == served_before[hosts[sid]] > 0
    assert {sid for sid in hosts if homes_after.get(hosts[sid], 0) > homes_before.get(hosts[sid], 0)} \
        == set(hosts) - done_before
    # one walk per site, findings for all five, nothing stored twice for the interrupted site
    assert sql(db, "select count(*), count(distinct site_id) from walks where run_id = ?", [run_id]) == [(5, 5)]
    assert {f[0] for f in findings(db, run_id)} == set(hosts)
    assert json.loads((out / "findings.json").read_text(encoding="utf-8"))["complete"] in (True, 1)


def test_site_that_kills_its_crawl_is_given_up_and_its_chunk_mates_are_crawled(tmp_path):
    db, out = tmp_path / "gw.db", tmp_path / "out"
    stop = threading.Event()
    kills: list[int] = []

    def killer():   # the poisoned site: any crawl process holding f2 dies (as on a crash)
        while not stop.is_set():
            for pid, job in _crawl_processes():
                if job.get("db") == str(db) and any(s["id"] == "f2" for s in job["sites"]):
                    try:
                        os.kill(pid, signal.SIGKILL)
                        kills.append(pid)
                    except ProcessLookupError:
                        pass
            time.sleep(0.02)

    with fleet_server(4) as srv:
        sites = sites_yaml(srv, tmp_path / "sites.yaml")
        t = threading.Thread(target=killer, daemon=True)
        t.start()
        try:
            code = main(["run", str(sites), "--db", str(db), "--out", str(out), "--as-of", AS_OF.isoformat(),
                         "--no-progress", "--chunk", "2", "--parallel", "1", "--attempts", "2"])
        finally:
            stop.set()
            t.join(5)
    assert code == 5 and len(set(kills)) == 2   # the chunk f1+f2, then f2 alone: tried twice
    run_id = sql(db, "select max(id) from runs")[0][0]
    jobs = site_jobs(db, run_id)
    assert jobs["f2"][:2] == ("given_up", 2) and "信号 9" in jobs["f2"][2]
    assert {sid: jobs[sid][0] for sid in ("f1", "f3", "f4")} == dict.fromkeys(("f1", "f3", "f4"), "done")
    assert jobs["f1"][1] == 2    # its first try died with f2's chunk; alone it finished
    complete, note = sql(db, "select complete, note from runs where id = ?", [run_id])[0]
    assert complete == 0 and "f2" in note and "已放弃" in note
    judged = {r[0] for r in sql(db, "select site_id from site_results where run_id = ?", [run_id])}
    assert {"f1", "f3", "f4"} <= judged
    # every report names the site given up and why
    data = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert [(m["id"], m["state"], m["attempts"]) for m in data["not_crawled"]] == [("f2", "given_up", 2)]
    assert "信号 9" in data["not_crawled"][0]["reason"]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "未完成抓取的网站（1 个）" in html and "信号 9" in html
    assert "未完成抓取的网站 1 个" in (out / "digest.md").read_text(encoding="utf-8")
    from openpyxl import load_workbook
    sheet = load_workbook(out / "rectification.xlsx", read_only=True)["未完成抓取"]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "网站" and len(values) == 2 and values[1][4] == "已放弃" and values[1][5] == 2


def test_a_sites_own_time_limit_holds_for_it_alone(tmp_path):
    db = tmp_path / "gw.db"
    with fleet_server(2) as srv:
        sites = sites_yaml(srv, tmp_path / "sites.yaml")
        text = sites.read_text(encoding="utf-8").replace("    region: 测试县\n", "    region: 测试县\n    site_timeout: 1\n", 1)
        sites.write_text(text, encoding="utf-8")
        run_id = run_quiet(sites, db, as_of=AS_OF, settings={"DOWNLOAD_DELAY": 0.1})
    walks = dict((s, (c, n)) for s, c, n in sql(db, "select site_id, complete, note from walks where run_id = ?", [run_id]))
    assert walks["f1"][0] == 0 and "超过单站时限（1秒）" in walks["f1"][1]
    assert "单站时限" not in (walks["f2"][1] or "")


def test_site_past_its_time_limit_stops_without_accusations(tmp_path):
    db = tmp_path / "gw.db"
    with fleet_server(2) as srv:
        sites = sites_yaml(srv, tmp_path / "sites.yaml")
        t0 = time.monotonic()
        run_id = run_quiet(sites, db, as_of=AS_OF,
                           settings={"GOVWATCH_SITE_TIMEOUT": 1.5, "DOWNLOAD_DELAY": 0.2,
                                     "CONCURRENT_REQUESTS_PER_DOMAIN": 2})
        took = time.monotonic() - t0
        served = sum(srv.served.values())
    # 90 pages a site at one request per ~0.2 s would take ~18 s a site: cut at 1.5 s each
    assert took < 15 and served < 2 * 90
    walks = sql(db, "select site_id, complete, note from walks where run_id = ?", [run_id])
    assert len(walks) == 2 and all(c == 0 and "超过单站时限（1.5秒）" in n for _, c, n in walks)
    # an absence the cut walk did not prove is a hint to check, never a deduction
    absences = sql(db, "select severity, message from findings where run_id = ? and code in "
                       "('COLUMN_MISSING', 'NO_ENQUIRY_CHANNEL')", [run_id])
    assert all(sev == "warn" for sev, _ in absences), absences
    assert {s for s, (state, *_) in site_jobs(db, run_id).items() if state == "done"} == {"f1", "f2"}
