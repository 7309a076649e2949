"""The link checks, inside the sweep's own Scrapy crawl.

Why inside the crawl and not a pass after it: every check is a Scrapy request, so it goes through
the very slots the walk uses — the same per-host concurrency and delay (a government WAF sees one
polite visitor, not two), the same kept connections, robots.txt and WAF guard — and a link the
walk fetched anyway (a column, a later list page) needs no request at all: the walk's answer is its
first attempt. Checks have a lower priority than the walk's pages (a page the page reader names
late still goes first).

How a link is checked:
1. Per origin the site's pages come from, one random URL first (`shape.py`): the site's own 404.
   Until it answers, the links to that origin wait.
2. A link to the site's own hosts waits for the walk's end (the crawl otherwise idle): if the walk
   fetched it (a column, a later list page), that answer is its first attempt; the others are
   checked then, at most GOVWATCH_LINK_FLOOR + GOVWATCH_LINK_SHARE × the pages walked — the
   homepage's links first, articles last, the rest stored as unchecked. Deciding at the end keeps
   the choice independent of the order pages arrived in. The homepage's links need not wait: they
   come first in that order and the budget only grows, so once the budget the walk has earned
   covers all of them, they are checked during the walk (`_home_early`) — the same links, their
   failures found while the walk still runs (but for those the walk or the content checks may yet
   fetch: their answer will do). Links to other hosts go as found.
3. HEAD, or a ranged GET (Range: bytes=0-1023) where HEAD is refused or lies (`classify.
   head_needs_get`); a host that refused HEAD once gets GETs from then on; on a site whose missing
   pages answer 200 (a soft-404 site), a page is read with a GET of its first 64 KB, to compare.
4. A link that is not ok is tried again a while later (a GET); only what fails twice is broken, a
   moment's failure is not reported. "A while": `GOVWATCH_LINK_RETRY_AFTER` (30 s) after the
   failure while the crawl has other work (the wait costs nothing then), and once the crawl has
   nothing left but retries, `GOVWATCH_LINK_RETRY_MIN` (2 s) after the failure, at once if that is
   past (`_hurry`): the run idles at most RETRY_MIN for its retries, not RETRY_AFTER. The minimum
   only concerns failures of the run's last half-minute (earlier ones get the full 30 s while the
   walk goes on). Why 2 s: the moments a retry must outlast are short — a burst limit answering 429
   (never broken anyway) or dropping connections while requests come close together, a kept-alive
   connection reset — and those that bench/linksite.py and the tests plant last 0.5 s; a retry four
   times that later outlasts them, while a server down for minutes fails any retry and is broken for
   the visitor as well. 2 s is also what a run may idle for it: on a polite sweep of minutes, noise;
   on the 5,000-page loopback sweep of ~5 s (`bench/crawl.py`), 5 s made links on/off 1.8–2.0×, 2 s
   makes it 1.41× (bench/README.md).
5. Links to other hosts (`--external-links`) have their own, tighter gate: at most
   `GOVWATCH_EXTERNAL_PER_HOST` at a time per host, `GOVWATCH_EXTERNAL_DELAY` seconds apart.
"""
from __future__ import annotations

import json
import time
from collections import Counter, deque
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, StopDownload
from scrapy.http import Request

from crawler.extraction.lists.common import looks_like_article_url
from crawler.linkcheck.answers import Answer, from_failure, from_response
from crawler.linkcheck.book import LinkRecord, SiteLinks
from crawler.linkcheck.classify import head_needs_get, judge
from crawler.linkcheck.shape import Shape, probe_url
from crawler.urls import canonical, host_of
from crawler.walk import INDEX_PAGE_RE

