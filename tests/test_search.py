"""Search (/arrangements/<code>/search/): each kind is found by a role that may see it, and no
role ever finds what its pages would refuse it: every result links to a page that answers 200
for the person searching (drafts, other arrangements and kinds their role may not read are
left out because their pages would refuse them)."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from conftest import CAST
from trust_portal import search
from trust_portal.accounts.models import Arrangement

# The kinds of result the apps register, in the page's order.
KINDS = [
    "indicators",
    "performance-returns",
    "workforce-returns",
    "budget-monitoring",
    "contracts",
    "variations",
    "reserved-matters",
    "reserved-decisions",
    "business-cases",
    "risks",
    "teams",
    "packs",
]
# Queries that between them reach every kind, drafts and things in flight included.
SWEEP = [
    "2019-03",  # the county's approved March 2019 return (and the pack added below)
    "February 2019",  # its approved one
    "2026-11",  # the demo's last month: performance and workforce drafts, budget submitted
    "2024-10",  # budget monitoring approved
    "September 2024",  # budget monitoring approved
    "2024-07",  # a workforce return approved, and the correction in draft added below
    "BC1",  # BC10, BC11 approved; BC12 submitted; BC13 a draft
    "R0",  # the risks
    "NCT-SC",  # the contracts
    "RM",  # the reserved matters
    "subsidiary",  # a reserved matter and a decision
    "split",  # every agreed year's split variation, and the draft year's added below
    "care",  # indicators, teams, risks, contracts
    "committee",  # the packs
]


@pytest.fixture
def in_flight(cast):
    """Besides the demo (whose contract years 2021/22 to 2026/27 are all agreed): a draft
    2027/28 year with a variation on it (council officers and administrators only), a
    correction in draft of the demo's approved July 2024 workforce return (the trust's only),
    and a pack issued for March 2019."""
    from contracts.models import ContractYear
    from contracts.tests.factories import ContractYearFactory, VariationFactory
    from trust_portal.dashboards.packs import pack_assemble, pack_suppress
    from trust_portal.dashboards.tests.factories import IssuedPackFactory
    from workforce.models import WorkforceReturn

    nct = Arrangement.objects.get(trust__code="NCT")
    assert not ContractYear.objects.filter(arrangement=nct).exclude(state="agreed").exists()
    draft_year = ContractYearFactory(arrangement=nct, financial_year=2027)
    VariationFactory(
        contract_year=draft_year,
        number=1,
        reason="A new split for the draft year",
        requested_by=cast["wnc-officer"],
    )
    WorkforceReturn.objects.create(
        arrangement=nct, period=date(2024, 7, 1), revision=2, revision_reason="Late leavers"
    )
    IssuedPackFactory(
        arrangement=nct,
        month=date(2019, 3, 1),
        title="Children's services scrutiny committee: March 2019",
        committee="Children's scrutiny committee",
        issued_by=cast["wnc-officer"],
        data=pack_suppress(pack_assemble(arrangement=nct, month=date(2019, 3, 1)), threshold=5),
    )
    return nct


def found(user, arrangement, text, *, limit=50) -> dict[str, list]:
    query = search.Query.parse(text)
    groups = search.search(user or AnonymousUser(), arrangement, query, limit=limit)
    return {g.provider.name: g.hits for g in groups}


def urls(user, arrangement, text) -> set[str]:
    return {hit.url for hits in found(user, arrangement, text).values() for hit in hits}


def test_every_kind_is_registered_by_its_app_in_order():
    assert [p.name for p in search.providers()] == KINDS


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("March 2019", date(2019, 3, 1)),
        ("mar 2019", date(2019, 3, 1)),
        ("2019-03", date(2019, 3, 1)),
        ("3/2019", date(2019, 3, 1)),
        ("budget September 2024", date(2024, 9, 1)),
        ("Sept 2024", date(2024, 9, 1)),
        ("2019", None),
        ("March", None),
        ("2019-13", None),
        ("care 2019", None),
    ],
)
def test_a_query_names_a_month_as_people_write_it(text, month):
    assert search.Query.parse(text).month == month


def test_a_query_is_cut_to_its_limit_and_its_spaces_tidied():
    query = search.Query.parse("  care   leavers " + "x" * 200)
    assert query.text == ("care leavers " + "x" * 200)[: search.MAX_QUERY]
    assert len(query.text) == 100
    assert query.words[:2] == ("care", "leavers")


@pytest.mark.parametrize(
    ("who", "text", "kind", "path"),
    [
        ("wnc-scrutiny", "care plan", "indicators", "indicators/LAC_PLAN_IN_TIME/"),
        ("wnc-scrutiny", "February 2019", "performance-returns", "returns/2019-02/1/"),
        ("nct-manager", "March 2019", "performance-returns", "returns/2019-03/1/"),
        ("dfe-observer", "2024-07", "workforce-returns", "workforce/returns/2024-07/1/"),
        ("nnc-scrutiny", "2024-09", "budget-monitoring", "budget-monitoring/2024-09/1/"),
        ("wnc-officer", "2024-10", "budget-monitoring", "budget-monitoring/2024-10/1/"),
        ("dfe-observer", "NCT-SC-WNC", "contracts", "contracts/NCT-SC-WNC-2023/"),
        ("nct-manager", "split", "variations", "contract-years/2024/variations/1/"),
        ("admin", "articles", "reserved-matters", "reserved-matters/RM2/"),
        ("nnc-officer", "lease", "reserved-decisions", "reserved-decisions/2/"),
        ("dfe-observer", "BC01", "business-cases", "transformation/cases/BC01/"),
        ("nct-manager", "BC13", "business-cases", "transformation/cases/BC13/"),
        ("wnc-officer", "placement sufficiency", "risks", "transformation/risks/R02/"),
        ("wnc-scrutiny", "leaving care north", "teams", None),  # its id: read below
        ("wnc-scrutiny", "March 2019", "packs", None),  # its id: read below
    ],
)
def test_each_kind_is_found_by_a_role_that_may_see_it(who, text, kind, path, cast, in_flight):
    """``path`` is below /arrangements/NCT/."""
    from trust_portal.dashboards.models import IssuedPack
    from workforce.models import Team

    url = f"/arrangements/NCT/{path}"
    if kind == "teams":
        team = Team.objects.get(arrangement=in_flight, name="Leaving Care North")
        url = reverse("workforce:team-detail", args=["NCT", team.pk])
    if kind == "packs":
        pack = IssuedPack.objects.get(arrangement=in_flight, month=date(2019, 3, 1))
        url = reverse("packs:pack-detail", args=["NCT", pack.pk])
    assert url in [hit.url for hit in found(cast[who], in_flight, text)[kind]]


@pytest.mark.parametrize("who", CAST)
def test_no_role_ever_finds_what_its_pages_refuse_it(who, cast, in_flight, client_for):
    """For every member of the cast, in both arrangements: each result's page answers 200."""
    client = client_for(cast[who])
    for arrangement in Arrangement.objects.all():
        seen = set()
        for text in SWEEP:
            for url in urls(cast[who], arrangement, text) - seen:
                seen.add(url)
                assert url.startswith(f"/arrangements/{arrangement.code}/"), url
                assert client.get(url).status_code == 200, (who, text, url)


