"""govwatch reports: findings.json, findings.csv, digest.md, rectification.xlsx, report.html.

Every renderer reads the same plain-data model built from the store (`build_model`); none of them
judges anything. Each writer registers its format (reports/registry.py); `write_all` writes them.
"""
from __future__ import annotations

import logging
from pathlib import Path

from reports import forked
from reports.csv_out import write_csv
from reports.digest import digest_markdown, print_digest, write_digest_md
from reports.fleet import is_fleet
from reports.html import FleetPages, render_html, write_html
from reports.json_out import write_json
from reports.model import build_model
from reports.registry import report_formats
from reports.split import write_split
from reports.terminal import print_split, print_summary
from reports.xlsx import write_xlsx

log = logging.getLogger(__name__)

PAGES = "html"   # a province run's pages: most of its reports' work, shared by two processes


def write_all(store, run_id: int, out_dir: Path, formats=None) -> dict[str, Path]:
    """Write the chosen reports (default: every registered format) for one run into out_dir;
    returns {format: path}."""
    return write_model(build_model(store, run_id), out_dir, formats)


def write_model(model: dict, out_dir: Path, formats=None) -> dict[str, Path]:
    """`write_all` from a model already built (the CLI also prints and notifies from it). A
    province run's site pages are rendered by a forked child while the parent writes the other
    formats, then by both (reports/forked.py, html.FleetPages)."""
    available = report_formats()
    formats = tuple(available) if formats is None else tuple(formats)
    unknown = [f for f in formats if f not in available]
    if unknown:
        raise ValueError(f"未知的报告格式：{', '.join(unknown)}（可选：{', '.join(available)}）")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    shared = child = None
    if is_fleet(model) and forked.CAN_FORK and PAGES in formats and available[PAGES].write is write_html:
        shared = FleetPages(model, out_dir / available[PAGES].file)
        child = forked.Child(shared.work, shared.path)
    written = {}
    try:
        for fmt in formats:
            if shared is None or fmt != PAGES:
                written[fmt] = available[fmt].write(model, out_dir / available[fmt].file)
                log.info("wrote %s", written[fmt])
        if shared is not None:   # the parent's formats are done: it renders pages too
            shared.work()
            written[PAGES] = shared.finish()
    except BaseException:
        if child is not None:
            child.stop()
        raise
    if child is not None:
        child.wait()
        log.info("wrote %s", written[PAGES])
    return {fmt: written[fmt] for fmt in formats}


__all__ = ["build_model", "digest_markdown", "print_digest", "print_split", "print_summary", "render_html",
           "report_formats", "write_all", "write_csv", "write_digest_md", "write_html", "write_json",
           "write_model", "write_split", "write_xlsx"]
