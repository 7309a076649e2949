"""Status vocabulary and board classification for 互动交流 boards.

Why a module of its own: the same words decide a letter's status on list pages, detail pages and JSON
rows, and the same names decide which boards the veto rule (R-INT-2) looks at; keeping them in one
table makes the vocabulary reviewable by someone who knows the rules but not the parser.
"""
from __future__ import annotations

import re

from crawler.extraction.lists.common import is_more_text

# Order matters: 不予受理 contains 受理, 未回复 contains 回复, 未办结 contains 办结.
REJECTED_RE = re.compile(r"不予受理|不予处理|不予答复|不受理|无效|驳回|不予办理|不予采纳受理")
PENDING_RE = re.compile(r"办理中|处理中|受理中|审核中|审查中|待|未|已受理|已转办|转办中|已转交|新建|正在|已分办|交办中")
ANSWERED_RE = re.compile(r"已回复|已办结|办结|已答复|已处理|已反馈|已办理|已解决|已完成|已公开|已回|完成办理|已处置|回复完毕")

# A short text that is nothing but a status word (list badges, table cells).
PENDING_WORDS = (r"办理中|处理中|受理中|审核中|审查中|待回复|待处理|待审查|待审核|待办理|待受理|未回复|未办结|"
                 r"未处理|未答复|已受理|已转办|转办中|已转交|新建|已分办|交办中")
STATUS_ONLY_RE = re.compile(
    rf"^[\[【(（]?\s*(?:{REJECTED_RE.pattern}|{PENDING_WORDS}|{ANSWERED_RE.pattern})\s*[\]】)）]?$")

# Boards the 2019 indicators exclude from the veto (在线访谈, 调查征集, 网上信访, 纪检举报), checked first.
EXCLUDED_NAME_RE = re.compile(
    r"在线访谈|访谈|直播|调查征集|征集调查|网上调查|民意调查|问卷|意见征集|征集意见|征求意见|民意征集|征集|"
    r"网上信访|信访|纪检|纪委|廉政举报|监督举报|违纪|投票")
# Names that contain a consult word but are not enquiry boards (人大/政协 提案建议办理).
OTHER_NAME_RE = re.compile(r"提案|议案|办理结果公开|复文")
CONSULT_NAME_RE = re.compile(
    r"信箱|咨询|投诉|建议|建言|留言|12345|互动交流|政民互动|问政|诉求|来信|有问必答|网民|民声|热线|找错|"
    r"写信|我要写信|群众呼声|百姓")
EXCLUDED_URL_RE = re.compile(r"zxft|fangtan|interview|dczj|zjdc|survey|wsxf|xinfang|xfxx|jubao|jjjc", re.I)
CONSULT_URL_RE = re.compile(r"leadermail|mailbox|guestbook|liuyan|lyb|zxzx|zxts|12345|hdjl|zmhd|szxx|xzxx|"
                            r"qzxx|jzxx|sjxx|letter|consult|complain|gbook|message", re.I)


def normalise_status(text: str | None) -> str:
    """Map a board's own status words to answered / pending / rejected / unknown."""
    if not text:
        return "unknown"
    text = re.sub(r"\s+", "", str(text))
    if not text:
        return "unknown"
    if REJECTED_RE.search(text):
        return "rejected"
    if PENDING_RE.search(text):
        return "pending"
    if ANSWERED_RE.search(text):
        return "answered"
    return "unknown"


def is_status_word(text: str) -> bool:
    """True when `text` is only a status badge (so it can be split off a title)."""
    return bool(STATUS_ONLY_RE.match(re.sub(r"\s+", "", text or "")))


def classify_board(name: str, url: str | None = None) -> str:
    """consult (counts for R-INT-1/2) | excluded (访谈, 征集, 信访, 纪检举报) | other."""
    name = re.sub(r"\s+", "", name or "")
    if name and not is_more_text(name):
        if OTHER_NAME_RE.search(name):
            return "other"
        if EXCLUDED_NAME_RE.search(name):
            return "excluded"
        if CONSULT_NAME_RE.search(name):
            return "consult"
    if url:
        if (not name or is_more_text(name)) and EXCLUDED_URL_RE.search(url):
            return "excluded"
        if (not name or is_more_text(name)) and CONSULT_URL_RE.search(url):
            return "consult"
    return "other"
