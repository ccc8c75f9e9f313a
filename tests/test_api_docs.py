"""docs/api.md's examples, run as a reader would run them: the command prints a token that
works, the curl and Python examples fetch last month's approved measurements for one council
from a live copy of the demo, the signature check accepts a real delivery's signature and
refuses a forged or stale one, and every status the table explains is one the schema names."""

import csv
import io
import re
import shlex
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

DOC = Path(__file__).resolve().parent.parent / "docs" / "api.md"
# A fenced example, at the start of a line or indented under a list item.
BLOCK = re.compile(r"^( *)```(sh|python)\n(.*?)^\1```", re.S | re.M)


def examples(language: str) -> list[str]:
    found = BLOCK.findall(DOC.read_text())
    return [textwrap.dedent(code) for _, lang, code in found if lang == language]


def example_starting(language: str, start: str) -> str:
    (found,) = [code for code in examples(language) if code.lstrip().startswith(start)]
    return found


def approved_nnc_month():
    """The latest month with approved NNC measurements in the demo, and how many there are."""
    from performance.models import Measurement
    from trust_portal.approvals.models import State

    approved = Measurement.objects.filter(
        monthly_return__arrangement__trust__code="NCT",
        monthly_return__state=State.APPROVED,
        area="NNC",
    )
    month = approved.order_by("-monthly_return__period").values_list(
        "monthly_return__period", flat=True
    )[0]
    return f"{month:%Y-%m}", approved.filter(monthly_return__period=month).count()


def token_from_the_command(username: str = "nnc-officer") -> str:
    """The token the page's command example prints, for ``username``."""
    words = shlex.split(example_starting("sh", "python manage.py create_api_token"))
    assert words[:3] == ["python", "manage.py", "create_api_token"]
    words[3] = username
    out = io.StringIO()
    call_command(*words[2:], stdout=out)
    return out.getvalue().strip().splitlines()[-1]


@pytest.fixture
def reader(live_server, committed_cast, tmp_path):
    """What a reader of the page has: the portal's address, a token from the command, and a
    folder to run the examples in."""
    month, expected = approved_nnc_month()
    environment = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "TRUST_PORTAL_URL": live_server.url,
        "TRUST_PORTAL_TOKEN": token_from_the_command(),
        "MONTH": month,
    }
    return {"env": environment, "month": month, "expected": expected, "folder": tmp_path}


def run(command: list[str], reader) -> subprocess.CompletedProcess:
    return subprocess.run(
        command,
        env=reader["env"],
        cwd=reader["folder"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_command_prints_a_token_its_person_can_read_with(committed_cast, client):
    token = token_from_the_command()
    answer = client.get(reverse("api-root"), HTTP_AUTHORIZATION=f"Token {token}")
    assert answer.status_code == 200
    refused = client.get(reverse("api-root"), HTTP_AUTHORIZATION=f"Token {token}x")
    assert refused.status_code == 401


def test_the_curl_example_saves_the_months_approved_nnc_measurements_as_csv(reader):
    done = run(["bash", "-euo", "pipefail", "-c", example_starting("sh", "MONTH=")], reader)
    assert done.returncode == 0, done.stderr
    saved = reader["folder"] / f"measurements-NNC-{reader['month']}.csv"
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    assert len(rows) == reader["expected"] > 0
    assert {row["area"] for row in rows} == {"NNC"}
    assert {row["state"] for row in rows} == {"approved"}
    assert {row["month"] for row in rows} == {f"{reader['month']}-01"}


def test_the_python_example_prints_each_of_the_months_approved_nnc_measurements(reader):
    code = example_starting("python", "import datetime")
    done = run([sys.executable, "-c", code], reader)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == reader["expected"] > 0
    assert all(line.split()[1] == "NNC" for line in lines)


def the_signature_check():
    namespace = {}
    exec(example_starting("python", "import hashlib"), namespace)  # noqa: S102 - our own docs
    return namespace["delivery_is_genuine"]


def test_the_signature_check_accepts_what_the_portal_signs_and_nothing_else():
    from trust_portal.webhooks.signing import signature_header

    genuine = the_signature_check()
    body = b'{"id":"1","type":"return.approved"}'
    now = int(time.time())
    header = signature_header(secrets=["new-secret", "old-secret"], timestamp=now, body=body)
    assert genuine(body, header, "new-secret")
    assert genuine(body, header, "old-secret")  # during a rotation's overlap
    assert not genuine(body, header, "another-secret")
    assert not genuine(body + b" ", header, "new-secret")
    stale = signature_header(secrets=["new-secret"], timestamp=now - 301, body=body)
    assert not genuine(body, stale, "new-secret")
    assert not genuine(body, "v1=" + header.split("v1=")[1], "new-secret")  # no timestamp


def test_every_status_the_table_explains_is_one_the_schema_names(client, committed_cast):
    from conftest import signed_in_fully

    table = DOC.read_text().split("## 4. What each status means")[1]
    explained = {int(code) for code in re.findall(r"^\| (\d{3})", table, re.M)}
    explained |= {int(code) for code in re.findall(r"^\| \d{3} [^|]*?, (\d{3})", table, re.M)}
    signed_in_fully(client, committed_cast["nnc-officer"])
    schema = client.get(reverse("api-schema"), HTTP_ACCEPT="application/json").json()
    named = {
        int(code)
        for path in schema["paths"].values()
        for operation in path.values()
        for code in operation.get("responses", {})
        if code.isdigit()
    }
    # 405 is an address's answer to a method it does not take, so no operation names it; 500
    # and 503 are faults, not answers an operation gives.
    assert explained - {405, 500, 503} <= named
    assert {400, 401, 403, 404, 409, 429} <= explained
