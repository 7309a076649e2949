"""Veto arithmetic at the threshold boundaries (4/5, 9/10), single vetoes, and 无法判定 from unverified columns."""
import pytest

from checks.verdict import site_verdict


def stale(n, *, category="dynamic", key=True, should_update=True, start=0, **extra):
    return [{"code": "COLUMN_STALE", "severity": "deduct", "column": f"{category}{i}",
             "url": f"http://x.gov.cn/{category}/{i}/", **extra,
             "evidence": {"category": category, "key": key, "should_update": should_update}}
            for i in range(start, start + n)]


def blank(n, start=0):
    return [{"code": "COLUMN_BLANK", "severity": "deduct", "url": f"http://x.gov.cn/blank/{i}/",
             "evidence": {"category": "notice"}} for i in range(start, start + n)]


def failed(n, **evidence):
    return [{"code": "EXTRACTION_FAILED", "severity": "warn", "url": f"http://x.gov.cn/failed/{i}/",
             "evidence": dict(evidence)} for i in range(n)]


def one(code, severity="veto"):
    return [{"code": code, "severity": severity, "url": "http://x.gov.cn/", "evidence": {}}]


def ids(result):
    return [v["id"] for v in result["vetoes"]]


@pytest.mark.parametrize("n,verdict", [(4, "合格"), (5, "不合格")])
def test_key_stale_columns_4_and_5(profile, n, verdict):
    findings = stale(n - 2) + stale(2, category="policy", key=True)
    result = site_verdict(findings, profile=profile)
    assert result["verdict"] == verdict
    assert result["counts"]["key_stale"] == n
    if n == 5:
        assert result["vetoes"] == [{"id": "R-COL-1", "title": "栏目不更新", "count": 5, "threshold": 5,
                                     "meaning": result["vetoes"][0]["meaning"]}]
        assert "栏目不更新" in result["reason"] and "5个" in result["reason"]
    else:
        assert result["vetoes"] == [] and "接近5个的否决线" in result["reason"]   # pre-warning at 3


@pytest.mark.parametrize("n,verdict", [(9, "合格"), (10, "不合格")])
def test_should_update_columns_9_and_10(profile, n, verdict):
    findings = stale(n, category="personnel", key=False)
    result = site_verdict(findings, profile=profile)
    assert result["verdict"] == verdict and result["counts"]["should_update_stale"] == n
    assert result["counts"]["key_stale"] == 0
    assert ids(result) == ([] if n == 9 else ["R-COL-2"])


@pytest.mark.parametrize("n,verdict", [(4, "合格"), (5, "不合格")])
def test_blank_columns_4_and_5(profile, n, verdict):
    result = site_verdict(blank(n), profile=profile)
    assert result["verdict"] == verdict and result["counts"]["blank"] == n
    assert ids(result) == ([] if n == 4 else ["R-COL-3"])


def test_blank_columns_count_as_should_update_per_survey_faq(profile):
    findings = stale(6, category="planning", key=False) + blank(4)
    result = site_verdict(findings, profile=profile)
    assert ids(result) == ["R-COL-2"] and result["counts"]["should_update_stale"] == 10
    strict = profile.with_overrides({"overrides": {"thresholds": {"should_update_counts_blank": 0}}})
    assert site_verdict(findings, profile=strict)["verdict"] == "合格"


def test_same_column_counts_once(profile):
    findings = stale(4) + stale(1, start=3)          # column 3 reported twice
    result = site_verdict(findings, profile=profile)
    assert result["counts"]["key_stale"] == 4 and result["verdict"] == "合格"


def test_ignored_findings_do_not_count(profile):
    findings = stale(4) + stale(1, start=4, status="ignored")
    assert site_verdict(findings, profile=profile)["verdict"] == "合格"
    findings[-1]["status"] = "open"
    assert site_verdict(findings, profile=profile)["verdict"] == "不合格"


def test_profile_threshold_is_used(profile):
    tight = profile.with_overrides({"overrides": {"thresholds": {"key_stale_veto": 3}}})
    assert site_verdict(stale(3), profile=tight)["vetoes"][0]["threshold"] == 3
    assert site_verdict(stale(3), profile=profile)["verdict"] == "合格"


@pytest.mark.parametrize("code,severity,vid", [
    ("ENQUIRY_VETO", "veto", "R-INT-2"), ("NO_ENQUIRY_CHANNEL", "veto", "R-INT-1"),
    ("HOME_STALE", "veto", "R-HOME-1"), ("HOME_STALE", "deduct", "R-HOME-1"),
    ("SITE_UNREACHABLE", "veto", "R-AVAIL-1"), ("FUTURE_DATE", "veto", "R-SEC-1"),
])
def test_single_vetoes(profile, code, severity, vid):
    result = site_verdict(one(code, severity), profile=profile)
    assert result["verdict"] == "不合格" and ids(result) == [vid]
    assert result["reason"].startswith("存在单项否决问题")


