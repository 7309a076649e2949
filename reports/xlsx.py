"""rectification.xlsx — the 整改清单 an office prints, assigns and signs off.

Every text cell goes through `write_string` (never `write`), so a page title that looks like a
formula stays text; links go through `write_url` only for http(s) URLs.
"""
from __future__ import annotations

import re
from pathlib import Path

import xlsxwriter

from reports import notcrawled
from reports.fleet import is_fleet
from reports.labels import INCOMPLETE_BANNER, SEVERITY_ORDER, TIME_NOTE
from reports.registry import report_format
from reports.safe import http_url
from reports.tables import board_figures, percent, scorecard_view

SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
MAX_SHEET_NAME = 31
MAX_CELL = 32767
MAX_URL = 2079
RESERVED_SHEETS = ("汇总", "栏目清单", "链接可用性", "公开统计", "留言办理", "评分")

SITE_COLUMNS = (  # header, width
    ("序号", 6), ("网站名称", 18), ("网站标识码", 14), ("主办单位", 16), ("问题类型", 16),
    ("严重程度", 9), ("栏目", 14), ("问题描述", 40), ("网址", 36), ("最新信息日期", 12),
    ("超期天数", 8), ("依据", 30), ("整改要求", 30), ("整改时限", 12), ("首次发现", 12),
    ("状态", 10),
)
SUMMARY_COLUMNS = (
    ("序号", 6), ("网站名称", 22), ("网站标识码", 14), ("主办单位", 18), ("网址", 30),
    ("结论", 10), ("得分", 8), ("单项否决", 9), ("扣分", 7), ("提示", 7), ("待整改合计", 10),
    ("本次新发现", 10), ("本次已整改", 10), ("近7天访问失败率", 14), ("结论说明", 40),
    ("首页不可用链接", 9), ("其他不可用链接", 9),
)


def sheet_names(names: list[str]) -> list[str]:
    """Excel-legal, unique sheet names (≤31 chars, no []:*?/\\, not a reserved sheet)."""
    used = {n.lower() for n in RESERVED_SHEETS}
    out = []
    for i, name in enumerate(names, 1):
        base = SHEET_FORBIDDEN.sub("_", name or "").strip().strip("'") or f"网站{i}"
        candidate, n = base[:MAX_SHEET_NAME], 2
        while candidate.lower() in used:
            suffix = f"({n})"
            candidate = base[:MAX_SHEET_NAME - len(suffix)] + suffix
            n += 1
        used.add(candidate.lower())
        out.append(candidate)
    return out


class _Writer:
    """Typed cell writes: numbers as numbers, everything else as literal strings."""

    def __init__(self, wb: xlsxwriter.Workbook):
        self.wb = wb
        self.text = wb.add_format({"text_wrap": True, "valign": "top", "border": 1})
        self.num = wb.add_format({"valign": "top", "border": 1})
        self.link = wb.add_format({"font_color": "blue", "underline": 1, "valign": "top",
                                   "border": 1, "text_wrap": True})
        self.head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1,
                                   "text_wrap": True, "align": "center", "valign": "vcenter"})
        self.title = wb.add_format({"bold": True, "font_size": 14})
        self.banner = wb.add_format({"bold": True, "font_size": 13, "font_color": "#FFFFFF",
                                     "bg_color": "#C00000"})
        self.note = wb.add_format({"italic": True, "font_color": "#555555"})
        self.bold = wb.add_format({"bold": True, "border": 1})
        self.sev = {s: wb.add_format({"border": 1, "valign": "top", "bold": s == "veto",
                                      "font_color": c})
                    for s, c in (("veto", "#C00000"), ("deduct", "#C65911"), ("warn", "#7F7F7F"))}

    def cell(self, ws, r: int, c: int, value, fmt=None) -> None:
        fmt = fmt or self.text
        if value is None or value == "":
            ws.write_blank(r, c, None, fmt)
        elif isinstance(value, bool):
            ws.write_string(r, c, "是" if value else "否", fmt)
        elif isinstance(value, (int, float)):
            ws.write_number(r, c, value, self.num if fmt is self.text else fmt)
        else:
            ws.write_string(r, c, str(value)[:MAX_CELL], fmt)

    def url(self, ws, r: int, c: int, url, label=None) -> None:
        target = http_url(url)
        shown = str(label or url or "")[:MAX_CELL]
        if target and len(target) <= MAX_URL and ws.write_url(r, c, target, self.link,
                                                              string=shown) >= 0:
            return
        self.cell(ws, r, c, shown)

    def header(self, ws, row: int, columns, widths: bool = True) -> None:
        for c, (name, width) in enumerate(columns):
            ws.write_string(row, c, name, self.head)
            if widths:
                ws.set_column(c, c, width)


