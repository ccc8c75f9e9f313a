"""/api/v1/teams/ and /api/v1/workforce-returns/: the teams and monthly workforce returns, read
by every role that may see them (drafts only by the trust; submitted months also by its
councils; approved ones by everyone in the arrangement), written through the same services as
the pages. FTE and rates are strings (exact decimals; rates to one decimal place)."""

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers

from trust_portal.accounts.permissions import Action, arrangements_for
from trust_portal.api.lists import TRUST_HELP, StrictBooleanFilter, code_filter
from trust_portal.api.viewsets import RegisterViewSet
from trust_portal.approvals.api import (
    SUBMISSION_FIELDS,
    CorrectionInput,
    FiguresInput,
    PartField,
    QueryInput,
    StartInput,
    SubmissionSerializer,
    SubmissionViewSet,
    figure_rows,
    submission_filter,
    submission_schema,
)
from workforce import reads, services, views
from workforce.models import Team, TeamFigures, WorkforceReturn
from workforce.rates import Totals, all_staff_turnover

# --- Teams -----------------------------------------------------------------------------------


class TeamSerializer(serializers.ModelSerializer):
    trust = serializers.CharField(source="arrangement.trust.code", read_only=True)
    area = serializers.CharField(source="area.code", read_only=True, help_text="Council code.")

    class Meta:
        model = Team
        fields = ["id", "trust", "name", "service", "area", "active"]
        read_only_fields = fields


class TeamFilter(django_filters.FilterSet):
    trust = code_filter("arrangement__trust__code", TRUST_HELP)
    area = code_filter("area__code", "A council area's code, for example WNC.")
    service = django_filters.ChoiceFilter(choices=Team.Service.choices)
    active = StrictBooleanFilter(help_text="true: open teams; false: closed ones.")

    class Meta:
        model = Team
        fields = ["trust", "area", "service", "active"]


class TeamChangeInput(serializers.Serializer):
    reason = serializers.CharField(
        allow_blank=True, help_text="Why (always required): kept in the team's history."
    )
    name = serializers.CharField(allow_blank=True, max_length=200, required=False)
    service = serializers.ChoiceField(choices=Team.Service.choices, required=False)
    area = serializers.CharField(
        required=False, help_text="The council area it serves: one of the trust's councils' codes."
    )


class TeamInput(TeamChangeInput):
    trust = serializers.CharField(help_text="The trust's code: NCT.")
    name = serializers.CharField(allow_blank=True, max_length=200)
    service = serializers.ChoiceField(choices=Team.Service.choices)
    area = serializers.CharField(help_text="The council area it serves: WNC.")


class TeamReasonInput(serializers.Serializer):
    reason = serializers.CharField(
        allow_blank=True, help_text="Why (always required): kept in the team's history."
    )


def _area(arrangement, code: str):
    area = arrangement.councils.filter(code__iexact=code.strip()).first()
    if area is None:
        codes = ", ".join(arrangement.councils.order_by("code").values_list("code", flat=True))
        raise ValidationError({"area": f"Choose one of the trust's council areas: {codes}."})
    return area


@extend_schema_view(
    create=extend_schema(
        request=TeamInput,
        responses={201: TeamSerializer},
        description="Add a team to the trust's arrangement.",
    ),
    partial_update=extend_schema(
        request=TeamChangeInput,
        responses=TeamSerializer,
        description="Change a team's name, service or council area, with a reason; fields left "
        "out stay\nas they are.",
    ),
    close=extend_schema(
        request=TeamReasonInput,
        responses=TeamSerializer,
        description="Close an open team: its figures and history stay; new returns no longer "
        "ask for it.",
    ),
    reopen=extend_schema(
        request=TeamReasonInput, responses=TeamSerializer, description="Reopen a closed team."
    ),
)
class TeamViewSet(RegisterViewSet):
    """The teams of the caller's arrangements (open and closed). The trust's managers add them
    (POST), change a name, service or council area (PATCH), close and reopen them (POST
    …/close/, …/reopen/), each change with a reason kept in the team's history, through the
    same services as the pages."""

    serializer_class = TeamSerializer
    filterset_class = TeamFilter
    permission_kind = "monthly return"
    write_actions = dict.fromkeys(["create", "partial_update", "close", "reopen"], Action.EDIT)
    noun = "team"
    ordering_fields = {"name": "name", "service": "service", "area": "area__code"}
    create_input = TeamInput
    change_input = TeamChangeInput
    close_input = reopen_input = TeamReasonInput
    save_service = staticmethod(services.team_save)
    close_service = staticmethod(services.team_close)
    reopen_service = staticmethod(services.team_reopen)

    def get_queryset(self):
        return (
            Team.objects.filter(arrangement__in=arrangements_for(self.request.user))
            .select_related("arrangement__trust", "area")
            .order_by("arrangement__trust__code", "area__code", "name", "pk")
        )

    def found_in(self, arrangement, data):
        if "area" in data:
            data["area"] = _area(arrangement, data["area"])
        return data


