"""Generic pagers: 共N条 / 共N页 text, ?page=N / pageNum=N / index_N links, 下一页 / 尾页 links.

Also the page-number slot of a pager URL (`page_slot`, `slot_url`), shared with the board pager: a
page parameter (`?page=3`) or a path suffix (`index_3.html`, `/3/`, `-3.html`)."""
from __future__ import annotations

import math
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from crawler.extraction.html import LinkTexts, resolve, usable_href, visible_text
from crawler.extraction.model import Pagination

# NUMBER: at most nine digits, not part of a longer run (int() of 4,300+ digits raises; a billion pages
# is no pager anyway)
NUMBER = r"(?<!\d)(\d{1,9})(?!\d)"
TOTAL_ITEMS_RE = re.compile(r"共\s*" + NUMBER + r"\s*(?:条|篇|项|个|记录)")
TOTAL_PAGES_RE = re.compile(r"共\s*" + NUMBER + r"\s*页|(?:第\s*\d+\s*页\s*/\s*|\d+\s*/\s*)" + NUMBER + r"\s*页")
PER_PAGE_RE = re.compile(r"每页\s*" + NUMBER + r"\s*(?:条|篇|项)")
MAX_PAGE_URLS = 10_000  # pages one list page names; past them its 下一页 chain carries on
NEXT_TEXT_RE = re.compile(r"^\s*(下一页|下页|后一页|next|>|›|»)\s*$", re.I)
LAST_TEXT_RE = re.compile(r"^\s*(尾页|末页|最后一页|last|»»)\s*$", re.I)
PAGE_PARAM_RE = re.compile(r"^(page|pagenum|pageno|pageindex|curpage|currpage|currentpage|current|p|pn|cpage|"
                           r"page_no|page_index)$", re.I)
PATH_PAGE_RE = re.compile(r"(_|/|-)(\d{1,4})(\.s?html?|\.jsp|\.aspx?|/)?$")
YEAR_MIN, YEAR_MAX = 1990, 2100
INDEX_N_RE = re.compile(r"^(.*/)?([\w-]+)_(\d+)\.(s?html?)$")
# the record count of an EmpireCMS pager: <a title="Total record">&nbsp;<b>852</b> </a>
TOTAL_RECORD_TITLES = {"total record", "total records", "总记录", "总记录数"}


def small_int(text: str, digits: int = 9) -> int | None:
    """`text` as a number when it is 1..`digits` decimal digits; else None (int() refuses superscript
    digits, which str.isdigit() accepts, and digit runs past 4,300 characters)."""
    return int(text) if text.isdecimal() and len(text) <= digits else None


def set_query_param(url: str, name: str, value: int | str) -> str:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if any(k == name for k, _ in query):
        query = [(k, str(value) if k == name else v) for k, v in query]
    else:
        query.append((name, str(value)))
    return urlunsplit(parts._replace(query=urlencode(query)))


def page_param(url: str) -> tuple[str, int] | None:
    """The page parameter of a URL and its value (`?uid=1&pageNum=3` → ("pageNum", 3))."""
    for k, v in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if PAGE_PARAM_RE.match(k) and (n := small_int(v)) is not None:
            return k, n
    return None


def page_slot(url: str) -> tuple[tuple, int] | None:
    """(family, number) of a pager URL: where its page number sits and the number. The URLs of one
    pager share the family; page 1 usually has no number (`index.html`) and no family."""
    parts = urlsplit(url)
    param = page_param(url)
    if param:
        return ("q", parts.scheme, parts.netloc, parts.path, param[0]), param[1]
    m = PATH_PAGE_RE.search(parts.path)
    if m:
        return ("p", parts.scheme, parts.netloc, parts.path[:m.start()], m.group(1), m.group(3) or "",
                parts.query), int(m.group(2))
    return None


def slot_url(family: tuple, sample: str, n: int) -> str:
    """Page `n` of the pager `family` (`sample`: any URL of it)."""
    if family[0] == "q":
        return set_query_param(sample, family[4], n)
    _, scheme, netloc, prefix, sep, suffix, query = family
    return urlunsplit((scheme, netloc, f"{prefix}{sep}{n}{suffix}", query, ""))