def kinds_found(user, arrangement) -> set[str]:
    return {kind for text in SWEEP for kind in found(user, arrangement, text)}


# What each role finds in NCT across the sweep: what its pages show it (docs/permissions.md).
EVERY_KIND = set(KINDS)
NO_MONEY_OR_PROGRAMME = EVERY_KIND - {
    "contracts",
    "variations",
    "reserved-matters",
    "reserved-decisions",
    "business-cases",
    "risks",
}


@pytest.mark.parametrize(
    ("who", "kinds"),
    [
        ("wnc-officer", EVERY_KIND),
        ("nct-manager", EVERY_KIND),
        ("dfe-observer", EVERY_KIND),
        ("admin", EVERY_KIND),
        ("wnc-scrutiny", NO_MONEY_OR_PROGRAMME),
        ("nnc-scrutiny", NO_MONEY_OR_PROGRAMME),
        ("occ-officer", set()),
        ("oct-manager", set()),
        ("outsider", set()),
        ("leaver", set()),
        ("anonymous", set()),
    ],
)
def test_each_role_finds_the_kinds_its_pages_show_it(who, kinds, cast, in_flight):
    assert kinds_found(cast[who], in_flight) == kinds


def test_drafts_are_found_only_by_the_roles_that_see_drafts(cast, in_flight):
    november = "/arrangements/NCT/returns/2026-11/1/"  # the trust's draft
    bc13 = "/arrangements/NCT/transformation/cases/BC13/"  # the trust's draft case
    bc12 = "/arrangements/NCT/transformation/cases/BC12/"  # submitted to the board
    budget = "/arrangements/NCT/budget-monitoring/2026-11/1/"  # submitted, not approved
    draft_year = "/arrangements/NCT/contract-years/2027/variations/1/"  # on a draft year
    workforce = "/arrangements/NCT/workforce/returns/2024-07/2/"  # a correction in draft
    staff = "/arrangements/NCT/workforce/returns/2026-11/1/"  # the trust's draft
    hidden = {november, bc13, bc12, budget, draft_year, workforce, staff}

    def sees(who):
        return {u for text in SWEEP for u in urls(cast[who], in_flight, text)} & hidden

    assert sees("nct-manager") == {november, bc13, bc12, budget, workforce, staff}
    assert sees("wnc-officer") == {bc12, budget, draft_year}
    assert sees("admin") == {draft_year}
    for who in ("dfe-observer", "wnc-scrutiny", "nnc-scrutiny", "occ-officer", "outsider"):
        assert sees(who) == set(), who


