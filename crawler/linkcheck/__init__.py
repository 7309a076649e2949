"""链接可用性: every link of a sweep's walked pages checked once, the way inspectors count 不可用链接.

The crawl collects each page's links as it parses the page (`crawler/extraction/outlinks.py`); this
package checks them inside the same Scrapy crawl, so every check goes through the crawl's per-host
slots (politeness, kept connections, robots.txt, the WAF guard):

- `book.py`: the links of each site grouped per distinct URL (pages carrying it, the first few,
  whether the homepage does) — a footer link on 500 pages is one row;
- `answers.py`: what one attempt saw (status, headers, the first bytes, or the network error);
- `shape.py`: the site's own 404 (one random URL requested per host), to know its soft 404s;
- `classify.py`: an attempt → ok | broken | unverified, with the reason (pure, no Scrapy);
- `checker.py`: the requests — HEAD, a ranged GET where HEAD is refused or lies, the random-URL
  probe, the retry a while later (a link is broken only when it fails twice), tighter limits for
  links to other hosts — and the rows stored in `links` / `link_runs`.

The checks (`checks/rules_links.py`) only read what is stored.
"""
