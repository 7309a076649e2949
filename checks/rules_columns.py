"""Column rules: stale, blank, missing, unreadable, future-dated, low volume, annual report."""
from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache

from checks import figures
from checks.context import Finding, SiteContext
from checks.profile import window_text
from checks.registry import rule

GB2019 = "《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）"
TIAOLI = "《中华人民共和国政府信息公开条例》（国务院令第711号）"


def _usable(ctx: SiteContext) -> list[dict]:
    return [c for c in ctx.list_columns() if c["role"] == "list" and c["status"] != "failed"]


# date.fromisoformat, remembered (it raises as before on a malformed date): a province's items
# repeat a few thousand dates
_iso_day = lru_cache(maxsize=1 << 16)(date.fromisoformat)


def _dated(dates: list) -> list[date]:
    return [_iso_day(d) for d in dates if d]


@rule("COLUMN_STALE", title="栏目不更新", basis=f"{GB2019} 单项否决指标“栏目不更新”及扣分指标“信息发布”",
      severity="deduct", remedy="按栏目更新时限要求及时发布信息；确无信息的应在栏目中说明原因或进行栏目整合。",
      deadline_days=10,
      description="{stale_windows}未更新。{key_categories}类栏目合计不更新达到{key_stale_veto}个、"
                  "应更新栏目不更新达到{should_update_veto}个的，单项否决。",
      options=("key_stale_veto", "should_update_veto"))
def column_stale(ctx: SiteContext):
    for col in _usable(ctx):
        cat = ctx.category(col)
        if cat is None or cat.static:
            continue
        items_read = ctx.item_count(col["key"])
        if not items_read and not col.get("item_count"):
            continue  # blank, not stale
        newest = ctx.newest_date(col["key"])
        res = ctx.profile.stale(cat, newest, ctx.as_of, col.get("level"))
        if not res or not res["stale"]:
            continue
        name = ctx.display_name(col)
        limit = window_text(cat.window)
        if newest is None:
            msg = f"栏目“{name}”中的信息均无发布日期，视为未更新（要求{limit}内更新）"
        else:
            msg = f"栏目“{name}”已{res['days']}天未更新（要求{limit}内），最新信息日期为{newest.isoformat()}"
        yield Finding("COLUMN_STALE", col["key"], msg, column=name, url=col["url"], evidence={
            "newest_date": newest.isoformat() if newest else None, "days": res["days"],
            "limit_days": res["limit_days"], "days_over": figures.days_over(res["days"], res["limit_days"]),
            "category": cat.code, "category_title": cat.title,
            "level": col.get("level"), "key": bool(cat.key), "should_update": bool(cat.should_update),
            "column_key": col["key"], "items_read": items_read})


@rule("COLUMN_BLANK", title="空白栏目", basis=f"{GB2019} 单项否决指标“空白栏目”",
      severity="deduct", remedy="在栏目中发布相关信息；确无信息的应说明原因（备注说明），或将栏目撤并。",
      description="栏目存在但没有任何信息条目（页面带有“备注说明”的除外）。空白栏目达到{blank_veto}个的，单项否决。",
      options=("blank_veto",))
def column_blank(ctx: SiteContext):
    for col in _usable(ctx):
        if col["status"] == "exempt":
            continue
        cat = ctx.category(col)
        if cat is not None and cat.static:
            continue
        if (col.get("counted_items") or 0) > 0 or (col.get("item_count") or 0) > 0:
            continue
        if ctx.item_count(col["key"]):
            continue
        name = ctx.display_name(col)
        yield Finding("COLUMN_BLANK", col["key"], f"栏目“{name}”为空白栏目，没有任何信息",
                      column=name, url=col["url"],
                      evidence={"item_count": 0, "column_key": col["key"],
                                "category": cat.code if cat else None})


@rule("COLUMN_MISSING", title="缺少必设栏目", basis=f"{TIAOLI} 第二十条；国办公开办函〔2019〕61号（政府信息公开平台）",
      severity="deduct", needs="walk", remedy="按要求开设该栏目并发布相应信息。",
      description="按网站类型（门户/部门/乡镇）应开设的栏目（如政府信息公开指南、政府信息公开年报、政策文件、政策解读、"
                  "回应关切、机构职能、通知公告）在完整遍历全站后仍未找到，同义栏目名视为已开设；办事服务、找错等可由"
                  "其他网站上的入口满足。抓取不完整时只作提示，待人工核实。")
