"""/api/v1/risks/: the transformation programme's risk register, under the pages' rules
(docs/permissions.md, kind "business case"): read by everyone in the arrangement who may read
business cases (scrutiny members: 403; other arrangements' risks: absent from lists, 404 on
their own); added, changed, reviewed, closed and reopened by the trust's managers through the
services the pages call (``transformation/services/risks.py``).

A risk is named ``<trust code>-<reference>`` (``/api/v1/risks/NCT-R01/``). Filters: ``trust``,
``project`` (a project's name, or ``programme`` for programme-level risks), ``status`` and
``overdue``.
"""

import re

from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from transformation.forms.risks import RiskFilter
from transformation.models import Risk
from transformation.services import risks
from trust_portal.accounts.api_permissions import RoleMay
from trust_portal.accounts.permissions import Action, Kind, arrangements_for

KEY = re.compile(r"^([A-Za-z][A-Za-z0-9]{1,9})-(.+)$")
KEY_PARAMETER = OpenApiParameter(
    "key",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The trust's code and the risk's reference: NCT-R01.",
)


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


def _words(**kwargs):
    return serializers.CharField(allow_blank=True, **kwargs)


class RiskChangeInput(serializers.Serializer):
    reason = _words(help_text="Why (always required): kept in the history with your name.")
    reference = _words(max_length=20, required=False, help_text="For example R07.")
    title = _words(max_length=200, required=False)
    description = _words(required=False)
    project = serializers.CharField(
        required=False,
        allow_null=True,
        help_text="A project's name in the programme; null for a risk to the whole programme.",
    )
    likelihood = _scale(risks.LIKELIHOOD_MESSAGE, required=False)
    impact = _scale(risks.IMPACT_MESSAGE, required=False)
    owner = _words(max_length=200, required=False)
    mitigation = _words(required=False)
    review_date = serializers.DateField(required=False, help_text="When it is next reviewed.")


class RiskInput(RiskChangeInput):
    trust = serializers.CharField(help_text="The trust's code: NCT.")
    reference = _words(max_length=20, help_text="Unique in the register, for example R07.")
    title = _words(max_length=200)
    description = _words()
    project = serializers.CharField(
        required=False,
        allow_null=True,
        default=None,
        help_text="A project's name in the programme; null or left out for a programme risk.",
    )
    likelihood = _scale(risks.LIKELIHOOD_MESSAGE)
    impact = _scale(risks.IMPACT_MESSAGE)
    owner = _words(max_length=200)
    mitigation = _words()
    review_date = serializers.DateField(help_text="When it is next reviewed.")


class ReviewInput(serializers.Serializer):
    likelihood = _scale(risks.LIKELIHOOD_MESSAGE)
    impact = _scale(risks.IMPACT_MESSAGE)
    mitigation = _words(required=False, help_text="As it now stands; left out, unchanged.")
    review_date = serializers.DateField(help_text="The date of the next review: after today.")
    note = _words(help_text="What the review found: kept in the history with your name.")


class CloseInput(serializers.Serializer):
    reason = _words(help_text="Why it is closed: kept in the history with your name.")


class ReopenInput(serializers.Serializer):
    reason = _words(help_text="Why it is reopened: kept in the history with your name.")
    review_date = serializers.DateField(
        help_text="The date of the next review: today or later.",
        error_messages=dict.fromkeys(
            ["required", "null"], "Enter the date of the next review: a reopened risk needs one."
        ),
    )


def _valid(input_class, data) -> dict:
    found = input_class(data=data)
    found.is_valid(raise_exception=True)
    return dict(found.validated_data)


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