def _title(w: _Writer, ws, text: str, model: dict, width: int) -> int:
    """Title row, then the incomplete-run banner when needed; returns the next free row."""
    ws.write_string(0, 0, text, w.title)
    row = 1
    if not model["run"]["complete"]:
        ws.merge_range(row, 0, row, max(width - 1, 1), INCOMPLETE_BANNER, w.banner)
        row += 1
    return row


def _page_setup(ws, header_row: int, ncols: int) -> None:
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row)
    ws.freeze_panes(header_row + 1, 0)


def _summary(w: _Writer, model: dict) -> None:
    ws = w.wb.add_worksheet("汇总")
    run = model["run"]
    row = _title(w, ws, f"政务公开巡检整改清单（截至 {run['as_of']}）", model, len(SUMMARY_COLUMNS))
    prev = model["previous_run_id"]
    started = f"巡检开始：{run['started_text']}；" if run["started_text"] else ""
    ws.write_string(row, 0, f"巡检批次：{run['id']}；上次完整批次：{prev if prev else '无'}；{started}"
                            f"生成时间：{model['generated_text']}{TIME_NOTE}", w.note)
    row += 2
    w.header(ws, row, SUMMARY_COLUMNS)
    head = row
    for i, s in enumerate(model["sites"], 1):
        row += 1
        cnt, av = s["counts"], s["availability"]
        values = [i, s["name"], s["code"], s["owner"]]
        for c, v in enumerate(values):
            w.cell(ws, row, c, v)
        w.url(ws, row, 4, s["url"])
        rest = [s["verdict"], s["score"], *[cnt["by_severity"][k] for k in SEVERITY_ORDER],
                cnt["active"], cnt["new"], cnt["resolved"],
                percent(av["ratio"]) if av["count"] else "无探测记录", s["verdict_reason"],
                *link_counts(s)]
        for c, v in enumerate(rest, 5):
            w.cell(ws, row, c, v)
    t = model["totals"]
    row += 1
    w.cell(ws, row, 1, "合计", w.bold)
    for c, v in enumerate([*[t["by_severity"][k] for k in SEVERITY_ORDER], t["active"], t["new"],
                           t["resolved"]], 7):
        w.cell(ws, row, c, v, w.bold)
    ws.autofilter(head, 0, max(head, row - 1), len(SUMMARY_COLUMNS) - 1)
    _page_setup(ws, head, len(SUMMARY_COLUMNS))


def link_counts(s: dict) -> tuple:
    """首页 and other (站外 included) broken links of a site; "未检查" when its links were not checked."""
    links = s["links"]
    if not links["checked"]:
        return "未检查", "未检查"
    return links["home"], links["inner"] + links["external"]


