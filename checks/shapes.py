"""The shapes of the JSON the checks store and the reports read: `site_results.details` and
`board_stats.stats` (crawler/store.py). checks/engine.py writes exactly these keys, reports/ read
them by these names and no other; tests/test_shapes.py holds a real demo run to them.
"""
from __future__ import annotations

from typing import TypedDict


class ColumnSummary(TypedDict):
    """One list column as the checks judged it: the freshness chart and the limits in the reports."""
    key: str
    name: str | None
    url: str | None
    level: int | None
    status: str                    # ok | failed | exempt
    category: str | None           # the profile category's title
    newest_date: str | None        # checks.figures.newest_date, ISO
    item_count: int | None
    days_since: int | None         # checks.figures.days_since
    limit_days: int | None         # the category's window in days (None: no category, or not read)
    stale: bool
    method: str | None


class Availability(TypedDict):
    """The week's probes of the homepage (checks.rules_site.availability)."""
    count: int
    failed: int
    ratio: float | None
    days: int
    slow: int
    timeout_s: float
    min_daily_polls: int
    short_days: int


class Verdict(TypedDict):
    """checks.verdict.site_verdict."""
    verdict: str
    vetoes: list[dict]
    counts: dict[str, int]
    reason: str
    warnings: list[dict]
    risks: list[dict]


class SiteDetails(TypedDict):
    """`site_results.details`."""
    verdict: Verdict
    scorecard: dict | None         # checks.scoring.score_site; None without a rubric or site
    columns: list[ColumnSummary]
    availability: Availability
    unreachable: bool
    estimated_workdays: list[int]  # years whose working days were estimated


class Letter(TypedDict):
    """An overdue or late letter: its `enquiries` row with the wait (checks.figures.Wait)."""
    id: int
    run_id: int
    site_id: str
    board_key: str
    board: str | None
    letter_key: str | None
    number: str | None
    title: str | None
    category: str | None
    url: str | None
    submitted: str | None
    replied: str | None
    status: str
    status_text: str | None
    unit: str | None
    workdays: int                  # working days waited (pending) or taken (answered)
    deadline: str                  # the last working day allowed, ISO


class BoardMetrics(TypedDict):
    """checks.enquiry_metrics.board_metrics: one board's figures over the period."""
    received: int
    answered: int
    pending: int
    rejected: int
    unknown: int
    undated: int
    answer_rate: float | None
    timed: int
    median_workdays: float | None
    p90_workdays: int | None
    mean_workdays: float | None
    overdue: list[Letter]          # pending past the limit (checks.figures.overdue)
    late: list[Letter]             # answered after the limit (checks.figures.late)
    deadline_workdays: int
    period: list[str] | None       # [first day, as of], ISO
    estimated: bool


_BoardClass = TypedDict("_BoardClass", {"class": str | None})


class BoardStats(BoardMetrics, _BoardClass):
    """`board_stats.stats`: the figures and the board's class (consult | excluded | …)."""
