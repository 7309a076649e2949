"""The content dictionary (词库): renamed institutions, outdated phrases, serious typos, hidden-link
vocabulary, government hosts and the whitelist — YAML an office edits, like a profile.

Why a file and not code: wording goes out of date with every reform and every local change of
leaders, and the people who know are the office's editors, not programmers. A dictionary may
`extends:` another (a shipped name or a path) and add entries; lists are joined. Every mistake is
reported with its file, line and field (`crawler/yamlfile.py`), before anything runs. Leaders
(name → titles) are a site's own list, in the sites file or a YAML file it names (`load_leaders`).
"""
from __future__ import annotations

import datetime as dt
import fnmatch
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from crawler.sitesfile import ConfigFileError
from crawler.yamlfile import LocatedYaml

DICTIONARY_DIR = Path(__file__).resolve().parent / "dictionaries"
TOP_KEYS = {"name", "title", "extends", "renamed", "outdated", "typos", "spam_words", "spam_url_words",
            "government_hosts", "whitelist"}
ENTRY_KEYS = {"renamed": ({"old", "new", "since", "basis", "except"}, ("old", "new", "since")),
              "outdated": ({"phrase", "new", "since", "basis", "except"}, ("phrase", "new", "since")),
              "typos": ({"wrong", "right", "basis"}, ("wrong", "right"))}
WHITELIST_KEYS = {"phrase", "host", "url", "code", "reason"}
CODES = ("CONTENT_WORDING", "PRIVACY_LEAK", "HIDDEN_LINK")
LEADER_KEYS = {"name", "title", "since"}
NAME_RE = re.compile(r"^[\u4e00-\u9fff·]{2,6}$")


class DictionaryError(ConfigFileError):
    """A dictionary or leaders file problem: `file:line: 字段 field: message`."""


@dataclass(frozen=True)
class Entry:
    """One dictionary entry: the words to find, what is right, since when (None: always), why."""
    kind: str                 # renamed | outdated | typo
    words: tuple[str, ...]
    right: str
    since: dt.date | None
    basis: str
    exceptions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Leader:
    name: str
    titles: tuple[str, ...]
    since: dt.date | None = None


@dataclass(eq=False)   # one per file (cached): hashed by identity, for the matcher's cache
class Dictionary:
    name: str
    entries: list[Entry] = field(default_factory=list)
    spam_words: tuple[str, ...] = ()
    spam_url_words: tuple[str, ...] = ()
    government_hosts: tuple[str, ...] = ()
    whitelist: list[dict] = field(default_factory=list)
    source: str = ""

    def whitelisted(self, code: str, *, url: str | None = None, phrase: str | None = None,
                    host: str | None = None) -> dict | None:
        """The whitelist entry that excuses a finding (every key the entry names must match)."""
        for w in self.whitelist:
            if w.get("code") and w["code"] != code:
                continue
            if "phrase" in w and (phrase is None or w["phrase"] != phrase):
                continue
            if "host" in w and (host is None or not fnmatch.fnmatch(host.lower(), w["host"].lower())):
                continue
            if "url" in w and (url is None or not fnmatch.fnmatch(url, w["url"])):
                continue
            return w
        return None

    def government(self, host: str) -> bool:
        host = (host or "").lower()
        return any(fnmatch.fnmatch(host, pattern.lower()) or host == pattern.lower().removeprefix("*.")
                   for pattern in self.government_hosts)


def _resolve(name_or_path: str | Path, relative_to: Path | None = None) -> Path:
    text = str(name_or_path)
    if not text.endswith((".yaml", ".yml")) and "/" not in text and "\\" not in text:
        shipped = DICTIONARY_DIR / f"{text}.yaml"
        if shipped.exists():
            return shipped
        available = ", ".join(sorted(p.stem for p in DICTIONARY_DIR.glob("*.yaml")))
        raise DictionaryError(f"没有名为 {text!r} 的内置词库（可用：{available}），也可以给出 YAML 文件路径")
    path = Path(text)
    if not path.is_absolute() and relative_to is not None and not (Path.cwd() / path).exists():
        path = relative_to / path
    return path


