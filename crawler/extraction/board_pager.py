"""Where the other pages of a board are: plain links, ASP.NET postbacks, JSON data endpoints.

Why separate from the letter parsing: a board's letters and its pager are independent; the spider
needs the pager's URLs (or POST forms) even when a page shows no letters at all.
"""
from __future__ import annotations

import math
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup, Tag

NEXT_WORDS = {"下一页", "下页", "后一页", ">", ">>", "›", "»", "下一页>", "下一页>>", "next", "Next"}
# 首页/第一页 are left out: page 1 is the page in hand, and a breadcrumb's 首页 is the homepage
OTHER_PAGER_WORDS = {"尾页", "末页", "最后一页", "上一页", "上页", "前一页", "<", "<<", "‹", "«"}
PAGER_TEXT_RE = re.compile(r"下一页|下页|尾页|末页|上一页|共\s*\d+\s*页")
PAGER_ATTR_RE = re.compile(r"page|pag|fenye|pager|pg|pages|pagination|turn", re.I)
DIGITS_RE = re.compile(r"^\[?\s*(\d{1,4})\s*\]?$")
TOTAL_ITEMS_RE = re.compile(r"共\s*(?:有\s*)?(\d+)\s*(?:条|封|件|项|个|篇)|总(?:记录|条|件)数?\s*[：:]?\s*(\d+)|(\d+)\s*条记录")
TOTAL_PAGES_RE = re.compile(r"共\s*(\d+)\s*页|\d+\s*/\s*(\d+)\s*页|页次\s*[：:]?\s*\d+\s*/\s*(\d+)")
GRID_PAGE_ARG_RE = re.compile(r"^Page\$\w+$")  # GridView/DataGrid pager arguments
POSTBACK_RE = re.compile(r"__doPostBack\(\s*['\"]([^'\"]*)['\"]\s*,\s*['\"]([^'\"]*)['\"]\s*\)")
PAGE_PARAM_RE = re.compile(r"^(page|pageNo|pageno|pageIndex|pageindex|pageNum|pagenum|p|pn|curPage|currentPage|"
                           r"current|cpage|PageIndex|PageNo|Page|page_no|page_index)$")
SIZE_PARAM_RE = re.compile(r"^(pageSize|pagesize|size|limit|rows|rowsPerPage|page_size|PageSize|perPage|per_page)$")
PATH_PAGE_RE = re.compile(r"(_|/|-)(\d{1,4})(\.s?html?|\.jsp|\.aspx?|/)?$")
JSON_URL_RE = re.compile(r"""["']((?:https?://|/|\.{0,2}/?)[^"'\s<>()]*?(?:/api/|\.json\b|ajax|getList|list\.do|"""
                         r"""query\w*\.do|\.action|/data/)[^"'\s<>()]*)["']""", re.I)
STATIC_EXT_RE = re.compile(r"\.(?:js|css|png|jpe?g|gif|svg|ico|woff2?|ttf)(?:\?|$)", re.I)
DATA_ATTRS = ("data-url", "data-api", "data-source", "data-src-url", "data-list-url", "data-action")


def _in_pager(a: Tag) -> bool:
    node = a.parent
    for _ in range(3):
        if not isinstance(node, Tag) or node.name in ("body", "html"):
            return False
        attrs = " ".join([" ".join(node.get("class") or []), str(node.get("id") or "")])
        if PAGER_ATTR_RE.search(attrs):
            return True
        if PAGER_TEXT_RE.search(node.get_text(" ")[:2000]):
            return True
        node = node.parent
    return False


def _int(m: re.Match | None) -> int | None:
    if not m:
        return None
    for g in m.groups():
        if g:
            return int(g)
    return None


