"""Content-check benchmark (issue 16): planted problems of every kind and look-alikes that must not be
flagged, judged by the real rules; what was found, missed and falsely reported; cost per page.

    .venv/bin/python bench/content.py [--articles 400] [--repeat 3] [-v]

Generates article pages (a county portal's TRS template: header, navigation, footer, content box)
and attachments (.xlsx, .docx, .xls, .pdf when reportlab/xlwt are installed), each clean, carrying one
planted problem, or carrying one look-alike (historical mentions, masked IDs, invalid check digits,
credit codes, too few mobile numbers, visible friendly links, hidden tabs of ordinary links …). Every
page goes through what a crawl does with it (crawler/content/reader.py: parse, hidden links, body
text; stored_text: mask, hash, compress) into a real store, then `judge_run` judges the site with the
shipped profile and dictionary and the site's leaders list. A finding counts as found when it names
the planted page (and the planted kind); anything else it reports is false.

Cost per article page, best of --repeat: `extract_page` on the same bytes (what reading a list page
costs, for scale), the crawl-side content read (parse + hidden links + body text + date), masking and
storing, and the check-side judgement (dictionary automaton + wording + privacy + hidden), the last
measured as the judge_run time of the content rules divided by the pages.
"""
from __future__ import annotations

import argparse
import io
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from checks.engine import judge_run  # noqa: E402
from crawler.content.attachments import attachment_text  # noqa: E402
from crawler.content.personal import id_check_digit, luhn  # noqa: E402
from crawler.content.reader import read_article, stored_text  # noqa: E402
from crawler.extraction import extract_page  # noqa: E402
from crawler.store import Store  # noqa: E402

AS_OF = date(2026, 11, 27)
BASE = "http://www.yunling.gov.cn"
LEADERS = [{"name": "周明辉", "title": ["县委副书记", "县长"], "since": None},
           {"name": "王春燕", "title": ["副县长"], "since": None}]
FILLER = ["为深入贯彻落实上级决策部署，进一步推动各项工作落地见效，现将有关事项通知如下。",
          "各乡镇、各有关部门要高度重视，加强组织领导，细化工作措施，确保按时保质完成任务。",
          "坚持以人民为中心的发展思想，着力解决群众急难愁盼问题，不断增强群众获得感、幸福感、安全感。",
          "请各单位于每月5日前报送工作进展情况，联系电话：0571-6000000。"]


def make_id(rng: random.Random, valid: bool = True) -> str:
    born = date(1950, 1, 1) + timedelta(days=rng.randint(0, 20000))
    first = f"3301{rng.randint(10, 99)}{born:%Y%m%d}{rng.randint(100, 999)}"
    check = id_check_digit(first)
    return first + (check if valid else ("0" if check != "0" else "1"))


def make_card(rng: random.Random, valid: bool = True) -> str:
    body = "6222" + "".join(str(rng.randint(0, 9)) for _ in range(14))
    good = next(body + d for d in "0123456789" if luhn(body + d))
    return good if valid else good[:-1] + str((int(good[-1]) + 1) % 10)


def mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"


