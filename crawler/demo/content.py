"""The demo county's content model: columns, items and letters, all dated relative to the as-of day.

Kept apart from rendering so tests (and the README) can reason about what the site *means* — which
column is stale by how many days, which letter is overdue — without parsing HTML. Every date is
``as_of - offset``; titles and ids come from RNGs seeded by column key only, so two as-of days give
the same site shifted in time, and variant 1 differs from variant 0 only where it is meant to.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

SITE_NAME = "青溪县人民政府"
SITE_CODE = "3311270001"
SITE_DOMAIN = "www.qingxi.gov.cn"

# Hanweb ids of the 解读回应 column (see real-page-structures.md §2).
HANWEB_COLUMN_ID = 1234
HANWEB_UNIT_ID = 5678
HANWEB_PER_PAGE = 15
JIYUE_PER_PAGE = 15
JIYUE_UID = 380055
TRS_PER_PAGE = 15

DEPTS = ["县发展和改革局", "县教育局", "县卫生健康局", "县农业农村局", "县自然资源局", "县住房和城乡建设局",
         "县交通运输局", "县水利局", "县民政局", "县人力资源和社会保障局", "县市场监督管理局", "县应急管理局",
         "县文化和广电旅游体育局", "县财政局"]
TOWNS = ["青溪镇", "石门镇", "白沙镇", "梅溪镇", "龙潭乡", "竹坪乡", "云岭乡", "杨柳乡"]
TOPICS = ["安全生产", "防汛防台", "森林防火", "乡村振兴", "营商环境优化", "农村人居环境整治", "消防安全",
          "食品安全", "文明城市创建", "河湖长制", "耕地保护", "就业帮扶", "秋冬季农业生产", "城乡供水一体化",
          "义务教育优质均衡", "基层医疗服务能力提升", "养老服务体系建设", "数字政府建设"]
SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "黄", "吴", "周", "徐", "孙", "朱"]
GIVEN = ["建国", "海峰", "志强", "丽华", "晓东", "明辉", "春燕", "国庆", "文斌", "雪梅", "立新", "红梅"]
ISSUES = ["村道路面破损严重", "小区路灯长期不亮", "自来水水压偏低", "学校周边停车难", "义务教育招生政策",
          "城乡居民医保报销比例", "农村宅基地审批流程", "夜间施工噪音扰民", "生活垃圾清运不及时",
          "公交线路调整", "农田灌溉渠道堵塞", "养老保险转移接续", "菜市场占道经营", "河道垃圾清理"]


@dataclass
class Item:
    """One 信息条目; ``url`` is the site-absolute path of its article page."""
    title: str
    date: date
    url: str
    doc_id: int
    source: str = SITE_NAME
    index_no: str = ""
    time: str = "09:00"
    body: list[str] = field(default_factory=list)


@dataclass
class Column:
    """One 栏目 with the template family that renders it.

    family: trs (ul list), trs_table (名称/索引号/发布机构/发布日期 table), hanweb (jpage datastore),
    jiyue (集约化 JSON listData), static (information page), annual (年报 list, TRS ul),
    board (县长信箱 letters table; its items live in ``SiteModel.letters``).
    """
    key: str
    name: str
    path: str                      # list/first page URL path
    family: str
    level: int = 1
    parent: str | None = None      # parent column key
    section: str = "top"           # top (nav) | zwgk (政务公开 tree)
    encoding: str = "utf-8"
    items: list[Item] = field(default_factory=list)
    note: str | None = None        # 备注说明 on an empty column (exempt, not blank)
    paragraphs: list[str] = field(default_factory=list)   # static pages
    column_type: str = ""

    @property
    def directory(self) -> str:
        return self.path.rsplit("/", 1)[0] + "/"

    @property
    def newest(self) -> date | None:
        return max((i.date for i in self.items), default=None)


@dataclass
class Letter:
    """One 县长信箱 letter; ``replied`` is None while pending (待回复)."""
    number: str
    title: str
    submitted: datetime
    replied: datetime | None
    unit: str | None
    content: str
    reply: str | None
    url: str

    @property
    def status(self) -> str:
        return "已回复" if self.replied else "待回复"


@dataclass
class SiteModel:
    as_of: date
    variant: int
    columns: list[Column]
    letters: list[Letter]
    home_cutoff: date              # the homepage cache stopped here (HOME_STALE)

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)


def _rng(*parts: object) -> random.Random:
    # str seeds are hashed deterministically by random.Random (not by PYTHONHASHSEED).
    return random.Random("|".join(str(p) for p in parts))


def _title(kind: str, rng: random.Random, d: date) -> str:
    dept, town, topic = rng.choice(DEPTS), rng.choice(TOWNS), rng.choice(TOPICS)
    y = d.year
    patterns = {
        "news": [f"县政府召开{topic}工作专题会议", f"县领导带队督导检查{topic}工作",
                 f"{dept}召开{topic}工作推进会", f"我县扎实推进{topic}各项工作取得阶段性成效"],
        "dept": [f"{dept}召开{topic}工作推进会", f"{dept}开展{topic}专项检查",
                 f"{dept}组织开展{topic}业务培训", f"{dept}部署{topic}重点工作"],
        "town": [f"{town}扎实推进{topic}工作", f"{town}召开{topic}工作部署会",
                 f"{town}多措并举抓好{topic}", f"{town}开展{topic}集中宣传活动"],
        "notice": [f"关于{y}年{topic}项目拟安排资金的公示", f"{dept}关于开展{topic}工作的通知",
                   f"关于{y}年度{topic}专项资金申报的通知", f"{dept}关于{topic}有关事项的公告"],
        "policy": [f"青溪县人民政府办公室关于印发《青溪县{topic}实施方案》的通知",
                   f"青溪县人民政府关于进一步加强{topic}工作的意见",
                   f"{dept}关于印发《{topic}工作考核办法》的通知"],
        "interpret": [f"《青溪县{topic}实施方案》政策解读", f"图解：青溪县{topic}工作实施意见",
                      f"一图读懂《关于进一步加强{topic}工作的意见》"],
        "personnel": [f"关于{rng.choice(SURNAMES)}{rng.choice(GIVEN)}等同志职务任免的通知",
                      f"青溪县{y}年公开招聘事业单位工作人员拟聘用人员公示",
                      f"{dept}{y}年公开选调工作人员公告"],
        "plan": [f"青溪县{topic}三年行动计划（{y}—{y + 2}年）", f"{dept}{y}年工作计划",
                 f"青溪县{topic}专项规划（{y}—{y + 4}年）"],
        "budget": [f"{dept}{y}年部门预算公开", f"{dept}{y - 1}年部门决算公开", f"青溪县{y}年财政预算执行情况"],
        "license": [f"{dept}关于准予{rng.choice(TOWNS)}{topic}项目行政许可的决定", f"{dept}行政许可事项办理结果公示（{y}年第{d.month}期）"],
        "penalty": [f"{dept}行政处罚决定书（青{dept[1]}罚〔{y}〕{rng.randint(10, 99)}号）", f"{dept}{y}年{d.month}月行政处罚案件信息公开"],
        "procure": [f"{dept}{topic}项目公开招标公告", f"{dept}{topic}项目中标结果公告", f"{dept}{topic}服务采购合同公告"],
        "keyarea": [f"青溪县{topic}领域信息公开（{y}年第{d.month}期）", f"{town}{topic}资金使用情况公示"],
        "emergency": [f"{town}开展{topic}应急演练", f"青溪县{topic}应急预案（{y}年修订）", f"{dept}发布{topic}预警信息"],
        "supervise": [f"{dept}{y}年“双随机、一公开”抽查结果公示", f"{dept}{topic}监督检查情况通报"],
        "guide": [f"{rng.choice(['不动产登记', '社会保障卡申领', '城乡居民医保参保', '个体工商户登记', '建设工程规划许可', '残疾人证办理'])}办事指南",
                  f"{dept}政务服务事项办事指南（{y}年版）"],
        "fees": [f"青溪县行政事业性收费目录清单（{y}年版）", f"{dept}行政事业性收费项目及标准公示"],
        "stats": [f"青溪县{y}年{d.month}月主要经济指标", f"青溪县{y - 1}年国民经济和社会发展统计公报"],
    }
    return rng.choice(patterns[kind])


def _body(title: str, rng: random.Random) -> list[str]:
    topic = rng.choice(TOPICS)
    return [f"{title}。", f"会议强调，要坚持问题导向，压实工作责任，推动{topic}各项任务落地见效。",
            "各乡镇、各有关部门要加强协调配合，确保工作按时保质完成。"]


def _dates(rng: random.Random, newest: int, count: int, step: tuple[int, int], as_of: date) -> list[date]:
    out, off = [], newest
    for _ in range(count):
        out.append(as_of - timedelta(days=off))
        off += rng.randint(*step)
    return out


def _trs_items(col: Column, kind: str, as_of: date, newest: int, count: int, step: tuple[int, int],
               doc_base: int, extra_offsets: tuple[int, ...] = ()) -> list[Item]:
    """TRS items: ``<dir>/YYYYMM/tYYYYMMDD_<id>.html``; ids grow with the date, as WCM assigns them."""
    rng = _rng(col.key, "items")
    days = _dates(rng, newest, count, step, as_of) + [as_of - timedelta(days=o) for o in extra_offsets]
    days.sort()
    items = []
    for n, d in enumerate(days):
        doc_id = doc_base + n * 7 + rng.randint(0, 6)
        title = _title(kind, rng, d)
        base = col.directory
        items.append(Item(
            title=title, date=d, url=f"{base}{d:%Y%m}/t{d:%Y%m%d}_{doc_id}.html", doc_id=doc_id,
            source=rng.choice(DEPTS) if kind in ("dept", "notice", "policy", "budget") else SITE_NAME,
            index_no=f"{SITE_CODE[:6]}001/{d.year}-{doc_id % 100000:05d}",
            time=f"{rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}", body=_body(title, rng)))
    items.sort(key=lambda i: (i.date, i.doc_id), reverse=True)
    return items


def _hanweb_items(col: Column, as_of: date, newest: int, count: int) -> list[Item]:
    """Hanweb items: ``/art/Y/M/D/art_<col>_<id>.html`` with month/day not zero-padded."""
    rng = _rng(col.key, "items")
    items = []
    for n, d in enumerate(sorted(_dates(rng, newest, count, (2, 6), as_of))):
        doc_id = 300 + n * 3 + rng.randint(0, 2)
        title = _title("interpret", rng, d)
        items.append(Item(title=title, date=d, url=f"/art/{d.year}/{d.month}/{d.day}/art_{HANWEB_COLUMN_ID}_{doc_id}.html",
                          doc_id=doc_id, time=f"{rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}",
                          body=_body(title, rng)))
    items.sort(key=lambda i: (i.date, i.doc_id), reverse=True)
    return items


def _jiyue_items(col: Column, as_of: date, newest: int, count: int) -> list[Item]:
    rng = _rng(col.key, "items")
    items = []
    for n, d in enumerate(sorted(_dates(rng, newest, count, (3, 12), as_of))):
        doc_id = 190 + n * 2 + rng.randint(0, 1)
        title = _title("budget", rng, d)
        items.append(Item(title=title, date=d, url=f"{col.directory}content/content_{doc_id}.html", doc_id=doc_id,
                          source=rng.choice(DEPTS), time=f"{rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}",
                          body=_body(title, rng)))
    items.sort(key=lambda i: (i.date, i.doc_id), reverse=True)
    return items


def _annual_items(col: Column, as_of: date) -> list[Item]:
    """年报: each year's report on 20 January of the next year — on time (due 31 Jan / 31 Mar)."""
    latest = as_of.year - 1 if as_of >= date(as_of.year, 1, 20) else as_of.year - 2
    items = []
    for year in range(latest, latest - 5, -1):
        d = date(year + 1, 1, 20)
        doc_id = 8000 + (year % 100) * 10
        title = f"青溪县人民政府{year}年政府信息公开工作年度报告"
        items.append(Item(title=title, date=d, url=f"{col.directory}{d:%Y%m}/t{d:%Y%m%d}_{doc_id}.html",
                          doc_id=doc_id, index_no=f"{SITE_CODE[:6]}001/{d.year}-{doc_id:05d}", time="10:00",
                          body=[f"根据《中华人民共和国政府信息公开条例》规定，现公布青溪县人民政府{year}年政府信息公开工作年度报告。",
                                "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                                "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况",
                                "六、其他需要报告的事项"]))
    return items


