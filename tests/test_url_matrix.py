"""Every URL the application registers, and what every member of the cast gets from it.

The list of URLs comes from the URL configuration itself: a new page without an entry in
PAGES fails `test_every_registered_url_has_an_entry`, so none can be missed.
"""

from urllib.parse import quote

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import CAST

LOGIN = "login"  # a redirect to the sign-in page
NCT_PARTIES = {"wnc-officer", "nnc-officer", "nct-manager", "dfe-observer", "wnc-scrutiny"}
NCT_PARTIES |= {"nnc-scrutiny", "admin"}
OCT_PARTIES = {"occ-officer", "oct-manager", "admin"}
NCT_OFFICERS = ["wnc-officer", "nnc-officer"]
# The demo's monthly returns: February 2019 approved, March 2019 a draft of the trust's.
FEB_2019 = {"code": "NCT", "month": "2019-02", "revision": 1}
MAR_2019_DRAFT = {"code": "NCT", "month": "2019-03", "revision": 1}


def demo_return(month):
    from performance.models import MonthlyReturn

    return MonthlyReturn.objects.get(arrangement__trust__code="NCT", period=month, revision=1)


# The demo's budget monitoring: September 2024 approved, October 2024 submitted.
SEP_2024_BUDGET = {"code": "NCT", "month": "2024-09", "revision": 1}
OCT_2024_BUDGET = {"code": "NCT", "month": "2024-10", "revision": 1}


def demo_budget(month):
    from contracts.models import BudgetReturn

    return BudgetReturn.objects.get(arrangement__trust__code="NCT", period=month, revision=1)


# Who may read contracts and money: the arrangement's people except scrutiny members (403).
CONTRACT_READERS = NCT_PARTIES - {"wnc-scrutiny", "nnc-scrutiny"}
Y2024 = {"code": "NCT", "year": 2024}  # the demo's agreed 2024/25
Y2025 = {"code": "NCT", "year": 2025}  # its rolled-over draft, seen by officers and admins only
WNC_CONTRACT = {"code": "NCT", "reference": "NCT-SC-WNC-2023"}


def contract_readers(status=200):
    return {**parties(NCT_PARTIES, 403), **dict.fromkeys(CONTRACT_READERS, status)}


def officers_only(status=200, **overrides):
    """Council officers act; every other party is refused (403)."""
    return {**parties(NCT_PARTIES, 403), **dict.fromkeys(NCT_OFFICERS, status), **overrides}


# A draft year does not exist for the roles that may not see drafts.
DRAFT_HIDDEN = {"nct-manager": 404, "dfe-observer": 404}


def demo_line(year=2025):
    from contracts.models import FundingLine

    return FundingLine.objects.filter(contract_year__financial_year=year).first().pk


def demo_adjustment():
    from contracts.models import Adjustment

    return Adjustment.objects.filter(council__code="WNC").first().pk


def demo_grant():
    """A passported grant for 2024/25 (made inside the test)."""
    from contracts.models import ContractYear, PassportedGrant
    from trust_portal.accounts.models import Organisation

    return PassportedGrant.objects.create(
        contract_year=ContractYear.objects.get(financial_year=2024),
        council=Organisation.objects.get(code="WNC"),
        name="Staying put grant",
        amount="120000.00",
    ).pk


def demo_document():
    """A document attached to WNC's contract (made inside the test)."""
    from django.core.files.base import ContentFile

    from contracts.models import ContractDocument, ServiceContract
    from trust_portal.accounts.models import User

    document = ContractDocument(
        contract=ServiceContract.objects.get(reference="NCT-SC-WNC-2023"),
        title="Signed contract",
        original_name="contract.pdf",
        sha256="0" * 64,
        size=4,
        uploaded_by=User.objects.get(username="wnc-officer"),
    )
    document.file.save("contract.pdf", ContentFile(b"%PDF"), save=False)
    document.save()
    return {**WNC_CONTRACT, "pk": document.pk}


def demo_decision(reference="RM1"):
    """A reserved decision of the demo's (RM1's is decided: both councils consented)."""
    from contracts.models import ReservedDecision

    # The first under the matter: a test may add more (new_decision).
    return (
        ReservedDecision.objects.filter(
            matter__arrangement__trust__code="NCT", matter__reference=reference
        )
        .order_by("pk")
        .first()
    )