# --- Workforce returns -----------------------------------------------------------------------

FTE = {"max_digits": 7, "decimal_places": 2, "read_only": True}


class TeamFiguresSerializer(serializers.Serializer):
    establishment_fte = serializers.DecimalField(**FTE)
    experienced_fte = serializers.DecimalField(**FTE)
    asye_fte = serializers.DecimalField(**FTE)
    international_fte = serializers.DecimalField(**FTE)
    agency_fte = serializers.DecimalField(**FTE)
    agency_over_establishment_fte = serializers.DecimalField(
        **FTE, help_text="Of the agency FTE, those over the establishment (covering no vacancy)."
    )
    vacant_fte = serializers.DecimalField(**FTE, help_text="Vacant posts with no cover.")
    census_vacancies_fte = serializers.DecimalField(
        **FTE,
        help_text="The census's vacancies: vacant posts, agency-covered included "
        "(vacant_fte + agency_fte − agency_over_establishment_fte).",
    )
    starters = serializers.IntegerField(read_only=True)
    starters_fte = serializers.DecimalField(**FTE)
    leavers = serializers.IntegerField(read_only=True)
    leavers_fte = serializers.DecimalField(**FTE)
    open_cases = serializers.IntegerField(read_only=True)
    workers_holding_cases = serializers.IntegerField(read_only=True)
    case_holding_fte = serializers.DecimalField(
        **FTE, help_text="FTE of the social workers (permanent and agency) holding cases."
    )
    workers_over_limit = serializers.IntegerField(read_only=True)
    unallocated_cases = serializers.IntegerField(read_only=True)


class WorkforceRateSerializer(serializers.Serializer):
    value = serializers.CharField(
        source="shown",
        allow_null=True,
        read_only=True,
        help_text="To one decimal place; null when there is no data.",
    )
    unit = serializers.CharField(read_only=True)
    rag = serializers.CharField(
        source="rating.status",
        read_only=True,
        help_text="green, amber, red, grey (no data or no target)",
    )
    rag_words = serializers.CharField(source="status_words", read_only=True)
    small_numbers = serializers.BooleanField(source="rating.small_numbers", read_only=True)
    target = serializers.CharField(source="target_text", read_only=True)
    note = serializers.CharField(read_only=True)


class WorkforceRatesSerializer(serializers.Serializer):
    """The census's rates, each month by the census method, then other views by their names."""

    vacancy_rate = WorkforceRateSerializer(read_only=True)
    agency_rate = WorkforceRateSerializer(read_only=True)
    turnover = WorkforceRateSerializer(read_only=True)
    census_caseload = WorkforceRateSerializer(read_only=True)
    unfilled_share = WorkforceRateSerializer(read_only=True)
    covered_share = WorkforceRateSerializer(read_only=True)
    experienced_share = WorkforceRateSerializer(read_only=True)
    average_caseload = WorkforceRateSerializer(read_only=True)
    over_limit_share = WorkforceRateSerializer(read_only=True)


class WorkforceTurnoverSerializer(serializers.Serializer):
    leavers_fte = serializers.DecimalField(max_digits=9, decimal_places=2, read_only=True)
    employed_fte = serializers.DecimalField(
        max_digits=9,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text="FTE social workers (permanent) in post in the month: the denominator.",
    )
    months = serializers.IntegerField(read_only=True, help_text="Months of the 12 with figures.")
    complete = serializers.BooleanField(read_only=True)


class WorkforceGroupSerializer(serializers.Serializer):
    key = serializers.CharField(read_only=True, help_text="Team id, council code, or ALL.")
    label = serializers.CharField(read_only=True)
    area = serializers.CharField(read_only=True)
    figures = serializers.SerializerMethodField()
    turnover = WorkforceTurnoverSerializer(read_only=True)
    rates = WorkforceRatesSerializer(source="measures", read_only=True)

    @extend_schema_field(TeamFiguresSerializer(allow_null=True))
    def get_figures(self, group):
        return TeamFiguresSerializer(group.totals).data if group.reported else None


class WorkforceCaseloadsSerializer(serializers.Serializer):
    key = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)
    workforce_census = WorkforceRateSerializer(read_only=True)
    workforce_average = WorkforceRateSerializer(read_only=True)
    performance_average = WorkforceRateSerializer(read_only=True, allow_null=True)
    workforce_over = WorkforceRateSerializer(read_only=True)
    performance_over = WorkforceRateSerializer(read_only=True, allow_null=True)
    source = serializers.CharField(read_only=True)


