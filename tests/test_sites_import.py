"""`govwatch sites import`: the office's export of the 全国政府网站信息报送系统 becomes a sites file; every
row ends up as a site or in the skipped/rejected list with its row number, never silently dropped."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import xlsxwriter
import yaml

from crawler.cli import main
from crawler.siteimport import assign_ids, import_sites, read_rows
from crawler.sitesfile import load_sites

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "docs" / "samples" / "信息报送导出示例.csv"
TITLE = "2026年全国政府网站基本信息表"
REGION = "浙江省丽水市青溪县"

# name, code, url, owner, type, level, region, status: the cases an office's export really has
ROWS = [
    ("青溪县人民政府", "3311230001", "http://www.qingxi.gov.cn/", "青溪县人民政府办公室", "政府门户网站", "县级", REGION, "正常运行"),
    ("青溪县水利局", "3311230012", "http://slj.qingxi.gov.cn/", "青溪县水利局", "部门网站", "县级", REGION, "正常运行"),
    ("青溪县教育局", "", "www.qxedu.gov.cn", "青溪县教育局", "部门网站", "县级", REGION, "正常运行"),
    ("青溪县城关镇人民政府", "3311230101", "http://www.qingxi.gov.cn/cgz/", "城关镇人民政府", "政府门户网站", "乡镇级",
     REGION + "城关镇", "正常运行"),
    ("青溪县白溪街道办事处", "3311230102", "http://bxjd.qingxi.gov.cn/", "白溪街道办事处", "乡镇/街道门户网站", "",
     REGION + "白溪街道", "正常运行"),
    ("青溪县旅游局", "3311230013", "http://ly.qingxi.gov.cn/", "青溪县旅游局", "部门网站", "县级", REGION, "关停"),
    ("青溪县统计局", "3311230014", "http://tjj.qingxi.gov.cn/", "青溪县统计局", "部门网站", "县级", REGION, "临时关停"),
    ("青溪县人民政府（新版）", "3311230001", "https://www2.qingxi.gov.cn/", "青溪县人民政府办公室", "政府门户网站", "县级",
     REGION, "正常运行"),
    ("青溪县水利局（旧址）", "3311230015", "https://slj.qingxi.gov.cn/index.html", "青溪县水利局", "部门网站", "县级",
     REGION, "正常运行"),
    ("青溪县市场监督管理局", "3311230016", "http://scjg .qingxi.gov.cn/", "青溪县市场监督管理局", "部门网站", "县级",
     REGION, "正常运行"),
    ("青溪新闻网", "3311230017", "http://www.qxnews.cn/", "青溪县融媒体中心", "新闻网站", "县级", REGION, "正常运行"),
    ("青溪县发展和改革局", "3311230018", "fgj.qingxi.gov.cn/", "青溪县发展和改革局", "部门网站", "县级", REGION, "正常运行"),
]
FIELDS = ("name", "code", "url", "owner", "type", "level", "region", "status")
HEADER = ("网站名称", "网站标识码", "首页网址", "主办单位", "网站类型", "行政级别", "所属地区", "运行状态")
# the same columns as another export names them, shuffled, with a 序号 column, marks and full-width text
VARIANTS = {"status": "状态", "url": "网站地址（ＵＲＬ）", "type": "类型", "name": "*站点名称", "region": "行政区划",
            "owner": "开办单位", "level": "级别", "code": "【标识码】"}

SITES = [  # (id, kind, url) of what the export above gives, in row order
    ("c3311230001", "portal", "http://www.qingxi.gov.cn/"),
    ("c3311230012", "department", "http://slj.qingxi.gov.cn/"),
    ("www-qxedu-gov-cn", "department", "http://www.qxedu.gov.cn/"),
    ("c3311230101", "township", "http://www.qingxi.gov.cn/cgz/"),
    ("c3311230102", "township", "http://bxjd.qingxi.gov.cn/"),
    ("c3311230018", "department", "http://fgj.qingxi.gov.cn/"),
]
FIRST = 3   # with a title row and the header above, the first data row is row 3
LEFT = [  # (row, skipped?, reason fragment)
    (FIRST + 5, True, "运行状态为“关停”"),
    (FIRST + 6, True, "运行状态为“临时关停”"),
    (FIRST + 7, False, f"与第{FIRST}行网站标识码“3311230001”相同（重复）"),
    (FIRST + 8, False, f"与第{FIRST + 1}行首页网址相同（重复）"),
    (FIRST + 9, False, "首页网址无效：网址中不能有空白字符"),
    (FIRST + 10, False, "网站类型“新闻网站”无法对应"),
]


def table(header=HEADER, order=FIELDS, title=True):
    rows = [[TITLE] + [""] * (len(order) - 1)] if title else []
    rows.append([header[FIELDS.index(f)] if isinstance(header, tuple) else header[f] for f in order])
    rows += [[r[FIELDS.index(f)] for f in order] for r in ROWS]
    return rows


def write_csv(path: Path, rows, encoding: str) -> Path:
    """As Excel writes 'CSV (逗号分隔)' (GBK on Chinese Windows) or 'CSV UTF-8' (with a BOM): CRLF, quoted as needed."""
    buf = io.StringIO(newline="")
    csv.writer(buf).writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows) -> Path:
    """A sheet as the 信息报送系统 exports it: a merged title row above the header, codes as numbers."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("网站列表")
    sheet.merge_range(0, 0, 0, len(rows[1]) - 1, rows[0][0], book.add_format({"bold": True, "align": "center"}))
    for i, row in enumerate(rows[1:], start=1):
        for j, value in enumerate(row):
            if value.isdigit():
                sheet.write_number(i, j, int(value))
            else:
                sheet.write_string(i, j, value)
    book.close()
    return path


