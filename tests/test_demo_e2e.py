"""End to end: the real spider over HTTP against the demo site, a real SQLite file, real reports.

The planted problems (crawler/demo/planted.yaml) are the truth; the run must report exactly those,
and nothing on the healthy columns (fresh, static, aliased, exempt)."""
from __future__ import annotations

import json
from collections import Counter
from datetime import date

import pytest
from openpyxl import load_workbook

from crawler.cli import run_demo
from crawler.demo.site import load_planted
from crawler.store import Store

pytestmark = pytest.mark.slow   # real demo runs

AS_OF = date(2026, 11, 27)


def _keys(findings, statuses=("new", "open", "ignored", "accepted")):
    return Counter((f["site"], f["code"], f["column"] or None) for f in findings
                   if f["status"] in statuses)


def _json_findings(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for s in data["sites"]:
        for f in s["findings"]:
            out.append(dict(f, site=s["id"]))
    return data, out


def _planted(variant, part="findings"):
    return Counter((p["site"], p["code"], p.get("column"))
                   for p in load_planted(variant).get(part, []))


@pytest.fixture(scope="module")
def demo_runs(tmp_path_factory):
    """Three runs on one database: variant 0, variant 0 again, then the fixed variant 1."""
    base = tmp_path_factory.mktemp("demo")
    db = str(base / "govwatch.db")
    outs = []
    for i, variant in enumerate((0, 0, 1)):
        out = base / f"run{i + 1}"
        run_demo(str(out), as_of=AS_OF, variant=variant, db=db, quiet=True, progress=False)
        outs.append(out)
    return db, outs


def test_first_run_reports_exactly_the_planted_problems(demo_runs):
    _, outs = demo_runs
    data, findings = _json_findings(outs[0] / "findings.json")
    assert data["as_of"] == AS_OF.isoformat()
    assert _keys(findings) == _planted(0)
    assert all(f["status"] == "new" for f in findings)
    # evidence carries the dates the rule judged from
    stale = {f["column"]: f for f in findings if f["code"] == "COLUMN_STALE"}
    assert stale["部门动态"]["evidence"]["days"] == 30
    assert stale["部门动态"]["evidence"]["limit_days"] == 14
    assert stale["部门动态"]["evidence"]["newest_date"] == "2026-10-28"


def test_unreachable_site_gets_only_site_unreachable(demo_runs):
    _, outs = demo_runs
    _, findings = _json_findings(outs[0] / "findings.json")
    water = [f for f in findings if f["site"] == "qingxi-water"]
    assert [f["code"] for f in water] == ["SITE_UNREACHABLE"]


def test_healthy_columns_have_no_findings(demo_runs):
    db, outs = demo_runs
    _, findings = _json_findings(outs[0] / "findings.json")
    flagged = {f["column"] for f in findings}
    store = Store(db)
    try:
        cols = store.judged_columns(1, "qingxi-county")
    finally:
        store.close()
    by_name = {c["name"]: c for c in cols}
    # fresh lists of each template family, static pages, aliased and exempt columns exist and are clean
    for name in ("政务要闻", "解读回应", "公示公告", "财政预决算", "机构职能", "政府信息公开指南",
                 "重大建设项目", "规范性文件"):
        assert name in by_name, f"column {name} was not discovered"
        assert name not in flagged
    assert by_name["机构职能"]["role"] == "static"
    assert by_name["重大建设项目"]["status"] == "exempt"
    assert by_name["解读回应"]["method"].startswith("hanweb")
    assert by_name["财政预决算"]["method"].startswith("jiyuehua")
    assert by_name["人事信息"]["newest_date"]  # the GBK section was read
    # every page of every list was read: where the CMS states a total, all of it was stored
    totals = [c for c in cols if c["role"] == "list" and c["item_count"]]
    assert totals and by_name["解读回应"]["item_count"] == 40
    for c in totals:
        assert c["counted_items"] == c["item_count"], c["name"]
    # pages read per column are recorded (部门动态 has 3 TRS pages)
    assert by_name["部门动态"]["pages_read"] == by_name["部门动态"]["pages_total"] == 3


def test_second_run_keeps_findings_open(demo_runs):
    _, outs = demo_runs
    _, first = _json_findings(outs[0] / "findings.json")
    _, second = _json_findings(outs[1] / "findings.json")
    assert _keys(second) == _planted(0)
    assert all(f["status"] == "open" for f in second)
    firsts = {f["fingerprint"]: f["first_seen"] for f in first}
    assert all(firsts[f["fingerprint"]] == f["first_seen"] for f in second)


def test_fixed_site_resolves_and_shows_new_problems(demo_runs):
    _, outs = demo_runs
    _, third = _json_findings(outs[2] / "findings.json")
    assert _keys(third) == _planted(1)
    assert _keys(third, ("resolved",)) == _planted(1, "resolved")
    assert _keys(third, ("new",)) == _planted(1, "new")


def test_rectification_xlsx_reopens_with_headers(demo_runs):
    _, outs = demo_runs
    wb = load_workbook(outs[0] / "rectification.xlsx")
    _, findings = _json_findings(outs[0] / "findings.json")
    headers_needed = ["序号", "网站名称", "问题类型", "栏目", "问题描述", "网址", "最新信息日期",
                      "超期天数", "依据", "整改要求"]
    site_sheets = [ws for ws in wb.worksheets if ws.max_row > 1 and
                   all(h in [c.value for c in ws[1]] for h in headers_needed)]
    assert site_sheets, [ws.title for ws in wb.worksheets]
    described = set()
    for ws in site_sheets:
        head = [c.value for c in ws[1]]
        col = head.index("问题描述")
        described |= {row[col] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert {f["message"] for f in findings} <= described


def test_html_report_written(demo_runs):
    _, outs = demo_runs
    html = (outs[0] / "report.html").read_text(encoding="utf-8")
    assert "青溪县人民政府" in html and "部门动态" in html


def _digest_section(text: str, heading: str) -> list[str]:
    out, inside = [], False
    for line in text.splitlines():
        if line.startswith("### "):
            inside = line[4:].strip() == heading
        elif line.startswith("## "):
            inside = False
        elif inside and line.startswith("- "):
            out.append(line)
    return out


def test_digest_shows_exactly_what_changed(demo_runs):
    _, outs = demo_runs
    text = (outs[2] / "digest.md").read_text(encoding="utf-8")
    new, resolved = _digest_section(text, "新发现"), _digest_section(text, "已整改")
    assert len(new) == sum(_planted(1, "new").values())
    assert len(resolved) == sum(_planted(1, "resolved").values())
    for (_, _code, column) in _planted(1, "new"):
        assert any(f"· {column}：" in line for line in new), (column, new)
    for (_, _code, column) in _planted(1, "resolved"):
        assert any(f"· {column}：" in line for line in resolved), (column, resolved)
    # the run before (no change) has nothing new and nothing resolved
    quiet = (outs[1] / "digest.md").read_text(encoding="utf-8")
    assert not _digest_section(quiet, "新发现") and not _digest_section(quiet, "已整改")


def test_entrances_on_other_hosts_and_the_widget_count(demo_runs):
    """The demo's 找错 widget, its 政务服务网 image strip and its 书记信箱 on a letters host are stored as
    the county's entrances without being fetched, and the walk that found them is recorded."""
    db, _ = demo_runs
    store = Store(db)
    try:
        run = store.latest_run()
        got = {(e["kind"], e["how"]) for e in store.entrances(run["id"], "qingxi-county")}
        # the walk's pages: articles and attachments read for the content checks are not walked
        fetched = {f["url"] for f in store.fetches(run["id"], "qingxi-county")
                   if f["kind"] not in ("article", "attachment")}
        walk = store.walk(run["id"], "qingxi-county")
    finally:
        store.close()
    assert {("correction", "widget"), ("service", "image"), ("mailbox", "image")} <= got
    assert not [u for u in fetched if "zjzwfw" in u or "xinxiang.qingxi" in u]
    assert walk["complete"] == 1 and walk["pages"] == len(fetched)


def test_no_full_personal_number_in_any_output(demo_runs):
    """The planted ID number is reported masked, and neither it nor any other full number the
    pages carry is in any file the runs wrote: reports, the database (texts decompressed too)."""
    import zlib
    from pathlib import Path

    from crawler.content.personal import find
    from crawler.demo.content import leaked_id

    db, outs = demo_runs
    number = leaked_id()
    _, findings = _json_findings(outs[0] / "findings.json")
    (leak,) = [f for f in findings if f["code"] == "PRIVACY_LEAK"]
    assert number[:3] + "*" * 11 + number[-4:] in leak["message"]
    files = [p for out in outs for p in Path(out).rglob("*") if p.is_file()]
    files += [Path(db + suffix) for suffix in ("", "-wal") if Path(db + suffix).exists()]
    assert any(p.name == "rectification.xlsx" for p in files) and any(p.suffix == ".db" for p in files)
    for path in files:
        data = path.read_bytes()
        assert number.encode() not in data, path
        if path.suffix == ".xlsx":   # zipped XML: read each part
            import zipfile
            with zipfile.ZipFile(path) as z:
                assert not any(number.encode() in z.read(n) for n in z.namelist()), path
    store = Store(db)
    try:
        bodies = [zlib.decompress(b).decode("utf-8") for (b,) in
                  store.db.execute("select body from page_texts where body is not null")]
    finally:
        store.close()
    assert bodies and not any(number in text or find(text) for text in bodies)


def test_content_findings_say_where_and_what(demo_runs):
    _, outs = demo_runs
    _, findings = _json_findings(outs[0] / "findings.json")
    by_code = {f["code"]: f for f in findings if f["site"] == "qingxi-county"}
    wording = by_code["CONTENT_WORDING"]
    assert wording["message"].startswith("疑似") and "国土资源局" in wording["message"]
    assert wording["evidence"]["position"]["paragraph"] >= 1 and "国土资源局" in wording["evidence"]["excerpt"]
    assert by_code["HIDDEN_LINK"]["severity"] == "veto" and "left:-9999px" in by_code["HIDDEN_LINK"]["evidence"]["excerpt"]
    # the historical mention in the next article, the masked and the invalid numbers are not reported
    assert sum(f["code"] == "CONTENT_WORDING" for f in findings) == 1
    assert by_code["PRIVACY_LEAK"]["evidence"]["count"] == 1
