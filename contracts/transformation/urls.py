"""Pages of the transformation programme, in the ``contracts`` namespace (contracts/urls.py
adds these patterns). Each part has its own section and views module."""

from django.urls import path  # noqa: F401  (each section below adds its paths)

# /arrangements/NCT/transformation/…
_programme = "arrangements/<str:code>/transformation/"

urlpatterns = []

# --- Programme overview, projects, business cases, board meetings, the Block 3 ledger
#     (contracts/transformation/case_views.py) ---
from contracts.transformation import case_views  # noqa: E402

_case = _programme + "cases/<str:reference>/"
_board = _programme + "board/"
urlpatterns += [
    path(_programme, case_views.programme, name="programme"),
    path(_programme + "projects/new/", case_views.project_edit, name="project-add"),
    path(_programme + "projects/<int:pk>/edit/", case_views.project_edit, name="project-edit"),
    path(_programme + "projects/<int:pk>/cases/new/", case_views.case_add, name="case-add"),
    path(_case, case_views.case_detail, name="case-detail"),
    path(_case + "edit/", case_views.case_edit, name="case-edit"),
    path(_case + "submit/", case_views.case_submit, name="case-submit"),
    path(_case + "decide/", case_views.case_decide, name="case-decide"),
    path(_case + "spend/", case_views.case_spend, name="case-spend"),
    path(_board, case_views.meeting_list, name="meeting-list"),
    path(_board + "new/", case_views.meeting_add, name="meeting-add"),
    path(_board + "<str:held_on>/", case_views.meeting_detail, name="meeting-detail"),
    path(_board + "<str:held_on>/minutes/", case_views.meeting_minutes, name="meeting-minutes"),
    path(_board + "<str:held_on>/correct/", case_views.meeting_correct, name="meeting-correct"),
    path(
        _board + "<str:held_on>/minutes/attach/",
        case_views.meeting_minutes_attach,
        name="meeting-minutes-attach",
    ),
    path(_programme + "block3/", case_views.ledger, name="ledger"),
]

# --- Benefits realisation (contracts/transformation/benefit_views.py) ---
from contracts.transformation import benefit_views  # noqa: E402

_benefit = _programme + "cases/<str:reference>/benefits/<int:pk>/"
urlpatterns += [
    path(_programme + "benefits/", benefit_views.benefit_list, name="benefit-list"),
    path(
        _programme + "cases/<str:reference>/benefits/new/",
        benefit_views.benefit_add,
        name="benefit-add",
    ),
    path(_benefit, benefit_views.benefit_detail, name="benefit-detail"),
    path(_benefit + "edit/", benefit_views.benefit_edit, name="benefit-edit"),
    path(_benefit + "report/", benefit_views.benefit_report, name="benefit-report"),
]

# --- Risk register (contracts/transformation/risk_views.py) ---
from contracts.transformation import risk_views  # noqa: E402

_risk = _programme + "risks/<str:reference>/"
urlpatterns += [
    path(_programme + "risks/", risk_views.risk_list, name="risk-list"),
    path(_programme + "risks/new/", risk_views.risk_edit, name="risk-add"),
    path(_risk, risk_views.risk_detail, name="risk-detail"),
    path(_risk + "edit/", risk_views.risk_edit, name="risk-edit"),
    path(_risk + "review/", risk_views.risk_review, name="risk-review"),
    path(_risk + "close/", risk_views.risk_close, name="risk-close"),
    path(_risk + "reopen/", risk_views.risk_reopen, name="risk-reopen"),
]
