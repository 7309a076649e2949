"""What one attempt at a link saw: an HTTP answer (status, where it landed, type, length, the first
bytes of a GET) or a network failure, described in Chinese by `crawler.neterrors`.

Why its own type: a link's first attempt may be the crawl's own fetch of that page (a column the
walk read), a HEAD, or a ranged GET, and the verdict (`classify.py`) must read them alike.
"""
from __future__ import annotations

from dataclasses import dataclass

from crawler import neterrors

NOT_TEXT = "crawler.middlewares.NotTextBody"


@dataclass
class Answer:
    method: str                       # HEAD | GET | crawl (the walk's own fetch) | probe
    url: str                          # what was asked for
    status: int | None = None
    final_url: str | None = None      # where redirects landed
    content_type: str = ""
    length: int | None = None         # Content-Length as announced (None: not said)
    body: bytes | None = None         # the first bytes (GET only)
    complete: bool = True             # the body is whole (not cut after the first bytes)
    error: str | None = None          # a network failure, in Chinese with its detail
    phrase: str | None = None         # neterrors' phrase of that failure
    binary: bool = False              # binary data served as text (the body guard refused it)

    @property
    def redirected(self) -> bool:
        return bool(self.final_url) and self.final_url != self.url


def _header(response, name: bytes) -> str:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else ""


def from_response(response, method: str) -> Answer:
    """An answer from a Scrapy response (any status: HTTPERROR_ALLOW_ALL lets every one through)."""
    meta = response.meta
    asked = (meta.get("redirect_urls") or [response.url])[0]
    length = _header(response, b"Content-Length")
    body = None if method == "HEAD" else response.body
    return Answer(method=method, url=asked, status=response.status, final_url=response.url,
                  content_type=_header(response, b"Content-Type").lower(),
                  length=int(length) if length.isdigit() else None, body=body,
                  complete="download_stopped" not in (response.flags or []))


def from_failure(failure, method: str) -> Answer:
    """An answer from a failed request: the network error, or a guard's refusal (a WAF challenge is
    无法核实; binary data served as text/html is a file, not an error page)."""
    exc = failure.value
    request = failure.request
    asked = (request.meta.get("redirect_urls") or [request.url])[0]
    names = [f"{c.__module__}.{c.__qualname__}" for c in type(exc).__mro__]
    if NOT_TEXT in names:
        return Answer(method=method, url=asked, status=200, final_url=request.url, binary=True)
    response = getattr(exc, "response", None)
    return Answer(method=method, url=asked, final_url=request.url,
                  status=response.status if response is not None else None,
                  error=neterrors.describe(exc), phrase=neterrors.phrase(exc))
