"""What the spider yields; one item class per store table it fills.

Items are plain dataclasses so pipelines and tests can build them without Scrapy."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


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
    table = "columns"


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


@dataclass
class EntryBatch:
    """All entries one list page yielded: one Scrapy item per page, not per entry, because the
    per-item signal/middleware cost dominated a sweep (bench/crawl.py --profile)."""
    entries: list[EntryItem]
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


def row(item) -> dict:
    return asdict(item)
