"""extract_page: one fetched page → PageResult (kind, blocks, pagination, dates, column links)."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from crawler.extraction import article, entrances, info, links, navigation, outlinks
from crawler.extraction.dates import DateWindow, normalise
from crawler.extraction.encoding import decode_body_exact
from crawler.extraction.html import (
    LinkTexts,
    meta_map,
    parse_head,
    parse_html,
    strip_invisible,
    visible_text,
)
from crawler.extraction.lists import generic, locate, pagers, registry
from crawler.extraction.lists.common import (
    fix_month_day_years,
    looks_like_article_url,
    shown_dated,
)
from crawler.extraction.lists.registry import ListReader
from crawler.extraction.model import Block, PageResult, Pagination

HOME_PATH_RE = re.compile(r"^/?(?:(?:index|default|home|main)\.(?:s?html?|jsp|aspx?|php))?$", re.I)
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


def _read_adapters(readers: list[ListReader], raw: str, url: str, window: DateWindow,
                   request_formdata: dict | None, *, with_urls: bool) -> tuple[list[Block], list[Pagination | None]]:
    """Each detected CMS reader's raw-text lists and pager, in the registry's order."""
    blocks: list[Block] = []
    pags: list[Pagination | None] = []
    for reader in readers:
        read = reader.blocks(raw, url, window)
        blocks += read
        pags.append(reader.pagination(raw, url, read=read, request_formdata=request_formdata,
                                      with_urls=with_urls))
    return blocks, pags


def _read_tree_adapters(readers: list[ListReader], doc, url: str, window: DateWindow,
                        texts: LinkTexts) -> list[Block]:
    """The lists CMS readers find in the parsed page (which they may take out of it for the generic reader)."""
    return [b for reader in readers if reader.reads_tree for b in reader.tree_blocks(doc, url, window, texts)]


def _stripped(raw: str, utf8: bytes | None = None):
    doc = parse_html(raw, utf8)
    strip_invisible(doc)
    return doc


def _located_head(raw: str, utf8: bytes | None, locator: str):
    """The element `locator` names, from the page parsed only as far as its end (stripped as
    `_stripped`), when `locate.head_end` finds that end and the tree shows the element complete
    there; else None (the whole page is parsed)."""
    end = locate.head_end(utf8 if utf8 is not None else raw, locator)
    if end is None:
        return None
    doc = parse_head(raw, utf8, end)
    if doc is None:
        return None
    el = locate.find(doc, locator)
    if el is None or not locate.sealed(el):
        return None
    strip_invisible(doc)
    return el


def _body_text(doc) -> str:
    body_el = doc.find("body")
    return visible_text(body_el if body_el is not None else doc)


def extract_data_response(reader: ListReader, raw: str, url: str, window: DateWindow, encoding: str,
                          request_formdata: dict | None) -> PageResult:
    """A CMS's data answer to a list request (Hanweb dataproxy.jsp XML): a list page with no HTML around it."""
    blocks = reader.blocks(raw, url, window)
    pag = reader.pagination(raw, url, read=blocks, request_formdata=request_formdata,
                            with_urls=True) or Pagination()
    return PageResult(kind="column_list", blocks=blocks, pagination=pag, latest_date=_latest(blocks),
                      encoding=encoding, rejected_dates=window.rejected, url=url)


def _best(blocks: list[Block]) -> Block | None:
    return _main_block_first(blocks)[0] if blocks else None


