"""report.html in a real browser: it renders (screenshot), its script runs without console errors,
the filter works, and no injected page text executes."""
from __future__ import annotations

import os
import re
import struct
import subprocess
from pathlib import Path

import pytest
from test_reports import make_store, set_test_rule_texts

from reports import write_all

pytestmark = pytest.mark.slow   # a headless browser

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0"]
# Chromium logs page console output as `...:INFO:CONSOLE:12] "message", source: ...` (older
# builds: `CONSOLE(12)]`).
CONSOLE_LINE = re.compile(r":CONSOLE[:(]\d+\)?\]|Uncaught")
FINDING_ROW = re.compile(r"<tr[^>]*\bclass=\"finding[^\"]*\"[^>]*>")


@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM.exists():
        reason = "/usr/bin/chromium not installed (apt-get install -y chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    return CHROMIUM


def run_chromium(chromium: Path, profile: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(chromium), *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=180, check=False)


def console_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if CONSOLE_LINE.search(line)]


@pytest.fixture
def report(tmp_path, monkeypatch):
    set_test_rule_texts(monkeypatch)
    store, run = make_store(tmp_path)
    paths = write_all(store, run, tmp_path / "out", formats=("html",))
    store.close()
    return paths["html"]


def test_console_capture_works(chromium, tmp_path):
    """Control: a page that logs an error is seen, so the no-error assertion below means something."""
    page = tmp_path / "control.html"
    page.write_text("<html><body><script>console.error('govwatch-control');"
                    "undefinedFunction();</script></body></html>", encoding="utf-8")
    proc = run_chromium(chromium, tmp_path / "profile", "--dump-dom", page.as_uri())
    lines = console_lines(proc.stderr)
    assert any("govwatch-control" in line for line in lines), proc.stderr[-2000:]
    assert any("Uncaught ReferenceError" in line for line in lines)


def test_report_runs_clean_and_injection_is_inert(chromium, report, tmp_path):
    proc = run_chromium(chromium, tmp_path / "profile", "--dump-dom", report.as_uri())
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = proc.stdout
    assert console_lines(proc.stderr) == []
    assert 'data-ready="1"' in dom                       # the filter script ran to the end
    assert "<title>政务公开巡检报告（2026-11-27）</title>" in dom
    assert "pwned" not in dom.split("</title>")[0]       # injected title change never ran
    assert "<img" not in dom                             # injected element never created
    assert "显示 5 / 5 条问题" in dom
    assert dom.count("<svg") >= 3


def test_filter_by_severity_from_hash(chromium, report, tmp_path):
    proc = run_chromium(chromium, tmp_path / "profile", "--dump-dom",
                        report.as_uri() + "#severity=veto")
    rows = FINDING_ROW.findall(proc.stdout)
    assert len(rows) == 5
    shown = [r for r in rows if "hidden" not in r]
    assert shown and all('data-severity="veto"' in r for r in shown)
    assert len(shown) == 2 and "显示 2 / 5 条问题" in proc.stdout


def test_screenshot_renders(chromium, report, tmp_path):
    shot = tmp_path / "report.png"
    proc = run_chromium(chromium, tmp_path / "profile", "--window-size=1300,2400",
                        f"--screenshot={shot}", report.as_uri())
    assert shot.exists(), proc.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1300, 2400)
    assert len(data) > 50_000   # a blank page compresses to a few KB; charts and tables do not
    if os.environ.get("GOVWATCH_KEEP_SCREENSHOT"):
        Path(os.environ["GOVWATCH_KEEP_SCREENSHOT"]).write_bytes(data)
