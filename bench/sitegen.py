"""A generated county portal for the crawl benchmark, pre-rendered into memory and served fast.

Why generated rather than the demo county: the benchmark needs thousands of pages (deep pagination
over many columns) in every CMS family the spider reads — TRS `createPageHTML` lists, Hanweb
datastore first pages with `dataproxy.jsp` POSTs, 集约化 `var listData` JSON pages — and it needs to
know in advance exactly which requests a sweep should make (`GenSite.expected`) and how they are
linked (`GenSite.graph`), so a bare Scrapy spider can fetch the very same pages and any page the
govwatch spider missed or added shows up as a difference.

Why pre-rendered and served by aiohttp: the server must not be the bottleneck. Every page a sweep
fetches is rendered once into a dict keyed by `request_key`; the server only looks the key up.
Article pages are never crawled by the spider, so they are rendered on demand (links still resolve).

    site = build_site(pages=5000)                     # GenSite
    with AsyncServer(site, hosts=["127.0.0.1"]) as srv:
        srv.base_urls                                 # ["http://127.0.0.1:PORT/"]
        srv.served                                    # Counter of (host, request_key) served
"""
from __future__ import annotations

import asyncio
import datetime as dt
import html
import math
import random
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

Response = tuple[int, dict[str, str], bytes]
Req = tuple[str, str, dict | None]          # (method, path[?query], formdata)

DEFAULT_AS_OF = dt.date(2026, 11, 27)
SITE_NAME = "云岭市人民政府"
SITE_CODE = "5301000099"
DATAPROXY_PATH = "/module/web/jpage/dataproxy.jsp"
HANWEB_PER_PAGE = 15
HANWEB_GROUP = 3                      # jpage fetches three pages per POST
TRS_PER_PAGE = 20
JIYUE_PER_PAGE = 15
JIYUE_UID = 420077
BOARD_PAGES = 6
BOARD_PER_PAGE = 15
HOME_BLOCK_ROWS = 7
TITLE_CUT = 24

HTML_UTF8 = "text/html; charset=utf-8"
XML_UTF8 = "text/xml; charset=utf-8"
ARTICLE_PATH_RE = re.compile(r"/t(\d{8})_(\d+)\.html$")
ROBOTS = b"User-agent: *\nAllow: /\n"
# the stylesheet, script and logo every page loads: served, as a real site serves them
ASSETS = {"/images/common.css": "text/css", "/script/jquery.min.js": "application/javascript",
          "/images/logo.png": "image/png"}

DEPTS = ["市发展和改革委员会", "市教育局", "市卫生健康委员会", "市农业农村局", "市自然资源和规划局",
         "市住房和城乡建设局", "市交通运输局", "市水务局", "市民政局", "市人力资源和社会保障局",
         "市市场监督管理局", "市应急管理局", "市文化和旅游局", "市财政局", "市生态环境局"]
TOPICS = ["安全生产", "防汛抗旱", "森林防火", "乡村振兴", "营商环境优化", "农村人居环境整治", "消防安全",
          "食品安全", "文明城市创建", "河湖长制", "耕地保护", "就业帮扶", "秋冬季农业生产", "城乡供水一体化",
          "义务教育优质均衡", "基层医疗服务能力提升", "养老服务体系建设", "数字政府建设", "老旧小区改造"]
KINDS = ["的通知", "的公告", "的公示", "工作情况通报", "实施方案", "工作要点", "的批复", "专项检查情况"]
TOWNS = ["金沙镇", "石门镇", "白沙镇", "梅溪镇", "龙潭乡", "竹坪乡", "云岭乡", "杨柳乡", "青松镇", "桃源乡"]

