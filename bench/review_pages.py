#!/usr/bin/env python3
"""How long `kg review`'s pages take to open on a build: the overview, one report page, the merge list.

Each page is opened `--runs` times (median reported) in three ways:
- cold: the first request to a fresh server that has computed nothing yet (a new server per run);
- warm: again on a server that has served the page once (the overview and merge list are cached
  per store generation; a report page is read afresh each time);
- browser: headless chromium (Debian's, through selenium) from navigation to the load event,
  warm server, where /usr/bin/chromium and /usr/bin/chromedriver exist.

Usage: python bench/review_pages.py --out OUT --corpus CORPUS [--report NAME] [--runs 3]
"""
from __future__ import annotations

import argparse
import http.client
import json
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path


def fetch(port: int, path: str) -> float:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    t = time.perf_counter()
    conn.request("GET", path)
    resp = conn.getresponse()
    resp.read()
    took = time.perf_counter() - t
    conn.close()
    if resp.status != 200:
        raise SystemExit(f"{path}: HTTP {resp.status}")
    return took


def start(out: Path, corpus: Path, curation: Path):
    from kg.review.server import make_server

    server = make_server(out, corpus, curation, port=0, warm=False)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def browser_loads(server, paths: list[str], runs: int) -> dict[str, float]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="kg-review-bench-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for a in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              f"--user-data-dir={profile}"):
        opts.add_argument(a)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    out = {}
    try:
        for path in paths:
            times = []
            for _ in range(runs):
                driver.get(server.url.rstrip("/") + path)
                nav = driver.execute_script("return performance.getEntriesByType('navigation')[0].toJSON()")
                times.append((nav["loadEventEnd"] - nav["startTime"]) / 1000)
            out[path] = statistics.median(times)
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--report", default=None, help="the report page to open (default: the first report)")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    from kg.review.data import report_href

    curation = Path(tempfile.mkdtemp(prefix="kg-review-bench-curation-"))
    server = start(args.out, args.corpus, curation)
    report = args.report or server.app.data.reports()[0]["name"]
    server.shutdown()
    paths = ["/", report_href(report), "/merge"]
    result: dict = {"report": report, "runs": args.runs}
    cold: dict[str, list[float]] = {p: [] for p in paths}
    for _ in range(args.runs):
        for p in paths:  # a fresh server per page and run: nothing computed, nothing cached
            server = start(args.out, args.corpus, curation)
            cold[p].append(fetch(server.app.port, p))
            server.shutdown()
            server.server_close()
    server = start(args.out, args.corpus, curation)
    for p in paths:
        fetch(server.app.port, p)
    warm = {p: statistics.median(fetch(server.app.port, p) for _ in range(args.runs)) for p in paths}
    result["cold_s"] = {p: round(statistics.median(v), 3) for p, v in cold.items()}
    result["warm_s"] = {p: round(v, 3) for p, v in warm.items()}
    if Path("/usr/bin/chromium").exists() and Path("/usr/bin/chromedriver").exists():
        result["browser_s"] = {p: round(v, 3) for p, v in browser_loads(server, paths, args.runs).items()}
    server.shutdown()
    shutil.rmtree(curation, ignore_errors=True)
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
