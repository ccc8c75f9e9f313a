"""The risk register's rules (transformation/services/risks.py): scores and their bands, the
heat map, overdue reviews, who may act, what is refused and what the history keeps. Built on
factories: the root ``world``'s empty register, not the demo's (test_risks_demo.py checks the
demo's own register)."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from transformation.models import Risk
from transformation.services import risks
from transformation.tests.conftest import EVERYONE, MANAGERS
from transformation.tests.factories import ProjectFactory
from transformation.tests.risk_cases import fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_risk(manager, arrangement):
    """make_risk(**overrides): a risk added by ``by`` (the world's manager unless named) to the
    world's register unless another ``arrangement`` is named (``risk_cases.fields``)."""

    def make(*, by=None, arrangement=arrangement, **overrides) -> Risk:
        return risks.risk_save(by=by or manager, arrangement=arrangement, **fields(**overrides))

    return make


def messages_of(error: ValidationError, field: str) -> list[str]:
    return error.message_dict[field]


# --- Scores and bands -----------------------------------------------------------------------

BOUNDARIES = [
    # (likelihood, impact, score, rating): the ends of the grid and either side of each band
    (1, 1, 1, "low"),
    (2, 2, 4, "low"),
    (1, 4, 4, "low"),
    (5, 1, 5, "medium"),
    (1, 5, 5, "medium"),
    (3, 3, 9, "medium"),
    (2, 5, 10, "high"),
    (5, 2, 10, "high"),
    (4, 4, 16, "high"),
    (4, 5, 20, "very high"),
    (5, 4, 20, "very high"),
    (5, 5, 25, "very high"),
]


@pytest.mark.parametrize(("likelihood", "impact", "score", "rating"), BOUNDARIES)
def test_a_saved_risk_scores_likelihood_times_impact_in_its_band(
    make_risk, likelihood, impact, score, rating
):
    risk = make_risk(likelihood=likelihood, impact=impact)
    risk.refresh_from_db()
    assert (risk.score, risk.rating) == (score, rating)


def test_every_square_of_the_grid_is_in_the_band_its_score_says():
    bands = {
        "low": range(1, 5),
        "medium": range(5, 10),
        "high": range(10, 17),
        "very high": range(20, 26),
    }
    for likelihood in risks.SCALE:
        for impact in risks.SCALE:
            risk = Risk(likelihood=likelihood, impact=impact)
            assert risk.score in bands[risk.rating]


def test_no_score_falls_between_high_and_very_high():
    scores = {likelihood * impact for likelihood in risks.SCALE for impact in risks.SCALE}
    assert scores.isdisjoint({17, 18, 19})


def test_the_register_lists_the_highest_score_first_then_the_earliest_review(arrangement):
    today = timezone.localdate()
    assert not risks.register(arrangement).exists()  # the world's register starts empty
    rows = [("T1", 2, 2, 5), ("T2", 4, 4, 20), ("T3", 4, 4, 3), ("T4", 5, 5, 60)]
    for reference, likelihood, impact, days in rows:
        Risk.objects.create(
            arrangement=arrangement,
            reference=reference,
            title=reference,
            description="d",
            likelihood=likelihood,
            impact=impact,
            owner="o",
            mitigation="m",
            review_date=today + timedelta(days=days),
        )
    assert [r.reference for r in risks.register(arrangement)] == ["T4", "T3", "T2", "T1"]


# --- The heat map ---------------------------------------------------------------------------


def grid(cells) -> dict[tuple[int, int], int]:
    return {(c.likelihood, c.impact): c.count for row in cells for c in row}


def test_the_heat_map_has_likelihood_down_and_impact_across_with_the_highest_top_right():
    cells = risks.heat_map([])
    assert [row[0].likelihood for row in cells] == [5, 4, 3, 2, 1]
    assert [c.impact for c in cells[0]] == [1, 2, 3, 4, 5]
    top_right, bottom_left = cells[0][-1], cells[-1][0]
    assert (top_right.score, top_right.rating) == (25, "very high")
    assert (bottom_left.score, bottom_left.rating) == (1, "low")
    assert sum(grid(cells).values()) == 0


def test_the_heat_map_counts_each_square():
    pairs = [(4, 5), (4, 5), (1, 1), (3, 2)]
    given = [SimpleNamespace(likelihood=row, impact=column) for row, column in pairs]
    counts = grid(risks.heat_map(given))
    assert counts[(4, 5)] == 2 and counts[(1, 1)] == 1 and counts[(3, 2)] == 1
    assert sum(counts.values()) == 4


def test_the_heat_map_counts_a_queryset_the_same_way(make_risk, arrangement):
    arrangement = arrangement
    make_risk(reference="T1", likelihood=4, impact=5)
    make_risk(reference="T2", likelihood=4, impact=5)
    queryset = risks.register(arrangement).filter(reference__in=["T1", "T2"])
    assert grid(risks.heat_map(queryset)) == grid(risks.heat_map(list(queryset)))
    assert grid(risks.heat_map(queryset))[(4, 5)] == 2


def test_the_heat_map_of_open_risks_counts_every_open_risk_once(make_risk, manager, arrangement):
    for reference, likelihood, impact in [("T1", 4, 5), ("T2", 4, 5), ("T3", 1, 1), ("T4", 3, 2)]:
        make_risk(reference=reference, likelihood=likelihood, impact=impact)
    risks.risk_close(
        by=manager, risk=make_risk(reference="T5", likelihood=5, impact=5), reason="Passed"
    )
    register = risks.register(arrangement)
    open_risks = register.filter(status=Risk.Status.OPEN)
    counts = grid(risks.heat_map(open_risks))
    assert sum(counts.values()) == open_risks.count() == register.count() - 1 == 4  # T5 closed
    assert counts == {**dict.fromkeys(counts, 0), (4, 5): 2, (1, 1): 1, (3, 2): 1}


# --- Overdue reviews ------------------------------------------------------------------------


def test_a_review_due_today_is_not_overdue_and_one_due_yesterday_is(make_risk, arrangement):
    today = timezone.localdate()
    due_today = make_risk(reference="T1", review_date=today)
    due_yesterday = make_risk(reference="T2", review_date=today - timedelta(days=1))
    assert not due_today.review_overdue(today)
    assert due_yesterday.review_overdue(today)
    mine = risks.register(arrangement).filter(reference__in=["T1", "T2"])
    assert [r.reference for r in risks.overdue(mine, today)] == ["T2"]
    assert [r.reference for r in risks.overdue(list(mine), today)] == ["T2"]


def test_a_closed_risk_is_never_overdue(make_risk, manager):
    today = timezone.localdate()
    risk = make_risk(review_date=today - timedelta(days=400))
    risks.risk_close(by=manager, risk=risk, reason="Passed")
    assert not risk.review_overdue(today)
    assert not risks.overdue(Risk.objects.filter(pk=risk.pk), today).exists()


def test_a_register_lists_exactly_its_overdue_reviews(
    make_risk, manager, arrangement, elsewhere, people
):
    today = timezone.localdate()
    for reference, days in [("T1", -30), ("T2", 0), ("T3", -1), ("T4", 10)]:
        make_risk(reference=reference, review_date=today + timedelta(days=days))
    risks.risk_close(by=manager, risk=make_risk(reference="T5", review_date=today), reason="Passed")
    make_risk(
        by=people["other-manager"],
        arrangement=elsewhere,
        reference="T6",
        review_date=today - timedelta(days=5),
    )  # another register's
    late = risks.overdue(risks.register(arrangement), today)
    assert sorted(r.reference for r in late) == ["T1", "T3"]


# --- Who may act ----------------------------------------------------------------------------


def outcome(action) -> str:
    try:
        action()
    except PermissionDenied:
        return "refused"
    return "done"


@pytest.mark.parametrize("who", EVERYONE)
def test_only_the_trusts_managers_add_a_risk(manager, arrangement, who, everyone):
    expected = "done" if who in MANAGERS else "refused"
    add = fields()
    assert (
        outcome(lambda: risks.risk_save(by=everyone[who], arrangement=arrangement, **add))
        == expected
    )


@pytest.mark.parametrize("who", EVERYONE)
def test_only_the_trusts_managers_change_a_risk(make_risk, manager, arrangement, who, everyone):
    risk = make_risk()
    change = fields(title="Court delays getting worse", reason="Worse")
    expected = "done" if who in MANAGERS else "refused"
    assert (
        outcome(
            lambda: risks.risk_save(by=everyone[who], arrangement=arrangement, risk=risk, **change)
        )
        == expected
    )


@pytest.mark.parametrize("who", EVERYONE)
def test_only_the_trusts_managers_review_a_risk(make_risk, manager, who, everyone):
    risk = make_risk()
    review = {
        "likelihood": 2,
        "impact": 3,
        "mitigation": "Same",
        "note": "Better",
        "review_date": timezone.localdate() + timedelta(days=10),
    }
    expected = "done" if who in MANAGERS else "refused"
    assert outcome(lambda: risks.risk_review(by=everyone[who], risk=risk, **review)) == expected


@pytest.mark.parametrize("who", EVERYONE)
def test_only_the_trusts_managers_close_a_risk(make_risk, manager, who, everyone):
    risk = make_risk()
    expected = "done" if who in MANAGERS else "refused"
    assert outcome(lambda: risks.risk_close(by=everyone[who], risk=risk, reason="Gone")) == expected


# --- What is refused, and how it is said ----------------------------------------------------

LIKELY = "Enter the likelihood as a whole number from 1 (rare) to 5 (almost certain)"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", f"{LIKELY}."),
        (None, f"{LIKELY}."),
        ("3.5", f"{LIKELY}, not “3.5”."),
        ("three", f"{LIKELY}, not “three”."),
        ("-1", f"{LIKELY}, not “-1”."),
        ("²", f"{LIKELY}, not “²”."),  # "²".isdigit() is True; int() raised
        ("٣", f"{LIKELY}, not “٣”."),  # int() read it as 3
        (0, f"{LIKELY}, not 0."),
        ("6", f"{LIKELY}, not 6."),
        (True, f"{LIKELY}."),
    ],
)
def test_a_likelihood_that_is_not_a_whole_number_from_1_to_5_is_refused(make_risk, typed, message):
    with pytest.raises(ValidationError) as refused:
        make_risk(likelihood=typed)
    assert messages_of(refused.value, "likelihood") == [message]


