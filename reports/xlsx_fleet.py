"""rectification.xlsx for a province run (reports/fleet.py): one filterable 整改清单 of every site's
findings, and summary sheets of one row per site.

A sheet per site stops working past a few dozen sites (a thousand tabs, and no way to hand a
department its rows); one sheet with 主办单位, 所属地区 and 网站类型 on every row filters to any of
them. The workbook is written row by row in xlsxwriter's constant_memory mode, so its size never
sits in memory.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import xlsxwriter

from reports import notcrawled
from reports.fleet import worst_first
from reports.labels import EVIDENCE_LABELS, INCOMPLETE_BANNER, SEVERITY_ORDER, TIME_NOTE
from reports.tables import percent
from reports.xlsx import _boards, _page_setup, _title, _Writer, link_counts
from reports.xlsx_links import links_sheet

FINDING_COLUMNS = (  # header, width
    ("序号", 7), ("网站名称", 20), ("网站标识码", 13), ("主办单位", 18), ("所属地区", 12),
    ("网站类型", 12), ("问题类型", 16), ("严重程度", 9), ("状态", 9), ("栏目", 14),
    ("问题描述", 40), ("网址", 36), ("最新信息日期", 12), ("超期天数", 8), ("证据", 30),
    ("依据", 30), ("整改要求", 30), ("整改时限", 12), ("首次发现", 12), ("最近发现", 12),
)
URL_COLUMN, SEVERITY_COLUMN = 11, 7
SUMMARY_COLUMNS = (
    ("序号", 6), ("网站名称", 22), ("网站标识码", 14), ("主办单位", 18), ("所属地区", 12),
    ("网站类型", 12), ("网址", 30), ("结论", 10), ("得分", 8), ("单项否决", 9), ("扣分", 7),
    ("提示", 7), ("无法核实", 9), ("待整改合计", 10), ("本次新发现", 10), ("本次已整改", 10),
    ("近7天访问失败率", 14), ("结论说明", 40), ("首页不可用链接", 9), ("其他不可用链接", 9),
)
SITE_COLUMNS = (("网站名称", 22), ("主办单位", 18), ("所属地区", 12))
MAX_EVIDENCE = 500   # characters of the 证据 cell: the figures, not a dump
# already columns of their own
EVIDENCE_SHOWN = {"newest_date", "days_over", "overdue_days"}


def _evidence_text(ev: dict) -> str:
    """The labelled evidence of a finding on one line: 距今天数：30；时限天数：14."""
    parts = []
    for key, value in ev.items():
        if key not in EVIDENCE_LABELS or key in EVIDENCE_SHOWN or value is None or value == "":
            continue
        if isinstance(value, bool):
            value = "是" if value else "否"
        elif isinstance(value, list):
            value = "、".join(map(str, value))
        elif isinstance(value, dict):
            value = json.dumps(value, ensure_ascii=False)
        parts.append(f"{EVIDENCE_LABELS[key]}：{value}")
    return "；".join(parts)[:MAX_EVIDENCE]


def _summary(w: _Writer, model: dict, sites: list[dict]) -> None:
    ws = w.wb.add_worksheet("汇总")
    run = model["run"]
    row = _title(w, ws, f"政务公开巡检整改清单（截至 {run['as_of']}，{len(sites)} 个网站）", model,
                 len(SUMMARY_COLUMNS))
    prev = model["previous_run_id"]
    started = f"巡检开始：{run['started_text']}；" if run["started_text"] else ""
    ws.write_string(row, 0, f"巡检批次：{run['id']}；上次完整批次：{prev if prev else '无'}；{started}"
                            f"生成时间：{model['generated_text']}{TIME_NOTE}；网站按结论、得分从差到好排列，"
                            "问题见“整改清单”表", w.note)
    row += 2
    w.header(ws, row, SUMMARY_COLUMNS)
    head = row
    for i, s in enumerate(sites, 1):
        row += 1
        cnt, av = s["counts"], s["availability"]
        for c, v in enumerate((i, s["name"], s["code"], s["owner"], s["region"], s["kind_label"])):
            w.cell(ws, row, c, v)
        w.url(ws, row, 6, s["url"])
        rest = (s["verdict"], s["score"], *[cnt["by_severity"][k] for k in SEVERITY_ORDER],
                s["unverified"], cnt["active"], cnt["new"], cnt["resolved"],
                percent(av["ratio"]) if av["count"] else "无探测记录", s["verdict_reason"], *link_counts(s))
        for c, v in enumerate(rest, 7):
            w.cell(ws, row, c, v)
    t = model["totals"]
    row += 1
    w.cell(ws, row, 1, "合计", w.bold)
    for c, v in enumerate((*[t["by_severity"][k] for k in SEVERITY_ORDER],
                           sum(s["unverified"] for s in sites), t["active"], t["new"], t["resolved"]), 9):
        w.cell(ws, row, c, v, w.bold)
    ws.autofilter(head, 0, max(head, row - 1), len(SUMMARY_COLUMNS) - 1)
    _page_setup(ws, head, len(SUMMARY_COLUMNS))


def _findings(w: _Writer, model: dict, sites: list[dict]) -> None:
    """整改清单: the header in row 1 (so it filters and sorts as a plain table), a row per finding,
    sites worst first; the title goes in the printed page header."""
    ws = w.wb.add_worksheet("整改清单")
    title = f"整改清单（截至 {model['run']['as_of']}）"
    if not model["run"]["complete"]:
        title += f" {INCOMPLETE_BANNER}"
    ws.set_header(f'&C&"-,Bold"{title.replace("&", "&&")}'[:255])
    ws.set_footer("&C第 &P 页，共 &N 页")
    w.header(ws, 0, FINDING_COLUMNS)
    row = 0
    for s in sites:
        site = (s["name"], s["code"], s["owner"], s["region"], s["kind_label"])
        for f in s["findings"]:
            row += 1
            values = (row, *site, f["title"], f["severity_label"], f["status_label"], f["column"],
                      f["message"], None, f["newest_date"], f["overdue_days"],
                      _evidence_text(f["evidence"]), f["basis"], f["remedy"], f["deadline"],
                      f["first_seen"], f["last_seen"])
            for c, v in enumerate(values):
                if c == SEVERITY_COLUMN:
                    w.cell(ws, row, c, v, w.sev.get(f["severity"]))
                elif c == URL_COLUMN:
                    w.url(ws, row, c, f["url"])
                else:
                    w.cell(ws, row, c, v)
    if row == 0:
        ws.write_string(1, 0, "本次未发现问题", w.note)
    ws.autofilter(0, 0, max(row, 1), len(FINDING_COLUMNS) - 1)
    _page_setup(ws, 0, len(FINDING_COLUMNS))


def _site_cells(w: _Writer, ws, row: int, s: dict) -> None:
    for c, v in enumerate((s["name"], s["owner"], s["region"])):
        w.cell(ws, row, c, v)


def _sections(sites: list[dict]) -> list[tuple[str, str]]:
    """The rubric sections (id, header) any site's scorecard has, in the order first met."""
    seen: dict[str, str] = {}
    for s in sites:
        card = s["scorecard"] if isinstance(s["scorecard"], dict) else {}
        for sec in card.get("sections") or []:
            if isinstance(sec, dict) and sec.get("id") is not None and sec["id"] not in seen:
                points = sec.get("points")
                seen[sec["id"]] = f"{sec.get('title') or sec['id']}" + (
                    f"（{points:g}分）" if isinstance(points, (int, float)) else "")
    return list(seen.items())