class WorkforceReturnSerializer(SubmissionSerializer):
    totals = serializers.SerializerMethodField(
        help_text="The whole arrangement's figures and its census-method rates this month "
        "(turnover, which needs 12 months, is on the detail)."
    )

    all_staff_turnover = serializers.SerializerMethodField(
        help_text="Turnover of all the trust's staff, not only social workers (the return's "
        "all_staff_leavers_fte ÷ all_staff_fte), to one decimal place; null when not given. "
        "Not the census's turnover, which is of social workers (on the detail's rates)."
    )

    class Meta:
        model = WorkforceReturn
        fields = [
            *SUBMISSION_FIELDS,
            "totals",
            "all_staff_fte",
            "all_staff_leavers_fte",
            "all_staff_turnover",
        ]
        read_only_fields = fields

    def get_all_staff_turnover(self, workforce_return) -> str | None:
        return reads.display(
            all_staff_turnover(
                workforce_return.all_staff_leavers_fte, workforce_return.all_staff_fte
            )
        )

    @extend_schema_field(TeamFiguresSerializer)
    def get_totals(self, workforce_return) -> dict:
        totals = Totals.of(workforce_return.figures.all())  # prefetched on lists
        data = dict(TeamFiguresSerializer(totals).data)
        for key in (
            "vacancy_rate",
            "agency_rate",
            "census_caseload",
            "unfilled_share",
            "covered_share",
            "experienced_share",
            "average_caseload",
            "over_limit_share",
        ):
            data[key] = reads.display(getattr(totals, key))
        return data


class WorkforceReturnDetailSerializer(WorkforceReturnSerializer):
    teams = PartField(WorkforceGroupSerializer, many=True)
    areas = PartField(WorkforceGroupSerializer, many=True)
    arrangement = PartField(WorkforceGroupSerializer)
    caseloads = PartField(WorkforceCaseloadsSerializer, many=True)

    class Meta(WorkforceReturnSerializer.Meta):
        fields = [
            *WorkforceReturnSerializer.Meta.fields,
            "teams",
            "areas",
            "arrangement",
            "caseloads",
        ]
        read_only_fields = fields

    read_parts = staticmethod(reads.summary)


class WorkforceStartInput(StartInput):
    pass


class WorkforceAllStaffInput(serializers.Serializer):
    fte = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text="All staff in post, FTE."
    )
    leavers_fte = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="All staff's leavers in the 12 months to the month end, FTE.",
    )


class WorkforceFiguresInput(FiguresInput):
    teams = figure_rows(
        '[{"team": 12, "establishment_fte": "20.00", "experienced_fte": "10.50", …, '
        '"unallocated_cases": 3}, …]. FTE as strings to at most 2 decimal places, counts as '
        "whole numbers; a team left out is unchanged; all of a team's figures empty clears it.",
    )
    all_staff = WorkforceAllStaffInput(
        required=False,
        help_text="Optional: all the trust's staff, not only social workers, for the all-staff "
        'turnover: {"fte": "1010.00", "leavers_fte": "100.00"}, both or neither (blank clears '
        "them); left out, they are unchanged.",
    )


class WorkforceQueryInput(QueryInput):
    pass


class WorkforceCorrectionInput(CorrectionInput):
    pass


DETAIL = WorkforceReturnDetailSerializer


@submission_schema(
    figures_description="Save teams' figures into a draft (or a submitted or returned month). "
    'Errors are\nkeyed "TEAMID.field", for example "12.vacant_fte".'
)
class WorkforceReturnViewSet(SubmissionViewSet):
    """Monthly workforce returns the caller may see, with the arrangement's totals on the list
    and every team's, area's and the arrangement's figures and rates (RAG against the targets
    in force, turnover over 12 months) on the detail. Writes go through the same services as
    the pages: start, save figures, submit, correct (the trust's managers); approve an area or
    return with a query (council officers)."""

    kind = views.KIND
    output_serializer = DETAIL
    filterset_class = submission_filter(WorkforceReturn)
    start_input = WorkforceStartInput
    figures_input = WorkforceFiguresInput
    query_input = WorkforceQueryInput
    correction_input = WorkforceCorrectionInput
    rows = "teams"
    row_key = "team"

    def figures_from(self, validated) -> dict:
        found = super().figures_from(validated)
        if "all_staff" in validated:
            found["all_staff"] = dict(validated["all_staff"])
        return found

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .prefetch_related(Prefetch("figures", TeamFigures.objects.order_by("pk")))
        )

    def get_serializer_class(self):
        if self.action == "list":
            return WorkforceReturnSerializer
        return WorkforceReturnDetailSerializer


# (prefix, viewset, basename): trust_portal/urls.py routes them under /api/v1/.
routes = [
    ("teams", TeamViewSet, "team"),
    ("workforce-returns", WorkforceReturnViewSet, "workforce-return"),
]