def set_query_param(url: str, name: str, value: int | str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    if any(k == name for k, _ in query):
        query = [(k, str(value) if k == name else v) for k, v in query]
    else:
        query.append((name, str(value)))
    return urlunsplit(parts._replace(query=urlencode(query)))


def page_param(url: str) -> tuple[str, int] | None:
    for k, v in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if PAGE_PARAM_RE.match(k) and v.isdigit():
            return k, int(v)
    return None


def size_param(url: str) -> int | None:
    for k, v in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if SIZE_PARAM_RE.match(k) and v.isdigit() and int(v) > 0:
            return int(v)
    return None


def find_totals(text: str) -> tuple[int | None, int | None]:
    """(total items, total pages) from 共23条 / 共3页 texts."""
    return _int(TOTAL_ITEMS_RE.search(text)), _int(TOTAL_PAGES_RE.search(text))


def html_pager(soup: BeautifulSoup, url: str) -> dict:
    """page_urls, next_page_url, post_requests from the pager anchors/forms of an HTML page."""
    page_urls: list[str] = []
    next_url: str | None = None
    posts: list[dict] = []
    form = None
    for f in soup.find_all("form"):
        if f.find("input", attrs={"name": "__VIEWSTATE"}):
            form = f
            break
    hidden: dict[str, str] = {}
    action = url
    if form is not None:
        action = urljoin(url, str(form.get("action") or "")) or url
        for inp in form.find_all("input"):
            if str(inp.get("type") or "").lower() == "hidden" and inp.get("name"):
                hidden[str(inp["name"])] = str(inp.get("value") or "")
    seen_posts: set[tuple[str, str]] = set()
    numbered: list[tuple[int, str]] = []
    for a in soup.find_all("a"):
        text = re.sub(r"\s+", "", a.get_text(""))
        href = str(a.get("href") or "").strip()
        is_next = text in NEXT_WORDS
        is_pager_word = is_next or text in OTHER_PAGER_WORDS or bool(DIGITS_RE.match(text))
        if not is_pager_word:
            continue
        pb = POSTBACK_RE.search(href) or POSTBACK_RE.search(str(a.get("onclick") or ""))
        if not is_next and not (pb and GRID_PAGE_ARG_RE.match(pb.group(2))) and not _in_pager(a):
            continue
        if pb:
            if form is None or (pb.group(1), pb.group(2)) in seen_posts:
                continue
            seen_posts.add((pb.group(1), pb.group(2)))
            data = dict(hidden)
            data["__EVENTTARGET"], data["__EVENTARGUMENT"] = pb.group(1), pb.group(2)
            posts.append({"url": action, "formdata": data, "label": text, "next": is_next})
            continue
        if not href or href.startswith(("javascript:", "#", "mailto:")):
            continue
        absolute = urljoin(url, href)
        if absolute.split("#")[0] == url.split("#")[0]:
            continue
        if is_next and next_url is None:
            next_url = absolute
        if (dm := DIGITS_RE.match(text)):
            numbered.append((int(dm.group(1)), absolute))
        if absolute not in page_urls:
            page_urls.append(absolute)
    # Submit buttons of a postback pager (<input type=submit name=btnNext value=下一页>).
    if form is not None:
        for inp in form.find_all("input"):
            kind = str(inp.get("type") or "").lower()
            value = re.sub(r"\s+", "", str(inp.get("value") or ""))
            if kind in ("submit", "image", "button") and inp.get("name") and value in NEXT_WORDS | OTHER_PAGER_WORDS:
                data = dict(hidden)
                data[str(inp["name"])] = str(inp.get("value") or "")
                posts.append({"url": action, "formdata": data, "label": value, "next": value in NEXT_WORDS})
    return {"page_urls": page_urls, "next_page_url": next_url, "post_requests": posts, "numbered": numbered}


def expand_pages(page_urls: list[str], numbered: list[tuple[int, str]], url: str,
                 total_pages: int | None) -> list[str]:
    """Fill the gaps of an elided pager (1 2 3 … 9) when the total page count is known, using a
    numbered link to learn the URL pattern and its offset (TRS index_1.html is page 2)."""
    if not total_pages or total_pages > 500 or len(page_urls) + 1 >= total_pages:
        return page_urls
    out = list(page_urls)
    for shown, sample in numbered:
        if shown < 2:
            continue
        param = page_param(sample)
        if param:
            offset = shown - param[1]
            make = lambda n, s=sample, k=param[0]: set_query_param(s, k, n)  # noqa: E731
        else:
            parts = urlsplit(sample)
            m = PATH_PAGE_RE.search(parts.path)
            if not m:
                continue
            offset = shown - int(m.group(2))
            make = lambda n, p=parts, m=m: urlunsplit(p._replace(  # noqa: E731
                path=p.path[:m.start()] + f"{m.group(1)}{n}{m.group(3) or ''}"))
        for page_no in range(2, total_pages + 1):
            cand = make(page_no - offset)
            if cand not in out and cand != url:
                out.append(cand)
        return out
    return out


def json_endpoints(soup: BeautifulSoup, html: str, url: str) -> list[str]:
    """Data URLs a client-rendered board loads its list from (script strings, data-* attributes)."""
    found: list[str] = []
    for el in soup.find_all(True):
        for attr in DATA_ATTRS:
            val = el.get(attr)
            if isinstance(val, str) and val.strip() and not STATIC_EXT_RE.search(val):
                found.append(urljoin(url, val.strip()))
    for script in soup.find_all("script"):
        code = script.string or script.get_text() or ""
        for m in JSON_URL_RE.finditer(code):
            cand = m.group(1)
            if STATIC_EXT_RE.search(cand) or cand.startswith(("javascript:",)):
                continue
            found.append(urljoin(url, cand))
    out: list[str] = []
    for u in found:
        if u.startswith(("http://", "https://")) and u not in out:
            out.append(u)
    return out


def json_pages(url: str, total: int | None, rows_on_page: int, size_hint: int | None) -> list[str]:
    """Other pages of a paged JSON endpoint (…?page=1 with total 23 and 10 rows → page=2, 3)."""
    param = page_param(url)
    if not param or not total:
        return []
    size = size_hint or size_param(url) or rows_on_page
    if not size:
        return []
    pages = math.ceil(total / size)
    if pages > 1000:
        return []
    return [set_query_param(url, param[0], n) for n in range(1, pages + 1) if n != param[1]]
