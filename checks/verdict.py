"""The pass/fail arithmetic of the 单项否决 indicators (国办秘函〔2019〕19号), kept apart from scoring.

A site fails on any veto. Column vetoes are counts against thresholds from the profile, so the counting
rules live here once: each column counts once per counter, findings an office ignored or accepted do not
count, and columns the crawler could not read (EXTRACTION_FAILED) are "unverified": if they could tip a
counter over its line, the honest answer is 无法判定, not 合格.
"""
from __future__ import annotations

from collections import Counter

from checks import registry
from checks.profile import Profile

EXCLUDED_STATUSES = frozenset({"ignored", "accepted", "resolved"})
VERDICT_PASS, VERDICT_FAIL, VERDICT_UNKNOWN = "合格", "不合格", "无法判定"

# Codes that veto on their own (unless a rule downgraded the finding to a warning).
SINGLE_VETOES = {
    "SITE_UNREACHABLE": ("R-AVAIL-1", "站点无法访问", True),
    "HOME_STALE": ("R-HOME-1", "首页不更新", False),
    "NO_ENQUIRY_CHANNEL": ("R-INT-1", "互动回应差（无有效咨询建言渠道）", False),
    "ENQUIRY_VETO": ("R-INT-2", "互动回应差（有效留言超期未答复）", False),
    "FUTURE_DATE": ("R-SEC-1", "严重问题（发稿日期晚于检查日期，疑似伪造）", True),
}
# The bool says whether the finding's severity must be "veto" (True) or merely not "warn" (False).
COUNTED_CODES = frozenset({"COLUMN_STALE", "COLUMN_BLANK", "EXTRACTION_FAILED"})

COUNTERS = (
    # id, title, counts key, threshold key, warning key, what the count means (filled in from the profile)
    ("R-COL-1", "栏目不更新", "key_stale", "key_stale_veto", "key_stale_warn", "{key_stale_windows}未更新"),
    ("R-COL-2", "应更新但长期未更新", "should_update_stale", "should_update_veto", "should_update_warn",
     "应更新但长期未更新的栏目"),
    ("R-COL-3", "空白栏目", "blank", "blank_veto", "blank_warn", "空白栏目（有栏目无内容）"),
)


def active_findings(findings: list[dict]) -> list[dict]:
    """Findings that count: an office's ignore/accept decision, or a resolved problem, takes it out."""
    return [f for f in findings if (f.get("status") or "new") not in EXCLUDED_STATUSES]


def _evidence(finding: dict) -> dict:
    ev = finding.get("evidence")
    return ev if isinstance(ev, dict) else {}


def _column_id(finding: dict, index: int) -> str:
    ev = _evidence(finding)
    return str(ev.get("column_key") or finding.get("url") or ev.get("url") or finding.get("column")
               or f"#{index}")


def _counts(findings: list[dict], profile: Profile, unverified: int) -> dict:
    by_code = Counter(f.get("code") for f in findings)
    key, should, blank = set(), set(), set()
    for i, f in enumerate(findings):
        ev, col = _evidence(f), _column_id(f, i)
        if f.get("code") == "COLUMN_STALE":
            if ev.get("key"):
                key.add(col)
            if ev.get("should_update"):
                should.add(col)
        elif f.get("code") == "COLUMN_BLANK":
            blank.add(col)
    should_blank = should | blank if profile.thresholds["should_update_counts_blank"] else should
    # one per column: a failed column may also carry the stale or blank finding of its last reading
    failed = {_column_id(f, i): _evidence(f) for i, f in enumerate(findings)
              if f.get("code") == "EXTRACTION_FAILED"}
    unknown = max(0, int(unverified or 0) - len(failed))   # columns the engine knows only as a number

    def could_add(counted: set, flag: str | None = None) -> int:
        """Unverified columns that could still add to a counter: not already in it, and not known
        to be of a category it does not count."""
        return unknown + sum(col not in counted and (flag is None or ev.get(flag, True) is not False)
                             for col, ev in failed.items())

    return {
        "key_stale": len(key),
        "should_update_stale": len(should_blank),
        "stale_columns": len(key | should),
        "blank": len(blank),
        "unverified": len(failed) + unknown,
        "unverified_key": could_add(key, "key"),
        "unverified_should_update": could_add(should_blank, "should_update"),
        "unverified_blank": could_add(blank),
        "missing": by_code.get("COLUMN_MISSING", 0),
        "enquiry_unanswered": by_code.get("ENQUIRY_UNANSWERED", 0),
        "enquiry_late": by_code.get("ENQUIRY_LATE", 0),
        "low_volume": by_code.get("COLUMN_LOW_VOLUME", 0),
        "annual_report_missing": by_code.get("ANNUAL_REPORT_MISSING", 0),
        "by_code": dict(sorted((k, v) for k, v in by_code.items() if k)),
    }


