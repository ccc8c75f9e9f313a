"""Writes kept in a row's history (django-simple-history): who made the change, and why."""

from django.core.exceptions import ValidationError

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
