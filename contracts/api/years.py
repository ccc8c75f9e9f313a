"""/api/v1/contract-years/: a year's lines, split, grants, adjustments and contributions, and
their writes."""

import re
from dataclasses import dataclass
from typing import Any

import django_filters
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
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from contracts import money
from contracts.api.common import (
    REMOVE_REASON,
    ContractsViewSet,
    CouncilRowSerializer,
    RemoveInput,
    _council,
    _money,
    _money_in,
    _reason_in,
)
from contracts.models import (
    Adjustment,
    ContractYear,
    CostShare,
    FundingLine,
    PassportedGrant,
)
from contracts.services import years as year_services
from trust_portal import block3
from trust_portal.accounts.permissions import Action
from trust_portal.api.lists import COUNCIL_HELP, FinancialYearFilter, OneYearForm, code_filter
from trust_portal.api.viewsets import (
    KeyedMixin,
    PageSerializer,
    arrangement_named,
    key_parameter,
    valid,
)

# --- Contract years -------------------------------------------------------------------------


class ShareSerializer(CouncilRowSerializer):
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
        allow_null=True,
        help_text="Block 3 only: the one council funding it; null when shared by the split.",
    )

    class Meta:
        model = FundingLine
        fields = ["id", "block", "name", "amount", "recurring", "funded_by"]


class GrantSerializer(CouncilRowSerializer):
    class Meta:
        model = PassportedGrant
        fields = ["id", "council", "name", "amount", "notes"]


class AdjustmentSerializer(CouncilRowSerializer):
    class Meta:
        model = Adjustment
        fields = ["id", "council", "name", "amount", "reason"]


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


class ContractYearSerializer(PageSerializer):
    key = serializers.SerializerMethodField(help_text="Names the year in the API: NCT-2024.")
    trust = serializers.CharField(source="arrangement.trust.code", read_only=True)
    label = serializers.CharField(read_only=True, help_text="2024/25")
    state = YearStateField(help_text="draft or agreed; drafts only for those who see drafts.")
    split = SplitSerializer(source="*", read_only=True)
    lines = LineSerializer(many=True, read_only=True)
    grants = GrantSerializer(
        many=True, read_only=True, help_text="Passported grants: paid to one council, passed on."
    )
    adjustments = AdjustmentSerializer(
        many=True, read_only=True, help_text="Money the trust returns to one council."
    )
    blocks = BlocksSerializer(source="figures", read_only=True)
    contract_sum = _money(source="figures.contract_sum", help_text="Block 1 + Block 2.")
    block3_provision = _money(source="figures.block3_provision")
    contributions = ContributionSerializer(source="figures.councils", many=True, read_only=True)

    class Meta:
        model = ContractYear
        fields = [
            "key",
            "trust",
            "financial_year",
            "label",
            "state",
            "agreed_on",
            "split",
            "lines",
            "grants",
            "adjustments",
            "blocks",
            "contract_sum",
            "block3_provision",
            "contributions",
            "url",
        ]

    def get_key(self, year) -> str:
        return f"{year.arrangement.trust.code}-{year.financial_year}"

    def to_representation(self, year):
        year.figures = money.year_figures(year)  # once per year, read by several fields
        return super().to_representation(year)


class ContractYearFilter(django_filters.FilterSet):
    trust = django_filters.CharFilter(field_name="arrangement__trust__code", lookup_expr="iexact")
    financial_year = django_filters.NumberFilter(help_text="2024 means 2024/25.")
    year = FinancialYearFilter(field_name="financial_year")
    council = code_filter("arrangement__councils__code", COUNCIL_HELP)
    state = django_filters.ChoiceFilter(choices=ContractYear.State.choices)

    class Meta:
        form = OneYearForm


YEAR_KEY = re.compile(r"^([A-Za-z][A-Za-z0-9]{1,9})-([0-9]{4})$")
YEAR = key_parameter("The trust's code and the year the financial year starts: NCT-2024.")


def _year_named(years, found: re.Match) -> ContractYear:
    """The year a key's parts (YEAR_KEY's groups) name, or 404."""
    return get_object_or_404(
        years, arrangement__trust__code=found[1].upper(), financial_year=int(found[2])
    )


def _year_by_key(years, key: str) -> ContractYear:
    found = YEAR_KEY.match(key or "")
    if found is None:
        raise Http404("Name the year as NCT-2024.")
    return _year_named(years, found)


