"""The URLs of the shared pages of a kind of return, for the app that owns the kind."""

from django.urls import path

from trust_portal.approvals import views

# One month's revision: its page, then its steps (path below it, view, name after the noun).
_MONTH = [
    ("", views.submission_detail, "detail"),
    ("edit/", views.submission_edit, "edit"),
    ("submit/", views.submission_submit, "submit"),
    ("approve/", views.submission_approve, "approve"),
    ("query/", views.submission_send_back, "send-back"),
    ("correct/", views.submission_correct, "correct"),
    ("queries/<int:query>/", views.query_detail, "query"),
]


def submission_paths(listing: str, month: str, kind, noun: str) -> list:
    """The pages of ``kind``'s returns: their list at ``listing`` (named ``<noun>-list``), and
    one month's revision at ``month`` (a route ending ``<str:month>/<int:revision>/``) with its
    steps, named ``<noun>-detail``, ``<noun>-edit``…"""
    pages = [path(listing, views.submission_list, {"kind": kind}, name=f"{noun}-list")]
    for tail, view, name in _MONTH:
        pages.append(path(month + tail, view, {"kind": kind}, name=f"{noun}-{name}"))
    return pages
