"""`govwatch report --split-by owner|region`: one 整改清单 workbook per 主办单位 (or 所属地区), so a
province office can hand each department or county its own list and nothing else.

Each file holds only its group's sites and their findings (汇总 and 整改清单, as in the province
workbook); sites with no owner (region) share one plainly named file.
"""
from __future__ import annotations

from pathlib import Path

from reports.fleet import unique_file_names
from reports.model import totals
from reports.xlsx_fleet import write_rectification

SPLITS = {  # --split-by value: (site field, folder, file of the sites without one)
    "owner": ("owner", "按主办单位", "未填写主办单位"),
    "region": ("region", "按所属地区", "未填写所属地区"),
}


def groups(model: dict, by: str) -> dict[str, list[dict]]:
    """Sites by owner (region), in the model's order; the unfilled under its own name."""
    field, _, missing = SPLITS[by]
    out: dict[str, list[dict]] = {}
    for s in model["sites"]:
        out.setdefault(s[field] or missing, []).append(s)
    return dict(sorted(out.items()))


def group_model(model: dict, sites: list[dict]) -> dict:
    """The run's model cut to some of its sites, totals recounted. The trend of the whole run is
    not the group's, and is left out."""
    return dict(model, sites=sites, totals=totals(sites), trend=[])


def write_split(model: dict, out_dir: str | Path, by: str) -> list[tuple[Path, str, list[dict]]]:
    """Write a workbook per group into out_dir/按主办单位 (按所属地区); returns (path, group, its
    sites) for each, in file name order."""
    if by not in SPLITS:
        raise ValueError(f"未知的拆分方式：{by}（可选：{'、'.join(SPLITS)}）")
    folder = Path(out_dir) / SPLITS[by][1]
    folder.mkdir(parents=True, exist_ok=True)
    grouped = groups(model, by)
    written = []
    for (name, sites), file in zip(grouped.items(), unique_file_names(list(grouped)), strict=True):
        path = write_rectification(group_model(model, sites), folder / f"{file}.xlsx")
        written.append((path, name, sites))
    return written
