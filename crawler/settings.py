"""Scrapy settings: polite by default (few concurrent requests per site, timeout, retries, a
User-Agent that names govwatch), and the pipelines/extensions that record the crawl in SQLite."""
import os

# Politeness per host: a government WAF bans an aggressive crawler. At most 2 requests at a time and
# a delay between them (Scrapy randomises it 0.5-1.5x) on each host. Loopback tests and benchmarks,
# which crawl their own servers, lower them through the environment (tests/conftest.py, bench/).
POLITE_PER_HOST = 2
POLITE_DELAY = 0.25

BOT_NAME = "govwatch"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# ASCII only: HTTP header values are latin-1 on the wire
USER_AGENT = "Mozilla/5.0 (compatible; govwatch/0.1; +https://github.com/govwatch/govwatch)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16        # a fleet run raises it (crawler/fleet.py): many hosts, each polite
CONCURRENT_REQUESTS_PER_DOMAIN = int(os.environ.get("GOVWATCH_CONCURRENT_PER_HOST", POLITE_PER_HOST))
CONCURRENT_ITEMS = 2    # Scrapy starts this many tasks per callback; a page yields a handful of outputs
DOWNLOAD_DELAY = float(os.environ.get("GOVWATCH_DOWNLOAD_DELAY", POLITE_DELAY))
# with hundreds of hosts in one crawl, take the next request from the host with the fewest in
# flight: the default queue lets one big site's backlog hold every download slot while it waits
SCHEDULER_PRIORITY_QUEUE = "scrapy.pqueues.DownloaderAwarePriorityQueue"
DOWNLOAD_TIMEOUT = 15
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
HTTPERROR_ALLOW_ALL = True          # the spider records every status itself
REDIRECT_MAX_TIMES = 5
# a meta refresh is a section hub forwarding to its first child: the spider reads it as such
# (crawler/extraction/links.py) instead of Scrapy silently fetching the child under the hub's name
METAREFRESH_ENABLED = False
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 0
COOKIES_ENABLED = True
TELNETCONSOLE_ENABLED = False
# Scrapy re-reads a generator callback's source (inspect + ast) to warn about `return value` in it,
# and its weak cache misses for bound methods: a large share of a fetch-only crawl's CPU (bench/README.md)
WARN_ON_GENERATOR_RETURN_VALUE = False
LOG_LEVEL = "CRITICAL"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_FORMATTER = "crawler.logformatter.QuietLogFormatter"

# connections reused across a site's requests (crawler/download.py)
DOWNLOAD_HANDLERS = {
    "http": "crawler.download.KeepAliveDownloadHandler",
    "https": "crawler.download.KeepAliveDownloadHandler",
}

ITEM_PIPELINES = {
    "crawler.pipelines.StorePipeline": 500,
}
EXTENSIONS = {
    "crawler.progress.ProgressDisplay": 500,
}

# govwatch's own settings (overridable per run)
GOVWATCH_DB = None
GOVWATCH_RUN_ID = None
GOVWATCH_BATCH_SIZE = 1000   # rows per transaction; a killed crawl loses at most one batch
GOVWATCH_PROGRESS = True
# sweeps: later list pages are read and stored by a second process (crawler/pagereader.py)
GOVWATCH_PAGE_READER = True

# Scrapy components whose job govwatch does itself are switched off: each costs every request a
# call (bench/crawl.py). Depth, URL length and the site boundary are the walk's (crawler/walk.py and
# the guards below); every HTTP status reaches the spider (HTTPERROR_ALLOW_ALL); no site needs HTTP auth.
SPIDER_MIDDLEWARES = {
    "scrapy.spidermiddlewares.httperror.HttpErrorMiddleware": None,
    "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware": None,
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
}
# Fault guards (crawler/middlewares.py): WAF challenges and binary bodies become failed fetches
# (无法核实), oversized bodies are cut at GOVWATCH_BODY_CAP, traps and off-site redirects are refused.
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,
    "scrapy.downloadermiddlewares.stats.DownloaderStats": None,
    "crawler.middlewares.TrapGuardMiddleware": 120,
    "crawler.middlewares.ResponseGuardMiddleware": 545,
}
GOVWATCH_BODY_CAP = 5 * 1024 * 1024
GOVWATCH_MAX_URL_LENGTH = 1024
GOVWATCH_MAX_SEGMENT_REPEAT = 3
GOVWATCH_CALENDAR_FUTURE_YEARS = 1
GOVWATCH_SITE_TIMEOUT = 0    # seconds a site may take from its homepage; 0: no limit (crawler/fleet.py)
# 链接可用性 (crawler/linkcheck/checker.py, where the other link settings and their defaults are): a
# sweep checks every link of the pages it walks (daily runs never); a failed link is tried again
# RETRY_AFTER seconds later while the crawl has other work, RETRY_MIN seconds after its failure once it
# has none (tests, which crawl their own servers, shorten them through the environment)
GOVWATCH_LINKS = True
GOVWATCH_EXTERNAL_LINKS = False
GOVWATCH_LINK_RETRY_AFTER = float(os.environ.get("GOVWATCH_LINK_RETRY_AFTER", 30))
GOVWATCH_LINK_RETRY_MIN = float(os.environ.get("GOVWATCH_LINK_RETRY_MIN", 2))
