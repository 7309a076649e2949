"""Scores: 100-point deduction rubrics (评分细则) as editable YAML.

Every province and city rewrites the national 扣分指标 with its own points and caps ("每条扣1分，扣完13分
为止"), so the arithmetic is generic and the numbers are data. A rubric is sections → indicators →
deduction lines; a line deducts `per` points for each matching finding, optionally capped, and an
indicator never loses more than its points (扣完为止). Each finding is deducted once, on the most specific
matching line (national note: 已按其他指标扣分的不重复扣分).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from checks.profile import ProfileError
from checks.verdict import VERDICT_FAIL, VERDICT_UNKNOWN, active_findings
from crawler.yamlfile import LocatedYaml

RUBRIC_DIR = Path(__file__).resolve().parent / "rubrics"
CODE_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")
TOP_KEYS = {"name", "title", "basis", "note", "base", "pass_line", "bonus_line", "sections"}
SECTION_KEYS = {"id", "title", "points", "indicators"}
INDICATOR_KEYS = {"id", "title", "points", "deductions", "note"}
LINE_KEYS = {"code", "where", "per", "cap", "once", "count_field", "note"}


class RubricError(ProfileError):
    """A rubric file is wrong; the message names file, line and field."""


@dataclass
class Deduction:
    code: str
    per: Decimal
    where: dict = field(default_factory=dict)
    cap: Decimal | None = None
    once: bool = False
    count_field: str | None = None
    note: str = ""

    def matches(self, finding: dict) -> bool:
        if finding.get("code") != self.code:
            return False
        ev = finding.get("evidence") if isinstance(finding.get("evidence"), dict) else {}
        for key, wanted in self.where.items():
            wanted = wanted if isinstance(wanted, list) else [wanted]
            if key == "severity":
                have = [finding.get("severity")]
            elif key == "category":
                have = [ev.get("category"), *(ev.get("categories") or [])]
            else:
                have = [ev.get(key)]
            if not any(h in wanted for h in have if h is not None):
                return False
        return True

    def weight(self, finding: dict) -> int:
        """How many 条 one finding stands for (a board finding may carry the number of letters)."""
        if not self.count_field:
            return 1
        value = (finding.get("evidence") or {}).get(self.count_field)
        return int(value) if isinstance(value, (int, float)) and value >= 0 else 1


@dataclass
class Indicator:
    id: str
    title: str
    points: Decimal
    section: str
    deductions: list[Deduction]
    note: str = ""


@dataclass
class Rubric:
    name: str
    title: str
    base: Decimal
    pass_line: Decimal
    bonus_line: Decimal | None
    sections: list[dict]
    indicators: list[Indicator]
    source: str = ""
    basis: str = ""


def _num(value) -> Decimal:
    return Decimal(str(value))


def _out(value: Decimal) -> float:
    return float(value)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _resolve(name_or_path: str | Path) -> Path:
    text = str(name_or_path)
    if not text.endswith((".yaml", ".yml")) and "/" not in text and "\\" not in text:
        path = RUBRIC_DIR / f"{text}.yaml"
        if not path.exists():
            available = ", ".join(sorted(p.stem for p in RUBRIC_DIR.glob("*.yaml")))
            raise RubricError(f"没有名为 {text!r} 的内置评分细则（可用：{available}），也可以给出 YAML 文件路径")
        return path
    return Path(text)


def load_rubric(name_or_path: str | Path = "gb2019") -> Rubric:
    """A rubric file, checked field by field in the file's order (each error names file, line and field):
    every section's indicators add up to its points, and the sections to `base`."""
    path = _resolve(name_or_path)
    doc = LocatedYaml(path, RubricError)
    data = doc.data
    if not isinstance(data, dict):
        doc.fail((), "评分细则顶层必须是映射（键: 值）")
    doc.only_keys((), data, TOP_KEYS)
    for key in ("base", "pass_line", "bonus_line"):
        if key in data and not _is_number(data[key]):
            doc.fail((key,), f"必须是数字，实际为 {data[key]!r}")
    base = _num(data.get("base", 100))
    sections = data.get("sections")
    if not isinstance(sections, list) or not sections:
        doc.fail(("sections",), "sections 必须是非空列表")
    indicators: list[Indicator] = []
    seen_ids: set[str] = set()
    section_total = Decimal(0)
    out_sections = []
    for si, section in enumerate(sections):
        section_indicators = _read_section(doc, ("sections", si), section, seen_ids)
        subtotal = sum((ind.points for ind in section_indicators), Decimal(0))
        indicators += section_indicators
        section_total += subtotal
        out_sections.append({"id": section["id"], "title": section["title"], "points": _out(subtotal)})
    if section_total != base:
        doc.fail(("base",), f"base 为{_out(base)}，但各部分分值合计为{_out(section_total)}")
    return Rubric(name=str(data.get("name") or path.stem), title=str(data.get("title", "")), base=base,
                  pass_line=_num(data.get("pass_line", 60)),
                  bonus_line=_num(data["bonus_line"]) if "bonus_line" in data else None,
                  sections=out_sections, indicators=indicators, source=str(path),
                  basis=str(data.get("basis", "")))


