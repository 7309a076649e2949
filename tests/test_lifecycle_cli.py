"""Findings over time and the CLI around them: ignore marks survive runs, `check` re-judges
stored data under another rubric without crawling, `daily` runs stay within their request budget,
`report --since-last` shows what changed."""
from __future__ import annotations

import json
import sqlite3
from datetime import date

import pytest
from openpyxl import load_workbook

from crawler.cli import main, run_demo
from crawler.store import Store

pytestmark = pytest.mark.slow   # real demo runs

AS_OF = date(2026, 11, 27)


def _findings(out):
    data = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    return {(s["id"], f["code"], f["column"] or None): f for s in data["sites"] for f in s["findings"]}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    base = tmp_path_factory.mktemp("life")
    db = str(base / "g.db")
    run_demo(str(base / "r1"), as_of=AS_OF, variant=0, db=db, quiet=True, progress=False)
    return base, db


def test_ignored_mark_survives_next_run_and_shows_in_reports(demo_db, capsys):
    base, db = demo_db
    first = _findings(base / "r1")
    target = first[("qingxi-county", "COLUMN_STALE", "人事信息")]
    assert main(["mark", "--db", db, target["fingerprint"], "ignored",
                 "--reason", "该栏目已整合至人才招聘专栏", "--by", "县政务公开办"]) == 0
    run_demo(str(base / "r2"), as_of=AS_OF, variant=0, db=db, quiet=True, progress=False)
    second = _findings(base / "r2")
    f = second[("qingxi-county", "COLUMN_STALE", "人事信息")]
    assert f["status"] == "ignored"
    assert f["first_seen"] == target["first_seen"]
    others = [v for k, v in second.items() if k[1] != "COLUMN_STALE" or k[2] != "人事信息"]
    assert others and all(v["status"] == "open" for v in others)
    wb = load_workbook(base / "r2" / "rectification.xlsx")
    texts = {c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c}
    assert "已确认忽略" in texts
    html = (base / "r2" / "report.html").read_text(encoding="utf-8")
    assert "已确认忽略" in html


def test_check_rejudges_under_another_rubric_without_crawling(demo_db, capsys):
    _, db = demo_db
    con = sqlite3.connect(db)
    fetches_before = con.execute("select count(*) from fetches").fetchone()[0]
    run_id = con.execute("select max(run_id) from columns").fetchone()[0]
    gb = con.execute("select score, rubric from site_results where run_id = ? and site_id = ?",
                     [run_id, "qingxi-county"]).fetchone()
    con.close()
    assert gb[1] == "gb2019" and gb[0] is not None
    assert main(["check", "--db", db, "--rubric", "province-example"]) == 0
    assert "qingxi-county" in capsys.readouterr().out
    con = sqlite3.connect(db)
    prov = con.execute("select score, rubric from site_results where run_id = ? and site_id = ?",
                       [run_id, "qingxi-county"]).fetchone()
    assert con.execute("select count(*) from fetches").fetchone()[0] == fetches_before
    assert prov[1] == "province-example"
    assert prov[0] is not None


def test_check_with_bad_rubric_exits_2(demo_db, tmp_path, capsys):
    _, db = demo_db
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nindicators: [1, 2\n", encoding="utf-8")
    assert main(["check", "--db", db, "--rubric", str(bad)]) == 2
    assert "bad.yaml" in capsys.readouterr().err


def test_daily_run_costs_at_most_columns_boards_plus_five(demo_db):
    base, db = demo_db
    run_demo(str(base / "daily"), as_of=AS_OF, variant=0, db=db, quiet=True, progress=False,
             mode="daily")
    store = Store(db)
    try:
        daily = store.latest_run()
        assert daily["mode"] == "daily"
        sweep = store.db.execute("select max(id) from runs where mode = 'sweep' and complete = 1").fetchone()[0]
        known = store.db.execute(
            "select count(distinct key) from columns where run_id = ? and site_id = ? and "
            "role in ('list','board','static') and key != '__home__'", [sweep, "qingxi-county"]).fetchone()[0]
        # the content checks' new articles and attachments are read besides (crawler/content), outside the bound
        requests = store.db.execute("select count(*) from fetches where run_id = ? and site_id = ? "
                                    "and kind not in ('article', 'attachment')",
                                    [daily["id"], "qingxi-county"]).fetchone()[0]
        sweep_requests = store.db.execute("select count(*) from fetches where run_id = ? and site_id = ?",
                                          [sweep, "qingxi-county"]).fetchone()[0]
    finally:
        store.close()
    assert requests <= known + 5
    assert requests < sweep_requests
    # the daily run still sees the first-page problems
    f = _findings(base / "daily")
    assert ("qingxi-county", "COLUMN_STALE", "部门动态") in f
    assert ("qingxi-county", "HOME_STALE", None) in f


def test_report_since_last_prints_digest(demo_db, capsys):
    _, db = demo_db
    assert main(["report", "--db", db, "--since-last"]) == 0
    out = capsys.readouterr().out
    assert "青溪县人民政府" in out


def test_rules_lists_every_code(capsys):
    assert main(["rules", "--markdown"]) == 0
    out = capsys.readouterr().out
    for code in ("HOME_STALE", "COLUMN_STALE", "COLUMN_BLANK", "COLUMN_MISSING", "ENQUIRY_UNANSWERED",
                 "ENQUIRY_LATE", "ENQUIRY_VETO", "ANNUAL_REPORT_MISSING", "COLUMN_LOW_VOLUME",
                 "FUTURE_DATE", "EXTRACTION_FAILED", "SITE_UNREACHABLE", "NO_ENQUIRY_CHANNEL"):
        assert code in out
