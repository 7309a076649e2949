"""Profiles: the official rules as editable YAML (windows, thresholds, column synonyms, mandatory columns).

Offices differ (local 细则 tighten windows, add columns, rename them), so nothing here is hard-coded in the
rule functions: they ask the profile. A profile may `extends:` another (a shipped name or a path) and
override only what differs; every YAML mistake is reported with its file, line and field so a civil
servant editing the file can find it.
"""
from __future__ import annotations

import copy
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from dateutil.relativedelta import relativedelta

from checks.figures import days_since
from crawler.yamlfile import LocatedYaml

PROFILE_DIR = Path(__file__).resolve().parent / "profiles"
SITE_KINDS = ("portal", "department", "township")
WINDOW_UNITS = ("days", "months", "years")
WINDOW_LABELS = {"days": "天", "months": "个月", "years": "年"}
ENTRY_KINDS = ("column", "channel", "entrance")

# Decoration that varies between sites but never changes a column's meaning.
NAME_NOISE = re.compile(r"[\s\u3000·•・|｜>＞»›\-—_/／\\()（）\[\]【】「」『』<>《》〈〉:：,，、.。!！?？'\"“”‘’]+")
DATE_MMDD = re.compile(r"^(\d{2})-(\d{2})$")

TOP_KEYS = {
    "name", "title", "basis", "extends", "home_window_days", "enquiry_deadline_workdays",
    "enquiry_veto_months", "enquiry_lookback_years", "board_deadline_workdays", "thresholds",
    "annual_report", "categories", "mandatory", "content",
}
INT_KEYS = ("home_window_days", "enquiry_deadline_workdays", "enquiry_veto_months",
            "enquiry_lookback_years", "board_deadline_workdays")
CATEGORY_KEYS = {"title", "names", "window", "level1_only", "key", "should_update", "static",
                 "enquiry", "reply_workdays"}
CATEGORY_BOOLS = ("level1_only", "key", "should_update", "static", "enquiry")
ENTRY_KEYS = {"name", "categories", "aliases", "kind", "basis", "offsite"}
# what an entrance on another host or a widget may stand for (crawler/extraction/entrances.py)
ENTRANCE_KINDS = ("service", "mailbox", "hotline", "complaint", "petition", "correction")
OVERRIDE_KEYS = {"columns", "not_expected", "board_deadline_workdays", "enquiry_deadline_workdays",
                 "home_window_days", "enquiry_veto_months", "thresholds"}
# Every threshold a profile may set: default, and what it does (the rules page shows the label). A key
# not listed here is refused with its file and line, so a mistyped threshold cannot silently do nothing;
# each one's effect is shown by tests/test_profile_keys.py. 0 switches a warning line off.
THRESHOLDS: dict[str, tuple[float, str]] = {
    "key_stale_veto": (5, "栏目不更新：计入“栏目不更新”的类别（见下表）未更新栏目数（否决线）"),
    "should_update_veto": (10, "应更新但长期未更新栏目数（否决线）"),
    "blank_veto": (5, "空白栏目数（否决线）"),
    "should_update_counts_blank": (1, "空白栏目是否计入“应更新未更新”（1=是）"),
    "unreachable_share": (0.05, "站点无法访问：近7天首页探测失败次数占比（否决线）"),
    "unreachable_timeout_s": (15, "站点无法访问：首页超过该秒数仍未打开的探测计为失败"),
    "unreachable_min_daily_polls": (20, "站点无法访问：近7天每天至少探测次数（不足时只提示，不否决）"),
    "home_stale_warn_days": (0, "首页未更新预警（天，未达否决线时提示；0=不预警）"),
    "key_stale_warn": (0, "栏目不更新预警（个，写入结论说明；0=不预警）"),
    "should_update_warn": (0, "应更新未更新预警（个，写入结论说明；0=不预警）"),
    "blank_warn": (0, "空白栏目预警（个，写入结论说明；0=不预警）"),
    "low_volume_per_month": (0, "动态类栏目每月最少条数（0=不检查）"),
    "links_home_deduct": (1, "首页不可用链接：达到该数（个）时每个记为扣分，不足时只提示（0=只提示）"),
    "links_inner_deduct": (1, "其他页面不可用链接：达到该数（个）时每个记为扣分，不足时只提示（0=只提示）"),
    "links_external_deduct": (0, "站外不可用链接：达到该数（个）时每个记为扣分，不足时只提示（0=只提示）"),
}


