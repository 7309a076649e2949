"""Charset handling: w3lib finds the declarations, govwatch's policy decides what to read with."""
from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse

from crawler.extraction import decode_body
from crawler.extraction.boards import _decode as board_decode
from crawler.extraction.encoding import canonical_encoding, declared_encodings
from spiders.site import SiteSpider

GBK_PAGE = "<html><head><title>通知公告</title></head><body><p>关于镕铖项目的公示</p></body></html>"


@pytest.mark.parametrize("label", ["gbk", "GB2312", "gb_2312", "gb-2312", "x-gbk", "cp936", "euc-cn",
                                   "gb_2312-80", " 'gbk' ", "GB18030"])
def test_gb_family_reads_as_gb18030(label):
    assert canonical_encoding(label) == "gb18030"
    assert decode_body(GBK_PAGE.encode("gb18030"), label) == (GBK_PAGE, "gb18030")


def test_unknown_and_unsafe_labels_are_ignored():
    assert canonical_encoding("bogus") is None and canonical_encoding("") is None
    assert canonical_encoding("utf-7") is None   # re-spells markup in ASCII; browsers dropped it
    body = GBK_PAGE.encode("gbk")
    assert decode_body(body, "bogus") == (GBK_PAGE, "gb18030")


@pytest.mark.parametrize("meta", [
    '<meta charset="gb2312">',
    "<META HTTP-EQUIV=Content-Type CONTENT='text/html; charset=gb2312'>",
    '<meta content="text/html; charset=gbk" http-equiv="Content-Type" />',
    '<?xml version="1.0" encoding="GBK"?>',
])
def test_body_declarations(meta):
    body = (meta + GBK_PAGE).encode("gbk")
    assert declared_encodings(body) == ["gb18030"]
    assert decode_body(body) == (meta + GBK_PAGE, "gb18030")


def test_header_comes_before_the_body_declaration():
    body = ('<meta charset="utf-8">' + GBK_PAGE).encode("gbk")
    assert declared_encodings(body, "gbk") == ["gb18030", "utf-8"]
    assert declared_encodings(body, "utf-8") == ["utf-8"]


def test_wrong_declarations_fall_back():
    # a stale GBK declaration over valid UTF-8 is read as UTF-8; a UTF-8 one over GBK bytes as gb18030
    assert decode_body(('<meta charset="gbk">' + GBK_PAGE).encode(), "gbk")[1] == "utf-8"
    assert decode_body(GBK_PAGE.encode("gbk"), "utf-8") == (GBK_PAGE, "gb18030")
    assert decode_body(b"\xef\xbb\xbf" + GBK_PAGE.encode(), "gbk") == (GBK_PAGE, "utf-8")


@pytest.mark.parametrize(("ctype", "expected"), [
    (b"text/html; charset=GBK", "gb18030"), (b'text/html; charset="gb2312"', "gb18030"),
    (b"text/html;charset=UTF-8", "utf-8"), (b"text/html; charset=x-gbk", "gb18030"),
    (b"text/html", None), (None, None)])
def test_content_type_charset(ctype, expected):
    headers = {"Content-Type": ctype} if ctype else {}
    response = HtmlResponse("http://demo.gov.cn/", body=GBK_PAGE.encode("gbk"), headers=headers)
    assert SiteSpider._encoding(response) == expected
    assert board_decode(GBK_PAGE.encode("gbk"), ctype.decode() if ctype else None) == GBK_PAGE
