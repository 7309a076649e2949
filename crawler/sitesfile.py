"""The sites file (YAML): which sites an office answers for.

Validated whole before anything runs, so a typo never half-crawls or touches stored history. Errors
name the file, the line and the field, because the person fixing them edits the YAML by hand. Given
the run's profile, each site's `overrides` are judged as the checks will judge them
(`Profile.with_overrides`), so a misspelt override stops the run before the crawl, not after it.
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
# owner 主办单位 and region 所属地区 are what a province splits its reports by (reports --split-by)
OPTIONAL = ("owner", "code", "region", "boards", "allow_hosts", "allow_private", "overrides",
            "max_pages", "max_depth", "columns", "delay", "concurrency", "site_timeout", "leaders")
TOP_KEYS = ("sites", "defaults")
# entries of `boards` / `columns`: a URL, or a mapping with these keys (spiders/site.py)
ENTRY_KEYS = {"boards": ("url", "name", "deadline_workdays"), "columns": ("url", "name")}
# overrides whose value must have a shape `Profile.with_overrides` takes on trust
OVERRIDE_SHAPES = {"columns": (dict, "映射（栏目名称: {category: 类别}）"),
                   "thresholds": (dict, "映射（阈值名称: 数值）"),
                   "not_expected": (list, "列表，如 [回应关切]")}
SITES_HEADER = "网站清单有误，未执行任何巡检 (sites file invalid, nothing was run):"


class ConfigFileError(ValueError):
    """A problem in a hand-edited configuration file, already worded for the person who edits it:
    `file:line: 字段 field: message`. Any of them means exit 2, nothing run, nothing stored."""

    def __init__(self, message: str, *, file=None, line: int | None = None, field: str | None = None):
        where = f"{file}:{line or 0}: " if file else ""
        super().__init__(where + (f"字段 {field}: " if field else "") + message)


class SitesFileError(ConfigFileError):
    """A sites-file problem."""


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


def _positive_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def load_sites(path: str | Path, profile=None) -> list[dict]:
    """Parse and validate; raise SitesFileError listing every problem with file:line. With the run's
    profile (checks.profile.Profile), each site's overrides are validated against it too."""
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
        raise SitesFileError(format_problems(path, problems, SITES_HEADER))
    defaults = data.get("defaults") or {}
    seen: dict[str, int] = {}
    sites: list[dict] = []
    for i, raw in enumerate(data["sites"]):
        at = ("sites", i)
        line = doc.line(at) or 1
        if not isinstance(raw, dict):
            problem(at, "sites", "每个网站必须是一个映射 (each site must be a mapping)")
            continue
        _check_site(doc, raw, at, seen, problem)
        _check_entries(raw, at, problem)
        site = dict(defaults, **raw)
        if "leaders" in raw:   # the site's leaders (CONTENT_WORDING), inlined from a file if named
            site["leaders"] = _leaders(doc, raw["leaders"], (*at, "leaders"), path.parent, problem)
        if profile is not None:
            _check_overrides(site, at if "overrides" in raw else ("defaults",), profile, problem)
        site["line"] = line
        sites.append(site)
    if problems:
        raise SitesFileError(format_problems(path, problems, SITES_HEADER))
    if not sites:
        raise SitesFileError("网站列表为空 (no sites)", file=path, line=1)
    return sites


def _check_site(doc: LocatedYaml, raw: dict, at: tuple, seen: dict[str, int], problem) -> None:
    """One site's own keys (`seen`: the ids already used, with their lines)."""
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
    for key in ("owner", "region"):
        if raw.get(key) is not None and not isinstance(raw[key], str):
            problem((*at, key), key, f"“{key}”必须是文字 (must be text)")
    if raw.get("code") is not None and not isinstance(raw["code"], str):
        problem((*at, "code"), "code",
                "网站标识码须加引号写成字符串，如 \"3311230001\" (code must be a quoted string)")
    for key in ("boards", "columns", "allow_hosts"):
        if key in raw and not isinstance(raw[key], list):
            problem((*at, key), key, f"“{key}”必须是列表 (must be a list)")
    if "site_timeout" in raw and (isinstance(raw["site_timeout"], bool)
                                  or not isinstance(raw["site_timeout"], int | float) or raw["site_timeout"] <= 0):
        problem((*at, "site_timeout"), "site_timeout", "“site_timeout”（单站抓取时限，秒）必须是大于0的数 (must be a number > 0)")
    if "delay" in raw and (isinstance(raw["delay"], bool) or not isinstance(raw["delay"], int | float)
                           or raw["delay"] < 0):
        problem((*at, "delay"), "delay", "“delay”（同一网站两次请求的间隔秒数）必须是不小于0的数 (must be a number >= 0)")
    for key in ("max_depth", "max_pages", "concurrency"):
        if key in raw and not _positive_int(raw[key]):
            problem((*at, key), key, f"“{key}”必须是不小于1的整数 (must be an integer >= 1)")


