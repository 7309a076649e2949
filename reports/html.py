"""report.html: one self-contained page (inline CSS, JS and SVG) an office can e-mail or archive.

Autoescape is on and page-derived strings are never marked safe; links are emitted only for http(s)
URLs; the JSON the filter script reads goes through `|tojson`, which escapes `</script>`.
"""
from __future__ import annotations

from pathlib import Path

import jinja2

from reports.charts import freshness_bars, trend_line
from reports.labels import (
    EVIDENCE_LABELS,
    INCOMPLETE_BANNER,
    MODE_LABELS,
    SEVERITY_LABELS,
    SEVERITY_ORDER,
    STATUS_LABELS,
    STATUS_ORDER,
    TIME_NOTE,
)
from reports.model import AVAILABILITY_DAYS
from reports.registry import report_format
from reports.safe import http_url
from reports.tables import board_figures, percent, scorecard_view

TEMPLATES = Path(__file__).parent / "templates"


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True)
    env.filters["http_url"] = http_url
    env.globals.update(freshness=freshness_bars, trend_line=trend_line, percent=percent,
                       board_figures=board_figures, scorecard_view=scorecard_view)
    return env


def render_html(model: dict) -> str:
    run = model["run"]
    data = {"run": run["id"], "as_of": run["as_of"], "complete": run["complete"],
            "findings": model["totals"]["findings"],
            "sites": [{"id": s["id"], "name": s["name"], "verdict": s["verdict"]}
                      for s in model["sites"]]}
    return _environment().get_template("report.html.j2").render(
        run=run, previous_run_id=model["previous_run_id"], generated_text=model["generated_text"],
        sites=model["sites"], totals=model["totals"], trend=trend_line(model["trend"]),
        data=data, incomplete_banner=INCOMPLETE_BANNER, time_note=TIME_NOTE,
        mode_label=MODE_LABELS.get(run["mode"], run["mode"]),
        severity_order=SEVERITY_ORDER, severity_labels=SEVERITY_LABELS,
        status_order=STATUS_ORDER, status_labels=STATUS_LABELS,
        availability_days=AVAILABILITY_DAYS, evidence_labels=EVIDENCE_LABELS)


@report_format("html", file="report.html", label="网页报告", order=500)
def write_html(model: dict, path: str | Path) -> Path:
    path = Path(path)
    path.write_text(render_html(model), encoding="utf-8")
    return path
