"""The API of every kind of return: one viewset base giving each the same actions.

``POST /`` starts a month, ``…/figures/`` saves figures (budget monitoring keeps its
``…/lines/`` address), ``…/submit/``, ``…/approve/`` (the caller's own council's area),
``…/return/`` (back to the trust with a query, about one row if ``row`` names it),
``…/queries/`` (its queries and their answers), ``…/queries/<id>/answer/`` (the trust's answer)
and ``…/correct/`` (a new draft revision of an approved month). Each app's viewset subclasses
``SubmissionViewSet`` naming its kind (the same declaration its pages use), its serializers and
how its figures arrive; the schema of each action is declared there with
``extend_schema_view``, so component names stay the app's own.
"""

import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from trust_portal.accounts.api_permissions import RoleMay
from trust_portal.accounts.permissions import Action
from trust_portal.api import Conflict
from trust_portal.api.lists import (
    TRUST_HELP,
    FinancialYearFilter,
    ListsEveryWay,
    MonthFilter,
    code_filter,
    month_range,
)
from trust_portal.api.viewsets import arrangement_named, valid
from trust_portal.approvals import queries
from trust_portal.approvals.models import Answer, Query, State
from trust_portal.approvals.services import ConcurrentChange, query_answer
from trust_portal.asof import as_of_api

# ``?as_of=`` on a list of returns (and the measurements of performance returns).
AS_OF = OpenApiParameter(
    "as_of",
    str,
    description=(
        "Each month's revision approved and in force at a past moment (a revision replaced by "
        "a correction since still counts if it was in force then): a date (2025-03-31, the end "
        "of that day, UK time) or a date and time (2025-03-31T14:05). Months with none "
        "approved by then are left out; the state given is the revision's state now. A moment "
        "in the future is refused (400)."
    ),
)


def in_force_as_asked(request, returns):
    """``returns`` as of the past moment the API call asks for (``?as_of=``): each month's
    revision approved and in force then; all of them when it asks for none."""
    as_of = as_of_api(request) if request is not None else None
    return returns.in_force_at(as_of.moment) if as_of else returns


# What every kind's serializer says of a return, before its figures.
SUBMISSION_FIELDS = [
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


# A kind's serializer subclasses this, naming its model and SUBMISSION_FIELDS (and its own
# figures) in its Meta; its class name is its schema component's. (No docstring here: the
# schema would give it to every kind's component as its description.)
class SubmissionSerializer(serializers.ModelSerializer):
    trust = serializers.CharField(source="arrangement.trust.code", read_only=True)
    month = serializers.DateField(source="period", read_only=True)
    url = serializers.SerializerMethodField()
    # A detail serializer's fields show parts of what this reads of a return: see parts().
    read_parts = None

    def get_url(self, submission) -> str:
        return submission.get_absolute_url()

    def read_once(self, submission, read):
        """``read(submission)``, once per return for all the fields that show parts of it."""
        cache = self.context.setdefault("reads", {})
        if (read, submission.pk) not in cache:
            cache[read, submission.pk] = read(submission)
        return cache[read, submission.pk]

    def parts(self, submission):
        """``read_parts(submission)``, read once."""
        return self.read_once(submission, self.read_parts)


class PartField(serializers.Field):
    """A part of what a detail serializer's ``read_parts`` reads of a return (its attribute
    ``part``, by default the field's name), shown by the serializer ``shown_by``."""

    def __init__(self, shown_by, part: str | None = None, many: bool = False, **kwargs):
        self.shown_by, self.part, self.many = shown_by, part, many
        super().__init__(source="*", read_only=True, **kwargs)
        extend_schema_field(shown_by(many=many))(self)

    def to_representation(self, submission):
        part = getattr(self.parent.parts(submission), self.part or self.field_name)
        return self.shown_by(part, many=self.many).data


# A kind's filter: submission_filter(its model).
class SubmissionFilter(django_filters.FilterSet):
    trust = code_filter("arrangement__trust__code", TRUST_HELP)
    month = MonthFilter(
        field_name="period", help_text="That month's, YYYY-MM (or a day of it, 2024-10-01)."
    )
    month_from, month_to = month_range("period")
    year = FinancialYearFilter(field_name="period", months=True)
    state = django_filters.ChoiceFilter(choices=State.choices)

    class Meta:
        fields = ["trust", "month", "month_from", "month_to", "year", "state"]


def submission_filter(model) -> type[SubmissionFilter]:
    """The filter of a kind's returns (``?trust=NCT&month=2024-10&state=approved``, or a range:
    ``?month_from=2024-04&month_to=2024-09``, ``?year=2024-25``)."""
    meta = type("Meta", (SubmissionFilter.Meta,), {"model": model})
    return type(f"{model.__name__}Filter", (SubmissionFilter,), {"Meta": meta})


class StartInput(serializers.Serializer):
    trust = serializers.CharField()
    month = serializers.DateField(help_text="Any day of the month, for example 2024-10-01.")


def seen_version():
    return serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The return's lock_version when you read it (optional). If its figures "
        "were saved since, nothing is done and the answer is 409 Conflict: read the return "
        "again, then decide again.",
    )


