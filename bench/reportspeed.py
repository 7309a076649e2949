"""`govwatch report` at province scale: time, CPU, peak RSS and output sizes against the bars of
issue 14 (1,000 sites: under 10 s, peak RSS under 500 MB, report.html under 2 MB).

Builds a store with `bench/bigstore.py` (or reuses one), judges it with `govwatch check`, then runs
`govwatch report` N times, each in a child reaped with os.wait4: its CPU and peak RSS include the
child that writes the pages (reports/forked.py; RSS is the larger of the two processes, whose
model pages they share). The machine's load average is printed beside each run: on a shared VM
another process on the second core shows up as wall time.

    .venv/bin/python bench/reportspeed.py [--sites 1000] [--columns 60] [--repeat 3]
                                          [--store PATH] [--keep DIR] [--split-by owner]
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bigstore import build_store  # noqa: E402

BARS = {"wall_s": 10.0, "rss_mb": 500.0, "overview_mb": 2.0}


def _measure(argv: list[str]) -> dict:
    """Run `python -m crawler.cli ARGV` in a child: wall, CPU (user+sys, its children included),
    peak RSS, exit code."""
    load = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "crawler.cli", *argv], cwd=ROOT,
                            stdout=subprocess.DEVNULL)
    _, status, ru = os.wait4(proc.pid, 0)
    return {"wall_s": time.perf_counter() - start, "cpu_s": ru.ru_utime + ru.ru_stime,
            "rss_mb": ru.ru_maxrss / 1024, "code": os.waitstatus_to_exitcode(status), "load": load}


def _sizes(out: Path) -> dict:
    pages = out / "sites"
    sizes = {f.name: f.stat().st_size for f in out.iterdir() if f.is_file()}
    sizes["sites/"] = sum(f.stat().st_size for f in pages.iterdir()) if pages.is_dir() else 0
    sizes["pages"] = len(list(pages.iterdir())) if pages.is_dir() else 0
    return sizes


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sites", type=int, default=1000)
    ap.add_argument("--columns", type=int, default=60)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--store", help="a judged store to reuse (else one is built and checked)")
    ap.add_argument("--keep", help="keep the store and the reports in this folder")
    ap.add_argument("--split-by", choices=("owner", "region"), help="also time report --split-by")
    a = ap.parse_args(argv)
    work = Path(a.keep) if a.keep else Path(tempfile.mkdtemp(prefix="reportspeed-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        db = Path(a.store) if a.store else work / "big.db"
        if not a.store:
            t0 = time.perf_counter()
            info = build_store(db, sites=a.sites, columns=a.columns)
            print(f"store: {a.sites} sites × {a.columns} columns, "
                  + ", ".join(f"{k} {v:,}" for k, v in info["rows"].items())
                  + f" ({time.perf_counter() - t0:.1f} s)")
            check = _measure(["check", "--db", str(db)])
            print(f"check: {check['wall_s']:.1f} s, peak RSS {check['rss_mb']:.0f} MB, exit {check['code']}")
        runs = []
        for i in range(a.repeat):
            out = work / f"out{i}"
            shutil.rmtree(out, ignore_errors=True)
            r = _measure(["report", "--db", str(db), "--out", str(out)])
            r.update(_sizes(out))
            runs.append(r)
            print(f"report #{i + 1}: wall {r['wall_s']:.2f} s, CPU {r['cpu_s']:.2f} s, "
                  f"peak RSS {r['rss_mb']:.0f} MB, exit {r['code']} (load average {r['load']:.2f})")
        last = runs[-1]
        mb = 1024 * 1024
        print(f"sizes: report.html {last.get('report.html', 0) / mb:.2f} MB, "
              f"{last['pages']} site pages {last['sites/'] / mb:.1f} MB, "
              f"rectification.xlsx {last.get('rectification.xlsx', 0) / mb:.2f} MB, "
              f"findings.json {last.get('findings.json', 0) / mb:.1f} MB, "
              f"findings.csv {last.get('findings.csv', 0) / mb:.1f} MB, "
              f"digest.md {last.get('digest.md', 0) / mb:.1f} MB")
        best = {"wall_s": min(r["wall_s"] for r in runs), "rss_mb": max(r["rss_mb"] for r in runs),
                "overview_mb": last.get("report.html", 0) / mb}
        print(f"median wall {statistics.median(r['wall_s'] for r in runs):.2f} s, "
              f"median CPU {statistics.median(r['cpu_s'] for r in runs):.2f} s")
        ok = True
        for key, bar in BARS.items():
            passed = best[key] < bar
            ok &= passed
            print(f"  {key:12} {best[key]:8.2f}  bar < {bar:g}  {'ok' if passed else 'OVER'}")
        if a.split_by:
            out = work / "split"
            shutil.rmtree(out, ignore_errors=True)
            r = _measure(["report", "--db", str(db), "--out", str(out), "--split-by", a.split_by])
            folder = next(p for p in out.iterdir() if p.is_dir() and p.name.startswith("按"))
            print(f"report --split-by {a.split_by}: wall {r['wall_s']:.2f} s, CPU {r['cpu_s']:.2f} s, "
                  f"peak RSS {r['rss_mb']:.0f} MB, {len(list(folder.iterdir()))} files in {folder.name}")
        return 0 if ok and all(r["code"] == 0 for r in runs) else 1
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
