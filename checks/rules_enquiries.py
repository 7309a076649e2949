"""Enquiry rules (互动交流): unanswered, late, the 3-month veto, and no channel at all.

Deadlines are working days counted from the day after submission on the Chinese official calendar
(holidays and make-up workdays); a deadline computed without calendar data says it is estimated.
"""
from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta

from checks import figures
from checks.context import Finding, SiteContext
from checks.registry import rule
from checks.rules_columns import GB2019


def _d(value) -> date | None:
    return date.fromisoformat(value) if value else None


def board_class(ctx: SiteContext, board: dict) -> str:
    """consult | excluded | other. Where the board's name has a category in the profile, its
    `enquiry` flag decides (letters there count for 互动回应差: 县长信箱, 找错 yes; 网上信访, 在线访谈,
    意见征集, 回应关切 no); otherwise the crawler's reading of the board."""
    cat = ctx.category(board) if board.get("name") else None
    if cat is not None:
        return "consult" if cat.enquiry else "excluded"
    return board.get("board_class") or "consult"


def deadline_for(ctx: SiteContext, board: dict | None) -> int:
    """A board's reply limit in working days. Precedence: the sites file's `deadline_workdays` for
    this board, then the board's category (classified from its name: 找错 `reply_workdays: 3`), then
    the site's `overrides.board_deadline_workdays`, then the profile's default."""
    days = ctx.profile.reply_deadline_workdays(ctx.category(board) if board else None)
    for b in ctx.site.get("boards") or []:
        if isinstance(b, dict) and board and b.get("url") and board.get("url") and \
                b["url"].rstrip("/") in board["url"] and b.get("deadline_workdays"):
            days = b["deadline_workdays"]
    return int(days)


def _boards(ctx: SiteContext) -> dict[str, dict]:
    return {b["key"]: b for b in ctx.boards()}


@rule("ENQUIRY_UNANSWERED", title="留言超期未答复", basis=f"{GB2019} 扣分指标“互动回应”；各地留言办理时限规定（默认5个工作日）",
      severity="deduct", remedy="尽快答复该留言并在网站公开答复内容；无法按期答复的应说明原因。",
      deadline_days=3, needs="letter",
      description="留言提交后超过规定工作日（默认5个工作日，可按信箱配置）仍未答复。",
      options=("enquiry_deadline_workdays",))
def enquiry_unanswered(ctx: SiteContext):
    boards = _boards(ctx)
    for e in ctx.enquiries:
        if e["status"] != "pending":
            continue
        submitted = _d(e["submitted"])
        board = boards.get(e["board_key"])
        limit = deadline_for(ctx, board)
        waited = figures.overdue(ctx.calendar, submitted, ctx.as_of, limit)
        if waited is None or not waited.over:
            continue
        days, deadline = waited.workdays, waited.deadline
        bname = e["board"] or (board or {}).get("name") or "留言板"
        yield Finding("ENQUIRY_UNANSWERED", f"letter:{e['board_key']}:{e['letter_key']}",
                      f"{bname}留言“{e['title']}”（{submitted.isoformat()}提交）已{days}个工作日未答复"
                      f"（要求{limit}个工作日内）" + ("（工作日为估算）" if waited.estimated else ""),
                      column=bname, url=e["url"] or (board or {}).get("url"),
                      evidence={"submitted": submitted.isoformat(), "workdays": days,
                                "limit_workdays": limit, "deadline": deadline.isoformat(),
                                "days_over": waited.days_over, "estimated": waited.estimated,
                                "letter_key": e["letter_key"], "column_key": e["board_key"],
                                "number": e["number"],
                                "status_text": e["status_text"], "newest_date": submitted.isoformat()})


@rule("ENQUIRY_LATE", title="留言答复不及时", basis=f"{GB2019} 扣分指标“互动回应”；各地留言办理时限规定",
      severity="deduct", remedy="建立留言办理督办机制，确保在规定时限内答复。",
      description="近1年内的留言在规定工作日之后才答复。", options=("enquiry_deadline_workdays",),
      needs="letter")
