"""/api/v1/risks/: the transformation programme's risk register, under the pages' rules
(docs/permissions.md, kind "business case"): read by everyone in the arrangement who may read
business cases (scrutiny members: 403; other arrangements' risks: absent from lists, 404 on
their own); added, changed, reviewed, closed and reopened by the trust's managers through the
services the pages call (``transformation/services/risks.py``).

A risk is named ``<trust code>-<reference>`` (``/api/v1/risks/NCT-R01/``). Filters: ``trust``,
``project`` (a project's name, or ``programme`` for programme-level risks), ``status`` and
``overdue``.
"""

from django.core.exceptions import ValidationError
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action

from transformation.api.common import TrustKeyedMixin, words
from transformation.forms.risks import RiskFilter
from transformation.models import Risk
from transformation.services import risks
from trust_portal.accounts.permissions import Action, Kind, arrangements_for
from trust_portal.api.viewsets import RegisterViewSet, key_parameter, valid

KEY_PARAMETER = key_parameter("The trust's code and the risk's reference: NCT-R01.")


class RiskSerializer(serializers.ModelSerializer):
    key = serializers.SerializerMethodField(help_text="Names the risk in the API: NCT-R01.")
    trust = serializers.CharField(source="arrangement.trust.code", read_only=True)
    project = serializers.CharField(
        source="project.name",
        read_only=True,
        allow_null=True,
        help_text="The project's name; null for a risk to the whole programme.",
    )
    score = serializers.IntegerField(read_only=True, help_text="Likelihood × impact, 1 to 25.")
    rating = serializers.CharField(
        read_only=True, help_text="low (1–4), medium (5–9), high (10–16) or very high (20–25)."
    )
    overdue = serializers.SerializerMethodField(
        help_text="Open, and its review date has passed (a review due today is not overdue)."
    )
    status = serializers.CharField(read_only=True, help_text="open or closed.")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Risk
        fields = [
            "key",
            "trust",
            "reference",
            "project",
            "title",
            "description",
            "likelihood",
            "impact",
            "score",
            "rating",
            "owner",
            "mitigation",
            "review_date",
            "overdue",
            "status",
            "url",
        ]
        read_only_fields = fields

    def get_key(self, risk) -> str:
        return f"{risk.arrangement.trust.code}-{risk.reference}"

    def get_overdue(self, risk) -> bool:
        return risk.review_overdue(self.context.get("today") or timezone.localdate())

    def get_url(self, risk) -> str:
        return reverse(
            "transformation:risk-detail", args=[risk.arrangement.trust.code, risk.reference]
        )


# --- Inputs ---------------------------------------------------------------------------------


def _scale(message: str, **kwargs):
    errors = dict.fromkeys(
        ["required", "null", "invalid", "min_value", "max_value", "max_string_length"],
        f"{message}.",
    )
    return serializers.IntegerField(min_value=1, max_value=5, error_messages=errors, **kwargs)


class RiskChangeInput(serializers.Serializer):
    reason = words(help_text="Why (always required): kept in the history with your name.")
    reference = words(max_length=20, required=False, help_text="For example R07.")
    title = words(max_length=200, required=False)
    description = words(required=False)
    project = serializers.CharField(
        required=False,
        allow_null=True,
        help_text="A project's name in the programme; null for a risk to the whole programme.",
    )
    likelihood = _scale(risks.LIKELIHOOD_MESSAGE, required=False)
    impact = _scale(risks.IMPACT_MESSAGE, required=False)
    owner = words(max_length=200, required=False)
    mitigation = words(required=False)
    review_date = serializers.DateField(required=False, help_text="When it is next reviewed.")


class RiskInput(RiskChangeInput):
    trust = serializers.CharField(help_text="The trust's code: NCT.")
    reference = words(max_length=20, help_text="Unique in the register, for example R07.")
    title = words(max_length=200)
    description = words()
    project = serializers.CharField(
        required=False,
        allow_null=True,
        default=None,
        help_text="A project's name in the programme; null or left out for a programme risk.",
    )
    likelihood = _scale(risks.LIKELIHOOD_MESSAGE)
    impact = _scale(risks.IMPACT_MESSAGE)
    owner = words(max_length=200)
    mitigation = words()
    review_date = serializers.DateField(help_text="When it is next reviewed.")


