import django_filters
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets

from performance.models import Indicator, IndicatorDefinition, Measurement, MonthlyReturn
from performance.views.returns import KIND
from trust_portal.accounts.api_permissions import RoleMay
from trust_portal.api.lists import (
    TRUST_HELP,
    FinancialYearFilter,
    ListsEveryWay,
    StrictBooleanFilter,
    code_filter,
    month_range,
)
from trust_portal.approvals.api import (
    AS_OF,
    SUBMISSION_FIELDS,
    FiguresInput,
    SubmissionSerializer,
    SubmissionViewSet,
    figure_rows,
    submission_filter,
    submission_schema,
)
from trust_portal.approvals.models import State
from trust_portal.asof import as_of_api


class DefinitionSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndicatorDefinition
        fields = [
            "version",
            "valid_from",
            "definition",
            "why_it_matters",
            "numerator_words",
            "denominator_words",
            "reviewed_by",
            "reviewed_on",
            "change_reason",
        ]


class IndicatorSerializer(serializers.ModelSerializer):
    definition = serializers.SerializerMethodField(help_text="The version in force this month.")
    has_rag = serializers.BooleanField(read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "domain",
            "unit",
            "polarity",
            "has_rag",
            "national_name",
            "from_extract",
            "definition",
        ]

    @extend_schema_field(DefinitionSerializer(allow_null=True))
    def get_definition(self, indicator):
        current = indicator.definition_for(timezone.localdate())
        return DefinitionSerializer(current).data if current else None


class IndicatorFilter(django_filters.FilterSet):
    domain = django_filters.ChoiceFilter(choices=Indicator.Domain.choices)
    unit = django_filters.ChoiceFilter(choices=Indicator.Unit.choices)
    from_extract = StrictBooleanFilter(
        help_text="true: the indicators counted from the child-level extract; false: the others."
    )

    class Meta:
        model = Indicator
        fields = ["domain", "unit", "from_extract"]


class IndicatorViewSet(ListsEveryWay, viewsets.ReadOnlyModelViewSet):
    """The indicator catalogue, shared by every arrangement, with each one's current wording."""

    queryset = Indicator.objects.with_definitions()
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilter
    permission_classes = [RoleMay]
    permission_kind = "indicator"
    lookup_field = "code"
    ordering_fields = ["code", "name", "domain"]


class MeasurementSerializer(serializers.ModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    trust = serializers.CharField(source="monthly_return.arrangement.trust.code", read_only=True)
    month = serializers.DateField(source="monthly_return.period", read_only=True)
    revision = serializers.IntegerField(source="monthly_return.revision", read_only=True)
    state = serializers.CharField(source="monthly_return.state", read_only=True)
    source_detail = serializers.SerializerMethodField(
        help_text="Where the figure came from, in words: for a figure computed from a "
        'child-level extract, "extract uploaded 6 December 2026, 18:04, by Helen Marsh '
        '(603,987 rows)".'
    )

    class Meta:
        model = Measurement
        fields = [
            "trust",
            "month",
            "revision",
            "state",
            "indicator",
            "area",
            "numerator",
            "denominator",
            "source",
            "source_detail",
        ]

    def get_source_detail(self, measurement) -> str:
        if measurement.extract_upload_id:
            return measurement.extract_upload.source_text
        return measurement.get_source_display()


class ReturnSerializer(SubmissionSerializer):
    class Meta:
        model = MonthlyReturn
        fields = SUBMISSION_FIELDS


class SaveInput(FiguresInput):
    figures = figure_rows(
        '[{"indicator": "CIN_VISIT_IN_TIME", "area": "NNC", "numerator": 8, '
        '"denominator": 10}, ...]',
    )
    commentary = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False
    )


# Each write's schema is what it takes and answers, as the other kinds' are.
@submission_schema(
    figures_description="Save figures into a draft (or a submitted or returned return)."
)
class ReturnViewSet(SubmissionViewSet):
    """Monthly performance returns the caller may see (drafts only for the trust; submitted
    ones for its councils; approved ones for everyone in the arrangement). Writes go through
    the same services as the pages."""

    kind = KIND
    serializer_class = ReturnSerializer
    output_serializer = ReturnSerializer
    filterset_class = submission_filter(MonthlyReturn)
    figures_input = SaveInput

    def figures_from(self, validated) -> dict:
        figures = {
            (str(f.get("indicator", "")), str(f.get("area", ""))): (
                f.get("numerator"),
                f.get("denominator"),
            )
            for f in validated["figures"]
        }
        return {"figures": figures, "commentary": validated.get("commentary", {})}


class MeasurementFilter(django_filters.FilterSet):
    indicator = django_filters.CharFilter(field_name="indicator__code")
    area = code_filter("area", "A council area's code, for example WNC.")
    trust = code_filter("monthly_return__arrangement__trust__code", TRUST_HELP)
    month_from, month_to = month_range("monthly_return__period")
    year = FinancialYearFilter(field_name="monthly_return__period", months=True)
    state = django_filters.ChoiceFilter(field_name="monthly_return__state", choices=State.choices)

    class Meta:
        model = Measurement
        fields = ["indicator", "area", "trust", "month_from", "month_to", "year", "state"]


@extend_schema_view(list=extend_schema(parameters=[AS_OF]))
class MeasurementViewSet(ListsEveryWay, viewsets.ReadOnlyModelViewSet):
    """Figures of approved returns (and, for those who may see them, of drafts and
    submitted ones: filter on ``state`` in the result)."""

    serializer_class = MeasurementSerializer
    filterset_class = MeasurementFilter
    ordering_fields = {
        "month": "monthly_return__period",
        "trust": "monthly_return__arrangement__trust__code",
        "indicator": "indicator__code",
        "area": "area",
    }
    permission_classes = [RoleMay]
    permission_kind = "monthly return"

    def get_queryset(self):
        visible = MonthlyReturn.objects.visible_to(self.request.user)
        as_of = as_of_api(self.request) if self.action == "list" else None
        if as_of:  # the revisions approved and in force then, since replaced or not
            visible = visible.in_force_at(as_of.moment)
        else:
            visible = visible.exclude(state=State.SUPERSEDED)
        return (
            Measurement.objects.filter(monthly_return__in=visible)
            .select_related(
                "indicator",
                "monthly_return__arrangement__trust",
                "extract_upload__uploaded_by",
            )
            .order_by("monthly_return__period", "indicator__display_order", "area", "pk")
        )


# (prefix, viewset, basename): trust_portal/urls.py routes them under /api/v1/.
routes = [
    ("indicators", IndicatorViewSet, "indicator"),
    ("returns", ReturnViewSet, "return"),
    ("measurements", MeasurementViewSet, "measurement"),
]
