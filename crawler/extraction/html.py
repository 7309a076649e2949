"""lxml helpers: tolerant parsing, visible text, link resolution."""
from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from lxml import etree


def clean_text(text: str) -> str:
    """Whitespace-collapsed text that keeps the page's own characters (titles stay as shown).
    str.split cuts at runs of Unicode whitespace (U+00A0 and U+3000 among them, the same set as
    the regex class [\\s\\u00a0\\u3000]), cheaper than a regex on the short texts of list rows."""
    return " ".join((text or "").replace("&nbsp;", " ").split())

XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
BAD_HREF_RE = re.compile(r"^\s*(?:javascript:|mailto:|tel:|#|data:|about:)", re.I)


# Plain etree elements, not lxml.html's: HtmlElement resolves its Python class through a Python callback
# for every element proxy, a measurable share of a list page's time. Comments are dropped while parsing
# (commented-out old blocks must never be read).
STRING_XPATH = etree.XPath("string()", smart_strings=False)


def text_of(el) -> str:
    """The element's string value (= STRING_XPATH), serialised by libxml2 without an XPath context:
    cheaper per call (bench/README.md), and records, anchors and blocks are read by the hundred per page."""
    return etree.tostring(el, method="text", encoding=str, with_tail=False)
EMPTY_HTML = "<html><body></body></html>"


def _parser(encoding: str | None = None) -> etree.HTMLParser:
    return etree.HTMLParser(remove_comments=True, remove_pis=True, encoding=encoding)


LI_OPEN_RE = re.compile(r"<li\b", re.I)
LI_CLOSE_RE = re.compile(r"</li\s*>", re.I)


def close_open_items(text: str) -> str:
    """Old templates leave <li><a><span> unclosed; libxml2 then nests every row inside the one
    before it (an <li> start does not close an open <span>). When <li> outnumber </li>, close the
    previous item before each new one, as an HTML5 parser would; a stray </li> is ignored.
    Returns `text` itself when nothing changes (parse_html and parse_head test that identity)."""
    opened = len(LI_OPEN_RE.findall(text))
    if opened and opened > len(LI_CLOSE_RE.findall(text)):
        return LI_OPEN_RE.sub(lambda m: "</li>" + m.group(0), text)
    return text


def parse_html(text: str, utf8: bytes | None = None) -> etree._Element:
    """Parse any text into an lxml tree; odd input gives an empty <html>, never an exception.
    `utf8`: the bytes `text` is the exact UTF-8 reading of, when the caller has them: libxml2 then
    reads them as they are (a str goes in as UTF-16 and is converted back) unless the text needs a
    change first (an XML declaration to drop, unclosed items to close)."""
    text = text or ""
    if XML_DECL_RE.match(text):
        text, utf8 = XML_DECL_RE.sub("", text), None
    closed = close_open_items(text)
    if closed is not text:
        text, utf8 = closed, None
    doc = None
    if text.strip():
        try:
            doc = etree.fromstring(text, _parser()) if utf8 is None else etree.fromstring(utf8, _parser("utf-8"))
        except (etree.ParserError, etree.XMLSyntaxError, ValueError):
            doc = None
    if doc is None or not isinstance(doc.tag, str):
        doc = etree.fromstring(EMPTY_HTML, _parser())
    return doc


def parse_head(text: str, utf8: bytes | None, end: int) -> etree._Element | None:
    """The tree of the page's start, up to `end` (an offset in `utf8` when given, else in `text`), as
    `parse_html` builds it for the whole page up to there; None when parse_html would change the text
    before parsing (an XML declaration to drop, unclosed items to close: the whole text decides)."""
    if not text or XML_DECL_RE.match(text) or close_open_items(text) is not text:
        return None
    try:
        doc = etree.fromstring(utf8[:end], _parser("utf-8")) if utf8 is not None else \
            etree.fromstring(text[:end], _parser())
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None
    return doc if doc is not None and isinstance(doc.tag, str) else None


def drop_tree(el) -> None:
    """Remove an element and its content, keeping the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


class LinkTexts(dict):
    """Visible text of each anchor of one page, computed once: the list finder, the pager reader and
    column discovery all look at the same anchors."""

    def __init__(self):
        super().__init__()
        self.scores: dict = {}  # anchor -> title-link score (None: unusable href or a 更多 link)
        self.raw: dict = {}  # anchor -> its text as in the tree (uncollapsed), to cut it out of a record

    def __missing__(self, a) -> str:
        # an anchor with no child nodes: its string value is its text (no serialiser call)
        raw = self.raw[a] = (a.text or "") if not len(a) and isinstance(a.tag, str) else raw_text(a)
        text = self[a] = clean_text(raw)
        return text


def raw_text(el) -> str:
    """The element's text nodes joined as they are (scripts are stripped beforehand)."""
    try:
        return text_of(el)
    except (TypeError, ValueError, etree.LxmlError):
        return ""


