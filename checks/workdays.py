"""Working-day arithmetic on the official calendar (holidays and 调休 make-up workdays).

Reply deadlines ("5个工作日") must follow the State Council's yearly 节假日安排, not weekday arithmetic:
a 调休 Saturday is a working day and 国庆 weekdays are not. chinesecalendar carries the published years;
for a year it lacks (it raises NotImplementedError), an office can supply a holiday file; failing both we
count weekends only and mark the result *estimated* so reports can say so, rather than crash mid-run.
"""
from __future__ import annotations

from bisect import bisect_left
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path

import chinese_calendar

from checks.profile import ProfileError
from crawler.yamlfile import LocatedYaml

RANGE_SEP = ".."


class HolidayFileError(ProfileError):
    """The holiday file is malformed; the message names file, line and field."""


def _parse_day(value, doc: LocatedYaml, path: tuple) -> list[date]:
    if isinstance(value, date):
        return [value]
    text = str(value).strip()
    try:
        if RANGE_SEP in text:
            first, last = (date.fromisoformat(p.strip()) for p in text.split(RANGE_SEP, 1))
        else:
            first = last = date.fromisoformat(text)
    except ValueError:
        doc.fail(path, f"无法识别的日期 {value!r}，应写成 2027-01-01 或 \"2027-02-06..2027-02-12\"")
    if last < first:
        doc.fail(path, f"日期区间 {text!r} 的结束早于开始")
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def load_holiday_file(path: str | Path) -> dict[int, dict[date, bool]]:
    """{year: {day: is_workday}} for the days the office listed; other days of a listed year follow weekends."""
    doc = LocatedYaml(path, HolidayFileError)
    data = doc.data or {}
    if not isinstance(data, dict):
        doc.fail((), "节假日文件顶层必须是映射：{2027: {holidays: [...], workdays: [...]}}")
    years: dict[int, dict[date, bool]] = {}
    for year, spec in data.items():
        if not isinstance(year, int) or isinstance(year, bool):
            doc.fail((year,), f"年份必须是整数，实际为 {year!r}")
        if not isinstance(spec, dict):
            doc.fail((year,), "每年应写成 {holidays: [...], workdays: [...]}")
        days: dict[date, bool] = {}
        for key, spec_value in spec.items():
            if key not in ("holidays", "workdays"):
                doc.fail((year, key), f"未知字段 {key!r}，只能是 holidays（放假）或 workdays（调休上班）")
            if not isinstance(spec_value, list):
                doc.fail((year, key), "必须是日期列表")
            for i, value in enumerate(spec_value):
                for day in _parse_day(value, doc, (year, key, i)):
                    if day.year != year:
                        doc.fail((year, key, i), f"日期 {day} 不在 {year} 年内")
                    days[day] = key == "workdays"
        years[year] = days
    return years


class WorkCalendar:
    def __init__(self, holiday_file: str | Path | None = None):
        self.holiday_file = str(holiday_file) if holiday_file else None
        self.extra: dict[int, dict[date, bool]] = load_holiday_file(holiday_file) if holiday_file else {}
        self.estimated_years: set[int] = set()
        self._library_years: dict[int, bool] = {}
        self._years: dict[int, tuple[list[bool], list[int], bool]] = {}

    def _library_has(self, year: int) -> bool:
        if year not in self._library_years:
            try:
                chinese_calendar.is_workday(date(year, 6, 1))
                self._library_years[year] = True
            except NotImplementedError:
                self._library_years[year] = False
        return self._library_years[year]

    def source(self, year: int) -> str:
        """Where a year's calendar comes from: chinesecalendar | holiday_file | weekends."""
        if self._library_has(year):
            return "chinesecalendar"
        if year in self.extra:
            return "holiday_file"
        return "weekends"

    def _is_workday(self, d: date) -> bool:
        source = self.source(d.year)
        if source == "chinesecalendar":
            return chinese_calendar.is_workday(d)
        if source == "holiday_file":
            listed = self.extra[d.year].get(d)
            return listed if listed is not None else d.weekday() < 5
        return d.weekday() < 5

    def _year(self, year: int) -> tuple[list[bool], list[int], bool]:
        """A year's days once: whether each is a working day and the running count of working days
        (both indexed by day of the year; 0 = none yet), and whether the year is estimated. A
        province's check counts hundreds of thousands of days, and chinesecalendar scans its whole
        table on every call (its year check takes min and max of all its dates)."""
        table = self._years.get(year)
        if table is None:
            first = date(year, 1, 1)
            days = [self._is_workday(first + timedelta(days=i)) for i in range((date(year + 1, 1, 1) - first).days)]
            table = self._years[year] = ([False, *days], [0, *accumulate(map(int, days))],
                                         self.source(year) == "weekends")
        return table

    def is_workday(self, d: date) -> tuple[bool, bool]:
        flags, _, estimated = self._year(d.year)
        if estimated:
            self.estimated_years.add(d.year)
        return flags[d.timetuple().tm_yday], estimated

    def add_workdays(self, start: date, n: int) -> tuple[date, bool]:
        """The n-th working day after `start` (the day of receipt is day 0), found in the years'
        running counts."""
        if n < 0:
            raise ValueError("n must be >= 0")
        day, estimated = start, False
        while n:
            first = day + timedelta(days=1)
            _, running, est = self._year(first.year)
            if est:
                estimated = True
                self.estimated_years.add(first.year)
            lo = first.timetuple().tm_yday
            if running[-1] - running[lo - 1] >= n:
                i = bisect_left(running, running[lo - 1] + n, lo)
                return date(first.year, 1, 1) + timedelta(days=i - 1), estimated
            n -= running[-1] - running[lo - 1]
            day = date(first.year, 12, 31)
        return day, estimated

    def workdays_between(self, start: date, end: date) -> tuple[int, bool]:
        """Working days in (start, end]: how many working days a reply took, or has been waiting
        (by the years' running counts: a letter can wait a year)."""
        first = start + timedelta(days=1)
        # the day-by-day count this replaced looked at the day after `end` before it stopped, which
        # marks that day's year estimated too: kept, as `estimated_years` is reported
        self.is_workday(max(first, end + timedelta(days=1)))
        if end < first:
            return 0, False
        count, estimated = 0, False
        for year in range(first.year, end.year + 1):
            _, running, est = self._year(year)
            lo = first.timetuple().tm_yday if year == first.year else 1
            hi = end.timetuple().tm_yday if year == end.year else len(running) - 1
            count += running[hi] - running[lo - 1]
            if est:
                estimated = True
                self.estimated_years.add(year)
        return count, estimated

    def estimated_warning(self) -> str | None:
        """The one-line Chinese warning the engine prints once per run, or None."""
        if not self.estimated_years:
            return None
        years = "、".join(str(y) for y in sorted(self.estimated_years))
        return (f"{years}年的法定节假日和调休安排未知（chinesecalendar 无数据且未提供节假日文件），"
                "工作日按周一至周五估算，相关期限标注为“估算”。")
