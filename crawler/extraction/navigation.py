"""Column discovery: navigation menus, 更多 links, disclosure column trees, breadcrumbs."""
from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urldefrag

from crawler.extraction.html import LinkTexts, attr_classes, clean_text, resolve, same_site, usable_href, visible_text
from crawler.extraction.lists.common import ATTACHMENT_RE, looks_like_article_url
from crawler.extraction.model import Block, Link

BREADCRUMB_TEXT_RE = re.compile(r"(当前位置|您的位置|你的位置|所在位置|所在的位置|现在的位置|当前页面)")
BREADCRUMB_CLASS_RE = re.compile(r"(breadcrumb|crumb|position|location|dqwz|curpos|weizhi|place)", re.I)
NAV_CLASS_RE = re.compile(r"(^|[\s_-])(nav|menu|daohang|dh|mainnav|topnav|header)", re.I)
TREE_CLASS_RE = re.compile(r"(tree|lmlb|catalog|sidebar|left_?nav|leftmenu|column|lanmu|xxgk_?nav|zfxxgk)", re.I)
# The same patterns without re.I, for lowercased class/id text (case folding makes each search
# dearer, bench/README.md).
NAV_CLASS_LOWER_RE = re.compile(NAV_CLASS_RE.pattern)
TREE_CLASS_LOWER_RE = re.compile(TREE_CLASS_RE.pattern)
BREADCRUMB_CLASS_LOWER_RE = re.compile(BREADCRUMB_CLASS_RE.pattern)
SKIP_NAME_RE = re.compile(r"^(首页|网站首页|返回首页|主页|更多|more|登录|注册|English|繁体|简体|无障碍|长者模式|关怀版)$", re.I)
CRUMB_SEP_RE = re.compile(r"^[\s>»›/\\\-—|:：·→]+|[\s>»›/\\\-—|:：·→]+$")
CRUMB_SPLIT_RE = re.compile(r"\s*[>»›→]+\s*|\s+/\s+|\s*&raquo;\s*")
BREADCRUMB_LABEL_RE = re.compile(r"^.*?(当前位置|您的位置|你的位置|所在位置|所在的位置|现在的位置|当前页面)\s*[:：]?\s*")
INDEX_TAIL_RE = re.compile(r"(?:index|default)\.\w+$", re.I)
HOME_PATH_RE = re.compile(r"^/?(index\.\w+)?$")
MAX_NAME_LEN = 20
MAX_BOARD_NAME = 12   # longer link texts are article titles that merely mention 征集/信箱


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
            if not name:
                continue
            if usable_href(href):
                links.append(Link(name=name, url=resolve(url, href), source="breadcrumb"))
            elif href is not None and not href.strip():
                links.append(Link(name=name, url=url, source="breadcrumb"))   # href="": this page
        if not links:
            # a breadcrumb of plain text (您当前所在的位置： 政务公开 » 依申请公开) still names this page
            parts = [p for p in CRUMB_SPLIT_RE.split(BREADCRUMB_LABEL_RE.sub("", visible_text(holder))) if p]
            if len(parts) >= 2 and len(parts[-1]) <= MAX_NAME_LEN:
                return [Link(name=parts[-1], url=url, source="breadcrumb")]
            continue
        if links:
            # the current column is often plain text after the last link: 首页 > 政务公开 > 公示公告
            last = holder.xpath("(.//a)[last()]")
            tail = CRUMB_SEP_RE.sub("", clean_text(last[0].tail or "")) if last else ""
            if tail and len(tail) <= MAX_NAME_LEN:
                links.append(Link(name=tail, url=url, source="breadcrumb"))
            return links
    return []


def nav_links(doc, url: str, blocks: list[Block], crumbs: list[Link],  # noqa: C901 - one pass per link source, kept in one place for speed
              texts: LinkTexts | None = None, extra: list[Link] = ()) -> list[Link]:
    """Candidate column links, resolved, on-site, not articles, de-duplicated (first source wins)."""
    out: list[Link] = []
    seen: set[str] = set()

    page = url.rstrip("/")
    verdict: dict[str, bool] = {}  # resolved URL -> may be a column link (a menu repeats its hrefs)

    def add(name: str, href: str, source: str, cleaned: bool = False, nameless: bool = False):
        """`nameless`: an image link or a script-written one may have no name of its own; the
        page it leads to names itself."""
        if not cleaned:
            name = clean_text(name)
        if (not name and not nameless) or len(name) > MAX_NAME_LEN or (name and SKIP_NAME_RE.match(name)) \
                or not usable_href(href):
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
    # every other link a person can click: headings, channel strips, image links. A dated list
    # entry is an article, whatever its URL looks like.
    entries = {e.url for b in blocks for e in b.items if e.date}
    for a in doc.iter("a"):
        if a in done:
            continue
        href = a.get("href")
        if not usable_href(href) or resolve(url, href) in entries:
            continue
        text = texts[a] if texts is not None else visible_text(a)
        if text:
            add(text, href, "body", cleaned=True)
            continue
        img = a.find(".//img")
        label = a.get("title") or (img.get("alt") if img is not None else "") or ""
        add(label, href, "image" if img is not None else "body", nameless=img is not None)
    for lk in extra:
        add(lk.name, lk.url, lk.source, nameless=True)
    return out


