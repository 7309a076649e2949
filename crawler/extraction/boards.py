"""Public enquiry boards (领导信箱 / 网民留言 / 咨询投诉 / 12345): letters, statuses and pages.

Why: 互动回应差 is a veto item, and boards are the least uniform part of a site. A board page is read
with three strategies in turn: JSON bodies (client-rendered boards), tables whose header names the
columns (编号 | 来信主题 | 来信时间 | 状态 | 答复时间), and list rows carrying a status badge or a date.
Whatever the list lacks (dates, status) is marked ``needs_detail`` so the spider fetches the letter
and reads it with :func:`extract_letter`. Nothing here fetches; nothing here raises on odd markup.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import re
from dataclasses import asdict, dataclass, field
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag
from w3lib.encoding import http_content_type_encoding

from crawler.extraction.board_labels import GENERIC_LABELS, clean, label_pairs
from crawler.extraction.board_pager import board_pager, json_endpoints, json_pages
from crawler.extraction.board_status import classify_board, is_status_word, normalise_status
from crawler.extraction.dates import parse_date
from crawler.extraction.encoding import decode_body
from crawler.extraction.lists.hanweb import RECORD_RE, has_datastore
from crawler.extraction.lists.pagers import small_int

__all__ = ["Letter", "BoardPage", "is_board_page", "classify_board", "extract_board",
           "extract_letter", "normalise_status"]

JSONP_RE = re.compile(r"^\s*[\w$.]+\s*\(\s*([\[{].*[\]}])\s*\)\s*;?\s*$", re.S)
JSONP_START_RE = re.compile(r"^[\w$.]+\s*\(\s*[\[{]")
# a Hanweb datastore with the <script type="text/xml"> around it, if any
XML_PROLOG_RE = re.compile(r"^\s*<\?xml[^>]*>")
DATASTORE_BLOCK_RE = re.compile(r"(?:<script\b[^>]*>\s*)?<datastore\b.*?</datastore>(?:\s*</script>)?", re.S | re.I)
# Header cell text -> field. Reply dates are tested before submission dates (both say 时间).
HEADER_RULES: list[tuple[str, re.Pattern]] = [
    ("replied", re.compile(r"(回复|答复|办结|办理|处理|反馈).{0,2}(时间|日期)")),
    ("submitted", re.compile(r"时间|日期")),
    ("status", re.compile(r"状态|进度|结果")),
    ("number", re.compile(r"编号|查询码|序号|件号")),
    ("unit", re.compile(r"单位|部门|机构|回复人")),
    ("category", re.compile(r"类型|类别|分类")),
    ("title", re.compile(r"主题|标题|题目|事项|信件|留言|诉求|内容|名称")),
]
LABELLED_SUBMIT_RE = re.compile(r"(?:来信|留言|提交|写信|发信|提问|咨询|投诉|诉求)(?:时间|日期)\s*[：:]\s*([^\s|，,；;]+(?:\s\d{1,2}:\d{2}(?::\d{2})?)?)")
LABELLED_REPLY_RE = re.compile(r"(?:回复|答复|办结|办理|处理|反馈)(?:时间|日期)\s*[：:]\s*([^\s|，,；;]+)")
LABELLED_UNIT_RE = re.compile(r"(?:办理|答复|回复|受理|处理|承办)(?:单位|部门)\s*[：:]\s*([^\s|，,；;]+)")
LABELLED_NUMBER_RE = re.compile(r"(?:信件|留言|来信|受理)?编号\s*[：:]\s*([A-Za-z0-9\-]+)")
NOT_TITLE_LINKS = {"更多", "更多>>", "more", "详细", "查看", "详情", "查看详情", "回复", "我要写信", "我要留言",
                   "返回", "打印", "关闭"}
BOARD_WORD_RE = re.compile(r"信箱|留言|咨询|投诉|来信|诉求|12345|互动|建议|问政")
BOARD_LABEL_RE = re.compile(r"来信时间|留言时间|提交时间|回复时间|答复时间|办理状态|处理状态|来信主题|留言主题|"
                            r"信件编号|留言编号|办理单位|答复单位|受理单位|答复内容|回复内容")
STATUS_WORD_RE = re.compile(r"已回复|已办结|已答复|已处理|办理中|待回复|未回复|已受理|已转办|不予受理|处理中|待处理")
ROW_SKIP_PARENTS = ("nav", "header", "footer")
UNIT_CLASS_RE = re.compile(r"^(?:dept|unit|bm|dw|department|org|danwei|bumen)$", re.I)
EMPTY_VALUE_RE = re.compile(r"^(?:暂无|无|空|—+|-+|/|null|none|待定)$", re.I)


@dataclass
class Letter:
    key: str
    number: str | None
    title: str
    category: str | None
    url: str | None
    submitted: dt.date | None
    replied: dt.date | None
    status: str
    status_text: str | None
    unit: str | None
    needs_detail: bool = False

    def as_row(self) -> dict:
        """The enquiries-table columns (dates as ISO strings)."""
        row = asdict(self)
        row["letter_key"] = row.pop("key")
        row.pop("needs_detail")
        for k in ("submitted", "replied"):
            row[k] = row[k].isoformat() if row[k] else None
        return row


@dataclass
class BoardPage:
    letters: list[Letter] = field(default_factory=list)
    page_urls: list[str] = field(default_factory=list)
    post_requests: list[dict] = field(default_factory=list)
    json_urls: list[str] = field(default_factory=list)
    next_page_url: str | None = None
    total_items: int | None = None
    total_pages: int | None = None
    frame_urls: list[str] = field(default_factory=list)  # boards embedded from another application


# ---------------------------------------------------------------- helpers

def _decode(body: bytes | str, content_type: str | None) -> str:
    if isinstance(body, str):
        return body
    return decode_body(body, http_content_type_encoding(content_type))[0]


def _soup(text: str) -> BeautifulSoup:
    return BeautifulSoup(text, "lxml")


def _date(text: str | None, as_of: dt.date) -> dt.date | None:
    if not text:
        return None
    try:
        return parse_date(str(text), as_of=as_of, allow_month_day=False)
    except (ValueError, TypeError, OverflowError):
        return None


def _letter_key(number: str | None, url: str | None, title: str, submitted: dt.date | None) -> str:
    if number:
        return number
    if url:
        parts = urlsplit(url)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    digest = hashlib.sha1(f"{title}|{submitted.isoformat() if submitted else ''}".encode(), usedforsecurity=False)
    return "h:" + digest.hexdigest()[:16]


def _make_letter(*, number, title, category, url, submitted, replied, status_text, unit,
                 has_url_detail: bool = True) -> Letter:
    number = clean(number) or None
    status_text = clean(status_text) or None
    status = normalise_status(status_text)
    if status == "unknown" and replied:
        status = "answered"
    needs = bool(url) and has_url_detail and (
        submitted is None or status == "unknown" or (status == "answered" and replied is None))
    return Letter(key=_letter_key(number, url, title, submitted), number=number, title=title,
                  category=clean(category) or None, url=url, submitted=submitted, replied=replied,
                  status=status, status_text=status_text, unit=clean(unit) or None, needs_detail=needs)


def _good_href(href: str | None) -> bool:
    href = (href or "").strip()
    return bool(href) and not href.lower().startswith(("javascript:", "#", "mailto:", "tel:"))


def _title_anchor(el: Tag) -> Tag | None:
    best = None
    for a in el.find_all("a"):
        text = clean(a.get("title") or a.get_text(" "))
        if not text or text in NOT_TITLE_LINKS or re.fullmatch(r"\[?\d{1,4}\]?|下一页|上一页|尾页|首页", text):
            continue
        if is_status_word(text):
            continue
        if best is None or len(text) > len(clean(best.get("title") or best.get_text(" "))):
            best = a
    return best


def _status_in(el: Tag) -> tuple[str | None, list[Tag]]:
    """A status badge inside a row: an element whose whole text is a status word, or an icon's alt."""
    for sub in el.find_all(True):
        if sub.name == "img":
            alt = clean(sub.get("alt") or sub.get("title"))
            if alt and is_status_word(alt):
                return alt, [sub]
            continue
        if sub.find(True) is not None and sub.name not in ("span", "em", "b", "font", "i", "strong", "td", "label"):
            continue
        text = clean(sub.get_text(" "))
        if text and len(text) <= 8 and is_status_word(text):
            return text.strip("[]【】()（）"), [sub]
    return None, []


