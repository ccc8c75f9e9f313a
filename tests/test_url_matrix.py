"""Every URL the application registers, and what every member of the cast gets from it.

The list of URLs comes from the URL configuration itself: a new page without an entry in
PAGES fails `test_every_registered_url_has_an_entry`, so none can be missed.
"""

from urllib.parse import quote

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import CAST, PINNED_TODAY

LOGIN = "login"  # a redirect to the sign-in page
NCT_PARTIES = {"wnc-officer", "nnc-officer", "nct-manager", "dfe-observer", "wnc-scrutiny"}
NCT_PARTIES |= {"nnc-scrutiny", "admin"}
OCT_PARTIES = {"occ-officer", "oct-manager", "admin"}
NCT_OFFICERS = ["wnc-officer", "nnc-officer"]
# The demo's monthly returns: February 2019 approved, November 2026 (last month) a draft of the
# trust's.
FEB_2019 = {"code": "NCT", "month": "2019-02", "revision": 1}
NOV_2026_DRAFT = {"code": "NCT", "month": "2026-11", "revision": 1}


def demo_return(month):
    from performance.models import MonthlyReturn

    return MonthlyReturn.objects.get(arrangement__trust__code="NCT", period=month, revision=1)


# The demo's budget monitoring: September 2024 approved, November 2026 (last month) submitted.
SEP_2024_BUDGET = {"code": "NCT", "month": "2024-09", "revision": 1}
NOV_2026_BUDGET = {"code": "NCT", "month": "2026-11", "revision": 1}
# A month with no return of any kind, over (before the trust's launch): to start one in.
UNSTARTED_MONTH = "2021-03-01"


def demo_budget(month):
    from contracts.models import BudgetReturn

    return BudgetReturn.objects.get(arrangement__trust__code="NCT", period=month, revision=1)


def demo_query():
    """The demo's query on NCT's returned performance return (sent back by NNC's officer)."""
    from performance.models import MonthlyReturn

    returned = MonthlyReturn.objects.get(arrangement__trust__code="NCT", state="returned")
    query = returned.queries.get()
    month = f"{returned.period:%Y-%m}"
    return {"code": "NCT", "month": month, "revision": returned.revision, "query": query.pk}


def query_on(submission, send_back, **given):
    """``submission`` sent back by NNC's officer (inside the test, once) with a query about the
    whole return: its query's page's address."""
    from trust_portal.accounts.models import User

    officer = User.objects.get(username="nnc-officer")
    # Sent back once: a test visiting every page (tests/test_isolation.py) asks again.
    query = submission.queries.filter(raised_by=officer).first() or send_back(
        by=officer, query="Please check.", **given
    )
    month = f"{submission.period:%Y-%m}"
    return {"code": "NCT", "month": month, "revision": submission.revision, "query": query.pk}


def failed_job():
    """A job the outbox gave up sending (the broker down through every try)."""
    from django.utils import timezone

    from trust_portal.outbox.models import Job

    return Job.objects.create(
        task="trust_portal.dashboards.tasks.recompute_all_task",
        description="Recompute every arrangement's dashboards",
        state=Job.State.FAILED,
        attempts=150,
        last_error="OperationalError: Error 111 connecting to 127.0.0.1:6379. Connection refused.",
        not_before=timezone.now(),
    )


def demo_endpoint():
    """A webhook endpoint of NCT's (made directly: no address is looked up), with one failed
    delivery."""
    from trust_portal.accounts.models import Arrangement
    from trust_portal.webhooks.models import Delivery, Endpoint

    endpoint, _ = Endpoint.objects.get_or_create(
        arrangement=Arrangement.objects.get(trust__code="NCT"),
        url="https://hooks.example.org/in",
        defaults={"events": ["return.approved"], "secret": "whsec_matrix"},
    )
    if not endpoint.deliveries.exists():
        Delivery.objects.create(
            endpoint=endpoint,
            event_id="3f2b8c1e-0d6a-4c55-9a51-1c1d3b0e9d21",
            event="return.approved",
            body="{}",
            state=Delivery.State.FAILED,
        )
    return endpoint


def endpoint_pk():
    return {"pk": demo_endpoint().pk}


def delivery_pk():
    return {"delivery": demo_endpoint().deliveries.get().pk}


def budget_query():
    from contracts.services import budget

    made = demo_budget("2026-11-01")
    return query_on(made, budget.budget_return_send_back, budget_return=made)


def workforce_query():
    from workforce import services

    workforce_month("2026-11", submit=True)
    made = demo_workforce("2026-11-01")
    return query_on(made, services.workforce_return_send_back, workforce_return=made)


# Who may read contracts and money: the arrangement's people except scrutiny members (403).
CONTRACT_READERS = NCT_PARTIES - {"wnc-scrutiny", "nnc-scrutiny"}
Y2024 = {"code": "NCT", "year": 2024}  # the demo's agreed 2024/25
DRAFT_YEAR = 2027  # 2027/28, rolled over from 2026/27 inside the test (draft_year)
WNC_CONTRACT = {"code": "NCT", "reference": "NCT-SC-WNC-2023"}


def contract_readers(status=200):
    return {**parties(NCT_PARTIES, 403), **dict.fromkeys(CONTRACT_READERS, status)}


def officers_only(status=200, **overrides):
    """Council officers act; every other party is refused (403)."""
    return {**parties(NCT_PARTIES, 403), **dict.fromkeys(NCT_OFFICERS, status), **overrides}


def trust_managers_only(status=200):
    """The trust's managers act; every other party is refused (403)."""
    return {**parties(NCT_PARTIES, 403), "nct-manager": status}


RISK_R01 = {"code": "NCT", "reference": "R01"}  # the demo's risk to Workforce Managed Teams
RISK_R09 = {"code": "NCT", "reference": "R09"}  # the demo's closed risk

# A draft year does not exist for the roles that may not see drafts.
DRAFT_HIDDEN = {"nct-manager": 404, "dfe-observer": 404}


