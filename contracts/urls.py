"""Pages of contracts and money. Each part has its own section and views module."""

from django.urls import path

app_name = "contracts"

# /arrangements/NCT/contract-years/2024/…
_year = "arrangements/<str:code>/contract-years/<int:year>/"

urlpatterns = []

# --- Contracts, contract years, lines, grants, adjustments, variations (contracts/views.py) ---

# --- Payments and the split calculator (contracts/payment_views.py) ---

# --- Budget monitoring (contracts/budget_views.py) ---

# --- Reserved matters (contracts/matter_views.py) ---