class ContractYearInput(serializers.Serializer):
    trust = serializers.CharField(help_text="The trust's code: NCT.")
    financial_year = serializers.IntegerField(
        min_value=2000, max_value=2100, help_text="2025 means 2025/26."
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class LineInput(serializers.Serializer):
    block = serializers.ChoiceField(choices=FundingLine.Block.choices)
    name = serializers.CharField(max_length=200)
    amount = _money_in()
    recurring = serializers.BooleanField(
        default=True, help_text="Carried into next year by a rollover; Block 1 always is."
    )
    funded_by = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        default=None,
        help_text="Block 3 only: the code of the one council funding it; null for the split.",
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    reason = _reason_in()


class GrantInput(serializers.Serializer):
    council = serializers.CharField(help_text="The code of the council the grant is paid to.")
    name = serializers.CharField(max_length=200)
    amount = _money_in()
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    reason = _reason_in()


class AdjustmentInput(serializers.Serializer):
    council = serializers.CharField(help_text="The code of the council the money goes back to.")
    name = serializers.CharField(max_length=200)
    amount = _money_in()
    reason = _reason_in(help_text="Why the trust returns it: kept with it and in the history.")


class AgreeInput(serializers.Serializer):
    agreed_on = serializers.DateField(help_text="The date of the councils' joint decision.")
    note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="The meeting or decision notice."
    )


@dataclass(frozen=True)
class YearRows:
    """A kind of row a contract year holds and the services that add, change and remove one:
    its lines (a draft's only), passported grants and adjustments."""

    related: str  # the year's related name
    noun: str  # the services' keyword for the row
    fields: tuple[str, ...]  # what a change keeps unless given
    council_field: str  # the field naming a council by its code
    input: type[serializers.Serializer]
    output: type[serializers.Serializer]
    save: Any
    remove: Any
    add_doc: str  # the schema's description of its add (POST …/<related>/)
    change_doc: str  # and of its change or removal (PATCH, DELETE …/<related>/<id>/)


LINES = YearRows(
    "lines",
    "line",
    ("block", "name", "amount", "recurring", "funded_by", "notes"),
    "funded_by",
    LineInput,
    LineSerializer,
    year_services.funding_line_save,
    year_services.funding_line_remove,
    "Add a funding line to a draft year (council officers).",
    "Change (PATCH) or remove (DELETE) a draft year's funding line, with a reason.",
)
GRANTS = YearRows(
    "grants",
    "grant",
    ("council", "name", "amount", "notes"),
    "council",
    GrantInput,
    GrantSerializer,
    year_services.grant_save,
    year_services.grant_remove,
    "Add a passported grant (council officers), with a reason.",
    "Change (PATCH) or remove (DELETE) a passported grant, with a reason.",
)
ADJUSTMENTS = YearRows(
    "adjustments",
    "adjustment",
    ("council", "name", "amount"),
    "council",
    AdjustmentInput,
    AdjustmentSerializer,
    year_services.adjustment_save,
    year_services.adjustment_remove,
    "Add an adjustment: money the trust returns to one council (council officers).",
    "Change (PATCH) or remove (DELETE) an adjustment, with a reason.",
)


def _row_actions(rows: YearRows):
    """A kind of row's two actions: its add (POST …/<rows>/), and its change or removal (PATCH,
    DELETE …/<rows>/<id>/), each with its schema. The viewset's ``_add`` and ``_change`` do
    the work."""
    row_id = f"{rows.noun}_id"

    def add(self, request, key=None):
        return self._add(request, rows)

    def change(self, request, key=None, **path):
        return self._change(request, rows, path[row_id])

    add.__name__, add.__doc__ = rows.related, rows.add_doc
    change.__name__, change.__doc__ = rows.noun, rows.change_doc
    add = action(detail=True, methods=["post"])(add)
    change = action(
        detail=True,
        methods=["patch", "delete"],
        url_path=rf"{rows.related}/(?P<{row_id}>[0-9]{{1,18}})",
    )(change)
    path_id = OpenApiParameter(row_id, OpenApiTypes.INT, OpenApiParameter.PATH)
    add = extend_schema(parameters=[YEAR], request=rows.input, responses={201: rows.output})(add)
    change = extend_schema(
        methods=["PATCH"], parameters=[YEAR, path_id], request=rows.input, responses=rows.output
    )(change)
    change = extend_schema(
        methods=["DELETE"],
        parameters=[YEAR, path_id, REMOVE_REASON],
        request=None,
        responses={204: None},
    )(change)
    return add, change


