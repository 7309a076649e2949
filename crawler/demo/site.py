"""The demo county portal 青溪县人民政府 rendered from the content model, as an in-memory HTTP handler.

Pages are rendered once per (as-of, variant) into a path → response map, so a crawl sees a stable
site and tests can enumerate every page. Only the parts real sites answer dynamically stay dynamic:
the Hanweb ``dataproxy.jsp`` POST endpoint and the 集约化 ``?pageNum=`` pages.
"""
from __future__ import annotations

import datetime as dt
import json
import math
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import jinja2
import yaml
from markupsafe import Markup

from .content import (
    HANWEB_COLUMN_ID,
    HANWEB_PER_PAGE,
    HANWEB_UNIT_ID,
    JIYUE_PER_PAGE,
    JIYUE_UID,
    SITE_CODE,
    SITE_DOMAIN,
    SITE_NAME,
    TRS_PER_PAGE,
    Column,
    Item,
    SiteModel,
    build_model,
)

HERE = Path(__file__).resolve().parent
PLANTED_FILE = HERE / "planted.yaml"
DATAPROXY_PATH = "/module/web/jpage/dataproxy.jsp"
WEBNAME = "青溪县人民政府"
TITLE_CUT = 24
HOME_BLOCK_ROWS = 7
# Homepage blocks: (column key, date shown as MM-DD?) — real homepages often drop the year.
HOME_BLOCKS = [("zwyw", True), ("bmdt", True), ("gsgg", False), ("zcwj", False)]
NAV_KEYS = ["zjqx", "zwyw", "bmdt", "xzdt", "tzgg", "zwgk", "bsfw", "xzxx"]
ZWGK_PATH = "/zwgk/index.html"
POSITIVE_INT = re.compile(r"^\d{1,6}$")

HTML_UTF8 = "text/html; charset=utf-8"
HTML_GBK = "text/html; charset=gbk"
XML_UTF8 = "text/xml; charset=utf-8"

Response = tuple[int, dict[str, str], bytes]

# 1×1 transparent PNG: real pages reference images and scripts; serving them keeps link checks clean.
_PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                     "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")
_JS = {"Content-Type": "application/javascript; charset=utf-8"}
ASSETS: dict[str, Response] = {
    **{f"/images/{n}.png": (200, {"Content-Type": "image/png"}, _PNG)
       for n in ("logo", "gongan", "dzjg", "banner_zwgk", "zwfw", "sjxx")},
    "/images/common.css": (200, {"Content-Type": "text/css; charset=utf-8"}, b"body{margin:0}\n"),
    "/script/jquery.min.js": (200, _JS, b"/* jQuery stub of the demo site */\n"),
    "/script/jiucuo.js": (200, _JS, b"/* \xe7\xba\xa0\xe9\x94\x99 widget stub */\n"),
    "/script/ta.js": (200, _JS, b"/* analytics stub */\n"),
    "/script/page.js": (200, _JS, b"function createPageHTML(count, current, name, ext) {}\n"),
    "/module/visitcount/visit.jsp": (200, _JS, b"document.write('');\n"),
    "/robots.txt": (200, {"Content-Type": "text/plain; charset=utf-8"}, b"User-agent: *\nAllow: /\n"),
}


def load_planted(variant: int) -> dict:
    """The variant's entry of planted.yaml: ``findings`` (+ ``resolved``/``new`` for variant 1)."""
    data = yaml.safe_load(PLANTED_FILE.read_text(encoding="utf-8"))
    try:
        return data["variants"][variant]
    except KeyError:
        raise ValueError(f"{PLANTED_FILE}: no variant {variant!r}") from None


def _rel(from_dir: str, target: str) -> str:
    rel = posixpath.relpath(target, from_dir)
    return rel if rel.startswith("../") else "./" + rel


def _cut(title: str) -> str:
    return title if len(title) <= TITLE_CUT else title[:TITLE_CUT - 1] + "…"