def _check_entries(raw: dict, at: tuple, problem) -> None:
    """`boards` and `columns` entries: a URL, or {url, name[, deadline_workdays]}."""
    for key, allowed in ENTRY_KEYS.items():
        entries = raw.get(key)
        for j, entry in enumerate(entries if isinstance(entries, list) else ()):
            where, field = (*at, key, j), f"{key}.{j}"
            if isinstance(entry, str):
                entry = {"url": entry}
            elif not isinstance(entry, dict):
                problem(where, field, f"应写成网址或 {{{', '.join(allowed)}}} 映射 (must be a url or a mapping)")
                continue
            for k in entry:
                if k not in allowed:
                    problem((*where, k), f"{field}.{k}",
                            f"未知字段“{k}”，可用：{'、'.join(allowed)} (unknown key)")
            url = entry.get("url")
            err = "缺少网址 (missing url)" if url in (None, "") else \
                _check_url(url) if isinstance(url, str) else "网址必须是字符串 (url must be a string)"
            if err:
                problem((*where, "url"), f"{field}.url", f"网址“{url or ''}”无效：{err}")
            if "name" in entry and not (isinstance(entry["name"], str) and entry["name"].strip()):
                problem((*where, "name"), f"{field}.name", "名称必须是文字 (name must be text)")
            if "deadline_workdays" in entry and not _positive_int(entry["deadline_workdays"]):
                problem((*where, "deadline_workdays"), f"{field}.deadline_workdays",
                        f"答复时限必须是不小于1的整数（工作日），实际为 {entry['deadline_workdays']!r} "
                        "(must be an integer >= 1)")


def _leaders(doc: LocatedYaml, value, at: tuple, base: Path, problem) -> list[dict]:
    """A list of {name, title, since?}, or the path of a YAML file holding one (relative to the
    sites file); stored inline so `govwatch check` judges without the file."""
    from checks.dictionary import DictionaryError, check_leaders, load_leaders
    if not isinstance(value, str):
        leaders = check_leaders(doc, at, value)   # a mistake raises with this file's line and field
    else:
        try:
            leaders = load_leaders(Path(value) if Path(value).is_absolute() else base / value)
        except DictionaryError as exc:   # names the leaders file, its line and field
            problem(at, "leaders", str(exc))
            return []
    return [{"name": lead.name, "title": list(lead.titles), "since": lead.since.isoformat() if lead.since else None}
            for lead in leaders]


def _check_overrides(site: dict, at: tuple, profile, problem) -> None:
    """Each override key judged on its own by the profile, so every mistake is named at its line."""
    overrides = site.get("overrides")
    if overrides is None:
        return
    if not isinstance(overrides, dict):
        problem((*at, "overrides"), "overrides", "必须是映射（覆盖项: 值）(overrides must be a mapping)")
        return
    for key, value in overrides.items():
        path = ("overrides", key)
        shape = OVERRIDE_SHAPES.get(key)
        if shape and not isinstance(value, shape[0]):
            problem((*at, *path), ".".join(path), f"必须是{shape[1]}，实际为 {value!r}")
            continue
        try:
            profile.with_overrides({"name": site.get("name"), "overrides": {key: value}})
        except ValueError as exc:
            field = getattr(exc, "field", None) or ""
            if field.startswith("overrides."):
                path = tuple(field.split("."))
            problem((*at, *path), ".".join(path), _reason(exc))


def _reason(exc: Exception) -> str:
    """A ProfileError's own words without its "配置错误：站点 … 字段 …：" preamble (we say where)."""
    text = str(exc).removeprefix("配置错误：")
    where = " ".join(filter(None, (getattr(exc, "file", None),
                                   f"字段 {exc.field}" if getattr(exc, "field", None) else None)))
    return text.removeprefix(f"{where}：") if where else text


def format_problems(path: Path, problems: list[Problem], header: str) -> str:
    """One line per problem, `file:line: 字段 field: message`, in file order, each once."""
    unique = sorted(dict.fromkeys((p.line, p.field, p.message) for p in problems), key=lambda p: p[0])
    return header + "\n" + "\n".join(f"{path}:{line}: 字段 {field}: {message}"
                                      for line, field, message in unique)
