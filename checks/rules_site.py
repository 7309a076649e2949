"""Site-level rules: the homepage can be opened, and it is updated."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from checks.context import HOME_KEY, Finding, SiteContext
from checks.registry import rule
from checks.rules_columns import GB2019


def availability(ctx: SiteContext, days: int = 7) -> dict:
    """Probe figures over the past week (govwatch probe records them)."""
    since = (datetime.combine(ctx.as_of, datetime.min.time()) - timedelta(days=days - 1)).isoformat()
    until = (datetime.combine(ctx.as_of, datetime.min.time()) + timedelta(days=1)).isoformat()
    rows = ctx.store.rows("probes", "site_id = ? and at >= ? and at < ?",
                          [ctx.site["id"], since, until])
    failed = sum(1 for r in rows if not r["ok"])
    return {"count": len(rows), "failed": failed,
            "ratio": round(failed / len(rows), 4) if rows else None, "days": days}


@rule("SITE_UNREACHABLE", title="站点无法访问", basis=f"{GB2019} 单项否决指标“站点无法访问”（监测1周，首页无法访问次数占比≥5%）",
      severity="veto", needs="site", remedy="排查服务器、网络与防护设备，保证网站首页稳定可访问。",
      description="本次巡检首页无法打开（重试后仍失败）；或近7天探测中首页无法访问的比例达到5%（单项否决）。",
      options=("unreachable_share",))
def site_unreachable(ctx: SiteContext):
    avail = availability(ctx)
    ratio_limit = float(ctx.profile.thresholds.get("unreachable_share", 0.05))
    probe_veto = avail["count"] > 0 and avail["ratio"] is not None and avail["ratio"] >= ratio_limit
    home = ctx.home
    if ctx.unreachable and home is not None and (home.get("error") or "").startswith("WafChallenge"):
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
            msg += f"；近7天探测{avail['count']}次，失败{avail['failed']}次（{avail['ratio']:.1%}）"
        yield Finding("SITE_UNREACHABLE", "site", msg, column=None, url=ctx.site["url"],
                      evidence={"error": err, **avail},
                      severity="veto" if probe_veto or not avail["count"] else "deduct")
    elif probe_veto:
        yield Finding("SITE_UNREACHABLE", "site",
                      f"近7天探测首页{avail['count']}次，失败{avail['failed']}次（{avail['ratio']:.1%}），达到5%",
                      url=ctx.site["url"], evidence=avail, severity="veto")


@rule("HOME_STALE", title="首页不更新", basis=f"{GB2019} 单项否决指标“首页不更新”",
      severity="veto", remedy="及时更新首页信息，首页动态、通知等区块应至少每2周有新信息。",
      description="首页展示的信息中没有近2周内发布的（无日期的信息视为未更新）。",
      options=("home_window_days",))
def home_stale(ctx: SiteContext):
    home = ctx.home
    if home is None or home["status"] == "failed":
        return
    items = ctx.items_by_column.get(HOME_KEY, [])
    dates = [date.fromisoformat(i["date"]) for i in items if i.get("date")]
    dates = [d for d in dates if d <= ctx.as_of]
    if not items:
        return  # a navigation-only homepage is judged on its columns (R-HOME-1)
    window = ctx.profile.home_window_days
    newest = max(dates) if dates else None
    judged = ctx.profile.home_stale(newest, ctx.as_of)
    if not judged["stale"]:
        return
    days = judged["days"]
    msg = (f"首页已{days}天未更新（要求{window}天内），首页最新信息日期为{newest.isoformat()}" if newest
           else "首页信息均无发布日期，视为未更新")
    yield Finding("HOME_STALE", "home", msg, column=None, url=home["url"],
                  evidence={"newest_date": newest.isoformat() if newest else None, "days": days,
                            "limit_days": window, "days_over": days - window if days else None,
                            "items_read": len(items)})
