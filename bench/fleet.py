"""Province-scale benchmark: a sweep then a daily run over N generated sites at the default per-host
politeness, then `check` and `report` alone, then the same daily run on 1 and 2 distributed workers.

    .venv/bin/python bench/fleet.py [--sites 200 1000] [--pages 34] [--columns 7] [--no-distributed]

Each site is `bench/sitegen.py`'s portal cut to a county department (12 columns and a board, ~34
requests a sweep) on its own loopback address 127.0.x.y, so per-host limits are real. The server is
aiohttp in its own process (nginx cannot answer the Hanweb dataproxy POSTs the generated sites use);
its CPU is read from /proc and printed apart. Every measured step is a `govwatch` command in a child
reaped with os.wait4: wall, CPU (with its crawl processes), peak RSS of its largest process. The
distributed rows start a real redis-server (skipped when it is not installed) and `govwatch worker`s.
Politeness is the product default (2 requests at a time and a 0.25 s delay per host): the bench
measures what an office gets, not what loopback allows.
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(ROOT), str(BENCH), str(ROOT / "tests")]

from sitegen import DEFAULT_AS_OF, SITE_NAME, AsyncServer, build_site  # noqa: E402

OWNERS = ["县政府办公室", "县发展和改革局", "县教育局", "县卫生健康局", "县自然资源局"]
REGIONS = ["东城县", "西山县", "南湖区", "北岭县"]
DAILY_BAR_3000 = 600.0   # seconds: a 3,000-site daily run
CLK = os.sysconf("SC_CLK_TCK")


def hosts_for(n: int) -> list[str]:
    return [f"127.0.{1 + i // 200}.{10 + i % 200}" for i in range(n)]


def _serve(pages: int, columns: int, hosts: list[str], ports, stop) -> None:
    site = build_site(pages, zwgk_columns=columns)
    with AsyncServer(site, hosts) as srv:
        ports.put(srv.ports)
        stop.wait()


def _cpu_of(pid: int) -> float:
    """utime + stime of a live process and its reaped children, seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(fields[i]) for i in (11, 12, 13, 14)) / CLK


def measure(argv: list[str], env: dict | None = None) -> dict:
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, env=env or _env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            cwd=str(ROOT))
    err = proc.stderr.read()
    _, status, ru = os.wait4(proc.pid, 0)
    rc = os.waitstatus_to_exitcode(status)
    out = {"wall": time.perf_counter() - t0, "cpu": ru.ru_utime + ru.ru_stime, "rss_mb": ru.ru_maxrss / 1024,
           "rc": rc}
    if rc not in (0, 5):
        out["error"] = err.decode("utf-8", "replace")[-2000:]
    return out


def _env(**extra) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT), **extra)
    for k in ("GOVWATCH_DOWNLOAD_DELAY", "GOVWATCH_CONCURRENT_PER_HOST"):   # the product's politeness
        env.pop(k, None)
    return env


def govwatch(*args: str) -> list[str]:
    return [sys.executable, "-m", "crawler.cli", *args]