def new_decision():
    """A decision no council has answered yet (made inside the test)."""
    from datetime import date

    from contracts import matters
    from trust_portal.accounts.models import User

    return matters.decision_record(
        by=User.objects.get(username="wnc-officer"),
        matter=demo_decision().matter,
        title="Business plan and budget for 2025/26",
        description="The trust's plan for 2025/26.",
        requested_on=date(2024, 9, 1),
    )


def unpaid_instalment():
    """The demo's one unpaid 2024/25 instalment: NNC's twelfth."""
    from contracts.models import Instalment

    return Instalment.objects.get(contract_year__financial_year=2024, paid_on__isnull=True).pk


def contract_api(status=200, **overrides):
    """The contracts API: scrutiny members have no contract rights (403)."""
    return api(status, **{"wnc-scrutiny": 403, "nnc-scrutiny": 403, **overrides})


def contract_api_detail():
    return contract_api(404, **dict.fromkeys(CONTRACT_READERS, 200))


def demo_upload():
    """A rejected child-level extract in the March 2019 draft (made inside the test, so it
    goes when the test's transaction is rolled back)."""
    from performance.models import ExtractUpload
    from trust_portal.accounts.models import User

    return ExtractUpload.objects.create(
        monthly_return=demo_return("2019-03-01"),
        as_at="2019-03-31",
        filename="march.csv",
        sha256="0" * 64,
        size=100,
        row_count=2,
        based_on_version=0,
        uploaded_by=User.objects.get(username="nct-manager"),
        state=ExtractUpload.State.REJECTED,
        error_count=1,
        errors=[{"row": 2, "column": "area", "value": "XX", "reason": "not an area"}],
    )


def everyone(status=200):
    return dict.fromkeys(CAST, status)


def signed_in(status=200, *, anonymous=LOGIN):
    # The leaver's session no longer counts: they are treated as signed out.
    return {**everyone(status), "anonymous": anonymous, "leaver": anonymous}


def administrators_only(status=200, *, anonymous=LOGIN):
    return {**signed_in(403, anonymous=anonymous), "admin": status}


def parties(members, status=200):
    return {**signed_in(404), **dict.fromkeys(members, status)}


def api(status=200, **overrides):
    return {**signed_in(status, anonymous=401), **overrides}