def column_missing(ctx: SiteContext):
    cover = ctx.coverage()
    for entry in ctx.profile.mandatory(ctx.site["kind"]):
        if entry.get("kind") == "channel":
            continue  # the enquiry channel is NO_ENQUIRY_CHANNEL's job
        if present(ctx, entry):
            continue
        yield absence("COLUMN_MISSING", "missing:" + entry["name"], f"必设栏目“{entry['name']}”",
                      cover, column=entry["name"],
                      evidence={"expected": entry["name"], "categories": entry.get("categories"),
                                "basis": entry.get("basis") or None})


def present(ctx: SiteContext, entry: dict) -> bool:
    """A mandatory item is there when a column (read or not: a named menu entry that failed is
    unverified, not absent) carries one of its names, or an entrance on another host stands for it."""
    if entry.get("kind") == "channel":
        # a channel is somewhere one can write to: a board (NO_ENQUIRY_CHANNEL weighs those by
        # the profile's enquiry flag), or another entry named as one (县长信箱 whose page failed,
        # 信息公开意见箱) — not a section called 互动交流 holding 在线访谈
        if any(c["role"] != "board" and CHANNEL_WORD_RE.search(c.get("name") or "")
               for c in ctx.list_columns()):
            return True
    else:
        codes, names = _present_columns(ctx)
        if codes & set(entry.get("categories") or []):
            return True
        aliases = [a for a in (entry["name"], *(entry.get("aliases") or [])) if a]
        if any(a in name for name in names for a in aliases):
            return True
    kinds = set(entry.get("offsite") or [])
    return any(e["kind"] in kinds for e in ctx.entrances)


def _present_columns(ctx: SiteContext) -> tuple[set[str], list[str]]:
    """The categories and the names of the columns that can stand for a mandatory item, once per
    site (every mandatory item asks)."""
    if "present" not in ctx.memo:
        cols = [c for c in ctx.list_columns()
                if c["role"] in ("list", "static", "section", "board") or c["status"] == "failed"]
        cats = (ctx.category(c) for c in cols)
        ctx.memo["present"] = ({cat.code for cat in cats if cat is not None},
                               [c.get("name") or "" for c in cols])
    return ctx.memo["present"]


def absence(code: str, subject: str, what: str, cover: dict, **fields) -> Finding:
    """An absence is asserted only after a complete walk, with how much was walked; otherwise it
    is a 提示 naming what could not be read."""
    evidence = dict(fields.pop("evidence", {}), pages_checked=cover["pages"], columns_seen=cover["columns"],
                    walk_complete=cover["complete"])
    walked = (f"已检查{cover['pages']}个页面、{cover['columns']}个栏目" if cover["pages"] is not None
              else f"已检查{cover['columns']}个栏目")
    if cover["complete"]:
        return Finding(code, subject, f"未找到{what}（{walked}）", evidence=evidence, **fields)
    unread = "、".join(u for u in cover["unread"][:3] if u)
    why = cover.get("note") or "有页面无法读取"
    evidence.update(unverified=True, unread=cover["unread"], walk_note=cover.get("note"))
    return Finding(code, subject, f"未发现{what}，抓取不完整，待人工核实（{walked}；{why}"
                   + (f"，如 {unread}" if unread else "") + "）", evidence=evidence, severity="warn", **fields)


@rule("EXTRACTION_FAILED", title="栏目无法核实", basis="govwatch 数据质量规则（抓取失败不作为不更新或空白判定）",
      severity="warn", needs="fetched", remedy="检查该栏目页面能否正常访问；如访问正常，请反馈以便改进识别。",
      description="栏目页面无法获取或无法识别信息列表，结果为“无法核实”，不计为不更新、空白或缺失。")
def extraction_failed(ctx: SiteContext):
    for col in ctx.list_columns():
        if col["status"] != "failed":
            continue
        name = ctx.display_name(col)
        cat = ctx.category(col) if col.get("name") else None
        yield Finding("EXTRACTION_FAILED", col["key"],
                      f"栏目“{name}”无法核实：{col.get('error') or '页面无法读取'}",
                      column=name, url=col["url"],
                      evidence={"error": col.get("error"), "column_key": col["key"],
                                "role": col.get("role"),
                                "category": cat.code if cat else None,
                                # unknown column: it could be a key column (for 无法判定)
                                "key": bool(cat.key) if cat else True,
                                "should_update": bool(cat.should_update) if cat else True})


@rule("FUTURE_DATE", title="发布日期晚于检查日", basis=f"{GB2019} 单项否决指标“严重问题”（伪造发稿日期）",
      severity="veto", needs="all_pages", remedy="核实并更正信息的发布日期，不得伪造发稿日期。",
      description="栏目中信息的发布日期晚于检查日（疑似伪造或录入错误）。")
