"""The report formats: each writer module registers its own format, as checks/registry.py does for rules.

    @report_format("json", file="findings.json", label="问题数据", order=100)
    def write_json(model: dict, path: Path) -> Path: ...

`write_all` writes every registered format (or the chosen ones) in `order`, and `govwatch report
--format` offers exactly these names. `report_formats()` imports every module of the `reports`
package first, so a new format is one module with its decorated writer (and its tests), nothing else.
"""
from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class ReportFormat:
    name: str      # the --format value and the key of write_all's result
    file: str      # the file written in the output directory
    label: str     # what the file is, in Chinese (shown by `govwatch report --help`)
    order: int     # place among the formats: write_all writes in this order
    write: Callable[[dict, Path], Path] = field(repr=False)   # (model, path) -> path written


REPORT_FORMATS: dict[str, ReportFormat] = {}


def report_format(name: str, *, file: str, label: str, order: int = 1000):
    """Register a writer `(model, path) -> path` under a format name; a third party can add one."""
    def register(fn):
        REPORT_FORMATS[name] = ReportFormat(name, file, label, order, fn)
        return fn
    return register


def report_formats() -> dict[str, ReportFormat]:
    """Every registered format, in writing order, once the modules that register them are imported."""
    import reports
    for module in pkgutil.iter_modules(reports.__path__):
        importlib.import_module(f"reports.{module.name}")
    return dict(sorted(REPORT_FORMATS.items(), key=lambda item: item[1].order))
