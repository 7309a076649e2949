"""`govwatch check` at province scale (issue 14: 1,000 sites × 60 columns in under 5 s, peak RSS under 500 MB).

    .venv/bin/python bench/checkspeed.py [--sites 1000] [--columns 12,60] [--mode daily] [--repeat N]
                                         [--without CODES] [--before TREE] [--keep DIR]

For each column count, `bench/bigstore.py` writes a store of two daily runs a day apart; then each
`check` runs in its own child process reaped with os.wait4 (wall time from before the interpreter
starts and CPU are the child's own; peak RSS is the child's VmHWM), calling what the CLI calls
(`crawler.cli.check_stored`): first on run 1 (no earlier findings), then on run 2, whose lifecycle
carries run 1's findings forward (resolved, kept, 未复核). The child splits its time by phase, each
function's own time (a phase called inside another is taken out of it):
  setup     profile, rubric and holiday files read and checked
  load      the run's rows read from the store (columns, items, letters, walk, previous findings…)
  rules     the rules run on each site (what is left of judging a site)
  lifecycle findings matched against the previous run's
  verdict   verdict, score, board figures and column summary
  write     findings, site_results and board_stats written
  start     interpreter and imports (the child's wall time outside check_stored)
`--repeat N` checks each run N times (a check replaces what it wrote) and shows the fastest: the
machine is shared. `--without CODES` leaves rules out (in both trees), to see what they cost.
`--before TREE` runs the same children on another checkout (e.g. `git worktree add /tmp/gw-before
<commit>`) against a copy of each store, so before and after are measured back to back, and then
checks that both wrote the same findings, site results and board figures.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
BAR_SECONDS = 5.0
BAR_RSS_MB = 500

# phase: (module, attribute) pairs wrapped in the child; those a tree lacks are skipped
PHASES = {
    "setup": [("checks.profile", "load_profile"), ("checks.scoring", "load_rubric"),
              ("crawler.cli", "_validate_profile")],
    "load": [("checks.runrows", "load"), ("checks.runrows", "previous_findings"),
             ("checks.runrows", "previous_runs"), ("checks.runrows", "site_configs"),
             ("checks.engine", "_previous_run"), ("checks.engine", "_site_config"),
             *(("crawler.store", f"Store.{m}") for m in ("columns", "items", "enquiries", "entrances", "walk",
                                                        "fetches", "findings", "marks", "run", "crawled_sites",
                                                        "latest_crawled_run"))],
    "rules": [("checks.engine", "judge_site"), ("checks.engine", "_judge"), ("checks.engine", "_rule_findings")],
    "lifecycle": [("checks.engine", "_lifecycle")],
    "verdict": [("checks.verdict", "site_verdict"), ("checks.scoring", "score_site"),
                ("checks.engine", "_board_stats"), ("checks.engine", "_column_summary")],
    "write": [("checks.runrows", "write"), ("crawler.store", "Store.replace_findings")],
}


# -- the child ----------------------------------------------------------------------------------------
class PhaseClock:
    """Each wrapped function's own time, added to its phase (time in a wrapped callee goes to the callee's)."""

    def __init__(self):
        self.seconds: dict[str, float] = dict.fromkeys(PHASES, 0.0)
        self.stack: list[float] = []    # per active call: time spent in wrapped callees

    def wrap(self, phase: str, fn):
        clock = self

        def timed(*args, **kwargs):
            clock.stack.append(0.0)
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent = time.perf_counter() - t0
                inner = clock.stack.pop()
                clock.seconds[phase] += spent - inner
                if clock.stack:
                    clock.stack[-1] += spent
        return timed

    def install(self) -> None:
        import importlib
        for phase, targets in PHASES.items():
            for module_name, attr in targets:
                try:
                    owner = importlib.import_module(module_name)
                except ImportError:
                    continue
                *path, name = attr.split(".")
                for part in path:
                    owner = getattr(owner, part, None)
                if owner is None or not hasattr(owner, name):
                    continue
                setattr(owner, name, self.wrap(phase, getattr(owner, name)))


def _peak_rss_mb() -> float | None:
    """This process's own peak RSS (VmHWM). Not ru_maxrss: Linux carries the parent's peak over
    an exec into the child's, and the parent here has just written a 400 MB store."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def child(db: str, run_id: int, without: list[str]) -> None:
    t_start = time.perf_counter()
    clock = PhaseClock()
    clock.install()
    if without:
        from checks.registry import RULES, load_builtin_rules
        load_builtin_rules()
        for code in without:
            RULES.pop(code, None)   # a tree without the rule
    from crawler.cli import check_stored
    t0 = time.perf_counter()
    results = check_stored(db, run_id)
    seconds = time.perf_counter() - t0
    statuses: dict[str, int] = {}
    for r in results:
        for f in r["findings"]:
            statuses[f["status"]] = statuses.get(f["status"], 0) + 1
    import checks
    print(json.dumps({"check_seconds": seconds, "imports": t0 - t_start, "phases": clock.seconds,
                      "peak_rss_mb": _peak_rss_mb(),
                      "code": str(Path(checks.__file__).resolve().parents[1]),
                      "sites": len(results), "statuses": statuses,
                      "verdicts": {v: sum(r["verdict"] == v for r in results)
                                   for v in sorted({r["verdict"] for r in results})}}))


