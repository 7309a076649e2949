"""`govwatch` command line: thin shells over the same functions the tests call.

Exit codes: 0 the run completed (with or without findings); 2 bad usage or configuration (sites
file with its overrides and boards, notify file, profile, rubric, holiday file: all checked before
anything runs); 1 an internal failure; 3 the database is in use by another govwatch process
(crawler.lock); 5 the run finished and its reports were written, but the crawl was incomplete
(the crawl process failed or was killed; the reports say 本次巡检未完成).
"""
from __future__ import annotations

import argparse
import functools
import json
import logging
import sys
from contextlib import closing
from datetime import date, datetime
from pathlib import Path

from crawler.lock import DatabaseBusy
from crawler.sitesfile import ConfigFileError, load_sites

INCOMPLETE = 5   # exit status: reports written, crawl incomplete


class UsageError(Exception):
    """Bad usage or configuration: exit 2."""


def _as_of(value: str | None) -> date:
    if not value:
        from reports.labels import BEIJING
        return datetime.now(BEIJING).date()   # the offices' day, whatever the server's zone
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--as-of 日期格式应为 YYYY-MM-DD：{value}") from None


def _store(path: str):
    from crawler.store import Store
    return Store(path)


def _select(sites: list[dict], site_id: str | None) -> list[dict]:
    if not site_id:
        return sites
    chosen = [s for s in sites if s["id"] == site_id]
    if not chosen:
        raise UsageError(f"网站清单中没有标识为“{site_id}”的网站 (no site with id {site_id})")
    return chosen


# -- the job ----------------------------------------------------------------------------------------
def run_job(sites_file: str, db: str, out: str | None, *, as_of: date, mode: str = "sweep",
            site_id: str | None = None, profile: str = "gb2019", rubric: str | None = "gb2019",
            holidays: str | None = None, notify: str | None = None, progress: bool = True,
            settings: dict | None = None, quiet: bool = False, resume: bool = False,
            redis: str | None = None) -> int:
    """Crawl, check, report: returns the run id (`run_status` tells whether its crawl was
    complete). Every configuration file is validated before the database is opened; one job per
    database (crawler.lock). `resume` continues the last interrupted run of this sites file with
    the sites it had not finished; `redis` (a URL) crawls on `govwatch worker`s instead of here."""
    from crawler.lock import db_lock

    judged_by = _validate_profile(profile, rubric, holidays)
    sites = _select(load_sites(sites_file, profile=judged_by), site_id)
    _validate_notify(notify)
    with db_lock(db, what="巡检"):
        return _run_locked(sites, sites_file, db, out, as_of=as_of, mode=mode, profile=profile,
                           rubric=rubric, holidays=holidays, notify=notify, progress=progress,
                           settings=settings, quiet=quiet, resume=resume, redis=redis)


def _open_run(store, sites, sites_file, *, mode, as_of, profile, resume) -> tuple[int, str, date]:
    """A new run, or (resume) the last interrupted one of this sites file: (id, mode, as-of)."""
    from crawler.lock import close_interrupted_runs
    close_interrupted_runs(store)
    store.upsert_sites(sites)
    if not resume:
        return store.start_run(mode, as_of.isoformat(), str(sites_file), profile), mode, as_of
    from crawler.fleet import reopen
    run = reopen(store, str(sites_file))
    if run is None:
        raise UsageError(f"没有可继续的中断批次（网站清单 {sites_file}）(nothing to resume)")
    return run["id"], run["mode"], date.fromisoformat(run["as_of"])


