"""What the contracts API's modules share: money fields, input helpers."""

from typing import Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
)
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS

from trust_portal.accounts.permissions import Kind, arrangements_for

CONTRACT = Kind.CONTRACT.value


def _money(**kwargs):
    return serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, **kwargs)


# --- Inputs shared by the writes ------------------------------------------------------------


def _writing(request) -> bool:
    """A write reads the object without prefetched rows: its service reads what it needs, and
    rows prefetched before the change would be stale (money.year_figures reads a year's)."""
    return request.method not in SAFE_METHODS


def _valid(input_class, data, **kwargs) -> dict[str, Any]:
    """The request's input, validated: a 400 naming each field otherwise."""
    found = input_class(data=data, **kwargs)
    found.is_valid(raise_exception=True)
    return dict(found.validated_data)


def _money_in(**kwargs):
    kwargs.setdefault("help_text", 'Pounds and pence as a string, for example "2580000.00".')
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kwargs)


def _reason_in(**kwargs):
    kwargs.setdefault("help_text", "Why (always required): kept in the history with your name.")
    return serializers.CharField(**kwargs)


def _arrangement(user, trust: str):
    """The caller's arrangement named by its trust's code; 404 for any other."""
    return get_object_or_404(arrangements_for(user), trust__code=trust.upper())


def _council(arrangement, code: str | None, field: str):
    """One of the arrangement's councils by its code (None when none is given)."""
    if not code:
        return None
    council = arrangement.councils.filter(code=code.upper()).first()
    if council is None:
        raise ValidationError({field: "Choose one of the trust's councils by its code."})
    return council


class RemoveInput(serializers.Serializer):
    reason = _reason_in(help_text="Why it is removed: kept in the history with your name.")


REMOVE_REASON = OpenApiParameter(
    "reason",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    required=True,
    description="Why it is removed: kept in the history with your name (or in the body).",
)
