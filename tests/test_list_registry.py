"""The CMS list reader registry (`crawler/extraction/lists/registry.py`): a new family is one module.

A throwaway reader registered here, on synthetic pages, is read by `extract_page` on a list's first
page and by the continuation path (`extract_page(continuation=True)`, the page reader's
`read_continuation`), with no change anywhere else."""
import datetime as dt
import json
import re

import pytest

from crawler.extraction import extract_page
from crawler.extraction.lists import registry
from crawler.extraction.lists.registry import ListReader, list_reader
from crawler.extraction.model import Block, Entry, Pagination
from crawler.pagereader import read_continuation

AS_OF = dt.date(2026, 11, 27)
URL = "http://example.gov.cn/zwgk/tzgg/list.html"
LIST_RE = re.compile(r"var exampleList = (\[.*?\]);", re.DOTALL)
PAGES_RE = re.compile(r"var examplePages = (\d+);")
NAV = ('<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>'
       '<li><a href="/hdjl/">互动交流</a></li></ul></div>')


def rows(page: int) -> list[dict]:
    return [{"t": f"关于第{page}页第{i}项工作的通知", "u": f"/zwgk/tzgg/2026{page:02d}/t{page}_{i}.html",
             "d": f"2026-11-{20 - i:02d}"} for i in range(6)]


def json_page(page: int, pages: int = 3) -> str:
    """A page of a made-up CMS that ships its list as JSON in a script, nothing of it in the HTML."""
    return (f'<html><head><title>通知公告</title></head><body>{NAV}<div id="list"></div>'
            f"<script>var exampleList = {json.dumps(rows(page), ensure_ascii=False)};"
            f"var examplePages = {pages};</script></body></html>")


def dl_page(page: int) -> str:
    """A made-up CMS whose list is a `<dl class="example-cms">` the generic reader would not take."""
    items = "".join(f'<dd><i>{r["d"]}</i><b data-href="{r["u"]}">{r["t"]}</b></dd>' for r in rows(page))
    return (f'<html><head><title>通知公告</title></head><body>{NAV}'
            f'<dl class="example-cms">{items}</dl></body></html>')


@pytest.fixture
def json_reader():
    @list_reader
    class ExampleJsonReader(ListReader):
        name, order = "example-json", 50

        def detect(self, raw):
            return "var exampleList" in raw

        def blocks(self, raw, url, window):
            m = LIST_RE.search(raw)
            entries = [Entry(title=r["t"], href=r["u"], url=f"http://example.gov.cn{r['u']}",
                             date=window.accept(dt.date.fromisoformat(r["d"])), date_source="json:d")
                       for r in json.loads(m.group(1))] if m else []
            return [Block(name=None, more_url=None, items=entries, method="example-json",
                          locator="adapter:example-json")] if entries else []

        def pagination(self, raw, url, *, read, request_formdata, with_urls):
            total = int(PAGES_RE.search(raw).group(1))
            return Pagination(total_pages=total, mechanism="example:examplePages",
                              page_urls=[f"{URL}?page={n}" for n in range(2, total + 1)] if with_urls else [])
    yield ExampleJsonReader
    registry.READERS.pop("example-json")


@pytest.fixture
def tree_reader():
    @list_reader
    class ExampleTreeReader(ListReader):
        name, order = "example-dl", 60

        def detect(self, raw):
            return 'class="example-cms"' in raw

        def tree_blocks(self, doc, url, window, texts):
            dl = next(el for el in doc.iter("dl") if el.get("class") == "example-cms")
            entries = [Entry(title=dd.find("b").text, href=dd.find("b").get("data-href"),
                             url="http://example.gov.cn" + dd.find("b").get("data-href"),
                             date=window.accept(dt.date.fromisoformat(dd.find("i").text)), date_source="list:text")
                       for dd in dl.iter("dd")]
            dl.getparent().remove(dl)
            return [Block(name=None, more_url=None, items=entries, method="example-dl")]
    yield ExampleTreeReader
    registry.READERS.pop("example-dl")


def urls(block):
    return [e.url for e in block.items]


def test_builtin_readers_in_their_fixed_order():
    assert [r.name for r in registry.readers()] == ["hanweb-datastore", "jiyuehua-json", "trs-pager",
                                                    "trs-static-groups"]
    assert [r.name for r in registry.readers() if r.reads_tree] == ["trs-static-groups"]


def test_a_registered_reader_is_read_on_the_first_page(json_reader):
    r = extract_page(json_page(1), URL, as_of=AS_OF)
    assert r.kind == "column_list"
    assert r.blocks[0].method == "example-json" and len(r.blocks[0].items) == 6
    assert r.blocks[0].items[0].title == "关于第1页第0项工作的通知"
    assert r.latest_date == dt.date(2026, 11, 20)
    assert r.pagination.mechanism == "example:examplePages" and r.pagination.total_pages == 3
    assert r.pagination.page_urls == [f"{URL}?page=2", f"{URL}?page=3"]


def test_a_registered_reader_is_read_on_later_pages(json_reader):
    page2 = json_page(2)
    r = extract_page(page2, f"{URL}?page=2", as_of=AS_OF, continuation=True, locator="adapter:example-json")
    assert [b.method for b in r.blocks] == ["example-json"]
    assert urls(r.blocks[0]) == [f"http://example.gov.cn{x['u']}" for x in rows(2)]
    assert r.pagination.total_pages == 3 and r.pagination.page_urls == []  # page 1 listed them
    entries, _ = read_continuation(page2.encode(), f"{URL}?page=2", as_of=AS_OF, margin_days=2,
                                   header_encoding="utf-8", formdata=None, locator="adapter:example-json")
    assert [e.url for e in entries] == urls(r.blocks[0])


def test_without_the_reader_the_page_lists_nothing():
    assert "example-json" not in registry.READERS
    r = extract_page(json_page(1), URL, as_of=AS_OF)
    assert not any(b.items for b in r.blocks) and r.pagination.mechanism is None


def test_a_tree_reader_reads_the_parsed_page_on_both_paths(tree_reader):
    first = extract_page(dl_page(1), URL, as_of=AS_OF)
    assert first.blocks[0].method == "example-dl" and len(first.blocks[0].items) == 6
    assert sum(len(b.items) for b in first.blocks) == 6  # taken out of the tree: not read twice
    later = extract_page(dl_page(2), f"{URL}?page=2", as_of=AS_OF, continuation=True)
    assert [b.method for b in later.blocks] == ["example-dl"]
    assert urls(later.blocks[0]) == [f"http://example.gov.cn{x['u']}" for x in rows(2)]


def test_a_reader_of_the_same_name_is_refused(json_reader):
    with pytest.raises(ValueError, match="registered twice"):
        @list_reader
        class Again(ListReader):
            name = "example-json"
    with pytest.raises(ValueError, match="no name"):
        @list_reader
        class Nameless(ListReader):
            pass
