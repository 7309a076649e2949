"""Many sites on one machine: chunks of sites, each crawled by its own crawl process, side by side.

Why chunks: a crawl process costs about a second to start, so 1,000 sites are not 1,000 processes;
but one process for all of them would let one crash lose every site and make a resume start over.
A chunk keeps the sites of one host together (per-host politeness holds across parallel processes).
When a chunk's process dies, the sites it finished stay done (their `walks` row is stored last), the
others' partial rows are forgotten and each is tried alone, so an innocent site never pays for a
poisoned neighbour; a site that still fails after GOVWATCH_CRAWL_ATTEMPTS tries is given up (its
last rows kept and judged, the run incomplete, the report naming it). Politeness, the site time
limit and the global concurrency are Scrapy settings handed to each crawl process.
"""
from __future__ import annotations

import logging
import sys
import threading
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import date
from subprocess import TimeoutExpired

from crawler import sitejobs
from crawler.sitebatch import forget_site
from crawler.store import Store
from crawler.urls import host_of

log = logging.getLogger("govwatch.fleet")

DEFAULTS = {
    "GOVWATCH_FLEET_CHUNK": 100,       # sites per crawl process
    "GOVWATCH_FLEET_PARALLEL": 2,      # crawl processes at once
    "GOVWATCH_CRAWL_ATTEMPTS": 2,      # tries per site before it is given up
    "GOVWATCH_SITE_TIMEOUT": None,     # seconds per site from its homepage (None: no limit)
    "GOVWATCH_FLEET_CONCURRENCY": 128,  # global concurrent requests of a many-site crawl process
}
PER_SITE_CONCURRENCY = 2   # a chunk's global concurrency: this many per site, up to the cap above
LOG_EVERY = 15.0           # seconds between progress lines when stderr is not a terminal


@dataclass
class FleetResult:
    done: list[str] = field(default_factory=list)
    given_up: dict[str, str] = field(default_factory=dict)   # site id -> why
    codes: list[int | None] = field(default_factory=list)    # crawl processes that ended badly: exit code, None = timed out

    @property
    def complete(self) -> bool:
        return not self.given_up and not self.codes

    def note(self) -> str | None:
        parts = []
        if self.codes:
            parts.append("抓取进程退出码 " + "、".join("超时被终止" if c is None else str(c)
                                                  for c in dict.fromkeys(self.codes)))
        if self.given_up:
            parts.append(f"{len(self.given_up)}个网站多次抓取失败，已放弃：" +
                         "；".join(f"{sid}（{why}）" for sid, why in list(self.given_up.items())[:5]))
        return "；".join(parts) or None


def option(settings: dict | None, name: str):
    return (settings or {}).get(name, DEFAULTS[name])


def chunks(sites: list[dict], size: int) -> list[list[dict]]:
    """Sites in groups of about `size`, never splitting one host's sites."""
    by_host: dict[str, list[dict]] = {}
    for s in sites:
        by_host.setdefault(host_of(s["url"]) or s["id"], []).append(s)
    out: list[list[dict]] = [[]]
    for group in by_host.values():
        if out[-1] and len(out[-1]) + len(group) > size:
            out.append([])
        out[-1].extend(group)
    return [c for c in out if c]


def download_slots(sites: list[dict]) -> dict[str, dict]:
    """Scrapy's per-host slots for the sites whose file sets their own `delay` / `concurrency`
    (a site whose WAF wants slower, or an office's own server that takes faster), on every host
    of the site."""
    slots = {}
    for s in sites:
        own = {k: v for k, v in (("delay", s.get("delay")), ("concurrency", s.get("concurrency")))
               if v is not None}
        if own:
            for host in [host_of(s["url"]), *(s.get("allow_hosts") or [])]:
                if host:
                    slots[host] = dict(own)
    return slots


