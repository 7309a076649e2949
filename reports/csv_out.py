"""findings.csv: one row per finding, for offices that open everything in Excel or WPS."""
from __future__ import annotations

import csv
from pathlib import Path

from reports.registry import report_format
from reports.safe import csv_cell

HEADERS = ("网站标识", "网站名称", "网站标识码", "规则代码", "问题类型", "严重程度", "状态", "栏目",
           "问题描述", "网址", "最新信息日期", "超期天数", "首次发现", "最近发现", "整改时限", "指纹")


def finding_rows(model: dict):
    for s in model["sites"]:
        for f in s["findings"]:
            yield (s["id"], s["name"], s["code"], f["code"], f["title"], f["severity_label"],
                   f["status_label"], f["column"], f["message"], f["url"], f["newest_date"],
                   "" if f["overdue_days"] is None else f["overdue_days"], f["first_seen"],
                   f["last_seen"], f["deadline"], f["fingerprint"])


@report_format("csv", file="findings.csv", label="问题清单", order=200)
def write_csv(model: dict, path: str | Path) -> Path:
    """utf-8-sig so Excel detects the encoding; formula-like cells prefixed with an apostrophe."""
    path = Path(path)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADERS)
        for row in finding_rows(model):
            w.writerow([csv_cell(v) for v in row])
    return path
