"""Every link a page carries, for the link check (链接可用性): anchors, images, scripts, stylesheets,
frames, media and attachments.

Why here, from the tree `extract_first_page` already parsed: a page is parsed once. The walk's
discovery (`navigation.py`) keeps only the links that may lead to columns; an inspector counting
不可用链接 counts every link a visitor can click or a page loads, so this reads the whole tree,
before scripts and styles are stripped for text reading (a `<script src>` is a link too). Script-
written links (`links.read_scripts`) are added: visitors see them. Nothing is fetched here.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from crawler.extraction.html import clean_text, raw_text, resolve, usable_href

# the files a government page offers for download (OFD and CEB are China's own document formats)
ATTACHMENT_EXTS = frozenset(("pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "wps", "et", "dps", "ofd",
                             "ceb", "zip", "rar", "7z", "tar", "gz", "txt", "csv", "rtf"))
IMAGE_EXTS = frozenset(("jpg", "jpeg", "png", "gif", "bmp", "webp", "svg", "ico", "tif", "tiff"))
MEDIA_EXTS = frozenset(("mp4", "flv", "mp3", "avi", "wmv", "swf", "mov", "m4v"))
# element -> (the attribute holding the URL, the kind of link)
SOURCES = {
    "a": ("href", "page"), "area": ("href", "page"),
    "img": ("src", "image"), "script": ("src", "script"),
    "iframe": ("src", "frame"), "frame": ("src", "frame"),
    "embed": ("src", "media"), "source": ("src", "media"), "video": ("src", "media"),
    "audio": ("src", "media"), "object": ("data", "media"),
    "link": ("href", None),   # by its rel: a stylesheet or an icon; others (canonical, alternate) are no link
}
TEXT_CHARS = 60


def extension(url: str) -> str:
    """The lower-case extension of the URL's last path segment ('' without one)."""
    path = urlsplit(url).path
    name = path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def kind_of(url: str, element_kind: str) -> str:
    """An anchor to a .pdf is an attachment, to a .jpg an image; other elements keep their kind."""
    if element_kind != "page":
        return element_kind
    ext = extension(url)
    if ext in ATTACHMENT_EXTS:
        return "attachment"
    if ext in IMAGE_EXTS:
        return "image"
    if ext in MEDIA_EXTS:
        return "media"
    return "page"


def _link_kind(el) -> str | None:
    rel = (el.get("rel") or "").lower()
    if "stylesheet" in rel:
        return "style"
    if "icon" in rel:
        return "image"
    return None


def _text(el, tag: str) -> str:
    if tag in ("a", "area"):
        text = clean_text(raw_text(el)) or clean_text(el.get("title") or el.get("alt") or "")
        if not text:
            img = next(el.iter("img"), None)
            text = clean_text(img.get("alt") or "") if img is not None else ""
    else:
        text = clean_text(el.get("alt") or el.get("title") or "")
    return text[:TEXT_CHARS]


def page_links(doc, url: str, script_links=()) -> list[tuple[str, str, str]]:
    """(absolute URL without its fragment, kind, text) of each http(s) link of the page, each URL
    once (its first element decides kind and text). Kinds: page | attachment | image | script |
    style | frame | media."""
    out: dict[str, tuple[str, str, str]] = {}
    for el in doc.iter(*SOURCES):
        tag = el.tag
        attr, kind = SOURCES[tag]
        href = el.get(attr)
        if not usable_href(href):
            continue
        if kind is None:
            kind = _link_kind(el)
            if kind is None:
                continue
        target = resolve(url, href.strip()).split("#", 1)[0]
        if not target.startswith(("http://", "https://")) or target in out:
            continue
        out[target] = (target, kind_of(target, kind), _text(el, tag))
    for link in script_links:
        target = link.url.split("#", 1)[0]
        if target.startswith(("http://", "https://")) and target not in out:
            out[target] = (target, kind_of(target, "page"), (link.name or "")[:TEXT_CHARS])
    return list(out.values())
