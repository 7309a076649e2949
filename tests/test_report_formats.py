"""Report writers register themselves (reports/registry.py): `write_all` writes what is registered and
`govwatch report --format` offers exactly that. The CLI's subcommands are thin shells over functions
that code can call (crawler/cli.py)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_report_times import _stored_run  # tests dir is on sys.path

import reports
from crawler import cli
from crawler.store import Store
from reports import registry

BUILTIN = {"json": "findings.json", "csv": "findings.csv", "md": "digest.md",
           "xlsx": "rectification.xlsx", "html": "report.html"}


def _format_choices() -> tuple[str, ...]:
    report = cli.build_parser()._subparsers._group_actions[0].choices["report"]
    return next(a.choices for a in report._actions if a.dest == "format")


def _marks(db: str) -> int:
    store = Store(db)
    try:
        return store.db["finding_marks"].count
    finally:
        store.close()


@pytest.fixture
def throwaway(monkeypatch):
    """A format registered the way a writer module registers one; gone after the test."""
    monkeypatch.setattr(registry, "REPORT_FORMATS", dict(registry.REPORT_FORMATS))

    @registry.report_format("txt", file="findings.txt", label="纯文本清单")
    def write_txt(model: dict, path: Path) -> Path:
        path.write_text("".join(f"{s['id']} {s['verdict']}\n" for s in model["sites"]),
                        encoding="utf-8")
        return path
    return write_txt


def test_builtin_formats_in_writing_order_with_file_and_label():
    formats = reports.report_formats()
    assert {name: f.file for name, f in formats.items()} == BUILTIN
    assert list(formats) == list(BUILTIN)   # the order write_all writes and the CLI lists
    assert all(f.label for f in formats.values())
    assert formats["json"].write is reports.write_json
    assert _format_choices() == tuple(BUILTIN)


def test_a_registered_format_is_offered_by_the_cli_and_written_by_write_all(tmp_path, throwaway):
    assert _format_choices() == (*BUILTIN, "txt")
    store, run_id = _stored_run(tmp_path)
    try:
        paths = reports.write_all(store, run_id, tmp_path / "all")
    finally:
        store.close()
    assert list(paths) == [*BUILTIN, "txt"]
    assert paths["txt"] == tmp_path / "all" / "findings.txt"
    assert paths["txt"].read_text(encoding="utf-8") == "s1 合格\n"

    out = tmp_path / "cli"
    assert cli.main(["report", "--db", str(tmp_path / "g.db"), "--out", str(out),
                     "--format", "txt", "--format", "json"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["findings.json", "findings.txt"]


def test_an_unregistered_format_is_refused(tmp_path, capsys):
    assert cli.main(["report", "--db", str(tmp_path / "g.db"), "--format", "txt"]) == 2
    assert "txt" in capsys.readouterr().err
    store, run_id = _stored_run(tmp_path)
    try:
        with pytest.raises(ValueError, match="未知的报告格式：txt（可选：json, csv, md, xlsx, html）"):
            reports.write_all(store, run_id, tmp_path / "out", formats=("txt",))
    finally:
        store.close()


def test_subcommands_call_library_functions_code_can_call(tmp_path, capsys):
    store, run_id = _stored_run(tmp_path)
    store.close()
    db = str(tmp_path / "g.db")
    paths = cli.write_reports(db, tmp_path / "out", formats=("json",))
    assert json.loads(paths["json"].read_text(encoding="utf-8"))["run"] == run_id
    cli.print_changes(db, run_id=run_id)
    assert f"巡检批次 {run_id}" in capsys.readouterr().out

    cli.mark_finding(db, "fp-1", "ignored", "栏目已整合", "县政务公开办")
    assert _marks(db) == 1
    assert cli.main(["mark", "--db", db, "fp-1", "clear"]) == 0
    assert capsys.readouterr().out.strip() == "已标记 fp-1: clear"
    assert _marks(db) == 0

    with pytest.raises(cli.UsageError, match="数据库中没有巡检批次"):
        cli.write_reports(str(tmp_path / "empty.db"), tmp_path / "none")
