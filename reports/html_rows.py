"""The rows of report.html's longest parts (the column tree, the freshness chart) and its evidence
lines, rendered in Python rather than in the template.

A province run renders a page per site (reports/fleet.py), each with 50–60 columns in both and a
few evidence lines per finding: as template loops and macro calls they were about half of a page's
time (Jinja spends some 15 µs on each row's dozen lookups, escapes and tests, and 8 µs entering a
macro), and the pages are most of `govwatch report`'s time. The markup is the template's as it
was, byte for byte (tests/test_reports.py, tests/test_report_fleet.py); every value taken from a
page goes through `escape`, numbers are the checks' own.
"""
from __future__ import annotations

from collections.abc import Mapping

from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape

from reports.safe import http_url

# Jinja's truncate(14, true, "…") with its default leeway of 5: a name up to 19 characters is kept
NAME_LENGTH, NAME_LEEWAY, ELLIPSIS = 14, 5, "…"


def url_link(url) -> Markup:
    """A page-derived URL as a link when it is http(s), else as text."""
    target = http_url(url)
    if target:
        return Markup(f'<a href="{escape(target)}" rel="noopener noreferrer">{escape(url)}</a>')  # noqa: S704 - escaped
    return escape(url)


def _blank_if_none(value):
    return "" if value is None else value


def column_tree_rows(columns: list[dict]) -> Markup:
    """<tr> per row of `reports.columns.tree_rows`: name indented by depth, then level, category,
    type, status, items, pages, newest date, how found, how named, link."""
    out = []
    for c in columns:
        depth = c["depth"]
        out.append(
            f'<tr class="col-{escape(c["status"])}" data-depth="{escape(depth)}">'
            f'<td style="padding-left:{escape(6 + depth * 18)}px">{"└ " if depth else ""}'
            f'{escape(c["name"])}</td><td class="num">{escape(_blank_if_none(c["level"]))}</td>\n'
            f'<td>{escape(c["category_label"])}</td><td class="nowrap">{escape(c["role_label"])}</td>'
            f'<td>{escape(c["status_text"])}</td>'
            f'<td class="num">{escape(_blank_if_none(c["items_count"]))}</td>'
            f'<td class="num">{escape(c["pages"])}</td><td class="nowrap">{escape(c["newest_date"])}</td>\n'
            f'<td>{escape(c["source_label"])}</td><td>{escape(c["named_by_label"])}</td>'
            f'<td class="url">{url_link(c["url"])}</td></tr>\n')
    return Markup("".join(out))  # noqa: S704 - every value escaped above


def _short(name: str) -> str:
    return name if len(name) <= NAME_LENGTH + NAME_LEEWAY else name[:NAME_LENGTH - len(ELLIPSIS)] + ELLIPSIS


def freshness_bar_groups(bars: dict) -> Markup:
    """<g> per bar of `reports.charts.freshness_bars`: its title, name, bar, limit tick and days."""
    width, height = bars["label_width"], bars["bar_height"]
    out = []
    for b in bars["bars"]:
        y, days, limit = b["y"], b["days"], b["limit"]
        said = "无日期" if days is None else f"{escape(days)}天"
        out.append(
            f'<g><title>{escape(b["name"])}：{said}'
            f'{"" if limit is None else f"（时限{escape(limit)}天）"}</title>\n'
            f'<text x="{escape(width - 6)}" y="{escape(y + 13)}" text-anchor="end">'
            f'{escape(_short(b["name"]))}</text>\n'
            f'<rect class="{escape(b["cls"])}" x="{escape(width)}" y="{escape(y)}" '
            f'width="{escape(b["width"])}" height="{escape(height)}"></rect>\n')
        if b["limit_x"] is not None:
            out.append(f'<line class="limit" x1="{escape(b["limit_x"])}" x2="{escape(b["limit_x"])}" '
                       f'y1="{escape(y - 2)}" y2="{escape(y + height + 2)}"></line>')
        out.append(f'\n<text x="{escape(width + b["width"] + 6)}" y="{escape(y + 13)}">{said}'
                   f'{"" if limit is None else f" / {escape(limit)}天"}</text></g>\n')
    return Markup("".join(out))  # noqa: S704 - every value escaped above


def _iterable(value) -> bool:
    try:
        iter(value)
    except TypeError:
        return False
    return True


def evidence_item(label, value) -> Markup:
    """One evidence line of a finding: a link for an http(s) URL, else "label：value" (a mapping as
    JSON, a list joined by 、, a flag as 是/否); nothing for None."""
    if isinstance(value, str) and http_url(value):
        return Markup(f'<br><a href="{escape(http_url(value))}" rel="noopener noreferrer">{escape(label)}</a>')  # noqa: S704 - escaped
    if isinstance(value, Mapping):
        shown = htmlsafe_json_dumps(value, sort_keys=True)   # Jinja's |tojson
    elif _iterable(value) and not isinstance(value, str):
        shown = escape("、".join(map(str, value)))
    elif value is True or value is False:
        shown = "是" if value else "否"
    elif value is not None:
        shown = escape(value)
    else:
        return Markup("")
    return Markup(f'<br><span class="muted">{escape(label)}：{shown}</span>')  # noqa: S704 - escaped
