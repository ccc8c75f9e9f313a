"""Write plotly.js's own style rules to a CSS file (run by scripts/vendor-plotly.sh).

plotly.js injects them as an inline <style>, which the Content-Security-Policy refuses. Served
as a file instead, and marked by the page's ``<link id="plotly.js-style-global"
class="no-inline-styles">``, plotly skips the injection. Needs playwright and Debian's Chromium.

    python scripts/plotly_css.py static/plotly/plotly-strict.min.js static/plotly/plotly.css
"""

import sys

from playwright.sync_api import sync_playwright

HEADER = (
    "/* plotly.js's own style rules, which it would otherwise inject as an inline <style>\n"
    "   (refused by this site's Content-Security-Policy). Made by scripts/vendor-plotly.sh. */\n"
)


def main(bundle: str, out: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        page.set_content("<html><head></head><body></body></html>")
        page.add_script_tag(path=bundle)
        rules = page.evaluate(
            """() => [...document.querySelectorAll('style#plotly\\\\.js-style-global')]
                 .flatMap(el => [...el.sheet.cssRules].map(r => r.cssText))"""
        )
        browser.close()
    # Each rule was inserted first (insertRule(rule, 0)): reverse to keep plotly's order.
    with open(out, "w") as css:
        css.write(HEADER + "\n".join(reversed(rules)) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