def _run_locked(sites, sites_file, db, out, *, as_of, mode, profile, rubric, holidays, notify,
                progress, settings, quiet, resume=False, redis=None) -> int:
    from checks.engine import judge_run

    with closing(_store(db)) as store:
        run_id, mode, as_of = _open_run(store, sites, sites_file, mode=mode, as_of=as_of,
                                        profile=profile, resume=resume)
    result = _crawl_sites(db, run_id, sites, as_of, mode, settings, progress, redis)
    store = _store(db)
    try:
        crawled = set(store.crawled_sites(run_id))
        judge_run(store, run_id, as_of=as_of, profile_name=profile, rubric_name=rubric,
                  holiday_file=holidays, site_ids=[s["id"] for s in sites if s["id"] in crawled])
        store.finish_run(run_id, complete=result.complete, note=result.note())
        if out:
            _reports(store, run_id, Path(out), quiet=quiet, notify=notify)
    finally:
        store.close()
    return run_id


def _crawl_sites(db, run_id, sites, as_of, mode, settings, progress, redis):
    """The crawl of a run's sites: here (crawler/fleet.py) or on workers (crawler/distributed.py)."""
    if redis:
        from crawler.distributed import Coordinator
        return Coordinator(redis, db, run_id, sites, as_of, mode, settings, progress).run()
    from crawler.fleet import Fleet
    return Fleet(db, run_id, sites, as_of, mode, settings, progress).run()


def run_status(db: str, run_id: int) -> int:
    """Exit status of a finished run: 0, or INCOMPLETE (saying why) when its crawl was not."""
    store = _store(db)
    try:
        run = store.run(run_id)
    finally:
        store.close()
    if run["complete"]:
        return 0
    print(f"巡检完成但抓取不完整（{run['note'] or '原因未记录'}）：结果不完整，报告中已注明“本次巡检未完成”",
          file=sys.stderr)
    return INCOMPLETE


def crawl_only(db: str, sites: list[dict], sites_file: str, *, as_of: date, mode: str = "sweep",
               progress: bool = True, settings: dict | None = None) -> tuple[int, int]:
    """Crawl and store, without judging: returns (run id, crawl process exit code). The run is
    recorded as 仅抓取, complete when every site was crawled to its end."""
    with closing(_store(db)) as store:
        store.upsert_sites(sites)
        run_id = store.start_run(mode, as_of.isoformat(), sites_file)
    result = _crawl_sites(db, run_id, sites, as_of, mode, settings, progress, None)
    with closing(_store(db)) as store:
        store.finish_run(run_id, complete=result.complete,
                         note="；".join(filter(None, ("仅抓取", result.note()))))
    return run_id, 0 if result.complete else next((c for c in result.codes if c), 1)


def check_stored(db: str, run_id: int | None = None, *, as_of: date | None = None,
                 profile: str = "gb2019", rubric: str | None = "gb2019",
                 holidays: str | None = None) -> list[dict]:
    """Judge a stored run again (default: the latest crawled one), without crawling; returns each
    site's result as `checks.engine.judge_run` does."""
    from checks.engine import judge_run
    _validate_profile(profile, rubric, holidays)
    with closing(_store(db)) as store:
        run = store.run(run_id) if run_id else store.latest_crawled_run()
        if not run:
            raise UsageError("数据库中没有可检查的抓取批次")
        return judge_run(store, run["id"], as_of=as_of, profile_name=profile, rubric_name=rubric,
                         holiday_file=holidays)


def _report_run(store, run_id: int | None) -> dict:
    """The run a report is about: the one asked for, else the latest complete, else the latest."""
    run = store.run(run_id) if run_id else (store.latest_run() or store.latest_run(False))
    if not run:
        raise UsageError("数据库中没有巡检批次")
    return run


def write_reports(db: str, out: str | Path, *, run_id: int | None = None,
                  formats: tuple[str, ...] | None = None, split_by: str | None = None) -> dict:
    """Write a stored run's reports into `out` (and, split_by owner|region, a 整改清单 per group)
    and print the summary; returns {format: path}."""
    with closing(_store(db)) as store:
        return _reports(store, _report_run(store, run_id)["id"], Path(out), formats=formats,
                        split_by=split_by)


