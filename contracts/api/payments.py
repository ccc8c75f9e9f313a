"""/api/v1/payments/: instalments, recording and undoing payments."""

import django_filters
from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import (
    extend_schema,
)
from rest_framework import serializers
from rest_framework.decorators import action

from contracts.api.common import (
    ContractsViewSet,
    _reason_in,
)
from contracts.models import (
    ContractYear,
    Instalment,
)
from contracts.services import payments
from trust_portal.accounts.permissions import Action
from trust_portal.api.lists import (
    FinancialYearFilter,
    OneYearForm,
    StrictBooleanFilter,
    month_range,
)
from trust_portal.api.viewsets import valid

# --- Payments -------------------------------------------------------------------------------


class InstalmentSerializer(serializers.ModelSerializer):
    trust = serializers.CharField(source="contract_year.arrangement.trust.code", read_only=True)
    financial_year = serializers.IntegerField(source="contract_year.financial_year", read_only=True)
    year_label = serializers.CharField(source="contract_year.label", read_only=True)
    council = serializers.CharField(source="council.code", read_only=True)
    is_paid = serializers.BooleanField(read_only=True)

    class Meta:
        model = Instalment
        fields = [
            "id",
            "trust",
            "financial_year",
            "year_label",
            "council",
            "number",
            "due_on",
            "amount",
            "is_paid",
            "paid_on",
            "reference",
            "recorded_at",
        ]


class PaymentFilter(django_filters.FilterSet):
    trust = django_filters.CharFilter(
        field_name="contract_year__arrangement__trust__code", lookup_expr="iexact"
    )
    financial_year = django_filters.NumberFilter(field_name="contract_year__financial_year")
    year = FinancialYearFilter(field_name="contract_year__financial_year")
    month_from, month_to = month_range("due_on")
    council = django_filters.CharFilter(field_name="council__code", lookup_expr="iexact")
    paid = StrictBooleanFilter(
        method="filter_paid", help_text="true: the paid ones; false: the unpaid ones."
    )

    class Meta:
        form = OneYearForm

    def filter_paid(self, queryset, name, value):
        return queryset.filter(paid_on__isnull=not value)


class RecordInput(serializers.Serializer):
    paid_on = serializers.DateField(help_text="The date it was paid: today or earlier.")
    reference = serializers.CharField(help_text="The payment reference.")


class UndoInput(serializers.Serializer):
    reason = _reason_in(
        help_text="Why it is undone, for example 'Recorded against the wrong "
        "month'. Kept in the history with your name."
    )


def _paying_council_only(request, instalment, doing: str) -> None:
    """Each council records its own payments: another council's officer is told whose they
    are (before anything about their input)."""
    if request.user.organisation_id != instalment.council_id:
        code = instalment.council.code
        raise PermissionDenied(f"Only {code}'s officers {doing} {code}'s payments.")


class PaymentViewSet(ContractsViewSet):
    """Each council's monthly instalments of a contract year, paid or not. The paying
    council's officers record a payment, or undo one recorded in error."""

    serializer_class = InstalmentSerializer
    filterset_class = PaymentFilter
    write_actions = {"record": Action.EDIT, "undo": Action.EDIT}
    ordering_fields = {
        "due_on": "due_on",
        "amount": "amount",
        "number": "number",
        "council": "council__code",
        "paid_on": "paid_on",
    }

    def records(self, *, reading: bool):
        return (
            Instalment.objects.filter(
                contract_year__in=ContractYear.objects.visible_to(self.request.user)
            )
            .select_related("contract_year__arrangement__trust", "council")
            .order_by(
                "contract_year__arrangement__trust__code",
                "-contract_year__financial_year",
                "council__code",
                "number",
            )
        )

    @extend_schema(request=RecordInput, responses=InstalmentSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        """Record that the paying council has paid this instalment (its own officers only)."""
        instalment = self.get_object()
        _paying_council_only(request, instalment, "record")
        data = valid(RecordInput, request.data)
        payments.instalment_record_payment(by=request.user, instalment=instalment, **data)
        return self._done(instalment)

    @extend_schema(request=UndoInput, responses=InstalmentSerializer)
    @action(detail=True, methods=["post"])
    def undo(self, request, pk=None):
        """Undo a payment recorded in error, with a reason (the paying council's officers); the
        instalment is unpaid again and the council's schedule follows."""
        instalment = self.get_object()
        _paying_council_only(request, instalment, "correct")
        reason = valid(UndoInput, request.data)["reason"]
        payments.instalment_undo_payment(by=request.user, instalment=instalment, reason=reason)
        return self._done(instalment)