def _pages_to_last(url: str, last_href: str | None, page_links: dict[int, str]) -> int | None:
    """The page count a 尾页 link names: its URL number plus the offset the numbered links show
    (EmpireCMS `index_57.html` with `2` → `index_2.html`: 57 pages; TRS `index_55.html`: 56)."""
    last = page_slot(resolve(url, last_href)) if last_href else None
    if last is None:
        return None
    for shown, href in page_links.items():
        slot = page_slot(resolve(url, href))
        if slot and slot[0] == last[0]:
            return last[1] + shown - slot[1]
    return None


def _page_param_urls(url: str, last_href: str | None, total_pages: int) -> list[str]:
    if not last_href:
        return []
    parts = urlsplit(last_href)
    q = parse_qsl(parts.query, keep_blank_values=True)
    key = next((k for k, _ in q if PAGE_PARAM_RE.match(k)), None)
    if key:
        out = []
        for n in range(2, min(total_pages, MAX_PAGE_URLS) + 1):
            q2 = [(k, str(n) if k == key else v) for k, v in q]
            out.append(urlunsplit(parts._replace(query=urlencode(q2))))
        return out
    m = INDEX_N_RE.match(parts.path)
    if m:
        first = int(m.group(3))
        base = (m.group(1) or "") + m.group(2)
        zero_based = first == total_pages - 1
        rng = (range(1, total_pages) if zero_based else range(2, total_pages + 1))[:MAX_PAGE_URLS]
        return [urlunsplit(parts._replace(path=f"{base}_{i}.{m.group(4)}")) for i in rng]
    return []


def _pager_numbers(page_links: dict[int, str]) -> dict[int, str]:
    """Digit links that form a pager: at least two, starting at page 1 or 2. A year link ("2018" in an
    archive menu) is not a page number, or a homepage would claim thousands of pages."""
    nums = {n: h for n, h in page_links.items() if n >= 1 and not YEAR_MIN <= n <= YEAR_MAX}
    if len(nums) < 2 or min(nums) > 2:
        return {}
    return nums


def pagination(doc, url: str, text: str, texts: LinkTexts | None = None, *,
               with_urls: bool = True) -> Pagination | None:
    """A pager read from visible text and links; None when the page shows none. `with_urls=False`
    (a later page of a list whose pages are known) keeps the counts and 下一页 but builds no URLs."""
    items = int(m.group(1)) if "共" in text and (m := TOTAL_ITEMS_RE.search(text)) else None
    pages = None
    if "页" in text and (m := TOTAL_PAGES_RE.search(text)):  # the pattern scans every digit otherwise
        pages = int(m.group(1) or m.group(2))
    per = int(m.group(1)) if "每页" in text and (m := PER_PAGE_RE.search(text)) else None
    next_href = last_href = None
    page_links: dict[int, str] = {}
    for a in doc.iter("a"):
        t = (texts[a] if texts is not None else visible_text(a)) or (a.get("title") or "")
        if len(t) > 6 and not t[0].isspace() and not t[-1].isspace():
            continue  # longer than any pager word or page number: most of a page's links
        href = a.get("href")
        if not usable_href(href):
            if items is None and (a.get("title") or "").strip().lower() in TOTAL_RECORD_TITLES:
                items = small_int(t.strip())
            continue
        if next_href is None and NEXT_TEXT_RE.match(t):
            next_href = href.strip()
        elif last_href is None and LAST_TEXT_RE.match(t):
            last_href = href.strip()
        elif (n := small_int(t, 4)) is not None:
            page_links[n] = href.strip()
    if pages is None and last_href:   # a link that shares 尾页's number slot is no year link
        pages = _pages_to_last(url, last_href, page_links)
    page_links = _pager_numbers(page_links)
    if pages is None and items and per:
        pages = math.ceil(items / per)
    if pages is None and page_links:
        pages = max(page_links)
    if items is None and pages is None and next_href is None:
        return None
    pag = Pagination(total_pages=pages, total_items=items, next_page_href=next_href,
                     mechanism="generic:pager text/links", per_page=per)
    if not with_urls:
        return pag
    if pages and pages > 1:
        template = last_href or next_href or (page_links.get(max(page_links)) if page_links else None)
        absolute = resolve(url, template) if template else None
        pag.page_urls = _page_param_urls(url, absolute, pages)
        if not pag.page_urls:
            pag.page_urls = [resolve(url, page_links[n]) for n in sorted(page_links) if n >= 2]
    elif next_href:
        pag.page_urls = [resolve(url, next_href)]
    return pag
