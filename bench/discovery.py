"""Discovery on whole saved real sites: what a sweep sees of each, and what it then asserts.

Each site in ../shared/corpus/sites is served under its own host name by a loopback forward proxy
(bench/siteproxy.py) and crawled by `govwatch run` as of the day it was saved. Printed per site:
requests the proxy answered, pages fetched, columns found, the walk's coverage, findings by code,
time, and (with --tree) the discovered column tree.

    .venv/bin/python bench/discovery.py [--site zhecheng] [--tree] [--keep DIR]
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.siteproxy import SAVED_SITES, saved_site_proxy, sites_available, sites_yaml  # noqa: E402


def run_site(name: str, workdir: Path, mode: str = "sweep") -> dict:
    """One `govwatch run` of a saved site through the proxy; returns the figures."""
    from crawler.store import Store
    workdir.mkdir(parents=True, exist_ok=True)
    sites_file = workdir / f"{name}.yaml"
    sites_file.write_text(sites_yaml(name), encoding="utf-8")
    db = workdir / f"{name}.db"
    with saved_site_proxy(name) as proxy:
        env = dict(os.environ, http_proxy=proxy.url, HTTP_PROXY=proxy.url, no_proxy="", NO_PROXY="",
                   GOVWATCH_DOWNLOAD_DELAY="0")   # the proxy is ours: no politeness delay
        started = time.monotonic()
        # No link checks: the copy answers 404 for every page the mirroring tool did not save, which a
        # link check cannot tell from a real 404 (on these copies it reported 1,008 "broken" links, all
        # pages the copy lacks, e.g. zhecheng's /hdjl/index_2.html … index_60.html)
        proc = subprocess.run([sys.executable, "-m", "crawler.cli", "run", str(sites_file), "--db", str(db),
                               "--out", str(workdir / f"{name}-out"), "--as-of", SAVED_SITES[name][1],
                               "--mode", mode, *(["--no-links"] if mode == "sweep" else [])],
                              env=env, capture_output=True, text=True, cwd=ROOT)
        elapsed = time.monotonic() - started
        requests = sum(proxy.requests.values())
    if proc.returncode not in (0, 5):
        raise SystemExit(f"{name}: govwatch run exited {proc.returncode}\n{proc.stderr[-3000:]}")
    store = Store(db)
    try:
        run = store.latest_run(complete_only=False)
        cols = [c for c in store.columns(run["id"], name) if c["key"] != "__home__"]
        findings = [f for f in store.findings(run["id"], name) if f["status"] != "resolved"]
        # (getattr: the same bench measures trees from before walks and entrances were stored)
        walk = getattr(store, "walk", lambda *a: None)(run["id"], name) or {}
        fetches = store.fetches(run["id"], name)
        entrances = getattr(store, "entrances", lambda *a: [])(run["id"], name)
    finally:
        store.close()
    by_code = collections.Counter(f"{f['code']}/{f['severity']}" for f in findings)
    return {"site": name, "requests": requests, "fetched": len(fetches), "seconds": round(elapsed, 2),
            "columns": cols, "findings": findings, "by_code": dict(sorted(by_code.items())),
            "walk": walk, "entrances": entrances,
            "roles": dict(collections.Counter(c["role"] for c in cols)),
            "failed": sum(1 for c in cols if c["status"] == "failed")}


def print_tree(cols: list[dict]) -> None:
    children = collections.defaultdict(list)
    keys = {c["key"] for c in cols}
    for c in cols:
        children[c["parent_key"] if c["parent_key"] in keys else None].append(c)

    def show(parent, depth):
        for c in sorted(children.get(parent, []), key=lambda c: c["url"]):
            items = c.get("counted_items") or c.get("item_count") or 0
            print(f"  {'  ' * depth}{c['name'] or '（无名）'} [{c['role']}/{c['status']}] "
                  f"{c['key']} items={items} pages={c.get('pages_read')}/{c.get('pages_total')} "
                  f"newest={c.get('newest_date')} via={c.get('source')} named_by={c.get('named_by')}")
            if c["key"] != parent:
                show(c["key"], depth + 1)
    show(None, 0)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site", choices=sorted(SAVED_SITES), action="append")
    ap.add_argument("--tree", action="store_true", help="print the discovered column tree")
    ap.add_argument("--findings", action="store_true", help="print every finding's message")
    ap.add_argument("--keep", help="keep databases and reports in this folder")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if not sites_available():
        print("../shared/corpus/sites is not here: nothing to measure", file=sys.stderr)
        return 1
    workdir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="govwatch-discovery-"))
    try:
        results = [run_site(n, workdir) for n in (args.site or sorted(SAVED_SITES))]
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        print(json.dumps([{k: v for k, v in r.items() if k not in ("columns", "findings")} for r in results],
                         ensure_ascii=False, indent=1, default=str))
        return 0
    for r in results:
        w = r["walk"]
        print(f"\n== {r['site']}: {r['requests']} requests answered, {r['fetched']} fetches, "
              f"{len(r['columns'])} columns {r['roles']} ({r['failed']} unverified), {r['seconds']} s")
        print(f"   walk: pages={w.get('pages')} complete={w.get('complete')} budget_hit={w.get('budget_hit')} "
              f"depth_cut={w.get('depth_cut')} note={w.get('note')}")
        print(f"   entrances: {[(e['kind'], e['name']) for e in r['entrances']]}")
        print(f"   findings: {r['by_code']}")
        if args.tree:
            print_tree(r["columns"])
        if args.findings:
            for f in r["findings"]:
                print(f"   - {f['code']}/{f['severity']}: {f['message']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