def extract_continuation(raw: str, url: str, window: DateWindow, encoding: str,
                         request_formdata: dict | None, locator: str | None,
                         utf8: bytes | None = None) -> PageResult:
    """A later page of a list page 1 already described: only its main list and pager counts.

    No column links, breadcrumb, information-page or exemption tests (page 1 answered those) and no
    page URLs (page 1 listed them). CMS readers find their own markers again (集约化 JSON needs no
    HTML tree at all); a DOM list is read at page 1's container when `locator` names one still
    there, else by the full search, so a stale hint costs time, never items. `utf8`: the body when
    `raw` is its exact UTF-8 reading (`parse_html`)."""
    result = PageResult(kind="column_list", encoding=encoding, url=url)
    found = registry.detected(raw)
    blocks, pags = _read_adapters(found, raw, url, window, request_formdata, with_urls=False)
    reads_tree = any(r.reads_tree for r in found)
    main = None
    head_read = False  # the list at `locator` was read from the page's head (and may be empty)
    if locator and not blocks and not reads_tree and any(p is not None for p in pags):
        # the tree serves the list at `locator` alone: the page is parsed as far as that list's end
        container = _located_head(raw, utf8, locator)
        if container is not None:
            main = generic.read_container(container, url, window, locator, LinkTexts())
            head_read = True
    doc = texts = None
    if main is None:
        if not blocks or reads_tree:
            doc = _stripped(raw, utf8)
            texts = LinkTexts()
            blocks = _read_tree_adapters(found, doc, url, window, texts) + blocks
        main = _best(blocks)
        if main is None and locator and not head_read:
            main = generic.read_located(doc, url, window, locator, texts)
        if main is None:
            main = _best(generic.find_blocks(doc, url, window, texts=texts))
    if not any(p is not None for p in pags):
        if doc is None:
            doc = _stripped(raw, utf8)
            texts = LinkTexts()
        pags.append(pagers.pagination(doc, url, _body_text(doc), texts, with_urls=False))
    if main is not None:
        fix_month_day_years(main.items)
        result.blocks = [main]
    result.pagination = _merge_pagination(pags)
    result.latest_date = _latest(result.blocks)
    result.rejected_dates = window.rejected
    return result


def _decode(body: bytes | str, header_encoding: str | None) -> tuple[str, str, bytes | None]:
    """(text, encoding, the body when the text is its exact UTF-8 reading)"""
    if isinstance(body, bytes):
        text, encoding, exact = decode_body_exact(body, header_encoding)
        return text, encoding, body if exact and encoding == "utf-8" else None
    return body or "", "unicode", None


def extract_page(body: bytes | str, url: str, *, as_of: dt.date, header_encoding: str | None = None,
                 margin_days: int = DEFAULT_MARGIN_DAYS, request_formdata: dict | None = None,
                 continuation: bool = False, locator: str | None = None, with_links: bool = False) -> PageResult:
    """Read one page. `request_formdata` is the form of a Hanweb dataproxy POST whose response this is.
    `continuation`: a later page of a list already read (only its main list and pager counts are read,
    see `extract_continuation`); `locator`: where page 1's main list sat (its Block.locator); `with_links`:
    also every link the page carries (`PageResult.links`, for the link check; a page read whole only)."""
    raw, encoding, utf8 = _decode(body, header_encoding)
    window = DateWindow(as_of, margin_days)
    reader = registry.data_response_reader(raw)
    if reader is not None:
        return extract_data_response(reader, raw, url, window, encoding, request_formdata)
    if continuation:
        return extract_continuation(raw, url, window, encoding, request_formdata, locator, utf8)
    return extract_first_page(raw, url, window, encoding, request_formdata, with_links=with_links, utf8=utf8)


@dataclass
class _Lists:
    """What a page lists: every block (CMS readers' first), the readers' alone, the merged pager."""
    blocks: list[Block]
    adapter_blocks: list[Block]
    pagination: Pagination
    texts: LinkTexts
    text: str  # the page's visible text


def _read_lists(doc, raw: str, url: str, window: DateWindow, request_formdata: dict | None) -> _Lists:
    """CMS readers, then the generic DOM reader over what they left; `doc` has been stripped."""
    found = registry.detected(raw)
    adapter_blocks, pags = _read_adapters(found, raw, url, window, request_formdata, with_urls=True)
    texts = LinkTexts()
    adapter_blocks = _read_tree_adapters(found, doc, url, window, texts) + adapter_blocks
    dom_blocks = generic.find_blocks(doc, url, window, texts=texts)
    blocks = adapter_blocks + _dedupe_against(adapter_blocks, dom_blocks)
    for b in blocks:
        fix_month_day_years(b.items)
    text = _body_text(doc)
    pags.append(pagers.pagination(doc, url, text, texts))
    return _Lists(blocks, adapter_blocks, _merge_pagination(pags), texts, text)


