"""The demo's benefits realisation (the Circle to Success case, Valuing Care): the published
figures, which of them are synthetic, and loading the benefits demo. Everything else about
benefits is tested on factories in test_benefits.py."""

from decimal import Decimal

import pytest

from transformation.models import Benefit, BenefitQuarter
from transformation.tests.benefit_cases import circle_to_success, manager, nct

D = Decimal


@pytest.fixture
def valuing_care(db):
    case = circle_to_success()
    return {b.name: b for b in case.benefits.all()}


def _year(benefit, year=2024):
    return {q.quarter: q for q in benefit.quarters.filter(financial_year=year)}


def test_the_demo_reproduces_the_published_valuing_care_figures(valuing_care):
    assert sorted(valuing_care) == [
        "Children and young people worked with",
        "Savings",
        "Valuing Care assessments",
    ]
    reported = {
        name: sum(q.actual for q in _year(b).values() if q.actual is not None)
        for name, b in valuing_care.items()
    }
    assert reported["Valuing Care assessments"] == 555  # "over 550"
    assert reported["Children and young people worked with"] == 63
    assert reported["Savings"] == D("1990000.00")  # "just under £2m"
    assert D("1990000.00") < D("2000000.00")


def test_the_demos_quarters_1_and_2_both_exceed_the_lower_tolerance(valuing_care):
    for benefit in valuing_care.values():
        quarters = _year(benefit)
        for q in (1, 2):
            assert quarters[q].actual > quarters[q].lower_tolerance, (benefit.name, q)
        assert [quarters[q].rag for q in (1, 2)] == ["green", "amber"]
        assert quarters[3].actual is None and quarters[4].actual is None
        assert quarters[3].target > 0 and quarters[4].target > 0


def test_the_demo_says_which_figures_are_synthetic(valuing_care):
    for benefit in valuing_care.values():
        assert "synthetic" in benefit.description and "5.6" in benefit.description
        for q in (1, 2):
            assert "synthetic" in _year(benefit)[q].commentary


def test_loading_the_benefits_demo_twice_adds_nothing(valuing_care):
    from transformation.demo.benefits import load_benefits

    counts = (
        Benefit.objects.count(),
        BenefitQuarter.objects.count(),
        BenefitQuarter.history.count(),
        Benefit.history.count(),
    )
    assert load_benefits(nct()).startswith("Benefits added: 0; quarters reported: 0")
    assert counts == (
        Benefit.objects.count(),
        BenefitQuarter.objects.count(),
        BenefitQuarter.history.count(),
        Benefit.history.count(),
    )


def test_the_benefits_demo_skips_a_case_the_programme_has_not_loaded(db):
    from transformation.demo.benefits import load_benefits
    from trust_portal.accounts.models import Arrangement

    message = load_benefits(Arrangement.objects.get(trust__code="OCT"), manager=manager())
    assert "no approved case yet for: Circle to Success" in message