def draft_year():
    """A draft year, seen by officers and admins only: 2027/28, rolled over by WNC's officer
    from the demo's 2026/27 (made inside the test; every year of the demo's is agreed)."""
    from contracts.models import ContractYear
    from contracts.services import years
    from trust_portal.accounts.models import User

    found = ContractYear.objects.filter(arrangement__trust__code="NCT")
    if not found.filter(financial_year=DRAFT_YEAR).exists():
        years.contract_year_rollover(
            by=User.objects.get(username="wnc-officer"),
            contract_year=found.get(financial_year=DRAFT_YEAR - 1),
        )
    draft = found.get(financial_year=DRAFT_YEAR)
    assert draft.state == ContractYear.State.DRAFT
    return {"code": "NCT", "year": DRAFT_YEAR}


def draft_key():
    return f"NCT-{draft_year()['year']}"


def demo_line(year=DRAFT_YEAR):
    from contracts.models import FundingLine

    if year == DRAFT_YEAR:
        draft_year()
    return (
        FundingLine.objects.filter(
            contract_year__arrangement__trust__code="NCT", contract_year__financial_year=year
        )
        .first()
        .pk
    )


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

    from contracts.services import matters
    from trust_portal.accounts.models import User

    return matters.decision_record(
        by=User.objects.get(username="wnc-officer"),
        matter=demo_decision().matter,
        title="Business plan and budget for 2025/26",
        description="The trust's plan for 2025/26.",
        requested_on=date(2024, 9, 1),
    )


def unpaid_instalment():
    """The demo's one unpaid instalment that has fallen due: NNC's ninth of 2026/27 (due on
    1 December 2026)."""
    from contracts.models import Instalment

    return Instalment.objects.get(
        contract_year__arrangement__trust__code="NCT",
        contract_year__financial_year=2026,
        council__code="NNC",
        number=9,
        due_on__lte=PINNED_TODAY,
        paid_on__isnull=True,
    ).pk


def contract_api(status=200, **overrides):
    """The contracts API: scrutiny members have no contract rights (403)."""
    return api(status, **{"wnc-scrutiny": 403, "nnc-scrutiny": 403, **overrides})


def contract_api_detail():
    return contract_api(404, **dict.fromkeys(CONTRACT_READERS, 200))


def demo_upload():
    """A rejected child-level extract in the November 2026 draft (made inside the test, so it
    goes when the test's transaction is rolled back)."""
    from performance.models import ExtractUpload
    from trust_portal.accounts.models import User

    return ExtractUpload.objects.create(
        monthly_return=demo_return("2026-11-01"),
        as_at="2026-11-30",
        filename="november.csv",
        sha256="0" * 64,
        size=100,
        row_count=2,
        based_on_version=0,
        uploaded_by=User.objects.get(username="nct-manager"),
        state=ExtractUpload.State.REJECTED,
        error_count=1,
        errors=[{"row": 2, "column": "area", "value": "XX", "reason": "not an area"}],
    )


def demo_benchmark():
    """An England average for CIN visits in 2024/25 (made inside the test)."""
    from performance.models import Benchmark, Indicator
    from trust_portal.accounts.models import Arrangement

    return Benchmark.objects.create(
        arrangement=Arrangement.objects.get(trust__code="NCT"),
        indicator=Indicator.objects.get(code="CIN_VISIT_IN_TIME"),
        financial_year=2024,
        kind="england",
        value="85.50",
        source="Test publication, table 1",
    ).pk


# The demo's workforce returns: July 2024 approved, November 2026 (last month) a draft. A
# submitted month is that draft submitted inside the test that needs one.
JUL_2024_WORKFORCE = {"code": "NCT", "month": "2024-07", "revision": 1}


def demo_workforce(month):
    from workforce.models import WorkforceReturn

    return WorkforceReturn.objects.get(arrangement__trust__code="NCT", period=month, revision=1)


def workforce_month(month, *, submit=False):
    """The demo's draft of ``month``; with ``submit``, submitted by the trust's manager (inside
    the test) if it is not yet."""
    from trust_portal.accounts.models import User
    from workforce import services

    made = demo_workforce(month + "-01")
    # Returned: a test visiting every page (tests/test_isolation.py) has sent it back already.
    assert made.state in ("draft", "submitted", "returned"), made.state
    if submit and made.state == "draft":
        services.workforce_return_submit(
            by=User.objects.get(username="nct-manager"), workforce_return=made
        )
    return {"code": "NCT", "month": month, "revision": 1}


def demo_team():
    from workforce.models import Team

    team = Team.objects.get(arrangement__trust__code="NCT", name="MASH North")
    return {"code": "NCT", "pk": team.pk}


def closed_team():
    """MASH North, closed (inside the test)."""
    from workforce.models import Team

    Team.objects.filter(arrangement__trust__code="NCT", name="MASH North").update(active=False)
    return {"pk": demo_team()["pk"]}


def team_writers(status=200):
    """The teams API's writes: NCT's managers; OCT's does not find NCT's (404); others 403."""
    return api(403, **{"nct-manager": status, "oct-manager": 404})


def trust_only(status=200, **overrides):
    """The trust's managers act; every other party is refused (403)."""
    return {**parties(NCT_PARTIES, 403), "nct-manager": status, **overrides}


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


# The transformation programme (transformation/): read by the arrangement's people
# who may read business cases (scrutiny members 403). The demo's BC01 is approved (every reader
# sees it), BC12 submitted (the trust and its councils' officers; 404 for the DfE observer and
# administrators), BC13 a draft (the trust's managers only).
APPROVED_CASE = {"code": "NCT", "reference": "BC01"}
SUBMITTED_CASE = {"code": "NCT", "reference": "BC12"}
DRAFT_CASE = {"code": "NCT", "reference": "BC13"}
SUBMITTED_HIDDEN = {"dfe-observer": 404, "admin": 404}
DRAFT_CASE_HIDDEN = {**SUBMITTED_HIDDEN, **dict.fromkeys(NCT_OFFICERS, 404)}


