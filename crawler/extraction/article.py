"""The page's own date (articles): meta PubDate → labelled header → metadata table → URL → dateparser.

Each source is tried in that order and the winner records where it came from.
"""
from __future__ import annotations

import re

from crawler.extraction.dates import DateWindow, date_from_url_with_source, find_full_dates, normalise
from crawler.extraction.html import visible_text
from crawler.extraction.model import DateValue

META_DATE_KEYS = ("pubdate", "publishdate", "firstpublishedtime", "article:published_time", "publish_date",
                  "dc.date", "dcterms.created", "createdate", "others")


def _spaced(label: str) -> str:
    return r"\s*".join(map(re.escape, label))


HEADER_LABELS = ("发布时间", "发布日期", "发表时间", "更新时间", "日期", "时间")
TABLE_LABELS = ("发布日期", "生成日期", "发文日期", "公开日期", "印发日期", "成文日期")
HEADER_RE = re.compile(r"(" + "|".join(_spaced(x) for x in HEADER_LABELS) + r")\s*[:]\s*(.{6,40})")
TABLE_RE = re.compile(r"(" + "|".join(_spaced(x) for x in TABLE_LABELS) + r")\s*[:]?\s*(.{6,40})")
METADATA_HINT_RE = re.compile(r"索\s*引\s*号|发\s*布\s*机\s*构|发\s*文\s*机\s*关|主\s*题\s*分\s*类|文\s*号")
ID_DATE_RE = re.compile(r"<(?:i|span|em|small|div|p)[^>]+id=\"(?:pubDate|ivs_date|con_time|time)\"[^>]*>(.{0,80}?)<", re.I | re.S)


def _label(raw: str) -> str:
    return re.sub(r"\s+", "", raw)


def _labelled(text: str, window: DateWindow) -> tuple[DateValue | None, DateValue | None]:
    """(header date, metadata-table date) from the page text."""
    header = table = None
    table_hits: dict[str, object] = {}
    for m in TABLE_RE.finditer(text):
        got = find_full_dates(m.group(2), window)
        if got:
            table_hits.setdefault(_label(m.group(1)), got[0])
    near_meta = bool(METADATA_HINT_RE.search(text))
    if table_hits and near_meta:
        for label in TABLE_LABELS:
            if label in table_hits:
                table = DateValue(table_hits[label], f"table:{label}")
                break
    for m in HEADER_RE.finditer(text):
        label = _label(m.group(1))
        got = find_full_dates(m.group(2), window)
        if got:
            header = DateValue(got[0], f"label:{label}")
            break
    if header is None and table_hits and not near_meta:
        label = next(lb for lb in TABLE_LABELS if lb in table_hits)
        header = DateValue(table_hits[label], f"label:{label}")
    return header, table


PUBLICATION_TABLE_SOURCES = ("table:发布日期", "table:生成日期", "table:发文日期", "table:公开日期", "table:印发日期")


def page_date(doc, raw: str, url: str, meta: dict, window: DateWindow, *, use_dateparser: bool = True
              ) -> DateValue | None:
    """The visible publication date wins over a disagreeing meta PubDate (集约化 platforms rewrite the
    meta on every re-publish); 成文日期 (date written) only when nothing else is shown."""
    meta_date = None
    for key in META_DATE_KEYS:
        v = meta.get(key)
        if v:
            got = find_full_dates(normalise(v), window)
            if got:
                meta_date = DateValue(got[0], "meta:PubDate" if key == "pubdate" else f"meta:{key}")
                break
    shown = None
    m = ID_DATE_RE.search(raw)
    if m:
        got = find_full_dates(normalise(re.sub(r"<[^>]+>", " ", m.group(1))), window)
        if got:
            shown = DateValue(got[0], "label:id-date")
    body = doc.find("body")
    text = normalise(visible_text(body if body is not None else doc))
    header, table = _labelled(text, window)
    publication_table = table if table and table.source in PUBLICATION_TABLE_SOURCES else None
    for candidate in (publication_table, shown, header):
        if candidate is not None:
            if meta_date is None or candidate.value == meta_date.value:
                return meta_date or candidate
            return candidate
    if meta_date:
        return meta_date
    if table:
        return table
    got = date_from_url_with_source(url, as_of=window)
    if got:
        return DateValue(got[0], got[1])
    if use_dateparser:
        return _dateparser_fallback(text[:400], window)
    return None


def _dateparser_fallback(text: str, window: DateWindow) -> DateValue | None:
    """Odd text only: dateparser on a labelled fragment, never on the whole page."""
    m = re.search(r"(?:时间|日期)\s*:?\s*(\S[^:]{3,25})", text)
    if not m:
        return None
    try:
        import dateparser
        parsed = dateparser.parse(m.group(1), languages=["zh"],
                                  settings={"STRICT_PARSING": True, "REQUIRE_PARTS": ["year", "month", "day"]})
    except Exception:  # noqa: BLE001 - third-party parser on arbitrary text
        return None
    if parsed is None:
        return None
    d = window.accept(parsed.date())
    return DateValue(d, "dateparser") if d else None
