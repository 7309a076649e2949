"""Boards named only in the sites file are crawled through every page (plain links, a JSON endpoint,
an ASP.NET postback pager) by the real spider, and judged with each board's own deadline."""
from __future__ import annotations

import json
import sqlite3
from datetime import date

import pytest
from harness import run_quiet, serve_http, write_sites
from test_boards import FIXTURES, FixtureHandler

pytestmark = pytest.mark.slow   # real crawls of loopback boards

AS_OF = date(2026, 10, 20)
HOME = ("<html><head><meta charset='utf-8'><title>测试县人民政府</title></head><body>"
        "<div class='nav'><a href='/index.html'>首页</a></div><p>本站首页（未链接任何信箱）</p>"
        "</body></html>").encode()


class Handler(FixtureHandler):
    def do_GET(self) -> None:  # noqa: N802
        if self.path in ("/", "/index.html"):
            self._send(200, HOME, "text/html; charset=utf-8")
            return
        super().do_GET()


def _expected(*names) -> set[tuple]:
    out = set()
    for name in names:
        for letter in json.loads((FIXTURES / name).read_text(encoding="utf-8"))["letters"]:
            out.add((letter["number"] or letter["title"], letter["submitted"], letter["replied"],
                     letter["status"]))
    return out


def _crawl_boards(handler, tmp, boards: list[str], as_of: date = AS_OF):
    """A real crawl of a township site whose boards only the sites file names (each entry a flow
    mapping's inside, `{base}` for the server); the database's path."""
    with serve_http(handler) as base:
        entries = "".join(f"      - {{{entry.format(base=base)}}}\n" for entry in boards)
        sites = write_sites(tmp / "sites.yaml", id="boards", name="测试县人民政府", url=f"{base}/",
                            kind="township", extra=f"    boards:\n{entries}")
        db = tmp / "b.db"
        run_quiet(sites, db, tmp / "out", as_of=as_of)
    return db


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("boards")
    db = _crawl_boards(Handler, tmp, ["url: {base}/table/list.html, name: 县长信箱, deadline_workdays: 3",
                                      "url: {base}/json/index.html, name: 咨询投诉",
                                      "url: {base}/aspnet/MailList.aspx, name: 局长信箱"])
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    yield con, tmp
    con.close()


def _letters(con, board):
    rows = con.execute("select number, title, submitted, replied, status from enquiries "
                       "where board = ?", [board]).fetchall()
    return {(r["number"] or r["title"], r["submitted"], r["replied"], r["status"]) for r in rows}


def test_table_board_all_pages(crawled):
    con, _ = crawled
    assert _letters(con, "县长信箱") == _expected("table/list.expected.json", "table/list_2.expected.json")


def test_json_board_all_pages(crawled):
    con, _ = crawled
    assert _letters(con, "咨询投诉") == _expected("json/letters_page1.expected.json",
                                             "json/letters_page2.expected.json",
                                             "json/letters_page3.expected.json")


def test_postback_board_all_pages(crawled):
    con, _ = crawled
    assert _letters(con, "局长信箱") == _expected("aspnet/maillist_p1.expected.json",
                                             "aspnet/maillist_p2.expected.json")


def test_per_board_deadline_and_statistics(crawled):
    con, tmp = crawled
    data = json.loads((tmp / "out" / "findings.json").read_text(encoding="utf-8"))
    unanswered = [f for s in data["sites"] for f in s["findings"] if f["code"] == "ENQUIRY_UNANSWERED"]
    assert unanswered
    limits = {f["column"]: f["evidence"]["limit_workdays"] for f in unanswered}
    assert limits.get("县长信箱", 3) == 3 and all(v == 5 for k, v in limits.items() if k != "县长信箱")
    stats = {r["board"]: json.loads(r["stats"]) for r in con.execute("select board, stats from board_stats")}
    assert set(stats) == {"县长信箱", "咨询投诉", "局长信箱"}
    table = stats["县长信箱"]
    letters = _letters(con, "县长信箱")
    assert table["received"] == len(letters)
    assert table["answered"] == sum(1 for x in letters if x[3] == "answered")


class CorrectionHandler(Handler):
    """The table board served twice: as the 县长信箱 and, under /jiucuo/, as a 找错 board."""

    def do_GET(self) -> None:  # noqa: N802
        if self.path.startswith("/jiucuo/"):
            self.path = "/table/" + self.path[len("/jiucuo/"):]
        super().do_GET()


def test_correction_board_crawled_gets_three_working_days(tmp_path):
    """A real crawl: the board the sites file names 我为政府网站找错 is judged on the profile's 找错
    limit (3 working days); the same letters on the 县长信箱 on the default 5. On 10-21 the letter of
    10-15 has waited 4 working days: overdue on the first only."""
    _crawl_boards(CorrectionHandler, tmp_path, ["url: {base}/table/list.html, name: 县长信箱",
                                                "url: {base}/jiucuo/list.html, name: 我为政府网站找错"],
                  as_of=date(2026, 10, 21))
    data = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    overdue = {(f["column"], f["evidence"]["number"]): f["evidence"]["limit_workdays"]
               for s in data["sites"] for f in s["findings"] if f["code"] == "ENQUIRY_UNANSWERED"}
    assert overdue[("我为政府网站找错", "XJ2026101507")] == 3
    assert ("县长信箱", "XJ2026101507") not in overdue
    assert overdue[("县长信箱", "XJ2026101205")] == 5