def print_changes(db: str, *, run_id: int | None = None) -> None:
    """Print what changed since the previous complete run (the daily digest)."""
    import reports
    with closing(_store(db)) as store:
        reports.print_digest(reports.build_model(store, _report_run(store, run_id)["id"]))


def mark_finding(db: str, fingerprint: str, mark: str, reason: str = "", by: str = "") -> None:
    """Record an office's decision on a finding (ignored | accepted), or clear it."""
    with closing(_store(db)) as store:
        if mark == "clear":
            store.db["finding_marks"].delete_where("fingerprint = ?", [fingerprint])
        else:
            store.set_mark(fingerprint, mark, reason, by)


def _validate_profile(profile: str, rubric: str | None, holidays: str | None):
    """The profile (returned, to judge the sites file's overrides), the rubric and the holiday
    file, each loaded as the checks will load it."""
    from checks.profile import load_profile
    from checks.scoring import load_rubric
    from checks.workdays import load_holiday_file
    try:
        loaded = load_profile(profile)
        if rubric:
            load_rubric(rubric)
        if holidays:
            load_holiday_file(holidays)
    except (ValueError, OSError) as e:
        raise UsageError(str(e)) from None
    return loaded


def _validate_notify(notify: str | None) -> None:
    if notify:
        from crawler.notifyfile import load_notify
        load_notify(notify)


def _reports(store, run_id: int, out: Path, *, quiet: bool = False, formats=None,
             notify: str | None = None, split_by: str | None = None) -> dict:
    import reports
    model = reports.build_model(store, run_id)
    paths = reports.write_model(model, out, formats=formats)
    split = reports.write_split(model, out, split_by) if split_by else []
    if not quiet:
        reports.print_summary(model)
        from rich.console import Console
        Console().print("报告已写入：" + "，".join(str(p) for p in paths.values()))
        if split_by:
            reports.print_split(split, split_by)
    if notify:
        _notify(notify, model, paths)
    return paths


def _notify(config_path: str, model, paths) -> None:
    from crawler.notifyfile import load_notify
    from reports.notify import notify
    try:
        cfg = load_notify(config_path)   # validated before the run; read again, it may have changed
    except ConfigFileError as e:
        print(f"通知配置无法读取，未发送通知：{e}", file=sys.stderr)
        return
    digest = Path(paths["md"]).read_text(encoding="utf-8") if "md" in paths else ""
    for r in notify(cfg, model, digest):
        if r.get("ok"):
            print(f"通知已发送：{r.get('kind')} {r.get('target')}", file=sys.stderr)
        else:
            print(f"通知发送失败（巡检结果不受影响）：{r.get('kind')} {r.get('target')} "
                  f"{r.get('error')}", file=sys.stderr)


# -- what was seen ---------------------------------------------------------------------------------
def columns_command(db: str, *, run_id: int | None = None, site_id: str | None = None,
                    console=None) -> int:
    """`govwatch columns`: the column tree each site's walk discovered, its coverage and entrances."""
    from reports.model import seen_view
    from reports.terminal import print_columns

    store = _crawled_store(db)
    try:
        run, known, ids = _crawled_sites(store, run_id, site_id)
        print_columns(run, [(known[sid], seen_view(store, run, known[sid])) for sid in ids],
                      console)
    finally:
        store.close()
    return 0


def links_command(db: str, *, run_id: int | None = None, site_id: str | None = None,
                  everything: bool = False, console=None) -> int:
    """`govwatch links`: the links each site's sweep found broken or could not verify (`everything`:
    also those that worked only when tried again)."""
    from reports.links_listing import print_links, stored_links

    store = _crawled_store(db)
    try:
        run, known, ids = _crawled_sites(store, run_id, site_id)
        print_links(run, [(known[sid], *stored_links(store, run["id"], sid, everything)) for sid in ids],
                    console)
    finally:
        store.close()
    return 0


def _crawled_store(db: str):
    if not Path(db).is_file():
        raise UsageError(f"数据库文件不存在：{db}")
    return _store(db)


