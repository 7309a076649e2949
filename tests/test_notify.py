"""Notifications against real loopback receivers: an HTTP robot stand-in and aiosmtpd."""
from __future__ import annotations

from email import message_from_bytes
from email.policy import default as default_policy
from urllib.parse import parse_qs, urlsplit

import pytest
from harness import Receiver, free_port
from test_reports import make_store, set_test_rule_texts

from reports import build_model, digest_markdown
from reports.notify import DINGTALK_MAX_BYTES, WECOM_MAX_BYTES, dingtalk_signed, notify, redact, truncate_utf8


@pytest.fixture
def model(tmp_path, monkeypatch):
    set_test_rule_texts(monkeypatch)
    store, run = make_store(tmp_path)
    m = build_model(store, run)
    store.close()
    return m


FAST = {"retries": 3, "backoff": 0.01, "timeout": 5}


def test_webhook_formats_delivered(model):
    md = digest_markdown(model)
    with Receiver() as r:
        results = notify(dict(FAST, webhooks=[
            {"url": r.url + "?key=SECRET-KEY", "format": "wecom"},
            {"url": r.url, "format": "dingtalk"},
            {"url": r.url, "format": "json"}]), model, md)
    assert [x["ok"] for x in results] == [True, True, True]
    assert all(x["attempts"] == 1 and x["status"] == 200 for x in results)
    assert all("SECRET-KEY" not in x["target"] for x in results)
    wecom, ding, generic = (q["json"] for q in r.requests)
    assert r.requests[0]["path"] == "/hook?key=SECRET-KEY"
    assert wecom == {"msgtype": "markdown", "markdown": {"content": md}}
    assert ding["msgtype"] == "markdown" and ding["markdown"]["text"] == md
    assert ding["markdown"]["title"] == "政务公开巡检摘要（截至 2026-11-27）"
    assert generic["as_of"] == "2026-11-27" and generic["complete"] is True
    assert generic["digest"] == md and generic["totals"]["new"] == 3
    assert r.requests[0]["headers"]["Content-Type"].startswith("application/json")


def test_webhook_retries_then_succeeds_and_errcode_is_failure(model):
    with Receiver([(500, b"{}"), (200, b'{"errcode":0}')]) as r:
        ok = notify(dict(FAST, webhooks=[{"url": r.url, "format": "wecom"}]), model, "摘要")
    assert ok[0]["ok"] is True and ok[0]["attempts"] == 2 and len(r.requests) == 2
    with Receiver([(200, b'{"errcode":93000,"errmsg":"invalid webhook url"}')]) as r:
        bad = notify(dict(FAST, webhooks=[{"url": r.url, "format": "dingtalk"}]), model, "摘要")
    assert bad[0]["ok"] is False and bad[0]["attempts"] == 3
    assert "93000" in bad[0]["error"] and len(r.requests) == 3


def test_dingtalk_signature_added(model):
    with Receiver() as r:
        res = notify(dict(FAST, webhooks=[{"url": r.url + "?access_token=T", "format": "dingtalk",
                                           "secret": "SEC123"}]), model, "摘要")
    assert res[0]["ok"]
    query = parse_qs(urlsplit(r.requests[0]["path"]).query)
    assert query["access_token"] == ["T"] and query["timestamp"] and query["sign"]
    expected = dingtalk_signed("http://h/x", "SEC123", int(query["timestamp"][0]))
    assert parse_qs(urlsplit(expected).query)["sign"] == query["sign"]


def test_email_via_aiosmtpd(model, smtp):
    box, port = smtp
    md = digest_markdown(model)
    res = notify(dict(FAST, email={"host": "127.0.0.1", "port": port, "from": "govwatch@example.org",
                                   "to": ["a@example.org", "b@example.org"]}), model, md)
    assert res == [{"kind": "email", "format": "text", "target": f"smtp://127.0.0.1:{port}",
                    "ok": True, "attempts": 1, "status": None, "error": None}]
    env = box.messages[0]
    assert sorted(env.rcpt_tos) == ["a@example.org", "b@example.org"]
    msg = message_from_bytes(env.content, policy=default_policy)
    assert msg["Subject"] == "政务公开巡检摘要（截至 2026-11-27）"
    assert msg.get_content().strip() == md.strip()


def test_receivers_down_returns_failures_without_raising(model):
    dead_http, dead_smtp = free_port(), free_port()
    res = notify({"retries": 2, "backoff": 0, "timeout": 2,
                  "webhooks": [{"url": f"http://127.0.0.1:{dead_http}/hook", "format": "json"}],
                  "email": {"host": "127.0.0.1", "port": dead_smtp, "from": "g@example.org",
                            "to": ["a@example.org"]}}, model, "摘要")
    assert [(x["kind"], x["ok"], x["attempts"]) for x in res] == [("webhook", False, 2),
                                                                   ("email", False, 2)]
    assert all(x["error"] for x in res)


def test_bad_config_is_reported_not_raised(model):
    res = notify({"webhooks": [{"url": "file:///etc/passwd", "format": "json"},
                               {"url": "http://127.0.0.1:9/x", "format": "slack"}],
                  "email": {"host": "127.0.0.1"}}, model, "摘要")
    assert [x["ok"] for x in res] == [False, False, False]
    assert all(x["attempts"] == 0 for x in res)
    assert notify(["not", "a", "mapping"], model, "摘要")[0]["ok"] is False


def test_incomplete_title_and_truncation(model):
    model = dict(model, run=dict(model["run"], complete=False))
    with Receiver() as r:
        notify(dict(FAST, webhooks=[{"url": r.url, "format": "dingtalk"},
                                    {"url": r.url, "format": "wecom"}]), model, "问" * 10000)
    ding, wecom = (q["json"]["markdown"] for q in r.requests)
    assert "本次巡检未完成，结果不完整" in ding["title"]
    assert len(wecom["content"].encode("utf-8")) <= WECOM_MAX_BYTES
    assert len(ding["text"].encode("utf-8")) <= DINGTALK_MAX_BYTES
    assert wecom["content"].endswith("（内容过长已截断，详见完整报告）")
    assert truncate_utf8("短", 10) == "短"
    assert redact("https://u:p@qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K") == \
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"


def test_retry_waits_double_and_last_failure_is_reported(monkeypatch, caplog):
    import time
    import urllib.error

    from reports import notify as notify_module
    waits: list[float] = []
    monkeypatch.setattr(time, "sleep", waits.append)
    outcomes = [urllib.error.HTTPError("http://x/", 503, "Busy", {}, None), OSError("refused"), OSError("refused")]

    def send():
        raise outcomes.pop(0)
    with caplog.at_level("WARNING", logger="reports.notify"):
        res = notify_module._with_retries("hook", send, 3, 0.5)
    assert waits == [0.5, 1.0]
    assert res == {"ok": False, "attempts": 3, "status": 503, "error": "OSError: refused"}
    assert [r.levelname for r in caplog.records] == ["WARNING", "WARNING", "WARNING", "ERROR"]
    assert "第3/3次" in caplog.records[2].getMessage()
    waits.clear()
    assert notify_module._with_retries("hook", lambda: 204, 3, 0.5) == {
        "ok": True, "attempts": 1, "status": 204, "error": None}
    assert waits == []


def test_a_single_attempt_never_waits(monkeypatch):
    import time

    from reports import notify as notify_module
    waits: list[float] = []
    monkeypatch.setattr(time, "sleep", waits.append)

    def send():
        raise TimeoutError("timed out")
    res = notify_module._with_retries("hook", send, 1, 2.0)
    assert waits == [] and res["attempts"] == 1 and res["error"] == "TimeoutError: timed out"
