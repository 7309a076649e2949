"""Link-check benchmark: govwatch against LinkChecker on the same planted site (bench/linksite.py).

    .venv/bin/python bench/links.py [--linkchecker PATH] [--retry-after 30] [--retry-min 2] [--repeat 1]

The site (two loopback hosts) carries a broken link of every kind govwatch classifies and links
that only look broken (`linksite.PLANTED` is the truth). One run measures, each on the same
freshly started site, its requests counted at the server:
  1. govwatch's sweep with link checks off (`crawl_only`, `GOVWATCH_LINKS=False`): the baseline;
  2. govwatch's sweep with link checks on, links to other hosts included (`--external-links`),
     judged by the real engine: what it reports (LINK_BROKEN) is what it found;
  3. LinkChecker (the Python tool, `linkchecker`) over both sites, recursive, `--check-extern`,
     CSV output: what it reports as invalid is what it found.
Then both tools' found / missed / false lists side by side, the time and requests of each, and
govwatch's extra cost over its own sweep without link checks.

LinkChecker is not a govwatch dependency: install it apart, e.g. `python3 -m venv /tmp/lcvenv &&
/tmp/lcvenv/bin/pip install linkchecker`, and pass `--linkchecker /tmp/lcvenv/bin/linkchecker`
(without it only govwatch's side is printed). Both tools resolve the one `.invalid` name of the DNS
case with the system resolver (the one request of the run that leaves loopback).
"""
from __future__ import annotations

import argparse
import csv
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(ROOT), str(BENCH)]
os.environ.setdefault("GOVWATCH_DOWNLOAD_DELAY", "0")       # our own loopback site: no politeness delay
os.environ.setdefault("GOVWATCH_CONCURRENT_PER_HOST", "4")

from linksite import LinkSite  # noqa: E402

AS_OF = date(2026, 11, 27)
LINK_TIMEOUT = 10        # govwatch's default link timeout; LinkChecker gets the same


def _sites_yaml(path: Path, site: LinkSite) -> Path:
    path.write_text(f"sites:\n  - id: hard\n    name: 青溪县人民政府\n    url: {site.hard_url}\n    kind: portal\n"
                    f"  - id: soft\n    name: 青溪县教育局\n    url: {site.soft_url}\n    kind: department\n",
                    encoding="utf-8")
    return path


def run_govwatch(work: Path, links: bool, retry_after: float, retry_min: float) -> dict:
    """One sweep of the planted site; with `links`, judged, its LINK_BROKEN findings by URL."""
    from crawler.cli import check_stored, crawl_only
    from crawler.sitesfile import load_sites
    from crawler.store import Store

    db = work / f"govwatch-{'links' if links else 'plain'}.db"
    settings = {"GOVWATCH_LINKS": links, "GOVWATCH_EXTERNAL_LINKS": links,
                "GOVWATCH_LINK_RETRY_AFTER": retry_after, "GOVWATCH_LINK_RETRY_MIN": retry_min,
                "GOVWATCH_LINK_TIMEOUT": LINK_TIMEOUT}
    with LinkSite() as site:
        sites = _sites_yaml(work / "sites.yaml", site)
        t0 = time.perf_counter()
        run_id, code = crawl_only(str(db), load_sites(str(sites)), str(sites), as_of=AS_OF, progress=False,
                                  settings=settings)
        seconds = time.perf_counter() - t0
        planted = site.planted()
        requests = sum(site.hits.values())
    out = {"seconds": seconds, "requests": requests, "planted": planted, "code": code, "found": {}}
    if links:
        check_stored(str(db), run_id, as_of=AS_OF, rubric=None)
        store = Store(db)
        try:
            out["found"] = {f["url"]: f["evidence"]["reason"] for f in store.findings(run_id)
                            if f["code"] == "LINK_BROKEN"}
            out["link_requests"] = sum(r["requests"] for r in store.rows("link_runs", "run_id = ?", [run_id]))
            out["links"] = sum(r["links"] for r in store.rows("link_runs", "run_id = ?", [run_id]))
        finally:
            store.close()
    return out


def run_linkchecker(exe: str) -> dict:
    """LinkChecker over both sites; the URLs it reports invalid, with its own result text."""
    with LinkSite() as site:
        argv = [exe, "--check-extern", "--no-status", "--timeout", str(LINK_TIMEOUT), "-o", "csv/utf-8",
                site.hard_url, site.soft_url]
        t0 = time.perf_counter()
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=900)
        seconds = time.perf_counter() - t0
        planted = site.planted()
        requests = sum(site.hits.values())
    found: dict[str, str] = {}
    text = "\n".join(ln for ln in proc.stdout.splitlines() if ln and not ln.startswith("#"))
    for row in csv.DictReader(io.StringIO(text), delimiter=";"):
        if row.get("valid", "").lower() in ("false", "0"):
            found[row.get("urlname") if "://" in (row.get("urlname") or "") else row.get("url") or ""] = \
                (row.get("result") or "").strip()
    return {"seconds": seconds, "requests": requests, "planted": planted, "found": found,
            "code": proc.returncode, "stderr": proc.stderr[-500:]}


