"""The walk's bookkeeping: which pages a site may still have fetched, and what the walk saw.

Why one module: the page budget, the depth limit and duplicate filtering decide together whether a
site was seen whole, and that decides whether govwatch may assert an absence (COLUMN_MISSING,
NO_ENQUIRY_CHANNEL). Keeping them here keeps the spider to deciding what a page is, and gives one
record per site (stored in `walks`) of pages fetched, budget hit, depth cut and pages that failed.
Counters also go to the crawl stats (`walk/…`).
"""
from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field

from crawler.urls import canonical, column_key

# a directory and its index page are one page: "/hdjl/szxx/" linked, its pager says "index.html"
INDEX_PAGE_RE = re.compile(r"/(?:index|default)\.(?:s?html?|jsp|aspx?|php)$", re.I)
DEFAULT_MAX_DEPTH = 4
MAX_FAILED_LISTED = 50


@dataclass
class SiteWalk:
    site_url: str
    max_pages: int
    max_depth: int
    keys: set = field(default_factory=set)         # column keys scheduled (one page per column)
    requested: set = field(default_factory=set)    # canonical URLs requested (every page)
    pages: int = 0
    over_budget: int = 0
    depth_cut: int = 0
    cut: set = field(default_factory=set)          # URLs not followed for depth
    failed: list = field(default_factory=list)     # [{url, name, error}] pages that could not be read
    failed_count: int = 0
    columns: int = 0
    started: float | None = None   # monotonic time of the homepage's answer: the site's clock
    overtime: int = 0              # requests refused because the site ran past its time limit
    timeout: float | None = None   # seconds from its homepage (the site's own `site_timeout`, else the run's)


class Frontier:
    """Per-site budget, depth and de-duplication for one crawl."""

    def __init__(self, sites: dict[str, dict], max_pages: int, max_depth: int = DEFAULT_MAX_DEPTH,
                 stats=None, site_timeout: float | None = None):
        self.stats = stats
        # one slow or endless site must not hold a fleet run: past its time from its homepage
        # (`site_timeout` of the site, else of the run), nothing more of it is fetched and its walk
        # is incomplete (never "missing")
        self.walks = {sid: SiteWalk(site["url"], int(site.get("max_pages") or max_pages),
                                    int(site.get("max_depth") or max_depth),
                                    timeout=site.get("site_timeout") or site_timeout)
                      for sid, site in sites.items()}

    def _inc(self, name: str, n: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(f"walk/{name}", n)

    def new_column(self, sid: str, url: str) -> str | None:
        """The column key for a link not scheduled before, else None."""
        walk = self.walks[sid]
        key = column_key(url, walk.site_url)
        if key in walk.keys or key == column_key(walk.site_url, walk.site_url):
            return None
        walk.keys.add(key)
        return key

    def moved(self, sid: str, key: str, final_url: str) -> bool:
        """A request for `key` was redirected to `final_url`: False when that page is already
        scheduled under its own key (one column, two URLs), else it is now known too."""
        walk = self.walks[sid]
        final = column_key(final_url, walk.site_url)
        if final == key:
            return True
        if final in walk.keys:
            return False
        walk.keys.add(final)
        return True

    def knows(self, sid: str, url: str) -> bool:
        walk = self.walks[sid]
        return column_key(url, walk.site_url) in walk.keys

    def beyond_depth(self, sid: str, url: str, depth: int) -> bool:
        """A link one click past the limit: not followed, and the walk is then not complete. Each
        URL is counted once, however many pages link to it."""
        walk = self.walks[sid]
        if depth <= walk.max_depth:
            return False
        if url not in walk.cut:
            walk.cut.add(url)
            walk.depth_cut += 1
            self._inc("depth_cut")
        return True

    def take(self, sid: str, url: str, form: dict | None = None) -> bool:
        """Count a request against the site's page budget; refuse duplicates and overruns. POSTs to
        one URL (Hanweb's shared dataproxy.jsp) differ by their form."""
        walk = self.walks[sid]
        url = canonical(url)
        if form:
            url += "#" + "&".join(f"{k}={v}" for k, v in sorted(form.items()))
        else:
            url = INDEX_PAGE_RE.sub("/", url)
        if url in walk.requested:
            return False
        if self.over_time(sid):
            walk.overtime += 1
            return False
        if walk.pages >= walk.max_pages:
            walk.over_budget += 1
            self._inc("over_budget")
            return False
        walk.requested.add(url)
        walk.pages += 1   # (walk/requested goes to the stats once, in record(): a call per request cost)
        return True

    def count_home(self, sid: str) -> None:
        walk = self.walks[sid]
        walk.pages += 1
        if walk.started is None:
            walk.started = time.monotonic()

    def over_time(self, sid: str) -> bool:
        """The site has had its time (its seconds since its homepage answered)."""
        walk = self.walks.get(sid)
        return (walk is not None and walk.timeout is not None and walk.started is not None
                and time.monotonic() - walk.started > walk.timeout)

    def exhausted(self, sid: str) -> bool:
        walk = self.walks[sid]
        if walk.pages >= walk.max_pages:
            walk.over_budget += 1
            return True
        return False

    def failed(self, sid: str, url: str, name: str | None, error: str | None) -> None:
        walk = self.walks[sid]
        if self.over_time(sid):   # dropped, or cut short, because the site had had its time
            walk.overtime += 1
            return
        walk.failed_count += 1
        self._inc("failed")
        if len(walk.failed) < MAX_FAILED_LISTED:
            walk.failed.append({"url": url, "name": name, "error": error})

    def column_seen(self, sid: str) -> None:
        self.walks[sid].columns += 1

    def budgets(self) -> dict[str, int]:
        return {sid: w.pages for sid, w in self.walks.items()}

    def record(self, sid: str, mode: str) -> dict:
        """The `walks` row: complete only when nothing that could hold a column was left unread."""
        w = self.walks[sid]
        self._inc("requested", w.pages)
        complete = (mode == "sweep" and not w.over_budget and not w.depth_cut and not w.failed_count
                    and not w.overtime)
        reasons = []
        if mode != "sweep":
            reasons.append("日常巡检只读取已知栏目首页，不遍历全站")
        if w.over_budget:
            reasons.append(f"页面预算（{w.max_pages}页）已用尽，{w.over_budget}个页面未抓取")
        if w.depth_cut:
            reasons.append(f"超过{w.max_depth}层的{w.depth_cut}个链接未跟进")
        if w.failed_count:
            reasons.append(f"{w.failed_count}个页面无法读取")
        if w.overtime:
            reasons.append(f"超过单站时限（{w.timeout:g}秒），{w.overtime}个页面未抓取")
        return {"site_id": sid, "mode": mode, "pages": w.pages, "columns": w.columns,
                "max_depth": w.max_depth, "budget_hit": w.over_budget, "depth_cut": w.depth_cut,
                "failed": json.dumps(w.failed, ensure_ascii=False), "complete": int(complete),
                "note": "；".join(reasons) or None}

