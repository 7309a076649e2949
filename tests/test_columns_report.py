"""Show what was seen (issue 12, item 6): `govwatch columns`, the 栏目清单 sheet and the HTML column
tree, over a real SQLite file with the rows a crawl writes (columns, walks, entrances)."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest

from crawler.cli import main
from crawler.store import Store
from reports import write_all
from reports.columns import coverage_text, tree_rows

ROOT = Path(__file__).resolve().parent.parent
SITE_A = "qingxi-county"
SITE_B = "qingxi-nyj"
BASE = "https://www.qingxi.gov.cn"
LONG_NAME = "青溪县人民政府办公室关于进一步加强和改进政府信息公开工作的实施意见专栏"
LONG_URL = BASE + "/zwgk/zcwj/" + "a" * 120 + "/index.html"
FORMULA_NAME = '=HYPERLINK("http://x","y")'
IMG = "<img src=x onerror=alert(1)>"
COVERAGE_A = ("已检查 57 个页面、8 个栏目（最深 3 层）；抓取不完整：页面预算用尽、1 个页面无法读取")


def _col(run, site, key, name, url, level, role="list", parent=None, source="nav", named_by="link",
         **kw):
    return dict({"run_id": run, "site_id": site, "key": key, "name": name, "url": url,
                 "parent_key": parent, "level": level, "role": role, "source": source,
                 "named_by": named_by, "status": "ok"}, **kw)


def make_db(path: Path) -> Path:
    """Run 1: before walks were recorded (no walks row, named_by NULL). Run 2: the full picture."""
    db = path / "govwatch.db"
    store = Store(db)
    store.upsert_sites([
        {"id": SITE_A, "name": "青溪县人民政府", "url": BASE + "/", "kind": "portal",
         "overrides": {"columns": {"工作信息": {"category": "dynamic"}}}},
        {"id": SITE_B, "name": "青溪县农业农村局", "url": "https://nyj.qingxi.gov.cn/",
         "kind": "department"},
    ])
    old = store.start_run("sweep", "2026-11-20")
    store.insert_batch("fetches", [{"run_id": old, "site_id": SITE_A, "url": BASE + "/",
                                    "status": 200, "kind": "home"}])
    store.insert_batch("columns", [
        _col(old, SITE_A, "__home__", "首页", BASE + "/", 0, role="home", source="home",
             named_by=None, counted_items=12),
        _col(old, SITE_A, "tzgg", "通知公告", BASE + "/tzgg/", 1, named_by=None, counted_items=3,
             pages_read=1, pages_total=1, newest_date="2026-11-19"),
    ])
    store.finish_run(old, complete=True)

    run = store.start_run("sweep", "2026-11-27")
    store.insert_batch("fetches", [{"run_id": run, "site_id": s, "url": u, "status": 200,
                                    "kind": "home"}
                                   for s, u in ((SITE_A, BASE + "/"),
                                                (SITE_B, "https://nyj.qingxi.gov.cn/"))])
    store.insert_batch("columns", [
        _col(run, SITE_A, "__home__", "首页", BASE + "/", 0, role="home", source="home",
             named_by="title", counted_items=28, pages_read=1),
        _col(run, SITE_A, "zwgk", "政务公开", BASE + "/zwgk/", 1, role="section",
             named_by="breadcrumb", pages_read=1, pages_total=1),
        # written twice (two paths reached it): the readable row is shown, once
        _col(run, SITE_A, "zcwj", "政策文件", BASE + "/zwgk/zcwj/", 2, parent="zwgk",
             source="tree", status="failed", error="HTTP 503"),
        _col(run, SITE_A, "zcwj", "政策文件", BASE + "/zwgk/zcwj/", 2, parent="zwgk",
             source="tree", named_by="sidebar", counted_items=36, item_count=40, pages_read=3,
             pages_total=3, newest_date="2026-11-25"),
        _col(run, SITE_A, "gfxwj", "规范性文件", BASE + "/zwgk/zcwj/gfxwj/", 3, parent="zcwj",
             source="tree", named_by="meta", counted_items=18, pages_read=2, pages_total=4,
             newest_date="2026-11-24"),
        _col(run, SITE_A, "gkzn", "政府信息公开指南", BASE + "/zwgk/gkzn/", 2, role="static",
             parent="zwgk", source="tree", named_by="heading", pages_read=1, pages_total=1),
        _col(run, SITE_A, "gzxx", "工作信息", BASE + "/gzxx/", 1, source="more", counted_items=9,
             pages_read=1, newest_date="2026-11-26"),
        _col(run, SITE_A, "long", LONG_NAME, LONG_URL, 2, parent="gone", source="body",
             counted_items=0, pages_read=1, pages_total=1, status="exempt"),
        _col(run, SITE_A, "evil", IMG, "javascript:alert(1)", 2, parent="gone", source="script"),
        _col(run, SITE_A, "f", FORMULA_NAME, BASE + "/f/", 1, source="image", status="failed",
             error="HTTP 404", counted_items=0),
        _col(run, SITE_A, "xzxx", "县长信箱", "https://hd.qingxi.gov.cn/xzxx/", 1, role="board",
             source="sites-file", named_by="sites-file", item_count=120),
        _col(run, SITE_B, "__home__", "首页", "https://nyj.qingxi.gov.cn/", 0, role="home",
             source="home", named_by=None, counted_items=5),
        _col(run, SITE_B, "gzdt", "工作动态", "https://nyj.qingxi.gov.cn/gzdt/", 1, named_by=None,
             counted_items=7, newest_date="2026-11-20"),
    ])
    store.insert_batch("walks", [{
        "run_id": run, "site_id": SITE_A, "mode": "sweep", "pages": 57, "columns": 8,
        "max_depth": 3, "budget_hit": 1, "depth_cut": 0, "complete": 0, "note": None,
        "failed": json.dumps([{"url": BASE + "/broken.html", "error": "HTTP 500", "depth": 2}]),
    }])
    store.insert_batch("entrances", [
        {"run_id": run, "site_id": SITE_A, "kind": "hotline", "name": "12345政务服务便民热线",
         "url": "https://12345.zj.gov.cn/", "found_on": BASE + "/", "how": "link"},
        {"run_id": run, "site_id": SITE_A, "kind": "correction", "name": "我为政府网站找错",
         "url": "https://zfwzzc.www.gov.cn/check_web/errorInfo_querySiteInfo.action?id=1",
         "found_on": BASE + "/", "how": "widget"},
        {"run_id": run, "site_id": SITE_A, "kind": "mailbox", "name": IMG,
         "url": "javascript:alert(2)", "found_on": BASE + "/hdjl/", "how": "image"},
    ])
    store.finish_run(run, complete=True)
    store.close()
    return db


@pytest.fixture()
def db(tmp_path) -> Path:
    return make_db(tmp_path)


def _run_cli(capsys, *argv) -> tuple[int, str, str]:
    code = main(["columns", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _line(out: str, text: str) -> str:
    lines = [l for l in out.splitlines() if text in l]
    assert len(lines) == 1, (text, lines)
    return lines[0]


def _indent(out: str, name: str) -> int:
    line = _line(out, name)
    return line.index(name)


# -- the one function that builds the tree -------------------------------------------------------
def test_tree_rows_parent_first_siblings_by_level_then_url():
    cols = [
        {"key": "b", "name": "乙", "url": "https://x/b/", "level": 1},
        {"key": "a2", "name": "甲二", "url": "https://x/a/2/", "level": 2, "parent_key": "a"},
        {"key": "a", "name": "甲", "url": "https://x/a/", "level": 1},
        {"key": "a1", "name": "甲一", "url": "https://x/a/1/", "level": 2, "parent_key": "a"},
        {"key": "c", "name": "丙", "url": "https://x/0/", "level": 3, "parent_key": "nowhere"},
        {"key": "n", "name": None, "url": "https://x/n/", "level": None},
        # a parent_key cycle must neither loop nor lose its columns
        {"key": "p", "name": "环一", "url": "https://x/p/", "level": 2, "parent_key": "q"},
        {"key": "q", "name": "环二", "url": "https://x/q/", "level": 2, "parent_key": "p"},
    ]
    names = {"甲": SimpleNamespace(title="动态要闻", code="dynamic")}
    rows = tree_rows(cols, lambda name: names.get(name))
    assert [(r["name"], r["depth"]) for r in rows] == [
        ("甲", 0), ("甲一", 1), ("甲二", 1), ("乙", 0), ("丙", 0), ("（未命名）", 0),
        ("环一", 0), ("环二", 1)]
    assert rows[0]["category"] == "动态要闻" and rows[0]["category_code"] == "dynamic"
    assert rows[1]["category_label"] == "未归类"
    assert rows[-1]["source_label"] == "未记录" and rows[-1]["named_by_label"] == "未记录"


def test_coverage_text():
    assert coverage_text(None) == "抓取范围未记录（该批次早于抓取范围记录）"
    assert coverage_text({"pages": 12, "columns": 4, "max_depth": 2, "complete": 1, "failed": []}) \
        == "已检查 12 个页面、4 个栏目（最深 2 层）；抓取完整"
    assert coverage_text({"pages": 5, "columns": 1, "depth_cut": 1, "complete": 0,
                          "failed": [{"url": "u1"}, {"url": "u2"}], "note": "日常监测"}) \
        == "已检查 5 个页面、1 个栏目；抓取不完整：深度受限、2 个页面无法读取（日常监测）"


# -- govwatch columns ----------------------------------------------------------------------------
def test_cli_prints_tree_coverage_and_entrances(db, capsys):
    code, out, err = _run_cli(capsys, "--db", str(db))
    assert code == 0, err
    assert "巡检批次 2（截至 2026-11-27）" in out
    # site A's tree: parent first, children indented under it, siblings by level then URL
    a = out[out.index("青溪县人民政府（qingxi-county）"):out.index("青溪县农业农村局（qingxi-nyj）")]
    order = ["首页", "县长信箱", FORMULA_NAME, "工作信息", "政务公开", "政府信息公开指南", "政策文件",
             "规范性文件", LONG_NAME, IMG]
    positions = [a.index(n + ("【" if n != "首页" else " ")) for n in order]
    assert positions == sorted(positions), order
    assert _indent(a, "政务公开【") == _indent(a, "工作信息【") == _indent(a, "首页 首页")
    assert _indent(a, "政策文件【") == _indent(a, "政府信息公开指南【") > _indent(a, "政务公开【")
    assert _indent(a, "规范性文件【") > _indent(a, "政策文件【")
    assert _indent(a, LONG_NAME) == _indent(a, "政务公开【")   # its parent was never stored
    assert a.count("政策文件【") == 1                         # the key written twice, once

    assert COVERAGE_A in a
    assert "无法读取的页面（1 个）" in a and f"{BASE}/broken.html  HTTP 500" in a
    policy = _line(a, "政策文件【")
    assert "【政策文件】 列表 · 正常 · 第 2 层 · 信息 36 条 · 已读/总页数 3/3 · 最新 2026-11-25" in policy
    assert f"{BASE}/zwgk/zcwj/  发现：栏目树 · 命名：侧栏" in a
    assert "工作信息【动态要闻】" in a          # the site's overrides name the category
    assert f"{FORMULA_NAME}【未归类】 列表 · 无法核实（HTTP 404） · 第 1 层" in a   # no count
    assert "县长信箱【互动交流】 留言板 · 正常 · 第 1 层" in a and "发现：网站清单配置" in a
    assert "已说明" in _line(a, LONG_NAME)
    assert "站外入口（3 个）：" in a
    assert ("12345热线：12345政务服务便民热线 https://12345.zj.gov.cn/  所在页面 "
            f"{BASE}/ · 识别：页面链接") in a
    assert "找错：我为政府网站找错" in a and "识别：网页组件" in a
    # site B: no walks row in this run, names of unknown origin
    b = out[out.index("青溪县农业农村局（qingxi-nyj）"):]
    assert "抓取范围未记录" in b and "站外入口：未记录" in b
    assert "https://nyj.qingxi.gov.cn/gzdt/  发现：导航栏 · 命名：未记录" in b


def test_cli_site_and_older_run(db, capsys):
    code, out, _ = _run_cli(capsys, "--db", str(db), "--site", SITE_B)
    assert code == 0 and "青溪县农业农村局" in out and "青溪县人民政府" not in out
    code, out, _ = _run_cli(capsys, "--db", str(db), "--run", "1")
    assert code == 0 and "巡检批次 1（截至 2026-11-20）" in out
    assert "抓取范围未记录（该批次早于抓取范围记录）" in out and "站外入口：未记录" in out
    assert "发现：导航栏 · 命名：未记录" in out and "青溪县农业农村局" not in out


@pytest.mark.slow
def test_cli_piped_output_is_never_cut(db):
    env = dict(os.environ, COLUMNS="40", PYTHONIOENCODING="utf-8")
    proc = subprocess.run([sys.executable, "-m", "crawler.cli", "columns", "--db", str(db)],
                          cwd=ROOT, env=env, capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr.decode()
    out = proc.stdout.decode("utf-8")
    assert LONG_NAME + "【政府信息公开（平台）】 列表 · 已说明" in out   # on one line, whole
    assert LONG_URL + "  发现：正文链接 · 命名：链接文字" in out
    assert COVERAGE_A in out
    assert "…" not in out


def test_cli_usage_errors_exit_2(db, tmp_path, capsys):
    code, out, err = _run_cli(capsys, "--db", str(db), "--site", "no-such-site")
    assert code == 2 and "没有标识为“no-such-site”的网站" in err and out == ""
    code, _, err = _run_cli(capsys, "--db", str(db), "--run", "99")
    assert code == 2 and "批次 99 不存在或没有抓取数据" in err
    empty = tmp_path / "empty.db"
    Store(empty).close()
    code, _, err = _run_cli(capsys, "--db", str(empty))
    assert code == 2 and "数据库中没有巡检批次" in err
    missing = tmp_path / "missing.db"
    code, _, err = _run_cli(capsys, "--db", str(missing))
    assert code == 2 and "数据库文件不存在" in err and not missing.exists()


# -- XLSX and HTML -------------------------------------------------------------------------------
@pytest.fixture()
def written(db, tmp_path):
    store = Store(db)
    try:
        return write_all(store, 2, tmp_path / "out", formats=("xlsx", "html"))
    finally:
        store.close()


def test_xlsx_column_sheet(written):
    wb = openpyxl.load_workbook(written["xlsx"])
    assert "栏目清单" in wb.sheetnames
    ws = wb["栏目清单"]
    rows = list(ws.iter_rows())
    head = next(i for i, r in enumerate(rows) if r[0].value == "网站")
    assert [c.value for c in rows[head]] == ["网站", "层级", "栏目名称", "类别", "类型", "状态",
                                             "信息条数", "已读页数/总页数", "最新日期", "发现方式",
                                             "命名依据", "链接"]
    values = [[c.value for c in r] for r in rows]
    assert values[head + 1][0] == f"青溪县人民政府：{COVERAGE_A}"
    entrances = next(i for i, v in enumerate(values) if str(v[0]).startswith("站外入口"))
    body = [r for r in rows[head + 2:entrances] if r[0].value == "青溪县人民政府"]
    names = [r[2].value for r in body]
    assert names[:10] == ["首页", "县长信箱", FORMULA_NAME, "工作信息", "政务公开", "政府信息公开指南",
                          "政策文件", "规范性文件", LONG_NAME, IMG]
    by_name = {r[2].value: r for r in body}
    policy = by_name["政策文件"]
    assert [c.value for c in policy[1:11]] == [2, "政策文件", "政策文件", "列表", "正常", 36, "3/3",
                                               "2026-11-25", "栏目树", "侧栏"]
    assert policy[11].hyperlink.target == f"{BASE}/zwgk/zcwj/"
    assert policy[2].alignment.indent == 1 and by_name["规范性文件"][2].alignment.indent == 2
    assert by_name["政务公开"][2].alignment.indent == 0
    formula = by_name[FORMULA_NAME]
    assert formula[2].data_type == "s" and formula[5].value == "无法核实（HTTP 404）"
    assert formula[6].value is None
    assert by_name[IMG][11].hyperlink is None and by_name[IMG][11].value == "javascript:alert(1)"
    assert by_name["工作信息"][3].value == "动态要闻"
    b_head = next(v for v in values if str(v[0]).startswith("青溪县农业农村局："))
    assert b_head[0] == "青溪县农业农村局：抓取范围未记录（该批次早于抓取范围记录）"
    gzdt = next(v for v in values if v[2] == "工作动态")
    assert gzdt[9:11] == ["导航栏", "未记录"]

    assert values[entrances + 1][:4] == ["网站", "入口类型", "入口名称", "识别方式"]
    hotline = next(r for r in rows[entrances:] if r[1].value == "12345热线")
    assert hotline[2].value == "12345政务服务便民热线" and hotline[4].value == f"{BASE}/"
    assert hotline[11].hyperlink.target == "https://12345.zj.gov.cn/"
    mailbox = next(r for r in rows[entrances:] if r[1].value == "信箱")
    assert mailbox[2].value == IMG and mailbox[11].hyperlink is None
    assert next(v for v in values[entrances:] if v[0] == "青溪县农业农村局")[1] == "未记录"
    failed = next(i for i, v in enumerate(values) if str(v[0]).startswith("无法读取的页面"))
    assert values[failed + 2][:2] == ["青溪县人民政府", "HTTP 500"]
    assert rows[failed + 2][11].hyperlink.target == f"{BASE}/broken.html"
    for r in ws.iter_rows():
        for c in r:
            assert c.data_type != "f", (c.coordinate, c.value)


def test_html_column_tree_escaped(written):
    html = written["html"].read_text(encoding="utf-8")
    assert html.count('<details class="seen">') == 2
    tree = html[html.index('<details class="seen">'):]
    tree = tree[:tree.index("</details>")]
    assert f'<span class="coverage">{COVERAGE_A}</span>' in tree
    assert "栏目清单（10 个栏目）" in tree
    order = ["首页", "县长信箱", "=HYPERLINK(&#34;http://x&#34;,&#34;y&#34;)", "工作信息", "政务公开",
             "政府信息公开指南", "政策文件", "规范性文件", LONG_NAME,
             "&lt;img src=x onerror=alert(1)&gt;"]
    positions = [tree.index(n + "</td>") for n in order]
    assert positions == sorted(positions)
    assert '<td style="padding-left:42px">└ 规范性文件</td>' in tree
    assert '<td style="padding-left:6px">政务公开</td>' in tree
    policy = tree[tree.rindex("<tr", 0, tree.index("└ 政策文件</td>")):]
    policy = policy[:policy.index("</tr>")]
    assert re.findall(r"<td[^>]*>([^<]*)</td>", policy) == [
        "└ 政策文件", "2", "政策文件", "列表", "正常", "36", "3/3", "2026-11-25", "栏目树", "侧栏"]
    assert IMG not in html and 'href="javascript' not in html   # shown as text, never a link
    assert '<td class="url">javascript:alert(1)</td>' in tree
    assert f'<a href="{BASE}/zwgk/zcwj/" rel="noopener noreferrer">' in tree
    assert "站外入口（3 个）" in tree and "12345热线" in tree and "网页组件" in tree
    assert "无法读取的页面（1 个）" in tree and "HTTP 500" in tree
    rest = html[html.index('<details class="seen">', html.index(tree) + len(tree)):]
    assert "抓取范围未记录" in rest and "站外入口：未记录" in rest
