"""Fallback list finder: repeated sibling records that each hold a link (ul/li, table rows, dl, divs).

Every anchor belongs to the innermost repeated container around it, so a mega-menu holding lists, or a
page wrapper holding blocks, never swallows its children's items.
"""
from __future__ import annotations

import re
import statistics
from collections import Counter

from lxml import etree

from crawler.extraction.dates import DateWindow
from crawler.extraction.html import LinkTexts, attr_classes, clean_text, raw_text, resolve, usable_href, visible_text
from crawler.extraction.lists import locate
from crawler.extraction.lists.common import (
    entry_from_record,
    is_more_text,
    link_entry,
    list_like,
    looks_like_article_url,
    pick_link,
)
from crawler.extraction.model import Block

RECORD_TAGS = {"li", "tr", "dd", "dt", "div", "p", "span", "section", "article", "h3", "h4", "h5", "a"}
CONTAINER_TAGS = {"ul", "ol", "table", "tbody", "dl", "div", "section", "td", "article", "form", "span", "p"}
HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
HEADING_CLASS_RE = re.compile(r"(tit|title|hd|head|bt|name|caption|lanmu|lm)", re.I)
TAB_PANEL_RE = re.compile(r"^con_?([a-z]+)_?(\d+)$", re.I)
MORE_CLASS_RE = re.compile(r"more", re.I)
MORE_WORD_RE = re.compile(r"(更多|more|MORE|More)\s*[>»+]*")
MAX_HEADING_LEN = 16
ID_XPATH = etree.XPath("//*[@id]")


def _records(container, linked: set) -> list | None:
    """The container's children of its most common record tag that hold a usable link."""
    kids = [c for c in container if c in linked and c.tag in RECORD_TAGS]
    if not kids:
        return None
    first = kids[0].tag
    if all(c.tag == first for c in kids):
        recs = kids
    else:
        tag = Counter(c.tag for c in kids).most_common(1)[0][0]
        recs = [c for c in kids if c.tag == tag]
    if recs[0].tag == "a" and not all(_picture_link(a) for a in recs):
        return None  # bare anchors are records only as a picture/video strip (text-less, titled links)
    return recs


def _picture_link(a) -> bool:
    """A link shown as a picture: no text of its own, its title in @title."""
    return bool((a.get("title") or "").strip()) and not "".join(a.itertext()).strip()


def linked_elements(doc) -> set:
    """Every element holding a usable link, found in one upward walk per anchor (rather than a
    subtree scan per candidate container, which is quadratic in the nesting depth)."""
    linked: set = set()
    for a in doc.iter("a"):
        if not usable_href(a.get("href")):
            continue
        el = a
        while el is not None and el not in linked:
            linked.add(el)
            el = el.getparent()
    return linked


def _heading_text(el, texts: LinkTexts | None = None) -> str:
    texts = LinkTexts() if texts is None else texts
    text = visible_text(el)
    for a in el.iter("a"):
        t = texts[a]
        if is_more_text(t):
            text = text.replace(t, "")
    text = MORE_WORD_RE.sub("", text).strip(" >»+|")
    return text


def _more_link(el, base_url: str, texts: LinkTexts) -> str | None:
    for a in el.iter("a"):
        href = a.get("href")
        if not usable_href(href):
            continue
        t = texts[a]
        if is_more_text(t) or MORE_CLASS_RE.search(a.get("class") or "") or (
                not t and MORE_CLASS_RE.search(attr_classes(a.getparent()))):
            return resolve(base_url, href)
    return None


def _tab_header(container, doc_ids: dict):
    node = container
    for _ in range(3):
        if node is None:
            break
        m = TAB_PANEL_RE.match(node.get("id") or "")
        if m:
            header = doc_ids.get(f"{m.group(1)}{m.group(2)}")
            return header if header is not None else doc_ids.get(f"{m.group(1)}_{m.group(2)}")
        node = node.getparent()
    return None


