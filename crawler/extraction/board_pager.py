"""Where the other pages of a board are, in every pagination family a board comes in.

Why separate from the letter parsing: a board's letters and its pager are independent; the spider
needs the pager's URLs (or POST forms) even when a page shows no letters at all.

Contract (every family, page 1 and later pages alike): `page_urls`, `post_requests` and `json_urls`
name ALL the pages after the page in hand, and never the page itself or an earlier page. Page 1 of a
57-page board gives pages 2..57 even when its pager shows only 1 2 … 10 下一页 尾页; page 10 gives
11..57; the last page gives nothing. A later page therefore neither re-reads page 1 (letters would be
stored twice) nor loses the pages its own pager elides, and a list cut at MAX_LISTED pages is carried
on by the last page it names. `next_page_url` is the 下一页 link, always one of `page_urls` too.

Families, where they were seen (survey of ../shared/corpus raw/ and sites/, and the demo site), and
how each is read here:

- TRS WCM script pager `createPageHTML(4, 0, "index", "html")` (total, 0-based current, name, ext;
  page k+1 is `index_k.html`). Seen: sites/daozhen-rsj, 30 list pages (25 of one page,
  zwgk/gsgg/index.html 4 pages, gzdt/rsks/index.html 7); raw/GeneralNewsExtractor…/tests_shanxi_1.html
  (an article pager); the demo's TRS columns and its 县长信箱. Read by `lists.trs.pagination` on the
  raw text, from the page's own current index on.
- TRS newer signature `createPageHTML('page_div', 10, 1, 'dezlist', 'shtml', 149)` (1-based, total
  records). Not in the corpus (docs/real-page-structures.md, public crawlers). `lists.trs.pagination`.
- TRS `var countPage=56; var currentPage=0` with the links `document.write` rendered (index_1 … 尾页
  index_55). Seen: raw/kevin3691__renmin/list.jsp. `lists.trs.pagination`, plus the links below
  (they name the same pages).
- Static link pagers whose numbered links are elided, with 下一页/尾页: EmpireCMS `index.html,
  index_2.html … index_57.html` and `<a title="Total record"><b>852</b></a>`. Seen: sites/zhecheng,
  150 list pages, among them hdjl/hfjs/index.html (message-board-like, 57 pages, 852 records) and
  hdjl/yjzj (3 pages). Read by `_link_pages`: the number slot is learnt from the links and the pages
  are counted in the URLs' own numbers (a 0-based TRS `index_1.html` needs no offset) from the page
  in hand to 尾页's number, else to 共N页, else to the highest link.
- Query pagers `?page=N`, `pageNo`, `pageNum`, `curPage` …: no board page in the corpus; `_link_pages`.
- A 下一页 chain alone (no numbers, no 尾页): tests/fixtures/boards; `next_page_url` (also in
  `page_urls`), one page at a time.
- Hanweb jpage: page 1 in `<script type="text/xml"><datastore>`, later records by POST to
  `dataproxy.jsp` in groups of three pages. Seen: the demo's `/col/col1234/index.html` (a list); no
  board in the corpus. `_hanweb_posts`: ranges from the record after those embedded (an overlap would
  store letters twice) to `totalrecord`; without a total, one group (the dataproxy answers cannot name
  more: their form fields are not in the answer).
- 集约化 (Jiangxi 2024+) `var listData` + `loadPageData({unitid, perPage})`, pages
  `?uid=…&pageNum=N`. Seen: raw/jas0no7__local_spider_jason/debug_page_1.html (444 records, 15 a
  page), the demo's `/zwgk/czyjs/`. `lists.jiyuehua.pagination`, after this page's pageNum.
- Fujian TRS avalon `list_pagebar` (later pages from a JSON search API). Seen: raw/changwu__pingtan…
  lists, no board. Counts only, no pages (as for lists).
- ASP.NET `__doPostBack`: GridView `Page$N`, Webdiyer AspNetPager numeric arguments, submit buttons.
  No saved page in the corpus (bjshy/alt are ASP.NET sites without a postback pager);
  tests/fixtures/boards/aspnet. `_postbacks`: one POST per later page, never 上一页/首页/尾页.
- JSON APIs `…?page=N&pageSize=M` with a total: tests/fixtures/boards/json. `json_pages`, after this
  page.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from crawler.extraction.lists import hanweb, jiyuehua, trs
from crawler.extraction.lists.pagers import (
    NUMBER,
    TOTAL_RECORD_TITLES,
    page_param,
    page_slot,
    set_query_param,
    slot_url,
    small_int,
)

NEXT_WORDS = {"下一页", "下页", "后一页", ">", ">>", "›", "»", "下一页>", "下一页>>", "next", "Next"}
LAST_WORDS = {"尾页", "末页", "最后一页", "最后页"}
# 首页/第一页 are left out: page 1 is the page in hand, and a breadcrumb's 首页 is the homepage
OTHER_PAGER_WORDS = LAST_WORDS | {"上一页", "上页", "前一页", "<", "<<", "‹", "«"}
PAGER_TEXT_RE = re.compile(r"下一页|下页|尾页|末页|上一页|共\s*\d+\s*页")
PAGER_ATTR_RE = re.compile(r"page|pag|fenye|pager|pg|pages|pagination|turn", re.I)
DIGITS_RE = re.compile(r"^\[?\s*(\d{1,4})\s*\]?$")
TOTAL_ITEMS_RE = re.compile(r"共\s*(?:有\s*)?" + NUMBER + r"\s*(?:条|封|件|项|个|篇)|总(?:记录|条|件)数?\s*[：:]?\s*"
                            + NUMBER + "|" + NUMBER + r"\s*条记录")
TOTAL_PAGES_RE = re.compile(r"共\s*" + NUMBER + r"\s*页|\d+\s*/\s*" + NUMBER + r"\s*页|"
                            r"页次\s*[：:]?\s*\d+\s*/\s*" + NUMBER)
GRID_PAGE_ARG_RE = re.compile(r"^Page\$(\w+)$")  # GridView/DataGrid pager arguments
POSTBACK_RE = re.compile(r"__doPostBack\(\s*['\"]([^'\"]*)['\"]\s*,\s*['\"]([^'\"]*)['\"]\s*\)")
SIZE_PARAM_RE = re.compile(r"^(pageSize|pagesize|size|limit|rows|rowsPerPage|page_size|PageSize|perPage|per_page)$")
JSON_URL_RE = re.compile(r"""["']((?:https?://|/|\.{0,2}/?)[^"'\s<>()]*?(?:/api/|\.json\b|ajax|getList|list\.do|"""
                         r"""query\w*\.do|\.action|/data/)[^"'\s<>()]*)["']""", re.I)
