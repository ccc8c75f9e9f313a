"""Pages of contracts and money. Each part has its own section and views module
(``contracts/views/``: contracts, years, variations, payments, budget, matters)."""

from django.urls import path

from contracts.views import budget as budget_views
from contracts.views import contracts as views
from contracts.views import matters as matter_views
from contracts.views import payments as payment_views
from contracts.views import variations as variation_views
from contracts.views import years as year_views
from trust_portal.approvals.routes import submission_paths

app_name = "contracts"

# /arrangements/NCT/contract-years/2024/…
_year = "arrangements/<str:code>/contract-years/<int:year>/"

urlpatterns = []

# --- Contracts, contract years, lines, grants, adjustments, variations (views/contracts.py,
# years.py, variations.py) ---
_contract = "arrangements/<str:code>/contracts/<str:reference>/"
urlpatterns += [
    path("arrangements/<str:code>/contracts/", views.overview, name="overview"),
    path("arrangements/<str:code>/contracts/new/", views.contract_create, name="contract-create"),
    path(_contract, views.contract_detail, name="contract-detail"),
    path(_contract + "edit/", views.contract_edit, name="contract-edit"),
    path(_contract + "documents/new/", views.document_add, name="document-add"),
    path(_contract + "documents/<int:pk>/", views.document_download, name="document-download"),
    path("arrangements/<str:code>/contract-years/new/", year_views.year_create, name="year-create"),
    path(_year, year_views.year_detail, name="year-detail"),
    path(_year + "agree/", year_views.year_agree, name="year-agree"),
    path(_year + "rollover/", year_views.year_rollover, name="year-rollover"),
    path(_year + "lines/new/", year_views.line_edit, name="line-add"),
    path(_year + "lines/<int:pk>/", year_views.line_edit, name="line-edit"),
    path(_year + "lines/<int:pk>/remove/", year_views.line_remove, name="line-remove"),
    path(_year + "grants/new/", year_views.grant_edit, name="grant-add"),
    path(_year + "grants/<int:pk>/", year_views.grant_edit, name="grant-edit"),
    path(_year + "grants/<int:pk>/remove/", year_views.grant_remove, name="grant-remove"),
    path(_year + "adjustments/new/", year_views.adjustment_edit, name="adjustment-add"),
    path(_year + "adjustments/<int:pk>/", year_views.adjustment_edit, name="adjustment-edit"),
    path(
        _year + "adjustments/<int:pk>/remove/",
        year_views.adjustment_remove,
        name="adjustment-remove",
    ),
    path(_year + "variations/new/", variation_views.variation_new, name="variation-new"),
    path(
        _year + "variations/<int:number>/",
        variation_views.variation_detail,
        name="variation-detail",
    ),
    path(
        _year + "variations/<int:number>/withdraw/",
        variation_views.variation_withdraw,
        name="variation-withdraw",
    ),
]

# --- Payments and the split calculator (contracts/views/payments.py) ---
_instalment = _year + "payments/<str:council>/<int:number>/"
urlpatterns += [
    path(_year + "payments/", payment_views.payment_list, name="payment-list"),
    path(_instalment + "record/", payment_views.payment_record, name="payment-record"),
    path(_instalment + "undo/", payment_views.payment_undo, name="payment-undo"),
    path(_year + "split-calculator/", payment_views.split_calculator, name="split-calculator"),
]

# --- Budget monitoring (contracts/views/budget.py): the shared pages of every kind of return,
# with this kind. One month, by revision: /arrangements/NCT/budget-monitoring/2024-10/1/…
_budget = "arrangements/<str:code>/budget-monitoring/"
_budget_month = _budget + "<str:month>/<int:revision>/"
urlpatterns += submission_paths(_budget, _budget_month, budget_views.KIND, "budget")

# --- Reserved matters (contracts/views/matters.py) ---
_matters = "arrangements/<str:code>/reserved-matters/"
_decision = "arrangements/<str:code>/reserved-decisions/<int:pk>/"
urlpatterns += [
    path(_matters, matter_views.matter_list, name="matter-list"),
    path(_matters + "new/", matter_views.matter_edit, name="matter-add"),
    path(_matters + "<str:reference>/", matter_views.matter_detail, name="matter-detail"),
    path(_matters + "<str:reference>/edit/", matter_views.matter_edit, name="matter-edit"),
    path(
        _matters + "<str:reference>/decisions/new/", matter_views.decision_add, name="decision-add"
    ),
    path(
        "arrangements/<str:code>/reserved-decisions/",
        matter_views.decision_list,
        name="decision-list",
    ),
    path(_decision, matter_views.decision_detail, name="decision-detail"),
    path(_decision + "correct/", matter_views.consent_correct, name="consent-correct"),
]
