"""Links a person can follow that are not plain anchors: redirects, frames and script-written links.

Why: real government sites hide much of their structure from a plain `<a href>` scan. A TRS
sidebar writes each entry with `document.write`, the name and the URL in JS variables
(`var str3='政策解读'; var str4='../zcjd/';`); a section hub only redirects to its first child
(`<meta http-equiv="Refresh">`, the same written by script, `location.href=…`); a board lives in a
frame. These are read from the page *before* scripts and the head are stripped for text reading.

Scripts are not run: a block's string variables are collected and each `document.write(…)`
argument, a concatenation of literals and those variables, is evaluated. That covers the
templates seen in the corpus without a JS engine, and fails safe (an unknown variable is empty).
"""
from __future__ import annotations

import re
from urllib.parse import unquote

from crawler.extraction.html import clean_text, resolve, usable_href
from crawler.extraction.model import Link

REFRESH_RE = re.compile(r"^\s*\d*\s*[;,]?\s*(?:url\s*=\s*)?['\"]?([^'\"]+?)['\"]?\s*$", re.I)
ASSIGN_RE = re.compile(r"(?:\bvar\s+|\blet\s+|\bconst\s+|^|[;{}\s])([A-Za-z_$][\w$]*)\s*=\s*(['\"])((?:\\.|(?!\2).)*)\2",
                       re.M)
WRITE_RE = re.compile(r"document\.write(?:ln)?\s*\(")
TOKEN_RE = re.compile(r"\s*(?:(['\"])((?:\\.|(?!\1).)*)\1|(unescape|decodeURIComponent)\s*\(|([A-Za-z_$][\w$.]*)|(\+)|(\)))",
                      re.S)
# a redirect the page performs on load (not a handler inside a function body we cannot judge)
LOCATION_RE = re.compile(r"(?:window\.|self\.|top\.|document\.)?location(?:\.href)?\s*=\s*(['\"])([^'\"]+)\1|"
                         r"location\.replace\s*\(\s*(['\"])([^'\"]+)\3\s*\)")
WINDOW_OPEN_RE = re.compile(r"window\.open\s*\(\s*(['\"])([^'\"]+)\1")
ANCHOR_RE = re.compile(r"<a\b([^>]*)>(.*?)</a\s*>", re.I | re.S)
HREF_RE = re.compile(r"\bhref\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.I)
TITLE_RE = re.compile(r"\b(?:title|alt)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", re.I)
META_REFRESH_RE = re.compile(r"<meta\b[^>]*http-equiv\s*=\s*['\"]?refresh['\"]?[^>]*content\s*=\s*['\"]([^'\"]*)['\"]",
                             re.I)
TAG_RE = re.compile(r"<[^>]+>")
MAX_SCRIPT_CHARS = 20_000


def _unescape_js(s: str) -> str:
    return s.replace("\\'", "'").replace('\\"', '"').replace("\\/", "/")


def _evaluate(text: str, start: int, env: dict[str, str]) -> tuple[str, int]:
    """The value of a `+`-concatenation of string literals, variables and unescape() calls, read
    from `start` up to the closing ')'; and where it ended."""
    out: list[str] = []
    pos = start
    while pos < len(text):
        m = TOKEN_RE.match(text, pos)
        if m is None:
            break
        pos = m.end()
        if m.group(1):
            out.append(_unescape_js(m.group(2) or ""))
        elif m.group(3):
            inner, pos = _evaluate(text, pos, env)
            out.append(unquote(inner))
        elif m.group(4):
            out.append(env.get(m.group(4), ""))
        elif m.group(6):
            break
    return "".join(out), pos


def _written_html(script: str) -> list[str]:
    """Each document.write() argument of one script block, with the block's string variables."""
    if "document.write" not in script:
        return []
    env = {m.group(1): _unescape_js(m.group(3)) for m in ASSIGN_RE.finditer(script)}
    return [_evaluate(script, m.end(), env)[0] for m in WRITE_RE.finditer(script)]


def written_html(script: str) -> list[str]:
    """The markup a script block writes with document.write (crawler/content/hidden.py asks
    whether it is hidden)."""
    return _written_html(script[:MAX_SCRIPT_CHARS])


def _anchors(fragment: str, url: str, source: str) -> list[Link]:
    out = []
    for m in ANCHOR_RE.finditer(fragment):
        attrs, inner = m.group(1), m.group(2)
        h = HREF_RE.search(attrs)
        href = next((g for g in h.groups() if g is not None), None) if h else None
        if not usable_href(href):
            continue
        name = clean_text(TAG_RE.sub("", inner))
        if not name:
            t = TITLE_RE.search(attrs) or TITLE_RE.search(inner)
            name = clean_text(next((g for g in t.groups() if g is not None), "")) if t else ""
        out.append(Link(name=name, url=resolve(url, href.strip()), source=source))
    return out


def _refresh_target(content: str | None) -> str | None:
    if not content:
        return None
    m = REFRESH_RE.match(content)
    if not m or not re.search(r"url\s*=", content, re.I) and not re.match(r"^\s*\d+\s*;\s*\S", content):
        return None
    target = m.group(1).strip()
    return target or None


def _meta_redirect(doc, url: str) -> str | None:
    for meta in doc.iter("meta"):
        if (meta.get("http-equiv") or "").strip().lower() == "refresh":
            target = _refresh_target(meta.get("content"))
            if target and usable_href(target):
                return resolve(url, target)
    return None


def _script_redirect(text: str, written: list[str], url: str) -> str | None:
    """A meta refresh a script writes, or a top-level `location.href = '…'`."""
    for html in written:
        m = META_REFRESH_RE.search(html)
        target = _refresh_target(m.group(1)) if m else None
        if target and usable_href(target):
            return resolve(url, target)
    if "function" in text:
        return None   # a location change inside a handler is not a redirect on load
    m = LOCATION_RE.search(text)
    target = (m.group(2) or m.group(4)) if m else None
    return resolve(url, target) if target and usable_href(target) else None


def read_scripts(doc, url: str) -> tuple[str | None, list[Link]]:
    """Where the page sends its visitor on load (a meta refresh in the markup or written by a
    script, or a top-level `location.href`), and the links scripts write (sidebars, menus,
    `window.open`) plus frame sources. Each script is evaluated once. Call before stripping."""
    moved_to = _meta_redirect(doc, url)
    out: list[Link] = []
    for script in doc.iter("script"):
        text = (script.text or "")[:MAX_SCRIPT_CHARS]
        if not text:
            continue
        written = _written_html(text)
        if moved_to is None:
            moved_to = _script_redirect(text, written, url)
        for html in written:
            out += _anchors(html, url, "script")
        for m in WINDOW_OPEN_RE.finditer(text):
            # window.open("/syqt/wzjc/index.html?url=" + document.URL): the page, not its argument
            target = m.group(2).split("?", 1)[0] if m.group(2).endswith("=") else m.group(2)
            if usable_href(target):
                out.append(Link(name="", url=resolve(url, target), source="script"))
    for tag in ("frame", "iframe"):
        for el in doc.iter(tag):
            src = el.get("src")
            if usable_href(src):
                out.append(Link(name=clean_text(el.get("title") or el.get("name") or ""),
                                url=resolve(url, src.strip()), source="frame"))
    return moved_to, out
