"""The contracts API: /api/v1/contracts/, /api/v1/contract-years/, /api/v1/variations/,
/api/v1/payments/, /api/v1/reserved-decisions/ and /api/v1/budget-monitoring/ (``budget``).

Read by every role that may see contracts (docs/permissions.md: scrutiny members may not, so
they get 403), each list filtered to the caller's arrangements (others' rows: absent from
lists, 404 on their own). A contract year is named ``<trust code>-<financial year>``
(``/api/v1/contract-years/NCT-2024/``), a variation ``<year>-<number>`` (``NCT-2024-1``);
draft years, and their variations, exist only for the roles that see drafts.
Money is always a string of pounds with two decimal places, never a float, and every figure
comes from ``contracts.money.year_figures``, as on the pages.

Writes are the pages' writes, by the same rules: each validates an input serializer, calls the
service the page calls (``contracts/services/``) and returns an
output serializer. A service's PermissionDenied is a 403 and its ValidationError a 400 naming
the fields (``trust_portal.api.exception_handler``).
"""

from contracts.api import budget
from contracts.api.contracts import ContractViewSet
from contracts.api.decisions import ReservedDecisionViewSet
from contracts.api.payments import PaymentViewSet
from contracts.api.variations import VariationViewSet
from contracts.api.years import ContractYearViewSet

# (prefix, viewset, basename), in the order the index at /api/v1/ lists them:
# trust_portal/urls.py routes them.
routes = [
    ("contracts", ContractViewSet, "contract"),
    ("contract-years", ContractYearViewSet, "contractyear"),
    ("variations", VariationViewSet, "variation"),
    ("payments", PaymentViewSet, "payment"),
    ("reserved-decisions", ReservedDecisionViewSet, "reserveddecision"),
    *budget.routes,
]
