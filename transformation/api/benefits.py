"""/api/v1/benefits/: benefits realisation, read by every role that may read business cases
(scrutiny members: 403), each caller seeing only the benefits of the cases they may see
(``access.cases_visible``: approved cases for all of them, drafts for the trust, submitted ones
also for its councils; other arrangements' are absent from lists and 404 on their own).

Figures are strings, never floats: savings in pounds with two decimal places ("1150000.00"),
numbers as whole numbers ("290"). Writes are the pages' writes, by the same rules and the same
services (``transformation/services/benefits.py``): add a benefit, change it and a year's
targets as the edit page does (PATCH), set a quarter's target, report a quarter's actual (the
trust's managers)."""

import django_filters
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action

from transformation import access
from transformation.models import Benefit, BenefitQuarter, Theme
from transformation.services import benefits
from trust_portal.accounts.permissions import Action, Kind
from trust_portal.api.lists import (
    COUNCIL_HELP,
    FinancialYearFilter,
    OneYearForm,
    code_filter,
    financial_year_given,
)
from trust_portal.api.viewsets import WritingViewSet, valid
from trust_portal.numbers import digits_value
from trust_portal.periods import financial_year_of, quarter_label

FIGURE = {"type": "string", "nullable": True, "example": "1150000.00"}


def _figure(value, kind) -> str | None:
    if value is None:
        return None
    return f"{value:.2f}" if kind == Benefit.Kind.SAVING else f"{value:.0f}"


class QuarterSerializer(serializers.ModelSerializer):
    label = serializers.SerializerMethodField(help_text="Q1 2024/25 (April to June)")
    target = serializers.SerializerMethodField()
    lower_tolerance = serializers.SerializerMethodField()
    actual = serializers.SerializerMethodField(help_text="null until reported.")
    rag = serializers.CharField(read_only=True, help_text="green, amber, red or grey")
    reported_by = serializers.StringRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = BenefitQuarter
        fields = [
            "financial_year",
            "quarter",
            "label",
            "target",
            "lower_tolerance",
            "actual",
            "rag",
            "commentary",
            "reported_by",
            "reported_at",
        ]

    def get_label(self, row) -> str:
        return quarter_label(row.financial_year, row.quarter)

    @extend_schema_field(FIGURE)
    def get_target(self, row):
        return _figure(row.target, row.benefit.kind)

    @extend_schema_field(FIGURE)
    def get_lower_tolerance(self, row):
        return _figure(row.lower_tolerance, row.benefit.kind)

    @extend_schema_field(FIGURE)
    def get_actual(self, row):
        return _figure(row.actual, row.benefit.kind)


def _text(source, **kwargs):
    return serializers.CharField(source=source, read_only=True, **kwargs)


class BenefitSerializer(serializers.ModelSerializer):
    trust = _text("business_case.project.arrangement.trust.code")
    case = _text("business_case.reference", help_text="The business case, e.g. BC07.")
    case_title = _text("business_case.title")
    case_state = _text("business_case.state", help_text="approved, draft, submitted…")
    theme = _text("business_case.project.theme")
    theme_label = _text("business_case.project.get_theme_display")
    quarters = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Benefit
        fields = [
            "id",
            "trust",
            "case",
            "case_title",
            "case_state",
            "theme",
            "theme_label",
            "name",
            "kind",
            "description",
            "quarters",
            "url",
        ]
        read_only_fields = fields

    @extend_schema_field(QuarterSerializer(many=True))
    def get_quarters(self, benefit) -> list:
        rows = getattr(benefit, "shown_quarters", None)
        if rows is None:
            rows = benefit.quarters.all()
        for row in rows:
            row.benefit = benefit  # its kind decides how figures are written
        return QuarterSerializer(rows, many=True).data

    def get_url(self, benefit) -> str:
        case = benefit.business_case
        code = case.project.arrangement.trust.code
        return reverse("transformation:benefit-detail", args=[code, case.reference, benefit.pk])


class BenefitFilter(django_filters.FilterSet):
    trust = django_filters.CharFilter(
        field_name="business_case__project__arrangement__trust__code", lookup_expr="iexact"
    )
    theme = django_filters.ChoiceFilter(
        field_name="business_case__project__theme", choices=Theme.choices
    )
    case = django_filters.CharFilter(
        field_name="business_case__reference", lookup_expr="iexact", help_text="BC07"
    )
    council = code_filter("business_case__project__arrangement__councils__code", COUNCIL_HELP)
    financial_year = django_filters.NumberFilter(
        method="filter_year",
        help_text="2024 means 2024/25: benefits with a target that year, and only its quarters.",
    )
    year = FinancialYearFilter(
        method="filter_year",
        help_text="A financial year, for example 2024-25: benefits with a target that year, "
        "and only its quarters.",
    )

    class Meta:
        form = OneYearForm

    def filter_year(self, queryset, name, value):
        return queryset.filter(quarters__financial_year=value).distinct()


def _optional_text(**kwargs):
    """Text that may be left out or blank ("" then)."""
    return serializers.CharField(required=False, allow_blank=True, default="", **kwargs)


class BenefitInput(serializers.Serializer):
    trust = serializers.CharField(help_text="NCT")
    case = serializers.CharField(help_text="The business case's reference, e.g. BC07.")
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Benefit.Kind.choices)
    description = _optional_text()
    reason = _optional_text(help_text="Needed once the case is approved.")


class TargetInput(serializers.Serializer):
    financial_year = serializers.IntegerField(help_text="2024 means 2024/25.")
    quarter = serializers.IntegerField(help_text="1 is April to June, 4 January to March.")
    target = serializers.CharField(help_text='"1000000.00" for savings, "300" for numbers.')
    lower_tolerance = serializers.CharField(help_text="At most the target.")
    reason = _optional_text(help_text="Needed once the case is approved.")


