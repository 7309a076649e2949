"""Body text without navigation, the article reader, and the text of attachments (real files
written by the same libraries' writers: python-docx, openpyxl, xlwt, reportlab)."""
import io
from datetime import date
from pathlib import Path

import pytest

from crawler.content import attachments
from crawler.content.bodytext import page_text
from crawler.content.reader import read_article, stored_text, unpack
from crawler.extraction.encoding import decode_body
from crawler.extraction.html import parse_html

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "raw"
PAGE = """<html><head><title>关于开展森林防火工作的通知_青溪县人民政府</title>
<meta name="ArticleTitle" content="关于开展森林防火工作的通知"><meta name="PubDate" content="2026-11-20 09:00">
<style>.x{color:red}</style></head><body>
<div class="nav"><a href="/">首页</a><a href="/zwgk/">政务公开</a>县国土资源局（导航，不是正文）</div>
<div class="position">当前位置：首页 &gt; 通知公告</div>
<div class="main"><h1>关于开展森林防火工作的通知</h1>
<div class="info">发布时间：2026-11-20</div>
<div class="TRS_Editor"><p>各乡镇人民政府：</p><p>为做好今冬明春森林防火工作，现将有关事项通知如下。</p>
<table><tr><td>姓名</td><td>单位</td></tr><tr><td>张三</td><td>县应急管理局</td></tr></table>
<p>附件：<a href="/files/2026/名单.xlsx">名单.xlsx</a> <a href="http://other.example/x.pdf">外站</a></p></div></div>
<div class="footer">主办单位：青溪县人民政府办公室 版权所有</div>
<script>document.write('<div style="position:absolute;left:-9999px"><a href="http://bet.example/">博彩</a></div>')</script>
</body></html>"""


def test_body_text_is_the_content_box_with_lines_per_block():
    text = page_text(parse_html(PAGE))
    assert text.splitlines()[:2] == ["各乡镇人民政府：", "为做好今冬明春森林防火工作，现将有关事项通知如下。"]
    assert "张三 县应急管理局" in text.splitlines()
    assert "导航" not in text and "主办单位" not in text and "当前位置" not in text


def test_read_article_gives_title_date_text_attachments_and_hidden_links():
    got = read_article(PAGE.encode("utf-8"), "http://www.qingxi.gov.cn/tzgg/202611/t20261120_1.html",
                       as_of=date(2026, 11, 27))
    assert got.title == "关于开展森林防火工作的通知" and got.date == date(2026, 11, 20)
    assert "森林防火" in got.text
    assert got.attachments == [("名单.xlsx", "http://www.qingxi.gov.cn/files/2026/名单.xlsx"),
                               ("外站", "http://other.example/x.pdf")]
    assert [(h.url, h.how) for h in got.hidden] == [("http://bet.example/", "script+off-screen")]


def test_stored_text_masks_before_hashing_and_round_trips():
    stored = stored_text("身份证号110101199003071233，电话13912345678。")
    text = unpack(stored.body)
    assert "110101199003071233" not in text and "13912345678" not in text
    assert '"kind": "id_card"' in stored.found and stored.chars == len(text)
    assert stored_text(text).digest == stored.digest   # the masked text hashes alike


def test_corpus_articles_have_their_body_text():
    pages = sorted(CORPUS.glob("mhxqwer__*/index.html")) if CORPUS.exists() else []
    if not pages:
        pytest.skip(f"real-page corpus not found at {CORPUS} (../shared/corpus is not part of this repository)")
    for page in pages:
        raw, _ = decode_body(page.read_bytes())
        text = page_text(parse_html(raw))
        assert len(text) > 200, page
        assert "版权所有" not in text and "网站标识码" not in text, page


ID = "110101199003071233"
ROWS = [("序号", "姓名", "身份证号", "补助金额"), ("1", "张三", ID, "1200")]


def _docx() -> bytes:
    import docx
    d = docx.Document()
    d.add_paragraph("2026年临时救助对象公示")
    table = d.add_table(rows=0, cols=4)
    for row in ROWS:
        cells = table.add_row().cells
        for c, v in zip(cells, row, strict=True):
            c.text = v
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _xlsx() -> bytes:
    import openpyxl
    wb = openpyxl.Workbook()
    for row in ROWS:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _xls() -> bytes:
    xlwt = pytest.importorskip("xlwt", reason="xlwt (test extra) writes the .xls sample")
    wb = xlwt.Workbook()
    ws = wb.add_sheet("公示")
    for r, row in enumerate(ROWS):
        for c, v in enumerate(row):
            ws.write(r, c, v)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _pdf() -> bytes:
    pytest.importorskip("reportlab", reason="reportlab (test extra) writes the PDF sample")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont("STSong-Light", 11)
    for i, row in enumerate(ROWS):
        c.drawString(40, 780 - 20 * i, " ".join(row))
    c.save()
    return buf.getvalue()


@pytest.mark.parametrize(("make", "name"), [(_docx, "名单.docx"), (_xlsx, "名单.xlsx"), (_xls, "名单.xls"),
                                            (_pdf, "名单.pdf")])
def test_each_attachment_format_is_read(make, name):
    got = attachments.attachment_text(make(), f"http://www.qingxi.gov.cn/files/{name}")
    assert got.error is None, got.error
    assert ID in got.text and "张三" in got.text


def test_what_is_not_read_says_why():
    page = attachments.attachment_text(b"<!DOCTYPE html><html><body>404</body></html>", "http://x.gov.cn/a.pdf")
    assert page.text is None and "网页" in page.error
    old = attachments.attachment_text(attachments.OLE + b"\0" * 600, "http://x.gov.cn/a.doc")
    assert old.text is None and "旧版" in old.error
    broken = attachments.attachment_text(b"%PDF-1.4 broken", "http://x.gov.cn/a.pdf")
    assert broken.text is None and "无法读取" in broken.error
    assert attachments.is_attachment("http://x.gov.cn/f/%E5%90%8D%E5%8D%95.XLSX")
    assert not attachments.is_attachment("http://x.gov.cn/f/index.html")