STATIC_TEXT = {
    "gkzn": ["为便于公民、法人和其他组织依法获取政府信息，根据《中华人民共和国政府信息公开条例》，编制本指南。",
             "一、主动公开：公开范围、公开方式和公开时限。主动公开的政府信息自形成或者变更之日起20个工作日内予以公开。",
             "二、依申请公开：申请人可通过当面、邮寄或在线方式提出申请，行政机关自收到申请之日起20个工作日内予以答复。",
             "三、受理机构：青溪县人民政府办公室，办公地址：青溪县人民路1号，办公时间：工作日上午8:30—12:00，下午14:30—17:30，联系电话：0571-6000000。"],
    "gkzd": ["《青溪县政府信息公开工作制度》：明确主动公开、依申请公开、保密审查、监督考核等工作要求。",
             "《青溪县政府信息公开保密审查办法》：坚持“先审查、后公开”和“一事一审”原则。",
             "《青溪县政府信息公开工作考核办法》：将政务公开工作纳入年度综合考核。"],
    "fdzdgk": ["根据《中华人民共和国政府信息公开条例》第二十条、第二十一条，青溪县人民政府主动公开以下内容：",
               "机构职能、政策文件、规划计划、财政预决算、行政许可、行政处罚、行政事业性收费、政府采购、重大建设项目、"
               "重点领域信息、应急管理、监督检查、人事信息及统计信息等。"],
    "ysqgk": ["公民、法人或者其他组织可以向青溪县人民政府办公室申请获取政府信息。",
              "申请方式：当面申请、邮寄申请、在线申请。受理地址：青溪县人民路1号县政府办公室。",
              "答复期限：能够当场答复的当场答复；不能当场答复的，自收到申请之日起20个工作日内予以答复。"],
    "zjqx": ["青溪县位于浙江省西部，总面积1452平方公里，辖5镇3乡，户籍人口31.2万人。",
             "青溪县山清水秀，森林覆盖率78%，是国家生态县和全国休闲农业与乡村旅游示范县。",
             "全县经济社会持续健康发展，特色农业、生态旅游和绿色制造业成为主导产业。"],
    "jiucuo": ["欢迎您对本网站的内容和功能提出纠错意见。",
               "请写明问题页面地址和问题描述，我们将在3个工作日内处理并答复。"],
    "jgzn": ["青溪县人民政府办公室是县政府的办事机构，主要职责：",
             "（一）负责县政府会议的组织工作，协助县政府领导同志组织会议决定事项的实施。",
             "（二）协助县政府领导同志组织起草或审核以县政府、县政府办公室名义发布的公文。",
             "（三）负责全县政务公开、政府网站和政务新媒体的统筹协调和监督指导工作。",
             "办公地址：青溪县人民路1号；办公时间：工作日上午8:30—12:00，下午14:30—17:30；联系电话：0571-6000000。"],
    "ldxx": ["县长：周明辉　主持县政府全面工作。", "常务副县长：陈立新　负责县政府常务工作，分管财政、审计、发展改革。",
             "副县长：王春燕　负责教育、卫生健康、民政、人力资源和社会保障方面工作。",
             "副县长：刘海峰　负责农业农村、水利、自然资源、生态环境方面工作。"],
}


