"""The two whole real sites in ../shared/corpus/sites, walked end to end through a loopback proxy that
answers their own host names (bench/siteproxy.py), judged as of the day they were saved.

What an inspector would say of each copy is the truth here: every column a person can reach from the
homepage is in the tree with its own name; nothing the site has is reported missing; pages missing from
the copy are 无法核实, never stale, blank or missing. Skipped, saying why, where ../shared is absent.
"""
from __future__ import annotations

import os

import pytest
from harness import run_quiet
from siteproxy import SAVED_SITES, saved_site_proxy, sites_available, sites_yaml  # bench/ (conftest)
from walkrows import walk_rows

pytestmark = [pytest.mark.slow,    # real crawls through the loopback proxy
              pytest.mark.skipif(not sites_available(),
                                 reason="../shared/corpus/sites (the saved real sites) is not here")]


def _walk(tmp_path_factory, name: str) -> dict:
    base = tmp_path_factory.mktemp(name)
    sites = base / "sites.yaml"
    sites.write_text(sites_yaml(name), encoding="utf-8")
    db = base / "g.db"
    from datetime import date
    old = {k: os.environ.get(k) for k in ("http_proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY")}
    with saved_site_proxy(name) as proxy:
        os.environ.update(http_proxy=proxy.url, HTTP_PROXY=proxy.url, no_proxy="", NO_PROXY="")
        try:
            run_id = run_quiet(sites, db, as_of=date.fromisoformat(SAVED_SITES[name][1]),
                               # a copy's missing page is a 404 no link check can tell from a real one
                               settings={"RETRY_TIMES": 0, "GOVWATCH_LINKS": False})
        finally:
            for k, v in old.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
    return walk_rows(db, run_id, open_only=True)


@pytest.fixture(scope="module")
def daozhen(tmp_path_factory):
    return _walk(tmp_path_factory, "daozhen-rsj")


@pytest.fixture(scope="module")
def zhecheng(tmp_path_factory):
    return _walk(tmp_path_factory, "zhecheng")


def _names(got) -> dict[str, str]:
    return {k: c["name"] for k, c in got["columns"].items()}


def test_daozhen_columns_found_with_their_names(daozhen):
    names = _names(daozhen)
    # the homepage's heading links, the 政务公开 sidebar written by script, redirecting hubs
    for key, name in [("/gzdt/tzgg/", "通知公告"), ("/zwgk/zcjd/", "政策解读"), ("/zwgk/rsxx/", "人事信息"),
                      ("/zwgk/bmwj/", "部门文件"), ("/zwgk/gsgg/", "公示公告"), ("/zwgk/ysqgk/", "依申请公开"),
                      ("/bmgk/dwzn/", "单位职能"), ("/bmgk/ldxx/", "领导信息"), ("/gzdt/ywyw/", "业务要闻"),
                      ("/bmgk/zyzc/gzdt_62438/", "工作动态"), ("/syqt/wzjc/", "网站纠错")]:
        assert names.get(key) == name, key
    # a hub that only redirects is a section; its forward is its child
    assert daozhen["columns"]["/zwgk/"]["role"] == "section"
    assert daozhen["columns"]["/gzdt/ywyw/"]["parent_key"] == "/gzdt/"


def test_daozhen_asserts_nothing_it_has(daozhen):
    findings = daozhen["findings"]
    missing = {f["column"] for f in findings if f["code"] == "COLUMN_MISSING"}
    for present in ("通知公告", "政策解读", "人事信息", "政策文件", "机构职能", "负责人信息", "依申请公开",
                    "我为政府网站找错", "动态要闻"):
        assert present not in missing
    # two redirect targets are missing from the copy: the walk is incomplete, absences are hints
    assert daozhen["walk"]["complete"] == 0
    assert all(f["severity"] == "warn" for f in findings
               if f["code"] in ("COLUMN_MISSING", "NO_ENQUIRY_CHANNEL"))
    # empty TRS lists are blank; lists whose rows link to javascript:; are unverified, not blank
    blank = {f["column"] for f in findings if f["code"] == "COLUMN_BLANK"}
    assert {"政策解读", "规划计划"} <= blank
    unread = {f["url"] for f in findings if f["code"] == "EXTRACTION_FAILED"}
    assert any("tzgg_62444" in u for u in unread) and not any("tzgg_62444" in (f["url"] or "")
                                                               for f in findings if f["code"] == "COLUMN_BLANK")


def test_zhecheng_columns_found_with_their_names(zhecheng):
    names = _names(zhecheng)
    for key, name in [("/xxgk/xxgkml/zcjd/", "政策解读"), ("/xxgk/xxgkml/zfwj/", "政府文件"),
                      ("/xxgk/xxgkml/gsgg/", "公示公告"), ("/xxgk/xxgkzn/", "信息公开指南"),
                      ("/xxgk/ysqgk/", "依申请公开"), ("/xxgk/xxgknb/", "信息公开年报"),
                      ("/hdjl/hfjs/", "党风政风热线"), ("/hdjl/", "互动交流"), ("/ywdt/zcyw/", "柘城要闻"),
                      ("/xxgk/xxgkml/zfld2/", "政府领导")]:
        assert names.get(key) == name, (key, names.get(key))
    # 政策解读: 37 pages on the live site, the copy holds 10 of them plus the last
    zcjd = zhecheng["columns"]["/xxgk/xxgkml/zcjd/"]
    assert zcjd["pages_total"] == 37 and zcjd["pages_read"] == 11


def test_zhecheng_entrances_and_no_false_absence(zhecheng):
    kinds = {e["kind"] for e in zhecheng["entrances"]}
    assert {"mailbox", "service", "correction"} <= kinds     # 县长信箱 on a letters host, 政务服务网, 找错
    findings = zhecheng["findings"]
    assert not [f for f in findings if f["code"] == "NO_ENQUIRY_CHANNEL"]
    missing = {f["column"] for f in findings if f["code"] == "COLUMN_MISSING"}
    # the two the copy really lacks, and as hints only: its nav sections are not in the copy
    assert missing <= {"人事信息", "回应关切"}
    assert all(f["severity"] == "warn" for f in findings if f["code"] == "COLUMN_MISSING")
    # pages missing from the copy are unverified, never stale or blank
    failed_urls = {f["url"] for f in zhecheng["fetches"] if (f["status"] or 0) == 404 and f["kind"] == "column"}
    judged = {f["url"] for f in findings if f["code"] in ("COLUMN_STALE", "COLUMN_BLANK")}
    assert failed_urls and not failed_urls & judged
