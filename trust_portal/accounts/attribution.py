"""Which API token made a change, kept in the change's history row.

Every model's history (django-simple-history) is made by ``kept_history``: its historical rows
have ``history_api_token`` (the token's id) and ``history_api_token_name`` beside
``history_user``. Both default to the token of the request being answered, if it is a write
made with a token (``ApiTokenAuthentication`` marks it): a default, so a history row made one
at a time and one made in bulk (``bulk_create_with_history``) are both attributed. A change
made on the pages, by a task or by a command has neither.

The id is not a database foreign key: a token's record outlives the token (tokens are revoked,
not deleted, but a person's deletion takes their tokens), and no history table is locked or
scanned when a token goes. The name is kept so the history reads without a query per row."""

from django.db import models
from simple_history.models import HistoricalRecords


def _token_now():
    """The API token of the write being answered on this thread, or None."""
    request = getattr(HistoricalRecords.context, "request", None)
    return getattr(request, "api_token_write", None)


def api_token_id_now() -> int | None:
    token = _token_now()
    return token.pk if token is not None else None


def api_token_name_now() -> str:
    token = _token_now()
    return token.name if token is not None else ""


def api_token_field():
    """The API token a change was made with (its id; none on the pages)."""
    return models.ForeignKey(
        "accounts.ApiToken",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
        default=api_token_id_now,
        help_text="The API token the change was made with (none on the pages).",
    )


def api_token_name_field():
    """The name of the API token a change was made with ("" on the pages)."""
    return models.CharField("API token", max_length=100, blank=True, default=api_token_name_now)


class ApiTokenAttributed(models.Model):
    """The base of every historical model: the API token a change was made with, if any."""

    history_api_token = api_token_field()
    history_api_token_name = api_token_name_field()

    class Meta:
        abstract = True


def kept_history(**kwargs) -> HistoricalRecords:
    """A model's ``history``: ``HistoricalRecords`` whose rows name the API token used."""
    return HistoricalRecords(bases=[ApiTokenAttributed], **kwargs)


def made_by(record, user=None) -> str:
    """Who made a history row, as the pages say it: the person (or service account), and the
    API token when one was used; "" when nobody is recorded. ``user`` stands in for a row
    whose history names nobody (found from elsewhere: the return's "figures saved" event)."""
    user = record.history_user or user
    if user is None:
        return ""
    name = getattr(record, "history_api_token_name", "")
    return f"{user}, with the API token “{name}”" if name else str(user)
