#!/usr/bin/env python3
"""Take docs/review.png, the report page of `kg review` that README.md shows: builds corpus/ into a
temp folder (or uses --out), serves it with kg.review on a free port, opens the page in Debian's
headless chromium through selenium, presses keys (by default: down six facts, reject one, down
two more; the rejection goes to a temp curation folder) and saves the window.
Needs chromium, chromium-driver and a CJK font (fonts-wqy-microhei) for the text to show.
Usage: python scripts/review_screenshot.py [--out DIR] [--report NAME] [--to docs/review.png]"""
from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=None, help="a build of corpus/ (default: build one now)")
    ap.add_argument("--report", default="000_820299a8950da9aa.txt")
    ap.add_argument("--keys", default="jjjjjjrjj", help="the keys to press on the page")
    ap.add_argument("--to", type=Path, default=ROOT / "docs" / "review.png")
    args = ap.parse_args()

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    from kg.review.server import make_server

    args.to = args.to.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out.resolve() if args.out else None
        if out is None:
            from kg.build import build

            out = Path(tmp) / "outputs"
            build(ROOT / "corpus", out)
        os.chdir(tmp)  # the page names the curation folder as given: "curation", as `kg review` has it
        server = make_server(out, ROOT / "corpus", Path("curation"), port=0, warm=False)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        opts = webdriver.ChromeOptions()
        opts.binary_location = "/usr/bin/chromium"
        for a in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  f"--user-data-dir={tmp}/profile", "--window-size=1400,860", "--hide-scrollbars"):
            opts.add_argument(a)
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
        try:
            driver.get(server.url + "report/" + args.report)
            body = driver.find_element(By.TAG_NAME, "body")
            for key in args.keys:
                body.send_keys(key)
                time.sleep(0.2)
            time.sleep(0.5)
            args.to.parent.mkdir(parents=True, exist_ok=True)
            driver.save_screenshot(str(args.to))
        finally:
            driver.quit()
            server.shutdown()
    print(f"wrote {args.to}")


if __name__ == "__main__":
    main()
