"""What a fetched page is, for the walk: its role, its name and its place in the column tree.

Why apart from the spider: these are judgements about one page's content (list, board, section hub,
information page, form, nothing), decided the same way whatever CMS made the page; the spider only
acts on them. Roles: `list` (a list of items; empty = blank), `static` (an information page or a
form: never blank), `section` (groups columns or forwards to one), `unreadable` (rows are shown but
could not be read: unverified), None (not a column: an undated article, a search page).
"""
from __future__ import annotations

import re
from collections.abc import Callable

from crawler.extraction.info import MIN_CHILD_COLUMNS
from crawler.extraction.lists.common import is_more_text
from crawler.urls import column_key

SECTION_NAME_RE = re.compile(r"^(?:政务公开|信息公开|政府信息公开|政府信息公开目录|公开目录|信息公开目录|"
                             r"政务公开专栏|法定主动公开内容|主动公开|首页|网站首页|当前位置)$")
# a board's own functions: 我要写信, 信件查询, 留言须知 — forms, never blank columns
ACTION_NAME_RE = re.compile(r"^(?:我要|在线)?(?:写信|留言|提问|咨询|投诉|建议|举报|申请)$|查询$|须知$|^我要")
# links whose page, if it fails, was a menu entry: recorded as an unverified column
MENU_SOURCES = {"nav", "tree", "more", "breadcrumb", "script", "redirect", "sites-file", "known",
                "consult", "excluded"}


def is_container(page, name: str | None) -> bool:
    """A section page (政务公开 index) groups columns; an empty column page does not. A page
    the extractor does not read as a column list at all is never called blank."""
    return (page.kind != "column_list" or bool(name and SECTION_NAME_RE.match(name))
            or page.child_columns >= MIN_CHILD_COLUMNS)


def page_name(page, meta: dict) -> tuple[str | None, str | None]:
    """The page's own name (extraction read it), else the link's text; and where it came from."""
    own = (page.column_name or "").strip()
    if own:
        return own, page.named_by
    link_name = (meta.get("name") or "").strip()
    if is_more_text(link_name):
        link_name = ""
    if not link_name:
        return None, None
    return link_name, "sites-file" if meta.get("source") == "sites-file" else "link"


def page_role(page, name: str | None, source: str | None = None) -> str | None:
    main = page.blocks[0] if page.blocks else None
    if page.is_info_page:
        return "static"
    if main is not None and main.items:
        return "list"
    if name and ACTION_NAME_RE.search(name):
        return "static"
    if page.redirect:
        return "section"   # a hub that forwards to its first child is never a blank column
    if page.exempt_note or not is_container(page, name):
        return "list"   # a column page with nothing listed: blank, or exempt with its note
    if page.pagination.mechanism and page.child_columns < MIN_CHILD_COLUMNS:
        # a pager over nothing: a blank list — unless rows with dates are shown that could not
        # be read, which is unverified, never blank
        return "unreadable" if page.shown_dates else "list"
    if page.child_columns >= MIN_CHILD_COLUMNS or page.kind == "column_list":
        return "section"
    if page.named_by in ("meta", "breadcrumb", "sidebar") or source in MENU_SOURCES:
        return "static"   # the site's own structure calls it a column (a form, a notice page)
    return None


def page_place(page, meta: dict, name: str | None, site_url: str,
               on_site: Callable[[str], bool]) -> tuple[str | None, int | None, str | None]:
    """Parent and level (一级/二级) from the breadcrumb (当前位置) when the page has one: its
    ancestors, less the homepage and disclosure-section containers, plus the column itself.
    Without one, the page that led here is the parent. Third: the parent's own parent as this
    breadcrumb says (a hub that only forwards has no breadcrumb to say it itself)."""
    crumbs = [c for c in page.breadcrumb if c.name and c.name.strip()]
    if not crumbs:
        return meta.get("parent_key"), meta.get("level") or 1, None
    if column_key(crumbs[-1].url, site_url) == meta["key"] or (name and crumbs[-1].name.strip() == name):
        crumbs = crumbs[:-1]
    ancestors = [c for c in crumbs if not SECTION_NAME_RE.match(c.name.strip())]
    keys = [_crumb_key(c.url, site_url, on_site) for c in crumbs]
    parent = keys[-1] if crumbs else meta.get("parent_key")
    grandparent = keys[-2] if len(keys) >= 2 else None
    return parent, len(ancestors) + 1, grandparent


def _crumb_key(url: str, site_url: str, on_site: Callable[[str], bool]) -> str | None:
    """A breadcrumb entry's column key; None for the homepage or another site."""
    key = column_key(url, site_url)
    if key in (column_key(site_url, site_url), "/", "/index.html") or not key.startswith("/") and not on_site(url):
        return None
    return key
