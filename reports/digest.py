"""What changed since the previous run: the Markdown digest (also the notification body) and its
terminal form for `govwatch report --since-last`.

"New" and "resolved" are the statuses the finding lifecycle wrote; the digest only lists them.
"""
from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from reports import notcrawled
from reports.labels import INCOMPLETE_BANNER, SEVERITY_LABELS, SEVERITY_ORDER, started_phrase
from reports.registry import report_format
from reports.safe import md_text, md_url


def _site_heading(s: dict) -> str:
    score = s["score"]
    score = "" if score is None else f"，{score:g}分" if isinstance(score, (int, float)) \
        else f"，{score}分"
    return f"{s['name']}（{s['verdict'] or '未评定'}{score}）"


def _changes(s: dict) -> tuple[list[dict], list[dict]]:
    return ([f for f in s["findings"] if f["status"] == "new"],
            [f for f in s["findings"] if f["status"] == "resolved"])


def _md_finding(f: dict) -> str:
    where = f" · {md_text(f['column'])}" if f["column"] else ""
    link = f" [查看]({md_url(f['url'])})" if md_url(f["url"]) else ""
    return f"- 【{f['severity_label']}】{md_text(f['title'])}{where}：{md_text(f['message'])}{link}"


def digest_markdown(model: dict) -> str:
    run, t = model["run"], model["totals"]
    lines = [f"# 政务公开巡检摘要（截至 {run['as_of']}）", ""]
    if not run["complete"]:
        lines += [f"> **{INCOMPLETE_BANNER}**", ""]
    lines += notcrawled.markdown(model)
    prev = model["previous_run_id"]
    lines.append(f"巡检批次 {run['id']}{started_phrase(run['started'], '，')}，"
                 + (f"对比上次完整批次 {prev}。" if prev else "首次完整巡检，无上次结果可对比。"))
    verdicts = "，".join(f"{md_text(v)} {n} 个" for v, n in t["verdicts"].items())
    sev = "，".join(f"{SEVERITY_LABELS[k]} {t['by_severity'][k]}" for k in SEVERITY_ORDER)
    lines += [f"共 {t['sites']} 个网站（{verdicts}）。新发现 {t['new']} 个问题，已整改 {t['resolved']} 个，"
              f"待整改 {t['active']} 个（{sev}）。", ""]
    for s in model["sites"]:
        new, resolved = _changes(s)
        lines.append(f"## {md_text(_site_heading(s))}")
        lines.append(f"新发现 {len(new)} 个，已整改 {len(resolved)} 个，待整改 {s['counts']['active']} 个。")
        for label, rows in (("新发现", new), ("已整改", resolved)):
            if rows:
                lines += ["", f"### {label}", *(_md_finding(f) for f in rows)]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


@report_format("md", file="digest.md", label="变化摘要", order=300)
def write_digest_md(model: dict, path: str | Path) -> Path:
    path = Path(path)
    path.write_text(digest_markdown(model), encoding="utf-8")
    return path


def _banner(console: Console, model: dict) -> None:
    if not model["run"]["complete"]:
        console.print(Text(f" {INCOMPLETE_BANNER} ", style="bold white on red"))


def print_digest(model: dict, console: Console | None = None) -> None:
    console = console or Console()
    run = model["run"]
    _banner(console, model)
    prev = model["previous_run_id"]
    console.print(Text(f"巡检批次 {run['id']}（截至 {run['as_of']}{started_phrase(run['started'], '，')}）与上次完整批次 "
                       f"{prev if prev else '（无）'} 相比：", style="bold"))
    for s in model["sites"]:
        new, resolved = _changes(s)
        console.print(Text(f"{_site_heading(s)}：新发现 {len(new)} 个，已整改 {len(resolved)} 个",
                           style="bold"))
        if not (new or resolved):
            continue
        table = Table(show_lines=False)
        for head in ("变化", "严重程度", "问题类型", "栏目", "问题描述"):
            table.add_column(head)
        for label, rows, style in (("新发现", new, "yellow"), ("已整改", resolved, "green")):
            for f in rows:
                table.add_row(Text(label, style=style), Text(f["severity_label"]), Text(f["title"]),
                              Text(f["column"] or ""), Text(f["message"] or ""))
        console.print(table)
