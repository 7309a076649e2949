"""Links on a page that a visitor cannot see: the markup of 暗链 (hidden links planted by an attacker).

Why in the crawl: the checks see stored rows only, and whether a link is visible is a property of the
markup around it (inline styles, the page's `<style>` rules, `<marquee>`, scripts), gone once the page
is reduced to text. So every link to *another* site that is hidden is recorded with how it is hidden
and an excerpt of the markup; the checks judge it (HIDDEN_LINK: gambling/porn vocabulary from the
dictionary, a trick no honest page uses, a non-government host), so an edited dictionary re-judges it
without a new crawl. Links to the site itself are not recorded: a hidden menu or tab panel of the
site's own pages is ordinary design, and would make this the largest table of the store.

The tricks: `display:none`, `visibility:hidden`, the `hidden` attribute, zero size (`height:0`
with `overflow:hidden`, `font-size:0`, `opacity:0`), positions far off screen (`left:-9999px`,
`text-indent:-999em`), a `<marquee>` one pixel high or scrolling faster than an eye can follow, and
links written by a script (`document.write`, evaluated as `crawler.extraction.links` does, not run).
Only class and id selectors of the page's own `<style>` blocks are read (a stylesheet file is not
fetched): the usual injected block hides by an inline style or a class defined beside it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from crawler.extraction.html import clean_text, resolve, same_site, usable_href
from crawler.extraction.links import written_html

HOW = {"display-none": "display:none 隐藏", "visibility-hidden": "visibility:hidden 隐藏",
       "hidden-attr": "hidden 属性隐藏", "off-screen": "定位到可视区域之外", "zero-size": "零尺寸或字号为0",
       "transparent": "完全透明", "marquee": "滚动字幕（marquee）技巧", "script": "脚本写入"}
# tricks an honest page does not use on a link to another site (display:none is also a dropdown menu)
STRONG = frozenset({"off-screen", "zero-size", "transparent", "marquee"})
MAX_PER_PAGE = 50
MAX_EXCERPT = 300
MAX_ANCESTORS = 15

RULE_RE = re.compile(r"([^{}@]+)\{([^{}]*)\}")
SIMPLE_SELECTOR_RE = re.compile(r"[.#][\w-]+")
OFFSCREEN_RE = re.compile(r"(?:^|;)(?:left|top|right|margin-left|margin-top|text-indent)\s*:\s*-\s*(\d+(?:\.\d+)?)\s*(px|em|rem|%)?")
SIZE_RE = re.compile(r"(?:^|;)(?:height|width|max-height|max-width)\s*:\s*([01])(?:\.0+)?(?:px)?\s*(?:;|$|!)")
FONT_ZERO_RE = re.compile(r"(?:^|;)font-size\s*:\s*0(?:\.0+)?(?:px|em|pt|%)?\s*(?:;|$|!)")
OPACITY_ZERO_RE = re.compile(r"(?:^|;)opacity\s*:\s*0(?:\.0+)?\s*(?:;|$|!)")
ABSOLUTE_HREF_RE = re.compile(r"^\s*(?:https?:)?//", re.I)
MAX_STYLE_CHARS = 20_000   # an injected hiding rule sits in a small <style> beside its block
MAX_PAGE_STYLE_CHARS = 60_000
SEMICOLON_RE = re.compile(r"\s*;\s*")
OFFSCREEN_PX = 500   # a layout nudge is tens of pixels; an injected block is moved thousands away


@dataclass
class HiddenLink:
    url: str
    text: str
    how: str          # a key of HOW ("script+display-none" when a written link is also hidden)
    excerpt: str      # the markup that hides it, cut to MAX_EXCERPT characters


def style_reason(style: str) -> str | None:
    """Why a CSS declaration block hides what it applies to (None: it does not)."""
    if not style:
        return None
    s = style.lower()
    # most declaration blocks hide nothing: plain substring tests before any pattern (a site's
    # stylesheet has thousands of blocks)
    if not ("none" in s or "hidden" in s or "-" in s or "font-size" in s or "opacity" in s):
        return None
    s = SEMICOLON_RE.sub(";", s.strip())
    if re.search(r"(?:^|;)display\s*:\s*none", s):
        return "display-none"
    if re.search(r"(?:^|;)visibility\s*:\s*hidden", s):
        return "visibility-hidden"
    for m in OFFSCREEN_RE.finditer(s):
        value, unit = float(m.group(1)), m.group(2) or "px"
        if value * (16 if unit in ("em", "rem") else 1) >= OFFSCREEN_PX or (unit == "%" and value >= 100):
            return "off-screen"
    if FONT_ZERO_RE.search(s):
        return "zero-size"
    if SIZE_RE.search(s) and "overflow" in s and "hidden" in s:
        return "zero-size"
    if OPACITY_ZERO_RE.search(s):
        return "transparent"
    return None


def css_rules(doc) -> dict[str, str]:
    """`.class` / `#id` → why it hides, from the page's `<style>` blocks (last simple selector of
    each selector; pseudo-classes such as `:hover` are state, not hiding, and are skipped)."""
    out: dict[str, str] = {}
    budget = MAX_PAGE_STYLE_CHARS
    for style in doc.iter("style"):
        text = style.text or ""
        if "{" not in text or len(text) > MAX_STYLE_CHARS:
            continue   # a site's whole stylesheet pasted inline is design, not an injected block
        budget -= len(text)
        if budget < 0:
            break      # pages that inline hundreds of KB of CSS (seen in the corpus): the rest unread
        for m in RULE_RE.finditer(text):
            reason = style_reason(m.group(2))
            if reason is None:
                continue
            for selector in m.group(1).split(","):
                last = re.split(r"[\s>+~]+", selector.strip())[-1] if selector.strip() else ""
                if ":" in last:
                    continue
                for token in SIMPLE_SELECTOR_RE.findall(last):
                    out.setdefault(token.lower(), reason)
    return out


def _marquee_reason(el) -> str | None:
    def small(v):
        v = (v or "").strip().lower().removesuffix("px")
        return v.isdigit() and int(v) <= 5
    if small(el.get("height")) or small(el.get("width")):
        return "marquee"
    try:
        if int(el.get("scrollamount") or 0) >= 500:
            return "marquee"
    except ValueError:
        pass
    return None


def _own_reason(el, rules: dict[str, str]) -> str | None:
    if not isinstance(el.tag, str):
        return None
    if el.get("hidden") is not None:
        return "hidden-attr"
    reason = style_reason(el.get("style") or "")
    if reason:
        return reason
    if el.tag == "marquee":
        reason = _marquee_reason(el)
        if reason:
            return reason
    if rules:
        for cls in (el.get("class") or "").split():
            reason = rules.get("." + cls.lower())
            if reason:
                return reason
        ident = el.get("id")
        if ident:
            return rules.get("#" + ident.strip().lower())
    return None


def hiding_elements(doc, rules: dict[str, str]) -> dict:
    """Every element that hides what it holds, with why: one pass over the elements that carry a
    style, the hidden attribute, a marquee, or (when the page's <style> hides by class or id) a
    class or an id. A link is then hidden when one of its ancestors is among them."""
    out: dict = {}
    for el in doc.xpath("//*[@style or @hidden] | //marquee"):
        reason = _own_reason(el, {})
        if reason:
            out[el] = reason
    if rules:
        for el in doc.xpath("//*[@class or @id]"):
            if el not in out:
                reason = _own_reason(el, rules)
                if reason:
                    out[el] = reason
    return out


def _hiding(el, hiders: dict, memo: dict) -> tuple[str, object] | None:
    """(why, the element that hides) for `el` or its nearest hiding ancestor."""
    if not hiders:
        return None
    chain = []
    node, found = el, None
    for _ in range(MAX_ANCESTORS):
        if node is None:
            break
        if node in memo:
            found = memo[node]
            break
        chain.append(node)
        reason = hiders.get(node)
        if reason:
            found = (reason, node)
            break
        node = node.getparent()
    for n in chain:
        memo[n] = found
    return found


def _excerpt(el) -> str:
    try:
        html = etree.tostring(el, encoding=str, method="html", with_tail=False)
    except (TypeError, ValueError, etree.LxmlError):
        return ""
    html = re.sub(r"\s+", " ", html)
    return html if len(html) <= MAX_EXCERPT else html[:MAX_EXCERPT - 1] + "…"


def _offsite(href: str | None, url: str) -> str | None:
    """The absolute URL of a link to another site (None: no link, or the site's own)."""
    if not usable_href(href) or not ABSOLUTE_HREF_RE.match(href):
        return None   # a relative link is the site's own
    target = resolve(url, href.strip())
    return None if same_site(target, url) else target


def _anchors(root, url: str, hiders: dict, memo: dict, prefix: str, out: dict) -> None:
    if not hiders and not prefix:
        return   # nothing on the page hides anything
    for a in root.iter("a"):
        if len(out) >= MAX_PER_PAGE:
            return
        target = _offsite(a.get("href"), url)
        if target is None:
            continue
        hidden = _hiding(a, hiders, memo)
        if hidden is None and not prefix:
            continue
        how = "+".join(filter(None, (prefix, hidden[0] if hidden else None)))
        key = (target, how)
        if key not in out:
            text = clean_text(a.xpath("string()")) or clean_text(a.get("title") or "")
            out[key] = HiddenLink(target, text[:200], how, _excerpt(hidden[1] if hidden else a))


def hidden_links(doc, url: str) -> list[HiddenLink]:
    """Hidden links to other sites in a parsed page (call before scripts and styles are stripped)."""
    rules = css_rules(doc)
    hiders = hiding_elements(doc, rules)
    memo: dict = {}
    out: dict = {}
    _anchors(doc, url, hiders, memo, "", out)
    for script in doc.iter("script"):
        text = script.text or ""
        if "document.write" not in text or len(out) >= MAX_PER_PAGE:
            continue
        around = _hiding(script, hiders, memo)
        prefix = "script" if around is None else f"script+{around[0]}"
        for html in written_html(text):
            if "<a" not in html.lower():
                continue
            try:
                frag = etree.fromstring(f"<div>{html}</div>", etree.HTMLParser())
            except (etree.ParserError, etree.XMLSyntaxError, ValueError):
                continue
            if frag is not None:
                _anchors(frag, url, hiding_elements(frag, rules), {}, prefix, out)
    return list(out.values())


def strongest(how: str) -> str:
    """The trick a `how` names that counts most (a strong one if any)."""
    parts = how.split("+")
    return next((p for p in parts if p in STRONG), parts[-1])
