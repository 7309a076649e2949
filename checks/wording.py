"""Which dictionary matches in a text are wording problems: the judgement behind CONTENT_WORDING.

Why judged and not just matched: an old institution name is wrong only in a text published after
the change, and even then not in a sentence that is clearly about the past (“原县国土资源局”, a
quoted old document title《国土资源部关于……》, “2016年，县国土资源局……”, “……更名为……”). A leader's
name is wrong next to a title that is not his (“副县长周明辉” when he is 县长), from the day the list
says he took office. A typo in an official phrase is always wrong. Everything found is 疑似: the
office confirms or marks it 误报, and the dictionary's whitelist keeps a 误报 from coming back.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from checks.dictionary import Entry, Leader
from checks.matcher import Match, Matcher

HISTORY_WORDS_RE = re.compile(r"更名|改名|组建|整合|划入|划转|撤销|撤并|改革前|原名|前身|时任|曾任|曾经|历史沿革|挂牌成立|不再保留")
YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
SENTENCE_END = "。！？；!?;\n"
EXCERPT_CHARS = 24


@dataclass(frozen=True)
class WordingHit:
    kind: str            # renamed | outdated | typo | leader
    phrase: str          # what the text says
    right: str           # what it should say
    basis: str           # the dictionary entry's basis, or the leaders list
    start: int
    excerpt: str
    line: int            # 1-based paragraph (line) of the text


def _sentence(text: str, start: int, end: int) -> str:
    a = max((text.rfind(c, 0, start) for c in SENTENCE_END), default=-1) + 1
    ends = [i for i in (text.find(c, end) for c in SENTENCE_END) if i != -1]
    return text[a:min(ends) if ends else len(text)]


def _quoted(text: str, start: int, end: int) -> bool:
    """Inside a 《document title》 or “a quotation”: someone else's words, often from before a change."""
    for opening, closing in (("《", "》"), ("“", "”")):
        o = text.rfind(opening, max(0, start - 80), start)
        if o != -1 and text.rfind(closing, o, start) == -1:
            c = text.find(closing, end, end + 80)
            if c != -1:
                return True
    return False


def historical(text: str, start: int, end: int, since: dt.date) -> bool:
    """The mention is clearly about the time before the change."""
    if "原" in text[max(0, start - 4):start] or _quoted(text, start, end):
        return True
    sentence = _sentence(text, start, end)
    if HISTORY_WORDS_RE.search(sentence):
        return True
    years = [int(y) for y in YEAR_RE.findall(sentence)]
    return bool(years) and max(years) < since.year


def excerpt(text: str, start: int, end: int) -> str:
    a, b = max(0, start - EXCERPT_CHARS), min(len(text), end + EXCERPT_CHARS)
    return ("…" if a else "") + text[a:b].replace("\n", " ") + ("…" if b < len(text) else "")


def _excepted(text: str, m: Match, entry: Entry) -> bool:
    for longer in entry.exceptions:
        at = longer.find(m.word)
        if at != -1 and text.startswith(longer, m.start - at):
            return True
    return False


def _longest(matches: list[Match]) -> list[Match]:
    """Of dictionary matches that overlap, the longest (国家工商行政管理总局 over 工商行政管理局…)."""
    out: list[Match] = []
    for m in sorted(matches, key=lambda m: (m.start, -(m.end - m.start))):
        if out and m.start < out[-1].end:
            continue
        out.append(m)
    return out


def _title_next_to(matches_by_end: dict[int, list[Match]], matches_by_start: dict[int, list[Match]],
                   m: Match) -> str | None:
    """The title written right before a name (县长周明辉), else right after it (周明辉县长)."""
    before = matches_by_end.get(m.start) or []
    if before:
        return max(before, key=lambda t: len(t.word)).word
    after = matches_by_start.get(m.end) or []
    return max(after, key=lambda t: len(t.word)).word if after else None


def _same_title(listed: str, written: str) -> bool:
    """书记 for 县委书记 is the same title shortened; 县长 for 副县长 is not (nor for 常务副县长)."""
    if listed == written:
        return True
    return listed.endswith(written) and not listed[:-len(written)].endswith(("副", "常务"))


def judge(text: str, published: dt.date | None, matcher: Matcher) -> list[WordingHit]:
    """Wording problems in one text (personal numbers in it are masked already)."""
    matches = matcher.scan(text)
    if not matches:
        return []
    hits: list[WordingHit] = []
    dictionary_matches = [m for m in matches if m.kind in ("renamed", "outdated", "typo")]
    for m in _longest(dictionary_matches):
        entry: Entry = m.ref
        if entry.since is not None:
            if published is None or published <= entry.since or _excepted(text, m, entry) \
                    or historical(text, m.start, m.end, entry.since):
                continue
        hits.append(WordingHit(m.kind, m.word, entry.right, entry.basis, m.start,
                               excerpt(text, m.start, m.end), text.count("\n", 0, m.start) + 1))
    titles = [m for m in matches if m.kind == "title"]
    if titles:
        by_end: dict[int, list[Match]] = {}
        by_start: dict[int, list[Match]] = {}
        for t in titles:
            by_end.setdefault(t.end, []).append(t)
            by_start.setdefault(t.start, []).append(t)
        for m in matches:
            if m.kind != "leader":
                continue
            leader: Leader = m.ref
            if leader.since is not None and (published is None or published < leader.since):
                continue
            title = _title_next_to(by_end, by_start, m)
            if title is not None and not any(_same_title(t, title) for t in leader.titles):
                phrase = f"{title}{leader.name}" if by_end.get(m.start) else f"{leader.name}{title}"
                hits.append(WordingHit("leader", phrase, f"{leader.name}（{'、'.join(leader.titles)}）",
                                       "本网站领导名单", m.start, excerpt(text, m.start, m.end),
                                       text.count("\n", 0, m.start) + 1))
    hits.sort(key=lambda h: h.start)
    return hits