def exports(tmp_path):
    return {
        "xlsx": write_xlsx(tmp_path / "export.xlsx",
                           table(VARIANTS, ("region", "url", "status", "code", "type", "name", "level", "owner"))),
        "gbk": write_csv(tmp_path / "export-gbk.csv", table(), "gbk"),
        "bom": write_csv(tmp_path / "export-bom.csv", table(VARIANTS, tuple(reversed(FIELDS))), "utf-8-sig"),
    }


def produced(out: Path):
    return [(s["id"], s["kind"], s["url"]) for s in load_sites(out)]


@pytest.mark.parametrize("kind", ["xlsx", "gbk", "bom"])
def test_every_row_becomes_a_site_or_a_numbered_reason(tmp_path, kind):
    out = tmp_path / "sites.yaml"
    result = import_sites(exports(tmp_path)[kind], out)
    assert produced(out) == SITES
    assert [(x.row, x.skipped) for x in result.left] == [(row, skipped) for row, skipped, _ in LEFT]
    for left, (_, _, reason) in zip(result.left, LEFT, strict=True):
        assert reason in left.reason
    assert len(result.sites) + len(result.left) == len(ROWS)
    assert result.summary() == "导入 6 个网站，跳过 2 个已关停，拒绝 4 行"


def test_the_written_file_keeps_the_fields_and_the_reasons(tmp_path):
    out = tmp_path / "sites.yaml"
    import_sites(exports(tmp_path)["xlsx"], out)
    text = out.read_text(encoding="utf-8")
    first = load_sites(out)[0]
    assert {k: first[k] for k in ("name", "owner", "code", "region")} == {
        "name": "青溪县人民政府", "owner": "青溪县人民政府办公室", "code": "3311230001", "region": REGION}
    assert "code: '3311230001'" in text        # quoted: a number would fail load_sites
    assert "code" not in load_sites(out)[2]     # the row without a 标识码
    assert f"# 第{FIRST + 5}行 青溪县旅游局 http://ly.qingxi.gov.cn/ 已跳过：运行状态为“关停”" in text
    assert f"# 第{FIRST + 10}行 青溪新闻网 http://www.qxnews.cn/ 已拒绝：网站类型“新闻网站”" in text
    assert "# 导入 6 个网站，跳过 2 个已关停，拒绝 4 行" in text


def test_the_sample_export_imports(tmp_path):
    result = import_sites(SAMPLE, tmp_path / "sites.yaml")
    assert SAMPLE.read_bytes().decode("gbk")        # saved as Excel saves it on Chinese Windows
    assert result.summary() == "导入 6 个网站，跳过 2 个已关停，拒绝 4 行"


def test_header_found_below_title_rows_and_blank_rows_are_not_data(tmp_path):
    rows = [["", ""], [TITLE, ""], ["填报单位：青溪县政务公开办", ""], ["网站名称", "网址"],
            ["青溪县人民政府", "www.qingxi.gov.cn"], ["", ""], ["青溪县人民政府", "http://x.qingxi.gov.cn/"]]
    rows = read_rows(write_csv(tmp_path / "t.csv", rows, "gbk"))
    assert [(n, v["name"]) for n, v in rows] == [(5, "青溪县人民政府"), (7, "青溪县人民政府")]


def test_ids_are_stable_and_clashes_numbered_in_order():
    sites = [{"url": "http://www.a-b.gov.cn/"}, {"url": "http://www.a.b.gov.cn/"}, {"url": "https://www.a.b.gov.cn/x/"},
             {"url": "http://政府.cn/"}, {"code": "BM01000001", "url": "http://a.gov.cn/"}]
    assign_ids(sites, {"www-a-b-gov-cn-x"})
    ids = [s["id"] for s in sites]
    assert ids[:3] == ["www-a-b-gov-cn", "www-a-b-gov-cn-2", "www-a-b-gov-cn-x-2"]
    assert ids[3].startswith("site-") and ids[4] == "cbm01000001"
    again = [{"url": "http://政府.cn/"}]
    assign_ids(again, set())
    assert again[0]["id"] == ids[3]


