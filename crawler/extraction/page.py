"""extract_page: one fetched page → PageResult (kind, blocks, pagination, dates, column links)."""
from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

from crawler.extraction import article, entrances, info, links, navigation
from crawler.extraction.dates import DateWindow, normalise
from crawler.extraction.encoding import decode_body
from crawler.extraction.html import LinkTexts, meta_map, parse_html, strip_invisible, visible_text
from crawler.extraction.lists import generic, hanweb, jiyuehua, pagers, trs
from crawler.extraction.lists.common import fix_month_day_years, looks_like_article_url, shown_dated
from crawler.extraction.model import Block, PageResult, Pagination

HOME_PATH_RE = re.compile(r"^/?(?:(?:index|default|home|main)\.(?:s?html?|jsp|aspx?|php))?$", re.I)
XML_RESPONSE_RE = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?<datastore", re.I)
# Only an explanation exempts an empty column (R-COL-6): a 备注说明 note, or a statement that this
# unit/column has no such information or duty. A bare 暂无信息 is a blank column, not an exemption.
EXEMPT_RE = re.compile(r"(备注说明[:：]?[^。]{0,60}|(?:本|我)(?:栏目|单位|部门|机关|局|委|办|县|市|区|镇|乡|街道)"
                       r"[^。，,]{0,12}(?:暂)?(?:无|未)[^。]{0,30}(?:职能|职责|事项|业务|原因|由于)[^。]{0,40})")
BOARD_NAME_RE = re.compile(r"(信箱|留言|咨询投诉|网民留言|来信|12345|问政)")
DEFAULT_MARGIN_DAYS = 2
SHOWN_DATE_RE = re.compile(r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}")


def _main_block_first(blocks: list[Block]) -> list[Block]:
    if len(blocks) < 2:
        return blocks
    best = max(range(len(blocks)), key=lambda i: (blocks[i].method != "generic-dom" and blocks[i].method != "table",
                                                   len(blocks[i].items) + 2 * shown_dated(blocks[i].items)))
    return [blocks[best]] + blocks[:best] + blocks[best + 1:]


def _dedupe_against(primary: list[Block], others: list[Block]) -> list[Block]:
    taken = {e.url for b in primary for e in b.items}
    keep = []
    for b in others:
        overlap = sum(1 for e in b.items if e.url in taken)
        if overlap * 2 < len(b.items):
            b.items = [e for e in b.items if e.url not in taken]
            if b.items:
                keep.append(b)
    return keep


def _merge_pagination(found: list[Pagination | None]) -> Pagination:
    found = [p for p in found if p is not None]
    if not found:
        return Pagination(total_pages=1, mechanism=None)
    pag = found[0]
    for other in found[1:]:
        for f in ("total_pages", "total_items", "next_page_href", "per_page"):
            if getattr(pag, f) is None and getattr(other, f) is not None:
                setattr(pag, f, getattr(other, f))
    return pag


def _latest(blocks: list[Block]) -> dt.date | None:
    shown = [e.date for b in blocks for e in b.items
             if e.date and e.date_source and e.date_source.startswith(("list:", "json:"))]
    if shown:
        return max(shown)
    every = [e.date for b in blocks for e in b.items if e.date]
    return max(every) if every else None


PUBLICATION_SOURCES = ("meta:", "label:", "table:")


def _is_info_page(doc, raw: str, url: str, kind: str, meta: dict, blocks: list[Block],
                  adapter_blocks: list[Block], pagination: Pagination, exempt: str | None, date,
                  window: DateWindow) -> bool:
    """Prose in the content area, no list of dated links, and not an article.

    An article is a page with ArticleTitle meta or an article URL, or one showing a publication date
    while not declaring itself a column (ColumnName meta): a column page that shows a single dated text
    is still that column's content, never a blank column.
    """
    if adapter_blocks or any(shown_dated(b.items) >= 2 for b in blocks) or (pagination.total_pages or 0) > 1:
        return False
    if "articletitle" in meta or (kind == "article" and looks_like_article_url(url)):
        return False
    chars = info.prose_chars(doc)
    if chars - (len(exempt) if exempt else 0) < info.MIN_PROSE_CHARS:
        return False
    if "columnname" not in meta:
        if date is None:
            date = article.page_date(doc, raw, url, meta, window, use_dateparser=False)
        if date is not None and date.source.startswith(PUBLICATION_SOURCES):
            return False
    return info.child_column_links(doc, url) < info.MIN_CHILD_COLUMNS


