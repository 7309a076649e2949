"""A sweep's later list pages are read and stored by a second process, the page reader.

Why: nearly every request of a sweep is a later page of a list (page 2 … 1,000 of a column). Reading
one (an lxml parse and ~20 records) and storing its rows through Scrapy's item path cost the crawl
process more CPU than Scrapy's own fetch of the page, and Scrapy runs on one core. Nothing about
the walk depends on those pages except an occasional 下一页 link, so the crawl process hands each
raw page over and goes on fetching; the reader extracts it exactly as the crawl process would
(`read_continuation`), drops entries already seen in the column, writes rows through the same
`StorePipeline` in its own transactions, and answers each page — rows stored, next page link —
only once its rows are committed. The crawl therefore never closes with pages unanswered, and its
final per-column counts (pages read, items, newest date) include every page.

Pages cross in a pipe whose writing end never blocks Scrapy's event loop (crawler/framepipe.py):
when the reader falls behind for a moment, pages wait in an outbox instead of stopping the crawl.

If the reader dies, the crawl stops with the reason `page_reader_failed` and the run stays
incomplete, like any crawl that did not finish: rows already committed are kept, nothing is judged
from a half-read sweep.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import multiprocessing
import os
import signal
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin

from crawler.extraction import extract_page
from crawler.framepipe import FrameReader, FrameWriter, grow
from crawler.items import EntryBatch, FetchItem, entry_rows

FAILED_REASON = "page_reader_failed"
# Scrapy signal sent with `rows=` when the reader has stored a page's rows (progress display)
rows_read = object()
# the reader commits and answers once no further page arrives within this many seconds (a crawl
# sends a page every millisecond or so; a 下一页 chain waits this long per page at most)
IDLE_COMMIT = 0.005
# pages are sent together once this many body bytes wait, or this many seconds after the first
SEND_BYTES = 96 * 1024
SEND_DELAY = 0.010
# pages handed over but not yet taken by the reader: beyond this the crawl waits for it
MAX_BACKLOG = 8 * 1024 * 1024
READER_NICE = 5
# an answer is awaited this long at the end of a crawl before the reader is declared dead
FINISH_TIMEOUT = 300.0


def read_continuation(body: bytes, url: str, *, as_of: dt.date, margin_days: int,
                      header_encoding: str | None, formdata: dict | None, locator: str | None):
    """A later page of a list: its entries and the absolute URL of its 下一页 link, as both
    processes read it."""
    page = extract_page(body, url, as_of=as_of, header_encoding=header_encoding,
                        margin_days=margin_days, request_formdata=formdata,
                        continuation=True, locator=locator)
    main = page.blocks[0] if page.blocks else None
    nxt = page.pagination.next_page_href
    return (main.items if main else []), (urljoin(url, nxt) if nxt else None)


# -- the reader process ---------------------------------------------------------------------------
def _serve(pages_fd: int, answers, parents_ends: tuple, db_path: str, run_id: int,
           batch_size: int) -> None:
    """The reader's loop: config, pages, stop (or the crawl process gone: EOF, which needs the
    crawl process's ends of both pipes, inherited through fork, closed here)."""
    from crawler.pipelines import StorePipeline
    pages_w, answers_r = parents_ends
    os.close(pages_w)
    answers_r.close()
    pages = FrameReader(pages_fd)
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C stops the crawl; the crawl stops us
    # background work: when the cores are contended, the fetching process goes first (the reader
    # has slack, and a crawl that waits for the network is what makes the sweep slow)
    try:
        os.nice(READER_NICE)
    except OSError:
        pass
    pipeline = StorePipeline(db_path, run_id, batch_size)
    pipeline.open_spider()
    seen: dict[tuple[str, str], set] = {}
    as_of: dt.date | None = None   # from the spider's "config", always the first message
    margin = 0
    answered: list[tuple[int, str | None, int]] = []

    def commit():
        pipeline.flush()
        if answered:
            answers.send(("done", answered[:]))
            answered.clear()

    def read(page: tuple) -> None:
        pid, sid, key, url, body, enc, formdata, locator, fetch_values, seed = page
        fetch = FetchItem(*fetch_values)
        if as_of is None:   # a page judged against any other day would be judged wrongly
            raise RuntimeError("page reader: a page arrived before its configuration")
        if seed is not None:
            seen[(sid, key)] = seed
        try:
            entries, next_url = read_continuation(
                body, url, as_of=as_of, margin_days=margin, header_encoding=enc,
                formdata=formdata, locator=locator)
        except Exception:  # noqa: BLE001 — an unreadable page keeps its fetch row only
            pipeline.process_item(EntryBatch([], fetch))
            answered.append((pid, None, -1))
        else:
            rows = entry_rows(sid, key, entries, url, seen.setdefault((sid, key), set()))
            pipeline.process_item(EntryBatch(rows, fetch))
            answered.append((pid, next_url, len(rows)))

    try:
        while True:
            try:
                msg = pages.recv()
            except EOFError:
                break
            if msg[0] == "pages":
                for page in msg[1]:
                    read(page)
                # answer when a batch was just written, or when no page follows within
                # IDLE_COMMIT seconds: one transaction and one answer per run of pages
                if pipeline.pending_count == 0 or not pages.poll(IDLE_COMMIT):
                    commit()
            elif msg[0] == "config":
                as_of, margin = dt.date.fromisoformat(msg[1]), int(msg[2])
            elif msg[0] == "stop":
                break
        commit()
    finally:
        pipeline.store.close()
        pages.close()
        answers.close()


