"""Result types of page extraction (shared by the spider, the store writer and `govwatch extract`)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


@dataclass
class DateValue:
    value: dt.date | None
    source: str  # "meta:PubDate", "label:发布时间", "table:成文日期", "url:trs", "list:text" ...

    def to_json(self) -> dict:
        return {"value": _iso(self.value), "source": self.source}


@dataclass
class Entry:
    title: str
    href: str  # as written in the HTML
    url: str  # absolute, resolved against the page URL
    date: dt.date | None = None
    date_source: str | None = None
    title_full: str | None = None

    def to_json(self) -> dict:
        out = {"title": self.title, "href": self.href, "url": self.url,
               "date": _iso(self.date), "date_source": self.date_source}
        if self.title_full:
            out["title_full"] = self.title_full
        return out


@dataclass
class Block:
    name: str | None
    more_url: str | None
    items: list[Entry] = field(default_factory=list)
    method: str = "generic-dom"
    # where the list sat on its page (`lists.locate`): later pages of the same list are read there
    # directly. Adapter blocks carry "adapter:<method>"; DOM blocks a tag/class/index chain.
    locator: str | None = None

    @property
    def latest_date(self) -> dt.date | None:
        dates = [e.date for e in self.items if e.date]
        return max(dates) if dates else None

    def to_json(self) -> dict:
        out = {"name": self.name, "more_url": self.more_url, "method": self.method,
               "items": [e.to_json() for e in self.items]}
        if self.locator:
            out["locator"] = self.locator
        return out


@dataclass
class Pagination:
    total_pages: int | None = None
    total_items: int | None = None
    next_page_href: str | None = None
    mechanism: str | None = None
    page_urls: list[str] = field(default_factory=list)
    post_requests: list[dict] = field(default_factory=list)
    per_page: int | None = None

    def to_json(self) -> dict:
        return {"total_pages": self.total_pages, "total_items": self.total_items,
                "next_page_href": self.next_page_href, "mechanism": self.mechanism,
                "per_page": self.per_page, "page_urls": list(self.page_urls),
                "post_requests": list(self.post_requests)}


@dataclass
class Link:
    name: str
    url: str
    source: str  # "nav" | "more" | "tree" | "breadcrumb" | "link"

    def to_json(self) -> dict:
        return {"name": self.name, "url": self.url, "source": self.source}


@dataclass
class PageResult:
    kind: str = "other"  # "homepage" | "column_list" | "article" | "message_board" | "other"
    title: str | None = None
    column_name: str | None = None
    breadcrumb: list[Link] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    pagination: Pagination = field(default_factory=Pagination)
    latest_date: dt.date | None = None
    date: DateValue | None = None
    nav_links: list[Link] = field(default_factory=list)
    is_info_page: bool = False
    exempt_note: str | None = None
    child_columns: int = 0       # sub-column folders linked below this page (a section groups them);
                                 # counted only for pages with nothing listed
    shown_dates: int = 0         # dates shown on a page where no list was read (rows not readable)
    encoding: str = "utf-8"
    rejected_dates: int = 0
    url: str | None = None
    redirect: str | None = None      # where the page sends a visitor on load (a hub that only redirects)
    entrances: list = field(default_factory=list)   # extraction.entrances.Entrance
    board_links: list[Link] = field(default_factory=list)   # links naming a board; source = its class
    named_by: str | None = None      # where column_name came from: meta | breadcrumb | sidebar | heading | title
    links: list = field(default_factory=list)   # (url, kind, text) of every link carried, when asked (outlinks)

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "url": self.url,
            "title": self.title,
            "column_name": self.column_name,
            "breadcrumb": [lk.to_json() for lk in self.breadcrumb],
            "blocks": [b.to_json() for b in self.blocks],
            "pagination": self.pagination.to_json(),
            "latest_date": _iso(self.latest_date),
            "date": self.date.to_json() if self.date else None,
            "nav_links": [lk.to_json() for lk in self.nav_links],
            "is_info_page": self.is_info_page,
            "exempt_note": self.exempt_note,
            "encoding": self.encoding,
            "rejected_dates": self.rejected_dates,
            "redirect": self.redirect,
            "entrances": [e.to_json() for e in self.entrances],
            "named_by": self.named_by,
        }
