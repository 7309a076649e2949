"""Hanweb 大汉 jcms lists: page 1 as XML inside `<script type="text/xml">`, later pages by POST to
`dataproxy.jsp` in groups of three pages; the XML responses of those POSTs are read here too."""
from __future__ import annotations

import html as htmllib
import math
import re
from urllib.parse import parse_qsl, urlsplit

from lxml import etree

from crawler.extraction.dates import DateWindow
from crawler.extraction.html import LinkTexts, parse_html, resolve
from crawler.extraction.lists import locate
from crawler.extraction.lists.common import entry_from_record
from crawler.extraction.lists.registry import ListReader, list_reader
from crawler.extraction.model import Block, Pagination

XML_RESPONSE_RE = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?<datastore", re.I)  # a dataproxy.jsp answer
DATASTORE_RE = re.compile(r"<datastore\b[^>]*>(.*?)</datastore>", re.S | re.I)
DATASTORE_DIV_RE = re.compile(r"""<div[^>]+id\s*=\s*["']?(\w+)["']?[^>]*>\s*<script[^>]+text/xml[^>]*>\s*<datastore""", re.I)
RECORD_RE = re.compile(r"<record\b[^>]*>\s*(?:<!\[CDATA\[(.*?)\]\]>|(.*?))\s*</record>", re.S | re.I)
# DATASTORE_RE's and RECORD_RE's pieces, for `datastores` and `record_fragments`
DATASTORE_OPEN_RE = re.compile(r"<datastore\b[^>]*>", re.I)
DATASTORE_CLOSE_RE = re.compile(r"</datastore>", re.I)
RECORD_OPEN_RE = re.compile(r"<record\b[^>]*>\s*", re.I)
CDATA_OPEN_RE = re.compile(r"<!\[CDATA\[", re.I)
RECORD_CLOSE_RE = re.compile(r"\s*</record>", re.I)
NEXTGROUP_RE = re.compile(r"<nextgroup\b[^>]*>\s*(?:<!\[CDATA\[(.*?)\]\]>|(.*?))\s*</nextgroup>", re.S | re.I)
HREF_RE = re.compile(r"""href\s*=\s*["']([^"']+)["']""", re.I)
TOTAL_RE = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>|totalRecord\s*[:=]\s*['\"]?(\d+)", re.I)
PERPAGE_RE = re.compile(r"""perpage\s*[:=]\s*['"]?(\d+)""", re.I)
DEFAULT_PROXY = "/module/web/jpage/dataproxy.jsp"
PAGES_PER_GROUP = 3
DEFAULT_PER_PAGE = 15
WRAP_ATTR = "data-govwatch-record"
WRAPPER_NUMBERS = etree.XPath(f"*/@{WRAP_ATTR}", smart_strings=False)
TEXT_CHILDREN = etree.XPath("text()", smart_strings=False)


def has_datastore(raw: str) -> bool:
    return "<datastore" in raw or "<DATASTORE" in raw


def datastores(raw: str):
    """The inner text of each `<datastore>`, as DATASTORE_RE's group 1 (its lazy scan for the end tag
    steps through the page one character at a time; two searches find the same ends): an opening
    tag with no end tag after it ends the scan, since every later opening tag ends no earlier."""
    pos = 0
    while (start := DATASTORE_OPEN_RE.search(raw, pos)) is not None:
        end = DATASTORE_CLOSE_RE.search(raw, start.end())
        if end is None:
            return
        yield raw[start.end():end.start()]
        pos = end.end()


def record_fragments(xml: str) -> list[str]:
    """Each `<record>`'s markup, as RECORD_RE reads it (CDATA, else the unescaped text). Records in the
    usual form (`<record><![CDATA[…]]></record>`, whitespace around) are cut with str.find, which gives
    RECORD_RE's first match: the greedy spaces, the CDATA branch, the first `]]>` and the end tag; any
    other record sends the whole text to RECORD_RE."""
    out = []
    pos = 0
    while (start := RECORD_OPEN_RE.search(xml, pos)) is not None:
        body = start.end()
        if CDATA_OPEN_RE.match(xml, body):
            close = xml.find("]]>", body + 9)
            end = RECORD_CLOSE_RE.match(xml, close + 3) if close != -1 else None
            if end is not None:
                out.append(xml[body + 9:close])
                pos = end.end()
                continue
        return [m.group(1) if m.group(1) is not None else htmllib.unescape(m.group(2) or "")
                for m in RECORD_RE.finditer(xml)]
    return out


def _record_entries(xml: str, url: str, window: DateWindow) -> list:
    fragments = [f for f in record_fragments(xml) if f.strip()]
    records = _parsed_together(fragments)
    if records is None:
        records = [_parsed_alone(f) for f in fragments]
    texts = LinkTexts()
    entries = []
    for root in records:
        e = entry_from_record(root, url, window, texts=texts) if root is not None else None
        if e:
            entries.append(e)
    return entries


def _parsed_together(fragments: list[str]) -> list | None:
    """Every record in one parse, each in a wrapper of its own: a page of 45 records cost 45 parses,
    a large part of reading a dataproxy page (bench/README.md). None when a fragment's markup leaks
    out of its wrapper (a stray `</div>`, an unclosed one): then each is parsed alone, as before."""
    if not fragments:
        return []
    doc = parse_html("".join(f'<div {WRAP_ATTR}="{i}">{f}</div>' for i, f in enumerate(fragments)))
    root = doc.find("body")
    if root is None or len(root) != len(fragments):
        return None
    # every child a wrapper, in order, and no text between them: two XPath reads, not one element
    # proxy and two reads per record
    if WRAPPER_NUMBERS(root) != [str(i) for i in range(len(fragments))] or any(
            t.strip() for t in TEXT_CHILDREN(root)):
        return None
    etree.strip_elements(root, "script", "style", with_tail=False)
    return list(root)


def _parsed_alone(fragment: str):
    doc = parse_html(fragment)  # plain etree: cheaper than lxml.html's fragment parser (bench/README.md)
    root = doc.find("body")
    if root is not None:
        etree.strip_elements(root, "script", "style", with_tail=False)
    return root


def blocks(raw: str, url: str, window: DateWindow) -> list[Block]:
    out = []
    for xml in datastores(raw):
        entries = _record_entries(xml, url, window)
        if entries:
            out.append(Block(name=None, more_url=None, items=entries, method="hanweb-datastore",
                             locator=locate.adapter("hanweb-datastore")))
    return out


def _per_page(raw: str, params: dict) -> int:
    src = params.get("perpage")  # the request's own perpage first: the page is searched only without it
    if src and str(src).isdigit() and int(src) > 0:
        return int(src)
    src = m.group(1) if (m := PERPAGE_RE.search(raw)) else None
    if src and src.isdigit() and int(src) > 0:
        return int(src)
    return DEFAULT_PER_PAGE


def _total(raw: str) -> int | None:
    m = TOTAL_RE.search(raw)
    if not m:
        return None
    return int(m.group(1) or m.group(2))


def group_requests(proxy_url: str, formdata: dict, total: int | None, per_page: int,
                   already: int = 0) -> list[dict]:
    """POST requests (groups of three pages) covering records after the first `already` ones."""
    step = per_page * PAGES_PER_GROUP
    last = total if total is not None else step
    reqs = []
    start = 1
    while start <= last:
        end = start + step - 1
        if end > already:
            reqs.append({"url": f"{proxy_url}?startrecord={start}&endrecord={end}&perpage={per_page}",
                         "formdata": dict(formdata)})
        start = end + 1
    return reqs


def pagination(raw: str, url: str, first_block_size: int, request_formdata: dict | None = None, *,
               with_urls: bool = True) -> Pagination | None:
    """Counts and the dataproxy POSTs; on a dataproxy XML response, the remaining groups.
    `with_urls=False` (a later page: the requests are already known) builds no requests."""
    if not has_datastore(raw):
        return None
    total = _total(raw)
    path = urlsplit(url).path
    if path.endswith("dataproxy.jsp"):  # we are reading a POST response
        q = dict(parse_qsl(urlsplit(url).query))
        per = _per_page(raw, q)
        pag = Pagination(total_items=total, per_page=per, mechanism="hanweb:dataproxy",
                         total_pages=math.ceil(total / per) if total is not None else None)
        if with_urls and q.get("startrecord") == "1" and request_formdata is not None and total:
            proxy = url.split("?")[0]
            pag.post_requests = group_requests(proxy, request_formdata, total, per,
                                               already=int(q.get("endrecord") or 0))
        return pag
    nextgroup = NEXTGROUP_RE.search(raw)
    params: dict = {}
    proxy = resolve(url, DEFAULT_PROXY)
    if nextgroup:
        href = HREF_RE.search(nextgroup.group(1) or htmllib.unescape(nextgroup.group(2) or ""))
        if href:
            target = htmllib.unescape(href.group(1))
            params = dict(parse_qsl(urlsplit(target).query))
            proxy = resolve(url, target.split("?")[0])
    div = DATASTORE_DIV_RE.search(raw)
    unitid = params.get("unitid") or (div.group(1) if div else "")
    per = _per_page(raw, params)
    formdata = {"col": "1", "appid": params.get("appid", "1"), "webid": params.get("webid", "1"),
                "path": params.get("path", "/"), "columnid": params.get("columnid", ""),
                "sourceContentType": params.get("sourceContentType", "1"), "unitid": unitid,
                "webname": params.get("webname", ""), "permissiontype": params.get("permissiontype", "0")}
    pag = Pagination(total_items=total, per_page=per, mechanism="hanweb:datastore+dataproxy",
                     total_pages=math.ceil(total / per) if total is not None else None)
    if with_urls and (total is None or total > first_block_size):
        pag.post_requests = group_requests(proxy, formdata, total, per, already=first_block_size)
    return pag


@list_reader
class HanwebReader(ListReader):
    """`<datastore>` XML in page 1, and the XML answers of the dataproxy.jsp POSTs for later pages."""
    name, order = "hanweb-datastore", 10

    def detect(self, raw: str) -> bool:
        return has_datastore(raw)

    def is_data_response(self, raw: str) -> bool:
        return bool(XML_RESPONSE_RE.match(raw[:300]))

    def blocks(self, raw: str, url: str, window: DateWindow) -> list[Block]:
        return blocks(raw, url, window)

    def pagination(self, raw: str, url: str, *, read: list[Block], request_formdata: dict | None,
                   with_urls: bool) -> Pagination | None:
        return pagination(raw, url, len(read[0].items) if read else 0, request_formdata, with_urls=with_urls)