@dataclass
class DemoSite:
    """One rendering of the demo county; ``handle`` is the LoopbackServer handler."""
    model: SiteModel
    planted: list[dict]
    planted_changes: dict = field(default_factory=dict)   # variant 1: resolved / new
    pages: dict[str, Response] = field(default_factory=dict)

    @property
    def as_of(self) -> dt.date:
        return self.model.as_of

    @property
    def variant(self) -> int:
        return self.model.variant

    # -- request handling -------------------------------------------------------------------------
    def handle(self, method: str, path: str, query: dict[str, list[str]],
               form: dict[str, list[str]]) -> Response:
        method = method.upper()
        if method not in ("GET", "HEAD", "POST"):
            return 405, {"Content-Type": "text/plain; charset=utf-8", "Allow": "GET, HEAD, POST"}, b"405 Method Not Allowed"
        if not path or path == "/":
            path = "/index.html"
        elif path.endswith("/"):
            path += "index.html"
        if path == DATAPROXY_PATH:
            return self._dataproxy({**query, **form})
        jiyue = self._column_by_path(path, "jiyue")
        if jiyue is not None and query.get("pageNum"):
            return self._jiyue_page(jiyue, query["pageNum"][0])
        if method == "POST":
            return 405, {"Content-Type": "text/plain; charset=utf-8", "Allow": "GET, HEAD"}, b"405 Method Not Allowed"
        return self.pages.get(path) or self._not_found()

    def _not_found(self) -> Response:
        body = "<html><head><meta charset=\"utf-8\"><title>404</title></head><body><p>您访问的页面不存在或已被删除。</p></body></html>"
        return 404, {"Content-Type": HTML_UTF8}, body.encode("utf-8")

    def _column_by_path(self, path: str, family: str | None = None) -> Column | None:
        for c in self.model.columns:
            if c.path == path and (family is None or c.family == family):
                return c
        return None

    def _dataproxy(self, params: dict[str, list[str]]) -> Response:
        """Hanweb jpage proxy: records ``startrecord..endrecord`` (1-based, inclusive)."""
        def one(name: str, default: str = "") -> str:
            return (params.get(name) or [default])[0].strip()

        # The nextgroup link is fetched without a range: the jpage default is the first page.
        raw = {"startrecord": one("startrecord", "1"), "perpage": one("perpage", str(HANWEB_PER_PAGE))}
        raw["endrecord"] = one("endrecord", str(int(raw["startrecord"]) + int(raw["perpage"]) - 1)
                               if all(POSITIVE_INT.match(v) for v in raw.values()) else "")
        if not all(POSITIVE_INT.match(v) for v in raw.values()):
            return 400, {"Content-Type": "text/plain; charset=utf-8"}, (
                f"dataproxy.jsp: startrecord/endrecord/perpage must be integers, got {raw}").encode()
        start, end = int(raw["startrecord"]), int(raw["endrecord"])
        col = self._column_by_path(f"/col/col{HANWEB_COLUMN_ID}/index.html", "hanweb")
        known = one("columnid") == str(HANWEB_COLUMN_ID) and one("unitid") == str(HANWEB_UNIT_ID)
        items = col.items if (col is not None and known) else []
        chosen = items[max(start, 1) - 1:end] if end >= start else []
        records = "".join(f"<record><![CDATA[\n{self._hanweb_record(i)}\n]]></record>\n" for i in chosen)
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<datastore>\n<totalrecord>{len(items)}</totalrecord>\n'
                f"<recordset>\n{records}</recordset>\n</datastore>\n")
        return 200, {"Content-Type": XML_UTF8}, body.encode("utf-8")

    @staticmethod
    def _hanweb_record(item: Item) -> str:
        return (f'<li><a href="{item.url}" title="{xml_escape(item.title, {chr(34): "&quot;"})}" target="_blank">'
                f'{xml_escape(_cut(item.title))}</a><span>{item.date.isoformat()}</span></li>')

    def _jiyue_page(self, col: Column, page: str) -> Response:
        if not POSITIVE_INT.match(page.strip()) or int(page) < 1:
            return self._not_found()
        return self.render_jiyue(col, int(page))

    # -- rendering ---------------------------------------------------------------------------------
    def render_all(self) -> None:
        env = _environment()
        self._env = env
        m = self.model
        self._put("/index.html", "home.html.j2", HTML_UTF8, "utf-8", blocks=self._home_blocks())
        self._put(ZWGK_PATH, "zwgk_index.html.j2", HTML_UTF8, "utf-8",
                  column=Column("zwgk", "政务公开", ZWGK_PATH, "section", column_type="政务公开"),
                  crumbs=[], tree=self._tree())
        for col in m.columns:
            ctype, enc = (HTML_GBK, "gbk") if col.encoding == "gbk" else (HTML_UTF8, "utf-8")
            common = {"column": col, "crumbs": self._crumbs(col), "charset": enc,
                      "tree": self._tree() if col.section == "zwgk" else None}
            if col.family == "static":
                self._put(col.path, "static.html.j2", ctype, enc, **common)
            elif col.family in ("trs", "trs_table", "annual"):
                self._render_trs(col, ctype, enc, common)
            elif col.family == "hanweb":
                self._put(col.path, "list_hanweb.html.j2", ctype, enc, **common,
                          unitid=HANWEB_UNIT_ID, columnid=HANWEB_COLUMN_ID, webname=WEBNAME,
                          total=len(col.items), per_page=HANWEB_PER_PAGE,
                          records=[Markup(self._hanweb_record(i)) for i in col.items[:HANWEB_PER_PAGE]])
            elif col.family == "jiyue":
                self.pages[col.path] = self.render_jiyue(col, 1)
            elif col.family == "board":
                self._put(col.path, "board_list.html.j2", ctype, enc, **common, letters=m.letters)
                for letter in m.letters:
                    self._put(letter.url, "board_detail.html.j2", ctype, enc, column=col, letter=letter)
            for item in col.items:
                if col.family == "trs_table":
                    continue   # the parent table links the sub-columns' articles
                self._put(item.url, "article.html.j2", ctype, enc, column=col, item=item,
                          crumbs=self._crumbs(col))
        self._put("/search.html", "static.html.j2", HTML_UTF8, "utf-8", crumbs=[], tree=None,
                  column=Column("search", "站内搜索", "/search.html", "static", column_type="搜索",
                                paragraphs=["请输入关键词进行检索。"]))
        self._put("/hdjl/xzxx/write.html", "static.html.j2", HTML_UTF8, "utf-8", tree=None,
                  crumbs=[{"name": "互动交流", "href": "/hdjl/xzxx/index.html"}],
                  column=Column("xzxx-write", "我要写信", "/hdjl/xzxx/write.html", "static", column_type="互动交流",
                                paragraphs=["请如实填写姓名、联系电话和来信内容，我们将在5个工作日内答复。"]))
        self.pages.update(ASSETS)

    def _put(self, path: str, template: str, ctype: str, encoding: str, **ctx) -> None:
        ctx.setdefault("charset", encoding)
        html = self._env.get_template(template).render(
            site_name=SITE_NAME, site_code=SITE_CODE, site_domain=SITE_DOMAIN, nav=self._nav(), **ctx)
        self.pages[path] = (200, {"Content-Type": ctype}, html.encode(encoding))

    def _render_trs(self, col: Column, ctype: str, enc: str, common: dict) -> None:
        pages = max(1, math.ceil(len(col.items) / TRS_PER_PAGE))
        children = [{"name": c.name, "href": _rel(col.directory, c.path)}
                    for c in self.model.columns if c.parent == col.key]
        for k in range(pages):
            chunk = col.items[k * TRS_PER_PAGE:(k + 1) * TRS_PER_PAGE]
            rows = [{"href": _rel(col.directory, i.url), "title": i.title, "text": _cut(i.title),
                     "date": i.date.isoformat(), "index_no": i.index_no, "source": i.source} for i in chunk]
            path = col.path if k == 0 else f"{col.directory}index_{k}.html"
            self._put(path, "list_trs.html.j2", ctype, enc, **common, rows=rows, table=col.family == "trs_table",
                      page_count=pages, page_index=k, note=col.note, children=children)

    def render_jiyue(self, col: Column, page: int) -> Response:
        pages = max(1, math.ceil(len(col.items) / JIYUE_PER_PAGE))
        if page > pages:
            return self._not_found()
        chunk = col.items[(page - 1) * JIYUE_PER_PAGE:page * JIYUE_PER_PAGE]
        articles = [{"classify": 0, "title": i.title, "type": 0, "pubDate": f"{i.date.isoformat()} {i.time}",
                     "urls": json.dumps({"pc": i.url}), "contentSource": i.source, "showTitle": i.title,
                     "topStatus": 0, "id": str(i.doc_id)} for i in chunk]
        channel = {"name": col.name, "articleCount": len(col.items), "sort": 0,
                   "urls": json.dumps({"pc": col.path})}
        env = getattr(self, "_env", None) or _environment()
        html = env.get_template("list_jiyue.html.j2").render(
            site_name=SITE_NAME, site_code=SITE_CODE, site_domain=SITE_DOMAIN, nav=self._nav(), charset="utf-8",
            column=col, crumbs=self._crumbs(col), tree=self._tree(), uid=JIYUE_UID, current=page,
            per_page=JIYUE_PER_PAGE, page_count=pages, total=len(col.items),
            articles_json=Markup(json.dumps(articles, ensure_ascii=False)),
            channel_json=Markup(json.dumps(channel, ensure_ascii=False)))
        return 200, {"Content-Type": HTML_UTF8}, html.encode("utf-8")

    # -- navigation --------------------------------------------------------------------------------
    def _nav(self) -> list[dict]:
        out = []
        for key in NAV_KEYS:
            if key == "zwgk":
                out.append({"name": "政务公开", "href": ZWGK_PATH})
            else:
                c = self.model.column(key)
                out.append({"name": c.name, "href": c.path})
        return out

    def _tree(self) -> list[dict]:
        cols = [c for c in self.model.columns if c.section == "zwgk"]
        return [{"key": c.key, "name": c.name, "href": c.path,
                 "children": [{"key": s.key, "name": s.name, "href": s.path} for s in cols if s.parent == c.key]}
                for c in cols if c.level == 1]

    def _crumbs(self, col: Column) -> list[dict]:
        if col.section == "zwgk":
            crumbs = [{"name": "政务公开", "href": ZWGK_PATH}]
            if col.parent:
                p = self.model.column(col.parent)
                crumbs.append({"name": p.name, "href": p.path})
            return crumbs
        if col.section == "hdjl":
            return [{"name": "互动交流", "href": col.path}]
        return []

    def _home_blocks(self) -> list[dict]:
        """Blocks frozen at ``home_cutoff``: the homepage cache stopped, the columns did not."""
        blocks = []
        for key, short in HOME_BLOCKS:
            col = self.model.column(key)
            shown = [i for i in col.items if i.date <= self.model.home_cutoff][:HOME_BLOCK_ROWS]
            rows = [{"href": _rel("/", i.url), "title": i.title, "text": _cut(i.title),
                     "date": i.date.strftime("%m-%d") if short else i.date.isoformat()} for i in shown]
            blocks.append({"name": col.name, "href": col.path, "rows": rows})
        return blocks

    # -- introspection for tests and the README ----------------------------------------------------
    def home_newest(self) -> dt.date | None:
        """The newest date any homepage block shows (HOME_STALE evidence)."""
        return max((i.date for key, _ in HOME_BLOCKS for i in self.model.column(key).items
                    if i.date <= self.model.home_cutoff), default=None)


def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                              autoescape=jinja2.select_autoescape(enabled_extensions=("j2",)),
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def build_site(as_of: dt.date, variant: int = 0) -> DemoSite:
    """The demo county for ``as_of`` (default for the CLI: today); variant 1 = the office's fixes."""
    if isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    entry = load_planted(variant)
    site = DemoSite(model=build_model(as_of, variant), planted=list(entry["findings"]),
                    planted_changes={k: entry.get(k, []) for k in ("resolved", "new")})
    site.render_all()
    return site
