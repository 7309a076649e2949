"""Where a list sits on its page: a short chain of tag/id/class steps that later pages share.

Why: every page of a list comes from one template, so page 1 already showed where the records are.
Later pages are read straight from that container instead of weighing every link group of the page
(navigation, column tree, footer link lists) again. The chain names each step by tag and id (or
class) and its index among same-named siblings, so an extra banner or a pager of another length
does not move it; when the container is not there, the caller falls back to the full search.
The same chain tells where, in a later page's raw text, that list probably ends (`head_end`), so that
the page is parsed only that far when the tree proves the list complete there (`sealed`).
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


def _has_sig(el, rest: str) -> bool:
    """`_sig(el) == el.tag + rest`, reading an attribute only as far as it decides (a sibling with
    another class is passed over on one read)."""
    if rest[:1] == "#":
        return rest != "#" and (el.get("id") or "").strip() == rest[1:]
    if rest[:1] == ".":
        return rest != "." and " ".join((el.get("class") or "").split()) == rest[1:] and \
            not (el.get("id") or "").strip()
    return not rest and not (el.get("id") or "").strip() and not (el.get("class") or "").split()


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
            tag = child.tag
            if isinstance(tag, str) and sig.startswith(tag) and _has_sig(child, sig[len(tag):]):
                if seen == want:
                    found = child
                    break
                seen += 1
        if found is None:
            return None
        node = found
    return node


# -- reading a page only as far as its list ------------------------------------------------------
# A later page is read for its list alone (its pager comes from the raw text): the part after the
# list (pager, footer, link lists) need not be parsed. `head_end` guesses, from the raw text, where
# the element named by a locator ends; `sealed` proves it on the tree of the text up to there.
MAX_SCAN_TAGS = 400  # opening and closing tags stepped over to find an element's end
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_NAME_ENDS = frozenset(" \t\n\r\f/>")  # what may follow a tag name
_LETTER_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_NAME_END_BYTES = frozenset(b" \t\n\r\f/>")


def _marked_steps(locator: str):
    """(tag, attribute text) of each step named by an id or class, deepest first: `id="main"`,
    `class="list"`."""
    for step in reversed(locator[len(DOM_PREFIX):].split(STEP_SEP)):
        sig = step.rpartition("[")[0]
        for mark, attr in (("#", "id"), (".", "class")):
            tag, found, name = sig.partition(mark)
            if found and tag and "#" not in tag and "." not in tag:
                yield tag, f'{attr}="{name}"'
                break


def head_end(buf: str | bytes, locator: str | None) -> int | None:
    """An offset in the page's text (or UTF-8 bytes) past the end of the element `locator` names and
    past one more start tag, or None. A guess, to be proven by `sealed`: the last start tag carrying
    the deepest id or class of the chain (the element itself or an ancestor; a later namesake only
    moves the end later), then the end tag that balances it, counting that tag's starts and ends as
    written (lower case, as libxml2 names them)."""
    if not locator or not locator.startswith(DOM_PREFIX):
        return None
    for tag, attr in _marked_steps(locator):
        at = buf.rfind(attr.encode() if isinstance(buf, bytes) else attr)
        if at > 0:
            return _element_end(buf, tag, at)
    return None


def _element_end(buf: str | bytes, tag: str, at: int) -> int | None:
    """`head_end` for the start tag around offset `at`."""
    if isinstance(buf, bytes):
        tag_s, lt, gt, close_s = tag.encode(), b"<", b">", b"</" + tag.encode()
        letters, ends = _LETTER_BYTES, _NAME_END_BYTES
    else:
        tag_s, lt, gt, close_s = tag, "<", ">", "</" + tag
        letters, ends = _LETTERS, _NAME_ENDS
    start = buf.rfind(lt, 0, at)
    open_s = lt + tag_s
    if start == -1 or buf[start:start + len(open_s)] != open_s:
        return None
    depth, pos, close = 0, start, -1
    for _ in range(MAX_SCAN_TAGS):
        if close < pos:
            close = buf.find(close_s, pos)
            if close == -1:
                return None
        opened = buf.find(open_s, pos, close)  # a start before the next end tag
        if opened != -1:
            after = opened + len(open_s)
            if buf[after] in ends:
                depth += 1
            pos = after
            continue
        depth -= 1
        pos = close + len(close_s)
        if depth == 0:
            break
    else:
        return None
    end = buf.find(gt, pos)  # the end tag's ">", then the next start tag, whole
    while end != -1:
        nxt = buf.find(lt, end)
        if nxt == -1 or nxt + 1 >= len(buf):
            return None
        if buf[nxt + 1] in letters:
            end = buf.find(gt, nxt)
            return end + 1 if end != -1 else None
        end = nxt + 1
    return None


def sealed(el) -> bool:
    """Whether an element of a tree parsed from the start of a page is complete there: a node follows
    it (a sibling or tail of it or of an ancestor). libxml2 only appends to the open elements, so the
    token that put that node there had already closed `el`, and the rest of the page cannot change
    it (checked on every container of the corpus pages, cut at random places)."""
    node = el
    while node is not None:
        if node.tail is not None or node.getnext() is not None:
            return True
        node = node.getparent()
    return False
