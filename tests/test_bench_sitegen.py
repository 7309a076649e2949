"""The crawl benchmark's generated site serves every page a sweep needs, and links them the way the
extractor reads them (so the benchmark measures a real crawl, not a spider stuck on page one)."""
from __future__ import annotations

import urllib.request
from collections import Counter
from urllib.parse import urlencode, urlsplit

import pytest
from sitegen import DATAPROXY_PATH, AsyncServer, build_site, req_key, request_key  # bench/, on sys.path (conftest)

from crawler.extraction import extract_page

PAGES = 320


@pytest.fixture(scope="module")
def site():
    return build_site(PAGES)


@pytest.fixture(scope="module")
def server(site):
    with AsyncServer(site, ["127.0.0.1"]) as srv:
        yield srv


def _fetch(base: str, req) -> tuple[int, str, bytes]:
    method, target, form = req
    data = urlencode(form).encode() if form else None
    r = urllib.request.Request(base.rstrip("/") + target, data=data, method=method)
    with urllib.request.urlopen(r, timeout=10) as resp:
        return resp.status, resp.headers.get("Content-Type", ""), resp.read()


def _key_of_url(url: str, method: str = "GET", form=None) -> str:
    parts = urlsplit(url)
    return request_key(method, parts.path, parts.query, form)


def test_size_and_families(site):
    assert len(site.expected) == PAGES
    assert len({req_key(r) for r in site.expected}) == PAGES          # no request twice
    families = Counter(c.family for c in site.columns)
    assert families["trs"] + families["hanweb"] + families["jiyue"] + families["static"] >= 40
    assert families["hanweb"] >= 3 and families["jiyue"] >= 3 and families["board"] == 1
    assert sum(1 for r in site.expected if r[0] == "POST") > 0


def test_every_sweep_request_is_served(site, server):
    base = server.base_urls[0]
    for req in site.expected:
        status, ctype, body = _fetch(base, req)
        assert status == 200, req
        if req[0] == "POST":
            assert ctype.startswith("text/xml") and b"<totalrecord>" in body
        else:
            assert ctype.startswith("text/html") and b"</html>" in body
    assert server.served[("127.0.0.1", _key_of_url("/zwgk/"))] == 1
    status, _, body = _fetch(base, ("GET", "/robots.txt", None))
    assert status == 200 and b"User-agent" in body


def test_unknown_paths_404_and_articles_resolve(site, server):
    base = server.base_urls[0]
    with pytest.raises(urllib.error.HTTPError) as err:
        _fetch(base, ("GET", "/no/such/page.html", None))
    assert err.value.code == 404
    col = next(c for c in site.columns if c.family == "trs" and c.items)
    status, _, body = _fetch(base, ("GET", col.items[0][2], None))
    assert status == 200 and col.items[0][1].isoformat().encode() in body


def test_graph_reaches_every_request_once(site):
    home = req_key(("GET", "/", None))
    children = Counter(req_key(r) for kids in site.graph.values() for r in kids)
    expected = {req_key(r) for r in site.expected}
    assert set(children) | {home} == expected
    assert all(n == 1 for n in children.values())
    assert set(site.graph) <= expected


def _children(site, req) -> set[str]:
    return {req_key(r) for r in site.graph.get(req_key(req), [])}


@pytest.mark.parametrize("family", ["trs", "jiyue", "hanweb"])
def test_extractor_finds_the_generated_pages(site, family):
    """The pages the extractor would schedule from a column's first page are exactly its other pages."""
    col = max((c for c in site.columns if c.family == family), key=lambda c: c.fetches)
    assert col.fetches > 2
    first = ("GET", col.path, None)
    body = site.pages[req_key(first)][2]
    url = "http://127.0.0.1:8000" + col.path
    page = extract_page(body, url, as_of=site.as_of, header_encoding="utf-8")
    assert page.kind == "column_list" and page.column_name == col.name
    assert len(page.blocks[0].items) > 0
    found = {_key_of_url(u) for u in page.pagination.page_urls or []}
    found |= {_key_of_url(p["url"], "POST", p.get("formdata")) for p in page.pagination.post_requests or []}
    assert found == _children(site, first)


def test_hanweb_dataproxy_serves_the_requested_range(site, server):
    col = next(c for c in site.columns if c.family == "hanweb" and c.total > 45)
    form = {"columnid": str(col.column_id), "unitid": str(col.column_id)}
    status, _, body = _fetch(server.base_urls[0], (
        "POST", f"{DATAPROXY_PATH}?startrecord=46&endrecord=90&perpage=15", form))
    page = extract_page(body, server.base_urls[0].rstrip("/") + DATAPROXY_PATH + "?startrecord=46",
                        as_of=site.as_of)
    assert status == 200 and page.pagination.total_items == col.total
    assert [e.url.split("/", 3)[3] for e in page.blocks[0].items] == [
        u.lstrip("/") for _, _, u in col.items[45:90]]


def test_homepage_and_zwgk_tree_link_the_columns(site):
    home = site.pages[request_key("GET", "/")][2].decode("utf-8")
    zwgk = site.pages[request_key("GET", "/zwgk/")][2].decode("utf-8")
    for c in site.columns:
        if c.section == "zwgk":
            assert f'href="{c.path}"' in zwgk, c.key
        else:
            assert f'href="{c.path}"' in home, c.key
    assert 'class="nav"' in home and 'href="/zwgk/"' in home


def test_server_refuses_public_hosts(site):
    with pytest.raises(ValueError):
        AsyncServer(site, ["0.0.0.0"])
