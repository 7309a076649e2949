"""A province-scale store (1,000 sites × 60 columns and more) for benchmarking `check` and `report`.

Why written directly through `crawler.store.Store` rather than crawled: a province's store would
take hours to crawl, and the checks and reports only ever see rows. The rows copy what the crawler
writes (the demo store's shapes: roles home/list/board/static/section, the CMS methods and which of
them carry a pager count, pages_total/pages_read, fetch kinds, a walk per site, entrances), with
column names drawn from the profile `checks/profiles/gb2019.yaml` so categories, windows and
mandatory columns come out as they would, and item dates drawn so that a realistic share of columns
is stale, blank, unreadable, exempt or fine; one title in 500 holds an old office name, an outdated
phrase or a typo for the content checks. Seeded: the same arguments give the same rows.

With `runs=2` the first run is the day before, as a daily run would be: items dated after it are
left out of it (they did not exist yet), a few stale columns got an item on the later day, a few
columns failed on one day only and a few pending letters were answered since, so a second `check`
resolves, keeps and carries forward findings. Findings come from `checks.engine.judge_run`, not from
here: judge the runs in order.

    from bigstore import build_store
    info = build_store("/tmp/big.db", sites=1000, columns=60)   # {"runs": [1], "rows": {...}}

    .venv/bin/python bench/bigstore.py --sites 1000 --columns 60 --out /tmp/big.db
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
import zlib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crawler.store import Store  # noqa: E402

HOME = "__home__"
CITIES = ["云岭市", "青川市", "临江市", "安平市", "东阳市", "南屏市", "白石市", "金沙市", "长宁市", "丰泽市"]
PLACES = ["青溪", "石门", "桃源", "龙泉", "平湖", "清河", "永安", "长乐", "双峰", "新城", "白沙", "竹坪",
          "云岭", "杨柳", "柳江", "凤凰", "黄石", "碧水", "金山", "月湖"]
DEPTS = ["发展和改革局", "教育局", "公安局", "民政局", "司法局", "财政局", "人力资源和社会保障局",
         "自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局",
         "文化和旅游局", "卫生健康局", "应急管理局", "审计局", "市场监督管理局", "统计局", "医疗保障局"]
UNITS = ["办公室", "监察大队", "社保经办", "执法大队", "综合科", "规划科", "政策法规科", "财务科"]
TOPICS = ["优化营商环境", "乡村振兴", "创建全国文明城市", "安全生产", "生态环境保护", "河湖长制",
          "扫黑除恶", "双拥工作", "民族团结进步", "森林防火"]
WORDS = ["召开", "部署", "推进", "开展", "调研", "督导", "举办", "启动"]
SUBJECTS = ["安全生产", "防汛抗旱", "乡村振兴", "营商环境", "河湖长制", "耕地保护", "就业帮扶",
            "数字政府建设", "老旧小区改造", "消防安全", "食品安全", "秋冬季农业生产"]
# titles the content checks (CONTENT_WORDING) have something to say about, one item in WORDING_EVERY
# (the last two are history: an office's old name, said as such)
WORDING = ["国土资源局召开耕地保护工作会议", "环保局开展大气污染防治专项检查", "扎实做好建档立卡贫困户帮扶工作",
           "新冠肺炎疫情防控工作部署会召开", "开展“不忘出心、牢记使命”主题教育", "扶贫办召开乡村振兴推进会",
           "原国土资源局档案移交工作完成", "关于原环保局办公用房处置的公示"]
WORDING_EVERY = 499
LETTER_SUBJECTS = ["小区路灯长期不亮", "城乡居民医保报销比例", "菜市场占道经营", "养老保险转移接续",
                   "农村道路破损", "学校周边交通安全", "噪音扰民", "自来水水压不足"]
METHODS = [("generic-dom", 60), ("trs-pager", 15), ("hanweb-datastore", 10), ("jiyuehua-json", 10),
           ("table", 5)]
COUNTED_BY_CMS = {"hanweb-datastore", "jiyuehua-json"}   # their pager gives the column's total
# column fates: weights per list column (a run may still fail a column on its own day)
FATES = [("fine", 780), ("stale", 110), ("blank", 40), ("failed", 20), ("exempt", 20), ("undated", 10),
         ("future", 3)]
# days between two items, by the category the name falls in (so fine columns stay inside windows)
CADENCE = {"dynamic": (1, 4), "notice": (5, 20), "policy": (7, 30), "personnel": (15, 60),
           "planning": (30, 90), None: (7, 40)}
WINDOW_DAYS = {"dynamic": 14, "notice": 182, "policy": 182, "personnel": 365, "planning": 365}


@dataclass(frozen=True)
class Spec:
    """A column of the catalogue: a site takes the first N (parents come before their children)."""
    key: str
    names: tuple[str, ...]
    role: str = "list"
    parent: str | None = None
    level: int = 1
    category: str | None = None   # the gb2019 category its names fall in (for cadence and windows)


def _catalogue() -> list[Spec]:
    """Columns in the order a small site has them: the news and 政务公开 core first, then the
    rest of 条例第二十条, topics and sub-units' own 工作动态/通知公告 (same-named columns)."""
    z = "/zwgk/"
    out = [
        Spec(z, ("政务公开", "信息公开", "政府信息公开"), "section"),
        Spec("/xwzx/", ("政务要闻", "工作动态", "新闻动态", "部门动态"), category="dynamic"),
        Spec("/tzgg/", ("通知公告", "公示公告", "公告公示"), category="notice"),
        Spec(z + "zcwj/", ("政策文件", "政策法规", "规范性文件"), parent=z, category="policy"),
        Spec(z + "zcjd/", ("政策解读", "解读回应", "文件解读"), parent=z),
        Spec(z + "jgzn/", ("机构职能", "机构设置", "部门职责"), "static", z),
        Spec(z + "ldxx/", ("领导信息", "领导之窗", "负责人信息"), "static", z),
        Spec(z + "rsxx/", ("人事信息", "人事任免", "人事招录"), parent=z, category="personnel"),
        Spec(z + "ghjh/", ("规划计划", "发展规划", "工作计划"), parent=z, category="planning"),
        Spec(z + "ndbg/", ("政府信息公开年报", "信息公开年报", "年度报告"), parent=z),
        Spec(z + "gkzn/", ("政府信息公开指南",), "static", z),
        Spec(z + "czyjs/", ("财政预决算", "部门预决算"), parent=z),
        Spec(z + "gkzd/", ("政府信息公开制度",), "static", z),
        Spec(z + "fdzdgk/", ("法定主动公开内容",), "static", z),
        Spec(z + "ysqgk/", ("依申请公开",), "static", z),
        Spec(z + "tjxx/", ("统计信息", "数据发布", "统计数据"), parent=z),
        Spec(z + "hygq/", ("回应关切", "热点回应"), parent=z),
        Spec(z + "xzxk/", ("行政许可", "行政审批"), parent=z),
        Spec(z + "xzcf/", ("行政处罚", "行政执法"), parent=z),
        Spec(z + "sfml/", ("行政事业性收费", "收费目录"), parent=z),
        Spec(z + "zfcg/", ("政府采购", "招标采购"), parent=z),
        Spec(z + "zdxm/", ("重大建设项目", "重大项目"), parent=z),
        Spec(z + "zdly/", ("重点领域信息", "重点领域"), parent=z),
        Spec(z + "yjgl/", ("应急管理", "突发事件"), parent=z),
        Spec(z + "jdjc/", ("监督检查", "双随机"), parent=z),
        Spec("/zjxx/", ("走进{place}", "{place}概况"), "static"),
        Spec("/bsfw/", ("办事服务", "便民服务"), parent=None),
        Spec("/xwzx/tpxw/", ("图片新闻",), parent="/xwzx/", level=2, category="dynamic"),
        Spec(z + "zcwj/gfxwj/", ("规范性文件", "行政规范性文件"), parent=z + "zcwj/", level=2, category="policy"),
        Spec(z + "zcwj/qtwj/", ("其他文件",), parent=z + "zcwj/", level=2),
        Spec("/hdjl/", ("互动交流", "政民互动"), "section"),
        Spec("/hdjl/yjzj/", ("意见征集", "民意征集"), parent="/hdjl/", level=2),
        Spec("/hdjl/zxft/", ("在线访谈",), parent="/hdjl/", level=2),
        Spec("/ztzl/", ("专题专栏",), "section"),
    ]
    out += [Spec(f"/ztzl/zt{i:02d}/", (t,), parent="/ztzl/", level=2) for i, t in enumerate(TOPICS)]
    for u in range(200):
        unit = f"/jgsz/u{u:03d}/"
        name = UNITS[u % len(UNITS)] + (str(u // len(UNITS) + 1) if u >= len(UNITS) else "")
        out += [Spec(unit, (name,), "section"),
                Spec(unit + "gzdt/", ("工作动态",), parent=unit, level=2, category="dynamic"),
                Spec(unit + "tzgg/", ("通知公告",), parent=unit, level=2, category="notice")]
    return out


CATALOGUE = _catalogue()
PARENTS = {s.parent for s in CATALOGUE if s.parent}


def _weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


@dataclass
class Site:
    id: str
    name: str
    url: str
    kind: str
    owner: str
    code: str
    region: str
    place: str


def make_sites(n: int) -> list[Site]:
    """Counties of ten cities, each a portal, six departments and three townships."""
    out: list[Site] = []
    county = 0
    while len(out) < n:
        city, place = CITIES[county % len(CITIES)], PLACES[(county // len(CITIES)) % len(PLACES)]
        suffix = "县" if county % 3 else "区"
        cname = f"{place}{suffix}" + (str(county // (len(CITIES) * len(PLACES)) + 1)
                                      if county >= len(CITIES) * len(PLACES) else "")
        region, host = f"{city}{cname}", f"c{county:03d}"
        out.append(Site(f"{host}-gov", f"{cname}人民政府", f"https://www.{host}.gov.cn/", "portal",
                        f"{cname}人民政府办公室", f"33{county:04d}0001", region, cname))
        for d in range(6):
            dept = DEPTS[(county + d * 5) % len(DEPTS)]
            out.append(Site(f"{host}-d{d}", f"{cname}{dept}", f"https://d{d}.{host}.gov.cn/", "department",
                            f"{cname}{dept}", f"33{county:04d}{d + 10:04d}", region, cname))
        for t in range(3):
            town = PLACES[(county * 3 + t + 7) % len(PLACES)] + ("镇" if t % 2 == 0 else "乡")
            out.append(Site(f"{host}-t{t}", f"{cname}{town}人民政府", f"https://t{t}.{host}.gov.cn/",
                            "township", f"{cname}{town}人民政府", f"33{county:04d}{t + 30:04d}", region, town))
        county += 1
    return out[:n]


BOARDS = [("/hdjl/zxxx/", "{head}信箱"), ("/jiucuo/", "我为政府网站找错"), ("/hdjl/zxts/", "咨询投诉"),
          ("/hdjl/wsxf/", "网上信访")]
HEADS = {"portal": "县长", "department": "局长", "township": "镇长"}


class _Run:
    """One run's rows, collected per site and written in bulk."""

    def __init__(self, run_id: int, mode: str, as_of: date, last: bool, items_per_column: int):
        self.run_id, self.mode, self.as_of, self.last = run_id, mode, as_of, last
        self.items_per_column = items_per_column
        self.rows: dict[str, list[tuple]] = {t: [] for t in ("columns", "items", "fetches", "enquiries",
                                                             "entrances", "walks")}


def _site_rows(run: _Run, site: Site, args: dict, final: date) -> None:
    """One site's rows in one run; every draw is seeded by the site, plus one seeded by the run
    for what changes from day to day."""
    seed = args["seed"]
    rng = random.Random(f"{seed}:{site.id}")
    day_rng = random.Random(f"{seed}:{site.id}:{run.as_of}")
    rid, sid, url = run.run_id, site.id, site.url.rstrip("/")
    stamp = f"{run.as_of.isoformat()}T06:{rng.randrange(60):02d}:00+08:00"
    unreachable = rng.random() < 0.005
    cols, fetches = run.rows["columns"], run.rows["fetches"]
    pages = 1
    if unreachable:
        err = "连接超时（TimeoutError: User timeout caused connection failure.）"
        cols.append((rid, sid, HOME, "首页", site.url, None, 0, "home", "home", None, "failed", err,
                     None, 0, None, None, None, None, None, None, None))
        fetches.append((rid, sid, site.url, None, err, None, None, None, stamp))
        run.rows["walks"].append((rid, sid, run.mode, 0, 0, 4, 0, 0,
                                  json.dumps([{"url": site.url, "name": "首页", "error": err}],
                                             ensure_ascii=False), 0, "1个页面无法读取"))
        return
    # the homepage: its own blocks' items
    home_stale = rng.random() < 0.05
    home_items = _dates(rng, final, "dynamic", "stale" if home_stale else "fine", 24)
    n_home = _add_items(run, site, HOME, home_items, site.url)
    cols.append((rid, sid, HOME, "首页", site.url, None, 0, "home", "home", "generic-dom", "ok", None,
                 n_home, n_home, None, None, 1, None, None, None, None))
    fetches.append((rid, sid, site.url, 200, None, 0.3, 42000, "home", stamp))
    # boards first, as the spider finds them on the homepage
    n_boards = args["boards"]
    specs = _site_specs(rng, args["columns"] - n_boards)
    keys = {s.key for s in specs}
    for b in range(n_boards):
        key, name = BOARDS[b % len(BOARDS)]
        key = key if b < len(BOARDS) else f"/hdjl/b{b}/"
        name = name.format(head=HEADS[site.kind])
        letters = _letters(run, site, key, name, rng, args["letters"], final)
        total = 1 + (letters - 1) // 15 if letters else 1
        read = total if run.mode == "sweep" else 1
        parent = "/hdjl/" if "/hdjl/" in keys and key.startswith("/hdjl/") else None
        cols.append((rid, sid, key, name, url + key + "index.html", parent, 2 if parent else 1, "board",
                     "link", "board", "ok", None, None, 0, None, total, read, None,
                     "excluded" if "信访" in name else "consult", "meta", None))
        fetches.append((rid, sid, url + key + "index.html", 200, None, 0.4, 9000, "board", stamp))
        pages += read
    failed: list[dict] = []
    for spec in specs:
        pages += _column(run, site, spec, rng, day_rng, final, failed)
    for kind, name, where, how in _entrances(rng, site, n_boards):
        run.rows["entrances"].append((rid, sid, kind, name, where, site.url, how))
    run.rows["walks"].append((rid, sid, run.mode, pages, len(specs) + n_boards + 1, 4, 0, 0,
                              json.dumps(failed, ensure_ascii=False), 1,
                              f"{len(failed)}个页面无法读取" if failed else None))


def _site_specs(rng: random.Random, n: int) -> list[Spec]:
    """The first n columns of the catalogue, a leaf skipped now and then (a missing column)."""
    out: list[Spec] = []
    taken: set[str] = set()
    for spec in CATALOGUE:
        if len(out) >= n:
            break
        if spec.key not in PARENTS and rng.random() < 0.04:
            continue
        if spec.parent and spec.parent not in taken:
            continue
        out.append(spec)
        taken.add(spec.key)
    return out


def _column(run: _Run, site: Site, spec: Spec, rng: random.Random, day_rng: random.Random,
            final: date, failed: list[dict]) -> int:
    """A column's row, its items and fetches; the pages read (a failed page goes to `failed`, as
    the walk records it)."""
    rid, sid, base = run.run_id, site.id, site.url.rstrip("/")
    name = rng.choice(spec.names).format(place=site.place)
    col_url = base + spec.key + "index.html"
    stamp = f"{run.as_of.isoformat()}T06:{rng.randrange(60):02d}:00+08:00"
    method = _weighted(rng, METHODS)
    fate = _weighted(rng, FATES)
    fixed_today = rng.random() < 0.05      # a stale column the office updated on the last day
    page_total = rng.randint(1, 12)
    n_items = rng.randint(run.items_per_column // 2, max(1, run.items_per_column * 3 // 2))
    dates = _dates(rng, final, spec.category, fate, n_items, fixed_today)
    if day_rng.random() < 0.015:
        fate = "failed"                    # failed on this day only: findings carried forward
    row = dict(parent=spec.parent, level=spec.level, role=spec.role, source="tree" if spec.parent else "nav",
               method=None, status="ok", error=None, item_count=None, counted=0, total=1, read=1, note=None)
    if spec.role in ("static", "section") or fate in ("blank", "exempt", "failed"):
        if fate == "failed" and spec.role == "list":
            row.update(status="failed", error="读取超时（TimeoutError: 30秒内未收到响应）", read=None,
                       total=None, counted=None)
            failed.append({"url": col_url, "name": name, "error": row["error"]})
        elif fate == "exempt" and spec.role == "list":
            row.update(status="exempt", note="备注说明:本栏目暂无相关信息,原因:本单位本年度无此类事项")
        elif spec.role == "list":
            row.update(method=method)
        status = 504 if row["status"] == "failed" else 200
        run.rows["fetches"].append((rid, sid, col_url, status, row["error"], 0.5, 4000, "column", stamp))
        _append_column(run, sid, spec.key, name, col_url, row)
        return 1
    kept = _add_items(run, site, spec.key, dates, col_url)
    sweep = run.mode == "sweep"
    read = page_total if sweep else 1
    row.update(method=method, counted=kept, total=page_total, read=read,
               item_count=kept * page_total if method in COUNTED_BY_CMS else None)
    run.rows["fetches"].append((rid, sid, col_url, 200, None, 0.5, 30000, "column", stamp))
    for p in range(2, read + 1):
        run.rows["fetches"].append((rid, sid, base + spec.key + f"index_{p - 1}.html", 200, None, 0.4, 28000,
                                    "list-page", stamp))
    _append_column(run, sid, spec.key, name, col_url, row)
    return read


def _append_column(run: _Run, sid: str, key: str, name: str, url: str, row: dict) -> None:
    run.rows["columns"].append((run.run_id, sid, key, name, url, row["parent"], row["level"], row["role"],
                                row["source"], row["method"], row["status"], row["error"], row["item_count"],
                                row["counted"], None, row["total"], row["read"], row["note"], None, "meta", None))


def _dates(rng: random.Random, final: date, category: str | None, fate: str, n: int,
           fixed_today: bool = False) -> list[date | None]:
    """Item dates, newest first, relative to the last run's day."""
    if fate == "undated":
        return [None] * n
    if fate in ("blank", "exempt", "failed"):
        return []
    lo, hi = CADENCE.get(category, CADENCE[None])
    window = WINDOW_DAYS.get(category, 365)
    if fate == "stale":
        newest = final - timedelta(days=window + rng.randint(3, max(4, window)))
    else:
        newest = final - timedelta(days=rng.randint(0, max(1, window * 2 // 3)))
    out = [newest]
    while len(out) < n:
        out.append(out[-1] - timedelta(days=rng.randint(lo, hi)))
    if fate == "future":
        out.insert(0, final + timedelta(days=rng.randint(3, 60)))
    if fixed_today and fate == "stale":
        out.insert(0, final)
    return out


def _add_items(run: _Run, site: Site, key: str, dates: list, page_url: str) -> int:
    """Items of a column as the run saw them: none dated after its day except future-dated ones
    planted on the last day (an item published later did not exist yet). No random draw here: the
    site's draws must not depend on the day."""
    base, n, n_words = site.url.rstrip("/"), 0, len(site.id) + len(key)
    final_future = None if run.last else run.as_of
    for i, d in enumerate(dates):
        if d is not None and final_future is not None and d > final_future:
            continue
        subject = SUBJECTS[(i + len(key)) % len(SUBJECTS)]
        title = f"{site.place}{WORDS[(i * 7 + n_words) % len(WORDS)]}{subject}工作" + ("专题会议" if i % 3 == 0 else "")
        mark = zlib.crc32(f"{site.id}{key}{i}".encode())
        if mark % WORDING_EVERY == 0:      # an old name, an outdated phrase, a typo (or history)
            title = f"{site.place}{WORDING[mark // WORDING_EVERY % len(WORDING)]}"
        ymd = d.strftime("%Y%m%d") if d else "20260101"
        run.rows["items"].append((run.run_id, site.id, key, title,
                                  f"{base}{key if key != HOME else '/xwzx/'}{ymd[:6]}/t{ymd}_{i + 1000}.html",
                                  d.isoformat() if d else None, "list:text" if d else None, page_url))
        n += 1
    return n


def _letters(run: _Run, site: Site, key: str, board: str, rng: random.Random, n: int, final: date) -> int:
    """Letters on a board over the past year: most answered in time, some late, some pending past
    their limit, a few past three months (互动回应差), some answered since the day before."""
    kept = 0
    for i in range(n):
        submitted = final - timedelta(days=rng.randint(0, 360))
        roll = rng.random()
        replied, status, text = None, "answered", "已回复"
        if roll < 0.70:
            replied = submitted + timedelta(days=rng.randint(0, 6))
        elif roll < 0.80:
            replied = submitted + timedelta(days=rng.randint(9, 40))      # answered late
        elif roll < 0.85:
            status, text = "rejected", "不予受理"
        elif roll < 0.90:
            status, text = "unknown", "处理中"
        else:
            status, text = "pending", "待回复"
            if rng.random() < 0.3:
                replied, status, text = final, "answered", "已回复"     # answered on the last day
        if submitted > run.as_of:
            continue
        if replied is not None and replied > run.as_of:
            replied, status, text = None, "pending", "待回复"
        number = f"{site.code[-4:]}{submitted.strftime('%Y%m%d')}{i:03d}"
        run.rows["enquiries"].append((
            run.run_id, site.id, key, board, number, number,
            f"关于{PLACES[i % len(PLACES)]}镇{LETTER_SUBJECTS[i % len(LETTER_SUBJECTS)]}的问题",
            None, f"{site.url.rstrip('/')}{key}{number}.html", submitted.isoformat(),
            replied.isoformat() if replied else None, status, text, None))
        kept += 1
    return kept


def _entrances(rng: random.Random, site: Site, boards: int) -> list[tuple[str, str, str, str]]:
    out = [("service", "浙江政务服务网", "https://www.zjzwfw.gov.cn/", "image")]
    if boards < 2 and rng.random() < 0.7:
        out.append(("correction", "我为政府网站找错", "https://zfwzgl.www.gov.cn/exposure/jiucuo.html", "widget"))
    if rng.random() < 0.3:
        out.append(("mailbox", "书记信箱", f"https://xinxiang.{site.id.split('-')[0]}.gov.cn/sjxx/", "image"))
    return out


INSERT = {
    "columns": ("run_id, site_id, key, name, url, parent_key, level, role, source, method, status, error, "
                "item_count, counted_items, newest_date, pages_total, pages_read, note, board_class, named_by, "
                "pages_failed"),
    "items": "run_id, site_id, column_key, title, url, date, date_source, page_url",
    "fetches": "run_id, site_id, url, status, error, elapsed, bytes, kind, fetched_at",
    "enquiries": ("run_id, site_id, board_key, board, letter_key, number, title, category, url, submitted, "
                  "replied, status, status_text, unit"),
    "entrances": "run_id, site_id, kind, name, url, found_on, how",
    "walks": "run_id, site_id, mode, pages, columns, max_depth, budget_hit, depth_cut, failed, complete, note",
}


def _flush(store: Store, run: _Run, counts: dict) -> None:
    conn = store.db.conn
    for table, rows in run.rows.items():
        if rows:
            marks = ", ".join("?" * len(rows[0]))
            conn.executemany(f"insert into {table} ({INSERT[table]}) values ({marks})", rows)  # noqa: S608
            counts[table] = counts.get(table, 0) + len(rows)
            rows.clear()


def build_store(path, sites: int = 1000, columns: int = 60, items_per_column: int = 20, boards: int = 1,
                letters: int = 10, as_of: date = date(2026, 11, 27), mode: str = "daily", runs: int = 1,
                seed: int = 14) -> dict:
    """Write the store at `path` (replaced if it exists): `sites` sites of `columns` columns each
    (sections, static pages, lists and `boards` boards; the homepage besides), about
    `items_per_column` items per list (half to one and a half times), `letters` letters per board,
    in `runs` complete runs on consecutive days ending `as_of`. Returns the run ids and row counts."""
    if columns < boards:
        raise ValueError("columns counts the boards: columns >= boards")
    path = Path(path)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    store = Store(path)
    args = {"seed": seed, "columns": columns, "boards": boards, "letters": letters}
    site_list = make_sites(sites)
    store.upsert_sites({"id": s.id, "name": s.name, "url": s.url, "kind": s.kind, "owner": s.owner,
                        "code": s.code, "region": s.region, "line": i + 2} for i, s in enumerate(site_list))
    run_ids, counts = [], {}
    for r in range(runs):
        day = as_of - timedelta(days=runs - 1 - r)
        run_id = store.start_run(mode, day.isoformat(), sites_file="bigstore", profile="gb2019")
        run = _Run(run_id, mode, day, r == runs - 1, items_per_column)
        with store.transaction():
            for s in site_list:
                _site_rows(run, s, args, as_of)
                if len(run.rows["items"]) > 50_000:
                    _flush(store, run, counts)
            _flush(store, run, counts)
        store.finish_run(run_id, True)
        run_ids.append(run_id)
    store.close()
    return {"path": str(path), "runs": run_ids, "rows": counts}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sites", type=int, default=1000)
    ap.add_argument("--columns", type=int, default=60)
    ap.add_argument("--items", type=int, default=20, help="items per list column (on average)")
    ap.add_argument("--boards", type=int, default=1)
    ap.add_argument("--letters", type=int, default=10, help="letters per board")
    ap.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 27))
    ap.add_argument("--mode", choices=("daily", "sweep"), default="daily")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    info = build_store(a.out, sites=a.sites, columns=a.columns, items_per_column=a.items, boards=a.boards,
                       letters=a.letters, as_of=a.as_of, mode=a.mode, runs=a.runs, seed=a.seed)
    size = Path(a.out).stat().st_size / 2**20
    print(f"{info['path']}: runs {info['runs']}, {size:.0f} MiB, {time.perf_counter() - t0:.1f} s")
    print("  " + ", ".join(f"{k} {v:,}" for k, v in info["rows"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
