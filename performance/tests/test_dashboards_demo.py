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


def test_the_demo_says_why_child_protection_visits_moved(cast, nct):
    page = dashboards.build_indicators(nct)["pages"]["CP_VISIT_IN_TIME"]
    (february,) = rows_of(block(page["blocks"], "why"), month="2019-02", area="Overall")
    assert february["why"] == (
        "Up 12.1 points: 73 more open CP children visited in time added 12.3 points, "
        "2 more open CP children took off 0.2 points"
    )


def test_the_demo_has_too_few_months_for_control_limits_and_says_so(cast, nct):
    # The demo's performance returns run from October 2018 to March 2019: no indicator has
    # the 12 months a control chart's limits need.
    page = dashboards.build_indicators(nct)["pages"]["CP_VISIT_IN_TIME"]
    control = block(page["blocks"], "control")
    assert control["kind"] == "note"
    assert "Overall: not enough history for control limits yet (5 months" in control["text"]
