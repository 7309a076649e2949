"""The sites file is validated whole before anything runs; errors name file, line and field."""
from __future__ import annotations

import sqlite3

import pytest

from crawler.cli import main
from crawler.sitesfile import SitesFileError, load_sites

GOOD = """\
sites:
  - id: qingxi-county
    name: 青溪县人民政府
    url: https://www.qingxi.gov.cn/
    kind: portal
    owner: 青溪县人民政府办公室
    code: "3311230001"
  - id: qingxi-water
    name: 青溪县水利局
    url: http://slj.qingxi.gov.cn/
    kind: department
"""


def write(tmp_path, text, name="sites.yaml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_good_file_loads(tmp_path):
    sites = load_sites(write(tmp_path, GOOD))
    assert [s["id"] for s in sites] == ["qingxi-county", "qingxi-water"]
    assert sites[0]["code"] == "3311230001" and sites[1]["kind"] == "department"


@pytest.mark.parametrize("bad, line, field", [
    (GOOD.replace("    owner:", "    ownr:"), 6, "ownr"),
    (GOOD.replace("url: https://www.qingxi.gov.cn/", "url: www.qingxi.gov.cn"), 4, "url"),
    (GOOD.replace("url: https://www.qingxi.gov.cn/", "url: ftp://x.gov.cn/"), 4, "url"),
    (GOOD.replace("    url: https://www.qingxi.gov.cn/\n", ""), 2, "url"),
    (GOOD.replace("id: qingxi-water", "id: qingxi-county"), 8, "id"),
    (GOOD.replace("kind: department", "kind: bureau"), 11, "kind"),
    (GOOD.replace("id: qingxi-water", "id: Qingxi_Water"), 8, "id"),
    (GOOD.replace('code: "3311230001"', "code: 3311230001"), 7, "code"),
])
def test_bad_file_names_line_and_field(tmp_path, bad, line, field):
    path = write(tmp_path, bad)
    with pytest.raises(SitesFileError) as e:
        load_sites(path)
    msg = str(e.value)
    assert f"{path}:{line}:" in msg and f"字段 {field}" in msg


def test_yaml_syntax_error_names_line(tmp_path):
    path = write(tmp_path, "sites:\n  - id: a\n    name: [unclosed\n")
    with pytest.raises(SitesFileError) as e:
        load_sites(path)
    assert str(path) in str(e.value) and "YAML" in str(e.value)


def test_cli_exits_2_and_touches_nothing(tmp_path, capsys):
    db = tmp_path / "g.db"
    from crawler.store import Store
    s = Store(db)
    run = s.start_run("sweep", "2026-11-01")
    s.finish_run(run, True)
    s.close()
    before = list(sqlite3.connect(db).iterdump())
    bad = write(tmp_path, GOOD.replace("kind: department", "kind: bureau"))
    code = main(["run", str(bad), "--db", str(db), "--out", str(tmp_path / "out"),
                 "--no-progress"])
    assert code == 2
    err = capsys.readouterr().err
    assert "kind" in err and "bureau" in err and ":11:" in err
    assert list(sqlite3.connect(db).iterdump()) == before   # every table, every row unchanged
    assert not (tmp_path / "out").exists()


def test_missing_file_exits_2(tmp_path, capsys):
    code = main(["run", str(tmp_path / "nope.yaml"), "--db", str(tmp_path / "g.db"),
                 "--out", str(tmp_path / "o")])
    assert code == 2
    assert "nope.yaml" in capsys.readouterr().err


@pytest.mark.parametrize("key, value", [("max_depth", 0), ("max_depth", "四"), ("max_pages", -1)])
def test_walk_limits_must_be_positive_integers(tmp_path, key, value):
    path = tmp_path / "sites.yaml"
    path.write_text("sites:\n  - id: a\n    name: 甲\n    url: https://a.gov.cn/\n    kind: portal\n"
                    f"    {key}: {value}\n", encoding="utf-8")
    with pytest.raises(SitesFileError) as e:
        load_sites(path)
    assert f"{path}:6: 字段 {key}" in str(e.value)