def _scores(w: _Writer, model: dict, sites: list[dict]) -> None:
    """评分: a row per site with its score by rubric section (the indicators are on its page)."""
    sections = _sections(sites)
    columns = (*SITE_COLUMNS, ("评分细则", 10), ("结论", 10), ("得分", 8),
               *[(header, 12) for _, header in sections])
    ws = w.wb.add_worksheet("评分")
    row = _title(w, ws, "评分（各板块得分；指标明细见各网站报告页）", model, len(columns))
    w.header(ws, row, columns)
    head = row
    for s in sites:
        row += 1
        card = s["scorecard"] if isinstance(s["scorecard"], dict) else {}
        scores = {sec.get("id"): sec.get("score") for sec in card.get("sections") or []
                  if isinstance(sec, dict)}
        _site_cells(w, ws, row, s)
        for c, v in enumerate((s["rubric"] or "无评分细则", s["verdict"] or "未评定", s["score"],
                               *[scores.get(sid) for sid, _ in sections]), len(SITE_COLUMNS)):
            w.cell(ws, row, c, v)
    ws.autofilter(head, 0, max(head, row), len(columns) - 1)
    _page_setup(ws, head, len(columns))


def _disclosure(w: _Writer, model: dict, sites: list[dict]) -> None:
    """公开统计: a row per site and year, every column's items added up by month."""
    columns = (*SITE_COLUMNS, ("年份", 8), ("全年条数", 10), *[(f"{m}月", 6) for m in range(1, 13)])
    ws = w.wb.add_worksheet("公开统计")
    row = _title(w, ws, "信息公开统计（按网站、年份、月份统计已采集的信息条目；按栏目统计见各网站报告页）",
                 model, len(columns))
    w.header(ws, row, columns)
    head = row
    for s in sites:
        months: Counter = Counter()
        for col in s["monthly"]["columns"]:
            months.update(col["months"])
        for year in sorted({m[:4] for m in months}):
            row += 1
            by_month = [months.get(f"{year}-{m:02d}", 0) for m in range(1, 13)]
            _site_cells(w, ws, row, s)
            for c, v in enumerate((year, sum(by_month), *by_month), len(SITE_COLUMNS)):
                w.cell(ws, row, c, v)
    ws.autofilter(head, 0, max(head, row), len(columns) - 1)
    _page_setup(ws, head, len(columns))


