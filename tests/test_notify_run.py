"""A whole demo run with notifications: the digest reaches a local webhook receiver and a local
SMTP server; with both receivers down the run still completes and says the delivery failed."""
from __future__ import annotations

import json
import socket
import threading
from datetime import date
from email import message_from_bytes
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import yaml
from aiosmtpd.controller import Controller

from crawler.cli import main

AS_OF = "2026-11-27"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Hook:
    def __init__(self):
        self.bodies = []
        outer = self

        class H(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                n = int(self.headers.get("Content-Length") or 0)
                outer.bodies.append(json.loads(self.rfile.read(n)))
                body = b'{"errcode":0,"errmsg":"ok"}'
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *a):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/cgi-bin/webhook/send?key=t"


class _Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append(message_from_bytes(envelope.content, policy=default_policy))
        return "250 OK"


def test_run_notifies_webhook_and_email(tmp_path, capsys):
    hook, box = _Hook(), _Mailbox()
    smtp = Controller(box, hostname="127.0.0.1", port=_free_port())
    smtp.start()
    try:
        cfg = tmp_path / "notify.yaml"
        cfg.write_text(yaml.safe_dump({
            "webhooks": [{"url": hook.url, "format": "wecom"}],
            "email": {"host": "127.0.0.1", "port": smtp.port, "from": "gw@example.gov.cn",
                      "to": ["gkb@example.gov.cn"]}}), encoding="utf-8")
        code = main(["demo", "--out", str(tmp_path / "out"), "--as-of", AS_OF, "--no-progress",
                     "--notify", str(cfg)])
    finally:
        smtp.stop()
        hook.server.shutdown()
    assert code == 0
    assert len(hook.bodies) == 1 and hook.bodies[0]["msgtype"] == "markdown"
    assert "青溪县人民政府" in hook.bodies[0]["markdown"]["content"]
    assert len(box.messages) == 1
    mail = box.messages[0]
    assert mail["To"] == "gkb@example.gov.cn"
    assert "部门动态" in mail.get_body(("plain",)).get_content()
    assert "通知已发送" in capsys.readouterr().err


def test_run_completes_when_receivers_are_down(tmp_path, capsys):
    cfg = tmp_path / "notify.yaml"
    cfg.write_text(yaml.safe_dump({
        "retries": 2, "backoff": 0.01, "timeout": 2,
        "webhooks": [{"url": f"http://127.0.0.1:{_free_port()}/hook", "format": "json"}],
        "email": {"host": "127.0.0.1", "port": _free_port(), "from": "gw@example.gov.cn",
                  "to": ["gkb@example.gov.cn"]}}), encoding="utf-8")
    code = main(["demo", "--out", str(tmp_path / "out"), "--as-of", AS_OF, "--no-progress",
                 "--notify", str(cfg)])
    assert code == 0
    assert (tmp_path / "out" / "findings.json").exists()
    assert capsys.readouterr().err.count("通知发送失败") == 2


def test_missing_notify_config_exits_2_before_crawling(tmp_path, capsys):
    code = main(["demo", "--out", str(tmp_path / "out"), "--as-of", AS_OF, "--no-progress",
                 "--notify", str(tmp_path / "nope.yaml")])
    assert code == 2
    assert "nope.yaml" in capsys.readouterr().err
    assert not (tmp_path / "out" / "findings.json").exists()