def build_model(as_of: date, variant: int = 0) -> SiteModel:
    """The demo county for ``as_of``; see README.md for where each planted problem sits."""
    if variant not in (0, 1):
        raise ValueError(f"unknown demo variant {variant!r} (known: 0, 1)")
    cols: list[Column] = []

    def add(col: Column) -> Column:
        cols.append(col)
        return col

    # Top-level news columns (nav menu).
    c = add(Column("zwyw", "政务要闻", "/zwyw/index.html", "trs", column_type="要闻"))
    c.items = _trs_items(c, "news", as_of, 2, 45, (1, 2), 21000)
    c = add(Column("bmdt", "部门动态", "/bmdt/index.html", "trs", column_type="动态"))
    c.items = _trs_items(c, "dept", as_of, 30, 40, (1, 4), 22000)              # COLUMN_STALE ~30 d
    c = add(Column("xzdt", "乡镇动态", "/xzdt/index.html", "trs", column_type="动态"))
    c.items = _trs_items(c, "town", as_of, 3, 30, (1, 3), 23000, extra_offsets=(-40,))  # FUTURE_DATE
    c = add(Column("tzgg", "通知公告", "/tzgg/index.html", "trs", column_type="通知公告"))
    c.items = _trs_items(c, "notice", as_of, 215, 20, (5, 15), 27000)          # COLUMN_STALE ~7 months
    add(Column("zjqx", "走进青溪", "/zjqx/index.html", "static", column_type="概况信息", paragraphs=STATIC_TEXT["zjqx"]))
    c = add(Column("bsfw", "办事服务", "/bsfw/index.html", "trs", column_type="办事服务"))
    c.items = _trs_items(c, "guide", as_of, 5, 16, (5, 15), 37000)

    # 政务公开 tree.
    for key, name in (("gkzn", "政府信息公开指南"), ("gkzd", "政府信息公开制度"), ("fdzdgk", "法定主动公开内容"),
                      ("ysqgk", "依申请公开"), ("jgzn", "机构职能"), ("ldxx", "领导信息")):
        add(Column(key, name, f"/zwgk/{key}/index.html", "static", section="zwgk",
                   paragraphs=STATIC_TEXT[key]))
    zcwj = add(Column("zcwj", "政策文件", "/zwgk/zcwj/index.html", "trs_table", section="zwgk",
                      column_type="政策文件"))
    gfxwj = add(Column("gfxwj", "规范性文件", "/zwgk/zcwj/gfxwj/index.html", "trs", level=2, parent="zcwj",
                       section="zwgk", column_type="政策文件"))
    gfxwj.items = _trs_items(gfxwj, "policy", as_of, 3, 18, (4, 12), 25000)
    qtwj = add(Column("qtwj", "其他文件", "/zwgk/zcwj/qtwj/index.html", "trs", level=2, parent="zcwj",
                      section="zwgk", column_type="政策文件"))
    qtwj.items = _trs_items(qtwj, "policy", as_of, 2, 18, (3, 10), 26000)
    if variant == 1:                                                           # new COLUMN_BLANK
        add(Column("bmwj", "部门文件", "/zwgk/zcwj/bmwj/index.html", "trs", level=2, parent="zcwj",
                   section="zwgk", column_type="政策文件"))
    zcwj.items = sorted(gfxwj.items + qtwj.items, key=lambda i: (i.date, i.doc_id), reverse=True)
    c = add(Column("jdhy", "解读回应", f"/col/col{HANWEB_COLUMN_ID}/index.html", "hanweb", section="zwgk",
                   column_type="政策解读"))
    c.items = _hanweb_items(c, as_of, 2, 40)
    c = add(Column("gsgg", "公示公告", "/zwgk/gsgg/index.html", "trs", section="zwgk", column_type="通知公告"))
    c.items = _trs_items(c, "notice", as_of, 2, 30, (2, 5), 24000)
    c = add(Column("ghjh", "规划计划", "/zwgk/ghjh/index.html", "trs", section="zwgk", column_type="规划计划"))
    c.items = _trs_items(c, "plan", as_of, 40, 12, (20, 40), 28000)
    c = add(Column("rsxx", "人事信息", "/zwgk/rsxx/index.html", "trs", section="zwgk", encoding="gbk",
                   column_type="人事"))
    c.items = _trs_items(c, "personnel", as_of, 425, 18, (10, 30), 29000)      # COLUMN_STALE ~14 months
    c = add(Column("czyjs", "财政预决算", "/zwgk/czyjs/index.html", "jiyue", section="zwgk", column_type="财政"))
    c.items = _jiyue_items(c, as_of, 3, 22)
    for key, name, kind, newest, base in (("xzxk", "行政许可", "license", 4, 31000), ("xzcf", "行政处罚", "penalty", 6, 32000),
                                          ("zfcg", "政府采购", "procure", 5, 33000), ("zdly", "重点领域信息", "keyarea", 3, 34000),
                                          ("yjgl", "应急管理", "emergency", 8, 35000), ("jdjc", "监督检查", "supervise", 10, 36000)):
        c = add(Column(key, name, f"/zwgk/{key}/index.html", "trs", section="zwgk", column_type=name))
        c.items = _trs_items(c, kind, as_of, newest, 16, (4, 12), base)
    c = add(Column("sfml", "行政事业性收费", "/zwgk/sfml/index.html", "trs", section="zwgk", column_type="收费目录"))
    c.items = _trs_items(c, "fees", as_of, 20, 8, (30, 90), 38000)
    c = add(Column("tjxx", "统计信息", "/zwgk/tjxx/index.html", "trs", section="zwgk", column_type="统计"))
    if variant == 1:                                                           # COLUMN_BLANK resolved
        c.items = _trs_items(c, "stats", as_of, 1, 1, (1, 1), 30000)
    add(Column("zdxm", "重大建设项目", "/zwgk/zdxm/index.html", "trs", section="zwgk", column_type="重大建设项目",
               note="本栏目暂无相关信息，原因：本县本年度无省级以上审批的重大建设项目，相关信息由县发展和改革局在项目立项后及时公开。"))
    c = add(Column("ndbg", "政府信息公开年报", "/zwgk/ndbg/index.html", "annual", section="zwgk",
                   column_type="年报"))
    c.items = _annual_items(c, as_of)
    add(Column("jiucuo", "我为政府网站找错", "/jiucuo/index.html", "static", section="footer", column_type="纠错",
               paragraphs=STATIC_TEXT["jiucuo"]))
    add(Column("xzxx", "县长信箱", "/hdjl/xzxx/index.html", "board", section="hdjl", column_type="互动交流"))

    plant_content(cols, variant)
    return SiteModel(as_of=as_of, variant=variant, columns=cols, letters=build_letters(as_of, variant),
                     home_cutoff=as_of - timedelta(days=20))


