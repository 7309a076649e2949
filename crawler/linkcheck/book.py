"""The links of each site, grouped per distinct URL: what to check once, and what to store.

Why grouped: a site's footer or menu repeats the same links on every page. Inspectors count a
broken link once (where it is: on the homepage or on other pages), and an office fixes it once;
so a URL is one record however many pages carry it, with the count of those pages, the first few
of them and whether the homepage is one — and it is requested once.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from crawler.linkcheck.answers import Answer
from crawler.linkcheck.classify import Verdict
from crawler.urls import allowed, canonical, host_of, is_private_host

FOUND_ON = 5   # pages named per link (the count says how many carry it)


@dataclass
class LinkRecord:
    url: str
    kind: str                 # page | attachment | image | script | style | frame | media
    external: bool
    text: str
    pages: int = 0
    found_on: list = field(default_factory=list)
    on_home: bool = False
    state: str = "new"        # new | waiting | deferred | checking | retry | done | unchecked
    attempts: list = field(default_factory=list)    # [(Answer, Verdict)], one per attempt
    crawl_answer: Answer | None = None              # the walk's own fetch of this URL (its first attempt)
    requests: int = 0
    note: str | None = None   # why it was not checked

    @property
    def host(self) -> str:
        return host_of(self.url)

    @property
    def origin(self) -> str:
        p = urlsplit(self.url)
        return f"{p.scheme}://{p.netloc}"

    @property
    def verdict(self) -> Verdict | None:
        return self.attempts[-1][1] if self.attempts else None

    def row(self) -> dict:
        answer, verdict = self.attempts[-1] if self.attempts else (None, None)
        result = verdict.result if verdict is not None else "unchecked"
        error = verdict.error if verdict is not None and not verdict.ok else self.note
        if result == "broken" and len(self.attempts) < 2:
            # failed once and never tried again (the site's time ran out, the crawl stopped): a
            # link is broken only when it fails twice, so this one could not be verified
            result, error = "unverified", f"{verdict.error}；未能复查（{self.note or '抓取结束'}）"
        if verdict is not None and verdict.ok and len(self.attempts) > 1:
            first = self.attempts[0][1]
            error = f"首次检查失败（{first.error}），复查正常"
        return {"url": self.url, "kind": self.kind, "external": int(self.external), "on_home": int(self.on_home),
                "pages": self.pages, "found_on": json.dumps(self.found_on, ensure_ascii=False),
                "text": self.text or None, "result": result,
                "reason": verdict.reason if verdict is not None else None,
                "status": answer.status if answer is not None else None, "error": error,
                "final_url": answer.final_url if answer is not None and answer.redirected else None,
                "method": answer.method if answer is not None else None, "attempts": len(self.attempts)}


class SiteLinks:
    """One site's links. `max_links`: distinct URLs checked at most (the rest are counted only)."""

    def __init__(self, site: dict, max_links: int, external: bool):
        self.site = site
        self.max_links = max_links
        self.external = external
        self.links: dict[str, LinkRecord] = {}
        self.pages: set[str] = set()
        self.over_budget = 0
        self.requests = 0
        self.queued: list[LinkRecord] = []      # over the link budget until the walk's end (checker._release)
        self.first_checks = 0                   # own-host links given a request of their own
        self.home: list[LinkRecord] = []        # own-host links the homepage carries
        self.home_early = False                 # they are checked during the walk (checker._home_early)

    def _external_allowed(self, url: str) -> bool:
        """A link to another host is checked only when asked, and never from a public site into a
        private or loopback address (as the crawl itself never goes there)."""
        if not self.external:
            return False
        own = host_of(self.site["url"])
        return not (is_private_host(host_of(url)) and not (is_private_host(own) or self.site.get("allow_private")))

    def add_page(self, page_url: str, links, on_home: bool) -> list[LinkRecord]:
        """A parsed page's links (`PageResult.links`); the records seen for the first time."""
        if page_url in self.pages:
            return []
        self.pages.add(page_url)
        new = []
        for url, kind, text in links:
            try:
                key = canonical(url)
            except ValueError:   # a port that is no number: nothing a browser could open either
                continue
            rec = self.links.get(key)
            if rec is None:
                internal = allowed(url, self.site)
                if not internal and not self._external_allowed(url):
                    continue
                if len(self.links) >= self.max_links:
                    self.over_budget += 1
                    continue
                rec = self.links[key] = LinkRecord(url, kind, not internal, text)
                new.append(rec)
            rec.pages += 1
            if on_home and not rec.on_home and not rec.external:
                self.home.append(rec)
            rec.on_home = rec.on_home or on_home
            if len(rec.found_on) < FOUND_ON:
                rec.found_on.append(page_url)
        return new

    def get(self, url: str) -> LinkRecord | None:
        try:
            return self.links.get(canonical(url))
        except ValueError:
            return None

    def rows(self) -> list[dict]:
        """The links worth a row: every one not found working at its first try (broken, unverified,
        unchecked, or working only when tried again). Working links are counted in `link_runs`: a
        province's run would otherwise store millions of rows of links that work."""
        return [r.row() for r in self.links.values()
                if r.verdict is None or not r.verdict.ok or len(r.attempts) > 1]

    def counts(self) -> dict:
        """As the rows say it: broken only after two failures, the rest of the failures unverified."""
        checked = [r for r in self.links.values() if r.verdict is not None]
        broken = sum(r.verdict.result == "broken" and len(r.attempts) >= 2 for r in checked)
        return {"links": len(self.links), "checked": len(checked), "broken": broken,
                "unverified": sum(not r.verdict.ok for r in checked) - broken, "requests": self.requests}