@pytest.mark.parametrize("code", ["HOME_STALE", "SITE_UNREACHABLE", "FUTURE_DATE", "ENQUIRY_VETO"])
def test_warning_severity_does_not_veto(profile, code):
    assert site_verdict(one(code, "warn"), profile=profile)["verdict"] == "合格"


def test_deductions_alone_never_veto(profile):
    findings = one("ENQUIRY_UNANSWERED", "deduct") * 30 + one("COLUMN_MISSING", "deduct") * 8
    result = site_verdict(findings, profile=profile)
    assert result["verdict"] == "合格"
    assert result["counts"]["enquiry_unanswered"] == 30 and result["counts"]["missing"] == 8


def test_third_party_veto_rule(profile):
    result = site_verdict(one("CUSTOM_LEAK"), profile=profile)
    assert ids(result) == ["CUSTOM_LEAK"] and result["verdict"] == "不合格"


def test_several_vetoes_listed_together(profile):
    result = site_verdict(stale(5) + blank(5) + one("ENQUIRY_VETO"), profile=profile)
    # 5 stale + 5 blank also make 10 should-update columns
    assert ids(result) == ["R-COL-1", "R-COL-2", "R-COL-3", "R-INT-2"]


# ------------------------------------------------------------------ 无法判定
def test_unverified_columns_that_could_tip_the_count(profile):
    result = site_verdict(stale(3), profile=profile, unverified=2)
    assert result["verdict"] == "无法判定"
    assert result["risks"][0]["id"] == "R-COL-1" and result["risks"][0]["unverified"] == 2
    assert "2个栏目未能读取" in result["reason"]
    assert site_verdict(stale(3), profile=profile, unverified=1)["verdict"] == "合格"


def test_unverified_from_extraction_failed_findings(profile):
    assert site_verdict(stale(4) + failed(1), profile=profile)["verdict"] == "无法判定"
    # a failed column known not to be a key column cannot tip R-COL-1 (nor, with 1 of 10, R-COL-2)
    assert site_verdict(stale(4) + failed(1, key=False), profile=profile)["verdict"] == "合格"
    # the engine's number and the findings describe the same columns: not added twice
    assert site_verdict(stale(3) + failed(1), profile=profile, unverified=1)["counts"]["unverified"] == 1


def test_a_failed_column_carrying_its_stale_finding_counts_once(profile):
    """A daily run that could not read a column carries its stale finding (未复核) and raises
    EXTRACTION_FAILED for it: the same column is not one stale and one more that could be stale."""
    carried = stale(1, start=4, status="open")
    carried[0]["evidence"].update(column_key="/xzdt/", unverified=True)
    findings = stale(4) + carried + failed(1, column_key="/xzdt/")
    result = site_verdict(findings, profile=profile)
    assert result["verdict"] == "不合格" and result["counts"]["key_stale"] == 5   # counted as stale
    findings = stale(3) + carried + failed(1, column_key="/xzdt/")
    result = site_verdict(findings, profile=profile)
    assert result["counts"]["key_stale"] == 4 and result["counts"]["unverified_key"] == 0
    assert result["verdict"] == "合格" and not result["risks"]
    # another failed column could still tip it
    other = failed(1, column_key="/bmdt/")
    result = site_verdict(findings + other, profile=profile)
    assert result["counts"]["unverified_key"] == 1 and result["verdict"] == "无法判定"
    # the same holds for a carried blank finding (blank and should-update counters)
    carried_blank = [dict(blank(1, start=4)[0], evidence={"column_key": "/tzgg/", "unverified": True})]
    result = site_verdict(blank(3) + carried_blank + failed(1, column_key="/tzgg/"), profile=profile)
    assert result["counts"]["blank"] == 4 and result["counts"]["unverified_blank"] == 0
    assert result["verdict"] == "合格"


def test_veto_wins_over_unverified(profile):
    assert site_verdict(stale(5), profile=profile, unverified=20)["verdict"] == "不合格"


def test_unreachable_run_is_undecided_not_failed(profile):
    result = site_verdict([], profile=profile, unreachable=True)
    assert result["verdict"] == "无法判定" and "无法访问" in result["reason"]
    assert site_verdict(one("SITE_UNREACHABLE"), profile=profile, unreachable=True)["verdict"] == "不合格"


def test_clean_site_passes(profile):
    result = site_verdict([], profile=profile)
    assert result == {"verdict": "合格", "vetoes": [], "counts": result["counts"], "reason": "未发现单项否决问题。",
                      "warnings": [], "risks": []}
