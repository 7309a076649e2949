"""The rules page (Markdown, Chinese), generated from the registry and the profile in force.

Generated rather than hand-written so the documented thresholds can never drift from the ones the
checks use: an office that edits its profile regenerates the page and sees its own numbers.
"""
from __future__ import annotations

import re

from checks.profile import THRESHOLDS, Profile, window_text
from checks.registry import SEVERITY_LABELS

THRESHOLD_LABELS = {key: label for key, (_, label) in THRESHOLDS.items()}
PROFILE_SETTINGS = {
    "home_window_days": "首页不更新时间窗（天）",
    "enquiry_deadline_workdays": "留言答复时限（工作日）",
    "enquiry_veto_months": "留言超期未答复否决（月）",
    "enquiry_lookback_years": "留言检查回溯（年）",
}


FIGURE_RE = re.compile(r"\{(\w+)\}")


def describe(text: str, profile: Profile) -> str:
    """A rule's description with its settings ({unreachable_share}, {home_window} …) filled in from
    `profile` (Profile.figures); a name the profile does not know is left as written."""
    figures = profile.figures()
    return FIGURE_RE.sub(lambda m: figures.get(m.group(1), m.group(0)), text or "")


def option_value(profile: Profile, key: str):
    """A rule option's current value: a profile attribute, or `thresholds.<name>` / a bare threshold name."""
    if key.startswith("content."):   # the content rules' block (checks/contentconf.py)
        from checks.contentconf import settings
        from checks.registry import SEVERITY_LABELS
        value = settings(profile)
        for part in key.split(".")[1:]:
            value = value.get(part) if isinstance(value, dict) else None
        return SEVERITY_LABELS.get(value, value) if isinstance(value, str) else ("是" if value is True else value)
    name = key.removeprefix("thresholds.")
    if name in profile.thresholds:
        return profile.thresholds[name]
    return getattr(profile, key, None)


def _cell(text) -> str:
    return str(text if text not in (None, "") else "—").replace("|", "\\|").replace("\n", " ")


def rules_markdown(rules: dict, profile: Profile) -> str:
    out = [f"# govwatch 检查规则（规则配置：{profile.name}）", ""]
    if profile.title:
        out += [f"规则配置：{profile.title}。" + (f"依据：{profile.basis}。" if profile.basis else ""), ""]
    out += ["本页由规则目录和规则配置自动生成，阈值以当前配置为准。单项否决问题任一成立即判定不合格；"
            "未能读取的栏目记为“未核实”，可能影响结论时判定为“无法判定”。", ""]

    out += ["## 检查规则", "", "| 代码 | 问题类型 | 性质 | 依据 | 检查内容 | 整改要求 | 整改时限 |",
            "|---|---|---|---|---|---|---|"]
    for code in sorted(rules):
        rule = rules[code]
        description = describe(rule.description, profile)
        if rule.options:
            values = "；".join(f"{k} = {option_value(profile, k)}" for k in rule.options)
            description = f"{description}（当前配置：{values}）" if description else f"当前配置：{values}"
        out.append("| " + " | ".join(_cell(x) for x in (
            f"`{code}`", rule.title, SEVERITY_LABELS.get(rule.severity, rule.severity), rule.basis, description,
            rule.remedy, f"{rule.deadline_days}天")) + " |")
    out.append("")

    out += ["## 阈值", "", "| 名称 | 说明 | 当前值 |", "|---|---|---|"]
    for key, label in PROFILE_SETTINGS.items():
        out.append(f"| `{key}` | {label} | {getattr(profile, key, '—')} |")
    for key, value in profile.thresholds.items():
        out.append(f"| `thresholds.{key}` | {_cell(THRESHOLD_LABELS.get(key, ''))} | {value} |")
    for owner, mmdd in profile.annual_report.items():
        label = "政府部门" if owner == "department" else "本级政府" if owner == "government" else owner
        month, day = mmdd.split("-")
        out.append(f"| `annual_report.{owner}` | {label}政府信息公开年报公布期限 | 每年{int(month)}月{int(day)}日前 |")
    out.append("")

    out += ["## 栏目类别与同义词", "",
            "栏目名称先按同义词完全匹配，再按包含匹配（取最长者；等长时取靠后者，如“政策文件解读”归入政策解读）。", "",
            "| 类别 | 名称 | 更新时间窗 | 计入“栏目不更新” | 计入“应更新未更新” | 同义词 |", "|---|---|---|---|---|---|"]
    for cat in profile.categories.values():
        window = (window_text(cat.window) or "—") + ("（仅一级栏目）" if cat.window and cat.level1_only else "")
        if cat.static:
            window = "信息页，不得空白"
        out.append("| " + " | ".join(_cell(x) for x in (
            f"`{cat.code}`", cat.title, window, "是" if cat.key else "", "是" if cat.should_update else "",
            "、".join(cat.names))) + " |")
    out.append("")

    out += ["## 必备栏目", ""]
    for kind, label in (("portal", "政府门户网站"), ("department", "部门网站"), ("township", "乡镇（街道）网站")):
        names = "、".join(e["name"] for e in profile.mandatory(kind))
        out += [f"- **{label}**：{names}"]
    out.append("")
    return "\n".join(out)
