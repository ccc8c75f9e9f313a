"""The indicator catalogue, versioned definitions and targets per financial year. Built on
factories: the root ``world`` and indicators of the test's own, each with a first definition
from April 2018 and a 2019/20 target in the world's arrangement."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from performance.models import Indicator, Target
from performance.services.indicators import indicator_revise_definition, target_set
from performance.tests.factories import IndicatorDefinitionFactory, IndicatorFactory, TargetFactory
from trust_portal.periods import financial_year_label, financial_year_of

THIS_MONTH = timezone.localdate().replace(day=1)
THIS_YEAR = financial_year_of(THIS_MONTH)
WHY = "Children on a plan are at risk of significant harm: test words."
TARGET_REASON = "Test: target from the commissioner"


@pytest.fixture
def visits(arrangement, catalogue):
    """A percentage with version 1 of its definition from April 2018, and a 2019/20 target of
    95% (so months of 2019/20 have been judged against it)."""
    IndicatorDefinitionFactory(
        indicator=catalogue.visits, valid_from=date(2018, 4, 1), why_it_matters=WHY
    )
    TargetFactory(
        arrangement=arrangement,
        indicator=catalogue.visits,
        financial_year=2019,
        target=Decimal(95),
        tolerance=Decimal(5),
        reason=TARGET_REASON,
    )
    return catalogue.visits


def set_target(arrangement, visits, by, **overrides):
    fields = {
        "by": by,
        "arrangement": arrangement,
        "indicator": visits,
        "financial_year": THIS_YEAR + 1,
        "target": Decimal("88"),
        "tolerance": Decimal("4"),
        "reason": "Agreed at the performance board",
    }
    return target_set(**{**fields, **overrides})


def revise(visits, by, **overrides):
    fields = {
        "by": by,
        "indicator": visits,
        "valid_from": THIS_MONTH,
        "definition": "New words",
        "why_it_matters": "Still matters",
        "numerator_words": "n",
        "denominator_words": "d",
        "reviewed_by": "Head of performance",
        "reviewed_on": timezone.localdate(),
        "change_reason": "Clearer",
    }
    return indicator_revise_definition(**{**fields, **overrides})


def test_a_new_definition_applies_from_its_month_and_earlier_months_keep_theirs(people, visits):
    revise(visits, people["admin"])
    visits = Indicator.objects.with_definitions().get(pk=visits.pk)
    assert visits.definition_for(THIS_MONTH).version == 2
    assert visits.definition_for(date(2019, 2, 1)).version == 1


def test_a_definition_cannot_be_changed_for_months_already_reported(people, visits):
    with pytest.raises(ValidationError, match="cannot change months already reported"):
        revise(visits, people["admin"], valid_from=date(2024, 4, 1))


@pytest.mark.parametrize("month", [date(9999, 12, 1), date(1, 1, 1)])
def test_a_definition_from_a_month_outside_2000_to_next_year_is_refused(people, visits, month):
    with pytest.raises(ValidationError) as refused:
        revise(visits, people["admin"], valid_from=month, allow_past=True)
    last = date.today().year + 1
    assert refused.value.message_dict == {
        "valid_from": [f"Enter a month from January 2000 to December {last}."]
    }
    assert visits.definitions.count() == 1


def test_a_definition_change_needs_a_reason(people, visits):
    with pytest.raises(ValidationError, match="Say why"):
        revise(visits, people["admin"], change_reason=" ")


@pytest.mark.parametrize("who", ["officer", "manager", "observer", "scrutiny"])
def test_only_administrators_revise_definitions(people, visits, who):
    with pytest.raises(PermissionDenied):
        revise(visits, people[who])


def test_a_months_target_is_the_latest_change_in_force_then(people, arrangement, visits):
    first = set_target(arrangement, visits, people["officer"])
    later = set_target(
        arrangement,
        visits,
        people["other-officer"],
        valid_from=date(THIS_YEAR + 1, 10, 1),
        target=Decimal(90),
    )
    in_force = Target.objects.in_force
    assert in_force(arrangement=arrangement, month=date(THIS_YEAR + 1, 9, 1)) == {visits.pk: first}
    assert in_force(arrangement=arrangement, month=date(THIS_YEAR + 2, 2, 1)) == {visits.pk: later}


def test_targets_of_a_financial_year_do_not_leak_into_the_next(arrangement, visits):
    assert visits.pk not in Target.objects.in_force(arrangement=arrangement, month=date(2020, 4, 1))
    assert visits.pk in Target.objects.in_force(arrangement=arrangement, month=date(2019, 4, 1))


def test_a_change_cannot_be_backdated_over_months_already_judged(people, arrangement, visits):
    with pytest.raises(ValidationError, match="keep their target"):
        set_target(
            arrangement,
            visits,
            people["officer"],
            financial_year=2019,
            valid_from=date(2019, 10, 1),
        )


def test_a_change_must_start_after_the_years_last_change(people, arrangement, visits):
    set_target(arrangement, visits, people["officer"], valid_from=date(THIS_YEAR + 1, 10, 1))
    with pytest.raises(ValidationError, match="must start after it"):
        set_target(arrangement, visits, people["officer"], valid_from=date(THIS_YEAR + 1, 6, 1))


def test_the_start_month_must_fall_in_the_financial_year(people, arrangement, visits):
    with pytest.raises(ValidationError, match="Choose a month in"):
        set_target(arrangement, visits, people["officer"], valid_from=date(THIS_YEAR + 3, 5, 1))


def test_a_context_indicator_has_no_target(people, arrangement):
    context = IndicatorFactory(unit=Indicator.Unit.COUNT, polarity=Indicator.Polarity.CONTEXT)
    with pytest.raises(ValidationError, match="context only"):
        set_target(arrangement, context, people["officer"])


def test_a_negative_tolerance_is_refused(people, arrangement, visits):
    with pytest.raises(ValidationError):
        set_target(arrangement, visits, people["officer"], tolerance=Decimal("-1"))


@pytest.mark.parametrize("who", ["manager", "observer", "scrutiny", "admin"])
def test_only_council_officers_set_targets(people, arrangement, visits, who):
    with pytest.raises(PermissionDenied):
        set_target(arrangement, visits, people[who])


def test_an_officer_cannot_set_another_arrangements_targets(people, arrangement, visits):
    with pytest.raises(PermissionDenied):
        set_target(arrangement, visits, people["outsider"])


def test_every_target_change_is_in_the_history_with_who(people, arrangement, visits):
    row = set_target(arrangement, visits, people["officer"])
    assert row.history.get().history_user == people["officer"]
    assert row.set_by == people["officer"]


def test_the_catalogue_page_shows_the_years_targets(people, client_for, arrangement):
    plans = IndicatorFactory(name="Test plans in time")
    TargetFactory(arrangement=arrangement, indicator=plans, financial_year=2018, target=Decimal(95))
    page = client_for(people["observer"]).get(
        reverse("performance:indicator-list", args=[arrangement.code]), {"year": 2018}
    )
    body = page.content.decode()
    assert "Targets for 2018/19" in body
    assert "Test plans in time" in body
    assert ">95%<" in body


@pytest.mark.parametrize("year", ["٢٠١٨", "-5", "9" * 5000])
def test_a_year_not_in_digits_0_to_9_shows_this_years_targets(
    people, client_for, arrangement, year
):
    page = client_for(people["observer"]).get(
        reverse("performance:indicator-list", args=[arrangement.code]), {"year": year}
    )
    this_year = financial_year_label(financial_year_of(timezone.localdate()))
    assert page.status_code == 200
    assert f"Targets for {this_year}" in page.content.decode()


def test_the_catalogue_page_queries_do_not_grow_with_indicators(
    people, client_for, arrangement, visits, django_assert_max_num_queries
):
    IndicatorFactory.create_batch(5)
    client = client_for(people["officer"])
    with django_assert_max_num_queries(8):
        client.get(reverse("performance:indicator-list", args=[arrangement.code]))


def test_an_indicator_page_shows_its_definition_and_target_history(
    people, client_for, arrangement, visits
):
    url = reverse("performance:indicator-detail", args=[arrangement.code, visits.code.lower()])
    body = client_for(people["manager"]).get(url).content.decode()
    assert WHY in body
    assert "Version 1" in body
    assert TARGET_REASON in body
    assert "Set or change a target" not in body  # the trust reads targets, councils set them


def test_the_target_form_explains_a_refusal_and_keeps_the_answers(
    people, client_for, arrangement, visits
):
    response = client_for(people["officer"]).post(
        reverse("performance:target-edit", args=[arrangement.code, visits.code]),
        {
            "financial_year": "2019",
            "valid_from": "2019-10-01",
            "target": "91",
            "tolerance": "3",
            "reason": "x",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "keep their target" in body
    assert 'value="91"' in body


def test_the_api_needs_credentials(db):
    assert APIClient().get("/api/v1/indicators/").status_code == 401


def test_the_api_filters_the_catalogue(people):
    care_leavers = Indicator.Domain.CARE_LEAVERS
    in_touch, plans = (
        IndicatorFactory(code=f"TEST_CL_{n}", domain=care_leavers, display_order=2000 + n)
        for n in (1, 2)
    )
    IndicatorDefinitionFactory(indicator=in_touch)
    left_out = [
        IndicatorFactory(domain=care_leavers, unit=Indicator.Unit.COUNT),
        IndicatorFactory(domain=Indicator.Domain.LOOKED_AFTER),
    ]
    client = APIClient()
    client.force_authenticate(people["observer"])
    rows = client.get("/api/v1/indicators/", {"domain": "care_leavers", "unit": "percentage"})
    results = rows.json()["results"]
    codes = [r["code"] for r in results]
    # The published catalogue's own (fixtures/indicators.json) come first, then the test's.
    assert codes == ["CL_IN_TOUCH", "CL_PATHWAY_PLAN_IN_TIME", in_touch.code, plans.code]
    assert not {i.code for i in left_out} & set(codes)
    assert all(
        (i.domain, i.unit) == (care_leavers, Indicator.Unit.PERCENTAGE)
        for i in Indicator.objects.filter(code__in=codes)
    )
    first = results[-2]
    assert first["definition"]["version"] == 1
    assert first["has_rag"] is True
