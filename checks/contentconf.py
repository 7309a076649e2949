"""The profile's `content:` block: which dictionary, whether item titles are read, severities, the
mobile-number threshold — the settings of CONTENT_WORDING, PRIVACY_LEAK and HIDDEN_LINK.

Why in the profile: like every threshold, how severe a finding is belongs to the office's rules, not
to code: a province that treats a leaked mobile number as 扣分 says so in its profile.

    content:
      dictionary: content        # 词库：内置名称或 YAML 文件路径（相对于本配置文件）
      titles: true               # 也检查各栏目信息标题（不需额外请求）
      mobile_min: 3              # 同一页面出现至少几个手机号码才提示（通知中的单个联系电话属正常公开）
      severity: {typo: veto, leader: veto, renamed: deduct, outdated: warn, id_card: veto, bank_card: veto,
                 mobile: warn, hidden_spam: veto, hidden_trick: veto, hidden_trick_government: warn}
"""
from __future__ import annotations

import copy
from pathlib import Path

SEVERITIES = ("veto", "deduct", "warn")
DEFAULTS: dict = {
    "dictionary": "content",
    "titles": True,
    "mobile_min": 3,
    "severity": {
        "typo": "veto", "leader": "veto", "renamed": "deduct", "outdated": "warn",
        "id_card": "veto", "bank_card": "veto", "mobile": "warn",
        "hidden_spam": "veto", "hidden_trick": "veto", "hidden_trick_government": "warn",
    },
}
KEYS = set(DEFAULTS)
SEVERITY_LABELS = {"typo": "严重错别字", "leader": "领导姓名职务不符", "renamed": "使用已更名机构名称",
                   "outdated": "使用过时提法", "id_card": "身份证号", "bank_card": "银行卡号", "mobile": "手机号码",
                   "hidden_spam": "隐藏链接含博彩、色情等词汇", "hidden_trick": "以隐蔽手法隐藏的外站链接",
                   "hidden_trick_government": "以隐蔽手法隐藏的政府网站链接"}


def settings(profile) -> dict:
    """DEFAULTS with the profile's `content:` over them."""
    out = copy.deepcopy(DEFAULTS)
    mine = getattr(profile, "content", None) or {}
    for key, value in mine.items():
        if key == "severity":
            out["severity"].update(value or {})
        else:
            out[key] = value
    return out


def dictionary(profile):
    """The profile's dictionary (a path relative to the profile file, or a shipped name)."""
    from checks.dictionary import load_dictionary
    source = getattr(profile, "source", "") or ""
    return load_dictionary(settings(profile)["dictionary"], Path(source).parent if source else None)


def validate(doc, content) -> None:
    """One profile layer's `content:` block, field by field (file:line errors), and its dictionary."""
    if content in (None, {}):
        return
    if not isinstance(content, dict):
        doc.fail(("content",), "必须是映射（键: 值）")
    doc.only_keys(("content",), content, KEYS)
    if "titles" in content and not isinstance(content["titles"], bool):
        doc.fail(("content", "titles"), "必须是 true 或 false")
    if "mobile_min" in content and (not isinstance(content["mobile_min"], int) or isinstance(content["mobile_min"], bool)
                                    or content["mobile_min"] < 1):
        doc.fail(("content", "mobile_min"), "必须是正整数")
    severity = content.get("severity") or {}
    if not isinstance(severity, dict):
        doc.fail(("content", "severity"), "必须是映射（类别: veto/deduct/warn）")
    doc.only_keys(("content", "severity"), severity, DEFAULTS["severity"])
    for key, value in severity.items():
        if value not in SEVERITIES:
            doc.fail(("content", "severity", key), f"应为 {'/'.join(SEVERITIES)} 之一，实际为 {value!r}")
    if "dictionary" in content:
        if not isinstance(content["dictionary"], str) or not content["dictionary"].strip():
            doc.fail(("content", "dictionary"), "应为内置词库名称或 YAML 文件路径")
        from checks.dictionary import DictionaryError, load_dictionary
        try:
            load_dictionary(content["dictionary"], Path(doc.path).parent)
        except DictionaryError as exc:
            if str(exc).startswith(str(Path(doc.path).parent)) or ": 字段 " in str(exc):
                raise
            doc.fail(("content", "dictionary"), str(exc))