def enquiry_late(ctx: SiteContext):
    boards = _boards(ctx)
    since = ctx.lookback_start
    for e in ctx.enquiries:
        submitted, replied = _d(e["submitted"]), _d(e["replied"])
        if e["status"] != "answered" or not submitted or not replied or submitted < since:
            continue
        board = boards.get(e["board_key"])
        limit = deadline_for(ctx, board)
        took = figures.late(ctx.calendar, submitted, replied, limit)
        if took is None or not took.over:
            continue
        days = took.workdays
        bname = e["board"] or (board or {}).get("name") or "留言板"
        yield Finding("ENQUIRY_LATE", f"late:{e['board_key']}:{e['letter_key']}",
                      f"{bname}留言“{e['title']}”用时{days}个工作日才答复（要求{limit}个工作日内）",
                      column=bname, url=e["url"] or (board or {}).get("url"),
                      evidence={"submitted": submitted.isoformat(), "replied": replied.isoformat(),
                                "workdays": days, "limit_workdays": limit,
                                "days_over": took.days_over, "estimated": took.estimated,
                                "letter_key": e["letter_key"], "column_key": e["board_key"],
                                "newest_date": replied.isoformat()})


@rule("ENQUIRY_VETO", title="互动回应差（留言超3个月未答复）", basis=f"{GB2019} 单项否决指标“互动回应差”",
      severity="veto", remedy="立即答复超期留言；建立留言受理、转办、答复全流程督办机制。",
      description="检查前1年内，政务咨询类栏目有效留言超过3个月未答复（在线访谈、调查征集、网上信访、纪检举报类栏目除外）。",
      options=("enquiry_veto_months",), needs="letter")
def enquiry_veto(ctx: SiteContext):
    boards = _boards(ctx)
    months = ctx.profile.enquiry_veto_months
    since = ctx.lookback_start
    for e in ctx.enquiries:
        submitted = _d(e["submitted"])
        board = boards.get(e["board_key"])
        if e["status"] != "pending" or not submitted or submitted < since:
            continue
        if board is not None and board_class(ctx, board) == "excluded":
            continue
        limit = submitted + relativedelta(months=months)
        if ctx.as_of <= limit:
            continue
        bname = e["board"] or (board or {}).get("name") or "留言板"
        yield Finding("ENQUIRY_VETO", f"veto:{e['board_key']}:{e['letter_key']}",
                      f"{bname}留言“{e['title']}”（{submitted.isoformat()}提交）超过{months}个月未答复",
                      column=bname, url=e["url"] or (board or {}).get("url"),
                      evidence={"submitted": submitted.isoformat(), "days": (ctx.as_of - submitted).days,
                                "limit_date": limit.isoformat(), "letter_key": e["letter_key"],
                                "column_key": e["board_key"],
                                "newest_date": submitted.isoformat()})


@rule("NO_ENQUIRY_CHANNEL", title="无有效互动渠道", basis=f"{GB2019} 单项否决指标“互动回应差”（无咨询建言渠道）",
      severity="veto", needs="walk", remedy="开设领导信箱、咨询投诉等政务咨询类留言渠道，网上信访和纪检举报渠道不计入。",
      description="网站没有任何有效的政务咨询/建言留言渠道（网上信访、纪检举报、在线访谈、调查征集不计）。")
def no_enquiry_channel(ctx: SiteContext):
    from checks.rules_columns import absence, present
    wanted = [m for m in ctx.profile.mandatory(ctx.site["kind"]) if m.get("kind") == "channel"]
    if not wanted:
        return
    boards = ctx.boards()
    if any(board_class(ctx, b) != "excluded" for b in boards):
        return
    if any(present(ctx, m) for m in wanted):
        return   # a 信箱 on a letters host, a 12345 platform, a named menu entry that failed
    yield absence("NO_ENQUIRY_CHANNEL", "channel", "有效的政务咨询/建言留言渠道（如领导信箱、咨询投诉）",
                  ctx.coverage(), column=wanted[0]["name"], url=None,
                  evidence={"boards_found": [b.get("name") for b in boards]})
