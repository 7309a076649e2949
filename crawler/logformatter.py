"""Scrapy builds a log record for every scraped item even when the level hides it; govwatch
records its crawl in SQLite, so item and drop records are skipped at the source."""
from scrapy import logformatter


class QuietLogFormatter(logformatter.LogFormatter):
    def scraped(self, item, response, spider):
        return None

    def dropped(self, item, exception, response, spider):
        return None