def site_verdict(findings: list[dict], *, profile: Profile, unverified: int = 0,
                 unreachable: bool = False) -> dict:
    findings = active_findings(findings)
    counts = _counts(findings, profile, unverified)
    thresholds = profile.thresholds
    vetoes, warnings, risks = [], [], []

    singles: dict[str, list[dict]] = {}
    for f in findings:
        code, severity = f.get("code"), f.get("severity")
        if code in SINGLE_VETOES:
            _, _, needs_veto = SINGLE_VETOES[code]
            if (severity == "veto") if needs_veto else (severity != "warn"):
                singles.setdefault(code, []).append(f)
        elif severity == "veto" and code not in COUNTED_CODES:
            singles.setdefault(code, []).append(f)        # a third-party veto rule
    for code, hits in singles.items():
        if code in SINGLE_VETOES:
            vid, title, _ = SINGLE_VETOES[code]
        else:
            rule = registry.get(code)
            vid, title = code, rule.title if rule else code
        vetoes.append({"id": vid, "title": title, "count": len(hits), "threshold": 1, "codes": [code]})

    figures = profile.figures()
    for vid, title, count_key, threshold_key, warn_key, meaning in COUNTERS:
        limit = int(thresholds[threshold_key])
        meaning = meaning.format_map(figures)
        count = counts[count_key]
        if count >= limit:
            vetoes.append({"id": vid, "title": title, "count": count, "threshold": limit,
                           "meaning": meaning})
            continue
        open_cols = counts["unverified_" + count_key.removesuffix("_stale")]
        if open_cols and count + open_cols >= limit:
            risks.append({"id": vid, "title": title, "count": count, "threshold": limit,
                          "unverified": open_cols, "meaning": meaning})
        warn_at = thresholds[warn_key]
        if warn_at and count >= warn_at:
            warnings.append({"id": vid, "title": title, "count": count, "threshold": limit,
                             "warn_at": warn_at, "meaning": meaning})

    vetoes.sort(key=lambda v: v["id"])
    if vetoes:
        verdict = VERDICT_FAIL
        reason = "存在单项否决问题：" + "；".join(_veto_text(v) for v in vetoes) + "。"
    elif unreachable:
        verdict = VERDICT_UNKNOWN
        reason = "本次巡检网站无法访问，未能核查栏目更新情况（单次无法访问不构成“站点无法访问”否决，需连续监测1周）。"
    elif risks:
        verdict = VERDICT_UNKNOWN
        reason = "未达到单项否决线，但" + "；".join(
            f"有{r['unverified']}个栏目未能读取，若其中{r['threshold'] - r['count']}个也属{r['meaning']}，"
            f"“{r['title']}”将达到{r['threshold']}个的否决线（目前{r['count']}个）" for r in risks) + "。请人工核实。"
    else:
        verdict = VERDICT_PASS
        reason = "未发现单项否决问题。"
        if warnings:
            reason += "但" + "；".join(f"{w['meaning']}已有{w['count']}个，接近{w['threshold']}个的否决线"
                                      for w in warnings) + "。"
    return {"verdict": verdict, "vetoes": vetoes, "counts": counts, "reason": reason,
            "warnings": warnings, "risks": risks}


def _veto_text(veto: dict) -> str:
    if veto.get("meaning"):
        return f"{veto['title']}（{veto['meaning']}共{veto['count']}个，达到{veto['threshold']}个的否决线）"
    if veto["count"] > 1:
        return f"{veto['title']}（{veto['count']}处）"
    return veto["title"]
