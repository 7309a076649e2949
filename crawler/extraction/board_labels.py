"""Label/value reading for letter detail pages (编号：…, 来信时间：…, 答复时间：暂无).

Why by labels and not by layout: detail pages put the same labels in two-column tables, dl/dt/dd,
"label：value" paragraphs and span pairs. Reading the text node that holds a label and then the value
that follows it (inline, next sibling, or next cell) covers all of them with one mechanism.
"""
from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

# field -> labels; longest first inside the compiled alternation so 回复时间 wins over 回复.
LABELS: dict[str, tuple[str, ...]] = {
    "number": ("信件编号", "留言编号", "来信编号", "受理编号", "办件编号", "诉求编号", "查询编号", "查询码",
               "编号", "信件号", "件号"),
    "title": ("来信主题", "留言主题", "信件主题", "来信标题", "留言标题", "信件标题", "诉求标题", "咨询标题",
              "投诉标题", "主题", "标题"),
    "submitted": ("来信时间", "留言时间", "提交时间", "来信日期", "留言日期", "写信时间", "发信时间", "提问时间",
                  "咨询时间", "投诉时间", "诉求时间", "提交日期", "发布时间", "创建时间"),
    "replied": ("回复时间", "答复时间", "办理时间", "回复日期", "答复日期", "办结时间", "办结日期", "处理时间",
                "反馈时间", "处理日期", "办理日期"),
    "unit": ("办理单位", "答复单位", "回复单位", "受理单位", "处理单位", "承办单位", "回复部门", "答复部门",
             "办理部门", "处理部门", "答复机构", "回复机构", "受理部门", "回复人"),
    "status": ("办理状态", "处理状态", "办事状态", "信件状态", "办件状态", "回复状态", "答复状态", "留言状态",
               "状态"),
    "category": ("信件类型", "留言类型", "来信类型", "信件类别", "咨询类型", "诉求类型", "来信类别", "类型",
                 "类别", "分类"),
    "reply": ("答复内容", "回复内容", "处理情况", "办理结果", "答复意见", "回复意见", "办理情况", "处理结果",
              "办理意见", "领导回复", "部门回复", "回复正文", "答复正文"),
}
_ALL = sorted({(lab, f) for f, labs in LABELS.items() for lab in labs}, key=lambda x: -len(x[0]))
LABEL_FIELD = {lab: f for lab, f in _ALL}
_ALT = "|".join(re.escape(lab) for lab, _ in _ALL)
# A label at the start of a text node, either followed by a colon or alone in the node.
LABEL_START_RE = re.compile(rf"^\s*[【\[]?({_ALT})[】\]]?\s*(?:[：:]\s*(.*)|$)", re.S)
# Further "label：" occurrences inside the same node ("来信时间：2026-01-02 回复时间：暂无").
LABEL_INLINE_RE = re.compile(rf"(?:^|\s|[，,；;|])({_ALT})\s*[：:]")
LABEL_ONLY_RE = re.compile(rf"^\s*[【\[]?(?:{_ALT})[】\]]?\s*[：:]?\s*$")
INLINE_TAGS = {"span", "strong", "b", "em", "font", "label", "i", "a", "small", "u"}
SKIP_PARENTS = {"script", "style", "noscript", "template", "head", "title", "option", "select", "textarea"}
WS_RE = re.compile(r"[\s\u00a0\u3000]+")


def clean(text: str | None) -> str:
    return WS_RE.sub(" ", text or "").strip()


def _node_text(node) -> str:
    if isinstance(node, NavigableString):
        return clean(str(node))
    if isinstance(node, Tag):
        return clean(node.get_text(" "))
    return ""


def _value_after(elem: Tag) -> str:
    """The value that follows a label element: next non-empty sibling for inline elements (climbing
    out of inline wrappers), the next element sibling for cells and blocks (empty when there is none)."""
    for _ in range(4):
        if elem is None:
            return ""
        if elem.name in INLINE_TAGS:
            for sib in elem.next_siblings:
                if isinstance(sib, (Comment, Declaration, Doctype, ProcessingInstruction)):
                    continue
                text = _node_text(sib)
                if text:
                    return "" if LABEL_ONLY_RE.match(text) or LABEL_START_RE.match(text) else text
                if isinstance(sib, Tag) and sib.name not in INLINE_TAGS and sib.name != "br":
                    return ""
            elem = elem.parent
            continue
        sib = elem.find_next_sibling()
        if sib is None:
            return ""
        text = _node_text(sib)
        return "" if LABEL_START_RE.match(text) else text
    return ""


def _following_in_parent(node: NavigableString) -> str:
    """Text after the label node inside the same parent (``<p>来信时间：<span>…</span></p>``)."""
    parts: list[str] = []
    for sib in node.next_siblings:
        if isinstance(sib, (Comment, Declaration, Doctype, ProcessingInstruction)):
            continue
        text = _node_text(sib)
        if not text:
            continue
        if LABEL_START_RE.match(text):
            break
        parts.append(text)
        break
    return " ".join(parts)


# Labels that also head ordinary articles and lists; alone they do not make a page a letter.
GENERIC_LABELS = frozenset({"发布时间", "创建时间", "标题", "主题", "编号", "分类", "类型", "类别", "状态"})


def label_pairs(soup: BeautifulSoup) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    for node in soup.find_all(string=True):
        if isinstance(node, (Comment, Declaration, Doctype, ProcessingInstruction)):
            continue
        parent = node.parent
        if parent is None or parent.name in SKIP_PARENTS:
            continue
        text = clean(str(node))
        if not text or len(text) > 400:
            continue
        m = LABEL_START_RE.match(text)
        pairs: list[tuple[str, str]] = []
        if m and not (m.group(2) or "").strip():
            # The label stands alone; its value is the next thing on the page.
            value = _following_in_parent(node)
            if not value and parent.name not in ("body", "html", "[document]"):
                value = _value_after(parent)
            pairs.append((m.group(1), value))
        else:
            # One or more "label：value" parts inside the node ("来信人：张  来信时间：2026-01-02  编号：…").
            hits = list(LABEL_INLINE_RE.finditer(text))
            for i, im in enumerate(hits):
                end = hits[i + 1].start() if i + 1 < len(hits) else len(text)
                pairs.append((im.group(1), text[im.end():end].strip(" ，,；;|")))
        out.extend((label, LABEL_FIELD[label], clean(value)) for label, value in pairs)
    return out
