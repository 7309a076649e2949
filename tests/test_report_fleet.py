"""Reports of a province run (more than FLEET_SITES sites): report.html an overview with a page per
site, rectification.xlsx one filterable 整改清单, `--split-by` a workbook per owner or region.

The store is written row by row and judged by the real engine (tests/fleetstore.py); expectations
are read back from the store, never written down here.
"""
from __future__ import annotations

import os
import re
import sqlite3
import time
from collections import Counter
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from fleetstore import fleet_store
from test_report_html_chromium import CHROMIUM, console_lines, run_chromium

from crawler.cli import main
from reports import build_model, forked, html, write_all, write_model
from reports.fleet import FLEET_SITES, VERDICT_RANK, safe_file_name, unique_file_names

SITES = FLEET_SITES + 5
WINDOWS_FORBIDDEN = set('<>:"/\\|?*')


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    """A judged store of SITES sites and its reports, written as `govwatch report --split-by owner`."""
    base = tmp_path_factory.mktemp("fleet")
    store, run = fleet_store(base / "govwatch.db", sites=SITES)
    store.close()
    out = base / "out"
    assert main(["report", "--db", str(base / "govwatch.db"), "--out", str(out),
                 "--split-by", "owner"]) == 0
    return base / "govwatch.db", run, out


def _store_rows(db: Path):
    """Sites and findings as the store holds them (the truth every report is held to)."""
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    sites = {r["id"]: dict(r) for r in con.execute("select * from sites")}
    results = {r["site_id"]: dict(r) for r in con.execute("select * from site_results")}
    findings = [dict(r) for r in con.execute("select * from findings order by id")]
    con.close()
    return sites, results, findings


class _Rows(HTMLParser):
    """The overview's site rows: cell texts and the link of each."""

    def __init__(self):
        super().__init__()
        self.rows: list[dict] = []
        self._in_body = self._cell = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.rows.append({"cells": [], "href": None})
        elif tag == "td" and self._in_body:
            self.rows[-1]["cells"].append("")
            self._cell = True
        elif tag == "a" and self._in_body and self.rows:
            self.rows[-1]["href"] = attrs.get("href")

    def handle_endtag(self, tag):
        if tag == "tbody":
            self._in_body = False
        elif tag == "td":
            self._cell = False

    def handle_data(self, data):
        if self._cell:
            self.rows[-1]["cells"][-1] += data


def _overview_rows(out: Path) -> list[dict]:
    parser = _Rows()
    parser.feed((out / "report.html").read_text(encoding="utf-8"))
    return parser.rows


def test_overview_lists_every_site_worst_first_linking_to_its_page(fleet):
    db, _, out = fleet
    sites, results, _ = _store_rows(db)
    rows = _overview_rows(out)
    assert sorted(r["cells"][1] for r in rows) == sorted(s["name"] for s in sites.values())
    by_name = {s["name"]: sid for sid, s in sites.items()}
    order = [(VERDICT_RANK[results[by_name[r["cells"][1]]]["verdict"] or ""],
              results[by_name[r["cells"][1]]]["score"]) for r in rows]
    ranks = [rank for rank, _ in order]
    assert ranks == sorted(ranks)                        # 不合格, then 无法判定, then 合格
    assert len(set(ranks)) > 1                           # the store has more than one verdict
    for rank in set(ranks):                              # lowest score first (none lowest of all)
        scores = [score for r, score in order if r == rank]
        assert scores == sorted(scores, key=lambda s: (s is not None, s or 0))
    for r in rows:
        page = out / r["href"]
        assert page.is_file() and page.parent == out / "sites"
        assert page.name == f"{by_name[r['cells'][1]]}.html"
        assert r["cells"][2] == (sites[by_name[r["cells"][1]]]["owner"] or "（未填写）")
        assert r["cells"][3] == (sites[by_name[r["cells"][1]]]["region"] or "（未填写）")
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="f-region"' in html and 'id="f-owner"' in html and 'id="f-kind"' in html
    assert "http" not in html.split("<body")[0]          # no external stylesheet or script


def test_each_site_page_holds_its_own_findings(fleet):
    db, _, out = fleet
    sites, _, findings = _store_rows(db)
    for sid, site in sites.items():
        html = (out / "sites" / f"{sid}.html").read_text(encoding="utf-8")
        assert f"<h2>{site['name']}</h2>" in html
        assert html.count('<section class="site"') == 1
        assert 'href="../report.html"' in html
        mine = [f for f in findings if f["site_id"] == sid]
        assert html.count('<tr class="finding') == len(mine)
        text = unescape(html)
        assert all(f["message"] in text for f in mine)