class ProfileError(ValueError):
    """A profile (or holiday/rubric/site override) file is wrong; the message says where, in Chinese."""

    def __init__(self, message: str, *, file: str | Path | None = None, line: int | None = None,
                 field: str | None = None):
        self.file = str(file) if file is not None else None
        self.line = line
        self.field = field
        where = []
        if self.file:
            where.append(self.file)
        if line:
            where.append(f"第{line}行")
        if field:
            where.append(f"字段 {field}")
        super().__init__(("配置错误：" + " ".join(where) + "：" if where else "配置错误：") + message)


# YAML with line numbers: crawler/yamlfile.py (shared with the sites file)


# --------------------------------------------------------------------------- model
@dataclass
class Category:
    code: str
    title: str
    names: list[str]
    window: dict | None = None
    level1_only: bool = False
    key: bool = False
    should_update: bool = False
    static: bool = False
    enquiry: bool = False            # letters on such a board count for 互动回应差 and reply deadlines
    reply_workdays: int | None = None  # board-specific reply limit (找错: 3 working days)


@dataclass
class _Pattern:
    regex: re.Pattern
    weight: int                      # literal characters: the longest, most specific name wins
    code: str
    order: int


def normalise_name(name: str) -> str:
    """Fold full-width forms and strip decoration, so 『通知 公告』 and 通知公告 compare equal."""
    return NAME_NOISE.sub("", unicodedata.normalize("NFKC", name or "")).lower()


def _compile(name: str) -> tuple[re.Pattern, int]:
    norm = normalise_name(name.replace("*", "\x00")).replace("\x00", "*")
    parts = norm.split("*")
    regex = ".+?".join(re.escape(p) for p in parts)
    return re.compile(regex), sum(len(p) for p in parts)


def window_text(window: dict | None) -> str:
    """A time window as people say it: {days: 14} is 2周, {months: 6} is 6个月."""
    if not window:
        return ""
    (unit, n), = window.items()
    if unit == "days":
        return f"{n // 7}周" if n % 7 == 0 else f"{n}天"
    return f"{n}{WINDOW_LABELS.get(unit, unit)}"


def percent(share: float) -> str:
    """0.05 -> 5%, 0.025 -> 2.5%."""
    return f"{share * 100:g}%"


def window_start(window: dict, as_of: date) -> date:
    """First day still inside the window: 6 months before 2026-11-27 is 2026-05-27 (calendar periods)."""
    (unit, n), = window.items()
    return _shifted(as_of, unit, -n)


def window_end(window: dict, start: date) -> date:
    (unit, n), = window.items()
    return _shifted(start, unit, n)


@lru_cache(maxsize=1 << 14)
def _shifted(day: date, unit: str, n: int) -> date:
    """A day moved by calendar periods, remembered: every column of a province asks about the same
    few windows from the same day (relativedelta is slow)."""
    return day + relativedelta(**{unit: n}) if n >= 0 else day - relativedelta(**{unit: -n})


