"""The performance dashboards on the demo's own figures: what the demo shows. The dashboards'
workings are checked on factories in test_dashboards.py."""

import pytest

from performance import dashboards
from trust_portal.accounts.models import Arrangement


@pytest.fixture
def nct(cast):
    return Arrangement.objects.get(trust__code="NCT")


def rows_of(block, **match):
    keys = [c["key"] for c in block["table"]["columns"]]
    found = [dict(zip(keys, row, strict=True)) for row in block["table"]["rows"]]
    return [r for r in found if all(r[k] == v for k, v in match.items())]


def block(blocks, block_id):
    return next(b for b in blocks if b["id"] == block_id)


def test_the_workforce_rates_come_from_approved_workforce_returns(cast, nct):
    data = dashboards.build_indicators(nct)
    (row,) = rows_of(block(data["blocks"], "indicators"), code="WORKFORCE_VACANCY_RATE")
    # The demo's July 2024 workforce return: 12.9% (the scrutiny committee's figure).
    assert (row["month"], row["percent"], row["numerator"]) == ("2024-07", "12.9", None)
