"""What a rule sees of one site in one run: stored crawl data only (checks never fetch)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from dateutil.relativedelta import relativedelta

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

    @cached_property
    def columns(self) -> list[dict]:
        return self.store.columns(self.run["id"], self.site["id"])

    @cached_property
    def items_by_column(self) -> dict[str, list[dict]]:
        out: dict[str, list[dict]] = {}
        for it in self.store.items(self.run["id"], self.site["id"]):
            out.setdefault(it["column_key"], []).append(it)
        return out

    @cached_property
    def enquiries(self) -> list[dict]:
        return self.store.enquiries(self.run["id"], self.site["id"])

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
        seen: dict[str, dict] = {}
        for c in self.columns:
            if c["key"] == HOME_KEY:
                continue
            prev = seen.get(c["key"])
            if prev is None or (prev["status"] == "failed" and c["status"] != "failed"):
                seen[c["key"]] = c
        return list(seen.values())

    def boards(self) -> list[dict]:
        return [c for c in self.list_columns() if c["role"] == "board"]

    def category(self, column: dict):
        """The site's profile (with its sites-file overrides) decides, by the column's name."""
        return self.profile.classify(column.get("name") or "")

    @property
    def lookback_start(self) -> date:
        """First day of the period enquiries are judged over (the indicators' 检查前1年)."""
        return self.as_of - relativedelta(years=self.profile.enquiry_lookback_years)
