"""Reports over a real store: two complete runs (new/open/resolved, trend), hostile page text."""
from __future__ import annotations

import csv
import json
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from harness import store_with_site
from rich.console import Console

from checks import registry
from crawler.store import Store
from reports import build_model, labels, print_digest, print_summary, write_all
from reports.tables import scorecard_view
from reports.xlsx import sheet_names

FORMULA = '=HYPERLINK("http://x","y")'
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
EVIL_TITLE = "</script><script>document.title='pwned'</script>"
SITE_A = "qingxi-county"
SITE_B = "qingxi-nyj"
LONG_NAME = "青溪县农业农村局/林业局[试点]:政府信息公开专栏网站名称很长很长很长"


SCORECARD = {  # the shape checks/scoring.py writes
    "rubric": "gb2019", "title": "扣分指标（测试）", "base": 100.0, "pass_line": 60.0, "total": 74.5,
    "vetoed": True, "provisional": False, "summary": "存在单项否决问题，判定为不合格。",
    "sections": [{"id": "publish", "title": "发布解读", "points": 45.0, "score": 37.0}],
    "indicators": [
        {"id": "publish.overview", "title": "概况信息", "section": "publish", "points": 3.0,
         "deductions": [], "deducted": 0.0, "cap_applied": False, "score": 3.0, "assessed": False},
        {"id": "publish.dynamic", "title": "动态要闻", "section": "publish", "points": 6.0,
         "deductions": [{"code": "COLUMN_STALE", "count": 1, "per": 2.0, "amount": 2.0, "cap": None,
                         "capped": False}],
         "deducted": 2.0, "cap_applied": False, "score": 4.0, "assessed": True}],
}


def _finding(code, severity, column, url, message, evidence, status, first_seen, last_seen, fp):
    return {"code": code, "severity": severity, "column": column, "url": url, "message": message,
            "evidence": evidence, "status": status, "first_seen": first_seen,
            "last_seen": last_seen, "fingerprint": fp}


