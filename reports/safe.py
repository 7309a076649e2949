"""Keep page-derived text inert in spreadsheets, links and Markdown.

Titles and messages come from government pages we do not control; a title such as
`=HYPERLINK("http://x","y")` must stay text when an office opens the CSV or XLSX, and a link must
never become `javascript:`.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

# OWASP CSV injection: these first characters make Excel/WPS evaluate a cell.
FORMULA_START = re.compile(r"^[=+\-@\t\r]")
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")
WHITESPACE_RUN = re.compile(r"\s+")
# An ASCII http(s) URL without brackets: urlsplit would neither fail on it (IPv6 brackets, a netloc
# that normalises into a delimiter) nor give it another scheme.
_PLAIN_HTTP = re.compile(r"\s*https?://[\x21-\x5a\x5c\x5e-\x7e]*\s*\Z", re.I)


def is_formula_like(value: str) -> bool:
    return bool(FORMULA_START.match(value))


def csv_cell(value) -> str:
    """A CSV cell that spreadsheets show as text: formula-like strings get a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    return "'" + text if is_formula_like(text) else text


def http_url(url) -> str:
    """The URL if it is http(s), else "" (so no javascript:/data: link is ever rendered)."""
    if not url or not isinstance(url, str):
        return ""
    if _PLAIN_HTTP.match(url):   # most URLs, answered without urlsplit (a province asks 170,000 times)
        return url.strip()
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return ""
    return url.strip() if scheme in ("http", "https") else ""


def md_text(value) -> str:
    """Page text for Markdown: one line, markup characters escaped."""
    if value is None:
        return ""
    return MARKDOWN_SPECIAL.sub(r"\\\1", WHITESPACE_RUN.sub(" ", str(value)).strip())


def md_url(url) -> str:
    """An http(s) URL safe inside Markdown `(...)`: brackets and spaces percent-encoded."""
    url = http_url(url)
    for ch, enc in ((" ", "%20"), ("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E")):
        url = url.replace(ch, enc)
    return url
