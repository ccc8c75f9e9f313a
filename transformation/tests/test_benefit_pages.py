"""The benefits realisation pages as each role sees and uses them (statuses for every URL and
role are in tests/test_url_matrix.py; these are the behaviours behind them).

Built on factories: the root ``world``'s approved Circle to Success case (``cts``, made by
``benefit_cases.make_circle_to_success``) carries three benefits for 2024/25, set and reported
by the world's manager: Valuing Care assessments (targets 250, 300, 300, 300; 290 and 265
done), children and young people worked with (30, 35, 35, 35; 35 and 28) and savings
(£1,000,000.00 a quarter, lower tolerances £800,000.00 but £750,000.00 in Q2; £1,150,000.00
and £840,000.00 saved)."""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from transformation.models import Benefit, BenefitQuarter, BusinessCase
from transformation.tests import benefit_cases

D = Decimal


@pytest.fixture
def cast(people):
    """The world's people, by the names the tests use."""
    return people


@pytest.fixture
def code(arrangement) -> str:
    """The world's trust code, in its addresses."""
    return arrangement.trust.code


@pytest.fixture
def list_url(code) -> str:
    """The address of the world's benefits list."""
    return f"/arrangements/{code}/transformation/benefits/"


@pytest.fixture
def make_benefit(manager):
    """make_benefit(case, ...): a benefit and its quarters set (and reported) by the world's
    manager (``benefit_cases.make_benefit``)."""

    def make(case, **kwargs) -> Benefit:
        return benefit_cases.make_benefit(case, by=manager, **kwargs)

    return make


@pytest.fixture
def cts(arrangement, manager):
    """The world's approved Circle to Success case with its 2024/25 benefits
    (``benefit_cases.CTS_BENEFITS``)."""
    return benefit_cases.make_circle_to_success(arrangement, by=manager)


@pytest.fixture
def case_in(arrangement):
    """case_in(state): a case of the world's programme in that state, made directly."""

    def make(state) -> BusinessCase:
        return benefit_cases.make_case(f"TP{state[:3]}", state=state, arrangement=arrangement)

    return make


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def benefit_of(case, name) -> Benefit:
    return case.benefits.get(name=name)


def url(benefit, action="") -> str:
    case = benefit.business_case
    code = case.project.arrangement.trust.code
    return (
        f"/arrangements/{code}/transformation/cases/{case.reference}/benefits/{benefit.pk}/{action}"
    )


def add_url(case) -> str:
    code = case.project.arrangement.trust.code
    return f"/arrangements/{code}/transformation/cases/{case.reference}/benefits/new/"


# --- The list --------------------------------------------------------------------------------


def test_the_list_shows_each_quarter_with_its_rating_in_words(cts, cast, client_for, list_url):
    page = text(client_for(cast["observer"]).get(list_url + "?year=2024"))
    for expected in ["Benefits realisation 2024/25", "Valuing Care assessments",
                     "Children and young people worked with", "£1,150,000.00", "£840,000.00",
                     "290", "265", "Green: on target", "Amber: within tolerance",
                     "Grey: not reported yet", cts.reference]:  # fmt: skip
        assert expected in page, expected


def test_the_list_opens_on_the_latest_year_with_targets(cts, cast, client_for, list_url):
    assert "Benefits realisation 2024/25" in text(client_for(cast["officer"]).get(list_url))


def test_the_list_shows_the_totals_per_theme_and_overall(cts, cast, client_for, list_url):
    page = text(client_for(cast["other-officer"]).get(list_url + "?year=2024"))
    assert "The whole programme, 2024/25" in page
    assert cts.project.get_theme_display() + ", 2024/25" in page
    # Valuing Care's 555 assessments stand alone: never added to the 63 children.
    assert ">555<" in page and ">63<" in page and ">618<" not in page


def test_a_year_with_no_targets_says_so(cts, cast, client_for, list_url):
    page = text(client_for(cast["manager"]).get(list_url + "?year=2030"))
    assert "No benefit has a target in 2030/31" in page
    assert "No approved business case has a benefit with a target in 2030/31" in page


