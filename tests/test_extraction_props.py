"""Property tests: extractors never raise on arbitrary input and never return implausible dates."""
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.extraction import extract_page
from crawler.extraction.dates import MIN_DATE, DateWindow, date_from_url, find_dates, parse_date

pytestmark = pytest.mark.slow   # property runs of 150 to 500 examples each (> 0.5 s under load)

AS_OF = dt.date(2026, 11, 27)
LATEST = AS_OF + dt.timedelta(days=DateWindow(AS_OF).margin_days)
DATEISH = st.text(alphabet="0123456789-/.年月日 :[]〇一二三四五六七八九十０１２３", max_size=40)
TAGS = st.sampled_from(["<li>", "</li>", "<ul>", "</ul>", "<a href='./202611/t20261120_1.html'>", "</a>",
                        "<span>", "</span>", "<tr><td>", "</td></tr>", "<script type='text/xml'><datastore>",
                        "<record><![CDATA[", "]]></record>", "</datastore></script>", "var listData = {articleList:[",
                        "createPageHTML(", "<!--", "-->", "<meta name='PubDate' content='", "'>", "更多", "共3页"])
HTMLISH = st.lists(st.one_of(TAGS, DATEISH, st.text(max_size=10)), max_size=40).map("".join)


def plausible(d):
    return d is None or MIN_DATE <= d <= LATEST


@settings(max_examples=300, deadline=None)
@given(st.one_of(DATEISH, st.text()))
def test_parse_date_never_raises_and_stays_in_window(text):
    assert plausible(parse_date(text, as_of=AS_OF))
    assert all(plausible(d) for d in find_dates(text, as_of=AS_OF))
    assert plausible(date_from_url(text, as_of=AS_OF))


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 99), st.integers(1, 12), st.integers(1, 28))
def test_no_two_digit_year_guess(yy, month, day):
    text = f"{yy:02d}-{month:02d}-{day:02d}"
    d = parse_date(text, as_of=AS_OF)
    # a yy-mm-dd string is never read as year yy (neither 19yy nor 20yy)
    assert d is None
    # a bare month-day takes the as-of year (or the year before), never one derived from digits
    md = parse_date(f"{month:02d}-{day:02d}", as_of=AS_OF)
    assert md is not None and md.year in (AS_OF.year, AS_OF.year - 1)


@settings(max_examples=150, deadline=None)
@given(st.one_of(HTMLISH, st.binary(max_size=300)))
def test_extract_page_never_raises_on_odd_html(body):
    r = extract_page(body, "http://demo.gov.cn/col/index.html", as_of=AS_OF)
    for b in r.blocks:
        for e in b.items:
            assert plausible(e.date)
    assert plausible(r.latest_date)
    assert r.date is None or plausible(r.date.value)
    r.to_json()


LOCATORS = st.sampled_from([None, "", "dom:", "dom:body[0]", "dom:body[0] > ul[0]", "dom:body[0] > div[0] > ul[0]",
                            "dom:body[0] > ul[9999999999999999999]", "dom:body[-1]", "dom:[0]", "dom: > > ",
                            "adapter:hanweb-datastore", "adapter:jiyuehua-json", "x" * 300])


@settings(max_examples=150, deadline=None)
@given(st.one_of(HTMLISH, st.binary(max_size=300)), LOCATORS)
def test_continuation_never_raises_on_odd_html_or_locators(body, locator):
    url = "http://demo.gov.cn/col/index_2.html"
    first = extract_page(body, url, as_of=AS_OF)
    for loc in (locator, first.blocks[0].locator if first.blocks else None):
        r = extract_page(body, url, as_of=AS_OF, continuation=True, locator=loc)
        assert len(r.blocks) <= 1 and r.pagination is not None and not r.pagination.page_urls
        for b in r.blocks:
            assert all(plausible(e.date) for e in b.items)
        assert plausible(r.latest_date)
        r.to_json()


HREF_PART = st.sampled_from(["", "/", "./", "../", ".", "..", "//", "?", "#", "a", "b.html", "index.shtml",
                             "http://x.gov.cn", "https://y.gov.cn/", "mailto:", "t2026_1.htm", "?id=3", "#top",
                             "%20", " ", "\\", ":", "art/2026/1/2/art_1_2.html", "javascript:void(0)"])
BASES = st.sampled_from(["http://demo.gov.cn/zwgk/tzgg/", "http://demo.gov.cn/zwgk/tzgg/index.html",
                         "https://demo.gov.cn", "http://demo.gov.cn/list.jsp?p=1/2", "http://demo.gov.cn/a/./b/",
                         "http://demo.gov.cn:8080/x/y.aspx?c=1#f", "https://demo.gov.cn/a/../c/"])


@settings(max_examples=500, deadline=None)
@given(BASES, st.lists(HREF_PART, max_size=6).map("".join))
def test_fast_link_resolution_equals_urljoin(base, href):
    from urllib.parse import urljoin

    from crawler.extraction.html import resolve
    try:
        want = urljoin(base, href.strip().replace("\\", "/"))
    except ValueError:
        want = href.strip().replace("\\", "/")
    assert resolve(base, href) == want


HOST_PART = st.sampled_from(["http://", "https://", "ftp://", "www.", "WWW.", "demo.gov.cn", "Demo.GOV.cn", ":8080",
                             "user@", "[::1]", "/", "?q=http://x.cn/", "#f", "\t", "\n", " ", "\\", "中国", ".", ""])


@settings(max_examples=500, deadline=None)
@given(st.lists(HOST_PART, max_size=7).map("".join))
def test_fast_site_host_equals_urlsplit(url):
    from urllib.parse import urlsplit

    from crawler.extraction.html import site_host
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return  # urlsplit rejects it (bad IPv6 brackets): the fast path only takes plain hosts
    want = host[4:] if host.startswith("www.") else host
    site_host.cache_clear()
    assert site_host(url) == want


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.none(), st.lists(st.sampled_from(
    ["", " ", "\t", "\u3000", "j", "J", "javascript:", "JAVASCRIPT:", "#", "mailto:", "tel:", "data:",
     "about:", "a", "d", "/x", "./y", "http://", "x"]), max_size=4).map("".join)))
def test_fast_usable_href_equals_the_pattern(href):
    from crawler.extraction.html import BAD_HREF_RE, usable_href
    assert usable_href(href) == bool(href and href.strip() and not BAD_HREF_RE.match(href))