# Content problems (issue 16), in the newest articles a sweep reads (crawler/content/pages.py):
# a renamed institution in 部门动态's newest article (published after the 2019 reform on any as-of
# day), a historical mention of it in the next one (not a problem), and a 公示 in 通知公告 listing a
# full ID number (a problem) beside a masked one and one with a wrong check digit (not problems).
# Variant 1: the office masked the leaked number. The ID number is built, not anyone's.
LEAKED_ID_FIRST17 = "33012719850214123"
RENAMED_TEXT = "县国土资源局、县农业农村局联合开展耕地保护专项督查，对发现的问题立即整改。"
HISTORICAL_TEXT = "原县国土资源局办公楼已完成改造，现作为县档案馆对外开放。"


def leaked_id() -> str:
    from crawler.content.personal import id_check_digit
    return LEAKED_ID_FIRST17 + id_check_digit(LEAKED_ID_FIRST17)


def plant_content(cols: list[Column], variant: int) -> None:
    by_key = {c.key: c for c in cols}
    news = by_key["bmdt"].items
    news[0].body = news[0].body[:2] + [RENAMED_TEXT] + news[0].body[2:]
    news[1].body = news[1].body + [HISTORICAL_TEXT]
    number = leaked_id()
    wrong_check = number[:17] + ("0" if number[17] != "0" else "1")
    shown = number if variant == 0 else number[:3] + "*" * 11 + number[-4:]
    notice = by_key["tzgg"].items[0]
    notice.body = notice.body[:1] + [
        "经个人申请、村（社区）审核，现将拟救助对象名单公示如下：",
        f"1. 张某某，青溪镇，身份证号{shown}，救助金额1200元。",
        f"2. 李某某，石门镇，身份证号{number[:3]}{'*' * 11}{number[-4:]}，救助金额800元。",
        f"3. 王某某，白沙镇，证件编号{wrong_check}，救助金额600元。",
        "公示期5个工作日，如有异议请向县民政局反映。"]