# -- what each page carries: (kind, planted?) -> (extra paragraphs, extra markup, expected findings)
def _plants(rng: random.Random):
    """Each entry: name, paragraphs, markup after the content box, published date, attachment
    (name, bytes) or None, and the (code, kind) the page must raise (empty: a look-alike)."""
    after, before = AS_OF - timedelta(days=3), date(2017, 6, 1)
    hide = lambda style, host, text: f'<div style="{style}"><a href="http://{host}/">{text}</a></div>'  # noqa: E731
    cases = [
        ("renamed", ["县国土资源局开展耕地保护专项检查。"], "", after, None, {("CONTENT_WORDING", "renamed")}),
        ("renamed-2", ["市环境保护局通报了大气污染防治情况。"], "", after, None, {("CONTENT_WORDING", "renamed")}),
        ("outdated", ["做好建档立卡贫困户帮扶工作。"], "", after, None, {("CONTENT_WORDING", "outdated")}),
        ("typo", ["深入学习贯彻习近平新时代中国特色社会注意思想。"], "", before, None, {("CONTENT_WORDING", "typo")}),
        ("typo-2", ["坚持中国共产觉的全面领导。"], "", after, None, {("CONTENT_WORDING", "typo")}),
        ("leader", ["副县长周明辉出席会议并讲话。"], "", after, None, {("CONTENT_WORDING", "leader")}),
        ("id", [f"拟补助对象：张某某，身份证号{make_id(rng)}。"], "", after, None, {("PRIVACY_LEAK", "id_card")}),
        ("card", [f"补助资金打入其银行卡号{make_card(rng)}。"], "", after, None, {("PRIVACY_LEAK", "bank_card")}),
        ("mobiles", ["联系人电话：" + "、".join(mobile(rng) for _ in range(4)) + "。"], "", after, None,
         {("PRIVACY_LEAK", "mobile")}),
        ("hidden-spam", [], hide("display:none", "www.bet-a.example", "澳门百家乐"), after, None,
         {("HIDDEN_LINK", "hidden_spam")}),
        ("hidden-offscreen", [], hide("position:absolute;left:-9999px", "www.seo-b.example", "优化"), after, None,
         {("HIDDEN_LINK", "hidden_trick")}),
        ("hidden-marquee", [], '<marquee height="1" width="1"><a href="http://www.c.example/">友情</a></marquee>', after,
         None, {("HIDDEN_LINK", "hidden_trick")}),
        ("hidden-script", [], "<script>document.write('<a href=\"http://www.d-casino.example/\">真人娱乐</a>')</script>",
         after, None, {("HIDDEN_LINK", "hidden_spam")}),
        ("xlsx-id", ["救助对象名单见附件。"], "", after, ("名单.xlsx", "xlsx"), {("PRIVACY_LEAK", "id_card")}),
        ("docx-id", ["公示名单见附件。"], "", after, ("名单.docx", "docx"), {("PRIVACY_LEAK", "id_card")}),
        ("xls-id", ["公示名单见附件。"], "", after, ("名单.xls", "xls"), {("PRIVACY_LEAK", "id_card")}),
        ("pdf-id", ["公示名单见附件。"], "", after, ("名单.pdf", "pdf"), {("PRIVACY_LEAK", "id_card")}),
        # look-alikes: nothing may be reported
        ("historical-原", ["原县国土资源局办公楼改作档案馆。"], "", after, None, set()),
        ("historical-year", ["2016年，县国土资源局完成不动产确权登记。"], "", after, None, set()),
        ("historical-title", ["根据《国土资源部关于加强耕地保护的通知》要求执行。"], "", after, None, set()),
        ("historical-renamed", ["县国土资源局更名为县自然资源局。"], "", after, None, set()),
        ("before-change", ["县国土资源局开展耕地保护专项检查。"], "", before, None, set()),
        ("masked-id", [f"身份证号{make_id(rng)[:3]}{'*' * 11}{make_id(rng)[-4:]}。"], "", after, None, set()),
        ("invalid-id", [f"证件编号{make_id(rng, valid=False)}。"], "", after, None, set()),
        ("credit-code", ["统一社会信用代码91330127MA2H8N1X3K。"], "", after, None, set()),
        ("bad-card", [f"银行卡号{make_card(rng, valid=False)}。"], "", after, None, set()),
        ("two-mobiles", [f"联系电话：{mobile(rng)}、{mobile(rng)}。"], "", after, None, set()),
        ("leader-right", ["县委副书记、县长周明辉主持会议。"], "", after, None, set()),
        ("visible-links", [], '<div class="links"><a href="http://www.zj.gov.cn/">浙江省人民政府</a>'
                              '<a href="http://www.people.com.cn/">人民网</a></div>', after, None, set()),
        ("hidden-tab", [], '<div class="tab" style="display:none"><a href="http://news.example.com/1">新闻</a>'
                           '<a href="http://www.gov.cn/">中国政府网</a></div>', after, None, set()),
        ("hidden-gov-select", [], '<div style="display:none"><a href="http://www.hz.gov.cn/">杭州市</a></div>', after,
         None, set()),
        ("xlsx-masked", ["名单见附件。"], "", after, ("名单.xlsx", "xlsx-masked"), set()),
    ]
    return cases


