"""Connections are reused across a site's requests (crawler/download.py): a sweep of a few hundred
pages opens a handful of TCP connections, not one for every other request."""
from __future__ import annotations

from datetime import date

import pytest
from sitegen import AsyncServer, build_site  # bench/, on sys.path (conftest)

from crawler.crawl import crawl
from crawler.settings import CONCURRENT_REQUESTS
from crawler.store import Store

pytestmark = pytest.mark.slow   # a real sweep of a generated site

AS_OF = date(2026, 11, 27)


class CountingServer(AsyncServer):
    """The bench site's server, recording each request's client address (one per connection)."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.peers: set = set()
        self.requests = 0

    async def _handle(self, request):
        self.peers.add(request.transport.get_extra_info("peername"))
        self.requests += 1
        return await super()._handle(request)


def test_sweep_reuses_connections(tmp_path):
    site = build_site(300, as_of=AS_OF)
    with CountingServer(site, ["127.0.0.1"]) as srv:
        url = srv.base_urls[0]
        sites = [{"id": "s1", "name": "测试站", "url": url, "kind": "portal"}]
        store = Store(tmp_path / "gw.db")
        store.upsert_sites(sites)
        run_id = store.start_run("sweep", AS_OF.isoformat(), "test")
        store.close()
        assert crawl(tmp_path / "gw.db", run_id, sites, AS_OF, "sweep", progress=False,
                     settings={"RETRY_TIMES": 0}) == 0
    assert srv.requests >= len(site.expected)          # every page, plus robots.txt
    # before: Scrapy's pool kept 4 idle connections per host and dropped the rest — ~1 per 2 requests
    assert len(srv.peers) <= CONCURRENT_REQUESTS, (len(srv.peers), srv.requests)
