"""`govwatch extract PAGE_OR_URL [--url ORIGINAL_URL] [--as-of D]`: the extraction of one page as JSON."""
from __future__ import annotations

import datetime as dt
import urllib.request
from pathlib import Path

from crawler.extraction.page import extract_page

USER_AGENT = "Mozilla/5.0 (compatible; govwatch/0.1; +https://github.com/govwatch)"
FETCH_TIMEOUT = 30


class ExtractError(Exception):
    """A page that could not be read, with the file or URL in the message."""


def _fetch(url: str) -> tuple[bytes, str | None, str]:
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310 - http(s) only (see read())
    try:
        with urllib.request.urlopen(req, timeout=FETCH_TIMEOUT) as resp:  # noqa: S310 - http(s) only
            return resp.read(), resp.headers.get_content_charset(), resp.geturl()
    except (OSError, ValueError) as exc:
        raise ExtractError(f"cannot fetch {url}: {exc}") from exc


def extract_command(page_or_url: str, original_url: str | None, as_of: dt.date) -> dict:
    """Read a file path, or fetch an http(s) URL, and return the page's extraction as JSON data."""
    if page_or_url.startswith(("http://", "https://")):
        body, charset, final_url = _fetch(page_or_url)
        url = original_url or final_url
    else:
        path = Path(page_or_url)
        try:
            body = path.read_bytes()
        except OSError as exc:
            raise ExtractError(f"cannot read {path}: {exc.strerror or exc}") from exc
        charset = None
        url = original_url or path.resolve().as_uri()
    result = extract_page(body, url, as_of=as_of, header_encoding=charset)
    out = result.to_json()
    out["as_of"] = as_of.isoformat()
    return out
