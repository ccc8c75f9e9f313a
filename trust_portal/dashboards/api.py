"""The dashboards API: the stored snapshots, as the pages show them, with their computed-at and
when a recompute last confirmed them unchanged.

``GET /api/v1/dashboards/`` lists the snapshots of the caller's arrangements (without their
figures); ``GET /api/v1/dashboards/<arrangement>/<name>/`` returns one, figures included. Both
take ``?as_of=`` (a date, or a date and time: ``trust_portal/asof.py``) for the versions in
force at that past moment; a moment in the future is refused (400).
"""

from datetime import datetime

import django_filters
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, mixins, renderers, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.reverse import reverse

from trust_portal.accounts.api_permissions import RoleMay
from trust_portal.accounts.permissions import arrangements_for
from trust_portal.api.lists import TRUST_HELP, ListsEveryWay, code_filter, month_range
from trust_portal.asof import AsOfError, as_of_request, moment_of
from trust_portal.dashboards.models import IssuedPack, Snapshot
from trust_portal.dashboards.registry import builders, listed
from trust_portal.dashboards.services import snapshot_status


class SnapshotSummarySerializer(serializers.ModelSerializer):
    arrangement = serializers.CharField(source="arrangement.code", read_only=True)
    title = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    confirmed_at = serializers.SerializerMethodField(
        help_text="When a recompute last found these figures unchanged: computed_at until one "
        "has (and, for a past moment asked for, until one had by then)."
    )

    class Meta:
        model = Snapshot
        fields = ["arrangement", "name", "title", "computed_at", "confirmed_at", "source", "url"]

    def get_confirmed_at(self, snapshot) -> datetime:
        as_of = getattr(self.context.get("request"), "as_of", None)  # set by _visible
        return snapshot.confirmed_by(as_of and as_of.moment) or snapshot.computed_at

    def get_title(self, snapshot) -> str:
        return builders()[snapshot.name].title

    def get_url(self, snapshot) -> str:
        return reverse(
            "dashboards:api-detail",
            args=[snapshot.arrangement.code, snapshot.name],
            request=self.context.get("request"),
        )


class StatusSerializer(serializers.Serializer):
    updating = serializers.BooleanField(help_text="A recompute is waiting or running.")
    failed_at = serializers.DateTimeField(
        allow_null=True, help_text="When the latest recompute failed, if it failed since."
    )


class SnapshotSerializer(SnapshotSummarySerializer):
    data = serializers.JSONField(
        help_text="Blocks of tables and plotly figures: trust_portal/dashboards/figures.py."
    )
    status = serializers.SerializerMethodField()

    class Meta(SnapshotSummarySerializer.Meta):
        fields = [*SnapshotSummarySerializer.Meta.fields, "duration_ms", "status", "data"]

    @extend_schema(responses=StatusSerializer)
    def get_status(self, snapshot) -> dict:
        status = snapshot_status(snapshot.arrangement, snapshot)
        return {"updating": status.updating, "failed_at": status.failed_at}


AS_OF = OpenApiParameter(
    "as_of",
    str,
    description=(
        "The versions in force at a past moment: a date (2025-03-31, the end of that day, UK "
        "time) or a date and time (2025-03-31T14:05). A moment in the future is refused."
    ),
)


def _visible(request):
    try:
        as_of = as_of_request(request)
    except AsOfError as error:
        raise ValidationError({"as_of": [str(error)]}) from error
    request.as_of = as_of  # the serializers say what was confirmed by then
    return (
        Snapshot.objects.filter(
            arrangement__in=arrangements_for(request.user), name__in=[b.name for b in listed()]
        )
        .in_force(moment_of(as_of))
        .select_related("arrangement__trust")
    )


class DashboardFilter(django_filters.FilterSet):
    trust = code_filter("arrangement__trust__code", TRUST_HELP)
    name = django_filters.CharFilter(help_text="A dashboard's name, for example performance.")


