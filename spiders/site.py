"""The site spider: walks each site from its homepage the way an inspector clicks through it.

It stays thin: pages are read by `crawler.extraction`, budget/depth/duplicates are kept by
`crawler.walk.Frontier`, rows are written by the store pipeline. What it owns is what a page is —
list, board, section hub, information page or article — and where its links lead: every same-site
link (menus, headings, channel strips, image links, script-written sidebars, redirects, frames) is
followed up to the depth limit; articles are recognised and not walked further. A failed fetch is
recorded as unverified and never as stale, blank or missing.
"""
from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import scrapy
from scrapy import signals
from scrapy.exceptions import CloseSpider, DontCloseSpider
from scrapy.http import FormRequest, Request
from w3lib.encoding import http_content_type_encoding

from crawler.content import pages as content_pages
from crawler.extraction import extract_page
from crawler.extraction.lists.common import looks_like_article_url
from crawler.extraction.model import Link
from crawler.extraction.navigation import article_column
from crawler.items import (
    ColumnItem,
    EnquiryItem,
    EntranceItem,
    EntryBatch,
    FetchItem,
    entry_rows,
    fetch_values,
    row_shape,
)
from crawler.linkcheck import checker as linkcheck
from crawler.pagereader import FAILED_REASON, PageReader, read_continuation, rows_read
from crawler.urls import allowed, column_key, host_of
from crawler.walk import DEFAULT_MAX_DEPTH, Frontier
from spiders.pages import MENU_SOURCES, page_name, page_place, page_role

HOME_KEY = "__home__"
DAILY_NEW_LINKS = 5   # new links a daily run follows per site (to notice a new column)
ENQUIRY_FIELDS = row_shape(EnquiryItem)[0]


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