class ActualInput(serializers.Serializer):
    financial_year = serializers.IntegerField(help_text="2024 means 2024/25.")
    quarter = serializers.IntegerField(help_text="A quarter that has begun and has a target.")
    actual = serializers.CharField(help_text='"840000.00" for savings, "28" for numbers.')
    commentary = _optional_text(help_text="Needed when red.")
    reason = _optional_text(help_text="Needed when replacing an actual already reported.")


class QuarterTargetInput(serializers.Serializer):
    quarter = serializers.IntegerField(
        min_value=1, max_value=4, help_text="1 is April to June, 4 January to March."
    )
    target = serializers.CharField(
        allow_blank=True, help_text='"1000000.00" for savings, "300" for numbers.'
    )
    lower_tolerance = serializers.CharField(allow_blank=True, help_text="At most the target.")


class BenefitChangeInput(serializers.Serializer):
    reason = _optional_text(
        help_text="Needed once the case is approved: kept in the history with your name."
    )
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    kind = serializers.ChoiceField(
        choices=Benefit.Kind.choices,
        required=False,
        help_text="Fixed once a quarter has a target: add a new benefit instead.",
    )
    description = serializers.CharField(required=False, allow_blank=True)
    financial_year = serializers.IntegerField(
        required=False,
        min_value=2000,
        max_value=2100,
        help_text="The year the targets are for: 2024 means 2024/25. Needed with targets.",
    )
    targets = QuarterTargetInput(
        many=True,
        required=False,
        help_text="Quarters of that year to set, as the edit page sets them: a quarter left out "
        "is unchanged; a target is changed, never removed. Errors are keyed q1_target, "
        "q1_lower_tolerance…",
    )

    def validate(self, data):
        quarters = [row["quarter"] for row in data.get("targets", [])]
        if len(set(quarters)) != len(quarters):
            raise serializers.ValidationError({"targets": "Give each quarter once."})
        if quarters and "financial_year" not in data:
            message = "Say which financial year the targets are for: 2024 for 2024/25."
            raise serializers.ValidationError({"financial_year": message})
        return data


class BenefitViewSet(WritingViewSet):
    """Each benefit of the business cases the caller may see, with its quarters' targets, lower
    tolerances, actuals and RAG. Filter by trust, theme, case and financial year."""

    serializer_class = BenefitSerializer
    filterset_class = BenefitFilter
    permission_kind = Kind.BUSINESS_CASE.value
    write_actions = dict.fromkeys(["create", "partial_update", "targets", "report"], Action.EDIT)
    ordering_fields = {"name": "name", "case": "business_case__reference", "kind": "kind"}
    noun = "benefit"

    def get_queryset(self):
        quarters = BenefitQuarter.objects.select_related("reported_by").order_by(
            "financial_year", "quarter"
        )
        asked = self.request.query_params
        years = {
            digits_value(asked.get("financial_year", "")),
            financial_year_given(asked.get("year", "")),
        }
        years.discard(None)
        if self.action == "list" and len(years) == 1:
            # (Two different years are refused by the filter: OneYearForm.)
            quarters = quarters.filter(financial_year__in=years)
        return (
            Benefit.objects.filter(
                business_case__in=access.cases_visible(self.request.user).values("pk")
            )
            .select_related("business_case__project__arrangement__trust")
            .prefetch_related(Prefetch("quarters", quarters, to_attr="shown_quarters"))
            .order_by(
                "business_case__project__arrangement__trust__code",
                "business_case__project__theme",
                "business_case__reference",
                "name",
            )
        )

    @extend_schema(request=BenefitInput, responses={201: BenefitSerializer})
    def create(self, request):
        """Add a benefit to a draft, deferred or approved case (the trust's managers)."""
        data = valid(BenefitInput, request.data)
        case = get_object_or_404(
            access.cases_visible(request.user).select_related("project__arrangement"),
            project__arrangement__trust__code__iexact=data.pop("trust"),
            reference__iexact=data.pop("case"),
        )
        benefit = benefits.benefit_save(by=request.user, case=case, **data)
        return self._done(benefit, status.HTTP_201_CREATED)

    @extend_schema(request=BenefitChangeInput, responses=BenefitSerializer)
    def partial_update(self, request, pk=None):
        """Change a benefit's name, kind or description and a year's targets, as the edit page
        does (the trust's managers; with a reason once the case is approved); fields left out
        stay as they are."""
        benefit = self.get_object()
        data = valid(BenefitChangeInput, request.data)
        targets = {
            row["quarter"]: (row["target"], row["lower_tolerance"])
            for row in data.pop("targets", [])
        }
        year = data.pop("financial_year", None) or financial_year_of(timezone.localdate())
        fields = {"name": benefit.name, "kind": benefit.kind, "description": benefit.description}
        fields.update(data)
        benefits.benefit_plan(
            by=request.user,
            case=benefit.business_case,
            benefit=benefit,
            financial_year=year,
            targets=targets,
            **fields,
        )
        return self._done(benefit)

    @extend_schema(request=TargetInput, responses=BenefitSerializer)
    @action(detail=True, methods=["post"])
    def targets(self, request, pk=None):
        """Set one quarter's target and lower tolerance."""
        return self._call(benefits.quarter_set_target, TargetInput)

    @extend_schema(request=ActualInput, responses=BenefitSerializer)
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        """Report one quarter's actual (approved cases, a quarter that has begun)."""
        return self._call(benefits.quarter_report_actual, ActualInput)