@extend_schema_view(retrieve=extend_schema(parameters=[YEAR]))
class ContractYearViewSet(KeyedMixin, ContractsViewSet):
    """Contract years with their funding lines, grants, adjustments, block totals, split and
    each council's contribution. Drafts only for council officers and administrators.

    Writes, as on the pages: council officers start a year (POST) or roll one over, change a
    draft's lines, and add, change or remove grants and adjustments (each with a reason);
    administrators record a draft's agreement. An agreed year's lines and split change only
    through a variation (/api/v1/variations/)."""

    serializer_class = ContractYearSerializer
    filterset_class = ContractYearFilter
    # Which rule each write needs (docs/permissions.md); other writes need "edit".
    write_actions = {"agree": Action.APPROVE}
    lookup_value_regex = r"[A-Za-z][A-Za-z0-9]{1,9}-[0-9]{4}"
    key_pattern = YEAR_KEY
    key_form = "Name the year as NCT-2024."
    ordering_fields = {"trust": "arrangement__trust__code", "financial_year": "financial_year"}

    def records(self, *, reading: bool):
        years = ContractYear.objects.visible_to(self.request.user).select_related(
            "arrangement__trust"
        )
        if not reading:
            return years
        return years.prefetch_related(
            Prefetch("lines", FundingLine.objects.select_related("funded_by")),
            Prefetch("shares", CostShare.objects.select_related("council")),
            Prefetch("grants", PassportedGrant.objects.select_related("council")),
            Prefetch("adjustments", Adjustment.objects.select_related("council")),
            "arrangement__councils",
            *block3.prefetch(),
        ).order_by("arrangement__trust__code", "-financial_year")

    def object_by_key(self, found):
        return _year_named(self.get_queryset(), found)

    @extend_schema(request=ContractYearInput, responses={201: ContractYearSerializer})
    def create(self, request):
        """Start a year as an empty draft (council officers); …/rollover/ starts one from the
        year before instead."""
        data = valid(ContractYearInput, request.data)
        arrangement = arrangement_named(request.user, data.pop("trust"))
        year = year_services.contract_year_create(by=request.user, arrangement=arrangement, **data)
        return self._done(year, status.HTTP_201_CREATED)

    def _add(self, request, rows: YearRows):
        year = self.get_object()
        data = valid(rows.input, request.data)
        data[rows.council_field] = _council(
            year.arrangement, data[rows.council_field], rows.council_field
        )
        row = rows.save(by=request.user, contract_year=year, **data)
        return Response(rows.output(row).data, status=status.HTTP_201_CREATED)

    def _change(self, request, rows: YearRows, pk):
        """PATCH: the fields given change, the others stay; DELETE: removed. Either with a
        reason."""
        year = self.get_object()
        row = get_object_or_404(
            getattr(year, rows.related).select_related(rows.council_field), pk=pk
        )
        if request.method == "DELETE":
            reason = valid(RemoveInput, request.data or request.query_params)["reason"]
            rows.remove(by=request.user, reason=reason, **{rows.noun: row})
            return Response(status=status.HTTP_204_NO_CONTENT)
        given = valid(rows.input, request.data, partial=True)
        if rows.council_field in given:
            given[rows.council_field] = _council(
                year.arrangement, given[rows.council_field], rows.council_field
            )
        values = {name: getattr(row, name) for name in rows.fields} | given
        values.setdefault("reason", "")  # the service asks for one
        saved = rows.save(by=request.user, contract_year=year, **{rows.noun: row}, **values)
        return Response(rows.output(saved).data)

    lines, line = _row_actions(LINES)
    grants, grant = _row_actions(GRANTS)
    adjustments, adjustment = _row_actions(ADJUSTMENTS)

    @extend_schema(parameters=[YEAR], request=AgreeInput, responses=ContractYearSerializer)
    @action(detail=True, methods=["post"])
    def agree(self, request, key=None):
        """Record the councils' joint agreement of a draft year (administrators); its payment
        schedule starts."""
        year = self.get_object()
        year_services.contract_year_agree(
            by=request.user, contract_year=year, **valid(AgreeInput, request.data)
        )
        return self._done(year)

    @extend_schema(parameters=[YEAR], request=None, responses={201: ContractYearSerializer})
    @action(detail=True, methods=["post"])
    def rollover(self, request, key=None):
        """Start next year as a draft from this one (council officers): recurring lines and the
        split are copied; non-recurring lines, grants and adjustments are not."""
        new = year_services.contract_year_rollover(by=request.user, contract_year=self.get_object())
        return self._done(new, status.HTTP_201_CREATED)