class Profile:
    home_window_days: int = 14
    enquiry_deadline_workdays: int = 5
    enquiry_veto_months: int = 3

    def __init__(self, data: dict, source: str = ""):
        self.source = source
        self.name: str = data.get("name", "")
        self.title: str = data.get("title", "")
        self.basis: str = data.get("basis", "")
        self.home_window_days = int(data.get("home_window_days", 14))
        self.enquiry_deadline_workdays = int(data.get("enquiry_deadline_workdays", 5))
        self.enquiry_veto_months = int(data.get("enquiry_veto_months", 3))
        self.enquiry_lookback_years = int(data.get("enquiry_lookback_years", 1))
        self.board_deadline_workdays: int | None = data.get("board_deadline_workdays")
        self.thresholds: dict = {key: default for key, (default, _) in THRESHOLDS.items()}
        self.thresholds.update(data.get("thresholds") or {})
        self.annual_report: dict = dict(data.get("annual_report") or {})
        self.content: dict = copy.deepcopy(data.get("content") or {})   # content checks (checks/contentconf.py)
        self.categories: dict[str, Category] = {}
        for code, spec in (data.get("categories") or {}).items():
            spec = spec or {}
            self.categories[code] = Category(
                code=code, title=spec.get("title", code), names=list(spec.get("names") or [spec.get("title", code)]),
                window=spec.get("window"), level1_only=bool(spec.get("level1_only", False)),
                key=bool(spec.get("key", False)), should_update=bool(spec.get("should_update", False)),
                static=bool(spec.get("static", False)), enquiry=bool(spec.get("enquiry", False)),
                reply_workdays=spec.get("reply_workdays"))
        self._mandatory: dict = copy.deepcopy(data.get("mandatory") or {})
        self.column_overrides: dict[str, str] = {}   # normalised column name -> category code
        self.not_expected: set[str] = set()          # normalised names / category codes
        self._classified: dict[str, Category | None] = {}
        self._built_entries: dict[str, list[tuple[str, dict]]] = {}
        self._build_patterns()

    def _build_patterns(self):
        self._exact: dict[str, str] = {}
        self._patterns: list[_Pattern] = []
        for order, cat in enumerate(self.categories.values()):
            for name in cat.names:
                if "*" not in name:
                    self._exact.setdefault(normalise_name(name), cat.code)
                regex, weight = _compile(name)
                self._patterns.append(_Pattern(regex, weight, cat.code, order))

    def __repr__(self):
        return f"Profile({self.name!r}, {len(self.categories)} categories)"

    # ----------------------------------------------------------------- classification
    def classify(self, name: str) -> Category | None:
        """Exact synonym first, then the longest contained synonym; ties go to the later match,
        because Chinese column names put the head noun last (政策文件解读 is a 解读 column).
        Remembered per name: a province's check asks about the same few hundred names hundreds of
        thousands of times, and a miss tries every synonym's pattern."""
        try:
            return self._classified[name]
        except KeyError:
            found = self._classified[name] = self._classify(name)
            return found

    def _classify(self, name: str) -> Category | None:
        norm = normalise_name(name)
        if not norm or norm in self.not_expected:
            return None
        if norm in self.column_overrides:
            return self.categories[self.column_overrides[norm]]
        if norm in self._exact:
            return self.categories[self._exact[norm]]
        best, best_key = None, None
        for pat in self._patterns:
            match = pat.regex.fullmatch(norm) or pat.regex.search(norm)
            if not match:
                continue
            exact = match.group(0) == norm
            key = (pat.weight, exact, match.end(), -pat.order)
            if best_key is None or key > best_key:
                best, best_key = pat.code, key
        return self.categories[best] if best else None

    # ----------------------------------------------------------------- freshness
    def stale(self, category: Category, newest: date | None, as_of: date, level: int | None) -> dict | None:
        if category is None or not category.window:
            return None
        if category.level1_only and level != 1:
            return None
        start = window_start(category.window, as_of)
        limit_days = (as_of - start).days
        if newest is None:
            return {"stale": True, "days": None, "limit_days": limit_days, "deadline": None,
                    "window": dict(category.window)}
        return {"stale": newest < start, "days": days_since(newest, as_of), "limit_days": limit_days,
                "deadline": window_end(category.window, newest), "window": dict(category.window)}

    def home_stale(self, newest: date | None, as_of: date) -> dict:
        """The homepage rule: no new item within home_window_days (14: 14 days old is fresh)."""
        window = {"days": self.home_window_days}
        return self.stale(Category("home", "首页", [], window=window), newest, as_of, 1)

    def window_groups(self, key_only: bool = False) -> list[tuple[str, str]]:
        """The categories judged for freshness, grouped by window, as people name them:
        [("动态要闻", "2周"), ("一级通知公告/政策文件", "6个月"), …]; key_only: those counted for 栏目不更新."""
        groups: dict[tuple[str, bool], list[str]] = {}
        for cat in self.categories.values():
            if cat.window and not cat.static and (cat.key or not key_only):
                groups.setdefault((window_text(cat.window), cat.level1_only), []).append(cat.title)
        return [(("一级" if level1 else "") + "/".join(titles), text)
                for (text, level1), titles in groups.items()]

    def figures(self) -> dict[str, str]:
        """The profile's settings as they read in a sentence: a rule's description names them in
        braces ("比例达到{unreachable_share}"), and the rules page fills them in from this profile."""
        out = {key: f"{value:g}" for key, value in self.thresholds.items()}
        out["unreachable_share"] = percent(self.thresholds["unreachable_share"])
        for key in ("home_window_days", "enquiry_deadline_workdays", "enquiry_veto_months",
                    "enquiry_lookback_years"):
            out[key] = str(getattr(self, key))
        out["home_window"] = window_text({"days": self.home_window_days})
        out["stale_windows"] = "、".join(f"{who}类栏目超过{text}" for who, text in self.window_groups())
        key_groups = self.window_groups(key_only=True)
        out["key_stale_windows"] = "、".join(f"{who}类栏目{text}内" for who, text in key_groups)
        out["key_categories"] = "与".join(who for who, _ in key_groups)
        for owner, mmdd in self.annual_report.items():
            month, day = (int(x) for x in DATE_MMDD.match(mmdd).groups())
            out[f"annual_report_{owner}"] = f"{month}月{day}日"
        return out

    def reply_deadline_workdays(self, category: Category | None = None) -> int:
        if category is not None and category.reply_workdays:
            return int(category.reply_workdays)
        return int(self.board_deadline_workdays or self.enquiry_deadline_workdays)

    def annual_report_due(self, year: int, owner: str = "department") -> date:
        """Due date of the report on `year - 1`, published in `year` (条例第四十九条)."""
        mmdd = self.annual_report.get(owner) or self.annual_report.get("department", "01-31")
        month, day = (int(x) for x in DATE_MMDD.match(mmdd).groups())
        return date(year, month, day)

    # ----------------------------------------------------------------- mandatory columns
    def mandatory(self, kind: str) -> list[dict]:
        if kind not in SITE_KINDS:
            raise ProfileError(f"未知网站类型 {kind!r}，应为 {'/'.join(SITE_KINDS)} 之一",
                               file=self.source or self.name, field="kind")
        out, seen = [], set()
        for norm, entry in self._entries(kind):
            if entry["name"] in seen or self._entry_not_expected(entry, norm):
                continue
            seen.add(entry["name"])
            out.append({**entry, "categories": list(entry["categories"]), "aliases": list(entry["aliases"]),
                        "offsite": list(entry["offsite"])})
        return out

    def _entries(self, kind: str) -> list[tuple[str, dict]]:
        """A kind's entries with their normalised names, built once (every site asks twice, and
        the aliases are gathered from the categories' names); the overrides only filter them."""
        if kind not in self._built_entries:
            self._built_entries[kind] = [
                (normalise_name(e["name"]), e) for e in map(self._entry, [*(self._mandatory.get("common") or []),
                                                                         *(self._mandatory.get(kind) or [])])]
        return self._built_entries[kind]

    def _entry(self, raw) -> dict:
        if isinstance(raw, str):
            raw = {"name": self.categories[raw].title, "categories": [raw]}
        cats = list(raw.get("categories") or [])
        aliases = list(raw.get("aliases") or [])
        for code in cats:
            for alias in self.categories[code].names:
                if alias not in aliases and alias != raw["name"] and "*" not in alias:
                    aliases.append(alias)
        return {"name": raw["name"], "categories": cats, "aliases": aliases,
                "kind": raw.get("kind", "column"), "basis": raw.get("basis", ""),
                "offsite": list(raw.get("offsite") or [])}

    def _entry_not_expected(self, entry: dict, norm: str) -> bool:
        if norm in self.not_expected:
            return True
        return bool(entry["categories"]) and all(c in self.not_expected for c in entry["categories"])

    # ----------------------------------------------------------------- per-site overrides
    def with_overrides(self, site_config: dict | None) -> Profile:
        """A copy adjusted by the sites file: reclassify or excuse columns, change a board's deadline."""
        site_config = site_config or {}
        if "overrides" in site_config:
            ov = site_config["overrides"] or {}
        elif set(site_config) <= OVERRIDE_KEYS:
            ov = site_config             # the overrides block itself
        else:
            ov = {}
        who = f"站点 {site_config.get('name') or site_config.get('url') or ''}".strip()
        if not isinstance(ov, dict):
            raise ProfileError("overrides 必须是映射（键: 值）", file=who, field="overrides")
        unknown = set(ov) - OVERRIDE_KEYS
        if unknown:
            raise ProfileError(f"未知的覆盖项 {sorted(unknown)}，可用：{sorted(OVERRIDE_KEYS)}",
                               file=who, field="overrides")
        new = copy.copy(self)
        new.thresholds = dict(self.thresholds)
        new.column_overrides = dict(self.column_overrides)
        new.not_expected = set(self.not_expected)
        for key in ("home_window_days", "enquiry_veto_months", "enquiry_deadline_workdays",
                    "board_deadline_workdays"):
            if key in ov:
                value = ov[key]
                if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                    raise ProfileError(f"{key} 必须是正整数，实际为 {value!r}", file=who, field=f"overrides.{key}")
                setattr(new, key, value)
        for key, value in (ov.get("thresholds") or {}).items():
            if key not in THRESHOLDS:
                raise ProfileError(f"未知阈值 {key!r}，可用：{', '.join(THRESHOLDS)}", file=who,
                                   field=f"overrides.thresholds.{key}")
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                raise ProfileError(f"阈值必须是数字，实际为 {value!r}", file=who, field=f"overrides.thresholds.{key}")
            new.thresholds[key] = value
        for column, spec in (ov.get("columns") or {}).items():
            field_name = f"overrides.columns.{column}"
            if not isinstance(spec, dict):
                raise ProfileError("应写成 {category: 类别} 或 {expected: false}", file=who, field=field_name)
            if spec.get("expected") is False:
                new.not_expected.add(normalise_name(column))
            if "category" in spec:
                if spec["category"] not in self.categories:
                    raise ProfileError(f"未知类别 {spec['category']!r}，可用：{', '.join(self.categories)}",
                                       file=who, field=field_name + ".category")
                new.column_overrides[normalise_name(column)] = spec["category"]
        for name in ov.get("not_expected") or []:
            new.not_expected.add(name if name in self.categories else normalise_name(str(name)))
        # names are classified alike unless the overrides reclassify or excuse columns; most sites
        # have none, so they share what has been classified already
        same = new.column_overrides == self.column_overrides and new.not_expected == self.not_expected
        new._classified = self._classified if same else {}
        return new


