"""Provincial 集约化 pages (Jiangxi 2024+) that ship page 1 as JSON in `var listData = {articleList: […]}`."""
from __future__ import annotations

import json
import math
import re
from urllib.parse import urlsplit

from crawler.extraction.dates import (
    DateWindow,
    date_from_url_with_source,
    find_full_dates,
    normalise,
)
from crawler.extraction.html import clean_text, resolve
from crawler.extraction.lists import locate
from crawler.extraction.lists.registry import ListReader, list_reader
from crawler.extraction.model import Block, Entry, Pagination

LIST_DATA_RE = re.compile(r"var\s+listData\s*=\s*\{")
ARTICLE_LIST_RE = re.compile(r"articleList\s*:\s*\[")
ARTICLE_COUNT_RE = re.compile(r"""channelsTagSelf\s*=\s*\{.*?["']?articleCount["']?\s*:\s*(\d+)""", re.S)
PER_PAGE_RE = re.compile(r"""perPage\s*:\s*['"]?(\d+)""")
UNIT_ID_RE = re.compile(r"""unitid\s*:\s*['"]?(\d+)""")
TAG_RE = re.compile(r"<[^>]+>")
JSON_DECODER = json.JSONDecoder()
TITLE_KEYS = ("title", "showTitle", "doctitle", "name")
DATE_KEYS = ("pubDate", "publishedTime", "publishTime", "docreltime", "releaseTime", "createTime", "date")
URL_KEYS = ("urls", "url", "link", "chnldocurl", "docpuburl", "href")


def has_list_data(raw: str) -> bool:
    return "listData" in raw and bool(LIST_DATA_RE.search(raw))  # a substring test first: cheaper


def _balanced(raw: str, start: int) -> str | None:
    """The bracketed JS/JSON value starting at raw[start] ('[' or '{'), respecting strings."""
    open_ch = raw[start]
    close_ch = "]" if open_ch == "[" else "}"
    depth, i, quote = 0, start, None
    while i < len(raw):
        c = raw[i]
        if quote:
            if c == "\\":
                i += 2
                continue
            if c == quote:
                quote = None
        elif c in "\"'":
            quote = c
        elif c == open_ch:
            depth += 1
        elif c == close_ch:
            depth -= 1
            if depth == 0:
                return raw[start:i + 1]
        i += 1
    return None


def _item_url(item: dict) -> str | None:
    for key in URL_KEYS:
        v = item.get(key)
        if not v:
            continue
        if isinstance(v, str) and v.strip().startswith("{"):
            try:
                v = json.loads(v)
            except ValueError:
                continue
        if isinstance(v, dict):
            v = v.get("pc") or v.get("url") or next((x for x in v.values() if isinstance(x, str)), None)
        if isinstance(v, str) and v.strip():
            return v.strip()
    return None


def _item_date(item: dict, window: DateWindow):
    for key in DATE_KEYS:
        v = item.get(key)
        if isinstance(v, (int, float)) and v > 10**11:  # epoch milliseconds
            import datetime as dt
            d = window.accept(dt.datetime.utcfromtimestamp(v / 1000).date() if v < 10**14 else None)
            if d:
                return d, f"json:{key}"
        elif isinstance(v, str) and v:
            got = find_full_dates(normalise(v), window)
            if got:
                return got[0], f"json:{key}"
    return None, None


def blocks(raw: str, url: str, window: DateWindow) -> list[Block]:
    m = LIST_DATA_RE.search(raw)
    if not m:
        return []
    a = ARTICLE_LIST_RE.search(raw, m.end())
    if not a:
        return []
    try:  # usually plain JSON: the C decoder finds its end; JS literals need the bracket scan
        items, _ = JSON_DECODER.raw_decode(raw, a.end() - 1)
    except ValueError:
        text = _balanced(raw, a.end() - 1)
        try:
            items = json.loads(text) if text else []
        except ValueError:
            items = []
    entries = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        href = _item_url(item)
        title = next((clean_text(TAG_RE.sub("", str(item[k]))) for k in TITLE_KEYS if item.get(k)), "")
        if not href or not title:
            continue
        full = resolve(url, href)
        date, source = _item_date(item, window)
        if date is None and (got := date_from_url_with_source(full, as_of=window)):
            date, source = got
        entries.append(Entry(title=title, href=href, url=full, date=date, date_source=source))
    return [Block(name=None, more_url=None, items=entries, method="jiyuehua-json",
                   locator=locate.adapter("jiyuehua-json"))] if entries else []


def pagination(raw: str, url: str, *, with_urls: bool = True) -> Pagination | None:
    """Counts from the page's JSON; `with_urls=False` (a later page) skips the page URL list."""
    if not has_list_data(raw):
        return None
    count = int(m.group(1)) if (m := ARTICLE_COUNT_RE.search(raw)) else None
    per = int(m.group(1)) if (m := PER_PAGE_RE.search(raw)) else None
    unit = m.group(1) if (m := UNIT_ID_RE.search(raw)) else None
    pag = Pagination(total_items=count, per_page=per, mechanism="jiyuehua:listData+loadPageData")
    if count is not None and per:
        pag.total_pages = max(1, math.ceil(count / per))
        if unit and with_urls:
            base = urlsplit(url)._replace(query="", fragment="").geturl()
            pag.page_urls = [f"{base}?uid={unit}&pageNum={n}" for n in range(2, pag.total_pages + 1)]
    return pag


@list_reader
class JiyuehuaReader(ListReader):
    """Page 1's list as JSON in `var listData`; later pages (`?uid=…&pageNum=N`) carry it the same way."""
    name, order = "jiyuehua-json", 20

    def detect(self, raw: str) -> bool:
        return has_list_data(raw)

    def blocks(self, raw: str, url: str, window: DateWindow) -> list[Block]:
        return blocks(raw, url, window)

    def pagination(self, raw: str, url: str, *, read: list[Block], request_formdata: dict | None,
                   with_urls: bool) -> Pagination | None:
        return pagination(raw, url, with_urls=with_urls)
