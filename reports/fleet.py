"""The province layout: what changes when a run has more sites than one report can hold.

A county office reads every site's report on one page and every site's 整改清单 on its own sheet. A
province office sweeps 1,000–3,000 sites: one page of them all was tens of megabytes and a workbook
of a thousand sheets, and neither opened. Past `FLEET_SITES` sites, report.html becomes an overview
with one detail page per site, and the 整改清单 one filterable sheet. At or under it nothing changes.
"""
from __future__ import annotations

import re

# More sites than this and the reports take the province layout (a county's portal, its
# departments and townships stay under it, and keep the one-page report they know).
FLEET_SITES = 20
DETAIL_DIR = "sites"   # the per-site pages, beside report.html

# Worst first: a failed site before one that could not be judged, before one not judged, before a
# pass.
VERDICT_RANK = {"不合格": 0, "无法判定": 1, "": 2, "合格": 3}

# Windows forbids these in file names, and names these devices whatever the extension.
UNSAFE_CHARS = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
RESERVED_NAMES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                  *(f"lpt{i}" for i in range(1, 10))}
MAX_NAME = 80   # characters: leaves room under Windows' 260 for the folders above


def is_fleet(model: dict) -> bool:
    return len(model["sites"]) > FLEET_SITES


def worst_first(sites: list[dict]) -> list[dict]:
    """By verdict, then the lowest score (none, e.g. an unreachable site, lowest of all), then the
    most vetoes and open findings; the name breaks ties so the order is stable."""
    def key(s: dict) -> tuple:
        score, counts = s["score"], s["counts"]
        return (VERDICT_RANK.get(s["verdict"], 2), score is not None, score or 0,
                -counts["by_severity"]["veto"], -counts["active"], s["name"], s["id"])
    return sorted(sites, key=key)


def safe_file_name(name: str, fallback: str = "未命名") -> str:
    """A file name (without extension) Windows and every other system accept."""
    text = UNSAFE_CHARS.sub("_", name or "").strip().rstrip(". ")[:MAX_NAME].rstrip(". ")
    if not text:
        text = fallback
    if text.split(".")[0].lower() in RESERVED_NAMES:
        text = "_" + text
    return text


def unique_file_names(names: list[str], fallback: str = "未命名") -> list[str]:
    """`safe_file_name` of each, made unique ignoring case (as Windows compares them)."""
    used: set[str] = set()
    out = []
    for name in names:
        base = safe_file_name(name, fallback)
        candidate, n = base, 2
        while candidate.lower() in used:
            candidate = f"{base}({n})"
            n += 1
        used.add(candidate.lower())
        out.append(candidate)
    return out


def detail_pages(sites: list[dict]) -> dict[str, str]:
    """Each site's detail page, relative to report.html: sites/<site-id>.html."""
    names = unique_file_names([s["id"] for s in sites], "site")
    return {s["id"]: f"{DETAIL_DIR}/{name}.html" for s, name in zip(sites, names, strict=True)}