STATIC_EXT_RE = re.compile(r"\.(?:js|css|png|jpe?g|gif|svg|ico|woff2?|ttf)(?:\?|$)", re.I)
DATA_ATTRS = ("data-url", "data-api", "data-source", "data-src-url", "data-list-url", "data-action")
CURRENT_TAGS = ["span", "b", "strong", "em", "font", "li", "td"]
MAX_LISTED = 1000  # pages named by one page; the last of them names the next thousand
MAX_BOX_TEXT = 3000  # a pager box longer than this is a layout cell: no current-page marker read there


@dataclass
class Pager:
    """The pages after this one (see the module docstring), and the counts the page states."""
    page_urls: list[str] = field(default_factory=list)
    post_requests: list[dict] = field(default_factory=list)
    next_page_url: str | None = None
    total_items: int | None = None
    total_pages: int | None = None


# ---------------------------------------------------------------- URL numbers

def size_param(url: str) -> int | None:
    for k, v in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if SIZE_PARAM_RE.match(k) and (n := small_int(v)):
            return n
    return None


def _limited(first: int, last: int) -> range:
    return range(first, min(last, first + MAX_LISTED - 1) + 1)


# ---------------------------------------------------------------- link pagers

def _pager_box(a: Tag) -> Tag | None:
    """The pager element an anchor sits in (class/id like `page`, or text with 下一页/共N页), within
    three levels; None when the anchor is not in a pager."""
    node = a.parent
    for _ in range(3):
        if not isinstance(node, Tag) or node.name in ("body", "html"):
            return None
        attrs = " ".join([" ".join(node.get("class") or []), str(node.get("id") or "")])
        if PAGER_ATTR_RE.search(attrs) or PAGER_TEXT_RE.search(node.get_text(" ")[:2000]):
            return node
        node = node.parent
    return None