# (key, name, family, parent) — the 政务公开 tree; families: trs, hanweb, jiyue, static.
ZWGK_TREE: list[tuple[str, str, str, str | None]] = [
    ("gkzn", "政府信息公开指南", "static", None),
    ("gkzd", "政府信息公开制度", "static", None),
    ("jgzn", "机构职能", "static", None),
    ("ldxx", "领导信息", "static", None),
    ("zcwj", "政策文件", "trs", None),
    ("gfxwj", "规范性文件", "trs", "zcwj"),
    ("qtwj", "其他文件", "trs", "zcwj"),
    ("bmwj", "部门文件", "trs", "zcwj"),
    ("zcjd", "政策解读", "hanweb", None),
    ("hygq", "回应关切", "hanweb", None),
    ("ghjh", "规划计划", "trs", None),
    ("czyjs", "财政预决算", "jiyue", None),
    ("czys", "财政预算", "jiyue", "czyjs"),
    ("czjs", "财政决算", "jiyue", "czyjs"),
    ("bmyjs", "部门预决算", "jiyue", "czyjs"),
    ("sgjf", "三公经费", "jiyue", "czyjs"),
    ("xzxk", "行政许可", "trs", None),
    ("xzcf", "行政处罚", "trs", None),
    ("zfcg", "政府采购", "trs", None),
    ("rsxx", "人事信息", "trs", None),
    ("tjxx", "统计信息", "trs", None),
    ("yjgl", "应急管理", "trs", None),
    ("zdly", "重点领域信息", "trs", None),
    ("jyxx", "教育", "trs", "zdly"),
    ("ylws", "医疗卫生", "trs", "zdly"),
    ("sthj", "生态环境", "trs", "zdly"),
    ("spyp", "食品药品", "trs", "zdly"),
    ("aqsc", "安全生产", "trs", "zdly"),
    ("shjz", "社会救助", "hanweb", "zdly"),
    ("jycy", "就业创业", "hanweb", "zdly"),
    ("bzxzf", "保障性住房", "trs", "zdly"),
    ("ggwh", "公共文化体育", "trs", "zdly"),
    ("tdzs", "国有土地征收", "trs", "zdly"),
    ("ncwf", "农村危房改造", "trs", "zdly"),
    ("jyta", "建议提案办理", "trs", None),
    ("rddb", "人大代表建议", "trs", "jyta"),
    ("zxta", "政协提案", "trs", "jyta"),
    ("ndbg", "政府信息公开年报", "trs", None),
    ("zdxm", "重大建设项目", "trs", None),
    ("xzgk", "乡镇信息公开", "trs", None),
    *[(f"xz{i}", town, "trs" if i % 3 else "hanweb", "xzgk") for i, town in enumerate(TOWNS[:8])],
]
# Top navigation columns besides 政务公开 and the board.
MAIN_COLUMNS = [("zjyl", "走进云岭", "static"), ("zwyw", "政务要闻", "trs"), ("bmdt", "部门动态", "trs"),
                ("xzdt", "乡镇动态", "trs"), ("tzgg", "通知公告", "trs")]
HOME_BLOCKS = [("zwyw", True), ("bmdt", True), ("tzgg", False), ("zcwj", False)]
BOARD_KEY, BOARD_NAME, BOARD_PATH = "szxx", "市长信箱", "/hdjl/szxx/"
ZWGK_PATH = "/zwgk/"
# Real portals carry long 友情链接 / 部门网站 link lists on every page; they cost parsing time, not requests.
FOOTER_LINKS = "".join(f'<li><a href="http://www.yl{i:02d}.gov.cn/" target="_blank">{d}网站</a></li>'
                       for i, d in enumerate(DEPTS + [t + "人民政府" for t in TOWNS] + ["国务院", "省人民政府"] * 8))


@dataclass
class Column:
    key: str
    name: str
    family: str                       # trs | hanweb | jiyue | static | board
    section: str                      # main | zwgk | hdjl
    parent: str | None = None
    fetches: int = 1                  # requests a sweep makes for this column (first page included)
    total: int = 0                    # items listed
    column_id: int = 0                # Hanweb columnid / unitid
    items: list[tuple[str, dt.date, str]] = field(default_factory=list)   # (title, date, url)

    @property
    def path(self) -> str:
        if self.family == "hanweb":
            return f"/col/col{self.column_id}/index.html"
        if self.section in ("zwgk", "hdjl"):
            return f"/{self.section}/{self.key}/"
        return f"/{self.key}/"

    @property
    def directory(self) -> str:
        return self.path.rsplit("/", 1)[0] + "/"