@extend_schema_view(
    retrieve=extend_schema(parameters=[KEY_PARAMETER]),
    partial_update=extend_schema(
        parameters=[KEY_PARAMETER], request=RiskChangeInput, responses=RiskSerializer
    ),
    review=extend_schema(parameters=[KEY_PARAMETER], request=ReviewInput, responses=RiskSerializer),
    close=extend_schema(parameters=[KEY_PARAMETER], request=CloseInput, responses=RiskSerializer),
    reopen=extend_schema(parameters=[KEY_PARAMETER], request=ReopenInput, responses=RiskSerializer),
)
class RiskViewSet(viewsets.ReadOnlyModelViewSet):
    """The risk register: risks to each project and to the programme as a whole, highest
    score first, then the earliest review. The trust's managers add (POST), change (PATCH, with
    a reason), review (POST …/review/), close (POST …/close/) and reopen (POST …/reopen/)
    risks."""

    serializer_class = RiskSerializer
    filterset_class = RiskFilter
    permission_classes = [RoleMay]
    permission_kind = Kind.BUSINESS_CASE.value
    write_actions = dict.fromkeys(
        ["create", "partial_update", "review", "close", "reopen"], Action.EDIT
    )
    lookup_url_kwarg = "key"
    lookup_value_regex = r"[A-Za-z][A-Za-z0-9]{1,9}-[A-Za-z0-9][A-Za-z0-9.\-]*"

    def get_queryset(self):
        return (
            Risk.objects.filter(arrangement__in=arrangements_for(self.request.user).values("pk"))
            .select_related("project", "arrangement__trust")
            .annotate(points=F("likelihood") * F("impact"))
            .order_by("arrangement__trust__code", "-points", "review_date", "reference")
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def get_object(self):
        found = KEY.match(self.kwargs.get("key") or "")
        if found is None:
            raise Http404("Name the risk as NCT-R01.")
        risk = get_object_or_404(
            self.get_queryset(), arrangement__trust__code=found[1].upper(), reference=found[2]
        )
        self.check_object_permissions(self.request, risk)
        return risk

    def _done(self, risk, code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=risk.pk)).data, code)

    @extend_schema(request=RiskInput, responses={201: RiskSerializer})
    def create(self, request):
        """Add a risk to a programme's register (the trust's managers)."""
        data = _valid(RiskInput, request.data)
        arrangement = get_object_or_404(
            arrangements_for(request.user), trust__code=data.pop("trust").upper()
        )
        data["project"] = _project(arrangement, data["project"])
        risk = risks.risk_save(by=request.user, arrangement=arrangement, **data)
        return self._done(risk, status.HTTP_201_CREATED)

    def partial_update(self, request, key=None):
        """Change a risk, with a reason; fields left out stay as they are."""
        risk = self.get_object()
        data = _valid(RiskChangeInput, request.data)
        fields = {
            f: getattr(risk, f)
            for f in (
                "reference",
                "title",
                "description",
                "project",
                "likelihood",
                "impact",
                "owner",
                "mitigation",
                "review_date",
            )
        }
        if "project" in data:
            data["project"] = _project(risk.arrangement, data["project"])
        fields.update(data)
        risks.risk_save(by=request.user, arrangement=risk.arrangement, risk=risk, **fields)
        return self._done(risk)

    @action(detail=True, methods=["post"])
    def review(self, request, key=None):
        """Record a review: the scores as they now stand, the next review date and a note."""
        risk = self.get_object()
        data = _valid(ReviewInput, request.data)
        data.setdefault("mitigation", risk.mitigation)
        risks.risk_review(by=request.user, risk=risk, **data)
        return self._done(risk)

    @action(detail=True, methods=["post"])
    def close(self, request, key=None):
        """Close a risk, with the reason."""
        risk = self.get_object()
        risks.risk_close(by=request.user, risk=risk, **_valid(CloseInput, request.data))
        return self._done(risk)

    @action(detail=True, methods=["post"])
    def reopen(self, request, key=None):
        """Reopen a closed risk, with the reason and the date of its next review."""
        risk = self.get_object()
        risks.risk_reopen(by=request.user, risk=risk, **_valid(ReopenInput, request.data))
        return self._done(risk)
