"""/api/v1/business-cases/: the transformation programme's business cases, under the pages'
rules (docs/permissions.md, kind "business case"): drafts only for the trust's managers,
submitted, deferred and rejected cases also for the councils' officers, approved cases for
everyone who may read business cases (scrutiny members: 403; other arrangements' cases: absent
from lists, 404 on their own). Written through the services the pages call
(``transformation/services/cases.py``): the trust's managers draft (POST), change (PATCH,
with a reason), submit and report spend; council officers record the board's decision, which
for a Block 3 case draws its cost from each year's provision and is refused if it would
overdraw one.

A case is named ``<trust code>-<reference>`` (``/api/v1/business-cases/NCT-BC01/``). Money is
always a string of pounds with two decimal places. Filters: ``trust``, ``theme``, ``state``.
"""

import re

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action

from contracts.models import ContractYear, FundingLine
from transformation.access import cases_visible
from transformation.api.common import TrustKeyedMixin, words
from transformation.models import Block3Draw, BoardMeeting, BusinessCase, Theme
from transformation.services import cases as services
from trust_portal.accounts.permissions import Action, Kind
from trust_portal.api.lists import COUNCIL_HELP, FinancialYearFilter, code_filter, month_range
from trust_portal.api.viewsets import (
    PageSerializer,
    WritingViewSet,
    arrangement_named,
    kept_unless_given,
    key_parameter,
    valid,
)
from trust_portal.periods import financial_year_label as fy_label

KEY_PARAMETER = key_parameter("The trust's code and the case's reference: NCT-BC01.")
MONEY = {"max_digits": 14, "decimal_places": 2, "read_only": True}


class CostSerializer(serializers.Serializer):
    financial_year = serializers.IntegerField(read_only=True, help_text="2024 means 2024/25.")
    label = serializers.SerializerMethodField()
    amount = serializers.DecimalField(**MONEY)

    def get_label(self, cost) -> str:
        return fy_label(cost.financial_year)


class DrawSerializer(serializers.Serializer):
    financial_year = serializers.IntegerField(source="contract_year.financial_year", read_only=True)
    amount = serializers.DecimalField(**MONEY)
    drawn_on = serializers.DateField(read_only=True, help_text="The date of the board's approval.")


class Block2LineSerializer(serializers.Serializer):
    financial_year = serializers.IntegerField(source="contract_year.financial_year", read_only=True)
    name = serializers.CharField(read_only=True)
    amount = serializers.DecimalField(**MONEY)


class BusinessCaseSerializer(PageSerializer):
    key = serializers.SerializerMethodField(help_text="Names the case in the API: NCT-BC01.")
    trust = serializers.CharField(source="project.arrangement.trust.code", read_only=True)
    project = serializers.CharField(source="project.name", read_only=True)
    theme = serializers.CharField(
        source="project.theme", read_only=True, help_text=", ".join(Theme.values)
    )
    theme_label = serializers.CharField(source="project.get_theme_display", read_only=True)
    tag = serializers.CharField(
        source="project.tag",
        read_only=True,
        help_text="A heading it is reported under that is not one of the six themes.",
    )
    funding = serializers.CharField(read_only=True, help_text="block2 or block3.")
    block2_line = Block2LineSerializer(
        read_only=True, allow_null=True, help_text="For Block 2 funding: the item that pays."
    )
    costs = CostSerializer(many=True, read_only=True, help_text="The cost in each year.")
    total = serializers.DecimalField(source="total_cost", **MONEY)
    state = serializers.CharField(
        read_only=True, help_text="draft, submitted, approved, rejected or deferred."
    )
    meeting_date = serializers.DateField(
        source="meeting.held_on",
        read_only=True,
        allow_null=True,
        help_text="The board meeting that made the latest decision.",
    )
    draws = DrawSerializer(
        source="block3_draws", many=True, read_only=True, help_text="Block 3 money released."
    )

    class Meta:
        model = BusinessCase
        fields = [
            "key",
            "trust",
            "reference",
            "project",
            "theme",
            "theme_label",
            "tag",
            "title",
            "summary",
            "funding",
            "block2_line",
            "expected_benefits",
            "risks",
            "costs",
            "total",
            "state",
            "submitted_at",
            "meeting_date",
            "decision_note",
            "decided_at",
            "draws",
            "synthetic",
            "url",
        ]
        read_only_fields = fields

    def get_key(self, case) -> str:
        return f"{case.project.arrangement.trust.code}-{case.reference}"


