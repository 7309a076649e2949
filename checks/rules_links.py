"""链接可用性: the links a sweep found broken, counted the way the indicators count them.

The crawl checked every link of the pages it walked and stored one row per distinct URL
(`crawler/linkcheck`, table `links`; one `link_runs` row per site whose links it checked). This
rule only reads that: one finding per broken URL, so a footer link broken on 500 pages is one
finding with its page count, and homepage links apart from the rest (首页不可用链接 and 其他页面
不可用链接 are counted apart by the indicators and by every commercial monitor). A link that could
not be verified (WAF challenge, 429, login) is never a finding.
"""
from __future__ import annotations

import json

from checks.context import Finding, SiteContext
from checks.registry import rule
from checks.rules_columns import GB2019
from crawler.linkcheck.classify import REASONS

SCOPES = {  # scope -> (where, its threshold)
    "home": ("首页", "links_home_deduct"),
    "inner": ("其他页面", "links_inner_deduct"),
    "external": ("站外", "links_external_deduct"),
}
KIND_LABELS = {"page": "网页", "attachment": "附件", "image": "图片", "script": "脚本", "style": "样式表",
               "frame": "框架页面", "media": "音视频"}


def link_run(ctx: SiteContext) -> dict | None:
    """This run's `link_runs` row for the site: its links were checked (None: they were not)."""
    kept = vars(ctx)   # asked by the rule and by the lifecycle for each earlier link finding: read once
    if "_link_run" not in kept:
        rows = ctx.store.rows("link_runs", "run_id = ? and site_id = ?", [ctx.run["id"], ctx.site["id"]])
        kept["_link_run"] = rows[0] if rows else None
    return kept["_link_run"]


def links_checked(ctx: SiteContext, external: bool = False) -> bool:
    """Whether this run checked the site's links (links to other hosts: whether it checked those)."""
    run = link_run(ctx)
    return run is not None and (not external or bool(run["external"]))


def scope(row: dict) -> str:
    if row["external"]:
        return "external"
    return "home" if row["on_home"] else "inner"


def _message(row: dict, where: str) -> str:
    """<where>不可用链接：<why, in Chinese, with the technical detail>；<the link>，<pages carrying it>."""
    what = f"“{row['text']}”" if row.get("text") else KIND_LABELS.get(row["kind"], "链接")
    carried = f"共{row['pages']}个页面含此链接" if row["pages"] > 1 else "1个页面含此链接"
    if row["on_home"] and row["pages"] > 1:
        carried += "（含首页）"
    why = row.get("error") or REASONS.get(row["reason"], "")
    return f"{where}不可用链接：{why}；链接{what} {row['url']}，{carried}"


@rule("LINK_BROKEN", title="链接不可用", severity="deduct", needs="links",
      basis=f"{GB2019} 扣分指标“功能设计·可用性”（链接可用性：首页、其他页面的不可用链接分别计数）；"
            "2015年全国政府网站普查评分表“网站可用性·链接可用性”",
      remedy="修复或删除不可用的链接：页面已删除的撤下或改指新地址，附件重新上传，站外网站改版的更新地址；"
             "页头、页脚、导航等全站模板中的链接在模板中改一处即可。",
      description="全面巡检检查所巡页面上的全部链接（网页、附件、图片、脚本、样式表、框架；站外链接需开启 --external-links），"
                  "同一链接不论出现在多少个页面只计一次，首页与其他页面分开计数。页面不存在（404/410）、服务器错误（5xx）、"
                  "域名无法解析、连接被拒绝或中断、超时、HTTPS错误、重定向循环、软404（返回正常但显示“页面不存在”）、"
                  "附件为空或为错误页面，且隔一段时间复查仍然如此的，计为不可用链接；被网站防护设备拦截、请求过于频繁（429）、"
                  "需要登录的只作“无法核实”，不计入。首页不可用链接达到{links_home_deduct}个、其他页面达到{links_inner_deduct}个、"
                  "站外链接达到{links_external_deduct}个时，每个记为扣分，否则只提示（设为0的一项始终只提示）。",
      options=("links_home_deduct", "links_inner_deduct", "links_external_deduct"))
def link_broken(ctx: SiteContext):
    if link_run(ctx) is None:
        return   # this run did not check links: nothing to say (a previous finding stays 未复核)
    rows = ctx.store.rows("links", "run_id = ? and site_id = ? and result = 'broken'",
                          [ctx.run["id"], ctx.site["id"]], "id")
    by_scope: dict[str, list[dict]] = {}
    for r in rows:
        by_scope.setdefault(scope(r), []).append(r)
    for name, found in by_scope.items():
        where, option = SCOPES[name]
        line = ctx.profile.thresholds[option]
        severity = "deduct" if line and len(found) >= line else "warn"
        for r in found:
            yield Finding("LINK_BROKEN", r["url"], _message(r, where), url=r["url"], severity=severity, evidence={
                "scope": name, "where": where, "link_url": r["url"], "text": r.get("text"),
                "kind": r["kind"], "kind_label": KIND_LABELS.get(r["kind"], r["kind"]),
                "reason": r["reason"], "reason_label": REASONS.get(r["reason"], r["reason"]),
                "status": r["status"], "error": r["error"], "final_url": r["final_url"],
                "pages": r["pages"], "found_on": json.loads(r["found_on"] or "[]"),
                "on_home": bool(r["on_home"]), "external": bool(r["external"]),
                "scope_count": len(found), "deduct_from": line})
