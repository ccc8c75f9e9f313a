"""/api/v1/reserved-decisions/: the reserved matters' decision log and the councils' answers."""

import django_filters
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.decorators import action

from contracts.api.common import (
    ContractsViewSet,
    CouncilRowSerializer,
    _reason_in,
)
from contracts.forms.matters import DecisionFilter
from contracts.models import (
    Consent,
    ReservedDecision,
    ReservedMatter,
)
from contracts.services import matters
from trust_portal.accounts.permissions import Action, arrangements_for
from trust_portal.api.lists import COUNCIL_HELP, code_filter, month_range
from trust_portal.api.viewsets import PageSerializer, arrangement_named, valid

# --- Reserved decisions ---------------------------------------------------------------------


class AnswerSerializer(CouncilRowSerializer):
    class Meta:
        model = Consent
        fields = ["council", "answer", "decided_on", "note"]


class ReservedDecisionSerializer(PageSerializer):
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

    class Meta:
        model = ReservedDecision
        fields = [
            "id",
            "trust",
            "matter",
            "matter_title",
            "title",
            "description",
            "requested_on",
            "outcome",
            "answers",
            "awaiting",
            "url",
        ]

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
    council = code_filter("matter__arrangement__councils__code", COUNCIL_HELP)
    month_from, month_to = month_range("requested_on")

    class Meta(DecisionFilter.Meta):
        fields = ["trust", "matter", "council", "outcome", "month_from", "month_to"]


class DecisionLogInput(serializers.Serializer):
    trust = serializers.CharField(help_text="The trust's code: NCT.")
    matter = serializers.CharField(help_text="The reserved matter's reference: RM4.")
    title = serializers.CharField(
        max_length=200, help_text="What the trust asks the councils to agree."
    )
    description = serializers.CharField(
        help_text="The proposal, and where the councils can read it."
    )
    requested_on = serializers.DateField(help_text="When the trust asked: today or earlier.")


class AnswerInput(serializers.Serializer):
    answer = serializers.ChoiceField(choices=Consent.Answer.choices)
    decided_on = serializers.DateField(
        help_text="The date of the council's decision: not before the request, not in future."
    )
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="The decision's reference or minute.",
    )


class AnswerCorrectionInput(AnswerInput):
    reason = _reason_in(help_text="Why it is corrected: the wrong answer stays in the history.")


class ReservedDecisionViewSet(ContractsViewSet):
    """The decision log of reserved matters, each council's answer and the outcome. Council
    officers log a decision the trust seeks (POST) and record their own council's answer
    (POST …/answer/), or correct it with a reason (PATCH …/answer/)."""

    serializer_class = ReservedDecisionSerializer
    filterset_class = ReservedDecisionFilter
    write_actions = {"create": Action.EDIT, "answer": Action.EDIT}
    ordering_fields = {"requested_on": "requested_on", "matter": "matter__reference"}

    def records(self, *, reading: bool):
        decisions = ReservedDecision.objects.filter(
            matter__arrangement__in=arrangements_for(self.request.user).values("pk")
        )
        if not reading:
            return decisions.select_related("matter__arrangement")
        return matters.with_outcome(
            decisions.select_related("matter__arrangement__trust").prefetch_related(
                Prefetch("consents", Consent.objects.select_related("council")),
                "matter__arrangement__councils",
            )
        )

    @extend_schema(request=DecisionLogInput, responses={201: ReservedDecisionSerializer})
    def create(self, request):
        """Log a decision the trust seeks under a reserved matter (council officers); each
        council then answers."""
        data = valid(DecisionLogInput, request.data)
        arrangement = arrangement_named(request.user, data.pop("trust"))
        matter = get_object_or_404(
            ReservedMatter, arrangement=arrangement, reference__iexact=data.pop("matter")
        )
        decision = matters.decision_record(by=request.user, matter=matter, **data)
        return self._done(decision, status.HTTP_201_CREATED)

    @extend_schema(methods=["POST"], request=AnswerInput, responses=ReservedDecisionSerializer)
    @extend_schema(
        methods=["PATCH"], request=AnswerCorrectionInput, responses=ReservedDecisionSerializer
    )
    @action(detail=True, methods=["post", "patch"])
    def answer(self, request, pk=None):
        """The caller's own council's answer (council officers): record it once (POST), or
        correct it with a reason (PATCH)."""
        decision = self.get_object()
        if request.method == "PATCH":
            data = valid(AnswerCorrectionInput, request.data)
            matters.consent_correct(by=request.user, decision=decision, **data)
        else:
            matters.consent_record(
                by=request.user, decision=decision, **valid(AnswerInput, request.data)
            )
        return self._done(decision)