# -- the crawl process's side ----------------------------------------------------------------------
class PageReader:
    """Hands pages to the reader process and takes its answers (`on_done` per page)."""

    def __init__(self, db_path: str, run_id: int, batch_size: int = 1000):
        # fork: started before Scrapy's reactor exists, so the child inherits no running loop.
        # Two one-way pipes: pages out (never blocking the crawl, crawler/framepipe.py), answers in.
        ctx = multiprocessing.get_context("fork")
        pages_r, pages_w = os.pipe()
        self.answers, child_answers = ctx.Pipe(duplex=False)
        grow(self.answers.fileno())
        self.proc = ctx.Process(target=_serve,
                                args=(pages_r, child_answers, (pages_w, self.answers), db_path,
                                      int(run_id), batch_size),
                                name="govwatch-page-reader", daemon=True)
        self.proc.start()
        os.close(pages_r)
        child_answers.close()
        self.pages = FrameWriter(pages_w)
        self.outstanding: dict[int, tuple[str, str, dict]] = {}
        self.seeded: set[tuple[str, str]] = set()
        self.failed: str | None = None
        self.on_done: Callable[[str, str, dict, str | None, int], None] | None = None
        self.on_batch: Callable[[int], None] | None = None   # rows stored, once per answer batch
        self._next = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._batch: list[tuple] = []
        self._batch_bytes = 0
        self._timer: asyncio.TimerHandle | None = None

    def configure(self, as_of: dt.date, margin_days: int) -> None:
        self._send(("config", as_of.isoformat(), margin_days))

    @property
    def alive(self) -> bool:
        return self.failed is None

    def submit(self, site_id: str, key: str, url: str, body: bytes, encoding: str | None,
               formdata: dict | None, locator: str | None, fetch_values: tuple, meta: dict,
               seen: set | None) -> None:
        """`fetch_values`: the page's FetchItem fields in order (a tuple pickles several times faster
        than the dataclass); `seen`: the column's entries already stored (page 1), sent with its
        first later page."""
        self._watch()
        pid = self._next = self._next + 1
        seed = None
        if (site_id, key) not in self.seeded:
            self.seeded.add((site_id, key))
            seed = set(seen or ())
        self.outstanding[pid] = (site_id, key, meta)
        self._batch.append((pid, site_id, key, url, body, encoding, formdata, locator, fetch_values,
                            seed))
        self._batch_bytes += len(body)
        if self._batch_bytes >= SEND_BYTES:
            self.send_batch()
        elif self._timer is None and self._loop is not None:
            self._timer = self._loop.call_later(SEND_DELAY, self.send_batch)

    def send_batch(self) -> None:
        """Pages cross to the reader in batches: each send wakes the reader's CPU, and on a VM
        that wake-up, not the copy, was most of what handing a page over cost (bench/crawl.py)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._batch:
            batch, self._batch, self._batch_bytes = self._batch, [], 0
            self._send(("pages", batch))

    def _send(self, msg: tuple) -> None:
        if self.failed:
            return
        try:
            self.pages.send(msg)
        except (OSError, ValueError) as e:
            self._fail(f"发送失败: {e}")
            return
        if self.pages.backlog > MAX_BACKLOG:   # the reader is far behind: let it catch up
            self._drain(MAX_BACKLOG // 2)

    def _drain(self, limit: int, timeout: float = FINISH_TIMEOUT) -> None:
        """Block until at most `limit` bytes wait for the reader, taking its answers meanwhile."""
        fd = self.answers.fileno()
        self._wait_for(lambda: self.pages.backlog <= limit or self.pages.error is not None,
                       lambda: self.pages.drain(limit, 1.0, fd, self.take_answers), timeout,
                       lambda: f"{self.pages.backlog} 字节 {timeout:.0f} 秒未被读取")
        if self.pages.error is not None:
            self._fail(f"发送失败: {self.pages.error}")

    def _wait_for(self, done: Callable[[], bool], step: Callable[[], bool], timeout: float,
                  stuck: Callable[[], str]) -> None:
        """Repeat `step` (a wait of up to a second: True when something moved) until `done()`. The
        reader is declared dead when it has exited, or after `timeout` seconds in all of nothing."""
        waited = 0.0
        while not self.failed and not done():
            if step():
                continue
            waited += 1.0
            if not self.proc.is_alive():
                self._fail(f"exit code {self.proc.exitcode}")
            elif waited >= timeout:
                self._fail(stuck())

    def _fail(self, why: str) -> None:
        if self.failed is None:
            self.failed = f"页面读取进程异常退出 (page reader died: {why})"
        self._unwatch()

    def _watch(self) -> None:
        """Answers are taken, and waiting pages written, as the pipes allow, from the event loop
        Scrapy runs on."""
        if self._loop is None and not self.failed:
            self._loop = asyncio.get_event_loop()
            self._loop.add_reader(self.answers.fileno(), self.take_answers)
            self.pages.attach(self._loop)

    def _unwatch(self) -> None:
        if self._loop is not None:
            try:
                self._loop.remove_reader(self.answers.fileno())
            except (OSError, ValueError):
                pass
            self.pages.detach()
            self._loop = None

    def take_answers(self, timeout: float = 0.0) -> int:
        """Apply every answer waiting (or arriving within `timeout`); the number of pages answered."""
        n = 0
        try:
            while not self.failed and self.answers.poll(timeout):
                _, answers = self.answers.recv()
                stored = 0
                for pid, next_url, rows in answers:
                    site_id, key, meta = self.outstanding.pop(pid)
                    n += 1
                    stored += max(rows, 0)
                    if self.on_done is not None:
                        self.on_done(site_id, key, meta, next_url, rows)
                if self.on_batch is not None and stored:
                    self.on_batch(stored)
                timeout = 0.0
        except (EOFError, OSError) as e:
            self._fail(type(e).__name__)
        if not self.failed and not self.proc.is_alive() and self.outstanding:
            self._fail(f"exit code {self.proc.exitcode}")
        return n

    def wait_all(self, timeout: float = FINISH_TIMEOUT) -> None:
        """Block until every page handed over is answered (the crawl has nothing else to do)."""
        self.send_batch()
        self._drain(0, timeout)
        self._wait_for(lambda: not self.outstanding, lambda: self.take_answers(timeout=1.0) > 0,
                       timeout, lambda: f"{len(self.outstanding)} 个页面 {timeout:.0f} 秒未处理完")

    def close(self) -> None:
        """Answer what is left, stop the process and reap it."""
        self.wait_all()
        self._unwatch()
        self._send(("stop",))
        self._drain(0, 30.0)
        self.pages.close()
        self.proc.join(timeout=30)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        if self.proc.exitcode not in (0, None) and self.failed is None:
            self.failed = f"页面读取进程退出码 {self.proc.exitcode} (page reader exit code)"
        self.answers.close()


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def reader_enabled(settings: Any, mode: str) -> bool:
    """Sweeps on a POSIX machine with a second core: on one core the reader only adds a fork and
    a pipe (daily runs read a page per column: nothing to hand over). An office turns it off with
    the environment variable GOVWATCH_PAGE_READER=0 (or the setting of that name)."""
    env = os.environ.get("GOVWATCH_PAGE_READER")
    wanted = settings.getbool("GOVWATCH_PAGE_READER", True) if env is None else \
        env.strip().lower() not in ("0", "false", "no", "off")
    return mode == "sweep" and wanted and os.name == "posix" and _cores() > 1
