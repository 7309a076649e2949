"""The notify file (YAML): where the digest goes after a run (`reports/notify.py` sends it).

Validated whole before anything runs, like the sites file: a misspelt format or a mail server without
a host would otherwise be found only after the whole crawl, when the digest could not be sent.
Errors name the file, the line and the field.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from crawler.sitesfile import ConfigFileError, Problem, format_problems
from crawler.yamlfile import LocatedYaml
from reports.notify import FORMATS

TOP_KEYS = ("webhooks", "email", "retries", "backoff", "timeout")
WEBHOOK_KEYS = ("url", "format", "secret")
EMAIL_KEYS = ("host", "port", "from", "to", "ssl", "starttls", "username", "password")
EMAIL_REQUIRED = ("host", "from", "to")
HEADER = "通知配置有误，未执行任何巡检 (notify file invalid, nothing was run):"


class NotifyFileError(ConfigFileError):
    """A notify-file problem."""


def _number(value, *, whole: bool = False) -> bool:
    kinds = int if whole else (int, float)
    return isinstance(value, kinds) and not isinstance(value, bool)


def load_notify(path: str | Path) -> dict:
    """Parse and validate; raise NotifyFileError listing every problem with file:line."""
    path = Path(path)
    doc = LocatedYaml(path, NotifyFileError)
    data = {} if doc.data is None else doc.data
    problems: list[Problem] = []

    def problem(where: tuple, message: str) -> None:
        problems.append(Problem(doc.line(where) or 1, ".".join(map(str, where)), message))

    if not isinstance(data, dict):
        raise NotifyFileError("顶层必须是映射，含 webhooks 和/或 email (top level must be a mapping)",
                              file=path, line=1)
    for key in data:
        if key not in TOP_KEYS:
            problem((key,), f"未知字段“{key}”，可用：{'、'.join(TOP_KEYS)} (unknown key)")
    if "retries" in data and not (_number(data["retries"], whole=True) and data["retries"] >= 1):
        problem(("retries",), "重试次数必须是不小于1的整数 (must be an integer >= 1)")
    for key in ("backoff", "timeout"):
        if key in data and not (_number(data[key]) and data[key] > 0):
            problem((key,), "必须是正数（秒）(must be a positive number of seconds)")
    _check_webhooks(data.get("webhooks"), problem)
    _check_email(data.get("email"), problem)
    if problems:
        raise NotifyFileError(format_problems(path, problems, HEADER))
    return data


def _only_keys(where: tuple, mapping: dict, allowed: tuple, problem) -> None:
    for key in mapping:
        if key not in allowed:
            problem((*where, key), f"未知字段“{key}”，可用：{'、'.join(allowed)} (unknown key)")


def _check_webhooks(hooks, problem) -> None:
    if hooks is None:
        return
    if not isinstance(hooks, list):
        problem(("webhooks",), "必须是列表，每项 {url, format, secret} (must be a list)")
        return
    for i, hook in enumerate(hooks):
        where = ("webhooks", i)
        if not isinstance(hook, dict):
            problem(where, "每项应写成 {url: …, format: wecom|dingtalk|json} (must be a mapping)")
            continue
        _only_keys(where, hook, WEBHOOK_KEYS, problem)
        url = hook.get("url")
        if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https") \
                or not urlsplit(url).hostname:
            problem((*where, "url"), "需要 http:// 或 https:// 开头的地址 (url must be http or https)")
        if hook.get("format", "json") not in FORMATS:
            problem((*where, "format"),
                    f"格式“{hook.get('format')}”无效，应为 {'、'.join(FORMATS)} 之一 (bad format)")
        if "secret" in hook and not (isinstance(hook["secret"], str) and hook["secret"]):
            problem((*where, "secret"), "加签密钥必须是文字 (secret must be text)")


def _check_email(email, problem) -> None:
    if email is None:
        return
    where = ("email",)
    if not isinstance(email, dict):
        problem(where, "应写成 {host, port, from, to} 映射 (must be a mapping)")
        return
    _only_keys(where, email, EMAIL_KEYS, problem)
    for key in EMAIL_REQUIRED:
        if email.get(key) in (None, "", []):
            problem((*where, key), f"缺少必填字段“{key}” (missing required field)")
    for key in ("host", "from", "username", "password"):
        if email.get(key) not in (None, "") and not isinstance(email[key], str):
            problem((*where, key), "必须是文字 (must be text)")
    port = email.get("port")
    if port is not None and not (_number(port, whole=True) and 1 <= port <= 65535):
        problem((*where, "port"), f"端口必须是1到65535之间的整数，实际为 {port!r} (bad port)")
    to = email.get("to")
    for j, address in enumerate(to if isinstance(to, list) else [to] if to else []):
        if not (isinstance(address, str) and "@" in address):
            problem((*where, "to", j) if isinstance(to, list) else (*where, "to"),
                    f"收件地址无效：{address!r} (bad address)")
    for key in ("ssl", "starttls"):
        if key in email and not isinstance(email[key], bool):
            problem((*where, key), "必须是 true 或 false (must be true or false)")
