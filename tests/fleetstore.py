"""A judged store of many sites, written row by row (no crawl), for the province-scale report tests.

Sites differ in what a province sweep finds: fresh, stale, blank and unreadable columns, missing
mandatory columns, an unreachable homepage; some sites have no 主办单位 or 所属地区. The judging is the
real engine's (`checks.engine.judge_run`), so verdicts, scores and findings are whatever it decides.
"""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from checks.engine import judge_run
from crawler.store import Store

AS_OF = date(2026, 11, 27)
OWNERS = ("青溪县人民政府办公室", "青溪县农业农村局", "青溪县教育局", "青溪县卫生健康局",
          "青溪县交通运输局/公路段")   # a slash: the split file name must still be legal
REGIONS = ("青溪县", "云岭市", "白沙县")
KINDS = ("portal", "department", "township")
MANDATORY = (("gkzn", "政府信息公开指南"), ("ndbg", "政府信息公开年报"), ("zcwj", "政策文件"),
             ("zcjd", "政策解读"), ("hygq", "回应关切"), ("jgzn", "机构职能"), ("tzgg", "通知公告"),
             ("gkzd", "政府信息公开制度"), ("fdzdgk", "法定主动公开内容"), ("ysqgk", "依申请公开"),
             ("fzrxx", "负责人信息"), ("czyjs", "财政预决算"), ("rsxx", "人事信息"),
             ("wzzc", "我为政府网站找错"))
ANNUAL_REPORT = "2025年政府信息公开工作年度报告"
DYNAMIC = ("工作动态", "部门动态", "乡镇动态", "图片新闻", "政务要闻")


def site_row(i: int) -> dict:
    """Site i: every 7th has no owner, every 5th no region."""
    return {"id": f"site-{i:04d}", "name": f"{REGIONS[i % len(REGIONS)]}第{i}号单位网站",
            "url": f"http://site{i}.example.gov.cn/", "kind": KINDS[i % len(KINDS)],
            "owner": None if i % 7 == 0 else OWNERS[i % len(OWNERS)],
            "region": None if i % 5 == 0 else REGIONS[i % len(REGIONS)],
            "code": f"33110{i:05d}"}


def _site_columns(run: int, i: int, n_columns: int, n_items: int) -> tuple[list, list]:
    sid, host = f"site-{i:04d}", f"http://site{i}.example.gov.cn"
    columns, items = [], []

    def column(key, name, dates, *, role="list", level=1, status="ok", board_class=None):
        columns.append({"run_id": run, "site_id": sid, "key": key, "name": name,
                        "url": f"{host}/{key}/", "level": level, "role": role, "status": status,
                        "board_class": board_class,
                        "error": "连接超时（TimeoutError）" if status == "failed" else None,
                        "method": "generic", "counted_items": len(dates), "item_count": len(dates),
                        "pages_total": 1, "pages_read": 1, "pages_failed": 0,
                        "newest_date": max(dates).isoformat() if dates else None})
        items.extend({"run_id": run, "site_id": sid, "column_key": key,
                      "title": ANNUAL_REPORT if key == "ndbg" else f"{name}信息{k}",
                      "url": f"{host}/{key}/{k}.html", "date": d.isoformat(),
                      "date_source": "list:text", "page_url": f"{host}/{key}/"}
                     for k, d in enumerate(dates))

    unreachable = i % 23 == 11
    column("__home__", "首页", [AS_OF - timedelta(days=1)], role="home", level=0,
           status="failed" if unreachable else "ok")
    if unreachable:
        return columns, items
    fresh = [AS_OF - timedelta(days=2 + k * 3) for k in range(n_items)]
    for j, (key, name) in enumerate(MANDATORY):
        if i % 3 == 0 and (i + j) % 13 == 0:
            continue                       # a missing mandatory column
        column(key, name, [date(2026, 1, 20)] if key == "ndbg" else fresh)
    if i % 4:
        column("hdjl", "县长信箱", [], role="board", board_class="consult")
    dynamic = max(0, n_columns - len(MANDATORY))
    for j in range(dynamic):
        name = DYNAMIC[j % len(DYNAMIC)] + (f"{j // len(DYNAMIC) + 1}" if j >= len(DYNAMIC) else "")
        age = 1 + ((i * 7 + j * 13) % 25) * (i % 2)   # odd sites: some stale beyond 14 days
        dates = [] if (i + j) % 17 == 3 else [AS_OF - timedelta(days=age + k * 3)
                                               for k in range(max(n_items, 12))]
        column(f"d{j}", name, dates, status="failed" if (i + j) % 19 == 4 else "ok")
    return columns, items


def fleet_store(path: Path, *, sites: int = 25, columns: int = 14, items: int = 3,
                judge: bool = True) -> tuple[Store, int]:
    """A store at `path` with one sweep run over `sites` sites, judged by the real engine."""
    store = Store(path)
    store.upsert_sites([site_row(i) for i in range(sites)])
    run = store.start_run("sweep", AS_OF.isoformat())
    for i in range(sites):
        sid = f"site-{i:04d}"
        cols, its = _site_columns(run, i, columns, items)
        store.insert_batch("columns", cols)
        store.insert_batch("items", its)
        store.insert_batch("fetches", [{"run_id": run, "site_id": sid, "url": c["url"],
                                        "status": 0 if c["status"] == "failed" else 200,
                                        "kind": "home" if c["role"] == "home" else "list",
                                        "fetched_at": AS_OF.isoformat()} for c in cols])
        store.insert_batch("walks", [{"run_id": run, "site_id": sid, "mode": "sweep",
                                      "pages": len(cols), "columns": len(cols), "max_depth": 3,
                                      "budget_hit": 0, "depth_cut": 0, "failed": "[]",
                                      "complete": int(cols[0]["status"] == "ok")}])
    if judge:
        judge_run(store, run, as_of=AS_OF)
    store.finish_run(run, complete=True)
    return store, run
