"""Writes kept in a row's history (django-simple-history): who made the change, and why."""

from django.core.exceptions import ValidationError
from django.db.models import Case, Q, When

SAY_WHY = "Say why: it is kept in the history with your name."


def audited(row, *, by, reason: str | None):
    """``row``, its next historical row naming ``by`` and ``reason``: ``audited(row, …).save()``
    or ``.delete()``."""
    row._history_user, row._change_reason = by, reason
    return row


def audited_save(row, *, by, reason: str | None):
    """Check ``row`` (``full_clean``) and save it, its history naming ``by`` and ``reason``."""
    audited(row, by=by, reason=reason)
    row.full_clean()
    row.save()
    return row


def required_reason(reason: str | None, *, message: str = SAY_WHY) -> str:
    """The reason for a change, stripped; refused (on the ``reason`` field) when empty."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": message})
    return reason


def as_recorded(model, at, **filters) -> list:
    """The rows of ``model`` matching ``filters`` as they stood at the past moment ``at`` (each
    row's latest historical record by then; rows deleted by then, or not yet made, left out).
    A row with no history at all, recorded before its history was kept, is taken as it is
    now: nothing says otherwise."""
    then = list(model.history.as_of(at).filter(**filters))
    untracked = model.objects.filter(**filters).exclude(
        pk__in=model.history.values(model._meta.pk.attname)
    )
    return then + list(untracked)


class RecordedRows:
    """The rows of ``model`` matching ``filters`` with their whole history, read once (two
    queries), so ``as_recorded`` can be answered for many moments in memory: ``at(moment, key)``
    equals ``as_recorded(model, moment, **filters, **{by: key})``.

    As ``as_of`` (simple-history 3.13) reads: each row's history records at or before the
    moment, the latest of them by ``history_date`` (all of them if several share it), left out
    if it records a deletion or does not match the filters; those records ordered by
    ``-history_date, -history_id``; then the rows with no history at all, as they are now, in
    the model's order. Every record of a row that ever matched is read, so a row that has moved
    out of the filters since is still answered exactly. ``filters`` are field lookups of the
    model (``pk`` is its primary key); ``by`` is a field's attname (``contract_year_id``). The
    rows it gives are shared between moments: read them, do not change them."""

    def __init__(self, model, *, by: str, **filters):
        pk = model._meta.pk.attname
        if "pk" in filters:
            filters[pk] = filters.pop("pk")
        ever = model.history.filter(**filters).values(pk)
        records = (
            model.history.filter(**{f"{pk}__in": ever})
            .annotate(matches=Case(When(Q(**filters), then=True), default=False))
            .order_by("-history_date", "-history_id")
        )
        self._by = by
        self._records: dict = {}  # each row's records, the latest first
        self._rows_of: dict = {}  # a key's rows: those with a record that has the key
        for record in records:
            self._records.setdefault(getattr(record, pk), []).append(record)
            self._rows_of.setdefault(getattr(record, by), {})[getattr(record, pk)] = None
        untracked = model.objects.filter(**filters).exclude(pk__in=model.history.values(pk))
        self._untracked: dict = {}
        self._instances: dict = {}
        for row in untracked:
            self._untracked.setdefault(getattr(row, by), []).append(row)

    def records(self, key) -> list:
        """Every history record that has the key, the latest first."""
        found = [
            record
            for row in self._rows_of.get(key, ())
            for record in self._records[row]
            if getattr(record, self._by) == key
        ]
        return sorted(found, key=lambda r: (r.history_date, r.history_id), reverse=True)

    def at(self, moment, key) -> list:
        """The rows with the key as they stood at ``moment`` (as ``as_recorded``)."""
        then = []
        for row in self._rows_of.get(key, ()):
            latest = None
            for record in self._records[row]:  # the latest first
                if record.history_date > moment:
                    continue
                if latest is not None and record.history_date != latest:
                    break
                latest = record.history_date
                if (
                    record.history_type != "-"
                    and record.matches
                    and getattr(record, self._by) == key
                ):
                    then.append(record)
        then.sort(key=lambda r: (r.history_date, r.history_id), reverse=True)
        return [self._instance(record) for record in then] + list(self._untracked.get(key, ()))

    def _instance(self, record):
        """The row as the record has it, made once: the same object for every moment, to be
        read, not changed."""
        if record.history_id not in self._instances:
            self._instances[record.history_id] = record.instance
        return self._instances[record.history_id]
