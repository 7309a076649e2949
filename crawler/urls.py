"""URL identity and boundaries.

A column is one column however many URLs lead to it (`/tzgg/`, `/tzgg/index.html`, `index_2.html`),
and its key must be stable across runs because finding fingerprints are built from it.
"""
from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

INDEX_RE = re.compile(r"/(?:index|default|list)(?:_\d+)?\.(?:s?html?|jsp|aspx?|php)$", re.I)
PAGING_PARAMS = {"page", "pagenum", "pageno", "currpage", "pageindex", "p", "uid", "startrecord",
                 "endrecord", "perpage", "jsessionid", "sid", "sessionid", "phpsessid", "_"}


# already canonical: http(s), a lower-case host with no default port, a path, no query/fragment/params
PLAIN_URL_RE = re.compile(r"https?://[a-z0-9.\-]+(?::(?!80/)(?!443/)\d+)?/[^?#;\s%A-Z]*")


@lru_cache(maxsize=16384)
def canonical(url: str) -> str:
    """Lower-case host, no fragment, no default port, session ids dropped, query sorted.

    Cached: the spider's dedupe and the trap guard canonicalise the same URL one after the other.
    A URL that is canonical already (nearly every list page a pager names) is returned as it is."""
    if PLAIN_URL_RE.fullmatch(url):
        return url
    return _canonical(url)


def _canonical(url: str) -> str:
    p = urlsplit(url.strip())
    host = (p.hostname or "").lower()
    port = p.port
    if port and not ((p.scheme == "http" and port == 80) or (p.scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    path = re.sub(r";jsessionid=[^/?#]*", "", p.path, flags=re.I) or "/"
    query = [(k, v) for k, v in parse_qsl(p.query, keep_blank_values=True)
             if k.lower() not in {"jsessionid", "sid", "sessionid", "phpsessid", "_"}]
    return urlunsplit((p.scheme.lower(), host, path, urlencode(sorted(query)), ""))


def column_key(url: str, site_url: str | None = None) -> str:
    """Scheme-less canonical URL with index pages and paging parameters removed; on the site's
    own host just the path, so keys (and finding fingerprints) survive a port or scheme change."""
    p = urlsplit(canonical(url))
    path = INDEX_RE.sub("/", p.path)
    query = [(k, v) for k, v in parse_qsl(p.query, keep_blank_values=True)
             if k.lower() not in PAGING_PARAMS]
    q = urlencode(sorted(query))
    netloc = p.netloc
    if site_url is not None and (urlsplit(site_url).hostname or "").lower() == (p.hostname or ""):
        netloc = ""
    return f"{netloc}{path}" + (f"?{q}" if q else "")


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


@lru_cache(maxsize=1024)
def is_private_host(host: str) -> bool:
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return host in ("localhost",) or host.endswith(".localhost")
    return ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved


def allowed(url: str, site: dict) -> bool:
    """Stay on the site's own hosts (plus those the sites file allows), http(s) only, and never
    from a public site into private or loopback addresses unless the sites file allows it."""
    p = urlsplit(url)
    if p.scheme not in ("http", "https"):
        return False
    return _host_allowed((p.hostname or "").lower(), site["url"],
                         tuple(site.get("allow_hosts") or ()), bool(site.get("allow_private")))


@lru_cache(maxsize=1024)
def _host_allowed(host: str, site_url: str, allow_hosts: tuple, allow_private: bool) -> bool:
    """Per host, not per URL: a long list's page 1 asks this for a thousand URLs on one host, and
    the private-address test (ipaddress) was most of `allowed`'s cost."""
    own = host_of(site_url)
    if host not in {own, *[h.lower() for h in allow_hosts]}:
        return False
    if is_private_host(host) and not (is_private_host(own) or allow_private):
        return False
    return True
