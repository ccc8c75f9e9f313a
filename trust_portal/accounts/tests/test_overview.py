"""The arrangement's overview: its headline (trust_portal/overview.py, one tile per app, read
from the snapshots) on the demo's own data, role by role."""

import re
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from trust_portal.accounts.models import Arrangement
from trust_portal.dashboards import packs
from trust_portal.dashboards.models import IssuedPack
from trust_portal.dashboards.tests.factories import IssuedPackFactory


def page_of(client, code="NCT") -> str:
    response = client.get(reverse("accounts:arrangement-detail", args=[code]))
    assert response.status_code == 200
    return response.content.decode()


def tiles(page: str) -> list[str]:
    return re.findall(r'data-testid="tile-([a-z]+)"', page)


def tile(page: str, name: str) -> str:
    """The tile's text, tags removed and spaces squeezed."""
    start = page.index(">", page.index(f'data-testid="tile-{name}"')) + 1
    section = page[start : page.index("</section>", start)]
    return " ".join(re.sub(r"<[^>]+>", " ", section).split())


def links(page: str, name: str) -> list[str]:
    start = page.index(f'data-testid="tile-{name}"')
    return re.findall(r'href="([^"]+)"', page[start : page.index("</section>", start)])


EVERY_TILE = ["performance", "workforce", "money", "transformation", "packs"]


@pytest.mark.parametrize(
    ("who", "shown"),
    [
        ("admin", EVERY_TILE),
        ("nct-manager", EVERY_TILE),
        ("nnc-officer", EVERY_TILE),
        ("dfe-observer", EVERY_TILE),
        ("nnc-scrutiny", ["performance", "workforce", "packs"]),
    ],
)
def test_each_role_sees_the_tiles_of_the_pages_it_may_open(cast, client_for, who, shown):
    client = client_for(cast[who])
    page = page_of(client)
    assert tiles(page) == shown
    for name in shown:
        for url in links(page, name):
            assert client.get(url).status_code == 200, (who, url)


def test_a_scrutiny_member_sees_no_contract_or_programme_figure(cast, client_for):
    page = page_of(client_for(cast["wnc-scrutiny"]))
    assert "Contract sum" not in page and "Block 3 remaining" not in page
    assert reverse("contracts:overview", args=["NCT"]) not in page


def test_performance_tile_counts_the_latest_months_rag_by_domain_and_area(cast, client_for):
    # The demo's latest month approved by both councils: August 2026 (September was sent back,
    # October awaits North, November is a draft).
    text = tile(page_of(client_for(cast["nnc-officer"])), "performance")
    assert text == (
        "Performance August 2026 Indicators by RAG rating, August 2026 "
        "Domain Area Red Amber Green Not rated "
        "Front door NNC 0 0 0 8 Front door WNC 0 0 0 8 Front door All areas 0 0 0 8 "
        "Child in need NNC 0 1 1 2 Child in need WNC 0 1 1 2 Child in need All areas 0 1 1 2 "
        "Child protection NNC 0 0 1 2 Child protection WNC 0 0 1 2 "
        "Child protection All areas 0 0 1 2 "
        "Looked after NNC 0 0 2 4 Looked after WNC 0 0 2 4 Looked after All areas 0 0 2 4 "
        "Care leavers NNC 0 0 0 3 Care leavers WNC 0 0 0 3 Care leavers All areas 0 0 0 3 "
        "Workforce NNC 0 0 6 0 Workforce WNC 0 0 6 0 Workforce All areas 0 0 6 0 "
        "Performance overview"
    )


def test_money_tile_gives_the_contract_sum_and_each_councils_share_of_the_variance(
    cast, client_for
):
    text = tile(page_of(client_for(cast["nct-manager"])), "money")
    # The demo's current year, 2026/27, and its latest approved budget monitoring, October 2026
    # (November's awaits both councils).
    assert text == (
        "Money 2026/27 Contract sum, 2026/27 £195,309,765.00 "
        "Forecast variance, October 2026 £1,324,330.00 "
        "Overspend of £1,324,330.00 (0.7% of budget) "
        "NNC&#x27;s share (44.00%) £582,705.20 WNC&#x27;s share (56.00%) £741,624.80 "
        "Contracts and the contract sum"
    )