def strip_invisible(doc) -> None:
    """Drop comments (commented-out old blocks must not be read) and script/style bodies."""
    etree.strip_elements(doc, etree.Comment, etree.ProcessingInstruction, "script", "style", "noscript",
                         "template", with_tail=False)  # one walk of the tree for all of them


def visible_text(el, *, skip=None) -> str:
    """Text of an element (scripts are stripped beforehand), optionally without one sub-element's text."""
    try:
        text = text_of(el)
    except (TypeError, ValueError, etree.LxmlError):
        return ""
    if skip is not None:
        try:
            inner = text_of(skip)
        except (TypeError, ValueError, etree.LxmlError):
            inner = ""
        if inner:
            text = text.replace(inner, " ", 1)
    return clean_text(text)


BAD_HREF_FIRST = frozenset("jJmMtTdDaA#")  # first letters of the refused schemes, and "#"


def usable_href(href: str | None) -> bool:
    if not href:
        return False
    first = href[0]
    if first not in BAD_HREF_FIRST and not first.isspace():
        return True  # most hrefs ("/…", "./…", "http…"): no regex needed
    return bool(href.strip() and not BAD_HREF_RE.match(href))


@lru_cache(maxsize=256)
def _base_parts(base: str) -> tuple[str, str] | None:
    """(origin, folder) of a plain http(s) page URL, for joining simple hrefs without urljoin (not for
    paths with empty segments: urljoin drops those)."""
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc or "/." in parts.path or "//" in parts.path:
        return None
    return f"{parts.scheme}://{parts.netloc}", parts.path[:parts.path.rfind("/") + 1] or "/"


def _simple_join(base: str, href: str) -> str | None:
    """The join of the common href shapes (absolute, /rooted, plain relative) is a concatenation;
    None for anything needing urljoin (dot segments, //host, query-only, other schemes)."""
    if not href or "/." in href or "?#" in href or href[-1] in "#?":
        return None
    if href.startswith(("http://", "https://")):
        return href if href.count("/") >= 3 and "//" not in href[8:] else None
    if "//" in href or href[0] in "?#":  # //host; urljoin drops empty path segments
        return None
    slash = href.find("/")
    if ":" in (href if slash < 0 else href[:slash]):  # another scheme
        return None
    got = _base_parts(base)
    if got is None:
        return None
    if href[0] == ".":
        if not href.startswith("./"):
            return None
        href = href[2:]
        if not href or href[0] in "./":
            return None
    return got[0] + href if href[0] == "/" else got[0] + got[1] + href


@lru_cache(maxsize=8192)
def resolve(base: str, href: str) -> str:
    href = href.strip().replace("\\", "/")
    joined = _simple_join(base, href)
    if joined is not None:
        return joined
    try:
        return urljoin(base, href)
    except ValueError:
        return href


@lru_cache(maxsize=8192)
def site_host(url: str) -> str:
    netloc = None
    if url.startswith(("http://", "https://")):  # the common case, read without urlsplit
        start = url.index("//") + 2
        end = len(url)
        for stop in "/?#":
            i = url.find(stop, start)
            if i != -1 and i < end:
                end = i
        netloc = url[start:end]
        if any(c in netloc for c in "@:[\\ ") or not netloc.isascii() or not netloc.isprintable():
            netloc = None
    host = netloc.lower() if netloc is not None else (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def same_site(url: str, base: str) -> bool:
    host, base_host = site_host(url), site_host(base)
    if not host or not base_host:
        return False
    return host == base_host or host.endswith("." + base_host)


def meta_map(doc) -> dict[str, str]:
    """<meta name=… content=…> in either attribute order, keyed case-insensitively."""
    out: dict[str, str] = {}
    for m in doc.iter("meta"):
        name = m.get("name") or m.get("property") or m.get("itemprop") or m.get("http-equiv")
        content = m.get("content")
        if name and content is not None:
            out.setdefault(name.strip().lower(), content.strip())
    return out


def attr_classes(el) -> str:
    return ((el.get("class") or "") + " " + (el.get("id") or "")).lower()