# ---------------------------------------------------------------- tables

def _row_cells(tr: Tag) -> list[Tag]:
    return [c for c in tr.find_all(["td", "th"], recursive=False)]


def _short_text(cell: Tag, limit: int) -> str | None:
    """The cell's text if it is at most `limit` characters, else None. A cell that holds a table is
    no header; checking that first keeps nested tables linear (reading each cell whole was
    quadratic in the nesting depth, bench/README.md)."""
    if any(getattr(child, "name", None) == "table" for child in cell.children):
        return None
    parts, size = [], 0
    for s in cell.strings:
        parts.append(s)
        size += len(s.strip())
        if size > limit:
            return None
    text = clean(" ".join(parts))
    return text if len(text) <= limit else None


def _header_map(cells: list[Tag]) -> dict[str, int]:
    mapping: dict[str, int] = {}
    for i, cell in enumerate(cells):
        text = _short_text(cell, 12)
        if not text:
            continue
        for fld, rx in HEADER_RULES:
            if rx.search(text) and fld not in mapping:
                mapping[fld] = i
                break
    return mapping


def _own_rows(table) -> list:
    """A table's own rows (directly or via thead/tbody/tfoot), not those of nested tables:
    looking each row's table up from below was quadratic in the nesting depth (bench/fuzz.py)."""
    rows = []
    for child in table.find_all(recursive=False):
        if child.name == "tr":
            rows.append(child)
        elif child.name in ("thead", "tbody", "tfoot"):
            rows.extend(child.find_all("tr", recursive=False))
    return rows


