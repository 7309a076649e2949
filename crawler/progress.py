"""A progress line while crawling (pages, items, errors per site), on stderr so JSON on stdout
stays clean. Switched off with GOVWATCH_PROGRESS = False (tests, cron)."""
from __future__ import annotations

import sys
import time
from collections import Counter

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.pagereader import rows_read


class ProgressDisplay:
    def __init__(self, crawler, interval: float = 1.0):
        self.crawler = crawler
        self.interval = interval
        self.pages = Counter()
        self.items = 0
        self.errors = 0
        self.last = 0.0
        self.live = None
        self.status = None

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("GOVWATCH_PROGRESS", True):
            raise NotConfigured
        ext = cls(crawler)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.response, signal=signals.response_received)
        crawler.signals.connect(ext.item, signal=signals.item_scraped)
        crawler.signals.connect(ext.error, signal=signals.spider_error)
        crawler.signals.connect(ext.rows, signal=rows_read)
        return ext

    def opened(self, spider):
        from rich.console import Console
        self.console = Console(file=sys.stderr)
        self.status = self.console.status("正在抓取…")
        self.status.start()

    def _refresh(self):
        now = time.monotonic()
        if now - self.last < self.interval or self.status is None:
            return
        self.last = now
        sites = "，".join(f"{k} {v}页" for k, v in self.pages.most_common(4))
        self.status.update(f"正在抓取：已获取 {sum(self.pages.values())} 个页面，"
                           f"{self.items} 条记录，错误 {self.errors}（{sites}）")

    def response(self, response, request, spider):
        self.pages[request.meta.get("site_id", "?")] += 1
        self._refresh()

    def item(self, item, response, spider):
        rows = getattr(item, "rows", None)   # an EntryBatch: its entries, not its fetch row
        self.items += len(rows) if rows is not None else 1
        self._refresh()

    def rows(self, rows: int, **_):
        self.items += rows
        self._refresh()

    def error(self, failure, response, spider):
        self.errors += 1

    def closed(self, spider, reason):
        if self.status is not None:
            self.status.stop()
        self.console.print(f"抓取结束：共获取 {sum(self.pages.values())} 个页面，"
                           f"{self.items} 条记录（{reason}）")
