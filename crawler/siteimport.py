"""`govwatch sites import`: a sites file from the site list an office already has, the export of the
全国政府网站信息报送系统 / 网站普查 (XLSX, or CSV as Excel/WPS save it).

Nobody should type two hundred sites into YAML by hand, and nobody should find out at inspection time
that a site never made it into the list: every data row of the export ends up either as a site or in
the skipped (已关停) or rejected list, each named by its row number (the row Excel shows), printed and
kept as comments at the top of the written file. Decisions:

- kind: 部门网站 → department; a type or level that says 乡镇/街道 → township; other 门户 → portal.
  Any other type (专项网站, 政务服务网站, an empty cell …) is rejected, not guessed: the kind decides
  which mandatory columns are required, and a wrong guess turns into false findings.
- id: `c` + the 网站标识码 lowercased (c3311230001), else the homepage's host and path with dots and
  slashes as hyphens (www-qingxi-gov-cn); a clash gets -2, -3 … in row order. The same row always gets
  the same id.
- A duplicate (same 网站标识码, or same homepage: host and path, whatever the scheme or index page) is
  rejected naming the row it repeats; the first is kept. Sites of a 集约化 platform share the host and
  differ by path, so the host alone does not make a duplicate.
- When the output file exists the import is merged into it (`merge`): a listed site, matched by
  网站标识码 else by homepage, keeps its id and every hand-made key and gets the export's name, url,
  kind, owner, code and region; sites the export does not list are kept and reported. The old file is
  copied to FILE.bak first, because its comments are not carried over.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
import shutil
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from crawler.sitesfile import ConfigFileError, load_sites
from crawler.sitesfile import _check_url as url_problem  # the very test load_sites applies
from crawler.yamlfile import LocatedYaml

# header variants, normalised by _header_key; for each field the first variant found wins
HEADERS = {
    "name": ("网站名称", "站点名称", "名称"),
    "code": ("网站标识码", "网站代码", "标识码"),
    "url": ("首页网址", "网站首页网址", "网站地址", "网址", "首页地址", "url", "网站域名", "域名"),
    "owner": ("主办单位", "网站主办单位", "主办单位名称", "主管单位", "开办单位"),
    "type": ("网站类型", "类型"),
    "region": ("所属地区", "地区", "行政区划", "所属行政区划"),
    "level": ("行政级别", "级别"),
    "status": ("运行状态", "网站运行状态", "状态"),
}
HEADER_ROWS = 10            # the header row is looked for among the first rows (title rows above it)
CLOSED = re.compile(r"停|关闭|注销|下线")   # 关停, 临时关停, 永久关停, 暂停运行, 已关闭 …
TOWNSHIP = re.compile(r"乡|镇|街道")
CODE_RE = re.compile(r"^[0-9A-Za-z]+$")
INDEX_PAGE = re.compile(r"/(index|default)\.[a-z]+$", re.IGNORECASE)
IMPORTED_KEYS = ("name", "url", "kind", "owner", "code", "region")


class SiteTableError(ConfigFileError):
    """The export cannot be read at all (missing, unknown format or encoding, no header): exit 2."""

    def __init__(self, path, message: str, row: int | None = None):
        super().__init__(f"无法导入 {path}" + (f" 第{row}行" if row else "") + f"：{message}")


@dataclass
class Left:
    """A data row that did not become a site, and why."""
    row: int
    name: str
    url: str
    reason: str
    skipped: bool = False       # closed (已关停), not wrong

    def line(self) -> str:
        what = " ".join(filter(None, (f"第{self.row}行", self.name, self.url)))
        return f"{what} {'已跳过' if self.skipped else '已拒绝'}：{self.reason}"


@dataclass
class Imported:
    """What an import produced: the sites with their rows, and every row left out."""
    sites: list[tuple[int, dict]] = field(default_factory=list)
    left: list[Left] = field(default_factory=list)
    updated: int = 0            # merged into sites already in the file
    unlisted: list[str] = field(default_factory=list)   # sites of the file the export does not list

    @property
    def skipped(self) -> list[Left]:
        return [x for x in self.left if x.skipped]

    @property
    def rejected(self) -> list[Left]:
        return [x for x in self.left if not x.skipped]

    def summary(self) -> str:
        text = f"导入 {len(self.sites)} 个网站，跳过 {len(self.skipped)} 个已关停，拒绝 {len(self.rejected)} 行"
        if self.updated or self.unlisted:
            text += (f"（更新原有 {self.updated} 个，新增 {len(self.sites) - self.updated} 个；"
                     f"原清单中 {len(self.unlisted)} 个网站导入表中没有，已保留）")
        return text

    def notes(self) -> list[str]:
        return [x.line() for x in self.left] + [f"{s} 清单中没有（导入表未列出，已保留）" for s in self.unlisted]


# -- reading the export ------------------------------------------------------------------------------
def read_table(path: Path) -> list[list[str]]:
    """Every row of the export's first sheet as cell texts, row i+1 at index i. Told apart by content,
    not extension: an .xlsx renamed .csv still reads."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SiteTableError(path, f"无法读取文件（{exc.strerror or exc}）") from exc
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_rows(path)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SiteTableError(path, "这是旧版 Excel（.xls）文件，请在 Excel/WPS 中另存为 .xlsx 或 .csv 后再导入")
    return _csv_rows(path, _decode(path, data))


