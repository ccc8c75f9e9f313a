"""/api/v1/variations/: requested changes to a contract year and their decisions."""

import re

import django_filters
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.decorators import action

from contracts.api.common import (
    ContractsViewSet,
    _money_in,
)
from contracts.api.years import (
    _year_by_key,
)
from contracts.models import (
    ContractYear,
    FundingLine,
    Variation,
)
from contracts.services import variations as variation_services
from trust_portal.accounts.permissions import Action
from trust_portal.api.lists import COUNCIL_HELP, FinancialYearFilter, OneYearForm, code_filter
from trust_portal.api.viewsets import KeyedMixin, PageSerializer, key_parameter, valid

# --- Variations -----------------------------------------------------------------------------


@extend_schema_field({"type": "string", "example": "split"})
class VariationKindField(serializers.ChoiceField):
    """A plain string in the schema, its values in the description, like YearStateField: an
    enum named "Kind" would clash with the organisations'."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "One of: " + ", ".join(Variation.Kind.values) + ".")
        super().__init__(choices=Variation.Kind.choices, **kwargs)


@extend_schema_field({"type": "string", "example": "requested"})
class VariationStateField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "One of: " + ", ".join(Variation.State.values) + ".")
        super().__init__(choices=Variation.State.choices, read_only=True, **kwargs)


class VariationSerializer(PageSerializer):
    key = serializers.SerializerMethodField(help_text="Names the variation: NCT-2024-1.")
    contract_year = serializers.SerializerMethodField(help_text="The year's key: NCT-2024.")
    trust = serializers.CharField(source="contract_year.arrangement.trust.code", read_only=True)
    financial_year = serializers.IntegerField(source="contract_year.financial_year", read_only=True)
    kind = VariationKindField(read_only=True)
    state = VariationStateField()
    line = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text="The funding line's id (its name is in before, once removed).",
    )
    proposed = serializers.JSONField(
        read_only=True,
        help_text="The change: amounts as strings of pounds and pence, shares by council code.",
    )
    before = serializers.JSONField(
        read_only=True, allow_null=True, help_text="What it replaced, once approved."
    )

    class Meta:
        model = Variation
        fields = [
            "key",
            "contract_year",
            "trust",
            "financial_year",
            "number",
            "kind",
            "state",
            "line",
            "proposed",
            "before",
            "reason",
            "requested_at",
            "decision_date",
            "decision_note",
            "decided_at",
            "url",
        ]

    def get_contract_year(self, variation) -> str:
        year = variation.contract_year
        return f"{year.arrangement.trust.code}-{year.financial_year}"

    def get_key(self, variation) -> str:
        return f"{self.get_contract_year(variation)}-{variation.number}"


class VariationFilter(django_filters.FilterSet):
    trust = django_filters.CharFilter(
        field_name="contract_year__arrangement__trust__code", lookup_expr="iexact"
    )
    financial_year = django_filters.NumberFilter(
        field_name="contract_year__financial_year", help_text="2024 means 2024/25."
    )
    year = FinancialYearFilter(field_name="contract_year__financial_year")
    council = code_filter("contract_year__arrangement__councils__code", COUNCIL_HELP)
    state = django_filters.ChoiceFilter(choices=Variation.State.choices)

    class Meta:
        form = OneYearForm


class VariationInput(serializers.Serializer):
    contract_year = serializers.CharField(help_text="The year's key: NCT-2024.")
    kind = VariationKindField()
    reason = serializers.CharField(help_text="Why the change is needed.")
    line = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**62,
        help_text="change_line, remove_line: the id of one of the year's funding lines.",
    )
    amount = _money_in(
        required=False,
        allow_null=True,
        help_text='add_line, change_line: the (new) amount, for example "217000.00".',
    )
    block = serializers.ChoiceField(
        choices=FundingLine.Block.choices,
        required=False,
        allow_null=True,
        help_text="add_line: the new line's block.",
    )
    name = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="add_line: the new line's name."
    )
    recurring = serializers.BooleanField(
        default=False, help_text="add_line: the new line recurs (Block 1 always does)."
    )
    shares = serializers.DictField(
        child=serializers.DecimalField(max_digits=5, decimal_places=2),
        required=False,
        default=dict,
        help_text="split: every council's percentage by its code, adding up to 100: "
        '{"WNC": "56.00", "NNC": "44.00"}. Errors name the council: "share_WNC".',
    )
    basis = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="split: how it was set (population, demand, the weighting).",
    )


class VariationDecisionInput(serializers.Serializer):
    decision_date = serializers.DateField(help_text="The date of the councils' joint decision.")
    note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Required for a rejection: why."
    )


VARIATION_KEY = re.compile(r"^([A-Za-z][A-Za-z0-9]{1,9}-[0-9]{4})-([0-9]{1,5})$")
VARIATION = key_parameter("The contract year's key and the variation's number: NCT-2024-1.")


@extend_schema_view(retrieve=extend_schema(parameters=[VARIATION]))
class VariationViewSet(KeyedMixin, ContractsViewSet):
    """Requested changes to contract years: add, change or remove a funding line of an agreed
    year, or record an agreed cost split (also of a draft). Council officers request (POST)
    and withdraw; administrators approve or reject on the councils' joint decision, with its
    date. A draft year's variations only for those who see drafts."""

    serializer_class = VariationSerializer
    filterset_class = VariationFilter
    # Which rule each write needs (docs/permissions.md); other writes need "edit".
    write_actions = {"approve": Action.APPROVE, "reject": Action.APPROVE}
    lookup_value_regex = r"[A-Za-z][A-Za-z0-9]{1,9}-[0-9]{4}-[0-9]{1,5}"
    key_pattern = VARIATION_KEY
    key_form = "Name the variation as NCT-2024-1."
    ordering_fields = {
        "financial_year": "contract_year__financial_year",
        "number": "number",
        "state": "state",
        "requested_at": "requested_at",
    }

    def records(self, *, reading: bool):
        return (
            Variation.objects.filter(
                contract_year__in=ContractYear.objects.visible_to(self.request.user)
            )
            .select_related("contract_year__arrangement__trust")
            .order_by(
                "contract_year__arrangement__trust__code",
                "-contract_year__financial_year",
                "-number",
            )
        )

    def object_by_key(self, found):
        year = _year_by_key(ContractYear.objects.visible_to(self.request.user), found[1])
        return get_object_or_404(self.get_queryset(), contract_year=year, number=int(found[2]))

    @extend_schema(request=VariationInput, responses={201: VariationSerializer})
    def create(self, request):
        """Request a variation (council officers)."""
        data = valid(VariationInput, request.data)
        year = _year_by_key(
            ContractYear.objects.visible_to(request.user), data.pop("contract_year")
        )
        line_id, line = data.pop("line", None), None
        if line_id is not None:
            line = year.lines.filter(pk=line_id).first()
            if line is None:
                raise ValidationError({"line": "Choose a line of this contract year, by its id."})
        variation = variation_services.variation_request(
            by=request.user, contract_year=year, line=line, **data
        )
        return self._done(variation, status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[VARIATION], request=VariationDecisionInput, responses=VariationSerializer
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, key=None):
        """Approve and apply it on the councils' joint decision (administrators); the year's
        payment schedule and dashboards follow."""
        variation = self.get_object()
        variation_services.variation_approve(
            by=request.user, variation=variation, **valid(VariationDecisionInput, request.data)
        )
        return self._done(variation)

    @extend_schema(
        parameters=[VARIATION], request=VariationDecisionInput, responses=VariationSerializer
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, key=None):
        """Record the councils' rejection, with why (administrators)."""
        variation = self.get_object()
        variation_services.variation_reject(
            by=request.user, variation=variation, **valid(VariationDecisionInput, request.data)
        )
        return self._done(variation)

    @extend_schema(parameters=[VARIATION], request=None, responses=VariationSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, key=None):
        """Withdraw a variation awaiting decision (council officers)."""
        variation = self.get_object()
        variation_services.variation_withdraw(by=request.user, variation=variation)
        return self._done(variation)
