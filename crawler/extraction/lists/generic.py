"""Fallback list finder: repeated sibling records that each hold a link (ul/li, table rows, dl, divs).

Every anchor belongs to the innermost repeated container around it, so a mega-menu holding lists, or a
page wrapper holding blocks, never swallows its children's items.
"""
from __future__ import annotations

import re
from collections import Counter

from crawler.extraction.dates import DateWindow, normalise
from lxml import etree

from crawler.extraction.html import LinkTexts, attr_classes, resolve, usable_href, visible_text
from crawler.extraction.lists.common import entry_from_record, is_more_text, list_like, pick_link
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


def find_blocks(doc, base_url: str, window: DateWindow, *, exclude=None,
                texts: LinkTexts | None = None) -> list[Block]:
    """All list-like blocks of a page in document order."""
    exclude = exclude or set()
    texts = LinkTexts() if texts is None else texts
    linked = linked_elements(doc)
    candidates = []  # (container, records)
    for el in doc.iter(*CONTAINER_TAGS):
        if el not in linked:
            continue
        recs = _records(el, linked)
        if recs:
            candidates.append((el, recs))
    # innermost container wins each title link
    owner: dict = {}
    links: dict = {}
    for container, recs in candidates:  # document order: outer first, so inner overwrites
        for rec in recs:
            link = links[rec] if rec in links else links.setdefault(rec, pick_link(rec, texts))
            if link is not None and link not in exclude:
                owner[link] = container
    doc_ids = _LazyIds(doc)
    blocks: list[Block] = []
    for container, recs in candidates:
        entries = []
        for rec in recs:
            link = links.get(rec)
            if link is None or owner.get(link) is not container:
                continue
            e = entry_from_record(rec, base_url, window, link=link, texts=texts)
            if e:
                entries.append(e)
        if not entries:
            continue
        if len(entries) < 2 and not (entries and entries[0].date_source and entries[0].date_source.startswith("list:")):
            continue
        if not list_like(entries):
            continue
        name, more = name_and_more(container, base_url, doc_ids, texts)
        method = "table" if container.tag in ("table", "tbody") else "generic-dom"
        blocks.append(Block(name=name, more_url=more, items=entries, method=method))
    return blocks


def heading_of(el) -> str:
    return normalise(_heading_text(el))
