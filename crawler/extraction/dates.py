"""Chinese date parsing with a plausibility window.

Why a module of its own: a wrong date becomes a false "stale" finding, so every date we accept must
come from an explicit pattern (no two-digit-year guesses) and lie inside a plausible window; the
implausible ones are counted, because a future date is itself worth reporting later.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

MIN_DATE = dt.date(1990, 1, 1)
FUTURE_MARGIN_DAYS = 2  # tolerate time zones / scheduled publishing before calling a date implausible

WS_RE = re.compile(r"[\s\u00a0\u3000]+")
NBSP_ENTITY_RE = re.compile(r"&nbsp;?", re.I)

# 2023-03-08, 2023/3/8, 2023.03.08, 2023年3月8日, 2023 年 3 月 8 日, optional time after it.
FULL_DATE_RE = re.compile(
    r"(?<![\d])((?:19|20)\d{2})\s*([-/.年])\s*(\d{1,2})\s*([-/.月])\s*(\d{1,2})(?:\s*日)?(?![\d])"
)
CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
CN_DATE_RE = re.compile(r"([〇○零Ｏ一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月"
                        r"\s*([一二三四五六七八九十]{1,3})\s*日")
# Month-day only ("03-08", "3月8日", "[03-08]"); never read as a year.
MONTH_DAY_RE = re.compile(r"(?<![\d\-/.])(\d{1,2})\s*([-/.月])\s*(\d{1,2})(?:\s*日)?(?![\d\-/.:])")
# An explicit two-digit year written with 年 (tooltips: "发表时间：18年03月01日"); resolved to the
# century that keeps it inside the window, never to 19xx/20xx by guessing alone.
SHORT_YEAR_RE = re.compile(r"(?<!\d)(\d{2})年(\d{1,2})月(\d{1,2})日")

# Dates inside URLs
URL_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("url:trs", re.compile(r"/[tP]0?((?:19|20)\d{2})(\d{2})(\d{2})_?\d*")),
    ("url:hanweb", re.compile(r"/art/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/art_")),
    ("url:ymd-path", re.compile(r"/((?:19|20)\d{2})[-/]?(\d{1,2})[-/](\d{1,2})/")),
    ("url:ymd-path", re.compile(r"/((?:19|20)\d{2})/(\d{2})-(\d{2})/")),
    ("url:compact", re.compile(r"/((?:19|20)\d{2})(\d{2})(\d{2})/")),
]
URL_YEAR_MONTH_RE = re.compile(r"/((?:19|20)\d{2})-?(\d{2})/")


# Pure functions of short texts are memoised (a list's date cells repeat row after row).
MEMO_TEXT_LEN = 40
MEMO_SIZE = 4096


@dataclass
class DateWindow:
    """The plausible window and a counter of what fell outside it."""

    as_of: dt.date
    margin_days: int = FUTURE_MARGIN_DAYS
    rejected: int = 0
    rejected_values: list[dt.date] = field(default_factory=list)

    @property
    def latest(self) -> dt.date:
        key = (self.as_of, self.margin_days)
        if self.__dict__.get("_latest_key") != key:  # memoised: accept() runs once per list date
            self.__dict__["_latest_key"] = key
            self.__dict__["_latest"] = self.as_of + dt.timedelta(days=self.margin_days)
        return self.__dict__["_latest"]

    def accept(self, d: dt.date | None) -> dt.date | None:
        if d is None:
            return None
        if MIN_DATE <= d <= self.latest:
            return d
        self.rejected += 1
        if len(self.rejected_values) < 20:
            self.rejected_values.append(d)
        return None


def normalise(text: str) -> str:
    """NFKC folds full-width digits and the U+2236/U+FF1A colons; spaces and &nbsp; collapse.
    Short texts (a list row's date cell, read on row after row) are memoised."""
    if not text:
        return ""
    return _normalise(text) if len(text) > MEMO_TEXT_LEN else _normalise_short(text)


def _normalise(text: str) -> str:
    if "&" in text:
        text = NBSP_ENTITY_RE.sub(" ", text)
    if not text.isascii():  # NFKC leaves ASCII as it is
        text = unicodedata.normalize("NFKC", text).replace("\u2236", ":")
    return WS_RE.sub(" ", text).strip()


_normalise_short = lru_cache(maxsize=MEMO_SIZE)(_normalise)


def _mk(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _cn_number(s: str) -> int:
    if "十" not in s:
        return int("".join(str(CN_DIGITS[c]) for c in s))
    head, _, tail = s.partition("十")
    return (CN_DIGITS[head] if head else 1) * 10 + (CN_DIGITS[tail] if tail else 0)


def _window(as_of: dt.date | DateWindow) -> DateWindow:
    return as_of if isinstance(as_of, DateWindow) else DateWindow(as_of)


def _numeric_dates(text: str) -> tuple[dt.date, ...]:
    """The valid calendar dates written in digits, before the window judges them."""
    out = []
    for m in FULL_DATE_RE.finditer(text):
        sep1, sep2 = m.group(2), m.group(4)
        if sep1 != "年" and sep1 != sep2:  # 2023-03/08 is not a date
            continue
        d = _mk(int(m.group(1)), int(m.group(3)), int(m.group(5)))
        if d is not None:
            out.append(d)
    return tuple(out)


def _cn_dates(text: str) -> tuple[dt.date, ...]:
    """The valid calendar dates written in Chinese numerals (二〇二三年三月八日)."""
    out = []
    if "年" in text:
        for m in CN_DATE_RE.finditer(text):
            try:
                d = _mk(_cn_number(m.group(1)), _cn_number(m.group(2)), _cn_number(m.group(3)))
            except (KeyError, ValueError):
                continue
            if d is not None:
                out.append(d)
    return tuple(out)


@lru_cache(maxsize=MEMO_SIZE)
def _candidates(text: str) -> tuple[tuple[dt.date, ...], tuple[dt.date, ...]]:
    """A short text's dates, numeric and in Chinese numerals: a list shows the same few date strings
    on row after row (" 2021-03-15"); the window still judges (and counts) each on every call."""
    return _numeric_dates(text), _cn_dates(text)


def find_full_dates(text: str, window: DateWindow) -> list[dt.date]:
    """All explicit year-month-day dates in normalised text, in order, implausible ones dropped.
    Dates in Chinese numerals are read only when no numeric date is accepted."""
    if len(text) > MEMO_TEXT_LEN:
        return _accepted(_numeric_dates(text), window) or _accepted(_cn_dates(text), window)
    numeric, chinese = _candidates(text)
    return _accepted(numeric, window) or _accepted(chinese, window)


def _accepted(dates: tuple[dt.date, ...], window: DateWindow) -> list[dt.date]:
    """`window.accept` of each date, in order: the plausible ones kept, the others counted there."""
    if not dates:
        return []
    latest = window.latest
    return [d for d in dates if MIN_DATE <= d <= latest or window.accept(d)]


def resolve_month_day(month: int, day: int, window: DateWindow, context_year: int | None) -> dt.date | None:
    """Year for a month-day: the context year when given, else the latest year not after the window."""
    if context_year:
        return window.accept(_mk(context_year, month, day))
    year = window.as_of.year
    d = _mk(year, month, day)
    if d is None and month == 2 and day == 29:
        for y in range(year - 1, year - 8, -1):
            d = _mk(y, month, day)
            if d:
                return window.accept(d)
        return None
    if d and d > window.latest:
        d = _mk(year - 1, month, day)
    return window.accept(d)


def parse_short_year(text: str, window: DateWindow) -> dt.date | None:
    m = SHORT_YEAR_RE.search(text)
    if not m:
        return None
    yy, mo, da = int(m.group(1)), int(m.group(2)), int(m.group(3))
    for century in (2000, 1900):
        d = _mk(century + yy, mo, da)
        if d and MIN_DATE <= d <= window.latest:
            return d
    window.rejected += 1
    return None


def parse_date(text: str, *, as_of: dt.date | DateWindow, context_year: int | None = None,
               allow_month_day: bool = True) -> dt.date | None:
    """The first date in `text`; month-day only forms take `context_year` (else the as-of year)."""
    window = _window(as_of)
    text = normalise(text)
    if not text:
        return None
    found = find_full_dates(text, window)
    if found:
        return found[0]
    if allow_month_day:
        m = MONTH_DAY_RE.search(text)
        if m and (m.group(2) != "月" or "日" in text[m.end() - 1:m.end()] or True):
            mo, da = int(m.group(1)), int(m.group(3))
            if 1 <= mo <= 12 and 1 <= da <= 31:
                return resolve_month_day(mo, da, window, context_year)
    return None


def find_dates(text: str, *, as_of: dt.date | DateWindow) -> list[dt.date]:
    """All explicit (full) dates in the text, plausible ones only."""
    return find_full_dates(normalise(text), _window(as_of))


def date_from_url(url: str, *, as_of: dt.date | DateWindow | None = None) -> dt.date | None:
    """Publish date written into a URL by TRS, Hanweb, henan.gov.cn or gov.cn style paths."""
    got = date_from_url_with_source(url, as_of=as_of)
    return got[0] if got else None


def date_from_url_with_source(url: str, *, as_of: dt.date | DateWindow | None = None
                              ) -> tuple[dt.date, str] | None:
    if not url:
        return None
    window = _window(as_of) if as_of is not None else None
    for source, pattern in URL_PATTERNS:
        for m in pattern.finditer(url):
            d = _mk(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            if d is None:
                continue
            if window is not None:
                d = window.accept(d)
            elif d < MIN_DATE:
                d = None
            if d:
                return d, source
    return None


def year_from_url(url: str) -> int | None:
    """Year of a `/YYYYMM/` directory or any full URL date: context for month-day list dates."""
    got = date_from_url_with_source(url)
    if got:
        return got[0].year
    m = URL_YEAR_MONTH_RE.search(url or "")
    if m and 1 <= int(m.group(2)) <= 12:
        return int(m.group(1))
    return None