def _tables(soup: BeautifulSoup, url: str, as_of: dt.date, used: set[int], board_like: bool) -> list[Letter]:
    letters: list[Letter] = []
    for table in soup.find_all("table"):
        rows = _own_rows(table)
        header: dict[str, int] | None = None
        for tr in rows:
            cells = _row_cells(tr)
            if header is None:
                mapping = _header_map(cells)
                # A 标题 | 日期 table is an ordinary news list unless the page reads as a board.
                if "title" in mapping and len(mapping) >= 2 and (
                        board_like or {"status", "replied", "number"} & set(mapping)):
                    header = mapping
                    used.add(id(tr))
                continue
            if len(cells) <= max(header.values()):
                continue
            title_cell = cells[header["title"]]
            anchor = _title_anchor(title_cell) or _title_anchor(tr)
            title = clean((anchor.get("title") if anchor is not None else None) or title_cell.get_text(" "))
            if not title:
                continue
            used.add(id(tr))
            href = anchor.get("href") if anchor is not None else None
            link = urljoin(url, str(href).strip()) if _good_href(href) else None

            def cell(name: str, header=header, cells=cells) -> str | None:
                i = header.get(name)
                if i is None:
                    return None
                c = cells[i]
                text = clean(c.get_text(" "))
                if not text and name == "status":
                    img = c.find("img")
                    text = clean(img.get("alt") or img.get("title")) if img is not None else ""
                return text or None

            letters.append(_make_letter(
                number=cell("number") if header.get("number") != header["title"] else None, title=title,
                category=cell("category"), url=link, submitted=_date(cell("submitted"), as_of),
                replied=_date(cell("replied"), as_of), status_text=cell("status"), unit=cell("unit")))
    return letters


# ---------------------------------------------------------------- list rows