def _crawled_sites(store, run_id: int | None, site_id: str | None) -> tuple[dict, dict, list[str]]:
    """The crawl run asked for (default: the latest), the sites known, the ids of those it crawled
    (only `site_id` when given); UsageError when there is none."""
    if store.latest_run(complete_only=False) is None:
        raise UsageError(f"数据库中没有巡检批次：{store.path}")
    run = store.latest_crawled_run() if run_id is None else \
        store.latest_crawled_run(before=run_id + 1)
    if run is None or (run_id is not None and run["id"] != run_id):
        raise UsageError(f"批次 {run_id} 不存在或没有抓取数据" if run_id is not None
                         else "数据库中没有抓取到数据的批次")
    known = {s["id"]: s for s in store.sites()}
    if site_id is not None and site_id not in known:
        raise UsageError(f"数据库中没有标识为“{site_id}”的网站 (no site with id {site_id})")
    crawled = store.crawled_sites(run["id"])
    ids = [sid for sid in known if sid in crawled and site_id in (None, sid)]
    if not ids:
        raise UsageError(f"批次 {run['id']} 没有巡检网站“{site_id}”" if site_id
                         else f"批次 {run['id']} 没有网站的抓取记录")
    return run, known, ids


# -- rules ------------------------------------------------------------------------------------------
def rules_command(profile: str = "gb2019", *, markdown: bool = False, console=None) -> int:
    """`govwatch rules`: every rule with its severity and basis. A code or a name is never cut:
    piped or redirected, lines are as long as they are; on a terminal the basis wraps, and codes and
    names keep their whole width (folded, never cut, on one too narrow even for them)."""
    from checks.registry import SEVERITY_LABELS, load_builtin_rules
    rules = load_builtin_rules()
    if markdown:
        from checks.docs import rules_markdown
        from checks.profile import load_profile
        print(rules_markdown(rules, load_profile(profile)))
        return 0
    from rich.table import Table

    from reports.terminal import columns_console
    table = Table(title="govwatch 检查规则")
    for head, whole in (("代码", True), ("问题类型", True), ("严重程度", False), ("依据", False)):
        table.add_column(head, no_wrap=whole, overflow="fold")
    for r in rules.values():
        table.add_row(r.code, r.title, SEVERITY_LABELS.get(r.severity, r.severity), r.basis)
    (console or columns_console()).print(table)
    return 0


# -- demo -------------------------------------------------------------------------------------------
def demo_db(out: str, db: str | None = None) -> str:
    return db or str(Path(out) / "govwatch.db")


def run_demo(out: str, *, as_of: date, variant: int = 0, db: str | None = None,
             quiet: bool = False, progress: bool = True, mode: str = "sweep",
             notify: str | None = None) -> int:
    from crawler.demo.server import closed_port_url, demo_sites_yaml, serve_demo

    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    db = demo_db(out, db)
    server = serve_demo(as_of, variant)
    try:
        sites_path = out_dir / "demo-sites.yaml"
        sites_path.write_text(demo_sites_yaml(server.base_url, closed_port_url()), encoding="utf-8")
        return run_job(str(sites_path), db, str(out_dir), as_of=as_of, quiet=quiet,
                       progress=progress, mode=mode, notify=notify,
                       # the demo server is our own, on loopback: no politeness delay
                       settings={"DOWNLOAD_TIMEOUT": 5, "RETRY_TIMES": 1, "DOWNLOAD_DELAY": 0,
                                 "CONCURRENT_REQUESTS_PER_DOMAIN": 4})
    finally:
        server.stop()


# -- argument parsing -------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="govwatch", description="政府网站政务公开监测 (government website monitor)")
    p.add_argument("-v", "--verbose", action="store_true", help="输出调试日志")
    sub = p.add_subparsers(dest="command", required=True)
    _stage_commands(sub)
    _tool_commands(sub)
    _sites_commands(sub)
    return p