def _classify(url: str, meta: dict, lists: _Lists, crumbs: list, title: str | None) -> str:
    """homepage | article | column_list | message_board | other, from the URL, meta and what is listed."""
    pagination, blocks = lists.pagination, lists.blocks
    list_signal = bool(lists.adapter_blocks) or (
        pagination.mechanism is not None and (pagination.total_pages or 0) > 1)
    big_block = max((len(b.items) for b in blocks), default=0)
    if _is_home(url):
        kind = "homepage"
    elif "articletitle" in meta:
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
    return kind


def _exempt_note(text: str, kind: str, blocks: list[Block]) -> str | None:
    """The 备注说明 / 本单位无此职能 note that exempts an empty list (R-COL-6)."""
    total_items = sum(len(b.items) for b in blocks)
    # the note only exempts an empty list: a page whose main block has items skips the whole-text pass
    if (total_items == 0 or kind in ("column_list", "other")) and (
            total_items == 0 or not blocks or len(blocks[0].items) == 0):
        m = EXEMPT_RE.search(normalise(text))
        if m:
            return m.group(0).strip()
    return None


def extract_first_page(raw: str, url: str, window: DateWindow, encoding: str,
                       request_formdata: dict | None, with_links: bool = False,
                       utf8: bytes | None = None) -> PageResult:
    """A page read whole: its lists, kind, names, dates, links, and the notes a blank column may carry.
    `utf8`: the body when `raw` is its exact UTF-8 reading (`parse_html`)."""
    doc = parse_html(raw, utf8)
    meta = meta_map(doc)
    title_el = doc.find(".//title")
    title = visible_text(title_el) if title_el is not None else None
    # what scripts and the head say is read before they are stripped for text reading
    moved_to, script_links = links.read_scripts(doc, url)
    offered = entrances.entrances(doc, url)
    carried = outlinks.page_links(doc, url, script_links) if with_links else []
    strip_invisible(doc)
    lists = _read_lists(doc, raw, url, window, request_formdata)
    blocks, pagination, texts = lists.blocks, lists.pagination, lists.texts

    crumbs = navigation.breadcrumb(doc, url)
    kind = _classify(url, meta, lists, crumbs, title)
    if kind in ("column_list", "message_board"):
        blocks = _main_block_first(blocks)
        if blocks and blocks[0].name is None:
            blocks[0].name = meta.get("columnname") or (crumbs[-1].name if crumbs else None)
    column_name = named_by = None
    if kind != "homepage":
        column_name, named_by = navigation.own_name(doc, url, meta, crumbs, blocks, title)

    date = article.page_date(doc, raw, url, meta, window) if kind in ("article", "other") else None
    exempt = _exempt_note(lists.text, kind, blocks)
    is_info = kind in ("other", "article", "column_list") and _is_info_page(
        doc, raw, url, kind, meta, blocks, lists.adapter_blocks, pagination, exempt, date, window)
    if is_info:
        kind = "other"
        exempt = None

    total_items = sum(len(b.items) for b in blocks)
    # a page with nothing listed is a blank column or a section grouping sub-columns: tell which
    children = info.child_column_links(doc, url) if total_items == 0 else 0
    # … or a list whose rows could not be read (titles and dates shown, links `javascript:;`)
    shown_dates = len(SHOWN_DATE_RE.findall(lists.text)) if total_items == 0 else 0

    if kind == "column_list" and pagination.total_items is None and pagination.total_pages in (1, None) \
            and blocks:
        pagination.total_items = len(blocks[0].items)
        pagination.total_pages = 1
    return PageResult(
        kind=kind, title=title, column_name=column_name, breadcrumb=crumbs, blocks=blocks,
        pagination=pagination, latest_date=_latest(blocks), date=date,
        nav_links=navigation.nav_links(doc, url, blocks, crumbs, texts, script_links), is_info_page=is_info,
        redirect=moved_to, entrances=offered, named_by=named_by,
        board_links=navigation.board_links(doc, url, texts, blocks),
        exempt_note=exempt, encoding=encoding, rejected_dates=window.rejected, url=url,
        child_columns=children, shown_dates=shown_dates, links=carried)