def _read_section(doc: LocatedYaml, where: tuple, section, seen_ids: set[str]) -> list[Indicator]:
    """A section's indicators, whose points must add up to the section's."""
    _check_named(doc, where, section, SECTION_KEYS, "每个部分必须是映射，含 id、title、points、indicators")
    if not _is_number(section.get("points")):
        doc.fail(where + ("points",), "缺少 points（分值，数字）")
    inds = section.get("indicators")
    if not isinstance(inds, list) or not inds:
        doc.fail(where + ("indicators",), "indicators 必须是非空列表")
    indicators = [_read_indicator(doc, where + ("indicators", ii), ind, section["id"], seen_ids)
                  for ii, ind in enumerate(inds)]
    subtotal = sum((ind.points for ind in indicators), Decimal(0))
    if subtotal != _num(section["points"]):
        doc.fail(where + ("points",), f"部分“{section['title']}”分值为{section['points']}，"
                                       f"但其指标分值合计为{_out(subtotal)}")
    return indicators


def _check_named(doc: LocatedYaml, where: tuple, node, allowed: set[str], not_mapping: str):
    """A section or indicator: a mapping of known keys with an `id` and a `title` (text)."""
    if not isinstance(node, dict):
        doc.fail(where, not_mapping)
    doc.only_keys(where, node, allowed)
    for key in ("id", "title"):
        if not isinstance(node.get(key), str):
            doc.fail(where + (key,), f"缺少 {key}（文字）")


def _read_indicator(doc: LocatedYaml, where: tuple, ind, section_id: str, seen_ids: set[str]) -> Indicator:
    _check_named(doc, where, ind, INDICATOR_KEYS, "指标必须是映射，含 id、title、points")
    if ind["id"] in seen_ids:
        doc.fail(where + ("id",), f"指标编号 {ind['id']!r} 重复")
    seen_ids.add(ind["id"])
    if not _is_number(ind.get("points")) or ind["points"] <= 0:
        doc.fail(where + ("points",), "points 必须是正数")
    lines = [_read_deduction(doc, where + ("deductions", di), line)
             for di, line in enumerate(ind.get("deductions") or [])]
    return Indicator(ind["id"], ind["title"], _num(ind["points"]), section_id, lines, str(ind.get("note", "")))


