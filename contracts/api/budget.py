"""/api/v1/budget-monitoring/: monthly budget monitoring, read by every role that may see it
(drafts only by the trust; submitted months also by its councils; approved ones by everyone in
the arrangement), written through the same services as the pages."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action

from contracts.models import BudgetReturn
from contracts.services import budget
from contracts.views import budget as budget_views
from trust_portal.approvals.api import (
    SUBMISSION_FIELDS,
    FiguresInput,
    PartField,
    SubmissionSerializer,
    SubmissionViewSet,
    figure_rows,
    submission_filter,
    submission_schema,
)

MONEY = {"max_digits": 14, "decimal_places": 2, "read_only": True}


class BudgetReturnSerializer(SubmissionSerializer):
    class Meta:
        model = BudgetReturn
        fields = SUBMISSION_FIELDS
        read_only_fields = fields


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
    lines = PartField(VarianceRowSerializer, "rows", many=True)
    total = PartField(VarianceRowSerializer)
    council_shares = serializers.SerializerMethodField()

    class Meta(BudgetReturnSerializer.Meta):
        fields = [*BudgetReturnSerializer.Meta.fields, "lines", "total", "council_shares"]
        read_only_fields = fields

    read_parts = staticmethod(budget.variance_rows)

    @extend_schema_field(CouncilSharesSerializer)
    def get_council_shares(self, budget_return) -> dict:
        return CouncilSharesSerializer(budget.council_shares(budget_return)).data


class LinesInput(FiguresInput):
    lines = figure_rows(
        '[{"category": "placements", "budget": "90,004,500.00", "actual_to_date": '
        '"52,300,000.00", "forecast_outturn": "91,900,000.00", "commentary": "…"}, …]. '
        "Amounts as strings of pounds and pence; a category left out is unchanged.",
    )


DETAIL = BudgetReturnDetailSerializer


@submission_schema()
class BudgetReturnViewSet(SubmissionViewSet):
    """Monthly budget monitoring the caller may see, with each category's variance and the
    councils' shares of the over- or underspend on the detail. Writes go through the same
    services as the pages: start, save lines, submit, correct (the trust's managers); approve
    an area or return with a query (council officers)."""

    kind = budget_views.KIND
    output_serializer = DETAIL
    filterset_class = submission_filter(BudgetReturn)
    figures_input = LinesInput
    rows = "lines"
    row_key = "category"

    def get_serializer_class(self):
        return BudgetReturnDetailSerializer if self.action != "list" else BudgetReturnSerializer

    @action(detail=True, methods=["post"], url_path="lines", url_name="lines")
    def figures(self, request, pk=None):
        """Save figures into a draft (or a submitted or returned month). Errors are keyed
        "category.field", for example "placements.budget"."""
        return super().figures(request, pk)


# (prefix, viewset, basename): contracts/api/__init__.py lists them after its own.
routes = [
    ("budget-monitoring", BudgetReturnViewSet, "budget-return"),
]