def _crawl_arguments(sp) -> None:
    sp.add_argument("sites", help="网站清单 YAML 文件")
    sp.add_argument("--db", required=True, help="SQLite 数据库文件")
    sp.add_argument("--as-of", help="检查日 YYYY-MM-DD（默认今天）")
    sp.add_argument("--mode", choices=("sweep", "daily"), default="sweep",
                    help="sweep 全量巡检（默认）；daily 日常巡检，只读各栏目第一页")
    sp.add_argument("--site", help="只巡检该标识的网站")
    sp.add_argument("--no-progress", action="store_true", help="不显示进度")
    sp.add_argument("--links", action=argparse.BooleanOptionalAction, default=None,
                    help="全面巡检时检查所巡页面上的全部链接（默认开启；--no-links 关闭）")
    sp.add_argument("--external-links", action="store_true",
                    help="同时检查指向其他网站的链接（每个网站最多1个请求、间隔1秒）")
    _fleet_arguments(sp)


def _fleet_arguments(sp) -> None:
    """How a run over many sites is crawled (crawler/fleet.py, crawler/distributed.py)."""
    g = sp.add_argument_group("多网站巡检")
    g.add_argument("--parallel", type=int, help="同时运行的抓取进程数（默认 2）")
    g.add_argument("--chunk", type=int, help="每个抓取进程负责的网站数（默认 100）")
    g.add_argument("--concurrency", type=int, help="每个抓取进程的总并发请求数（默认 128，每个网站最多 2 个）")
    g.add_argument("--site-timeout", type=float, help="单个网站的抓取时限（秒，默认不限）")
    g.add_argument("--attempts", type=int, help="网站抓取失败（进程崩溃）后最多尝试的次数（默认 2）")
    g.add_argument("--delay", type=float, help="同一网站两次请求的间隔秒数（默认 0.25，随机 0.5-1.5 倍）")


def _fleet_settings(args) -> dict:
    chosen = {"GOVWATCH_FLEET_PARALLEL": args.parallel, "GOVWATCH_FLEET_CHUNK": args.chunk,
              "GOVWATCH_FLEET_CONCURRENCY": args.concurrency, "GOVWATCH_SITE_TIMEOUT": args.site_timeout,
              "GOVWATCH_CRAWL_ATTEMPTS": args.attempts, "DOWNLOAD_DELAY": args.delay}
    for name, value in chosen.items():
        if value is not None and value < (0 if name == "DOWNLOAD_DELAY" else 1):
            raise UsageError(f"参数取值无效：{name} = {value}")
    return {k: v for k, v in chosen.items() if v is not None}


def _link_settings(args) -> dict:
    """链接可用性 (crawler/linkcheck): on in sweeps unless --no-links; daily runs never check links."""
    if args.links and args.mode != "sweep":
        raise UsageError("链接检查只在全面巡检（--mode sweep）中进行")
    chosen = {"GOVWATCH_LINKS": args.links, "GOVWATCH_EXTERNAL_LINKS": args.external_links or None}
    return {k: v for k, v in chosen.items() if v is not None}


def _judging_arguments(sp) -> None:
    sp.add_argument("--profile", default="gb2019", help="规则配置（默认 gb2019）或 YAML 路径")
    sp.add_argument("--rubric", default="gb2019", help="评分细则（默认 gb2019）或 YAML 路径")
    sp.add_argument("--holidays", help="节假日文件（chinesecalendar 缺少的年份）")


