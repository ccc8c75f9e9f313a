"""The indicator catalogue, versioned definitions and targets per financial year."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from performance.models import Indicator, Target
from performance.services.indicators import indicator_revise_definition, target_set
from trust_portal.accounts.models import Arrangement
from trust_portal.periods import financial_year_of

THIS_MONTH = timezone.localdate().replace(day=1)
THIS_YEAR = financial_year_of(THIS_MONTH)


@pytest.fixture
def nct(cast):
    return Arrangement.objects.get(trust__code="NCT")


@pytest.fixture
def visits(cast):
    return Indicator.objects.get(code="CIN_VISIT_IN_TIME")


def set_target(nct, visits, by, **overrides):
    fields = {
        "by": by,
        "arrangement": nct,
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


def test_a_new_definition_applies_from_its_month_and_earlier_months_keep_theirs(cast, visits):
    revise(visits, cast["admin"])
    visits = Indicator.objects.with_definitions().get(pk=visits.pk)
    assert visits.definition_for(THIS_MONTH).version == 2
    assert visits.definition_for(date(2019, 2, 1)).version == 1


def test_a_definition_cannot_be_changed_for_months_already_reported(cast, visits):
    with pytest.raises(ValidationError, match="cannot change months already reported"):
        revise(visits, cast["admin"], valid_from=date(2024, 4, 1))


def test_a_definition_change_needs_a_reason(cast, visits):
    with pytest.raises(ValidationError, match="Say why"):
        revise(visits, cast["admin"], change_reason=" ")


@pytest.mark.parametrize("who", ["wnc-officer", "nct-manager", "dfe-observer", "wnc-scrutiny"])
def test_only_administrators_revise_definitions(cast, visits, who):
    with pytest.raises(PermissionDenied):
        revise(visits, cast[who])


def test_a_months_target_is_the_latest_change_in_force_then(cast, nct, visits):
    first = set_target(nct, visits, cast["wnc-officer"])
    later = set_target(
        nct, visits, cast["nnc-officer"], valid_from=date(THIS_YEAR + 1, 10, 1), target=Decimal(90)
    )
    assert Target.objects.in_force(arrangement=nct, month=date(THIS_YEAR + 1, 9, 1)) == {
        visits.pk: first
    }
    assert Target.objects.in_force(arrangement=nct, month=date(THIS_YEAR + 2, 2, 1)) == {
        visits.pk: later
    }


def test_targets_of_a_financial_year_do_not_leak_into_the_next(cast, nct, visits):
    assert visits.pk not in Target.objects.in_force(arrangement=nct, month=date(2020, 4, 1))
    assert visits.pk in Target.objects.in_force(arrangement=nct, month=date(2019, 4, 1))


def test_a_change_cannot_be_backdated_over_months_already_judged(cast, nct, visits):
    with pytest.raises(ValidationError, match="keep their target"):
        set_target(nct, visits, cast["wnc-officer"], financial_year=2019,
                   valid_from=date(2019, 10, 1))  # fmt: skip


def test_a_change_must_start_after_the_years_last_change(cast, nct, visits):
    set_target(nct, visits, cast["wnc-officer"], valid_from=date(THIS_YEAR + 1, 10, 1))
    with pytest.raises(ValidationError, match="must start after it"):
        set_target(nct, visits, cast["wnc-officer"], valid_from=date(THIS_YEAR + 1, 6, 1))


def test_the_start_month_must_fall_in_the_financial_year(cast, nct, visits):
    with pytest.raises(ValidationError, match="Choose a month in"):
        set_target(nct, visits, cast["wnc-officer"], valid_from=date(THIS_YEAR + 3, 5, 1))


def test_a_context_indicator_has_no_target(cast, nct):
    with pytest.raises(ValidationError, match="context only"):
        set_target(nct, Indicator.objects.get(code="OPEN_CASES"), cast["wnc-officer"])


def test_a_negative_tolerance_is_refused(cast, nct, visits):
    with pytest.raises(ValidationError):
        set_target(nct, visits, cast["wnc-officer"], tolerance=Decimal("-1"))


@pytest.mark.parametrize("who", ["nct-manager", "dfe-observer", "wnc-scrutiny", "admin"])
def test_only_council_officers_set_targets(cast, nct, visits, who):
    with pytest.raises(PermissionDenied):
        set_target(nct, visits, cast[who])


def test_an_officer_cannot_set_another_arrangements_targets(cast, nct, visits):
    with pytest.raises(PermissionDenied):
        set_target(nct, visits, cast["occ-officer"])


def test_every_target_change_is_in_the_history_with_who(cast, nct, visits):
    row = set_target(nct, visits, cast["wnc-officer"])
    assert row.history.get().history_user == cast["wnc-officer"]
    assert row.set_by == cast["wnc-officer"]


def test_the_catalogue_page_shows_the_years_targets(cast, client_for):
    page = client_for(cast["dfe-observer"]).get(
        reverse("performance:indicator-list", args=["NCT"]), {"year": 2018}
    )
    body = page.content.decode()
    assert "Targets for 2018/19" in body
    assert "Children in need plans in time" in body
    assert ">95%<" in body


def test_the_catalogue_page_queries_do_not_grow_with_indicators(
    cast, client_for, django_assert_max_num_queries
):
    client = client_for(cast["wnc-officer"])
    with django_assert_max_num_queries(8):
        client.get(reverse("performance:indicator-list", args=["NCT"]))


def test_an_indicator_page_shows_its_definition_and_target_history(cast, client_for):
    body = (
        client_for(cast["nct-manager"])
        .get(reverse("performance:indicator-detail", args=["NCT", "cp_visit_in_time"]))
        .content.decode()
    )
    assert "Children on a protection plan are at risk of significant harm" in body
    assert "Version 1" in body
    assert "Demo: target from the commissioner" in body
    assert "Set or change a target" not in body  # the trust reads targets, councils set them


def test_the_target_form_explains_a_refusal_and_keeps_the_answers(cast, client_for):
    response = client_for(cast["wnc-officer"]).post(
        reverse("performance:target-edit", args=["NCT", "CIN_VISIT_IN_TIME"]),
        {"financial_year": "2019", "valid_from": "2019-10-01", "target": "91", "tolerance": "3",
         "reason": "x"},
    )  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "keep their target" in body
    assert 'value="91"' in body


def test_the_api_needs_credentials(db):
    assert APIClient().get("/api/v1/indicators/").status_code == 401


def test_the_api_filters_the_catalogue(cast):
    client = APIClient()
    client.force_authenticate(cast["dfe-observer"])
    rows = client.get("/api/v1/indicators/", {"domain": "care_leavers", "unit": "percentage"})
    codes = [r["code"] for r in rows.json()["results"]]
    assert codes == ["CL_IN_TOUCH", "CL_PATHWAY_PLAN_IN_TIME"]
    first = rows.json()["results"][0]
    assert first["definition"]["version"] == 1
    assert first["has_rag"] is True
