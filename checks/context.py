"""What a rule sees of one site in one run: stored crawl data only (checks never fetch)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from dateutil.relativedelta import relativedelta

from checks import figures, runrows

HOME_KEY = "__home__"


@dataclass
class Finding:
    code: str
    subject: str               # what the finding is about: column key, mandatory name, letter key…
    message: str
    column: str | None = None
    url: str | None = None
    evidence: dict = field(default_factory=dict)
    severity: str | None = None   # None: the rule's default


@dataclass
class SiteContext:
    store: object
    run: dict
    site: dict
    as_of: date
    profile: object
    calendar: object
    options: dict = field(default_factory=dict)
    rows: runrows.SiteRows | None = None   # the site's rows, when the engine read its batch already
    memo: dict = field(default_factory=dict, repr=False)   # what several rules ask for, kept per site

    @cached_property
    def _rows(self) -> runrows.SiteRows:
        if self.rows is not None:
            return self.rows
        return runrows.load(self.store, self.run["id"], [self.site["id"]])[self.site["id"]]

    @cached_property
    def columns(self) -> list[dict]:
        return self._rows.columns

    @cached_property
    def items_by_column(self) -> dict[str, list[dict]]:
        """Every item row of the site by column, in the order stored (one query when first asked;
        the built-in rules read `item_dates` and, for what a finding shows, `column_items`)."""
        out: dict[str, list[dict]] = {}
        for it in self.store.items(self.run["id"], self.site["id"]):
            out.setdefault(it["column_key"], []).append(it)
        return out

    def item_dates(self, column_key: str) -> list:
        """A column's item dates as stored (None where an item has none), in the order stored;
        read-only."""
        return self._rows.dates_by_column.get(column_key, [])

    def item_count(self, column_key: str) -> int:
        """How many items this run stored for the column."""
        return len(self._rows.dates_by_column.get(column_key, ()))

    def column_items(self, column_key: str) -> list[dict]:
        """A column's item rows, in the order stored (as `item_dates`), read when asked."""
        key = ("items", column_key)
        if key not in self.memo:
            self.memo[key] = runrows.column_items(self.store, self.run["id"], self.site["id"], column_key)
        return self.memo[key]

    def probes(self, since: str, until: str) -> list[dict]:
        """The homepage probes of the site recorded in [since, until) (ISO times)."""
        return runrows.probes(self.store, self.site["id"], since, until)

    def newest_date(self, column_key: str) -> date | None:
        """The newest item date of a column on or before the day of the check (checks/figures.py),
        derived once per column though four rules and the column summary ask for it."""
        key = ("newest", column_key)
        if key not in self.memo:
            self.memo[key] = figures.newest_date(self.item_dates(column_key), self.as_of)
        return self.memo[key]

    @cached_property
    def enquiries(self) -> list[dict]:
        return self._rows.enquiries

    @cached_property
    def home(self) -> dict | None:
        for c in self.columns:
            if c["key"] == HOME_KEY:
                return c
        return None

    @property
    def unreachable(self) -> bool:
        return self.home is None or self.home["status"] == "failed"

    def list_columns(self) -> list[dict]:
        """One row per column key (a key can be written twice if two paths reached it)."""
        return list(self._list_columns)

    @cached_property
    def _list_columns(self) -> list[dict]:
        seen: dict[str, dict] = {}
        for c in self.columns:
            if c["key"] == HOME_KEY:
                continue
            prev = seen.get(c["key"])
            if prev is None or (prev["status"] == "failed" and c["status"] != "failed"):
                seen[c["key"]] = c
        return list(seen.values())

    @cached_property
    def walk(self) -> dict | None:
        """How much of the site this run's walk saw (None: a run from before walks were kept)."""
        return self._rows.walk

    @cached_property
    def entrances(self) -> list[dict]:
        return self._rows.entrances

    def coverage(self) -> dict:
        """Whether an absence may be asserted, and the evidence saying how much was walked."""
        walk = self.walk
        cols = [c for c in self.list_columns() if c["status"] != "failed"]
        if walk is None:
            # before walks were recorded: an unnamed failure could be the missing column
            failed = [c["url"] for c in self.list_columns() if c["status"] == "failed" and not c.get("name")]
            return {"complete": not failed, "pages": None, "columns": len(cols), "unread": failed[:10],
                    "note": "有页面无法读取" if failed else None}
        return {"complete": bool(walk["complete"]), "pages": walk["pages"], "columns": len(cols),
                "unread": [f.get("url") for f in walk["failed"][:10]], "note": walk.get("note"),
                "budget_hit": walk.get("budget_hit"), "depth_cut": walk.get("depth_cut")}

    @cached_property
    def _by_key(self) -> dict[str, dict]:
        return {c["key"]: c for c in self.list_columns()}

    @cached_property
    def _names(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for c in self.list_columns():
            if c.get("name"):
                counts[c["name"]] = counts.get(c["name"], 0) + 1
        return counts

    def display_name(self, column: dict) -> str:
        """The name a finding shows: the column's own, with its parent's where the site has several
        of that name (four sub-units' 工作动态 are 监察大队 › 工作动态, 社保经办 › 工作动态 …)."""
        name = column.get("name")
        if not name:
            return column["url"]
        if self._names.get(name, 0) > 1 and column.get("parent_key"):
            parent = self._by_key.get(column["parent_key"])
            if parent is not None and parent.get("name") and parent["name"] != name:
                return f"{parent['name']} › {name}"
        return name

    def boards(self) -> list[dict]:
        return [c for c in self.list_columns() if c["role"] == "board"]

    def category(self, column: dict):
        """The site's profile (with its sites-file overrides) decides, by the column's name."""
        return self.profile.classify(column.get("name") or "")

    @property
    def lookback_start(self) -> date:
        """First day of the period enquiries are judged over (the indicators' 检查前1年)."""
        return self.as_of - relativedelta(years=self.profile.enquiry_lookback_years)

    # -- what this run read: a finding is resolved only on what was read again -------------------
    @cached_property
    def walked(self) -> bool:
        """The run walked the whole site: a sweep whose walk was complete (a sweep stored before
        walks were recorded counts as complete). A daily run reads known first pages only."""
        if self.run.get("mode") != "sweep" or self.unreachable:
            return False
        return self.walk is None or bool(self.walk["complete"])

    @cached_property
    def failed_pages_recorded(self) -> bool:
        """Whether the run recorded `columns.pages_failed` (migration 0005): a run started before it
        was applied has NULL there whether or not a later page failed."""
        row = self.store.db.execute(
            "select applied from _migrations where name = '0005_failed_pages'").fetchone()
        try:
            return datetime.fromisoformat(self.run["started"]) >= datetime.fromisoformat(row[0])
        except (TypeError, ValueError):
            return True

    @cached_property
    def site_page_failed(self) -> bool:
        """A later page of some list or board on the site could not be fetched: the caution for a
        run stored before the spider counted failed pages per column."""
        return any(f["kind"] in ("list-page", "board-page") and (f["error"] or (f["status"] or 0) >= 400)
                   for f in self.store.fetches(self.run["id"], self.site["id"]))

    def all_pages_read(self, column: dict) -> bool:
        """Every page of a column (list or board) was read: none of its later pages failed
        (`pages_failed`), and every page its pager names was read, or all the items its CMS counts
        are stored, or the run was a sweep that walked the whole site (which follows every page).
        (`pages_read` counts responses: one Hanweb response holds three pages, so fewer responses
        than pages is no proof of a page missed.)"""
        if column.get("status") == "failed" or column.get("pages_failed"):
            return False
        total, counted = column.get("item_count"), column.get("counted_items")
        pages, read = column.get("pages_total"), column.get("pages_read")
        return bool((pages and read and read >= pages)
                    or (total and counted is not None and counted >= total)
                    or (self.walked and (self.failed_pages_recorded or not self.site_page_failed)))

    def rereads(self, needs: str, evidence: dict) -> bool:
        """Whether this run read what a finding needs to be judged again (checks/registry.py NEEDS):
        its column (evidence `column_key`; the homepage when it has none), all its pages, its letter,
        or the whole site."""
        if needs == "site":
            return True
        if self.unreachable:
            return False
        if needs == "walk":
            return self.walked
        if needs == "page":   # content findings (checks/rules_content.py)
            from checks.rules_content import page_reread
            return page_reread(self, evidence)
        if needs == "links":   # the links were checked this run (checks/rules_links.py)
            from checks.rules_links import links_checked
            return links_checked(self, bool(evidence.get("external")))
        key = evidence.get("column_key")
        rows = [c for c in self.columns if c["key"] == (key or HOME_KEY)]
        if needs == "fetched":
            return bool(rows)
        col = next((c for c in rows if c["status"] != "failed"), None)
        if col is None:
            return False
        if needs == "all_pages":
            return self.all_pages_read(col)
        if needs == "letter":
            letter = evidence.get("letter_key")
            if letter is not None and any(e["letter_key"] == letter and key in (None, e["board_key"])
                                          for e in self.enquiries):
                return True
            boards = [col] if key else self.boards()   # findings stored before they named their board
            return bool(boards) and all(self.all_pages_read(b) for b in boards)
        return True   # "column": its first page was read
