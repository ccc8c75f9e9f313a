"""The workforce pages: the overview (rates with RAG in words, the staff mix as shares of posts
beside the DfE rates, the SVG charts with their tables, downloads), teams (kept by the trust's
managers with a reason and history), the returns' list, entry form (errors beside their
fields, what was typed kept, stale pages), review and actions."""

import csv
import io
from datetime import date

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

MONTH = date(2025, 1, 1)
OVERVIEW = reverse("workforce:overview", args=["NCT"])
READERS = ["wnc-officer", "nnc-officer", "nct-manager", "dfe-observer", "wnc-scrutiny", "admin"]


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


def demo(month: str) -> WorkforceReturn:
    return WorkforceReturn.objects.get(
        arrangement__trust__code="NCT", period=date.fromisoformat(month + "-01")
    )


@pytest.fixture
def draft(cast, nct):
    return services.workforce_return_start(by=cast["nct-manager"], arrangement=nct, month=MONTH)


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def no_inline_styles_or_scripts(body: str) -> bool:
    # The CSP allows neither; charts are drawn with attributes and site.css classes.
    return "style=" not in body and "<script>" not in body and "onclick" not in body


# --- The overview -----------------------------------------------------------------------------
# The overview reads the "workforce" snapshot (workforce/dashboards/), so each test builds it
# first, as the recompute job would.


@pytest.fixture
def built(cast, nct):
    snapshot_recompute(arrangement=nct, names=["workforce"])


@pytest.mark.parametrize("who", READERS)
def test_the_overview_shows_the_latest_months_rates_with_rag_in_words(cast, built, client_for, who):
    body = client_for(cast[who]).get(OVERVIEW).content.decode()
    assert "July 2024, the latest approved month" in body
    assert "12.9%" in body and "9.9%" in body
    assert "Green: on or beyond target" in body  # 12.9% against a synthetic 15% ± 3
    assert "target 15% ± 3 points" in body
    assert no_inline_styles_or_scripts(body)


def test_the_overview_links_the_latest_return_and_each_month(cast, built, client_for):
    body = client_for(cast["wnc-officer"]).get(OVERVIEW).content.decode()
    assert url(demo("2024-07")) in body and url(demo("2018-12")) in body
    team = Team.objects.get(name="MASH West")
    assert reverse("workforce:team-detail", args=["NCT", team.pk]) in body


def test_the_overview_draws_the_staff_mix_over_time_with_its_table(cast, built, client_for):
    body = client_for(cast["wnc-scrutiny"]).get(OVERVIEW).content.decode()
    assert body.count('class="tp-mix tp-mix--0"') >= 13  # a bar a month (and the key)
    assert 'role="img"' in body and '<title id="mix-title">' in body
    assert "Dec 2018" in body and "33.8%" in body  # 111 of 328 posts
    assert "Synthetic" in body and "* synthetic month (demo data)" in body


def test_the_overview_shows_posts_shares_beside_the_dfe_rates(cast, built, client_for):
    body = client_for(cast["dfe-observer"]).get(OVERVIEW).content.decode()
    assert "Shares of posts beside the DfE rates, which differ" in body
    assert "vacancy rate: vacant ÷ (vacant + employed)" in body


def test_the_overview_draws_the_caseload_distribution_with_the_limit(cast, built, client_for):
    body = client_for(cast["nnc-officer"]).get(OVERVIEW).content.decode()
    assert "Average caseload per team" in body and "Limit: 20 cases" in body
    assert "Caseloads by team (limit: 20 cases)" in body


def test_the_overview_shows_the_performance_returns_caseloads_beside(cast, nct, client_for):
    # Only December 2018 has an approved performance return; make it the latest month.
    WorkforceReturn.objects.filter(arrangement=nct).exclude(period__year=2018).update(
        state=State.SUPERSEDED
    )
    snapshot_recompute(arrangement=nct, names=["workforce"])
    body = client_for(cast["nnc-officer"]).get(OVERVIEW).content.decode()
    assert "December 2018, the latest approved month" in body
    assert "approved performance return for December 2018" in body
    assert "Performance figures:" in body