def make_store(path: Path, third_incomplete: bool = False) -> tuple[Store, int]:
    """Two complete runs as crawl + checks would write them; optionally a third, unfinished one."""
    store = Store(path / "govwatch.db")
    store.upsert_sites([
        {"id": SITE_A, "name": "青溪县人民政府", "url": "https://www.qingxi.gov.cn/",
         "kind": "county", "owner": "青溪县人民政府办公室", "code": "3311000001"},
        {"id": SITE_B, "name": LONG_NAME, "url": "https://nyj.qingxi.gov.cn/", "kind": "department",
         "owner": "青溪县农业农村局", "code": "3311000002"},
    ])
    stale_url = "https://www.qingxi.gov.cn/bmdt/index.html"
    blank_url = "https://www.qingxi.gov.cn/tzgg/index.html"
    runs = []
    for n, as_of in enumerate(("2026-11-20", "2026-11-27"), 1):
        run = store.start_run("run", as_of)
        runs.append(run)
        store.insert_batch("fetches", [{"run_id": run, "site_id": s, "url": u, "status": 200,
                                        "kind": "page", "fetched_at": as_of}
                                       for s, u in ((SITE_A, stale_url), (SITE_B, "https://nyj.qingxi.gov.cn/"))])
        store.insert_batch("columns", [
            {"run_id": run, "site_id": SITE_A, "key": "bmdt", "name": "部门动态", "url": stale_url,
             "level": 1, "role": "list", "method": "trs", "status": "ok", "item_count": 4,
             "newest_date": "2026-10-28"},
            {"run_id": run, "site_id": SITE_A, "key": "tzgg", "name": "通知公告", "url": blank_url,
             "level": 1, "role": "list", "method": "trs", "status": "ok",
             "item_count": 0 if n == 1 else 2, "newest_date": None if n == 1 else "2026-11-25"},
            {"run_id": run, "site_id": SITE_A, "key": "evil", "name": IMG, "url": "javascript:alert(1)",
             "level": 2, "role": "list", "method": "generic", "status": "ok", "item_count": 1,
             "newest_date": "2026-11-01"},
            {"run_id": run, "site_id": SITE_B, "key": "gzdt", "name": "工作动态",
             "url": "https://nyj.qingxi.gov.cn/gzdt/", "level": 1, "role": "list",
             "method": "generic", "status": "ok", "item_count": 1, "newest_date": "2026-11-20"},
        ])
        items = [
            {"column_key": "bmdt", "title": "部门动态一", "date": "2026-10-28"},
            {"column_key": "bmdt", "title": "部门动态二", "date": "2026-10-02"},
            {"column_key": "bmdt", "title": "部门动态三", "date": "2026-09-15"},
            {"column_key": "bmdt", "title": "去年的动态", "date": "2025-12-30"},
            {"column_key": "evil", "title": SCRIPT, "date": "2026-11-01"},
        ]
        if n == 2:
            items += [{"column_key": "tzgg", "title": "通知一", "date": "2026-11-25"},
                      {"column_key": "tzgg", "title": "通知二", "date": "2026-11-02"}]
        store.insert_batch("items", [dict(i, run_id=run, site_id=SITE_A,
                                          url=f"https://www.qingxi.gov.cn/{i['column_key']}/{k}.html",
                                          date_source="list", page_url=stale_url)
                                     for k, i in enumerate(items)])
        store.insert_batch("items", [{"run_id": run, "site_id": SITE_B, "column_key": "gzdt",
                                      "title": "农业动态", "url": "https://nyj.qingxi.gov.cn/gzdt/1.html",
                                      "date": "2026-11-20", "date_source": "list"}])
        a = [_finding("COLUMN_STALE", "veto", "部门动态", stale_url,
                      f"栏目“部门动态”已{16 + 7 * (n - 1)}天未更新（要求14天内）",
                      {"newest_date": "2026-10-28", "days": 16 + 7 * (n - 1), "limit_days": 14,
                       "column_key": "bmdt"},
                      "new" if n == 1 else "open", "2026-11-20", as_of, "fp-stale")]
        if n == 1:
            a.append(_finding("COLUMN_BLANK", "veto", "通知公告", blank_url, "栏目“通知公告”为空白栏目",
                              {}, "new", "2026-11-20", as_of, "fp-blank"))
        else:
            a += [
                _finding("COLUMN_BLANK", "veto", "通知公告", blank_url, "栏目“通知公告”为空白栏目",
                         {}, "resolved", "2026-11-20", "2026-11-20", "fp-blank"),
                _finding("LINK_BROKEN", "deduct", IMG, "javascript:alert(1)", FORMULA,
                         {"target": "https://www.qingxi.gov.cn/missing.html", "status": 404},
                         "new", as_of, as_of, "fp-evil"),
                _finding("UNKNOWN_CODE_X", "warn", None, None, f"{SCRIPT}{EVIL_TITLE}",
                         {"note": IMG}, "new", as_of, as_of, "fp-unknown"),
            ]
        store.replace_findings(run, SITE_A, a, result={
            "verdict": "不合格", "score": 72.5 + n, "rubric": "gb2019", "profile": "gb2019",
            "details": json.dumps({"verdict": {"verdict": "不合格", "reason": "存在单项否决问题：栏目不更新。"},
                                   "scorecard": SCORECARD,
                                   # the week's probe figures, as the checks record them
                                   "availability": {"count": 7, "failed": 1, "ratio": 1 / 7, "days": 7}},
                                  ensure_ascii=False)})
        store.replace_findings(run, SITE_B, [] if n == 1 else [
            _finding("ENQUIRY_OVERDUE", "deduct", "局长信箱", "https://nyj.qingxi.gov.cn/xx/1.html",
                     "留言“关于灌溉补贴”已超期未答复（22个工作日）",
                     {"submitted": "2026-10-20", "working_days": 22, "limit": 15},
                     "new", as_of, as_of, "fp-letter")],
            result={"verdict": "合格", "score": 91.0, "rubric": "gb2019", "profile": "gb2019",
                    "details": "{}"})
        store.insert_batch("board_stats", [{
            "run_id": run, "site_id": SITE_B, "board_key": "jzxx", "board": "局长信箱",
            "url": "https://nyj.qingxi.gov.cn/xx/",
            "stats": json.dumps({
                "received": 40, "answered": 38, "pending": 2, "answer_rate": 0.95,
                "median_workdays": 3, "mean_workdays": 4.2, "p90_workdays": 9,
                "deadline_workdays": 15, "period": ["2025-11-27", "2026-11-27"],
                "overdue": [{"number": "XX2026-0021", "title": f"关于灌溉补贴{SCRIPT}",
                             "url": "https://nyj.qingxi.gov.cn/xx/1.html", "submitted": "2026-10-20",
                             "replied": None, "status": "pending", "status_text": "待回复",
                             "workdays": 22}],
                "late": [{"number": "XX2026-0007", "title": "关于农机补贴申领",
                          "url": "javascript:alert(1)", "submitted": "2026-08-03",
                          "replied": "2026-09-10", "status": "answered", "status_text": "已回复",
                          "workdays": 27}]}, ensure_ascii=False)}])
        store.finish_run(run, complete=True)
    store.insert_batch("probes", [
        {"site_id": SITE_A, "url": "https://www.qingxi.gov.cn/", "at": f"2026-11-2{d}T09:00:00+08:00",
         "ok": int(d != 3), "status": 200 if d != 3 else 0, "elapsed": 0.4} for d in range(1, 8)])
    if third_incomplete:
        run = store.start_run("run", "2026-11-28")
        store.replace_findings(run, SITE_A, [_finding(
            "COLUMN_STALE", "veto", "部门动态", stale_url, "栏目“部门动态”已31天未更新（要求14天内）",
            {"newest_date": "2026-10-28", "days": 31, "limit_days": 14}, "open", "2026-11-20",
            "2026-11-28", "fp-stale")], result={"verdict": "无法判定", "score": None,
                                                 "rubric": "gb2019", "details": "{}"})
        store.finish_run(run, complete=False, note="网站无法访问")
        runs.append(run)
    return store, runs[-1]