def _key(url: str, planted: list) -> str:
    """A planted URL without its port (each run has its own ports)."""
    from urllib.parse import urlsplit
    p = urlsplit(url)
    return f"{p.scheme}://{p.hostname}{p.path}"


def compare(result: dict) -> dict:
    """found / missed / false against the planted truth; for govwatch, the reason must match too."""
    truth = {_key(u, result["planted"]): (reason, what) for u, reason, _, what in result["planted"]}
    got = {_key(u, result["planted"]): why for u, why in result["found"].items()}
    found, wrong, missed, false = [], [], [], []
    for key, (reason, what) in truth.items():
        if reason is None:
            if key in got:
                false.append((what, got[key]))
            continue
        if key not in got:
            missed.append((what, reason))
        elif got[key] in (reason, None) or reason not in REASON_WORDS or not isinstance(got[key], str) \
                or got[key] == reason or got[key] not in REASON_WORDS:
            found.append((what, got[key]))
        else:
            wrong.append((what, f"{got[key]} ≠ {reason}"))
    extra = [(key, why) for key, why in got.items() if key not in truth]
    return {"found": found, "wrong": wrong, "missed": missed, "false": false, "extra": extra}


REASON_WORDS = {"http_404", "http_410", "http_4xx", "http_5xx", "dns", "refused", "reset", "timeout", "tls",
                "redirect_loop", "soft_404", "empty_attachment"}


def _table(title: str, rows: list[tuple]) -> str:
    lines = [f"  {title} ({len(rows)})"]
    lines += [f"    - {a}  [{b}]" for a, b in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--linkchecker", default=shutil.which("linkchecker"),
                    help="the linkchecker executable (installed apart; default: on PATH)")
    ap.add_argument("--retry-after", type=float, default=30.0,
                    help="govwatch's wait before trying a failed link again while the crawl is busy (default 30 s)")
    ap.add_argument("--retry-min", type=float, default=2.0,
                    help="... and after its failure once the crawl has nothing else left (default 2 s)")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each, best time kept")
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="govwatch-links-"))
    plain = min((run_govwatch(work, False, args.retry_after, args.retry_min) for _ in range(args.repeat)),
                key=lambda r: r["seconds"])
    ours = min((run_govwatch(work, True, args.retry_after, args.retry_min) for _ in range(args.repeat)),
               key=lambda r: r["seconds"])
    theirs = None
    if args.linkchecker:
        theirs = min((run_linkchecker(args.linkchecker) for _ in range(args.repeat)), key=lambda r: r["seconds"])
    cmp_ours = compare(ours)
    print(f"planted: {sum(1 for p in ours['planted'] if p[1])} broken links, "
          f"{sum(1 for p in ours['planted'] if not p[1])} look-alikes (bench/linksite.py)")
    print(f"govwatch retry after {args.retry_after:g} s while busy, {args.retry_min:g} s once idle, link timeout "
          f"{LINK_TIMEOUT} s, loopback without delay")
    print()
    print("govwatch (sweep with link checks, --external-links; judged: LINK_BROKEN findings)")
    for name in ("found", "wrong", "missed", "false", "extra"):
        print(_table({"found": "found, right reason", "wrong": "found, wrong reason", "missed": "missed",
                      "false": "false (look-alike reported)", "extra": "reported, not planted"}[name],
                     cmp_ours[name]))
    if theirs is not None:
        cmp_theirs = compare(theirs)
        print()
        print(f"LinkChecker ({args.linkchecker}; recursive, --check-extern, --timeout {LINK_TIMEOUT}; exit {theirs['code']})")
        for name in ("found", "missed", "false", "extra"):
            print(_table({"found": "found", "missed": "missed", "false": "false (look-alike reported)",
                          "extra": "reported, not planted"}[name],
                         cmp_theirs[name] + (cmp_theirs["wrong"] if name == "found" else [])))
    else:
        print("\nLinkChecker: not run (no executable; install it apart and pass --linkchecker)")
    print()
    print(f"{'':34}{'time s':>9}{'requests':>10}")
    print(f"{'govwatch sweep, link checks off':34}{plain['seconds']:9.1f}{plain['requests']:10d}")
    print(f"{'govwatch sweep, link checks on':34}{ours['seconds']:9.1f}{ours['requests']:10d}")
    if theirs is not None:
        print(f"{'LinkChecker':34}{theirs['seconds']:9.1f}{theirs['requests']:10d}")
    print()
    print(f"govwatch extra cost of link checks: {ours['seconds'] / plain['seconds']:.2f}x the sweep's time "
          f"(+{ours['seconds'] - plain['seconds']:.1f} s, of which the retry wait ≤ {args.retry_min:g} s), "
          f"+{ours['requests'] - plain['requests']} requests for {ours.get('links', 0)} distinct links "
          f"({ours.get('link_requests', 0)} link-check requests: probes, HEADs, GETs, retries; robots.txt of "
          f"other hosts not counted; the walk's own fetches answer the links to pages it reads)")
    if theirs is not None:
        print(f"requests for the same links: govwatch's link checks {ours['requests'] - plain['requests']} "
              f"against LinkChecker's {theirs['requests']} (its walk included: it has no other)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
