"""The workforce pages: the overview (rates with RAG in words, the staff mix as shares of posts
beside the DfE rates, the SVG charts with their tables, downloads), teams (kept by the trust's
managers with a reason and history), the returns' list, entry form (errors beside their
fields, what was typed kept, stale pages), review and actions.

Built on factories: the root ``world`` (a trust, two councils, someone in every role), its four
teams and, where a test reads approved months, the history of ``history_cases`` (thirteen
approved months shaped as the demo's, eleven marked synthetic; its figures worked out there).
The demo's own figures on these pages are checked in ``test_views_demo.py``."""

import csv
import io
import re
from datetime import date
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from trust_portal.accounts.models import Arrangement
from trust_portal.approvals.models import State
from trust_portal.dashboards.models import Snapshot
from trust_portal.dashboards.services import snapshot_recompute
from workforce import services
from workforce.models import Team, WorkforceReturn
from workforce.tests.conftest import every_team, row
from workforce.tests.factories import TeamFiguresFactory, WorkforceReturnFactory
from workforce.tests.history_cases import FIRST, LATEST, make_history, make_teams

MONTH = date(2025, 9, 1)  # after the history's latest month, July 2025
READERS = ["officer", "other-officer", "manager", "observer", "scrutiny", "admin"]


@pytest.fixture
def teams(world):
    """MASH A and First Response A serving the first council, Safeguarding B and Children in
    Care B the second."""
    return make_teams(world)


@pytest.fixture
def history(world, teams):
    return make_history(world, teams)


@pytest.fixture
def code(arrangement):
    return arrangement.code


@pytest.fixture
def areas(world):
    """The world's councils in the order the pages list areas (by code)."""
    return sorted(world.councils, key=lambda council: council.code)


def url(workforce_return, name="return-detail", query=""):
    path = reverse(
        f"workforce:{name}",
        args=[
            workforce_return.arrangement.code,
            f"{workforce_return.period:%Y-%m}",
            workforce_return.revision,
        ],
    )
    return path + query


@pytest.fixture
def draft(people, arrangement, teams):
    return services.workforce_return_start(
        by=people["manager"], arrangement=arrangement, month=MONTH
    )


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


