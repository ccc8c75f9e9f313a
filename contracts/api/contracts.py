"""/api/v1/contracts/: service contracts and their obligations."""

import django_filters
from django.db import transaction
from drf_spectacular.utils import (
    extend_schema,
)
from rest_framework import serializers, status

from contracts.api.common import (
    ContractsViewSet,
    _council,
    _reason_in,
)
from contracts.models import (
    ServiceContract,
)
from contracts.services import contracts as contract_services
from trust_portal.accounts.permissions import Action, arrangements_for
from trust_portal.api.lists import month_range
from trust_portal.api.viewsets import PageSerializer, arrangement_named, valid

# --- Contracts ------------------------------------------------------------------------------


class ContractSerializer(PageSerializer):
    trust = serializers.CharField(source="arrangement.trust.code", read_only=True)
    council = serializers.CharField(source="council.code", read_only=True)
    obligations = serializers.SlugRelatedField(
        slug_field="text", many=True, read_only=True, help_text="The key obligations, in order."
    )

    class Meta:
        model = ServiceContract
        fields = [
            "reference",
            "trust",
            "council",
            "title",
            "starts_on",
            "ends_on",
            "status",
            "obligations",
            "url",
        ]


class ContractFilter(django_filters.FilterSet):
    trust = django_filters.CharFilter(field_name="arrangement__trust__code", lookup_expr="iexact")
    council = django_filters.CharFilter(field_name="council__code", lookup_expr="iexact")
    status = django_filters.ChoiceFilter(choices=ServiceContract.Status.choices)
    starts_from, starts_to = month_range("starts_on")


class ContractInput(serializers.Serializer):
    trust = serializers.CharField(help_text="The trust's code: NCT.")
    council = serializers.CharField(
        help_text="The council's code: an officer records their own council's contract only."
    )
    reference = serializers.CharField(max_length=50, help_text="For example NCT-SC-WNC-2023.")
    title = serializers.CharField(max_length=200)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(help_text="The last day: three to five years after the start.")
    status = serializers.ChoiceField(
        choices=ServiceContract.Status.choices, default=ServiceContract.Status.DRAFT
    )
    obligations = serializers.ListField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        default=list,
        help_text="The service specification's key obligations, in order.",
    )


class ContractChangeInput(serializers.Serializer):
    reason = _reason_in()
    title = serializers.CharField(max_length=200, required=False)
    starts_on = serializers.DateField(required=False)
    ends_on = serializers.DateField(required=False)
    status = serializers.ChoiceField(choices=ServiceContract.Status.choices, required=False)
    obligations = serializers.ListField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        help_text="The whole new list, in order; left out, the list is unchanged.",
    )


class ContractViewSet(ContractsViewSet):
    """Each council's service contract with its trust, with the key obligations. A council's
    officers record and change their own council's contract (POST, PATCH with a reason).
    Documents are attached and downloaded on the contract's page only, not through the API."""

    serializer_class = ContractSerializer
    filterset_class = ContractFilter
    write_actions = {"create": Action.EDIT, "partial_update": Action.EDIT}
    lookup_field = "reference"
    lookup_value_regex = "[^/]+"
    ordering_fields = {
        "reference": "reference",
        "trust": "arrangement__trust__code",
        "council": "council__code",
        "starts_on": "starts_on",
        "ends_on": "ends_on",
    }

    def records(self, *, reading: bool):
        contracts = ServiceContract.objects.filter(
            arrangement__in=arrangements_for(self.request.user).values("pk")
        ).select_related("arrangement__trust", "council")
        if not reading:
            return contracts
        return contracts.prefetch_related("obligations").order_by(
            "arrangement__trust__code", "council__code", "-starts_on"
        )

    @extend_schema(request=ContractInput, responses={201: ContractSerializer})
    def create(self, request):
        """Record the caller's own council's contract (council officers)."""
        data = valid(ContractInput, request.data)
        arrangement = arrangement_named(request.user, data.pop("trust"))
        data["council"] = _council(arrangement, data["council"], "council")
        contract = contract_services.contract_create(
            by=request.user, arrangement=arrangement, **data
        )
        return self._done(contract, status.HTTP_201_CREATED)

    @extend_schema(request=ContractChangeInput, responses=ContractSerializer)
    def partial_update(self, request, reference=None):
        """Change the caller's own council's contract, with a reason; ``obligations``, when
        given, replaces the list."""
        contract = self.get_object()
        data = valid(ContractChangeInput, request.data)
        obligations = data.pop("obligations", None)
        with transaction.atomic():  # the contract and its obligations change together
            contract_services.contract_update(by=request.user, contract=contract, **data)
            if obligations is not None:
                contract_services.contract_set_obligations(
                    by=request.user,
                    contract=contract,
                    obligations=obligations,
                    reason=data["reason"],
                )
        return self._done(contract)
