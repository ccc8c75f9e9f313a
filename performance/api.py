import django_filters
from django.utils import timezone
from rest_framework import serializers, viewsets

from performance.models import Indicator, IndicatorDefinition
from trust_portal.accounts.api_permissions import RoleMay
from trust_portal.api import router


class DefinitionSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndicatorDefinition
        fields = [
            "version",
            "valid_from",
            "definition",
            "why_it_matters",
            "numerator_words",
            "denominator_words",
            "reviewed_by",
            "reviewed_on",
            "change_reason",
        ]


class IndicatorSerializer(serializers.ModelSerializer):
    definition = serializers.SerializerMethodField(help_text="The version in force this month.")
    has_rag = serializers.BooleanField(read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "domain",
            "unit",
            "polarity",
            "has_rag",
            "national_name",
            "from_extract",
            "definition",
        ]

    def get_definition(self, indicator) -> DefinitionSerializer:
        current = indicator.definition_for(timezone.localdate())
        return DefinitionSerializer(current).data if current else None


class IndicatorFilter(django_filters.FilterSet):
    domain = django_filters.ChoiceFilter(choices=Indicator.Domain.choices)
    unit = django_filters.ChoiceFilter(choices=Indicator.Unit.choices)

    class Meta:
        model = Indicator
        fields = ["domain", "unit", "from_extract"]


class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    """The indicator catalogue, shared by every arrangement, with each one's current wording."""

    queryset = Indicator.objects.with_definitions()
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilter
    permission_classes = [RoleMay]
    permission_kind = "indicator"
    lookup_field = "code"


router.register("indicators", IndicatorViewSet, basename="indicator")