def test_another_arrangements_people_find_nothing_of_it(cast, in_flight):
    oct_ = Arrangement.objects.get(trust__code="OCT")
    assert urls(cast["wnc-officer"], oct_, "care") == set()
    assert urls(cast["oct-manager"], in_flight, "care") == set()


# --- The page -------------------------------------------------------------------------------


def page(client, text="", **params):
    return client.get(reverse("accounts:search", args=["NCT"]), {"q": text, **params})


def test_the_page_groups_results_by_kind_with_a_line_of_context(cast, client_for, in_flight):
    response = page(client_for(cast["nct-manager"]), "care")
    assert response.status_code == 200
    groups = response.context["groups"]
    assert [g.provider.name for g in groups] == ["indicators", "contracts", "risks", "teams"]
    html = response.content.decode()
    assert '<h2 class="govuk-heading-m" id="search-risks">Risks</h2>' in html
    risk = "/arrangements/NCT/transformation/risks/R02/"
    link = f'href="{risk}">R02: Placement sufficiency and cost</a>'
    assert f'<a class="govuk-link govuk-!-font-weight-bold" {link}' in html


def test_a_kind_with_more_than_five_links_to_all_of_them(cast, client_for, in_flight):
    client = client_for(cast["nct-manager"])
    response = page(client, "BC")
    [cases] = [g for g in response.context["groups"] if g.provider.name == "business-cases"]
    assert (len(cases.hits), cases.more) == (5, True)
    assert 'href="?q=BC&amp;kind=business-cases">More business cases matching “BC”</a>' in (
        response.content.decode()
    )
    everything = page(client, "BC", kind="business-cases")
    [cases] = everything.context["groups"]
    assert (len(cases.hits), cases.more) == (13, False)


def test_an_empty_query_and_no_results_say_so(cast, client_for, in_flight):
    client = client_for(cast["nct-manager"])
    assert "Type what you are looking for, then choose Search." in page(client).content.decode()
    assert "Nothing you can see matches “zzqqy”." in page(client, "zzqqy").content.decode()


def test_a_scrutiny_member_is_told_nothing_matches_a_draft(cast, client_for, in_flight):
    response = page(client_for(cast["wnc-scrutiny"]), "BC13")
    assert response.context["groups"] == []
    assert "Nothing you can see matches “BC13”." in response.content.decode()


def test_what_was_typed_is_never_echoed_unescaped(cast, client_for, in_flight):
    response = page(client_for(cast["nct-manager"]), '<script>alert("x")</script>')
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_a_long_query_is_cut_and_the_page_says_so(cast, client_for, in_flight):
    response = page(client_for(cast["nct-manager"]), "care " + "y" * 300)
    assert response.context["query"].text == ("care " + "y" * 300)[:100]
    assert "Only the first 100 characters were searched for." in response.content.decode()


def test_an_unknown_kind_searches_every_kind(cast, client_for, in_flight):
    response = page(client_for(cast["nct-manager"]), "care", kind="nonsense")
    assert response.context["only"] is None
    assert len(response.context["groups"]) == 4


def test_the_header_of_an_arrangement_page_has_the_search_box(cast, client_for):
    response = client_for(cast["wnc-scrutiny"]).get("/arrangements/NCT/")
    assert 'action="/arrangements/NCT/search/" role="search"' in response.content.decode()


# --- The two databases ----------------------------------------------------------------------


def test_postgresql_searches_full_text_and_sqlite_word_by_word(db):
    from django.db import connection

    from transformation.models import Risk

    sql = str(search.matching(Risk.objects.all(), search.Query.parse("care"), "title").query)
    if connection.vendor == "postgresql":
        assert "to_tsvector" in sql and "websearch_to_tsquery" in sql
    else:
        assert "to_tsvector" not in sql and "LIKE" in sql


def test_on_postgresql_a_word_finds_its_other_forms(cast, in_flight):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("Stemming is PostgreSQL's full-text search (CI runs on PostgreSQL).")
    # "placements" is stemmed to "placement": R02 is "Placement sufficiency and cost".
    risks = found(cast["wnc-officer"], in_flight, "placements sufficient")["risks"]
    assert [hit.title for hit in risks] == ["R02: Placement sufficiency and cost"]


def test_the_page_reads_a_fixed_number_of_queries_however_many_results(
    cast, client_for, in_flight, django_assert_num_queries
):
    # Session and user, the arrangement, then per kind its permission check and one read of
    # at most six rows (five shown, one to know there are more): no query per result.
    client = client_for(cast["nct-manager"])
    with django_assert_num_queries(23):
        response = page(client, "e")
    capped = [g.provider.name for g in response.context["groups"] if g.more]
    assert {"indicators", "business-cases", "risks", "teams"} <= set(capped)
