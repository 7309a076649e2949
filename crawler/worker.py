"""`govwatch worker`: takes site jobs from the Redis queue, crawls them, ships each site's rows back.

Why jobs are crawled together: a site at the default politeness spends most of its time waiting
between requests, and a crawl process costs about a second of CPU to start. So a worker holds up to
GOVWATCH_WORKER_BATCH jobs at once (one Dramatiq thread each) and crawls the jobs that arrive within
BATCH_WAIT of each other in one crawl process, as a local fleet run crawls a chunk. Each site still
settles on its own: its rows go back as its own batch, its message is acknowledged when its batch
is pushed. A site on its second or later attempt is crawled alone, and with the worker to itself
(the gate below): a site that kills its worker then takes no other job down with it, and an
attempt is counted only when its crawl starts, never while a job waits its turn.
"""
from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from crawler import sitejobs
from crawler.distributed import QUEUE, heartbeat_timeout, keys_of, make_broker
from crawler.sitebatch import encode, read_site
from crawler.store import Store, now_iso

log = logging.getLogger("govwatch.worker")

BATCH_SITES = 25    # jobs a worker holds and may crawl in one process
BATCH_WAIT = 0.5    # seconds the first job of a batch waits for others to arrive

_client = None      # this process's Redis client and site-job actor (set by serve)
_actor = None


@dataclass
class _Slot:
    job: dict
    attempt: int = 0
    done: threading.Event = field(default_factory=threading.Event)


class _Gate:
    """First attempts share the worker; a retry has it alone (waiting crawls finish first)."""

    def __init__(self):
        self.cond = threading.Condition()
        self.shared = 0
        self.alone = False
        self.queued_alone = 0

    @contextmanager
    def together(self):
        with self.cond:
            self.cond.wait_for(lambda: not self.alone and not self.queued_alone)
            self.shared += 1
        try:
            yield
        finally:
            with self.cond:
                self.shared -= 1
                self.cond.notify_all()

    @contextmanager
    def by_itself(self):
        with self.cond:
            self.queued_alone += 1
            self.cond.wait_for(lambda: not self.alone and not self.shared)
            self.queued_alone -= 1
            self.alone = True
        try:
            yield
        finally:
            with self.cond:
                self.alone = False
                self.cond.notify_all()


_gate = _Gate()


class _Batcher:
    """Gathers the jobs of one run that arrive together; the first to arrive crawls them all."""

    def __init__(self, size: int):
        self.size = size
        self.cond = threading.Condition()
        self.waiting: dict[str, list[_Slot]] = {}   # run token -> jobs not yet taken
        self.leading: set[str] = set()

    def run(self, slot: _Slot) -> None:
        token = slot.job["token"]
        with self.cond:
            self.waiting.setdefault(token, []).append(slot)
            lead = token not in self.leading
            if lead:
                self.leading.add(token)
            self.cond.notify_all()
        if lead:
            deadline = time.monotonic() + BATCH_WAIT
            with self.cond:
                while len(self.waiting[token]) < self.size and time.monotonic() < deadline:
                    self.cond.wait(max(0.0, deadline - time.monotonic()))
                batch, self.waiting[token] = self.waiting[token][:self.size], self.waiting[token][self.size:]
                self.leading.discard(token)
                if self.waiting[token]:
                    self.cond.notify_all()
            with _gate.together():
                _start(batch)
        slot.done.wait()


_batcher: _Batcher | None = None


def site_job(job: dict) -> None:
    """The actor: a site never tried is crawled with the jobs that came with it; one tried
    before is crawled alone, with the worker to itself."""
    keys, sid = keys_of(job["token"]), job["site"]["id"]
    slot = _Slot(job)
    if not int(_client.hget(keys["attempts"], sid) or 0) and _batcher is not None:
        _batcher.run(slot)
        return
    with _gate.by_itself():
        _start([slot])


def _start(slots: list[_Slot]) -> None:
    """Count each slot's attempt as its crawl starts; give up those past their attempts."""
    live = []
    for slot in slots:
        keys, sid = keys_of(slot.job["token"]), slot.job["site"]["id"]
        slot.attempt = _client.hincrby(keys["attempts"], sid, 1)
        if slot.attempt > slot.job["attempts"]:
            _push(keys, {"site_id": sid, "state": sitejobs.GIVEN_UP, "attempt": slot.attempt - 1,
                         "error": f"工作进程在抓取该网站时{slot.attempt - 1}次意外退出，已放弃"})
            slot.done.set()
        else:
            live.append(slot)
    if live:
        _crawl(live)


