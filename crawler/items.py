"""What the spider yields; one item class per store table it fills.

Items are plain dataclasses so pipelines and tests can build them without Scrapy."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from functools import cache
from operator import attrgetter
from typing import Any


@dataclass
class FetchItem:
    site_id: str
    url: str
    status: int | None
    error: str | None
    elapsed: float | None
    bytes: int | None
    kind: str | None
    table = "fetches"


@dataclass
class ColumnItem:
    site_id: str
    key: str
    name: str | None
    url: str
    parent_key: str | None = None
    level: int | None = None
    role: str = "list"          # home | list | static | board | section
    source: str | None = None   # how it was found: home | nav | more | tree | breadcrumb | sites-file | known
    method: str | None = None   # how the list was read (adapter)
    status: str = "ok"          # ok | failed | exempt
    error: str | None = None
    item_count: int | None = None   # the pager's total where the CMS gives one
    pages_total: int | None = None
    note: str | None = None
    board_class: str | None = None   # boards: consult | excluded | other
    named_by: str | None = None      # meta | breadcrumb | sidebar | heading | title | link | sites-file
    table = "columns"


@dataclass
class EntranceItem:
    """A channel offered on another host or as a widget (crawler/extraction/entrances.py)."""
    site_id: str
    kind: str
    name: str
    url: str | None
    found_on: str
    how: str
    table = "entrances"


@dataclass
class EntryItem:
    site_id: str
    column_key: str
    title: str
    url: str | None
    date: str | None
    date_source: str | None
    page_url: str
    table = "items"


@cache
def row_shape(cls) -> tuple[tuple[str, ...], Callable[[Any], tuple]]:
    """A crawl item class's column names, and a function giving an item's values as a tuple in that
    order: the items are flat, and a dict per row (or dataclasses.asdict's deep copy) was a
    measurable share of a sweep's CPU (bench/README.md)."""
    names = tuple(f.name for f in fields(cls))
    getter = attrgetter(*names)
    return names, ((lambda item: (getter(item),)) if len(names) == 1 else getter)


# an items row: its columns, and a FetchItem as a tuple (FetchItem(*fetch_values(f)) == f)
ENTRY_FIELDS = row_shape(EntryItem)[0]
fetch_values = row_shape(FetchItem)[1]


def entry_rows(site_id: str, key: str, entries, page_url: str, seen: set) -> list[tuple]:
    """A page's entries as ENTRY_FIELDS tuples, each item of a column once: Hanweb groups and
    re-listed pages overlap. `seen` (the column's idents so far) is updated."""
    rows = []
    for e in entries:
        ident = e.url or (e.title, e.date)
        if ident in seen:
            continue
        seen.add(ident)
        d = e.date
        rows.append((site_id, key, (e.title_full or e.title or "").strip(), e.url,
                     d.isoformat() if d else None, e.date_source, page_url))
    return rows


@dataclass
class EntryBatch:
    """One list page's outcome as ONE Scrapy item: its entries as plain tuples in ENTRY_FIELDS
    order and, when given, the page's own fetch row. Scrapy's per-item path (spider middleware
    output, signals, pipeline) and a dataclass per entry were a measurable share of a sweep's CPU
    (bench/crawl.py --profile); the pipeline inserts these tuples as they are."""
    rows: list[tuple]
    fetch: FetchItem | None = None
    table = "items"


@dataclass
class EnquiryItem:
    site_id: str
    board_key: str
    board: str | None
    letter_key: str
    number: str | None
    title: str
    category: str | None
    url: str | None
    submitted: str | None
    replied: str | None
    status: str
    status_text: str | None
    unit: str | None
    table = "enquiries"



@dataclass
class PageTextItem:
    """A text read for the content checks (crawler/content): masked, compressed, once per site."""
    site_id: str
    url: str
    kind: str                    # home | page | article | attachment
    column_key: str | None
    title: str | None
    published: str | None        # the list's date of the article, else the page's own
    parent_url: str | None       # an attachment's article
    digest: str | None
    chars: int | None
    found: str | None            # JSON: the personal numbers that were masked
    body: bytes | None           # None: an earlier row of the site holds this text (same digest)
    error: str | None = None     # why there is no text
    table = "page_texts"


@dataclass
class HiddenLinkItem:
    site_id: str
    page_url: str
    url: str
    text: str
    how: str
    excerpt: str
    table = "hidden_links"