@dataclass
class GenSite:
    """The rendered site: `pages` answers requests, `expected` and `graph` describe a full sweep."""
    as_of: dt.date
    columns: list[Column]
    pages: dict[str, Response] = field(default_factory=dict)
    expected: list[Req] = field(default_factory=list)
    graph: dict[str, list[Req]] = field(default_factory=dict)

    def handle(self, method: str, path: str, query: dict | str, form: dict | None) -> Response:
        """`LoopbackServer`-compatible handler (query/form may be parse_qs dicts of lists)."""
        key = request_key(method, path, query, form)
        hit = self.pages.get(key)
        if hit is not None:
            return hit
        m = ARTICLE_PATH_RE.search(path)
        if m and method.upper() in ("GET", "HEAD"):
            return _article(path, m)
        if path in ASSETS and method.upper() in ("GET", "HEAD"):
            return 200, {"Content-Type": ASSETS[path]}, b"/* asset */"   # what every page loads (link checks)
        return 404, {"Content-Type": HTML_UTF8}, "<html><body><p>您访问的页面不存在。</p></body></html>".encode()

    @property
    def list_columns(self) -> list[Column]:
        return [c for c in self.columns if c.family in ("trs", "hanweb", "jiyue")]


# -- request identity ---------------------------------------------------------------------------------
def _flat(params: dict | str | None) -> list[tuple[str, str]]:
    if not params:
        return []
    if isinstance(params, str):
        return parse_qsl(params, keep_blank_values=True)
    out = []
    for k, v in params.items():
        out.append((k, v[0] if isinstance(v, (list, tuple)) else v))
    return out


def request_key(method: str, path: str, query: dict | str | None = None, form: dict | None = None) -> str:
    """One string per distinct request: index pages folded, query sorted, and for a dataproxy POST
    the form's columnid (every Hanweb column shares the one proxy URL)."""
    method = "GET" if method.upper() == "HEAD" else method.upper()
    if not path or path.endswith("/"):
        path = (path or "/") + "index.html"
    key = f"{method} {path}"
    q = sorted(_flat(query))
    if q:
        key += "?" + urlencode(q)
    if method == "POST":
        f = dict(_flat(form))
        key += f"#columnid={f.get('columnid', '')}"
    return key


def req_key(req: Req) -> str:
    method, target, form = req
    path, _, query = target.partition("?")
    return request_key(method, path, query, form)


# -- content --------------------------------------------------------------------------------------------
def _title(rng: random.Random, col: Column, i: int) -> str:
    who = rng.choice(TOWNS) if col.key.startswith("xz") else rng.choice(DEPTS)
    return f"{who}关于{rng.choice(TOPICS)}{rng.choice(KINDS)}（{col.name}第{i + 1}号）"


def _cut(title: str) -> str:
    return title if len(title) <= TITLE_CUT else title[:TITLE_CUT - 1] + "…"


def _fill_items(col: Column, as_of: dt.date, rng: random.Random, doc_ids: list[int]) -> None:
    """Newest first, dated backwards from a few days before as-of over up to ten years."""
    newest = rng.randint(0, 20)
    gap = min(3.0, 3650 / max(col.total, 1))
    for i in range(col.total):
        d = as_of - dt.timedelta(days=newest + int(i * gap))
        doc_ids[0] += 1
        url = f"{col.directory}{d:%Y%m}/t{d:%Y%m%d}_{doc_ids[0]}.html"
        col.items.append((_title(rng, col, i), d, url))


