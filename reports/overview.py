"""What the province overview (report.html past `fleet.FLEET_SITES` sites) shows: one row per site,
worst first, and the values its filters offer.

The overview must open in a second with a thousand sites, so a row carries only the figures an
office sorts and filters by; everything else is on the site's own page (`sites/<id>.html`).
"""
from __future__ import annotations

from reports.fleet import detail_pages, worst_first
from reports.labels import SEVERITY_ORDER

NOT_GIVEN = "（未填写）"   # a site without 主办单位 or 所属地区: still one value to filter by


def _options(values: list[str]) -> list[str]:
    """A filter's choices: each value once, sorted, the unfilled one last."""
    present = sorted({v for v in values if v})
    return present + ([NOT_GIVEN] if any(not v for v in values) else [])


def overview_view(model: dict) -> dict:
    """Rows (worst first) with each site's page, and the choices of the region, owner, kind and
    verdict filters."""
    sites = model["sites"]
    pages = detail_pages(sites)
    rows = []
    for rank, s in enumerate(worst_first(sites), 1):
        counts = s["counts"]
        rows.append({
            "rank": rank, "id": s["id"], "name": s["name"], "page": pages[s["id"]],
            "owner": s["owner"] or NOT_GIVEN, "region": s["region"] or NOT_GIVEN,
            "kind": s["kind_label"] or NOT_GIVEN, "verdict": s["verdict"] or "未评定",
            "score": s["score"], "severity": [counts["by_severity"][k] for k in SEVERITY_ORDER],
            "unverified": s["unverified"], "active": counts["active"], "new": counts["new"],
            "resolved": counts["resolved"],
            "links": s["links"]["broken"] if s["links"]["checked"] else "未检查",
        })
    return {
        "rows": rows, "pages": pages,
        "regions": _options([s["region"] for s in sites]),
        "owners": _options([s["owner"] for s in sites]),
        "kinds": _options([s["kind_label"] for s in sites]),
        "verdicts": sorted({r["verdict"] for r in rows}),
        "unverified": sum(s["unverified"] for s in sites),
        "links": sum(s["links"]["broken"] for s in sites),
    }
