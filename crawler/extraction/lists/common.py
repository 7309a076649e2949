"""Building list entries from record elements (li / tr / dd / div) shared by the adapters."""
from __future__ import annotations

import re
import statistics
from functools import lru_cache

from crawler.extraction.dates import (
    MONTH_DAY_RE,
    DateWindow,
    date_from_url_with_source,
    find_full_dates,
    normalise,
    parse_short_year,
    resolve_month_day,
    year_from_url,
)
from crawler.extraction.html import LinkTexts, clean_text, raw_text, resolve, usable_href
from crawler.extraction.model import Entry

TRUNCATED_RE = re.compile(r"(\.{2,}|…+|。。+)\s*$")
TRUNCATION_MARKS = ("..", "…", "。。")  # TRUNCATED_RE matches iff the right-stripped text ends with one
# "更多" links (a block's or column's "more", never a column name): the word or arrow, then only
# punctuation ("更多>>", "更多»", "More...", "更多…"); "更多信息" is a name. One test for the list
# adapters, the spider's column names and the board classifier.
MORE_TEXT_RE = re.compile(r"^\s*(?:查看更多|更多|more|>>|》》|\+)\W*$", re.I)
TOOLTIP_DATE_LABEL_RE = re.compile(r"(发表|发布|更新|生成|成文)(时间|日期)\s*[:：]?\s*([^\r\n]{4,30})")


def _tooltip_date_label(text: str):
    """TOOLTIP_DATE_LABEL_RE's match, searched only in a text holding 时间 or 日期 (most tooltips are
    the full title: two substring tests instead of a regex scan)."""
    return TOOLTIP_DATE_LABEL_RE.search(text) if "时间" in text or "日期" in text else None
ARTICLE_URL_RE = re.compile(
    r"(/t\d{8}_\d+|/art_\d+_\d+|/art/\d{4}/|content_\d+|/\d{4}[-/]?\d{2}[-/]\d{2}/|/\d{4}/\d{2}-\d{2}/|"
    r"[/_=](?:\d{4,}|[0-9a-f]{16,})(?:\.[a-z]{2,5})?(?:$|[?#&])|\.(?:pdf|docx?|xlsx?|wps|zip|rar)$|"
    r"(?:id|articleid|docid|infoid|leadermailid|surveyid)=\d+)",
    re.I,
)
NON_ARTICLE_URL_RE = re.compile(r"(/|/index\.s?html?|/default\.s?html?|/index\.(?:jsp|aspx?|php))$", re.I)
ATTACHMENT_RE = re.compile(r"\.(pdf|docx?|xlsx?|wps|zip|rar|ofd)$", re.I)


def is_more_text(text: str) -> bool:
    return bool(MORE_TEXT_RE.match(text or ""))


@lru_cache(maxsize=8192)
def looks_like_article_url(url: str) -> bool:
    """Memoised: the list finder, page kind and column discovery ask about the same URLs."""
    path = url.split("#")[0]
    if NON_ARTICLE_URL_RE.search(path.split("?")[0]) and "?" not in path:
        return False
    return bool(ARTICLE_URL_RE.search(path))


_UNSCORED = object()


def link_score(a, texts: LinkTexts) -> float | None:
    """How strongly an anchor reads as a record's title link (its text length), None when it cannot be
    one. Memoised per page: records nest, so the same anchor is weighed for every enclosing record."""
    scores = texts.scores
    if a in scores:
        return scores[a]
    score = None
    if usable_href(a.get("href")):
        text = texts[a]
        if not is_more_text(text):
            score = len(text) or len(a.get("title") or "") * 0.5
    scores[a] = score
    return score


def pick_link(record, texts: LinkTexts | None = None):
    """The title link of a record: the one with the longest visible text (or @title)."""
    if texts is None:
        texts = LinkTexts()
    if record.tag == "a":
        return record if link_score(record, texts) is not None else None
    best, best_len = None, -1
    scores = texts.scores
    for a in record.iter("a"):  # records nest: most anchors were weighed already (inline memo look-up)
        n = scores.get(a, _UNSCORED)
        if n is _UNSCORED:
            n = link_score(a, texts)
        if n is not None and n > best_len:
            best, best_len = a, n
    return best


def entry_from_record(record, base_url: str, window: DateWindow, link=None,
                      texts: LinkTexts | None = None) -> Entry | None:
    """Entry of one list record; the shown date wins, then a tooltip date, then the URL date."""
    if texts is None:
        texts = LinkTexts()
    if link is None:
        anchors = record.iter("a")
        a = next(anchors, None)
        if a is not None and next(anchors, None) is None:
            # the record's only anchor is its title link unless link_score refuses it (an unusable
            # href, a 更多 text): pick_link's answer, with the @href read once
            href = a.get("href")
            if not usable_href(href) or is_more_text(texts[a]):
                return None
            return link_entry(record, a, href, base_url, window, texts)
        link = pick_link(record, texts)
        if link is None:
            return None
    return link_entry(record, link, link.get("href"), base_url, window, texts)