def _plan(columns: list[Column], pages: int, fixed: int, rng: random.Random) -> None:
    """Share the page budget over the list columns, heavy-tailed (a few columns paginate deeply)."""
    lists = [c for c in columns if c.family in ("trs", "hanweb", "jiyue")]
    budget = max(pages - fixed, len(lists))
    weights = [rng.paretovariate(1.1) for _ in lists]
    scale = budget / sum(weights)
    for c, w in zip(lists, weights, strict=False):
        c.fetches = max(1, int(w * scale))
    short = budget - sum(c.fetches for c in lists)
    biggest = sorted(lists, key=lambda c: -c.fetches)
    for i in range(abs(short)):   # rounding: spread the remainder over the largest columns
        c = biggest[i % len(biggest)]
        c.fetches += 1 if short > 0 else (-1 if c.fetches > 1 else 0)
    for c in lists:
        f = c.fetches
        if c.family == "trs":
            c.total = rng.randint((f - 1) * TRS_PER_PAGE + 1, f * TRS_PER_PAGE)
        elif c.family == "jiyue":
            c.total = rng.randint((f - 1) * JIYUE_PER_PAGE + 1, f * JIYUE_PER_PAGE)
        else:   # hanweb: first page embeds 15, then one POST per 45 records from record 1
            step = HANWEB_PER_PAGE * HANWEB_GROUP
            c.total = rng.randint(1, HANWEB_PER_PAGE) if f == 1 else rng.randint(
                max((f - 2) * step + 1, HANWEB_PER_PAGE + 1), (f - 1) * step)


# -- rendering ------------------------------------------------------------------------------------------
def _esc(text: str) -> str:
    return html.escape(text, quote=True)