def test_an_impossible_year_is_not_found(cast, client_for, list_url):
    client = client_for(cast["manager"])
    assert client.get(list_url + "?year=soon").status_code == 404
    assert client.get(list_url + "?year=1850").status_code == 404
    assert client.get(list_url + "?year=٢٠٢٤").status_code == 404  # int() read it as 2024


def test_a_drafts_benefits_are_the_trusts_and_a_submitted_cases_also_its_councils(
    cast, client_for, list_url, case_in, make_benefit
):
    draft, submitted = case_in(BusinessCase.State.DRAFT), case_in("submitted")
    make_benefit(draft, name="Draft benefit", quarters=[(1, "10.00", "5.00", None)], year=2031)
    benefit = Benefit.objects.create(business_case=submitted, name="Submitted benefit",
                                     kind="saving")  # fmt: skip
    BenefitQuarter.objects.create(benefit=benefit, financial_year=2031, quarter=1,
                                  target="10.00", lower_tolerance="5.00")  # fmt: skip

    def seen(who):
        page = text(client_for(cast[who]).get(list_url + "?year=2031"))
        return [n for n in ("Draft benefit", "Submitted benefit") if n in page]

    assert seen("manager") == ["Draft benefit", "Submitted benefit"]
    assert seen("officer") == ["Submitted benefit"]
    assert seen("observer") == seen("admin") == []


def test_scrutiny_members_may_not_read_benefits_and_outsiders_find_nothing(
    cast, client_for, list_url
):
    assert client_for(cast["scrutiny"]).get(list_url).status_code == 403
    assert client_for(cast["outsider"]).get(list_url).status_code == 404
    assert client_for(cast["other-manager"]).get(list_url).status_code == 404


def test_only_the_trusts_managers_are_offered_to_add_benefits(cts, cast, client_for, list_url):
    assert "Add a benefit to" in text(client_for(cast["manager"]).get(list_url))
    for who in ["officer", "observer", "admin"]:
        assert "Add a benefit to" not in text(client_for(cast[who]).get(list_url))


def test_the_list_downloads_every_quarter_as_csv_with_pence(cts, cast, client_for, list_url):
    response = client_for(cast["officer"]).get(list_url + "?year=2024&table=quarters&format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:12] == ["Theme", "Case", "Case title", "Case state", "Benefit", "Kind",
                            "Financial year", "Quarter", "Target", "Lower tolerance", "Actual",
                            "RAG"]  # fmt: skip
    savings = [r for r in rows if r[1] == cts.reference and r[4] == "Savings"]
    assert [r[7:12] for r in savings] == [
        ["1", "1000000.00", "800000.00", "1150000.00", "green"],
        ["2", "1000000.00", "750000.00", "840000.00", "amber"],
        ["3", "1000000.00", "800000.00", "", "grey"],
        ["4", "1000000.00", "800000.00", "", "grey"],
    ]


