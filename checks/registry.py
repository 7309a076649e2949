"""The rule catalogue: one stable code per check, with its Chinese title, basis, severity and remedy.

Like a linter's rule table, the registry is the single source for `govwatch rules`, the generated docs,
and the wording the reports show beside each finding. Thresholds live in the profile (YAML), not here.
A rule's function takes a `SiteContext` (see checks/context.py) and yields findings.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

SEVERITY_LABELS = {"veto": "单项否决", "deduct": "扣分", "warn": "提示"}


@dataclass
class Rule:
    code: str
    title: str                 # 问题类型 shown to users
    basis: str                 # 依据: document and article
    severity: str              # default severity: veto | deduct | warn
    remedy: str                # 整改要求
    deadline_days: int = 10    # 整改时限 (calendar days from first seen)
    description: str = ""      # what the rule checks, in Chinese, with its thresholds' option names
    options: tuple[str, ...] = ()   # profile keys the rule reads
    func: Callable | None = field(default=None, repr=False)


RULES: dict[str, Rule] = {}


def rule(code: str, *, title: str, basis: str, severity: str, remedy: str,
         deadline_days: int = 10, description: str = "", options: Iterable[str] = ()):
    """Register a check function under a code; a third party can add rules the same way."""
    def register(fn):
        RULES[code] = Rule(code, title, basis, severity, remedy, deadline_days, description,
                           tuple(options), fn)
        return fn
    return register


def get(code: str) -> Rule | None:
    return RULES.get(code)


def load_builtin_rules() -> dict[str, Rule]:
    """Import the modules whose decorators fill RULES."""
    from checks import rules_columns, rules_enquiries, rules_site  # noqa: F401
    return RULES
