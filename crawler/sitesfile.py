"""The sites file (YAML): which sites an office answers for.

Validated whole before anything runs, so a typo never half-crawls or touches stored history. Errors
name the file, the line and the field, because the person fixing them edits the YAML by hand.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from crawler.yamlfile import LocatedYaml

KINDS = ("portal", "department", "township")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
REQUIRED = ("id", "name", "url", "kind")
OPTIONAL = ("owner", "code", "boards", "allow_hosts", "allow_private", "overrides",
            "max_pages", "max_depth", "columns")
TOP_KEYS = ("sites", "defaults")


class SitesFileError(ValueError):
    """A sites-file problem, already worded for the person who edits the file."""

    def __init__(self, message: str, *, file=None, line: int | None = None, field: str | None = None):
        where = f"{file}:{line or 0}: " if file else ""
        super().__init__(where + (f"字段 {field}: " if field else "") + message)


@dataclass
class Problem:
    line: int
    field: str
    message: str


def _check_url(value: str) -> str | None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https"):
        return "网址必须以 http:// 或 https:// 开头 (url must be http or https)"
    if not parts.hostname:
        return "网址缺少主机名 (url has no host)"
    if any(c.isspace() for c in value):
        return "网址中不能有空白字符 (url contains whitespace)"
    return None


def load_sites(path: str | Path) -> list[dict]:
    """Parse and validate; raise SitesFileError listing every problem with file:line."""
    path = Path(path)
    doc = LocatedYaml(path, SitesFileError)
    data = doc.data
    problems: list[Problem] = []

    def problem(where: tuple, field: str, message: str) -> None:
        problems.append(Problem(doc.line(where) or 1, field, message))

    if not isinstance(data, dict):
        raise SitesFileError("顶层必须是包含 sites: 列表的映射 (top level must be a mapping with 'sites:')",
                             file=path, line=1)
    for key in data:
        if key not in TOP_KEYS:
            problem((key,), key, f"未知字段“{key}” (unknown key)")
    if not isinstance(data.get("sites"), list):
        problem(("sites",), "sites", "缺少网站列表 sites: (missing list 'sites')")
        raise SitesFileError(_format(path, problems))
    defaults = data.get("defaults") or {}
    seen: dict[str, int] = {}
    sites: list[dict] = []
    for i, raw in enumerate(data["sites"]):
        at = ("sites", i)
        line = doc.line(at) or 1
        if not isinstance(raw, dict):
            problem(at, "sites", "每个网站必须是一个映射 (each site must be a mapping)")
            continue
        for key in raw:
            if key not in REQUIRED and key not in OPTIONAL:
                problem((*at, key), key, f"未知字段“{key}” (unknown key)")
        for key in REQUIRED:
            if raw.get(key) in (None, ""):
                problem(at, key, f"缺少必填字段“{key}” (missing required field)")
        sid = raw.get("id")
        if sid is not None:
            if not isinstance(sid, str) or not ID_RE.match(sid):
                problem((*at, "id"), "id", f"标识“{sid}”只能包含小写字母、数字和连字符 (id must match [a-z0-9-])")
            elif sid in seen:
                problem((*at, "id"), "id", f"标识“{sid}”重复，第{seen[sid]}行已使用 (duplicate id)")
            else:
                seen[sid] = doc.line((*at, "id"))
        url = raw.get("url")
        if url not in (None, ""):
            err = _check_url(url) if isinstance(url, str) else "网址必须是字符串 (url must be a string)"
            if err:
                problem((*at, "url"), "url", f"网址“{url}”无效：{err}")
        kind = raw.get("kind")
        if kind not in (None, "") and kind not in KINDS:
            problem((*at, "kind"), "kind", f"类型“{kind}”无效，应为 portal、department 或 township (bad kind)")
        if raw.get("code") is not None and not isinstance(raw["code"], str):
            problem((*at, "code"), "code",
                    "网站标识码须加引号写成字符串，如 \"3311230001\" (code must be a quoted string)")
        for key in ("boards", "allow_hosts"):
            if key in raw and not isinstance(raw[key], list):
                problem((*at, key), key, f"“{key}”必须是列表 (must be a list)")
        for key, low in (("max_depth", 1), ("max_pages", 1)):
            value = raw.get(key)
            if key in raw and (not isinstance(value, int) or isinstance(value, bool) or value < low):
                problem((*at, key), key, f"“{key}”必须是不小于{low}的整数 (must be an integer >= {low})")
        site = dict(defaults, **raw)
        site["line"] = line
        sites.append(site)
    if problems:
        raise SitesFileError(_format(path, problems))
    if not sites:
        raise SitesFileError("网站列表为空 (no sites)", file=path, line=1)
    return sites


def _format(path: Path, problems: list[Problem]) -> str:
    lines = [f"{path}:{p.line}: 字段 {p.field}: {p.message}" for p in problems]
    return "网站清单有误，未执行任何巡检 (sites file invalid, nothing was run):\n" + "\n".join(lines)
