"""Everything a run is configured with is validated before anything runs: the sites file (with each
site's overrides judged against the profile, and its boards), the notify file, the profile, the rubric
and the holiday file. A mistake exits 2 naming file, line and field; the database is not touched."""
from __future__ import annotations

import sqlite3

import pytest

from crawler.cli import main
from crawler.demo.server import closed_port_url
from crawler.sitesfile import SitesFileError, load_sites

SITES = """\
sites:
  - id: qingxi-county
    name: 青溪县人民政府
    url: {url}
    kind: portal
    boards:
      - {{url: {url}hdjl/xzxx/, deadline_workdays: 3, name: 县长信箱}}
    overrides:
      not_expected: [回应关切]
      columns: {{工作信息: {{category: dynamic}}}}
      board_deadline_workdays: 3
"""

NOTIFY = """\
webhooks:
  - {url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", format: wecom}
  - {url: "https://oapi.dingtalk.com/robot/send?access_token=t", format: dingtalk, secret: "SEC1"}
  - {url: "https://intranet.example/hook", format: json}
email: {host: smtp.example.gov.cn, port: 25, from: govwatch@example.gov.cn, to: [gkb@example.gov.cn]}
"""


def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def _sites(tmp_path, old: str = "", new: str = ""):
    text = SITES.format(url=closed_port_url())
    if old:
        assert old in text
        text = text.replace(old, new)
    return _write(tmp_path, "sites.yaml", text)


def _db_with_history(tmp_path):
    db = tmp_path / "g.db"
    from crawler.store import Store
    s = Store(db)
    s.finish_run(s.start_run("sweep", "2026-11-01"), True)
    s.close()
    return db, list(sqlite3.connect(db).iterdump())


def _run(tmp_path, sites, *extra) -> int:
    """`govwatch run` on a database with one earlier run; asserts nothing stored changed."""
    db, before = _db_with_history(tmp_path)
    code = main(["run", str(sites), "--db", str(db), "--out", str(tmp_path / "out"),
                 "--no-progress", "--as-of", "2026-11-27", *extra])
    assert list(sqlite3.connect(db).iterdump()) == before, "the database was touched"
    assert not (tmp_path / "out").exists()
    return code


def test_good_files_load(tmp_path):
    from checks.profile import load_profile
    from crawler.notifyfile import load_notify
    sites = load_sites(_sites(tmp_path), profile=load_profile("gb2019"))
    assert sites[0]["boards"][0]["deadline_workdays"] == 3
    cfg = load_notify(_write(tmp_path, "notify.yaml", NOTIFY))
    assert [h["format"] for h in cfg["webhooks"]] == ["wecom", "dingtalk", "json"]


@pytest.mark.parametrize("old, new, line, field", [
    # a misspelt key inside overrides
    ("      not_expected:", "      not_expectd:", 9, "overrides.not_expectd"),
    ("      board_deadline_workdays: 3\n", "      board_deadline_workdays: 3\n      overides: {}\n",
     12, "overrides.overides"),
    # a category code the profile does not have
    ("category: dynamic", "category: dynamik", 10, "overrides.columns.工作信息.category"),
    # deadlines must be positive whole working days
    ("board_deadline_workdays: 3", "board_deadline_workdays: 0", 11,
     "overrides.board_deadline_workdays"),
    ("board_deadline_workdays: 3", "board_deadline_workdays: 三", 11,
     "overrides.board_deadline_workdays"),
    # shapes with_overrides would trip over (or silently misread) after the crawl
    ("not_expected: [回应关切]", "not_expected: 回应关切", 9, "overrides.not_expected"),
    ("      board_deadline_workdays: 3\n", "      thresholds: [5]\n", 11, "overrides.thresholds"),
    ("    overrides:\n      not_expected: [回应关切]\n      columns: {工作信息: {category: dynamic}}\n"
     "      board_deadline_workdays: 3\n", "    overrides: [回应关切]\n", 8, "overrides"),
    # boards entries
    ("deadline_workdays: 3, name", "deadline_workdays: 0, name", 7, "boards.0.deadline_workdays"),
    ("deadline_workdays: 3, name", "deadline_workdays: 三, name", 7, "boards.0.deadline_workdays"),
    ("{url: http", "{nam: x, url: http", 7, "boards.0.nam"),
    ("{url: http", "{url: ftp", 7, "boards.0.url"),
    ("name: 县长信箱}", "name: [县长信箱]}", 7, "boards.0.name"),
])
def test_bad_overrides_and_boards_exit_2_naming_line_and_field(tmp_path, capsys, old, new, line, field):
    sites = _sites(tmp_path, old, new)
    assert _run(tmp_path, sites) == 2
    err = capsys.readouterr().err
    assert f"{sites}:{line}: 字段 {field}:" in err, err
    assert "内部错误" not in err