class SiteSpider(scrapy.Spider):
    name = "site"

    def __init__(self, sites: list[dict], as_of: date, mode: str = "sweep",
                 known: dict[str, list[dict]] | None = None, max_pages: int = 3000,
                 max_depth: int = DEFAULT_MAX_DEPTH, future_margin_days: int = 400,
                 reader: PageReader | None = None, answered: dict | None = None,
                 site_timeout: float | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # daily runs: letters answered at the last run, kept as read then (crawler.crawl.known_letters)
        self.answered = answered or {}
        self.daily_new: Counter = Counter()   # daily runs: new links followed per site (at most 5)
        self.sites = {s["id"]: s for s in sites}
        self.as_of = as_of
        self.mode = mode
        self.known = known or {}
        self.frontier = Frontier(self.sites, max_pages, max_depth, site_timeout=site_timeout)
        # dates up to this far past the as-of day are kept (FUTURE_DATE judges them);
        # beyond it (2099) they are implausible and dropped by the extractor
        self.future_margin_days = future_margin_days
        self.column_pages: Counter = Counter()
        self.column_failed_pages: Counter = Counter()   # later pages that could not be fetched or read
        self.inferred_parents: dict[tuple[str, str], str] = {}   # (site, hub key) -> its parent, from children
        self.item_seen: dict[tuple[str, str], set] = {}
        self.entrance_seen: set[tuple[str, str, str | None]] = set()
        # a sweep's later list pages go to the page reader process (crawler/pagereader.py)
        self.reader = reader
        self.content: content_pages.ContentPages | None = None   # texts for the content checks (crawler/content)
        self.links: linkcheck.LinkChecker | None = None   # sweeps: every link checked (crawler/linkcheck)
        if reader is not None:
            reader.configure(as_of, future_margin_days)
            reader.on_done = self._page_read
            reader.on_batch = lambda rows: self.crawler.signals.send_catch_log(rows_read, rows=rows)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._opened, signal=signals.spider_opened)
        if content_pages.enabled(crawler.settings, spider.mode):
            spider.content = content_pages.ContentPages(crawler, spider)
        if linkcheck.enabled(crawler.settings, spider.mode):
            spider.links = linkcheck.LinkChecker(crawler, spider)
        if spider.reader is not None:
            crawler.signals.connect(spider._idle, signal=signals.spider_idle)
        return spider

    def _opened(self, spider=None):
        self.frontier.stats = self.crawler.stats   # walk/… counters in the crawl stats

    @property
    def over_budget(self) -> Counter:
        return Counter({sid: w.over_budget for sid, w in self.frontier.walks.items() if w.over_budget})

    def walk_records(self) -> list[dict]:
        """One `walks` row per site (written by the store pipeline when the crawl closes)."""
        return [self.frontier.record(sid, self.mode) for sid in self.sites]

    # -- helpers ----------------------------------------------------------------------------------
    async def start(self):
        for site in self.sites.values():
            yield Request(site["url"], callback=self.parse_home, errback=self.home_failed,
                          meta={"site_id": site["id"], "key": HOME_KEY}, dont_filter=True,
                          priority=100)

    def _fetch(self, response, kind: str) -> FetchItem:
        cut = response.meta.get("govwatch_truncated_from")   # set by ResponseGuardMiddleware
        note = f"正文{cut}字节超过上限，已截断至{len(response.body)}字节" if cut else None
        if self.links is not None:
            self.links.crawled(response)   # a link to this page needs no request of its own
        return FetchItem(site_id=response.meta["site_id"], url=response.url,
                         status=response.status, error=note,
                         elapsed=response.meta.get("download_latency"),
                         bytes=len(response.body), kind=kind)

    def _failed_fetch(self, failure) -> FetchItem:
        from crawler import neterrors
        request = failure.request
        response = getattr(failure.value, "response", None)
        error = neterrors.describe(failure.value)
        if self.links is not None:
            self.links.crawl_failed(failure)
        return FetchItem(site_id=request.meta["site_id"], url=request.url,
                         status=response.status if response is not None else None,
                         error=error, elapsed=None, bytes=None, kind=request.meta.get("page_kind"))

    def _take(self, site_id: str, url: str, form: dict | None = None) -> bool:
        return self.frontier.take(site_id, url, form)

    @staticmethod
    def _encoding(response) -> str | None:
        ctype = response.headers.get(b"Content-Type")
        return http_content_type_encoding(ctype.decode("latin-1")) if ctype else None

    def _extract(self, response, **light):
        return extract_page(response.body, response.url, as_of=self.as_of,
                            header_encoding=self._encoding(response),
                            margin_days=self.future_margin_days,
                            request_formdata=response.meta.get("formdata"),
                            with_links=self.links is not None, **light)

    @staticmethod
    def _http_error(response) -> str | None:
        if response.status >= 400:
            from crawler import neterrors
            return neterrors.http_status(response.status)
        return None

    def _unreadable(self, meta: dict, url: str, error: str, *, role: str | None = None,
                    named_by: str | None = None, read: bool = False):
        """The one place a page that could not be fetched or read is recorded: the walk notes a
        page it could not open (the site was not seen whole; `read`: it was opened, only its list
        could not be read), and a menu entry becomes an unverified column — never a letter or an
        article, whose failure costs only that letter's status or that date."""
        sid = meta["site_id"]
        if meta.get("guess"):
            return   # a folder read off an article's URL: nobody links to it, its failure hides nothing
        if not read:
            self.frontier.failed(sid, url, meta.get("name"), error)
        if meta.get("source") not in MENU_SOURCES and not meta.get("page_kind") == "board":
            return
        yield ColumnItem(site_id=sid, key=meta["key"], name=meta.get("name") or None, url=url,
                         parent_key=meta.get("parent_key"), level=meta.get("level"),
                         role=role or ("board" if meta.get("page_kind") == "board" else "list"),
                         source=meta.get("source"), status="failed", error=error,
                         named_by=named_by or ("link" if meta.get("name") else None))

    def _entrances(self, sid: str, page, url: str):
        for e in page.entrances:
            ident = (sid, e.kind, e.url)
            if ident in self.entrance_seen:
                continue
            self.entrance_seen.add(ident)
            yield EntranceItem(site_id=sid, kind=e.kind, name=e.name, url=e.url, found_on=url, how=e.how)

    # -- homepage ---------------------------------------------------------------------------------
    def parse_home(self, response):
        sid = response.meta["site_id"]
        site = self.sites[sid]
        self.frontier.count_home(sid)
        moved_to = host_of(response.url)   # the homepage redirected: the site lives there now
        if moved_to != host_of(site["url"]) and moved_to not in (site.get("allow_hosts") or []):
            site["allow_hosts"] = [*(site.get("allow_hosts") or []), moved_to]
        yield self._fetch(response, "home")
        err = self._http_error(response)
        if err:
            self.frontier.failed(sid, response.url, "首页", err)
            yield ColumnItem(site_id=sid, key=HOME_KEY, name="首页", url=response.url, role="home",
                             status="failed", error=err, level=0, source="home")
            return
        try:
            page = self._extract(response)
        except Exception as e:  # noqa: BLE001 - an unreadable page is unverified, not a crash
            yield ColumnItem(site_id=sid, key=HOME_KEY, name="首页", url=response.url, role="home",
                             status="failed", error=f"解析失败: {e}", level=0, source="home")
            return
        if self.links is not None:
            self.links.page(sid, response.url, page.links, home=True)
        if page.redirect and not page.blocks and allowed(page.redirect, site) \
                and column_key(page.redirect, site["url"]) != column_key(response.url, site["url"]):
            # a homepage that only forwards (index.html -> /portal/index.shtml): read it there
            if self._take(sid, page.redirect):
                yield Request(page.redirect, callback=self.parse_home, errback=self.home_failed,
                              meta=dict(response.meta), dont_filter=True, priority=100)
                return
        entries = [e for b in page.blocks for e in b.items]
        yield ColumnItem(site_id=sid, key=HOME_KEY, name="首页", url=response.url, role="home",
                         level=0, source="home", method=",".join(sorted({b.method for b in page.blocks})) or None,
                         item_count=len(entries))
        self.column_pages[(sid, HOME_KEY)] += 1
        yield from self._entries(sid, HOME_KEY, entries, response.url)
        yield from self._entrances(sid, page, response.url)
        if self.content is not None:
            yield from self.content.home(response, sid)
        known = self.known.get(sid)
        if self.mode == "daily" and known:
            yield from self._daily_requests(response, page, known)
            return
        yield from self._follow_links(response, page, parent_key=None, depth=1)
        # columns behind homepage tab blocks show only their articles: try each article's folder
        for folder in dict.fromkeys(filter(None, (article_column(e.url) for e in entries if e.date and e.url))):
            if allowed(folder, site) and not self.frontier.knows(sid, folder):
                yield from self._schedule(sid, folder, None, None, None, "folder", 1, guess=True)
        for extra in site.get("boards") or []:
            url = extra if isinstance(extra, str) else extra.get("url")
            name = None if isinstance(extra, str) else extra.get("name")
            yield from self._schedule(sid, url, name, None, 1, "sites-file", 1, board=True)
        for extra in site.get("columns") or []:
            url = extra if isinstance(extra, str) else extra.get("url")
            name = None if isinstance(extra, str) else extra.get("name")
            yield from self._schedule(sid, url, name, None, 1, "sites-file", 1)

    def home_failed(self, failure):
        request = failure.request
        sid = request.meta["site_id"]
        fetch = self._failed_fetch(failure)
        self.frontier.failed(sid, request.url, "首页", fetch.error)
        yield fetch
        yield ColumnItem(site_id=sid, key=HOME_KEY, name="首页", url=request.url, role="home",
                         status="failed", error=fetch.error, level=0, source="home")

    def _daily_requests(self, response, page, known: list[dict]):
        """First page of every column, board and section hub known from the last sweep, plus up
        to five links the homepage shows that the sweep did not know (a new column)."""
        sid = response.meta["site_id"]
        for col in known:
            yield from self._schedule(sid, col["url"], col.get("name"), col.get("parent_key"),
                                      col.get("level"), "known", 1,
                                      board=col.get("role") == "board", fixed=True)
        yield from self._daily_new(response, page)

    def _daily_new(self, response, page):
        """A daily run notices new columns on the homepage and the hubs it re-reads: at most
        DAILY_NEW_LINKS a site, read like known ones (first page only, no further walk)."""
        sid = response.meta["site_id"]
        for link in page.nav_links:
            if self.daily_new[sid] >= DAILY_NEW_LINKS:
                break
            if not self.frontier.knows(sid, link.url) and allowed(link.url, self.sites[sid]) \
                    and not looks_like_article_url(link.url):
                self.daily_new[sid] += 1
                yield from self._schedule(sid, link.url, link.name, None, 1, link.source, 1, fixed=True)

    # -- discovery --------------------------------------------------------------------------------
    def _follow_links(self, response, page, parent_key, depth, boards: bool = True,
                      skip: frozenset = frozenset()):
        """Every same-site link of a page that is not an article: boards first (their name
        says what they are), then menus, headings, strips, image and script links, redirects.
        `boards`: a list's or a board's own rows are articles and letters, never boards."""
        sid = response.meta["site_id"]
        site = self.sites[sid]
        links = [(lk, True) for lk in (page.board_links if boards else ())] + \
            [(lk, False) for lk in page.nav_links if lk.url not in skip]
        if page.redirect:
            links.insert(0, (Link(name=page.column_name or "", url=page.redirect, source="redirect"), False))
        crumb_depth = {c.url: i for i, c in enumerate(page.breadcrumb)}
        for link, board in links:
            if not allowed(link.url, site) or self.frontier.knows(sid, link.url):
                continue
            if not board and looks_like_article_url(link.url):
                continue
            # clicks from the homepage: a breadcrumb entry says it (首页 › 互动交流 is one click);
            # a sidebar lists the page's siblings, as deep as the page itself
            at = depth
            if link.source == "breadcrumb":
                at = max(1, crumb_depth.get(link.url, depth))
            elif link.source in ("tree", "script") and depth > 1:
                at = depth - 1
            if self.frontier.beyond_depth(sid, link.url, at):
                continue
            # a breadcrumb leads up: the page it names is an ancestor, not a child of this one
            yield from self._schedule(sid, link.url, link.name,
                                      None if link.source == "breadcrumb" else parent_key, None,
                                      "link" if board else link.source, at, board=board,
                                      board_class=link.source if board else None)

    def _schedule(self, sid, url, name, parent_key, level, source, depth, board=False,
                  board_class=None, fixed=False, guess=False):
        if not url:
            return
        site = self.sites[sid]
        if not allowed(url, site):
            return
        key = self.frontier.new_column(sid, url)
        if key is None:
            return
        if not self._take(sid, url):
            return
        # "clicks", not "depth": Scrapy's DepthMiddleware owns meta["depth"] and rewrites it
        meta = {"site_id": sid, "key": key, "name": name, "parent_key": parent_key,
                "level": level, "source": source, "clicks": depth, "fixed": fixed,
                "page_kind": "board" if board else "column", "board_class": board_class,
                "guess": guess}
        # a board-sounding name (回应关切, 人大代表建议) may be an ordinary list: the page decides,
        # unless the sites file says it is a board
        explicit_board = board and source in ("sites-file",) or (board and fixed)
        yield Request(url, callback=self.parse_board if explicit_board else self.parse_column,
                      errback=self.column_failed, meta=meta, dont_filter=True)

    # -- columns ----------------------------------------------------------------------------------
    def _place(self, page, meta, name: str | None) -> tuple[str | None, int | None]:
        site = self.sites[meta["site_id"]]
        parent, level, grandparent = page_place(page, meta, name, site["url"], lambda url: allowed(url, site))
        if parent and grandparent:   # written to a parent hub that had no breadcrumb of its own
            self.inferred_parents.setdefault((meta["site_id"], parent), grandparent)
        return parent, level

    def parse_column(self, response):
        meta = response.meta
        sid, key = meta["site_id"], meta["key"]
        yield self._fetch(response, meta.get("page_kind") or "column")
        if meta.get("redirect_urls"):   # set by Scrapy's redirect middleware
            if not self.frontier.moved(sid, key, response.url):
                return   # redirected (/gzjg -> /gzjg/) to a page the walk already has
            key = meta["key"] = column_key(response.url, self.sites[sid]["url"])   # known by where it is
        err = self._http_error(response)
        if err:
            yield from self._unreadable(meta, response.url, err)
            return
        try:
            page = self._extract(response)
        except Exception as e:  # noqa: BLE001
            yield from self._unreadable(meta, response.url, f"解析失败: {e}")
            return
        if self.links is not None:
            self.links.page(sid, response.url, page.links)
        if page.kind == "article":
            return  # an article is not a column; its links were already known
        yield from self._entrances(sid, page, response.url)
        has_list = bool(page.blocks and page.blocks[0].items)
        if page.kind == "message_board" or self._looks_like_board(response) or \
                (meta.get("page_kind") == "board" and not has_list):
            yield from self.parse_board(response, page=page)
            return
        name, named_by = page_name(page, meta)
        role = page_role(page, name, meta.get("source"))
        parent_key, level = self._place(page, meta, name)
        if role == "unreadable":
            yield from self._unreadable(dict(meta, name=name, parent_key=parent_key, level=level,
                                             source="tree"), response.url,
                                        f"列表中有{page.shown_dates}处日期，但信息条目无法识别（链接不可用）",
                                        named_by=named_by, read=True)
            role = None
        if role is not None:
            main = page.blocks[0] if page.blocks else None
            items = main.items if (main is not None and role == "list") else []
            status = "exempt" if (role == "list" and not items and page.exempt_note) else "ok"
            pag = page.pagination
            self.frontier.column_seen(sid)
            yield ColumnItem(site_id=sid, key=key, name=name, url=response.url,
                             parent_key=parent_key, level=level, role=role,
                             source=meta.get("source"), method=main.method if main else None,
                             status=status, item_count=pag.total_items if role == "list" else None,
                             pages_total=pag.total_pages, note=page.exempt_note, named_by=named_by)
            self.column_pages[(sid, key)] += 1
            yield from self._entries(sid, key, items, response.url)
            if self.content is not None:
                yield from self.content.column(response, sid, key, role, items)
            if role == "list" and self.mode == "sweep" and not meta.get("fixed"):
                yield from self._pages(response, page, key)
        if meta.get("fixed"):
            if role == "section" and meta.get("source") == "known":
                yield from self._daily_new(response, page)   # hubs are re-read for new columns
            return   # daily: a known column's first page, nothing further
        parent = key if role in ("section", "list", "static") else parent_key
        if page.redirect and not page.column_name:
            page.column_name = name   # the hub's name goes with its forward
        yield from self._follow_links(response, page, parent_key=parent, depth=meta.get("clicks", 1) + 1,
                                      boards=role != "list")

    @staticmethod
    def _looks_like_board(response) -> bool:
        from crawler.extraction.boards import is_board_page
        try:
            return is_board_page(response.text)
        except Exception:  # noqa: BLE001
            return False

    def _follow_pages(self, response, base: dict, callback, urls, posts, next_href):
        """Every other page of a list or board: known GET pages, form POSTs, else the 下一页 chain."""
        sid = response.meta["site_id"]
        site = self.sites[sid]
        for url in urls:
            if self.frontier.exhausted(sid):
                break   # a pager claiming 100,000 pages must not cost 100,000 checks
            if allowed(url, site) and self._take(sid, url):
                yield Request(url, callback=callback, errback=self.page_failed, meta=dict(base),
                              dont_filter=True)
        for pr in posts:
            form = pr.get("formdata") or {}
            if allowed(pr["url"], site) and self._take(sid, pr["url"], form):
                yield FormRequest(pr["url"], formdata=form, callback=callback,
                                  errback=self.page_failed, meta=dict(base, formdata=form),
                                  dont_filter=True)
        if not urls and not posts and next_href:
            nxt = response.urljoin(next_href)
            if allowed(nxt, site) and self._take(sid, nxt):
                yield Request(nxt, callback=callback, errback=self.page_failed,
                              meta=dict(base, sequential=True), dont_filter=True)

    def _pages(self, response, page, key):
        pag = page.pagination
        main = page.blocks[0] if page.blocks else None
        # later pages share page 1's template: the extractor reads just that list there
        base = {"site_id": response.meta["site_id"], "key": key, "page_kind": "list-page",
                "locator": getattr(main, "locator", None)}
        yield from self._follow_pages(response, base, self.parse_list_page, pag.page_urls or [],
                                      pag.post_requests or [], pag.next_page_href)

    def parse_list_page(self, response):
        sid, key = response.meta["site_id"], response.meta["key"]
        fetch = self._fetch(response, "list-page")
        if self._http_error(response):
            self.column_failed_pages[(sid, key)] += 1
            yield fetch
            return
        if self.reader is not None:
            if not self.reader.alive:
                raise CloseSpider(FAILED_REASON)
            # read and stored by the page reader; its answer comes back to _page_read
            self.reader.submit(sid, key, response.url, response.body, self._encoding(response),
                               response.meta.get("formdata"), response.meta.get("locator"),
                               fetch_values(fetch), response.meta, self.item_seen.get((sid, key)))
            return
        try:
            entries, next_url = read_continuation(
                response.body, response.url, as_of=self.as_of, margin_days=self.future_margin_days,
                header_encoding=self._encoding(response), formdata=response.meta.get("formdata"),
                locator=response.meta.get("locator"))
        except Exception:  # noqa: BLE001
            self.column_failed_pages[(sid, key)] += 1
            yield fetch
            return
        self.column_pages[(sid, key)] += 1
        # the fetch row rides in the page's entry batch: one Scrapy item per list page
        yield from self._entries(sid, key, entries, response.url, fetch=fetch)
        nxt = self._next_page(sid, response.meta, next_url)
        if nxt is not None:
            yield nxt

    def _next_page(self, sid: str, meta: dict, next_url: str | None) -> Request | None:
        """A 下一页 chain can start from a page reached through page_urls: follow it in sweeps
        (most such links name a page already requested from page 1's list: `_take` refuses them)."""
        if self.mode != "sweep" or not next_url:
            return None
        if allowed(next_url, self.sites[sid]) and self._take(sid, next_url):
            return Request(next_url, callback=self.parse_list_page, errback=self.page_failed,
                           meta=dict(meta), dont_filter=True)
        return None

    def _page_read(self, sid: str, key: str, meta: dict, next_url: str | None, rows: int) -> None:
        """The page reader's answer for one page: its rows are committed."""
        if rows < 0:
            self.column_failed_pages[(sid, key)] += 1
            return   # unreadable: only its fetch row was stored
        self.column_pages[(sid, key)] += 1
        nxt = self._next_page(sid, meta, next_url)
        if nxt is not None:
            self.crawler.engine.crawl(nxt)

    def _idle(self):
        """Nothing left to fetch: wait for the reader's last answers, which may name more pages."""
        before = self.frontier.budgets()
        self.reader.wait_all()
        if not self.reader.alive:
            raise CloseSpider(FAILED_REASON)
        if self.frontier.budgets() != before:
            raise DontCloseSpider

    def finish_reading(self) -> None:
        """Called by the store pipeline before its final counts: every page answered, reader gone."""
        if self.reader is not None:
            self.reader.close()

    def page_failed(self, failure):
        """A later page of a list or board: its items are missing (columns.pages_failed); it holds
        no columns, so the walk's coverage is not affected."""
        meta = failure.request.meta
        self.column_failed_pages[(meta["site_id"], meta["key"])] += 1
        yield self._failed_fetch(failure)

    def column_failed(self, failure):
        fetch = self._failed_fetch(failure)
        yield fetch
        yield from self._unreadable(failure.request.meta, failure.request.url, fetch.error)

    def _entries(self, sid, key, entries, page_url, fetch: FetchItem | None = None):
        rows = entry_rows(sid, key, entries, page_url, self.item_seen.setdefault((sid, key), set()))
        if rows or fetch is not None:
            yield EntryBatch(rows, fetch)

    # -- boards -----------------------------------------------------------------------------------
    def parse_board(self, response, page=None):
        from crawler.extraction.boards import classify_board, extract_board
        meta = response.meta
        sid, key = meta["site_id"], meta["key"]
        if page is None:
            yield self._fetch(response, "board")
        err = self._http_error(response)
        if err:
            yield from self._unreadable(meta, response.url, err, role="board")
            return
        ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        try:
            board = extract_board(response.body, response.url, as_of=self.as_of, content_type=ctype)
        except Exception as e:  # noqa: BLE001
            yield from self._unreadable(meta, response.url, f"解析失败: {e}", role="board")
            return
        name, named_by = (meta.get("name") or "").strip() or None, "link"
        if page is not None and (name is None or page.named_by in ("meta", "breadcrumb", "sidebar")):
            name, named_by = page_name(page, meta)
        elif name is None:
            named_by = None
        parent_key, level = self._place(page, meta, name) if page is not None else \
            (meta.get("parent_key"), meta.get("level"))
        cls = meta.get("board_class") or classify_board(name or "", response.url)
        self.frontier.column_seen(sid)
        yield ColumnItem(site_id=sid, key=key, name=name, url=response.url, role="board",
                         parent_key=parent_key, source=meta.get("source"), method="board",
                         level=level, item_count=board.total_items, board_class=cls,
                         named_by=named_by, pages_total=_board_pages_total(board))
        self.column_pages[(sid, key)] += 1
        yield from self._letters(response, board, key, name)
        if self.mode == "sweep" and not meta.get("fixed"):
            yield from self._board_pages(response, board, key, name)
            if page is not None:   # a board's sidebar lists the other channels
                yield from self._follow_links(response, page, parent_key=parent_key,
                                              depth=meta.get("clicks", 1) + 1, boards=False,
                                              skip=frozenset(lt.url for lt in board.letters if lt.url))

    def _letters(self, response, board, key, name):
        sid = response.meta["site_id"]
        answered = self.answered.get(sid, {}) if self.mode == "daily" else {}
        for letter in board.letters:
            kept = answered.get(letter.key)
            if kept is not None and letter.needs_detail:
                # answered at the last run: its reply does not change; keep that reading
                yield EnquiryItem(**{k: kept.get(k) for k in ENQUIRY_FIELDS})
                continue
            if letter.needs_detail and letter.url and allowed(letter.url, self.sites[sid]) \
                    and self._take(sid, letter.url):
                yield Request(letter.url, callback=self.parse_letter, errback=self.letter_failed,
                              meta={"site_id": sid, "key": key, "board": name, "letter": letter,
                                    "page_kind": "letter"}, dont_filter=True)
            else:
                yield self._enquiry(sid, key, name, letter)

    def _board_pages(self, response, board, key, name):
        base = {"site_id": response.meta["site_id"], "key": key, "board": name,
                "page_kind": "board-page"}
        # boards embedded from another application (iframe) are read like pages of this board
        urls = [*(board.page_urls or []), *(board.json_urls or []),
                *(getattr(board, "frame_urls", None) or [])]
        yield from self._follow_pages(response, base, self.parse_board_page, urls,
                                      board.post_requests or [], board.next_page_url)

    def parse_board_page(self, response):
        from crawler.extraction.boards import extract_board
        meta = response.meta
        yield self._fetch(response, "board-page")
        ident = (meta["site_id"], meta["key"])
        if self._http_error(response):
            self.column_failed_pages[ident] += 1
            return
        ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        try:
            board = extract_board(response.body, response.url, as_of=self.as_of, content_type=ctype)
        except Exception:  # noqa: BLE001
            self.column_failed_pages[ident] += 1
            return
        self.column_pages[(meta["site_id"], meta["key"])] += 1
        yield from self._letters(response, board, meta["key"], meta.get("board"))
        if self.mode == "sweep":   # a JSON page or a 下一页 chain names the pages after it
            yield from self._board_pages(response, board, meta["key"], meta.get("board"))

    def parse_letter(self, response):
        from crawler.extraction.boards import extract_letter
        meta = response.meta
        listed = meta["letter"]
        yield self._fetch(response, "letter")
        letter = listed
        if not self._http_error(response):
            try:
                detail = extract_letter(response.body, response.url, as_of=self.as_of)
                letter = _merge_letter(listed, detail)
            except Exception:  # noqa: BLE001 - an unreadable detail page keeps the list's reading
                letter = listed
        yield self._enquiry(meta["site_id"], meta["key"], meta.get("board"), letter)

    def letter_failed(self, failure):
        meta = failure.request.meta
        yield self._failed_fetch(failure)
        yield self._enquiry(meta["site_id"], meta["key"], meta.get("board"), meta["letter"])

    def _enquiry(self, sid, key, board, letter) -> EnquiryItem:
        return EnquiryItem(site_id=sid, board_key=key, board=board, letter_key=letter.key,
                           number=letter.number, title=letter.title, category=letter.category,
                           url=letter.url, submitted=_iso(letter.submitted),
                           replied=_iso(letter.replied), status=letter.status,
                           status_text=letter.status_text, unit=letter.unit)


def _merge_letter(listed: Any, detail: Any) -> Any:
    """The list row names the letter; the detail page knows its dates and reply."""
    for field in ("number", "category", "submitted", "replied", "status_text", "unit"):
        if getattr(detail, field, None) in (None, "") and getattr(listed, field, None) not in (None, ""):
            setattr(detail, field, getattr(listed, field))
    if detail.status == "unknown" and listed.status != "unknown":
        detail.status = listed.status
    if not detail.title:
        detail.title = listed.title
    detail.key = listed.key or detail.key
    detail.url = detail.url or listed.url
    return detail


def _board_pages_total(board) -> int | None:
    """The board's page count where its first page says it (None: a 下一页 chain of unknown length)."""
    if getattr(board, "total_pages", None):
        return board.total_pages
    if board.post_requests or board.json_urls or board.frame_urls or (board.next_page_url and not board.page_urls):
        return None   # pages a first page cannot count: form posts, JSON, a board in a frame, a chain
    return 1 + len(set(board.page_urls))