def test_an_impact_out_of_range_is_refused_with_its_own_words(make_risk):
    with pytest.raises(ValidationError) as refused:
        make_risk(impact=9)
    assert messages_of(refused.value, "impact") == [
        "Enter the impact as a whole number from 1 (minimal) to 5 (severe), not 9."
    ]


def test_typed_numbers_are_read_as_whole_numbers(make_risk):
    risk = make_risk(likelihood=" 4 ", impact="5")
    assert (risk.likelihood, risk.impact, risk.score) == (4, 5, 20)


def test_every_missing_field_is_named_at_once(make_risk):
    with pytest.raises(ValidationError) as refused:
        make_risk(title=" ", description="", owner="", mitigation="", review_date=None)
    assert set(refused.value.message_dict) == {
        "title",
        "description",
        "owner",
        "mitigation",
        "review_date",
    }
    assert messages_of(refused.value, "review_date") == [
        "Enter the date the risk is next reviewed."
    ]


def test_a_reference_is_unique_in_the_register_whatever_its_case(make_risk):
    make_risk(reference="T1")
    with pytest.raises(ValidationError) as refused:
        make_risk(reference="t1")
    assert messages_of(refused.value, "reference") == ["The register already has a risk T1."]


def test_a_reference_is_kept_in_capitals(make_risk):
    assert make_risk(reference=" tr-12 ").reference == "TR-12"


