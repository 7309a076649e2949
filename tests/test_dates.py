import datetime as dt

import pytest

from crawler.extraction.dates import DateWindow, date_from_url, find_dates, normalise, parse_date, year_from_url

AS_OF = dt.date(2026, 11, 27)


@pytest.mark.parametrize("text,expected", [
    ("2023-03-08", dt.date(2023, 3, 8)),
    ("2023/3/8 10:22", dt.date(2023, 3, 8)),
    ("2023.03.08", dt.date(2023, 3, 8)),
    ("2023年3月8日", dt.date(2023, 3, 8)),
    ("2023 年 03 月 08 日 09:00", dt.date(2023, 3, 8)),
    ("二〇二三年三月八日", dt.date(2023, 3, 8)),
    ("二〇二三年十二月三十一日", dt.date(2023, 12, 31)),
    ("[2023-03-08]", dt.date(2023, 3, 8)),
    ("２０２３－０３－０８", dt.date(2023, 3, 8)),
    ("发布时间∶2023-08-19 10∶08", dt.date(2023, 8, 19)),
    ("发布时间：2023-11-30&nbsp;&nbsp;来源：北京市教委", dt.date(2023, 11, 30)),
])
def test_full_formats(text, expected):
    assert parse_date(text, as_of=AS_OF) == expected


def test_month_day_takes_context_year_never_two_digit_year():
    assert parse_date("03-08", as_of=AS_OF) == dt.date(2026, 3, 8)  # not 2003
    assert parse_date("03-08", as_of=AS_OF, context_year=2019) == dt.date(2019, 3, 8)
    assert parse_date("[12-30]", as_of=AS_OF) == dt.date(2025, 12, 30)  # later than as-of: last year
    assert parse_date("3月8日", as_of=AS_OF) == dt.date(2026, 3, 8)


def test_implausible_dates_are_rejected_and_counted():
    window = DateWindow(AS_OF)
    assert parse_date("1989-12-31", as_of=window) is None
    assert parse_date("2027-01-30", as_of=window) is None
    assert window.rejected == 2
    assert parse_date("2026-11-28", as_of=window) == dt.date(2026, 11, 28)  # inside the margin


def test_find_dates_lists_all_plausible():
    assert find_dates("成文日期：2019年01月27日 发布日期：2019年02月15日 2099-01-01", as_of=AS_OF) == [
        dt.date(2019, 1, 27), dt.date(2019, 2, 15)]


@pytest.mark.parametrize("url,expected", [
    ("http://x.gov.cn/xw/sxyw/201312/t20131223_1501140.html", dt.date(2013, 12, 23)),
    ("./202611/t20261120_1234.html", dt.date(2026, 11, 20)),
    ("/art/2023/3/8/art_12_345.html", dt.date(2023, 3, 8)),
    ("https://www.henan.gov.cn/2022/08-11/2559082.html", dt.date(2022, 8, 11)),
    ("http://www.gov.cn/zhengce/content/2019-01/25/content_5361158.htm", dt.date(2019, 1, 25)),
    ("./202608/P020260825569749189625.pdf", dt.date(2026, 8, 25)),
    ("/Item/85836.aspx", None),
    ("/info/egovinfo/1001/xxgk/xxgk_content/qzfb-02_H/2018-0315010.htm", None),
])
def test_date_from_url(url, expected):
    assert date_from_url(url) == expected


def test_year_from_directory_url():
    assert year_from_url("/zwgk/202303/abc.html") == 2023


def test_normalise_folds_fullwidth_and_spaces():
    assert normalise("索\u3000引\u3000号：２０２４") == "索 引 号:2024"
