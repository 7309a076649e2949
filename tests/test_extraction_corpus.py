"""Extraction on the labelled real pages of ../shared/corpus (skipped when the corpus is absent)."""
import datetime as dt
import json
from pathlib import Path
from urllib.parse import urljoin

import pytest

from crawler.extraction import extract_page

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"
if not (CORPUS / "labels").is_dir():
    pytest.skip("../shared/corpus not present (real pages are not shipped with the project)",
                allow_module_level=True)

from bench.extraction import ARTICLE_TRUTH, DEFAULT_AS_OF, as_of_for, eval_lists  # noqa: E402

LABELS = sorted((CORPUS / "labels").rglob("*.json"))


@pytest.fixture(scope="module")
def rows():
    return eval_lists(CORPUS.resolve(), 1)[0]


def test_item_recall_and_precision_over_labelled_pages(rows):
    want = sum(r["n_want"] for r in rows)
    ours = sum(r["n_ours"] for r in rows)
    hit = sum(r["n_hit"] for r in rows)
    assert hit / want >= 0.95
    assert hit / ours >= 0.90


def test_newest_date_per_labelled_block(rows):
    ok = sum(r["blocks_ok"] for r in rows)
    total = sum(r["blocks"] for r in rows)
    assert ok / total >= 0.95


def test_every_matched_item_date_is_exact(rows):
    assert sum(r["item_dates_ok"] for r in rows) == sum(r["item_dates"] for r in rows)


@pytest.mark.parametrize("label_path", [p for p in LABELS if "pingtan" in p.name], ids=lambda p: p.name[:40])
def test_pingtan_list_pages_exact(label_path):
    label = json.loads(label_path.read_text(encoding="utf-8"))
    r = extract_page((CORPUS / "raw" / label["file"]).read_bytes(), label["page_url"], as_of=as_of_for(label["file"]))
    assert r.kind == "column_list"
    want = [urljoin(label["page_url"], i["href"]) for i in label["blocks"][0]["items"]]
    assert [e.url for e in r.blocks[0].items] == want
    assert r.latest_date.isoformat() == label["latest_date"]
    assert r.pagination.total_items == label["pagination"]["total_items"]
    assert r.pagination.total_pages == label["pagination"]["total_pages"]
    assert r.column_name == label["blocks"][0]["name"]


@pytest.mark.parametrize("rel", sorted(ARTICLE_TRUTH), ids=lambda s: s[-40:])
def test_article_dates(rel):
    url, want = ARTICLE_TRUTH[rel]
    r = extract_page((CORPUS / "raw" / rel).read_bytes(), url, as_of=DEFAULT_AS_OF)
    assert r.date is not None and r.date.value == dt.date.fromisoformat(want), r.date


@pytest.mark.parametrize("rel", sorted(ARTICLE_TRUTH), ids=lambda s: s[-40:])
def test_real_article_is_not_an_information_page(rel):
    url = ARTICLE_TRUTH[rel][0]
    r = extract_page((CORPUS / "raw" / rel).read_bytes(), url, as_of=DEFAULT_AS_OF)
    assert not r.is_info_page and r.kind == "article"


@pytest.mark.parametrize("label_path", LABELS, ids=lambda p: p.name[:40])
def test_real_list_page_or_homepage_is_not_an_information_page(label_path):
    label = json.loads(label_path.read_text(encoding="utf-8"))
    r = extract_page((CORPUS / "raw" / label["file"]).read_bytes(), label["page_url"],
                     as_of=as_of_for(label["file"]))
    assert not r.is_info_page and r.kind == label["kind"]