def test_a_boards_entry_without_url(tmp_path):
    from checks.profile import load_profile
    path = _sites(tmp_path, "{url: ", "{href: ")
    with pytest.raises(SitesFileError) as e:
        load_sites(path, profile=load_profile("gb2019"))
    assert f"{path}:7: 字段 boards.0.url:" in str(e.value)


def test_every_problem_is_listed_at_once(tmp_path, capsys):
    sites = _sites(tmp_path, "category: dynamic", "category: dynamik")
    sites.write_text(sites.read_text(encoding="utf-8").replace("deadline_workdays: 3, name",
                                                                "deadline_workdays: 0, name"),
                     encoding="utf-8")
    assert _run(tmp_path, sites) == 2
    err = capsys.readouterr().err
    assert f"{sites}:7: 字段 boards.0.deadline_workdays" in err
    assert f"{sites}:10: 字段 overrides.columns.工作信息.category" in err


def test_overrides_are_judged_by_the_chosen_profile(tmp_path, capsys):
    """A category a custom profile adds is a valid override there, and only there."""
    profile = _write(tmp_path, "p.yaml", "extends: gb2019\nname: local\ncategories:\n"
                                         "  local_news: {title: 村居动态, names: [村居通讯]}\n")
    sites = _sites(tmp_path, "category: dynamic", "category: local_news")
    from checks.profile import load_profile
    assert load_sites(sites, profile=load_profile(profile))
    assert _run(tmp_path, sites) == 2
    assert "local_news" in capsys.readouterr().err


@pytest.mark.parametrize("old, new, line, field", [
    ("format: wecom}", "format: wechat}", 2, "webhooks.0.format"),
    ('secret: "SEC1"}', 'secrt: "SEC1"}', 3, "webhooks.1.secrt"),
    ('{url: "https://intranet.example/hook"', '{url: "file:///etc/passwd"', 4, "webhooks.2.url"),
    ('{url: "https://intranet.example/hook", format: json}', '"https://intranet.example/hook"', 4,
     "webhooks.2"),
    ("port: 25", "port: 二十五", 5, "email.port"),
    ("host: smtp.example.gov.cn, ", "", 5, "email.host"),
    ("to: [gkb@example.gov.cn]", "to: [gkb@example.gov.cn, 25]", 5, "email.to.1"),
    ("email:", "emial:", 5, "emial"),
])
def test_bad_notify_file_exits_2_naming_line_and_field(tmp_path, capsys, old, new, line, field):
    assert old in NOTIFY
    notify = _write(tmp_path, "notify.yaml", NOTIFY.replace(old, new))
    assert _run(tmp_path, _sites(tmp_path), "--notify", str(notify)) == 2
    err = capsys.readouterr().err
    assert f"{notify}:{line}: 字段 {field}:" in err, err


def test_notify_file_yaml_error_and_wrong_shape(tmp_path, capsys):
    broken = _write(tmp_path, "broken.yaml", "webhooks: [{url: x\n")
    assert _run(tmp_path, _sites(tmp_path), "--notify", str(broken)) == 2
    assert str(broken) in capsys.readouterr().err
    from crawler.notifyfile import NotifyFileError, load_notify
    hooks = _write(tmp_path, "hooks.yaml", "webhooks: {url: 'https://a.example/'}\n")
    with pytest.raises(NotifyFileError) as e:
        load_notify(hooks)
    assert f"{hooks}:1: 字段 webhooks:" in str(e.value)


def test_bad_holiday_file_exits_2_before_crawling(tmp_path, capsys):
    holidays = _write(tmp_path, "h.yaml", "2027:\n  holidays: [2027-02-30]\n")
    assert _run(tmp_path, _sites(tmp_path), "--holidays", str(holidays)) == 2
    assert "h.yaml" in capsys.readouterr().err


def test_no_database_file_is_created_for_a_bad_configuration(tmp_path):
    sites = _sites(tmp_path, "category: dynamic", "category: dynamik")
    db = tmp_path / "new.db"
    assert main(["run", str(sites), "--db", str(db), "--out", str(tmp_path / "o"),
                 "--no-progress"]) == 2
    assert not db.exists()
