"""Scrapy's HTTP/1.1 download handler, keeping its connections.

Why: Scrapy caps the idle connections kept per host at CONCURRENT_REQUESTS_PER_DOMAIN, but a
connection comes back to Twisted's pool only after Scrapy has already started the host's next
request on a new one; with the cap reached, the pool then drops the oldest, and a sweep kept
opening new TCP connections. Against a government site over HTTPS each is a TLS handshake, slower
for us and heavier for a server that an office does not want to burden. Allowing as many idle
connections as the crawl has requests in flight lets them be reused: a handful for a whole sweep
(the counts before and after: bench/README.md).
"""
from __future__ import annotations

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler


class KeepAliveDownloadHandler(HTTP11DownloadHandler):
    def __init__(self, crawler):
        super().__init__(crawler)
        s = crawler.settings
        self._pool.maxPersistentPerHost = max(s.getint("CONCURRENT_REQUESTS"),
                                              s.getint("CONCURRENT_REQUESTS_PER_DOMAIN"))