def reopen(store, sites_file: str) -> dict | None:
    """The last interrupted run of this sites file, open again, or None. Interrupted: not complete,
    and some of its sites neither crawled to the end nor given up."""
    row = store.db.execute("select id from runs where complete = 0 and sites_file = ? "
                           "order by id desc limit 1", [sites_file]).fetchone()
    if row is None or not sitejobs.left(store, row[0]):
        return None
    with store.transaction() as db:
        db.execute("update runs set finished = null, note = null where id = ?", [row[0]])
    return store.run(row[0])


def _why(code: int | None, timeout: float | None) -> str:
    if code is None:
        return f"抓取进程超过时限（{timeout:g}秒）被终止"
    if code < 0:
        return f"抓取进程被信号 {-code} 终止"
    return f"抓取进程异常退出（退出码 {code}）"


class Fleet:
    """One run's crawl over its sites (the run row exists; judging and reports are the caller's)."""

    def __init__(self, db: str, run_id: int, sites: list[dict], as_of: date, mode: str,
                 settings: dict | None = None, progress: bool = True):
        self.db, self.run_id, self.as_of, self.mode = str(db), run_id, as_of, mode
        self.sites = {s["id"]: s for s in sites}
        self.settings = dict(settings or {})
        self.progress = progress
        self.result = FleetResult()
        self.running: set[str] = set()
        self.lock = threading.Lock()
        limit = option(self.settings, "GOVWATCH_SITE_TIMEOUT")
        self.site_timeout = float(limit) if limit else None

    def hard_stop(self, chunk: list[dict]) -> float | None:
        """Seconds after which a crawl process that no longer answers is killed: each of its sites
        has had its time (its own `site_timeout`, else the run's) twice."""
        limits = [s.get("site_timeout") or self.site_timeout for s in chunk]
        if any(x is None for x in limits):
            return None
        return 2 * max(limits) + 300

    # -- the crawl of one chunk (in a pool thread; the crawl itself is a child process) --------
    def _crawl(self, chunk: list[dict], alone: bool) -> tuple[list[dict], int | None]:
        from crawler.crawl import crawl
        settings = dict(self.settings)
        if len(chunk) > 1:
            cap = int(option(self.settings, "GOVWATCH_FLEET_CONCURRENCY"))
            settings.setdefault("CONCURRENT_REQUESTS", min(cap, max(16, PER_SITE_CONCURRENCY * len(chunk))))
        if self.site_timeout:
            settings["GOVWATCH_SITE_TIMEOUT"] = self.site_timeout
        with self.lock:
            self.running.update(s["id"] for s in chunk)
        try:
            code = crawl(self.db, self.run_id, chunk, self.as_of, self.mode,
                         progress=self.progress and alone, settings=settings, timeout=self.hard_stop(chunk))
        except TimeoutExpired:
            code = None
        finally:
            with self.lock:
                self.running.difference_update(s["id"] for s in chunk)
        return chunk, code

    def _settle(self, store: Store, chunk: list[dict], code: int | None, queue: deque) -> None:
        ids = [s["id"] for s in chunk]
        done = sitejobs.finished(store, self.run_id, ids)
        if code != 0:
            self.result.codes.append(code)
        attempts = int(option(self.settings, "GOVWATCH_CRAWL_ATTEMPTS"))
        for sid in ids:
            if sid in done:
                sitejobs.settle(store, self.run_id, sid, sitejobs.DONE)
                self.result.done.append(sid)
                continue
            why = _why(code, self.hard_stop(chunk))
            tries = sitejobs.attempts(store, self.run_id, sid) + 1
            if tries >= attempts:
                # the last attempt's rows stay: what it read before dying is judged, as incomplete
                sitejobs.settle(store, self.run_id, sid, sitejobs.GIVEN_UP, error=why)
                self.result.given_up[sid] = why
                log.warning("网站 %s 抓取%d次均失败，已放弃：%s", sid, tries, why)
                continue
            sitejobs.settle(store, self.run_id, sid, sitejobs.PENDING, error=why)
            with store.transaction() as db:
                forget_site(db, self.run_id, sid)
            queue.append([self.sites[sid]])   # alone from now on: a crash is then its own

    # -- the run ---------------------------------------------------------------------------------
    def run(self) -> FleetResult:
        store = Store(self.db)
        try:
            sitejobs.plan(store, self.run_id, list(self.sites))
            todo = [self.sites[sid] for sid in sitejobs.left(store, self.run_id) if sid in self.sites]
            with store.transaction() as db:   # a resumed run: what the interrupted attempt left
                for sid in sitejobs.begun(store, self.run_id):
                    forget_site(db, self.run_id, sid)
            queue = deque(chunks(todo, int(option(self.settings, "GOVWATCH_FLEET_CHUNK"))))
            alone = len(queue) == 1
            parallel = max(1, int(option(self.settings, "GOVWATCH_FLEET_PARALLEL")))
            display = _Display(self, store, len(self.sites), enabled=self.progress and not alone)
            with ThreadPoolExecutor(max_workers=parallel) as pool:
                pending = set()
                while queue or pending:
                    while queue and len(pending) < parallel:
                        chunk = queue.popleft()
                        sitejobs.started(store, self.run_id, [s["id"] for s in chunk])
                        pending.add(pool.submit(self._crawl, chunk, alone))
                    finished_now, pending = wait(pending, timeout=1.0, return_when=FIRST_COMPLETED)
                    for fut in finished_now:
                        chunk, code = fut.result()
                        self._settle(store, chunk, code, queue)
                    display.tick()
            display.close()
        finally:
            store.close()
        return self.result