def _attachment(kind: str, rng: random.Random) -> bytes | None:
    number = make_id(rng)
    rows = [["序号", "姓名", "身份证号", "金额"], ["1", "张三", number if kind != "xlsx-masked" else
                                               number[:3] + "*" * 11 + number[-4:], "1200"]]
    if kind.startswith("xlsx"):
        import openpyxl
        wb = openpyxl.Workbook()
        for r in rows:
            wb.active.append(r)
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()
    if kind == "docx":
        import docx
        d = docx.Document()
        t = d.add_table(rows=0, cols=4)
        for r in rows:
            for c, v in zip(t.add_row().cells, r, strict=True):
                c.text = v
        buf = io.BytesIO()
        d.save(buf)
        return buf.getvalue()
    if kind == "xls":
        try:
            import xlwt
        except ImportError:
            return None
        wb = xlwt.Workbook()
        ws = wb.add_sheet("s")
        for i, r in enumerate(rows):
            for j, v in enumerate(r):
                ws.write(i, j, v)
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()
    if kind == "pdf":
        try:
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.cidfonts import UnicodeCIDFont
            from reportlab.pdfgen import canvas
        except ImportError:
            return None
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        buf = io.BytesIO()
        c = canvas.Canvas(buf)
        c.setFont("STSong-Light", 11)
        for i, r in enumerate(rows):
            c.drawString(40, 780 - 20 * i, " ".join(r))
        c.save()
        return buf.getvalue()
    return None


def page_html(title: str, day: date, paragraphs: list[str], markup: str, attachment: str | None) -> bytes:
    nav = "".join(f'<li><a href="/{k}/">{n}</a></li>' for k, n in (("zwyw", "政务要闻"), ("tzgg", "通知公告"),
                                                                   ("zwgk", "政务公开"), ("hdjl", "互动交流")))
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    attach = f'<p>附件：<a href="/files/{attachment}">{attachment}</a></p>' if attachment else ""
    html = (f'<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="ArticleTitle" content="{title}">'
            f'<meta name="PubDate" content="{day} 09:30"><title>{title}_云岭县人民政府</title>'
            '<style>.nav li{float:left}.menu ul{display:none}</style></head><body>'
            f'<div class="header"><a href="/">云岭县人民政府</a></div><div class="nav"><ul>{nav}</ul></div>'
            f'<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/tzgg/">通知公告</a></div>'
            f'<div class="main"><h1>{title}</h1><div class="info">发布时间：{day} 来源：云岭县人民政府办公室</div>'
            f'<div class="TRS_Editor">{body}{attach}</div></div>{markup}'
            '<div class="footer"><p>主办单位：云岭县人民政府办公室</p><p>网站标识码：3311270001 浙ICP备05012345号</p>'
            "</div></body></html>")
    return html.encode("utf-8")


def build(n: int, seed: int = 16):
    """(pages: [(url, bytes, published)], attachments: {url: bytes}, expected: {page url: {(code, kind)}})"""
    rng = random.Random(seed)
    pages, attachments, expected = [], {}, {}
    cases = _plants(rng)
    for i in range(n):
        day = AS_OF - timedelta(days=1 + i % 200)
        url = f"{BASE}/tzgg/{day:%Y%m}/t{day:%Y%m%d}_{i}.html"
        title = f"关于做好第{i}项重点工作的通知"
        paragraphs = [FILLER[(i + k) % len(FILLER)] for k in range(3)]
        markup, attach_name, want = "", None, set()
        if i < len(cases) * 2 or i % 3 == 0:       # every case twice, then every third page carries one
            name, extra, markup, day, attach, want = cases[i % len(cases)]
            if extra:
                paragraphs.insert(1, extra[0])
            # one host per page: HIDDEN_LINK reports a host once, on the first page showing it
            markup = markup.replace(".example/", f"-{i}.example/")
            if attach is not None:
                data = _attachment(attach[1], rng)
                if data is None:
                    continue   # the writer for this format is not installed: the case is left out
                attach_name = f"{i}_{attach[0]}"
                attachments[f"{BASE}/files/{attach_name}"] = data
        expected[url] = set(want)
        pages.append((url, page_html(title, day, paragraphs, markup, attach_name), day))
    return pages, attachments, expected


