"""Rubric arithmetic: both shipped rubrics reproduce hand-computed scores, caps (扣完为止) included."""
from pathlib import Path

import pytest

from checks.profile import load_profile
from checks.scoring import RubricError, load_rubric, score_site
from checks.verdict import site_verdict

PASS = {"verdict": "合格", "vetoes": []}
FAIL = {"verdict": "不合格", "vetoes": [{"id": "R-INT-2", "title": "互动回应差", "count": 1, "threshold": 1}]}


def f(code, n=1, severity="deduct", **evidence):
    return [{"code": code, "severity": severity, "url": f"http://x.gov.cn/{code}/{evidence}/{i}",
             "evidence": dict(evidence)} for i in range(n)]


def by_id(result):
    return {i["id"]: i for i in result["indicators"]}


# ------------------------------------------------------------------ provincial example
PROVINCE_FIXTURE = (
    f("ENQUIRY_UNANSWERED", 15)                       # 15 × 1 = 15 → capped at 13
    + f("ENQUIRY_LATE", 4)                            # 4 × 0.5 = 2
    + f("COLUMN_LOW_VOLUME", 6, category="dynamic")   # 6 × 1 = 6 → capped at 4
    + f("COLUMN_STALE", 2, category="dynamic", key=True, should_update=True)   # 2 × 2 = 4
    + f("COLUMN_STALE", 1, category="notice", key=True, should_update=True)    # 2
    + f("COLUMN_STALE", 1, category="policy", key=True, should_update=True)    # 2
    + f("COLUMN_STALE", 1, category="planning", key=False, should_update=True)  # 0.5 (generic line)
    + f("COLUMN_MISSING", 1, category="guide")        # 2 on the platform line (more specific)
    + f("COLUMN_MISSING", 1, category="overview")     # 1 on the generic line
    + f("COLUMN_BLANK", 2, category="notice")         # 2 × 1 = 2
    + f("ANNUAL_REPORT_MISSING", 1)                   # once: 5
)


def test_province_rubric_hand_computed():
    rubric = load_rubric("province-example")
    result = score_site(PROVINCE_FIXTURE, rubric, PASS)
    ind = by_id(result)
    replies = ind["interaction.replies"]
    assert replies["deductions"][0] == {"code": "ENQUIRY_UNANSWERED", "count": 15, "per": 1.0, "amount": 13.0,
                                        "cap": 13.0, "capped": True, "where": {}}
    assert replies["deductions"][1]["amount"] == 2.0 and not replies["deductions"][1]["capped"]
    assert (replies["deducted"], replies["score"], replies["cap_applied"]) == (15.0, 3.0, True)
    dynamic = ind["publish.dynamic"]
    assert [d["amount"] for d in dynamic["deductions"]] == [4.0, 4.0]
    assert (dynamic["deducted"], dynamic["cap_applied"]) == (8.0, True)
    assert ind["publish.policy"]["deducted"] == 4.0
    assert ind["publish.columns"]["deducted"] == 3.5           # 1 missing + 2 blank + 0.5 stale
    assert ind["disclosure.platform"]["deducted"] == 2.0
    assert ind["disclosure.annual_report"]["deducted"] == 5.0
    assert ind["service.all"]["assessed"] is False and ind["service.all"]["score"] == 15.0
    # 100 − (15 + 8 + 4 + 3.5 + 2 + 5) = 62.5, below the example's 80-point line
    assert result["total"] == 62.5
    assert result["passed"] is False and result["vetoed"] is False
    assert result["pass_line"] == 80.0 and "低于80.0分合格线" in result["summary"]
    assert {s["id"]: s["score"] for s in result["sections"]}["interaction"] == 10.0


def test_province_late_reply_cap_and_indicator_cap():
    rubric = load_rubric("province-example")
    result = score_site(f("ENQUIRY_UNANSWERED", 20) + f("ENQUIRY_LATE", 12), rubric, PASS)
    replies = by_id(result)["interaction.replies"]
    assert [d["amount"] for d in replies["deductions"]] == [13.0, 5.0]   # 每条0.5分，扣完5分为止
    assert (replies["deducted"], replies["score"]) == (18.0, 0.0)
    assert result["total"] == 82.0 and result["passed"] is True


def test_province_fixture_verdict_passes_so_score_decides():
    verdict = site_verdict(PROVINCE_FIXTURE, profile=load_profile())
    assert verdict["verdict"] == "合格"                   # 4 key stale, 7 should-update: under both lines
    assert score_site(PROVINCE_FIXTURE, load_rubric("province-example"), verdict)["passed"] is False


