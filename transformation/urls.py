"""Pages of the transformation programme. Each part has its own section and views module."""

from django.urls import path

from transformation.views import benefits, cases, meetings, risks

app_name = "transformation"

# /arrangements/NCT/transformation/…
_programme = "arrangements/<str:code>/transformation/"

urlpatterns = []

# --- Programme overview, projects, business cases, the Block 3 ledger
#     (transformation/views/cases.py), board meetings (transformation/views/meetings.py) ---
_case = _programme + "cases/<str:reference>/"
_board = _programme + "board/"
urlpatterns += [
    path(_programme, cases.programme, name="programme"),
    path(_programme + "projects/new/", cases.project_edit, name="project-add"),
    path(_programme + "projects/<int:pk>/edit/", cases.project_edit, name="project-edit"),
    path(_programme + "projects/<int:pk>/cases/new/", cases.case_add, name="case-add"),
    path(_case, cases.case_detail, name="case-detail"),
    path(_case + "edit/", cases.case_edit, name="case-edit"),
    path(_case + "submit/", cases.case_submit, name="case-submit"),
    path(_case + "decide/", cases.case_decide, name="case-decide"),
    path(_case + "spend/", cases.case_spend, name="case-spend"),
    path(_board, meetings.meeting_list, name="meeting-list"),
    path(_board + "new/", meetings.meeting_add, name="meeting-add"),
    path(_board + "<str:held_on>/", meetings.meeting_detail, name="meeting-detail"),
    path(_board + "<str:held_on>/minutes/", meetings.meeting_minutes, name="meeting-minutes"),
    path(_board + "<str:held_on>/correct/", meetings.meeting_correct, name="meeting-correct"),
    path(
        _board + "<str:held_on>/minutes/attach/",
        meetings.meeting_minutes_attach,
        name="meeting-minutes-attach",
    ),
    path(_programme + "block3/", cases.ledger, name="ledger"),
]

# --- Benefits realisation (transformation/views/benefits.py) ---

_benefit = _programme + "cases/<str:reference>/benefits/<int:pk>/"
urlpatterns += [
    path(_programme + "benefits/", benefits.benefit_list, name="benefit-list"),
    path(
        _programme + "cases/<str:reference>/benefits/new/",
        benefits.benefit_add,
        name="benefit-add",
    ),
    path(_benefit, benefits.benefit_detail, name="benefit-detail"),
    path(_benefit + "edit/", benefits.benefit_edit, name="benefit-edit"),
    path(_benefit + "report/", benefits.benefit_report, name="benefit-report"),
]

# --- Risk register (transformation/views/risks.py) ---

_risk = _programme + "risks/<str:reference>/"
urlpatterns += [
    path(_programme + "risks/", risks.risk_list, name="risk-list"),
    path(_programme + "risks/new/", risks.risk_edit, name="risk-add"),
    path(_risk, risks.risk_detail, name="risk-detail"),
    path(_risk + "edit/", risks.risk_edit, name="risk-edit"),
    path(_risk + "review/", risks.risk_review, name="risk-review"),
    path(_risk + "close/", risks.risk_close, name="risk-close"),
    path(_risk + "reopen/", risks.risk_reopen, name="risk-reopen"),
]