class _Renderer:
    def __init__(self, site: GenSite):
        self.site = site
        self.by_key = {c.key: c for c in site.columns}
        nav = [("/index.html", "首页")] + [(self.by_key[k].path, n) for k, n, _ in MAIN_COLUMNS] + [
            (ZWGK_PATH, "政务公开"), (BOARD_PATH, "互动交流")]
        self.nav_html = "".join(f'<li><a href="{h}">{_esc(n)}</a></li>' for h, n in nav)
        zwgk = [c for c in site.columns if c.section == "zwgk"]
        parts = []
        for c in (c for c in zwgk if c.parent is None):
            kids = [s for s in zwgk if s.parent == c.key]
            sub = "".join(f'<li class="lv2"><a href="{s.path}">{_esc(s.name)}</a></li>' for s in kids)
            parts.append(f'<li class="lv1"><a href="{c.path}">{_esc(c.name)}</a>'
                         + (f"<ul>{sub}</ul>" if sub else "") + "</li>")
        self.tree_html = ('<div class="leftmenu"><h2>政务公开</h2><ul class="tree">' + "".join(parts)
                          + "</ul></div>")

    def page(self, title: str, meta: str, body: str) -> bytes:
        footer = FOOTER_LINKS
        text = (
            '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta name="SiteName" content="{SITE_NAME}"><meta name="SiteIDCode" content="{SITE_CODE}">{meta}'
            f'<title>{_esc(title)}</title><link rel="stylesheet" href="/images/common.css">'
            '<script type="text/javascript" src="/script/jquery.min.js"></script></head><body>'
            f'<div class="header"><div class="logo"><a href="/index.html"><img src="/images/logo.png" alt="{SITE_NAME}"></a></div>'
            '<div class="search"><form action="/search.html" method="get"><input type="text" name="q">'
            '<input type="submit" value="搜索"></form></div></div>'
            f'<div class="nav"><ul>{self.nav_html}</ul></div><div class="main">{body}</div>'
            f'<div class="footer"><div class="links"><h4>友情链接</h4><ul>{footer}</ul></div>'
            f'<p>主办单位：{SITE_NAME}办公室　承办单位：云岭市大数据中心　网站标识码：{SITE_CODE}</p>'
            '<p>地址：云岭市人民路1号　联系电话：0871-6000000　滇ICP备05012345号</p></div></body></html>\n')
        return text.encode("utf-8")

    def column_page(self, col: Column, content: str) -> bytes:
        crumbs = '<a href="/index.html">首页</a>'
        if col.section == "zwgk":
            crumbs += f' &gt; <a href="{ZWGK_PATH}">政务公开</a>'
            if col.parent:
                p = self.by_key[col.parent]
                crumbs += f' &gt; <a href="{p.path}">{_esc(p.name)}</a>'
        meta = (f'<meta name="ColumnName" content="{_esc(col.name)}">'
                f'<meta name="ColumnType" content="{_esc(col.name)}">')
        tree = self.tree_html if col.section == "zwgk" else ""
        body = (f'<div class="position">当前位置：{crumbs} &gt; <span>{_esc(col.name)}</span></div>{tree}'
                f'<div class="rightcontent"><div class="column-title"><h2>{_esc(col.name)}</h2></div>{content}</div>')
        return self.page(f"{col.name}_{SITE_NAME}", meta, body)

    @staticmethod
    def li(title: str, d: dt.date, href: str, short: bool = False) -> str:
        shown = f"{d:%m-%d}" if short else d.isoformat()
        return (f'<li><a href="{href}" title="{_esc(title)}" target="_blank">{_esc(_cut(title))}</a>'
                f"<span>{shown}</span></li>")

    def children_html(self, col: Column) -> str:
        kids = [c for c in self.site.columns if c.parent == col.key]
        if not kids:
            return ""
        return '<div class="subcolumns">' + "".join(
            f'<a href="{c.path}">{_esc(c.name)}</a>' for c in kids) + "</div>"

    def trs(self, col: Column, k: int, pages: int) -> bytes:
        chunk = col.items[k * TRS_PER_PAGE:(k + 1) * TRS_PER_PAGE]
        rows = "".join(self.li(t, d, "./" + u[len(col.directory):]) for t, d, u in chunk)
        content = (f'{self.children_html(col)}<div class="list"><ul>{rows}</ul></div>'
                   '<div class="page" id="page_div"><script type="text/javascript">'
                   f'createPageHTML({pages}, {k}, "index", "html");</script></div>')
        return self.column_page(col, content)

    @staticmethod
    def hanweb_record(item: tuple[str, dt.date, str]) -> str:
        title, d, url = item
        return (f'<li><a href="{url}" title="{_esc(title)}" target="_blank">{_esc(_cut(title))}</a>'
                f"<span>{d.isoformat()}</span></li>")

    def hanweb_first(self, col: Column) -> bytes:
        cid = col.column_id
        records = "".join(f"<record><![CDATA[\n{self.hanweb_record(i)}\n]]></record>\n"
                          for i in col.items[:HANWEB_PER_PAGE])
        content = (
            f'{self.children_html(col)}<div class="default_pgContainer"><div id="{cid}"><script type="text/xml"><datastore>\n'
            f'<nextgroup><![CDATA[<a href="{DATAPROXY_PATH}?page=1&appid=1&webid=1&path=/&columnid={cid}'
            f'&unitid={cid}&webname={SITE_NAME}&permissiontype=0"></a>]]></nextgroup>\n'
            f"<recordset>\n{records}</recordset>\n</datastore>\n</script></div>"
            f"<script language=\"javascript\">$('#{cid}').jpage({{ containerid:'{cid}', totalRecord:{col.total}, "
            f"perPage:{HANWEB_PER_PAGE}, groupSize:{HANWEB_GROUP}, proxyUrl:'{DATAPROXY_PATH}', "
            f"ajaxParam:{{ col:1, appid:1, webid:1, path:'/', columnid:{cid}, unitid:'{cid}', permissiontype:0 }} }});"
            "</script></div>")
        return self.column_page(col, content)

    def hanweb_xml(self, col: Column, start: int, end: int) -> bytes:
        records = "".join(f"<record><![CDATA[\n{self.hanweb_record(i)}\n]]></record>\n"
                          for i in col.items[start - 1:end])
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<datastore>\n<totalrecord>{col.total}</totalrecord>\n'
                f"<recordset>\n{records}</recordset>\n</datastore>\n").encode()

    def jiyue(self, col: Column, page: int, pages: int) -> bytes:
        import json
        chunk = col.items[(page - 1) * JIYUE_PER_PAGE:page * JIYUE_PER_PAGE]
        arts = [{"title": t, "pubDate": f"{d.isoformat()} 09:30:00", "urls": json.dumps({"pc": u}),
                 "showTitle": t, "id": str(n)} for n, (t, d, u) in enumerate(chunk)]
        channel = {"name": col.name, "articleCount": col.total, "urls": json.dumps({"pc": col.path})}
        content = (
            f'{self.children_html(col)}<ul class="List_list" id="listContent"></ul><div class="pagination" id="pageBar"></div>'
            '<script type="text/javascript">\n'
            f"var channelsTagSelf = {json.dumps(channel, ensure_ascii=False)};\n"
            f"var listData = {{ articleList: {json.dumps(arts, ensure_ascii=False)},\n"
            f'pageInfo: {{"current":{page},"perPage":{JIYUE_PER_PAGE},"pages":{pages}}}, "articleCount": {col.total} }};\n'
            f"loadPageData({{current:{page}, unitid:'{JIYUE_UID}', channelCode:['{col.key}'], "
            f"perPage:'{JIYUE_PER_PAGE}', url:'{col.path}?uid={JIYUE_UID}&pageNum='}});\n</script>")
        return self.column_page(col, content)

    def static(self, col: Column) -> bytes:
        paras = "".join(f"<p>{_esc(col.name)}：{SITE_NAME}依照《中华人民共和国政府信息公开条例》第{i + 1}条编制本页内容。</p>"
                        for i in range(6))
        return self.column_page(col, f'<div class="static-content" id="zoom">{paras}</div>')

    def board(self, col: Column, k: int, letters: list[tuple], pages: int) -> bytes:
        rows = "".join(
            f'<tr><td>{num}</td><td><a href="{col.directory}{num}.html" title="{_esc(t)}">{_esc(t)}</a></td>'
            f"<td>{sub.isoformat()}</td><td>{'已回复' if rep else '待回复'}</td>"
            f"<td>{rep.isoformat() if rep else ''}</td></tr>" for num, t, sub, rep in letters)
        links = "".join(f'<a href="{"index" if i == 0 else f"index_{i}"}.html">{i + 1}</a>' for i in range(pages))
        nxt = f'<a href="index_{k + 1}.html">下一页</a>' if k + 1 < pages else ""
        content = (
            f'<div class="mailbox-intro"><p>{BOARD_NAME}受理群众咨询、建议和投诉，一般事项5个工作日内答复。</p></div>'
            '<table class="mailbox-list" width="100%"><thead><tr><th>编号</th><th>来信主题</th><th>来信时间</th>'
            f"<th>状态</th><th>答复时间</th></tr></thead><tbody>{rows}</tbody></table>"
            f'<div class="page">共{pages}页 {links} {nxt} <a href="index_{pages - 1}.html">尾页</a></div>')
        return self.column_page(col, content)

    def zwgk_index(self) -> bytes:
        col = Column("zwgk", "政务公开", "trs", "zwgk")
        meta = '<meta name="ColumnName" content="政务公开">'
        body = (f'<div class="position">当前位置：<a href="/index.html">首页</a> &gt; <span>政务公开</span></div>'
                f'{self.tree_html}<div class="rightcontent"><p>本栏目集中发布{SITE_NAME}法定主动公开内容。</p></div>')
        del col
        return self.page(f"政务公开_{SITE_NAME}", meta, body)

    def home(self) -> bytes:
        blocks = []
        for key, short in HOME_BLOCKS:
            c = self.by_key[key]
            rows = "".join(self.li(t, d, u, short) for t, d, u in c.items[:HOME_BLOCK_ROWS])
            blocks.append(f'<div class="block"><h3>{_esc(c.name)}</h3><a class="more" href="{c.path}">更多</a>'
                          f"<ul>{rows}</ul></div>")
        body = ("".join(blocks)
                + f'<div class="block entrances"><h3>政务公开</h3><ul><li><a href="{ZWGK_PATH}">政府信息公开</a></li></ul></div>'
                + f'<div class="block hdjl"><h3>互动交流</h3><ul><li><a href="{BOARD_PATH}">{BOARD_NAME}</a></li></ul></div>')
        meta = '<meta name="ColumnName" content="首页"><meta name="Description" content="云岭市人民政府门户网站">'
        return self.page(SITE_NAME, meta, body)


