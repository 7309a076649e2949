"""A longer mutational fuzz run over the page readers (the hypothesis tests' big brother).

    .venv/bin/python bench/fuzz.py [--seconds 120] [--seed 1] [--slow 2.0] [--save DIR] [--corpus]

Seeds are the project's own fixture pages (tests/fixtures) — plus the labelled corpus pages in
../shared/corpus/raw with --corpus. Each input is a seed mutated (byte flips, cut/duplicated
slices, inserted hostile tags, truncation, re-encoding, deep nesting, huge pagers) and fed to
extract_page, extract_board, extract_letter and the WAF/binary detectors. Prints inputs tried,
exceptions (first traceback per kind), inputs slower than --slow seconds, and the slowest call
per reader; --save writes failing inputs so they can become regression fixtures.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
import traceback
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import warnings  # noqa: E402

from bs4 import XMLParsedAsHTMLWarning  # noqa: E402

from crawler.extraction import extract_page  # noqa: E402
from crawler.extraction.boards import extract_board, extract_letter  # noqa: E402
from crawler.extraction.dates import MIN_DATE, DateWindow  # noqa: E402
from crawler.middlewares import looks_binary  # noqa: E402
from crawler.waf import detect_challenge  # noqa: E402

warnings.filterwarnings("ignore", category=XMLParsedAsHTMLWarning)
AS_OF = dt.date(2026, 11, 27)
LATEST = AS_OF + dt.timedelta(days=DateWindow(AS_OF).margin_days)
URL = "http://127.0.0.1:8080/col/tzgg/index.html"
HOSTILE = [b"<li>", b"</li>", b"<ul>", b"</ul>", b"</div>", b"<table>", b"<tr><td>", b"<!--", b"-->",
           b"<script>", b"</script>", b"<![CDATA[", b"]]>", b"&#xZZ;", b"&nbsp", b"\x00", b"\xff\xfe",
           b"<title>", b"createPageHTML(999999, 0, 'index', 'html');", "共 99999 页".encode(),
           b"2099-12-31", b"1900-01-01", "下一页".encode(), "备注说明：".encode(),
           b"<meta charset='gbk'>", b"<a href='javascript:alert(1)'>", b"<a href=", b"\"", b"'",
           "<li><a href='/a.html'>通知</a><span>2026-11-26</span></li>".encode() * 50]


def seeds(with_corpus: bool) -> list[tuple[str, bytes]]:
    out = []
    for folder in (ROOT / "tests" / "fixtures").rglob("*"):
        if folder.is_file() and folder.suffix in (".html", ".htm", ".xml", ".json", ".txt"):
            out.append((str(folder.relative_to(ROOT)), folder.read_bytes()))
    corpus = ROOT / ".." / "shared" / "corpus" / "raw"
    if with_corpus and corpus.is_dir():
        for p in sorted(corpus.rglob("*.htm*"))[:300]:
            out.append((f"corpus:{p.name}", p.read_bytes()))
    return out


NEST_DEPTHS = (100, 1000, 5000)


def mutate(rng: random.Random, body: bytes, depths=NEST_DEPTHS) -> tuple[str, bytes]:
    ops = rng.choice(["flip", "cut", "dup", "insert", "truncate", "encode", "nest", "mix"])
    b = bytearray(body)
    if ops == "flip" and b:
        for _ in range(rng.randint(1, 50)):
            b[rng.randrange(len(b))] = rng.randrange(256)
    elif ops == "cut" and b:
        i = rng.randrange(len(b))
        del b[i:i + rng.randint(1, 2000)]
    elif ops == "dup" and b:
        i = rng.randrange(len(b))
        b[i:i] = b[i:i + rng.randint(1, 4000)] * rng.randint(2, 20)
    elif ops == "insert":
        for _ in range(rng.randint(1, 20)):
            i = rng.randrange(len(b) + 1)
            b[i:i] = rng.choice(HOSTILE)
    elif ops == "truncate" and b:
        b = b[:rng.randrange(len(b))]
    elif ops == "encode":
        text = bytes(b).decode("utf-8", "replace")
        b = bytearray(text.encode(rng.choice(["gbk", "gb18030", "utf-16", "big5", "latin-1"]), "replace"))
    elif ops == "nest":
        i = rng.randrange(len(b) + 1)
        depth = rng.choice(depths)
        b[i:i] = rng.choice([b"<div>", b"<table><tr><td>", b"<ul><li>", b"<span>"]) * depth
    else:
        b = bytearray(rng.randbytes(rng.randint(0, 8192)))
    return ops, bytes(b)


def plausible(d) -> bool:
    return d is None or MIN_DATE <= d <= LATEST


def _page(body):
    page = extract_page(body, URL, as_of=AS_OF)
    bad = [e.date for b in page.blocks for e in b.items if not plausible(e.date)]
    if bad:
        raise AssertionError(f"implausible dates {bad[:3]}")


def _board(body):
    board = extract_board(body, URL, as_of=AS_OF)
    if any(not plausible(x.submitted) or not plausible(x.replied) for x in board.letters):
        raise AssertionError("implausible letter dates")


READERS = {
    "extract_page": _page,
    "extract_board": _board,
    "extract_letter": lambda body: extract_letter(body, URL, as_of=AS_OF),
    "detect_challenge": lambda body: detect_challenge(200, body, "text/html"),
    "looks_binary": lambda body: looks_binary(body, "text/html"),
}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=120)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--slow", type=float, default=2.0, help="report inputs slower than this (s)")
    ap.add_argument("--save", type=Path, help="write failing/slow inputs here")
    ap.add_argument("--corpus", action="store_true", help="also seed from ../shared/corpus/raw")
    ap.add_argument("--nest", default=",".join(map(str, NEST_DEPTHS)),
                    help="nesting depths to try, comma-separated (deep tables are slow in boards)")
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    depths = [int(x) for x in args.nest.split(",") if x.strip()]
    pool = seeds(args.corpus)
    if not pool:
        print("没有种子页面 (no seed pages found under tests/fixtures)")
        return 2
    tried = Counter()
    failures: dict[str, list] = defaultdict(list)
    slow: list[tuple[float, str, str, str]] = []
    worst = Counter()
    ops_seen = Counter()
    end = time.monotonic() + args.seconds
    n = 0
    while time.monotonic() < end:
        name, body = rng.choice(pool)
        op, data = mutate(rng, body, depths)
        ops_seen[op] += 1
        n += 1
        for reader, fn in READERS.items():
            t0 = time.perf_counter()
            try:
                fn(data)
            except Exception as e:  # noqa: BLE001 - counting them is the point
                key = f"{reader}: {e.__class__.__name__}: {str(e)[:80]}"
                failures[key].append((name, op, data, traceback.format_exc()))
            took = time.perf_counter() - t0
            tried[reader] += 1
            worst[reader] = max(worst[reader], took)
            if took > args.slow:
                slow.append((took, reader, name, op))
                if args.save:
                    args.save.mkdir(parents=True, exist_ok=True)
                    (args.save / f"slow-{len(slow)}-{reader}.bin").write_bytes(data)
    print(f"inputs tried: {n} mutated pages from {len(pool)} seeds in {args.seconds:.0f} s "
          f"(seed {args.seed}); mutations: {dict(ops_seen)}")
    for reader in READERS:
        fails = sum(len(v) for k, v in failures.items() if k.startswith(reader + ":"))
        print(f"  {reader:16s} calls {tried[reader]:6d}  failures {fails:4d}  slowest {worst[reader]:.3f} s")
    print(f"failure kinds: {len(failures)}; slow inputs (> {args.slow} s): {len(slow)}")
    for key, cases in sorted(failures.items(), key=lambda kv: -len(kv[1])):
        name, op, data, tb = cases[0]
        print(f"\n[{len(cases)}x] {key}\n  first from {name} via {op} ({len(data)} bytes)\n{tb}")
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            (args.save / f"fail-{abs(hash(key)) % 10**8}.bin").write_bytes(data)
    for took, reader, name, op in sorted(slow, reverse=True)[:10]:
        print(f"  slow {took:.2f} s {reader} on {name} via {op}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