def test_the_overview_reads_a_bounded_number_of_queries(
    cast, built, client_for, django_assert_max_num_queries
):
    client = client_for(cast["wnc-officer"])
    with django_assert_max_num_queries(12):
        assert client.get(OVERVIEW).status_code == 200


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
    cast, nct, client_for
):
    Snapshot.objects.filter(arrangement=nct, name="workforce").delete()
    body = client_for(cast["wnc-officer"]).get(OVERVIEW).content.decode()
    assert "The workforce figures are being prepared" in body
    assert client_for(cast["wnc-officer"]).get(OVERVIEW, {"format": "csv"}).status_code == 404


@pytest.mark.parametrize("table", ["mix", "rates", "latest", "teams", "caseloads"])
def test_every_overview_table_downloads_as_csv_and_excel(cast, built, client_for, table):
    client = client_for(cast["wnc-officer"])
    as_csv = client.get(OVERVIEW, {"table": table, "format": "csv"})
    assert as_csv.status_code == 200 and as_csv["Content-Type"].startswith("text/csv")
    assert len(csv_rows(as_csv)) > 1
    as_excel = client.get(OVERVIEW, {"table": table, "format": "xlsx"})
    book = load_workbook(io.BytesIO(as_excel.content), read_only=True)
    assert len(list(book.active.iter_rows())) == len(csv_rows(as_csv))


def test_the_staff_mix_download_has_december_2018_as_shares_of_posts(cast, built, client_for):
    rows = csv_rows(
        client_for(cast["wnc-officer"]).get(OVERVIEW, {"table": "mix", "format": "csv"})
    )
    december = next(r for r in rows if r[0] == "2018-12")
    header = rows[0]
    shares = {h: december[i] for i, h in enumerate(header) if h.endswith("(% of posts)")}
    assert shares == {
        "Experienced permanent (% of posts)": "33.8",
        "Newly qualified (ASYE) (% of posts)": "17.7",
        "International, first year (% of posts)": "5.5",
        "Inexperienced permanent (ASYE and international first year) (% of posts)": "23.2",
        "Agency (% of posts)": "25.0",
        "Vacant (% of posts)": "18.0",
    }
    assert december[1] == "" and next(r for r in rows if r[0] == "2023-08")[1] == "yes"