def _article(path: str, m: re.Match) -> Response:
    d = dt.datetime.strptime(m.group(1), "%Y%m%d").date()
    body = (f'<html><head><meta charset="utf-8"><meta name="ArticleTitle" content="文章{m.group(2)}">'
            f'<meta name="PubDate" content="{d.isoformat()} 09:30"></head><body><h1>文章{m.group(2)}</h1>'
            f"<p>发布时间：{d.isoformat()}</p></body></html>")
    return 200, {"Content-Type": HTML_UTF8}, body.encode("utf-8")


# -- assembly -------------------------------------------------------------------------------------------
def build_site(pages: int = 5000, *, as_of: dt.date = DEFAULT_AS_OF, seed: int = 7,
               zwgk_columns: int | None = None) -> GenSite:
    """A site whose full sweep makes about `pages` requests (exactly `len(site.expected)`).
    `zwgk_columns` keeps only the first so many 政务公开 columns (a small county department site
    for the fleet benchmark; 政策文件 stays, the homepage shows it)."""
    rng = random.Random(seed)
    columns = [Column(k, n, f, "main") for k, n, f in MAIN_COLUMNS]
    tree = ZWGK_TREE if zwgk_columns is None else ZWGK_TREE[:max(zwgk_columns, 5)]
    columns += [Column(k, n, f, "zwgk", parent=p) for k, n, f, p in tree]
    for i, c in enumerate(c for c in columns if c.family == "hanweb"):
        c.column_id = 1400 + i * 7
    board = Column(BOARD_KEY, BOARD_NAME, "board", "hdjl", fetches=BOARD_PAGES)
    columns.append(board)
    fixed = 2 + sum(1 for c in columns if c.family == "static") + BOARD_PAGES   # home, 政务公开, statics, board
    _plan(columns, pages, fixed, rng)
    doc_ids = [10000]
    for c in columns:
        if c.family in ("trs", "hanweb", "jiyue"):
            _fill_items(c, as_of, rng, doc_ids)
    site = GenSite(as_of=as_of, columns=columns)
    r = _Renderer(site)
    html_h = {"Content-Type": HTML_UTF8}

    def put(req: Req, body: bytes, parent: Req | None, ctype: dict = html_h) -> None:
        site.pages[req_key(req)] = (200, ctype, body)
        site.expected.append(req)
        if parent is not None:
            site.graph.setdefault(req_key(parent), []).append(req)

    home: Req = ("GET", "/", None)
    put(home, r.home(), None)
    zwgk: Req = ("GET", ZWGK_PATH, None)
    for c in columns:
        if c.section in ("main", "hdjl") and c.family != "board":
            parent = home
        elif c.family == "board":
            continue
        else:
            parent = zwgk
        first: Req = ("GET", c.path, None)
        if c.family == "static":
            put(first, r.static(c), parent)
        elif c.family == "trs":
            pages_n = max(1, math.ceil(c.total / TRS_PER_PAGE))
            put(first, r.trs(c, 0, pages_n), parent)
            for k in range(1, pages_n):
                put(("GET", f"{c.directory}index_{k}.html", None), r.trs(c, k, pages_n), first)
        elif c.family == "jiyue":
            pages_n = max(1, math.ceil(c.total / JIYUE_PER_PAGE))
            put(first, r.jiyue(c, 1, pages_n), parent)
            for n in range(2, pages_n + 1):
                put(("GET", f"{c.path}?uid={JIYUE_UID}&pageNum={n}", None), r.jiyue(c, n, pages_n), first)
        elif c.family == "hanweb":
            put(first, r.hanweb_first(c), parent)
            if c.total > HANWEB_PER_PAGE:
                step = HANWEB_PER_PAGE * HANWEB_GROUP
                form = {"col": "1", "appid": "1", "webid": "1", "path": "/", "columnid": str(c.column_id),
                        "sourceContentType": "1", "unitid": str(c.column_id), "webname": SITE_NAME,
                        "permissiontype": "0"}
                for start in range(1, c.total + 1, step):
                    target = f"{DATAPROXY_PATH}?startrecord={start}&endrecord={start + step - 1}&perpage={HANWEB_PER_PAGE}"
                    put(("POST", target, form), r.hanweb_xml(c, start, start + step - 1), first,
                        {"Content-Type": XML_UTF8})
    put(zwgk, r.zwgk_index(), home)
    # the board: answered letters show their reply day in the list, so no detail page is needed
    letters = []
    for i in range(BOARD_PAGES * BOARD_PER_PAGE):
        sub = as_of - dt.timedelta(days=2 + i * 3)
        rep = None if i % 11 == 0 and i < 30 else sub + dt.timedelta(days=1 + i % 4)
        letters.append((f"XX{sub:%Y%m%d}{i:03d}", f"关于{rng.choice(TOPICS)}的咨询", sub, rep))
    board_first: Req = ("GET", BOARD_PATH, None)
    for k in range(BOARD_PAGES):
        chunk = letters[k * BOARD_PER_PAGE:(k + 1) * BOARD_PER_PAGE]
        req = board_first if k == 0 else ("GET", f"{BOARD_PATH}index_{k}.html", None)
        put(req, r.board(board, k, chunk, BOARD_PAGES), home if k == 0 else board_first)
    site.pages[request_key("GET", "/robots.txt")] = (200, {"Content-Type": "text/plain"}, ROBOTS)
    return site