PRIORITY = -10            # below every page of the walk (0) and the homepage (100); `_priority`
PROBE_PRIORITY = 50       # a host's links wait for it
RANGE = "bytes=0-1023"
RANGED_CAP = 4096         # bytes read when a server ignores the Range header
PAGE_CAP = 65536          # bytes of a page read to compare it with the site's "not found" page
PAGE_KINDS = ("page", "frame")
DEFAULTS = {
    "GOVWATCH_LINKS": True,                # sweeps check their links (daily runs never do)
    "GOVWATCH_EXTERNAL_LINKS": False,
    "GOVWATCH_LINK_RETRY_AFTER": 30.0,     # seconds before a failed link is tried again, while the crawl is busy
    "GOVWATCH_LINK_RETRY_MIN": 2.0,        # ... and at the least, once it has nothing else to do (`_hurry`)
    "GOVWATCH_LINK_TIMEOUT": 10.0,
    "GOVWATCH_LINK_MAX": 5000,             # distinct URLs checked per site
    "GOVWATCH_EXTERNAL_PER_HOST": 1,
    "GOVWATCH_EXTERNAL_DELAY": 1.0,
    # a site's own links checked by a request of their own: at most FLOOR + SHARE × its walked pages
    # (`_release`: the homepage's links first, articles last; the rest stored as unchecked)
    "GOVWATCH_LINK_SHARE": 0.4,
    "GOVWATCH_LINK_FLOOR": 50,
}


def enabled(settings, mode: str) -> bool:
    return mode == "sweep" and settings.getbool("GOVWATCH_LINKS", DEFAULTS["GOVWATCH_LINKS"])


def _folded(url: str) -> str:
    """A page's identity as the walk takes it: canonical, `index.html` folded onto its folder."""
    try:
        return INDEX_PAGE_RE.sub("/", canonical(url))
    except ValueError:
        return url


def _article(rec: LinkRecord) -> bool:
    """A link to an article (a list's row): the bulk of a site's links, checked last."""
    return rec.kind in PAGE_KINDS and looks_like_article_url(rec.url)


def _priority(rec: LinkRecord) -> int:
    """Checks are sent in the budget's order (`_release`): the homepage's links, then other pages',
    articles after the rest — so the links the indicators count apart are answered first, and a
    failure among them is found early enough for its retry to wait while the other checks run
    (Scrapy's scheduler would otherwise pop the last one sent first)."""
    return PRIORITY + 2 * rec.on_home + (not _article(rec))


def _origin(url: str) -> str:
    p = urlsplit(url)
    return f"{p.scheme}://{p.netloc}"


@dataclass
class _Retry:
    """A link that failed once, waiting to be tried again."""
    sid: str
    rec: LinkRecord
    failed: float            # monotonic time of the failure
    timer: object = None     # the reactor's DelayedCall
    hurried: bool = False    # brought forward to `failed + retry_min` (`LinkChecker._hurry`)


@dataclass
class _Host:
    """One origin of a site: its learned 404 (None until the probe answers) and the links waiting for it."""
    shape: Shape | None = None
    waiting: list = field(default_factory=list)