def link_entry(record, a, href: str, base_url: str, window: DateWindow, texts: LinkTexts) -> Entry | None:
    """`entry_from_record` once the title link `a` is chosen; `href`: its @href as read (a reader
    that has read it already passes it on: attribute reads are a measurable part of a row's cost)."""
    href = href.strip()
    url = resolve(base_url, href)
    text = texts[a]
    tip_attr = a.get("title")
    # most anchors have no @title; one no longer than the text cannot be its fuller form (cleaning
    # never lengthens a string), so it is only cleaned when it may replace or complete the text
    attr_title = clean_text(tip_attr) if tip_attr and (not text or len(tip_attr) > len(text)) else ""
    title, title_full = text, None
    if not title:
        title = attr_title
    elif attr_title and attr_title != text and len(attr_title) > len(text) and (
            # not truncated: TRUNCATED_RE has nothing to cut, the text's head is its own
            text.rstrip().endswith(TRUNCATION_MARKS) or attr_title.startswith(text[:4])):
        if not _tooltip_date_label(attr_title):
            title_full = attr_title
    if not title:
        return None
    date, source = None, None
    rest = ""
    if record is not a:  # the record's text without its title link (normalise collapses the spaces)
        inner = texts.raw.get(a)
        rest = raw_text(record)
        rest = normalise(rest.replace(inner if inner is not None else raw_text(a), " ", 1) if rest else rest)
    found = find_full_dates(rest, window) if rest else []
    if found:
        date, source = max(found), "list:text"
    else:
        md = MONTH_DAY_RE.search(rest) if rest else None
        if md and len(rest) <= 40 and 1 <= int(md.group(1)) <= 12:
            date = resolve_month_day(int(md.group(1)), int(md.group(3)), window, year_from_url(url))
            source = "list:month-day" if date else None
    if date is None:
        inner = find_full_dates(normalise(text), window) if len(text) <= 200 else []
        if inner and re_date_at_end(text):
            date, source = inner[-1], "list:text"
    if date is None and tip_attr:
        tip = _tooltip_date_label(tip_attr)
        if tip:
            value = normalise(tip.group(3))
            got = find_full_dates(value, window)
            d = got[0] if got else parse_short_year(value, window)
            if d:
                date, source = d, "list:title-attr"
    if date is None:
        got = date_from_url_with_source(url, as_of=window)
        if got:
            date, source = got[0], got[1]
    return Entry(title=title, href=href, url=url, date=date, date_source=source, title_full=title_full)


END_DATE_RE = re.compile(r"((?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?)\s*[\])）]?\s*$")


def re_date_at_end(text: str) -> bool:
    return bool(END_DATE_RE.search(text))


def shown_dated(entries: list[Entry]) -> int:
    return sum(1 for e in entries if e.date_source and e.date_source.startswith("list:"))


def list_like(entries: list[Entry]) -> bool:
    """Whether records look like an information list rather than a menu or a link grid."""
    n = len(entries)
    if n == 0:
        return False
    dated = shown_dated(entries)
    if dated >= max(1, n * 0.5):
        return True
    if n < 2:
        return False
    lengths = [len(e.title) for e in entries]
    med = statistics.median(lengths)
    articleish = sum(1 for e in entries if looks_like_article_url(e.url)) / n
    if med >= 14 and n >= 3:
        return True
    return (med >= 5 and articleish >= 0.6) or (med >= 9 and articleish >= 0.3)


def fix_month_day_years(entries: list[Entry]) -> None:
    """Month-day dates in a newest-first list: a later row showing a later month-day belongs to the
    previous year (a list reading 11-20, 08-16, 03-27 spans two years, not one)."""
    md = [e for e in entries if e.date_source == "list:month-day" and e.date]
    if len(md) < 2:
        return
    keys = [(e.date.month, e.date.day) for e in md]
    descending = sum(1 for a, b in zip(keys, keys[1:], strict=False) if a >= b)
    if descending < 0.7 * (len(keys) - 1):
        return  # not a newest-first list: leave the as-of based years alone
    year = md[0].date.year
    prev = keys[0]
    for e, key in zip(md[1:], keys[1:], strict=False):
        if key > prev:
            year -= 1
        prev = key
        try:
            e.date = e.date.replace(year=year)
        except ValueError:  # 29 Feb
            e.date = None
            e.date_source = None