def name_and_more(container, base_url: str, doc_ids: dict,
                  texts: LinkTexts | None = None) -> tuple[str | None, str | None]:
    """Heading text and 更多 link of a block: tab header, else the nearest short text before it."""
    texts = LinkTexts() if texts is None else texts
    more = _more_link(container, base_url, texts)
    tab = _tab_header(container, doc_ids)
    if tab is not None:
        name = _heading_text(tab, texts) or None
        if more is None:
            a = next((a for a in tab.iter("a") if usable_href(a.get("href"))), None)
            more = resolve(base_url, a.get("href")) if a is not None else None
        return name, more
    node = container
    for _ in range(4):
        parent = node.getparent()
        if parent is None or parent.tag == "html":
            break
        prev = node.getprevious()
        steps = 0
        while prev is not None and steps < 3:
            if isinstance(prev.tag, str) and prev.tag != "head":
                text = _heading_text(prev, texts)
                if more is None:
                    more = _more_link(prev, base_url, texts)
                if text and len(text) <= MAX_HEADING_LEN and not prev.findall(".//li"):
                    return text, more
                if text:
                    break
            prev = prev.getprevious()
            steps += 1
        for child in parent:
            if child is node:
                break
            if isinstance(child.tag, str) and (child.tag in HEADING_TAGS or HEADING_CLASS_RE.search(
                    attr_classes(child))):
                text = _heading_text(child, texts)
                if more is None:
                    more = _more_link(child, base_url, texts)
                if text and len(text) <= MAX_HEADING_LEN:
                    return text, more
        if more is None:
            for child in parent:
                if child is not node and isinstance(child.tag, str) and child.tag not in RECORD_TAGS | {"ul", "table"}:
                    more = _more_link(child, base_url, texts) or more
        node = parent
    return None, more


class _LazyIds(dict):
    """id → element, built on first use (only tabbed homepages need it)."""

    def __init__(self, doc):
        super().__init__()
        self._doc = doc
        self._built = False

    def get(self, key, default=None):
        if not self._built:
            self._built = True
            for el in ID_XPATH(self._doc):
                self[el.get("id")] = el  # the last of duplicate ids wins, as a dict build would
        return super().get(key, default)


# Any shown date needs a digit or 年; NFKC (dates.normalise) also makes digits of ①, ², ⅟ and of the
# CJK compatibility signs (㋀ → 1月, ㏩ → 10日), so those count too.
MAY_DATE_RE = re.compile(r"[\d年\u00b2\u00b3\u00b9\u00bc-\u00be\u2070-\u209f\u2150-\u218f\u2460-\u24ff"
                         r"\u2776-\u2793\u3220-\u33ff]")


def _candidates(root, linked: set) -> list:
    """(container, records) for every container under `root` (itself included), document order."""
    out = []
    for el in root.iter(*CONTAINER_TAGS):
        if el not in linked:
            continue
        recs = _records(el, linked)
        if recs:
            out.append((el, recs))
    return out


def _owners(candidates: list, texts: LinkTexts, exclude) -> tuple[dict, dict]:
    """record → its title link, and title link → the innermost container holding it."""
    owner: dict = {}
    links: dict = {}
    for container, recs in candidates:  # document order: outer first, so inner overwrites
        for rec in recs:
            link = links[rec] if rec in links else links.setdefault(rec, pick_link(rec, texts))
            if link is not None and link not in exclude:
                owner[link] = container
    return links, owner


def _may_be_list(pairs: list, base_url: str, texts: LinkTexts) -> bool:
    """Whether records could pass `list_like` once read, decided without reading them.

    The undated tests of `list_like` (title lengths, article-looking URLs) are computed exactly from
    the title links; the dated test gets an upper bound (records whose text holds any digit or 年, or
    whose link tooltip names a date). So a container skipped here would have been dropped anyway: a
    page's menus, column trees and footer link lists cost one pass over their links instead of the
    full per-record date reading."""
    titles = []
    for _, a in pairs:
        title = texts[a] or clean_text(a.get("title") or "")
        if title:
            titles.append((title, a))
    n = len(titles)
    if n == 0:
        return False
    if n >= 2:
        med = statistics.median(len(t) for t, _ in titles)
        if med >= 14 and n >= 3:
            return True
        if med >= 5:
            art = sum(1 for _, a in titles if looks_like_article_url(resolve(base_url, a.get("href").strip()))) / n
            if (art >= 0.6) or (med >= 9 and art >= 0.3):
                return True
    need = max(1.0, n * 0.5)
    dated = 0
    for rec, a in pairs:
        tip = a.get("title") or ""
        if ("时间" in tip or "日期" in tip) or MAY_DATE_RE.search(raw_text(rec) if rec is not a else texts[a]):
            dated += 1
            if dated >= need:
                return True
    return False


