"""Politeness per host, measured at the server: by default at most 2 requests at a time and a
delay between them on one host (a government WAF bans an aggressive crawler); a site's own `delay`
and `concurrency` in the sites file hold for that site only."""
from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler

import pytest
from harness import run_quiet, serve_http
from sitegen import DEFAULT_AS_OF as AS_OF

pytestmark = pytest.mark.slow
PAGES = 12


def _recording_handler(log: list, lock: threading.Lock):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            start = time.monotonic()
            if self.path == "/":
                links = "".join(f'<li><a href="/col{i}/">栏目{i}</a></li>' for i in range(PAGES))
                body = f"<html><head><title>测试站</title></head><body><ul>{links}</ul></body></html>"
            else:
                body = "<html><head><title>栏目</title></head><body><p>本栏目暂无信息。</p></body></html>"
            time.sleep(0.05)   # a server that takes a moment: overlapping requests are visible
            data = body.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            with lock:
                log.append((start, time.monotonic()))

        def log_message(self, *args):
            pass
    return Handler


def _most_at_once(log: list[tuple[float, float]]) -> int:
    events = sorted([(s, 1) for s, _ in log] + [(e, -1) for _, e in log])
    now = most = 0
    for _, step in events:
        now += step
        most = max(most, now)
    return most


def _crawl(tmp_path, extra: str = "") -> list[tuple[float, float]]:
    log, lock = [], threading.Lock()
    with serve_http(_recording_handler(log, lock)) as url:
        sites = tmp_path / "sites.yaml"
        sites.write_text(f"sites:\n  - id: p\n    name: 测试站\n    url: {url}/\n    kind: portal\n{extra}",
                         encoding="utf-8")
        run_quiet(sites, tmp_path / "gw.db", as_of=AS_OF, rubric=None)
    return sorted(log)


def test_default_politeness_two_at_a_time_with_a_delay(tmp_path, monkeypatch):
    # the tests' own loopback settings off: the product's defaults reach the crawl process
    monkeypatch.delenv("GOVWATCH_DOWNLOAD_DELAY", raising=False)
    monkeypatch.delenv("GOVWATCH_CONCURRENT_PER_HOST", raising=False)
    log = _crawl(tmp_path)
    assert len(log) >= PAGES + 1
    assert _most_at_once(log) <= 2
    starts = [s for s, _ in log]
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    # 0.25 s randomised 0.5-1.5x between requests to the host
    assert sum(gaps) / len(gaps) >= 0.12 and min(gaps) >= 0.1


def test_site_file_delay_and_concurrency_hold_for_that_site(tmp_path):
    log = _crawl(tmp_path, "    delay: 0.3\n    concurrency: 1\n")
    assert _most_at_once(log) == 1
    starts = [s for s, _ in log]
    assert min(b - a for a, b in zip(starts, starts[1:], strict=False)) >= 0.14   # 0.3 s x 0.5 at least


def test_loopback_tests_run_without_delay(tmp_path):
    log = _crawl(tmp_path)
    starts = [s for s, _ in log]
    assert _most_at_once(log) >= 2 and starts[-1] - starts[0] < 0.2 * len(starts)