class ApproveInput(serializers.Serializer):
    version = seen_version()


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What changed, and what to do, in words.")


class QueryInput(serializers.Serializer):
    query = serializers.CharField()
    version = seen_version()
    row = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="The row of the return the query is about, by its key (as a "
        "query's row_key gives it: an indicator and area, OPEN_CIN:NNC; a spend category, "
        "placements; a team's id); empty for the whole return.",
    )


class QueryAnswerInput(serializers.Serializer):
    text = serializers.CharField()


class QueryAnswerSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.get_full_name", read_only=True)

    class Meta:
        model = Answer
        fields = ["id", "text", "by", "at"]


class QuerySerializer(serializers.ModelSerializer):
    council = serializers.CharField(source="council.code", read_only=True)
    raised_by = serializers.CharField(source="raised_by.get_full_name", read_only=True)
    answers = QueryAnswerSerializer(many=True, read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Query
        fields = [
            "id",
            "council",
            "row_key",
            "row_label",
            "text",
            "state",
            "raised_by",
            "raised_at",
            "closed_at",
            "answers",
            "url",
        ]


class CorrectionInput(serializers.Serializer):
    reason = serializers.CharField()


# A kind's figures input subclasses this, adding its rows (``figure_rows``).
class FiguresInput(serializers.Serializer):
    lock_version = serializers.IntegerField(
        help_text="The version you read; a stale one is refused."
    )


def figure_rows(help_text: str):
    """A kind's figures as a list of rows, each a dictionary: ``[{"team": 12, …}, …]``."""
    return serializers.ListField(child=serializers.DictField(), help_text=help_text)


def keyed_once(rows, key: str, what: str) -> dict:
    """[{key: k, …}, …] → {k: {…}}, refusing a key given twice ("Give each team once.")."""
    found = {}
    for row in rows:
        name = str(row.get(key, ""))
        if name in found:
            raise serializers.ValidationError({name: f"Give each {what} once."})
        found[name] = {k: v for k, v in row.items() if k != key}
    return found


class SubmissionViewSet(ListsEveryWay, viewsets.ReadOnlyModelViewSet):
    """Subclasses set ``kind`` (an ``approvals.kinds.ReturnKind``), ``output_serializer`` (what
    every action answers with), the input serializers, and either ``figures_from(validated)``
    (the keyword arguments of the kind's save besides who, which and the version) or, for
    figures given as rows each named once by a key, ``rows`` and ``row_key``."""

    kind = None
    output_serializer = None
    start_input = StartInput
    figures_input = None
    query_input = QueryInput
    approve_input = ApproveInput
    correction_input = CorrectionInput
    permission_classes = [RoleMay]
    permission_kind = "monthly return"
    ordering_fields = {"month": "period", "trust": "arrangement__trust__code", "state": "state"}
    # Which rule each write needs (docs/permissions.md); reads need "view approved".
    write_actions = {
        "create": Action.EDIT,
        "figures": Action.EDIT,
        "submit": Action.SUBMIT,
        "approve": Action.APPROVE,
        "send_back": Action.APPROVE,
        "correct": Action.EDIT,
        "answer": Action.EDIT,
    }

    def get_queryset(self):
        returns = self.kind.model.objects.visible_to(self.request.user).select_related(
            "arrangement__trust"
        )
        return in_force_as_asked(self.request, returns) if self.action == "list" else returns

    # ``?as_of=``: those in force at a past moment (get_queryset). No docstring: the schema
    # would give it to the list in place of the kind's own description.
    @extend_schema(parameters=[AS_OF])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    # The figures input's list of rows and what names each row: the save's keyword and the
    # rows by their key ({"lines": {"placements": {…}, …}}).
    rows = None
    row_key = None

    def figures_from(self, validated) -> dict:
        return {self.rows: keyed_once(validated[self.rows], self.row_key, self.row_key)}

    def _done(self, submission, code=status.HTTP_200_OK):
        fresh = self.kind.model.objects.select_related("arrangement__trust").get(pk=submission.pk)
        return Response(self.output_serializer(fresh).data, status=code)

    def _run(self, service: str, submission, request, **kwargs):
        self.kind.run(service, submission, by=request.user, **kwargs)
        return self._done(submission)

    def _decide(self, service: str, submission, request, version: int | None, **kwargs):
        """An officer's decision on the version they read (if they say which): 409 if the
        figures were saved since, with nothing done."""
        try:
            return self._run(service, submission, request, expected_version=version, **kwargs)
        except ConcurrentChange as error:
            raise Conflict(" ".join(error.messages)) from error

    def create(self, request):
        data = valid(self.start_input, request.data)
        arrangement = arrangement_named(request.user, data["trust"])
        started = self.kind.start(by=request.user, arrangement=arrangement, month=data["month"])
        return self._done(started, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def figures(self, request, pk=None):
        submission = self.get_object()
        data = valid(self.figures_input, request.data)
        return self._run(
            "save",
            submission,
            request,
            expected_version=data["lock_version"],
            **self.figures_from(data),
        )

    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._run("submit", self.get_object(), request)

    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve the caller's own council's area."""
        submission = self.get_object()
        data = valid(self.approve_input, request.data)
        return self._decide("approve", submission, request, data.get("version"))

    @action(detail=True, methods=["post"], url_path="return")
    def send_back(self, request, pk=None):
        """Return to the trust with a query."""
        submission = self.get_object()
        data = valid(self.query_input, request.data)
        council = request.user.organisation
        row = queries.row_named(self.kind, submission, council, data.get("row", ""))
        version = data.get("version")
        return self._decide("send_back", submission, request, version, query=data["query"], row=row)

    @action(
        detail=True,
        methods=["get"],
        url_path="queries",
        url_name="queries",
        pagination_class=None,
        filter_backends=[],
    )
    def query_threads(self, request, pk=None):
        """The return's queries, oldest first, each with the trust's answers."""
        threads = queries.threads(self.get_object())
        return Response(QuerySerializer(threads, many=True).data)

    @action(
        detail=True,
        methods=["post"],
        url_path=r"queries/(?P<query>[0-9]+)/answer",
        url_name="answer",
    )
    def answer(self, request, pk=None, query=None):
        """Answer one of the return's queries (the trust's managers)."""
        submission = self.get_object()
        thread = get_object_or_404(queries.threads(submission), pk=query)
        data = valid(QueryAnswerInput, request.data)
        query_answer(query=thread, by=request.user, text=data["text"])
        return Response(QuerySerializer(queries.threads(submission).get(pk=thread.pk)).data)

    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        """Start a correction of the approved month: a new draft revision."""
        approved = self.get_object()
        data = valid(self.correction_input, request.data)
        new = self.kind.run("correct", approved, by=request.user, reason=data["reason"])
        return self._done(new, status.HTTP_201_CREATED)


def submission_schema(figures_description: str | None = None):
    """The schema of a ``SubmissionViewSet`` subclass's writes, from its own inputs: each answers
    with its ``output_serializer``. (A subclass's class decorator.)"""

    def document(viewset):
        out = viewset.output_serializer
        figures = {"description": figures_description} if figures_description else {}
        return extend_schema_view(
            create=extend_schema(request=viewset.start_input, responses={201: out}),
            figures=extend_schema(request=viewset.figures_input, responses=out, **figures),
            submit=extend_schema(request=None, responses=out),
            approve=extend_schema(
                request=viewset.approve_input, responses={200: out, 409: ConflictSerializer}
            ),
            send_back=extend_schema(
                request=viewset.query_input, responses={200: out, 409: ConflictSerializer}
            ),
            correct=extend_schema(request=viewset.correction_input, responses={201: out}),
            query_threads=extend_schema(
                request=None, responses=QuerySerializer(many=True), filters=False
            ),
            answer=extend_schema(request=QueryAnswerInput, responses=QuerySerializer),
        )(viewset)

    return document
