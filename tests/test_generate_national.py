"""The national-scale generator (``python manage.py generate_national``, issue 18), at a tiny
scale: two arrangements, one year."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command

from contracts import money
from contracts.models import BudgetLine, BudgetReturn, ContractYear, Instalment
from performance.models import (
    Indicator,
    Measurement,
    MonthlyReturn,
    PerformanceSettings,
    RuleBook,
    Target,
)
from transformation.models import BenefitQuarter, BusinessCase, CaseSpend, Risk
from trust_portal.accounts.models import Arrangement, Organisation, User
from trust_portal.accounts.national import councils_each
from trust_portal.approvals.models import AreaDecision, Event, State
from trust_portal.dashboards.models import Snapshot
from trust_portal.dashboards.services import snapshot_recompute
from trust_portal.history import as_recorded
from trust_portal.national import Plan
from workforce.models import Team, TeamFigures, WorkforceReturn

TINY = {"scale": 0.04, "years": 1}  # 2 arrangements, 6 councils, 12 months
LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def _fresh_content_types():
    """A flush makes the content types anew: no later test may find the old ones cached."""
    yield
    ContentType.objects.clear_cache()


def generate(**options) -> str:
    out = io.StringIO()
    options = {**TINY, "fresh": True, "interactive": False, **options}
    call_command("generate_national", stdout=out, **options)
    return out.getvalue()


def demo_left() -> bool:
    return Arrangement.objects.filter(trust__code="NCT").exists()


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
        assert snapshot_recompute(arrangement=arrangement)
        names = set(arrangement.snapshots.values_list("name", flat=True))
        assert {"indicators", "workforce", "finance", "transformation"} <= names, names
        indicators = arrangement.snapshots.filter(name="indicators").latest("computed_at")
        assert "2026-11" in str(indicators.data), str(indicators.data)[:500]
    assert Snapshot.objects.exclude(arrangement__trust__code__startswith="GT").count() == 0


@pytest.mark.django_db
def test_it_refuses_to_mix_with_the_demo_or_a_previous_generation():
    with pytest.raises(CommandError, match="the demo"):
        call_command("generate_national", stdout=io.StringIO(), **TINY)
    generate()
    with pytest.raises(CommandError, match="previous generation.*--fresh"):
        call_command("generate_national", stdout=io.StringIO(), **TINY)
    assert Arrangement.objects.count() == 2


@pytest.mark.django_db
def test_instalments_due_by_the_day_it_runs_are_paid_and_none_later():
    generate()  # the tests' day is 7 December 2026
    today = date(2026, 12, 7)
    paid = Instalment.objects.filter(paid_on__isnull=False)
    assert paid.exists() and Instalment.objects.filter(paid_on__isnull=True).exists()
    for instalment in Instalment.objects.all():
        if instalment.due_on <= today:
            assert instalment.paid_on == instalment.due_on and instalment.reference
            assert instalment.recorded_at.date() == instalment.due_on
        else:
            assert instalment.paid_on is None and not instalment.reference


@pytest.mark.django_db
def test_fresh_refuses_a_database_with_arrangements_other_than_the_demo_or_a_generation():
    trust = Organisation.objects.create(code="ZZT", name="Someone's trust", kind="trust")
    Arrangement.objects.create(trust=trust)
    with pytest.raises(CommandError, match=r"other arrangements \(ZZT\)"):
        generate()
    assert demo_left() and not Organisation.objects.filter(code__startswith="GT").exists()


@pytest.mark.django_db
def test_fresh_asks_naming_the_database_and_changes_nothing_unless_told_yes(monkeypatch):
    asked = []
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(prompt) or "no")
    with pytest.raises(CommandError, match="Nothing was changed"):
        generate(interactive=True)
    from django.db import connection

    assert str(connection.settings_dict["NAME"]) in asked[0] and "administrators" in asked[0]
    assert demo_left()


@pytest.mark.django_db
def test_a_failure_after_fresh_emptied_the_database_leaves_it_as_it_was(monkeypatch):
    import workforce.national

    def broken(**kwargs):
        raise RuntimeError("broken on purpose")

    monkeypatch.setattr(workforce.national, "generate", broken)
    with pytest.raises(RuntimeError):
        generate()
    assert demo_left() and User.objects.filter(username="admin").exists()
    assert not Organisation.objects.filter(code__startswith="GT").exists()


@pytest.mark.django_db
def test_without_fresh_it_refuses_a_database_with_organisations_or_users():
    call_command("flush", interactive=False, verbosity=0)
    User.objects.create(username="someone", role="administrator")
    with pytest.raises(CommandError, match="0 organisations and 1 users"):
        call_command("generate_national", stdout=io.StringIO(), **TINY)
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_the_years_may_not_start_before_2000_nor_the_months_end_after_the_last_complete_one():
    with pytest.raises(CommandError, match="before January 2000"):
        generate(years=27)  # December 1999 to November 2026
    with pytest.raises(CommandError, match="2026-11"):
        generate(until="2026-12")
    with pytest.raises(CommandError, match="YYYY-MM"):
        generate(until="2026-1")
    assert demo_left()


@pytest.mark.django_db
def test_it_makes_ten_years_from_a_founding_moment_years_back():
    output = generate(scale=0.02, years=10)  # one arrangement, December 2016 to November 2026
    assert "December 2016 to November 2026 (120 months)" in output
    assert MonthlyReturn.objects.count() == 120


@pytest.mark.django_db
def test_a_past_moment_in_the_first_year_finds_the_rules_targets_and_teams():
    generate()  # December 2025 to November 2026
    first_approved = datetime(2026, 1, 14, 14, 0, tzinfo=LONDON)  # working day 10
    for arrangement in Arrangement.objects.all():
        assert RuleBook.of(arrangement, at=first_approved).first is not None
        assert as_recorded(PerformanceSettings, first_approved, arrangement_id=arrangement.pk)
        targets = Target.objects.in_force(
            arrangement=arrangement, month=date(2025, 12, 1), at=first_approved
        )
        assert targets
        assert as_recorded(Team, first_approved, arrangement_id=arrangement.pk)
        assert as_recorded(Arrangement, first_approved, pk=arrangement.pk)
        # the next year's targets are recorded on 10 March before it, not before
        which = {"arrangement_id": arrangement.pk, "financial_year": 2026}
        assert not as_recorded(Target, datetime(2026, 3, 9, tzinfo=LONDON), **which)
        assert as_recorded(Target, datetime(2026, 3, 11, tzinfo=LONDON), **which)


def shared(rows: list[tuple], months: set) -> list[tuple]:
    return sorted(row for row in rows if row[1] in months)


def kinds() -> dict[str, list[tuple]]:
    return {
        "measurements": figures(),
        "teams": list(
            TeamFigures.objects.values_list(
                "team__name",
                "workforce_return__period",
                "vacant_fte",
                "agency_fte",
                "experienced_fte",
                "open_cases",
            )
        ),
        "budget": list(
            BudgetLine.objects.values_list(
                "budget_return__arrangement__trust__code",
                "budget_return__period",
                "category",
                "forecast_outturn",
                "actual_to_date",
            )
        ),
    }


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_figures_for_a_month_whatever_the_last_month():
    generate(seed=3, until="2026-10")  # November 2025 to October 2026
    earlier = kinds()
    generate(seed=3)  # December 2025 to November 2026
    later = kinds()
    both = {date(2025, 12, 1)} | {date(2026, m, 1) for m in range(1, 11)}
    for kind in earlier:
        assert shared(earlier[kind], both) == shared(later[kind], both), kind
        assert shared(earlier[kind], both)


@pytest.mark.django_db
def test_returns_are_submitted_on_working_day_6_and_approved_on_working_day_10():
    generate()
    for model in (MonthlyReturn, WorkforceReturn, BudgetReturn):
        submission = model.objects.get(arrangement__trust__code="GT001", period=date(2026, 5, 1))
        assert submission.created_at == submission.submitted_at
        assert submission.submitted_at.astimezone(LONDON) == datetime(2026, 6, 8, 11, tzinfo=LONDON)
        assert submission.approved_at.astimezone(LONDON) == datetime(2026, 6, 12, 14, tzinfo=LONDON)
        for event in submission.events.all():
            submitted = event.action in (
                Event.Action.CREATED,
                Event.Action.SAVED,
                Event.Action.SUBMITTED,
            )
            assert event.at == (submission.submitted_at if submitted else submission.approved_at)
        assert {d.at for d in submission.decisions.all()} == {submission.approved_at}


@pytest.mark.django_db
def test_business_cases_are_dated_and_spend_only_after_the_approving_board():
    generate()
    approved = BusinessCase.objects.filter(state=BusinessCase.State.APPROVED)
    assert approved.exists()
    for case in approved.select_related("meeting"):
        assert case.submitted_at < case.decided_at
        assert case.decided_at.date() == case.meeting.held_on
        for spend in CaseSpend.objects.filter(business_case=case):
            assert spend.month > case.meeting.held_on
    for case in BusinessCase.objects.filter(state=BusinessCase.State.SUBMITTED):
        assert case.submitted_at and case.decided_at is None
