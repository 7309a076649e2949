"""What the walk saw on one site, as rows every renderer shares (`govwatch columns`, the XLSX
栏目清单 sheet, the HTML column tree): the discovered column tree, the walk's coverage, the
off-site entrances.

Everything here labels or arranges what the crawl stored; nothing is judged. A column's category
is the profile's naming of it (`classify`), the same one the checks use.
"""
from __future__ import annotations

from collections.abc import Callable

NOT_RECORDED = "未记录"   # runs before migration 0004: no walks row, named_by NULL
NONE_FOUND = "未发现"
UNCLASSIFIED = "未归类"   # the profile gives the name no category

ROLE_LABELS = {"home": "首页", "list": "列表", "static": "信息页", "section": "栏目分组",
               "board": "留言板"}
STATUS_LABELS = {"ok": "正常", "failed": "无法核实", "exempt": "已说明"}
SOURCE_LABELS = {  # how a column (columns.source) or an entrance (entrances.how) was found
    "home": "首页", "nav": "导航栏", "more": "“更多”链接", "tree": "栏目树", "breadcrumb": "面包屑",
    "body": "正文链接", "image": "图片链接", "script": "脚本中的链接", "redirect": "跳转",
    "frame": "框架页", "sites-file": "网站清单配置", "known": "上次全面巡检", "link": "页面链接",
    "folder": "首页文章所在栏目", "widget": "网页组件",   # entrances.how: link | image | widget
}
NAMED_BY_LABELS = {  # where the column's name was read (columns.named_by)
    "meta": "页面元数据", "breadcrumb": "面包屑", "sidebar": "侧栏", "heading": "页面标题栏",
    "title": "网页标题", "link": "链接文字", "sites-file": "网站清单配置",
}
ENTRANCE_LABELS = {"service": "政务服务", "mailbox": "信箱", "hotline": "12345热线",
                   "petition": "信访", "complaint": "投诉", "correction": "找错"}
# roles whose pages list items (a section or information page has none; a board's letters are
# enquiries, counted in 留言办理)
COUNTED_ROLES = ("home", "list")


def _label(labels: dict, value) -> str:
    if value is None or value == "":
        return NOT_RECORDED
    return labels.get(value, str(value))


def _ident(c: dict) -> str:
    return c.get("key") or c.get("url") or ""


def _one_per_key(columns: list[dict]) -> list[dict]:
    """A key written twice (two paths reached it) is shown once, the readable row preferred."""
    chosen: dict[str, dict] = {}
    for c in columns:
        prev = chosen.get(_ident(c))
        if prev is None or (prev.get("status") == "failed" and c.get("status") != "failed"):
            chosen[_ident(c)] = c
    return list(chosen.values())


def _order(c: dict) -> tuple:
    level = c.get("level")
    return (level is None, level or 0, c.get("url") or "", c.get("key") or "")


def _pages(c: dict) -> str:
    read, total = c.get("pages_read"), c.get("pages_total")
    if read is None and total is None:
        return ""
    return f"{read or 0}/{total if total is not None else '未知'}"


def _row(c: dict, depth: int, classify: Callable[[str], object | None]) -> dict:
    role, status, error = c.get("role") or "", c.get("status") or "", c.get("error") or ""
    category = classify(c["name"]) if role != "home" and c.get("name") else None
    title = getattr(category, "title", "") or ""
    status_label = _label(STATUS_LABELS, status)
    items = c.get("counted_items") or c.get("item_count") or 0
    return {
        "key": c.get("key") or "", "name": c.get("name") or "（未命名）", "url": c.get("url") or "",
        "depth": depth, "level": c.get("level"), "role": role,
        "role_label": ROLE_LABELS.get(role, role),
        "category": title, "category_code": getattr(category, "code", "") or "",
        "category_label": title or ("" if role == "home" else UNCLASSIFIED),
        "status": status, "status_label": status_label, "error": error,
        "status_text": status_label + (f"（{error}）" if error else ""),
        "note": c.get("note") or "",
        # a page that could not be read has no count: never shown as 0 (blank)
        "items_count": items if role in COUNTED_ROLES and status != "failed" else None,
        "pages": _pages(c), "newest_date": c.get("newest_date") or "",
        "source": c.get("source") or "", "source_label": _label(SOURCE_LABELS, c.get("source")),
        "named_by": c.get("named_by") or "",
        "named_by_label": _label(NAMED_BY_LABELS, c.get("named_by")),
    }


def tree_rows(columns: list[dict], classify: Callable[[str], object | None]) -> list[dict]:
    """The column tree in display order: each column followed by its children (from parent_key),
    siblings by level then URL; a column whose parent was not stored is at the top (depth 0).
    `classify(name)` gives the profile's category (an object with .title/.code) or None."""
    cols = [(_ident(c), c) for c in sorted(_one_per_key(columns), key=_order)]
    idents = {ident for ident, _ in cols}
    children: dict[str, list[tuple[str, dict]]] = {}
    roots = []
    for ident, c in cols:
        parent = c.get("parent_key")
        if parent and parent in idents and parent != ident:
            children.setdefault(parent, []).append((ident, c))
        else:
            roots.append((ident, c))
    rows: list[dict] = []
    placed: set[str] = set()

    def place(ident: str, c: dict, depth: int) -> None:
        placed.add(ident)
        rows.append(_row(c, depth, classify))
        for child_ident, child in children.get(ident, []):
            if child_ident not in placed:
                place(child_ident, child, depth + 1)

    for ident, c in roots + cols:   # then what a parent_key cycle keeps from any root: at the top
        if ident not in placed:
            place(ident, c, 0)
    return rows


def coverage_text(walk: dict | None) -> str:
    """One line: how much of the site the walk saw, and why it may not have seen everything."""
    if walk is None:
        return f"抓取范围{NOT_RECORDED}（该批次早于抓取范围记录）"
    seen = f"已检查 {walk.get('pages') or 0} 个页面、{walk.get('columns') or 0} 个栏目"
    if walk.get("max_depth"):
        seen += f"（最深 {walk['max_depth']} 层）"
    reasons = []
    if walk.get("budget_hit"):
        reasons.append("页面预算用尽")
    if walk.get("depth_cut"):
        reasons.append("深度受限")
    if walk.get("failed"):
        reasons.append(f"{len(walk['failed'])} 个页面无法读取")
    if walk.get("complete"):
        text = f"{seen}；抓取完整"
    else:
        text = f"{seen}；抓取不完整" + ("：" + "、".join(reasons) if reasons else "")
    if walk.get("note"):
        text += f"（{walk['note']}）"
    return text


def failed_pages(walk: dict | None) -> list[dict]:
    """The pages the walk could not read: url and error."""
    failed = (walk or {}).get("failed") or []
    return [{"url": str(f.get("url") or ""), "error": str(f.get("error") or "")}
            if isinstance(f, dict) else {"url": str(f), "error": ""} for f in failed]


def entrances_absent(walk: dict | None) -> str:
    """What to say when a site shows no entrance: none found, or a run that did not record them."""
    return NOT_RECORDED if walk is None else NONE_FOUND


def entrance_rows(entrances: list[dict]) -> list[dict]:
    """Off-site channels (政务服务网, 信箱, 12345 …) found on the site's pages."""
    return [{"kind": e.get("kind") or "", "kind_label": _label(ENTRANCE_LABELS, e.get("kind")),
             "name": e.get("name") or "", "url": e.get("url") or "",
             "found_on": e.get("found_on") or "", "how": e.get("how") or "",
             "how_label": _label(SOURCE_LABELS, e.get("how"))} for e in entrances]
