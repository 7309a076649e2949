"""Content rules (issue 16): 严重表述错误, personal data published, hidden links — from stored text only.

Why review, not accusation: a dictionary match, a number that passes a check digit, a link hidden
by a style are strong signs, not proof. Every finding says 疑似, shows the excerpt (personal numbers
masked: the store never held them whole) and where it is (the page, the paragraph, the character),
and an office can mark it 已确认 or 误报 (`govwatch mark`); the dictionary's whitelist keeps a 误报
of a phrase, a page or a host from coming back on any page. A finding is resolved only by a run
that read that page again (`needs="page"`).
"""
from __future__ import annotations

import json
from bisect import bisect_left
from collections import defaultdict
from functools import lru_cache
from urllib.parse import urlsplit

from checks.contentconf import SEVERITY_LABELS, dictionary, settings
from checks.context import HOME_KEY, Finding, SiteContext
from checks.dictionary import leaders_of
from checks.matcher import matcher_for
from checks.registry import rule
from checks.rules_columns import GB2019
from checks.wording import excerpt, judge
from crawler.content.hidden import HOW, STRONG, strongest
from crawler.content.personal import KINDS
from crawler.content.reader import unpack
from crawler.urls import column_key

WORDING_LABELS = {"renamed": "使用已更名的机构名称", "outdated": "使用过时提法", "typo": "严重错别字",
                  "leader": "领导姓名与职务不符"}
PAGE_KINDS = {"home": "首页", "page": "信息页面", "article": "文章", "attachment": "附件", "title": "信息标题"}
MAX_LISTED = 5


def site_texts(ctx: SiteContext) -> list[dict]:
    """The run's stored texts of the site with their (masked) text, read once per site."""
    if "content_texts" in ctx.memo:
        return ctx.memo["content_texts"]
    db = ctx.store.db
    rows = []
    if "page_texts" in db.table_names():
        rows = [dict(zip(("url", "kind", "column_key", "title", "published", "parent_url", "digest", "found",
                          "body", "error"), r, strict=True)) for r in db.execute(
            "select url, kind, column_key, title, published, parent_url, digest, found, body, error "
            "from page_texts where run_id = ? and site_id = ? order by id", [ctx.run["id"], ctx.site["id"]])]
        missing = sorted({r["digest"] for r in rows if r["body"] is None and r["digest"]})
        bodies = {}
        if missing:
            bodies = dict(db.execute(
                "select digest, body from page_texts where site_id = ? and body is not null and digest in "
                "(select value from json_each(?)) group by digest", [ctx.site["id"], json.dumps(missing)]))
        for r in rows:
            r["text"] = unpack(r["body"] if r["body"] is not None else bodies.get(r["digest"]))
            r.pop("body")
    ctx.memo["content_texts"] = rows
    return rows


def page_key(ctx: SiteContext, url: str | None) -> str:
    """A page's identity on the site (its path on the site's own host): fingerprints and re-reads
    survive a change of port or scheme, as column keys do."""
    return column_key(url, ctx.site["url"]) if url else ""


def page_reread(ctx: SiteContext, evidence: dict) -> bool:
    """Whether this run read again what a content finding is about: its page (an item title: the
    whole list that carried it)."""
    if evidence.get("source") == "title":
        col = next((c for c in ctx.list_columns() if c["key"] == evidence.get("column_key")), None)
        return col is not None and ctx.all_pages_read(col)
    key = page_key(ctx, evidence.get("page_url"))
    return any(page_key(ctx, r["url"]) == key and not r["error"] for r in site_texts(ctx))


def _column_name(ctx: SiteContext, key: str | None) -> str | None:
    if key in (None, HOME_KEY):
        return "首页" if key == HOME_KEY else None
    col = next((c for c in ctx.list_columns() if c["key"] == key), None)
    return ctx.display_name(col) if col is not None else None


def _where(row: dict) -> str:
    kind = PAGE_KINDS.get(row["kind"], "页面")
    title = row.get("title")
    return f"{kind}《{title}》" if title else f"{kind} {row['url']}"


def _position(text: str, start: int) -> dict:
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return {"offset": start, "paragraph": line, "char": column}


def _position_text(pos: dict) -> str:
    return f"第{pos['paragraph']}段第{pos['char']}字"


def _title_rows(ctx: SiteContext, matcher=None) -> list[dict]:
    """Item titles as texts of their own (no request: the lists were read anyway). Given the
    matcher, only the titles it finds a word in (no other title can give a hit): one automaton
    pass over all of them, instead of a dict, a date and a scan per title (a province's check
    reads 800,000 titles)."""
    rows = ctx.store.db.execute(
        "select title, url, date, column_key from items where run_id = ? and site_id = ? and title != ''",
        [ctx.run["id"], ctx.site["id"]]).fetchall()
    if matcher is not None:
        rows = [rows[i] for i in _titles_matched(matcher, [r[0] for r in rows])]
    return [{"url": url or "", "kind": "title", "column_key": key, "title": title, "published": d,
             "parent_url": None, "text": title, "error": None} for title, url, d, key in rows]