def _read_container(container, recs, links: dict, owner: dict, base_url: str, window: DateWindow,
                    texts: LinkTexts, prefilter: bool = True) -> list:
    pairs = []
    for rec in recs:
        link = links.get(rec)
        if link is not None and owner.get(link) is container:
            pairs.append((rec, link))
    if not pairs or (prefilter and not _may_be_list(pairs, base_url, texts)):
        return []
    entries = []
    for rec, link in pairs:
        e = entry_from_record(rec, base_url, window, link=link, texts=texts)
        if e:
            entries.append(e)
    return entries


def _kept(entries: list) -> bool:
    if not entries:
        return False
    if len(entries) < 2 and not (entries[0].date_source and entries[0].date_source.startswith("list:")):
        return False
    return list_like(entries)


def find_blocks(doc, base_url: str, window: DateWindow, *, exclude=None,
                texts: LinkTexts | None = None) -> list[Block]:
    """All list-like blocks of a page in document order."""
    exclude = exclude or set()
    texts = LinkTexts() if texts is None else texts
    linked = linked_elements(doc)
    candidates = _candidates(doc, linked)
    links, owner = _owners(candidates, texts, exclude)
    doc_ids = _LazyIds(doc)
    blocks: list[Block] = []
    for container, recs in candidates:
        entries = _read_container(container, recs, links, owner, base_url, window, texts)
        if not _kept(entries):
            continue
        name, more = name_and_more(container, base_url, doc_ids, texts)
        method = "table" if container.tag in ("table", "tbody") else "generic-dom"
        blocks.append(Block(name=name, more_url=more, items=entries, method=method,
                            locator=locate.locator_of(container)))
    return blocks


def _one_link_records(container) -> list | None:
    """(record, anchor, its @href) of each record of `container`, as `_candidates` and `_owners` would
    pair them, when every record holds exactly one anchor (`<li><a>…</a><span>date</span></li>`, the
    common list): one walk up from each anchor instead of the linked set, the candidate containers
    and the title-link choice. None for any other shape (bare anchors as records, records of several
    tags or several anchors, or an element between record and anchor that would be a container of
    its own and so own the anchor), which the general reading decides."""
    out = []
    tag = None
    last = None
    for a in container.iter("a"):
        href = a.get("href")
        usable = usable_href(href)
        rec = a.getparent()
        if rec is container:  # an anchor as a record
            return None
        rtag = rec.tag
        # a container holding the anchor as its own record (a picture link) would own it
        if usable and rtag in CONTAINER_TAGS and _picture_link(a):
            return None
        el = rec.getparent()
        while el is not container:
            etag = el.tag
            if usable and etag in CONTAINER_TAGS and rtag in RECORD_TAGS:
                return None
            rec, rtag = el, etag
            el = el.getparent()
        if rec is last:  # a record's second anchor
            return None
        last = rec
        if usable:
            if tag is None:
                tag = rtag
                if tag not in RECORD_TAGS:
                    return None
            elif rtag != tag:
                return None
            out.append((rec, a, href))
    return out


def read_located(doc, base_url: str, window: DateWindow, locator: str | None,
                 texts: LinkTexts | None = None) -> Block | None:
    """The list at `locator` (page 1's main list container) on a later page of the same list, read
    the way `find_blocks` reads it; None when the container is missing or holds no records."""
    container = locate.find(doc, locator)
    return read_container(container, base_url, window, locator, texts) if container is not None else None


def read_container(container, base_url: str, window: DateWindow, locator: str | None,
                   texts: LinkTexts | None = None) -> Block | None:
    """`read_located` once the container is found."""
    if container.tag not in CONTAINER_TAGS:
        return None
    texts = LinkTexts() if texts is None else texts
    rows = _one_link_records(container)
    if rows is not None:
        # each record's one usable anchor is its title link unless it reads as a 更多 link (link_score)
        entries = [e for rec, a, href in rows if not is_more_text(texts[a])
                   and (e := link_entry(rec, a, href, base_url, window, texts))]
    else:
        linked = linked_elements(container)
        if container not in linked:
            return None
        candidates = _candidates(container, linked)
        if not candidates or candidates[0][0] is not container:
            return None
        links, owner = _owners(candidates, texts, ())
        # the container is known to hold the list: a last page with one undated record still counts
        entries = _read_container(container, candidates[0][1], links, owner, base_url, window, texts,
                                  prefilter=False)
    if not entries or (len(entries) > 2 and not list_like(entries)):
        return None
    method = "table" if container.tag in ("table", "tbody") else "generic-dom"
    return Block(name=None, more_url=None, items=entries, method=method, locator=locator)
