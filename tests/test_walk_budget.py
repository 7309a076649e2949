"""The sites file's `max_pages` is the walk's page budget (issue 13, settings that do nothing): a real
sweep of a loopback site with more pages than the budget fetches no more than the budget, and its
walk row says the budget was hit, so the walk is incomplete and no absence is asserted."""
from __future__ import annotations

import pytest
from test_discovery import HTML, _crawl, _list, _page

pytestmark = pytest.mark.slow   # real crawls of a loopback site

COLUMNS = [f"/lm{i:02d}/" for i in range(12)]
BUDGET = 5


def many_columns(method, path, query, form):
    """A homepage linking 12 list columns: 13 pages, more than the budget."""
    if path in ("/", "/index.html"):
        menu = "".join(f'<li><a href="{key}">工作动态{i}</a></li>' for i, key in enumerate(COLUMNS))
        return 200, HTML, ('<html><head><meta charset="utf-8"><title>测试县测试局</title></head><body>'
                           f'<div class="nav"><ul>{menu}</ul></div></body></html>').encode()
    if path in COLUMNS:
        name = f"工作动态{COLUMNS.index(path)}"
        return 200, HTML, _page(name, _list(name, path, [2, 5]), [(name, "")])
    return 404, HTML, b"<html><body>404</body></html>"


def test_max_pages_bounds_the_sweep(tmp_path):
    got = _crawl(tmp_path, many_columns, extra=f"    max_pages: {BUDGET}\n")
    # the walk's pages (articles read for the content checks are outside the page budget)
    fetched = [f for f in got["fetches"] if f["kind"] not in ("budget", "article", "attachment")]
    assert len(fetched) <= BUDGET, [f["url"] for f in fetched]
    walk = got["walk"]
    assert walk["pages"] <= BUDGET and walk["budget_hit"] > 0 and walk["complete"] == 0, walk
    assert f"页面预算（{BUDGET}页）已用尽" in walk["note"]
    missing = [f for f in got["findings"] if f["code"] == "COLUMN_MISSING"]
    assert missing and all(f["severity"] == "warn" and "待人工核实" in f["message"] for f in missing)


def test_the_same_site_within_the_default_budget_is_walked_whole(tmp_path):
    got = _crawl(tmp_path, many_columns)
    assert got["walk"]["budget_hit"] == 0 and got["walk"]["complete"] == 1, got["walk"]
    assert set(COLUMNS) <= set(got["columns"])
