"""The sites file (YAML): which sites an office answers for.

Validated whole before anything runs, so a typo never half-crawls or touches stored history. Errors
name the file, the line and the field, because the person fixing them edits the YAML by hand.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

KINDS = ("portal", "department", "township")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
REQUIRED = ("id", "name", "url", "kind")
OPTIONAL = ("owner", "code", "boards", "allow_hosts", "allow_private", "overrides",
            "max_pages", "max_depth", "columns")
TOP_KEYS = ("sites", "defaults")


class SitesFileError(ValueError):
    """A sites-file problem, already worded for the person who edits the file."""


@dataclass
class Problem:
    line: int
    field: str
    message: str


def _node_map(node: yaml.MappingNode) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    return {k.value: (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}


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
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SitesFileError(f"{path}: 网站清单文件不存在 (sites file not found)") from None
    except UnicodeDecodeError as e:
        raise SitesFileError(f"{path}: 文件不是 UTF-8 编码 (not UTF-8): {e}") from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        raise SitesFileError(f"{path}:{line}: YAML 格式错误 (invalid YAML): "
                             f"{getattr(e, 'problem', e)}") from None
    problems: list[Problem] = []
    if not isinstance(root, yaml.MappingNode) or not isinstance(data, dict):
        raise SitesFileError(f"{path}:1: 顶层必须是包含 sites: 列表的映射 (top level must be a mapping with 'sites:')")
    top = _node_map(root)
    for key, (knode, _) in top.items():
        if key not in TOP_KEYS:
            problems.append(Problem(knode.start_mark.line + 1, key,
                                    f"未知字段“{key}” (unknown key)"))
    if "sites" not in top or not isinstance(top["sites"][1], yaml.SequenceNode):
        line = top["sites"][0].start_mark.line + 1 if "sites" in top else 1
        problems.append(Problem(line, "sites", "缺少网站列表 sites: (missing list 'sites')"))
        raise SitesFileError(_format(path, problems))
    defaults = data.get("defaults") or {}
    seen: dict[str, int] = {}
    sites: list[dict] = []
    for node, raw in zip(top["sites"][1].value, data["sites"]):
        line = node.start_mark.line + 1
        if not isinstance(node, yaml.MappingNode) or not isinstance(raw, dict):
            problems.append(Problem(line, "sites", "每个网站必须是一个映射 (each site must be a mapping)"))
            continue
        fields = _node_map(node)
        for key, (knode, _) in fields.items():
            if key not in REQUIRED and key not in OPTIONAL:
                problems.append(Problem(knode.start_mark.line + 1, key,
                                        f"未知字段“{key}” (unknown key)"))
        for key in REQUIRED:
            if key not in fields or raw.get(key) in (None, ""):
                problems.append(Problem(line, key, f"缺少必填字段“{key}” (missing required field)"))
        sid = raw.get("id")
        if sid is not None:
            sline = fields["id"][1].start_mark.line + 1
            if not isinstance(sid, str) or not ID_RE.match(sid):
                problems.append(Problem(sline, "id",
                                        f"标识“{sid}”只能包含小写字母、数字和连字符 (id must match [a-z0-9-])"))
            elif sid in seen:
                problems.append(Problem(sline, "id",
                                        f"标识“{sid}”重复，第{seen[sid]}行已使用 (duplicate id)"))
            else:
                seen[sid] = sline
        url = raw.get("url")
        if url not in (None, ""):
            uline = fields["url"][1].start_mark.line + 1
            err = _check_url(url) if isinstance(url, str) else "网址必须是字符串 (url must be a string)"
            if err:
                problems.append(Problem(uline, "url", f"网址“{url}”无效：{err}"))
        kind = raw.get("kind")
        if kind not in (None, "") and kind not in KINDS:
            kline = fields["kind"][1].start_mark.line + 1
            problems.append(Problem(kline, "kind",
                                    f"类型“{kind}”无效，应为 portal、department 或 township (bad kind)"))
        code = raw.get("code")
        if code is not None and not isinstance(code, str):
            problems.append(Problem(fields["code"][1].start_mark.line + 1, "code",
                                    "网站标识码须加引号写成字符串，如 \"3311230001\" (code must be a quoted string)"))
        for key in ("boards", "allow_hosts"):
            if key in raw and not isinstance(raw[key], list):
                problems.append(Problem(fields[key][1].start_mark.line + 1, key,
                                        f"“{key}”必须是列表 (must be a list)"))
        site = dict(defaults, **raw)
        site["line"] = line
        sites.append(site)
    if problems:
        raise SitesFileError(_format(path, problems))
    if not sites:
        raise SitesFileError(f"{path}:1: 网站列表为空 (no sites)")
    return sites


def _format(path: Path, problems: list[Problem]) -> str:
    lines = [f"{path}:{p.line}: 字段 {p.field}: {p.message}" for p in problems]
    return "网站清单有误，未执行任何巡检 (sites file invalid, nothing was run):\n" + "\n".join(lines)
