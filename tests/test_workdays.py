"""Working days on the official calendar: weekends, 2026 国庆 with its 调休 days, and 2027 (no library data)."""
from datetime import date
from pathlib import Path

import pytest

from checks.workdays import HolidayFileError, WorkCalendar

EXAMPLE_2027 = Path(__file__).resolve().parents[1] / "checks" / "holidays" / "example-2027.yaml"


def test_across_a_weekend(cal):
    received = date(2026, 3, 6)                     # Friday, ordinary week
    assert cal.add_workdays(received, 5) == (date(2026, 3, 13), False)
    assert cal.add_workdays(received, 6) == (date(2026, 3, 16), False)   # skips Sat 14, Sun 15
    assert cal.workdays_between(received, date(2026, 3, 13)) == (5, False)
    assert cal.workdays_between(received, date(2026, 3, 15)) == (5, False)
    assert cal.workdays_between(received, date(2026, 3, 16)) == (6, False)


def test_across_2026_national_day_with_makeup_saturday(cal):
    received = date(2026, 9, 30)                    # Wednesday before 国庆 (1-7 Oct off)
    assert cal.is_workday(date(2026, 10, 5)) == (False, False)   # a Monday, but a holiday
    assert cal.is_workday(date(2026, 10, 10)) == (True, False)   # a Saturday, but a 调休 workday
    # 8 Oct (1), 9 Oct (2), Sat 10 Oct (3), 12 Oct (4), 13 Oct (5), 14 Oct (6)
    assert cal.add_workdays(received, 5) == (date(2026, 10, 13), False)
    assert cal.add_workdays(received, 6) == (date(2026, 10, 14), False)
    assert cal.workdays_between(received, date(2026, 10, 13)) == (5, False)
    assert cal.workdays_between(received, date(2026, 10, 7)) == (0, False)


def test_makeup_sunday_before_mid_autumn(cal):
    received = date(2026, 9, 18)                    # Friday; Sun 20 Sep is a 调休 workday, 25-27 Sep off
    assert cal.add_workdays(received, 5) == (date(2026, 9, 24), False)
    assert cal.add_workdays(received, 6) == (date(2026, 9, 28), False)


def test_zero_and_empty_spans(cal):
    assert cal.add_workdays(date(2026, 3, 6), 0) == (date(2026, 3, 6), False)
    assert cal.workdays_between(date(2026, 3, 6), date(2026, 3, 6)) == (0, False)
    assert cal.workdays_between(date(2026, 3, 9), date(2026, 3, 6)) == (0, False)
    with pytest.raises(ValueError):
        cal.add_workdays(date(2026, 3, 6), -1)


def test_2027_without_holiday_file_degrades_to_estimated(cal):
    assert cal.add_workdays(date(2026, 12, 31), 5) == (date(2027, 1, 7), True)   # 1 Jan counted as a workday
    assert cal.is_workday(date(2027, 2, 10)) == (True, True)
    assert cal.workdays_between(date(2026, 12, 30), date(2026, 12, 31)) == (1, False)
    assert cal.estimated_years == {2027}
    assert "2027" in cal.estimated_warning() and "估算" in cal.estimated_warning()
    assert cal.source(2026) == "chinesecalendar" and cal.source(2027) == "weekends"


def test_2027_with_holiday_file():
    cal = WorkCalendar(EXAMPLE_2027)
    # 1-3 Jan off in the example file: 4 (1) 5 (2) 6 (3) 7 (4) 8 Jan (5)
    assert cal.add_workdays(date(2026, 12, 31), 5) == (date(2027, 1, 8), False)
    assert cal.is_workday(date(2027, 2, 8)) == (False, False)    # Monday inside the listed 春节 range
    assert cal.is_workday(date(2027, 2, 14)) == (True, False)    # listed 调休 Sunday
    assert cal.is_workday(date(2027, 3, 6)) == (False, False)    # unlisted Saturday
    assert cal.estimated_years == set() and cal.estimated_warning() is None
    assert cal.source(2027) == "holiday_file"
    assert cal.is_workday(date(2028, 1, 3)) == (True, True)      # still no crash beyond the file


def test_library_wins_for_years_it_knows(tmp_path):
    path = tmp_path / "h.yaml"
    path.write_text("2026:\n  workdays: [2026-10-03]\n", encoding="utf-8")
    assert WorkCalendar(path).is_workday(date(2026, 10, 3)) == (False, False)


@pytest.mark.parametrize("text,line,words", [
    ("2027:\n  holidays:\n    - 2027-13-01\n", 3, "无效日期"),
    ("2027:\n  holidays:\n    - \"2027-13-01\"\n", 3, "无法识别的日期"),
    ("2027:\n  holidays: [2027-01-01]\n  vacation: [2027-01-02]\n", 3, "未知字段"),
    ("2027:\n  holidays:\n    - \"2027-02-12..2027-02-06\"\n", 3, "结束早于开始"),
    ("2027:\n  workdays:\n    - 2026-12-31\n", 3, "不在 2027 年内"),
    ("2027:\n  holidays: [2027-01-01\n", 3, "YAML 语法错误"),
])
def test_bad_holiday_file_names_file_and_line(tmp_path, text, line, words):
    path = tmp_path / "holidays-2027.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(HolidayFileError) as err:
        WorkCalendar(path)
    message = str(err.value)
    assert "holidays-2027.yaml" in message and words in message
    assert err.value.line == line
