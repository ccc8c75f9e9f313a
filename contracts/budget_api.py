"""/api/v1/budget-monitoring/: monthly budget monitoring, read by every role that may see it
(drafts only by the trust; submitted months also by its councils; approved ones by everyone in
the arrangement), written through the same services as the pages."""

import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from contracts import budget
from contracts.models import BudgetReturn
from trust_portal.accounts.api_permissions import RoleMay
from trust_portal.accounts.permissions import Action, arrangements_for
from trust_portal.api import router
from trust_portal.approvals.models import State

MONEY = {"max_digits": 14, "decimal_places": 2, "read_only": True}


class BudgetReturnSerializer(serializers.ModelSerializer):
    trust = serializers.CharField(source="arrangement.trust.code", read_only=True)
    month = serializers.DateField(source="period", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = BudgetReturn
        fields = [
            "id",
            "trust",
            "month",
            "revision",
            "revision_reason",
            "state",
            "lock_version",
            "submitted_at",
            "approved_at",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, budget_return) -> str:
        return budget_return.get_absolute_url()


class VarianceRowSerializer(serializers.Serializer):
    category = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)
    budget = serializers.DecimalField(**MONEY, allow_null=True)
    actual_to_date = serializers.DecimalField(**MONEY, allow_null=True)
    forecast_outturn = serializers.DecimalField(**MONEY, allow_null=True)
    variance = serializers.DecimalField(
        **MONEY, allow_null=True, help_text="Forecast outturn less budget: above zero overspent."
    )
    variance_percent = serializers.DecimalField(
        max_digits=9,
        decimal_places=1,
        read_only=True,
        allow_null=True,
        help_text="Variance as a percentage of budget, to one decimal place.",
    )
    direction = serializers.CharField(read_only=True, help_text="overspend, underspend, on budget")
    commentary = serializers.CharField(read_only=True)
    needs_commentary = serializers.BooleanField(read_only=True)


class CouncilShareSerializer(serializers.Serializer):
    council = serializers.CharField(source="code", read_only=True)
    name = serializers.CharField(read_only=True)
    percentage = serializers.DecimalField(max_digits=5, decimal_places=2, read_only=True)
    amount = serializers.DecimalField(**MONEY, help_text="Its part of the total variance.")
    direction = serializers.CharField(read_only=True)


class CouncilSharesSerializer(serializers.Serializer):
    financial_year = serializers.CharField(source="label", read_only=True)
    variance = serializers.DecimalField(**MONEY, allow_null=True)
    direction = serializers.CharField(read_only=True)
    shares = CouncilShareSerializer(many=True, read_only=True)
    problem = serializers.CharField(read_only=True, help_text="Why nothing is split, if so.")


class BudgetReturnDetailSerializer(BudgetReturnSerializer):
    lines = serializers.SerializerMethodField()
    total = serializers.SerializerMethodField()
    council_shares = serializers.SerializerMethodField()

    class Meta(BudgetReturnSerializer.Meta):
        fields = [*BudgetReturnSerializer.Meta.fields, "lines", "total", "council_shares"]
        read_only_fields = fields

    def _table(self, budget_return):
        cache = self.context.setdefault("tables", {})
        if budget_return.pk not in cache:
            cache[budget_return.pk] = budget.variance_rows(budget_return)
        return cache[budget_return.pk]

    @extend_schema_field(VarianceRowSerializer(many=True))
    def get_lines(self, budget_return) -> list:
        return VarianceRowSerializer(self._table(budget_return).rows, many=True).data

    @extend_schema_field(VarianceRowSerializer)
    def get_total(self, budget_return) -> dict:
        return VarianceRowSerializer(self._table(budget_return).total).data

    @extend_schema_field(CouncilSharesSerializer)
    def get_council_shares(self, budget_return) -> dict:
        return CouncilSharesSerializer(budget.council_shares(budget_return)).data


class BudgetReturnFilter(django_filters.FilterSet):
    trust = django_filters.CharFilter(field_name="arrangement__trust__code")
    month = django_filters.DateFilter(field_name="period")
    state = django_filters.ChoiceFilter(choices=State.choices)

    class Meta:
        model = BudgetReturn
        fields = ["trust", "month", "state"]


class StartInput(serializers.Serializer):
    trust = serializers.CharField()
    month = serializers.DateField(help_text="Any day of the month, for example 2024-10-01.")


