"""Send the digest to webhooks (generic JSON, 企业微信 and 钉钉 robots) and by e-mail.

A notification is a courtesy after the reports are written: a dead webhook or mail server must not
fail the run, so every target is retried with backoff, logged, and reported back — never raised.
Webhook URLs carry their token in the query string, so logs and results show them without it.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import smtplib
import time
import urllib.error
import urllib.parse
import urllib.request
from email.message import EmailMessage

from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from reports.labels import INCOMPLETE_BANNER

log = logging.getLogger(__name__)

RETRIES = 3
BACKOFF = 2.0          # seconds before the 2nd attempt; doubles each time
TIMEOUT = 15.0
WECOM_MAX_BYTES = 4096     # 企业微信 markdown.content limit
DINGTALK_MAX_BYTES = 20000
TRUNCATED_NOTE = "\n\n（内容过长已截断，详见完整报告）"
FORMATS = ("json", "wecom", "dingtalk")


class DeliveryError(Exception):
    """A target answered, but refused the message (HTTP error or robot errcode)."""


def redact(url: str) -> str:
    """The URL without query or credentials (robot keys and tokens live there)."""
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname or ""
        if parts.port:
            host += f":{parts.port}"
        return urllib.parse.urlunsplit((parts.scheme, host, parts.path, "", ""))
    except (ValueError, TypeError):
        return "<无效地址>"


def truncate_utf8(text: str, max_bytes: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= max_bytes:
        return text
    keep = max_bytes - len(TRUNCATED_NOTE.encode("utf-8"))
    return data[:keep].decode("utf-8", errors="ignore") + TRUNCATED_NOTE


def _title(model: dict) -> str:
    run = model["run"]
    title = f"政务公开巡检摘要（截至 {run['as_of']}）"
    return title if run["complete"] else f"{title}【{INCOMPLETE_BANNER}】"


def webhook_payload(fmt: str, model: dict, digest: str) -> dict:
    if fmt == "wecom":
        return {"msgtype": "markdown",
                "markdown": {"content": truncate_utf8(digest, WECOM_MAX_BYTES)}}
    if fmt == "dingtalk":
        return {"msgtype": "markdown",
                "markdown": {"title": _title(model), "text": truncate_utf8(digest, DINGTALK_MAX_BYTES)}}
    run = model["run"]
    return {"title": _title(model), "as_of": run["as_of"], "run": run["id"],
            "complete": run["complete"], "previous_run": model["previous_run_id"],
            "totals": model["totals"], "digest": digest,
            "sites": [{"id": s["id"], "name": s["name"], "verdict": s["verdict"],
                       "score": s["score"], "counts": s["counts"]} for s in model["sites"]]}


def dingtalk_signed(url: str, secret: str, now_ms: int | None = None) -> str:
    """钉钉 加签: timestamp + HMAC-SHA256(secret, "timestamp\\nsecret"), base64, URL-encoded."""
    ts = str(now_ms if now_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode("utf-8"), f"{ts}\n{secret}".encode(),
                      hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{url}{'&' if '?' in url else '?'}timestamp={ts}&sign={sign}"


def _post_json(url: str, payload: dict, timeout: float) -> int:
    req = urllib.request.Request(url, data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),  # noqa: S310 - webhook URLs are http(s) only (crawler/notifyfile.py)
                                 headers={"Content-Type": "application/json; charset=utf-8"},
                                 method="POST")
    with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 (http(s) checked)
        body = resp.read(65536)
        status = resp.status
    try:
        answer = json.loads(body.decode("utf-8") or "null")
    except (UnicodeDecodeError, ValueError):
        answer = None
    # Both robots answer HTTP 200 and put a refusal in errcode.
    if isinstance(answer, dict) and answer.get("errcode") not in (None, 0):
        raise DeliveryError(f"errcode={answer.get('errcode')} {answer.get('errmsg', '')}".strip())
    return status


def _send_email(cfg: dict, model: dict, digest: str, timeout: float) -> None:
    to = cfg.get("to") or []
    if isinstance(to, str):
        to = [to]
    msg = EmailMessage()
    msg["Subject"] = _title(model)
    msg["From"] = cfg["from"]
    msg["To"] = ", ".join(to)
    msg.set_content(digest)
    smtp_cls = smtplib.SMTP_SSL if cfg.get("ssl") else smtplib.SMTP
    port = int(cfg.get("port") or (465 if cfg.get("ssl") else 25))
    with smtp_cls(cfg["host"], port, timeout=timeout) as smtp:
        if cfg.get("starttls"):
            smtp.starttls()
        if cfg.get("username"):
            smtp.login(cfg["username"], cfg.get("password") or "")
        smtp.send_message(msg, to_addrs=to)


def _failure(exc: BaseException | None) -> dict:
    if isinstance(exc, urllib.error.HTTPError):
        return {"status": exc.code, "error": f"HTTP {exc.code} {exc.reason}"}
    return {"error": f"{type(exc).__name__}: {exc}"}


def _with_retries(label: str, send, retries: int, backoff: float) -> dict:
    """Call `send` up to `retries` times, waiting backoff, 2×backoff, 4×backoff … between attempts;
    -> {ok, attempts, status, error}. Any Exception is a failed attempt (never raised)."""
    result = {"ok": False, "attempts": 0, "status": None, "error": None}

    def note_failure(state: RetryCallState) -> None:
        result.update(_failure(state.outcome.exception() if state.outcome else None))
        log.warning("通知发送失败：%s（第%d/%d次）：%s", label, state.attempt_number, retries, result["error"])

    retrying = Retrying(stop=stop_after_attempt(retries), wait=wait_exponential(multiplier=backoff),
                        retry=retry_if_exception_type(Exception), reraise=True,
                        before=lambda state: result.update(attempts=state.attempt_number),
                        after=note_failure)
    try:
        result["status"] = retrying(send)
    except Exception:  # noqa: BLE001 — a notification must never fail the run; noted above
        log.error("通知最终发送失败：%s：%s", label, result["error"])
        return result
    result.update(ok=True, error=None)
    log.info("通知已发送：%s（第%d次尝试）", label, result["attempts"])
    return result


def notify(config: dict, model: dict, digest_markdown: str) -> list[dict]:
    """Deliver the digest to every configured target; one result per target, never raises."""
    results: list[dict] = []
    if not isinstance(config, dict):
        return [{"kind": "config", "target": "", "ok": False, "attempts": 0, "status": None,
                 "error": "通知配置应为映射（webhooks / email）"}]
    retries = max(1, int(config.get("retries", RETRIES)))
    backoff = float(config.get("backoff", BACKOFF))
    timeout = float(config.get("timeout", TIMEOUT))
    hooks = config.get("webhooks") or []
    if not isinstance(hooks, list):
        hooks = [hooks]
    for i, hook in enumerate(hooks, 1):
        hook = hook if isinstance(hook, dict) else {"url": hook}
        url, fmt = str(hook.get("url") or ""), hook.get("format") or "json"
        entry = {"kind": "webhook", "format": fmt, "target": redact(url)}
        if urllib.parse.urlsplit(url).scheme not in ("http", "https") or fmt not in FORMATS:
            results.append(dict(entry, ok=False, attempts=0, status=None,
                                error=f"第{i}个 webhook 配置无效：需要 http(s) 地址，format 为 "
                                      f"{'/'.join(FORMATS)}"))
            log.error("通知配置无效：webhook #%d %s format=%s", i, entry["target"], fmt)
            continue
        try:
            payload = webhook_payload(fmt, model, digest_markdown)
        except Exception as exc:  # noqa: BLE001
            results.append(dict(entry, ok=False, attempts=0, status=None,
                                error=f"{type(exc).__name__}: {exc}"))
            continue

        def send(url=url, hook=hook, payload=payload):
            target = dingtalk_signed(url, hook["secret"]) if hook.get("secret") else url
            return _post_json(target, payload, timeout)
        results.append(dict(entry, **_with_retries(entry["target"], send, retries, backoff)))
    email = config.get("email")
    if email:
        cfg = email if isinstance(email, dict) else {}
        entry = {"kind": "email", "format": "text",
                 "target": f"smtp://{cfg.get('host', '')}:{cfg.get('port', '')}"}
        if not cfg.get("host") or not cfg.get("from") or not cfg.get("to"):
            log.error("通知配置无效：邮件缺少 host、from 或 to")
            results.append(dict(entry, ok=False, attempts=0, status=None,
                                error="邮件配置无效：需要 host、from 和 to"))
            return results
        results.append(dict(entry, **_with_retries(
            entry["target"], lambda: _send_email(cfg, model, digest_markdown, timeout),
            retries, backoff)))
    return results
