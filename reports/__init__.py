"""govwatch reports: findings.json, findings.csv, digest.md, rectification.xlsx, report.html.

Every renderer reads the same plain-data model built from the store (`build_model`); none of them
judges anything.
"""
from __future__ import annotations

import logging
from pathlib import Path

from reports.csv_out import write_csv
from reports.digest import digest_markdown, print_digest, write_digest_md
from reports.html import render_html, write_html
from reports.json_out import write_json
from reports.model import build_model
from reports.terminal import print_summary
from reports.xlsx import write_xlsx

log = logging.getLogger(__name__)

FILES = {"json": ("findings.json", write_json), "csv": ("findings.csv", write_csv),
         "md": ("digest.md", write_digest_md), "xlsx": ("rectification.xlsx", write_xlsx),
         "html": ("report.html", write_html)}


def write_all(store, run_id: int, out_dir: Path,
              formats=("json", "csv", "md", "xlsx", "html")) -> dict[str, Path]:
    """Write the chosen reports for one run into out_dir; returns {format: path}."""
    unknown = [f for f in formats if f not in FILES]
    if unknown:
        raise ValueError(f"未知的报告格式：{', '.join(unknown)}（可选：{', '.join(FILES)}）")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    model = build_model(store, run_id)
    written = {}
    for fmt in formats:
        name, writer = FILES[fmt]
        written[fmt] = writer(model, out_dir / name)
        log.info("wrote %s", written[fmt])
    return written


__all__ = ["build_model", "write_all", "write_json", "write_csv", "write_xlsx", "write_html",
           "write_digest_md", "render_html", "digest_markdown", "print_summary", "print_digest"]