# Letters: (days before as-of submitted, calendar days to reply or None if pending).
# Answered letters take 1–2 calendar days (≤ 2 working days whatever the holidays); the late one
# 30 calendar days (≥ 13 working days even across 国庆/春节); the overdue pending one 22 calendar days
# (≥ 8 working days even across a 9-day 春节); the fresh pending one 1 day (never overdue).
LETTERS = [(1, None), (3, 1), (5, 2), (8, 1), (11, 1), (14, 2), (18, 1), (22, None), (25, 1), (29, 2),
           (33, 1), (38, 1), (44, 2), (52, 30), (58, 1), (63, 2), (70, 1), (79, 1)]
OVERDUE_LETTER = 22
LATE_LETTER = 52


def build_letters(as_of: date, variant: int) -> list[Letter]:
    rng = _rng("xzxx", "letters")
    # Distinct (town, issue) pairs: two letters with one title would look like one letter to a reader.
    pairs = rng.sample([(t, i) for t in TOWNS for i in ISSUES], len(LETTERS))
    out = []
    for n, (ago, took) in enumerate(reversed(LETTERS)):
        day = as_of - timedelta(days=ago)
        submitted = datetime(day.year, day.month, day.day, rng.randint(8, 21), rng.randint(0, 59))
        if variant == 1 and ago == OVERDUE_LETTER:
            took = ago                         # answered on the as-of day (late, but answered)
        replied = None
        if took is not None:
            rd = day + timedelta(days=took)
            replied = datetime(rd.year, rd.month, rd.day, rng.randint(9, 17), rng.randint(0, 59))
        town, issue = pairs[n]
        number = f"QX{day:%Y%m%d}{101 + n:03d}"
        unit = rng.choice(DEPTS) if replied else None
        out.append(Letter(
            number=number, title=f"关于{town}{issue}的问题", submitted=submitted, replied=replied, unit=unit,
            content=f"您好！我是{town}居民，想反映{issue}的问题，已经持续一段时间，希望有关部门尽快协调解决，谢谢！",
            reply=(f"您好！您反映的{town}{issue}问题已收悉。经核实，我局已安排专人现场查看，"
                   "并制定整改方案，将于近期处理到位。感谢您对我县工作的关心和支持！") if replied else None,
            url=f"/hdjl/xzxx/{number}.html"))
    out.sort(key=lambda letter: letter.submitted, reverse=True)
    return out
