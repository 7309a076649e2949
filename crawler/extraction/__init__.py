"""Page extraction: CMS list adapters, Chinese dates, pagination, column discovery.

Public API (kept stable for the spider):
    extract_page(body, url, *, as_of, header_encoding=None) -> PageResult
    decode_body(body, header_encoding=None) -> (text, encoding)
"""
from crawler.extraction.encoding import decode_body
from crawler.extraction.model import Block, DateValue, Entry, Link, PageResult, Pagination
from crawler.extraction.page import extract_page

__all__ = ["extract_page", "decode_body", "PageResult", "Block", "Entry", "Pagination", "Link", "DateValue"]