def _words(doc: LocatedYaml, where: tuple, value) -> list[str]:
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(w, str) and len(w.strip()) >= 2 for w in items):
        doc.fail(where, "应为文字或文字列表（每项至少2个字）")
    return [w.strip() for w in items]


def _date(doc: LocatedYaml, where: tuple, value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    doc.fail(where, f"日期应写成 YYYY-MM-DD，实际为 {value!r}")
    raise AssertionError  # doc.fail raises


def _entries(doc: LocatedYaml, section: str) -> list[Entry]:
    raw = doc.data.get(section) or []
    if not isinstance(raw, list):
        doc.fail((section,), "必须是列表")
    allowed, required = ENTRY_KEYS[section]
    out = []
    for i, item in enumerate(raw):
        where = (section, i)
        if not isinstance(item, dict):
            doc.fail(where, "每个词条必须是映射（键: 值）")
        doc.only_keys(where, item, allowed)
        for key in required:
            if item.get(key) in (None, "", []):
                doc.fail(where, f"缺少 {key}")
        words = _words(doc, where + (("old",) if section == "renamed" else ("phrase",) if section == "outdated"
                                     else ("wrong",)),
                       item.get("old") or item.get("phrase") or item.get("wrong"))
        right = item.get("new") if section != "typos" else item.get("right")
        if not isinstance(right, str) or not right.strip():
            doc.fail(where + ("right" if section == "typos" else "new",), "应为文字")
        since = _date(doc, where + ("since",), item["since"]) if "since" in item else None
        exceptions = _words(doc, where + ("except",), item["except"]) if item.get("except") else []
        for e in exceptions:
            if not any(w in e for w in words):
                doc.fail(where + ("except",), f"例外 {e!r} 应包含要查找的词之一")
        basis = item.get("basis") or ""
        if not isinstance(basis, str):
            doc.fail(where + ("basis",), "应为文字")
        out.append(Entry("typo" if section == "typos" else section, tuple(words), right.strip(), since,
                         basis, tuple(exceptions)))
    return out


def _whitelist(doc: LocatedYaml) -> list[dict]:
    raw = doc.data.get("whitelist") or []
    if not isinstance(raw, list):
        doc.fail(("whitelist",), "必须是列表")
    out = []
    for i, item in enumerate(raw):
        where = ("whitelist", i)
        if not isinstance(item, dict):
            doc.fail(where, "每项必须是映射，如 {phrase: 国土资源局, url: \"*/lsyg/*\", reason: 历史沿革}")
        doc.only_keys(where, item, WHITELIST_KEYS)
        if not any(k in item for k in ("phrase", "host", "url")):
            doc.fail(where, "phrase、host、url 至少写一项")
        if not isinstance(item.get("reason"), str) or not item["reason"].strip():
            doc.fail(where + ("reason",), "必须写明 reason（为什么是误报）")
        for key in ("phrase", "host", "url"):
            if key in item and (not isinstance(item[key], str) or not item[key].strip()):
                doc.fail(where + (key,), "应为文字")
        if "code" in item and item["code"] not in CODES:
            doc.fail(where + ("code",), f"code 应为 {'/'.join(CODES)} 之一")
        out.append({k: str(v).strip() for k, v in item.items()})
    return out


def _string_list(doc: LocatedYaml, key: str) -> list[str]:
    raw = doc.data.get(key) or []
    if not isinstance(raw, list) or not all(isinstance(w, str) and w.strip() for w in raw):
        doc.fail((key,), "必须是文字列表")
    return [w.strip() for w in raw]


def _load(path: Path, chain: tuple = ()) -> Dictionary:
    if path.resolve() in chain:
        raise DictionaryError("extends 形成循环引用", file=path, field="extends")
    doc = LocatedYaml(path, DictionaryError)
    if not isinstance(doc.data, dict):
        doc.fail((), "词库文件的顶层必须是映射（键: 值）")
    doc.only_keys((), doc.data, TOP_KEYS)
    base = Dictionary(name="")
    parent = doc.data.get("extends")
    if parent:
        if not isinstance(parent, str):
            doc.fail(("extends",), "extends 必须是内置名称或文件路径")
        try:
            base = _load(_resolve(parent, path.parent), chain + (path.resolve(),))
        except DictionaryError as exc:
            if " 字段 " in str(exc) or str(exc).startswith(str(path)):
                raise
            doc.fail(("extends",), str(exc))
    entries = [e for section in ENTRY_KEYS for e in _entries(doc, section)]
    return Dictionary(
        name=str(doc.data.get("name") or path.stem), entries=base.entries + entries,
        spam_words=base.spam_words + tuple(_string_list(doc, "spam_words")),
        spam_url_words=base.spam_url_words + tuple(w.lower() for w in _string_list(doc, "spam_url_words")),
        government_hosts=base.government_hosts + tuple(_string_list(doc, "government_hosts")),
        whitelist=base.whitelist + _whitelist(doc), source=str(path))


@lru_cache(maxsize=16)
def _cached(path: str, mtime: float) -> Dictionary:
    return _load(Path(path))


def load_dictionary(name_or_path: str | Path = "content", relative_to: Path | None = None) -> Dictionary:
    """A dictionary by shipped name or path; errors name the file, line and field."""
    path = _resolve(name_or_path, relative_to)
    try:
        mtime = path.stat().st_mtime
    except OSError as exc:
        raise DictionaryError(f"无法读取文件（{exc.strerror or exc}）", file=path) from exc
    return _cached(str(path), mtime)


# -- leaders ------------------------------------------------------------------------------------------
def check_leaders(doc: LocatedYaml, where: tuple, raw) -> list[Leader]:
    """A list of {name, title (text or list), since?}; fails at the first problem's line."""
    if not isinstance(raw, list) or not raw:
        doc.fail(where, "leaders 应为非空列表，如 [{name: 周明辉, title: 县长}]，或一个 YAML 文件的路径")
    out = []
    for i, item in enumerate(raw):
        at = (*where, i)
        if not isinstance(item, dict):
            doc.fail(at, "每位领导应写成 {name: 姓名, title: 职务}")
        doc.only_keys(at, item, LEADER_KEYS)
        name = item.get("name")
        if not isinstance(name, str) or not NAME_RE.match(name.strip()):
            doc.fail((*at, "name"), f"姓名应为2至6个汉字，实际为 {name!r}")
        titles = item.get("title")
        titles = titles if isinstance(titles, list) else [titles]
        if not titles or not all(isinstance(t, str) and t.strip() for t in titles):
            doc.fail((*at, "title"), "职务应为文字或文字列表，如 [县委副书记, 县长]")
        since = _date(doc, (*at, "since"), item["since"]) if "since" in item else None
        out.append(Leader(name.strip(), tuple(t.strip() for t in titles), since))
    return out


def load_leaders(path: str | Path) -> list[Leader]:
    """A leaders file: `leaders: [...]` (or the list itself at the top)."""
    doc = LocatedYaml(Path(path), DictionaryError)
    data = doc.data
    if isinstance(data, dict):
        doc.only_keys((), data, {"leaders"})
        return check_leaders(doc, ("leaders",), data.get("leaders"))
    return check_leaders(doc, (), data)


def leaders_of(site: dict) -> list[Leader]:
    """The leaders a site's stored configuration carries (the sites file inlines a leaders file)."""
    out = []
    for item in site.get("leaders") or []:
        if isinstance(item, dict) and item.get("name"):
            titles = item.get("title")
            since = item.get("since")
            out.append(Leader(str(item["name"]), tuple(titles if isinstance(titles, list) else [titles]),
                              dt.date.fromisoformat(str(since)[:10]) if since else None))
    return out
