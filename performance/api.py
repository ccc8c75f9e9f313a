import django_filters
from django.shortcuts import get_object_or_404
from django.utils import timezone
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from performance import returns
from performance.models import Indicator, IndicatorDefinition, Measurement, MonthlyReturn
from trust_portal.accounts.api_permissions import RoleMay
from trust_portal.accounts.permissions import Action, arrangements_for
from trust_portal.api import router
from trust_portal.approvals.models import State


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

    def get_definition(self, indicator) -> DefinitionSerializer:
        current = indicator.definition_for(timezone.localdate())
        return DefinitionSerializer(current).data if current else None


class IndicatorFilter(django_filters.FilterSet):
    domain = django_filters.ChoiceFilter(choices=Indicator.Domain.choices)
    unit = django_filters.ChoiceFilter(choices=Indicator.Unit.choices)

    class Meta:
        model = Indicator
        fields = ["domain", "unit", "from_extract"]


class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    """The indicator catalogue, shared by every arrangement, with each one's current wording."""

    queryset = Indicator.objects.with_definitions()
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilter
    permission_classes = [RoleMay]
    permission_kind = "indicator"
    lookup_field = "code"


class MeasurementSerializer(serializers.ModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    trust = serializers.CharField(source="monthly_return.arrangement.trust.code", read_only=True)
    month = serializers.DateField(source="monthly_return.period", read_only=True)
    revision = serializers.IntegerField(source="monthly_return.revision", read_only=True)
    state = serializers.CharField(source="monthly_return.state", read_only=True)

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
        ]


class ReturnSerializer(serializers.ModelSerializer):
    trust = serializers.CharField(source="arrangement.trust.code", read_only=True)
    month = serializers.DateField(source="period", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = MonthlyReturn
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

    def get_url(self, monthly_return) -> str:
        return monthly_return.get_absolute_url()


class ReturnFilter(django_filters.FilterSet):
    trust = django_filters.CharFilter(field_name="arrangement__trust__code")
    month = django_filters.DateFilter(field_name="period")
    state = django_filters.ChoiceFilter(choices=State.choices)

    class Meta:
        model = MonthlyReturn
        fields = ["trust", "month", "state"]


class StartInput(serializers.Serializer):
    trust = serializers.CharField()
    month = serializers.DateField()


class SaveInput(serializers.Serializer):
    lock_version = serializers.IntegerField(
        help_text="The version you read; a stale one is refused."
    )
    figures = serializers.ListField(
        child=serializers.DictField(),
        help_text='[{"indicator": "CIN_VISIT_IN_TIME", "area": "NNC", "numerator": 8, '
        '"denominator": 10}, ...]',
    )
    commentary = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False
    )


class QueryInput(serializers.Serializer):
    query = serializers.CharField()


class ReturnViewSet(viewsets.ReadOnlyModelViewSet):
    """Monthly performance returns the caller may see (drafts only for the trust; submitted
    ones for its councils; approved ones for everyone in the arrangement). Writes go through
    the same services as the pages."""

    serializer_class = ReturnSerializer
    filterset_class = ReturnFilter
    permission_classes = [RoleMay]
    permission_kind = "monthly return"
    # Which rule each write needs (docs/permissions.md); reads need "view approved".
    write_actions = {
        "create": Action.EDIT,
        "figures": Action.EDIT,
        "submit": Action.SUBMIT,
        "approve": Action.APPROVE,
        "send_back": Action.APPROVE,
    }

    def get_queryset(self):
        return MonthlyReturn.objects.visible_to(self.request.user).select_related(
            "arrangement__trust"
        )

    def create(self, request):
        data = StartInput(data=request.data)
        data.is_valid(raise_exception=True)
        arrangement = get_object_or_404(
            arrangements_for(request.user), trust__code=data.validated_data["trust"].upper()
        )
        started = returns.return_start(
            by=request.user, arrangement=arrangement, month=data.validated_data["month"]
        )
        return Response(ReturnSerializer(started).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def figures(self, request, pk=None):
        """Save figures into a draft (or a submitted or returned return)."""
        monthly_return = self.get_object()
        data = SaveInput(data=request.data)
        data.is_valid(raise_exception=True)
        figures = {
            (str(f.get("indicator", "")), str(f.get("area", ""))): (
                f.get("numerator"),
                f.get("denominator"),
            )
            for f in data.validated_data["figures"]
        }
        returns.return_save(
            by=request.user,
            monthly_return=monthly_return,
            expected_version=data.validated_data["lock_version"],
            figures=figures,
            commentary=data.validated_data.get("commentary", {}),
        )
        monthly_return.refresh_from_db()
        return Response(ReturnSerializer(monthly_return).data)

    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        monthly_return = self.get_object()
        returns.return_submit(by=request.user, monthly_return=monthly_return)
        monthly_return.refresh_from_db()
        return Response(ReturnSerializer(monthly_return).data)

    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve the caller's own council's area."""
        monthly_return = self.get_object()
        returns.return_approve(by=request.user, monthly_return=monthly_return)
        monthly_return.refresh_from_db()
        return Response(ReturnSerializer(monthly_return).data)

    @action(detail=True, methods=["post"], url_path="return")
    def send_back(self, request, pk=None):
        """Return to the trust with a query."""
        monthly_return = self.get_object()
        data = QueryInput(data=request.data)
        data.is_valid(raise_exception=True)
        returns.return_send_back(
            by=request.user, monthly_return=monthly_return, query=data.validated_data["query"]
        )
        monthly_return.refresh_from_db()
        return Response(ReturnSerializer(monthly_return).data)


class MeasurementFilter(django_filters.FilterSet):
    indicator = django_filters.CharFilter(field_name="indicator__code")
    area = django_filters.CharFilter()
    trust = django_filters.CharFilter(field_name="monthly_return__arrangement__trust__code")
    month_from = django_filters.DateFilter(field_name="monthly_return__period", lookup_expr="gte")
    month_to = django_filters.DateFilter(field_name="monthly_return__period", lookup_expr="lte")

    class Meta:
        model = Measurement
        fields = ["indicator", "area", "trust", "month_from", "month_to"]


class MeasurementViewSet(viewsets.ReadOnlyModelViewSet):
    """Figures of approved returns (and, for those who may see them, of drafts and
    submitted ones: filter on ``state`` in the result)."""

    serializer_class = MeasurementSerializer
    filterset_class = MeasurementFilter
    permission_classes = [RoleMay]
    permission_kind = "monthly return"

    def get_queryset(self):
        visible = MonthlyReturn.objects.visible_to(self.request.user).exclude(
            state=State.SUPERSEDED
        )
        return (
            Measurement.objects.filter(monthly_return__in=visible)
            .select_related("indicator", "monthly_return__arrangement__trust")
            .order_by("monthly_return__period", "indicator__display_order", "area", "pk")
        )


router.register("indicators", IndicatorViewSet, basename="indicator")
router.register("returns", ReturnViewSet, basename="return")
router.register("measurements", MeasurementViewSet, basename="measurement")