class _Display:
    """Sites done / running / given up, pages, rate and ETA: a rich bar on a terminal, a log line
    every LOG_EVERY seconds otherwise (cron, CI, nohup)."""

    def __init__(self, fleet: Fleet, store: Store, total: int, enabled: bool):
        self.fleet, self.store, self.total, self.enabled = fleet, store, total, enabled
        self.t0 = time.monotonic()
        self.last_line = 0.0
        self.bar = None
        self.base_done = len(sitejobs.finished(store, fleet.run_id)) if enabled else 0
        if enabled and sys.stderr.isatty():
            from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
            self.bar = Progress(TextColumn("[bold]巡检"), BarColumn(), TextColumn("{task.completed}/{task.total} 个网站"),
                                TextColumn("{task.fields[line]}"), TimeRemainingColumn(), transient=False)
            self.task = self.bar.add_task("sites", total=total, line="")
            self.bar.start()

    def _figures(self) -> tuple[int, int, int, int]:
        done = len(sitejobs.finished(self.store, self.fleet.run_id))
        pages = self.store.db.execute("select count(*) from fetches where run_id = ?",
                                      [self.fleet.run_id]).fetchone()[0]
        with self.fleet.lock:
            running = len(self.fleet.running)
        return done, running, len(self.fleet.result.given_up), pages

    def line(self) -> str:
        done, running, failed, pages = self._figures()
        elapsed = max(time.monotonic() - self.t0, 1e-6)
        rate = (done - self.base_done) / elapsed
        eta = (self.total - done) / rate if rate > 0 else None
        return (f"已完成 {done}/{self.total} 个网站，进行中 {running}，已放弃 {failed}，已抓取 {pages} 页，"
                f"{pages / elapsed:.0f} 页/秒" + (f"，预计还需 {eta / 60:.1f} 分钟" if eta is not None else ""))

    def tick(self) -> None:
        if not self.enabled:
            return
        if self.bar is not None:
            done, running, failed, pages = self._figures()
            self.bar.update(self.task, completed=done,
                            line=f"进行中 {running} 已放弃 {failed} 已抓取 {pages} 页")
        now = time.monotonic()
        if now - self.last_line >= LOG_EVERY:
            self.last_line = now
            text = "进度：" + self.line()
            log.info(text)
            if self.bar is None:
                print(text, file=sys.stderr, flush=True)

    def close(self) -> None:
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.stop()
        print("巡检抓取结束：" + self.line(), file=sys.stderr, flush=True)