class ReviewInput(serializers.Serializer):
    likelihood = _scale(risks.LIKELIHOOD_MESSAGE)
    impact = _scale(risks.IMPACT_MESSAGE)
    mitigation = words(required=False, help_text="As it now stands; left out, unchanged.")
    review_date = serializers.DateField(help_text="The date of the next review: after today.")
    note = words(help_text="What the review found: kept in the history with your name.")


class CloseInput(serializers.Serializer):
    reason = words(help_text="Why it is closed: kept in the history with your name.")


class ReopenInput(serializers.Serializer):
    reason = words(help_text="Why it is reopened: kept in the history with your name.")
    review_date = serializers.DateField(
        help_text="The date of the next review: today or later.",
        error_messages=dict.fromkeys(
            ["required", "null"], "Enter the date of the next review: a reopened risk needs one."
        ),
    )


def _project(arrangement, name):
    if not name:
        return None
    project = arrangement.projects.filter(name__iexact=name.strip()).first()
    if project is None:
        raise ValidationError(
            {"project": f"The programme has no project called “{name}”: name one, or send null."}
        )
    return project


# --- The register ---------------------------------------------------------------------------


def _on_a_risk(request, **kwargs):
    """The schema of a write to one risk, named by its key: it answers with the risk."""
    return extend_schema(
        parameters=[KEY_PARAMETER], request=request, responses=RiskSerializer, **kwargs
    )


@extend_schema_view(
    retrieve=extend_schema(parameters=[KEY_PARAMETER]),
    create=extend_schema(
        request=RiskInput,
        responses={201: RiskSerializer},
        description="Add a risk to a programme's register (the trust's managers).",
    ),
    partial_update=_on_a_risk(
        RiskChangeInput,
        description="Change a risk, with a reason; fields left out stay as they are.",
    ),
    review=_on_a_risk(ReviewInput),
    close=_on_a_risk(CloseInput, description="Close a risk, with the reason."),
    reopen=_on_a_risk(
        ReopenInput,
        description="Reopen a closed risk, with the reason and the date of its next review.",
    ),
)
class RiskViewSet(TrustKeyedMixin, RegisterViewSet):
    """The risk register: risks to each project and to the programme as a whole, highest
    score first, then the earliest review. The trust's managers add (POST), change (PATCH, with
    a reason), review (POST …/review/), close (POST …/close/) and reopen (POST …/reopen/)
    risks."""

    serializer_class = RiskSerializer
    filterset_class = RiskFilter
    permission_kind = Kind.BUSINESS_CASE.value
    write_actions = dict.fromkeys(
        ["create", "partial_update", "review", "close", "reopen"], Action.EDIT
    )
    key_form = "Name the risk as NCT-R01."
    ordering_fields = {
        "score": "points",
        "likelihood": "likelihood",
        "impact": "impact",
        "review_date": "review_date",
        "reference": "reference",
    }
    noun = "risk"
    create_input = RiskInput
    change_input = RiskChangeInput
    close_input = CloseInput
    reopen_input = ReopenInput
    save_service = staticmethod(risks.risk_save)
    close_service = staticmethod(risks.risk_close)
    reopen_service = staticmethod(risks.risk_reopen)

    def get_queryset(self):
        return (
            Risk.objects.filter(arrangement__in=arrangements_for(self.request.user).values("pk"))
            .select_related("project", "arrangement__trust")
            .annotate(points=F("likelihood") * F("impact"))
            .order_by("arrangement__trust__code", "-points", "review_date", "reference")
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def found_in(self, arrangement, data):
        if "project" in data:
            data["project"] = _project(arrangement, data["project"])
        return data

    @action(detail=True, methods=["post"])
    def review(self, request, key=None):
        """Record a review: the scores as they now stand, the next review date and a note."""
        risk = self.get_object()
        data = valid(ReviewInput, request.data)
        data.setdefault("mitigation", risk.mitigation)
        risks.risk_review(by=request.user, risk=risk, **data)
        return self._done(risk)
