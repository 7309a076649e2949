"""One pass of an Aho–Corasick automaton (pyahocorasick) over a text finds every dictionary word at once.

Why an automaton: the dictionary has hundreds of words (old institution names, outdated phrases,
typo variants, a site's leaders and their titles) and a site hundreds of pages; a regex per word
would read every text once per word. The automaton is built once per dictionary (and per leaders
list: each site has its own) and reads a text in one pass, in time linear in its length.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import ahocorasick

from checks.dictionary import Dictionary, Entry, Leader

# titles a leader's name may stand next to in a text (the site's own list adds its titles)
TITLE_WORDS = ("书记", "副书记", "常务副书记", "主任", "副主任", "常务副主任", "局长", "副局长", "县长", "副县长",
               "常务副县长", "区长", "副区长", "常务副区长", "市长", "副市长", "常务副市长", "镇长", "副镇长", "乡长",
               "副乡长", "主席", "副主席", "部长", "副部长", "秘书长", "副秘书长", "厅长", "副厅长", "省长",
               "副省长", "常务副省长", "州长", "副州长", "旗长", "副旗长", "院长", "副院长", "检察长", "副检察长",
               "主任委员", "委员", "调研员", "党组书记", "党组副书记", "党委书记", "党委副书记", "街道办事处主任")


@dataclass(frozen=True)
class Match:
    start: int
    end: int                 # exclusive
    word: str
    kind: str                # renamed | outdated | typo | leader | title
    ref: Entry | Leader | None


class Matcher:
    def __init__(self, dictionary: Dictionary, leaders: tuple[Leader, ...] = ()):
        self.dictionary = dictionary
        self.leaders = leaders
        payload: dict[str, list[tuple[str, object]]] = {}
        for entry in dictionary.entries:
            for word in entry.words:
                payload.setdefault(word, []).append((entry.kind, entry))
        if leaders:
            for leader in leaders:
                payload.setdefault(leader.name, []).append(("leader", leader))
            for title in {*TITLE_WORDS, *(t for lead in leaders for t in lead.titles)}:
                payload.setdefault(title, []).append(("title", None))
        self.automaton = ahocorasick.Automaton()
        for word, refs in payload.items():
            self.automaton.add_word(word, (word, tuple(refs)))
        if payload:
            self.automaton.make_automaton()
        self.empty = not payload

    def scan(self, text: str) -> list[Match]:
        """Every occurrence of every word, in text order (overlaps included)."""
        if self.empty or not text:
            return []
        out = []
        for end, (word, refs) in self.automaton.iter(text):
            start = end - len(word) + 1
            out.extend(Match(start, end + 1, word, kind, ref) for kind, ref in refs)
        return out


@lru_cache(maxsize=64)
def matcher_for(dictionary: Dictionary, leaders: tuple[Leader, ...] = ()) -> Matcher:
    """Built once per dictionary and leaders list (dictionaries are cached by file and mtime)."""
    return Matcher(dictionary, leaders)
