"""CONTENT_WORDING, PRIVACY_LEAK and HIDDEN_LINK judged from stored rows through the real engine:
what is reported and how severe, what is not, the whitelist, re-judging with an edited dictionary
without crawling, resolution only by a run that read the page again, and an office's 误报 mark."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from test_rules_boundaries import AS_OF, Site, _standard  # noqa: E402 (tests dir is on sys.path)

from checks.engine import judge_run
from checks.profile import ProfileError, load_profile
from crawler.content.reader import stored_text

SITE = "http://127.0.0.1:9"
CODES = ("CONTENT_WORDING", "PRIVACY_LEAK", "HIDDEN_LINK")
VALID_ID = "110101199003071233"


def text_row(s: Site, url: str, text: str, *, kind="article", key="/tzgg/", published=AS_OF - timedelta(days=3),
             title="测试文章", run=None):
    st = stored_text(text, AS_OF)
    s.store.insert_batch("page_texts", [{
        "run_id": run or s.run, "site_id": "s", "url": SITE + url, "kind": kind, "column_key": key, "title": title,
        "published": published.isoformat() if published else None, "parent_url": None, "digest": st.digest,
        "chars": st.chars, "found": st.found, "body": st.body, "error": None}])


def hidden_row(s: Site, url: str, text: str, how: str, page="/index.html"):
    s.store.insert_batch("hidden_links", [{"run_id": s.run, "site_id": "s", "page_url": SITE + page, "url": url,
                                           "text": text, "how": how, "excerpt": f"<div style=\"{how}\">…</div>"}])


def content(findings) -> list[dict]:
    return [f for f in findings if f["code"] in CODES]


@pytest.fixture
def site(tmp_path):
    s = _standard(Site(tmp_path))
    yield s
    s.close()


def test_wording_privacy_and_hidden_links_are_reported_with_their_severity(site):
    text_row(site, "/tzgg/1.html", "县国土资源局开展专项检查。\n原县国土资源局旧址保留。")
    text_row(site, "/tzgg/2.html", f"公示名单：张某某，身份证号{VALID_ID}，联系电话13912345678。")
    text_row(site, "/tzgg/3.html", "联系人：13912345678、13812345678、13712345678。")
    hidden_row(site, "http://www.bet.example/", "澳门百家乐", "display-none")
    hidden_row(site, "http://tracker.example/", "统计", "off-screen")
    hidden_row(site, "http://www.zj.gov.cn/", "浙江省人民政府", "zero-size")
    hidden_row(site, "http://news.example.com/a", "新闻选项卡", "display-none")      # a tab: not reported
    _, result = site.judge(rubric_name=None)
    got = sorted((f["code"], f["severity"], f["evidence"].get("kind")) for f in content(result["findings"]))
    assert got == [("CONTENT_WORDING", "deduct", "renamed"),
                   ("HIDDEN_LINK", "veto", "hidden_spam"), ("HIDDEN_LINK", "veto", "hidden_trick"),
                   ("HIDDEN_LINK", "warn", "hidden_trick_government"),
                   ("PRIVACY_LEAK", "veto", "id_card"), ("PRIVACY_LEAK", "warn", "mobile")]
    findings = content(result["findings"])
    assert all(f["message"].startswith("疑似") for f in findings)
    assert not any(VALID_ID in f["message"] or VALID_ID in str(f["evidence"]) for f in findings)
    leak = next(f for f in findings if f["evidence"].get("kind") == "id_card")
    assert "110***********1233" in leak["message"] and leak["evidence"]["positions"][0]["paragraph"] == 1
    wording = next(f for f in findings if f["code"] == "CONTENT_WORDING")
    assert wording["column"] == "通知公告" and wording["evidence"]["position"] == {"offset": 1, "paragraph": 1, "char": 2}
    assert result["verdict"] == "不合格"


def test_nothing_before_the_change_or_in_masked_form(site):
    text_row(site, "/tzgg/1.html", "县国土资源局开展专项检查。", published=date(2017, 6, 1))
    text_row(site, "/tzgg/2.html", "身份证号110***********1233，银行卡6222 **** **** 1234。")
    text_row(site, "/tzgg/3.html", "联系电话13912345678、13812345678。")   # two: under mobile_min
    _, result = site.judge(rubric_name=None)
    assert content(result["findings"]) == []


def test_leaders_from_the_site_and_titles_of_items(tmp_path):
    s = _standard(Site(tmp_path))
    try:
        cfg = s.store.db["sites"].get("s")
        import json
        config = dict(json.loads(cfg["config"]), leaders=[{"name": "周明辉", "title": ["县长"], "since": None}])
        s.store.db["sites"].update("s", {"config": json.dumps(config, ensure_ascii=False)})
        text_row(s, "/zwyw/1.html", "副县长周明辉出席会议。", key="/zwyw/")
        s.items.append({"run_id": s.run, "site_id": "s", "column_key": "/tzgg/", "title": "深入学习中国共产觉章程",
                        "url": SITE + "/tzgg/9.html", "date": AS_OF.isoformat(), "date_source": "list:text",
                        "page_url": "/tzgg/"})
        _, result = s.judge(rubric_name=None)
        got = {(f["evidence"]["kind"], f["evidence"]["source"]) for f in content(result["findings"])}
        assert got == {("leader", "text"), ("typo", "title")}
    finally:
        s.close()


def test_an_edited_dictionary_rejudges_without_crawling(site, tmp_path):
    text_row(site, "/lsyg/1.html", "县国土资源局负责全县土地管理工作。", key="/lsyg/")
    first, _ = site.judge(rubric_name=None)
    assert ("CONTENT_WORDING", None) in {(c, None) for c, _ in first}
    (tmp_path / "local.yaml").write_text(
        "extends: content\nwhitelist:\n  - {phrase: 国土资源局, url: \"*/lsyg/*\", reason: 历史沿革栏目}\n", encoding="utf-8")
    (tmp_path / "profile.yaml").write_text("extends: gb2019\ncontent:\n  dictionary: local.yaml\n", encoding="utf-8")
    (again,) = judge_run(site.store, site.run, as_of=AS_OF, profile_name=str(tmp_path / "profile.yaml"),
                         rubric_name=None)
    assert content(again["findings"]) == []


def _store_first(s: Site) -> None:
    s.store.insert_batch("columns", s.columns)
    s.store.insert_batch("items", s.items)
    s.store.insert_batch("fetches", [{"run_id": s.run, "site_id": "s", "url": SITE + "/", "status": 200,
                                      "kind": "home", "fetched_at": "x"}])
    s.columns, s.items = [], []


def _second_run(s: Site, *, reread: bool, fixed: bool, tmp_mark=None):
    first = judge_run(s.store, s.run, as_of=AS_OF, rubric_name=None)[0]
    s.store.finish_run(s.run, complete=True)
    (leak,) = [f for f in first["findings"] if f["code"] == "PRIVACY_LEAK"]
    if tmp_mark:
        s.store.set_mark(leak["fingerprint"], tmp_mark, "公示期满已撤下（核实为误报）", "县政务公开办")
    run2 = s.store.start_run("sweep", AS_OF.isoformat())
    rows = s.store.rows("columns", "run_id = ?", [s.run])
    s.store.insert_batch("columns", [dict(r, id=None, run_id=run2) for r in rows])
    s.store.insert_batch("fetches", [{"run_id": run2, "site_id": "s", "url": SITE + "/", "status": 200,
                                      "kind": "home", "fetched_at": "x"}])
    if reread:
        text_row(s, "/tzgg/2.html", "公示名单：张某某，身份证号110***********1233。" if fixed else
                 f"公示名单：张某某，身份证号{VALID_ID}。", run=run2)
    (result,) = judge_run(s.store, run2, as_of=AS_OF, rubric_name=None)
    return [f for f in result["findings"] if f["code"] == "PRIVACY_LEAK"]


def test_resolved_only_when_the_page_was_read_again(tmp_path):
    for reread, fixed, status in ((True, True, "resolved"), (False, True, "open"), (True, False, "open")):
        s = _standard(Site(tmp_path / f"{reread}{fixed}"))
        try:
            _store_first(s)
            text_row(s, "/tzgg/2.html", f"公示名单：张某某，身份证号{VALID_ID}。")
            (leak,) = _second_run(s, reread=reread, fixed=fixed)
            assert leak["status"] == status, (reread, fixed)
            assert leak["evidence"].get("unverified", False) is (not reread)
        finally:
            s.close()


def test_an_office_mark_stays_on_the_same_page(tmp_path):
    s = _standard(Site(tmp_path))
    try:
        _store_first(s)
        text_row(s, "/tzgg/2.html", f"公示名单：张某某，身份证号{VALID_ID}。")
        (leak,) = _second_run(s, reread=True, fixed=False, tmp_mark="ignored")
        assert leak["status"] == "ignored" and "误报" in leak["evidence"]["mark_reason"]
    finally:
        s.close()


@pytest.mark.parametrize(("block", "line", "says"), [
    ("content:\n  severity:\n    typo: fatal\n", 4, "veto/deduct/warn"),
    ("content:\n  mobile_min: 0\n", 3, "正整数"),
    ("content:\n  colour: red\n", 3, "未知字段"),
    ("content:\n  dictionary: nowhere\n", 3, "没有名为"),
])
def test_content_block_errors_name_the_line(tmp_path, block, line, says):
    path = tmp_path / "p.yaml"
    path.write_text("extends: gb2019\n" + block, encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        load_profile(str(path))
    assert f"第{line}行" in str(err.value) and says in str(err.value)
