"""What the contracts API's modules share: money fields, input helpers, the viewsets' base."""

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
)
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS

from trust_portal.accounts.permissions import Kind
from trust_portal.api.viewsets import WritingViewSet

CONTRACT = Kind.CONTRACT.value


def _money(**kwargs):
    return serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, **kwargs)


# --- Inputs shared by the writes ------------------------------------------------------------


def _writing(request) -> bool:
    """A write reads the object without prefetched rows: its service reads what it needs, and
    rows prefetched before the change would be stale (money.year_figures reads a year's)."""
    return request.method not in SAFE_METHODS


def _money_in(**kwargs):
    kwargs.setdefault("help_text", 'Pounds and pence as a string, for example "2580000.00".')
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kwargs)


def _reason_in(**kwargs):
    kwargs.setdefault("help_text", "Why (always required): kept in the history with your name.")
    return serializers.CharField(**kwargs)


def _council(arrangement, code: str | None, field: str):
    """One of the arrangement's councils by its code (None when none is given)."""
    if not code:
        return None
    council = arrangement.councils.filter(code=code.upper()).first()
    if council is None:
        raise ValidationError({field: "Choose one of the trust's councils by its code."})
    return council


# A row of one council's (a share, a grant, an answer): ``council`` is the council's code.
class CouncilRowSerializer(serializers.ModelSerializer):
    council = serializers.CharField(source="council.code", read_only=True)


class RemoveInput(serializers.Serializer):
    reason = _reason_in(help_text="Why it is removed: kept in the history with your name.")


REMOVE_REASON = OpenApiParameter(
    "reason",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    required=True,
    description="Why it is removed: kept in the history with your name (or in the body).",
)


class ContractsViewSet(WritingViewSet):
    """Subclasses give ``records(reading=…)``: their objects, with the rows a read shows
    prefetched when ``reading`` (a write reads them without: see ``_writing``)."""

    permission_kind = CONTRACT

    def records(self, *, reading: bool):
        raise NotImplementedError

    def get_queryset(self):
        return self.records(reading=not _writing(self.request))

    def fresh_queryset(self):
        return self.records(reading=True)
