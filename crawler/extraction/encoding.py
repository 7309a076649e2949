"""Decoding response bodies of government sites (GB2312/GBK pages, wrong declarations, BOMs)."""
from __future__ import annotations

import codecs
import re

META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w:.-]+)""", re.I)
XML_DECL_RE = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([\w.-]+)["']""", re.I)
BOMS = [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")]
GB_FAMILY = {"gb2312", "gbk", "gb18030", "gb_2312", "gb-2312", "x-gbk", "gb_2312-80", "cp936", "euc-cn"}
MAX_BAD_RATIO = 0.005  # share of U+FFFD that marks a declared charset as wrong


def _canonical(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    if name in GB_FAMILY:
        return "gb18030"  # superset: rare characters survive
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _bad_ratio(text: str) -> float:
    return text.count("\ufffd") / max(len(text), 1)


def _is_strict_utf8(body: bytes) -> bool:
    if body.isascii():
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def decode_body(body: bytes, header_encoding: str | None = None) -> tuple[str, str]:
    """-> (text, encoding used): BOM, then the declared charset (header, then meta/XML declaration)
    unless it yields many U+FFFD, then UTF-8, then gb18030."""
    if isinstance(body, str):
        return body, "unicode"
    for bom, enc in BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(enc, errors="replace"), enc
    head = body[:4096]
    declared: list[str] = []
    for name in (header_encoding,
                 (m.group(1).decode("ascii", "ignore") if (m := META_CHARSET_RE.search(head)) else None),
                 (m.group(1).decode("ascii", "ignore") if (m := XML_DECL_RE.search(head)) else None)):
        enc = _canonical(name)
        if enc and enc not in declared:
            declared.append(enc)
    if declared and declared[0] != "utf-8" and _is_strict_utf8(body):
        # Valid multi-byte UTF-8 practically never occurs in GBK text: the declaration is stale.
        return body.decode("utf-8"), "utf-8"
    candidates = declared + [e for e in ("utf-8", "gb18030") if e not in declared]
    best: tuple[float, str, str] | None = None
    for enc in candidates:
        try:
            return body.decode(enc), enc  # the usual case: clean bytes, no U+FFFD count needed
        except UnicodeDecodeError:
            pass
        except LookupError:
            continue
        text = body.decode(enc, errors="replace")
        ratio = _bad_ratio(text)
        if ratio <= MAX_BAD_RATIO:
            return text, enc
        if best is None or ratio < best[0]:
            best = (ratio, text, enc)
    if best is None:   # not reached: utf-8 and gb18030 are always candidates
        return body.decode("utf-8", errors="replace"), "utf-8"
    return best[1], best[2]
