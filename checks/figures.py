"""Each figure derived once: the newest date of a column, the days since it, the days over a limit,
and how long a letter has waited against its reply limit (overdue when still pending, late when
answered after it).

The rules (findings), the engine (`site_results.details`, `board_stats.stats`), the board metrics
and the reports all call these functions; nobody else writes the formula.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache


def day(value) -> date | None:
    """An ISO day (a stored `YYYY-MM-DD…` string or a date), None when absent or unreadable."""
    if isinstance(value, str):             # as stored: first, it is nearly every call
        return _day_of_text(value) if value else None
    if value is None:
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


@lru_cache(maxsize=1 << 16)
def _day_of_text(text: str) -> date | None:
    """Remembered: a province's items repeat a few thousand dates a million times."""
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def newest_date(dates: Iterable[date | str | None], as_of: date) -> date | None:
    """The newest date on or before the day of the check (a later one is a FUTURE_DATE, not an update)."""
    days = [d for d in map(day, dates) if d is not None and d <= as_of]
    return max(days) if days else None


def days_since(newest: date | str | None, as_of: date | str | None) -> int | None:
    """Calendar days from the newest date to the day of the check (距今天数), None without a date."""
    first, last = day(newest), day(as_of)
    return (last - first).days if first is not None and last is not None else None


def days_over(days: float | None, limit: float | None) -> float | None:
    """How far past its limit a figure is (超期天数): days − limit, None when either is unknown."""
    if isinstance(days, bool) or isinstance(limit, bool):
        return None
    if not isinstance(days, (int, float)) or not isinstance(limit, (int, float)):
        return None
    return days - limit


@dataclass(frozen=True)
class Wait:
    """Working days a letter waited, from the day after submission (day 0 = receipt) to its answer or
    to the day of the check, against its reply limit."""
    workdays: int
    limit: int
    deadline: date | None      # the last working day allowed (computed only when over)
    estimated: bool            # a day was counted without holiday data

    @property
    def over(self) -> bool:
        return self.workdays > self.limit

    @property
    def days_over(self) -> int:
        return self.workdays - self.limit


def wait(calendar, start: date, end: date, limit: int) -> Wait:
    """The one measure of a letter's wait on the official calendar (workdays.WorkCalendar)."""
    workdays, estimated = calendar.workdays_between(start, end)
    deadline = None
    if workdays > limit:
        deadline, est = calendar.add_workdays(start, limit)
        estimated |= est
    return Wait(workdays, limit, deadline, estimated)


def overdue(calendar, submitted: date | None, as_of: date, limit: int) -> Wait | None:
    """A pending letter's wait by the day of the check (None when not yet submitted by then);
    `.over` says it is overdue (ENQUIRY_UNANSWERED, 超期未答复)."""
    if submitted is None or submitted > as_of:
        return None
    return wait(calendar, submitted, as_of, limit)


def late(calendar, submitted: date | None, replied: date | None, limit: int) -> Wait | None:
    """An answered letter's time to answer (None when a date is missing or the answer predates it);
    `.over` says it was answered late (ENQUIRY_LATE, 逾期答复)."""
    if submitted is None or replied is None or replied < submitted:
        return None
    return wait(calendar, submitted, replied, limit)