def _coverage(w: _Writer, model: dict, sites: list[dict]) -> None:
    """抓取范围: how much of each site the walk saw (the column tree is on its page)."""
    columns = (*SITE_COLUMNS, ("栏目数", 8), ("无法核实的栏目", 10), ("无法读取的页面", 10),
               ("站外入口", 9), ("抓取说明", 60))
    ws = w.wb.add_worksheet("抓取范围")
    row = _title(w, ws, f"抓取范围（抓取批次：{model['crawl_run_id'] or '无'}）", model, len(columns))
    w.header(ws, row, columns)
    head = row
    for s in sites:
        row += 1
        seen = s["seen"]
        _site_cells(w, ws, row, s)
        for c, v in enumerate((len(seen["columns"]),
                               sum(c["status"] == "failed" for c in seen["columns"]),
                               len(seen["failed_pages"]), len(seen["entrances"]), seen["coverage"]),
                              len(SITE_COLUMNS)):
            w.cell(ws, row, c, v)
    ws.autofilter(head, 0, max(head, row), len(columns) - 1)
    _page_setup(ws, head, len(columns))


def _workbook(path: Path) -> xlsxwriter.Workbook:
    return xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                           "strings_to_urls": False, "strings_to_numbers": False})


def _write(model: dict, path: str | Path, sheets) -> Path:
    """A province workbook of the given sheets, each called with (writer, model, sites worst first)."""
    path = Path(path)
    sites = worst_first(model["sites"])
    wb = _workbook(path)
    try:
        w = _Writer(wb)
        for sheet in sheets:
            sheet(w, model, sites)
    finally:
        wb.close()
    return path


def write_fleet_xlsx(model: dict, path: str | Path) -> Path:
    """The province workbook: 汇总, 未完成抓取, 整改清单, 链接可用性, 评分, 公开统计, 留言办理, 抓取范围."""
    return _write(model, path, (
        _summary, lambda w, m, _: notcrawled.sheet(w, m), _findings,
        lambda w, m, sites: links_sheet(w, m, sites, fleet=True), _scores, _disclosure,
        lambda w, m, _: _boards(w, m), _coverage))


def write_rectification(model: dict, path: str | Path) -> Path:
    """One office's list (`govwatch report --split-by`): 汇总 and 整改清单 of its sites only."""
    return _write(model, path, (_summary, _findings))
