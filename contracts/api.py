"""The contracts API: /api/v1/contracts/, /api/v1/contract-years/, /api/v1/payments/ and
/api/v1/reserved-decisions/.

Read by every role that may see contracts (docs/permissions.md: scrutiny members may not, so
they get 403), each list filtered to the caller's arrangements (others' rows: absent from
lists, 404 on their own). A contract year is named ``<trust code>-<financial year>``
(``/api/v1/contract-years/NCT-2024/``); draft years exist only for the roles that see drafts.
Money is always a string of pounds with two decimal places, never a float, and every figure
comes from ``contracts.money.year_figures``, as on the pages.
"""

import re

import django_filters
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from contracts import matters, money, services
from contracts.matter_forms import DecisionFilter
from contracts.models import (
    Consent,
    ContractYear,
    CostShare,
    FundingLine,
    Instalment,
    ReservedDecision,
    ServiceContract,
)
from trust_portal.accounts.api_permissions import RoleMay
from trust_portal.accounts.permissions import Action, Kind, arrangements_for, can
from trust_portal.api import router

CONTRACT = Kind.CONTRACT.value


def _money(**kwargs):
    return serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, **kwargs)


def visible_years(user):
    """Contract years of the caller's arrangements; drafts only for roles that see drafts."""
    years = ContractYear.objects.filter(arrangement__in=arrangements_for(user).values("pk"))
    if not can(user, Action.VIEW_DRAFT, Kind.CONTRACT):
        years = years.filter(state=ContractYear.State.AGREED)
    return years


# --- Contracts ------------------------------------------------------------------------------


class ContractSerializer(serializers.ModelSerializer):
    trust = serializers.CharField(source="arrangement.trust.code", read_only=True)
    council = serializers.CharField(source="council.code", read_only=True)
    obligations = serializers.SlugRelatedField(
        slug_field="text", many=True, read_only=True, help_text="The key obligations, in order."
    )
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = ServiceContract
        fields = ["reference", "trust", "council", "title", "starts_on", "ends_on", "status",
                  "obligations", "url"]  # fmt: skip


class ContractFilter(django_filters.FilterSet):
    trust = django_filters.CharFilter(field_name="arrangement__trust__code", lookup_expr="iexact")
    council = django_filters.CharFilter(field_name="council__code", lookup_expr="iexact")
    status = django_filters.ChoiceFilter(choices=ServiceContract.Status.choices)

    class Meta:
        model = ServiceContract
        fields = ["trust", "council", "status"]


class ContractViewSet(viewsets.ReadOnlyModelViewSet):
    """Each council's service contract with its trust, with the key obligations."""

    serializer_class = ContractSerializer
    filterset_class = ContractFilter
    permission_classes = [RoleMay]
    permission_kind = CONTRACT
    lookup_field = "reference"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return (
            ServiceContract.objects.filter(
                arrangement__in=arrangements_for(self.request.user).values("pk")
            )
            .select_related("arrangement__trust", "council")
            .prefetch_related("obligations")
            .order_by("arrangement__trust__code", "council__code", "-starts_on")
        )


# --- Contract years -------------------------------------------------------------------------


class ShareSerializer(serializers.ModelSerializer):
    council = serializers.CharField(source="council.code", read_only=True)

    class Meta:
        model = CostShare
        fields = ["council", "percentage"]


class SplitSerializer(serializers.Serializer):
    basis = serializers.CharField(source="split_basis", read_only=True)
    agreed_on = serializers.DateField(source="split_agreed_on", read_only=True, allow_null=True)
    complete = serializers.BooleanField(
        source="figures.split_complete",
        read_only=True,
        help_text="Every council has a share and the shares add up to exactly 100.",
    )
    shares = ShareSerializer(many=True, read_only=True)


class LineSerializer(serializers.ModelSerializer):
    funded_by = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        help_text="Block 3 only: the one council funding it; null when shared by the split.",
    )

    class Meta:
        model = FundingLine
        fields = ["block", "name", "amount", "recurring", "funded_by"]


class BlocksSerializer(serializers.Serializer):
    block1 = _money(help_text="Block 1: core funding.")
    block2_recurring = _money()
    block2_non_recurring = _money()
    block2 = _money(help_text="Block 2: transformation items, recurring and not.")
    block3_provision = _money(help_text="Block 3: the transformation fund, outside the sum.")
    block3_drawn = _money(help_text="Released so far by approved business cases.")
    block3_remaining = _money()


class ContributionSerializer(serializers.Serializer):
    council = serializers.CharField(source="code", read_only=True)
    name = serializers.CharField(read_only=True)
    percentage = serializers.DecimalField(
        max_digits=5, decimal_places=2, read_only=True, allow_null=True
    )
    share_of_contract_sum = _money()
    passported_grants = _money()
    contribution = _money(help_text="Share of the contract sum plus passported grants.")
    adjustments = _money(help_text="Returned to the council by the trust.")
    net_after_adjustments = _money()
    block3_share = _money()