def test_the_staff_mix_download_has_fte_as_numbers_in_excel(cast, built, client_for):
    response = client_for(cast["wnc-officer"]).get(OVERVIEW, {"table": "mix", "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content), read_only=True).active.values)
    december = next(r for r in rows if r[0] == "2018-12")
    assert december[2] == 328 and december[4] == pytest.approx(33.8)


def test_an_arrangement_with_no_approved_return_says_so(cast, client_for):
    snapshot_recompute(arrangement=Arrangement.objects.get(trust__code="OCT"), names=["workforce"])
    body = client_for(cast["oct-manager"]).get(reverse("workforce:overview", args=["OCT"]))
    assert "There is no approved workforce return yet" in body.content.decode()


def test_another_arrangements_overview_does_not_exist(cast, client_for):
    assert client_for(cast["occ-officer"]).get(OVERVIEW).status_code == 404


# --- Teams ------------------------------------------------------------------------------------

TEAMS = reverse("workforce:team-list", args=["NCT"])


def test_the_team_list_groups_teams_by_council_area(cast, client_for):
    body = client_for(cast["wnc-scrutiny"]).get(TEAMS).content.decode()
    assert "North Northamptonshire Council (NNC)" in body and "MASH West" in body
    assert "Add a team" not in body


def test_the_trust_adds_a_team_with_a_reason_kept_in_its_history(cast, client_for, nct):
    client = client_for(cast["nct-manager"])
    assert "Add a team" in client.get(TEAMS).content.decode()
    response = client.post(
        reverse("workforce:team-add", args=["NCT"]),
        {
            "name": "Court Team West",
            "service": "court",
            "area": "WNC",
            "reason": "New team from April",
        },
    )
    team = Team.objects.get(arrangement=nct, name="Court Team West")
    assert response.url == reverse("workforce:team-detail", args=["NCT", team.pk])
    body = client.get(response.url).content.decode()
    assert "added" in body and "“New team from April”" in body


def test_a_teams_area_must_be_one_of_the_trusts_councils(cast, client_for):
    response = client_for(cast["nct-manager"]).post(
        reverse("workforce:team-add", args=["NCT"]),
        {"name": "Oak", "service": "court", "area": "OCC", "reason": "x"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_a_team_name_is_used_once(cast, client_for):
    response = client_for(cast["nct-manager"]).post(
        reverse("workforce:team-add", args=["NCT"]),
        {"name": "mash north", "service": "court", "area": "NNC", "reason": "x"},
    )
    assert "NCT already has a team called “mash north”" in response.content.decode()


def test_the_trust_renames_and_closes_a_team_each_with_a_reason(cast, client_for, nct):
    team = Team.objects.get(arrangement=nct, name="Safeguarding West 4")
    client = client_for(cast["nct-manager"])
    client.post(
        reverse("workforce:team-edit", args=["NCT", team.pk]),
        {
            "name": "Safeguarding West Four",
            "service": "safeguarding",
            "area": "WNC",
            "reason": "Renamed",
        },
    )
    refused = client.post(reverse("workforce:team-close", args=["NCT", team.pk]), {"reason": ""})
    assert "Enter why?" in refused.content.decode() or "Enter" in refused.content.decode()
    client.post(reverse("workforce:team-close", args=["NCT", team.pk]), {"reason": "Merged"})
    team.refresh_from_db()
    assert (team.name, team.active) == ("Safeguarding West Four", False)
    reasons = [h.history_change_reason for h in team.history.order_by("history_date")]
    assert reasons[-2:] == ["Renamed", "Merged"]
    client.post(reverse("workforce:team-close", args=["NCT", team.pk]), {"reason": "Back"})
    team.refresh_from_db()
    assert team.active


@pytest.mark.parametrize("who", ["wnc-officer", "dfe-observer", "nnc-scrutiny", "admin"])
def test_only_the_trust_keeps_the_teams(cast, client_for, nct, who):
    team = Team.objects.filter(arrangement=nct).first()
    client = client_for(cast[who])
    assert client.get(reverse("workforce:team-add", args=["NCT"])).status_code == 403
    posted = client.post(reverse("workforce:team-close", args=["NCT", team.pk]), {"reason": "x"})
    assert posted.status_code == 403
    team.refresh_from_db()
    assert team.active


def test_a_team_page_shows_its_approved_months_and_downloads_them(cast, client_for, nct):
    team = Team.objects.get(arrangement=nct, name="First Response North")
    client = client_for(cast["wnc-officer"])
    body = client.get(reverse("workforce:team-detail", args=["NCT", team.pk])).content.decode()
    assert "Dec 2018" in body and "Jul 2024" in body and "212 / 4" in body  # 53 cases a worker
    rows = csv_rows(
        client.get(reverse("workforce:team-detail", args=["NCT", team.pk]), {"format": "csv"})
    )
    assert rows[1][0] == "2018-12" and len(rows) == 14
    assert no_inline_styles_or_scripts(body)


def test_the_team_list_downloads(cast, client_for):
    rows = csv_rows(client_for(cast["dfe-observer"]).get(TEAMS, {"format": "csv"}))
    assert rows[0] == ["Council area", "Team", "Service", "Open or closed"] and len(rows) == 20


# --- Returns: list and starting ---------------------------------------------------------------

LIST = reverse("workforce:return-list", args=["NCT"])


def test_the_list_shows_each_month_and_marks_synthetic_ones(cast, client_for):
    body = client_for(cast["nnc-scrutiny"]).get(LIST).content.decode()
    assert "December 2018" in body and "July 2024" in body
    assert body.count('govuk-tag--grey">Synthetic') == 11
    assert "Start a month" not in body


def test_the_trust_starts_a_month_and_goes_to_its_entry_form(cast, client_for):
    response = client_for(cast["nct-manager"]).post(LIST, {"month": "2025-01-20"})
    assert response.url == reverse("workforce:return-edit", args=["NCT", "2025-01", 1])


def test_starting_a_month_that_exists_says_so_on_the_form(cast, client_for):
    body = client_for(cast["nct-manager"]).post(LIST, {"month": "2024-07-01"}).content.decode()
    assert "already has a return" in body


def test_drafts_are_seen_by_the_trust_only(cast, client_for, draft):
    assert "January 2025" in client_for(cast["nct-manager"]).get(LIST).content.decode()
    assert "January 2025" not in client_for(cast["wnc-officer"]).get(LIST).content.decode()
    assert client_for(cast["wnc-officer"]).get(url(draft)).status_code == 404


def test_the_list_downloads(cast, client_for):
    rows = csv_rows(client_for(cast["wnc-officer"]).get(LIST, {"format": "csv"}))
    assert rows[1][:3] == ["2024-07", "Original", "Approved"] and len(rows) == 14


# --- Entry ------------------------------------------------------------------------------------


def form_data(workforce_return, teams):
    data = {"version": workforce_return.lock_version}
    for pk, typed in teams.items():
        data.update({f"{pk}__{field}": value for field, value in typed.items()})
    return data


def test_the_entry_form_has_teams_down_and_figures_across_by_area(cast, client_for, draft):
    body = client_for(cast["nct-manager"]).get(url(draft, "return-edit")).content.decode()
    assert "North Northamptonshire Council (NNC)" in body and "Posts (FTE)" in body
    assert body.count('class="govuk-input tp-entry__input') == 19 * 14
    assert "MASH North: establishment (FTE)" in body  # each input's label
    assert no_inline_styles_or_scripts(body)


def test_saving_the_figures_returns_to_the_month(cast, client_for, nct, draft):
    client = client_for(cast["nct-manager"])
    response = client.post(url(draft, "return-edit"), form_data(draft, every_team(nct)))
    assert response.url == url(draft)
    assert draft.figures.count() == 19


def test_errors_are_shown_beside_their_fields_keeping_what_was_typed(cast, client_for, nct, draft):
    team = Team.objects.get(arrangement=nct, name="Assessment West")
    teams = every_team(nct)
    teams[team.pk] = row(vacant_fte="2.345", establishment_fte="11")
    body = (
        client_for(cast["nct-manager"])
        .post(url(draft, "return-edit"), form_data(draft, teams))
        .content.decode()
    )
    assert "There is a problem" in body
    assert f'id="id_{team.pk}__vacant_fte-error"' in body
    assert "Assessment West: the vacancies (FTE) must have at most 2 decimal places" in body
    assert 'value="2.345"' in body and 'value="11"' in body  # as typed
    assert not draft.figures.exists()


def test_posts_that_do_not_add_up_are_shown_beside_the_establishment(cast, client_for, nct, draft):
    team = Team.objects.get(arrangement=nct, name="MASH West")
    teams = {team.pk: row(establishment_fte="12.50")}
    body = (
        client_for(cast["nct-manager"])
        .post(url(draft, "return-edit"), form_data(draft, teams))
        .content.decode()
    )
    assert f'id="id_{team.pk}__establishment_fte-error"' in body
    assert "The posts do not add up" in body and 'value="12.50"' in body


def test_a_stale_page_is_told_and_shown_the_latest_figures(cast, client_for, nct, draft):
    team = Team.objects.filter(arrangement=nct).first()
    stale = form_data(draft, {team.pk: row(open_cases="99", workers_holding_cases="9")})
    services.workforce_return_save(
        by=cast["nct-manager"],
        workforce_return=draft,
        expected_version=draft.lock_version,
        teams={team.pk: row()},
    )
    body = client_for(cast["nct-manager"]).post(url(draft, "return-edit"), stale).content.decode()
    assert "Your changes were not saved" in body and "Someone else saved" in body
    assert draft.figures.get(team=team).open_cases == 40


def test_a_locked_month_sends_the_trust_back_to_it(cast, client_for):
    july = demo("2024-07")
    response = client_for(cast["nct-manager"]).get(url(july, "return-edit"))
    assert response.url == url(july)


def test_council_officers_cannot_enter_figures(cast, client_for, nct, draft):
    services.workforce_return_save(
        by=cast["nct-manager"],
        workforce_return=draft,
        expected_version=draft.lock_version,
        teams=every_team(nct),
    )
    services.workforce_return_submit(by=cast["nct-manager"], workforce_return=draft)
    assert client_for(cast["wnc-officer"]).get(url(draft, "return-edit")).status_code == 403


# --- Review and actions -----------------------------------------------------------------------


def test_december_2018_shows_the_reports_mix_beside_the_dfe_rates(cast, client_for):
    body = client_for(cast["wnc-scrutiny"]).get(url(demo("2018-12"))).content.decode()
    for share in ["33.8%", "17.7%", "5.5%", "25.0%", "18.0%"]:
        assert share in body
    assert "Newly qualified and international first year together" in body
    assert "76.00" in body and "23.2%" in body  # the report's "over 23%"
    assert "24.0%" in body  # the DfE vacancy rate: 59 / (59 + 187)
    assert "Not enough months: 1 of the 12 have figures" in body
    assert "approved performance return for December 2018" in body  # caseloads side by side


def test_the_review_lists_what_stops_submission(cast, client_for, draft):
    body = client_for(cast["nct-manager"]).get(url(draft)).content.decode()
    assert "Before this can be submitted" in body
    assert "MASH North: enter the team&#x27;s figures." in body
    assert "Submit to the councils" in body


def test_the_trust_submits_and_each_council_approves_its_area_on_the_page(
    cast, client_for, nct, draft, mailoutbox, django_capture_on_commit_callbacks
):
    services.workforce_return_save(
        by=cast["nct-manager"],
        workforce_return=draft,
        expected_version=draft.lock_version,
        teams=every_team(nct),
    )
    with django_capture_on_commit_callbacks(execute=True):
        client_for(cast["nct-manager"]).post(url(draft, "return-submit"))
    assert len(mailoutbox) == 2
    page = client_for(cast["wnc-officer"]).get(url(draft)).content.decode()
    assert "Approve WNC&#x27;s area" in page or "Approve WNC's area" in page
    client_for(cast["wnc-officer"]).post(url(draft, "return-approve"))
    client_for(cast["nnc-officer"]).post(url(draft, "return-approve"))
    draft.refresh_from_db()
    assert draft.state == State.APPROVED


def test_submitting_too_early_says_what_is_missing(cast, client_for, draft):
    response = client_for(cast["nct-manager"]).post(url(draft, "return-submit"), follow=True)
    assert "MASH North: enter the team&#x27;s figures." in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == State.DRAFT


def test_an_officer_returns_it_with_a_query(cast, client_for, nct, draft):
    services.workforce_return_save(
        by=cast["nct-manager"],
        workforce_return=draft,
        expected_version=draft.lock_version,
        teams=every_team(nct),
    )
    services.workforce_return_submit(by=cast["nct-manager"], workforce_return=draft)
    client = client_for(cast["nnc-officer"])
    assert client.post(url(draft, "return-send-back"), {"query": ""}).status_code == 200
    client.post(url(draft, "return-send-back"), {"query": "Check the agency FTE"})
    draft.refresh_from_db()
    assert draft.state == State.RETURNED
    assert (
        "Check the agency FTE" in client_for(cast["nct-manager"]).get(url(draft)).content.decode()
    )


def test_the_trust_starts_a_correction_of_an_approved_month(cast, client_for):
    july = demo("2024-07")
    client = client_for(cast["nct-manager"])
    response = client.post(url(july, "return-correct"), {"reason": "Recount of agency staff"})
    assert response.url == reverse("workforce:return-detail", args=["NCT", "2024-07", 2])
    body = client.get(response.url).content.decode()
    assert "Correction 1: Recount of agency staff" in body


@pytest.mark.parametrize("table", ["teams", "caseloads"])
def test_a_months_tables_download(cast, client_for, table):
    client = client_for(cast["dfe-observer"])
    rows = csv_rows(client.get(url(demo("2018-12"), query=f"?table={table}&format=csv")))
    if table == "teams":
        assert len(rows) == 1 + 19 + 2 + 1 and rows[-1][1] == "All of NCT"
        vacancy = rows[0].index("Vacancy rate (%)")
        assert rows[-1][vacancy] == "24.0"
        assert rows[-1][rows[0].index("Establishment (FTE)")] == "328.00"
    else:
        assert rows[1][:3] == ["North Northamptonshire Council (NNC)", "21.2", "21.2"]
    excel = client.get(url(demo("2018-12"), query=f"?table={table}&format=xlsx"))
    assert excel["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_review_page_reads_a_bounded_number_of_queries(
    cast, client_for, django_assert_max_num_queries
):
    client = client_for(cast["wnc-officer"])
    with django_assert_max_num_queries(25):
        assert client.get(url(demo("2024-07"))).status_code == 200