def _read_deduction(doc: LocatedYaml, where: tuple, line) -> Deduction:
    if not isinstance(line, dict):
        doc.fail(where, "扣分项必须是映射，含 code、per")
    doc.only_keys(where, line, LINE_KEYS)
    if not isinstance(line.get("code"), str) or not CODE_RE.match(line["code"]):
        doc.fail(where + ("code",), "code 必须是问题代码，如 ENQUIRY_UNANSWERED")
    if not _is_number(line.get("per")) or line["per"] <= 0:
        doc.fail(where + ("per",), "per（每条扣分）必须是正数")
    if "cap" in line and (not _is_number(line["cap"]) or line["cap"] <= 0):
        doc.fail(where + ("cap",), "cap（扣完为止的上限）必须是正数")
    if "where" in line and not isinstance(line["where"], dict):
        doc.fail(where + ("where",), "where 必须是映射，如 {category: dynamic}")
    if "once" in line and not isinstance(line["once"], bool):
        doc.fail(where + ("once",), "once 必须是 true 或 false")
    return Deduction(code=line["code"], per=_num(line["per"]), where=dict(line.get("where") or {}),
                     cap=_num(line["cap"]) if "cap" in line else None,
                     once=bool(line.get("once", False)), count_field=line.get("count_field"),
                     note=str(line.get("note", "")))


def _assign(findings: list[dict], rubric: Rubric) -> dict[int, list[dict]]:
    """Each finding to its most specific matching line (most `where` keys), first in file order on ties."""
    lines = [d for ind in rubric.indicators for d in ind.deductions]
    assigned: dict[int, list[dict]] = {id(d): [] for d in lines}
    for finding in findings:
        best = None
        for line in lines:
            if line.matches(finding) and (best is None or len(line.where) > len(best.where)):
                best = line
        if best is not None:
            assigned[id(best)].append(finding)
    return assigned


def score_site(findings: list[dict], rubric: Rubric, verdict: dict) -> dict:
    assigned = _assign(active_findings(findings), rubric)
    indicators, total_deducted = [], Decimal(0)
    for ind in rubric.indicators:
        rows, raw, capped = [], Decimal(0), False
        for line in ind.deductions:
            hits = assigned[id(line)]
            if not hits:
                continue
            count = sum(line.weight(f) for f in hits)
            amount = line.per if line.once else line.per * count
            line_capped = line.cap is not None and amount > line.cap
            if line_capped:
                amount = line.cap
            capped |= line_capped
            raw += amount
            rows.append({"code": line.code, "count": count, "per": _out(line.per), "amount": _out(amount),
                         "cap": _out(line.cap) if line.cap is not None else None, "capped": line_capped,
                         "where": line.where})
        deducted = min(raw, ind.points)
        capped |= raw > ind.points
        total_deducted += deducted
        indicators.append({"id": ind.id, "title": ind.title, "section": ind.section, "points": _out(ind.points),
                           "deductions": rows, "deducted": _out(deducted), "cap_applied": capped,
                           "score": _out(ind.points - deducted), "assessed": bool(ind.deductions)})
    total = rubric.base - total_deducted
    vetoed = verdict.get("verdict") == VERDICT_FAIL and bool(verdict.get("vetoes"))
    passed = not vetoed and total >= rubric.pass_line
    sections = []
    for section in rubric.sections:
        mine = [i for i in indicators if i["section"] == section["id"]]
        sections.append({**section, "score": _out(sum((_num(i["score"]) for i in mine), Decimal(0)))})
    return {
        "rubric": rubric.name, "title": rubric.title, "base": _out(rubric.base),
        "pass_line": _out(rubric.pass_line), "total": _out(total), "passed": passed, "vetoed": vetoed,
        "provisional": verdict.get("verdict") == VERDICT_UNKNOWN,
        "bonus_eligible": (not vetoed and rubric.bonus_line is not None and total > rubric.bonus_line),
        "sections": sections, "indicators": indicators, "summary": _summary(rubric, total, passed, vetoed),
    }


def _summary(rubric: Rubric, total: Decimal, passed: bool, vetoed: bool) -> str:
    if vetoed:
        return f"存在单项否决问题，判定为不合格（扣分指标得分{_out(total)}分，仅供参考）。"
    if passed:
        return f"扣分指标得分{_out(total)}分，达到{_out(rubric.pass_line)}分合格线。未自动检查的指标按满分计，需人工复核。"
    return f"扣分指标得分{_out(total)}分，低于{_out(rubric.pass_line)}分合格线，判定为不合格。"