class LinkChecker:
    """One crawl's link checks: the spider hands it each parsed page's links (`page`), tells it
    and shows it every page the walk fetched
    (`crawled`, `crawl_failed`); it sends its own requests through the engine, keeps the spider open
    while they are pending (`idle`), and gives the pipeline its rows at the end (`rows`)."""

    def __init__(self, crawler, spider):
        s = crawler.settings

        def opt(name, get):
            return get(name, DEFAULTS[name])
        self.crawler, self.spider = crawler, spider
        self.external = opt("GOVWATCH_EXTERNAL_LINKS", s.getbool)
        self.retry_after = opt("GOVWATCH_LINK_RETRY_AFTER", s.getfloat)
        # never later than RETRY_AFTER (tests shorten that one alone)
        self.retry_min = min(opt("GOVWATCH_LINK_RETRY_MIN", s.getfloat), self.retry_after)
        # never longer than the crawl waits for a page
        self.timeout = min(opt("GOVWATCH_LINK_TIMEOUT", s.getfloat), s.getfloat("DOWNLOAD_TIMEOUT", 180))
        self.max_links = opt("GOVWATCH_LINK_MAX", s.getint)
        self.ext_per_host = max(1, opt("GOVWATCH_EXTERNAL_PER_HOST", s.getint))
        self.ext_delay = opt("GOVWATCH_EXTERNAL_DELAY", s.getfloat)
        self.link_share = opt("GOVWATCH_LINK_SHARE", s.getfloat)
        self.link_floor = opt("GOVWATCH_LINK_FLOOR", s.getint)
        self.books: dict[str, SiteLinks] = {}
        self.hosts: dict[tuple[str, str], _Host] = {}
        self.head_refused: set[str] = set()
        self.flying: dict[int, dict] = {}           # request id -> its meta, until it lands
        self.timers: set = set()
        self.retrying: dict[tuple[str, str], _Retry] = {}   # (site, url) -> its pending retry
        self.ext_queue: dict[str, deque] = {}
        self.ext_busy: Counter = Counter()
        self.walk_over = False
        self.closed = False
        self.clock: dict[str, list[float]] = {}    # site -> [first request, last answer]
        self._ids = 0
        crawler.signals.connect(self.idle, signal=signals.spider_idle)
        crawler.signals.connect(self._bytes, signal=signals.bytes_received)
        crawler.signals.connect(self._close, signal=signals.spider_closed)

    # -- what the walk hands over ---------------------------------------------------------------
    def page(self, sid: str, page_url: str, links, home: bool = False) -> None:
        """A page of the site was parsed: its links (`PageResult.links`). The origin the page came
        from is one of the site's own: its 404 is learned (links to other ports or schemes of the
        same host get none: a probe there would mostly fail like the links themselves)."""
        book = self.books.get(sid)
        if book is None:
            book = self.books[sid] = SiteLinks(self.spider.sites[sid], self.max_links, self.external)
        self._host(sid, _origin(page_url))
        for rec in book.add_page(page_url, links, home):
            if home and _folded(rec.url) == _folded(page_url):
                # the homepage itself (首页 in the menu): the walk read it before any link was known
                rec.crawl_answer = Answer("crawl", rec.url, 200, page_url, "text/html")
            host = self.hosts.get((sid, rec.origin))
            if rec.external or host is None:
                self._start(sid, rec)
                continue
            if host.shape is None:
                rec.state = "waiting"
                host.waiting.append(rec)
            else:
                self._start(sid, rec)
        if not home and not book.home_early and not self.walk_over:
            self._home_early(sid, book)

    def crawled(self, response) -> None:
        """The walk fetched a page: if a link names it, that answer is the link's first attempt (a
        column, a later list page, and the articles and attachments the content checks read:
        `crawler/content`)."""
        asked = (response.meta.get("redirect_urls") or [response.url])[0]
        self._crawl_answer(response.meta, asked, lambda: from_response(response, "crawl"))

    def crawl_failed(self, failure) -> None:
        request = failure.request
        asked = (request.meta.get("redirect_urls") or [request.url])[0]
        self._crawl_answer(request.meta, asked, lambda: from_failure(failure, "crawl"))

    def _crawl_answer(self, meta: dict, asked: str, make) -> None:
        book = self.books.get(meta.get("site_id"))
        rec = book.get(asked) if book is not None else None
        if rec is None or rec.attempts or rec.crawl_answer is not None or \
                rec.state not in ("waiting", "deferred", "queued"):
            return
        answer = make()
        if answer.body is not None and len(answer.body) > PAGE_CAP:
            answer = replace(answer, body=answer.body[:PAGE_CAP], complete=False)
        rec.crawl_answer = answer
        if rec.state in ("deferred", "queued"):   # a queued one is left in book.queued: `_release` skips it
            self._start(meta["site_id"], rec)

    # -- starting a link --------------------------------------------------------------------------
    def _host(self, sid: str, origin: str) -> _Host:
        host = self.hosts.get((sid, origin))
        if host is None:
            host = self.hosts[(sid, origin)] = _Host()
            self._send(sid, probe_url(origin), "probe", None, origin=origin, cap=PAGE_CAP,
                       priority=PROBE_PRIORITY)
        return host

    def _shape(self, sid: str, rec: LinkRecord) -> Shape | None:
        host = self.hosts.get((sid, rec.origin))
        return host.shape if host is not None and not rec.external else None

    def _budget(self, sid: str) -> float:
        """Links of the site's own hosts checked with a request of their own, at most: a share of the
        pages the walk has fetched so far (a small site's first pages can carry more links than the
        site has pages: checking them all would cost more than the sweep itself)."""
        walk = getattr(getattr(self.spider, "frontier", None), "walks", {}).get(sid)
        return self.link_floor + self.link_share * (walk.pages if walk is not None else 0)

    def _may_be_walked(self, rec: LinkRecord) -> bool:
        return not rec.external and rec.kind in PAGE_KINDS and not looks_like_article_url(rec.url)

    def _content_may_read(self, rec: LinkRecord) -> bool:
        """The content checks (`crawler/content`) may yet read it, an article or an attachment: their
        answer will do, after the walk."""
        return getattr(self.spider, "content", None) is not None and rec.kind in (*PAGE_KINDS, "attachment")

    def _start(self, sid: str, rec: LinkRecord) -> None:
        if rec.crawl_answer is not None:
            rec.state = "checking"
            self._attempted(sid, rec, rec.crawl_answer)
            return
        if not self.walk_over and self._may_be_walked(rec):
            rec.state = "deferred"   # the walk may fetch it: its answer will do
            return
        book = self.books[sid]
        early = book.home_early and rec.on_home and not self.walk_over and not self._content_may_read(rec)
        if not rec.external and not early and (not self.walk_over or book.first_checks >= self._budget(sid)):
            # the walk's end decides, once the site's page count (its budget) is known: which links
            # are checked must not depend on the order pages happened to arrive in
            rec.state = "queued"
            book.queued.append(rec)
            return
        book.first_checks += not rec.external
        rec.state = "checking"
        self._start_checked(sid, rec)

    def _home_early(self, sid: str, book: SiteLinks) -> None:
        """The homepage's links are checked during the walk, once the budget the walk has already
        earned covers every one of them that may need a request of its own: they come first in
        `_release`'s order and the budget only grows, so the walk's end would check them all anyway
        — the same links as deciding at the end, their failures found (and retried) while the walk
        still runs. Not those the walk or the content checks may still fetch: they wait, and
        their answer saves the request. Called for the site's other pages only: the homepage (and a
        homepage it forwards to) is parsed before any of them, so no link becomes a homepage link
        later."""
        pending = sum(r.crawl_answer is None and not (r.attempts and r.attempts[0][0].method == "crawl")
                      for r in book.home)
        if pending > self._budget(sid):
            return
        book.home_early = True
        queued, book.queued = book.queued, []
        for rec in queued:
            if rec.state != "queued":
                continue
            if rec.on_home and not self._content_may_read(rec):
                book.first_checks += 1
                rec.state = "checking"
                self._start_checked(sid, rec)
            else:
                book.queued.append(rec)

    def _start_checked(self, sid: str, rec: LinkRecord) -> None:
        """The first request for a link: GET on a soft-404 site's pages, else HEAD (GET for a host
        that refuses HEAD)."""
        shape = self._shape(sid, rec)
        if rec.kind in PAGE_KINDS and shape is not None and shape.kind == "soft":
            self._ask(sid, rec, "get", cap=PAGE_CAP)
        elif rec.host in self.head_refused:
            self._ask(sid, rec, "get", ranged=True)
        else:
            self._ask(sid, rec, "head")

    # -- requests ---------------------------------------------------------------------------------
    def _ask(self, sid: str, rec: LinkRecord, step: str, ranged: bool = False, cap: int | None = None,
             first: bool = False) -> None:
        frontier = getattr(self.spider, "frontier", None)
        if frontier is not None and frontier.over_time(sid):
            rec.state, rec.note = "unchecked", "超过单站时限，未检查"
            return
        if ranged:
            cap = RANGED_CAP
        if rec.external:
            queue = self.ext_queue.setdefault(rec.host, deque())
            (queue.appendleft if first else queue.append)((sid, rec, step, ranged, cap))
            self._pump(rec.host)
            return
        self._send(sid, rec.url, step, rec, ranged=ranged, cap=cap, priority=_priority(rec))

    def _send(self, sid: str, url: str, step: str, rec: LinkRecord | None, *, origin: str | None = None,
              ranged: bool = False, cap: int | None = None, priority: int = PRIORITY) -> None:
        if self.closed:
            return
        self._ids += 1
        meta = {"link_site": sid, "link_key": rec.url if rec is not None else None, "link_step": step,
                "link_origin": origin, "link_ranged": ranged, "link_cap": cap, "link_id": self._ids,
                "dont_retry": True, "download_timeout": self.timeout}
        self.flying[self._ids] = meta
        self.clock.setdefault(sid, [time.monotonic(), time.monotonic()])
        request = Request(url, method="HEAD" if step == "head" else "GET",
                          headers={"Range": RANGE} if ranged else None, callback=self._answered,
                          errback=self._failed, meta=meta, priority=priority, dont_filter=True)
        self.crawler.engine.crawl(request)

    def _pump(self, host: str) -> None:
        queue = self.ext_queue.get(host)
        while queue and self.ext_busy[host] < self.ext_per_host:
            sid, rec, step, ranged, cap = queue.popleft()
            self.ext_busy[host] += 1
            self._send(sid, rec.url, step, rec, ranged=ranged, cap=cap, priority=_priority(rec))

    def _later(self, delay: float, fn, *args):
        """`fn(*args)` in `delay` seconds; the timer keeps the spider open until it fires."""
        from twisted.internet import reactor
        holder: list = []

        def fire():
            self.timers.discard(holder[0])
            if not self.closed:
                fn(*args)
        holder.append(reactor.callLater(max(delay, 0.0), fire))
        self.timers.add(holder[0])
        return holder[0]

    def _bytes(self, data: bytes, request, spider=None) -> None:
        """Stop reading a check's body past its cap (a ranged GET a server answered whole)."""
        cap = request.meta.get("link_cap")
        if not cap:
            return
        got = request.meta["link_got"] = request.meta.get("link_got", 0) + len(data)
        if got >= cap:
            raise StopDownload(fail=False)

    # -- answers ----------------------------------------------------------------------------------
    def _answered(self, response):
        step = response.meta["link_step"]
        self._landed(response.meta, from_response(response, "HEAD" if step == "head" else "GET"))

    def _failed(self, failure):
        step = failure.request.meta["link_step"]
        self._landed(failure.request.meta, from_failure(failure, "HEAD" if step == "head" else "GET"))

    def _landed(self, meta: dict, answer: Answer) -> None:
        if self.flying.pop(meta["link_id"], None) is None:
            return   # already given up as lost
        sid = meta["link_site"]
        book = self.books[sid]
        book.requests += 1
        self.clock[sid][1] = time.monotonic()
        if meta["link_step"] == "probe":
            self._learned(sid, meta["link_origin"], answer)
            return
        rec = book.get(meta["link_key"])
        if rec.external:
            self.ext_busy[rec.host] -= 1
            self._later(self.ext_delay, self._pump, rec.host)
        rec.requests += 1
        if meta["link_step"] == "head" and head_needs_get(answer, rec.kind):
            if answer.status in (405, 501):
                self.head_refused.add(rec.host)   # this server refuses HEAD: GETs from now on
            self._ask(sid, rec, "get", ranged=True, first=True)
            return
        if answer.status == 416 and meta["link_ranged"] and rec.kind != "attachment":
            self._ask(sid, rec, "get", cap=PAGE_CAP, first=True)   # a range it cannot serve: read the page
            return
        self._attempted(sid, rec, answer)

    def _learned(self, sid: str, origin: str, answer: Answer) -> None:
        host = self.hosts[(sid, origin)]
        host.shape = Shape.learn(host_of(origin), answer)
        waiting, host.waiting = host.waiting, []
        for rec in waiting:
            self._start(sid, rec)

    def _attempted(self, sid: str, rec: LinkRecord, answer: Answer) -> None:
        verdict = judge(answer, rec.kind, self._shape(sid, rec))
        rec.attempts.append((replace(answer, body=None), verdict))
        rec.crawl_answer = None
        if verdict.ok or len(rec.attempts) >= 2:
            rec.state = "done"
            return
        frontier = getattr(self.spider, "frontier", None)
        if frontier is not None and frontier.over_time(sid):
            # the site has had its time: no retry is waited for (the run would idle for it)
            rec.state, rec.note = "unchecked", "超过单站时限，未检查"
            return
        rec.state = "retry"   # broken only if it fails again a while later
        retry = self.retrying[(sid, rec.url)] = _Retry(sid, rec, time.monotonic())
        retry.timer = self._later(self.retry_after, self._retry, sid, rec)

    def _retry(self, sid: str, rec: LinkRecord) -> None:
        self.retrying.pop((sid, rec.url), None)
        if rec.kind in PAGE_KINDS:
            self._ask(sid, rec, "get", cap=PAGE_CAP)
        else:
            self._ask(sid, rec, "get", ranged=True)

    # -- the end of the crawl ---------------------------------------------------------------------
    def idle(self, spider=None) -> None:
        """The walk is over: check the links it did not fetch; keep the spider open while checks,
        retries or gated links to other hosts are pending."""
        if self.closed:
            return
        # the engine is idle: a check it was given before this call and has not answered is lost
        self._give_up_lost(list(self.flying.values()))
        if not self.walk_over:
            self.walk_over = True
            for sid, book in self.books.items():
                for rec in list(book.links.values()):
                    if rec.state == "deferred":
                        self._start(sid, rec)
        for sid, book in self.books.items():
            self._release(sid, book)
        if not self.flying and not any(self.ext_queue.values()):
            self._hurry()
        if self.flying or self.timers or any(self.ext_queue.values()):
            raise DontCloseSpider

    def _hurry(self) -> None:
        """The crawl has nothing left to do but retries: each goes `retry_min` seconds after its
        failure (at once if that is past) instead of `retry_after`, so the run idles at most
        `retry_min` for them."""
        now = time.monotonic()
        for retry in self.retrying.values():
            if retry.hurried:
                continue
            retry.hurried = True
            if retry.timer is not None and retry.timer.active():
                retry.timer.cancel()
                self.timers.discard(retry.timer)
            retry.timer = self._later(retry.failed + self.retry_min - now, self._retry, retry.sid, retry.rec)

    def _release(self, sid: str, book: SiteLinks) -> None:
        """The walk is over and its page count final: the queued links within the budget are checked,
        the homepage's first (the indicators count them apart), then other pages' links, articles
        last; the rest are stored unchecked."""
        if not book.queued:
            return
        # (those the walk fetched meanwhile have their answer: no request, no share of the budget)
        queued = sorted((r for r in book.queued if r.state == "queued"),
                        key=lambda r: (not r.on_home, _article(r), -r.pages, r.url))
        book.queued = []
        room = max(0, int(self._budget(sid) - book.first_checks))
        for rec in queued[:room]:
            book.first_checks += 1
            rec.state = "checking"
            self._start_checked(sid, rec)
        for rec in queued[room:]:
            rec.state = "unchecked"
            rec.note = (f"超出链接检查预算（每站{self.link_floor}个加巡检页面数的{self.link_share:.0%}），未检查")

    def _give_up_lost(self, lost: list[dict]) -> None:
        """Requests the engine no longer holds (it is idle): their links are 无法核实."""
        for meta in lost:
            self._landed(meta, Answer(meta["link_step"], meta.get("link_key") or "",
                                      error="检查请求未完成（请求被丢弃）"))

    def _close(self, spider=None, reason=None) -> None:
        self.closed = True
        for timer in list(self.timers):
            if timer.active():
                timer.cancel()
        self.timers.clear()

    def rows(self) -> tuple[list[dict], list[dict]]:
        """(`links` rows, `link_runs` rows) of every site whose pages were read."""
        links, runs = [], []
        for sid, book in self.books.items():
            for rec in book.links.values():
                if rec.state not in ("done", "unchecked"):
                    rec.state, rec.note = "unchecked", rec.note or "抓取结束时尚未检查"
            links += [dict(r, site_id=sid) for r in book.rows()]
            counts = book.counts()
            shapes = [h.shape.to_json() for (s, _), h in self.hosts.items() if s == sid and h.shape]
            first, last = self.clock.get(sid, [0.0, 0.0])
            note = [f"超过每站{self.max_links}个链接的上限，另有{book.over_budget}个链接未检查"] \
                if book.over_budget else []
            unchecked = sum(r.state == "unchecked" for r in book.links.values())
            if unchecked:
                note.append(f"{unchecked}个链接未检查")
            runs.append(dict(counts, site_id=sid, internal=1, external=int(self.external),
                             seconds=round(last - first, 3), shape=json.dumps(shapes, ensure_ascii=False),
                             note="；".join(note) or None))
        return links, runs