@pytest.mark.parametrize("reference", ["", "new", "R 1", "R/1", "-R1"])
def test_a_reference_needs_a_number_and_no_spaces_or_slashes(make_risk, reference):
    with pytest.raises(ValidationError) as refused:
        make_risk(reference=reference)
    assert "reference" in refused.value.message_dict


def test_another_arrangement_may_use_the_same_reference(make_risk, people, elsewhere):
    make_risk(reference="R01")
    theirs = make_risk(by=people["other-manager"], arrangement=elsewhere, reference="R01")
    assert (theirs.reference, theirs.arrangement) == ("R01", elsewhere)


def test_a_project_of_another_programme_is_refused(make_risk, elsewhere):
    theirs = ProjectFactory(arrangement=elsewhere, name="Theirs")
    with pytest.raises(ValidationError) as refused:
        make_risk(project=theirs)
    assert messages_of(refused.value, "project") == [
        "Choose one of this programme's projects, or none."
    ]


def test_a_change_needs_a_reason(make_risk, manager, arrangement):
    risk = make_risk()
    with pytest.raises(ValidationError) as refused:
        risks.risk_save(by=manager, arrangement=arrangement, risk=risk, **fields(reason="  "))
    assert "reason" in refused.value.message_dict


def test_a_change_that_changes_nothing_is_refused(make_risk, manager, arrangement):
    risk = make_risk()
    with pytest.raises(ValidationError, match="Nothing changed"):
        risks.risk_save(by=manager, arrangement=arrangement, risk=risk, **fields(reason="Again"))


