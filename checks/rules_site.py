"""Site-level rules: the homepage can be opened, and it is updated."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from checks import figures
from checks.context import HOME_KEY, Finding, SiteContext
from checks.profile import percent
from checks.registry import rule
from checks.rules_columns import GB2019
from crawler.neterrors import is_waf


def availability(ctx: SiteContext, days: int = 7) -> dict:
    """Probe figures over the past week (govwatch probe records them), counted as the indicator does:
    a probe fails when the homepage did not open, or opened only after `unreachable_timeout_s`
    (超过（含）15秒仍无法打开); a day with fewer than `unreachable_min_daily_polls` probes is short, and a
    week with a short day is not the indicator's monitoring (`short_days`). Counted once per site
    (the rule and the site's details both ask)."""
    key = ("availability", days)
    if key not in ctx.memo:
        ctx.memo[key] = _availability(ctx, days)
    return dict(ctx.memo[key])


def _availability(ctx: SiteContext, days: int) -> dict:
    thresholds = ctx.profile.thresholds
    timeout_s, need = thresholds["unreachable_timeout_s"], thresholds["unreachable_min_daily_polls"]
    first = ctx.as_of - timedelta(days=days - 1)
    since = datetime.combine(first, datetime.min.time()).isoformat()
    until = (datetime.combine(ctx.as_of, datetime.min.time()) + timedelta(days=1)).isoformat()
    rows = ctx.probes(since, until)
    slow = sum(1 for r in rows if r["ok"] and (r["elapsed"] or 0) >= timeout_s)
    failed = sum(1 for r in rows if not r["ok"]) + slow
    per_day = Counter(str(r["at"])[:10] for r in rows)
    short = sum(per_day[(first + timedelta(days=i)).isoformat()] < need for i in range(days))
    return {"count": len(rows), "failed": failed,
            "ratio": round(failed / len(rows), 4) if rows else None, "days": days,
            "slow": slow, "timeout_s": timeout_s, "min_daily_polls": need, "short_days": short}


def _probe_text(avail: dict) -> str:
    text = f"近{avail['days']}天探测首页{avail['count']}次，失败{avail['failed']}次（{avail['ratio']:.1%}）"
    if avail["slow"]:
        text += f"，其中{avail['slow']}次超过{avail['timeout_s']:g}秒才打开"
    return text


@rule("SITE_UNREACHABLE", title="站点无法访问", basis=f"{GB2019} 单项否决指标“站点无法访问”",
      severity="veto", needs="site", remedy="排查服务器、网络与防护设备，保证网站首页稳定可访问。",
      description="本次巡检首页无法打开（重试后仍失败）；或近7天每天至少探测{unreachable_min_daily_polls}次，"
                  "首页超过{unreachable_timeout_s}秒仍无法打开的次数占比达到{unreachable_share}（单项否决；"
                  "探测次数不足时只作提示）。",
      options=("unreachable_share", "unreachable_timeout_s", "unreachable_min_daily_polls"))
def site_unreachable(ctx: SiteContext):
    avail = availability(ctx)
    share = ctx.profile.thresholds["unreachable_share"]
    over = avail["count"] > 0 and avail["ratio"] >= share
    probe_veto = over and not avail["short_days"]
    home = ctx.home
    if ctx.unreachable and home is not None and is_waf(home.get("error")):
        # people can open a homepage behind a WAF challenge: unverified, not the availability veto
        yield Finding("SITE_UNREACHABLE", "site",
                      f"首页被网站防护设备拦截（WAF质询），本次无法核实：{home.get('error')}",
                      url=ctx.site["url"], evidence={"error": home.get("error"), "waf": True, **avail},
                      severity="veto" if probe_veto else "warn")
        return
    if ctx.unreachable:
        err = home.get("error") if home else "未能获取首页"
        msg = f"网站首页无法访问：{err}"
        if avail["count"]:
            msg += "；" + _probe_text(avail)
        yield Finding("SITE_UNREACHABLE", "site", msg, column=None, url=ctx.site["url"],
                      evidence={"error": err, **avail},
                      severity="veto" if probe_veto or not avail["count"] else "deduct")
    elif probe_veto:
        yield Finding("SITE_UNREACHABLE", "site", f"{_probe_text(avail)}，达到{percent(share)}",
                      url=ctx.site["url"], evidence=avail, severity="veto")
    elif over:
        yield Finding("SITE_UNREACHABLE", "site",
                      f"{_probe_text(avail)}，达到{percent(share)}；但有{avail['short_days']}天探测不足"
                      f"{avail['min_daily_polls']:g}次，不构成单项否决，待人工核实",
                      url=ctx.site["url"], evidence=avail, severity="warn")


@rule("HOME_STALE", title="首页不更新", basis=f"{GB2019} 单项否决指标“首页不更新”",
      severity="veto", remedy="及时更新首页信息，首页动态、通知等区块应在规定时限内有新信息。",
      description="首页展示的信息中没有近{home_window}内发布的（无日期的信息视为未更新）；"
                  "已{home_stale_warn_days}天未更新、尚未达到否决线的，作为预警提示（0=不预警）。",
      options=("home_window_days", "home_stale_warn_days"))
def home_stale(ctx: SiteContext):
    home = ctx.home
    if home is None or home["status"] == "failed":
        return
    dates = ctx.item_dates(HOME_KEY)
    if not dates:
        return  # a navigation-only homepage is judged on its columns (R-HOME-1)
    window = ctx.profile.home_window_days
    warn_days = ctx.profile.thresholds["home_stale_warn_days"]
    newest = figures.newest_date(dates, ctx.as_of)
    judged = ctx.profile.home_stale(newest, ctx.as_of)
    days = judged["days"]
    evidence = {"newest_date": newest.isoformat() if newest else None, "days": days,
                "limit_days": window, "days_over": figures.days_over(days, window) if days else None,
                "items_read": len(dates)}
    if judged["stale"]:
        msg = (f"首页已{days}天未更新（要求{window}天内），首页最新信息日期为{newest.isoformat()}" if newest
               else "首页信息均无发布日期，视为未更新")
        yield Finding("HOME_STALE", "home", msg, column=None, url=home["url"], evidence=evidence)
    elif warn_days and days >= warn_days:
        yield Finding("HOME_STALE", "home",
                      f"首页已{days}天未更新，接近{window}天的否决线（预警线{warn_days:g}天），"
                      f"首页最新信息日期为{newest.isoformat()}",
                      column=None, url=home["url"], severity="warn",
                      evidence=dict(evidence, days_over=None, warn_days=warn_days))