# -- the server -----------------------------------------------------------------------------------------
class AsyncServer:
    """aiohttp on its own event-loop thread, one listening socket per loopback host.

    Records every request served (`served`: Counter of (host, request_key)) and the time of the first
    and last one since `reset()`, so a run's steady request rate is measured at the server."""

    def __init__(self, site: GenSite, hosts: list[str] | None = None):
        self.site = site
        self.hosts = hosts or ["127.0.0.1"]
        if not all(h.startswith("127.") for h in self.hosts):
            raise ValueError(f"AsyncServer binds loopback addresses only, not {self.hosts!r}")
        self.served: Counter = Counter()
        self.first: float | None = None
        self.last: float | None = None
        self.ports: list[int] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner = None

    @property
    def base_urls(self) -> list[str]:
        return [f"http://{h}:{p}/" for h, p in zip(self.hosts, self.ports, strict=False)]

    def reset(self) -> None:
        self.served = Counter()
        self.first = self.last = None

    async def _handle(self, request):
        from aiohttp import web
        form = dict(await request.post()) if request.method == "POST" else None
        status, headers, body = self.site.handle(request.method, request.path, request.query_string, form)
        now = time.perf_counter()
        if self.first is None:
            self.first = now
        self.last = now
        self.served[(request.host.split(":")[0], request_key(request.method, request.path,
                                                             request.query_string, form))] += 1
        return web.Response(status=status, body=body, headers=headers)

    async def _start(self):
        from aiohttp import web
        server = web.Server(self._handle, access_log=None)
        self._runner = web.ServerRunner(server, access_log=None)
        await self._runner.setup()
        for h in self.hosts:
            tcp = web.TCPSite(self._runner, h, 0, backlog=1024)
            await tcp.start()
            self.ports.append(tcp._server.sockets[0].getsockname()[1])

    def start(self) -> AsyncServer:
        ready = threading.Event()
        errors: list[BaseException] = []

        def run():
            self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self._loop)
            try:
                self._loop.run_until_complete(self._start())
            except BaseException as e:  # noqa: BLE001 - reported to the starting thread
                errors.append(e)
                ready.set()
                return
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="sitegen-server", daemon=True)
        self._thread.start()
        ready.wait(30)
        if errors:
            raise RuntimeError(f"sitegen server failed to start on {self.hosts}: {errors[0]}")
        return self

    def stop(self) -> None:
        if self._loop is None:
            return
        fut = asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop)
        fut.result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop = None

    def __enter__(self) -> AsyncServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
