"""The text of attached files (附件): what a 公示 often carries in a spreadsheet or a PDF.

Why libraries and which: each format is read by a well-kept library, never by hand —
`.docx` python-docx (paragraphs and table cells), `.xlsx` openpyxl (read-only, values only), `.xls`
xlrd (its one remaining purpose), `.pdf` pypdf (pure Python; CJK through the fonts' ToUnicode and
the standard Adobe-GB1 maps). Old binary Word (`.doc`), WPS (`.wps`/`.et`) and archives have no
such library in pure Python: they are recorded as not read (名称与原因), for a person to check.

Limits keep one attachment from costing a crawl more than a few pages: the crawl downloads at most
GOVWATCH_ATTACHMENT_MAX_BYTES (a larger file is not read), a PDF is read for its first MAX_PDF_PAGES
pages, a workbook for its first MAX_CELLS cells; the text is cut at MAX_TEXT_CHARS. The format is
decided by the file's signature, not its name: a server answering `x.pdf` with an HTML error page is
"not a PDF", never a PDF with no personal data in it.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

READABLE = (".pdf", ".docx", ".xlsx", ".xls")
UNREADABLE = (".doc", ".wps", ".et", ".dps", ".ppt", ".pptx", ".zip", ".rar", ".7z")
ATTACHMENT_RE = re.compile(r"\.(pdf|docx?|xlsx?|wps|et)$", re.I)
MAX_PDF_PAGES = 60
MAX_CELLS = 200_000
MAX_TEXT_CHARS = 200_000

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = b"PK\x03\x04"
PDF = b"%PDF"


@dataclass
class AttachmentText:
    text: str | None      # None: not read (see `error`)
    error: str | None = None
    kind: str | None = None   # pdf | docx | xlsx | xls


def extension(url: str) -> str:
    path = unquote(urlsplit(url).path).lower()
    m = ATTACHMENT_RE.search(path)
    return "." + m.group(1) if m else ""


def is_attachment(url: str) -> bool:
    return bool(extension(url))


def _sniff(body: bytes, ext: str) -> str | None:
    if body.startswith(PDF) or (PDF in body[:1024] and ext == ".pdf"):
        return "pdf"
    if body.startswith(ZIP):
        return "xlsx" if ext in (".xlsx", ".xls", ".et") else "docx"
    if body.startswith(OLE):
        return "xls" if ext in (".xls", ".et") else "ole"
    return None


def _pdf(body: bytes) -> str:
    import pypdf
    reader = pypdf.PdfReader(io.BytesIO(body))
    if reader.is_encrypted:
        try:
            reader.decrypt("")
        except Exception as e:  # noqa: BLE001 - pypdf raises several kinds for a password it lacks
            raise ValueError("PDF 已加密") from e
    parts = []
    for page in reader.pages[:MAX_PDF_PAGES]:
        parts.append(page.extract_text() or "")
        if sum(map(len, parts)) > MAX_TEXT_CHARS:
            break
    return "\n".join(parts)


def _docx(body: bytes) -> str:
    import docx
    document = docx.Document(io.BytesIO(body))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" ".join(dict.fromkeys(c.text.strip() for c in row.cells)))
    return "\n".join(lines)


def _xlsx(body: bytes) -> str:
    import openpyxl
    wb = openpyxl.load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    lines, cells = [], 0
    try:
        for ws in wb.worksheets:
            for row in ws.iter_rows(values_only=True):
                values = [str(v) for v in row if v is not None]
                cells += len(row)
                if values:
                    lines.append(" ".join(values))
                if cells > MAX_CELLS:
                    return "\n".join(lines)
    finally:
        wb.close()
    return "\n".join(lines)


def _xls(body: bytes) -> str:
    import xlrd
    book = xlrd.open_workbook(file_contents=body, on_demand=True)
    lines, cells = [], 0
    for sheet in book.sheets():
        for r in range(sheet.nrows):
            row = sheet.row_values(r)
            cells += len(row)
            values = [_cell(v) for v in row if v not in ("", None)]
            if values:
                lines.append(" ".join(values))
            if cells > MAX_CELLS:
                return "\n".join(lines)
    return "\n".join(lines)


def _cell(value) -> str:
    """A spreadsheet number as written: an ID number typed as a number must read as its digits."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


READERS = {"pdf": _pdf, "docx": _docx, "xlsx": _xlsx, "xls": _xls}


def attachment_text(body: bytes, url: str) -> AttachmentText:
    """The text of one downloaded attachment, or why it was not read."""
    ext = extension(url)
    kind = _sniff(body or b"", ext)
    if kind is None:
        if (body or b"")[:200].lstrip().lower().startswith((b"<!doctype", b"<html", b"<?xml", b"<head")):
            return AttachmentText(None, "链接返回的是网页而不是文件")
        return AttachmentText(None, f"无法识别的文件格式（{ext or '无扩展名'}）")
    if kind == "ole":
        return AttachmentText(None, f"旧版 Office/WPS 格式（{ext}）暂不读取，请人工核查")
    try:
        text = READERS[kind](body)
    except Exception as e:  # noqa: BLE001 - a damaged file is recorded as not read, never a crash
        return AttachmentText(None, f"文件无法读取（{type(e).__name__}: {str(e)[:120]}）", kind)
    return AttachmentText(text[:MAX_TEXT_CHARS], None, kind)