def programme_readers(status=200):
    return {**parties(NCT_PARTIES, 403), **dict.fromkeys(CONTRACT_READERS, status)}


def drafters(status=200, **overrides):
    """The trust's managers draft and submit; every other party is refused (403)."""
    return {**parties(NCT_PARTIES, 403), "nct-manager": status, **overrides}


def demo_benefit(api=False):
    """The demo's Savings benefit of BC01 (Circle to Success), with 2024/25 targets."""
    from transformation.models import Benefit

    pk = Benefit.objects.get(business_case__reference="BC01", name="Savings").pk
    return {"pk": pk} if api else {**APPROVED_CASE, "pk": pk}


def demo_project():
    from transformation.models import Project

    return Project.objects.get(arrangement__trust__code="NCT", name="Placement Efficiency").pk


def board_meeting_after_bc12():
    """A board meeting after BC12 was submitted (made inside the test), to decide it at."""
    from datetime import date

    from transformation.models import BoardMeeting
    from trust_portal.accounts.models import Arrangement

    BoardMeeting.objects.get_or_create(
        arrangement=Arrangement.objects.get(trust__code="NCT"),
        held_on=date(2026, 11, 25),
        defaults={"chair": "Chief Executive, NNC", "attendees": "Chief Executive, NNC"},
    )
    return SUBMITTED_CASE


def demo_minutes():
    """Minutes attached to the demo's June 2024 board meeting (made inside the test)."""
    from django.core.files.base import ContentFile

    from transformation.models import BoardMeeting

    meeting = BoardMeeting.objects.get(arrangement__trust__code="NCT", held_on="2024-06-19")
    meeting.minutes.save("minutes.pdf", ContentFile(b"%PDF-1.4 minutes"), save=False)
    meeting.minutes_name = "minutes.pdf"
    meeting.save()
    return {"code": "NCT", "held_on": "2024-06-19"}


def demo_pack():
    """An issued scrutiny committee pack for July 2024 (made inside the test, without
    WeasyPrint: the PDF is a stand-in)."""
    from datetime import date

    from django.utils import timezone

    from trust_portal.accounts.models import Arrangement, User
    from trust_portal.dashboards import packs
    from trust_portal.dashboards.models import IssuedPack

    arrangement = Arrangement.objects.get(trust__code="NCT")
    month = date(2024, 7, 1)
    issued = IssuedPack.objects.create(
        arrangement=arrangement,
        month=month,
        title="Scrutiny committee pack: July 2024",
        threshold=5,
        issued_by=User.objects.get(username="wnc-officer"),
        issued_at=timezone.now(),
        data=packs.pack_suppress(
            packs.pack_assemble(arrangement=arrangement, month=month), threshold=5
        ),
        pdf=b"%PDF-1.7 stand-in",
        sha256="0" * 64,
    )
    return {"code": "NCT", "pk": issued.pk}


def demo_pack_id():
    """The same pack, named in the API's way (by its id alone)."""
    return {"pk": demo_pack()["pk"]}


JUL_2024_PACK = {"code": "NCT", "month": "2024-07"}


def matrix_token(user):
    """An API token of ``user`` (made once: a test visiting every page asks again)."""
    from trust_portal.accounts.api_tokens import api_token_create
    from trust_portal.accounts.models import ApiToken

    token = ApiToken.objects.filter(user=user, name="Matrix token").first()
    return token or api_token_create(by=None, user=user, name="Matrix token")[0]


def nnc_officer_token():
    from trust_portal.accounts.models import User

    return {"pk": matrix_token(User.objects.get(username="nnc-officer")).pk}


def service_account():
    """A service account of NNC's (a machine user with a council officer's role)."""
    from trust_portal.accounts.models import Organisation, Role, User

    account, _ = User.objects.get_or_create(
        username="nnc-finance-system",
        defaults={
            "first_name": "NNC finance system",
            "email": "finance.systems@nnc.example.org",
            "organisation": Organisation.objects.get(code="NNC"),
            "role": Role.COUNCIL_OFFICER,
            "is_service_account": True,
            "password": "!",
        },
    )
    return {"username": account.username}


def service_account_token():
    from trust_portal.accounts.models import User

    username = service_account()["username"]
    return {"username": username, "pk": matrix_token(User.objects.get(username=username)).pk}


TOKEN_FORM = {"name": "Made in the matrix", "expires_in_days": "30"}
# A person's own token: theirs alone (everyone else finds nothing: 404).
OWN_TOKEN = {**signed_in(404), "nnc-officer": 200}

# name -> (url arguments, expected GET status per cast member, optional POST check)
# A POST check is (data, expected status per cast member). URL arguments may be a function,
# called once the demo data exists (for database ids).
# Who reads a query on a returned return (the trust and its councils) and answers it (the
# trust's managers; the councils' officers 403); everyone else finds nothing (404).
QUERY_READERS = {**parties(()), "nct-manager": 200, **dict.fromkeys(NCT_OFFICERS, 200)}
QUERY_ANSWER = (
    {"text": "Answered in the matrix."},
    {**parties(()), "nct-manager": 302, **dict.fromkeys(NCT_OFFICERS, 403)},
)


# A query's API: read by those who see its return; answered by the trust's managers (others
# 403 by their role, another trust's manager 404).
API_QUERY_READERS = api(404, **{"nct-manager": 200, **dict.fromkeys(NCT_OFFICERS, 200)})
API_ANSWER = (
    {"text": "Answered through the API."},
    api(403, **{"nct-manager": 200, "oct-manager": 404}),
)


def api_query(made):
    """The API's address of ``made()``'s query (a page's kwargs): the return's id and its."""

    def kwargs():
        from trust_portal.approvals.models import Query

        page = made()
        query = Query.objects.get(pk=page["query"])
        return {"pk": query.object_id, "query": query.pk}

    return kwargs


