"""The rule catalogue: one stable code per check, with its Chinese title, basis, severity and remedy.

Like a linter's rule table, the registry is the single source for `govwatch rules`, the generated docs,
and the wording the reports show beside each finding. Thresholds live in the profile (YAML), not here.
A rule's function takes a `SiteContext` (see checks/context.py) and yields findings.

Each rule also says what a run must have read to judge its finding again (`needs`): a finding that a
run did not raise again is resolved only when that run read it (checks/engine.py, the lifecycle);
otherwise it stays open, marked 未复核. A rule that cannot judge from what a run read yields nothing.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

SEVERITY_LABELS = {"veto": "单项否决", "deduct": "扣分", "warn": "提示"}
# What a run must have read (SiteContext.rereads) to say a finding no longer holds.
NEEDS = {
    "site": "本次巡检访问过网站（首页能否打开均可判定）",
    "fetched": "本次巡检请求过该栏目（读取成功或失败均可判定）",
    "column": "本次巡检读取了该栏目首页（无栏目的问题：读取了网站首页）",
    "all_pages": "本次巡检读取了该栏目的全部分页",
    "letter": "本次巡检读到了该留言，或读取了留言板的全部分页",
    "walk": "本次巡检为完整遍历全站的全面巡检",
    "page": "本次巡检重新读取了该页面（首页、文章或附件；信息标题：该栏目的全部分页）",
    "links": "本次巡检检查了该网站的链接（全面巡检且未关闭链接检查；站外链接需开启站外链接检查）",
}


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
    needs: str = "column"      # what a run must read to judge the finding again: a key of NEEDS


RULES: dict[str, Rule] = {}


def rule(code: str, *, title: str, basis: str, severity: str, remedy: str,
         deadline_days: int = 10, description: str = "", options: Iterable[str] = (),
         needs: str = "column"):
    """Register a check function under a code; a third party can add rules the same way."""
    if needs not in NEEDS:
        raise ValueError(f"rule {code}: needs={needs!r}, expected one of {', '.join(NEEDS)}")

    def register(fn):
        RULES[code] = Rule(code, title, basis, severity, remedy, deadline_days, description,
                           tuple(options), fn, needs)
        return fn
    return register


def get(code: str) -> Rule | None:
    return RULES.get(code)


def load_builtin_rules() -> dict[str, Rule]:
    """Import the modules whose decorators fill RULES."""
    import checks.rules_content  # noqa: F401 - issue 16, apart from the line other rule modules share
    from checks import rules_columns, rules_enquiries, rules_links, rules_site  # noqa: F401
    return RULES
