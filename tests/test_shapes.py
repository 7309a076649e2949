"""The stored JSON has the shapes checks/shapes.py declares: a real demo run's `site_results.details`
and `board_stats.stats` carry every required key and no undeclared one, nested shapes included;
and each figure is the one checks/figures.py derives."""
from __future__ import annotations

import json
import types
import typing
from datetime import date

import pytest

from checks import figures
from checks.shapes import BoardStats, SiteDetails
from checks.workdays import WorkCalendar
from crawler.cli import run_demo
from crawler.store import Store

pytestmark = pytest.mark.slow   # one fixture runs a whole demo crawl

AS_OF = date(2026, 11, 27)


def _typeddict(tp) -> type | None:
    """The TypedDict a value of type `tp` must match (through `X | None`), or None."""
    if typing.is_typeddict(tp):
        return tp
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        found = [t for t in typing.get_args(tp) if typing.is_typeddict(t)]
        return found[0] if found else None
    return None


def mismatches(value, shape, where: str = "") -> list[str]:
    """Keys stored but not declared, and declared required keys missing, at every nesting level."""
    if not isinstance(value, dict):
        return [f"{where or '.'}: {type(value).__name__}, not a {shape.__name__}"]
    declared = shape.__required_keys__ | shape.__optional_keys__
    out = [f"{where}.{k}: not declared in {shape.__name__}" for k in value.keys() - declared]
    out += [f"{where}.{k}: missing ({shape.__name__})" for k in shape.__required_keys__ - value.keys()]
    for key, tp in typing.get_type_hints(shape).items():
        if value.get(key) is None:
            continue
        inner = _typeddict(tp)
        if inner is not None:
            out += mismatches(value[key], inner, f"{where}.{key}")
        elif typing.get_origin(tp) is list and (inner := _typeddict(typing.get_args(tp)[0])):
            for i, item in enumerate(value[key]):
                out += mismatches(item, inner, f"{where}.{key}[{i}]")
    return out


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    base = tmp_path_factory.mktemp("shapes")
    db = str(base / "govwatch.db")
    run_demo(str(base / "out"), as_of=AS_OF, variant=0, db=db, quiet=True, progress=False)
    store = Store(db)
    yield store
    store.close()


def test_site_details_match_their_shape(demo_store):
    rows = list(demo_store.db["site_results"].rows)
    assert rows
    for row in rows:
        details = json.loads(row["details"])
        assert mismatches(details, SiteDetails, row["site_id"]) == []
    # the demo exercises the nested shapes, not only empty lists
    assert any(json.loads(r["details"])["columns"] for r in rows)


def test_board_stats_match_their_shape(demo_store):
    rows = list(demo_store.db["board_stats"].rows)
    assert rows
    for row in rows:
        assert mismatches(json.loads(row["stats"]), BoardStats, f"{row['site_id']}/{row['board_key']}") == []
    stats = [json.loads(r["stats"]) for r in rows]
    assert any(s["overdue"] for s in stats) and any(s["late"] for s in stats)


def test_stored_figures_are_the_checks_figures(demo_store):
    """The column summary's newest date and days since are those the rules judge from."""
    for row in demo_store.db["site_results"].rows:
        items: dict[str, list] = {}
        for it in demo_store.db["items"].rows_where("run_id = ? and site_id = ?", [row["run_id"], row["site_id"]]):
            items.setdefault(it["column_key"], []).append(it["date"])
        for col in json.loads(row["details"])["columns"]:
            newest = figures.newest_date(items.get(col["key"], []), AS_OF)
            assert col["newest_date"] == (newest.isoformat() if newest else None)
            assert col["days_since"] == figures.days_since(newest, AS_OF)
    stale = [f for f in demo_store.db["findings"].rows_where("code = 'COLUMN_STALE'")]
    assert stale and all(json.loads(f["evidence"])["days_over"] == figures.days_over(
        json.loads(f["evidence"])["days"], json.loads(f["evidence"])["limit_days"]) for f in stale)


def test_mismatches_names_extra_and_missing_keys():
    details = {"verdict": {}, "scorecard": None, "columns": [{"key": "a", "days": 3}],
               "availability": {}, "unreachable": False, "estimated_workdays": [], "newest": 1}
    found = mismatches(details, SiteDetails)
    assert ".newest: not declared in SiteDetails" in found
    assert ".columns[0].days: not declared in ColumnSummary" in found
    assert ".columns[0].days_since: missing (ColumnSummary)" in found
    assert ".verdict.reason: missing (Verdict)" in found


def test_wait_overdue_and_late():
    cal = WorkCalendar()
    fri, mon = date(2026, 11, 20), date(2026, 11, 23)
    assert figures.overdue(cal, date(2026, 11, 28), AS_OF, 5) is None          # submitted after as-of
    waited = figures.overdue(cal, fri, AS_OF, 3)                              # Mon..Fri: 5 working days
    assert (waited.workdays, waited.over, waited.days_over, waited.deadline) == (5, True, 2, date(2026, 11, 25))
    took = figures.late(cal, mon, AS_OF, 5)
    assert (took.workdays, took.over, took.deadline) == (4, False, None)
    assert figures.late(cal, AS_OF, mon, 5) is None                           # answered before submitted
    assert figures.days_since("2026-10-28", AS_OF) == 30 and figures.days_since(None, AS_OF) is None
    assert figures.newest_date(["2026-11-01", "2026-12-01", None, ""], AS_OF) == date(2026, 11, 1)
    assert figures.days_over(23, 14) == 9 and figures.days_over(None, 14) is None


def test_letter_declares_the_enquiry_row():
    """Letter repeats the `enquiries` row the crawl writes (crawler/items.py EnquiryItem) for type
    checkers; the two stay the same fields."""
    from dataclasses import fields

    from checks.shapes import Letter
    from crawler.items import EnquiryItem
    row = {f.name for f in fields(EnquiryItem)} | {"id", "run_id"}
    assert set(typing.get_type_hints(Letter)) == row | {"workdays", "deadline"}