def _decode(path: Path, data: bytes) -> str:
    """Excel and WPS save CSV as GBK (GB18030 is its superset) or as UTF-8, with or without BOM."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise SiteTableError(path, "文件编码无法识别，应为 UTF-8 或 GBK/GB18030，或文件已损坏 (unknown encoding)",
                             row=data[:exc.start].count(b"\n") + 1) from exc


def _csv_rows(path: Path, text: str) -> list[list[str]]:
    try:
        return [[_cell(v) for v in row] for row in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        raise SiteTableError(path, f"CSV 格式有误（{exc}）") from exc


def _xlsx_rows(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise SiteTableError(path, f"无法读取 XLSX 文件（{exc}）") from exc
    try:
        sheet = book.active
        sheet.reset_dimensions()   # some exporters record a wrong sheet size; read what is there
        return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _cell(value) -> str:
    """A cell as one line of text: a code Excel stored as a number (3311230001.0) keeps its digits."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _header_key(text: str) -> str:
    """"*网站名称", "首页网址（URL）", "【网站类型】", "ＵＲＬ" → 网站名称, 首页网址, 网站类型, url."""
    text = re.sub(r"[\s*]", "", unicodedata.normalize("NFKC", text)).lower()
    bare = re.sub(r"[(\[【<《].*?[)\]】>》]", "", text)
    return bare or re.sub(r"[()\[\]【】<>《》]", "", text)


def _columns(row: list[str]) -> dict[str, int]:
    keys = [_header_key(v) for v in row]
    found = {}
    for name, variants in HEADERS.items():
        index = next((keys.index(v) for v in variants if v in keys), None)
        if index is not None:
            found[name] = index
    return found


def _header(table: list[list[str]], path: Path) -> tuple[int, dict[str, int]]:
    """The header row (index) and its columns: the first of the first rows naming a site and its URL."""
    for i, row in enumerate(table[:HEADER_ROWS]):
        columns = _columns(row)
        if "name" in columns and "url" in columns:
            return i, columns
    raise SiteTableError(path, f"前{HEADER_ROWS}行中找不到表头（需要“网站名称”和“首页网址”两列，"
                               "也可写作“站点名称”“网址”“网站地址”等）")


def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """The data rows below the header, (row number, {field: text}); blank rows are not data rows."""
    table = read_table(path)
    index, columns = _header(table, path)
    rows = []
    for number, row in enumerate(table[index + 1:], start=index + 2):
        if any(row):
            rows.append((number, {k: row[c] if c < len(row) else "" for k, c in columns.items()}))
    return rows