def set_test_rule_texts(monkeypatch) -> None:
    """Fixed wording for COLUMN_STALE whatever the real registry says (shared by the report tests)."""
    labels._rules()   # builtins first, so our test wording is not overwritten by a late import
    monkeypatch.setitem(registry.RULES, "COLUMN_STALE", registry.Rule(
        "COLUMN_STALE", "栏目不更新", "国办发〔2017〕47号 附件", "veto", "及时更新栏目内容", 10))


@pytest.fixture
def rule_texts(monkeypatch):
    set_test_rule_texts(monkeypatch)


@pytest.fixture
def written(tmp_path, rule_texts):
    store, run = make_store(tmp_path)
    paths = write_all(store, run, tmp_path / "out")
    yield store, run, paths
    store.close()


def test_model_lifecycle_trend_and_stats(tmp_path, rule_texts):
    store, run = make_store(tmp_path)
    m = build_model(store, run)
    assert m["run"]["complete"] is True and m["previous_run_id"] == run - 1
    a = next(s for s in m["sites"] if s["id"] == SITE_A)
    assert [f["status"] for f in a["findings"]] == ["open", "resolved", "new", "new"]
    assert a["counts"]["new"] == 2 and a["counts"]["resolved"] == 1
    assert a["counts"]["by_severity"] == {"veto": 1, "deduct": 1, "warn": 1}
    assert a["trend"] == [(run - 1, "2026-11-20", 2), (run, "2026-11-27", 3)]
    stale = a["findings"][0]
    assert (stale["title"], stale["deadline"], stale["overdue_days"]) == ("栏目不更新", "2026-11-30", 9)
    assert a["findings"][3]["title"] == "UNKNOWN_CODE_X"   # missing from the registry
    cols = {c["key"]: c for c in a["columns"]}
    assert cols["bmdt"]["days_since"] == 30 and cols["bmdt"]["limit_days"] == 14
    assert cols["tzgg"]["limit_days"] is None
    assert a["availability"] == {"count": 7, "failed": 1, "ratio": 1 / 7, "days": 7}
    bmdt = next(c for c in a["monthly"]["columns"] if c["key"] == "bmdt")
    assert bmdt["years"] == {"2025": 1, "2026": 3} and bmdt["months"]["2026-10"] == 2
    assert a["monthly"]["year_totals"]["2026"] == 6
    assert a["scorecard"]["indicators"][1]["score"] == 4.0
    assert a["verdict_reason"] == "存在单项否决问题：栏目不更新。"
    b = next(s for s in m["sites"] if s["id"] == SITE_B)
    assert b["boards"][0]["stats"]["received"] == 40
    assert m["totals"]["new"] == 3 and m["totals"]["resolved"] == 1


def test_json_contract(written):
    _, run, paths = written
    data = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert data["run"] == run and data["complete"] is True and data["as_of"] == "2026-11-27"
    site = next(s for s in data["sites"] if s["id"] == SITE_A)
    assert (site["name"], site["verdict"], site["score"], site["rubric"]) == \
        ("青溪县人民政府", "不合格", 74.5, "gb2019")
    f = site["findings"][0]
    for key in ("code", "severity", "column", "url", "message", "evidence", "status",
                "first_seen", "fingerprint"):
        assert key in f
    assert f["evidence"] == {"newest_date": "2026-10-28", "days": 23, "limit_days": 14,
                             "column_key": "bmdt"}
    assert sum(len(s["findings"]) for s in data["sites"]) == 5
    unknown = site["findings"][3]
    assert unknown["column"] is None and unknown["url"] is None   # absent, not ""


