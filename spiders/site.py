"""The site spider: walks each site from its homepage to its columns, lists and boards.

It stays thin: pages are read by `crawler.extraction`, rows are written by the store pipeline.
What it owns is the walk itself — which links are columns, their parent and level, which pages of
a list to fetch (every page in a sweep, the first in a daily run), per-site budgets, and an honest
record of every fetch that failed, so a failure is reported as unverified and never as stale.
"""
from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import Any

import scrapy
from scrapy import signals
from scrapy.exceptions import CloseSpider, DontCloseSpider
from scrapy.http import FormRequest, Request

from crawler.extraction import extract_page
from crawler.extraction.info import MIN_CHILD_COLUMNS
from crawler.extraction.lists.common import is_more_text
from crawler.items import ColumnItem, EnquiryItem, EntryBatch, FetchItem, entry_rows, fetch_values
from crawler.pagereader import FAILED_REASON, PageReader, read_continuation, rows_read
from crawler.urls import allowed, canonical, column_key, host_of

HOME_KEY = "__home__"
SECTION_NAME_RE = re.compile(r"^(?:政务公开|信息公开|政府信息公开|政府信息公开目录|公开目录|信息公开目录|"
                             r"政务公开专栏|法定主动公开内容|主动公开|首页|网站首页|当前位置)$")
# a directory and its index page are one page: "/hdjl/szxx/" linked, its pager says "index.html"
INDEX_PAGE_RE = re.compile(r"/(?:index|default)\.(?:s?html?|jsp|aspx?|php)$", re.I)
CHARSET_RE = re.compile(rb"charset=([\w-]+)", re.I)


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


