"""What a crawl reads for the content checks, and within which budget: the spider's content part.

Why a budget: a sweep reads lists, not articles, and a county site has tens of thousands of
articles; reading all of them would multiply a sweep's requests. So, per site:
  - the homepage (body text and hidden links) and every information page (body text) the walk
    opens anyway — no extra request;
  - in a sweep, the newest GOVWATCH_ARTICLES_PER_COLUMN articles (default 5) of every list column,
    at most GOVWATCH_MAX_ARTICLES a site (default 300): what an inspector opens first, and what a
    site publishes between two weekly sweeps;
  - in a daily run, of the same newest articles of each column's first page, only those no earlier
    run read (nothing older is reached for: only what is new since);
  - attachments of those articles (and list rows that are files), at most GOVWATCH_MAX_ATTACHMENTS a
    site (default 30), each at most GOVWATCH_ATTACHMENT_MAX_BYTES (default 5 MiB).
Article and attachment requests never count against the walk's page budget and never make a walk
incomplete: they are scheduled after the walk's pages (lower priority) and stop at the site's time
limit. GOVWATCH_CONTENT = False switches all of it off (no request, no parse).

Texts are stored masked (crawler/content/personal.py), compressed, and once per site: a text an
earlier run stored (same digest) is stored again as a reference only.
"""
from __future__ import annotations

import json
import sqlite3
from collections import Counter
from datetime import date

from scrapy import Request

from crawler.content import attachments, bodytext, hidden
from crawler.content.reader import read_article, stored_text
from crawler.extraction.encoding import decode_body
from crawler.extraction.html import parse_html, strip_invisible
from crawler.items import HiddenLinkItem, PageTextItem
from crawler.urls import allowed, column_key

PRIORITY = -10   # after every page of the walk


def enabled(settings, mode: str) -> bool:
    return settings.getbool("GOVWATCH_CONTENT", True)


def known_digests(db_path: str | None, site_ids: list[str]) -> dict[str, set[str]]:
    """Digests of the texts an earlier run stored in full, per site (read once, when a crawl starts)."""
    out: dict[str, set[str]] = {sid: set() for sid in site_ids}
    if not db_path:
        return out
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error:
        return out
    try:
        for sid, digest in conn.execute(
                "select site_id, digest from page_texts where body is not null and site_id in "
                "(select value from json_each(?))", [json.dumps(site_ids)]):
            out.setdefault(sid, set()).add(digest)
    except sqlite3.Error:
        pass   # a store from before 0010: nothing stored yet
    finally:
        conn.close()
    return out


