"""lxml helpers: tolerant parsing, visible text, link resolution."""
from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from crawler.extraction.dates import normalise

SPACE_RUN_RE = re.compile(r"[\s\u00a0\u3000]+")


def clean_text(text: str) -> str:
    """Whitespace-collapsed text that keeps the page's own characters (titles stay as shown)."""
    return SPACE_RUN_RE.sub(" ", (text or "").replace("&nbsp;", " ")).strip()

XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
BAD_HREF_RE = re.compile(r"^\s*(?:javascript:|mailto:|tel:|#|data:|about:)", re.I)
INVISIBLE_TAGS = {"script", "style", "noscript", "template", "head", "title"}


def parse_html(text: str) -> lxml.html.HtmlElement:
    """Parse any text into an lxml tree; odd input gives an empty <html>, never an exception."""
    text = XML_DECL_RE.sub("", text or "")
    if not text.strip():
        return lxml.html.document_fromstring("<html><body></body></html>")
    try:
        doc = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        doc = lxml.html.document_fromstring("<html><body></body></html>")
    return doc


def strip_invisible(doc: lxml.html.HtmlElement) -> None:
    """Drop comments (commented-out old blocks must not be read) and script/style bodies."""
    etree.strip_elements(doc, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    etree.strip_elements(doc, "script", "style", "noscript", "template", with_tail=False)


def visible_text(el, *, skip=None) -> str:
    """Text of an element (scripts are stripped beforehand), optionally without one sub-element's text."""
    try:
        text = el.text_content()
    except (AttributeError, ValueError):
        return ""
    if skip is not None:
        try:
            inner = skip.text_content()
        except (AttributeError, ValueError):
            inner = ""
        if inner:
            text = text.replace(inner, " ", 1)
    return clean_text(text)


def usable_href(href: str | None) -> bool:
    return bool(href and href.strip() and not BAD_HREF_RE.match(href))


@lru_cache(maxsize=8192)
def resolve(base: str, href: str) -> str:
    try:
        return urljoin(base, href.strip().replace("\\", "/"))
    except ValueError:
        return href.strip()


@lru_cache(maxsize=8192)
def site_host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
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