def _current_shown(box: Tag | None) -> int | None:
    """The page number the pager shows as current: digits that are not a link (`<b>10</b>`,
    `<span class="current">2</span>`), outside any anchor (EmpireCMS's `<a title="Total record">
    <b>852</b></a>` is a count)."""
    if box is None or len(box.get_text("")) > MAX_BOX_TEXT:
        return None
    for el in box.find_all(CURRENT_TAGS):
        m = DIGITS_RE.match(el.get_text("").strip())
        if m and el.find("a") is None and el.find_parent("a") is None:
            return int(m.group(1))
    return None


def _link_pages(url: str, numbered: list[tuple[int, str]], next_url: str | None, last_url: str | None,
                total_pages: int | None) -> tuple[list[str] | None, int | None]:
    """Every page after this one, counted in the URLs' own page numbers (so a 0-based TRS
    `index_1.html` and an EmpireCMS `index_2.html` need no offset): from this page's number (none:
    the page is page 1) to 尾页's, else to 共N页, else to the highest link. None without a number slot."""
    samples = [u for u in (last_url, next_url) if u] + [u for _, u in numbered]
    slots = {u: page_slot(u) for u in samples}
    family = next((s[0] for s in slots.values() if s), None)
    if family is None:
        return None, None
    sample = next(u for u, s in slots.items() if s and s[0] == family)

    def number(u: str | None) -> int | None:
        s = slots.get(u) if u in slots else (page_slot(u) if u else None)
        return s[1] if s and s[0] == family else None

    here = number(url)
    seen = [n for u in samples if (n := number(u)) is not None and (here is None or n > here)]
    offsets = sorted(shown - n for shown, u in numbered if (n := number(u)) is not None)
    offset = offsets[len(offsets) // 2] if offsets else None
    last = number(last_url)
    if last is None and total_pages and offset is not None:
        last = total_pages - offset
    last = max([n for n in (last, *seen) if n is not None], default=None)
    if here is not None:
        first = here + 1
    else:   # a page without a number is page 1: page 2 is `2 - offset` (a link "1" may name this page)
        first = max(0, 2 - offset) if offset is not None else min(seen, default=None)
    if last is None or first is None or last < first:
        return [], (last + offset if last is not None and offset is not None else None)
    pages = [slot_url(family, sample, n) for n in _limited(first, last)]
    if next_url and number(next_url) is None:   # a 下一页 of another shape than the numbered links
        pages.insert(0, next_url)
    return [p for p in pages if p != url], (last + offset if offset is not None else None)


def _postbacks(links: list[tuple[str, str, str, str]], box_current: int | None, action: str,
               hidden: dict[str, str], buttons: list[tuple[str, str]]) -> list[dict]:
    """One POST per page after this one. GridView `Page$N` and AspNetPager numeric arguments are
    numbered: the pages between this one and the highest number (尾页's, for AspNetPager) are all
    posted; a pager without numbers (Page$Next, a 下一页 submit button) gives its 下一页 post.
    上一页/首页 would re-read earlier pages, and 尾页 the last page twice: never posted."""
    def post(target: str, arg: str, label: str, is_next: bool) -> dict:
        data = dict(hidden)
        data["__EVENTTARGET"], data["__EVENTARGUMENT"] = target, arg
        return {"url": action, "formdata": data, "label": label, "next": is_next}

    numbered: dict[str, dict[int, str]] = {}   # target -> page number -> argument form ("Page$" or "")
    next_posts: list[dict] = []
    next_numbers: list[int] = []
    for target, arg, text, kind in links:
        grid = GRID_PAGE_ARG_RE.match(arg)
        n = small_int(grid.group(1) if grid else arg)
        if n is not None:
            numbered.setdefault(target, {})[n] = "Page$" if grid else ""
            if kind == "next":
                next_numbers.append(n)
        elif kind == "next":
            next_posts.append(post(target, arg, text, True))
    posts: list[dict] = []
    for target, pages in numbered.items():
        listed = [n for n, _ in sorted(pages.items())]
        if next_numbers:
            here = min(next_numbers) - 1
        elif box_current is not None:
            here = box_current
        else:   # the page not linked is the current one
            here = next(n for n in range(1, len(listed) + 2) if n not in pages)
        form = pages[listed[-1]]
        for n in _limited(here + 1, listed[-1]):
            posts.append(post(target, f"{form}{n}", str(n), n == here + 1))
    if not posts:
        posts = next_posts
        for name, value in buttons:
            data = dict(hidden)
            data[name] = value
            posts.append({"url": action, "formdata": data, "label": re.sub(r"\s+", "", value), "next": True})
    return posts


def _aspnet_form(soup: BeautifulSoup, url: str) -> tuple[Tag | None, str, dict[str, str]]:
    for form in soup.find_all("form"):
        if form.find("input", attrs={"name": "__VIEWSTATE"}):
            hidden = {str(i["name"]): str(i.get("value") or "") for i in form.find_all("input")
                      if str(i.get("type") or "").lower() == "hidden" and i.get("name")}
            return form, urljoin(url, str(form.get("action") or "")) or url, hidden
    return None, url, {}


def html_pager(soup: BeautifulSoup, url: str, page_text: str) -> Pager:
    """The later pages named by the pager anchors, postbacks and buttons of an HTML page."""
    form, action, hidden = _aspnet_form(soup, url)
    total_items, total_pages = find_totals(page_text)
    here = url.split("#")[0]
    numbered: list[tuple[int, str]] = []
    next_url = last_url = None
    postbacks: list[tuple[str, str, str, str]] = []
    box_current = None
    box_read = False
    for a in soup.find_all("a"):
        text = re.sub(r"\s+", "", a.get_text(""))
        if total_items is None and str(a.get("title") or "").strip().lower() in TOTAL_RECORD_TITLES \
                and small_int(text) is not None:
            total_items = small_int(text)
            continue
        kind = ("next" if text in NEXT_WORDS else "last" if text in LAST_WORDS
                else "other" if text in OTHER_PAGER_WORDS else "digit" if DIGITS_RE.match(text) else None)
        href = str(a.get("href") or "").strip()
        pb = POSTBACK_RE.search(href) or POSTBACK_RE.search(str(a.get("onclick") or ""))
        grid = bool(pb and GRID_PAGE_ARG_RE.match(pb.group(2)))
        if kind is None and not grid:
            continue
        needs_box = kind != "next" and not grid   # 下一页 and GridView arguments say "pager" themselves
        box = _pager_box(a) if needs_box or (pb and not box_read) else None
        if needs_box and box is None:
            continue
        if box is not None and not box_read:
            box_current, box_read = _current_shown(box), True
        if pb:
            if form is not None:
                postbacks.append((pb.group(1), pb.group(2), text, kind or "digit"))
            continue
        if not href or href.startswith(("javascript:", "#", "mailto:")):
            continue
        absolute = urljoin(url, href)
        if absolute.split("#")[0] == here:
            continue
        if kind == "next":
            next_url = next_url or absolute
        elif kind == "last":
            last_url = last_url or absolute
        elif kind == "digit":
            numbered.append((int(DIGITS_RE.match(text).group(1)), absolute))
        # 上一页 and the like name earlier pages: never listed
    pages, derived_total = _link_pages(here, numbered, next_url, last_url, total_pages)
    if pages is None:
        # No number in the URLs: the pager's own later links, in the order shown.
        shown_here = box_current or 1
        pages = [u for n, u in sorted(numbered) if n > shown_here]
        pages += [u for u in (next_url, last_url) if u]
    buttons = []
    if form is not None:   # submit buttons of a postback pager (<input type=submit value=下一页>)
        for inp in form.find_all("input"):
            value = re.sub(r"\s+", "", str(inp.get("value") or ""))
            if str(inp.get("type") or "").lower() in ("submit", "image", "button") and inp.get("name") \
                    and value in NEXT_WORDS:
                buttons.append((str(inp["name"]), str(inp.get("value") or "")))
    return Pager(page_urls=list(dict.fromkeys(pages)),
                 post_requests=_postbacks(postbacks, box_current, action, hidden, buttons),
                 next_page_url=next_url, total_items=total_items, total_pages=total_pages or derived_total)


# ---------------------------------------------------------------- script pagers

def _adapter_pagination(read, *args):
    """A list adapter's pager, or None when it cannot read a count: the Hanweb and 集约化 adapters
    int() an unbounded digit run (`<totalrecord>` of 5,000 digits raises ValueError), and a board
    page must never raise."""
    try:
        return read(*args)
    except ValueError:
        return None


def _hanweb_posts(raw: str, url: str, records_here: int) -> tuple[list[dict], int | None]:
    """The dataproxy.jsp POSTs for the records after those embedded in page 1, in the platform's
    groups (three pages each). A dataproxy response itself names nothing: page 1 named every group."""
    pag = _adapter_pagination(hanweb.pagination, raw, url, records_here)
    if pag is None or not pag.post_requests or urlsplit(url).path.endswith("dataproxy.jsp"):
        return [], pag.total_items if pag is not None else None
    proxy = pag.post_requests[0]["url"].split("?")[0]
    form = pag.post_requests[0]["formdata"]
    per = pag.per_page or hanweb.DEFAULT_PER_PAGE
    step = per * hanweb.PAGES_PER_GROUP
    last = pag.total_items if pag.total_items is not None else step
    starts = range(records_here + 1, last + 1, step)[:MAX_LISTED]
    return [{"url": f"{proxy}?startrecord={start}&endrecord={min(start + step - 1, last)}&perpage={per}",
             "formdata": dict(form)} for start in starts], pag.total_items


def _jiyuehua_pages(raw: str, url: str) -> list[str]:
    pag = _adapter_pagination(jiyuehua.pagination, raw, url)
    if pag is None:
        return []
    param = page_param(url)
    here = param[1] if param and param[0] == "pageNum" else 1
    return [u for u in pag.page_urls if (page_param(u) or ("", 0))[1] > here]


def board_pager(soup: BeautifulSoup, raw: str, url: str, page_text: str, records_here: int = 0) -> Pager:
    """Every later page of a board page, whatever its family: the script pagers read from the raw
    text (TRS createPageHTML/countPage, Hanweb datastore, 集约化 listData) and the HTML pager read from
    the parsed page, merged. `records_here`: Hanweb records embedded in this page."""
    pager = html_pager(soup, url, page_text)
    script = trs.pagination(raw, url)
    script_urls: list[str] = script.page_urls[:MAX_LISTED] if script is not None else []
    if script is not None:
        pager.total_pages = pager.total_pages or script.total_pages
        pager.total_items = pager.total_items or script.total_items
        if script.next_page_href and pager.next_page_url is None:
            pager.next_page_url = urljoin(url, script.next_page_href)
    if "listData" in raw and jiyuehua.has_list_data(raw):
        script_urls += _jiyuehua_pages(raw, url)
    if hanweb.has_datastore(raw):
        posts, total = _hanweb_posts(raw, url, records_here)
        pager.post_requests = posts + pager.post_requests
        pager.total_items = pager.total_items or total
    if script_urls:
        pager.page_urls = list(dict.fromkeys(script_urls + pager.page_urls))
    return pager


# ---------------------------------------------------------------- counts and JSON

def _int(m: re.Match | None) -> int | None:
    if not m:
        return None
    for g in m.groups():
        if g:
            return int(g)
    return None


def find_totals(text: str) -> tuple[int | None, int | None]:
    """(total items, total pages) from 共23条 / 共3页 texts."""
    return _int(TOTAL_ITEMS_RE.search(text)), _int(TOTAL_PAGES_RE.search(text))


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
    """The pages after this one of a paged JSON endpoint (…?page=1 with total 23 and 10 rows →
    page=2, 3; on page=2 → page=3)."""
    param = page_param(url)
    if not param or not total:
        return []
    size = size_hint or size_param(url) or rows_on_page
    if not size:
        return []
    pages = -(-total // size)   # integer ceiling: a JSON total of 10**400 is no float
    return [set_query_param(url, param[0], n) for n in _limited(param[1] + 1, pages)]