class BusinessCaseFilter(django_filters.FilterSet):
    trust = django_filters.CharFilter(
        field_name="project__arrangement__trust__code", lookup_expr="iexact"
    )
    theme = django_filters.ChoiceFilter(field_name="project__theme", choices=Theme.choices)
    council = code_filter("project__arrangement__councils__code", COUNCIL_HELP)
    state = django_filters.ChoiceFilter(choices=BusinessCase.State.choices)
    # When a case came to the T&E Board: its submission (a draft has none, so is left out).
    month_from, month_to = month_range("submitted_at__date", "Submitted")
    year = FinancialYearFilter(
        field_name="submitted_at__date",
        months=True,
        help_text="Submitted in this financial year, for example 2024-25.",
    )


# --- Inputs ----------------------------------------------------------------------------------


class Block2LineInput(serializers.Serializer):
    financial_year = serializers.IntegerField(help_text="An agreed contract year: 2024.")
    name = serializers.CharField(help_text="The Block 2 item's name in that year.")


class CostsField(serializers.DictField):
    def __init__(self, **kwargs):
        help_text = (
            '{"2024": "250,000.00", "2025": "120,000.00"}: the financial year it starts '
            "in, and the cost that year as a string of pounds and pence."
        )
        super().__init__(
            child=serializers.CharField(allow_blank=True), help_text=help_text, **kwargs
        )

    def to_internal_value(self, data):
        costs = super().to_internal_value(data)
        if any(not re.fullmatch(r"[0-9]{4}", str(year)) for year in costs):
            raise serializers.ValidationError("Name each year as four digits: 2024.")
        return {int(year): amount for year, amount in costs.items()}


class CaseChangeInput(serializers.Serializer):
    reason = words(
        required=False,
        default="",
        help_text="Why it changes (required): kept in the history with your name.",
    )
    reference = words(max_length=20, required=False)
    title = words(max_length=200, required=False)
    summary = words(required=False)
    funding = serializers.ChoiceField(choices=BusinessCase.Funding.choices, required=False)
    block2_line = Block2LineInput(required=False, allow_null=True)
    expected_benefits = words(required=False)
    risks = words(required=False)
    costs = CostsField(required=False)


class CaseInput(CaseChangeInput):
    trust = serializers.CharField(help_text="The trust's code: NCT.")
    project = serializers.CharField(help_text="The project's name in the programme.")
    reason = words(required=False, default="Drafted", help_text="Kept in the history.")
    reference = words(max_length=20, help_text="Unique in the programme, for example BC14.")
    title = words(max_length=200)
    summary = words()
    funding = serializers.ChoiceField(choices=BusinessCase.Funding.choices)
    block2_line = Block2LineInput(required=False, allow_null=True, default=None)
    expected_benefits = words()
    risks = words(required=False, default="")
    costs = CostsField()


class DecisionInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "reject", "defer"])
    meeting = serializers.DateField(help_text="The date of the board meeting that decided it.")
    note = words(required=False, default="", help_text="Required unless approved: why.")


class SpendInput(serializers.Serializer):
    month = serializers.DateField(help_text="Any day of the month, for example 2024-10-01.")
    amount = serializers.CharField(help_text="Spent that month: a string of pounds and pence.")
    note = words(max_length=300, required=False, default="")


def _block2_line(arrangement, wanted):
    if not wanted:
        return None
    line = FundingLine.objects.filter(
        contract_year__arrangement=arrangement,
        contract_year__state=ContractYear.State.AGREED,
        contract_year__financial_year=wanted["financial_year"],
        block=FundingLine.Block.TRANSFORMATION_ITEM,
        name__iexact=wanted["name"].strip(),
    ).first()
    if line is None:
        raise ValidationError(
            {"block2_line": "No Block 2 item of that name in that agreed contract year."}
        )
    return line


# --- Business cases --------------------------------------------------------------------------


