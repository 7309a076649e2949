"""What govwatch prints on a terminal: the summary at the end of `govwatch run` / `govwatch report`,
and the column tree of `govwatch columns`."""
from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from reports.fleet import FLEET_SITES, is_fleet, worst_first
from reports.labels import INCOMPLETE_BANNER, SEVERITY_LABELS, SEVERITY_ORDER, started_phrase

VERDICT_STYLES = {"合格": "green", "不合格": "bold red", "无法判定": "yellow"}
COLUMN_STATUS_STYLES = {"failed": "red", "exempt": "yellow"}
# Piped or redirected output is never wrapped or cut: one line per line, whatever COLUMNS says.
UNWRAPPED_WIDTH = 1_000_000


def print_summary(model: dict, console: Console | None = None) -> None:
    """Per site: verdict, score, open findings by severity, new and resolved since last run. A
    province run (reports/fleet.py) shows its worst sites only: the rest are in report.html."""
    console = console or Console()
    run, t = model["run"], model["totals"]
    if not run["complete"]:
        console.print(Text(f" {INCOMPLETE_BANNER} ", style="bold white on red"))
    missed = run.get("not_crawled") or []
    if missed:
        console.print(Text(f"未完成抓取的网站 {len(missed)} 个：" + "；".join(
            f"{m['name']}（{m['reason']}）" for m in missed[:10]) + ("……" if len(missed) > 10 else ""),
            style="yellow"))
    title = f"政务公开巡检结果（截至 {run['as_of']}，批次 {run['id']}）"
    sites = model["sites"]
    if is_fleet(model):
        sites = worst_first(sites)[:FLEET_SITES]
        title += f"：最差的 {len(sites)} 个网站，全部 {t['sites']} 个见 report.html"
    table = Table(title=title)
    table.add_column("网站")
    table.add_column("结论")
    table.add_column("得分", justify="right")
    for k in SEVERITY_ORDER:
        table.add_column(SEVERITY_LABELS[k], justify="right")
    for head in ("新发现", "已整改"):
        table.add_column(head, justify="right")
    for s in sites:
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
                       + (f"对比上次完整批次 {prev}。" if prev else "无上次完整批次可对比。")
                       + started_phrase(run["started"], "本批次")))
    checked = [s["links"] for s in model["sites"] if s.get("links", {}).get("checked")]
    if checked:
        home, other = sum(v["home"] for v in checked), sum(v["inner"] + v["external"] for v in checked)
        console.print(Text(f"链接可用性：首页不可用链接 {home} 个，其他页面 {other} 个"
                           f"（{len(checked)} 个网站检查了链接；明细：govwatch links --db …）"))


def print_split(written: list[tuple[Path, str, list[dict]]], by: str,
                console: Console | None = None) -> None:
    """Each per-group 整改清单 `reports.split.write_split` wrote: file, group, sites, findings."""
    console = console or Console()
    what = "主办单位" if by == "owner" else "所属地区"
    folder = written[0][0].parent if written else ""
    console.print(Text(f"按{what}拆分的整改清单（{len(written)} 个文件，{folder}）：", style="bold"))
    for path, _, sites in written:
        findings = sum(len(s["findings"]) for s in sites)
        console.print(Text(f"  {path.name}：{len(sites)} 个网站，{findings} 条问题"))


def columns_console() -> Console:
    """The terminal's own width on a terminal; anything else gets lines as long as they are."""
    console = Console()
    return console if console.is_terminal else Console(width=UNWRAPPED_WIDTH)


def _column_label(row: dict) -> Text:
    """Two lines per column: what it is and what was read; then where it is and how it was known."""
    text = Text()
    text.append(row["name"], style="bold")
    if row["category_label"]:
        text.append(f"【{row['category_label']}】")
    text.append(f" {row['role_label']} · ")
    text.append(row["status_text"], style=COLUMN_STATUS_STYLES.get(row["status"], ""))
    facts = []
    if row["level"] is not None:
        facts.append(f"第 {row['level']} 层")
    if row["items_count"] is not None:
        facts.append(f"信息 {row['items_count']} 条")
    if row["pages"]:
        facts.append(f"已读/总页数 {row['pages']}")
    if row["newest_date"]:
        facts.append(f"最新 {row['newest_date']}")
    text.append("".join(f" · {f}" for f in facts))
    text.append(f"\n{row['url']}  发现：{row['source_label']} · 命名：{row['named_by_label']}",
                style="dim")
    return text


def print_columns(run: dict, sites: list[tuple[dict, dict]], console: Console | None = None) -> None:
    """Per site (a sites row with what `reports.model.seen_view` gathered): coverage, the column
    tree, the pages that could not be read, the off-site entrances."""
    console = console or columns_console()
    head = f"巡检批次 {run['id']}（截至 {run.get('as_of') or ''}）发现的栏目" + \
        started_phrase(run.get("started"), "，巡检")
    console.print(Text(head + ("；该批次未完成" if not run.get("complete") else ""), style="bold"))
    for site, seen in sites:
        console.print()
        code = f" 网站标识码 {site['code']}" if site.get("code") else ""
        console.print(Text(f"{site['name']}（{site['id']}）{code} {site.get('url') or ''}",
                           style="bold"))
        console.print(Text(seen["coverage"]))
        tree = Tree(Text(f"栏目（{len(seen['columns'])} 个）" if seen["columns"] else "未发现栏目"))
        path = [tree]   # the node at each depth: rows come parent first
        for row in seen["columns"]:
            del path[row["depth"] + 1:]
            path.append(path[-1].add(_column_label(row)))
        console.print(tree)
        if seen["failed_pages"]:
            console.print(Text(f"无法读取的页面（{len(seen['failed_pages'])} 个）："))
            for f in seen["failed_pages"]:
                console.print(Text(f"  {f['url']}" + (f"  {f['error']}" if f["error"] else "")))
        if not seen["entrances"]:
            console.print(Text(f"站外入口：{seen['entrances_absent']}"))
        else:
            console.print(Text(f"站外入口（{len(seen['entrances'])} 个）："))
            for e in seen["entrances"]:
                console.print(Text(f"  {e['kind_label']}：{e['name'] or '（无名称）'} {e['url']}"
                                   f"  所在页面 {e['found_on'] or '未记录'} · 识别：{e['how_label']}"))