def _is_home(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.netloc) and bool(HOME_PATH_RE.match(parts.path)) and not parts.query


def extract_xml_response(raw: str, url: str, window: DateWindow, encoding: str,
                         request_formdata: dict | None) -> PageResult:
    blocks = hanweb.blocks(raw, url, window)
    pag = hanweb.pagination(raw, url, len(blocks[0].items) if blocks else 0, request_formdata) or Pagination()
    return PageResult(kind="column_list", blocks=blocks, pagination=pag, latest_date=_latest(blocks),
                      encoding=encoding, rejected_dates=window.rejected, url=url)


def _best(blocks: list[Block]) -> Block | None:
    return _main_block_first(blocks)[0] if blocks else None


def extract_continuation(raw: str, url: str, window: DateWindow, encoding: str,
                         request_formdata: dict | None, locator: str | None) -> PageResult:
    """A later page of a list page 1 already described: only its main list and pager counts.

    No column links, breadcrumb, information-page or exemption tests (page 1 answered those) and no
    page URLs (page 1 listed them). CMS adapters find their own markers again (集约化 JSON needs no
    HTML tree at all); a DOM list is read at page 1's container when `locator` names one still
    there, else by the full search, so a stale hint costs time, never items."""
    result = PageResult(kind="column_list", encoding=encoding, url=url)
    blocks: list[Block] = []
    pags: list[Pagination | None] = []
    if hanweb.has_datastore(raw):
        blocks += hanweb.blocks(raw, url, window)
        pags.append(hanweb.pagination(raw, url, len(blocks[0].items) if blocks else 0, request_formdata,
                                      with_urls=False))
    if jiyuehua.has_list_data(raw):
        blocks += jiyuehua.blocks(raw, url, window)
        pags.append(jiyuehua.pagination(raw, url, with_urls=False))
    pags.append(trs.pagination(raw, url, with_urls=False))
    doc = texts = None
    if not blocks or trs.SHOW_STATIC_MARK in raw:
        doc = parse_html(raw)
        strip_invisible(doc)
        texts = LinkTexts()
        static = trs.static_groups_block(doc, url, window, texts)
        if static:
            blocks.insert(0, static)
    main = _best(blocks)
    if main is None:
        main = generic.read_located(doc, url, window, locator, texts) if locator else None
        if main is None:
            main = _best(generic.find_blocks(doc, url, window, texts=texts))
    if not any(p is not None for p in pags):
        if doc is None:
            doc = parse_html(raw)
            strip_invisible(doc)
            texts = LinkTexts()
        body_el = doc.find("body")
        text = visible_text(body_el if body_el is not None else doc)
        pags.append(pagers.pagination(doc, url, text, texts, with_urls=False))
    if main is not None:
        fix_month_day_years(main.items)
        result.blocks = [main]
    result.pagination = _merge_pagination(pags)
    result.latest_date = _latest(result.blocks)
    result.rejected_dates = window.rejected
    return result