ROW_TAGS = ["li", "tr", "dl"]


def _list_rows(soup: BeautifulSoup, url: str, as_of: dt.date, used: set[int], board_like: bool) -> list[Letter]:
    letters: list[Letter] = []
    rows = soup.find_all(ROW_TAGS)
    # a row that holds other rows is not a letter; found from below (each row's nearest row
    # ancestor) because asking every row for row descendants was quadratic in nesting depth
    holders = {id(p) for el in rows if (p := el.find_parent(ROW_TAGS)) is not None}
    for el in rows:
        if id(el) in used or id(el) in holders:
            continue
        if any(el.find_parent(p) is not None for p in ROW_SKIP_PARENTS):
            continue
        anchor = _title_anchor(el)
        if anchor is None or not _good_href(anchor.get("href")):
            continue
        status_text, badge = _status_in(el)
        text = clean(el.get_text(" "))
        submitted = _date(m.group(1), as_of) if (m := LABELLED_SUBMIT_RE.search(text)) else None
        replied = _date(m.group(1), as_of) if (m := LABELLED_REPLY_RE.search(text)) else None
        if submitted is None and replied is None:
            # Unlabelled dates outside the title: the first is the submission, a second the reply.
            rest = text.replace(clean(anchor.get_text(" ")), " ")
            dates = [d for d in (_date(part, as_of) for part in re.findall(
                r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}", rest)) if d]
            if dates:
                submitted = dates[0]
                replied = dates[1] if len(dates) > 1 else None
        if status_text is None and (submitted is None or not board_like):
            continue
        title = clean(anchor.get("title"))
        if not title:
            parts = [clean(s) for s in anchor.find_all(string=True)
                     if not any(s.parent is b or (isinstance(b, Tag) and b in s.parents) for b in badge)]
            title = clean(" ".join(parts)) or clean(anchor.get_text(" "))
        title = re.sub(r"^[\[【(（]\s*(?:已回复|已办结|办理中|待回复|未回复|已答复|已受理)\s*[\]】)）]\s*", "", title)
        unit = m.group(1) if (m := LABELLED_UNIT_RE.search(text)) else None
        if unit is None:
            unit_el = el.find(class_=UNIT_CLASS_RE)
            unit = clean(unit_el.get_text(" ")) if unit_el is not None and unit_el is not anchor else None
        number = m.group(1) if (m := LABELLED_NUMBER_RE.search(text)) else None
        used.add(id(el))
        letters.append(_make_letter(number=number, title=title, category=None,
                                    url=urljoin(url, str(anchor["href"]).strip()), submitted=submitted,
                                    replied=replied, status_text=status_text, unit=unit))
    if any(letter.status_text for letter in letters):
        # Rows with a status badge identify the board's list; dated rows without one are other lists
        # (news blocks on a portal page that embeds a letters extract).
        letters = [letter for letter in letters if letter.status_text]
    return letters


# ---------------------------------------------------------------- JSON

ROW_KEYS = ("rows", "data", "list", "records", "items", "result", "results", "content", "datas", "dataList",
            "resultList", "page", "pageInfo", "body")
TOTAL_KEYS = ("total", "totalCount", "totalcount", "count", "recordsTotal", "totalElements", "totalRow",
              "totalNum", "total_count", "totalRecord", "totalRecords", "totalSize")
SIZE_KEYS = ("pageSize", "pagesize", "size", "limit", "page_size")
FIELD_KEYS = {
    "number": ("number", "no", "code", "letterNo", "letterCode", "mailNo", "queryCode", "bh", "xjbh", "serialNo",
               "caseNo", "sn"),
    "id": ("id", "letterId", "mailId", "ID", "Id"),
    "title": ("title", "subject", "topic", "mailTitle", "letterTitle", "name", "bt", "zt", "theme"),
    "submitted": ("createTime", "submitTime", "addTime", "writeTime", "createDate", "submitDate", "sendTime",
                  "postTime", "askTime", "lxsj", "lysj", "created", "created_at", "createdAt", "time", "date"),
    "replied": ("replyTime", "answerTime", "replyDate", "answerDate", "handleTime", "finishTime", "dfsj", "hfsj",
                "replied", "replied_at", "repliedAt", "reply_time"),
    "status": ("status", "state", "statusName", "handleStatus", "statusText", "stateName", "zt_name", "clzt"),
    "unit": ("unit", "replyUnit", "deptName", "handleUnit", "orgName", "department", "dept", "hfdw", "dfdw"),
    "category": ("category", "type", "typeName", "categoryName", "lx", "kind"),
    "url": ("url", "link", "href", "detailUrl", "detail_url", "linkUrl"),
}


def _find_rows(obj, depth: int = 0) -> list[dict] | None:
    if isinstance(obj, list):
        return obj if obj and all(isinstance(r, dict) for r in obj) else (obj if not obj else None)
    if not isinstance(obj, dict) or depth > 3:
        return None
    for key in ROW_KEYS:
        if key in obj:
            rows = _find_rows(obj[key], depth + 1)
            if rows is not None:
                return rows
    return None


def _find_number(obj, keys: tuple[str, ...], depth: int = 0) -> int | None:
    if not isinstance(obj, dict) or depth > 3:
        return None
    for key in keys:
        val = obj.get(key)
        if isinstance(val, int) and not isinstance(val, bool) and val >= 0:
            return val
        if isinstance(val, str) and small_int(val) is not None:
            return small_int(val)
    for val in obj.values():
        if isinstance(val, dict):
            found = _find_number(val, keys, depth + 1)
            if found is not None:
                return found
    return None


def _pick(row: dict, name: str):
    for key in FIELD_KEYS[name]:
        val = row.get(key)
        if val not in (None, ""):
            return val
    return None


def _json_board(data, url: str, as_of: dt.date) -> BoardPage:
    page = BoardPage()
    rows = _find_rows(data) or []
    for row in rows:
        title = clean(str(_pick(row, "title") or ""))
        if not title:
            continue
        raw_id = _pick(row, "id")
        number = _pick(row, "number")
        link = _pick(row, "url")
        link = urljoin(url, str(link)) if isinstance(link, str) and _good_href(link) else None
        letter = _make_letter(number=str(number) if number is not None else None, title=title,
                              category=str(_pick(row, "category") or "") or None, url=link,
                              submitted=_date(str(_pick(row, "submitted") or ""), as_of),
                              replied=_date(str(_pick(row, "replied") or ""), as_of),
                              status_text=str(_pick(row, "status") or "") or None,
                              unit=str(_pick(row, "unit") or "") or None)
        if letter.number is None and link is None and raw_id is not None:
            letter.key = f"id:{raw_id}"
        page.letters.append(letter)
    page.total_items = _find_number(data, TOTAL_KEYS)
    page.json_urls = json_pages(url, page.total_items, len(rows), _find_number(data, SIZE_KEYS))
    return page


def _unwrap_datastore(text: str) -> tuple[str, int]:
    """Hanweb jpage boards ship their letters as HTML in the CDATA of `<record>`s inside
    `<script type="text/xml"><datastore>` (page 1) or a bare `<datastore>` (dataproxy.jsp answers),
    which an HTML parser never sees: each datastore becomes its records' markup, in place, so the
    page is still parsed once. Returns the text and the number of records."""
    count = 0

    def records(m: re.Match) -> str:
        nonlocal count
        parts = [r.group(1) if r.group(1) is not None else html.unescape(r.group(2) or "")
                 for r in RECORD_RE.finditer(m.group(0))]
        count += len(parts)
        body = "".join(parts)
        return f"<table>{body}</table>" if body.lstrip()[:3].lower() == "<tr" else f"<div>{body}</div>"

    text = DATASTORE_BLOCK_RE.sub(records, text)
    # a dataproxy answer is now HTML: without its XML prolog bs4 does not warn about parsing XML as HTML
    return XML_PROLOG_RE.sub("", text, count=1), count


def _parse_json(text: str):
    stripped = text.strip()
    m = JSONP_RE.match(stripped)
    if m:
        stripped = m.group(1)
    return json.loads(stripped)


# ---------------------------------------------------------------- public API

def is_board_page(text_or_html: str) -> bool:
    """A cheap test for "this page is a message board (list or letter)"."""
    text = text_or_html or ""
    labels = len(set(BOARD_LABEL_RE.findall(text)))
    statuses = len(STATUS_WORD_RE.findall(text))
    return labels >= 2 or (bool(BOARD_WORD_RE.search(text)) and (labels >= 1 or statuses >= 2))


def extract_board(body: bytes | str, url: str, *, as_of: dt.date, content_type: str | None = None) -> BoardPage:
    """Letters and further pages of one board page (HTML or JSON body)."""
    text = _decode(body, content_type)
    stripped = text.lstrip()
    if "json" in (content_type or "").lower() or stripped[:1] in ("{", "[") or JSONP_START_RE.match(stripped):
        try:
            return _json_board(_parse_json(text), url, as_of)
        except (ValueError, TypeError, RecursionError):
            if "json" in (content_type or "").lower():
                return BoardPage()
    raw, records = text, 0
    if has_datastore(text):
        text, records = _unwrap_datastore(text)
    soup = _soup(text)
    used: set[int] = set()
    page_text = soup.get_text(" ")
    board_like = is_board_page(page_text)
    letters = _tables(soup, url, as_of, used, board_like) + _list_rows(soup, url, as_of, used, board_like)
    unique: dict[str, Letter] = {}
    for letter in letters:
        unique.setdefault(letter.key, letter)
    pager = board_pager(soup, raw, url, page_text, records)
    page = BoardPage(letters=list(unique.values()), page_urls=pager.page_urls,
                     post_requests=pager.post_requests, json_urls=json_endpoints(soup, text, url),
                     next_page_url=pager.next_page_url, total_items=pager.total_items,
                     total_pages=pager.total_pages)
    for frame in soup.find_all(["iframe", "frame"]):
        src = frame.get("src")
        if _good_href(src):
            page.frame_urls.append(urljoin(url, str(src).strip()))
    return page


def extract_letter(body: bytes | str, url: str, *, as_of: dt.date, content_type: str | None = None) -> Letter:
    """One letter's detail page. No reply block, or one with no date and no text, means pending."""
    text = _decode(body, content_type)
    soup = _soup(text)
    pairs = label_pairs(soup)
    found: dict[str, list[str]] = {}
    for _, fld, value in pairs:
        found.setdefault(fld, []).append(value)
    letter_like = any(label not in GENERIC_LABELS for label, _, _ in pairs)

    def first(name: str) -> str | None:
        for value in found.get(name, []):
            if value and not EMPTY_VALUE_RE.match(value):
                return value
        return None

    title = first("title")
    if not title:
        for sel in ("h1", "h2", "[class*=title]", "h3", "title"):
            el = soup.select_one(sel)
            if el is not None and clean(el.get_text(" ")):
                title = clean(el.get_text(" "))
                break
    submitted = _date(first("submitted"), as_of)
    replied = _date(first("replied"), as_of)
    reply_text = first("reply")
    status_text = first("status")
    status = normalise_status(status_text)
    if status == "unknown":
        if replied or reply_text:
            status = "answered"
        elif letter_like:
            # A letter page without a (filled) reply block: not answered yet.
            status = "pending"
        # else: not recognisably a letter page (a news article behind a list link): stays unknown.
    number = first("number")
    number = number.split(" ")[0] if number else None
    return Letter(key=_letter_key(number, url, title or "", submitted), number=number, title=title or "",
                  category=first("category"), url=url, submitted=submitted, replied=replied, status=status,
                  status_text=status_text, unit=first("unit"), needs_detail=False)