# -- one row -------------------------------------------------------------------------------------------
def _kind(site_type: str, level: str) -> str | None:
    site_type = site_type.replace(" ", "")
    if "部门" in site_type:
        return "department"
    if TOWNSHIP.search(site_type) or ("门户" in site_type and TOWNSHIP.search(level)):
        return "township"
    return "portal" if "门户" in site_type else None


def _url(value: str) -> tuple[str, str | None]:
    """The homepage URL (a bare domain gets http://) and what is wrong with it, if anything."""
    url = unicodedata.normalize("NFKC", value).strip()
    if url and "://" not in url:
        url = "http://" + url + ("" if "/" in url else "/")
    return url, url_problem(url) if url else "缺少首页网址"


def address(url: str) -> str:
    """A homepage's identity: host and path, whatever the scheme, trailing slash or index page."""
    parts = urlsplit(url)
    return (parts.hostname or "") + INDEX_PAGE.sub("", parts.path).rstrip("/")


def _problem(values: dict[str, str]) -> str | None:
    """Why a row (not closed) cannot be a site, if it cannot."""
    if not values.get("name"):
        return "缺少网站名称"
    err = _url(values.get("url", ""))[1]
    if err:
        return f"首页网址无效：{err}"
    code = values.get("code", "")
    if code and not CODE_RE.match(code):
        return (f"网站标识码“{code}”无效（只能是字母和数字；若显示为 3.31E+09 之类，是 Excel 把它当成了数字，"
                "请把该列设为文本后重新导出）")
    site_type = values.get("type", "")
    if _kind(site_type, values.get("level", "")) is None:
        return (f"网站类型“{site_type}”" if site_type else "缺少网站类型，") + \
            "无法对应门户网站、部门网站或乡镇（街道）网站；如需巡检请手工添加并写明 kind"
    return None


def _site(values: dict[str, str]) -> dict:
    site = {"name": values["name"], "url": _url(values["url"])[0],
            "kind": _kind(values.get("type", ""), values.get("level", "")),
            "owner": values.get("owner"), "code": values.get("code"), "region": values.get("region")}
    return {k: v for k, v in site.items() if v}


# -- the whole export ---------------------------------------------------------------------------------
def convert(rows: list[tuple[int, dict[str, str]]]) -> Imported:
    """Rows → sites (without ids yet: `assign_ids`), skipping closed sites and rejecting bad rows and
    repeats. A closed or rejected row claims no code or homepage, so a site moved to a new row still
    imports."""
    result, first_code, first_home = Imported(), {}, {}
    for number, values in rows:
        name, url = values.get("name", ""), values.get("url", "")
        status = values.get("status", "")
        if CLOSED.search(status):
            result.left.append(Left(number, name, url, f"运行状态为“{status}”", skipped=True))
            continue
        reason = _problem(values)
        site = _site(values) if reason is None else None
        code, home = (site.get("code", "").upper(), address(site["url"])) if site else ("", "")
        if site and code in first_code:
            reason = f"与第{first_code[code]}行网站标识码“{site['code']}”相同（重复）"
        elif site and home in first_home:
            reason = f"与第{first_home[home]}行首页网址相同（重复）"
        if reason:
            result.left.append(Left(number, name, url, reason))
            continue
        if code:
            first_code[code] = number
        first_home[home] = number
        result.sites.append((number, site))
    return result


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def site_id(site: dict) -> str:
    """`c` + the 网站标识码, else the homepage's host and path; a homepage in Chinese (青溪县人民政府.政务)
    gets a short digest of it, which is as stable and shorter than its punycode."""
    if site.get("code"):
        return "c" + site["code"].lower()
    home = address(site["url"])
    if home.isascii() and _slug(home):
        return _slug(home)
    return "site-" + hashlib.sha1(home.encode()).hexdigest()[:8]  # noqa: S324 - a name, not security