def extract_page(body: bytes | str, url: str, *, as_of: dt.date, header_encoding: str | None = None,
                 margin_days: int = DEFAULT_MARGIN_DAYS, request_formdata: dict | None = None,
                 continuation: bool = False, locator: str | None = None) -> PageResult:
    """Read one page. `request_formdata` is the form of a Hanweb dataproxy POST whose response this is.
    `continuation`: a later page of a list already read (only its main list and pager counts are read,
    see `extract_continuation`); `locator`: where page 1's main list sat (its Block.locator)."""
    if isinstance(body, bytes):
        raw, encoding = decode_body(body, header_encoding)
    else:
        raw, encoding = body or "", "unicode"
    window = DateWindow(as_of, margin_days)
    if XML_RESPONSE_RE.match(raw[:300]):
        return extract_xml_response(raw, url, window, encoding, request_formdata)
    if continuation:
        return extract_continuation(raw, url, window, encoding, request_formdata, locator)

    doc = parse_html(raw)
    meta = meta_map(doc)
    title_el = doc.find(".//title")
    title = visible_text(title_el) if title_el is not None else None

    adapter_blocks: list[Block] = []
    pags: list[Pagination | None] = []
    if hanweb.has_datastore(raw):
        hb = hanweb.blocks(raw, url, window)
        adapter_blocks += hb
        pags.append(hanweb.pagination(raw, url, len(hb[0].items) if hb else 0, request_formdata))
    if jiyuehua.has_list_data(raw):
        adapter_blocks += jiyuehua.blocks(raw, url, window)
        pags.append(jiyuehua.pagination(raw, url))
    pags.append(trs.pagination(raw, url))

    # what scripts and the head say is read before they are stripped for text reading
    moved_to = links.redirect(doc, url)
    script_links = links.hidden_links(doc, url)
    offered = entrances.entrances(doc, url)
    strip_invisible(doc)
    texts = LinkTexts()
    static = trs.static_groups_block(doc, url, window, texts)
    if static:
        adapter_blocks.insert(0, static)
    dom_blocks = generic.find_blocks(doc, url, window, texts=texts)
    blocks = adapter_blocks + _dedupe_against(adapter_blocks, dom_blocks)
    for b in blocks:
        fix_month_day_years(b.items)

    body_el = doc.find("body")
    text = visible_text(body_el if body_el is not None else doc)
    pags.append(pagers.pagination(doc, url, text, texts))
    pagination = _merge_pagination(pags)

    crumbs = navigation.breadcrumb(doc, url)
    column_name = named_by = None

    has_article_meta = "articletitle" in meta
    list_signal = bool(adapter_blocks) or (pagination.mechanism is not None and (pagination.total_pages or 0) > 1)
    big_block = max((len(b.items) for b in blocks), default=0)
    if _is_home(url):
        kind = "homepage"
    elif has_article_meta:
        kind = "article"
    elif list_signal or (big_block >= 5 and not looks_like_article_url(url)) or (
            "columnname" in meta and not looks_like_article_url(url)):
        kind = "column_list"
    elif looks_like_article_url(url):
        kind = "article"
    elif big_block >= 3:
        kind = "column_list"
    else:
        kind = "other"
    if kind == "column_list" and BOARD_NAME_RE.search(
            meta.get("columnname") or (crumbs[-1].name if crumbs else None) or title or ""):
        kind = "message_board"

    if kind in ("column_list", "message_board"):
        blocks = _main_block_first(blocks)
        if blocks and blocks[0].name is None:
            blocks[0].name = meta.get("columnname") or (crumbs[-1].name if crumbs else None)
    if kind != "homepage":
        column_name, named_by = navigation.own_name(doc, url, meta, crumbs, blocks, title)

    date = None
    if kind in ("article", "other"):
        date = article.page_date(doc, raw, url, meta, window)

    total_items = sum(len(b.items) for b in blocks)
    exempt = None
    # the note only exempts an empty list: a page whose main block has items skips the whole-text pass
    if (total_items == 0 or kind in ("column_list", "other")) and (
            total_items == 0 or not blocks or len(blocks[0].items) == 0):
        m = EXEMPT_RE.search(normalise(text))
        if m:
            exempt = m.group(0).strip()
    is_info = kind in ("other", "article", "column_list") and _is_info_page(
        doc, raw, url, kind, meta, blocks, adapter_blocks, pagination, exempt, date, window)
    if is_info:
        kind = "other"
        exempt = None

    # a page with nothing listed is a blank column or a section grouping sub-columns: tell which
    children = info.child_column_links(doc, url) if total_items == 0 else 0
    # … or a list whose rows could not be read (titles and dates shown, links `javascript:;`)
    shown_dates = len(SHOWN_DATE_RE.findall(text)) if total_items == 0 else 0

    if kind == "column_list" and pagination.total_items is None and pagination.total_pages in (1, None) \
            and blocks:
        pagination.total_items = len(blocks[0].items)
        pagination.total_pages = 1
    result = PageResult(
        kind=kind, title=title, column_name=column_name, breadcrumb=crumbs, blocks=blocks,
        pagination=pagination, latest_date=_latest(blocks), date=date,
        nav_links=navigation.nav_links(doc, url, blocks, crumbs, texts, script_links), is_info_page=is_info,
        redirect=moved_to, entrances=offered, named_by=named_by,
        board_links=navigation.board_links(doc, url, texts, blocks),
        exempt_note=exempt, encoding=encoding, rejected_dates=window.rejected, url=url,
        child_columns=children, shown_dates=shown_dates)
    return result
