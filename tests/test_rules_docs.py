"""The rules page in docs/ is generated from the registry and the default profile: it must not drift."""
from pathlib import Path

from checks.docs import rules_markdown
from checks.profile import load_profile
from checks.registry import load_builtin_rules

DOC = Path(__file__).resolve().parents[1] / "docs" / "rules.md"


def test_docs_rules_page_is_current():
    expected = rules_markdown(load_builtin_rules(), load_profile("gb2019"))
    assert DOC.read_text(encoding="utf-8").strip() == expected.strip(), \
        "docs/rules.md is stale: regenerate with `govwatch rules --markdown > docs/rules.md`"


def test_every_rule_has_title_basis_and_remedy():
    rules = load_builtin_rules()
    assert len(rules) >= 13
    for r in rules.values():
        assert r.title and r.basis and r.remedy and r.severity in ("veto", "deduct", "warn")
        assert r.code in DOC.read_text(encoding="utf-8")