def assign_ids(sites: list[dict], taken: set[str]) -> None:
    """Give each site without an id its own; a clash gets -2, -3 … in order."""
    for site in sites:
        if "id" in site:
            continue
        base = candidate = site_id(site)
        n = 1
        while candidate in taken:
            n += 1
            candidate = f"{base}-{n}"
        keys = dict(site)
        site.clear()
        site.update(id=candidate, **keys)    # id first, as people write it
        taken.add(candidate)


# -- merging into an existing sites file -------------------------------------------------------------------
def merge(result: Imported, existing: list[dict]) -> list[dict]:
    """The file's sites updated in place (their id and hand-made keys kept), then the new ones. An
    existing site is matched by 网站标识码, else by homepage, and only once."""
    by_code = {str(s["code"]).upper(): s for s in existing if s.get("code")}
    by_home = {address(s["url"]): s for s in existing}
    claimed: dict[int, int] = {}        # id(existing site) → the row that updated it
    added, imported = [], []
    for number, site in result.sites:
        match = by_code.get(site.get("code", "").upper()) or by_home.get(address(site["url"]))
        if match is None:
            added.append(site)
        elif id(match) in claimed:
            result.left.append(Left(number, site["name"], site["url"],
                                    f"与第{claimed[id(match)]}行对应原清单中同一网站“{match['id']}”（重复）"))
            continue
        else:
            claimed[id(match)] = number
            match.update({k: site[k] for k in IMPORTED_KEYS if k in site})
            site = match
        imported.append((number, site))
    result.sites = imported
    result.left.sort(key=lambda x: x.row)
    result.updated = len(claimed)
    result.unlisted = [f"{s['name']}（{s['id']}）" for s in existing if id(s) not in claimed]
    assign_ids(added, {s["id"] for s in existing})
    return existing + added


def _existing(out: Path) -> dict:
    """The sites file to merge into, validated as a run would (so a broken one is fixed first), then
    read raw: its defaults stay defaults."""
    load_sites(out)
    return LocatedYaml(out, ConfigFileError).data


# -- writing -------------------------------------------------------------------------------------------
def render(document: dict, result: Imported, source: Path) -> str:
    notes = result.notes()
    head = [f"# 网站清单：由 govwatch sites import 从“{source.name}”导入", f"# {result.summary()}"]
    if notes:
        head += ["#", "# 未导入的行（改正导出表后重新导入，或手工添加到 sites: 下）："]
        head += [f"# {n}" for n in notes]
    body = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=1000)
    return "\n".join(head) + "\n\n" + body


def import_sites(source: str | Path, out: str | Path) -> Imported:
    """Read the export, merge into `out` if it exists (keeping `out`.bak), write `out`; returns what
    was imported and left out. Raises SiteTableError (unreadable export, nothing to import) or the
    sites file's own errors (the file to merge into is invalid) before writing anything."""
    source, out = Path(source), Path(out)
    document = _existing(out) if out.exists() else {}
    result = convert(read_rows(source))
    existing = document.get("sites") or []
    if existing:
        sites = merge(result, existing)
    else:
        sites = [site for _, site in result.sites]
        assign_ids(sites, set())
    if not sites:
        raise SiteTableError(source, "没有可导入的网站（每一行都被跳过或拒绝）：\n" + "\n".join(result.notes()))
    document["sites"] = sites
    _write(out, render(document, result, source))
    return result


def _write(out: Path, text: str) -> None:
    """Replace `out` only with a file a run accepts (load_sites), keeping the old one as `out`.bak."""
    new = out.with_name(out.name + ".new")
    new.write_text(text, encoding="utf-8")
    try:
        load_sites(new)
    except ConfigFileError:
        new.unlink()
        raise
    if out.exists():
        shutil.copy2(out, out.with_name(out.name + ".bak"))
    new.replace(out)