def _titles_matched(matcher, titles: list[str]) -> list[int]:
    """Indexes of the titles in which the matcher's automaton finds any word, in order (titles are
    joined by NUL, which no word holds)."""
    if matcher.empty or not titles:
        return []
    ends, at = [], -1
    for t in titles:
        at += len(t) + 1
        ends.append(at)                       # the NUL after each title
    found = {bisect_left(ends, end) for end, _ in matcher.automaton.iter("\0".join(titles))}
    return sorted(found)


@rule("CONTENT_WORDING", title="疑似严重表述错误",
      basis=f"{GB2019} 单项否决指标“严重表述错误”；国办发〔2017〕47号《政府网站发展指引》（信息内容准确）",
      severity="veto", needs="page", deadline_days=3,
      remedy="核实后更正文中的机构名称、提法、领导姓名职务或错别字；确属正确表述的，标记为误报，或将其加入词库白名单。",
      description="按词库（规则配置 content.dictionary，默认内置词库）一次扫描首页、信息页面、文章、附件正文和信息标题："
                  "已更名机构的旧称（只查更名日期之后发布、且不是“原……”、引用旧文件等历史表述的文本）、过时提法、"
                  "重要表述的严重错别字，以及本网站领导名单中姓名与职务不符。每条均为“疑似”，附原文摘录和位置，待人工核实。",
      options=("content.dictionary", "content.titles", "content.severity.typo", "content.severity.leader",
               "content.severity.renamed", "content.severity.outdated"))
def content_wording(ctx: SiteContext):
    conf = settings(ctx.profile)
    words = dictionary(ctx.profile)
    matcher = matcher_for(words, tuple(leaders_of(ctx.site)))
    if matcher.empty:
        return
    groups: dict[tuple, list] = defaultdict(list)
    texts = [r for r in site_texts(ctx) if r["text"]]
    seen_pages = {r["url"] for r in texts}
    if conf["titles"]:
        texts += [r for r in _title_rows(ctx, matcher) if r["url"] not in seen_pages]
    for row in texts:
        published = _day(row["published"])
        for hit in judge(row["text"], published, matcher):
            if words.whitelisted("CONTENT_WORDING", url=row["url"] or None, phrase=hit.phrase):
                continue
            groups[(page_key(ctx, row["url"]) or row["title"], hit.kind, hit.phrase)].append((row, hit))
    for (page, kind, phrase), hits in groups.items():
        row, hit = hits[0]
        pos = _position(row["text"], hit.start)
        label = WORDING_LABELS[kind]
        more = f"（本页共{len(hits)}处）" if len(hits) > 1 else ""
        yield Finding(
            "CONTENT_WORDING", f"{page}|{kind}|{phrase}",
            f"疑似{label}：{_where(row)}{_published(row)}中“{phrase}”，应为“{hit.right}”"
            f"（{_position_text(pos)}：“{hit.excerpt}”）{more}",
            column=_column_name(ctx, row["column_key"]), url=row["url"] or None,
            severity=conf["severity"][kind],
            evidence={"source": "title" if row["kind"] == "title" else "text", "page_url": row["url"],
                      "page_kind": row["kind"], "title": row["title"], "published": row["published"],
                      "column_key": row["column_key"], "attachment_of": row["parent_url"], "kind": kind,
                      "phrase": phrase, "right": hit.right, "basis_entry": hit.basis, "position": pos,
                      "excerpt": hit.excerpt, "count": len(hits), "dictionary": words.name})


@lru_cache(maxsize=1 << 14)
def _day(value):
    from datetime import date
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _published(row: dict) -> str:
    return f"（发布于{row['published'][:10]}）" if row.get("published") else ""


@rule("PRIVACY_LEAK", title="疑似泄露个人信息",
      basis="《中华人民共和国个人信息保护法》第二十八条、第三十四条；《中华人民共和国政府信息公开条例》第十五条；"
            f"{GB2019} 单项否决指标“安全、泄密事故等严重问题”",
      severity="veto", needs="page", deadline_days=1,
      remedy="立即撤下或对身份证号、银行卡号、手机号码作去标识化处理（如 410***********1234），并排查同类公示、附件。",
      description="在首页、信息页面、文章和附件正文中查找：校验码和出生日期均有效的18位身份证号、通过 Luhn 校验的银行卡号、"
                  "同一页面不少于 content.mobile_min 个（默认3个）的手机号码；已脱敏的号码不报告。报告中的号码一律脱敏显示。",
      options=("content.mobile_min", "content.severity.id_card", "content.severity.bank_card",
               "content.severity.mobile"))
