"""What a crawl reads of a page's *content* for the content checks (issue 16): the body text of
articles, information pages, the homepage and attachments, with personal numbers masked before
anything is stored, and links hidden from a visitor.

Why here, in the crawl: checks never fetch, so whatever `govwatch check` needs to judge wording
again with an edited dictionary must be stored. The text is stored (deduplicated across runs by its
hash, compressed); the full personal numbers in it are not — a monitoring tool must not become a
collection of the citizens' ID numbers that the sites it watches leaked — so they are masked here,
and what was masked (kind, masked form, position) is stored beside the text for PRIVACY_LEAK.
"""