CURRENT_CLASS_RE = re.compile(r"(?:^|[\s_-])(?:on|cur|current|active|selected?|hover|dq)(?:$|[\s_-])", re.I)
TITLE_SPLIT_RE = re.compile(r"\s*[-_|—–·]+\s*|\s{2,}")
SITE_WORD_RE = re.compile(r"(人民政府|政府网|门户|网站|[网站]$|首页)")


def _same_page(a: str, b: str) -> bool:
    from crawler.urls import column_key
    return column_key(a) == column_key(b)


def own_name(doc, url: str, meta: dict, crumbs: list[Link], blocks: list[Block],
             title: str | None) -> tuple[str | None, str | None]:
    """What the page calls itself, and where that was read: the CMS's ColumnName meta, the
    breadcrumb's entry for this page, the menu entry that is this page (sidebars mark it), the list
    heading, the <title> less the site's name. The link that led here comes last (the spider's
    fallback): a homepage image or a "更多" names nothing."""
    name = clean_text(meta.get("columnname") or "")
    if name:
        return name, "meta"
    if crumbs and _same_page(crumbs[-1].url, url) and len(crumbs[-1].name) <= MAX_NAME_LEN:
        return crumbs[-1].name, "breadcrumb"
    best = None
    path = urldefrag(url)[0].split("?", 1)[0]
    # the last folder or file name of this page: a link to it must contain it (a cheap test first)
    tail = HOME_PATH_RE.sub("", INDEX_TAIL_RE.sub("", path.split("//", 1)[-1].partition("/")[2])).rstrip("/")
    tail = tail.rsplit("/", 1)[-1]
    for a in doc.iter("a"):
        href = a.get("href")
        if not usable_href(href):
            continue
        absolute = resolve(url, href)
        if (tail and tail not in absolute) or not _same_page(absolute, url):
            continue
        text = visible_text(a)
        if not text or len(text) > MAX_NAME_LEN or SKIP_NAME_RE.match(text):
            continue
        holder = a.getparent()
        current = any(CURRENT_CLASS_RE.search(attr_classes(el)) for el in (a, holder) if el is not None)
        if current:
            return text, "sidebar"
        best = best or text
    heading = blocks[0].name if blocks and blocks[0].name else None
    if heading and len(heading) <= MAX_NAME_LEN and not SKIP_NAME_RE.match(heading):
        return heading, "heading"
    if best:
        return best, "sidebar"
    if title:
        parts = [p for p in TITLE_SPLIT_RE.split(clean_text(title)) if p]
        own = [p for p in parts if not SITE_WORD_RE.search(p)] or parts
        if own and len(own[-1]) <= MAX_NAME_LEN:
            return own[-1], "title"
    if crumbs and len(crumbs[-1].name) <= MAX_NAME_LEN:
        return crumbs[-1].name, "breadcrumb"
    return None, None


def board_links(doc, url: str, texts: LinkTexts | None = None, blocks: list[Block] = ()) -> list[Link]:
    """Links whose text (or icon alt) names a board (领导信箱, 咨询投诉 …), whatever their URL shape:
    a board's list is often a `list.jsp?typeid=5` that reads like an article. Link.source is the
    board class (consult | excluded). Read from the same parsed page as the column links."""
    from crawler.extraction.board_status import classify_board
    out: list[Link] = []
    seen: set[str] = set()
    letters = {e.url for b in blocks for e in b.items if e.date}   # a dated row is a letter or an article
    for a in doc.iter("a"):
        href = a.get("href")
        if not usable_href(href) or resolve(url, href) in letters:
            continue
        name = texts[a] if texts is not None else visible_text(a)
        if not name:
            img = a.find(".//img")
            name = clean_text((img.get("alt") or img.get("title") or "") if img is not None
                              else (a.get("title") or ""))
        if not name or len(name) > MAX_BOARD_NAME:
            continue
        cls = classify_board(name, href)
        if cls == "other":
            continue
        absolute = urldefrag(resolve(url, href.strip()))[0]
        if absolute not in seen:
            seen.add(absolute)
            out.append(Link(name=name, url=absolute, source=cls))
    return out


ARTICLE_FOLDER_RE = re.compile(r"^(.*?/)(?:\d{4}-?\d{2}(?:-?\d{2})?|\d{4}/\d{2}(?:-\d{2})?)/[^/]+$")


def article_column(url: str) -> str | None:
    """The column folder an article sits in, read off its URL (`/xxgk/gsgg/2018-07-11/6395.html`,
    `/zwgk/gsgg/202012/t20201230_1.html` → the folder before the date). A homepage tab block shows a
    column's newest articles without a link to the column itself; this is how a person finds it
    (the breadcrumb of any of those articles says the same)."""
    m = ARTICLE_FOLDER_RE.match(url.split("?", 1)[0].split("#", 1)[0])
    if not m or m.group(1).count("/") < 4:   # scheme://host/ and at least one folder
        return None
    return m.group(1)