class ContentPages:
    def __init__(self, crawler, spider):
        s = crawler.settings
        self.spider = spider
        self.per_column = s.getint("GOVWATCH_ARTICLES_PER_COLUMN", 5)
        self.max_articles = s.getint("GOVWATCH_MAX_ARTICLES", 300)
        self.max_attachments = s.getint("GOVWATCH_MAX_ATTACHMENTS", 30)
        self.attachment_bytes = s.getint("GOVWATCH_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024)
        self.articles: Counter = Counter()
        self.attachments: Counter = Counter()
        self.requested: set[tuple[str, str]] = set()
        self.hidden_seen: set[tuple[str, str, str]] = set()
        self.stored = known_digests(s.get("GOVWATCH_DB"), list(spider.sites))
        # daily runs: articles earlier runs read, per (site, column) (crawler/crawl.py known_columns)
        # (by their key on the site: a site that moved to https or another port keeps them)
        self.read_before = {(sid, c["key"]): {column_key(u, spider.sites[sid]["url"]) for u in c.get("articles") or ()}
                            for sid, cols in spider.known.items() if sid in spider.sites for c in cols}

    # -- items ------------------------------------------------------------------------------------
    def _text(self, sid: str, url: str, kind: str, text: str | None, *, key: str | None = None,
              title: str | None = None, published: date | None = None, parent: str | None = None,
              error: str | None = None) -> PageTextItem:
        if text is None:
            return PageTextItem(sid, url, kind, key, title, _iso(published), parent, None, None, None, None,
                                error)
        st = stored_text(text, self.spider.as_of)
        seen = self.stored.setdefault(sid, set())
        body = None if st.digest in seen else st.body
        seen.add(st.digest)
        return PageTextItem(sid, url, kind, key, title, _iso(published), parent, st.digest, st.chars, st.found,
                            body, error)

    def _hidden(self, sid: str, page_url: str, found: list[hidden.HiddenLink]):
        for h in found:
            ident = (sid, h.url, h.how)
            if ident not in self.hidden_seen:
                self.hidden_seen.add(ident)
                yield HiddenLinkItem(sid, page_url, h.url, h.text, h.how, h.excerpt)

    # -- pages the walk opens anyway -----------------------------------------------------------------
    def home(self, response, sid: str):
        """The homepage: its hidden links and its text (a second parse: one page a site)."""
        raw, _ = decode_body(response.body, self.spider._encoding(response))
        doc = parse_html(raw)
        yield from self._hidden(sid, response.url, hidden.hidden_links(doc, response.url))
        strip_invisible(doc)
        yield self._text(sid, response.url, "home", bodytext.page_text(doc))

    def column(self, response, sid: str, key: str, role: str | None, entries: list):
        """A column's first page: an information page's text, or a list's newest articles."""
        if role == "static":
            raw, _ = decode_body(response.body, self.spider._encoding(response))
            doc = parse_html(raw)
            strip_invisible(doc)
            yield self._text(sid, response.url, "page", bodytext.page_text(doc), key=key)
        elif role == "list":
            yield from self._articles(sid, key, entries, response.url)

    def _articles(self, sid: str, key: str, entries: list, page_url: str):
        site = self.spider.sites[sid]
        # a list row that is a page of the walk (the homepage, a column) is not an article
        dated = sorted((e for e in entries if e.url and allowed(e.url, site)
                        and not self.spider.frontier.knows(sid, e.url)),
                       key=lambda e: (e.date is not None, e.date or date.min), reverse=True)
        read_before = self.read_before.get((sid, key), set()) if self.spider.mode == "daily" else set()
        # the column's newest articles; a daily run skips those an earlier run read (it does not
        # reach back for older ones: only what is new since then)
        for e in dated[:self.per_column]:
            if read_before and column_key(e.url, site["url"]) in read_before:
                continue
            if attachments.is_attachment(e.url):
                yield from self._attachment(sid, e.url, e.title, page_url, key, e.date)
                continue
            if self.articles[sid] >= self.max_articles or (sid, e.url) in self.requested \
                    or self.spider.frontier.over_time(sid):
                continue
            self.articles[sid] += 1
            self.requested.add((sid, e.url))
            yield Request(e.url, callback=self.parse_article, errback=self.failed, priority=PRIORITY,
                          dont_filter=True, meta={"site_id": sid, "key": key, "page_kind": "article",
                                                  "title": e.title_full or e.title, "list_date": e.date})

    def _attachment(self, sid: str, url: str, name: str | None, parent: str, key: str | None,
                    published: date | None):
        if self.attachments[sid] >= self.max_attachments or (sid, url) in self.requested \
                or not allowed(url, self.spider.sites[sid]) or self.spider.frontier.over_time(sid):
            return
        self.attachments[sid] += 1
        self.requested.add((sid, url))
        yield Request(url, callback=self.parse_attachment, errback=self.failed, priority=PRIORITY,
                      dont_filter=True, meta={"site_id": sid, "key": key, "page_kind": "attachment",
                                              "title": name, "parent": parent, "list_date": published,
                                              "download_maxsize": self.attachment_bytes})

    # -- articles and attachments ---------------------------------------------------------------------
    def parse_article(self, response):
        meta = response.meta
        sid = meta["site_id"]
        yield self.spider._fetch(response, "article")
        err = self.spider._http_error(response)
        if err:
            yield self._text(sid, response.url, "article", None, key=meta.get("key"), title=meta.get("title"),
                             published=meta.get("list_date"), error=err)
            return
        try:
            art = read_article(response.body, response.url, as_of=self.spider.as_of,
                               header_encoding=self.spider._encoding(response),
                               margin_days=self.spider.future_margin_days, listed_date=meta.get("list_date"))
        except Exception as e:  # noqa: BLE001 - an unreadable article is recorded, never a crash
            yield self._text(sid, response.url, "article", None, key=meta.get("key"), title=meta.get("title"),
                             published=meta.get("list_date"), error=f"解析失败: {e}")
            return
        published = art.date
        yield self._text(sid, response.url, "article", art.text, key=meta.get("key"),
                         title=art.title or meta.get("title"), published=published)
        yield from self._hidden(sid, response.url, art.hidden)
        for name, url in art.attachments:
            yield from self._attachment(sid, url, name, response.url, meta.get("key"), published)

    def parse_attachment(self, response):
        meta = response.meta
        sid = meta["site_id"]
        yield self.spider._fetch(response, "attachment")
        common = {"key": meta.get("key"), "title": meta.get("title"), "published": meta.get("list_date"),
                  "parent": meta.get("parent")}
        err = self.spider._http_error(response)
        if err is None and meta.get("govwatch_truncated_from"):
            err = f"附件超过{self.attachment_bytes // (1024 * 1024)}MB上限，未读取"
        if err:
            yield self._text(sid, response.url, "attachment", None, error=err, **common)
            return
        got = attachments.attachment_text(response.body, response.url)
        yield self._text(sid, response.url, "attachment", got.text, error=got.error, **common)

    def failed(self, failure):
        meta = failure.request.meta
        fetch = self.spider._failed_fetch(failure)
        yield fetch
        yield self._text(meta["site_id"], failure.request.url, meta.get("page_kind") or "article", None,
                         key=meta.get("key"), title=meta.get("title"), published=meta.get("list_date"),
                         parent=meta.get("parent"), error=fetch.error)


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None
