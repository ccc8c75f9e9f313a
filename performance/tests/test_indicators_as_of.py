"""Indicator pages as they stood at a past moment (``?as_of=``): the indicator, its definition's
versions and the arrangement's targets recorded by then, as they were then, and nothing to
change; a moment in the future is refused. Built on factories (the root ``world``), with the
clock set to the moments each change is made at."""

from datetime import date, datetime
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

from django.urls import reverse

from performance.models import Indicator, Target
from performance.tests.factories import (
    IndicatorDefinitionFactory,
    IndicatorFactory,
    TargetFactory,
)

LONDON = ZoneInfo("Europe/London")
JANUARY = datetime(2025, 1, 10, 9, 30, tzinfo=LONDON)
APRIL = datetime(2025, 4, 10, 9, 30, tzinfo=LONDON)


def clock(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def changed_in_april(world):
    """An indicator with a 2024/25 target of 80 ± 5 and a definition set in January 2025; on
    10 April 2025 the tolerance became 6, a change to 85 from October 2024 was recorded and
    a second version of the definition written."""
    with clock(JANUARY):
        indicator = IndicatorFactory(code="ASOF_SEEN", name="Children seen in time")
        IndicatorDefinitionFactory(
            indicator=indicator,
            version=1,
            valid_from=date(2024, 4, 1),
            definition="Seen within 10 working days.",
        )
        first = TargetFactory(
            arrangement=world.arrangement,
            indicator=indicator,
            financial_year=2024,
            target=Decimal("80"),
        )
    with clock(APRIL):
        first.tolerance = Decimal("6")
        first.save()
        TargetFactory(
            arrangement=world.arrangement,
            indicator=indicator,
            financial_year=2024,
            valid_from=date(2024, 10, 1),
            target=Decimal("85"),
        )
        IndicatorDefinitionFactory(
            indicator=indicator,
            version=2,
            valid_from=date(2025, 4, 1),
            definition="Seen within 5 working days.",
        )
    return indicator


def targets_of(response) -> list[tuple[str, str, str]]:
    return [
        (f"{t.valid_from:%Y-%m}", f"{t.target:f}", f"{t.tolerance:f}")
        for t in response.context["targets"]
    ]


def test_the_indicator_as_of_a_moment_shows_the_targets_and_definition_recorded_then(
    world, client_for
):
    changed_in_april(world)
    url = reverse("performance:indicator-detail", args=[world.arrangement.code, "ASOF_SEEN"])
    client = client_for(world.people["officer"])  # who may set targets

    now = client.get(url)
    assert targets_of(now) == [("2024-10", "85.00", "5.00"), ("2024-04", "80.00", "6.00")]
    assert now.context["current"].definition == "Seen within 5 working days."
    assert "Set or change a target" in now.content.decode()

    then = client.get(url, {"as_of": "2025-03-31"})
    assert then.status_code == 200
    assert targets_of(then) == [("2024-04", "80.00", "5.00")]
    assert then.context["current"].definition == "Seen within 10 working days."
    assert [d.version for d in then.context["definitions"]] == [1]
    html = then.content.decode()
    assert "You are looking at the figures as they stood at the end of 31 March 2025." in html
    assert "Set or change a target" not in html
    assert "Revise the definition" not in html
    # The target as written (80.00 is "80", never "8E+1").
    assert 'tp-numeric">80%</td>' in html
    assert 'tp-numeric">5 pts</td>' in html

    before = client.get(url, {"as_of": "2025-01-01"})
    assert before.status_code == 404  # not yet in the catalogue

    future = client.get(url, {"as_of": "2999-01-01"})
    assert future.status_code == 400
    assert "That moment is in the future" in future.content.decode()


def test_the_indicator_list_as_of_a_moment_shows_each_target_as_it_stood(world, client_for):
    changed_in_april(world)
    url = reverse("performance:indicator-list", args=[world.arrangement.code])
    client = client_for(world.people["scrutiny"])

    def target_of(response):
        found = [t for i, t in response.context["rows"] if i.code == "ASOF_SEEN"]
        return [(f"{t.target:f}", f"{t.tolerance:f}") for t in found]

    assert target_of(client.get(url, {"year": 2024})) == [("85.00", "5.00")]
    then = client.get(url, {"year": 2024, "as_of": "2025-03-31"})
    assert target_of(then) == [("80.00", "5.00")]
    html = then.content.decode()
    assert 'name="as_of" value="2025-03-31"' in html  # the year's choice keeps to the moment
    assert "/indicators/ASOF_SEEN/?as_of=2025-03-31" in html
    # By default, the financial year of the moment (2024/25), not this one.
    assert then.context["year"] == 2024
    by_default = client.get(url, {"as_of": "2025-03-31"})
    assert by_default.context["year"] == 2024
    assert '<option value="2024" selected>2024/25</option>' in by_default.content.decode()
    assert client.get(url, {"as_of": "2999-01-01"}).status_code == 400


def test_a_target_recorded_before_its_history_was_kept_is_taken_as_it_is(world, client_for):
    indicator = changed_in_april(world)
    untracked = TargetFactory(
        arrangement=world.arrangement,
        indicator=indicator,
        financial_year=2023,
        target=Decimal("75"),
    )
    Target.history.filter(id=untracked.pk).delete()
    url = reverse("performance:indicator-detail", args=[world.arrangement.code, "ASOF_SEEN"])
    then = client_for(world.people["scrutiny"]).get(url, {"as_of": "2025-03-31"})
    assert targets_of(then) == [("2024-04", "80.00", "5.00"), ("2023-04", "75.00", "5.00")]


def test_the_words_of_an_indicator_as_of_a_moment_are_the_versions_written_by_then(world):
    changed_in_april(world)  # version 1 written in January 2025, version 2 in April

    def versions(**moment):
        indicator = Indicator.objects.with_definitions(**moment).get(code="ASOF_SEEN")
        return sorted(d.version for d in indicator.definitions.all())

    assert versions() == [1, 2]
    assert versions(at=datetime(2025, 3, 31, 23, 59, tzinfo=LONDON)) == [1]
    assert versions(at=datetime(2025, 1, 1, tzinfo=LONDON)) == []
