"""Board metrics against values computed by hand on the official 2026 calendar.

2026 facts used below (国办 arrangement, as carried by chinesecalendar 1.11):
中秋 9/25 (Fri)–9/27 off; 国庆 10/1–10/7 off; make-up workdays Sun 9/20 and Sat 10/10; 10/8 is a workday.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from checks.enquiry_metrics import board_metrics, nearest_rank, site_metrics
from crawler.extraction.boards import extract_board

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "boards"
AS_OF = dt.date(2026, 10, 20)
D = dt.date


def rows_from_expected(*rels: str, board_key: str = "b") -> list[dict]:
    """Store-shaped rows from the hand-written fixture sidecars (not from the extractor)."""
    rows = []
    for rel in rels:
        for x in json.loads((FIXTURES / rel).read_text(encoding="utf-8"))["letters"]:
            rows.append({"board_key": board_key, "letter_key": x["key"], "number": x["number"], "title": x["title"],
                         "url": x["url"], "submitted": x["submitted"], "replied": x["replied"], "status": x["status"]})
    return rows


TABLE = ("table/list.expected.json", "table/list_2.expected.json")
JSON = ("json/letters_page1.expected.json", "json/letters_page2.expected.json", "json/letters_page3.expected.json")


def test_calendar_facts_the_hand_computations_rely_on(cal):
    assert cal.workdays_between(D(2026, 9, 25), D(2026, 10, 9)) == (5, False)   # across 中秋 + 国庆
    assert cal.workdays_between(D(2026, 9, 4), D(2026, 9, 7)) == (1, False)     # Fri → Mon
    assert cal.add_workdays(D(2026, 9, 28), 5) == (D(2026, 10, 10), False)       # make-up Saturday
    assert cal.add_workdays(D(2026, 9, 18), 5) == (D(2026, 9, 24), False)        # make-up Sunday 9/20


def test_table_board_metrics(cal):
    m = board_metrics(rows_from_expected(*TABLE), as_of=AS_OF, period=None, calendar=cal)
    assert (m["received"], m["answered"], m["pending"], m["rejected"], m["unknown"]) == (7, 3, 3, 1, 0)
    assert m["answer_rate"] == pytest.approx(3 / 6)
    # Durations: 9/1→9/3 = 2; 9/25→10/9 = 5 (9/28, 9/29, 9/30, 10/8, 10/9); 10/13→10/15 = 2.
    assert (m["timed"], m["median_workdays"], m["p90_workdays"], m["mean_workdays"]) == (3, 2, 5, 3.0)
    # XJ…03 (9/30): 10/8, 10/9, 10/10, 10/12-16, 10/19, 10/20 = 10 working days, deadline 10/13.
    # XJ…05 (10/12): 10/13-16, 10/19, 10/20 = 6, deadline 10/19. XJ…07 (10/15): 3 → not overdue.
    assert [(r["letter_key"], r["workdays"], r["deadline"]) for r in m["overdue"]] == [
        ("XJ2026093003", 10, D(2026, 10, 13)), ("XJ2026101205", 6, D(2026, 10, 19))]
    assert m["overdue"][0]["title"] == "农村饮水管道漏水"
    assert m["late"] == [] and m["estimated"] is False


def test_json_board_metrics(cal):
    m = board_metrics(rows_from_expected(*JSON), as_of=AS_OF, period=None, calendar=cal)
    assert (m["received"], m["answered"], m["pending"], m["rejected"]) == (7, 4, 2, 1)
    assert m["answer_rate"] == pytest.approx(4 / 6)
    # 10/9→10/12 = 2 (Sat 10/10 works, Sun 10/11 not); 9/30→10/10 = 3; 9/25→9/29 = 2; 9/4→9/7 = 1.
    assert (m["median_workdays"], m["p90_workdays"], m["mean_workdays"]) == (2, 3, 2.0)
    # id 9102 (9/18): 9/20, 9/21-24, 9/28-30, 10/8-10, 10/12-16, 10/19-20 = 18; deadline 9/24.
    assert [(r["letter_key"], r["workdays"], r["deadline"]) for r in m["overdue"]] == [
        ("id:9102", 18, D(2026, 9, 24))]


def test_period_selects_letters_by_submission_date(cal):
    m = board_metrics(rows_from_expected(*TABLE), as_of=AS_OF, period=(D(2026, 10, 1), D(2026, 10, 31)),
                      calendar=cal)
    assert (m["received"], m["answered"], m["pending"], m["rejected"]) == (4, 1, 2, 1)
    assert m["answer_rate"] == pytest.approx(1 / 3)
    assert [r["letter_key"] for r in m["overdue"]] == ["XJ2026101205"]
    assert m["period"] == ["2026-10-01", "2026-10-31"]


def test_late_answer_with_deadline_on_a_make_up_saturday(cal):
    rows = [{"letter_key": "L1", "submitted": "2026-09-28", "replied": "2026-10-12", "status": "answered"},
            {"letter_key": "L2", "submitted": "2026-09-28", "replied": "2026-10-10", "status": "answered"}]
    m = board_metrics(rows, as_of=AS_OF, period=None, calendar=cal)
    # (9/28, 10/12]: 9/29, 9/30, 10/8, 10/9, 10/10, 10/12 = 6 > 5; the 5th working day is Sat 10/10.
    assert [(r["letter_key"], r["workdays"], r["deadline"]) for r in m["late"]] == [("L1", 6, D(2026, 10, 10))]
    assert (m["median_workdays"], m["p90_workdays"]) == (5.5, 6)
    assert m["answer_rate"] == 1.0


def test_weekend_boundary_of_the_overdue_test(cal):
    rows = [{"letter_key": "W", "submitted": "2026-01-09", "replied": None, "status": "pending"}]
    # Fri 1/9: 1/12-1/16 are working days 1-5; on Fri 1/16 and over the weekend it is not yet overdue.
    assert board_metrics(rows, as_of=D(2026, 1, 16), period=None, calendar=cal)["overdue"] == []
    assert board_metrics(rows, as_of=D(2026, 1, 18), period=None, calendar=cal)["overdue"] == []
    over = board_metrics(rows, as_of=D(2026, 1, 19), period=None, calendar=cal)["overdue"]
    assert [(r["workdays"], r["deadline"]) for r in over] == [(6, D(2026, 1, 16))]


def test_empty_board_and_all_rejected_give_no_rate(cal):
    m = board_metrics([], as_of=AS_OF, period=None, calendar=cal)
    assert (m["received"], m["answer_rate"], m["median_workdays"], m["p90_workdays"]) == (0, None, None, None)
    rejected = [{"letter_key": "R", "submitted": "2026-10-01", "replied": None, "status": "rejected"}]
    assert board_metrics(rejected, as_of=AS_OF, period=None, calendar=cal)["answer_rate"] is None


def test_undated_letters_are_counted_apart(cal):
    rows = [{"letter_key": "U", "submitted": None, "replied": None, "status": "pending"},
            {"letter_key": "A", "submitted": "2026-10-12", "replied": "2026-10-13", "status": "answered"}]
    m = board_metrics(rows, as_of=AS_OF, period=None, calendar=cal)
    assert (m["received"], m["pending"], m["undated"], m["overdue"]) == (2, 1, 1, [])
    m = board_metrics(rows, as_of=AS_OF, period=(D(2026, 10, 1), D(2026, 10, 31)), calendar=cal)
    assert (m["received"], m["pending"], m["undated"]) == (1, 0, 1)


def test_years_without_calendar_data_are_marked_estimated(cal):
    rows = [{"letter_key": "F", "submitted": "2045-03-01", "replied": "2045-03-08", "status": "answered"}]
    m = board_metrics(rows, as_of=D(2045, 3, 20), period=None, calendar=cal)
    assert m["estimated"] is True
    assert m["median_workdays"] == 5  # 2045-03-01 is a Wednesday: Thu, Fri, Mon, Tue, Wed


def test_nearest_rank():
    assert nearest_rank([], 0.9) is None
    assert nearest_rank([7], 0.9) == 7
    assert nearest_rank(list(range(1, 11)), 0.9) == 9
    assert nearest_rank(list(range(1, 12)), 0.9) == 10


def test_site_metrics_combine_consult_boards_and_leave_out_excluded_ones(cal):
    rows = rows_from_expected(*TABLE, board_key="xzxx") + rows_from_expected(*JSON, board_key="wszx")
    rows.append({"board_key": "zxft", "letter_key": "Z", "submitted": "2026-09-01", "replied": None,
                 "status": "pending"})
    m = site_metrics(rows, as_of=AS_OF, calendar=cal, deadline_workdays={"*": 5, "wszx": 20},
                     excluded_boards={"zxft"})
    assert set(m["boards"]) == {"xzxx", "wszx", "zxft"}
    assert m["boards"]["wszx"]["overdue"] == []          # 18 working days ≤ its 20-day limit
    assert m["boards"]["zxft"]["pending"] == 1
    site = m["site"]
    assert (site["received"], site["answered"], site["pending"], site["rejected"]) == (14, 7, 5, 2)
    assert site["answer_rate"] == pytest.approx(7 / 12)
    # Durations 2, 5, 2 (table) and 2, 3, 2, 1 (JSON): sorted 1 2 2 2 2 3 5.
    assert (site["median_workdays"], site["p90_workdays"], site["mean_workdays"]) == (2, 5, 2.43)
    assert sorted(r["letter_key"] for r in site["overdue"]) == ["XJ2026093003", "XJ2026101205"]


def test_extracted_fixture_rows_feed_the_metrics(cal):
    """End to end without the network: extractor output (store rows) gives the hand-computed figures."""
    rows = []
    for name in ("list.html", "list_2.html"):
        page = extract_board((FIXTURES / "table" / name).read_bytes(), f"http://127.0.0.1/table/{name}",
                             as_of=AS_OF, content_type="text/html; charset=utf-8")
        rows += [letter.as_row() for letter in page.letters]
    m = board_metrics(rows, as_of=AS_OF, period=None, calendar=cal)
    assert (m["received"], m["answered"], m["answer_rate"], m["p90_workdays"]) == (7, 3, 0.5, 5)
    assert [r["letter_key"] for r in m["overdue"]] == ["XJ2026093003", "XJ2026101205"]
