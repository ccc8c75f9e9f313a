"""Query threads, for every kind of return: a council's query raised when returning a return,
about the whole return or one row of its area's figures; the trust's answers; closing; the
emails; who may do what; and the figures changed since the query, from → to."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from contracts.views.budget import KIND as BUDGET
from performance.views.returns import KIND as PERFORMANCE
from trust_portal.approvals import queries, services
from trust_portal.approvals.models import Event, Query, State
from trust_portal.approvals.queries import Change
from trust_portal.approvals.tests.conftest import approve_every_area
from workforce.views import KIND as WORKFORCE

# The approvals kinds (pages, hooks) by the name of the life's test adapters (conftest.KINDS).
PAGES_KIND = {"performance": PERFORMANCE, "budget": BUDGET, "workforce": WORKFORCE}


def first_row(kind, submission, officer):
    rows = queries.rows_of(PAGES_KIND[kind.name], submission, officer.organisation)
    return rows[0]


def send_back(world, submission, row=None, capture=None):
    officer = world.officers[0]
    about = (row.key, row.label) if row else None
    query = services.submission_return(
        submission=submission, by=officer, query="Please check this.", row=about
    )
    submission.refresh_from_db()
    return query


def answer(world, query, text="We checked: it was a typing slip."):
    return services.query_answer(query=query, by=world.manager, text=text)


# --- Raising -----------------------------------------------------------------------------------


def test_sending_back_about_a_row_starts_an_open_query_on_it(kind, world, submitted):
    row = first_row(kind, submitted, world.officers[0])
    query = send_back(world, submitted, row)
    assert submitted.state == State.RETURNED
    assert list(submitted.queries.values_list("row_key", "row_label", "text", "state")) == [
        (row.key, row.label, "Please check this.", "open")
    ]
    assert query.council == world.councils[0]
    assert query.raised_by == world.officers[0]


def test_sending_back_without_a_row_queries_the_whole_return(kind, world, submitted):
    query = send_back(world, submitted)
    assert (query.row_key, query.about) == ("", "the whole return")


def test_performance_rows_are_the_officers_own_area_and_all_areas(world):
    from trust_portal.approvals.tests.conftest import KINDS, start, submit

    submission = submit(KINDS[0], world, start(KINDS[0], world))
    council = world.councils[0]
    rows = queries.rows_of(PERFORMANCE, submission, council)
    areas = {row.key.rsplit(":", 1)[1] for row in rows}
    assert areas <= {council.code, "ALL"}
    assert council.code in areas
    seen = next(r for r in rows if r.key == f"APPROVALS_TEST_SEEN_IN_TIME:{council.code}")
    assert seen.figures == (("", "8 / 10 = 80.0%"),)


def test_workforce_rows_are_the_officers_own_areas_teams(world):
    from trust_portal.approvals.tests.conftest import KINDS, start, submit
    from workforce.models import Team

    submission = submit(KINDS[2], world, start(KINDS[2], world))
    council = world.councils[1]
    team = Team.objects.get(arrangement=world.arrangement, area=council)
    rows = queries.rows_of(WORKFORCE, submission, council)
    assert [(r.key, r.label) for r in rows] == [(str(team.pk), team.name)]
    assert dict(rows[0].figures)["Open cases held"] == "40"


def test_the_trust_is_emailed_the_query_with_its_row(
    kind, world, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    row = first_row(kind, submitted, world.officers[0])
    with django_capture_on_commit_callbacks(execute=True):
        query = send_back(world, submitted, row)
    assert [m.to for m in mailoutbox] == [[world.manager.email]]
    body = mailoutbox[0].body
    assert f"with a query about {row.label}:\n\nPlease check this." in body
    assert query.get_absolute_url() in body


# --- Answering ---------------------------------------------------------------------------------


def test_the_trusts_answer_marks_the_query_answered_and_tells_the_raising_council(
    kind, world, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    query = send_back(world, submitted)
    with django_capture_on_commit_callbacks(execute=True):
        answer(world, query)
    query.refresh_from_db()
    assert query.state == Query.State.ANSWERED
    assert list(query.answers.values_list("text", "by")) == [
        ("We checked: it was a typing slip.", world.manager.pk)
    ]
    assert [m.to for m in mailoutbox] == [[world.officers[0].email]]
    assert mailoutbox[0].subject == f"{submitted}: query answered"
    assert "We checked: it was a typing slip." in mailoutbox[0].body
    assert submitted.events.filter(action=Event.Action.QUERY_ANSWERED).count() == 1


def test_an_empty_answer_is_refused(kind, world, submitted):
    query = send_back(world, submitted)
    with pytest.raises(ValidationError, match="Enter your answer"):
        answer(world, query, text="  ")


@pytest.mark.parametrize(
    "who", ["officer", "other-officer", "scrutiny", "observer", "admin", "other-manager"]
)
def test_only_the_arrangements_trust_manager_may_answer(kind, world, submitted, who):
    query = send_back(world, submitted)
    with pytest.raises(PermissionDenied):
        services.query_answer(query=query, by=world.people[who], text="An answer")
    assert query.answers.count() == 0


# --- Closing -------------------------------------------------------------------------------------


def test_the_raising_officer_accepts_an_answer_and_closes_the_query(kind, world, submitted):
    query = send_back(world, submitted)
    answer(world, query)
    services.query_close(query=query, by=world.officers[0])
    query.refresh_from_db()
    assert query.state == Query.State.CLOSED
    assert query.closed_at is not None


def test_an_unanswered_query_cannot_be_closed(kind, world, submitted):
    query = send_back(world, submitted)
    with pytest.raises(ValidationError, match="Only an answered query"):
        services.query_close(query=query, by=world.officers[0])


@pytest.mark.parametrize("who", ["other-officer", "manager", "observer", "outsider"])
def test_nobody_else_closes_a_query(kind, world, submitted, who):
    query = send_back(world, submitted)
    answer(world, query)
    with pytest.raises(PermissionDenied):
        services.query_close(query=query, by=world.people[who])
    query.refresh_from_db()
    assert query.state == Query.State.ANSWERED


def test_a_closed_query_takes_no_more_answers(kind, world, submitted):
    query = send_back(world, submitted)
    answer(world, query)
    services.query_close(query=query, by=world.officers[0])
    with pytest.raises(ValidationError, match="closed"):
        answer(world, query)


def test_approval_by_every_council_closes_the_queries_still_open(kind, world, submitted):
    query = send_back(world, submitted)
    answer(world, query)
    services.submission_submit(submission=submitted, by=world.manager)
    approve_every_area(world, submitted)
    query.refresh_from_db()
    assert submitted.state == State.APPROVED
    assert query.state == Query.State.CLOSED


# --- Changed since the query ---------------------------------------------------------------


def test_nothing_has_changed_since_a_fresh_query(kind, world, submitted):
    query = send_back(world, submitted, first_row(kind, submitted, world.officers[0]))
    assert queries.changes_since(PAGES_KIND[kind.name], query) == []


def _changed_row(kind, world, submission):
    """The query's row in each kind: one whose figures the adapter's ``changed`` save changes."""
    officer = world.officers[0]
    rows = queries.rows_of(PAGES_KIND[kind.name], submission, officer.organisation)
    wanted = {
        "performance": f"APPROVALS_TEST_SEEN_IN_TIME:{officer.organisation.code}",
        "budget": "placements",
        "workforce": rows[0].key,
    }[kind.name]
    return next(r for r in rows if r.key == wanted)


EXPECTED = {
    "performance": lambda row: [Change(row.label, "", "8 / 10 = 80.0%", "7 / 10 = 70.0%")],
    "budget": lambda row: [Change("Placements", "Actual to date", "£500.00", "£600.00")],
    "workforce": lambda row: [Change(row.label, "Open cases held", "40", "41")],
}


def test_the_rows_figures_changed_since_the_query_from_then_to_now(kind, world, submitted):
    row = _changed_row(kind, world, submitted)
    query = send_back(world, submitted, row)
    kind.change(submitted, world.manager)
    assert queries.changes_since(PAGES_KIND[kind.name], query) == EXPECTED[kind.name](row)


def test_a_query_on_the_whole_return_lists_every_changed_row_of_the_area(world):
    from trust_portal.approvals.tests.conftest import KINDS, start, submit

    budget_kind = KINDS[1]
    submission = submit(budget_kind, world, start(budget_kind, world))
    query = send_back(world, submission)
    budget_kind.change(submission, world.manager)
    changes = queries.changes_since(BUDGET, query)
    assert [(c.row, c.name, c.before, c.after) for c in changes] == [
        (label, "Actual to date", "£500.00", "£600.00")
        for label in ("Placements", "Staffing", "Children's homes", "Adoption", "Other")
    ]
