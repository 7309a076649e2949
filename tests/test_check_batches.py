"""`check` at province scale (issue 14) reads a run a batch of sites at a time, remembers figures and
counts working days by running totals; none of that may change a finding.

A batch of many and a batch of one (`judge_site`, a `SiteContext` reading its own rows) judge a
generated store (`bench/bigstore.py`) alike, through both runs' lifecycle; the running totals count
working days as the day-by-day count did; the remembered classification follows each site's
overrides. Against the engine before issue 14, the same bigstore gave identical findings, site results
and board figures (`bench/checkspeed.py --before TREE` compares them at 1,000 sites).
"""
from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest
from bigstore import build_store  # bench/, on sys.path (conftest)
from hypothesis import given, settings
from hypothesis import strategies as st

from checks import runrows
from checks.context import SiteContext
from checks.engine import judge_run, judge_site
from checks.profile import load_profile
from checks.scoring import load_rubric
from checks.workdays import WorkCalendar
from crawler.store import Store

HOLIDAYS_2027 = str(Path(__file__).resolve().parents[1] / "checks" / "holidays" / "example-2027.yaml")


def _open(path):
    return closing(Store(path))


def _judged(path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return [*conn.execute("select run_id, site_id, fingerprint, code, severity, [column], url, message, "
                              "evidence, status, first_seen, last_seen from findings order by run_id, site_id, id"),
                *conn.execute("select * from site_results order by run_id, site_id"),
                *conn.execute("select * from board_stats order by run_id, site_id, board_key")]
    finally:
        conn.close()


@pytest.fixture(scope="module", params=["daily", "sweep"])
def bigstore(request, tmp_path_factory):
    path = tmp_path_factory.mktemp("big") / "big.db"
    info = build_store(path, sites=12, columns=30, items_per_column=8, boards=2, letters=12,
                       mode=request.param, runs=2)
    return path, info["runs"]


def test_batches_and_single_sites_judge_alike(bigstore, tmp_path, monkeypatch):
    path, runs = bigstore
    batched, alone = tmp_path / "batched.db", tmp_path / "alone.db"
    shutil.copyfile(path, batched)
    shutil.copyfile(path, alone)
    monkeypatch.setattr(runrows, "BATCH", 5)          # 12 sites: batches of 5, 5 and 2
    with _open(batched) as store:
        for run_id in runs:
            judge_run(store, run_id)
    with _open(alone) as store:
        profile, rubric = load_profile("gb2019"), load_rubric("gb2019")
        for run_id in runs:
            run, calendar = store.run(run_id), WorkCalendar()
            sites = runrows.site_configs(store, store.crawled_sites(run_id))
            for sid in store.crawled_sites(run_id):
                judge_site(store, run, sites[sid], as_of=date.fromisoformat(run["as_of"]), profile=profile,
                           calendar=calendar, rubric=rubric)
    found = _judged(batched)
    assert found == _judged(alone)
    statuses = {row[9] for row in found if len(row) == 12}
    assert {"new", "open", "resolved"} <= statuses       # the second run's lifecycle was exercised


def test_a_site_reading_its_own_rows_sees_what_its_batch_read(bigstore):
    path, runs = bigstore
    with _open(path) as store:
        run = store.run(runs[-1])
        ids = store.crawled_sites(run["id"])
        batch = runrows.load(store, run["id"], ids)
        for sid in ids:
            site = {"id": sid}
            own = SiteContext(store=store, run=run, site=site, as_of=date(2026, 11, 27), profile=None, calendar=None)
            given_rows = SiteContext(store=store, run=run, site=site, as_of=date(2026, 11, 27), profile=None,
                                     calendar=None, rows=batch[sid])
            assert own.columns == given_rows.columns == store.columns(run["id"], sid)
            assert own.enquiries == given_rows.enquiries == store.enquiries(run["id"], sid)
            assert own.entrances == given_rows.entrances == store.entrances(run["id"], sid)
            assert own.walk == given_rows.walk == store.walk(run["id"], sid)
            items = own.items_by_column
            assert sum(map(len, items.values())) == len(store.items(run["id"], sid))
            for key, rows in items.items():
                assert given_rows.column_items(key) == rows
                assert given_rows.item_dates(key) == [r["date"] for r in rows] == own.item_dates(key)
                assert given_rows.item_count(key) == len(rows)


class DayByDay(WorkCalendar):
    """The calendar as it was: each day asked of chinesecalendar or the holiday file in turn (and,
    counting the days up to `end`, the day after it asked before stopping)."""

    def is_workday(self, d: date) -> tuple[bool, bool]:
        source = self.source(d.year)
        if source == "chinesecalendar":
            return chinese_calendar.is_workday(d), False
        if source == "holiday_file":
            listed = self.extra[d.year].get(d)
            return (listed if listed is not None else d.weekday() < 5), False
        self.estimated_years.add(d.year)
        return d.weekday() < 5, True

    def _days_after(self, start: date):
        day = start
        while True:
            day += timedelta(days=1)
            yield (day, *self.is_workday(day))

    def add_workdays(self, start: date, n: int) -> tuple[date, bool]:
        day, estimated, counted = start, False, 0
        days = self._days_after(start)
        while counted < n:
            day, workday, est = next(days)
            estimated |= est
            counted += workday
        return day, estimated

    def workdays_between(self, start: date, end: date) -> tuple[int, bool]:
        count, estimated = 0, False
        for day, workday, est in self._days_after(start):
            if day > end:
                break
            estimated |= est
            count += workday
        return count, estimated


YEAR_TABLES: dict = {}   # built once per holiday file: the years' tables never change


@settings(max_examples=120, deadline=None)
@given(start=st.dates(date(2024, 1, 1), date(2028, 12, 1)), span=st.integers(-5, 400),
       holidays=st.sampled_from([None, HOLIDAYS_2027]))
def test_running_totals_count_working_days_as_day_by_day(start, span, holidays):
    end = start + timedelta(days=span)
    fast, slow = WorkCalendar(holidays), DayByDay(holidays)
    fast._years = YEAR_TABLES.setdefault(holidays, fast._years)
    assert fast.workdays_between(start, end) == slow.workdays_between(start, end)
    assert fast.add_workdays(start, span % 90) == slow.add_workdays(start, span % 90)
    assert fast.estimated_years == slow.estimated_years


def test_remembered_classification_follows_each_sites_overrides():
    base = load_profile("gb2019")
    assert base.classify("工作信息").code == "dynamic" and base.classify("回应关切").code == "response"
    site = base.with_overrides({"overrides": {"columns": {"工作信息": {"category": "notice"}},
                                              "not_expected": ["回应关切"]}})
    assert site.classify("工作信息").code == "notice" and site.classify("回应关切") is None
    assert base.classify("工作信息").code == "dynamic" and base.classify("回应关切").code == "response"
    plain = base.with_overrides({"overrides": {"thresholds": {"blank_veto": 3}}})
    assert plain.classify("工作信息").code == "dynamic"
    entries = plain.mandatory("portal")
    entries[0]["aliases"].append("改过")
    assert "改过" not in plain.mandatory("portal")[0]["aliases"]       # each call gets its own entries
    assert "回应关切" not in {e["name"] for e in site.mandatory("portal")}
    assert "回应关切" in {e["name"] for e in base.mandatory("portal")}
