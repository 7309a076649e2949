"""`govwatch extract` prints what govwatch reads from one page, in the corpus-label shape."""
import json

from crawler.cli import main

PAGE = """<html><head><meta charset="utf-8"><meta name="ColumnName" content="通知公告"></head><body>
<div class="position">当前位置：<a href="/">首页</a> &gt; <span>通知公告</span></div>
<ul class="list">
<li><a href="./202611/t20261120_1234.html" title="关于开展2026年冬季安全生产大检查的通知">关于开展2026年冬季安全生产…</a><span>2026-11-20</span></li>
<li><a href="./202611/t20261103_1200.html" title="关于公布行政事业性收费目录清单的公告">关于公布行政事业性收费目录清单的公告</a><span>2026-11-03</span></li>
</ul><script>createPageHTML(3, 0, "index", "html");</script></body></html>"""


def test_extract_file_prints_label_shaped_json(tmp_path, capsys):
    page = tmp_path / "index.html"
    page.write_text(PAGE, encoding="utf-8")
    assert main(["extract", str(page), "--url", "http://www.qx.gov.cn/tzgg/index.html",
                 "--as-of", "2026-11-27"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["kind"] == "column_list"
    items = out["blocks"][0]["items"]
    assert [i["date"] for i in items] == ["2026-11-20", "2026-11-03"]
    assert items[0]["title_full"] == "关于开展2026年冬季安全生产大检查的通知"   # from @title, as in the labels
    assert out["pagination"]["total_pages"] == 3
    assert out["latest_date"] == "2026-11-20"


def test_extract_missing_file_exits_2(tmp_path, capsys):
    assert main(["extract", str(tmp_path / "nope.html")]) == 2
    assert "nope.html" in capsys.readouterr().err