def api_queries(made):
    def kwargs():
        return {"pk": api_query(made)()["pk"]}

    return kwargs


PAGES = {
    "accounts:home": ({}, signed_in(), None),
    "accounts:access": ({}, signed_in(), None),
    "accounts:arrangement-detail": ({"code": "NCT"}, parties(NCT_PARTIES), None),
    # Each result is limited as its own page is (tests/test_search.py); the page itself is
    # every party's.
    "accounts:search": ({"code": "NCT"}, parties(NCT_PARTIES), None),
    "accounts:login": ({}, {**signed_in(302, anonymous=200), "leaver": 200}, None),
    "accounts:logout": ({}, everyone(405), ({}, everyone(302))),
    # A person whose second factor is given is sent on from its page to the one they asked for.
    "accounts:two-factor-verify": ({}, signed_in(302), None),
    # Setting up a new app (the old one given) is every signed-in person's.
    "accounts:two-factor-set-up": ({}, signed_in(), None),
    # Shown once, straight after a set-up; otherwise back to About your access.
    "accounts:two-factor-recovery-codes": ({}, signed_in(302), None),
    # Every signed-in person's (the matrix's have an app); a POST without the app's code is
    # answered with the form again.
    "accounts:new-recovery-codes": ({}, signed_in(), ({}, signed_in())),
    "accounts:session-keep-alive": ({}, signed_in(405), ({}, signed_in(302))),
    "accounts:password-change": ({}, signed_in(), None),
    "accounts:password-reset": ({}, everyone(), None),
    "accounts:password-reset-done": ({}, everyone(), None),
    "accounts:password-reset-confirm": ({"uidb64": "MQ", "token": "bad-token"}, everyone(), None),
    "accounts:password-reset-complete": ({}, everyone(), None),
    "accounts:set-password": ({"uidb64": "MQ", "token": "bad-token"}, everyone(), None),
    "accounts:api-tokens": ({}, signed_in(), None),
    # The new token's key is shown on the answer to the POST itself (once, never again).
    "accounts:api-token-create": ({}, signed_in(), (TOKEN_FORM, signed_in(200))),
    "accounts:api-token-revoke": (
        nnc_officer_token,
        OWN_TOKEN,
        ({}, {**OWN_TOKEN, "nnc-officer": 302}),
    ),
    # The writes asked with a token and their answers: its owner's alone (others: 404).
    "accounts:api-token-uses": (nnc_officer_token, OWN_TOKEN, None),
    "accounts:service-account-create": (
        {},
        administrators_only(),
        (
            {
                "first_name": "WNC payroll",
                "username": "wnc-payroll",
                "email": "payroll@wnc.example.org",
                "role": "council_officer",
                "organisation": "WNC",
            },
            administrators_only(302),
        ),
    ),
    "accounts:service-account-token-create": (
        service_account,
        administrators_only(),
        (TOKEN_FORM, administrators_only(200)),
    ),
    "accounts:service-account-token-revoke": (
        service_account_token,
        administrators_only(),
        ({}, administrators_only(302)),
    ),
    # Any account's token's writes (here a service account's): administrators only.
    "accounts:user-api-token-uses": (service_account_token, administrators_only(), None),
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
    "accounts:user-reset-two-factor": (
        {"username": "nct-manager"},
        administrators_only(),
        ({"reason": "lost their phone"}, administrators_only(302)),
    ),
    "accounts:user-resend-invitation": (
        {"username": "nct-manager"},
        administrators_only(405),
        ({}, administrators_only(302)),
    ),
    # Jobs not yet handed to the broker: administrators only; a failed one is sent again.
    "outbox:job-list": ({}, administrators_only(), None),
    "outbox:job-resend": (
        lambda: {"pk": failed_job().pk},
        administrators_only(405),
        ({}, administrators_only(302)),
    ),
    # Webhook endpoints: administrators only.
    "webhooks:endpoint-list": ({}, administrators_only(), None),
    "webhooks:endpoint-create": (
        {},
        administrators_only(),
        # No address is looked up in the matrix: an invalid one, shown again with its error.
        ({"url": "not an address", "events": ["pack.issued"]}, administrators_only(200)),
    ),
    "webhooks:endpoint-detail": (endpoint_pk, administrators_only(), None),
    "webhooks:endpoint-edit": (
        endpoint_pk,
        administrators_only(),
        ({"url": "not an address", "events": ["pack.issued"]}, administrators_only(200)),
    ),
    "webhooks:endpoint-pause": (
        endpoint_pk,
        administrators_only(405),
        ({}, administrators_only(302)),
    ),
    "webhooks:endpoint-resume": (
        endpoint_pk,
        administrators_only(405),
        ({}, administrators_only(302)),
    ),
    "webhooks:endpoint-delete": (
        endpoint_pk,
        administrators_only(),
        ({}, administrators_only(302)),
    ),
    "webhooks:endpoint-rotate": (
        endpoint_pk,
        administrators_only(),
        ({}, administrators_only(200)),
    ),
    "webhooks:endpoint-replay": (
        endpoint_pk,
        administrators_only(405),
        ({"since": "1/1/2020"}, administrators_only(302)),
    ),
    "webhooks:delivery-replay": (
        delivery_pk,
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
    "performance:return-edit": (NOV_2026_DRAFT, {**parties(()), "nct-manager": 200}, None),
    # GET: check your return (the draft is the trust's alone); POST: submit it.
    "performance:return-submit": (
        NOV_2026_DRAFT,
        {**parties(()), "nct-manager": 200},
        ({}, {**parties(()), "nct-manager": 302}),
    ),
    # GET: the officer's confirmation (February 2019 is approved: back to it, saying so).
    "performance:return-approve": (
        FEB_2019,
        {**parties(NCT_PARTIES, 403), **dict.fromkeys(NCT_OFFICERS, 302)},
        ({}, {**parties(NCT_PARTIES, 403), **dict.fromkeys(NCT_OFFICERS, 302)}),
    ),
    "performance:return-send-back": (
        FEB_2019,
        {**parties(NCT_PARTIES, 403), **dict.fromkeys(NCT_OFFICERS, 200)},
        None,
    ),
    "performance:return-query": (demo_query, QUERY_READERS, QUERY_ANSWER),
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
                "valid_from": "2025-04-01",
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
    "performance:return-template": (NOV_2026_DRAFT, {**parties(()), "nct-manager": 200}, None),
    "performance:return-upload": (
        NOV_2026_DRAFT,
        {**parties(()), "nct-manager": 200},
        ({}, {**parties(()), "nct-manager": 200}),  # no file: the form again, with its error
    ),
    "performance:return-export": (FEB_2019, parties(NCT_PARTIES), None),
    "performance:return-extract": (
        NOV_2026_DRAFT,
        {**parties(()), "nct-manager": 200},
        ({}, {**parties(()), "nct-manager": 200}),  # no file: the form again, with its error
    ),
    # An upload into the November 2026 draft: seen by whoever sees the draft (the trust's
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
    # The extract's format and its sample file (invented rows): for everyone in the
    # arrangement, as the format is how its figures are worked out.
    "performance:extract-format": ({"code": "NCT"}, parties(NCT_PARTIES), None),
    "performance:extract-sample": ({"code": "NCT", "fmt": "csv"}, parties(NCT_PARTIES), None),
    # Benchmarks: read by everyone in the arrangement (target: view approved); entered,
    # changed and imported by council officers (target: edit).
    "performance:benchmark-list": ({"code": "NCT"}, parties(NCT_PARTIES), None),
    "performance:benchmark-add": (
        {"code": "NCT"},
        officers_only(),
        (
            {
                "indicator": "CIN_VISIT_IN_TIME",
                "financial_year": "2024",
                "kind": "england",
                "area": "ALL",
                "value": "85.5",
                "source": "Test publication, table 1",
            },
            officers_only(302),
        ),
    ),
    "performance:benchmark-edit": (
        lambda: {"code": "NCT", "pk": demo_benchmark()},
        officers_only(),
        None,
    ),
    "performance:benchmark-import": ({"code": "NCT"}, officers_only(), None),
    "performance:benchmark-template": ({"code": "NCT"}, officers_only(), None),
    "contracts:overview": ({"code": "NCT"}, contract_readers(), None),
    "contracts:contract-create": ({"code": "NCT"}, officers_only(), None),
    "contracts:contract-detail": (WNC_CONTRACT, contract_readers(), None),
    "contracts:contract-edit": (WNC_CONTRACT, officers_only(**{"nnc-officer": 403}), None),
    "contracts:document-add": (WNC_CONTRACT, officers_only(**{"nnc-officer": 403}), None),
    "contracts:document-download": (demo_document, contract_readers(), None),
    "contracts:year-create": ({"code": "NCT"}, officers_only(), None),
    "contracts:year-detail": (Y2024, contract_readers(), None),
    "contracts:year-agree": (
        draft_year,
        {**officers_only(403), **DRAFT_HIDDEN, "admin": 200},
        None,
    ),
    "contracts:year-rollover": (
        Y2024,
        officers_only(),
        ({}, officers_only(302)),  # 2025/26 exists: back to the year with the reason
    ),
    "contracts:line-add": (draft_year, officers_only(**DRAFT_HIDDEN), None),
    "contracts:line-edit": (
        lambda: {**draft_year(), "pk": demo_line()},
        officers_only(**DRAFT_HIDDEN),
        None,
    ),
    "contracts:line-remove": (
        lambda: {**draft_year(), "pk": demo_line()},
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
    # (403); a draft year (2027/28) does not exist for roles that may not see drafts (404).
    # Only the paying council's officers record or undo: NNC's instalment 9 of 2026/27 (due on
    # 1 December 2026) is the demo's one unpaid that has fallen due, its 8 paid; WNC's officers
    # are refused with a message (403).
    "contracts:payment-list": (
        {"code": "NCT", "year": 2024},
        {**parties(NCT_PARTIES), "wnc-scrutiny": 403, "nnc-scrutiny": 403},
        None,
    ),
    "contracts:payment-record": (
        {"code": "NCT", "year": 2026, "council": "NNC", "number": 9},
        {**parties(NCT_PARTIES, 403), "nnc-officer": 200},
        (
            {"paid_on": "2026-12-03", "reference": "NNC-2026-09"},
            {**parties(NCT_PARTIES, 403), "nnc-officer": 302},
        ),
    ),
    "contracts:payment-undo": (
        {"code": "NCT", "year": 2026, "council": "NNC", "number": 8},
        {**parties(NCT_PARTIES, 403), "nnc-officer": 200},
        (
            {"reason": "Recorded against the wrong month"},
            {**parties(NCT_PARTIES, 403), "nnc-officer": 302},
        ),
    ),
    "contracts:split-calculator": (
        draft_year,
        {
            **parties(NCT_PARTIES),
            **dict.fromkeys(["wnc-scrutiny", "nnc-scrutiny"], 403),
            **dict.fromkeys(["nct-manager", "dfe-observer"], 404),
        },
        # POST remembers the populations for the arrangement: council officers only.
        (
            {"population_NNC": "425700", "population_WNC": "406700"},
            {
                **parties(NCT_PARTIES, 403),
                **dict.fromkeys(["nct-manager", "dfe-observer"], 404),
                **dict.fromkeys(NCT_OFFICERS, 302),
            },
        ),
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
    "return-queries": (api_queries(demo_query), API_QUERY_READERS, None),
    "return-answer": (api_query(demo_query), api(405), API_ANSWER),
    "return-correct": (lambda: {"pk": demo_return("2019-02-01").pk}, api(405), None),
    "measurement-list": ({}, api(), None),
    "contracts:budget-list": (
        {"code": "NCT"},
        parties(NCT_PARTIES),
        ({"month": UNSTARTED_MONTH}, {**parties(NCT_PARTIES, 403), "nct-manager": 302}),
    ),
    "contracts:budget-detail": (SEP_2024_BUDGET, parties(NCT_PARTIES), None),
    # November 2026 is submitted: the trust may still change it (which withdraws approvals);
    # its councils see it but may not edit; everyone else cannot see it yet (404).
    "contracts:budget-edit": (
        NOV_2026_BUDGET,
        {**parties(()), "nct-manager": 200, **dict.fromkeys(NCT_OFFICERS, 403)},
        None,
    ),
    # GET: check your return (submitted already: back to it, saying so); POST: submit it.
    "contracts:budget-submit": (
        NOV_2026_BUDGET,
        {**parties(()), "nct-manager": 302, **dict.fromkeys(NCT_OFFICERS, 403)},
        ({}, {**parties(()), "nct-manager": 302, **dict.fromkeys(NCT_OFFICERS, 403)}),
    ),
    # GET: what each officer approves for their own council's area; POST: approve it.
    "contracts:budget-approve": (
        NOV_2026_BUDGET,
        {**parties(()), "nct-manager": 403, **dict.fromkeys(NCT_OFFICERS, 200)},
        ({}, {**parties(()), "nct-manager": 403, **dict.fromkeys(NCT_OFFICERS, 302)}),
    ),
    "contracts:budget-send-back": (
        NOV_2026_BUDGET,
        {**parties(()), "nct-manager": 403, **dict.fromkeys(NCT_OFFICERS, 200)},
        None,
    ),
    "contracts:budget-query": (budget_query, QUERY_READERS, QUERY_ANSWER),
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
    "budget-return-lines": (lambda: {"pk": demo_budget("2026-11-01").pk}, api(405), None),
    "budget-return-submit": (lambda: {"pk": demo_budget("2026-11-01").pk}, api(405), None),
    "budget-return-approve": (lambda: {"pk": demo_budget("2026-11-01").pk}, api(405), None),
    "budget-return-send-back": (lambda: {"pk": demo_budget("2026-11-01").pk}, api(405), None),
    "budget-return-queries": (api_queries(budget_query), API_QUERY_READERS, None),
    "budget-return-answer": (api_query(budget_query), api(405), API_ANSWER),
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
    # The contracts API's writes answer POST, PATCH or DELETE only (contracts/tests/
    # test_api_writes.py tries each with the whole cast).
    "contractyear-lines": (lambda: {"key": draft_key()}, contract_api(405), None),
    "contractyear-line": (
        lambda: {"key": draft_key(), "line_id": demo_line()},
        contract_api(405),
        None,
    ),
    "contractyear-grants": ({"key": "NCT-2024"}, contract_api(405), None),
    "contractyear-grant": (
        lambda: {"key": "NCT-2024", "grant_id": demo_grant()},
        contract_api(405),
        None,
    ),
    "contractyear-adjustments": ({"key": "NCT-2024"}, contract_api(405), None),
    "contractyear-adjustment": (
        lambda: {"key": "NCT-2024", "adjustment_id": demo_adjustment()},
        contract_api(405),
        None,
    ),
    "contractyear-agree": (lambda: {"key": draft_key()}, contract_api(405), None),
    "contractyear-rollover": ({"key": "NCT-2024"}, contract_api(405), None),
    "variation-list": ({}, contract_api(), None),
    "variation-detail": ({"key": "NCT-2024-1"}, contract_api_detail(), None),
    "variation-approve": ({"key": "NCT-2024-1"}, contract_api(405), None),
    "variation-reject": ({"key": "NCT-2024-1"}, contract_api(405), None),
    "variation-withdraw": ({"key": "NCT-2024-1"}, contract_api(405), None),
    "payment-list": ({}, contract_api(), None),
    "payment-detail": (lambda: {"pk": unpaid_instalment()}, contract_api_detail(), None),
    "payment-record": (
        lambda: {"pk": unpaid_instalment()},
        contract_api(405),  # POST only
        (
            {"paid_on": "2026-12-03", "reference": "NNC-2026-09"},
            # Only the paying council's officers; other councils' officers cannot find it.
            contract_api(403, **{"nnc-officer": 200, "occ-officer": 404, "outsider": 404}),
        ),
    ),
    "payment-undo": (lambda: {"pk": unpaid_instalment()}, contract_api(405), None),
    "reserveddecision-list": ({}, contract_api(), None),
    "reserveddecision-answer": (lambda: {"pk": demo_decision().pk}, contract_api(405), None),
    "reserveddecision-detail": (
        lambda: {"pk": demo_decision().pk},
        contract_api_detail(),
        None,
    ),
    # The risk register: read by everyone in NCT who may read business cases (scrutiny
    # members 403), kept by the trust's managers (everyone else in the arrangement 403).
    "transformation:risk-list": ({"code": "NCT"}, contract_readers(), None),
    "transformation:risk-add": (
        {"code": "NCT"},
        trust_managers_only(),
        (
            {
                "reference": "R99",
                "title": "Court delays",
                "description": "Care proceedings take longer.",
                "likelihood": "3",
                "impact": "3",
                "owner": "Head of Legal",
                "mitigation": "Early case planning.",
                "review_date": "2030-01-31",
                "reason": "Raised at the board",
            },
            trust_managers_only(302),
        ),
    ),
    "transformation:risk-detail": (RISK_R01, contract_readers(), None),
    "transformation:risk-edit": (RISK_R01, trust_managers_only(), None),
    "transformation:risk-review": (
        RISK_R01,
        trust_managers_only(),
        (
            {
                "likelihood": "3",
                "impact": "4",
                "mitigation": "As before.",
                "review_date": "2030-01-31",
                "note": "No change",
            },
            trust_managers_only(302),
        ),
    ),
    "transformation:risk-close": (RISK_R01, trust_managers_only(), None),
    "transformation:risk-reopen": (
        RISK_R09,
        trust_managers_only(),
        (
            {"reason": "It has come back", "review_date": "2030-01-31"},
            trust_managers_only(302),
        ),
    ),
    "risk-list": ({}, contract_api(), None),
    "risk-detail": ({"key": "NCT-R01"}, contract_api_detail(), None),
    "risk-review": ({"key": "NCT-R01"}, contract_api(405), None),  # POST only
    "risk-close": ({"key": "NCT-R01"}, contract_api(405), None),  # POST only
    "risk-reopen": ({"key": "NCT-R09"}, contract_api(405), None),  # POST only
    # The transformation programme: projects, business cases, the board, the Block 3 ledger.
    "transformation:programme": ({"code": "NCT"}, programme_readers(), None),
    "transformation:project-add": (
        {"code": "NCT"},
        drafters(),
        (
            {
                "theme": "technology",
                "name": "Case recording",
                "owner": "Head of IT, NCT",
                "status": "proposed",
            },
            drafters(302),
        ),
    ),
    "transformation:project-edit": (
        lambda: {"code": "NCT", "pk": demo_project()},
        drafters(),
        None,
    ),
    "transformation:case-add": (
        lambda: {"code": "NCT", "pk": demo_project()},
        drafters(),
        (
            {
                "reference": "BC99",
                "title": "Foster carer recruitment",
                "summary": "More carers.",
                "funding": "block3",
                "expected_benefits": "Fewer agency placements.",
                "cost_2024": "10,000.00",
            },
            drafters(302),
        ),
    ),
    "transformation:case-detail": (APPROVED_CASE, programme_readers(), None),
    "transformation:case-edit": (DRAFT_CASE, drafters(**DRAFT_CASE_HIDDEN), None),
    "transformation:case-submit": (
        DRAFT_CASE,
        signed_in(405),  # POST only
        ({}, drafters(302, **DRAFT_CASE_HIDDEN)),
    ),
    "transformation:case-decide": (
        board_meeting_after_bc12,
        officers_only(**SUBMITTED_HIDDEN),
        (
            {"decision": "approve", "meeting": "2026-11-25", "note": ""},
            officers_only(302, **SUBMITTED_HIDDEN),
        ),
    ),
    "transformation:case-spend": (
        APPROVED_CASE,
        drafters(),
        ({"month": "2024-10", "amount": "1,000.00"}, drafters(302)),
    ),
    "transformation:meeting-list": ({"code": "NCT"}, programme_readers(), None),
    "transformation:meeting-add": (
        {"code": "NCT"},
        officers_only(),
        (
            {
                "held_on": "2024-11-20",
                "chair": "Chief Executive, NNC",
                "attendees": "Chief Executive, NNC\nChief Executive, WNC",
            },
            officers_only(302),
        ),
    ),
    "transformation:meeting-detail": (
        {"code": "NCT", "held_on": "2024-06-19"},
        programme_readers(),
        None,
    ),
    "transformation:meeting-minutes": (demo_minutes, programme_readers(), None),
    # Correcting a recorded meeting (with a reason) and attaching or replacing its minutes:
    # council officers. (The upload itself is checked in
    # transformation/tests/test_board_meetings.py.)
    "transformation:meeting-correct": (
        {"code": "NCT", "held_on": "2024-06-19"},
        officers_only(),
        (
            {
                "held_on": "2024-06-19",
                "chair": "Chief Executive, NNC",
                "attendees": "Chief Executive, NNC\nChief Executive, WNC",
                "reason": "The chair was recorded wrongly",
            },
            officers_only(302),
        ),
    ),
    "transformation:meeting-minutes-attach": (
        {"code": "NCT", "held_on": "2024-06-19"},
        officers_only(),
        None,
    ),
    "transformation:ledger": ({"code": "NCT"}, programme_readers(), None),
    # Benefits realisation: read as the programme; entered by the trust's managers (BC01 is
    # approved, so a new benefit needs a reason; its Q3 2024/25 has begun, with no actual).
    "transformation:benefit-list": ({"code": "NCT"}, programme_readers(), None),
    "transformation:benefit-add": (
        APPROVED_CASE,
        drafters(),
        ({"name": "Step-downs", "kind": "count", "reason": "Board asked"}, drafters(302)),
    ),
    "transformation:benefit-detail": (demo_benefit, programme_readers(), None),
    "transformation:benefit-edit": (demo_benefit, drafters(), None),
    "transformation:benefit-report": (
        demo_benefit,
        drafters(),
        ({"quarter": "2024-3", "actual": "910000.00"}, drafters(302)),
    ),
    "benefit-list": ({}, contract_api(), None),
    "benefit-detail": (lambda: demo_benefit(api=True), contract_api_detail(), None),
    "benefit-targets": (lambda: demo_benefit(api=True), contract_api(405), None),  # POST only
    "benefit-report": (lambda: demo_benefit(api=True), contract_api(405), None),  # POST only
    "business-case-list": ({}, contract_api(), None),
    "business-case-detail": (
        {"key": "NCT-BC01"},
        contract_api(404, **dict.fromkeys(CONTRACT_READERS, 200)),
        None,
    ),
    "business-case-submit": ({"key": "NCT-BC13"}, contract_api(405), None),  # POST only
    "business-case-decide": ({"key": "NCT-BC12"}, contract_api(405), None),  # POST only
    "business-case-spend": ({"key": "NCT-BC01"}, contract_api(405), None),  # POST only
    # Workforce: read by the arrangement's people; teams kept and returns entered by the trust.
    "workforce:overview": ({"code": "NCT"}, parties(NCT_PARTIES), None),
    "workforce:team-list": ({"code": "NCT"}, parties(NCT_PARTIES), None),
    "workforce:team-add": (
        {"code": "NCT"},
        trust_only(),
        (
            {"name": "Court Team West", "service": "court", "area": "WNC", "reason": "New team"},
            trust_only(302),
        ),
    ),
    "workforce:team-detail": (demo_team, parties(NCT_PARTIES), None),
    "workforce:team-edit": (demo_team, trust_only(), None),
    "workforce:team-close": (demo_team, trust_only(), ({"reason": "Merged"}, trust_only(302))),
    "workforce:return-list": (
        {"code": "NCT"},
        parties(NCT_PARTIES),
        ({"month": UNSTARTED_MONTH}, trust_only(302)),
    ),
    "workforce:return-detail": (JUL_2024_WORKFORCE, parties(NCT_PARTIES), None),
    "workforce:return-edit": (
        lambda: workforce_month("2026-11"),
        {**parties(()), "nct-manager": 200},
        None,
    ),
    # GET: check your return; POST: submit it (back to the month once submitted).
    "workforce:return-submit": (
        lambda: workforce_month("2026-11"),
        {**parties(()), "nct-manager": 200},
        ({}, {**parties(()), "nct-manager": 302}),
    ),
    # GET: what each officer approves for their own council's area; POST: approve it.
    "workforce:return-approve": (
        lambda: workforce_month("2026-11", submit=True),
        {**parties(()), "nct-manager": 403, **dict.fromkeys(NCT_OFFICERS, 200)},
        ({}, {**parties(()), "nct-manager": 403, **dict.fromkeys(NCT_OFFICERS, 302)}),
    ),
    "workforce:return-send-back": (
        lambda: workforce_month("2026-11", submit=True),
        {**parties(()), "nct-manager": 403, **dict.fromkeys(NCT_OFFICERS, 200)},
        None,
    ),
    "workforce:return-query": (workforce_query, QUERY_READERS, QUERY_ANSWER),
    "workforce:return-correct": (JUL_2024_WORKFORCE, trust_only(), None),
    "team-list": (
        {},
        api(),
        (
            {
                "trust": "NCT",
                "name": "Court Team West",
                "service": "court",
                "area": "WNC",
                "reason": "New team",
            },
            team_writers(201),
        ),
    ),
    "team-detail": (
        lambda: {"pk": demo_team()["pk"]},
        api(404, **dict.fromkeys(NCT_PARTIES, 200)),
        None,
    ),
    # POST only; the trust's managers close an open team and reopen a closed one.
    "team-close": (
        lambda: {"pk": demo_team()["pk"]},
        api(405),
        ({"reason": "Merged"}, team_writers()),
    ),
    "team-reopen": (closed_team, api(405), ({"reason": "Re-formed"}, team_writers())),
    "workforce-return-list": ({}, api(), None),
    "workforce-return-detail": (
        lambda: {"pk": demo_workforce("2024-07-01").pk},
        api(404, **dict.fromkeys(NCT_PARTIES, 200)),
        None,
    ),
    "workforce-return-figures": (lambda: {"pk": demo_workforce("2024-07-01").pk}, api(405), None),
    "workforce-return-submit": (lambda: {"pk": demo_workforce("2024-07-01").pk}, api(405), None),
    "workforce-return-approve": (lambda: {"pk": demo_workforce("2024-07-01").pk}, api(405), None),
    "workforce-return-send-back": (
        lambda: {"pk": demo_workforce("2024-07-01").pk},
        api(405),
        None,
    ),
    "workforce-return-queries": (api_queries(workforce_query), API_QUERY_READERS, None),
    "workforce-return-answer": (api_query(workforce_query), api(405), API_ANSWER),
    "workforce-return-correct": (lambda: {"pk": demo_workforce("2024-07-01").pk}, api(405), None),
    # Dashboards read stored snapshots (made once for the test database, see conftest.py):
    # everyone in the arrangement reads them; administrators see the runs and recompute.
    "dashboards:index": ({"code": "NCT"}, parties(NCT_PARTIES), None),
    "dashboards:detail": ({"code": "NCT", "name": "finance"}, parties(NCT_PARTIES), None),
    "dashboards:data": (
        {"code": "NCT", "name": "overview", "block": "scorecard"},
        parties(NCT_PARTIES),
        None,
    ),
    "dashboards:page": (
        {"code": "NCT", "name": "indicators", "page": "CIN_VISIT_IN_TIME"},
        parties(NCT_PARTIES),
        None,
    ),
    "dashboards:page-data": (
        {"code": "NCT", "name": "finance", "page": "payments-2024", "block": "instalments"},
        parties(NCT_PARTIES),
        None,
    ),
    "dashboards:runs": ({"code": "NCT"}, {**parties(NCT_PARTIES, 403), "admin": 200}, None),
    "dashboards:recompute": (
        {"code": "NCT"},
        signed_in(405),
        ({}, {**parties(NCT_PARTIES, 403), "admin": 302}),
    ),
    "dashboards:api-detail": (
        {"code": "NCT", "name": "workforce"},
        api(404, **dict.fromkeys(NCT_PARTIES, 200)),
        None,
    ),
    "dashboard-list": ({}, api(), None),
    # The scrutiny committee pack: everyone in the arrangement reads; council officers issue.
    "packs:pack-list": ({"code": "NCT"}, parties(NCT_PARTIES), None),
    "packs:pack-preview": (JUL_2024_PACK, parties(NCT_PARTIES), None),
    "packs:pack-issue": (JUL_2024_PACK, signed_in(405), ({"threshold": "5"}, officers_only(302))),
    "packs:pack-detail": (demo_pack, parties(NCT_PARTIES), None),
    "packs:pack-pdf": (demo_pack, parties(NCT_PARTIES), None),
    "pack-list": ({}, api(), None),
    "pack-detail": (demo_pack_id, api(404, **dict.fromkeys(NCT_PARTIES, 200)), None),
    "pack-pdf": (demo_pack_id, api(404, **dict.fromkeys(NCT_PARTIES, 200)), None),
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