def future_date(ctx: SiteContext):
    for col in [*_usable(ctx), *([ctx.home] if ctx.home else [])]:
        dates = ctx.item_dates(col["key"])
        latest = max(map(_iso_day, filter(None, dates)), default=None)   # raises on a malformed date
        if latest is None or latest <= ctx.as_of:
            continue
        future = [i for i, d in zip(ctx.column_items(col["key"]), dates, strict=True)
                  if d and _iso_day(d) > ctx.as_of]
        name = ctx.display_name(col)
        first = max(future, key=lambda i: i["date"])
        yield Finding("FUTURE_DATE", col["key"],
                      f"栏目“{name}”有{len(future)}条信息的发布日期晚于检查日，如“{first['title'][:40]}”"
                      f"（{first['date']}）",
                      column=name, url=first.get("url") or col["url"],
                      evidence={"newest_date": first["date"], "count": len(future),
                                "days": (date.fromisoformat(first["date"]) - ctx.as_of).days,
                                "titles": [i["title"] for i in future[:5]], "column_key": col["key"]})


@rule("COLUMN_LOW_VOLUME", title="栏目信息量不足", basis="省级政府网站考评细则（如“每月至少两条动态信息”）",
      severity="warn", needs="all_pages", remedy="按考评要求保证栏目每月发布信息的数量。",
      description="评分细则要求动态要闻类栏目每月至少发布{low_volume_per_month}条信息（0=不检查），上一个完整月份未达到。",
      options=("low_volume_per_month",))
def column_low_volume(ctx: SiteContext):
    need = int(ctx.profile.thresholds["low_volume_per_month"])
    if not need:
        return
    month_end = ctx.as_of.replace(day=1) - timedelta(days=1)
    month_start = month_end.replace(day=1)
    for col in _usable(ctx):
        cat = ctx.category(col)
        if cat is None or cat.code != "dynamic":
            continue
        n = sum(1 for d in _dated(ctx.item_dates(col["key"]))
                if month_start <= d <= month_end)
        if n >= need:
            continue
        if not ctx.all_pages_read(col):
            continue  # the month may go on past the pages read (a daily run reads page 1): cannot tell
        name = ctx.display_name(col)
        yield Finding("COLUMN_LOW_VOLUME", col["key"],
                      f"栏目“{name}”{month_start.year}年{month_start.month}月仅发布{n}条信息（要求每月至少{need}条）",
                      column=name, url=col["url"],
                      evidence={"month": month_start.strftime("%Y-%m"), "count": n,
                                "required": need, "column_key": col["key"],
                                "category": cat.code})


CHANNEL_WORD_RE = re.compile(r"信箱|意见箱|咨询|投诉|留言|12345|问政|建言")
YEAR_RE = re.compile(r"(20\d{2})\s*年")


@rule("ANNUAL_REPORT_MISSING", title="政府信息公开年报未按时发布", basis=f"{TIAOLI} 第四十九条、第五十条",
      severity="deduct", needs="all_pages", remedy="尽快发布上一年度政府信息公开工作年度报告，并按规定格式编写。",
      description="上一年度政府信息公开工作年度报告未在规定时间前发布：部门{annual_report_department}前，"
                  "政府本级{annual_report_government}前。")
def annual_report_missing(ctx: SiteContext):
    year = ctx.as_of.year - 1
    who = "department" if ctx.site["kind"] == "department" else "government"
    deadline = ctx.profile.annual_report_due(ctx.as_of.year, who)
    if ctx.as_of <= deadline:
        return
    cols = [c for c in _usable(ctx) if (cat := ctx.category(c)) is not None and cat.code == "annual_report"]
    if not cols:
        return  # no such column: COLUMN_MISSING reports it
    for col in cols:
        for it in ctx.column_items(col["key"]):
            m = YEAR_RE.search(it["title"] or "")
            if m and int(m.group(1)) == year:
                return
    if not all(ctx.all_pages_read(c) for c in cols):
        return  # the report may be on a page not read: cannot tell
    col = cols[0]
    yield Finding("ANNUAL_REPORT_MISSING", f"annual:{year}",
                  f"未找到{year}年度政府信息公开工作年度报告（应于{deadline.isoformat()}前发布）",
                  column=col["name"], url=col["url"],
                  evidence={"year": year, "deadline": deadline.isoformat(),
                            "days": (ctx.as_of - deadline).days, "column_key": col["key"]})
