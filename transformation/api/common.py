"""What the programme's API modules share: keys naming a case or a risk, and text inputs."""

import re

from django.shortcuts import get_object_or_404
from rest_framework import serializers

from trust_portal.api.viewsets import KeyedMixin

# <trust code>-<reference>: NCT-BC01, NCT-R01.
KEY = re.compile(r"^([A-Za-z][A-Za-z0-9]{1,9})-(.+)$")


def words(**kwargs):
    return serializers.CharField(allow_blank=True, **kwargs)


# A viewset of objects named ``<trust code>-<reference>`` (``/api/v1/risks/NCT-R01/``).
class TrustKeyedMixin(KeyedMixin):
    key_pattern = KEY
    lookup_value_regex = r"[A-Za-z][A-Za-z0-9]{1,9}-[A-Za-z0-9][A-Za-z0-9.\-]*"
    trust_lookup = "arrangement__trust__code"
    reference_lookup = "reference"

    def object_by_key(self, found):
        return get_object_or_404(
            self.get_queryset(),
            **{self.trust_lookup: found[1].upper(), self.reference_lookup: found[2]},
        )