def run(n: int, repeat: int, verbose: bool) -> int:
    pages, attachments, expected = build(n)
    best = {"extract": float("inf"), "read": float("inf"), "store": float("inf")}
    rows: list[dict] = []
    hidden_rows: list[dict] = []
    for _ in range(repeat):
        rows, hidden_rows = [], []
        t_ext = t_read = t_store = 0.0
        for url, body, day in pages:
            t0 = time.perf_counter()
            extract_page(body, url, as_of=AS_OF)
            t1 = time.perf_counter()
            art = read_article(body, url, as_of=AS_OF, listed_date=day)   # the list shows the date
            t2 = time.perf_counter()
            st = stored_text(art.text, AS_OF)
            t3 = time.perf_counter()
            t_ext, t_read, t_store = t_ext + t1 - t0, t_read + t2 - t1, t_store + t3 - t2
            rows.append({"url": url, "kind": "article", "column_key": "/tzgg/", "title": art.title,
                         "published": (art.date or day).isoformat(), "digest": st.digest, "chars": st.chars,
                         "found": st.found, "body": st.body})
            hidden_rows += [{"page_url": url, "url": h.url, "text": h.text, "how": h.how, "excerpt": h.excerpt}
                            for h in art.hidden]
            for _, link in art.attachments:
                data = attachments.get(link)
                if data is not None:
                    got = attachment_text(data, link)
                    sa = stored_text(got.text or "", AS_OF)
                    rows.append({"url": link, "kind": "attachment", "column_key": "/tzgg/", "title": link,
                                 "published": day.isoformat(), "parent_url": url, "digest": sa.digest,
                                 "chars": sa.chars, "found": sa.found, "body": sa.body, "error": got.error})
        for key, t in (("extract", t_ext), ("read", t_read), ("store", t_store)):
            best[key] = min(best[key], t / len(pages) * 1000)

    workdir = Path(tempfile.mkdtemp(prefix="govwatch-content-"))
    store = Store(workdir / "c.db")
    import json
    store.upsert_sites([{"id": "s", "name": "云岭县人民政府", "url": BASE + "/", "kind": "portal", "leaders": LEADERS}])
    run_id = store.start_run("sweep", AS_OF.isoformat())
    store.insert_batch("columns", [{"run_id": run_id, "site_id": "s", "key": "__home__", "name": "首页",
                                    "url": BASE + "/", "role": "home", "status": "ok", "level": 0},
                                   {"run_id": run_id, "site_id": "s", "key": "/tzgg/", "name": "通知公告",
                                    "url": BASE + "/tzgg/", "role": "list", "status": "ok", "level": 1}])
    store.insert_batch("fetches", [{"run_id": run_id, "site_id": "s", "url": BASE + "/", "status": 200,
                                    "kind": "home", "fetched_at": "x"}])
    store.insert_batch("page_texts", [dict(r, run_id=run_id, site_id="s") for r in rows])
    store.insert_batch("hidden_links", [dict(r, run_id=run_id, site_id="s") for r in hidden_rows])
    from checks.registry import RULES, load_builtin_rules
    load_builtin_rules()
    # the content rules' own time, on the same site context the engine builds
    content_rules = {c: RULES[c].func for c in ("CONTENT_WORDING", "PRIVACY_LEAK", "HIDDEN_LINK")}
    spent = [0.0]

    def timed(fn):
        def wrapper(ctx):
            t0 = time.perf_counter()
            out = list(fn(ctx))
            spent[0] += time.perf_counter() - t0
            return out
        return wrapper
    for code, fn in content_rules.items():
        RULES[code].func = timed(fn)
    try:
        t0 = time.perf_counter()
        (result,) = judge_run(store, run_id, as_of=AS_OF, rubric_name=None)
        judge_total = time.perf_counter() - t0
    finally:
        for code, fn in content_rules.items():
            RULES[code].func = fn
    got: dict[str, set] = {}
    for f in result["findings"]:
        if f["code"] in content_rules:
            ev = f["evidence"]
            page = ev.get("attachment_of") or ev.get("page_url")
            got.setdefault(page, set()).add((f["code"], ev.get("kind")))
    store.close()
    planted = sum(len(v) for v in expected.values())
    found = sum(len(expected.get(p, set()) & k) for p, k in got.items())
    missed = [(p, k) for p, want in expected.items() for k in want - got.get(p, set())]
    false = [(p, k) for p, have in got.items() for k in have - expected.get(p, set())]
    n_attach = sum(r["kind"] == "attachment" for r in rows)
    print(f"{len(pages)} article pages ({sum(bool(v) for v in expected.values())} with a planted problem, "
          f"{sum(not v for v in expected.values())} clean or look-alike), {n_attach} attachments "
          f"({', '.join(sorted({u.rsplit('.', 1)[1] for u in attachments}))}); {len(json.dumps(LEADERS))} B leaders list")
    print(f"planted {planted}: found {found}, missed {len(missed)}, false {len(false)}")
    for p, k in missed if verbose or missed else []:
        print(f"  MISSED {k} {p}")
    for p, k in false if verbose or false else []:
        print(f"  FALSE  {k} {p}")
    per_page = spent[0] / len(pages) * 1000
    content_total = best["read"] + best["store"] + per_page
    print(f"\nms per article page (best of {repeat}):")
    print(f"  extract_page on the same page (for scale)          {best['extract']:.2f}")
    print(f"  content read: parse, hidden links, body text, date  {best['read']:.2f}")
    print(f"  mask, hash and compress the text                   {best['store']:.2f}")
    print(f"  content rules (automaton, wording, privacy, links) {per_page:.2f}   (judge_run of the site: "
          f"{judge_total:.2f} s, all rules)")
    verdict = "meets" if content_total < 2 else "ABOVE"
    print(f"  content checks in all                               {content_total:.2f}  ({verdict} the 2 ms target)")
    t0 = time.perf_counter()
    for url, data in attachments.items():
        attachment_text(data, url)
    print(f"  an attachment's text (one of each {len(attachments)}, mean)        "
          f"{(time.perf_counter() - t0) / max(1, len(attachments)) * 1000:.2f}")
    _corpus(repeat)
    return 0 if not missed and not false else 1


