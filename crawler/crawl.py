"""Runs one Scrapy crawl for a run, in a child process.

Twisted's reactor cannot be restarted inside one process, and a crawl that hangs or is killed must
not take the caller (CLI, tests, the report step) with it: so the crawl is its own process, reads a
job file, and writes only through the store pipeline.
"""
from __future__ import annotations

import gc
import json
import os
import signal
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

from crawler.store import Store

GC_YOUNG_THRESHOLD = 20_000   # CPython's default is 700


def known_columns(store: Store, site_ids: list[str], before_run: int) -> dict[str, list[dict]]:
    """Columns and boards found by the last complete sweep, for a daily run's first-page reads."""
    out: dict[str, list[dict]] = {}
    for sid in site_ids:
        row = store.db.execute(
            "select r.id from runs r where r.mode = 'sweep' and r.complete = 1 and r.id < ? and "
            "exists (select 1 from columns c where c.run_id = r.id and c.site_id = ?) "
            "order by r.id desc limit 1", [before_run, sid]).fetchone()
        if not row:
            continue
        cols = store.rows("columns", "run_id = ? and site_id = ? and role in ('list','board','static','section') "
                          "and key != '__home__'", [row[0], sid], "id")
        read = read_articles(store, sid)
        out[sid] = [dict({k: c[k] for k in ("key", "name", "url", "parent_key", "level", "role")},
                         articles=read.get(c["key"], [])) for c in cols]
    return out


def read_articles(store: Store, site_id: str) -> dict[str, list[str]]:
    """Articles some earlier run requested for the content checks (read, or failed to read), per
    column: a daily run reads only the others, the new ones (crawler/content/pages.py)."""
    out: dict[str, list[str]] = {}
    if "page_texts" not in store.db.table_names():
        return out
    for key, url in store.db.execute(
            "select distinct column_key, url from page_texts where site_id = ? and kind = 'article' "
            "and column_key is not null", [site_id]):
        out.setdefault(key, []).append(url)
    return out


def known_letters(store: Store, site_ids: list[str], before_run: int) -> dict[str, dict[str, dict]]:
    """Letters as the last complete run left them, per site: a daily run re-reads the detail page
    only of a letter that is new or was not answered then; an answered one keeps its last reading."""
    out: dict[str, dict[str, dict]] = {}
    for sid in site_ids:
        row = store.db.execute(
            "select r.id from runs r where r.complete = 1 and r.id < ? and exists (select 1 from "
            "enquiries e where e.run_id = r.id and e.site_id = ?) order by r.id desc limit 1",
            [before_run, sid]).fetchone()
        if not row:
            continue
        out[sid] = {e["letter_key"]: {k: v for k, v in e.items() if k not in ("id", "run_id")}
                    for e in store.enquiries(row[0], sid) if e["status"] == "answered"}
    return out


def rebase(known: dict[str, list[dict]], sites: list[dict]) -> dict[str, list[dict]]:
    """A column on the site's own host (site-relative key) is fetched on the site's current
    origin: a site that moved to https or another port keeps its columns."""
    from urllib.parse import urlsplit, urlunsplit
    origin = {s["id"]: urlsplit(s["url"]) for s in sites}
    for sid, cols in known.items():
        o = origin.get(sid)
        if o is None:
            continue
        for c in cols:
            if c["key"].startswith("/"):
                u = urlsplit(c["url"])
                c["url"] = urlunsplit((o.scheme, o.netloc, u.path, u.query, ""))
    return known


def daily_memory(store: Store, sites: list[dict], run_id: int, mode: str) -> tuple[dict, dict]:
    """What a daily run reads from earlier runs: known columns and letters already answered."""
    if mode != "daily":
        return {}, {}
    ids = [s["id"] for s in sites]
    return rebase(known_columns(store, ids, run_id), sites), known_letters(store, ids, run_id)


