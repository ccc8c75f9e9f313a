"""What is waiting for each person: the home page's "Waiting for you" list, gathered from what
the apps register, so the core names no domain app and an app added later appears on its own.

An app registers a contributor in its ``AppConfig.ready``::

    @waiting("reserved-decisions", roles=(Role.COUNCIL_OFFICER,), order=50)
    def reserved_decisions(user, arrangements, *, today, last_visit, **context) -> list[Item]:
        ...

A contributor is given the person, every arrangement they are part of (so that it answers for
all of them in a few queries, however many there are), today's date and ``last_visit`` (when
the person last signed in before this visit, or None when nobody knows), and returns the
items waiting for them, each a link to the page where the thing is done. It must find only
what the person may see on that page: read through the same ``visible_to`` querysets and
permission functions the page uses.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone


@dataclass(frozen=True)
class Item:
    """One thing waiting: what to do (``title``, in words), where (``url``), since when
    (``since``, a date or a moment: its age), by when (``due``, if anything sets a date),
    in which arrangement (``code``), and what kind of work it is (``kind``: "Approve",
    "Answer", "Start"…)."""

    title: str
    url: str
    kind: str
    code: str
    since: date | datetime | None = None
    due: date | None = None


@dataclass(frozen=True)
class Contributor:
    name: str
    find: Callable
    roles: tuple[str, ...]
    order: int


_CONTRIBUTORS: dict[str, Contributor] = {}


def waiting(name: str, *, roles, order: int):
    """Register ``find(user, arrangements, *, today, last_visit) -> list[Item]`` for people in
    ``roles``;
    lists are shown in ``order``."""

    def register(function):
        contributor = Contributor(name, function, tuple(roles), order)
        if _CONTRIBUTORS.get(name, contributor) != contributor:
            raise RuntimeError(f"Two contributors to the waiting list are named {name!r}.")
        _CONTRIBUTORS[name] = contributor
        return function

    return register


def contributors() -> list[Contributor]:
    return sorted(_CONTRIBUTORS.values(), key=lambda c: (c.order, c.name))


@dataclass(frozen=True)
class Shown:
    """An item as the home page shows it: its age in words and whether it is overdue."""

    item: Item
    since: date | None  # the day it started waiting
    age: str
    overdue: bool


def day_of(since: date | datetime | None) -> date | None:
    if isinstance(since, datetime):
        return timezone.localtime(since).date()
    return since


def age_in_words(since: date | datetime | None, today: date) -> str:
    """ "today", "1 day", "12 days"; "" when nothing dates it."""
    since = day_of(since)
    if since is None:
        return ""
    days = (today - since).days
    if days <= 0:
        return "today"
    return f"{days} day{'s' if days != 1 else ''}"


def waiting_for(
    user, arrangements, *, today: date, last_visit: datetime | None = None
) -> list[Shown]:
    """Everything waiting for this person in their arrangements, contributor by contributor in
    their order, each contributor's items in the order it gives them."""
    arrangements = list(arrangements)
    if not getattr(user, "role", None):
        return []
    shown = []
    for contributor in contributors():
        if user.role not in contributor.roles:
            continue
        for item in contributor.find(user, arrangements, today=today, last_visit=last_visit):
            overdue = item.due is not None and item.due < today
            since = day_of(item.since)
            shown.append(Shown(item, since, age_in_words(since, today), overdue))
    return shown
