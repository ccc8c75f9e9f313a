import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.forms.models import model_to_dict

from contracts.models import BudgetReturn, ContractYear, Instalment, ReservedDecision, Variation
from performance.models import (
    Indicator,
    IndicatorDefinition,
    Measurement,
    MonthlyReturn,
    PerformanceSettings,
    Target,
)
from trust_portal.accounts.models import (
    Arrangement,
    Commission,
    ObserverGrant,
    Organisation,
    User,
)
from trust_portal.dashboards.models import IssuedPack
from workforce.models import TeamFigures, WorkforceReturn

MODELS = [
    Organisation,
    Arrangement,
    Commission,
    User,
    ObserverGrant,
    Indicator,
    IndicatorDefinition,
    PerformanceSettings,
    Target,
    MonthlyReturn,
    Measurement,
    WorkforceReturn,
    TeamFigures,
    BudgetReturn,
    ContractYear,
    Instalment,
    Variation,
    ReservedDecision,
    IssuedPack,
]


def state(keep=lambda model, obj: True):
    rows = {}
    for model in MODELS:
        rows[model.__name__] = sorted(
            repr(sorted(model_to_dict(obj, exclude=["last_login", "pdf"]).items()))
            for obj in model.objects.all()
            if keep(model, obj)
        )
        if hasattr(model, "history"):
            rows[f"{model.__name__} history"] = model.history.count()
    return rows


def load(password="a-demo-password-for-tests", **kwargs):
    out = io.StringIO()
    call_command("load_demo", password=password, stdout=out, **kwargs)
    return out.getvalue()


def test_load_demo_twice_leaves_the_same_database(db):
    load()
    first = state()
    load()
    assert state() == first


def test_load_demo_creates_the_northamptonshire_arrangement_and_a_separate_one(db):
    load()
    nct = Arrangement.objects.get(trust__code="NCT")
    assert sorted(c.code for c in nct.councils.all()) == ["NNC", "WNC"]
    assert Arrangement.objects.get(trust__code="OCT").councils.get().code == "OCC"
    assert Organisation.objects.get(code="DFE").kind == "department"
    observer = User.objects.get(username="dfe-observer")
    assert [g.arrangement.code for g in observer.grants.all()] == ["NCT"]


def test_load_demo_prints_every_demo_login_and_the_password(db):
    out = load(password="printed-password-123")
    for name in ["wnc-officer", "nnc-officer", "nct-manager", "dfe-observer", "wnc-scrutiny"]:
        assert name in out
    for name in ["nnc-scrutiny", "occ-officer", "oct-manager", "admin"]:
        assert name in out
    assert "printed-password-123" in out
    assert User.objects.get(username="admin").check_password("printed-password-123")