def _sheet_rows(ws) -> list[dict]:
    rows = ws.iter_rows(values_only=True)
    header = next(rows)
    return [dict(zip(header, r, strict=True)) for r in rows if r[0] is not None]


def test_xlsx_is_one_filterable_rectification_sheet(fleet):
    db, _, out = fleet
    sites, _, findings = _store_rows(db)
    wb = openpyxl.load_workbook(out / "rectification.xlsx")
    assert "整改清单" in wb.sheetnames and "汇总" in wb.sheetnames and "评分" in wb.sheetnames
    assert not {s["name"][:31] for s in sites.values()} & set(wb.sheetnames)   # no sheet per site
    assert len(wb.sheetnames) < 10
    ws = wb["整改清单"]
    assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
    assert ws.freeze_panes == "A2"
    rows = _sheet_rows(ws)
    assert Counter((r["网站名称"], r["问题描述"]) for r in rows) == \
        Counter((sites[f["site_id"]]["name"], f["message"]) for f in findings)
    for r in rows:
        site = next(s for s in sites.values() if s["name"] == r["网站名称"])
        assert (r["主办单位"], r["所属地区"]) == (site["owner"], site["region"])
        assert r["网站类型"] in ("政府门户网站", "部门网站", "乡镇（街道）网站")
    summary = [r for r in wb["汇总"].iter_rows(values_only=True) if isinstance(r[0], int)]
    assert sorted(r[1] for r in summary) == sorted(s["name"] for s in sites.values())


def test_split_by_owner_gives_each_owner_exactly_its_findings(fleet):
    db, _, out = fleet
    sites, _, findings = _store_rows(db)
    folder = out / "按主办单位"
    files = sorted(folder.glob("*.xlsx"))
    owners = {s["owner"] for s in sites.values()}
    assert len(files) == len(owners)                     # None shares one file: 未填写主办单位
    assert (folder / "未填写主办单位.xlsx").is_file()
    for path in files:
        assert not WINDOWS_FORBIDDEN & set(path.stem)
        wb = openpyxl.load_workbook(path)
        assert wb.sheetnames == ["汇总", "整改清单"]
        listed = [r for r in wb["汇总"].iter_rows(values_only=True) if isinstance(r[0], int)]
        owner = {r[3] for r in listed}
        assert len(owner) == 1
        owner = owner.pop()
        mine = {sid for sid, s in sites.items() if s["owner"] == owner}
        assert {r[1] for r in listed} == {sites[sid]["name"] for sid in mine}
        rows = _sheet_rows(wb["整改清单"])
        assert Counter((r["网站名称"], r["问题描述"]) for r in rows) == \
            Counter((sites[f["site_id"]]["name"], f["message"]) for f in findings
                    if f["site_id"] in mine)


def test_split_prints_each_file(tmp_path, capsys):
    store, _ = fleet_store(tmp_path / "g.db", sites=SITES, judge=False)
    store.close()
    assert main(["report", "--db", str(tmp_path / "g.db"), "--out", str(tmp_path / "out"),
                 "--format", "json", "--split-by", "region"]) == 0
    printed = capsys.readouterr().out
    files = sorted((tmp_path / "out" / "按所属地区").glob("*.xlsx"))
    assert files and all(f.name in printed for f in files)
    assert "未填写所属地区.xlsx" in printed


def test_model_carries_owner_region_and_kind(fleet):
    db, run, _ = fleet
    sites, _, _ = _store_rows(db)
    from crawler.store import Store
    store = Store(db)
    try:
        model = build_model(store, run)
    finally:
        store.close()
    for s in model["sites"]:
        stored = sites[s["id"]]
        assert (s["owner"], s["region"], s["kind"]) == (stored["owner"] or "", stored["region"] or "",
                                                        stored["kind"])
        assert s["kind_label"] and s["kind_label"] != s["kind"]


@pytest.mark.parametrize("n, fleet_layout", [(1, False), (FLEET_SITES, False), (FLEET_SITES + 1, True)])
def test_layout_changes_only_past_the_threshold(tmp_path, n, fleet_layout):
    store, run = fleet_store(tmp_path / "t.db", sites=n)
    try:
        paths = write_all(store, run, tmp_path / "out", formats=("xlsx", "html"))
    finally:
        store.close()
    names = openpyxl.load_workbook(paths["xlsx"], read_only=True).sheetnames
    assert ("整改清单" in names) is fleet_layout
    assert (len(names) > n) is not fleet_layout                  # a sheet per site
    assert (tmp_path / "out" / "sites").exists() is fleet_layout
    html = paths["html"].read_text(encoding="utf-8")
    assert html.count('<section class="site"') == (0 if fleet_layout else n)


