"""The performance dashboards' kept parts (trust_portal/dashboards/parts.py): each month's
blocks of the overview and the pack, and each indicator's trend page, are kept between
recomputes and rebuilt exactly when what they read changes. After a correction, a rule change,
a target change, a new definition or a code release, the snapshots are those a recompute with
nothing kept makes, and only the parts that read the change were rebuilt."""

from datetime import date
from decimal import Decimal

import pytest

from performance.models import Indicator, MonthlyReturn
from performance.tests.factories import (
    IndicatorDefinitionFactory,
    PerformanceSettingsFactory,
    TargetFactory,
)
from performance.tests.test_dashboards import approved
from trust_portal.approvals.models import State
from trust_portal.dashboards import parts as parts_module
from trust_portal.dashboards.models import KeptPart, Snapshot
from trust_portal.dashboards.services import snapshot_recompute

NAMES = ["indicators", "overview", "performance-pack"]
MONTHS = [date(2025, m, 1) for m in (4, 5, 6, 7, 8, 9)]
JULY, AUGUST, SEPTEMBER = "2025-07", "2025-08", "2025-09"
VISITS, OPEN_CP = "TEST_VISITS_IN_TIME", "TEST_OPEN_CP"


def cells(codes, catalogue, month: date, *, seen: int = 7) -> dict:
    first, second = codes
    visits, cases = catalogue.visits.code, catalogue.open_cp.code
    return {
        (visits, first): (seen + month.month % 3, 10),
        (visits, second): (9, 20),
        (cases, first): (1790 + month.month, None),
        (cases, second): (2210, None),
    }


@pytest.fixture
def history(arrangement, catalogue, councils):
    codes = tuple(c.code for c in councils)
    TargetFactory(arrangement=arrangement, indicator=catalogue.visits, financial_year=2025,
                  target=Decimal(60), tolerance=Decimal(5))  # fmt: skip
    PerformanceSettingsFactory(arrangement=arrangement, valid_from=date(2024, 4, 1))
    for month in MONTHS:
        approved(arrangement, month, cells(codes, catalogue, month))
    return codes


@pytest.fixture
def councils(world):
    return sorted(world.councils, key=lambda council: council.code)


def recompute(arrangement) -> dict:
    """{name: data} of a recompute, keeping parts as production does."""
    snapshot_recompute(arrangement=arrangement, names=NAMES)
    return {n: Snapshot.objects.version(arrangement, n).data for n in NAMES}


def from_scratch(arrangement) -> dict:
    """What a recompute with nothing kept makes (the parts are kept again afterwards)."""
    KeptPart.objects.filter(arrangement=arrangement).delete()
    return recompute(arrangement)


def kept(arrangement) -> dict:
    """{(builder, key): fingerprint} of the parts kept now."""
    rows = KeptPart.objects.filter(arrangement=arrangement)
    return {(b, k): inputs for b, k, inputs in rows.values_list("builder", "key", "inputs")}


def rebuilt(before: dict, after: dict) -> set:
    return {key for key, inputs in after.items() if before.get(key) != inputs}


def correct_july(arrangement, catalogue, codes):
    old = MonthlyReturn.objects.get(arrangement=arrangement, period=MONTHS[3])
    old.state = State.SUPERSEDED
    old.save()
    approved(arrangement, MONTHS[3], cells(codes, catalogue, MONTHS[3], seen=1), revision=2)


def rules_from_july(arrangement, catalogue, codes):
    PerformanceSettingsFactory(arrangement=arrangement, valid_from=MONTHS[3], small_number=50)


def target_from_july(arrangement, catalogue, codes):
    TargetFactory(arrangement=arrangement, indicator=catalogue.visits, financial_year=2025,
                  valid_from=MONTHS[3], target=Decimal(90), tolerance=Decimal(1))  # fmt: skip


def definition_from_july(arrangement, catalogue, codes):
    IndicatorDefinitionFactory(indicator=catalogue.visits, version=2, valid_from=MONTHS[3],
                               change_reason="Counted in working days.")  # fmt: skip


# (change, the months of the pack that must be rebuilt, the trend pages that must be). A
# month's blocks read the month before (the change since), so a correction of July rebuilds
# July and August; a rule, target or definition from July rebuilds every month from July. The
# overview's latest month (September) reads every month (its trend and control chart columns),
# so any change rebuilds it.
CHANGES = {
    "correction": (correct_july, {JULY, AUGUST}, {VISITS}),
    # every page with figures from July: those without any read no rules
    "rule change": (rules_from_july, {JULY, AUGUST, SEPTEMBER}, {VISITS, OPEN_CP}),
    "target change": (target_from_july, {JULY, AUGUST, SEPTEMBER}, {VISITS}),
    "definition": (definition_from_july, {JULY, AUGUST, SEPTEMBER}, {VISITS}),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_reaches_the_dashboards_and_rebuilds_only_what_read_it(
    change, arrangement, catalogue, history
):
    make, months, pages = CHANGES[change]
    first = recompute(arrangement)
    before = kept(arrangement)
    assert before, "the recompute kept its parts"
    make(arrangement, catalogue, history)
    after_change = recompute(arrangement)
    assert after_change != first, "the change shows on the dashboards"
    now = kept(arrangement)
    assert after_change == from_scratch(arrangement), "exactly what nothing kept would make"
    changed = rebuilt(before, now)
    assert {k for b, k in changed if b == "performance-pack"} == months
    assert {k for b, k in changed if b == "overview"} == months | {SEPTEMBER}
    assert {k for b, k in changed if b == "indicators"} == pages


def test_nothing_changed_rebuilds_nothing(arrangement, history):
    first = recompute(arrangement)
    before = kept(arrangement)
    assert recompute(arrangement) == first
    assert kept(arrangement) == before
    # the overview's and the pack's months, April to September; a trend page an indicator
    assert len(before) == 6 + 6 + Indicator.objects.count()


def test_a_release_rebuilds_every_part(arrangement, history, monkeypatch):
    recompute(arrangement)
    before = kept(arrangement)
    monkeypatch.setattr(parts_module, "code_version", lambda: "another release")
    recompute(arrangement)
    assert rebuilt(before, kept(arrangement)) == set(before)


def test_a_month_no_longer_approved_is_forgotten(arrangement, history):
    recompute(arrangement)
    MonthlyReturn.objects.filter(arrangement=arrangement, period=MONTHS[0]).update(
        state=State.SUPERSEDED
    )
    data = recompute(arrangement)
    assert "2025-04" not in data["overview"]["months"]
    assert ("overview", "2025-04") not in kept(arrangement)
    assert ("performance-pack", "2025-04") not in kept(arrangement)
