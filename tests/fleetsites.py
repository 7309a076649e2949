"""A small loopback fleet for the fleet and distributed tests: the benchmark's generated portal
served on several 127.0.0.x hosts (one site each, so per-host limits are real), a sites file for
them, and helpers to read a run's outcome back from the store."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from sitegen import SITE_NAME, AsyncServer, build_site  # bench/, on sys.path (conftest)

AS_OF_PAGES = 90   # requests a sweep of one generated site makes: small, with every CMS family


def fleet_server(n: int, pages: int = AS_OF_PAGES, first: int = 20) -> AsyncServer:
    """n sites on 127.0.0.<first>…; the caller stops it (``with fleet_server(4) as srv``)."""
    return AsyncServer(build_site(pages), [f"127.0.0.{first + i}" for i in range(n)])


def sites_yaml(srv: AsyncServer, path: Path, owners: tuple[str, ...] = ("县政府办", "县教育局")) -> Path:
    lines = ["sites:"]
    for i, url in enumerate(srv.base_urls):
        lines += [f"  - id: f{i + 1}", f"    name: {SITE_NAME}{i + 1}", f"    url: {url}",
                  "    kind: portal", f"    owner: {owners[i % len(owners)]}", "    region: 测试县"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def sql(db: Path, query: str, args=()) -> list[tuple]:
    con = sqlite3.connect(str(db))
    try:
        return con.execute(query, args).fetchall()
    finally:
        con.close()


def findings(db: Path, run_id: int) -> set[tuple]:
    """What a run found, comparable across stores (no row ids, no dates of first sight)."""
    return set(sql(db, "select site_id, code, severity, coalesce(column, ''), message, fingerprint "
                       "from findings where run_id = ?", [run_id]))


def site_jobs(db: Path, run_id: int) -> dict[str, tuple]:
    return {r[0]: r[1:] for r in sql(db, "select site_id, state, attempts, error from site_jobs "
                                         "where run_id = ?", [run_id])}


def row_counts(db: Path, run_id: int) -> dict[tuple[str, str], int]:
    """Rows per crawl table and site of a run: equal across two runs of the same sites means
    nothing was lost and nothing stored twice."""
    from crawler.sitebatch import CRAWL_TABLES
    out = {}
    for table in CRAWL_TABLES:
        for sid, n in sql(db, f"select site_id, count(*) from [{table}] where run_id = ? "  # noqa: S608
                              "group by site_id", [run_id]):
            out[(table, sid)] = n
    return out
