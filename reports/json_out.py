"""findings.json: the machine-readable result other tools read (field names are a contract)."""
from __future__ import annotations

import json
from pathlib import Path

from reports.fleet import is_fleet
from reports.registry import report_format

# Fields of a finding in findings.json; the first block is the published contract.
FINDING_FIELDS = ("code", "severity", "column", "url", "message", "evidence", "status",
                  "first_seen", "fingerprint",
                  "last_seen", "title", "severity_label", "status_label", "deadline")


def to_json_data(model: dict) -> dict:
    run = model["run"]
    return {
        "as_of": run["as_of"], "generated_at": model["generated_at"], "run": run["id"],
        "complete": run["complete"], "mode": run["mode"], "previous_run": model["previous_run_id"],
        "totals": model["totals"],
        "not_crawled": [{k: s[k] for k in ("id", "name", "state", "attempts", "reason")}
                        for s in run.get("not_crawled") or []],
        "sites": [{
            "id": s["id"], "name": s["name"], "url": s["url"], "code": s["code"],
            "owner": s["owner"], "verdict": s["verdict"], "score": s["score"],
            "rubric": s["rubric"], "counts": s["counts"],
            "findings": [{k: f[k] for k in FINDING_FIELDS} for f in s["findings"]],
        } for s in model["sites"]],
    }


@report_format("json", file="findings.json", label="问题数据", order=100)
def write_json(model: dict, path: str | Path) -> Path:
    """Indented for people, except for a province run (reports/fleet.py): tens of megabytes are
    read by tools, and the indenting encoder is pure Python (four times the time)."""
    path = Path(path)
    path.write_text(json.dumps(to_json_data(model), ensure_ascii=False, default=str,
                               indent=None if is_fleet(model) else 2),
                    encoding="utf-8")
    return path
