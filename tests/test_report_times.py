"""Times shown to people are Beijing time (Asia/Shanghai); the store keeps UTC and findings.json keeps
its ISO machine fields."""
from __future__ import annotations

import io
import json
import zipfile

from rich.console import Console

import reports
from crawler.store import Store

STARTED = "2026-11-27T23:30:00+00:00"
FINISHED = "2026-11-28T00:05:00+00:00"


def _stored_run(tmp_path) -> tuple[Store, int]:
    store = Store(tmp_path / "g.db")
    store.upsert_sites([{"id": "s1", "name": "青溪县人民政府", "url": "https://www.qingxi.gov.cn/",
                         "kind": "portal"}])
    run_id = store.start_run("sweep", "2026-11-28")
    store.finish_run(run_id, True)
    store.db["runs"].update(run_id, {"started": STARTED, "finished": FINISHED})
    store.db["site_results"].insert({"run_id": run_id, "site_id": "s1", "verdict": "合格",
                                     "score": 100, "rubric": "gb2019", "profile": "gb2019",
                                     "details": "{}"}, alter=True)
    return store, run_id


def test_helper_converts_any_offset_and_leaves_blanks():
    from reports.labels import beijing_time
    assert beijing_time(STARTED) == "2026-11-28 07:30"
    assert beijing_time("2026-11-28T07:30:00+08:00") == "2026-11-28 07:30"
    assert beijing_time("2026-11-27T23:30:00") == "2026-11-28 07:30"   # naive: stored UTC
    assert beijing_time(None) == beijing_time("") == ""
    assert beijing_time("not a time") == "not a time"


def test_reports_show_beijing_time_of_a_run_stored_in_utc(tmp_path):
    store, run_id = _stored_run(tmp_path)
    try:
        paths = reports.write_all(store, run_id, tmp_path / "out")
        model = reports.build_model(store, run_id)
        terminal = Console(file=io.StringIO(), width=200)
        reports.print_summary(model, terminal)
        reports.print_digest(model, terminal)
    finally:
        store.close()
    html = paths["html"].read_text(encoding="utf-8")
    digest = paths["md"].read_text(encoding="utf-8")
    with zipfile.ZipFile(paths["xlsx"]) as z:
        xlsx = z.read("xl/sharedStrings.xml").decode("utf-8")
    shown = {"html": html, "xlsx": xlsx, "digest": digest, "terminal": terminal.file.getvalue()}
    for name, text in shown.items():
        assert "2026-11-28 07:30" in text, name
        assert "北京时间" in text, name
        assert "+00:00" not in text and "T23:30" not in text, name
    # the store keeps UTC; findings.json keeps ISO machine fields
    again = Store(tmp_path / "g.db")
    assert again.run(run_id)["started"] == STARTED
    again.close()
    data = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert data["generated_at"][10] == "T"