def test_the_totals_download_as_excel_with_numbers(cts, cast, client_for, list_url):
    response = client_for(cast["admin"]).get(list_url + "?year=2024&table=totals&format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Theme" and rows[0][6] == "Actual to date"
    assessments = [r for r in rows if r[1] == "Valuing Care assessments"]
    assert {r[0] for r in assessments} == {cts.project.get_theme_display(), "Programme"}
    # 555 done against 550 targeted over the two quarters reported: green.
    assert all(r[6] == 555 and r[4] == 550 and r[7] == "green" for r in assessments)
    savings = [r for r in rows if r[0] == "Programme" and r[1].startswith("Savings")]
    assert savings[0][7] == "amber" and savings[0][6] == 1990000


def test_the_list_reads_a_handful_of_queries(
    cts, cast, client_for, django_assert_max_num_queries, list_url
):
    client = client_for(cast["manager"])
    with django_assert_max_num_queries(20):
        client.get(list_url + "?year=2024")


# --- One benefit -----------------------------------------------------------------------------


def test_a_benefit_shows_its_quarters_commentary_and_history(cts, cast, client_for):
    savings = benefit_of(cts, "Savings")
    page = text(client_for(cast["other-officer"]).get(url(savings)))
    for expected in ["2024/25", "£1,150,000.00", "£750,000.00", "Amber: within tolerance",
                     "Reported by the test.", f"by {cast['manager']}",
                     "Set by the test"]:  # fmt: skip
        assert expected in page, expected
    assert "Report a quarter" not in page and "Change the benefit" not in page


def test_the_trust_is_offered_to_report_and_change(cts, cast, client_for):
    page = text(client_for(cast["manager"]).get(url(benefit_of(cts, "Savings"))))
    assert "Report a quarter’s actual" in page or "Report a quarter's actual" in page
    assert "Change the benefit or its targets" in page


def test_a_benefit_downloads_its_quarters(cts, cast, client_for):
    response = client_for(cast["observer"]).get(url(benefit_of(cts, "Savings")) + "?format=csv")
    assert "1150000.00" in response.content.decode("utf-8-sig")


def test_a_benefit_of_another_case_or_unknown_is_not_found(cts, cast, client_for):
    savings = benefit_of(cts, "Savings")
    client = client_for(cast["manager"])
    other = url(savings).replace(f"/cases/{cts.reference}/", "/cases/BC99/")
    assert client.get(other).status_code == 404
    assert client.get(url(savings).replace(f"/{savings.pk}/", "/999999/")).status_code == 404


def test_a_drafts_benefit_does_not_exist_for_observers(cast, client_for, case_in, make_benefit):
    draft = case_in(BusinessCase.State.DRAFT)
    benefit = make_benefit(draft, name="Hidden")
    assert client_for(cast["observer"]).get(url(benefit)).status_code == 404
    assert client_for(cast["officer"]).get(url(benefit)).status_code == 404
    assert client_for(cast["manager"]).get(url(benefit)).status_code == 200


# --- The trust's entry -----------------------------------------------------------------------


def test_the_trust_adds_a_benefit_with_targets_to_a_draft(cast, client_for, case_in):
    draft = case_in(BusinessCase.State.DRAFT)
    response = client_for(cast["manager"]).post(
        add_url(draft) + "?year=2025",
        {"name": "Children stepped down", "kind": "count", "description": "From residential",
         "q1_target": "4", "q1_lower_tolerance": "3", "q2_target": "5",
         "q2_lower_tolerance": "3", "reason": ""},
    )  # fmt: skip
    benefit = draft.benefits.get(name="Children stepped down")
    assert response.status_code == 302 and response.url == url(benefit)
    assert [(q.quarter, q.target, q.lower_tolerance) for q in benefit.quarters.all()] == [
        (1, D("4"), D("3")), (2, D("5"), D("3"))]  # fmt: skip


def test_a_tolerance_above_the_target_is_shown_beside_its_box(cast, client_for, case_in):
    draft = case_in(BusinessCase.State.DRAFT)
    page = text(
        client_for(cast["manager"]).post(
            add_url(draft) + "?year=2025",
            {
                "name": "Savings from step-downs",
                "kind": "saving",
                "q1_target": "100.00",
                "q1_lower_tolerance": "150.00",
            },
        )  # fmt: skip
    )
    assert "it cannot be above the target (£100.00)" in page
    assert 'value="150.00"' in page and "govuk-error-summary" in page
    assert not draft.benefits.filter(name="Savings from step-downs").exists()


def test_an_approved_cases_new_benefit_needs_a_reason(cts, cast, client_for):
    page = text(
        client_for(cast["manager"]).post(
            add_url(cts), {"name": "Step-downs", "kind": "count", "reason": ""}
        )
    )
    assert "Enter why it changes" in page
    assert not cts.benefits.filter(name="Step-downs").exists()


def test_the_change_page_shows_the_targets_and_records_a_change_with_its_reason(
    cts, cast, client_for
):
    savings = benefit_of(cts, "Savings")
    client = client_for(cast["manager"])
    page = text(client.get(url(savings, "edit/") + "?year=2024"))
    assert 'value="1,000,000.00"' in page and 'value="750,000.00"' in page
    data = {"name": "Savings", "kind": "saving", "description": savings.description,
            "q1_target": "1,000,000.00", "q1_lower_tolerance": "800,000.00",
            "q2_target": "1,000,000.00", "q2_lower_tolerance": "750,000.00",
            "q3_target": "1,200,000.00", "q3_lower_tolerance": "900,000.00",
            "q4_target": "1,000,000.00", "q4_lower_tolerance": "800,000.00",
            "reason": "Re-profiled by the board in October"}  # fmt: skip
    response = client.post(url(savings, "edit/") + "?year=2024", data)
    assert response.status_code == 302
    q3 = savings.quarters.get(financial_year=2024, quarter=3)
    assert (q3.target, q3.lower_tolerance) == (D("1200000.00"), D("900000.00"))
    assert q3.history.first().history_change_reason == "Re-profiled by the board in October"
    assert "Re-profiled by the board in October" in text(client.get(url(savings)))


def test_the_kind_cannot_change_once_targets_are_set(cts, cast, client_for):
    page = text(client_for(cast["manager"]).get(url(benefit_of(cts, "Savings"), "edit/")))
    assert "Fixed once a quarter has a target" in page and 'name="kind"' not in page


@pytest.mark.parametrize("who", ["officer", "other-officer", "observer", "admin"])
def test_readers_cannot_add_change_or_report(who, cts, cast, client_for):
    savings = benefit_of(cts, "Savings")
    client = client_for(cast[who])
    for address in [add_url(cts), url(savings, "edit/"), url(savings, "report/")]:
        assert client.get(address).status_code == 403
        assert client.post(address, {"name": "x"}).status_code == 403


def test_the_trust_reports_a_quarter_and_sees_its_rating(cts, cast, client_for):
    savings = benefit_of(cts, "Savings")
    response = client_for(cast["manager"]).post(
        url(savings, "report/"),
        {"quarter": "2024-3", "actual": "£910,000.00", "commentary": "Two step-downs slipped."},
    )
    assert response.status_code == 302
    q3 = savings.quarters.get(financial_year=2024, quarter=3)
    assert (q3.actual, q3.rag, q3.reported_by) == (D("910000.00"), "amber", cast["manager"])


def test_a_red_quarter_without_a_commentary_is_refused_on_the_page(cts, cast, client_for):
    count = benefit_of(cts, "Valuing Care assessments")
    page = text(
        client_for(cast["manager"]).post(
            url(count, "report/"), {"quarter": "2024-3", "actual": "100"}
        )
    )
    assert "100 is below the lower tolerance of 240: say why, and what is being done." in page
    assert count.quarters.get(financial_year=2024, quarter=3).actual is None


def test_only_quarters_that_have_begun_are_offered(cts, cast, client_for, make_benefit):
    savings = benefit_of(cts, "Savings")
    make_benefit(cts, name="Savings", quarters=[(1, "5.00", "4.00", None)], year=2099)
    page = text(client_for(cast["manager"]).get(url(savings, "report/")))
    assert 'value="2024-3"' in page and 'value="2099-1"' not in page
    response = client_for(cast["manager"]).post(
        url(savings, "report/"), {"quarter": "2099-1", "actual": "5.00"}
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()


def test_a_drafts_benefit_is_not_reported(cast, client_for, case_in, make_benefit):
    benefit = make_benefit(case_in(BusinessCase.State.DRAFT), name="Early")
    response = client_for(cast["manager"]).get(url(benefit, "report/"))
    assert response.status_code == 302 and response.url == url(benefit)


# --- The programme overview ------------------------------------------------------------------


def test_the_programme_overview_shows_the_benefit_totals(cts, cast, client_for, code):
    page = text(client_for(cast["observer"]).get(f"/arrangements/{code}/transformation/"))
    assert 'data-testid="benefit-totals"' in page
    assert "Valuing Care assessments" in page and "The whole programme, 2024/25" in page
    assert "Every benefit, quarter by quarter, 2024/25" in page