class SiteSpider(scrapy.Spider):
    name = "site"

    def __init__(self, sites: list[dict], as_of: date, mode: str = "sweep",
                 known: dict[str, list[dict]] | None = None, max_pages: int = 3000,
                 max_depth: int = 5, future_margin_days: int = 400, reader: PageReader | None = None,
                 *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sites = {s["id"]: s for s in sites}
        self.as_of = as_of
        self.mode = mode
        self.known = known or {}
        self.max_pages = max_pages
        self.max_depth = max_depth
        # dates up to this far past the as-of day are kept (FUTURE_DATE judges them);
        # beyond it (2099) they are implausible and dropped by the extractor
        self.future_margin_days = future_margin_days
        self.seen: dict[str, set[str]] = {sid: set() for sid in self.sites}
        self.requested: dict[str, set[str]] = {sid: set() for sid in self.sites}
        self.budget = Counter()
        self.column_pages: Counter = Counter()
        self.item_seen: dict[tuple[str, str], set] = {}
        self.over_budget = Counter()
        # a sweep's later list pages go to the page reader process (crawler/pagereader.py)
        self.reader = reader
        if reader is not None:
            reader.configure(as_of, future_margin_days)
            reader.on_done = self._page_read
            reader.on_batch = lambda rows: self.crawler.signals.send_catch_log(rows_read, rows=rows)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        if spider.reader is not None:
            crawler.signals.connect(spider._idle, signal=signals.spider_idle)
        return spider

    # -- helpers ----------------------------------------------------------------------------------
    async def start(self):
        for site in self.sites.values():
            yield Request(site["url"], callback=self.parse_home, errback=self.home_failed,
                          meta={"site_id": site["id"], "key": HOME_KEY}, dont_filter=True,
                          priority=100)

    def _fetch(self, response, kind: str) -> FetchItem:
        cut = response.meta.get("govwatch_truncated_from")   # set by ResponseGuardMiddleware
        note = f"正文{cut}字节超过上限，已截断至{len(response.body)}字节" if cut else None
        return FetchItem(site_id=response.meta["site_id"], url=response.url,
                         status=response.status, error=note,
                         elapsed=response.meta.get("download_latency"),
                         bytes=len(response.body), kind=kind)

    def _failed_fetch(self, failure) -> FetchItem:
        request = failure.request
        response = getattr(failure.value, "response", None)
        err = failure.value.__class__.__name__
        msg = str(failure.value)[:300]
        return FetchItem(site_id=request.meta["site_id"], url=request.url,
                         status=response.status if response is not None else None,
                         error=f"{err}: {msg}" if msg else err, elapsed=None, bytes=None,
                         kind=request.meta.get("page_kind"))

    def _take(self, site_id: str, url: str, form: dict | None = None) -> bool:
        """Count a request against the site's page budget; refuse duplicates and overruns. POSTs to
        one URL (Hanweb's shared dataproxy.jsp) differ by their form."""
        url = canonical(url)
        if form:
            url += "#" + "&".join(f"{k}={v}" for k, v in sorted(form.items()))
        else:
            url = INDEX_PAGE_RE.sub("/", url)
        if url in self.requested[site_id]:
            return False
        if self.budget[site_id] >= self.max_pages:
            self.over_budget[site_id] += 1
            return False
        self.requested[site_id].add(url)
        self.budget[site_id] += 1
        return True

    @staticmethod
    def _encoding(response) -> str | None:
        ctype = response.headers.get(b"Content-Type")
        m = CHARSET_RE.search(ctype) if ctype else None
        return m.group(1).decode("ascii", "ignore") if m else None

    def _extract(self, response, **light):
        return extract_page(response.body, response.url, as_of=self.as_of,
                            header_encoding=self._encoding(response),
                            margin_days=self.future_margin_days,
                            request_formdata=response.meta.get("formdata"), **light)

    def _http_error(self, response) -> str | None:
        if response.status >= 400:
            return f"HTTP {response.status}"
        return None

    # -- homepage ---------------------------------------------------------------------------------
    def parse_home(self, response):
        sid = response.meta["site_id"]
        site = self.sites[sid]
        self.budget[sid] += 1
        moved_to = host_of(response.url)   # the homepage redirected: the site lives there now
        if moved_to != host_of(site["url"]) and moved_to not in (site.get("allow_hosts") or []):
            site["allow_hosts"] = [*(site.get("allow_hosts") or []), moved_to]
        yield self._fetch(response, "home")
        err = self._http_error(response)
        if err:
            yield ColumnItem(site_id=sid, key=HOME_KEY, name="首页", url=response.url, role="home",
                             status="failed", error=err, level=0, source="home")
            return
        try:
            page = self._extract(response)
        except Exception as e:  # noqa: BLE001 - an unreadable page is unverified, not a crash
            yield ColumnItem(site_id=sid, key=HOME_KEY, name="首页", url=response.url, role="home",
                             status="failed", error=f"解析失败: {e}", level=0, source="home")
            return
        entries = [e for b in page.blocks for e in b.items]
        yield ColumnItem(site_id=sid, key=HOME_KEY, name="首页", url=response.url, role="home",
                         level=0, source="home", method=",".join(sorted({b.method for b in page.blocks})) or None,
                         item_count=len(entries))
        self.column_pages[(sid, HOME_KEY)] += 1
        yield from self._entries(sid, HOME_KEY, entries, response.url)
        known = self.known.get(sid)
        if self.mode == "daily" and known:
            yield from self._daily_requests(response, page, known)
            return
        yield from self._follow_links(response, page, parent_key=None, parent_level=0, depth=1)
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
        yield self._failed_fetch(failure)
        yield ColumnItem(site_id=sid, key=HOME_KEY, name="首页", url=request.url, role="home",
                         status="failed", error=self._failed_fetch(failure).error, level=0,
                         source="home")

    def _daily_requests(self, response, page, known: list[dict]):
        """First page of every column and board known from the last sweep, plus up to five
        links the homepage shows that the sweep did not know (a new column)."""
        sid = response.meta["site_id"]
        for col in known:
            yield from self._schedule(sid, col["url"], col.get("name"), col.get("parent_key"),
                                      col.get("level"), "known", 1,
                                      board=col.get("role") == "board", fixed=True)
        new = 0
        known_keys = {c["key"] for c in known}
        for link in page.nav_links:
            if new >= 5:
                break
            if column_key(link.url, self.sites[sid]["url"]) not in known_keys and allowed(link.url, self.sites[sid]):
                new += 1
                yield from self._schedule(sid, link.url, link.name, None, 1, link.source, 1)

    # -- discovery --------------------------------------------------------------------------------
    def _follow_links(self, response, page, parent_key, parent_level, depth, child_level=None,
                      list_page=False):
        from crawler.extraction.boards import board_links
        sid = response.meta["site_id"]
        if depth > self.max_depth:
            return
        boards = []
        if not list_page:   # boards are linked from the homepage and section pages, not from lists
            try:
                boards = board_links(response.text, response.url)
            except Exception:  # noqa: BLE001
                boards = []
        board_urls = set()
        for name, url, cls in boards:
            board_urls.add(column_key(url, self.sites[sid]["url"]))
            yield from self._schedule(sid, url, name, parent_key, 1, "link", depth, board=True,
                                      board_class=cls)
        for link in page.nav_links:
            if column_key(link.url, self.sites[sid]["url"]) in board_urls:
                continue
            level = child_level if child_level is not None else (
                1 if link.source in ("nav", "more") or parent_key is None else parent_level + 1)
            yield from self._schedule(sid, link.url, link.name, parent_key if link.source == "tree" else None,
                                      level, link.source, depth)

    def _schedule(self, sid, url, name, parent_key, level, source, depth, board=False,
                  board_class=None, fixed=False):
        if not url:
            return
        site = self.sites[sid]
        if not allowed(url, site):
            return
        key = column_key(url, site["url"])
        if key in self.seen[sid] or key == column_key(site["url"], site["url"]):
            return
        self.seen[sid].add(key)
        if not self._take(sid, url):
            return
        meta = {"site_id": sid, "key": key, "name": name, "parent_key": parent_key,
                "level": level, "source": source, "depth": depth, "fixed": fixed,
                "page_kind": "board" if board else "column", "board_class": board_class}
        # a board-sounding name (回应关切, 人大代表建议) may be an ordinary list: the page decides,
        # unless the sites file says it is a board
        explicit_board = board and source in ("sites-file",) or (board and fixed)
        yield Request(url, callback=self.parse_board if explicit_board else self.parse_column,
                      errback=self.column_failed, meta=meta, dont_filter=True)

    # -- columns ----------------------------------------------------------------------------------
    def _level(self, page, meta, name: str | None) -> int | None:
        """一级/二级 from the breadcrumb (当前位置) when the page has one: its ancestors, less the
        homepage and disclosure-section containers, plus the column itself."""
        crumbs = [c.name.strip() for c in page.breadcrumb if c.name and c.name.strip()]
        if not crumbs:
            return meta.get("level")
        if name and crumbs[-1] == name:
            crumbs = crumbs[:-1]
        return len([c for c in crumbs if not SECTION_NAME_RE.match(c)]) + 1

    @staticmethod
    def _is_container(page, name: str | None) -> bool:
        """A section page (政务公开 index) groups columns; an empty column page does not. A page
        the extractor does not read as a column list at all is never called blank."""
        return (page.kind != "column_list" or bool(name and SECTION_NAME_RE.match(name))
                or page.child_columns >= MIN_CHILD_COLUMNS)

    def _name(self, page, meta) -> str | None:
        link_name = (meta.get("name") or "").strip()
        if is_more_text(link_name):
            link_name = ""
        return (page.column_name or "").strip() or link_name or None

    def parse_column(self, response):
        meta = response.meta
        sid, key = meta["site_id"], meta["key"]
        yield self._fetch(response, "column")
        err = self._http_error(response)
        if err:
            yield ColumnItem(site_id=sid, key=key, name=meta.get("name"), url=response.url,
                             parent_key=meta.get("parent_key"), level=meta.get("level"),
                             source=meta.get("source"), status="failed", error=err)
            return
        try:
            page = self._extract(response)
        except Exception as e:  # noqa: BLE001
            yield ColumnItem(site_id=sid, key=key, name=meta.get("name"), url=response.url,
                             parent_key=meta.get("parent_key"), level=meta.get("level"),
                             source=meta.get("source"), status="failed", error=f"解析失败: {e}")
            return
        if page.kind == "article":
            return  # an article is not a column; its links were already known
        has_list = bool(page.blocks and page.blocks[0].items)
        if page.kind == "message_board" or self._looks_like_board(response) or \
                (meta.get("page_kind") == "board" and not has_list):
            yield from self.parse_board(response, page=page)
            return
        name = self._name(page, meta)
        level = self._level(page, meta, name)
        main = page.blocks[0] if page.blocks else None
        if page.is_info_page:
            role = "static"
        elif main is not None and main.items:
            role = "list"
        elif page.exempt_note or not self._is_container(page, name):
            role = "list"   # a column page with nothing listed: blank, or exempt with its note
        else:
            role = "section"
        items = main.items if (main is not None and role == "list") else []
        status = "exempt" if (role == "list" and not items and page.exempt_note) else "ok"
        pag = page.pagination
        yield ColumnItem(site_id=sid, key=key, name=name, url=response.url,
                         parent_key=meta.get("parent_key"), level=level, role=role,
                         source=meta.get("source"), method=main.method if main else None,
                         status=status, item_count=pag.total_items if role == "list" else None,
                         pages_total=pag.total_pages, note=page.exempt_note)
        self.column_pages[(sid, key)] += 1
        yield from self._entries(sid, key, items, response.url)
        if role == "list" and self.mode == "sweep" and not meta.get("fixed"):
            yield from self._pages(response, page, key)
        if meta.get("fixed"):
            return
        # sub-columns: a section's children keep the section's level; a list's children go one deeper
        child_level = level if role == "section" else None
        yield from self._follow_links(response, page, parent_key=key if role != "section" else meta.get("parent_key"),
                                      parent_level=level or 1, depth=meta.get("depth", 1) + 1,
                                      child_level=child_level,
                                      list_page=role == "list" and bool(items))

    def _looks_like_board(self, response) -> bool:
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
            if self.budget[sid] >= self.max_pages:
                self.over_budget[sid] += 1
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
            return   # unreadable: only its fetch row was stored
        self.column_pages[(sid, key)] += 1
        nxt = self._next_page(sid, meta, next_url)
        if nxt is not None:
            self.crawler.engine.crawl(nxt)

    def _idle(self):
        """Nothing left to fetch: wait for the reader's last answers, which may name more pages."""
        before = self.budget.copy()
        self.reader.wait_all()
        if not self.reader.alive:
            raise CloseSpider(FAILED_REASON)
        if self.budget != before:
            raise DontCloseSpider

    def finish_reading(self) -> None:
        """Called by the store pipeline before its final counts: every page answered, reader gone."""
        if self.reader is not None:
            self.reader.close()

    def page_failed(self, failure):
        yield self._failed_fetch(failure)

    def column_failed(self, failure):
        request = failure.request
        meta = request.meta
        fetch = self._failed_fetch(failure)
        yield fetch
        yield ColumnItem(site_id=meta["site_id"], key=meta["key"], name=meta.get("name"),
                         url=request.url, parent_key=meta.get("parent_key"),
                         level=meta.get("level"), source=meta.get("source"),
                         role="board" if meta.get("page_kind") == "board" else "list",
                         status="failed", error=fetch.error)

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
        name = (meta.get("name") or "").strip() or None
        if err:
            yield ColumnItem(site_id=sid, key=key, name=name, url=response.url, role="board",
                             source=meta.get("source"), status="failed", error=err,
                             level=meta.get("level"))
            return
        ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        try:
            board = extract_board(response.body, response.url, as_of=self.as_of, content_type=ctype)
        except Exception as e:  # noqa: BLE001
            yield ColumnItem(site_id=sid, key=key, name=name, url=response.url, role="board",
                             source=meta.get("source"), status="failed", error=f"解析失败: {e}",
                             level=meta.get("level"))
            return
        if name is None and page is not None:
            name = page.column_name
        cls = meta.get("board_class") or classify_board(name or "", response.url)
        yield ColumnItem(site_id=sid, key=key, name=name, url=response.url, role="board",
                         source=meta.get("source"), method="board", level=meta.get("level"),
                         item_count=board.total_items, board_class=cls)
        self.column_pages[(sid, key)] += 1
        yield from self._letters(response, board, key, name)
        if self.mode == "sweep" and not meta.get("fixed"):
            yield from self._board_pages(response, board, key, name)

    def _letters(self, response, board, key, name):
        sid = response.meta["site_id"]
        for letter in board.letters:
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
        if self._http_error(response):
            return
        ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        try:
            board = extract_board(response.body, response.url, as_of=self.as_of, content_type=ctype)
        except Exception:  # noqa: BLE001
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
            except Exception:  # noqa: BLE001
                pass
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
