"""report.html: one self-contained page (inline CSS, JS and SVG) an office can e-mail or archive; for
a province run (reports/fleet.py) an overview of the sites and a page per site in sites/.

Autoescape is on and page-derived strings are never marked safe; links are emitted only for http(s)
URLs; the JSON the filter script reads goes through `|tojson`, which escapes `</script>`.
"""
from __future__ import annotations

import multiprocessing
from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from reports.charts import freshness_bars, trend_line
from reports.fleet import DETAIL_DIR, detail_pages, is_fleet
from reports.html_rows import column_tree_rows, evidence_item, freshness_bar_groups, url_link
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
from reports.model import AVAILABILITY_DAYS, totals
from reports.overview import overview_view
from reports.registry import report_format
from reports.safe import http_url
from reports.tables import board_figures, percent, scorecard_view

TEMPLATES = Path(__file__).parent / "templates"


class _Environment(jinja2.Environment):
    """Looks a name up in a dict first: every object the template reads is a plain dict, and
    Jinja's attribute-then-item lookup raised and caught an AttributeError for each of them (a
    province's detail pages read a few million)."""

    def getattr(self, obj, attribute):
        if type(obj) is dict and attribute not in DICT_METHODS:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


DICT_METHODS = frozenset(dir(dict))


def unlabelled(evidence: dict) -> list[tuple]:
    """The evidence without a label (shown under 更多), by key as Jinja's `dictsort` orders them."""
    return sorted(((k, v) for k, v in evidence.items() if k not in EVIDENCE_LABELS),
                  key=lambda kv: kv[0].lower() if isinstance(kv[0], str) else kv[0])


NUM_CELL = '<td class="num">%d</td>'


def count_cells(counts: dict[str, int], keys: list[str]) -> Markup:
    """A row's item counts (by year or month) as number cells, 0 where none, in one call: a
    province's pages have 900,000 of them."""
    return Markup("".join([NUM_CELL % counts.get(k, 0) for k in keys]))  # noqa: S704 - integers only (%d)


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = _Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True)
    env.filters.update(http_url=http_url, count_cells=count_cells)
    env.globals.update(url_link=url_link, unlabelled=unlabelled, column_tree_rows=column_tree_rows,
                       freshness_bar_groups=freshness_bar_groups, evidence_item=evidence_item, freshness=freshness_bars, trend_line=trend_line, percent=percent,
                       board_figures=board_figures, scorecard_view=scorecard_view)
    return env


def _page_values(model: dict) -> dict:
    """What every page's header and cards read."""
    run = model["run"]
    return dict(run=run, previous_run_id=model["previous_run_id"],
                generated_text=model["generated_text"], totals=model["totals"],
                trend=trend_line(model["trend"]), incomplete_banner=INCOMPLETE_BANNER,
                time_note=TIME_NOTE, mode_label=MODE_LABELS.get(run["mode"], run["mode"]),
                severity_order=SEVERITY_ORDER, severity_labels=SEVERITY_LABELS)


def render_html(model: dict, *, overview_href: str | None = None) -> str:
    """The report of every site of the model on one page; `overview_href` makes it one site's
    page of a province run, linking back to the overview."""
    run = model["run"]
    data = {"run": run["id"], "as_of": run["as_of"], "complete": run["complete"],
            "findings": model["totals"]["findings"],
            "sites": [{"id": s["id"], "name": s["name"], "verdict": s["verdict"]}
                      for s in model["sites"]]}
    return _environment().get_template("report.html.j2").render(
        _page_values(model), sites=model["sites"], data=data, overview_href=overview_href,
        status_order=STATUS_ORDER, status_labels=STATUS_LABELS,
        availability_days=AVAILABILITY_DAYS, evidence_labels=EVIDENCE_LABELS)


def render_site_page(model: dict, site: dict, overview_href: str) -> str:
    """One site's page of a province run: the single-site report, its cards that site's figures
    (the run's trend is of every site: the page shows the site's own)."""
    return render_html(dict(model, sites=[site], totals=totals([site]), trend=[]),
                       overview_href=overview_href)


def render_overview(model: dict) -> str:
    return _environment().get_template("overview.html.j2").render(
        _page_values(model), view=overview_view(model))


class FleetPages:
    """A province run's report.html: the overview, and a page per site under sites/ beside it.

    The pages are most of the work, and can be shared: each `work()` (in the parent, and in a
    forked child that started from the same object, reports/forked.py) renders the pages it takes
    from a counter in shared memory until none are left, so whichever process is free renders
    the next page."""

    def __init__(self, model: dict, path: Path):
        self.model, self.path = model, Path(path)
        self.pages = detail_pages(model["sites"])
        self.next = multiprocessing.Value("l", 0)   # shared with a child forked after this

    def _take(self) -> int | None:
        with self.next.get_lock():
            i = self.next.value
            if i >= len(self.model["sites"]):
                return None
            self.next.value = i + 1
            return i

    def work(self) -> None:
        (self.path.parent / DETAIL_DIR).mkdir(parents=True, exist_ok=True)
        back = "../" + self.path.name
        while (i := self._take()) is not None:
            site = self.model["sites"][i]
            (self.path.parent / self.pages[site["id"]]).write_text(
                render_site_page(self.model, site, back), encoding="utf-8")

    def finish(self) -> Path:
        self.path.write_text(render_overview(self.model), encoding="utf-8")
        return self.path


@report_format("html", file="report.html", label="网页报告", order=500)
def write_html(model: dict, path: str | Path) -> Path:
    """One page of every site; past `FLEET_SITES` sites, an overview and a page per site."""
    path = Path(path)
    if is_fleet(model):
        pages = FleetPages(model, path)
        pages.work()
        return pages.finish()
    path.write_text(render_html(model), encoding="utf-8")
    return path