def _stage_commands(sub) -> None:
    """run, and the stages it chains: crawl, check, report."""
    from reports.registry import report_formats

    sp = sub.add_parser("run", help="巡检：抓取、检查并生成报告")
    sp.set_defaults(command_function=_run_command)
    _crawl_arguments(sp)
    _judging_arguments(sp)
    sp.add_argument("--out", required=True, help="报告输出目录")
    sp.add_argument("--notify", help="通知配置文件（webhook / 邮件）")
    sp.add_argument("--resume", action="store_true",
                    help="继续该网站清单上次中断的批次，只抓取尚未完成的网站")
    sp.add_argument("--distributed", action="store_true",
                    help="由各台机器上的 govwatch worker 抓取（需 --redis 或环境变量 GOVWATCH_REDIS_URL）")
    sp.add_argument("--redis", help="Redis 地址，如 redis://10.0.0.5:6379/0")

    sp = sub.add_parser("crawl", help="只抓取，写入数据库")
    sp.set_defaults(command_function=_crawl_command)
    _crawl_arguments(sp)

    sp = sub.add_parser("check", help="按规则重新判定已抓取的数据（不抓取）")
    sp.set_defaults(command_function=_check_command)
    sp.add_argument("--db", required=True)
    sp.add_argument("--run", type=int, help="批次号（默认最近一次抓取）")
    sp.add_argument("--as-of", help="检查日 YYYY-MM-DD（默认该批次的检查日）")
    _judging_arguments(sp)

    sp = sub.add_parser("report", help="生成报告")
    sp.set_defaults(command_function=_report_command)
    sp.add_argument("--db", required=True)
    sp.add_argument("--out", default="govwatch-output")
    sp.add_argument("--run", type=int, help="批次号（默认最近一次完成的批次）")
    formats = report_formats()
    sp.add_argument("--format", action="append", choices=tuple(formats),
                    help="报告格式，可重复（默认全部）：" + "；".join(
                        f"{f.name} {f.label} {f.file}" for f in formats.values()))
    sp.add_argument("--since-last", action="store_true", help="显示与上一批次相比的变化（每日摘要）")
    sp.add_argument("--split-by", choices=("owner", "region"),
                    help="另按主办单位（owner）或所属地区（region）各写一份整改清单 XLSX，"
                         "放在输出目录的“按主办单位”或“按所属地区”文件夹")


def _tool_commands(sub) -> None:
    """columns, links, demo, extract, rules, mark, probe."""
    sp = sub.add_parser("columns", help="查看巡检发现的栏目（栏目树、抓取范围、站外入口）")
    sp.set_defaults(command_function=_columns_command)
    sp.add_argument("--db", required=True, help="SQLite 数据库文件")
    sp.add_argument("--site", help="只显示该标识的网站")
    sp.add_argument("--run", type=int, help="批次号（默认最近一次抓取）")

    sp = sub.add_parser("links", help="查看全面巡检检查出的不可用链接和无法核实的链接")
    sp.set_defaults(command_function=_links_command)
    sp.add_argument("--db", required=True, help="SQLite 数据库文件")
    sp.add_argument("--site", help="只显示该标识的网站")
    sp.add_argument("--run", type=int, help="批次号（默认最近一次抓取）")
    sp.add_argument("--all", action="store_true", help="也列出首次检查失败、复查正常的链接")

    sp = sub.add_parser("demo", help="在内置示例网站上运行完整巡检")
    sp.set_defaults(command_function=_demo_command)
    sp.add_argument("--out", default="demo-output")
    sp.add_argument("--as-of", help="检查日（默认今天）")
    sp.add_argument("--variant", type=int, default=0, help="示例网站版本（0 初始，1 整改后）")
    sp.add_argument("--mode", choices=("sweep", "daily"), default="sweep")
    sp.add_argument("--notify", help="通知配置文件（webhook / 邮件）")
    sp.add_argument("--db", help="数据库（默认 OUT/govwatch.db）")
    sp.add_argument("--no-progress", action="store_true")

    sp = sub.add_parser("extract", help="查看单个页面的识别结果（JSON）")
    sp.set_defaults(command_function=_extract_command)
    sp.add_argument("page", help="本地 HTML 文件或 http(s) 网址")
    sp.add_argument("--url", help="页面原始网址（用于解析相对链接）")
    sp.add_argument("--as-of", help="检查日")

    sp = sub.add_parser("rules", help="列出全部检查规则")
    sp.set_defaults(command_function=_rules_command)
    sp.add_argument("--profile", default="gb2019")
    sp.add_argument("--markdown", action="store_true", help="输出规则文档（Markdown）")

    sp = sub.add_parser("mark", help="将问题标记为已确认接受/忽略")
    sp.set_defaults(command_function=_mark_command)
    sp.add_argument("--db", required=True)
    sp.add_argument("fingerprint")
    sp.add_argument("mark", choices=("ignored", "accepted", "clear"))
    sp.add_argument("--reason", required=False, default="")
    sp.add_argument("--by", default="")

    sp = sub.add_parser("worker", help="分布式巡检工作节点：从 Redis 队列领取网站抓取任务")
    sp.set_defaults(command_function=_worker_command)
    sp.add_argument("--redis", help="Redis 地址（默认环境变量 GOVWATCH_REDIS_URL）")
    sp.add_argument("--status", action="store_true", help="只显示队列中等待的任务数和在线工作节点数")

    sp = sub.add_parser("probe", help="探测首页可访问性（适合 cron 定时执行）")
    sp.set_defaults(command_function=_probe_command)
    sp.add_argument("sites")
    sp.add_argument("--db", required=True)
    sp.add_argument("--timeout", type=float, default=15.0)