@extend_schema_view(list=extend_schema(parameters=[AS_OF]))
class DashboardViewSet(ListsEveryWay, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Every dashboard snapshot of the caller's arrangements, without its figures."""

    serializer_class = SnapshotSummarySerializer
    filterset_class = DashboardFilter
    permission_classes = [RoleMay]
    permission_kind = "dashboard"
    ordering_fields = {
        "trust": "arrangement__trust__code",
        "name": "name",
        "computed_at": "computed_at",
    }

    def get_queryset(self):
        return _visible(self.request).defer("data").order_by("arrangement__trust__code", "name")


@extend_schema_view(get=extend_schema(parameters=[AS_OF]))
class DashboardDetailView(generics.RetrieveAPIView):
    """One dashboard's stored snapshot: its figures and when they were computed. A dashboard
    not yet computed, or of an arrangement the caller is not part of, is 404."""

    serializer_class = SnapshotSerializer
    permission_classes = [RoleMay]
    permission_kind = "dashboard"

    def get_object(self):
        found = (
            _visible(self.request)
            .filter(arrangement__trust__code=self.kwargs["code"], name=self.kwargs["name"])
            .first()
        )
        if found is None:
            raise NotFound("No such dashboard, or its figures are still being prepared.")
        return found


class PackSerializer(serializers.ModelSerializer):
    trust = serializers.CharField(source="arrangement.trust.code", read_only=True)
    issued_by = serializers.CharField(source="issued_by.get_full_name", read_only=True)
    pdf = serializers.SerializerMethodField(help_text="The PDF the committee saw.")
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = IssuedPack
        fields = [
            "id",
            "trust",
            "month",
            "title",
            "committee",
            "meeting_date",
            "threshold",
            "issued_by",
            "issued_at",
            "sha256",
            "pdf",
            "url",
        ]

    def get_pdf(self, issued) -> str:
        return reverse("pack-pdf", args=[issued.pk], request=self.context.get("request"))


class PackFilter(django_filters.FilterSet):
    trust = code_filter("arrangement__trust__code", TRUST_HELP)
    month_from, month_to = month_range("month")


class PackViewSet(ListsEveryWay, viewsets.ReadOnlyModelViewSet):
    """Scrutiny committee packs as they were issued (never changed), of the caller's
    arrangements, newest first: what the pack.issued webhook names. The figures are in the PDF,
    at ``pdf``."""

    serializer_class = PackSerializer
    filterset_class = PackFilter
    permission_classes = [RoleMay]
    permission_kind = "dashboard"
    ordering_fields = {
        "trust": "arrangement__trust__code",
        "month": "month",
        "issued_at": "issued_at",
    }

    def get_queryset(self):
        return (
            IssuedPack.objects.filter(arrangement__in=arrangements_for(self.request.user))
            .select_related("arrangement__trust", "issued_by")
            .defer("pdf", "data")
            .order_by("-issued_at", "-pk")
        )

    def perform_content_negotiation(self, request, force=False):
        if self.action == "pdf":  # its answer is the PDF itself, whatever is asked; errors JSON
            return renderers.JSONRenderer(), renderers.JSONRenderer.media_type
        return super().perform_content_negotiation(request, force)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, url_path="pdf")
    def pdf(self, request, pk=None):
        """The issued pack's PDF, as the committee saw it."""
        issued = self.get_object()
        document = bytes(IssuedPack.objects.values_list("pdf", flat=True).get(pk=issued.pk))
        if not document:
            raise NotFound("This pack has no PDF.")
        response = HttpResponse(document, content_type="application/pdf")
        name = f"{issued.arrangement.trust.code}-scrutiny-pack-{issued.month:%Y-%m}-{issued.pk}"
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response


# (prefix, viewset, basename): trust_portal/urls.py routes them under /api/v1/.
routes = [
    ("dashboards", DashboardViewSet, "dashboard"),
    ("packs", PackViewSet, "pack"),
]
