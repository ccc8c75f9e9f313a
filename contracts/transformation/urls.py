"""Pages of the transformation programme, in the ``contracts`` namespace (contracts/urls.py
adds these patterns). Each part has its own section and views module."""

from django.urls import path  # noqa: F401  (each section below adds its paths)

# /arrangements/NCT/transformation/…
_programme = "arrangements/<str:code>/transformation/"

urlpatterns = []

# --- Programme overview, projects, business cases, board meetings, the Block 3 ledger
#     (contracts/transformation/case_views.py) ---

# --- Benefits realisation (contracts/transformation/benefit_views.py) ---

# --- Risk register (contracts/transformation/risk_views.py) ---
