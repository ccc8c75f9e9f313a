"""The national-scale generator (``python manage.py generate_national``, issue 18), at a tiny
scale: two arrangements, one year."""

import io

import pytest
from django.core.management import CommandError, call_command

from contracts import money
from contracts.models import BudgetLine, BudgetReturn, ContractYear, Instalment
from performance.models import Indicator, Measurement, MonthlyReturn
from transformation.models import BenefitQuarter, BusinessCase, Risk
from trust_portal.accounts.models import Arrangement, Organisation, User
from trust_portal.accounts.national import councils_each
from trust_portal.approvals.models import AreaDecision, State
from trust_portal.dashboards.models import Snapshot
from trust_portal.dashboards.services import snapshot_recompute
from trust_portal.national import Plan
from workforce.models import Team, TeamFigures, WorkforceReturn

TINY = {"scale": 0.04, "years": 1}  # 2 arrangements, 6 councils, 12 months


def generate(**options) -> str:
    out = io.StringIO()
    call_command("generate_national", stdout=out, **{**TINY, "fresh": True, **options})
    return out.getvalue()


def figures() -> list[tuple]:
    return list(
        Measurement.objects.order_by("pk").values_list(
            "monthly_return__arrangement__trust__code",
            "monthly_return__period",
            "indicator__code",
            "area",
            "numerator",
            "denominator",
        )
    )


@pytest.mark.parametrize("scale", [0.04, 1, 2, 4])
def test_the_scale_sets_the_arrangements_and_one_to_four_councils_each(scale):
    plan = Plan(seed=1, scale=scale, months=[])
    each = councils_each(plan)
    assert len(each) == round(50 * scale)
    assert sum(each) == round(150 * scale)
    assert all(1 <= n <= 4 for n in each)


@pytest.mark.django_db
def test_it_makes_what_the_scale_asks_for():
    output = generate()
    generated = Arrangement.objects.filter(trust__code__startswith="GT")
    assert Arrangement.objects.count() == generated.count() == 2
    councils = [a.councils.count() for a in generated]
    assert sum(councils) == 6 and all(1 <= n <= 4 for n in councils)
    assert not Organisation.objects.filter(code__in=["NCT", "NNC", "WNC", "OCT", "OCC"]).exists()
    assert MonthlyReturn.objects.count() == WorkforceReturn.objects.count() == 2 * 12
    entered = Indicator.objects.filter(entered_in=Indicator.EnteredIn.PERFORMANCE)
    cells = sum(sum(n + (0 if i.additive else 1) for i in entered) for n in councils)
    assert Measurement.objects.count() == 12 * cells
    assert TeamFigures.objects.count() == 12 * Team.objects.count()
    # December 2025 to November 2026: the financial years 2025/26 and 2026/27
    assert ContractYear.objects.count() == 2 * 2
    assert BudgetReturn.objects.count() == 2 * 12
    assert BudgetLine.objects.count() == 2 * 12 * 5
    assert BusinessCase.objects.count() == 2 * 2 * 2
    assert Risk.objects.count() == 2 * 8
    assert "performance measurements" in output and "Generated in" in output


@pytest.mark.django_db
def test_every_return_is_approved_by_each_council_area():
    generate()
    for model in (MonthlyReturn, WorkforceReturn, BudgetReturn):
        for submission in model.objects.select_related("arrangement"):
            assert submission.state == State.APPROVED and submission.approved_at
            councils = set(submission.arrangement.councils.values_list("pk", flat=True))
            approved = {
                d.council_id
                for d in submission.current_decisions()
                if d.decision == AreaDecision.Decision.APPROVED
            }
            assert approved == councils


@pytest.mark.django_db
def test_each_contract_year_is_agreed_split_and_paid_to_the_penny():
    generate()
    for year in ContractYear.objects.all():
        assert year.state == ContractYear.State.AGREED and year.agreed_on
        figures = money.year_figures(year)
        assert figures.split_complete and figures.block1 > 0
        for council in figures.councils:
            rows = year.instalments.filter(council__code=council.code)
            assert rows.count() == 12
            assert sum(i.amount for i in rows) == council.contribution


@pytest.mark.django_db
def test_the_bulk_made_rows_have_their_history():
    generate()
    for model in (
        Organisation,
        Arrangement,
        User,
        Measurement,
        Team,
        TeamFigures,
        ContractYear,
        Instalment,
        BudgetLine,
        BusinessCase,
        BenefitQuarter,
        Risk,
    ):
        assert model.history.count() == model.objects.count() > 0, model


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_figures_and_another_seed_others():
    generate(seed=7)
    first = figures()
    generate(seed=7)
    assert figures() == first
    generate(seed=8)
    assert figures() != first


@pytest.mark.django_db
def test_the_dashboards_recompute_over_the_generated_arrangements():
    generate()
    for arrangement in Arrangement.objects.all():
        built = snapshot_recompute(arrangement=arrangement)
        assert built
    assert Snapshot.objects.filter(arrangement__trust__code__startswith="GT").exists()


@pytest.mark.django_db
def test_it_refuses_to_mix_with_the_demo_or_a_previous_generation():
    with pytest.raises(CommandError, match="the demo"):
        call_command("generate_national", stdout=io.StringIO(), **TINY)
    generate()
    with pytest.raises(CommandError, match="previous generation.*--fresh"):
        call_command("generate_national", stdout=io.StringIO(), **TINY)
    assert Arrangement.objects.count() == 2
