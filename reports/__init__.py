"""govwatch reports: findings.json, findings.csv, digest.md, rectification.xlsx, report.html.

Every renderer reads the same plain-data model built from the store (`build_model`); none of them
judges anything. Each writer registers its format (reports/registry.py); `write_all` writes them.
"""
from __future__ import annotations

import logging
from pathlib import Path

from reports.csv_out import write_csv
from reports.digest import digest_markdown, print_digest, write_digest_md
from reports.html import render_html, write_html
from reports.json_out import write_json
from reports.model import build_model
from reports.registry import report_formats
from reports.terminal import print_summary
from reports.xlsx import write_xlsx

log = logging.getLogger(__name__)


def write_all(store, run_id: int, out_dir: Path, formats=None) -> dict[str, Path]:
    """Write the chosen reports (default: every registered format) for one run into out_dir;
    returns {format: path}."""
    available = report_formats()
    formats = tuple(available) if formats is None else tuple(formats)
    unknown = [f for f in formats if f not in available]
    if unknown:
        raise ValueError(f"未知的报告格式：{', '.join(unknown)}（可选：{', '.join(available)}）")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    model = build_model(store, run_id)
    written = {}
    for fmt in formats:
        written[fmt] = available[fmt].write(model, out_dir / available[fmt].file)
        log.info("wrote %s", written[fmt])
    return written


__all__ = ["build_model", "digest_markdown", "print_digest", "print_summary", "render_html",
           "report_formats", "write_all", "write_csv", "write_digest_md", "write_html", "write_json",
           "write_xlsx"]