def _site_sheet(w: _Writer, model: dict, s: dict, name: str) -> None:
    """Header in row 1 so the sheet filters and sorts as a plain table; the title goes in the
    printed page header instead."""
    ws = w.wb.add_worksheet(name)
    title = f"{s['name']} 整改清单（截至 {model['run']['as_of']}）"
    if not model["run"]["complete"]:
        title += f" {INCOMPLETE_BANNER}"
    ws.set_header(f'&C&"-,Bold"{title.replace("&", "&&")}'[:255])
    ws.set_footer("&C第 &P 页，共 &N 页")
    row = 0
    w.header(ws, row, SITE_COLUMNS)
    head = row
    for i, f in enumerate(s["findings"], 1):
        row += 1
        values = [i, s["name"], s["code"], s["owner"], f["title"], f["severity_label"],
                  f["column"], f["message"], None, f["newest_date"], f["overdue_days"],
                  f["basis"], f["remedy"], f["deadline"], f["first_seen"], f["status_label"]]
        for c, v in enumerate(values):
            if c == 5:
                w.cell(ws, row, c, v, w.sev.get(f["severity"]))
            elif c == 8:
                w.url(ws, row, c, f["url"])
            else:
                w.cell(ws, row, c, v)
    if not s["findings"]:
        row += 1
        ws.write_string(row, 0, "本次未发现问题", w.note)
    ws.autofilter(head, 0, max(head, row if s["findings"] else head), len(SITE_COLUMNS) - 1)
    _page_setup(ws, head, len(SITE_COLUMNS))


SEEN_COLUMNS = (
    ("网站", 18), ("层级", 8), ("栏目名称", 32), ("类别", 14), ("类型", 9), ("状态", 12),
    ("信息条数", 9), ("已读页数/总页数", 11), ("最新日期", 12), ("发现方式", 12), ("命名依据", 12),
    ("链接", 42),
)
SEEN_LINK = len(SEEN_COLUMNS) - 1   # the last column holds the links of all three tables
MAX_INDENT = 15                      # Excel's deepest indent


def _span(w: _Writer, ws, row: int, first: int, last: int, value, fmt=None) -> None:
    """One text across merged cells (written as a string: page text never becomes a formula)."""
    fmt = fmt or w.text
    ws.merge_range(row, first, row, last, "", fmt)
    w.cell(ws, row, first, value, fmt)


def _seen_tree(w: _Writer, ws, row: int, s: dict, indents: dict) -> int:
    """A site's coverage line, then its column tree (names indented by depth)."""
    seen = s["seen"]
    row += 1
    _span(w, ws, row, 0, SEEN_LINK, f"{s['name']}：{seen['coverage']}", w.bold)
    for c in seen["columns"]:
        row += 1
        depth = min(c["depth"], MAX_INDENT)
        if depth not in indents:
            indents[depth] = w.wb.add_format({"text_wrap": True, "valign": "top", "border": 1,
                                              "indent": depth})
        values = [s["name"], c["level"], c["name"], c["category_label"], c["role_label"],
                  c["status_text"], c["items_count"], c["pages"], c["newest_date"],
                  c["source_label"], c["named_by_label"]]
        for col, v in enumerate(values):
            w.cell(ws, row, col, v, indents[depth] if col == 2 else None)
        w.url(ws, row, SEEN_LINK, c["url"])
    return row


def _seen_entrances(w: _Writer, ws, row: int, model: dict) -> int:
    row += 2
    ws.write_string(row, 0, "站外入口（政务服务、信箱、12345热线、信访、投诉、找错）", w.title)
    row += 1
    for col, name in enumerate(("网站", "入口类型", "入口名称", "识别方式")):
        ws.write_string(row, col, name, w.head)
    _span(w, ws, row, 4, SEEN_LINK - 1, "所在页面", w.head)
    ws.write_string(row, SEEN_LINK, "链接", w.head)
    for s in model["sites"]:
        seen = s["seen"]
        if not seen["entrances"]:
            row += 1
            w.cell(ws, row, 0, s["name"])
            _span(w, ws, row, 1, SEEN_LINK, seen["entrances_absent"], w.note)
        for e in seen["entrances"]:
            row += 1
            for col, v in enumerate((s["name"], e["kind_label"], e["name"], e["how_label"])):
                w.cell(ws, row, col, v)
            _span(w, ws, row, 4, SEEN_LINK - 1, e["found_on"])
            w.url(ws, row, SEEN_LINK, e["url"])
    return row


