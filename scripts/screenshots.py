"""Take full-page screenshots of running site pages at phone and desktop widths.

Usage: python scripts/screenshots.py OUTPUT_DIR NAME=URL [NAME=URL ...]
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

WIDTHS = (375, 1280)
CHROMIUM = "/usr/bin/chromium"


def main(output, pages):
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        for width in WIDTHS:
            page = browser.new_page(viewport={"width": width, "height": 900})
            for name, url in pages:
                page.goto(url)
                # Scroll through the page so lazy images load before the full-page shot.
                page.evaluate(
                    "async () => { for (let y = 0; y < document.body.scrollHeight; y += 600) "
                    "{ window.scrollTo(0, y); await new Promise(r => setTimeout(r, 50)); } "
                    "window.scrollTo(0, 0); }"
                )
                page.wait_for_load_state("networkidle")
                target = output / f"{name}-{width}.png"
                page.screenshot(path=target, full_page=True)
                print(target)
            page.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], [arg.split("=", 1) for arg in sys.argv[2:]])
