"""The waiting-list registry (``trust_portal.work``): contributors by role and order, ages in
words, overdue items, and one name per contributor."""

from datetime import UTC, date, datetime

import pytest

from trust_portal import work
from trust_portal.accounts.models import Role

TODAY = date(2025, 7, 20)


@pytest.fixture
def registry(monkeypatch):
    """An empty registry for the test (the apps' contributors put back after it)."""
    monkeypatch.setattr(work, "_CONTRIBUTORS", {})
    return work


class Person:
    role = Role.COUNCIL_OFFICER


def item(title, **kwargs):
    return work.Item(title=title, url=f"/{title}/", kind="To approve", code="NCT", **kwargs)


def test_contributors_answer_only_their_roles_in_their_order(registry):
    registry.waiting("later", roles=[Role.COUNCIL_OFFICER], order=20)(
        lambda user, arrangements, **context: [item("b")]
    )
    registry.waiting("sooner", roles=[Role.COUNCIL_OFFICER], order=10)(
        lambda user, arrangements, **context: [item("a")]
    )
    registry.waiting("theirs", roles=[Role.TRUST_MANAGER], order=0)(
        lambda user, arrangements, **context: [item("c")]
    )
    shown = registry.waiting_for(Person(), [], today=TODAY)
    assert [s.item.title for s in shown] == ["a", "b"]


def test_a_contributor_is_given_the_arrangements_today_and_the_last_visit(registry):
    given = []
    visit = datetime(2025, 7, 1, 9, tzinfo=UTC)

    @registry.waiting("spy", roles=[Role.COUNCIL_OFFICER], order=0)
    def spy(user, arrangements, *, today, last_visit):
        given.append((arrangements, today, last_visit))
        return []

    assert registry.waiting_for(Person(), ("x", "y"), today=TODAY, last_visit=visit) == []
    assert given == [(["x", "y"], TODAY, visit)]


def test_an_item_says_since_when_and_whether_it_is_overdue(registry):
    registry.waiting("items", roles=[Role.COUNCIL_OFFICER], order=0)(
        lambda user, arrangements, **context: [
            item("new", since=TODAY),
            item("old", since=datetime(2025, 7, 19, 23, 30, tzinfo=UTC), due=date(2025, 7, 19)),
            item("due today", since=date(2025, 6, 20), due=TODAY),
            item("undated"),
        ]
    )
    shown = registry.waiting_for(Person(), [], today=TODAY)
    assert [(s.item.title, s.since, s.age, s.overdue) for s in shown] == [
        ("new", TODAY, "today", False),
        # 23:30 UTC on 19 July is 00:30 on 20 July in London: the local day counts.
        ("old", TODAY, "today", True),
        ("due today", date(2025, 6, 20), "30 days", False),
        ("undated", None, "", False),
    ]


def test_one_day_is_singular():
    assert work.age_in_words(date(2025, 7, 19), TODAY) == "1 day"


def test_two_contributors_may_not_share_a_name(registry):
    registry.waiting("same", roles=[Role.COUNCIL_OFFICER], order=0)(lambda *a, **k: [])
    with pytest.raises(RuntimeError, match="Two contributors to the waiting list are named 'same'"):
        registry.waiting("same", roles=[Role.COUNCIL_OFFICER], order=0)(lambda *a, **k: [])


def test_a_person_without_a_role_has_nothing_waiting(registry):
    registry.waiting("any", roles=[Role.COUNCIL_OFFICER], order=0)(
        lambda user, arrangements, **context: [item("a")]
    )
    nobody = Person()
    nobody.role = ""
    assert registry.waiting_for(nobody, [], today=TODAY) == []


def test_each_apps_ready_may_run_twice_and_the_lists_stand():
    # Django may call an app's ready() more than once (its documentation says so).
    from django.apps import apps

    from trust_portal.work import contributors

    before = [(c.name, c.order, c.roles) for c in contributors()]
    for label in ("performance", "contracts", "workforce", "transformation", "dashboards"):
        apps.get_app_config(label).ready()
    assert [(c.name, c.order, c.roles) for c in contributors()] == before
    assert "performance.monthlyreturn-to-approve" in [name for name, _, _ in before]
