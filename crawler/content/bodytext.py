"""The body text of a page: the article or information text without navigation, header or footer.

Why: wording and personal-data checks must read what the site *published* — a wrong institution
name in a site-wide footer is one problem, not one per page, and a menu entry is not prose. Gov CMS
families mark their content box (TRS `TRS_Editor`/`TRS_UEDITOR`, 大汉 `zoom`, 中国政府网 `UCAP-CONTENT`,
博达 `vsb_content` …); those are taken first. Otherwise the box holding the most running text
outside the site chrome wins (the same structural test `crawler.extraction.info` uses for
information pages), widened to its parent when the text is split into sibling boxes.

The text keeps block boundaries as line breaks (paragraphs, table rows, list items, `<br>`), so a
sentence never runs into the next paragraph and a table row stays one line.
"""
from __future__ import annotations

import re

from lxml import etree

from crawler.extraction.info import is_chrome, prose_boxes

# content boxes of the CMS families seen on government sites (lowercased id/class tokens)
CONTENT_TOKENS = ("trs_editor", "trs_ueditor", "ucap-content", "zoom", "zoomcon", "ivs_content", "con_con",
                  "vsb_content", "wp_articlecontent", "article_content", "article-content", "articlecontent",
                  "artile_zw", "j-fontcontent", "newscontent", "detialcon", "details-main", "xxgk_content",
                  "mycontont", "pages_content", "art_con", "view_content", "content_text", "zw")
BLOCK_TAGS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol",
                        "dd", "dt", "dl", "section", "article", "blockquote", "pre", "hr", "tbody", "form"})
CELL_TAGS = frozenset({"td", "th"})
SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "select", "button", "head", "title"})
BODY_TEXT_XPATH = "//body//text()[not(ancestor::a)][not(ancestor::script)][not(ancestor::style)]"
SENTENCE_RE = re.compile(r"[。；;！？]|[\u4e00-\u9fff][，,：:、][\u4e00-\u9fff（(]")
CJK_RE = re.compile(r"[\u4e00-\u9fff]")
SPACES_RE = re.compile(r"[ \t\u00a0\u3000\r\f\v]+")
MIN_CONTENT_CHARS = 20
MAX_TEXT_CHARS = 200_000   # a page longer than this is cut (a 政府工作报告 is ~20,000 characters)


def _tokens(el) -> list[str]:
    return f"{el.get('class') or ''} {el.get('id') or ''}".lower().split()


def block_text(el) -> str:
    """The element's text with a line break at every block boundary, spaces collapsed, one line
    per paragraph or table row, empty lines dropped."""
    out: list[str] = []
    skip = 0
    for event, node in etree.iterwalk(el, events=("start", "end")):
        tag = node.tag if isinstance(node.tag, str) else ""
        if event == "start":
            if tag in SKIP_TAGS:
                skip += 1
            elif not skip:
                if tag in BLOCK_TAGS:
                    out.append("\n")
                elif tag in CELL_TAGS:
                    out.append(" ")
                if node.text and isinstance(node.tag, str):
                    out.append(node.text)
        else:
            if tag in SKIP_TAGS:
                skip -= 1
            elif not skip and tag in BLOCK_TAGS:
                out.append("\n")
            if not skip and node is not el and node.tail:
                out.append(node.tail)
    lines = (SPACES_RE.sub(" ", line).strip() for line in "".join(out).split("\n"))
    text = "\n".join(line for line in lines if line)
    return text[:MAX_TEXT_CHARS]


def _hinted(doc):
    """The first CMS content box (by CONTENT_TOKENS order) that holds some text."""
    found: dict[str, object] = {}
    for el in doc.iter("div", "td", "article", "section", "span", "font"):
        for token in _tokens(el):
            if token in CONTENT_TOKENS and token not in found:
                found[token] = el
    for token in CONTENT_TOKENS:
        el = found.get(token)
        if el is not None and len(CJK_RE.findall(el.xpath("string()"))) >= MIN_CONTENT_CHARS:
            return el
    return None


def _densest(doc):
    """The box with the most running (non-link, non-chrome) text, widened to its parent when the
    parent's own sentence-bearing boxes are several (paragraphs in sibling divs)."""
    memo: dict = {}
    sums, sentence = prose_boxes(doc, BODY_TEXT_XPATH, 2, memo)
    boxes = [b for b in sums if b in sentence]
    if not boxes:
        return None
    best = max(boxes, key=lambda b: sums[b])
    parent = best.getparent()
    if parent is not None and parent.tag != "body" and not is_chrome(parent, memo):
        siblings = [b for b in boxes if b.getparent() is parent]
        if len(siblings) >= 2 and sum(sums[b] for b in siblings) >= 1.5 * sums[best]:
            return parent
    return best


def main_element(doc):
    """The element holding the page's body text (None: the page has no prose)."""
    el = _hinted(doc)
    return el if el is not None else _densest(doc)


def page_text(doc) -> str:
    """The body text of a parsed page (scripts may still be in the tree: they are skipped)."""
    el = main_element(doc)
    return block_text(el) if el is not None else ""