def write_sites(path: Path, urls: list[str]) -> None:
    lines = ["sites:"]
    for i, url in enumerate(urls):
        lines += [f"  - id: s{i + 1:04d}", f"    name: {SITE_NAME}{i + 1}", f"    url: {url}",
                  "    kind: department", f"    owner: {OWNERS[i % len(OWNERS)]}",
                  f"    region: {REGIONS[i % len(REGIONS)]}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _requests(db: Path, run: int) -> int:
    import sqlite3
    con = sqlite3.connect(str(db))
    try:
        return con.execute("select count(*) from fetches where run_id = ?", [run]).fetchone()[0]
    finally:
        con.close()


def _latest_run(db: Path) -> int:
    import sqlite3
    con = sqlite3.connect(str(db))
    try:
        return con.execute("select max(id) from runs").fetchone()[0]
    finally:
        con.close()


class Redis:
    def __init__(self, workdir: Path):
        from harness import free_port  # tests/harness.py: a free loopback port
        self.port = free_port()
        self.proc = subprocess.Popen([shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1",
                                      "--save", "", "--appendonly", "no", "--dir", str(workdir)],
                                     stdout=subprocess.DEVNULL)
        self.url = f"redis://127.0.0.1:{self.port}/0"
        import redis
        for _ in range(200):
            try:
                redis.Redis.from_url(self.url).ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def distributed_daily(sites: Path, db: Path, workdir: Path, n_workers: int) -> dict:
    """A sweep-primed copy of the store, then `run --distributed --mode daily` with n workers."""
    redis = Redis(workdir)
    env = _env(GOVWATCH_REDIS_URL=redis.url)
    workers = [subprocess.Popen(govwatch("worker"), env=env, cwd=str(ROOT), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL) for _ in range(n_workers)]
    try:
        time.sleep(1.0)
        before = sum(_cpu_of(w.pid) for w in workers)
        m = measure(govwatch("run", str(sites), "--db", str(db), "--out", str(workdir / f"out-w{n_workers}"),
                             "--mode", "daily", "--as-of", DEFAULT_AS_OF.isoformat(), "--no-progress",
                             "--distributed"), env)
        m["worker_cpu"] = sum(_cpu_of(w.pid) for w in workers) - before
    finally:
        for w in workers:
            w.terminate()
        for w in workers:
            w.wait(30)
        redis.stop()
    return m


def bench(n: int, args, workdir: Path) -> list[tuple]:
    hosts = hosts_for(n)
    ports_q, stop = mp.Queue(), mp.Event()
    server = mp.Process(target=_serve, args=(args.pages, args.columns, hosts, ports_q, stop), daemon=True)
    server.start()
    ports = ports_q.get(timeout=300)
    urls = [f"http://{h}:{p}/" for h, p in zip(hosts, ports, strict=True)]
    sites, db = workdir / f"sites-{n}.yaml", workdir / f"fleet-{n}.db"
    write_sites(sites, urls)
    rows = []

    def row(label: str, m: dict, requests: int | None = None, extra: str = "") -> None:
        rate = f"{requests / m['wall']:.0f}" if requests else ""
        per_min = f"{n / m['wall'] * 60:.0f}" if requests else ""
        rows.append((n, label, f"{m['wall']:.1f}", per_min, requests or "", rate, f"{m['cpu'] + m.get('worker_cpu', 0):.0f}",
                     f"{m['rss_mb']:.0f}", extra + (f" rc={m['rc']}" if m["rc"] else "")))
        if "error" in m:
            print(m["error"], file=sys.stderr)

    srv_cpu0 = _cpu_of(server.pid)
    m = measure(govwatch("run", str(sites), "--db", str(db), "--out", str(workdir / f"out-sweep-{n}"),
                         "--as-of", DEFAULT_AS_OF.isoformat(), "--no-progress",
                         *(["--no-links"] if args.sweep_no_links else [])))
    row("sweep (local)" + (", no link checks" if args.sweep_no_links else ""), m, _requests(db, _latest_run(db)), f"server {_cpu_of(server.pid) - srv_cpu0:.0f}s CPU")
    primed = workdir / f"primed-{n}.db"
    shutil.copy(db, primed)
    srv_cpu0 = _cpu_of(server.pid)
    m = measure(govwatch("run", str(sites), "--db", str(db), "--out", str(workdir / f"out-daily-{n}"),
                         "--mode", "daily", "--as-of", DEFAULT_AS_OF.isoformat(), "--no-progress"))
    requests = _requests(db, _latest_run(db))
    bar = f" (bar for 3,000: {DAILY_BAR_3000:.0f}s)" if n >= 3000 else ""
    row("daily (local)", m, requests, f"server {_cpu_of(server.pid) - srv_cpu0:.0f}s CPU; "
        f"{requests / n:.1f} req/site{bar}")
    m = measure(govwatch("check", "--db", str(db)))
    row("check alone", m, None, "bar 5 s for 1,000 x 60 columns")
    out = workdir / f"out-report-{n}"
    m = measure(govwatch("report", "--db", str(db), "--out", str(out)))
    sizes = {p.name: p.stat().st_size / 1e6 for p in out.glob("*") if p.is_file()}
    row("report alone", m, None, f"report.html {sizes.get('report.html', 0):.1f} MB, "
        f"xlsx {sizes.get('rectification.xlsx', 0):.1f} MB; bar 10 s / 1,000 sites")
    rows[-1] = rows[-1][:-1] + (rows[-1][-1] + f"; store {db.stat().st_size / 1e6:.0f} MB",)
    if not args.no_distributed and shutil.which("redis-server"):
        for k in (1, 2):
            dist_db = workdir / f"dist-{n}-{k}.db"
            shutil.copy(primed, dist_db)
            m = distributed_daily(sites, dist_db, workdir, k)
            row(f"daily, {k} worker{'s' if k > 1 else ''}", m, _requests(dist_db, _latest_run(dist_db)),
                "CPU includes the workers'")
    stop.set()
    server.join(30)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sites", type=int, nargs="+", default=[200, 1000])
    ap.add_argument("--pages", type=int, default=34, help="requests a sweep of one site makes")
    ap.add_argument("--columns", type=int, default=7, help="政务公开 columns a site keeps (plus 5 main + board)")
    ap.add_argument("--no-distributed", action="store_true")
    ap.add_argument("--sweep-no-links", action="store_true",
                    help="the priming sweep without link checks (a shorter bench; the daily run never checks links)")
    ap.add_argument("--keep", help="directory kept for the stores and outputs")
    args = ap.parse_args()
    workdir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="govwatch-fleet-"))
    workdir.mkdir(parents=True, exist_ok=True)
    head = ("sites", "step", "wall s", "sites/min", "requests", "req/s", "CPU s", "peak RSS MiB", "notes")
    all_rows = []
    for n in args.sites:
        all_rows += bench(n, args, workdir)
        print(f"-- {n} sites done", file=sys.stderr, flush=True)
    widths = [max(len(str(r[i])) for r in [head, *all_rows]) for i in range(len(head))]
    for r in [head, *all_rows]:
        print("  ".join(str(v).ljust(w) for v, w in zip(r, widths, strict=True)))
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
