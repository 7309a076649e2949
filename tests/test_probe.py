"""Availability probes over a simulated week: the 站点无法访问 veto appears exactly when failed
homepage probes reach 5 % (19 of 400 → nothing, 20 of 400 → veto), counting real probes against
a loopback server that fails on demand alongside stored ones."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from faultserver import FaultServer
from harness import store_with_site

from checks.engine import judge_run
from crawler.cli import main
from crawler.demo.server import LoopbackServer, closed_port_url
from crawler.probe import probe_sites
from crawler.store import Store

AS_OF = date(2026, 11, 27)
TOTAL = 400
PROFILE = ("extends: gb2019\nname: probes\n"
           "mandatory:\n  common: []\n  portal: []\n  department: []\n  township: []\n")


class FlakyHome:
    """A homepage that answers 200, or 503 while `failing` is set."""

    def __init__(self):
        self.failing = False

    def __call__(self, method, path, query, form):
        if self.failing:
            return 503, {"Content-Type": "text/html"}, b"<h1>503</h1>"
        return 200, {"Content-Type": "text/html; charset=utf-8"}, "<html><body>首页</body></html>".encode()


def _week_stamps(n: int) -> list[str]:
    """n probe times spread over the 7 days ending on AS_OF (local time, +08:00)."""
    start = datetime.combine(AS_OF - timedelta(days=6), datetime.min.time())
    step = timedelta(days=7) / n
    return [(start + i * step).strftime("%Y-%m-%dT%H:%M:%S+08:00") for i in range(n)]


@pytest.fixture()
def setup(tmp_path):
    profile = tmp_path / "profile.yaml"
    profile.write_text(PROFILE, encoding="utf-8")
    with LoopbackServer(FlakyHome()) as srv:
        site = {"id": "flaky", "name": "探测测试", "url": srv.base_url, "kind": "portal"}
        store = store_with_site(tmp_path / "probe.db", **site)
        yield store, srv, site, str(profile)
        store.close()


def _judge(store, site, profile) -> list[dict]:
    """A run whose crawl reached the homepage: only the probes can make the site unreachable."""
    run_id = store.start_run("sweep", AS_OF.isoformat())
    store.insert_batch("columns", [{"run_id": run_id, "site_id": site["id"], "key": "__home__",
                                    "name": "首页", "url": site["url"], "role": "home", "status": "ok",
                                    "level": 0}])
    judge_run(store, run_id, as_of=AS_OF, profile_name=profile, rubric_name=None, site_ids=[site["id"]])
    store.finish_run(run_id, complete=True)
    return [f for f in store.findings(run_id, site["id"]) if f["code"] == "SITE_UNREACHABLE"]


def _real_probes(store, srv, site, stamps: list[str], fail: bool) -> None:
    srv.handler.failing = fail
    for at in stamps:
        (row,) = probe_sites(store, [site], timeout=5, at=at)
        assert row["ok"] == (0 if fail else 1), row


@pytest.mark.slow
@pytest.mark.parametrize("failed, veto", [(19, False), (20, True), (0, False), (40, True)])
def test_veto_exactly_at_five_percent(setup, failed, veto):
    store, srv, site, profile = setup
    stamps = _week_stamps(TOTAL)
    stored_ok = TOTAL - failed - 3
    rows = [{"site_id": site["id"], "url": site["url"], "at": at, "ok": 1, "status": 200,
             "error": None, "elapsed": 0.01} for at in stamps[:stored_ok]]
    rows += [{"site_id": site["id"], "url": site["url"], "at": at, "ok": 0, "status": None,
              "error": "TimeoutError: timed out", "elapsed": 15.0}
             for at in stamps[stored_ok:stored_ok + failed - min(failed, 5)]]
    store.insert_batch("probes", rows)
    tail = stamps[stored_ok + failed - min(failed, 5):]
    _real_probes(store, srv, site, tail[:3], fail=False)
    _real_probes(store, srv, site, tail[3:], fail=True)
    assert store.db.execute("select count(*), sum(ok = 0) from probes").fetchone() == (TOTAL, failed)
    found = _judge(store, site, profile)
    if veto:
        assert len(found) == 1 and found[0]["severity"] == "veto"
        assert found[0]["evidence"]["failed"] == failed and found[0]["evidence"]["count"] == TOTAL
        assert f"失败{failed}次" in found[0]["message"]
    else:
        assert found == []


@pytest.mark.slow
def test_probes_outside_the_week_do_not_count(setup):
    store, srv, site, profile = setup
    old = datetime.combine(AS_OF - timedelta(days=8), datetime.min.time())
    store.insert_batch("probes", [{"site_id": site["id"], "url": site["url"],
                                   "at": (old + timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%S+08:00"),
                                   "ok": 0, "status": 503, "error": "HTTP 503", "elapsed": 0.1}
                                  for i in range(50)])
    _real_probes(store, srv, site, _week_stamps(20), fail=False)
    assert _judge(store, site, profile) == []


def test_healthy_site_probe_succeeds(tmp_path):
    """Regression: a non-ASCII User-Agent made urllib fail every probe (a false veto after a week)."""
    store = Store(tmp_path / "p.db")
    with LoopbackServer(FlakyHome()) as srv:
        (row,) = probe_sites(store, [{"id": "ok", "url": srv.base_url}], timeout=5)
    store.close()
    assert row["ok"] == 1 and row["status"] == 200, row


@pytest.mark.slow
def test_refused_and_timeout_probes_fail_with_reasons(tmp_path):
    store = Store(tmp_path / "p.db")
    with FaultServer(AS_OF, with_tls=True) as fs:
        sites = [{"id": "refused", "url": closed_port_url()},
                 {"id": "hang", "url": fs.raw_url + "hang/home/"}]
        if fs.tls_url:
            sites.append({"id": "tls", "url": fs.tls_url + "s/control/"})
        rows = {r["site_id"]: r for r in probe_sites(store, sites, timeout=1)}
    store.close()
    assert rows["refused"]["ok"] == 0 and "refused" in rows["refused"]["error"].lower()
    assert rows["hang"]["ok"] == 0 and "timed out" in rows["hang"]["error"].lower()
    # Chinese first, the technical text kept (crawler/neterrors.py)
    assert rows["refused"]["error"].startswith("连接被拒绝（") and rows["hang"]["error"].startswith("连接超时（")
    if "tls" in rows:
        # a self-signed certificate is not "unreachable": the probe opens it, as the crawl does
        assert rows["tls"]["ok"] == 1 and rows["tls"]["status"] == 200, rows["tls"]


def test_probe_command_records_rows(setup, tmp_path):
    store, srv, site, _ = setup
    sites = tmp_path / "sites.yaml"
    sites.write_text(f"sites:\n  - id: flaky\n    name: 探测测试\n    url: {srv.base_url}\n    kind: portal\n",
                     encoding="utf-8")
    assert main(["probe", str(sites), "--db", str(store.path), "--timeout", "5"]) == 0
    srv.handler.failing = True
    assert main(["probe", str(sites), "--db", str(store.path), "--timeout", "5"]) == 0
    assert [r[0] for r in store.db.execute("select ok from probes order by id")] == [1, 0]