def test_a_review_sets_the_next_review_after_today_and_says_what_it_found(make_risk, manager):
    risk = make_risk()
    with pytest.raises(ValidationError) as refused:
        risks.risk_review(
            by=manager,
            risk=risk,
            likelihood=3,
            impact=3,
            mitigation="m",
            review_date=timezone.localdate(),
            note="",
        )
    assert set(refused.value.message_dict) == {"review_date", "note"}
    assert messages_of(refused.value, "review_date")[0].startswith(
        "The next review must be after today"
    )


def test_a_closed_risk_is_not_changed_reviewed_or_closed_again(make_risk, manager, arrangement):
    risk = make_risk()
    risks.risk_close(by=manager, risk=risk, reason="Passed")
    later = timezone.localdate() + timedelta(days=5)
    attempts = [
        lambda: risks.risk_save(
            by=manager, arrangement=arrangement, risk=risk, **fields(title="New", reason="r")
        ),
        lambda: risks.risk_review(
            by=manager,
            risk=risk,
            likelihood=1,
            impact=1,
            mitigation="m",
            review_date=later,
            note="n",
        ),
        lambda: risks.risk_close(by=manager, risk=risk, reason="Again"),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError, match="T1 is closed"):
            attempt()


def test_closing_needs_a_reason(make_risk, manager):
    with pytest.raises(ValidationError) as refused:
        risks.risk_close(by=manager, risk=make_risk(), reason="")
    assert "reason" in refused.value.message_dict


# --- The history ----------------------------------------------------------------------------


def test_adding_keeps_who_and_why(make_risk, manager):
    record = make_risk().history.get()
    assert record.history_user == manager
    assert record.history_change_reason == "Raised at the board"


def test_the_history_reads_as_the_registers_log_with_old_and_new_scores(
    make_risk, manager, arrangement
):
    risk = make_risk(likelihood=2, impact=3)
    risks.risk_save(
        by=manager,
        arrangement=arrangement,
        risk=risk,
        **fields(
            likelihood=4, owner="Director of Children's Services", reason="Court backlog grew"
        ),
    )
    risks.risk_review(
        by=manager,
        risk=risk,
        likelihood=4,
        impact=4,
        mitigation="More lawyers",
        review_date=timezone.localdate() + timedelta(days=14),
        note="Backlog still growing",
    )
    risks.risk_close(by=manager, risk=risk, reason="Backlog cleared")
    closed, reviewed, changed, added = risks.risk_history(risk)
    assert [e.what for e in (closed, reviewed, changed, added)] == [
        "closed",
        "reviewed",
        "changed",
        "added",
    ]
    assert changed.reason == "Court backlog grew"
    assert changed.score == (6, 12)
    assert ("Likelihood", 2, 4) in changed.changes
    assert ("Owner", "Head of Legal, NCT", "Director of Children's Services") in changed.changes
    assert reviewed.reason == "Backlog still growing"
    assert reviewed.score == (12, 16)
    assert closed.reason == "Backlog cleared"
    assert closed.changes == [("Status", "Open", "Closed")] and closed.score is None
    assert all(e.record.history_user == manager for e in (closed, reviewed, changed, added))
    assert risks.last_reviewed(risks.risk_history(risk)) == timezone.localdate()


def test_a_review_that_moves_nothing_is_still_recorded(make_risk, manager):
    risk = make_risk()
    risks.risk_review(
        by=manager,
        risk=risk,
        likelihood=3,
        impact=3,
        mitigation=risk.mitigation,
        review_date=risk.review_date,
        note="No change",
    )
    newest = risks.risk_history(risk)[0]
    assert (newest.what, newest.reason, newest.changes, newest.score) == (
        "reviewed",
        "No change",
        [],
        None,
    )


def test_the_history_names_projects_and_the_programme(make_risk, manager, arrangement):
    project = ProjectFactory(arrangement=arrangement)
    risk = make_risk()
    risks.risk_save(
        by=manager,
        arrangement=arrangement,
        risk=risk,
        **fields(project=project, reason="It is this project's"),
    )
    assert risks.risk_history(risk)[0].changes == [("Project", "Programme-level", project.name)]


# --- Reopening ------------------------------------------------------------------------------


@pytest.fixture
def closed_risk(make_risk, manager):
    """closed_risk(**overrides): a risk made and closed by the world's manager."""

    def close(**overrides) -> Risk:
        risk = make_risk(**overrides)
        return risks.risk_close(by=manager, risk=risk, reason="Backlog cleared")

    return close