@extend_schema_view(
    retrieve=extend_schema(parameters=[KEY_PARAMETER]),
    partial_update=extend_schema(
        parameters=[KEY_PARAMETER], request=CaseChangeInput, responses=BusinessCaseSerializer
    ),
    submit=extend_schema(parameters=[KEY_PARAMETER], request=None),
    decide=extend_schema(parameters=[KEY_PARAMETER], request=DecisionInput),
    spend=extend_schema(parameters=[KEY_PARAMETER], request=SpendInput),
)
class BusinessCaseViewSet(TrustKeyedMixin, WritingViewSet):
    """Business cases of the transformation programme with their cost by year, the board's
    decision and the Block 3 money it released. The trust's managers draft (POST), change
    (PATCH, with a reason; drafts and deferred cases only), submit (POST …/submit/) and report
    an approved case's monthly spend (POST …/spend/); council officers record the board's
    decision (POST …/decide/)."""

    serializer_class = BusinessCaseSerializer
    filterset_class = BusinessCaseFilter
    permission_kind = Kind.BUSINESS_CASE.value
    write_actions = {
        "create": Action.EDIT,
        "partial_update": Action.EDIT,
        "submit": Action.SUBMIT,
        "decide": Action.APPROVE,
        "spend": Action.EDIT,
    }
    trust_lookup = "project__arrangement__trust__code"
    reference_lookup = "reference__iexact"
    key_form = "Name the business case as NCT-BC01."
    ordering_fields = {
        "trust": "project__arrangement__trust__code",
        "reference": "reference",
        "state": "state",
        "submitted_at": "submitted_at",
        "decided_at": "decided_at",
    }
    noun = "case"

    def get_queryset(self):
        return (
            cases_visible(self.request.user)
            .select_related("project__arrangement__trust", "meeting", "block2_line__contract_year")
            .prefetch_related(
                "costs",
                Prefetch("block3_draws", Block3Draw.objects.select_related("contract_year")),
            )
            .order_by("project__arrangement__trust__code", "reference")
        )

    @extend_schema(request=CaseInput, responses={201: BusinessCaseSerializer})
    def create(self, request):
        """Draft a business case for a project (the trust's managers)."""
        data = valid(CaseInput, request.data)
        arrangement = arrangement_named(request.user, data.pop("trust"))
        name = data.pop("project").strip()
        project = arrangement.projects.filter(name__iexact=name).first()
        if project is None:
            raise ValidationError({"project": f"The programme has no project called “{name}”."})
        data["block2_line"] = _block2_line(arrangement, data["block2_line"])
        case = services.case_save(by=request.user, project=project, **data)
        return self._done(case, status.HTTP_201_CREATED)

    def partial_update(self, request, key=None):
        """Change a draft or deferred case, with a reason; fields left out stay as they are."""
        case = self.get_object()
        data = valid(CaseChangeInput, request.data)
        if "block2_line" in data:
            data["block2_line"] = _block2_line(case.project.arrangement, data["block2_line"])
        costs = {c.financial_year: c.amount for c in case.costs.all()}
        fields = kept_unless_given(case, CaseChangeInput, data, costs=costs)
        services.case_save(by=request.user, project=case.project, case=case, **fields)
        return self._done(case)

    @action(detail=True, methods=["post"])
    def submit(self, request, key=None):
        """Submit a draft or deferred case to the board."""
        return self._call(services.case_submit)

    @action(detail=True, methods=["post"])
    def decide(self, request, key=None):
        """Record the board's decision on a submitted case: approve, reject or defer, at a
        recorded meeting (named by its date). Approving a Block 3 case that would overdraw a
        year's provision is refused with the amount."""
        case = self.get_object()
        data = valid(DecisionInput, request.data)
        meeting = BoardMeeting.objects.filter(
            arrangement=case.project.arrangement, held_on=data["meeting"]
        ).first()
        if meeting is None:
            raise ValidationError({"meeting": "No board meeting is recorded on that date."})
        services.case_decide(
            by=request.user,
            case=case,
            decision=data["decision"],
            meeting=meeting,
            note=data["note"],
        )
        return self._done(case)

    @action(detail=True, methods=["post"])
    def spend(self, request, key=None):
        """Report what an approved case cost in a month (a second report replaces the first)."""
        return self._call(services.case_spend_record, SpendInput)