# name -> (url arguments, expected GET status per cast member, optional POST check)
# A POST check is (data, expected status per cast member). URL arguments may be a function,
# called once the demo data exists (for database ids).
PAGES = {
    "accounts:home": ({}, signed_in(), None),
    "accounts:arrangement-detail": ({"code": "NCT"}, parties(NCT_PARTIES), None),
    "accounts:login": ({}, {**signed_in(302, anonymous=200), "leaver": 200}, None),
    "accounts:logout": ({}, everyone(405), ({}, everyone(302))),
    "accounts:password-reset": ({}, everyone(), None),
    "accounts:password-reset-done": ({}, everyone(), None),
    "accounts:password-reset-confirm": ({"uidb64": "MQ", "token": "bad-token"}, everyone(), None),
    "accounts:password-reset-complete": ({}, everyone(), None),
    "accounts:set-password": ({"uidb64": "MQ", "token": "bad-token"}, everyone(), None),
    "accounts:user-list": ({}, administrators_only(), None),
    "accounts:user-invite": (
        {},
        administrators_only(),
        (
            {
                "first_name": "Jo",
                "last_name": "Bloggs",
                "email": "jo.bloggs@wnc.example.org",
                "username": "wnc-jbloggs",
                "role": "council_officer",
                "organisation": "WNC",
            },
            administrators_only(302),
        ),
    ),
    "accounts:user-export": ({}, administrators_only(), None),
    "accounts:user-detail": ({"username": "nct-manager"}, administrators_only(), None),
    "accounts:user-change-access": (
        {"username": "wnc-scrutiny"},
        administrators_only(),
        (
            {"role": "council_officer", "organisation": "WNC", "reason": "promoted"},
            administrators_only(302),
        ),
    ),
    "accounts:user-deactivate": (
        {"username": "nct-manager"},
        administrators_only(),
        ({"reason": "left the trust"}, administrators_only(302)),
    ),
    "accounts:user-reactivate": (
        {"username": "leaver"},
        administrators_only(),
        ({"reason": "came back"}, administrators_only(302)),
    ),
    "accounts:user-resend-invitation": (
        {"username": "nct-manager"},
        administrators_only(405),
        ({}, administrators_only(302)),
    ),
    "performance:indicator-list": ({"code": "NCT"}, parties(NCT_PARTIES), None),
    "performance:indicator-detail": (
        {"code": "NCT", "indicator": "CIN_VISIT_IN_TIME"},
        parties(NCT_PARTIES),
        None,
    ),
    "performance:target-edit": (
        {"code": "NCT", "indicator": "CIN_VISIT_IN_TIME"},
        {
            **parties(NCT_PARTIES, 403),
            "wnc-officer": 200,
            "nnc-officer": 200,
        },
        (
            {
                "financial_year": "2027",
                "target": "88",
                "tolerance": "4",
                "reason": "Agreed at the performance board",
            },
            {**parties(NCT_PARTIES, 403), "wnc-officer": 302, "nnc-officer": 302},
        ),
    ),
    "performance:definition-revise": (
        {"indicator": "CIN_VISIT_IN_TIME"},
        administrators_only(),
        (
            {
                "valid_from": "2027-01-01",
                "definition": "Open children in need visited within 4 weeks.",
                "why_it_matters": "Visits keep children safe.",
                "reviewed_by": "Head of performance",
                "reviewed_on": "2026-11-20",
                "change_reason": "Clearer words",
            },
            administrators_only(302),
        ),
    ),
    "indicator-list": ({}, api(), None),
    "indicator-detail": ({"code": "OPEN_CASES"}, api(), None),
    "performance:return-list": (
        {"code": "NCT"},
        parties(NCT_PARTIES),
        ({"month": "2019-04-01"}, {**parties(NCT_PARTIES, 403), "nct-manager": 302}),
    ),
    "performance:return-detail": (FEB_2019, parties(NCT_PARTIES), None),
    "performance:return-edit": (MAR_2019_DRAFT, {**parties(()), "nct-manager": 200}, None),
    "performance:return-submit": (
        MAR_2019_DRAFT,
        signed_in(405),  # POST only: any GET is refused before anything is looked up
        ({}, {**parties(()), "nct-manager": 302}),
    ),
    "performance:return-approve": (
        FEB_2019,
        signed_in(405),
        ({}, {**parties(NCT_PARTIES, 403), **dict.fromkeys(NCT_OFFICERS, 302)}),
    ),
    "performance:return-send-back": (
        FEB_2019,
        {**parties(NCT_PARTIES, 403), **dict.fromkeys(NCT_OFFICERS, 200)},
        None,
    ),
    "performance:return-correct": (
        FEB_2019,
        {**parties(NCT_PARTIES, 403), "nct-manager": 200},
        None,
    ),
    # February 2019 has one (approved) revision: the page says so and shows its change log.
    "performance:return-compare": ({"code": "NCT", "month": "2019-02"}, parties(NCT_PARTIES), None),
    "performance:settings": ({"code": "NCT"}, parties(NCT_PARTIES), None),
    "performance:settings-edit": (
        {"code": "NCT"},
        {**parties(NCT_PARTIES, 403), **dict.fromkeys(NCT_OFFICERS, 200)},
        (
            {
                "cin_visit_days": "21",
                "cp_visit_days": "14",
                "lac_visit_days": "42",
                "cl_contact_days": "56",
                "caseload_limit": "18",
                "small_number": "10",
                "due_working_day": "10",
                "query_change_points": "10",
                "reason": "Agreed at the performance board",
            },
            {**parties(NCT_PARTIES, 403), **dict.fromkeys(NCT_OFFICERS, 302)},
        ),
    ),
    "performance:return-template": (MAR_2019_DRAFT, {**parties(()), "nct-manager": 200}, None),
    "performance:return-upload": (
        MAR_2019_DRAFT,
        {**parties(()), "nct-manager": 200},
        ({}, {**parties(()), "nct-manager": 200}),  # no file: the form again, with its error
    ),
    "performance:return-export": (FEB_2019, parties(NCT_PARTIES), None),
    "performance:return-extract": (
        MAR_2019_DRAFT,
        {**parties(()), "nct-manager": 200},
        ({}, {**parties(()), "nct-manager": 200}),  # no file: the form again, with its error
    ),
    # An upload into the March 2019 draft: seen by whoever sees the draft (the trust's
    # managers); its error report by its uploader only (tested in performance/tests).
    "performance:extract-upload-detail": (
        lambda: {"code": "NCT", "pk": demo_upload().pk},
        {**parties(()), "nct-manager": 200},
        None,
    ),
    "performance:extract-upload-status": (
        lambda: {"code": "NCT", "pk": demo_upload().pk},
        {**parties(()), "nct-manager": 200},
        None,
    ),
    "performance:extract-upload-errors": (
        lambda: {"code": "NCT", "pk": demo_upload().pk},
        {**parties(()), "nct-manager": 200},
        None,
    ),
    "contracts:overview": ({"code": "NCT"}, contract_readers(), None),
    "contracts:contract-create": ({"code": "NCT"}, officers_only(), None),
    "contracts:contract-detail": (WNC_CONTRACT, contract_readers(), None),
    "contracts:contract-edit": (WNC_CONTRACT, officers_only(**{"nnc-officer": 403}), None),
    "contracts:document-add": (WNC_CONTRACT, officers_only(**{"nnc-officer": 403}), None),
    "contracts:document-download": (demo_document, contract_readers(), None),
    "contracts:year-create": ({"code": "NCT"}, officers_only(), None),
    "contracts:year-detail": (Y2024, contract_readers(), None),
    "contracts:year-agree": (Y2025, {**officers_only(403), **DRAFT_HIDDEN, "admin": 200}, None),
    "contracts:year-rollover": (
        Y2024,
        officers_only(),
        ({}, officers_only(302)),  # 2025/26 exists: back to the year with the reason
    ),
    "contracts:line-add": (Y2025, officers_only(**DRAFT_HIDDEN), None),
    "contracts:line-edit": (
        lambda: {**Y2025, "pk": demo_line()},
        officers_only(**DRAFT_HIDDEN),
        None,
    ),
    "contracts:line-remove": (
        lambda: {**Y2025, "pk": demo_line()},
        officers_only(**DRAFT_HIDDEN),
        None,
    ),
    "contracts:grant-add": (Y2024, officers_only(), None),
    "contracts:grant-edit": (lambda: {**Y2024, "pk": demo_grant()}, officers_only(), None),
    "contracts:grant-remove": (lambda: {**Y2024, "pk": demo_grant()}, officers_only(), None),
    "contracts:adjustment-add": (Y2024, officers_only(), None),
    "contracts:adjustment-edit": (
        lambda: {**Y2024, "pk": demo_adjustment()},
        officers_only(),
        None,
    ),
    "contracts:adjustment-remove": (
        lambda: {**Y2024, "pk": demo_adjustment()},
        officers_only(),
        None,
    ),
    "contracts:variation-new": (
        Y2024,
        officers_only(),
        (
            {
                "kind": "split",
                "reason": "Demand changed",
                "share_NNC": "45",
                "share_WNC": "55",
                "basis": "Open cases, January",
            },
            officers_only(302),
        ),
    ),
    "contracts:variation-detail": ({**Y2024, "number": 1}, contract_readers(), None),
    "contracts:variation-withdraw": ({**Y2024, "number": 1}, signed_in(405), None),
    # Payments and the split calculator: read by the arrangement's people but scrutiny members
    # (403); a draft year (2025/26) does not exist for roles that may not see drafts (404).
    # Only the paying council's officers record or undo: NNC's instalment 12 of 2024/25 is the
    # demo's one unpaid, its 11 paid; WNC's officers are refused with a message (403).
    "contracts:payment-list": (
        {"code": "NCT", "year": 2024},
        {**parties(NCT_PARTIES), "wnc-scrutiny": 403, "nnc-scrutiny": 403},
        None,
    ),
    "contracts:payment-record": (
        {"code": "NCT", "year": 2024, "council": "NNC", "number": 12},
        {**parties(NCT_PARTIES, 403), "nnc-officer": 200},
        (
            {"paid_on": "2025-03-03", "reference": "NNC-2024-12"},
            {**parties(NCT_PARTIES, 403), "nnc-officer": 302},
        ),
    ),
    "contracts:payment-undo": (
        {"code": "NCT", "year": 2024, "council": "NNC", "number": 11},
        {**parties(NCT_PARTIES, 403), "nnc-officer": 200},
        (
            {"reason": "Recorded against the wrong month"},
            {**parties(NCT_PARTIES, 403), "nnc-officer": 302},
        ),
    ),
    "contracts:split-calculator": (
        {"code": "NCT", "year": 2025},
        {
            **parties(NCT_PARTIES),
            **dict.fromkeys(["wnc-scrutiny", "nnc-scrutiny"], 403),
            **dict.fromkeys(["nct-manager", "dfe-observer"], 404),
        },
        None,
    ),
    "return-list": ({}, api(), None),
    "return-detail": (
        lambda: {"pk": demo_return("2019-02-01").pk},
        api(404, **dict.fromkeys(NCT_PARTIES, 200)),
        None,
    ),
    "return-figures": (lambda: {"pk": demo_return("2019-02-01").pk}, api(405), None),
    "return-submit": (lambda: {"pk": demo_return("2019-02-01").pk}, api(405), None),
    "return-approve": (lambda: {"pk": demo_return("2019-02-01").pk}, api(405), None),
    "return-send-back": (lambda: {"pk": demo_return("2019-02-01").pk}, api(405), None),
    "measurement-list": ({}, api(), None),
    "contracts:budget-list": (
        {"code": "NCT"},
        parties(NCT_PARTIES),
        ({"month": "2024-11-01"}, {**parties(NCT_PARTIES, 403), "nct-manager": 302}),
    ),
    "contracts:budget-detail": (SEP_2024_BUDGET, parties(NCT_PARTIES), None),
    # October 2024 is submitted: the trust may still change it (which withdraws approvals);
    # its councils see it but may not edit; everyone else cannot see it yet (404).
    "contracts:budget-edit": (
        OCT_2024_BUDGET,
        {**parties(()), "nct-manager": 200, **dict.fromkeys(NCT_OFFICERS, 403)},
        None,
    ),
    "contracts:budget-submit": (
        OCT_2024_BUDGET,
        signed_in(405),  # POST only
        ({}, {**parties(()), "nct-manager": 302, **dict.fromkeys(NCT_OFFICERS, 403)}),
    ),
    "contracts:budget-approve": (
        OCT_2024_BUDGET,
        signed_in(405),
        ({}, {**parties(()), "nct-manager": 403, **dict.fromkeys(NCT_OFFICERS, 302)}),
    ),
    "contracts:budget-send-back": (
        OCT_2024_BUDGET,
        {**parties(()), "nct-manager": 403, **dict.fromkeys(NCT_OFFICERS, 200)},
        None,
    ),
    "contracts:budget-correct": (
        SEP_2024_BUDGET,
        {**parties(NCT_PARTIES, 403), "nct-manager": 200},
        None,
    ),
    "budget-return-list": ({}, api(), None),
    "budget-return-detail": (
        lambda: {"pk": demo_budget("2024-09-01").pk},
        api(404, **dict.fromkeys(NCT_PARTIES, 200)),
        None,
    ),
    "budget-return-lines": (lambda: {"pk": demo_budget("2024-10-01").pk}, api(405), None),
    "budget-return-submit": (lambda: {"pk": demo_budget("2024-10-01").pk}, api(405), None),
    "budget-return-approve": (lambda: {"pk": demo_budget("2024-10-01").pk}, api(405), None),
    "budget-return-send-back": (lambda: {"pk": demo_budget("2024-10-01").pk}, api(405), None),
    "budget-return-correct": (lambda: {"pk": demo_budget("2024-09-01").pk}, api(405), None),
    "measurement-detail": (
        lambda: {"pk": demo_return("2019-02-01").measurements.first().pk},
        api(404, **dict.fromkeys(NCT_PARTIES, 200)),
        None,
    ),
    # Reserved matters: read by contract readers, kept and answered by council officers.
    "contracts:matter-list": ({"code": "NCT"}, contract_readers(), None),
    "contracts:matter-add": (
        {"code": "NCT"},
        officers_only(),
        (
            {
                "reference": "RM7",
                "title": "Winding up the trust",
                "description": "Any resolution to wind up.",
                "reason": "Article 30",
            },
            officers_only(302),
        ),
    ),
    "contracts:matter-detail": ({"code": "NCT", "reference": "RM1"}, contract_readers(), None),
    "contracts:matter-edit": ({"code": "NCT", "reference": "RM1"}, officers_only(), None),
    "contracts:decision-add": (
        {"code": "NCT", "reference": "RM1"},
        officers_only(),
        (
            {"title": "Plan 2025/26", "description": "The plan.", "requested_on": "2025-02-03"},
            officers_only(302),
        ),
    ),
    "contracts:decision-list": ({"code": "NCT"}, contract_readers(), None),
    "contracts:decision-detail": (
        lambda: {"code": "NCT", "pk": new_decision().pk},
        contract_readers(),
        ({"answer": "consent", "decided_on": "2024-10-01"}, officers_only(302)),
    ),
    "contracts:consent-correct": (
        lambda: {"code": "NCT", "pk": demo_decision().pk},
        officers_only(),
        None,
    ),
    "contract-list": ({}, contract_api(), None),
    "contract-detail": ({"reference": "NCT-SC-WNC-2023"}, contract_api_detail(), None),
    "contractyear-list": ({}, contract_api(), None),
    "contractyear-detail": ({"key": "NCT-2024"}, contract_api_detail(), None),
    "payment-list": ({}, contract_api(), None),
    "payment-detail": (lambda: {"pk": unpaid_instalment()}, contract_api_detail(), None),
    "payment-record": (
        lambda: {"pk": unpaid_instalment()},
        contract_api(405),  # POST only
        (
            {"paid_on": "2025-03-03", "reference": "NNC-2024-12"},
            # Only the paying council's officers; other councils' officers cannot find it.
            contract_api(403, **{"nnc-officer": 200, "occ-officer": 404, "outsider": 404}),
        ),
    ),
    "reserveddecision-list": ({}, contract_api(), None),
    "reserveddecision-detail": (
        lambda: {"pk": demo_decision().pk},
        contract_api_detail(),
        None,
    ),
    "pages:privacy": ({}, everyone(), None),
    "pages:cookies": ({}, everyone(), None),
    "pages:accessibility": ({}, everyone(), None),
    "api-root": ({}, api(), None),
    "organisation-list": ({}, api(), None),
    "organisation-detail": (
        {"code": "NCT"},
        api(404, **dict.fromkeys(NCT_PARTIES, 200)),
        None,
    ),
    "arrangement-list": ({}, api(), None),
    "arrangement-detail": ({"code": "OCT"}, api(404, **dict.fromkeys(OCT_PARTIES, 200)), None),
    "api-schema": ({}, everyone(), None),
    "api-docs": ({}, everyone(), None),
}