def _seen_failed(w: _Writer, ws, row: int, model: dict) -> int:
    failed = [(s, f) for s in model["sites"] for f in s["seen"]["failed_pages"]]
    if not failed:
        return row
    row += 2
    ws.write_string(row, 0, f"无法读取的页面（{len(failed)}个）", w.title)
    row += 1
    ws.write_string(row, 0, "网站", w.head)
    _span(w, ws, row, 1, SEEN_LINK - 1, "原因", w.head)
    ws.write_string(row, SEEN_LINK, "网址", w.head)
    for s, f in failed:
        row += 1
        w.cell(ws, row, 0, s["name"])
        _span(w, ws, row, 1, SEEN_LINK - 1, f["error"])
        w.url(ws, row, SEEN_LINK, f["url"])
    return row


def _seen(w: _Writer, model: dict) -> None:
    """栏目清单: per site its coverage line and column tree, then the off-site entrances and the
    pages the walk could not read."""
    ws = w.wb.add_worksheet("栏目清单")
    row = _title(w, ws, "栏目清单（巡检发现的栏目、抓取范围与站外入口）", model, len(SEEN_COLUMNS))
    ws.write_string(row, 0, f"抓取批次：{model['crawl_run_id'] or '无'}；栏目名称按栏目树缩进", w.note)
    row += 2
    w.header(ws, row, SEEN_COLUMNS)
    head, indents = row, {}
    for s in model["sites"]:
        row = _seen_tree(w, ws, row, s, indents)
    row = _seen_entrances(w, ws, row, model)
    _seen_failed(w, ws, row, model)
    _page_setup(ws, head, len(SEEN_COLUMNS))


def _disclosure(w: _Writer, model: dict) -> None:
    ws = w.wb.add_worksheet("公开统计")
    cols = [("网站名称", 22), ("栏目", 20), ("年份", 8), ("全年条数", 10)] + \
           [(f"{m}月", 6) for m in range(1, 13)]
    row = _title(w, ws, "信息公开统计（按栏目、年份、月份统计已采集的信息条目）", model, len(cols))
    w.header(ws, row, cols)
    head = row
    for s in model["sites"]:
        mon = s["monthly"]
        for col in mon["columns"]:
            for year in sorted(col["years"]):
                row += 1
                values = [s["name"], col["name"], year, col["years"][year]] + \
                         [col["months"].get(f"{year}-{m:02d}", 0) for m in range(1, 13)]
                for c, v in enumerate(values):
                    w.cell(ws, row, c, v)
        for year, total in sorted(mon.get("year_totals", {}).items()):
            row += 1
            w.cell(ws, row, 0, s["name"], w.bold)
            w.cell(ws, row, 1, f"合计：{year}年主动公开政府信息{total}条", w.bold)
            w.cell(ws, row, 2, year, w.bold)
            w.cell(ws, row, 3, total, w.bold)
    ws.autofilter(head, 0, max(head, row), len(cols) - 1)
    _page_setup(ws, head, len(cols))


BOARD_COLUMNS = (("网站名称", 20), ("留言板", 18), ("网址", 30), ("统计期间", 22), ("收到", 7),
                 ("已答复", 7), ("答复率", 9), ("平均答复用时(工作日)", 11), ("90%答复用时(工作日)", 11),
                 ("答复时限(工作日)", 10), ("超期未答复", 9), ("逾期答复", 9))