def crawl(db_path: str | Path, run_id: int, sites: list[dict], as_of: date, mode: str = "sweep",
          progress: bool = True, settings: dict | None = None, timeout: float | None = None,
          memory: tuple[dict, dict] | None = None, die_with_parent: bool = False) -> int:
    """Crawl in a child process; returns its exit code (0 when the crawl finished). `memory` is
    daily_memory() computed elsewhere (a distributed worker has no store of earlier runs)."""
    if memory is None:
        store = Store(db_path)
        try:
            memory = daily_memory(store, sites, run_id, mode)
        finally:
            store.close()
    known, answered = memory
    job = {"db": str(db_path), "run_id": run_id, "sites": sites, "as_of": as_of.isoformat(),
           "mode": mode, "known": known, "answered": answered, "progress": progress,
           "settings": settings or {}}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        json.dump(job, f, ensure_ascii=False, default=str)
        job_path = f.name
    try:
        env = dict(os.environ)
        root = str(Path(__file__).resolve().parents[1])
        env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
        proc = subprocess.run([sys.executable, "-m", "crawler.crawl", job_path], env=env,  # noqa: S603 - our own interpreter and module, no shell
                              timeout=timeout, preexec_fn=_parent_death_kills if die_with_parent else None)  # noqa: PLW1509
        return proc.returncode
    finally:
        os.unlink(job_path)


def _parent_death_kills() -> None:
    """In the child, before exec (Linux): SIGKILL when the parent dies. A worker killed mid-site
    leaves no orphan crawl behind to spend the machine on a job another worker now has."""
    import ctypes
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
    except OSError:
        pass


def _run_job(job_path: str) -> int:
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    # imported here, near the bottom of the stack, and not where Scrapy would first load it (the
    # download handler, deep inside the engine's creation): the module builds deprecated aliases
    # whose creation walks the whole stack with inspect.stack(), reading the source of every frame
    # — about 0.1 s of each crawl's start there (bench/README.md)
    import crawler.download  # noqa: F401
    from crawler.pagereader import PageReader, reader_enabled
    from spiders.site import SiteSpider

    job = json.loads(Path(job_path).read_text(encoding="utf-8"))
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("GOVWATCH_DB", job["db"])
    settings.set("GOVWATCH_RUN_ID", job["run_id"])
    settings.set("GOVWATCH_PROGRESS", bool(job.get("progress")))
    for k, v in (job.get("settings") or {}).items():
        settings.set(k, v)
    from crawler.fleet import download_slots
    if slots := download_slots(job["sites"]):   # sites with their own politeness (sites file)
        settings.set("DOWNLOAD_SLOTS", dict(settings.getdict("DOWNLOAD_SLOTS"), **slots))
    # Everything imported so far lives as long as the process: keep it out of the cyclic GC's
    # full collections, here and in the forked reader; and collect the young generation less
    # often: Scrapy allocates a few hundred objects a request, nearly all freed by reference
    # counting (what each saves: bench/README.md).
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, 20, 20)
    # forked before Scrapy starts its reactor and threads
    reader = PageReader(job["db"], job["run_id"], settings.getint("GOVWATCH_BATCH_SIZE", 1000)) \
        if reader_enabled(settings, job["mode"]) else None
    process = CrawlerProcess(settings)
    process.crawl(SiteSpider, sites=job["sites"], as_of=date.fromisoformat(job["as_of"]),
                  mode=job["mode"], known=job.get("known") or {}, reader=reader,
                  answered=job.get("answered") or {},
                  max_pages=int((job.get("settings") or {}).get("GOVWATCH_MAX_PAGES", 3000)),
                  max_depth=int((job.get("settings") or {}).get("GOVWATCH_MAX_DEPTH", 4)),
                  site_timeout=settings.getfloat("GOVWATCH_SITE_TIMEOUT") or None)
    process.start()
    if reader is not None and reader.failed:
        print(f"抓取未完成：{reader.failed}", file=sys.stderr)
        return 4
    return 0


def _exit(code: int) -> None:
    """Leave without the interpreter's teardown, which frees the crawl's objects one by one (tens of
    milliseconds on a sweep, bench/README.md): by now the store is committed and closed, the page
    reader reaped; only the log and the standard streams need flushing."""
    import logging
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    _exit(_run_job(sys.argv[1]))