def _corpus(repeat: int) -> None:
    """The same costs on the real article pages of ../shared/corpus (larger than generated ones)."""
    from checks.contentconf import DEFAULTS
    from checks.dictionary import load_dictionary
    from checks.matcher import matcher_for
    from checks.wording import judge
    corpus = ROOT.parent / "shared" / "corpus" / "raw"
    pages = sorted(corpus.glob("mhxqwer__*/index.html")) + sorted(corpus.glob("GeneralNewsExtractor__*/*.html"))
    if not pages:
        print(f"\n(real article pages not found at {corpus}: skipped)")
        return
    matcher = matcher_for(load_dictionary(DEFAULTS["dictionary"]))
    import re
    from collections import Counter

    def own_url(body: bytes) -> str:
        """The page's site, as the crawl would know it: the host most of its absolute links name."""
        hosts = Counter(re.findall(rb'href="https?://([^/"]+)', body))
        return f"http://{hosts.most_common(1)[0][0].decode('latin-1')}/a/t20231116_1.html" if hosts \
            else "http://www.example.gov.cn/a/t20231116_1.html"
    ext = content = float("inf")
    for _ in range(repeat):
        a = b = 0.0
        for path in pages:
            body = path.read_bytes()
            url = own_url(body)
            t0 = time.perf_counter()
            extract_page(body, url, as_of=AS_OF)
            t1 = time.perf_counter()
            art = read_article(body, url, as_of=AS_OF)
            st = stored_text(art.text, AS_OF)
            judge(art.text, art.date, matcher)
            t2 = time.perf_counter()
            del st
            a, b = a + t1 - t0, b + t2 - t1
        ext, content = min(ext, a / len(pages) * 1000), min(content, b / len(pages) * 1000)
    size = sum(p.stat().st_size for p in pages) / len(pages) / 1024
    print(f"\nreal article pages ({len(pages)}, {size:.0f} KB mean, ../shared/corpus): extract_page {ext:.2f} ms, "
          f"content read + mask + wording {content:.2f} ms per page")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=400)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    return run(args.articles, args.repeat, args.verbose)


if __name__ == "__main__":
    sys.exit(main())
