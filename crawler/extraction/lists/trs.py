"""TRS WCM (拓尔思) lists: `createPageHTML` pagers (both signatures), `countPage`, and the Fujian
集约化 "动静结合" list whose static items sit in `$showStatic(N)` groups of five."""
from __future__ import annotations

import math
import re
from urllib.parse import urlsplit

from crawler.extraction.dates import DateWindow
from crawler.extraction.html import LinkTexts, drop_tree, resolve
from crawler.extraction.lists import locate
from crawler.extraction.lists.common import entry_from_record
from crawler.extraction.lists.pagers import MAX_PAGE_URLS, NUMBER
from crawler.extraction.lists.registry import ListReader, list_reader
from crawler.extraction.model import Block, Pagination

Q = r"""['"]?"""
D = NUMBER  # a count: nine digits at most
CREATE_PAGE_OLD_RE = re.compile(
    r"createPageHTML\(\s*" + Q + D + Q + r"\s*,\s*" + Q + D + Q +
    r"""\s*,\s*['"]([\w.-]+)['"]\s*,\s*['"](\w+)['"]\s*\)""")
CREATE_PAGE_NEW_RE = re.compile(
    r"""createPageHTML\(\s*['"]([\w-]+)['"]\s*,\s*""" + Q + D + Q + r"\s*,\s*" + Q + D + Q +
    r"""\s*,\s*['"]([\w.-]+)['"]\s*,\s*['"](\w+)['"]\s*(?:,\s*""" + Q + D + Q + r")?\s*\)")
COUNT_PAGE_RE = re.compile(r"var\s+countPage\s*=\s*" + Q + D)
CURRENT_PAGE_RE = re.compile(r"var\s+currentPage\s*=\s*" + Q + D)
RECORD_COUNT_RE = re.compile(r"recordCount\s*:\s*" + Q + D)
PREPAGE_RE = re.compile(r"prepage\s*:\s*" + Q + D)
PAGE_NAME_RE = re.compile(r"/([\w-]+)(?:_\d+)?\.(s?html?)$")
SHOW_STATIC_MARK = "$showStatic("
PAGER_WORDS = ("createPageHTML", "countPage", "pageChnlInfo")  # `pagination` reads nothing without one


def _page_name(url: str) -> tuple[str, str]:
    m = PAGE_NAME_RE.search(urlsplit(url).path)
    return (m.group(1), m.group(2)) if m else ("index", "html")


def page_urls(url: str, name: str, ext: str, numbers: range) -> list[str]:
    """`name_N.ext` beside the page, for every N: one join for the folder, then string concatenation
    (a plain file name resolves to the page's folder plus that name, so this equals urljoin)."""
    first = resolve(url, f"{name}_{numbers.start}.{ext}") if len(numbers) else None
    if not first:
        return []
    folder = first[:first.rfind("/") + 1]
    return [f"{folder}{name}_{i}.{ext}" for i in numbers[:MAX_PAGE_URLS]]


def pagination(raw: str, url: str, *, with_urls: bool = True) -> Pagination | None:
    """Page count and the URLs of the pages after this one from the inline pager script (on page 1:
    every other page; on `index_3.html`, current 3: index_4.html onwards, never an earlier page).
    `with_urls=False` (a later page of a list whose pages are already known) skips the URL list."""
    # Each pattern needs its literal word: one substring test instead of a regex scan of the page
    # for each pager family the page does not use; both createPageHTML patterns start with the word,
    # so neither can match before its first occurrence, where their scans start.
    create_at = raw.find("createPageHTML")
    has_create = create_at != -1
    m = CREATE_PAGE_NEW_RE.search(raw, create_at) if has_create else None
    if m:
        total, current, prefix, ext = int(m.group(2)), int(m.group(3)), m.group(4), m.group(5)
        items = int(m.group(6)) if m.group(6) else None
        pages = page_urls(url, prefix, ext, range(max(2, current + 1), total + 1)) if with_urls else []
        nxt = f"{prefix}_{current + 1}.{ext}" if current < total else None
        per = math.ceil(items / total) if items and total else None
        return Pagination(total_pages=total, total_items=items, next_page_href=nxt,
                          mechanism="trs:createPageHTML(div,total,current,prefix,ext,records)",
                          page_urls=pages, per_page=per)
    m = CREATE_PAGE_OLD_RE.search(raw, create_at) if has_create else None
    if m:
        total, current, name, ext = int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)
        pages = page_urls(url, name, ext, range(current + 1, total)) if with_urls else []
        nxt = f"{name}_{current + 1}.{ext}" if current + 1 < total else None
        return Pagination(total_pages=total, next_page_href=nxt,
                          mechanism="trs:createPageHTML(count,current,name,ext)", page_urls=pages)
    m = COUNT_PAGE_RE.search(raw) if "countPage" in raw else None
    if m:
        total = int(m.group(1))
        cur = int(c.group(1)) if (c := CURRENT_PAGE_RE.search(raw)) else 0
        name, ext = _page_name(url)
        pages = page_urls(url, name, ext, range(cur + 1, total)) if with_urls else []
        nxt = f"{name}_{cur + 1}.{ext}" if cur + 1 < total else None
        return Pagination(total_pages=total, next_page_href=nxt, mechanism="trs:countPage",
                          page_urls=pages)
    m = RECORD_COUNT_RE.search(raw) if "pageChnlInfo" in raw else None
    if m:
        items = int(m.group(1))
        per = int(p.group(1)) if (p := PREPAGE_RE.search(raw)) else 15
        return Pagination(total_pages=max(1, math.ceil(items / per)) if per else None, total_items=items,
                          mechanism="trs:avalon pageChnlInfo (later pages via JSON search API)", per_page=per)
    return None


def static_groups_block(doc, url: str, window: DateWindow, texts: LinkTexts | None = None) -> Block | None:
    """The Fujian 动静结合 list: every li under the `$showStatic(N)` groups, in order, as one list."""
    groups = [el for el in doc.iter("div") if (el.get("ms-visible") or "").startswith(SHOW_STATIC_MARK)]
    if not groups:
        return None
    entries = []
    for g in groups:
        for li in g.iter("li"):
            e = entry_from_record(li, url, window, texts=texts)
            if e:
                entries.append(e)
    if not entries:
        return None
    for g in groups:  # read once; keep the generic finder from reading them again
        if g.getparent() is not None:
            drop_tree(g)
    return Block(name=None, more_url=None, items=entries, method="trs-static-groups",
                 locator=locate.adapter("trs-static-groups"))


@list_reader
class TrsPagerReader(ListReader):
    """The inline pager scripts: the list itself is plain HTML, read by the generic reader."""
    name, order = "trs-pager", 30

    def detect(self, raw: str) -> bool:
        return any(word in raw for word in PAGER_WORDS)

    def pagination(self, raw: str, url: str, *, read: list[Block], request_formdata: dict | None,
                   with_urls: bool) -> Pagination | None:
        return pagination(raw, url, with_urls=with_urls)


@list_reader
class TrsStaticGroupsReader(ListReader):
    """The Fujian 动静结合 list (`$showStatic(N)` groups), read from the parsed page."""
    name, order = "trs-static-groups", 40

    def detect(self, raw: str) -> bool:
        return SHOW_STATIC_MARK in raw

    def tree_blocks(self, doc, url: str, window: DateWindow, texts: LinkTexts) -> list[Block]:
        block = static_groups_block(doc, url, window, texts)
        return [block] if block else []
