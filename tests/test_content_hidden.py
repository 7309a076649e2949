"""Hidden links: every trick is recognised on links to other sites; visible links, the site's own
hidden menus and links to other sites in plain view are not recorded."""
from pathlib import Path

import pytest

from crawler.content.hidden import hidden_links, strongest
from crawler.extraction.encoding import decode_body
from crawler.extraction.html import parse_html

URL = "http://www.qingxi.gov.cn/index.html"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "raw"


def found(body: str) -> dict[str, str]:
    return {h.url: h.how for h in hidden_links(parse_html(f"<html><body>{body}</body></html>"), URL)}


@pytest.mark.parametrize(("markup", "how"), [
    ('<div style="display:none"><a href="http://bet.example/">澳门博彩</a></div>', "display-none"),
    ('<div style="visibility: hidden;"><p><a href="http://bet.example/">x</a></p></div>', "visibility-hidden"),
    ('<span hidden><a href="http://bet.example/">x</a></span>', "hidden-attr"),
    ('<div style="position:absolute;left:-9999px;top:-9999px"><a href="http://bet.example/">x</a></div>', "off-screen"),
    ('<p style="text-indent:-999em"><a href="http://bet.example/">x</a></p>', "off-screen"),
    ('<div style="height:0;overflow:hidden"><a href="http://bet.example/">x</a></div>', "zero-size"),
    ('<div style="font-size:0"><a href="http://bet.example/">x</a></div>', "zero-size"),
    ('<div style="opacity:0"><a href="http://bet.example/">x</a></div>', "transparent"),
    ('<marquee height="1" width="1"><a href="http://bet.example/">x</a></marquee>', "marquee"),
    ('<marquee scrollamount="99999"><a href="http://bet.example/">x</a></marquee>', "marquee"),
    ('<style>.q9x{position:absolute;top:-3000px}</style><div class="q9x"><a href="//bet.example/">x</a></div>',
     "off-screen"),
    ('<style>#hd1, .other {display:none}</style><div id="hd1"><a href="https://bet.example/a">x</a></div>',
     "display-none"),
    ("<script>document.write('<a href=\"http://bet.example/\">彩票</a>')</script>", "script"),
    ("<script>var u='http://bet.example/';document.write('<div style=\"display:none\"><a href=\"'+u+'\">x</a></div>')"
     "</script>", "script+display-none"),
])
def test_each_trick(markup, how):
    got = found(markup)
    assert list(got.values()) == [how], got


def test_not_recorded():
    got = found(
        '<div style="display:none"><a href="/zwgk/">政务公开</a><a href="http://xxgk.qingxi.gov.cn/">公开</a></div>'
        '<div class="links"><a href="http://www.zj.gov.cn/">浙江省人民政府</a></div>'          # visible
        '<style>.nav li:hover ul{display:block} .menu ul{display:none}</style>'
        '<div class="menu"><ul><li><a href="http://www.gov.cn/">中国政府网</a></li></ul></div>'  # tag selector
        '<div style="margin-left:-20px"><a href="http://www.gov.cn/">x</a></div>'             # a layout nudge
        "<script>document.write('<a href=\"/sy/\">首页</a>')</script>")                       # own site
    assert got == {}


def test_excerpt_shows_the_hiding_markup_and_strong_tricks_are_named():
    doc = parse_html('<html><body><div id="x" style="position:absolute;left:-5000px">'
                     '<a href="http://bet.example/">体育投注</a></div></body></html>')
    (link,) = hidden_links(doc, URL)
    assert link.text == "体育投注" and 'left:-5000px' in link.excerpt and link.excerpt.startswith("<div")
    assert strongest("script+display-none") == "display-none" and strongest("script+off-screen") == "off-screen"


def test_corpus_homepages_have_no_strongly_hidden_links():
    """Saved real homepages (honest sites): whatever they hide is a menu or tab, never a strong trick."""
    pages = sorted((CORPUS / "silverfoxy__JSCryptoMinerStudy").glob("*.html")) if CORPUS.exists() else []
    if not pages:
        pytest.skip(f"real-page corpus not found at {CORPUS} (../shared/corpus is not part of this repository)")
    for page in pages:
        raw, _ = decode_body(page.read_bytes())
        links = hidden_links(parse_html(raw), "http://www." + page.stem + "/")
        assert not [h for h in links if strongest(h.how) in ("off-screen", "zero-size", "transparent", "marquee")], page