def _sites_commands(sub) -> None:
    """sites import (crawler/siteimport.py)."""
    sp = sub.add_parser("sites", help="网站清单工具（从信息报送系统导出表导入）")
    group = sp.add_subparsers(dest="sites_command", required=True)
    sp = group.add_parser(
        "import", help="从全国政府网站信息报送系统 / 网站普查导出的网站列表（.xlsx 或 .csv）生成网站清单",
        description="读取导出表（XLSX，或 Excel/WPS 保存的 GBK / UTF-8 CSV），写出网站清单 YAML。"
                    "已关停的网站跳过，重复的行（网站标识码或首页网址相同，保留第一行）和无效的行（网址无效、"
                    "网站类型无法识别、缺少名称）拒绝；每一行都在屏幕上和清单开头的注释中写明行号和原因。"
                    "若 --out 文件已存在，则合并到其中：按网站标识码（没有则按首页网址）对应，已有网站保留标识和"
                    "手工添加的设置（overrides、boards、columns、max_pages、allow_hosts 等）以及 defaults:，"
                    "只更新名称、网址、类型、主办单位、地区和标识码；导入表中没有的网站保留不动。"
                    "原文件中的注释不会保留，原文件另存为 FILE.bak。")
    sp.set_defaults(command_function=_sites_import_command)
    sp.add_argument("table", help="导出的网站列表（.xlsx 或 .csv）")
    sp.add_argument("--out", required=True, help="写出的网站清单 YAML（已存在则合并，原文件另存为 .bak）")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.command_function(args)
    except (UsageError, ConfigFileError) as e:
        print(str(e), file=sys.stderr)
        return 2
    except DatabaseBusy as e:
        print(str(e), file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 1
    except Exception as e:  # noqa: BLE001
        logging.getLogger("govwatch").exception("内部错误")
        print(f"内部错误 (internal error): {e}", file=sys.stderr)
        return 1


# -- subcommands: each reads its arguments, calls the functions above and prints -------------------
def _holding_db(command):
    """The subcommand holds the database lock (crawler.lock) before it does anything else."""
    @functools.wraps(command)
    def locked(args) -> int:
        from crawler.lock import db_lock
        with db_lock(args.db, what=args.command):
            return command(args)
    return locked


def _redis_url(args) -> str | None:
    import os
    url = args.redis or os.environ.get("GOVWATCH_REDIS_URL")
    if args.distributed and not url:
        raise UsageError("分布式巡检需要 Redis 地址：--redis redis://主机:6379/0 或环境变量 GOVWATCH_REDIS_URL")
    return url if args.distributed else None


def _run_command(args) -> int:
    run_id = run_job(args.sites, args.db, args.out, as_of=_as_of(args.as_of), mode=args.mode,
                     site_id=args.site, profile=args.profile, rubric=args.rubric,
                     holidays=args.holidays, notify=args.notify, progress=not args.no_progress,
                     settings=_fleet_settings(args) | _link_settings(args), resume=args.resume,
                     redis=_redis_url(args))
    return run_status(args.db, run_id)


@_holding_db
def _crawl_command(args) -> int:
    sites = _select(load_sites(args.sites), args.site)
    run_id, code = crawl_only(args.db, sites, args.sites, as_of=_as_of(args.as_of), mode=args.mode,
                              progress=not args.no_progress,
                              settings=_fleet_settings(args) | _link_settings(args))
    if code != 0:
        print(f"抓取不完整，批次 {run_id}（抓取进程退出码 {code}）", file=sys.stderr)
        return INCOMPLETE
    print(f"抓取完成，批次 {run_id}")
    return 0


@_holding_db
def _check_command(args) -> int:
    results = check_stored(args.db, args.run, as_of=_as_of(args.as_of) if args.as_of else None,
                           profile=args.profile, rubric=args.rubric, holidays=args.holidays)
    for r in results:
        active = sum(1 for f in r["findings"] if f["status"] != "resolved")
        print(f"{r['site']}: {r['verdict']}，问题 {active} 个")
    return 0


@_holding_db
def _report_command(args) -> int:
    if args.since_last:
        print_changes(args.db, run_id=args.run)
    else:
        write_reports(args.db, args.out, run_id=args.run,
                      formats=tuple(args.format) if args.format else None, split_by=args.split_by)
    return 0


def _columns_command(args) -> int:
    return columns_command(args.db, run_id=args.run, site_id=args.site)


def _links_command(args) -> int:
    return links_command(args.db, run_id=args.run, site_id=args.site, everything=args.all)


def _demo_command(args) -> int:
    run_id = run_demo(args.out, as_of=_as_of(args.as_of), variant=args.variant, db=args.db,
                      progress=not args.no_progress, mode=args.mode, notify=args.notify)
    return run_status(demo_db(args.out, args.db), run_id)


def _extract_command(args) -> int:
    from crawler.extraction.cli import ExtractError, extract_command
    try:
        result = extract_command(args.page, args.url, _as_of(args.as_of))
    except ExtractError as e:
        raise UsageError(f"无法读取页面 (cannot read page): {e}") from None
    print(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    return 0


def _rules_command(args) -> int:
    return rules_command(args.profile, markdown=args.markdown)


def _mark_command(args) -> int:
    mark_finding(args.db, args.fingerprint, args.mark, args.reason, args.by)
    print(f"已标记 {args.fingerprint}: {args.mark}")
    return 0


def _sites_import_command(args) -> int:
    from crawler.siteimport import import_sites
    result = import_sites(args.table, args.out)
    for note in result.notes():
        print(note, file=sys.stderr)
    print(result.summary())
    print(f"网站清单已写入：{args.out}")
    return 0


def _worker_command(args) -> int:
    import os
    url = args.redis or os.environ.get("GOVWATCH_REDIS_URL")
    if not url:
        raise UsageError("需要 Redis 地址：--redis redis://主机:6379/0 或环境变量 GOVWATCH_REDIS_URL")
    from crawler import distributed, worker
    if args.status:
        st = distributed.queue_status(url)
        print(f"等待中的网站任务 {st['waiting']} 个，在线工作节点 {st['workers']} 个")
        return 0
    return worker.serve(url)


def _probe_command(args) -> int:
    from crawler.probe import probe_sites
    sites = load_sites(args.sites)
    with closing(_store(args.db)) as store:
        for r in probe_sites(store, sites, timeout=args.timeout):
            print(f"{r['site_id']}: {'正常' if r['ok'] else '失败'} {r.get('status') or r.get('error') or ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