def test_transformation_tile_gives_block3_remaining(cast, client_for):
    from contracts.models import ContractYear
    from transformation.models import BusinessCase
    from transformation.tests.factories import Block3DrawFactory
    from trust_portal.dashboards.services import snapshot_recompute

    # The demo's latest agreed year, 2026/27, has its provision and no case drawing on it: one
    # approved case draws on it here, so that what remains is the provision less what it drew.
    arrangement = Arrangement.objects.get(trust__code="NCT")
    client = client_for(cast["dfe-observer"])
    assert tile(page_of(client), "transformation") == (
        "Transformation 2026/27 Block 3 remaining, 2026/27 £3,570,735.00 "
        "Block 3 provision £3,570,735.00 Committed to approved cases £0.00 "
        "Transformation programme and the Block 3 ledger"
    )
    Block3DrawFactory(
        business_case=BusinessCase.objects.get(
            project__arrangement=arrangement, reference="BC01", state="approved"
        ),
        contract_year=ContractYear.objects.get(arrangement=arrangement, financial_year=2026),
        amount="2915000.00",
        drawn_on=date(2026, 6, 1),
        recorded_by=cast["nnc-officer"],
    )
    snapshot_recompute(arrangement=arrangement, names=["transformation"])
    assert tile(page_of(client), "transformation") == (
        "Transformation 2026/27 Block 3 remaining, 2026/27 £655,735.00 "
        "Block 3 provision £3,570,735.00 Committed to approved cases £2,915,000.00 "
        "Transformation programme and the Block 3 ledger"
    )


def test_workforce_tile_gives_the_vacancy_rate_with_its_numerator_and_denominator(cast, client_for):
    text = tile(page_of(client_for(cast["nnc-scrutiny"])), "workforce")
    # The demo's latest approved workforce return: October 2026 (November's is a draft).
    assert text == (
        "Workforce October 2026 "
        "Vacancy rate, North Northamptonshire Council (NNC) 8.6% "
        "12.00 ÷ 139.00 FTE; Green: on or beyond target "
        "Vacancy rate, West Northamptonshire Council (WNC) 8.8% "
        "15.00 ÷ 171.00 FTE; Green: on or beyond target "
        "Vacancy rate, All of NCT 8.7% 27.00 ÷ 310.00 FTE; Green: on or beyond target "
        "Workforce overview"
    )


def test_packs_tile_says_plainly_when_no_pack_is_issued_and_links_to_the_latest(cast, client_for):
    client = client_for(cast["nnc-scrutiny"])
    # The demo's latest issued pack, then none (the demo's packs taken away inside the test).
    assert tile(page_of(client), "packs") == (
        "Scrutiny packs August 2026 Reports August 2026 "
        "Committee Joint scrutiny of children&#x27;s services, 10 November 2026 "
        "Scrutiny committee pack: August 2026"
    )
    arrangement = Arrangement.objects.get(trust__code="NCT")
    IssuedPack.objects.filter(arrangement=arrangement).delete()
    assert tile(page_of(client), "packs") == (
        "Scrutiny packs No pack has been issued yet. Scrutiny committee packs"
    )
    # As a pack's page reads it: the month's sections, small counts hidden.
    data = packs.pack_suppress(
        packs.pack_assemble(arrangement=arrangement, month=date(2024, 7, 1)), threshold=5
    )
    IssuedPackFactory(arrangement=arrangement, month=date(2024, 6, 1), title="June pack",
                      issued_by=cast["nnc-officer"], data=data,
                      issued_at=datetime(2024, 9, 1, tzinfo=UTC))  # fmt: skip
    latest = IssuedPackFactory(
        arrangement=arrangement,
        month=date(2024, 7, 1),
        title="July pack",
        committee="Children's scrutiny committee",
        meeting_date=date(2024, 9, 12),
        issued_by=cast["nnc-officer"],
        issued_at=datetime(2024, 9, 13, tzinfo=UTC),
        data=data,
    )
    page = page_of(client)
    assert tile(page, "packs") == (
        "Scrutiny packs July 2024 Reports July 2024 "
        "Committee Children&#x27;s scrutiny committee, 12 September 2024 July pack"
    )
    assert links(page, "packs") == [reverse("packs:pack-detail", args=["NCT", latest.pk])]
    assert client.get(links(page, "packs")[0]).status_code == 200


def test_tiles_without_figures_say_so(cast, client_for):
    page = page_of(client_for(cast["occ-officer"]), code="OCT")
    texts = {name: tile(page, name) for name in tiles(page)}
    assert texts == {
        "performance": "Performance No approved performance figures yet. Performance overview",
        "workforce": "Workforce No approved workforce return yet. Workforce overview",
        "money": "Money No agreed contract year and no approved budget monitoring yet. "
        "Contracts and the contract sum",
        "transformation": "Transformation No Block 3 provision yet: no contract year has been "
        "agreed. Transformation programme and the Block 3 ledger",
        "packs": "Scrutiny packs No pack has been issued yet. Scrutiny committee packs",
    }


def test_the_overview_keeps_every_page_link_below_the_headline(cast, client_for):
    page = page_of(client_for(cast["admin"]))
    below = page[page.index('id="all-pages"') :]
    for name in ("performance:return-list", "workforce:team-list", "contracts:matter-list"):
        assert reverse(name, args=["NCT"]) in below


def test_overview_queries_are_bounded(cast, client_for, django_assert_max_num_queries):
    """The tiles' snapshots are read in one query, however many tiles there are."""
    client = client_for(cast["admin"])
    with django_assert_max_num_queries(10):
        page_of(client)
