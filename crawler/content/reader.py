"""An article page read for its content: title, publication date, body text, attachments, hidden links.

Why a reader of its own: a sweep does not otherwise open articles (it reads lists), and an article
needs none of what `extract_page` works out for a list (blocks, pager, column links), only what the
content checks judge. One parse: hidden links are read before scripts and styles are stripped.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import zlib
from dataclasses import dataclass, field

from crawler.content import bodytext, hidden, personal
from crawler.content.attachments import is_attachment
from crawler.extraction import article
from crawler.extraction.dates import DateWindow
from crawler.extraction.encoding import decode_body
from crawler.extraction.html import clean_text, meta_map, parse_html, resolve, strip_invisible, usable_href

MAX_ATTACHMENTS_PER_PAGE = 10


@dataclass
class ArticleContent:
    title: str | None
    text: str
    date: dt.date | None
    attachments: list[tuple[str, str]] = field(default_factory=list)   # (name, absolute url)
    hidden: list[hidden.HiddenLink] = field(default_factory=list)


def attachment_links(doc, url: str) -> list[tuple[str, str]]:
    """Links to attached files (by extension), each once, in page order."""
    out: dict[str, str] = {}
    for a in doc.iter("a"):
        href = a.get("href")
        if not usable_href(href):
            continue
        target = resolve(url, href.strip())
        if is_attachment(target) and target not in out:
            out[target] = clean_text(a.xpath("string()")) or target.rsplit("/", 1)[-1]
            if len(out) >= MAX_ATTACHMENTS_PER_PAGE:
                break
    return [(name, link) for link, name in out.items()]


def read_article(body: bytes | str, url: str, *, as_of: dt.date, header_encoding: str | None = None,
                 margin_days: int = 2, listed_date: dt.date | None = None) -> ArticleContent:
    """`listed_date`: the date the column's list shows for it, which is the publication date the
    checks use; the page's own date cascade is then not run."""
    raw, _ = decode_body(body, header_encoding) if isinstance(body, bytes) else (body, "unicode")
    doc = parse_html(raw)
    meta = meta_map(doc)
    hidden_found = hidden.hidden_links(doc, url)
    strip_invisible(doc)
    title = meta.get("articletitle")
    if not title:
        h1 = doc.find(".//h1")
        el = h1 if h1 is not None else doc.find(".//title")
        title = clean_text(el.xpath("string()")) if el is not None else None
    if listed_date is None:
        found = article.page_date(doc, raw, url, meta, DateWindow(as_of, margin_days), use_dateparser=False)
        listed_date = found.value if found else None
    return ArticleContent(title=title or None, text=bodytext.page_text(doc),
                          date=listed_date, attachments=attachment_links(doc, url),
                          hidden=hidden_found)


@dataclass
class StoredText:
    """A text as the store keeps it: personal numbers masked, hashed, compressed, and what was masked."""
    digest: str
    body: bytes
    chars: int
    found: str | None    # JSON [{kind, at, masked}] of the personal numbers masked, or None


def stored_text(text: str, today: dt.date | None = None) -> StoredText:
    masked, hits = personal.redact(text or "", today)
    digest = hashlib.sha1(masked.encode("utf-8"), usedforsecurity=False).hexdigest()
    found = json.dumps([{"kind": h.kind, "at": h.start, "masked": h.masked} for h in hits],
                       ensure_ascii=False) if hits else None
    return StoredText(digest, zlib.compress(masked.encode("utf-8"), 6), len(masked), found)


def unpack(body: bytes | None) -> str | None:
    """A stored body back to its (masked) text."""
    return zlib.decompress(body).decode("utf-8") if body else None
