"""The demo's dated rules: NCT's child protection visit standard four-weekly to February 2019
and two-weekly from March 2019 (the portal's reading of the Commissioner's report's Table 1
footnote), shown on the demo's own returns, rules page and dashboards. The workings are
checked on factories in test_rules.py and test_settings_page.py."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from conftest import signed_in_fully
from performance import dashboards
from performance.models import RuleBook
from trust_portal.accounts.models import Arrangement, User


@pytest.fixture
def nct(cast):
    return Arrangement.objects.get(trust__code="NCT")


def page(username, name, *args):
    client = signed_in_fully(Client(), User.objects.get(username=username))
    return client.get(reverse(name, args=args)).content.decode()


def test_the_demo_records_four_weekly_to_february_2019_and_two_weekly_from_march(nct):
    book = RuleBook.of(nct)
    assert [(r.valid_from, r.cp_visit_days) for r in book.rows] == [
        (date(2018, 4, 1), 28),
        (date(2019, 3, 1), 14),
    ]
    assert [book.at(date(2018, 12, 1)).cp_visit_days, book.at(date(2019, 3, 1)).cp_visit_days] == [
        28,
        14,
    ]


@pytest.mark.parametrize(
    ("user", "month", "words"),
    [
        (
            "wnc-officer",
            "2018-12",
            "every 4 weeks (28 days), the standard in force for December 2018",
        ),
        (
            "wnc-officer",
            "2019-02",
            "every 4 weeks (28 days), the standard in force for February 2019",
        ),
        ("nct-manager", "2019-03", "every 2 weeks (14 days), the standard in force for March 2019"),
    ],
)
def test_the_demos_returns_say_which_standard_they_were_judged_against(nct, user, month, words):
    body = page(user, "performance:return-detail", "NCT", month, 1)
    assert f"Child protection visits judged against {words}" in body


def test_the_rules_page_says_the_month_is_the_portals_reading_of_the_footnote(nct):
    body = page("nnc-scrutiny", "performance:settings", "NCT")
    assert "From March 2019</h3>" in body
    assert "From April 2018, and every month before</h3>" in body
    assert (
        "In February the standard was every four weeks, this is now changed to every two weeks"
        in body
    )
    assert (
        "March 2019, the month after February, is the portal&#x27;s reading of the footnote" in body
    )
    assert "Child protection: visit at least every (days): <del>28</del> → <ins>14</ins>" in body


def test_the_demos_trend_page_names_the_standard_of_its_approved_months(nct):
    # October 2018 to February 2019 are approved under the four-weekly standard; March 2019 and
    # the trust's months from April 2021, under the two-weekly one, are approved too.
    pages = dashboards.build_indicators(nct)["pages"]
    note = next(b for b in pages["CP_VISIT_IN_TIME"]["blocks"] if b["id"] == "rules")["text"]
    assert note == (
        "Child protection visits judged against every 4 weeks (28 days) to February 2019, "
        "judged against every 2 weeks (14 days) from March 2019; percentages marked small "
        "numbers below a denominator of 10 in every month shown: each month is judged under "
        "the rules in force for it."
    )
