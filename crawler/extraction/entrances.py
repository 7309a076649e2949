"""Channels and entrances: what a page offers that lives elsewhere and is not crawled.

Why: a county's 县长信箱 often runs on a letters host, its 办事服务 on the provincial 政务服务网, its
投诉 on 12345 or 12388, and the 找错 entrance is the national `jiucuo.js` widget. An inspector counts
each of these as present because a visitor can reach it from the site; govwatch must too, or it
accuses the site of lacking what it has. Read from the page before scripts are stripped (the
widget is a script).

Kinds: service (办事服务/政务服务网) · mailbox (领导信箱) · hotline (12345) · complaint (投诉/咨询) ·
petition (信访; not an enquiry channel under the indicators) · correction (我为政府网站找错).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from crawler.extraction.html import clean_text, resolve, same_site, usable_href

MAX_NAME = 14   # an entrance is named like a button, never like an article title

NAME_KINDS = [
    ("correction", re.compile(r"找错|纠错")),
    ("petition", re.compile(r"信访")),
    ("hotline", re.compile(r"12345")),
    ("mailbox", re.compile(r"信箱")),
    ("complaint", re.compile(r"投诉|咨询|留言|问政|建言|民声")),
    ("service", re.compile(r"政务服务|网上办事|办事服务|办事大厅|便民服务|服务网")),
]
URL_KINDS = [
    ("correction", re.compile(r"jiucuo|zfwzzc|/errorInfo|wzjc|pucha\.kaipuyun", re.I)),
    ("hotline", re.compile(r"12345", re.I)),
    ("mailbox", re.compile(r"letter|mailbox|xinxiang", re.I)),
    ("service", re.compile(r"zwfw|zwdt|banshi|bsdt", re.I)),
]
PETITION_URL_RE = re.compile(r"12388|xinfang|wsxf|hnxf|gjxfj", re.I)
WIDGET_IDS = ("_jiucuo_", "_span_jiucuo")
KIND_TITLES = {"service": "政务服务", "mailbox": "领导信箱", "hotline": "12345热线", "complaint": "咨询投诉",
               "petition": "网上信访", "correction": "我为政府网站找错"}


@dataclass
class Entrance:
    kind: str
    name: str
    url: str | None
    how: str     # link | image | widget

    def to_json(self) -> dict:
        return {"kind": self.kind, "name": self.name, "url": self.url, "how": self.how}


def _kind(name: str, url: str) -> str | None:
    path = url.split("//", 1)[-1]
    if PETITION_URL_RE.search(path):
        return "petition"   # 信访 and 12388 纪检举报 platforms, whatever the button says (投诉举报)
    for kind, pat in NAME_KINDS:
        if name and pat.search(name):
            return kind
    for kind, pat in URL_KINDS:
        if pat.search(path):
            return kind
    return None


def _widget(doc, url: str) -> Entrance | None:
    for el in doc.iter("script", "span", "div", "img"):
        ident = el.get("id") or ""
        src = el.get("src") or ""
        if ident in WIDGET_IDS or "jiucuo" in src.lower():
            target = resolve(url, src) if src and el.tag == "script" else None
            return Entrance("correction", "我为政府网站找错", target, "widget")
    return None


def entrances(doc, url: str) -> list[Entrance]:
    """Entrances on other hosts and widgets, each kind once per host; links on the site's own host
    are walked and judged as pages instead. Call before scripts are stripped."""
    out: list[Entrance] = []
    seen: set[tuple[str, str | None]] = set()
    widget = _widget(doc, url)
    if widget is not None:
        out.append(widget)
        seen.add((widget.kind, urlsplit(widget.url or "").netloc.lower()))
    for a in doc.iter("a"):
        href = a.get("href")
        # a relative link stays on the site: only absolute ones can lead to another host
        if not href or not href.lstrip()[:6].lower().startswith(("http:", "https:", "//")) \
                or not usable_href(href):
            continue
        target = resolve(url, href.strip())
        if urlsplit(target).scheme not in ("http", "https") or same_site(target, url):
            continue
        img = a.find(".//img")
        text = clean_text("".join(a.itertext()))
        name = text or clean_text((img.get("alt") if img is not None else None) or a.get("title") or "")
        if len(name) > MAX_NAME:
            continue
        kind = _kind(name, target)
        # one entrance per kind and host: a 政务服务网 strip of 50 department links is one channel
        ident = (kind, urlsplit(target).netloc.lower())
        if kind is None or ident in seen:
            continue
        seen.add(ident)
        out.append(Entrance(kind, name or KIND_TITLES[kind], target, "image" if img is not None and not text else "link"))
    return out
