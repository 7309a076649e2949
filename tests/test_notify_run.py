"""A whole demo run with notifications: the digest reaches a local webhook receiver and a local
SMTP server; with both receivers down the run still completes and says the delivery failed."""
from __future__ import annotations

from email import message_from_bytes
from email.policy import default as default_policy

import pytest
import yaml
from harness import Receiver, free_port

from crawler.cli import main

pytestmark = pytest.mark.slow   # real demo runs

AS_OF = "2026-11-27"


def test_run_notifies_webhook_and_email(tmp_path, capsys, smtp):
    box, port = smtp
    with Receiver(path="/cgi-bin/webhook/send?key=t") as hook:
        cfg = tmp_path / "notify.yaml"
        cfg.write_text(yaml.safe_dump({
            "webhooks": [{"url": hook.url, "format": "wecom"}],
            "email": {"host": "127.0.0.1", "port": port, "from": "gw@example.gov.cn",
                      "to": ["gkb@example.gov.cn"]}}), encoding="utf-8")
        code = main(["demo", "--out", str(tmp_path / "out"), "--as-of", AS_OF, "--no-progress",
                     "--notify", str(cfg)])
    assert code == 0
    bodies = [r["json"] for r in hook.requests]
    assert len(bodies) == 1 and bodies[0]["msgtype"] == "markdown"
    assert "青溪县人民政府" in bodies[0]["markdown"]["content"]
    assert len(box.messages) == 1
    mail = message_from_bytes(box.messages[0].content, policy=default_policy)
    assert mail["To"] == "gkb@example.gov.cn"
    assert "部门动态" in mail.get_body(("plain",)).get_content()
    assert "通知已发送" in capsys.readouterr().err


def test_run_completes_when_receivers_are_down(tmp_path, capsys):
    cfg = tmp_path / "notify.yaml"
    cfg.write_text(yaml.safe_dump({
        "retries": 2, "backoff": 0.01, "timeout": 2,
        "webhooks": [{"url": f"http://127.0.0.1:{free_port()}/hook", "format": "json"}],
        "email": {"host": "127.0.0.1", "port": free_port(), "from": "gw@example.gov.cn",
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
