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
    rows = [
        (r["code"], r["month"], r["percent"], r["numerator"], r["rag"])
        for r in rows_of(block(data["blocks"], "indicators"))
        if r["code"].startswith("WORKFORCE_")
    ]
    # The demo's latest approved workforce return is October 2026 (November's is a draft).
    assert rows == [
        ("WORKFORCE_VACANCY_RATE", "2026-10", "8.7", None, "green"),
        ("WORKFORCE_AGENCY_RATE", "2026-10", "6.3", None, "green"),
        ("WORKFORCE_TURNOVER_RATE", "2026-10", "9.9", None, "green"),
        ("WORKFORCE_EXPERIENCED_SHARE", "2026-10", "63.9", None, "green"),
    ]


def test_the_demo_says_why_child_protection_visits_moved(cast, nct):
    page = dashboards.build_indicators(nct)["pages"]["CP_VISIT_IN_TIME"]
    (february,) = rows_of(block(page["blocks"], "why"), month="2019-02", area="Overall")
    assert february["why"] == (
        "Up 12.1 points: 73 more open CP children visited in time added 12.3 points, "
        "2 more open CP children took off 0.2 points"
    )


def test_the_demos_control_chart_has_limits_from_march_2019_and_flags_its_months(cast, nct):
    # The demo's approved returns: October 2018 to March 2019 (the county's), then April 2021 to
    # August 2026. The two-weekly visit standard from March 2019 re-bases the limits: the five
    # months before it are too few for limits; the 66 from March 2019 have them, and a service
    # improving for five years is special cause throughout, below the centre line (concern)
    # until July 2023 and above it (improvement) from August 2023.
    page = dashboards.build_indicators(nct)["pages"]["CP_VISIT_IN_TIME"]
    control = block(page["blocks"], "control")
    assert control["kind"] == "chart"
    assert control["summary"] == (
        "Laney's p′ chart of the overall figure: its centre line and limits come from its own "
        "months (at least 12, re-based when the definition or a rule deciding it changes), and "
        "the limits widen in a month with a smaller denominator. North Northamptonshire "
        "Council: August 2026's 91.8% is above its upper limit (86.3%), in a run of 7 or more "
        "months above the centre line (83.0%) and one of two in three months beyond two sigma "
        "above the centre line: a real change, not noise (an improvement). West "
        "Northamptonshire Council: August 2026's 92.3% is above its upper limit (85.0%), in a "
        "run of 7 or more months above the centre line (81.8%) and one of two in three months "
        "beyond two sigma above the centre line: a real change, not noise (an improvement). "
        "Overall: August 2026's 92.1% is above its upper limit (84.6%), in a run of 7 or more "
        "months above the centre line (82.4%) and one of two in three months beyond two sigma "
        "above the centre line: a real change, not noise (an improvement). Special cause in 66 "
        "of the 66 months charted (37 improvement, 29 concern), the latest in August 2026; the "
        "chart's table flags each."
    )
    rows = rows_of(control)
    assert [r["month"] for r in rows[:7]] == [
        "2018-10", "2018-11", "2018-12", "2019-01", "2019-02", "2019-03", "2021-04",
    ]  # fmt: skip
    assert (rows[-1]["month"], len(rows)) == ("2026-08", 5 + 66)
    assert [r["signal"] for r in rows] == (
        ["No limits yet"] * 5
        + ["Special cause: concern"] * 29
        + ["Special cause: improvement"] * 37
    )
    assert rows[33]["month"] == "2023-07" and rows[34]["month"] == "2023-08"
    assert [(r["centre"], r["lower"], r["upper"]) for r in rows[:6]] == [
        *[(None, None, None)] * 5,
        ("82.38", "80.23", "84.52"),  # March 2019: 456 of 600
    ]
    (august,) = rows_of(control, month="2026-08")
    assert (august["percent"], august["numerator"], august["denominator"]) == ("92.1", 499, 542)
    assert (august["centre"], august["lower"], august["upper"]) == ("82.38", "80.12", "84.64")
    assert {r["centre"] for r in rows[5:]} == {"82.38"}
    names = [trace["name"] for trace in control["figure"]["data"]]
    assert names == ["Overall", "Centre line", "Upper limit", "Lower limit",
                     "Special cause: improvement", "Special cause: concern"]  # fmt: skip
