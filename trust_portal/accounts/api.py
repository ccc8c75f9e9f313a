import django_filters
from rest_framework import serializers, viewsets

from trust_portal.accounts.api_permissions import RoleMay
from trust_portal.accounts.models import Arrangement, Organisation
from trust_portal.accounts.permissions import arrangements_for, organisations_for
from trust_portal.api.lists import COUNCIL_HELP, TRUST_HELP, ListsEveryWay, code_filter


class OrganisationSerializer(serializers.ModelSerializer):
    arrangement = serializers.SerializerMethodField(
        help_text="Code of the arrangement the organisation takes part in (its trust's code)."
    )

    class Meta:
        model = Organisation
        fields = ["code", "name", "kind", "arrangement"]

    def get_arrangement(self, organisation) -> str | None:
        if organisation.kind == Organisation.Kind.TRUST:
            arrangement = getattr(organisation, "arrangement_as_trust", None)
            return arrangement.code if arrangement else None
        commission = getattr(organisation, "commission", None)
        return commission.arrangement.trust.code if commission else None


class OrganisationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Organisation.Kind.choices)

    class Meta:
        model = Organisation
        fields = ["kind"]


class OrganisationViewSet(ListsEveryWay, viewsets.ReadOnlyModelViewSet):
    """Councils, trusts and departments that take part in the caller's arrangements."""

    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    permission_classes = [RoleMay]
    permission_kind = "organisation"
    lookup_field = "code"
    ordering_fields = ["code", "name", "kind"]

    def get_queryset(self):
        return (
            organisations_for(self.request.user)
            .select_related("arrangement_as_trust__trust", "commission__arrangement__trust")
            .order_by("code")
        )


class ArrangementSerializer(serializers.ModelSerializer):
    code = serializers.CharField(read_only=True)
    trust = serializers.SlugRelatedField(slug_field="code", read_only=True)
    councils = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Arrangement
        fields = ["code", "trust", "councils", "description"]


class ArrangementFilter(django_filters.FilterSet):
    trust = code_filter("trust__code", TRUST_HELP)
    council = code_filter("councils__code", COUNCIL_HELP)


class ArrangementViewSet(ListsEveryWay, viewsets.ReadOnlyModelViewSet):
    """A trust and the councils that commission it; only those the caller takes part in."""

    serializer_class = ArrangementSerializer
    filterset_class = ArrangementFilter
    ordering_fields = {"code": "trust__code"}
    permission_classes = [RoleMay]
    permission_kind = "arrangement"
    lookup_field = "trust__code"
    lookup_url_kwarg = "code"

    def get_queryset(self):
        return arrangements_for(self.request.user).order_by("trust__code")


# (prefix, viewset, basename): trust_portal/urls.py routes them under /api/v1/.
routes = [
    ("organisations", OrganisationViewSet, "organisation"),
    ("arrangements", ArrangementViewSet, "arrangement"),
]