def test_without_a_password_one_is_generated_into_var_and_reused(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("load_demo", stdout=io.StringIO())
    password = (tmp_path / "demo-password").read_text().strip()
    assert len(password) >= 12
    call_command("load_demo", stdout=io.StringIO())
    assert (tmp_path / "demo-password").read_text().strip() == password
    assert User.objects.get(username="nct-manager").check_password(password)


def test_demo_data_is_never_loaded_in_production(db, settings):
    settings.IS_PRODUCTION = True
    with pytest.raises(CommandError, match="not loaded into a production"):
        load()


def test_load_demo_queues_a_recompute_of_each_arrangement_after_commit(
    db, django_capture_on_commit_callbacks
):
    from unittest import mock

    from trust_portal.dashboards.tasks import recompute_task

    with (
        mock.patch.object(recompute_task, "apply_async") as sent,
        django_capture_on_commit_callbacks(execute=True),
    ):
        load()
    # Each arrangement's run starts at once, not after the usual wait for more changes.
    now = [c.kwargs["args"][0] for c in sent.call_args_list if not c.kwargs.get("countdown")]
    assert {Arrangement.objects.get(pk=pk).code for pk in now} == {"NCT", "OCT"}


def test_load_demo_finishes_with_the_broker_down_and_its_recomputes_wait_in_the_outbox(
    db, django_capture_on_commit_callbacks
):
    from unittest import mock

    from kombu.exceptions import OperationalError

    from trust_portal.outbox.models import Job
    from trust_portal.outbox.services import EMAIL_TASK

    refused = OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")
    with (
        mock.patch("celery.app.task.Task.apply_async", side_effect=refused),
        django_capture_on_commit_callbacks(execute=True),
    ):
        out = load()
    assert "Demo data loaded." in out
    recomputes = Job.objects.filter(task="trust_portal.dashboards.tasks.recompute_task")
    # Refused, and tried again later; after a refusal the next ones wait for the beat job.
    assert Job.State.RETRYING in {job.state for job in recomputes}
    assert {job.state for job in recomputes} <= {Job.State.RETRYING, Job.State.WAITING}
    arrangements = {Arrangement.objects.get(pk=job.args[0]).code for job in recomputes}
    assert arrangements == {"NCT", "OCT"}
    assert not Job.objects.filter(task=EMAIL_TASK).exists()  # the demo's emails are dropped


def test_load_demo_loads_the_catalogue_and_the_2019_report_targets(db):
    load()
    assert Indicator.objects.filter(entered_in="performance").count() == 26
    assert Indicator.objects.filter(entered_in="workforce").count() == 4
    # One version of its words each, but the workforce rates: their census definitions are
    # version 2 (from May 2018, every month with a workforce return).
    assert {
        i.code: i.definitions.count() for i in Indicator.objects.all() if i.definitions.count() != 1
    } == {
        "WORKFORCE_VACANCY_RATE": 2,
        "WORKFORCE_AGENCY_RATE": 2,
        "WORKFORCE_TURNOVER_RATE": 2,
    }
    nct = Arrangement.objects.get(trust__code="NCT")
    targets = {
        t.indicator.code: t.target
        for t in Target.objects.filter(arrangement=nct, financial_year=2018)
    }
    assert targets == {
        "CIN_PLAN_IN_TIME": 95,
        "CIN_VISIT_IN_TIME": 85,
        "CP_VISIT_IN_TIME": 90,
        "LAC_PLAN_IN_TIME": 85,
        "LAC_VISIT_IN_TIME": 90,
    }


LONDON = ZoneInfo("Europe/London")


def _month_of(model, obj):
    """The month a row belongs to, for the rows that belong to one."""
    if hasattr(obj, "period"):
        return obj.period
    for parent in ("monthly_return", "workforce_return"):
        if hasattr(obj, parent):
            return getattr(obj, parent).period
    return None


def test_a_month_later_load_demo_adds_the_new_month_and_leaves_the_rest_as_it_was(db):
    # The cast was loaded as of the day the tests run as (conftest.PINNED_TODAY, 7 December
    # 2026): it reaches November 2026. Loaded again on 20 January 2027, December 2026 is added
    # (performance and workforce returns in draft, budget monitoring submitted), the pack of
    # the committee meeting held since (12 January 2027) is issued as of its day, and nothing
    # else changes: what was in flight stays in flight.
    new = date(2026, 12, 1)
    assert MonthlyReturn.objects.filter(arrangement__trust__code="NCT").latest("period").period == (
        date(2026, 11, 1)
    )
    before = state()
    later = datetime(2027, 1, 20, 9, tzinfo=LONDON)
    unpaid = set(Instalment.objects.filter(paid_on__isnull=True, due_on__lte=new))
    assert [(i.council.code, i.due_on) for i in unpaid] == [("NNC", date(2026, 12, 1))]
    with time_machine.travel(later, tick=False):
        load()
    old = state(
        keep=lambda model, obj: (
            _month_of(model, obj) != new
            and (model is not IssuedPack or obj.meeting_date != date(2027, 1, 12))
        )
    )
    for name in (
        "MonthlyReturn", "WorkforceReturn", "BudgetReturn", "Measurement", "TeamFigures",
        "ContractYear", "Variation", "ReservedDecision", "IssuedPack", "Target",
    ):  # fmt: skip
        assert old[name] == before[name], name
    for kind, state_ in ((MonthlyReturn, "draft"), (WorkforceReturn, "draft")):
        added = kind.objects.filter(arrangement__trust__code="NCT", period=new)
        assert [r.state for r in added] == [state_]
    budget = BudgetReturn.objects.get(arrangement__trust__code="NCT", period=new)
    assert budget.state == "submitted"
    # The instalment left unpaid stays so; of January's, North's is the one waiting now.
    still = Instalment.objects.filter(paid_on__isnull=True, due_on__lte=later.date())
    assert sorted((i.council.code, i.due_on) for i in still) == [
        ("NNC", date(2026, 12, 1)),
        ("NNC", date(2027, 1, 1)),
    ]
    # The new pack: issued on 5 January 2027 for the latest month both councils had approved
    # by then (August 2026: September was sent back, October awaits North, November a draft).
    pack = IssuedPack.objects.get(meeting_date=date(2027, 1, 12))
    assert (pack.month, pack.issued_at) == (
        date(2026, 8, 1),
        datetime(2027, 1, 5, 10, tzinfo=LONDON),
    )
