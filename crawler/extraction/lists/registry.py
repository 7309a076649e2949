"""The CMS list readers: one per list family, each registered by its own module, tried in a fixed order.

A reader is a `ListReader` subclass decorated with `@list_reader` in a module of this package (every
module here is imported on first use, so a new family is one module). `crawler/extraction/page.py`
asks every reader whose `detect` matches the raw text, in `order`, both on a list's first page and on
its later pages (`with_urls=False`: the pages are already known), and the generic DOM reader
(`generic.py`, `pagers.py`) reads what is left.
Only the hooks a family has are overridden; the others read nothing.

    @list_reader
    class ExampleReader(ListReader):
        name, order = "example-json", 50
        def detect(self, raw): return "var exampleList" in raw
        def blocks(self, raw, url, window): ...
        def pagination(self, raw, url, *, read, request_formdata, with_urls): ...
"""
from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from crawler.extraction.dates import DateWindow
from crawler.extraction.html import LinkTexts
from crawler.extraction.model import Block, Pagination


class ListReader:
    """What a CMS list reader offers. `order` fixes where its blocks and pager stand among the others'."""
    name: str = ""
    order: int = 0
    reads_tree: bool = False  # set by @list_reader: the class overrides `tree_blocks`

    def detect(self, raw: str) -> bool:
        """Cheap test on the raw text (a substring, one anchored regex): does this page carry the family's
        list or pager? Every other hook is called only when it does."""
        raise NotImplementedError

    def is_data_response(self, raw: str) -> bool:
        """The whole body is this family's data (an XML/JSON answer to a list request), not an HTML page:
        it is read by `blocks` and `pagination` alone, as a list page."""
        return False

    def blocks(self, raw: str, url: str, window: DateWindow) -> list[Block]:
        """Lists read from the raw text, before the page is parsed."""
        return []

    def tree_blocks(self, doc: Any, url: str, window: DateWindow, texts: LinkTexts) -> list[Block]:
        """Lists read from the parsed page (invisible parts stripped). A reader may remove what it read from
        `doc` so the generic reader does not read it again. These stand before the raw-text blocks."""
        return []

    def pagination(self, raw: str, url: str, *, read: list[Block], request_formdata: dict | None,
                   with_urls: bool) -> Pagination | None:
        """Counts and the later pages' URLs or POSTs. `read`: the blocks `blocks` read from this page;
        `request_formdata`: the form of the POST whose response this is; `with_urls=False` on a later
        page (its list's pages are already known)."""
        return None


READERS: dict[str, ListReader] = {}
_loaded = False


def list_reader(cls: type[ListReader]) -> type[ListReader]:
    """Register a reader class (one instance); a second reader of the same name is an error."""
    if not cls.name:
        raise ValueError(f"list reader {cls.__qualname__}: no name")
    if cls.name in READERS:
        raise ValueError(f"list reader {cls.name!r} is registered twice")
    cls.reads_tree = cls.tree_blocks is not ListReader.tree_blocks
    READERS[cls.name] = cls()
    return cls


def readers() -> list[ListReader]:
    """Every registered reader, by (order, name)."""
    global _loaded
    if not _loaded:  # the package's modules, whose decorators fill READERS (on first use: they import this one)
        package = __name__.rpartition(".")[0]
        for module in pkgutil.iter_modules(importlib.import_module(package).__path__):
            importlib.import_module(f"{package}.{module.name}")
        _loaded = True
    return sorted(READERS.values(), key=lambda r: (r.order, r.name))


def detected(raw: str) -> list[ListReader]:
    """The readers whose markers are in this page, in order."""
    return [r for r in readers() if r.detect(raw)]


def data_response_reader(raw: str) -> ListReader | None:
    return next((r for r in readers() if r.is_data_response(raw)), None)
