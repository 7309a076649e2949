"""A Scrapy DNS resolver for crawl tests: names under .invalid (RFC 2606: never resolvable) fail at
once, as a resolver's NXDOMAIN would, without a query leaving loopback; every other name is resolved
as Scrapy's own resolver does (the tests only use IP addresses). Set ``DNS_RESOLVER =
"fakedns.InvalidTLDResolver"`` and put tests/ on the crawl child's PYTHONPATH."""
from __future__ import annotations

from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer
from twisted.internet.error import DNSLookupError


class InvalidTLDResolver(CachingThreadedResolver):
    def getHostByName(self, name: str, timeout=()):  # noqa: N802 - Twisted's interface
        if name.lower().rstrip(".").endswith(".invalid"):
            return defer.fail(DNSLookupError(f"address {name!r} not found: [Errno -2] Name or service not known."))
        return super().getHostByName(name, timeout)
