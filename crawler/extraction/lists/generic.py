"""Fallback list finder: repeated sibling records that each hold a link (ul/li, table rows, dl, divs).

Every anchor belongs to the innermost repeated container around it, so a mega-menu holding lists, or a
page wrapper holding blocks, never swallows its children's items.
"""
from __future__ import annotations

import re
from collections import Counter

from crawler.extraction.dates import DateWindow, normalise
from crawler.extraction.html import attr_classes, resolve, usable_href, visible_text
from crawler.extraction.lists.common import entry_from_record, is_more_text, list_like, pick_link
from crawler.extraction.model import Block

RECORD_TAGS = {"li", "tr", "dd", "dt", "div", "p", "span", "section", "article", "h3", "h4", "h5"}
CONTAINER_TAGS = {"ul", "ol", "table", "tbody", "dl", "div", "section", "td", "article", "form", "span", "p"}
HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
HEADING_CLASS_RE = re.compile(r"(tit|title|hd|head|bt|name|caption|lanmu|lm)", re.I)
TAB_PANEL_RE = re.compile(r"^con_?([a-z]+)_?(\d+)$", re.I)
MORE_CLASS_RE = re.compile(r"more", re.I)
MAX_HEADING_LEN = 16


def _records(container) -> tuple[str, list] | None:
    kids = [c for c in container if isinstance(c.tag, str) and c.tag in RECORD_TAGS]
    if not kids:
        return None
    with_links = [c for c in kids if any(usable_href(a.get("href")) for a in c.iter("a"))]
    if not with_links:
        return None
    tag = Counter(c.tag for c in with_links).most_common(1)[0][0]
    recs = [c for c in with_links if c.tag == tag]
    return tag, recs


def _heading_text(el) -> str:
    text = visible_text(el)
    for a in el.iter("a"):
        t = visible_text(a)
        if is_more_text(t):
            text = text.replace(t, "")
    text = re.sub(r"(更多|more|MORE|More)\s*[>»+]*", "", text).strip(" >»+|")
    return text


def _more_link(el, base_url: str) -> str | None:
    for a in el.iter("a"):
        href = a.get("href")
        if not usable_href(href):
            continue
        t = visible_text(a)
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


def name_and_more(container, base_url: str, doc_ids: dict) -> tuple[str | None, str | None]:
    """Heading text and 更多 link of a block: tab header, else the nearest short text before it."""
    more = _more_link(container, base_url)
    tab = _tab_header(container, doc_ids)
    if tab is not None:
        name = _heading_text(tab) or None
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
                text = _heading_text(prev)
                if more is None:
                    more = _more_link(prev, base_url)
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
                text = _heading_text(child)
                if more is None:
                    more = _more_link(child, base_url)
                if text and len(text) <= MAX_HEADING_LEN:
                    return text, more
        if more is None:
            for child in parent:
                if child is not node and isinstance(child.tag, str) and child.tag not in RECORD_TAGS | {"ul", "table"}:
                    more = _more_link(child, base_url) or more
        node = parent
    return None, more


def find_blocks(doc, base_url: str, window: DateWindow, *, exclude=None) -> list[Block]:
    """All list-like blocks of a page in document order."""
    exclude = exclude or set()
    candidates = []  # (container, records)
    for el in doc.iter():
        if not isinstance(el.tag, str) or el.tag not in CONTAINER_TAGS:
            continue
        got = _records(el)
        if got:
            candidates.append((el, got[1]))
    # innermost container wins each title link
    owner: dict = {}
    links: dict = {}
    for container, recs in candidates:  # document order: outer first, so inner overwrites
        for rec in recs:
            link = links[rec] if rec in links else links.setdefault(rec, pick_link(rec))
            if link is not None and link not in exclude:
                owner[link] = container
    doc_ids = {el.get("id"): el for el in doc.iter() if isinstance(el.tag, str) and el.get("id")}
    blocks: list[Block] = []
    for container, recs in candidates:
        entries = []
        for rec in recs:
            link = links.get(rec)
            if link is None or owner.get(link) is not container:
                continue
            e = entry_from_record(rec, base_url, window, link=link)
            if e:
                entries.append(e)
        if not entries:
            continue
        if len(entries) < 2 and not (entries and entries[0].date_source and entries[0].date_source.startswith("list:")):
            continue
        if not list_like(entries):
            continue
        name, more = name_and_more(container, base_url, doc_ids)
        method = "table" if container.tag in ("table", "tbody") else "generic-dom"
        blocks.append(Block(name=name, more_url=more, items=entries, method=method))
    return blocks


def heading_of(el) -> str:
    return normalise(_heading_text(el))