# --------------------------------------------------------------------------- loading and validation
def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _resolve(name_or_path: str | Path, relative_to: Path | None = None) -> Path:
    text = str(name_or_path)
    if not text.endswith((".yaml", ".yml")) and "/" not in text and "\\" not in text:
        shipped = PROFILE_DIR / f"{text}.yaml"
        if shipped.exists():
            return shipped
        available = ", ".join(sorted(p.stem for p in PROFILE_DIR.glob("*.yaml")))
        raise ProfileError(f"没有名为 {text!r} 的内置规则配置（可用：{available}），也可以给出 YAML 文件路径")
    path = Path(text)
    if not path.is_absolute() and relative_to is not None and not path.exists():
        path = relative_to / path
    return path


def _merge(base: dict, top: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _validate_window(doc: LocatedYaml, path: tuple, window):
    if window is None:
        return
    if (not isinstance(window, dict) or len(window) != 1 or next(iter(window)) not in WINDOW_UNITS
            or not _is_int(next(iter(window.values()))) or next(iter(window.values())) <= 0):
        doc.fail(path, "时间窗应写成 {days: 14}、{months: 6} 或 {years: 1}（正整数）")


def _validate_layer(doc: LocatedYaml, base: dict):
    """One profile file (a layer over what it extends), field by field in the file's order."""
    data = doc.data
    if not isinstance(data, dict):
        doc.fail((), "规则配置文件的顶层必须是映射（键: 值）")
    doc.only_keys((), data, TOP_KEYS)
    for key in INT_KEYS:
        if key in data and (not _is_int(data[key]) or data[key] <= 0):
            doc.fail((key,), f"必须是正整数，实际为 {data[key]!r}")
    _validate_thresholds(doc, data.get("thresholds", {}))
    _validate_annual_report(doc, data.get("annual_report", {}))
    merged_cats = _validate_categories(doc, data.get("categories", {}), base.get("categories") or {})
    _validate_mandatory(doc, data.get("mandatory", {}), merged_cats)
    from checks.contentconf import validate as validate_content
    validate_content(doc, data.get("content", {}))


def _validate_thresholds(doc: LocatedYaml, thresholds):
    if not isinstance(thresholds, dict):
        doc.fail(("thresholds",), "必须是映射（名称: 数值）")
    doc.only_keys(("thresholds",), thresholds, THRESHOLDS)
    for key, value in thresholds.items():
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
            doc.fail(("thresholds", key), f"阈值必须是非负数，实际为 {value!r}")


def _validate_annual_report(doc: LocatedYaml, annual):
    if not isinstance(annual, dict):
        doc.fail(("annual_report",), "必须是映射，如 {department: \"01-31\"}")
    for key, value in annual.items():
        match = DATE_MMDD.match(str(value))
        ok = bool(match)
        if ok:
            try:
                date(2024, int(match.group(1)), int(match.group(2)))
            except ValueError:
                ok = False
        if not ok:
            doc.fail(("annual_report", key), f"日期应写成带引号的 \"MM-DD\"，实际为 {value!r}")


def _validate_categories(doc: LocatedYaml, categories, base_cats: dict) -> dict:
    """Each category of this layer, then the synonyms of all of them (this layer merged over its base),
    which must each name one category; returns the merged categories."""
    if not isinstance(categories, dict):
        doc.fail(("categories",), "必须是映射（类别代码: 定义）")
    for code, spec in categories.items():
        _validate_category(doc, ("categories", code), spec, new=code not in base_cats)
    merged_cats = _merge(base_cats, categories)
    owner: dict[str, str] = {}
    for code, spec in merged_cats.items():
        for i, name in enumerate((spec or {}).get("names") or []):
            norm = normalise_name(name)
            if norm in owner and owner[norm] != code:
                path = ("categories", code, "names", i) if code in categories else ("categories", owner[norm])
                doc.fail(path, f"同义词 {name!r} 同时出现在类别 {owner[norm]} 和 {code} 中")
            owner[norm] = code
    return merged_cats


def _validate_category(doc: LocatedYaml, where: tuple, spec, *, new: bool):
    if not isinstance(spec, dict):
        doc.fail(where, "类别定义必须是映射")
    doc.only_keys(where, spec, CATEGORY_KEYS)
    if new and "title" not in spec:
        doc.fail(where, "新类别必须给出 title（中文名称）")
    if "title" in spec and (not isinstance(spec["title"], str) or not spec["title"].strip()):
        doc.fail(where + ("title",), "title 必须是非空文字")
    if "names" in spec:
        names = spec["names"]
        if not isinstance(names, list) or not names or not all(isinstance(n, str) and n.strip() for n in names):
            doc.fail(where + ("names",), "names 必须是非空的文字列表")
    for key in CATEGORY_BOOLS:
        if key in spec and not isinstance(spec[key], bool):
            doc.fail(where + (key,), f"必须是 true 或 false，实际为 {spec[key]!r}")
    if "window" in spec:
        _validate_window(doc, where + ("window",), spec["window"])
    if "reply_workdays" in spec and spec["reply_workdays"] is not None and (
            not _is_int(spec["reply_workdays"]) or spec["reply_workdays"] <= 0):
        doc.fail(where + ("reply_workdays",), "必须是正整数（工作日）")


def _validate_mandatory(doc: LocatedYaml, mandatory, merged_cats: dict):
    if not isinstance(mandatory, dict):
        doc.fail(("mandatory",), "必须是映射（common/portal/department/township: 列表）")
    for kind, entries in mandatory.items():
        if kind not in SITE_KINDS + ("common",):
            doc.fail(("mandatory", kind), f"未知网站类型 {kind!r}，应为 common/{'/'.join(SITE_KINDS)}")
        if not isinstance(entries, list):
            doc.fail(("mandatory", kind), "必须是列表")
        for i, entry in enumerate(entries):
            _validate_entry(doc, ("mandatory", kind, i), entry, merged_cats)


def _validate_entry(doc: LocatedYaml, where: tuple, entry, merged_cats: dict):
    """One mandatory entry: a category code, or a mapping with its name."""
    if isinstance(entry, str):
        if entry not in merged_cats:
            doc.fail(where, f"未知类别 {entry!r}")
        return
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
        doc.fail(where, "条目应为类别代码，或含 name 的映射")
    doc.only_keys(where, entry, ENTRY_KEYS)
    for j, code in enumerate(entry.get("categories") or []):
        if code not in merged_cats:
            doc.fail(where + ("categories", j), f"未知类别 {code!r}")
    if entry.get("kind", "column") not in ENTRY_KINDS:
        doc.fail(where + ("kind",), f"kind 应为 {'/'.join(ENTRY_KINDS)}")
    offsite = entry.get("offsite") or []
    if not isinstance(offsite, list) or any(k not in ENTRANCE_KINDS for k in offsite):
        doc.fail(where + ("offsite",), f"offsite 应为列表，取值 {'/'.join(ENTRANCE_KINDS)}")


def _load_data(path: Path, chain: tuple = ()) -> dict:
    if path.resolve() in chain:
        raise ProfileError("extends 形成循环引用", file=path, field="extends")
    doc = LocatedYaml(path, ProfileError)
    if not isinstance(doc.data, dict):
        doc.fail((), "规则配置文件的顶层必须是映射（键: 值）")
    base: dict = {}
    parent = doc.data.get("extends")
    if parent:
        if not isinstance(parent, str):
            doc.fail(("extends",), "extends 必须是内置名称或文件路径")
        try:
            base = _load_data(_resolve(parent, path.parent), chain + (path.resolve(),))
        except ProfileError as exc:
            if exc.file:
                raise
            doc.fail(("extends",), str(exc).removeprefix("配置错误："))
    _validate_layer(doc, base)
    layer = {k: v for k, v in doc.data.items() if k != "extends"}
    return _merge(base, layer)


def load_profile(name_or_path: str | Path = "gb2019") -> Profile:
    path = _resolve(name_or_path)
    data = _load_data(path)
    data.setdefault("name", path.stem)
    return Profile(data, source=str(path))
