"""Search across one arrangement: each app registers what it can find, so the core names no
domain app and an app added later appears on the search page without the page knowing it.

An app registers its providers when Django starts (in its ``AppConfig.ready``, by importing
its ``search.py``)::

    @provider("risks", title="Risks", order=60)
    def find_risks(user, arrangement, query: Query):
        if not can(user, Action.VIEW_APPROVED, Kind.BUSINESS_CASE, arrangement):
            return []
        rows = matching(Risk.objects.filter(arrangement=arrangement), query, "reference", "title")
        return Hits(rows, lambda r: Hit(f"{r.reference}: {r.title}", r.get_absolute_url()))

``find`` returns the things the user may see, as the pages that show them decide it (the same
querysets and permission functions as those pages), newest or most useful first, as ``Hit``
objects: a list, or ``Hits(queryset, make_hit)`` so that only the slice shown is read.

``matching`` does the text part: PostgreSQL full-text search (english) in production, a
word-by-word ``icontains`` elsewhere (SQLite in development and most tests).
"""

import calendar
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import reduce
from operator import or_

from django.db import connection
from django.db.models import Q, QuerySet

MAX_QUERY = 100  # characters of the query kept; longer ones are cut (and the page says so)


@dataclass(frozen=True)
class Query:
    """What the person typed, tidied: its words, and the month it names if it names one."""

    text: str
    words: tuple[str, ...] = ()
    month: date | None = None

    @classmethod
    def parse(cls, raw: str) -> "Query":
        text = " ".join(raw.split())[:MAX_QUERY]
        return cls(text=text, words=tuple(text.split()), month=month_named(text))


@dataclass(frozen=True)
class Hit:
    title: str
    url: str
    context: str = ""  # one line: what the thing is, or where the words were found


@dataclass(frozen=True)
class Provider:
    name: str
    title: str
    find: Callable[..., Sequence[Hit]]
    order: int = 0


_PROVIDERS: dict[str, Provider] = {}


def provider(name: str, *, title: str, order: int):
    def register(function):
        found = _PROVIDERS.get(name)
        if found is not None and found.find is not function:
            raise RuntimeError(f"Two search providers are named {name!r}.")
        _PROVIDERS[name] = Provider(name=name, title=title, find=function, order=order)
        return function

    return register


def providers() -> list[Provider]:
    """Every provider, in the order the results page groups them."""
    return sorted(_PROVIDERS.values(), key=lambda p: (p.order, p.name))


# --- Months -------------------------------------------------------------------------------

_MONTHS = {
    name.lower(): n
    for n in range(1, 13)
    for name in (calendar.month_name[n], calendar.month_abbr[n])
}
_MONTHS["sept"] = 9
# Digits 0 to 9 only (re.ASCII): "\d" alone also takes "١٢" and int() reads it as 12.
_NAMED = re.compile(r"^([a-z]+)\.?\s+(\d{4})$", re.ASCII)
_NUMERIC = re.compile(r"^(\d{4})-(\d{1,2})$|^(\d{1,2})/(\d{4})$", re.ASCII)


def _month(text: str) -> date | None:
    year = month = None
    if m := _NAMED.match(text):
        month, year = _MONTHS.get(m[1]), int(m[2])
    elif m := _NUMERIC.match(text):
        year, month = (int(m[1]), int(m[2])) if m[1] else (int(m[4]), int(m[3]))
    if not month or not 1 <= month <= 12 or not 1900 <= year <= 2999:
        return None
    return date(year, month, 1)


def month_named(text: str) -> date | None:
    """The month a query names anywhere in it: "March 2019", "Mar 2019", "2019-03" and
    "03/2019" → 1 March 2019 (so "budget March 2019" names it too); else None."""
    words = text.strip().lower().split()
    for n, word in enumerate(words):
        found = _month(word) or (_month(f"{word} {words[n + 1]}") if n + 1 < len(words) else None)
        if found:
            return found
    return None


# --- Text ---------------------------------------------------------------------------------


def matching(queryset: QuerySet, query: Query, *fields: str) -> QuerySet:
    """The rows whose ``fields`` hold the query's words.

    On PostgreSQL: full-text search (english stemming, websearch syntax), or the whole query
    inside any field (so a code such as "CIN_VISIT" or "BC0" is found too). Elsewhere: every
    word inside one field or another, ignoring case."""
    if not query.words:
        return queryset.none()
    anywhere = lambda text: reduce(or_, (Q(**{f"{f}__icontains": text}) for f in fields))  # noqa: E731
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        vector = SearchVector(*fields, config="english")
        words = SearchQuery(query.text, config="english", search_type="websearch")
        found = queryset.annotate(search_text=vector)
        return found.filter(Q(search_text=words) | anywhere(query.text))
    return queryset.filter(*(anywhere(word) for word in query.words))


def line(text: str, words: Sequence[str] = (), width: int = 160) -> str:
    """One line of context: the text's first line, or the part around the first word found."""
    flat = " ".join((text or "").split())
    if len(flat) <= width:
        return flat
    lower = flat.lower()
    at = min((i for i in (lower.find(w.lower()) for w in words) if i >= 0), default=0)
    start = max(0, at - width // 3)
    cut = flat[start : start + width]
    return ("…" if start else "") + cut + ("…" if start + width < len(flat) else "")


class Hits:
    """A queryset's rows as hits, each made only when the page takes its slice."""

    def __init__(self, rows, hit: Callable[..., Hit]):
        self.rows, self.hit = rows, hit

    def __getitem__(self, part: slice) -> list[Hit]:
        return [self.hit(row) for row in self.rows[part]]


def returns_of_the_month(rows: QuerySet, query: Query) -> Sequence[Hit]:
    """A kind of return's revisions for the month the query names (``rows``: the ones the
    user may see, ``Model.objects.visible_to(user)`` of the arrangement), newest first."""
    if query.month is None:
        return []
    rows = rows.filter(period=query.month).select_related("arrangement__trust")
    return Hits(
        rows.order_by("-revision"),
        lambda r: Hit(
            f"{r.title_words.capitalize()}: {r.period:%B %Y}{_correction(r)}",
            r.get_absolute_url(),
            r.get_state_display(),
        ),
    )


def _correction(submission) -> str:
    return f" (correction {submission.revision - 1})" if submission.revision > 1 else ""


# --- The search ---------------------------------------------------------------------------


@dataclass
class Group:
    provider: Provider
    hits: list[Hit] = field(default_factory=list)
    more: bool = False  # more than shown: the page links to this kind's results alone


def search(user, arrangement, query: Query, *, limit: int, only: str = "") -> list[Group]:
    """Each provider's first ``limit`` hits (and whether it has more), for a group per kind
    with anything found. ``only`` names one provider, for its page of every hit."""
    groups = []
    for p in providers():
        if only and p.name != only:
            continue
        found = p.find(user, arrangement, query)
        hits = list(found[: limit + 1])
        if hits:
            groups.append(Group(p, hits[:limit], more=len(hits) > limit))
    return groups