class _Tables(HTMLParser):
    """Each table's cells' words, row by row, under its caption."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption = self._cell = None
        self._rows: list[list[str]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._rows = []
        elif tag == "caption":
            self._caption = []
        elif tag == "tr":
            self._rows.append([])
        elif tag in ("th", "td"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "caption":
            self._caption = " ".join("".join(self._caption).split())
        elif tag in ("th", "td"):
            self._rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self.tables[self._caption] = self._rows

    def handle_data(self, data):
        for words in (self._cell, self._caption):
            if isinstance(words, list):
                words.append(data)
                return


def tables_of(body: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(body)
    return parser.tables


CENSUS_RATES = [
    "Vacancy rate (census method)",
    "Agency rate (census method)",
    "Turnover, 12 months (census method)",
    "Caseload (census method)",
]
OTHER_VIEWS = [
    "Posts unfilled, no cover",
    "Vacancies covered by agency staff",
    "Experienced permanent share of the establishment",
    "Average caseload per worker",
    "Workers above the caseload limit",
]


def no_inline_styles_or_scripts(body: str) -> bool:
    # The CSP allows neither; charts are drawn with attributes and site.css classes.
    return "style=" not in body and "<script>" not in body and "onclick" not in body


# --- The overview -----------------------------------------------------------------------------
# The overview reads the "workforce" snapshot (workforce/dashboards/), so each test builds it
# first, as the recompute job would.


@pytest.fixture
def overview(code):
    return reverse("workforce:overview", args=[code])


@pytest.fixture
def built(arrangement, history):
    snapshot_recompute(arrangement=arrangement, names=["workforce"])


@pytest.mark.parametrize("who", READERS)
def test_the_overview_shows_the_latest_months_rates_with_rag_in_words(
    people, built, overview, client_for, who
):
    body = client_for(people[who]).get(overview).content.decode()
    assert "July 2025, the latest approved month" in body
    # vacancies (5 unfilled + 4 agency-covered) / (9 + 41); turnover 4 FTE left in 12 months
    # of 41 in post in July
    assert "18.0%" in body and "9.8%" in body
    assert "Amber: within tolerance" in body  # 18.0% against the target's 15% ± 3
    assert "target 15% ± 3 points" in body
    assert "Vacancy rate (census method)" in body and "Posts unfilled, no cover" in body
    assert no_inline_styles_or_scripts(body)


def test_the_overview_has_rates_down_and_areas_across_census_rates_apart(
    people, built, overview, client_for, areas, code
):
    tables = tables_of(client_for(people["officer"]).get(overview).content.decode())
    by_area = ", by council area, with red, amber or green against the targets in force"
    census = tables["Rates by the census method in July 2025" + by_area]
    other = tables["Other views in July 2025" + by_area]
    columns = ["Rate", *(f"{a.name} ({a.code})" for a in areas), f"All of {code}"]
    assert census[0] == other[0] == columns
    assert [r[0] for r in census[1:]] == CENSUS_RATES
    assert [r[0] for r in other[1:]] == OTHER_VIEWS
    # Vacancies (agency-covered included) ÷ (vacancies + FTE social workers): 4 / 20, 5 / 30
    # and 9 / 50.
    assert [cell.split()[0] for cell in census[1][1:]] == ["20.0%", "16.7%", "18.0%"]


def test_the_overviews_rates_by_month_are_the_census_rates_then_the_other_views(
    people, built, overview, client_for
):
    tables = tables_of(client_for(people["scrutiny"]).get(overview).content.decode())
    census = tables["Rates for the whole arrangement by the census method, each approved month"]
    other = tables["Rates for the whole arrangement in the other views, each approved month"]
    assert census[0] == ["Month", *CENSUS_RATES] and other[0] == ["Month", *OTHER_VIEWS]
    assert len(census) == len(other) == 1 + 13  # a row a month
    assert census[-1][0] == other[-1][0] == "Jul 2025"
    assert census[-1][3].split()[0] == "9.8%"  # 4 leavers' FTE ÷ 41 FTE social workers


def test_the_overview_links_the_latest_return_and_each_month(
    people, history, built, overview, code, client_for
):
    body = client_for(people["officer"]).get(overview).content.decode()
    assert url(history.months[LATEST]) in body and url(history.months[FIRST]) in body
    team = history.teams["MASH A"]
    assert reverse("workforce:team-detail", args=[code, team.pk]) in body


def test_the_overview_draws_the_staff_mix_over_time_with_its_table(
    people, built, overview, client_for
):
    body = client_for(people["scrutiny"]).get(overview).content.decode()
    assert body.count('class="tp-mix tp-mix--0"') == 13 + 1  # a bar a month and the key
    assert 'role="img"' in body and '<title id="mix-title">' in body
    assert "Dec 2023" in body and "40.0%" in body  # 20 of 50 posts
    assert "Synthetic" in body and "* synthetic month (demo data)" in body


def test_the_overview_shows_posts_shares_beside_the_dfe_rates(people, built, overview, client_for):
    body = client_for(people["observer"]).get(overview).content.decode()
    assert "Shares of posts beside the census's rates, which differ" in body
    assert "agency-covered included ÷ (vacancies + FTE social workers)" in body


def test_the_overview_draws_the_caseload_distribution_with_the_limit(
    people, built, overview, client_for
):
    body = client_for(people["other-officer"]).get(overview).content.decode()
    assert "Average caseload per team" in body and "Limit: 20 cases" in body
    assert "Caseloads by team (limit: 20 cases)" in body


def test_the_overview_shows_the_performance_returns_caseloads_beside(
    people, arrangement, history, overview, client_for
):
    # Only the first month has an approved performance return; make it the latest month.
    WorkforceReturn.objects.filter(arrangement=arrangement).exclude(period=FIRST).update(
        state=State.SUPERSEDED
    )
    snapshot_recompute(arrangement=arrangement, names=["workforce"])
    body = client_for(people["other-officer"]).get(overview).content.decode()
    assert "December 2023, the latest approved month" in body
    assert "approved performance return for December 2023" in body
    assert "Performance figures:" in body


def test_the_overview_reads_a_bounded_number_of_queries(
    people, built, overview, client_for, django_assert_max_num_queries
):
    client = client_for(people["officer"])
    with django_assert_max_num_queries(12):
        assert client.get(overview).status_code == 200


def _months(count: int) -> list[str]:
    return [f"{2000 + i // 12}-{i % 12 + 1:02}" for i in range(count)]


def _overview_queries(small, client, count: int) -> int:
    figures = {"establishment_fte": 10, "experienced_fte": 8, "vacant_fte": 2, "leavers_fte": 1,
               "leavers": 1, "open_cases": 30, "workers_holding_cases": 2}  # fmt: skip
    for month in _months(count):
        if not WorkforceReturn.objects.filter(period=date.fromisoformat(month + "-01")).exists():
            small.approved(month, {"A1": figures, "B1": figures})
    snapshot_recompute(arrangement=small.arrangement, names=["workforce"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("workforce:overview", args=["TWT"]))
    assert response.status_code == 200
    latest = date.fromisoformat(_months(count)[-1] + "-01")
    assert f"{latest:%B %Y}, the latest approved month" in response.content.decode()
    return len(queries)


def test_the_overviews_queries_do_not_grow_with_the_months(small, client_for):
    client = client_for(small.officers[0])
    three = _overview_queries(small, client, 3)
    twenty_four = _overview_queries(small, client, 24)
    assert three == twenty_four <= 12


def test_the_overview_says_the_figures_are_being_prepared_before_the_snapshot(
    people, arrangement, history, overview, client_for
):
    Snapshot.objects.filter(arrangement=arrangement, name="workforce").delete()
    body = client_for(people["officer"]).get(overview).content.decode()
    assert "The workforce figures are being prepared" in body
    assert client_for(people["officer"]).get(overview, {"format": "csv"}).status_code == 404


def test_a_snapshot_of_an_earlier_layout_is_shown_as_being_prepared_not_an_error(
    people, arrangement, history, overview, client_for
):
    # A release that changes what the page reads back: the last snapshot made before it lacks
    # the census's figures; the page waits for the recompute rather than failing.
    from trust_portal.dashboards.services import snapshot_recompute

    (snapshot,) = snapshot_recompute(arrangement=arrangement, names=["workforce"])
    assert snapshot.data["shape"] == 2
    assert "being prepared" not in client_for(people["officer"]).get(overview).content.decode()
    Snapshot.objects.filter(pk=snapshot.pk).update(data={**snapshot.data, "shape": 1, "blocks": []})
    response = client_for(people["officer"]).get(overview)
    assert response.status_code == 200
    assert "The workforce figures are being prepared" in response.content.decode()


# Each table's rows under its header: a month each; a month, area (two councils and the
# whole) and rate (nine) each; the latest month's area and rate each; a team each, twice.
OVERVIEW_TABLE_ROWS = {"mix": 13, "rates": 13 * 3 * 9, "latest": 3 * 9, "teams": 4, "caseloads": 4}


@pytest.mark.parametrize("table", ["mix", "rates", "latest", "teams", "caseloads"])
def test_every_overview_table_downloads_as_csv_and_excel(
    people, built, overview, client_for, table
):
    client = client_for(people["officer"])
    as_csv = client.get(overview, {"table": table, "format": "csv"})
    assert as_csv.status_code == 200 and as_csv["Content-Type"].startswith("text/csv")
    assert len(csv_rows(as_csv)) == 1 + OVERVIEW_TABLE_ROWS[table]
    as_excel = client.get(overview, {"table": table, "format": "xlsx"})
    book = load_workbook(io.BytesIO(as_excel.content), read_only=True)
    assert len(list(book.active.iter_rows())) == len(csv_rows(as_csv))


def test_the_staff_mix_download_has_the_first_month_as_shares_of_posts(
    people, built, overview, client_for
):
    rows = csv_rows(client_for(people["officer"]).get(overview, {"table": "mix", "format": "csv"}))
    first = next(r for r in rows if r[0] == "2023-12")
    header = rows[0]
    shares = {h: first[i] for i, h in enumerate(header) if h.endswith("(% of posts)")}
    # Of 50 posts: 20 experienced, 8 ASYE, 2 international, 9 agency, 11 vacant.
    assert shares == {
        "Experienced permanent (% of posts)": "40.0",
        "Newly qualified (ASYE) (% of posts)": "16.0",
        "International, first year (% of posts)": "4.0",
        "Inexperienced permanent (ASYE and international first year) (% of posts)": "20.0",
        "Agency, covering a vacant post (% of posts)": "18.0",
        "Vacant, no cover (% of posts)": "22.0",
    }
    assert first[1] == "" and next(r for r in rows if r[0] == "2024-08")[1] == "yes"


def test_the_staff_mix_download_has_fte_as_numbers_in_excel(people, built, overview, client_for):
    response = client_for(people["officer"]).get(overview, {"table": "mix", "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content), read_only=True).active.values)
    first = next(r for r in rows if r[0] == "2023-12")
    assert first[2] == 50 and first[4] == pytest.approx(40.0)


def test_an_arrangement_with_no_approved_return_says_so(people, world, client_for):
    elsewhere = Arrangement.objects.get(trust=world.other_manager.organisation)
    snapshot_recompute(arrangement=elsewhere, names=["workforce"])
    body = client_for(people["other-manager"]).get(
        reverse("workforce:overview", args=[elsewhere.code])
    )
    assert "There is no approved workforce return yet" in body.content.decode()


def test_another_arrangements_overview_does_not_exist(people, built, overview, client_for):
    assert client_for(people["outsider"]).get(overview).status_code == 404


# --- Teams ------------------------------------------------------------------------------------


@pytest.fixture
def team_list(code):
    return reverse("workforce:team-list", args=[code])


def test_the_team_list_groups_teams_by_council_area(people, world, teams, team_list, client_for):
    body = client_for(people["scrutiny"]).get(team_list).content.decode()
    second = world.councils[1]
    assert f"{second.name} ({second.code})" in body and "MASH A" in body
    assert "Add a team" not in body


def test_the_trust_adds_a_team_with_a_reason_kept_in_its_history(
    people, world, arrangement, code, teams, team_list, client_for
):
    client = client_for(people["manager"])
    assert "Add a team" in client.get(team_list).content.decode()
    response = client.post(
        reverse("workforce:team-add", args=[code]),
        {
            "name": "Court Team A",
            "service": "court",
            "area": world.councils[0].code,
            "reason": "New team from April",
        },
    )
    team = Team.objects.get(arrangement=arrangement, name="Court Team A")
    assert response.url == reverse("workforce:team-detail", args=[code, team.pk])
    body = client.get(response.url).content.decode()
    assert "added" in body and "“New team from April”" in body


def test_a_teams_area_must_be_one_of_the_trusts_councils(people, world, code, teams, client_for):
    elsewhere = world.outsider.organisation  # a council of another arrangement
    response = client_for(people["manager"]).post(
        reverse("workforce:team-add", args=[code]),
        {"name": "Oak", "service": "court", "area": elsewhere.code, "reason": "x"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_a_team_name_is_used_once(people, world, code, teams, client_for):
    response = client_for(people["manager"]).post(
        reverse("workforce:team-add", args=[code]),
        {"name": "mash a", "service": "court", "area": world.councils[1].code, "reason": "x"},
    )
    assert f"{code} already has a team called “mash a”" in response.content.decode()


def test_the_trust_renames_and_closes_a_team_each_with_a_reason(
    people, world, code, teams, client_for
):
    team = teams["Safeguarding B"]
    client = client_for(people["manager"])
    client.post(
        reverse("workforce:team-edit", args=[code, team.pk]),
        {
            "name": "Safeguarding Bee",
            "service": "safeguarding",
            "area": world.councils[1].code,
            "reason": "Renamed",
        },
    )
    refused = client.post(reverse("workforce:team-close", args=[code, team.pk]), {"reason": ""})
    assert "Enter why?" in refused.content.decode() or "Enter" in refused.content.decode()
    client.post(reverse("workforce:team-close", args=[code, team.pk]), {"reason": "Merged"})
    team.refresh_from_db()
    assert (team.name, team.active) == ("Safeguarding Bee", False)
    reasons = [h.history_change_reason for h in team.history.order_by("history_date")]
    assert reasons[-2:] == ["Renamed", "Merged"]
    client.post(reverse("workforce:team-close", args=[code, team.pk]), {"reason": "Back"})
    team.refresh_from_db()
    assert team.active


@pytest.mark.parametrize("who", ["officer", "observer", "scrutiny", "admin"])
def test_only_the_trust_keeps_the_teams(people, code, teams, client_for, who):
    team = teams["MASH A"]
    client = client_for(people[who])
    assert client.get(reverse("workforce:team-add", args=[code])).status_code == 403
    posted = client.post(reverse("workforce:team-close", args=[code, team.pk]), {"reason": "x"})
    assert posted.status_code == 403
    team.refresh_from_db()
    assert team.active


def test_a_team_page_shows_its_approved_months_and_downloads_them(
    people, code, history, client_for
):
    team = history.teams["First Response A"]
    client = client_for(people["officer"])
    body = client.get(reverse("workforce:team-detail", args=[code, team.pk])).content.decode()
    assert "Dec 2023" in body and "Jul 2025" in body and "66 / 3" in body  # 22 cases a worker
    rows = csv_rows(
        client.get(reverse("workforce:team-detail", args=[code, team.pk]), {"format": "csv"})
    )
    assert rows[1][0] == "2023-12" and len(rows) == 14  # a header and 13 approved months
    assert no_inline_styles_or_scripts(body)


def test_a_team_pages_rates_are_the_census_rates_then_the_other_views(
    people, code, history, client_for
):
    team = history.teams["First Response A"]
    page = reverse("workforce:team-detail", args=[code, team.pk])
    tables = tables_of(client_for(people["scrutiny"]).get(page).content.decode())
    census = tables["The team's rates by the census method, each approved month"]
    other = tables["The team's rates in the other views, each approved month"]
    assert census[0] == ["Month", *CENSUS_RATES] and other[0] == ["Month", *OTHER_VIEWS]
    assert [r[0] for r in census[1:3]] == ["Dec 2023", "Aug 2024 Synthetic"]
    # December 2023: 3 vacant and 3 agency-covered posts ÷ (6 + 4 FTE social workers).
    assert census[1][1].split()[0] == "60.0%" and len(other) == 1 + 13


def test_the_team_list_downloads(people, teams, team_list, client_for):
    rows = csv_rows(client_for(people["observer"]).get(team_list, {"format": "csv"}))
    # a header and the four teams
    assert rows[0] == ["Council area", "Team", "Service", "Open or closed"] and len(rows) == 5


# --- Returns: list and starting ---------------------------------------------------------------


@pytest.fixture
def return_list(code):
    return reverse("workforce:return-list", args=[code])


def test_the_list_shows_each_month_and_marks_synthetic_ones(
    people, history, return_list, client_for
):
    body = client_for(people["scrutiny"]).get(return_list).content.decode()
    assert "December 2023" in body and "July 2025" in body
    assert body.count('govuk-tag--grey">Synthetic') == 11  # August 2024 to June 2025
    assert "Start a month" not in body


def test_the_trust_starts_a_month_and_goes_to_its_entry_form(
    people, code, teams, return_list, client_for
):
    response = client_for(people["manager"]).post(return_list, {"month": "2025-09-20"})
    assert response.url == reverse("workforce:return-edit", args=[code, "2025-09", 1])


def test_starting_a_month_that_exists_says_so_on_the_form(people, history, return_list, client_for):
    body = client_for(people["manager"]).post(return_list, {"month": "2025-07-01"}).content.decode()
    assert "already has a return" in body


def test_drafts_are_seen_by_the_trust_only(people, return_list, client_for, draft):
    assert "September 2025" in client_for(people["manager"]).get(return_list).content.decode()
    assert "September 2025" not in client_for(people["officer"]).get(return_list).content.decode()
    assert client_for(people["officer"]).get(url(draft)).status_code == 404


def test_the_list_downloads(people, history, return_list, client_for):
    rows = csv_rows(client_for(people["officer"]).get(return_list, {"format": "csv"}))
    # a header and the 13 approved months, the latest first
    assert rows[1][:3] == ["2025-07", "Original", "Approved"] and len(rows) == 14


# --- Entry ------------------------------------------------------------------------------------


def form_data(workforce_return, teams):
    data = {"version": workforce_return.lock_version}
    for pk, typed in teams.items():
        data.update({f"{pk}__{field}": value for field, value in typed.items()})
    return data


def test_the_entry_form_has_teams_down_and_figures_across_by_area(people, world, client_for, draft):
    body = client_for(people["manager"]).get(url(draft, "return-edit")).content.decode()
    second = world.councils[1]
    assert f"{second.name} ({second.code})" in body and "Posts (FTE)" in body
    assert body.count('class="govuk-input tp-entry__input') == 4 * 16  # 4 teams, 16 figures
    assert "MASH A: case-holding FTE (permanent and agency)" in body
    assert "MASH A: agency over the establishment, not covering a vacancy (FTE)" in body
    assert "MASH A: establishment (FTE)" in body  # each input's label
    assert no_inline_styles_or_scripts(body)


def test_saving_the_figures_returns_to_the_month(people, arrangement, client_for, draft):
    client = client_for(people["manager"])
    response = client.post(url(draft, "return-edit"), form_data(draft, every_team(arrangement)))
    assert response.url == url(draft)
    assert draft.figures.count() == 4


def test_errors_are_shown_beside_their_fields_keeping_what_was_typed(
    people, arrangement, teams, client_for, draft
):
    team = teams["First Response A"]
    typed = every_team(arrangement)
    typed[team.pk] = row(vacant_fte="2.345", establishment_fte="11")
    body = (
        client_for(people["manager"])
        .post(url(draft, "return-edit"), form_data(draft, typed))
        .content.decode()
    )
    assert "There is a problem" in body
    assert f'id="id_{team.pk}__vacant_fte-error"' in body
    assert (
        "First Response A: the vacancies with no cover (FTE) must have at most 2 decimal places"
    ) in body
    assert 'value="2.345"' in body and 'value="11"' in body  # as typed
    assert not draft.figures.exists()


def test_posts_that_do_not_add_up_are_shown_beside_the_establishment(
    people, teams, client_for, draft
):
    team = teams["MASH A"]
    typed = {team.pk: row(establishment_fte="12.50")}
    body = (
        client_for(people["manager"])
        .post(url(draft, "return-edit"), form_data(draft, typed))
        .content.decode()
    )
    assert f'id="id_{team.pk}__establishment_fte-error"' in body
    assert "The posts do not add up" in body and 'value="12.50"' in body


def test_a_stale_page_is_told_and_shown_the_latest_figures(people, teams, client_for, draft):
    team = teams["MASH A"]
    stale = form_data(draft, {team.pk: row(open_cases="99", workers_holding_cases="9")})
    services.workforce_return_save(
        by=people["manager"],
        workforce_return=draft,
        expected_version=draft.lock_version,
        teams={team.pk: row()},
    )
    body = client_for(people["manager"]).post(url(draft, "return-edit"), stale).content.decode()
    assert "Your changes were not saved" in body and "Someone else saved" in body
    assert draft.figures.get(team=team).open_cases == 40


def test_a_locked_month_sends_the_trust_back_to_it(people, history, client_for):
    july = history.months[LATEST]
    response = client_for(people["manager"]).get(url(july, "return-edit"))
    assert response.url == url(july)


def test_council_officers_cannot_enter_figures(people, arrangement, client_for, draft):
    services.workforce_return_save(
        by=people["manager"],
        workforce_return=draft,
        expected_version=draft.lock_version,
        teams=every_team(arrangement),
    )
    services.workforce_return_submit(by=people["manager"], workforce_return=draft)
    assert client_for(people["officer"]).get(url(draft, "return-edit")).status_code == 403


# --- Review and actions -----------------------------------------------------------------------


def test_the_first_month_shows_its_mix_beside_the_dfe_rates(people, history, client_for):
    body = client_for(people["scrutiny"]).get(url(history.months[FIRST])).content.decode()
    # Of 50 posts: 20 experienced, 8 ASYE, 2 international, 9 agency, 11 vacant.
    for share in ["40.0%", "16.0%", "4.0%", "18.0%", "22.0%"]:
        assert share in body
    assert "Newly qualified and international first year together" in body
    assert "10.00" in body and "20.0%" in body  # 8 + 2 inexperienced, of 50 posts
    assert "40.0%" in body  # the census vacancy rate: (11 + 9 agency-covered) / (20 + 30)
    assert "Not enough months: 1 of the 12 have figures" in body
    assert "approved performance return for December 2023" in body  # caseloads side by side
    assert history.performance.get_absolute_url() in body  # the one built beside it


def test_the_review_splits_each_teams_figures_and_rates_into_narrow_tables(
    people, history, client_for, areas, code
):
    body = client_for(people["officer"]).get(url(history.months[FIRST])).content.decode()
    tables = tables_of(body)
    by_area = ", by council area, with red, amber or green against the targets in force"
    census = tables["Rates by the census method in December 2023" + by_area]
    assert census[0] == ["Rate", *(f"{a.name} ({a.code})" for a in areas), f"All of {code}"]
    assert [r[0] for r in census[1:]] == CENSUS_RATES
    assert census[1][3].split()[0] == "40.0%"  # (11 + 9 agency-covered) ÷ (20 + 30)
    assert [r[0] for r in tables["Other views in December 2023" + by_area][1:]] == OTHER_VIEWS
    # The captions name no area, so the second council's tables are the ones kept here.
    posts = tables["Each team's posts (FTE)"]
    assert posts[0][1:] == [
        "Establish\xadment",
        "Experienced permanent",
        "ASYE",
        "International first year",
        "Agency",
        "Agency over establish\xadment",
        "Vacant, no cover",
    ]
    # Children in Care B: 10 posts = 5 experienced + 1 ASYE + 2 agency + 2 vacant.
    figures = ["10.00", "5.00", "1.00", "0.00", "2.00", "0.00", "2.00"]
    assert posts[1] == ["Children in Care B", *figures]
    others = tables["Each team's starters, leavers and cases"]
    assert others[0][1:] == [
        "Starters (heads / FTE)",
        "Leavers (heads / FTE)",
        "Open cases held",
        "Workers holding cases",
        "Case-holding FTE",
        "Above the limit",
        "Unallocated cases",
    ]
    assert others[1][:2] == ["Children in Care B", "0 / 0.00"] and others[1][3] == "30"
    assert tables["Each team's rates: by the census method"][0] == ["Team", *CENSUS_RATES]
    assert tables["Each team's rates: other views"][0] == ["Team", *OTHER_VIEWS]


def test_the_review_says_what_stops_submission_and_the_check_page_lists_it(
    people, client_for, teams, draft
):
    client = client_for(people["manager"])
    body = client.get(url(draft)).content.decode()
    assert "Before this can be submitted" in body
    assert "Submit to the councils" in body
    check = client.get(url(draft, "return-submit")).content.decode()
    assert f"MASH A ({teams['MASH A'].area.code}): enter the team&#x27;s figures." in check


def test_the_trust_submits_and_each_council_approves_its_area_on_the_page(
    people, world, arrangement, client_for, draft, mailoutbox, django_capture_on_commit_callbacks
):
    services.workforce_return_save(
        by=people["manager"],
        workforce_return=draft,
        expected_version=draft.lock_version,
        teams=every_team(arrangement),
    )
    with django_capture_on_commit_callbacks(execute=True):
        client_for(people["manager"]).post(url(draft, "return-submit"))
    assert len(mailoutbox) == 2  # the two councils' officers (the leaver's account is closed)
    page = client_for(people["officer"]).get(url(draft)).content.decode()
    first = world.councils[0].code
    assert f"Approve {first}&#x27;s area" in page or f"Approve {first}'s area" in page
    client_for(people["officer"]).post(url(draft, "return-approve"))
    client_for(people["other-officer"]).post(url(draft, "return-approve"))
    draft.refresh_from_db()
    assert draft.state == State.APPROVED


def test_submitting_too_early_says_what_is_missing(people, client_for, teams, draft):
    response = client_for(people["manager"]).post(url(draft, "return-submit"), follow=True)
    area = teams["MASH A"].area.code  # each team named with its council area
    assert f"MASH A ({area}): enter the team&#x27;s figures." in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == State.DRAFT


def test_an_officer_returns_it_with_a_query(people, arrangement, client_for, draft):
    services.workforce_return_save(
        by=people["manager"],
        workforce_return=draft,
        expected_version=draft.lock_version,
        teams=every_team(arrangement),
    )
    services.workforce_return_submit(by=people["manager"], workforce_return=draft)
    client = client_for(people["other-officer"])
    assert client.post(url(draft, "return-send-back"), {"query": ""}).status_code == 200
    client.post(url(draft, "return-send-back"), {"query": "Check the agency FTE"})
    draft.refresh_from_db()
    assert draft.state == State.RETURNED
    assert "Check the agency FTE" in client_for(people["manager"]).get(url(draft)).content.decode()


def test_the_trust_starts_a_correction_of_an_approved_month(people, code, history, client_for):
    july = history.months[LATEST]
    client = client_for(people["manager"])
    response = client.post(url(july, "return-correct"), {"reason": "Recount of agency staff"})
    assert response.url == reverse("workforce:return-detail", args=[code, "2025-07", 2])
    body = client.get(response.url).content.decode()
    assert "Correction 1: Recount of agency staff" in body


@pytest.mark.parametrize("table", ["teams", "caseloads"])
def test_a_months_tables_download(people, world, code, areas, history, client_for, table):
    client = client_for(people["observer"])
    first = history.months[FIRST]
    rows = csv_rows(client.get(url(first, query=f"?table={table}&format=csv")))
    if table == "teams":
        # a header, the four teams, the two areas and the whole
        assert len(rows) == 1 + 4 + 2 + 1 and rows[-1][1] == f"All of {code}"
        vacancy = rows[0].index("Vacancy rate (census method) (%)")
        assert rows[-1][vacancy] == "40.0"  # (11 + 9 agency-covered) / (20 + 30)
        unfilled = rows[0].index("Posts unfilled, no cover (%)")
        assert rows[-1][unfilled] == "22.0"  # 11 of 50
        assert rows[-1][rows[0].index("Establishment (FTE)")] == "50.00"
    else:
        # the workforce return's and the performance return's average caseload, alike:
        # the first council 116 cases of 5 workers, the second 90 of 9
        average = {world.councils[0].code: "23.2", world.councils[1].code: "10.0"}
        listed = areas[0]
        # and the census's caseload beside them: one FTE a worker in these figures
        assert rows[1][:4] == [
            f"{listed.name} ({listed.code})",
            average[listed.code],
            average[listed.code],
            average[listed.code],
        ]
    excel = client.get(url(first, query=f"?table={table}&format=xlsx"))
    assert excel["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_review_page_reads_a_bounded_number_of_queries(
    people, history, client_for, django_assert_max_num_queries
):
    client = client_for(people["officer"])
    with django_assert_max_num_queries(25):
        assert client.get(url(history.months[LATEST])).status_code == 200


def test_the_entry_form_shows_last_months_approved_figures_under_each_team(
    people, arrangement, teams, client_for, draft
):
    august = WorkforceReturnFactory(
        arrangement=arrangement, period=date(2025, 8, 1), state=State.APPROVED
    )
    TeamFiguresFactory(workforce_return=august, team=teams["MASH A"], open_cases=37)
    body = client_for(people["manager"]).get(url(draft, "return-edit")).content.decode()
    assert body.count('<tr class="govuk-table__row tp-entry__last">') == 1  # MASH A only
    last = body.split('<tr class="govuk-table__row tp-entry__last">')[1].split("</tr>")[0]
    assert 'Last month<span class="govuk-visually-hidden">, MASH A</span>' in last
    cells = re.findall(r'<td class="govuk-table__cell tp-numeric">(.*?)</td>', last)
    assert cells[0] == "10.00" and cells[11] == "37" and len(cells) == 16


def test_the_entry_form_has_a_save_bar_and_warns_of_unsaved_figures(
    people, arrangement, teams, client_for, draft
):
    client = client_for(people["manager"])
    body = client.get(url(draft, "return-edit")).content.decode()
    assert '<div class="tp-save-bar">' in body and "js/entry-grid.mjs" in body
    assert '<form method="post" novalidate data-entry-form>' in body
    typed = every_team(arrangement, vacant_fte="lots")
    body = client.post(url(draft, "return-edit"), form_data(draft, typed)).content.decode()
    assert '<form method="post" novalidate data-entry-form data-unsaved>' in body
    assert "MASH A: the vacancies with no cover (FTE)" in body  # the error names the team
