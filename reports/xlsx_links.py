"""The 链接可用性 sheet of rectification.xlsx: every broken link once, where it is (首页 / 其他页面 /
站外), why, and the pages that carry it — in both layouts (a county's workbook and a province's,
which adds 主办单位 and 所属地区 so the sheet filters to one office).

Why its own sheet: an office fixes links in bulk (a template, a moved attachment folder), and the
count of each kind is what the indicators deduct for; in the 整改清单 each link is also a row.
"""
from __future__ import annotations

from reports.links import summary_text
from reports.xlsx import _page_setup, _title, _Writer

LINK_COLUMNS = (  # header, width
    ("网站名称", 20), ("位置", 9), ("链接地址", 40), ("链接文字", 16), ("类型", 8), ("原因", 18),
    ("状态码", 7), ("详细说明", 36), ("含此链接的页面数", 9), ("所在页面（前几个）", 40), ("首次发现", 12),
    ("严重程度", 9), ("状态", 9),
)
FLEET_COLUMNS = (("主办单位", 18), ("所属地区", 12))
FOUND_ON_SHOWN = 3


def links_sheet(w: _Writer, model: dict, sites: list[dict], *, fleet: bool = False) -> None:
    columns = LINK_COLUMNS[:1] + (FLEET_COLUMNS if fleet else ()) + LINK_COLUMNS[1:]
    url_col = [name for name, _ in columns].index("链接地址")
    sev_col = [name for name, _ in columns].index("严重程度")
    ws = w.wb.add_worksheet("链接可用性")
    totals = {k: sum(s["links"][k] for s in sites) for k in ("home", "inner", "external", "links", "unverified")}
    row = _title(w, ws, f"链接可用性（不可用链接：首页{totals['home']}个，其他页面{totals['inner']}个，"
                        f"站外{totals['external']}个）", model, len(columns))
    ws.write_string(row, 0, f"已检查链接{totals['links']}个，无法核实{totals['unverified']}个（被防护设备拦截、"
                            "请求过于频繁等，不计为不可用）；同一链接不论出现在多少个页面只列一次；"
                            "隔一段时间复查仍失败的才列入", w.note)
    row += 2
    w.header(ws, row, columns)
    head = row
    for s in sites:
        where = (s["name"], *((s["owner"], s["region"]) if fleet else ()))
        for r in s["links"]["rows"]:
            row += 1
            shown = r["found_on"][:FOUND_ON_SHOWN]
            more = f" 等{r['pages']}个页面" if r["pages"] > len(shown) else ""
            values = (*where, r["where"], None, r["text"], r["kind"], r["reason"], r["status"], r["error"],
                      r["pages"], "\n".join(shown) + more, r["first_seen"], r["severity_label"],
                      r["status_label"])
            for c, v in enumerate(values):
                if c == url_col:
                    w.url(ws, row, c, r["url"])
                elif c == sev_col:
                    w.cell(ws, row, c, v, w.sev.get(r["severity"]))
                else:
                    w.cell(ws, row, c, v)
    ws.autofilter(head, 0, max(head, row), len(columns) - 1)
    # sites whose links were not checked, or with notes (budget), said under the table
    notes = [f"{s['name']}：{summary_text(s['links'])}" + (f"；{s['links']['note']}" if s["links"]["note"] else "")
             for s in sites if not s["links"]["checked"] or s["links"]["note"]]
    if notes:
        row += 1
    for text in notes:
        row += 1
        ws.write_string(row, 0, text, w.note)
    if not any(s["links"]["rows"] for s in sites):
        ws.write_string(row + 1, 0, "本次未发现不可用链接", w.note)
    _page_setup(ws, head, len(columns))
