"""Reading query threads: the rows of a return a query may be about (each kind lists its own
through its ``query_rows`` hook), and what changed in them since the query was raised.

A kind's hook ``query_rows(submission, council, at=None)`` gives the rows of the return the
council's officer may query (for performance, each indicator in the council's area and all
areas; for budget monitoring, each spend category; for workforce, the council's teams), each a
``QueryRow`` with its figures as the pages show them; with ``at``, as they stood at that past
moment (read from the figures' history, ``trust_portal.history.as_recorded``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Prefetch

from trust_portal.approvals.models import Answer, Query

WHOLE_RETURN = "The whole return"


@dataclass(frozen=True)
class QueryRow:
    """One row of a return a query may be about: its key (unique in the return), its words,
    and its figures as (name, shown) pairs ("Forecast outturn", "£1,234.00")."""

    key: str
    label: str
    figures: tuple[tuple[str, str], ...]

    @property
    def shown(self) -> str:
        return "; ".join(f"{name} {value}" if name else value for name, value in self.figures)


@dataclass(frozen=True)
class Change:
    """One figure of a row, changed since a query: from → to."""

    row: str
    name: str
    before: str
    after: str


def rows_of(kind, submission, council, at=None) -> list[QueryRow]:
    if kind.query_rows is None:
        return []
    return kind.query_rows(submission, council, at=at)


def row_choices(kind, submission, council) -> list[tuple[str, str]]:
    """The choices of the send-back form's row: the whole return first."""
    return [("", WHOLE_RETURN)] + [(r.key, r.label) for r in rows_of(kind, submission, council)]


def row_named(kind, submission, council, key: str) -> tuple[str, str] | None:
    """(key, words) of the row ``key`` names, None for the whole return; a key not among the
    council's rows is refused."""
    if not key:
        return None
    for row in rows_of(kind, submission, council):
        if row.key == key:
            return (row.key, row.label)
    raise ValidationError({"row": f"“{key}” is not a row of this return you can query."})


def changes_since(kind, query: Query, now: list[QueryRow] | None = None) -> list[Change]:
    """The figures of the query's row (or of all the council's rows, for a query on the whole
    return) that changed between the moment it was raised and now, in the rows' order (``now``:
    the council's rows as they stand, where already read)."""
    submission, council = query.submission, query.council
    before = {r.key: r for r in rows_of(kind, submission, council, at=query.raised_at)}
    changes = []
    for row in rows_of(kind, submission, council) if now is None else now:
        if query.row_key and row.key != query.row_key:
            continue
        old = dict(before[row.key].figures) if row.key in before else {}
        for name, value in row.figures:
            if old.get(name, "–") != value:
                changes.append(Change(row.label, name, old.get(name, "–"), value))
    return changes


def threads(submission):
    """The return's queries, oldest first, with their answers and people."""
    answers = Prefetch("answers", queryset=Answer.objects.select_related("by"))
    return submission.queries.select_related("council", "raised_by").prefetch_related(answers).all()


def _on(submission, found) -> list[Query]:
    """The queries, each told its return (so that its page's address costs no query)."""
    found = list(found)
    for query in found:
        query.submission = submission
    return found


def open_threads(submission) -> list[Query]:
    """The queries the trust has still to answer."""
    return _on(submission, (q for q in threads(submission) if q.state == Query.State.OPEN))


def with_changes(kind, submission) -> list[tuple[Query, list[Change]]]:
    """Each query of a resubmitted (or approved) return with its row's changes since it (each
    council's rows as they stand now read once)."""
    now: dict[int, list[QueryRow]] = {}
    found = []
    for query in _on(submission, threads(submission)):
        if query.council_id not in now:
            now[query.council_id] = rows_of(kind, submission, query.council)
        found.append((query, changes_since(kind, query, now[query.council_id])))
    return found