# ------------------------------------------------------------------ national rubric
GB_FIXTURE = (
    f("COLUMN_STALE", 1, category="policy", key=True, should_update=True)      # 5
    + f("COLUMN_STALE", 1, category="dynamic", key=True, should_update=True)   # 2
    + f("COLUMN_LOW_VOLUME", 1, category="dynamic")                            # 1
    + f("COLUMN_STALE", 2, category="personnel", key=False, should_update=True)  # 2 × 0.5 (maintenance)
    + f("COLUMN_BLANK", 1, category="notice")                                  # 0.5 (maintenance)
    + f("ENQUIRY_UNANSWERED", 3) + f("ENQUIRY_LATE", 3)                        # 3 + 1.5
    + f("ANNUAL_REPORT_MISSING", 1)                                            # 2
    + f("COLUMN_MISSING", 1, category="survey")                                # 2.5
    + f("FUTURE_DATE", 1, severity="warn")                                     # 0.5
    + f("EXTRACTION_FAILED", 3, severity="warn")                               # no deduction
)


def test_gb2019_rubric_hand_computed():
    result = score_site(GB_FIXTURE, load_rubric("gb2019"), PASS)
    ind = by_id(result)
    assert ind["publish.policy"]["deducted"] == 5.0
    assert ind["publish.dynamic"]["deducted"] == 3.0
    assert ind["publish.maintenance"]["deducted"] == 1.5
    assert ind["interaction.letters"]["deducted"] == 4.5
    assert ind["publish.disclosure"]["deducted"] == 2.0
    assert ind["interaction.channels"]["deducted"] == 2.5
    assert ind["design.dates"]["deducted"] == 0.5
    # 100 − (5 + 3 + 1.5 + 4.5 + 2 + 2.5 + 0.5) = 81
    assert result["total"] == 81.0 and result["passed"] is True and result["bonus_eligible"] is True
    assert not any(i["cap_applied"] for i in result["indicators"])


def test_gb2019_indicator_cap():
    result = score_site(f("ENQUIRY_UNANSWERED", 20) + f("ENQUIRY_LATE", 4), load_rubric("gb2019"), PASS)
    letters = by_id(result)["interaction.letters"]
    assert [d["amount"] for d in letters["deductions"]] == [20.0, 2.0]
    assert (letters["deducted"], letters["score"], letters["cap_applied"]) == (15.0, 0.0, True)
    assert result["total"] == 85.0


def test_veto_fails_whatever_the_score():
    result = score_site(GB_FIXTURE, load_rubric("gb2019"), FAIL)
    assert result["total"] == 81.0 and result["passed"] is False and result["vetoed"] is True
    assert result["bonus_eligible"] is False and "单项否决" in result["summary"]


def test_undecided_verdict_marks_score_provisional():
    result = score_site([], load_rubric("gb2019"), {"verdict": "无法判定", "vetoes": []})
    assert result["total"] == 100.0 and result["provisional"] is True


def test_ignored_findings_are_not_deducted():
    findings = f("ENQUIRY_UNANSWERED", 2)
    findings[0]["status"] = "ignored"
    assert score_site(findings, load_rubric("gb2019"), PASS)["total"] == 99.0


# ------------------------------------------------------------------ custom rubric files
RUBRIC = """name: mini
base: 10
pass_line: 6
sections:
  - id: a
    title: 互动
    points: 10
    indicators:
      - id: a.letters
        title: 留言
        points: 10
        deductions:
          - {code: ENQUIRY_UNANSWERED, per: 0.1, count_field: letters}
"""


def test_count_field_and_decimal_arithmetic(tmp_path):
    path = tmp_path / "mini.yaml"
    path.write_text(RUBRIC, encoding="utf-8")
    findings = f("ENQUIRY_UNANSWERED", 1, letters=3) + f("ENQUIRY_UNANSWERED", 1)
    result = score_site(findings, load_rubric(str(path)), PASS)
    assert by_id(result)["a.letters"]["deductions"][0]["count"] == 4
    assert result["total"] == 9.6                      # exact: 0.1 × 4, no float drift


@pytest.mark.parametrize("change,line,words", [
    (("points: 10\n    indicators", "points: 12\n    indicators"), 7, "合计"),
    (("{code: ENQUIRY_UNANSWERED", "{code: enquiry"), 13, "问题代码"),
    (("per: 0.1", "per: -1"), 13, "per"),
    (("base: 10", "base: 20"), 2, "各部分分值合计"),
    (("title: 留言", "titel: 留言"), 10, "未知字段"),
])
def test_rubric_errors_name_file_and_line(tmp_path, change, line, words):
    path = tmp_path / "mini.yaml"
    path.write_text(RUBRIC.replace(*change), encoding="utf-8")
    with pytest.raises(RubricError) as err:
        load_rubric(str(path))
    assert err.value.line == line and "mini.yaml" in str(err.value) and words in str(err.value)


def test_unknown_rubric_name_lists_shipped():
    with pytest.raises(RubricError, match="province-example"):
        load_rubric("nope")


def test_shipped_rubrics_sum_to_base():
    for name in ("gb2019", "province-example"):
        rubric = load_rubric(name)
        assert sum(i.points for i in rubric.indicators) == rubric.base == 100
        assert Path(rubric.source).exists()