def test_csv_utf8_sig_and_formula_neutralised(written):
    _, _, paths = written
    raw = paths["csv"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert len(rows) == 5
    evil = next(r for r in rows if r["指纹"] == "fp-evil")
    assert evil["问题描述"] == "'" + FORMULA
    assert evil["严重程度"] == "扣分" and evil["状态"] == "新发现"
    stale = next(r for r in rows if r["指纹"] == "fp-stale")
    assert stale["超期天数"] == "9" and stale["问题类型"] == "栏目不更新"


def test_xlsx_sheets_headers_findings_and_no_formulas(written):
    _, _, paths = written
    wb = openpyxl.load_workbook(paths["xlsx"])
    names = wb.sheetnames
    assert names[0] == "汇总" and {"公开统计", "留言办理", "评分"} <= set(names)
    long_sheet = sheet_names(["青溪县人民政府", LONG_NAME])[1]
    assert len(long_sheet) <= 31 and "/" not in long_sheet and "[" not in long_sheet
    assert long_sheet in names and "青溪县人民政府" in names

    ws = wb["青溪县人民政府"]
    header_row = 1   # a plain table: header in row 1, the title in the printed page header
    assert ws.cell(1, 1).value == "序号" and "青溪县人民政府 整改清单" in ws.oddHeader.center.text
    headers = [c.value for c in ws[header_row]]
    assert headers == ["序号", "网站名称", "网站标识码", "主办单位", "问题类型", "严重程度", "栏目",
                       "问题描述", "网址", "最新信息日期", "超期天数", "依据", "整改要求", "整改时限",
                       "首次发现", "状态"]
    assert ws.freeze_panes == f"A{header_row + 1}"
    assert ws.auto_filter.ref is not None
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize in (9, "9")
    assert ws.print_title_rows == f"${header_row}:${header_row}"
    rows = [[c for c in r] for r in ws.iter_rows(min_row=header_row + 1) if r[0].value]
    assert [r[15].value for r in rows] == ["未整改", "已整改", "新发现", "新发现"]
    assert rows[0][4].value == "栏目不更新" and rows[0][5].value == "单项否决"
    assert rows[0][8].hyperlink.target == "https://www.qingxi.gov.cn/bmdt/index.html"
    assert rows[0][10].value == 9 and rows[0][13].value == "2026-11-30"
    evil = rows[2]
    assert evil[7].value == FORMULA and evil[7].data_type == "s"
    assert evil[6].value == IMG and evil[8].hyperlink is None   # javascript: never a link
    for r in ws.iter_rows():
        for c in r:
            assert c.data_type != "f", (c.coordinate, c.value)

    other = wb[long_sheet]
    assert [r[7].value for r in other.iter_rows(min_row=header_row + 1) if r[0].value] == \
        ["留言“关于灌溉补贴”已超期未答复（22个工作日）"]

    summary = wb["汇总"]
    values = [[c.value for c in r] for r in summary.iter_rows()]
    site_row = next(v for v in values if v[1] == "青溪县人民政府")
    assert site_row[5:13] == ["不合格", 74.5, 1, 1, 1, 3, 2, 1]
    assert not any("本次巡检未完成" in str(v) for row in values for v in row)

    stats = [[c.value for c in r] for r in wb["公开统计"].iter_rows()]
    assert any(r[:4] == ["青溪县人民政府", "部门动态", "2026", 3] for r in stats)
    assert any(r[1] == "合计：2026年主动公开政府信息6条" for r in stats)

    boards = [[c.value for c in r] for r in wb["留言办理"].iter_rows()]
    assert any(r[1] == "局长信箱" and r[3:12] == ["2025-11-27 至 2026-11-27", 40, 38, "95.00%", 4.2,
                                               9, 15, 1, 1] for r in boards)
    letters = {r[2].value: r for r in wb["留言办理"].iter_rows() if r[2].value in ("XX2026-0021", "XX2026-0007")}
    assert letters["XX2026-0021"][3].value == f"关于灌溉补贴{SCRIPT}"
    assert letters["XX2026-0021"][3].hyperlink.target == "https://nyj.qingxi.gov.cn/xx/1.html"
    assert [c.value for c in letters["XX2026-0021"]][6:9] == [22, "超期未答复", "待回复"]
    assert letters["XX2026-0007"][3].hyperlink is None and letters["XX2026-0007"][7].value == "逾期答复"

    scores = [[c.value for c in r] for r in wb["评分"].iter_rows()]
    assert ["板块", "指标", "分值", "扣分", "得分", "扣分明细"] in scores
    assert ["发布解读", "动态要闻", 6, 2, 4, "栏目不更新1处，扣2分"] in scores
    assert ["发布解读", "概况信息", 3, 0, 3, "未自动检查，按满分计"] in scores
    assert any(r[0] == "存在单项否决问题：栏目不更新。" for r in scores)
    assert any(str(r[0]).startswith("总分 74.5 分（满分 100，合格线 60）") for r in scores)


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if tag == "script":
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def test_html_escapes_page_text_and_is_self_contained(written):
    _, _, paths = written
    html = paths["html"].read_text(encoding="utf-8")
    assert SCRIPT not in html and IMG not in html and "document.title='pwned'" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    p = _Collector()
    p.feed(html)
    tags = [t for t, _ in p.tags]
    assert "img" not in tags
    assert len(p.scripts) == 2   # the JSON data block and the filter script, nothing injected
    data = json.loads(p.scripts[0])
    assert data["findings"] == 5
    assert not any(a.get("src") for _, a in p.tags)
    hrefs = [a["href"] for t, a in p.tags if t == "a" and "href" in a]
    assert hrefs and all(h.startswith(("http://", "https://", "#")) for h in hrefs)
    assert not any(t == "link" for t in tags)
    assert tags.count("svg") >= 3   # overall trend, site trend, freshness bars
    assert "部门动态" in html and "30天 / 14天" in html
    assert "超期及逾期答复留言" in html and "XX2026-0021" in html and "95.00%" in html
    assert "栏目不更新1处，扣2分" in html and "存在单项否决问题：栏目不更新。" in html
    assert "本次巡检未完成" not in html


def test_incomplete_run_is_flagged_everywhere(tmp_path, rule_texts):
    store, run = make_store(tmp_path, third_incomplete=True)
    paths = write_all(store, run, tmp_path / "out")
    assert json.loads(paths["json"].read_text(encoding="utf-8"))["complete"] is False
    assert "本次巡检未完成，结果不完整" in paths["html"].read_text(encoding="utf-8")
    assert "本次巡检未完成，结果不完整" in paths["md"].read_text(encoding="utf-8")
    summary = openpyxl.load_workbook(paths["xlsx"])["汇总"]
    assert "本次巡检未完成，结果不完整" in [c.value for r in summary.iter_rows() for c in r]
    console = Console(record=True, width=140)
    print_summary(build_model(store, run), console)
    assert "本次巡检未完成，结果不完整" in console.export_text()
    store.close()


def test_digest_markdown_and_terminal(written):
    store, run, paths = written
    md = paths["md"].read_text(encoding="utf-8")
    assert md.startswith("# 政务公开巡检摘要（截至 2026-11-27）")
    assert "对比上次完整批次" in md and "### 新发现" in md and "### 已整改" in md
    assert "栏目“通知公告”为空白栏目" in md.split("### 已整改")[1]
    assert "\\<script\\>" in md and "<script>" not in md
    model = build_model(store, run)
    console = Console(record=True, width=160)
    print_digest(model, console)
    out = console.export_text()
    assert "新发现 2 个，已整改 1 个" in out and "栏目“通知公告”为空白栏目" in out
    assert SCRIPT in out   # shown literally, not parsed as rich markup
    console = Console(record=True, width=160)
    print_summary(model, console)
    out = console.export_text()
    assert "青溪县人民政府" in out and "不合格" in out and "74.5" in out


def test_write_all_rejects_unknown_format(tmp_path, rule_texts):
    store, run = make_store(tmp_path)
    with pytest.raises(ValueError, match="pdf"):
        write_all(store, run, tmp_path / "out", formats=("json", "pdf"))
    store.close()


def test_scorecard_view_generic_shapes():
    view = scorecard_view([{"item": "首页可用性", "max": 10, "score": 10, "ok": True}])
    assert view["headers"] == ["指标", "分值", "得分", "ok"]
    assert view["rows"] == [{"指标": "首页可用性", "分值": 10, "得分": 10, "ok": "是"}]
    assert scorecard_view({"链接可用性": 8})["rows"] == [{"指标": "链接可用性", "得分": 8}]
    assert scorecard_view(None)["rows"] == []


def test_sheet_names_unique_and_legal():
    names = sheet_names(["汇总", "a/b", "x" * 40, "x" * 40, "", "'quoted'"])
    assert names[0] != "汇总" and names[1] == "a_b"
    assert len(set(n.lower() for n in names)) == len(names)
    assert all(0 < len(n) <= 31 for n in names)
    assert names[5] == "quoted"


def test_empty_unfinished_run_still_writes_every_report(tmp_path):
    store = Store(tmp_path / "g.db")
    run = store.start_run("sweep", "2026-11-27")
    paths = write_all(store, run, tmp_path / "out")
    data = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert data["complete"] is False and data["sites"] == []
    assert "本次巡检未完成，结果不完整" in paths["html"].read_text(encoding="utf-8")
    assert openpyxl.load_workbook(paths["xlsx"]).sheetnames == ["汇总", "栏目清单", "链接可用性", "公开统计",
                                                                 "留言办理", "评分"]
    assert paths["csv"].read_text(encoding="utf-8-sig").count("\n") == 1   # header only
    store.close()


def test_carried_and_absence_evidence_labelled_and_unverified_badge(tmp_path, rule_texts):
    """A finding carried forward unread shows a 未复核 badge beside its status and its evidence in
    Chinese; an absence hint shows how much was walked."""
    store = store_with_site(tmp_path / "g.db", id=SITE_A, name="青溪县人民政府", url="https://www.qingxi.gov.cn/")
    run = store.start_run("daily", "2026-11-27")
    carried = {"newest_date": "2026-10-28", "days": 30, "limit_days": 14, "column_key": "bmdt",
               "unverified": True, "last_verified": "2026-11-20", "unverified_since": "2026-11-27"}
    absence = {"expected": "政策解读", "pages_checked": 212, "columns_seen": 31, "walk_complete": False,
               "unverified": True, "unread": ["https://www.qingxi.gov.cn/zcjd/"], "walk_note": "页面预算已用尽"}
    store.replace_findings(run, SITE_A, [
        _finding("COLUMN_STALE", "veto", "部门动态", "https://www.qingxi.gov.cn/bmdt/",
                 "栏目“部门动态”已30天未更新（要求14天内）（本次未复核，最近核实于 2026-11-20）", carried,
                 "open", "2026-11-20", "2026-11-20", "fp-carried"),
        _finding("COLUMN_MISSING", "warn", "政策解读", None, "未发现必设栏目“政策解读”，抓取不完整，待人工核实",
                 absence, "new", "2026-11-27", "2026-11-27", "fp-absent"),
        _finding("COLUMN_BLANK", "veto", "通知公告", None, "栏目“通知公告”为空白栏目", {"column_key": "tzgg"},
                 "open", "2026-11-20", "2026-11-27", "fp-verified"),
    ], result={"verdict": "不合格", "score": None, "rubric": None, "profile": "gb2019", "details": "{}"})
    store.finish_run(run, complete=True)
    html = write_all(store, run, tmp_path / "out", formats=("html",))["html"].read_text(encoding="utf-8")
    store.close()
    table = html.split('<table class="findings">')[1].split("</table>")[0]
    rows = {column: next(r for r in table.split('<tr class="finding')[1:] if f"<td>{column}</td>" in r)
            for column in ("部门动态", "政策解读", "通知公告")}
    carried, hint = rows["部门动态"], rows["政策解读"]
    assert carried.count(">未复核</span>") == 1 and 'title="本次未复核，最近核实于 2026-11-20"' in carried
    assert "最近核实日期：2026-11-20" in carried and "未复核起始日期：2026-11-27" in carried
    assert "未复核：是" in carried
    assert hint.count(">未复核</span>") == 1 and 'title="未经核实"' in hint   # a hint never verified
    assert "未复核" not in rows["通知公告"]
    for text in ("已检查页面数：212", "已发现栏目数：31", "遍历完整：否", "抓取说明：页面预算已用尽",
                 "无法读取的页面：https://www.qingxi.gov.cn/zcjd/"):
        assert text in hint, text
    for key in ("last_verified", "unverified_since", "pages_checked", "columns_seen", "walk_complete",
                "walk_note", "unread"):
        assert key not in table, key      # every one labelled, none left under 更多
