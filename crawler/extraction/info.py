"""Information pages (机构职能, 公开指南, 依申请公开, 法定主动公开内容 …): prose, not a list.

Such a column holds text that changes rarely, so it must never be reported blank or stale. The test is
structural, not a list of names: the page body carries paragraphs of running text outside the site
chrome (header, navigation, footer), and no list of dated links. An empty list page (an empty
``<ul>``/table, a pager, 暂无信息) has no such prose and stays a blank column list.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from crawler.extraction.html import resolve, usable_href
from crawler.extraction.lists.common import looks_like_article_url

# Elements that group running text; inline tags (p, span, font, strong …) fold into the nearest one.
CONTAINER_TAGS = frozenset({"div", "td", "article", "section", "main", "body", "form", "dd", "table"})
# Site chrome: text there is boilerplate shared by every page of the site.
CHROME_CLASS_RE = re.compile(
    r"(?:^|[\s_-])(?:foot\w*|bottom\w*|copyright|header|head|top\d*|nav\w*|menu\w*|banner|logo|search\w*|"
    r"position|crumbs?|breadcrumb|location|dqwz|sidebar|leftmenu|links?|share|fenxiang|print|tools?)(?:$|[\s_-])",
    re.I)
CHROME_TEXT_RE = re.compile(r"(主办单位|承办单位|版权所有|ICP备|公网安备|网站标识码|技术支持|当前位置|您的位置|网站地图|联系我们)")
CJK_RE = re.compile(r"[\u4e00-\u9fff]")
SENTENCE_RE = re.compile(r"[。；;！？]|[\u4e00-\u9fff][，,：:、][\u4e00-\u9fff（(]")
NON_LINK_TEXT_XPATH = ("//body//text()[not(ancestor::a)][not(ancestor::select)][not(ancestor::button)]"
                       "[not(ancestor::h1)][not(ancestor::h2)][not(ancestor::h3)]")
MIN_NODE_CHARS = 6
MIN_PROSE_CHARS = 40
MIN_CHILD_COLUMNS = 2


def _chrome(el, cache: dict) -> bool:
    """Whether an element sits inside the header, navigation or footer (memoised per element)."""
    if el is None:
        return False
    got = cache.get(el)
    if got is None:
        names = f"{el.get('class') or ''} {el.get('id') or ''}".strip()
        got = bool(names and CHROME_CLASS_RE.search(names)) or _chrome(el.getparent(), cache)
        cache[el] = got
    return got


is_chrome = _chrome   # the body-text reader's test of page chrome (crawler/content/bodytext.py)


def _container(el):
    while el is not None and el.tag not in CONTAINER_TAGS:
        el = el.getparent()
    return el


def prose_boxes(doc, xpath: str = NON_LINK_TEXT_XPATH, min_chars: int = MIN_NODE_CHARS,
                chrome: dict | None = None) -> tuple[dict, set]:
    """Characters of running text per content container, and the containers holding a sentence.
    Shared by the information-page test here and the body-text reader (crawler/content/bodytext.py)."""
    chrome = {} if chrome is None else chrome
    sums: dict = {}
    sentence: set = set()
    for node in doc.xpath(xpath):
        text = node.strip()
        if len(text) < min_chars or not CJK_RE.search(text) or CHROME_TEXT_RE.search(text):
            continue
        owner = node.getparent()
        if owner is None:
            continue
        if node.is_tail:
            owner = owner.getparent()
        box = _container(owner)
        if box is None or _chrome(box, chrome):
            continue
        sums[box] = sums.get(box, 0) + len(text)
        if SENTENCE_RE.search(text):
            sentence.add(box)
    return sums, sentence


def prose_chars(doc) -> int:
    """Characters of running text in the wordiest content container (0 for a bare list or link grid)."""
    sums, sentence = prose_boxes(doc)
    return max((n for box, n in sums.items() if box in sentence), default=0)


def child_column_links(doc, url: str) -> int:
    """Distinct links to columns below this page's folder: a section (政务公开 index) lists them."""
    parts = urlsplit(url)
    folder = parts.path.rsplit("/", 1)[0] + "/"
    seen = set()
    for a in doc.iter("a"):
        href = a.get("href")
        if not usable_href(href):
            continue
        target = urlsplit(resolve(url, href))
        if target.netloc != parts.netloc or not target.path.startswith(folder):
            continue
        rest = target.path[len(folder):]
        if "/" in rest and not looks_like_article_url(target.geturl()):
            seen.add(rest.split("/", 1)[0])
    return len(seen)