@extend_schema_field({"type": "string", "example": "agreed"})
class YearStateField(serializers.ChoiceField):
    """A plain string in the schema: an enum named "State" would clash with the returns' (the
    schema generator names enums by field name; settings.ENUM_NAME_OVERRIDES would be the
    other way)."""

    def __init__(self, **kwargs):
        super().__init__(choices=ContractYear.State.choices, read_only=True, **kwargs)


class ContractYearSerializer(serializers.ModelSerializer):
    key = serializers.SerializerMethodField(help_text="Names the year in the API: NCT-2024.")
    trust = serializers.CharField(source="arrangement.trust.code", read_only=True)
    label = serializers.CharField(read_only=True, help_text="2024/25")
    state = YearStateField(help_text="draft or agreed; drafts only for those who see drafts.")
    split = SplitSerializer(source="*", read_only=True)
    lines = LineSerializer(many=True, read_only=True)
    blocks = BlocksSerializer(source="figures", read_only=True)
    contract_sum = _money(source="figures.contract_sum", help_text="Block 1 + Block 2.")
    block3_provision = _money(source="figures.block3_provision")
    contributions = ContributionSerializer(source="figures.councils", many=True, read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = ContractYear
        fields = ["key", "trust", "financial_year", "label", "state", "agreed_on", "split",
                  "lines", "blocks", "contract_sum", "block3_provision", "contributions",
                  "url"]  # fmt: skip

    def get_key(self, year) -> str:
        return f"{year.arrangement.trust.code}-{year.financial_year}"

    def to_representation(self, year):
        year.figures = money.year_figures(year)  # once per year, read by several fields
        return super().to_representation(year)


class ContractYearFilter(django_filters.FilterSet):
    trust = django_filters.CharFilter(field_name="arrangement__trust__code", lookup_expr="iexact")
    financial_year = django_filters.NumberFilter(help_text="2024 means 2024/25.")
    state = django_filters.ChoiceFilter(choices=ContractYear.State.choices)

    class Meta:
        model = ContractYear
        fields = ["trust", "financial_year", "state"]


YEAR_KEY = re.compile(r"^([A-Za-z][A-Za-z0-9]{1,9})-(\d{4})$")


@extend_schema_view(
    retrieve=extend_schema(
        parameters=[
            OpenApiParameter(
                "key",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="The trust's code and the year the financial year starts: NCT-2024.",
            )
        ]
    )
)
class ContractYearViewSet(viewsets.ReadOnlyModelViewSet):
    """Contract years with their funding lines, block totals, split and each council's
    contribution. Drafts only for council officers and administrators."""

    serializer_class = ContractYearSerializer
    filterset_class = ContractYearFilter
    permission_classes = [RoleMay]
    permission_kind = CONTRACT
    lookup_url_kwarg = "key"
    lookup_value_regex = r"[A-Za-z][A-Za-z0-9]{1,9}-\d{4}"

    def get_queryset(self):
        return (
            visible_years(self.request.user)
            .select_related("arrangement__trust")
            .prefetch_related(
                Prefetch("lines", FundingLine.objects.select_related("funded_by")),
                Prefetch("shares", CostShare.objects.select_related("council")),
                "grants",
                "adjustments",
                "block3_draws",
                "arrangement__councils",
            )
            .order_by("arrangement__trust__code", "-financial_year")
        )

    def get_object(self):
        found = YEAR_KEY.match(self.kwargs["key"])
        if found is None:
            raise Http404("Name the year as NCT-2024.")
        year = get_object_or_404(
            self.get_queryset(),
            arrangement__trust__code=found[1].upper(),
            financial_year=int(found[2]),
        )
        self.check_object_permissions(self.request, year)
        return year


# --- Payments -------------------------------------------------------------------------------


class InstalmentSerializer(serializers.ModelSerializer):
    trust = serializers.CharField(source="contract_year.arrangement.trust.code", read_only=True)
    financial_year = serializers.IntegerField(source="contract_year.financial_year", read_only=True)
    year_label = serializers.CharField(source="contract_year.label", read_only=True)
    council = serializers.CharField(source="council.code", read_only=True)
    is_paid = serializers.BooleanField(read_only=True)

    class Meta:
        model = Instalment
        fields = ["id", "trust", "financial_year", "year_label", "council", "number", "due_on",
                  "amount", "is_paid", "paid_on", "reference", "recorded_at"]  # fmt: skip


class PaymentFilter(django_filters.FilterSet):
    trust = django_filters.CharFilter(
        field_name="contract_year__arrangement__trust__code", lookup_expr="iexact"
    )
    financial_year = django_filters.NumberFilter(field_name="contract_year__financial_year")
    council = django_filters.CharFilter(field_name="council__code", lookup_expr="iexact")
    paid = django_filters.BooleanFilter(method="filter_paid", help_text="true or false.")

    class Meta:
        model = Instalment
        fields = ["trust", "financial_year", "council", "paid"]

    def filter_paid(self, queryset, name, value):
        return queryset.filter(paid_on__isnull=not value)


class RecordInput(serializers.Serializer):
    paid_on = serializers.DateField(help_text="The date it was paid: today or earlier.")
    reference = serializers.CharField(help_text="The payment reference.")


class PaymentViewSet(viewsets.ReadOnlyModelViewSet):
    """Each council's monthly instalments of a contract year, paid or not."""

    serializer_class = InstalmentSerializer
    filterset_class = PaymentFilter
    permission_classes = [RoleMay]
    permission_kind = CONTRACT
    write_actions = {"record": Action.EDIT}

    def get_queryset(self):
        return (
            Instalment.objects.filter(contract_year__in=visible_years(self.request.user))
            .select_related("contract_year__arrangement__trust", "council")
            .order_by(
                "contract_year__arrangement__trust__code",
                "-contract_year__financial_year",
                "council__code",
                "number",
            )  # fmt: skip
        )

    @extend_schema(request=RecordInput, responses=InstalmentSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        """Record that the paying council has paid this instalment (its own officers only)."""
        instalment = self.get_object()
        code = instalment.council.code
        if request.user.organisation_id != instalment.council_id:
            raise PermissionDenied(f"Only {code}'s officers record {code}'s payments.")
        data = RecordInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.instalment_record_payment(by=request.user, instalment=instalment,
                                           **data.validated_data)  # fmt: skip
        instalment.refresh_from_db()
        return Response(InstalmentSerializer(instalment).data)


# --- Reserved decisions ---------------------------------------------------------------------


class AnswerSerializer(serializers.ModelSerializer):
    council = serializers.CharField(source="council.code", read_only=True)

    class Meta:
        model = Consent
        fields = ["council", "answer", "decided_on", "note"]


class ReservedDecisionSerializer(serializers.ModelSerializer):
    trust = serializers.CharField(source="matter.arrangement.trust.code", read_only=True)
    matter = serializers.CharField(source="matter.reference", read_only=True)
    matter_title = serializers.CharField(source="matter.title", read_only=True)
    outcome = serializers.ChoiceField(
        source="current_outcome",
        choices=matters.OUTCOMES,
        read_only=True,
        help_text="decided once every owning council consented; refused as soon as one refused.",
    )
    answers = AnswerSerializer(source="consents", many=True, read_only=True)
    awaiting = serializers.SerializerMethodField(help_text="Councils that have not answered.")
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = ReservedDecision
        fields = ["id", "trust", "matter", "matter_title", "title", "description",
                  "requested_on", "outcome", "answers", "awaiting", "url"]  # fmt: skip

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_awaiting(self, decision) -> list[str]:
        answered = {c.council_id for c in decision.consents.all()}
        councils = decision.matter.arrangement.councils.all()
        return sorted(c.code for c in councils if c.pk not in answered)


class ReservedDecisionFilter(DecisionFilter):
    trust = django_filters.CharFilter(
        field_name="matter__arrangement__trust__code", lookup_expr="iexact"
    )
    matter = django_filters.CharFilter(field_name="matter__reference", help_text="RM4")

    class Meta(DecisionFilter.Meta):
        fields = ["trust", "matter", "outcome"]


class ReservedDecisionViewSet(viewsets.ReadOnlyModelViewSet):
    """The decision log of reserved matters, each council's answer and the outcome. Answers are
    recorded on the pages, by each council's own officers."""

    serializer_class = ReservedDecisionSerializer
    filterset_class = ReservedDecisionFilter
    permission_classes = [RoleMay]
    permission_kind = CONTRACT

    def get_queryset(self):
        decisions = ReservedDecision.objects.filter(
            matter__arrangement__in=arrangements_for(self.request.user).values("pk")
        )
        return matters.with_outcome(
            decisions.select_related("matter__arrangement__trust").prefetch_related(
                Prefetch("consents", Consent.objects.select_related("council")),
                "matter__arrangement__councils",
            )
        )


router.register("contracts", ContractViewSet, basename="contract")
router.register("contract-years", ContractYearViewSet, basename="contractyear")
router.register("payments", PaymentViewSet, basename="payment")
router.register("reserved-decisions", ReservedDecisionViewSet, basename="reserveddecision")
