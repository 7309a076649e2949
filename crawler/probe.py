"""Homepage availability probes (`govwatch probe`, run from cron many times a day).

The indicator's 站点无法访问 veto is defined over a week of probes with a 15-second limit, not over
one failed crawl, so each probe is stored and the rule reads the week's ratio."""
from __future__ import annotations

import ssl
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from crawler import neterrors
from crawler.store import Store, now_iso

UA = "Mozilla/5.0 (compatible; govwatch/0.1 probe; +https://github.com/govwatch/govwatch)"


def probe_url(url: str, timeout: float = 15.0) -> dict:
    """Can a person open the homepage? Certificates are not verified, as in the crawl: a
    self-signed or expired certificate is a security finding, not an unreachable site."""
    start = time.monotonic()
    req = urllib.request.Request(url, headers={"User-Agent": UA})  # noqa: S310 - sites file URLs are http(s) only (crawler/sitesfile.py)
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    try:
        with urllib.request.urlopen(req, timeout=timeout, context=ctx) as resp:  # noqa: S310 - sites file URLs are http(s) only (crawler/sitesfile.py)
            resp.read(65536)
            status = resp.status
        return {"ok": int(200 <= status < 400), "status": status, "error": None,
                "elapsed": time.monotonic() - start}
    except urllib.error.HTTPError as e:
        return {"ok": 0, "status": e.code, "error": neterrors.http_status(e.code),
                "elapsed": time.monotonic() - start}
    except Exception as e:  # noqa: BLE001 - every failure is a failed probe
        return {"ok": 0, "status": None, "error": neterrors.describe(e),
                "elapsed": time.monotonic() - start}


def probe_sites(store: Store, sites: list[dict], timeout: float = 15.0, at: str | None = None) -> list[dict]:
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda s: (s, probe_url(s["url"], timeout)), sites))
    rows = [dict(r, site_id=s["id"], url=s["url"], at=at or now_iso()) for s, r in results]
    store.insert_batch("probes", rows)
    return rows