@pytest.fixture
def reopen(manager):
    """reopen(risk, by=...): reopened by ``by`` (the world's manager unless named)."""

    def reopen_(risk, *, by=manager, reason="Backlog back", days=14) -> Risk:
        review_date = None if days is None else timezone.localdate() + timedelta(days=days)
        return risks.risk_reopen(by=by, risk=risk, reason=reason, review_date=review_date)

    return reopen_


@pytest.mark.parametrize("who", EVERYONE)
def test_only_the_trusts_managers_reopen_a_risk(closed_risk, reopen, manager, who, everyone):
    risk = closed_risk()
    expected = "done" if who in MANAGERS else "refused"
    assert outcome(lambda: reopen(risk, by=everyone[who])) == expected


def test_a_reopened_risk_is_open_again_with_its_next_review(closed_risk, reopen):
    risk = reopen(closed_risk(likelihood=4, impact=5), days=0)
    risk.refresh_from_db()
    assert risk.status == Risk.Status.OPEN
    assert risk.review_date == timezone.localdate()  # today will do
    assert (risk.likelihood, risk.impact) == (4, 5)  # as it was until a review


def test_a_reopened_risk_counts_on_the_heat_map_and_is_flagged_once_its_review_passes(
    closed_risk, reopen, arrangement
):
    risk = reopen(closed_risk(reference="T1", likelihood=4, impact=5), days=0)
    open_risks = risks.register(arrangement).filter(status=Risk.Status.OPEN, reference="T1")
    assert grid(risks.heat_map(open_risks))[(4, 5)] == 1
    today = timezone.localdate()
    assert not risk.review_overdue(today)
    tomorrow = today + timedelta(days=1)
    assert risk.review_overdue(tomorrow)
    assert [r.reference for r in risks.overdue(open_risks, tomorrow)] == ["T1"]


def test_a_reopened_risk_is_changed_reviewed_and_closed_again_as_any_open_risk(
    closed_risk, reopen, manager
):
    risk = reopen(closed_risk())
    later = timezone.localdate() + timedelta(days=5)
    risks.risk_review(
        by=manager,
        risk=risk,
        likelihood=2,
        impact=2,
        mitigation="m",
        review_date=later,
        note="Watching",
    )
    risks.risk_close(by=manager, risk=risk, reason="Passed again")
    assert Risk.objects.get(pk=risk.pk).status == Risk.Status.CLOSED


def test_reopening_an_open_risk_is_refused_with_a_clear_message(reopen, make_risk):
    risk = make_risk()
    with pytest.raises(ValidationError) as refused:
        reopen(risk)
    assert refused.value.messages == ["T1 is open: only a closed risk can be reopened."]
    assert risk.history.count() == 1


def test_reopening_needs_a_reason_and_a_next_review_date_named_at_once(closed_risk, reopen):
    risk = closed_risk()
    with pytest.raises(ValidationError) as refused:
        reopen(risk, reason="  ", days=None)
    assert messages_of(refused.value, "reason") == [
        "Say why the risk is reopened: it is kept in the history."
    ]
    assert messages_of(refused.value, "review_date") == [
        "Enter the date of the next review: a reopened risk needs one."
    ]
    assert Risk.objects.get(pk=risk.pk).status == Risk.Status.CLOSED


def test_a_next_review_in_the_past_is_refused(closed_risk, reopen):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        reopen(closed_risk(), days=-1)
    assert messages_of(refused.value, "review_date") == [
        f"The next review must be today ({today:%-d %B %Y}) or later, not in the past."
    ]


def test_the_history_keeps_the_closure_and_the_reopening_with_their_reasons(
    reopen, make_risk, manager
):
    risk = make_risk(review_date=timezone.localdate() + timedelta(days=30))
    risks.risk_close(by=manager, risk=risk, reason="Backlog cleared")
    reopen(risk, reason="Backlog back", days=7)
    reopened, closed, added = risks.risk_history(risk)
    assert [e.what for e in (reopened, closed, added)] == ["reopened", "closed", "added"]
    assert closed.reason == "Backlog cleared" and closed.record.history_date
    assert reopened.reason == "Backlog back"
    assert reopened.record.history_user == manager
    assert ("Status", "Closed", "Open") in reopened.changes
    assert any(label == "Review date" for label, _, _ in reopened.changes)
    assert risks.last_closed(risks.risk_history(risk)) == closed
    reasons = [h.history_change_reason for h in risk.history.all()]
    assert reasons[:2] == ["Reopened: Backlog back", "Closed: Backlog cleared"]
