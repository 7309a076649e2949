"""Beyond one machine: site jobs on a Redis-backed Dramatiq queue, results back to one writer.

`govwatch run --distributed` (the Coordinator) enqueues one job per site and is the only process
that writes the SQLite store; `govwatch worker` (crawler/worker.py) on any machine takes jobs,
crawls the sites into a throw-away store of its own and ships each site's rows back as one
compressed batch on a Redis list.
Why this shape (docs/distributed.md says why Dramatiq rather than Celery or scrapy-redis):
- a worker killed mid-site never acknowledged its message, so Dramatiq's Redis broker hands the job
  to another worker once the dead one's heartbeat is older than the heartbeat timeout; the site is
  crawled once more, and the writer *replaces* a site's rows (crawler/sitebatch.py), so nothing is
  lost or stored twice even if two deliveries both finish;
- every delivery counts an attempt in Redis before crawling: a poisoned site, one whose crawl kills
  its worker each time, is given up after N attempts and reported, never retried forever;
- a worker heartbeats from its own thread while it crawls (the broker only heartbeats when it
  fetches, and a worker busy with a long site fetches nothing), so a live worker's job is never
  handed to another.
"""
from __future__ import annotations

import hashlib
import logging
import os
import socket
import threading
import time
from datetime import date

from crawler import sitejobs
from crawler.fleet import FleetResult, _Display, option
from crawler.sitebatch import BatchError, decode, write_site
from crawler.store import Store

log = logging.getLogger("govwatch.distributed")

QUEUE = "govwatch-sites"
NAMESPACE = "govwatch"
ACTOR = "crawl_site"
HEARTBEAT_TIMEOUT = 30.0   # seconds without a heartbeat before a worker's jobs go to another
NO_WORKER_WARNING = 30.0   # seconds the coordinator waits in silence before saying no worker is on


def heartbeat_timeout() -> float:
    return float(os.environ.get("GOVWATCH_HEARTBEAT_TIMEOUT", HEARTBEAT_TIMEOUT))


def make_broker(url: str):
    """The broker and the site-job actor bound to it (one per process)."""
    import dramatiq
    from dramatiq.brokers.redis import MAINTENANCE_SCALE, RedisBroker
    broker = RedisBroker(url=url, namespace=NAMESPACE, heartbeat_timeout=int(heartbeat_timeout() * 1000),
                         # a dead worker's jobs are looked for on every command, not one in a thousand:
                         # the workers of one office are few and the check is one sorted-set range
                         maintenance_chance=MAINTENANCE_SCALE)
    from crawler.worker import site_job
    actor = dramatiq.actor(site_job, broker=broker, actor_name=ACTOR, queue_name=QUEUE,
                           max_retries=0, time_limit=7 * 24 * 3600 * 1000)
    return broker, actor


def keys_of(token: str) -> dict[str, str]:
    base = f"{NAMESPACE}:run:{token}"
    return {"results": base + ":results", "attempts": base + ":attempts", "running": base + ":running"}


def run_token(db: str, run: dict) -> str:
    """Names one run's keys in Redis: several offices (stores) may share one Redis."""
    ident = f"{os.path.abspath(db)}|{run['id']}|{run['started']}|{socket.gethostname()}"
    return hashlib.sha1(ident.encode()).hexdigest()[:16]   # noqa: S324 - a name, not a secret


# -- the coordinator side ------------------------------------------------------------------------------
class Coordinator:
    """Enqueues the run's sites and writes the batches that come back: the store's single writer."""

    def __init__(self, url: str, db: str, run_id: int, sites: list[dict], as_of: date, mode: str,
                 settings: dict | None = None, progress: bool = True):
        self.url, self.db, self.run_id, self.as_of, self.mode = url, str(db), run_id, as_of, mode
        self.sites = {s["id"]: s for s in sites}
        self.settings = dict(settings or {})
        self.progress = progress
        self.result = FleetResult()
        self.lock = threading.Lock()
        self.running: set[str] = set()

    def _jobs(self, store: Store, token: str, todo: list[str]) -> list[dict]:
        from crawler.crawl import daily_memory
        limit = option(self.settings, "GOVWATCH_SITE_TIMEOUT")
        settings = {k: v for k, v in self.settings.items() if not k.startswith("GOVWATCH_FLEET")}
        if limit:
            settings["GOVWATCH_SITE_TIMEOUT"] = float(limit)
        jobs = []
        for sid in todo:
            site = self.sites[sid]
            known, answered = daily_memory(store, [site], self.run_id, self.mode)
            jobs.append({"token": token, "run_id": self.run_id, "site": site, "mode": self.mode,
                         "as_of": self.as_of.isoformat(), "settings": settings,
                         "memory": [known, answered], "hard_timeout": 2 * float(limit) + 300 if limit else None,
                         "attempts": int(option(self.settings, "GOVWATCH_CRAWL_ATTEMPTS"))})
        return jobs

    def _take(self, store: Store, data: bytes, outstanding: set[str]) -> None:
        result = decode(data)
        sid = result["site_id"]
        if sid not in outstanding:
            return   # a second delivery of a site already stored: its first batch stands
        if result.get("batch") is not None:
            try:
                write_site(store, self.run_id, result["batch"])
            except BatchError as e:
                result.update(state=sitejobs.GIVEN_UP, error=str(e))
        state = result["state"]   # the worker pushes done or given up, nothing else
        sitejobs.settle(store, self.run_id, sid, state, error=result.get("error"),
                        worker=result.get("worker"), tries=result.get("attempt") or 1)
        if state == sitejobs.DONE:
            self.result.done.append(sid)
        else:
            self.result.given_up[sid] = result.get("error") or "未知原因"
        outstanding.discard(sid)

    def run(self) -> FleetResult:
        import redis
        broker, actor = make_broker(self.url)
        client = redis.Redis.from_url(self.url)
        store = Store(self.db)
        try:
            token = run_token(self.db, store.run(self.run_id))
            keys = keys_of(token)
            sitejobs.plan(store, self.run_id, list(self.sites))
            todo = [sid for sid in sitejobs.left(store, self.run_id) if sid in self.sites]
            for job in self._jobs(store, token, todo):
                actor.send(job)
            sitejobs.started(store, self.run_id, todo, worker="queued")
            outstanding = set(todo)
            display = _Display(self, store, len(self.sites), enabled=self.progress)
            quiet_since = time.monotonic()
            while outstanding:
                got = client.blpop([keys["results"]], timeout=1)
                if got is not None:
                    self._take(store, got[1], outstanding)
                    quiet_since = time.monotonic()
                with self.lock:
                    self.running = {k.decode() for k in client.hkeys(keys["running"])}
                display.tick()
                if time.monotonic() - quiet_since > NO_WORKER_WARNING and not self.running:
                    print(f"仍有 {len(outstanding)} 个网站等待抓取，但没有工作节点在抓取："
                          "请在任一机器上启动 govwatch worker --redis …", flush=True)
                    quiet_since = time.monotonic()
            display.close()
            client.delete(*keys.values())
        finally:
            store.close()
            broker.close()
        return self.result


def queue_status(url: str) -> dict:
    """Waiting jobs and live workers, for `govwatch worker --status`."""
    import redis
    client = redis.Redis.from_url(url)
    now = int(time.time() * 1000)
    live = client.zrangebyscore(f"{NAMESPACE}:__heartbeats__", now - int(heartbeat_timeout() * 1000), now)
    return {"waiting": client.llen(f"{NAMESPACE}:{QUEUE}"), "workers": len(live)}


