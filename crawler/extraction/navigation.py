"""Column discovery: navigation menus, 更多 links, disclosure column trees, breadcrumbs."""
from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urldefrag

from crawler.extraction.html import LinkTexts, attr_classes, clean_text, resolve, same_site, usable_href, visible_text
from crawler.extraction.lists.common import ATTACHMENT_RE, looks_like_article_url
from crawler.extraction.model import Block, Link

BREADCRUMB_TEXT_RE = re.compile(r"(当前位置|您的位置|你的位置|所在位置|现在的位置|当前页面)")
BREADCRUMB_CLASS_RE = re.compile(r"(breadcrumb|crumb|position|location|dqwz|curpos|weizhi|place)", re.I)
NAV_CLASS_RE = re.compile(r"(^|[\s_-])(nav|menu|daohang|dh|mainnav|topnav|header)", re.I)
TREE_CLASS_RE = re.compile(r"(tree|lmlb|catalog|sidebar|left_?nav|leftmenu|column|lanmu|xxgk_?nav|zfxxgk)", re.I)
# The same patterns without re.I, for lowercased class/id text (case folding triples a search's cost).
NAV_CLASS_LOWER_RE = re.compile(NAV_CLASS_RE.pattern)
TREE_CLASS_LOWER_RE = re.compile(TREE_CLASS_RE.pattern)
BREADCRUMB_CLASS_LOWER_RE = re.compile(BREADCRUMB_CLASS_RE.pattern)
SKIP_NAME_RE = re.compile(r"^(首页|网站首页|返回首页|主页|更多|more|登录|注册|English|繁体|简体|无障碍|长者模式|关怀版)$", re.I)
HOME_PATH_RE = re.compile(r"^/?(index\.\w+)?$")
MAX_NAME_LEN = 20


def _is_column_url(url: str) -> bool:
    return not ATTACHMENT_RE.search(url.split("?")[0]) and not looks_like_article_url(url)


@lru_cache(maxsize=4096)
def _menu_source(classes: str) -> str | None:
    """"nav", "tree" or None for an element's lowercased class+id text. A page repeats a few dozen
    class strings over hundreds of containers (and a site over all its pages): each is tested once."""
    if NAV_CLASS_LOWER_RE.search(classes):
        return "nav"
    return "tree" if TREE_CLASS_LOWER_RE.search(classes) else None


@lru_cache(maxsize=4096)
def _crumb_class(value: str) -> bool:
    return BREADCRUMB_CLASS_LOWER_RE.search(value.lower()) is not None


def breadcrumb(doc, url: str) -> list[Link]:
    for el in doc.iter():
        if not isinstance(el.tag, str) or el.tag in ("html", "body", "script", "style"):
            continue
        cls, ident = el.get("class"), el.get("id")  # the pattern is case-blind and has no space
        cls_hit = (cls is not None and _crumb_class(cls)) or (ident is not None and _crumb_class(ident))
        if not cls_hit:
            own = el.text
            if not own or ("位置" not in own and "页面" not in own):
                continue  # cheap test first: most elements have neither
            if not BREADCRUMB_TEXT_RE.search(clean_text(own)) or el.tag == "a":
                continue
            holder = el if el.find(".//a") is not None else el.getparent()
        else:
            holder = el
        if holder is None or len(visible_text(holder)) > 200:
            continue
        links = []
        for a in holder.iter("a"):
            href = a.get("href")
            name = visible_text(a) or clean_text(a.get("title") or "")
            if usable_href(href) and name:
                links.append(Link(name=name, url=resolve(url, href), source="breadcrumb"))
        if links:
            return links
    return []


def nav_links(doc, url: str, blocks: list[Block], crumbs: list[Link],
              texts: LinkTexts | None = None) -> list[Link]:
    """Candidate column links, resolved, on-site, not articles, de-duplicated (first source wins)."""
    out: list[Link] = []
    seen: set[str] = set()

    page = url.rstrip("/")
    verdict: dict[str, bool] = {}  # resolved URL -> may be a column link (a menu repeats its hrefs)

    def add(name: str, href: str, source: str, cleaned: bool = False):
        if not cleaned:
            name = clean_text(name)
        if not name or len(name) > MAX_NAME_LEN or SKIP_NAME_RE.match(name) or not usable_href(href):
            return
        absolute = resolve(url, href)
        if "#" in absolute:
            absolute = urldefrag(absolute)[0]
        if absolute in seen:
            return
        ok = verdict.get(absolute)
        if ok is None:
            ok = verdict[absolute] = (absolute.startswith(("http://", "https://")) and same_site(absolute, url)
                                      and _is_column_url(absolute) and absolute.rstrip("/") != page)
        if not ok:
            return
        seen.add(absolute)
        out.append(Link(name=name, url=absolute, source=source))

    done: set = set()  # nested menus hold the same anchors: weigh each once (the outermost menu wins)
    for el in doc.iter("ul", "div", "nav", "dl", "table"):
        if el.tag == "nav":
            source = "nav"
        elif el.get("class") is None and el.get("id") is None:
            continue  # most containers: nothing to match
        else:
            source = _menu_source(attr_classes(el))
            if source is None:
                continue
        for a in el.iter("a"):
            if a in done:
                continue
            done.add(a)
            text = texts[a] if texts is not None else visible_text(a)
            if text:
                add(text, a.get("href"), source, cleaned=True)
            else:
                add(a.get("title") or "", a.get("href"), source)
    for b in blocks:
        if b.more_url and b.name:
            add(b.name, b.more_url, "more")
    for lk in crumbs:
        add(lk.name, lk.url, "breadcrumb")
    return out
