"""A site's own 404, learned by asking it for one URL that cannot exist.

Why: many government CMSs never answer 404. A missing page comes back 200 with the site's
template and a line such as 您访问的页面不存在, or redirects to the homepage or an error page —
and each site words it differently. Asking each host once for a random URL shows what its
"not found" looks like: a real 404 (`hard`: a 200 then means the page is there), or a 200
(`soft`: a link whose answer lands where the random URL landed, or reads the same once the URL it
echoes is taken out, is broken too). If the probe itself fails the shape is `unknown` and only the
wording of a page (`classify.says_not_found`) can tell.
"""
from __future__ import annotations

import difflib
import re
import secrets
from dataclasses import asdict, dataclass
from urllib.parse import unquote, urlsplit

from crawler.linkcheck.answers import Answer
from crawler.linkcheck.classify import page_text
from crawler.urls import column_key

MAX_TEXT = 5000           # characters of normalised text kept and compared
# characters two normalised texts may differ by and still be the site's "not found" page: a template's
# menus and footer are most of its text, so a share (95 % alike) would take a short article for it
SAME_CHARS = 20
DIGITS_RE = re.compile(r"\d+")
SPACE_RE = re.compile(r"\s+")


def probe_url(origin: str) -> str:
    """A URL on the host that no site has: a random file name at the root."""
    return f"{origin.rstrip('/')}/govwatch-{secrets.token_hex(8)}.html"


def normalise(text: str, url: str) -> str:
    """Visible text without what differs between two requests for missing pages: the URL it
    echoes (whole, path, file name), digits (times, ids), runs of space."""
    parts = urlsplit(url)
    for echo in sorted({url, unquote(url), parts.path, unquote(parts.path), parts.path.rsplit("/", 1)[-1]},
                       key=len, reverse=True):
        if echo and echo != "/":
            text = text.replace(echo, " ")
    return SPACE_RE.sub(" ", DIGITS_RE.sub("", text)).strip()[:MAX_TEXT]


def _same_page(a: str, b: str) -> bool:
    return column_key(a) == column_key(b)


@dataclass
class Shape:
    host: str
    kind: str = "unknown"            # hard | soft | unknown
    status: int | None = None
    final_url: str | None = None     # soft: where the random URL was sent (an error page, the homepage)
    title: str = ""
    text: str = ""                   # soft: the normalised text of the "not found" page

    @classmethod
    def learn(cls, host: str, answer: Answer) -> Shape:
        if answer.error is not None or answer.status is None:
            return cls(host)
        if not 200 <= answer.status < 300:
            return cls(host, "hard", answer.status)
        title, visible = page_text(answer)
        return cls(host, "soft", answer.status, answer.final_url if answer.redirected else None, title,
                   normalise(visible, answer.url))

    def matches(self, answer: Answer) -> str | None:
        """How a 2xx answer looks like this site's "not found" page, or None."""
        if self.kind != "soft":
            return None
        if self.final_url and answer.redirected and _same_page(answer.final_url or "", self.final_url) \
                and not _same_page(answer.url, self.final_url):
            return f"跳转到本网站对不存在页面的默认页面 {self.final_url}"
        if not answer.body or not self.text:
            return None
        text = normalise(page_text(answer)[1], answer.url)
        if text == self.text:
            return "与本网站“页面不存在”时的页面内容相同"
        if abs(len(text) - len(self.text)) > SAME_CHARS:
            return None
        # characters the two do not share, T·(1 − ratio): bounded cheaply first, then counted
        total = len(text) + len(self.text)
        matcher = difflib.SequenceMatcher(None, text, self.text, autojunk=False)
        if total * (1 - matcher.quick_ratio()) <= SAME_CHARS and total * (1 - matcher.ratio()) <= SAME_CHARS:
            return "与本网站“页面不存在”时的页面内容基本相同"
        return None

    def describe(self) -> str:
        if self.kind == "hard":
            return f"不存在的网址返回 HTTP {self.status}"
        if self.kind == "soft":
            where = f"，跳转到 {self.final_url}" if self.final_url else ""
            return f"不存在的网址返回 HTTP {self.status}{where}（软404：按页面内容判断）"
        return "未能获取不存在网址的返回（只按页面文字判断软404）"

    def to_json(self) -> dict:
        out = asdict(self)
        out["text"] = self.text[:200]
        out["note"] = self.describe()
        return out
