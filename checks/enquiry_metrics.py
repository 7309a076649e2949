"""Board figures over a period: received, answered, 答复率, working days to answer, overdue letters.

Why pure functions: the same numbers appear in the findings, the 整改清单 and the HTML report, and an
office will recompute them by hand; data in (the store's ``enquiries`` rows), numbers out, no I/O.

Conventions (rules.md §A5):
- working days are counted on the official calendar from the day after submission (day 0 = receipt);
- a pending letter is overdue when more than ``deadline_workdays`` working days have passed by ``as_of``
  (checks.figures.overdue, the test ENQUIRY_UNANSWERED makes); an answer is late when it took more
  (checks.figures.late, as ENQUIRY_LATE);
- 答复率 = answered ÷ (received − rejected): 不予受理 letters are not valid messages;
- the median is the usual middle value (mean of the two middle ones); p90 is the nearest-rank value
  (the ⌈0.9·n⌉-th smallest), so it is always a number of days some letter actually took;
- with a period, a letter belongs to it by its submission date; undated letters are only counted.
"""
from __future__ import annotations

import math
import statistics
from datetime import date

from checks import figures
from checks.shapes import BoardMetrics

STATUSES = ("answered", "pending", "rejected", "unknown")


def _default_calendar():
    from checks.workdays import WorkCalendar  # lazy: the metrics are importable without the calendar
    return WorkCalendar()


def nearest_rank(values: list[int], q: float) -> int | None:
    """The ⌈q·n⌉-th smallest value (nearest-rank percentile), None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q * len(ordered))) - 1]


def board_metrics(letters: list[dict], *, as_of: date, period: tuple[date, date] | None = None,
                  calendar=None, deadline_workdays: int = 5) -> BoardMetrics:
    """Figures for one board (or a whole site: pass all its consult boards' letters)."""
    calendar = calendar or _default_calendar()
    counts = dict.fromkeys(STATUSES, 0)
    undated = 0
    durations: list[int] = []
    overdue: list[dict] = []
    late: list[dict] = []
    estimated = False
    for row in letters:
        submitted = figures.day(row.get("submitted"))
        if period is not None:
            if submitted is None:
                undated += 1
                continue
            if not (period[0] <= submitted <= period[1]):
                continue
        elif submitted is None:
            undated += 1
        status = row.get("status") if row.get("status") in STATUSES else "unknown"
        counts[status] += 1
        if submitted is None:
            continue
        if status == "answered":
            took = figures.late(calendar, submitted, figures.day(row.get("replied")), deadline_workdays)
            if took is None:
                continue
            estimated |= took.estimated
            durations.append(took.workdays)
            if took.over:
                late.append({**row, "workdays": took.workdays, "deadline": took.deadline})
        elif status == "pending":
            waited = figures.overdue(calendar, submitted, as_of, deadline_workdays)
            if waited is None:
                continue
            estimated |= waited.estimated
            if waited.over:
                overdue.append({**row, "workdays": waited.workdays, "deadline": waited.deadline})
    received = sum(counts.values())
    valid = received - counts["rejected"]
    overdue.sort(key=lambda r: (-r["workdays"], str(r.get("letter_key") or "")))
    late.sort(key=lambda r: (-r["workdays"], str(r.get("letter_key") or "")))
    return BoardMetrics(
        received=received,
        answered=counts["answered"],
        pending=counts["pending"],
        rejected=counts["rejected"],
        unknown=counts["unknown"],
        undated=undated,
        answer_rate=counts["answered"] / valid if valid else None,
        timed=len(durations),
        median_workdays=statistics.median(durations) if durations else None,
        p90_workdays=nearest_rank(durations, 0.9),
        mean_workdays=round(statistics.fmean(durations), 2) if durations else None,
        overdue=overdue,
        late=late,
        deadline_workdays=deadline_workdays,
        period=[period[0].isoformat(), period[1].isoformat()] if period else None,
        estimated=estimated,
    )


def site_metrics(letters: list[dict], *, as_of: date, period: tuple[date, date] | None = None,
                 calendar=None, deadline_workdays: int | dict[str, int] = 5,
                 excluded_boards: set[str] | frozenset[str] = frozenset()) -> dict:
    """Per board (by ``board_key``) and for the site as a whole (boards in ``excluded_boards``, e.g.
    在线访谈/调查征集, are reported per board but left out of the site figures).

    ``deadline_workdays`` may be a per-board mapping (board_key → days, key ``"*"`` = default)."""
    calendar = calendar or _default_calendar()

    def limit(key: str | None) -> int:
        if isinstance(deadline_workdays, dict):
            return int(deadline_workdays.get(key or "", deadline_workdays.get("*", 5)))
        return int(deadline_workdays)

    by_board: dict[str, list[dict]] = {}
    for row in letters:
        by_board.setdefault(str(row.get("board_key") or ""), []).append(row)
    boards = {key: board_metrics(rows, as_of=as_of, period=period, calendar=calendar,
                                 deadline_workdays=limit(key))
              for key, rows in by_board.items()}
    counted = [key for key in boards if key not in excluded_boards]
    site = {name: sum(boards[k][name] for k in counted)
            for name in ("received", "answered", "pending", "rejected", "unknown", "undated")}
    valid = site["received"] - site["rejected"]
    site["answer_rate"] = site["answered"] / valid if valid else None
    site["overdue"] = [r for k in counted for r in boards[k]["overdue"]]
    site["late"] = [r for k in counted for r in boards[k]["late"]]
    site["estimated"] = any(boards[k]["estimated"] for k in counted)
    # Timing percentiles need the per-letter durations again, across boards.
    durations: list[int] = []
    for k in counted:
        for row in by_board[k]:
            submitted = figures.day(row.get("submitted"))
            if row.get("status") != "answered" or submitted is None:
                continue
            if period is not None and not (period[0] <= submitted <= period[1]):
                continue
            took = figures.late(calendar, submitted, figures.day(row.get("replied")), limit(k))
            if took is not None:
                durations.append(took.workdays)
    site["timed"] = len(durations)
    site["median_workdays"] = statistics.median(durations) if durations else None
    site["p90_workdays"] = nearest_rank(durations, 0.9)
    site["mean_workdays"] = round(statistics.fmean(durations), 2) if durations else None
    return {"boards": boards, "site": site}