def _boards(w: _Writer, model: dict) -> None:
    ws = w.wb.add_worksheet("留言办理")
    row = _title(w, ws, "留言办理统计", model, len(BOARD_COLUMNS))
    w.header(ws, row, BOARD_COLUMNS)
    head = row
    letters = []
    for s in model["sites"]:
        for b in s["boards"]:
            fig = board_figures(b["stats"])
            row += 1
            for c, v in enumerate([s["name"], b["board"] or b["board_key"]]):
                w.cell(ws, row, c, v)
            w.url(ws, row, 2, b["url"])
            for c, v in enumerate([fig["period"], fig["received"], fig["answered"],
                                   percent(fig["reply_rate"]), fig["avg_days"], fig["p90_days"],
                                   fig["deadline_days"], fig["overdue"], fig["late"]], 3):
                w.cell(ws, row, c, v)
            letters.extend((s, b, letter) for letter in fig["letters"])
    ws.autofilter(head, 0, max(head, row), len(BOARD_COLUMNS) - 1)
    row += 2
    ws.write_string(row, 0, f"超期及逾期答复留言（{len(letters)}件）", w.title)
    row += 1
    # The letter table shares the statistics table's column widths.
    w.header(ws, row, [(h, 0) for h in ("网站名称", "留言板", "编号", "标题", "提交日期", "答复日期",
                                        "已用工作日", "类型", "状态")], widths=False)
    for s, b, letter in letters:
        row += 1
        w.cell(ws, row, 0, s["name"])
        w.cell(ws, row, 1, b["board"] or b["board_key"])
        w.cell(ws, row, 2, letter.get("number"))
        w.url(ws, row, 3, letter.get("url"), letter.get("title") or letter.get("url"))
        w.cell(ws, row, 4, letter.get("submitted"))
        w.cell(ws, row, 5, letter.get("replied"))
        w.cell(ws, row, 6, letter.get("days"))
        w.cell(ws, row, 7, letter["kind"])
        w.cell(ws, row, 8, letter.get("status_text") or letter.get("status"))
    _page_setup(ws, head, len(BOARD_COLUMNS))


def _scores(w: _Writer, model: dict) -> None:
    ws = w.wb.add_worksheet("评分")
    row = _title(w, ws, "评分明细", model, 6)
    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, 22)
    ws.set_column(2, 4, 9)
    ws.set_column(5, 5, 60)
    for s in model["sites"]:
        row += 1
        score = "" if s["score"] is None else s["score"]
        ws.write_string(row, 0, f"{s['name']}：结论 {s['verdict'] or '未评定'}，得分 {score}"
                                f"（{s['rubric'] or '无评分细则'}）", w.title)
        if s["verdict_reason"]:
            row += 1
            ws.write_string(row, 0, s["verdict_reason"], w.note)
        view = scorecard_view(s["scorecard"])
        for line in ([view["title"]] if view["title"] else []) + view["summary"]:
            row += 1
            ws.write_string(row, 0, line, w.note)
        if not view["rows"]:
            row += 1
            ws.write_string(row, 0, "无评分明细", w.note)
            row += 1
            continue
        row += 1
        for c, h in enumerate(view["headers"]):
            ws.write_string(row, c, h, w.head)
        for r in view["rows"]:
            row += 1
            for c, h in enumerate(view["headers"]):
                w.cell(ws, row, c, r[h])
        row += 1
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)


@report_format("xlsx", file="rectification.xlsx", label="整改清单", order=400)
def write_xlsx(model: dict, path: str | Path) -> Path:
    """A sheet per site; past `FLEET_SITES` sites, one 整改清单 sheet (reports/xlsx_fleet.py)."""
    path = Path(path)
    if is_fleet(model):
        from reports.xlsx_fleet import write_fleet_xlsx  # it builds on this module's sheets
        return write_fleet_xlsx(model, path)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False,
                                         "strings_to_urls": False, "strings_to_numbers": False})
    try:
        w = _Writer(wb)
        _summary(w, model)
        notcrawled.sheet(w, model)
        for s, name in zip(model["sites"], sheet_names([s["name"] for s in model["sites"]]), strict=False):
            _site_sheet(w, model, s, name)
        _seen(w, model)
        from reports.xlsx_links import links_sheet  # it builds on this module's writer
        links_sheet(w, model, model["sites"])
        _disclosure(w, model)
        _boards(w, model)
        _scores(w, model)
    finally:
        wb.close()
    return path
