"""The workforce rates' census definitions as version 2 of their words: added by the data
migration to a catalogue loaded before them, loaded by the demo the same way, in force for
every month with a workforce return, listed on the indicator page, and noted where a pair of
months spans a change of definition (issue 13)."""

import json
from datetime import date
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.urls import reverse

from performance import dashboards
from performance.models import Indicator, IndicatorDefinition
from performance.tests.factories import IndicatorFactory
from trust_portal.approvals.models import State
from trust_portal.periods import next_month
from workforce.tests.factories import TeamFactory, TeamFiguresFactory, WorkforceReturnFactory

CODES = ["WORKFORCE_VACANCY_RATE", "WORKFORCE_AGENCY_RATE", "WORKFORCE_TURNOVER_RATE"]
MIGRATION = import_module("performance.migrations.0008_workforce_census_definitions")
WORDS = ("definition", "why_it_matters", "numerator_words", "denominator_words")


def fixture_rows() -> dict:
    data = json.loads((settings.BASE_DIR / "fixtures" / "indicators.json").read_text())
    return {row["code"]: row for row in data["indicators"] if row["code"] in CODES}


def versions(code: str) -> list[IndicatorDefinition]:
    return list(IndicatorDefinition.objects.filter(indicator__code=code).order_by("version"))


def test_the_migrations_words_are_the_demos(db):
    rows = fixture_rows()
    for code in CODES:
        (later,) = rows[code]["later_versions"]
        assert {w: later[w] for w in WORDS} == MIGRATION.CENSUS[code]
        assert later["change_reason"] == MIGRATION.REASON


@pytest.mark.parametrize("code", CODES)
def test_the_demo_has_the_first_words_then_the_census_words_from_may_2018(db, code):
    row = fixture_rows()[code]
    first, census = versions(code)
    assert (first.version, first.valid_from) == (1, date(2018, 4, 1))
    assert {w: getattr(first, w) for w in WORDS} == {w: row[w] for w in WORDS}
    assert (census.version, census.valid_from, census.change_reason) == (
        2,
        date(2018, 5, 1),
        MIGRATION.REASON,
    )
    assert {w: getattr(census, w) for w in WORDS} == MIGRATION.CENSUS[code]
    indicator = Indicator.objects.get(code=code)
    # Every month with a workforce return (the demo's first is December 2018) reads version 2.
    assert indicator.definition_for(date(2018, 12, 1)).version == 2
    assert indicator.definition_for(date(2018, 4, 1)).version == 1


def test_the_vacancy_rates_two_versions_say_what_each_counted(db):
    first, census = versions("WORKFORCE_VACANCY_RATE")
    assert (first.numerator_words, first.denominator_words) == (
        "vacant FTE",
        "vacant FTE plus employed FTE",
    )
    assert (census.numerator_words, census.denominator_words) == (
        "FTE vacancies, agency-covered included",
        "FTE vacancies plus FTE social workers",
    )


def test_the_data_migration_adds_the_census_words_as_the_demo_loads_them(db):
    loaded = {c: [(d.version, d.valid_from, d.definition) for d in versions(c)] for c in CODES}
    IndicatorDefinition.objects.filter(indicator__code__in=CODES, version=2).delete()
    MIGRATION.add_census_versions(django_apps, None)
    for code in CODES:
        assert [(d.version, d.valid_from, d.definition) for d in versions(code)] == loaded[code]
        added = versions(code)[1]
        assert (added.reviewed_by, added.reviewed_on, added.change_reason) == (
            "Trust Portal team",
            date(2026, 12, 7),
            MIGRATION.REASON,
        )


def test_the_data_migration_leaves_census_words_already_there(db):
    MIGRATION.add_census_versions(django_apps, None)  # the demo has them as version 2 already
    assert [len(versions(code)) for code in CODES] == [2, 2, 2]


def test_the_data_migration_starts_the_new_version_the_month_after_the_latest(db):
    IndicatorDefinition.objects.filter(indicator__code__in=CODES, version=2).delete()
    IndicatorDefinition.objects.filter(indicator__code="WORKFORCE_AGENCY_RATE").update(
        valid_from=date(2023, 12, 1)
    )
    MIGRATION.add_census_versions(django_apps, None)
    added = versions("WORKFORCE_AGENCY_RATE")[1]
    assert (added.version, added.valid_from) == (2, date(2024, 1, 1))


def test_undoing_the_migration_takes_away_only_the_census_versions(db):
    MIGRATION.remove_census_versions(django_apps, None)
    assert [[d.version for d in versions(code)] for code in CODES] == [[1], [1], [1]]


def test_the_indicator_page_lists_both_versions_and_their_words(people, client_for, arrangement):
    url = reverse("performance:indicator-detail", args=[arrangement.code, "workforce_vacancy_rate"])
    body = client_for(people["manager"]).get(url).content.decode()
    history = body[body.index("Definition history") :]
    assert "<strong>Version 2</strong>, from May 2018: The DfE children&#x27;s" in history
    assert "<strong>Version 1</strong>, from April 2018: First version of the catalogue" in history
    assert history.index("Version 2") < history.index("Version 1")
    assert (
        "Numerator: FTE vacancies, agency-covered included; denominator: FTE vacancies plus FTE "
        "social workers." in history
    )
    assert "Numerator: vacant FTE; denominator: vacant FTE plus employed FTE." in history
    summary = body[: body.index("Definition history")]
    assert "Version 2, from May 2018" in summary  # the words in force now


# --- Why it moved: a pair of months spanning a change of definition says so ---------------


@pytest.fixture
def vacancy_months(world, arrangement):
    """Four approved workforce months, April to July 2024, of one team."""
    rate = IndicatorFactory(code="WORKFORCE_VACANCY_RATE")  # the demo's, by its code
    team = TeamFactory(arrangement=arrangement, area=world.councils[0])
    month = date(2024, 4, 1)
    for vacant in ["4.00", "5.00", "4.00", "6.00"]:
        approved = WorkforceReturnFactory(
            arrangement=arrangement, period=month, state=State.APPROVED
        )
        TeamFiguresFactory(workforce_return=approved, team=team, vacant_fte=Decimal(vacant))
        month = next_month(month)
    return rate


NOT_SPLIT = (
    "This rate's parts are full-time equivalents from the workforce return, not counts, so its "
    "changes are not split here: the workforce return's page shows its parts."
)


def why_text(arrangement, indicator) -> str:
    page = dashboards.build_indicators(arrangement)["pages"][indicator.code]
    return next(b for b in page["blocks"] if b["id"] == "why")["text"]


def test_with_every_month_under_the_census_words_no_change_is_noted(arrangement, vacancy_months):
    assert why_text(arrangement, vacancy_months) == NOT_SPLIT


def test_a_pair_of_months_spanning_the_change_notes_it(arrangement, vacancy_months):
    IndicatorDefinition.objects.filter(indicator=vacancy_months, version=2).update(
        valid_from=date(2024, 6, 1)
    )
    assert why_text(arrangement, vacancy_months) == (
        f"{NOT_SPLIT} From May 2024 to June 2024: the definition changed between these months "
        "(version 1, then version 2 from June 2024): part of the move may be the new "
        "definition, not a change in practice."
    )