def test_pages_shared_with_a_child_that_fails_fail_the_report(tmp_path, monkeypatch):
    if not forked.CAN_FORK:
        pytest.skip("no fork here: the pages are written in-process")
    store, run = fleet_store(tmp_path / "f.db", sites=SITES, judge=False)
    try:
        model = build_model(store, run)
    finally:
        store.close()
    parent, render = os.getpid(), html.render_site_page

    def child_breaks(*args):
        if os.getpid() != parent:
            raise OSError("disk full")
        time.sleep(0.05)   # the parent slow: the child surely takes a page
        return render(*args)

    monkeypatch.setattr(html, "render_site_page", child_breaks)
    with pytest.raises(forked.ChildFailed):
        write_model(model, tmp_path / "out", formats=("json", "html"))
    assert (tmp_path / "out" / "findings.json").is_file()   # the parent's formats were written


def test_pages_shared_with_a_child_are_every_page_once(tmp_path):
    store, run = fleet_store(tmp_path / "p.db", sites=SITES, judge=False)
    try:
        model = build_model(store, run)
    finally:
        store.close()
    write_model(model, tmp_path / "out", formats=("json", "html"))
    pages = sorted(p.stem for p in (tmp_path / "out" / "sites").iterdir())
    assert pages == sorted(s["id"] for s in model["sites"])
    assert all(f'<h2>{s["name"]}</h2>' in (tmp_path / "out" / "sites" / f"{s['id']}.html").read_text(
        encoding="utf-8") for s in model["sites"])


def test_file_names_are_safe_and_unique_on_windows():
    names = unique_file_names(["青溪县交通运输局/公路段", "CON", "a:b", "A:B", "", "  ..", "x" * 200])
    assert len({n.lower() for n in names}) == len(names)
    for n in names:
        assert n and not WINDOWS_FORBIDDEN & set(n) and not n.endswith((".", " ")) and len(n) <= 90
        assert n.split(".")[0].lower() not in ("con", "prn", "aux", "nul")
    assert safe_file_name("青溪县交通运输局/公路段") == "青溪县交通运输局_公路段"


@pytest.fixture(scope="module")
def browser():
    """/usr/bin/chromium, as tests/test_report_html_chromium.py finds it (required on CI)."""
    if not CHROMIUM.exists():
        reason = "/usr/bin/chromium not installed (apt-get install -y chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    return CHROMIUM


VISIBLE_ROW = re.compile(r"<tr>(?:(?!</tr>).)*</tr>", re.S)


@pytest.mark.slow   # a headless browser
def test_overview_renders_and_filters_in_chromium(browser, fleet, tmp_path):
    db, _, out = fleet
    sites, _, _ = _store_rows(db)
    region = Counter(s["region"] for s in sites.values() if s["region"]).most_common(1)[0][0]
    proc = run_chromium(browser, tmp_path / "profile", "--dump-dom",
                        (out / "report.html").as_uri() + f"#region={region}")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert console_lines(proc.stderr) == []
    dom = proc.stdout
    assert 'data-ready="1"' in dom                       # the filter script ran to the end
    body = dom.split("<tbody>")[1].split("</tbody>")[0]
    shown = VISIBLE_ROW.findall(body)                    # hidden rows are <tr hidden="">
    expected = sum(s["region"] == region for s in sites.values())
    assert len(shown) == expected and 0 < expected < len(sites)
    assert f"显示 {expected} / {len(sites)} 个网站" in dom
    page = out / "sites" / f"{next(iter(sites))}.html"
    proc = run_chromium(browser, tmp_path / "profile", "--dump-dom", page.as_uri())
    assert console_lines(proc.stderr) == [] and 'data-ready="1"' in proc.stdout


@pytest.mark.slow
def test_overview_screenshot_is_not_blank(browser, fleet, tmp_path):
    _, _, out = fleet
    shot = tmp_path / "overview.png"
    proc = run_chromium(browser, tmp_path / "profile", "--window-size=1300,1600",
                        f"--screenshot={shot}", (out / "report.html").as_uri())
    assert shot.exists(), proc.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 30_000
