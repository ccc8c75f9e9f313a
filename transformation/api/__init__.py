"""The programme's part of /api/v1/: business cases, benefits and risks, each with its own
module. trust_portal/urls.py routes them."""

from transformation.api.benefits import BenefitViewSet
from transformation.api.cases import BusinessCaseViewSet
from transformation.api.risks import RiskViewSet

# (prefix, viewset, basename), in the order the index at /api/v1/ lists them.
routes = [
    ("business-cases", BusinessCaseViewSet, "business-case"),
    ("benefits", BenefitViewSet, "benefit"),
    ("risks", RiskViewSet, "risk"),
]