def privacy_leak(ctx: SiteContext):
    conf = settings(ctx.profile)
    words = dictionary(ctx.profile)
    for row in site_texts(ctx):
        if not row["found"] or not row["text"]:
            continue
        if words.whitelisted("PRIVACY_LEAK", url=row["url"]):
            continue
        by_kind: dict[str, list[dict]] = defaultdict(list)
        for hit in json.loads(row["found"]):
            by_kind[hit["kind"]].append(hit)
        for kind, hits in by_kind.items():
            if kind == "mobile" and len(hits) < conf["mobile_min"]:
                continue
            first = hits[0]
            pos = _position(row["text"], first["at"])
            shown = "、".join(h["masked"] for h in hits[:3]) + ("等" if len(hits) > 3 else "")
            yield Finding(
                "PRIVACY_LEAK", f"{page_key(ctx, row['url'])}|{kind}",
                f"疑似泄露个人信息：{_where(row)}中有{len(hits)}个{KINDS[kind]}（{shown}，"
                f"首个在{_position_text(pos)}）",
                column=_column_name(ctx, row["column_key"]), url=row["url"], severity=conf["severity"][kind],
                evidence={"source": "text", "page_url": row["url"], "page_kind": row["kind"], "title": row["title"],
                          "column_key": row["column_key"], "attachment_of": row["parent_url"], "kind": kind,
                          "count": len(hits), "masked": [h["masked"] for h in hits[:MAX_LISTED]],
                          "positions": [_position(row["text"], h["at"]) for h in hits[:MAX_LISTED]],
                          "excerpt": excerpt(row["text"], first["at"], first["at"] + len(first["masked"]))})


def _spam(words, text: str, url: str) -> list[str]:
    low = url.lower()
    return [w for w in words.spam_words if w in text or w in url] + [w for w in words.spam_url_words if w in low]


@rule("HIDDEN_LINK", title="疑似暗链",
      basis=f"{GB2019} 单项否决指标“安全、泄密事故等严重问题”（链接反动、暴力、色情等内容；网站被挂马、篡改）",
      severity="veto", needs="page", deadline_days=1,
      remedy="立即删除隐藏链接，排查网页模板和服务器是否被篡改、植入，修补漏洞并保存日志备查。",
      description="首页和所读文章页面中对访问者隐藏（display:none、visibility:hidden、零尺寸、移出可视区域、"
                  "marquee 技巧、脚本写入等）的外站链接：文字或网址含博彩、色情等词汇的，或以零尺寸、移出可视区域等"
                  "隐蔽手法隐藏的非政府网站链接，判为疑似暗链；隐藏的政府网站链接只作提示。普通下拉菜单、选项卡中隐藏的"
                  "外站链接不报告。",
      options=("content.dictionary", "content.severity.hidden_spam", "content.severity.hidden_trick",
               "content.severity.hidden_trick_government"))
def hidden_link(ctx: SiteContext):
    db = ctx.store.db
    if "hidden_links" not in db.table_names():
        return
    conf = settings(ctx.profile)
    words = dictionary(ctx.profile)
    groups: dict[str, list[dict]] = defaultdict(list)
    for page_url, url, text, how, markup in db.execute(
            "select page_url, url, text, how, excerpt from hidden_links where run_id = ? and site_id = ? order by id",
            [ctx.run["id"], ctx.site["id"]]):
        host = (urlsplit(url).hostname or "").lower()
        if words.whitelisted("HIDDEN_LINK", host=host, url=url):
            continue
        spam = _spam(words, text or "", url)
        trick = strongest(how)
        if spam:
            kind = "hidden_spam"
        elif trick in STRONG:
            kind = "hidden_trick_government" if words.government(host) else "hidden_trick"
        else:
            continue   # a dropdown or tab of links to other sites: ordinary design
        groups[host].append({"page_url": page_url, "url": url, "text": text, "how": how, "excerpt": markup,
                             "spam": spam, "kind": kind})
    home = ctx.home["url"] if ctx.home else None
    for host, links in groups.items():
        worst = min(links, key=lambda lk: ("hidden_spam", "hidden_trick", "hidden_trick_government").index(lk["kind"]))
        where = "首页" if worst["page_url"] == home else f"页面 {worst['page_url']}"
        how_text = "、".join(dict.fromkeys(HOW.get(p, p) for lk in links for p in lk["how"].split("+")))
        words_text = f"，含“{'、'.join(dict.fromkeys(w for lk in links for w in lk['spam']))}”" if worst["spam"] else ""
        yield Finding(
            "HIDDEN_LINK", host,
            f"疑似暗链：{where}有{len(links)}个指向 {host} 的隐藏链接（{how_text}{words_text}），"
            f"如“{worst['text'] or worst['url']}”",
            column="首页" if worst["page_url"] == home else None, url=worst["page_url"],
            severity=conf["severity"][worst["kind"]],
            evidence={"source": "hidden", "page_url": worst["page_url"], "host": host, "kind": worst["kind"],
                      "label": SEVERITY_LABELS[worst["kind"]], "count": len(links),
                      "urls": [lk["url"] for lk in links[:MAX_LISTED]],
                      "texts": [lk["text"] for lk in links[:MAX_LISTED]], "how": worst["how"],
                      "spam_words": worst["spam"], "excerpt": worst["excerpt"],
                      "pages": sorted({lk["page_url"] for lk in links})[:MAX_LISTED]})