EXISTING = """\
# 手工维护的清单
defaults:
  max_depth: 3
sites:
  - id: qingxi-county
    name: 青溪县政府（旧名）
    url: https://www.qingxi.gov.cn/
    kind: portal
    code: "3311230001"
    max_pages: 500
    overrides:
      not_expected: [回应关切]
  - id: qingxi-water
    name: 青溪县水利局
    url: https://slj.qingxi.gov.cn/index.html
    kind: department
    boards:
      - {url: https://slj.qingxi.gov.cn/hdjl/, deadline_workdays: 3}
  - id: qingxi-old
    name: 青溪县档案馆
    url: http://daj.qingxi.gov.cn/
    kind: department
"""


def test_merging_keeps_hand_made_keys_ids_defaults_and_unlisted_sites(tmp_path):
    out = tmp_path / "sites.yaml"
    out.write_text(EXISTING, encoding="utf-8")
    result = import_sites(exports(tmp_path)["gbk"], out)
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data["defaults"] == {"max_depth": 3}
    county, water, old, *new = data["sites"]
    assert county["id"] == "qingxi-county" and county["name"] == "青溪县人民政府"   # matched by code
    assert county["max_pages"] == 500 and county["overrides"] == {"not_expected": ["回应关切"]}
    assert county["url"] == "http://www.qingxi.gov.cn/" and county["region"] == REGION
    assert water["id"] == "qingxi-water" and water["code"] == "3311230012"          # matched by homepage
    assert water["boards"] == [{"url": "https://slj.qingxi.gov.cn/hdjl/", "deadline_workdays": 3}]
    assert old == yaml.safe_load(EXISTING)["sites"][2]
    assert [s["id"] for s in new] == [i for i, _, _ in SITES[2:]]
    assert "qingxi-old" in "".join(result.unlisted) and "清单中没有" in out.read_text(encoding="utf-8")
    assert result.updated == 2 and "更新原有 2 个，新增 4 个" in result.summary()
    assert (tmp_path / "sites.yaml.bak").read_text(encoding="utf-8") == EXISTING
    assert all(s["max_depth"] == 3 for s in load_sites(out))


def test_merging_into_a_broken_file_changes_nothing(tmp_path):
    out = tmp_path / "sites.yaml"
    out.write_text(EXISTING.replace("kind: portal", "kind: bureau"), encoding="utf-8")
    assert main(["sites", "import", str(exports(tmp_path)["gbk"]), "--out", str(out)]) == 2
    assert "bureau" in out.read_text(encoding="utf-8") and not (tmp_path / "sites.yaml.bak").exists()


def test_cli_imports_and_reports_every_row(tmp_path, capsys):
    out = tmp_path / "sites.yaml"
    assert main(["sites", "import", str(SAMPLE), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "导入 6 个网站，跳过 2 个已关停，拒绝 4 行" in captured.out
    assert captured.err.count("\n") == 6 and "第13行 青溪新闻网" in captured.err
    assert len(load_sites(out)) == 6


@pytest.mark.parametrize("content, expected", [
    (None, "无法读取文件"),
    ("说明,备注\n青溪县人民政府,http://www.qingxi.gov.cn/\n".encode("gbk"), "找不到表头"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "旧版 Excel"),
    ("网站名称,首页网址\n".encode() + b"\x81\x20,x\n", "第2行：文件编码无法识别"),
    (b"PK\x03\x04broken", "无法读取 XLSX"),
])
def test_a_bad_export_exits_2_naming_the_file(tmp_path, capsys, content, expected):
    source = tmp_path / "导出.csv"
    if content is not None:
        source.write_bytes(content)
    assert main(["sites", "import", str(source), "--out", str(tmp_path / "sites.yaml")]) == 2
    err = capsys.readouterr().err
    assert f"无法导入 {source}" in err and expected in err
    assert not (tmp_path / "sites.yaml").exists()


def test_nothing_importable_writes_nothing(tmp_path, capsys):
    source = write_csv(tmp_path / "t.csv", [["网站名称", "首页网址", "运行状态"],
                                           ["青溪县旅游局", "http://ly.qingxi.gov.cn/", "永久关停"]], "gbk")
    assert main(["sites", "import", str(source), "--out", str(tmp_path / "sites.yaml")]) == 2
    assert "第2行 青溪县旅游局" in capsys.readouterr().err
    assert not (tmp_path / "sites.yaml").exists()


def test_two_rows_matching_one_listed_site_keep_the_first(tmp_path):
    out = tmp_path / "sites.yaml"
    out.write_text(EXISTING, encoding="utf-8")
    source = write_csv(tmp_path / "t.csv", [
        ["网站名称", "网站标识码", "首页网址", "网站类型"],
        ["青溪县人民政府", "3311230001", "http://www2.qingxi.gov.cn/", "政府门户网站"],   # the listed site by code
        ["青溪县政府门户", "", "http://www.qingxi.gov.cn/", "政府门户网站"]], "utf-8")       # and by homepage
    result = import_sites(source, out)
    assert [(x.row, x.reason) for x in result.left] == [(3, "与第2行对应原清单中同一网站“qingxi-county”（重复）")]
    assert load_sites(out)[0]["url"] == "http://www2.qingxi.gov.cn/"