def _crawl(slots: list[_Slot]) -> None:
    """One crawl process for the slots' sites, into a private store; then each site settles."""
    from crawler.crawl import crawl
    first = slots[0].job
    keys = keys_of(first["token"])
    worker = f"{socket.gethostname()}:{os.getpid()}"
    sites = [s.job["site"] for s in slots]
    for s in sites:
        _client.hset(keys["running"], s["id"], worker)
    workdir = Path(tempfile.mkdtemp(prefix="govwatch-worker-"))
    try:
        db = str(workdir / "sites.db")
        store = Store(db)
        try:   # the run row the crawl's rows refer to, under the coordinator's run id
            store.db["runs"].insert({"id": first["run_id"], "mode": first["mode"], "started": now_iso(),
                                     "complete": 0, "as_of": first["as_of"]})
        finally:
            store.close()
        known, answered = {}, {}
        for s in slots:
            known.update(s.job["memory"][0])
            answered.update(s.job["memory"][1])
        code = crawl(db, first["run_id"], sites, date.fromisoformat(first["as_of"]), first["mode"],
                     progress=False, settings=first["settings"], memory=(known, answered),
                     timeout=first.get("hard_timeout"), die_with_parent=True)
        store = Store(db)
        try:
            for s in slots:
                _settle(store, s, code, worker, keys)
        finally:
            store.close()
    finally:
        for s in slots:
            _client.hdel(keys["running"], s.job["site"]["id"])
            s.done.set()
        shutil.rmtree(workdir, ignore_errors=True)


def _settle(store: Store, slot: _Slot, code: int | None, worker: str, keys: dict) -> None:
    job, sid = slot.job, slot.job["site"]["id"]
    done = bool(sitejobs.finished(store, job["run_id"], [sid]))
    if not done and slot.attempt < job["attempts"]:
        _actor.send(job)   # the crawl died but the worker lives: try again, counted, alone
        return
    _push(keys, {"site_id": sid, "attempt": slot.attempt, "code": code, "worker": worker,
                 "batch": read_site(store, job["run_id"], sid),
                 "state": sitejobs.DONE if done else sitejobs.GIVEN_UP,
                 "error": None if done else f"抓取进程退出码 {code}（第{slot.attempt}次）"})


def _push(keys: dict, result: dict) -> None:
    _client.rpush(keys["results"], encode(result))


def _heartbeat(broker, stop: threading.Event) -> None:
    """Keep this worker alive in the broker's eyes while its threads crawl (crawler/distributed.py)."""
    beats = f"{broker.namespace}:__heartbeats__"
    while not stop.wait(heartbeat_timeout() / 4):
        try:
            broker.client.zadd(beats, {broker.broker_id: int(time.time() * 1000)})
        except Exception:  # noqa: BLE001 - Redis away for a moment: the next beat tries again
            log.warning("无法向 Redis 发送心跳", exc_info=True)


def serve(url: str) -> int:
    """Take site jobs until SIGTERM/SIGINT."""
    global _client, _actor, _batcher
    from dramatiq import Worker
    size = int(os.environ.get("GOVWATCH_WORKER_BATCH", BATCH_SITES))
    broker, _actor = make_broker(url)
    _client = broker.client
    broker.client.ping()
    _batcher = _Batcher(size)
    worker = Worker(broker, queues={QUEUE}, worker_threads=size, worker_timeout=1000)
    worker.queue_prefetch = size   # no job held beyond what this worker is crawling
    stop = threading.Event()
    threading.Thread(target=_heartbeat, args=(broker, stop), daemon=True).start()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    signal.signal(signal.SIGINT, lambda *a: stop.set())
    worker.start()
    print(f"govwatch 工作节点已启动（{socket.gethostname()}:{os.getpid()}，每批最多 {size} 个网站），"
          "等待网站抓取任务……", flush=True)
    stop.wait()
    worker.stop()
    broker.close()
    return 0