class LinesInput(serializers.Serializer):
    lock_version = serializers.IntegerField(
        help_text="The version you read; a stale one is refused."
    )
    lines = serializers.ListField(
        child=serializers.DictField(),
        help_text='[{"category": "placements", "budget": "90,004,500.00", "actual_to_date": '
        '"52,300,000.00", "forecast_outturn": "91,900,000.00", "commentary": "…"}, …]. '
        "Amounts as strings of pounds and pence; a category left out is unchanged.",
    )


class QueryInput(serializers.Serializer):
    query = serializers.CharField()


class CorrectionInput(serializers.Serializer):
    reason = serializers.CharField()


class BudgetReturnViewSet(viewsets.ReadOnlyModelViewSet):
    """Monthly budget monitoring the caller may see, with each category's variance and the
    councils' shares of the over- or underspend on the detail. Writes go through the same
    services as the pages: start, save lines, submit, correct (the trust's managers); approve
    an area or return with a query (council officers)."""

    filterset_class = BudgetReturnFilter
    permission_classes = [RoleMay]
    permission_kind = "monthly return"
    # Which rule each write needs (docs/permissions.md); reads need "view approved".
    write_actions = {
        "create": Action.EDIT,
        "lines": Action.EDIT,
        "submit": Action.SUBMIT,
        "approve": Action.APPROVE,
        "send_back": Action.APPROVE,
        "correct": Action.EDIT,
    }

    def get_queryset(self):
        return BudgetReturn.objects.visible_to(self.request.user).select_related(
            "arrangement__trust"
        )

    def get_serializer_class(self):
        return BudgetReturnDetailSerializer if self.action != "list" else BudgetReturnSerializer

    def _done(self, budget_return, code=status.HTTP_200_OK):
        budget_return.refresh_from_db()
        return Response(BudgetReturnDetailSerializer(budget_return).data, status=code)

    @extend_schema(request=StartInput, responses={201: BudgetReturnDetailSerializer})
    def create(self, request):
        data = StartInput(data=request.data)
        data.is_valid(raise_exception=True)
        arrangement = get_object_or_404(
            arrangements_for(request.user), trust__code=data.validated_data["trust"].upper()
        )
        started = budget.budget_return_start(
            by=request.user, arrangement=arrangement, month=data.validated_data["month"]
        )
        return self._done(started, status.HTTP_201_CREATED)

    @extend_schema(request=LinesInput, responses=BudgetReturnDetailSerializer)
    @action(detail=True, methods=["post"])
    def lines(self, request, pk=None):
        """Save figures into a draft (or a submitted or returned month). Errors are keyed
        "category.field", for example "placements.budget"."""
        budget_return = self.get_object()
        data = LinesInput(data=request.data)
        data.is_valid(raise_exception=True)
        lines = {}
        for row in data.validated_data["lines"]:
            category = str(row.get("category", ""))
            if category in lines:
                raise serializers.ValidationError({category: "Give each category once."})
            lines[category] = {k: v for k, v in row.items() if k != "category"}
        budget.budget_return_save(
            by=request.user,
            budget_return=budget_return,
            expected_version=data.validated_data["lock_version"],
            lines=lines,
        )
        return self._done(budget_return)

    @extend_schema(request=None, responses=BudgetReturnDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        budget_return = self.get_object()
        budget.budget_return_submit(by=request.user, budget_return=budget_return)
        return self._done(budget_return)

    @extend_schema(request=None, responses=BudgetReturnDetailSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve the caller's own council's area."""
        budget_return = self.get_object()
        budget.budget_return_approve(by=request.user, budget_return=budget_return)
        return self._done(budget_return)

    @extend_schema(request=QueryInput, responses=BudgetReturnDetailSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def send_back(self, request, pk=None):
        """Return to the trust with a query."""
        budget_return = self.get_object()
        data = QueryInput(data=request.data)
        data.is_valid(raise_exception=True)
        budget.budget_return_send_back(
            by=request.user, budget_return=budget_return, query=data.validated_data["query"]
        )
        return self._done(budget_return)

    @extend_schema(request=CorrectionInput, responses={201: BudgetReturnDetailSerializer})
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        """Start a correction of the approved month: a new draft revision."""
        budget_return = self.get_object()
        data = CorrectionInput(data=request.data)
        data.is_valid(raise_exception=True)
        new = budget.budget_return_correct(
            by=request.user, budget_return=budget_return, reason=data.validated_data["reason"]
        )
        return self._done(new, status.HTTP_201_CREATED)


router.register("budget-monitoring", BudgetReturnViewSet, basename="budget-return")
