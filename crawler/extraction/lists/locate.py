"""Where a list sits on its page: a short chain of tag/id/class steps that later pages share.

Why: every page of a list comes from one template, so page 1 already showed where the records are.
Later pages are read straight from that container instead of weighing every link group of the page
(navigation, column tree, footer link lists) again. The chain names each step by tag and id (or
class) and its index among same-named siblings, so an extra banner or a pager of another length
does not move it; when the container is not there, the caller falls back to the full search.
"""
from __future__ import annotations

DOM_PREFIX = "dom:"
ADAPTER_PREFIX = "adapter:"
STEP_SEP = " > "
MAX_DEPTH = 40


def adapter(method: str) -> str:
    """Locator of a block read by a CMS adapter (its markers are found again on any page)."""
    return ADAPTER_PREFIX + method


def _sig(el) -> str:
    ident = (el.get("id") or "").strip()
    if ident:
        return f"{el.tag}#{ident}"
    cls = " ".join((el.get("class") or "").split())
    return f"{el.tag}.{cls}" if cls else el.tag


def locator_of(el) -> str | None:
    """The chain from the document root down to `el` ("dom:body > div.main[0] > ul[0]")."""
    steps = []
    node = el
    while node is not None:
        parent = node.getparent()
        if parent is None:
            break
        sig = _sig(node)
        index = 0
        for sib in parent:
            if sib is node:
                break
            if isinstance(sib.tag, str) and _sig(sib) == sig:
                index += 1
        steps.append(f"{sig}[{index}]")
        node = parent
        if len(steps) > MAX_DEPTH:
            return None
    if not steps:
        return None
    return DOM_PREFIX + STEP_SEP.join(reversed(steps))


def find(doc, locator: str | None):
    """The element a `locator_of` chain names in `doc`, or None when the page has no such element."""
    if not locator or not locator.startswith(DOM_PREFIX):
        return None
    node = doc
    for step in locator[len(DOM_PREFIX):].split(STEP_SEP):
        sig, _, rest = step.rpartition("[")
        if not sig or not rest.endswith("]") or not rest[:-1].isdigit():
            return None
        want = int(rest[:-1])
        found = None
        seen = 0
        for child in node:
            if isinstance(child.tag, str) and _sig(child) == sig:
                if seen == want:
                    found = child
                    break
                seen += 1
        if found is None:
            return None
        node = found
    return node
