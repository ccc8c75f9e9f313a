"""The compute_child_extract command: check a child-level extract and print its figures,
storing nothing. Built on the root ``world`` (a trust and two councils of its own), not the
demo; the extracts name the world's councils."""

import json
import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from performance.tests.factories import PerformanceSettingsFactory

ROOT = Path(__file__).resolve().parents[2]
HEADER = "child_id,area,category,worker_id,episode_start,last_visit_date,plan_due_date\n"
# {first} and {second} are the trust's councils (by code, as the command lists them), {other}
# a council of another arrangement.
GOOD_ROWS = (
    "C1,{first},CIN,W1,2024-01-01,2024-03-20,2024-04-30\n"
    "C2,{first},CIN,W1,2024-01-01,2024-01-05,\n"
    "C3,{second},CP,,2024-01-01,2024-03-30,\n"
)
BAD_ROWS = (
    "SECRET-1,{first},CIN,W1,2024-01-01,,\n"
    "SECRET-2,{other},CIN,W1,2024-01-01,,\n"
    "SECRET-3,{second},CP,,31/02/2019,,\n"
)


class Codes:
    """The world's trust and councils by code: ``first`` and ``second`` in the order the command
    lists areas (by code), ``other`` a council of the other arrangement, ``other_trust`` its
    trust."""

    def __init__(self, world):
        self.trust = world.trust.code
        self.first, self.second = sorted(council.code for council in world.councils)
        self.other = world.outsider.organisation.code
        self.other_trust = world.other_manager.organisation.code

    def text(self, rows: str) -> str:
        return HEADER + rows.format(first=self.first, second=self.second, other=self.other)


@pytest.fixture
def codes(world):
    return Codes(world)


@pytest.fixture
def good(codes):
    return codes.text(GOOD_ROWS)


@pytest.fixture
def bad(codes):
    return codes.text(BAD_ROWS)


@pytest.fixture
def extract_file(tmp_path):
    def write(text: str, name="extract.csv") -> str:
        path = tmp_path / name
        path.write_text(text)
        return str(path)

    return write


def run(*args, **options) -> str:
    out = StringIO()
    call_command("compute_child_extract", *args, stdout=out, **options)
    return out.getvalue()


def test_it_prints_every_areas_figures_as_json(codes, good, extract_file):
    result = json.loads(run(extract_file(good), "--as-at", "2024-03-31", "--trust", codes.trust))
    assert result["as_at"] == "2024-03-31"
    assert result["trust"] == codes.trust
    assert list(result["areas"]) == [codes.first, codes.second, "ALL"]
    assert result["areas"][codes.first]["CIN_VISIT_IN_TIME"] == {"numerator": 1, "denominator": 2}
    assert result["areas"]["ALL"]["OPEN_CASES"] == {"numerator": 3, "denominator": None}


def test_the_areas_are_the_trusts_own_councils(codes, extract_file):
    text = HEADER + f"C1,{codes.other},LAC,W9,2024-01-01,,\n"
    result = json.loads(
        run(extract_file(text), "--as-at", "2024-03-31", "--trust", codes.other_trust)
    )
    assert list(result["areas"]) == [codes.other, "ALL"]


def test_it_prints_a_readable_table(codes, good, extract_file):
    output = run(
        extract_file(good), "--as-at", "2024-03-31", "--trust", codes.trust, format="table"
    )
    # Columns are at least two spaces apart; a cell has single spaces at most.
    cells = [re.split(r"\s{2,}", line) for line in output.splitlines()]
    table = {row[0]: row[1:] for row in cells if len(row) > 1}
    assert table["indicator"] == [codes.first, codes.second, "ALL"]
    assert table["CIN_VISIT_IN_TIME"] == ["1/2 (50.0%)", "no data", "1/2 (50.0%)"]
    assert table["OPEN_CASES"] == ["2", "1", "3"]
    assert table["AVERAGE_CASELOAD"] == ["2/1 (2.0 each)", "no data", "2/1 (2.0 each)"]


