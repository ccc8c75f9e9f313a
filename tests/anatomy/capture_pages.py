"""Saves every page each member of the cast may open, as HTML with what varies by run removed.

Not part of `make test` (its name does not start with test_): run it by naming it, once on the
commit before a refactor and once after, then compare the two folders:

    ANATOMY_PAGES=/tmp/pages-after .venv/bin/pytest -n 2 -q tests/anatomy/capture_pages.py

scripts/anatomy-compare.sh does both and prints the pages that differ.
"""

import os
import re
from pathlib import Path

import pytest

from conftest import CAST
from tests.test_url_matrix import PAGES, url_of

# What changes from one run to the next without the behaviour changing.
VARYING = [
    (re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"'), b'name="csrfmiddlewaretoken"'),
    (re.compile(rb'nonce="[^"]+"'), b'nonce=""'),
    (re.compile(rb"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?"), b"TIMESTAMP"),
    (re.compile(rb"\b\d{1,2}:\d{2}(:\d{2})?(\.\d+)?\b"), b"HH:MM"),
    # timesince puts a no-break space between the number and its unit.
    (re.compile(rb"\b\d+(?: |\xc2\xa0)(second|minute|hour)s?( ago)?"), b"N units"),
    (re.compile(rb'"duration_ms": ?\d+'), b'"duration_ms":N'),
    (re.compile(rb"(sessionid|csrftoken)=[^;]+"), rb"\1=-"),
    (re.compile(rb"/media/[^\"' ]+"), b"/media/-"),
    (re.compile(rb"\b[0-9a-f]{64}\b"), b"SHA256"),
    # White space between tags is layout of the templates, not of the page.
    (re.compile(rb">\s+<"), b"><"),
    (re.compile(rb"\s+"), b" "),
]
BINARY = ("application/pdf", "application/vnd.openxmlformats")

WHO_MAY_OPEN = [
    (name, who)
    for name in sorted(PAGES)
    for who in CAST
    if PAGES[name][1][who] == 200 and not name.startswith("admin:")
]


@pytest.mark.skipif(not os.environ.get("ANATOMY_PAGES"), reason="ANATOMY_PAGES names no folder")
@pytest.mark.parametrize(("name", "who"), WHO_MAY_OPEN)
def test_capture(name, who, cast, client_for):
    url = url_of(name)
    response = client_for(cast[who]).get(url)
    kind = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if kind.startswith(BINARY):
        body = f"{kind}: {len(body) > 0 and 'non-empty'}\n".encode()
    for pattern, replacement in VARYING:
        body = pattern.sub(replacement, body)
    # Named by address, not URL name: a page whose name moves to another app is the same page.
    folder = Path(os.environ["ANATOMY_PAGES"]) / (url.strip("/").replace("/", "__") or "home")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{who}.txt").write_bytes(f"{response.status_code} {kind}\n".encode() + body)