# Django's admin registers many URLs; all share one gate (administrators only), checked on
# a sample of them.
ADMIN_SAMPLE = [
    ("admin:index", {}),
    ("admin:accounts_organisation_changelist", {}),
    ("admin:accounts_arrangement_changelist", {}),
    ("admin:accounts_user_changelist", {}),
]


def url_of(name: str) -> str:
    kwargs = PAGES[name][0]
    return reverse(name, kwargs=kwargs() if callable(kwargs) else kwargs)


def registered_urls(patterns=None, namespace=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from registered_urls(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}" if entry.name else f"{namespace}<unnamed {entry}>"


def test_every_registered_url_has_an_entry():
    registered = {name for name in registered_urls() if not name.startswith("admin:")}
    assert registered - set(PAGES) == set(), "Add these URLs to PAGES in test_url_matrix.py"
    assert set(PAGES) - registered == set(), "PAGES names URLs that no longer exist"


def _check(response, expected):
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
    else:
        assert response.status_code == expected, response.content[:500]


@pytest.mark.parametrize("who", CAST)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_get(name, who, cast, client_for):
    expected = PAGES[name][1]
    response = client_for(cast[who]).get(url_of(name))
    _check(response, expected[who])


POSTS = [name for name in sorted(PAGES) if PAGES[name][2]]


@pytest.mark.parametrize("who", CAST)
@pytest.mark.parametrize("name", POSTS)
def test_post(name, who, cast, client_for, mailoutbox, django_capture_on_commit_callbacks):
    from trust_portal.accounts.models import Organisation

    data, expected = PAGES[name][2]
    if "organisation" in data:
        data = {**data, "organisation": Organisation.objects.get(code=data["organisation"]).pk}
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast[who]).post(url_of(name), data)
    _check(response, expected[who])


@pytest.mark.parametrize("who", CAST)
@pytest.mark.parametrize(("name", "kwargs"), ADMIN_SAMPLE)
def test_django_admin(name, kwargs, who, cast, client_for):
    response = client_for(cast[who]).get(reverse(name, kwargs=kwargs))
    if who == "admin":
        assert response.status_code == 200
    else:
        # Django's admin sends everyone else to its own sign-in page.
        assert response.status_code == 302
        assert quote(reverse(name, kwargs=kwargs), safe="/") in response.url
