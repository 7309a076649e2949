"""Decoding response bodies of government sites (GB2312/GBK pages, wrong declarations, BOMs).

Finding what a response declares is w3lib's (the BOM, the Content-Type charset and the
<meta>/<?xml?> declaration, with the WHATWG label table: gb2312/gbk read as gb18030, latin-1 as
cp1252, utf-7 refused). What govwatch does with the declarations is its own policy:

- a non-UTF-8 declaration over bytes that are valid multi-byte UTF-8 is stale: read UTF-8;
- a declared charset that yields more than MAX_BAD_RATIO U+FFFD is wrong: try UTF-8, then gb18030,
  and keep the least damaged reading.
"""
from __future__ import annotations

import codecs

from w3lib.encoding import html_body_declared_encoding, read_bom, resolve_encoding

# WHATWG labels of GBK that Python's codec registry lacks (as codecs.lookup spells them). Registered
# below so that every reader of a charset (w3lib's header and <meta> parsers, Scrapy) knows them.
GBK_LABELS_PYTHON_LACKS = frozenset({"x_gbk", "gb_2312"})
MAX_BAD_RATIO = 0.005  # share of U+FFFD that marks a declared charset as wrong


def _gbk_labels(name: str) -> codecs.CodecInfo | None:
    return codecs.lookup("gb18030") if name in GBK_LABELS_PYTHON_LACKS else None


codecs.register(_gbk_labels)


def canonical_encoding(name: str | None) -> str | None:
    """A charset label (or an already resolved name) -> the codec name to read with, or None.
    The GB family reads as gb18030 (a superset: rare characters survive)."""
    name = (name or "").strip().strip("\"'")
    return resolve_encoding(name) if name else None


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


def declared_encodings(body: bytes, header_encoding: str | None = None) -> list[str]:
    """The charsets a response declares, most authoritative first: the Content-Type header's, then
    the body's own (<meta charset>, <meta http-equiv> or <?xml encoding?>); known codecs only."""
    declared: list[str] = []
    for enc in (canonical_encoding(header_encoding), html_body_declared_encoding(body[:4096])):
        if enc and enc not in declared:
            declared.append(enc)
    return declared


def decode_body(body: bytes, header_encoding: str | None = None) -> tuple[str, str]:
    """-> (text, encoding used): BOM, then the declared charset (header, then meta/XML declaration)
    unless it yields many U+FFFD, then UTF-8, then gb18030."""
    text, encoding, _ = decode_body_exact(body, header_encoding)
    return text, encoding


def decode_body_exact(body: bytes, header_encoding: str | None = None) -> tuple[str, str, bool]:
    """`decode_body`, and whether the text is the strict reading of the whole body in that encoding
    (no BOM cut off, no U+FFFD put in): then the bytes are the text's own encoding, and a parser
    can be handed them instead."""
    if isinstance(body, str):
        return body, "unicode", False
    bom_encoding, bom = read_bom(body)
    if bom_encoding and bom:
        return body[len(bom):].decode(bom_encoding, errors="replace"), bom_encoding, False
    header = canonical_encoding(header_encoding)
    if header is not None:
        # the header's charset comes first (as in `declared`): when it reads the bytes cleanly, what
        # the body declares is never needed, and its <meta> scan of the first 4 KB is skipped
        if header != "utf-8" and _is_strict_utf8(body):
            return body.decode("utf-8"), "utf-8", True
        try:
            return body.decode(header), header, True
        except (UnicodeDecodeError, LookupError):
            pass
    declared = declared_encodings(body, header_encoding)
    if declared and declared[0] != "utf-8" and _is_strict_utf8(body):
        # Valid multi-byte UTF-8 practically never occurs in GBK text: the declaration is stale.
        return body.decode("utf-8"), "utf-8", True
    candidates = declared + [e for e in ("utf-8", "gb18030") if e not in declared]
    best: tuple[float, str, str] | None = None
    for enc in candidates:
        try:
            return body.decode(enc), enc, True  # the usual case: clean bytes, no U+FFFD count needed
        except UnicodeDecodeError:
            pass
        except LookupError:
            continue
        text = body.decode(enc, errors="replace")
        ratio = _bad_ratio(text)
        if ratio <= MAX_BAD_RATIO:
            return text, enc, False
        if best is None or ratio < best[0]:
            best = (ratio, text, enc)
    if best is None:   # not reached: utf-8 and gb18030 are always candidates
        return body.decode("utf-8", errors="replace"), "utf-8", False
    return best[1], best[2], False