def test_it_uses_the_trusts_own_caseload_limit(world, codes, good, extract_file):
    PerformanceSettingsFactory(arrangement=world.arrangement, caseload_limit=1)
    result = json.loads(run(extract_file(good), "--as-at", "2024-03-31", "--trust", codes.trust))
    assert result["areas"][codes.first]["WORKERS_OVER_CASELOAD"] == {
        "numerator": 1,
        "denominator": 1,
    }


def test_it_stores_nothing(codes, good, extract_file):
    path = extract_file(good)
    with CaptureQueriesContext(connection) as queries:
        run(path, "--as-at", "2024-03-31", "--trust", codes.trust)
    assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in queries.captured_queries)


def test_a_rejected_file_prints_its_errors_and_exits_with_status_1(codes, bad, extract_file):
    out = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command(
            "compute_child_extract",
            extract_file(bad),
            "--as-at=2024-03-31",
            f"--trust={codes.trust}",
            stdout=out,
        )
    assert caught.value.returncode == 1
    assert json.loads(out.getvalue()) == {
        "errors": [
            {
                "row": 3,
                "column": "area",
                # "FC5": letters and digits, so described, not shown (CHILD_EXTRACT.md)
                "value": None,
                "reason": f"not a council area of this trust ({codes.first}, {codes.second}): "
                f"{len(codes.other)} characters, letters and digits",
            },
            {
                "row": 4,
                "column": "episode_start",
                "value": "31/02/2019",
                "reason": "not a date (use YYYY-MM-DD or DD/MM/YYYY)",
            },
        ]
    }
    assert "SECRET" not in out.getvalue()


def test_a_rejected_file_prints_a_readable_table_of_errors(codes, bad, extract_file):
    out = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "compute_child_extract",
            extract_file(bad),
            "--as-at=2024-03-31",
            f"--trust={codes.trust}",
            "--format=table",
            stdout=out,
        )
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["row", "column", "value", "reason"]
    assert lines[2].split()[:3] == ["4", "episode_start", "31/02/2019"]


def test_an_unknown_trust_is_an_error(codes, good, extract_file):
    with pytest.raises(CommandError, match="No trust arrangement has the code 'XYZ'"):
        run(extract_file(good), "--as-at", "2024-03-31", "--trust", "XYZ")


def test_a_missing_file_is_an_error(codes, tmp_path):
    with pytest.raises(CommandError, match="No file at"):
        run(str(tmp_path / "nothing.csv"), "--as-at", "2024-03-31", "--trust", codes.trust)


def test_the_as_at_date_must_be_a_date(codes, good, extract_file):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run(extract_file(good), "--as-at", "31/03/2024", "--trust", codes.trust)


# A separate process cannot see the test database, so it makes its own: migrated, with one
# trust, then runs the command exactly as a shell would.
SCRIPT = """
import sys
import django
from django.core.management import call_command, execute_from_command_line
django.setup()
call_command("migrate", verbosity=0)
from trust_portal.accounts.models import Arrangement, Commission, Organisation
trust = Organisation.objects.create(code="NCT", name="A trust", kind="trust")
arrangement = Arrangement.objects.create(trust=trust)
for code in ("NNC", "WNC"):
    council = Organisation.objects.create(code=code, name=f"Council {code}", kind="council")
    Commission.objects.create(arrangement=arrangement, council=council)
execute_from_command_line(["manage.py", "compute_child_extract", *sys.argv[1:]])
"""


def test_the_exit_status_of_a_rejected_file_is_1_in_a_shell(tmp_path):
    path = tmp_path / "extract.csv"
    path.write_text(HEADER + BAD_ROWS.format(first="NNC", second="WNC", other="OCC"))
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "TRUST_PORTAL_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "trust_portal.settings",
        "CELERY_BROKER_URL": "memory://localhost/",
    }
    args = [str(path), "--as-at", "2024-03-31", "--trust", "NCT"]
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert [e["row"] for e in json.loads(done.stdout)["errors"]] == [3, 4]
    assert "rejected" in done.stderr
