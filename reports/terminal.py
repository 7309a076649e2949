"""The rich terminal summary printed at the end of `govwatch run` / `govwatch report`."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from reports.labels import INCOMPLETE_BANNER, SEVERITY_LABELS, SEVERITY_ORDER

VERDICT_STYLES = {"合格": "green", "不合格": "bold red", "无法判定": "yellow"}


def print_summary(model: dict, console: Console | None = None) -> None:
    """Per site: verdict, score, open findings by severity, new and resolved since last run."""
    console = console or Console()
    run, t = model["run"], model["totals"]
    if not run["complete"]:
        console.print(Text(f" {INCOMPLETE_BANNER} ", style="bold white on red"))
    table = Table(title=f"政务公开巡检结果（截至 {run['as_of']}，批次 {run['id']}）")
    table.add_column("网站")
    table.add_column("结论")
    table.add_column("得分", justify="right")
    for k in SEVERITY_ORDER:
        table.add_column(SEVERITY_LABELS[k], justify="right")
    for head in ("新发现", "已整改"):
        table.add_column(head, justify="right")
    for s in model["sites"]:
        c = s["counts"]
        verdict = s["verdict"] or "未评定"
        table.add_row(Text(s["name"]), Text(verdict, style=VERDICT_STYLES.get(verdict, "")),
                      "" if s["score"] is None else str(s["score"]),
                      *(str(c["by_severity"][k]) for k in SEVERITY_ORDER),
                      str(c["new"]), str(c["resolved"]))
    table.add_row(Text("合计", style="bold"), "", "",
                  *(str(t["by_severity"][k]) for k in SEVERITY_ORDER), str(t["new"]),
                  str(t["resolved"]))
    console.print(table)
    prev = model["previous_run_id"]
    console.print(Text(f"共 {t['sites']} 个网站，待整改问题 {t['active']} 个；"
                       + (f"对比上次完整批次 {prev}。" if prev else "无上次完整批次可对比。")))