# -- the parent ---------------------------------------------------------------------------------------
def measure(db: str, run_id: int, tree: Path, without: list[str] = ()) -> dict:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tree), str(BENCH)]))
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--child", db, str(run_id),
                             *(["--without", ",".join(without)] if without else [])],
                            stdout=subprocess.PIPE, env=env, text=True, cwd=tree)
    out = proc.stdout.read()
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"check failed on {db} run {run_id} ({tree})")
    lines = [ln for ln in out.splitlines() if ln.startswith("{")]
    res = json.loads(lines[-1])
    if Path(res["code"]) != tree.resolve():
        raise SystemExit(f"the child ran {res['code']}, not {tree}")
    res.update(wall=wall, cpu=ru.ru_utime + ru.ru_stime, rss_mb=res["peak_rss_mb"] or ru.ru_maxrss / 1024)
    res["phases"]["start"] = wall - res["check_seconds"]
    return res


def judged(db: Path) -> list[tuple]:
    """What the checks wrote, in order (findings without their row ids)."""
    import sqlite3
    conn = sqlite3.connect(db)
    try:
        return [*conn.execute("select run_id, site_id, fingerprint, code, severity, [column], url, message, "
                              "evidence, status, first_seen, last_seen from findings order by run_id, site_id, id"),
                *conn.execute("select * from site_results order by run_id, site_id"),
                *conn.execute("select * from board_stats order by run_id, site_id, board_key")]
    finally:
        conn.close()


def _row(label: str, r: dict) -> str:
    ph = r["phases"]
    split = " ".join(f"{k} {ph.get(k, 0):.2f}" for k in ("start", "setup", "load", "rules", "lifecycle",
                                                          "verdict", "write"))
    other = r["check_seconds"] - sum(v for k, v in ph.items() if k != "start")
    return (f"  {label:<22} wall {r['wall']:5.2f} s  cpu {r['cpu']:5.2f} s  rss {r['rss_mb']:4.0f} MB  "
            f"{1000 * r['wall'] / max(r['sites'], 1):5.2f} ms/site  {r['wall'] / BAR_SECONDS:4.2f}× bar\n"
            f"  {'':<22} {split} other {other:.2f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--child", nargs=2, metavar=("DB", "RUN"), help=argparse.SUPPRESS)
    ap.add_argument("--sites", type=int, default=1000)
    ap.add_argument("--columns", default="12,60", help="column counts, comma-separated")
    ap.add_argument("--items", type=int, default=20)
    ap.add_argument("--letters", type=int, default=10)
    ap.add_argument("--mode", choices=("daily", "sweep"), default="daily")
    ap.add_argument("--before", type=Path, help="another checkout to measure on a copy of each store")
    ap.add_argument("--keep", type=Path, help="write the stores here and keep them")
    ap.add_argument("--repeat", type=int, default=1, help="check each run N times, report the fastest")
    ap.add_argument("--without", default="", help="rule codes to leave out (what they cost), comma-separated")
    a = ap.parse_args(argv)
    without = [c for c in a.without.split(",") if c]
    if a.child:
        child(a.child[0], int(a.child[1]), without)
        return 0
    sys.path[:0] = [str(ROOT), str(BENCH)]
    from bigstore import build_store
    work = a.keep or Path(tempfile.mkdtemp(prefix="checkspeed-"))
    work.mkdir(parents=True, exist_ok=True)
    trees = [("after", ROOT)] + ([("before", a.before.resolve())] if a.before else [])
    failed = False
    try:
        for columns in (int(c) for c in a.columns.split(",")):
            db = work / f"s{a.sites}x{columns}.db"
            t0 = time.perf_counter()
            info = build_store(db, sites=a.sites, columns=columns, items_per_column=a.items,
                               letters=a.letters, mode=a.mode, runs=2)
            print(f"{a.sites} sites × {columns} columns ({a.mode}, 2 runs): built in "
                  f"{time.perf_counter() - t0:.1f} s, {db.stat().st_size / 2**20:.0f} MiB; per run "
                  + ", ".join(f"{k} {v // 2:,}" for k, v in info["rows"].items())
                  + (f"; checked without {', '.join(without)}" if without else ""))
            copies = {}
            for name, tree in reversed(trees):        # before first: the after figures are the fresher
                copy = copies[name] = work / f"{db.stem}-{name}.db"
                shutil.copyfile(db, copy)
                for run_id, what in zip(info["runs"], ("first check", "second (lifecycle)"), strict=True):
                    tries = [measure(str(copy), run_id, tree, without) for _ in range(a.repeat)]
                    r = min(tries, key=lambda t: t["wall"])   # the least disturbed by other processes
                    print(_row(f"{name}: {what}", r))
                    if name == "after" and columns >= 60 and (r["wall"] >= BAR_SECONDS
                                                              or r["rss_mb"] >= BAR_RSS_MB):
                        failed = True
                    if run_id == info["runs"][-1]:
                        print(f"  {'':<22} findings {r['statuses']}  verdicts {r['verdicts']}")
            if len(copies) == 2:
                same = judged(copies["before"]) == judged(copies["after"])
                print(f"  findings, site_results and board_stats of both runs identical before and after: "
                      f"{'yes' if same else 'NO'}")
                failed |= not same
            for copy in copies.values():
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{copy}{suffix}").unlink(missing_ok=True)
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"bar: under {BAR_SECONDS:g} s and {BAR_RSS_MB} MB at 60 columns — "
          + ("NOT MET" if failed else "met"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
