"""Comparing the revisions of a month's return, and the change log of figures within one."""

from datetime import date
from fractions import Fraction

import pytest
from django.urls import reverse

from performance import revisions
from performance.models import Indicator
from performance.services import returns
from trust_portal.accounts.models import Arrangement

MONTH = date(2025, 6, 1)  # no demo return and no demo target
CHANGED_VISITS = ("CIN_VISIT_IN_TIME", "NNC")  # 8/10 in the original, 9/10 in the correction
CHANGED_COUNT = ("OPEN_CP", "WNC")  # 8 in the original, 11 in the correction


@pytest.fixture
def nct(cast):
    return Arrangement.objects.get(trust__code="NCT")


def full_figures(arrangement, overrides=None):
    figures = {}
    for indicator, area in returns.cells_of(arrangement, Indicator.objects.all()):
        figures[(indicator.code, area)] = ("8", "10") if indicator.has_denominator else ("8", None)
    return {**figures, **(overrides or {})}


def save(cast, monthly_return, figures, commentary=None):
    monthly_return.refresh_from_db()
    returns.return_save(by=cast["nct-manager"], monthly_return=monthly_return,
                        expected_version=monthly_return.lock_version, figures=figures,
                        commentary=commentary or {})  # fmt: skip


@pytest.fixture
def approved(cast, nct):
    original = returns.return_start(by=cast["nct-manager"], arrangement=nct, month=MONTH)
    save(cast, original, full_figures(nct), {"CIN_VISIT_IN_TIME": "Two workers were off sick."})
    returns.return_submit(by=cast["nct-manager"], monthly_return=original)
    returns.return_approve(by=cast["wnc-officer"], monthly_return=original)
    returns.return_approve(by=cast["nnc-officer"], monthly_return=original)
    original.refresh_from_db()
    return original


@pytest.fixture
def correction(cast, nct, approved):
    """A draft correction with one percentage and one count changed, and a new commentary."""
    new = returns.return_correct(by=cast["nct-manager"], monthly_return=approved,
                                 reason="NNC visits were under-counted")  # fmt: skip
    figures = full_figures(nct, {CHANGED_VISITS: ("9", "10"), CHANGED_COUNT: ("11", None)})
    save(cast, new, figures, {"CIN_VISIT_IN_TIME": "Two workers were off sick in May."})
    return new


def compare_url(monthly_return, **query):
    args = [monthly_return.arrangement.code, f"{monthly_return.period:%Y-%m}"]
    url = reverse("performance:return-compare", args=args)
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_comparison_marks_exactly_the_changed_cells(approved, correction):
    cells = revisions.compare(approved, correction)
    assert {(c.indicator.code, c.area) for c in cells if c.changed} == {
        CHANGED_VISITS,
        CHANGED_COUNT,
    }
    assert len(cells) == len(returns.cells_of(correction.arrangement, Indicator.objects.all()))


def test_the_change_in_value_is_worked_out_exactly_and_shown_to_one_decimal_place(
    approved, correction
):
    cells = {(c.indicator.code, c.area): c for c in revisions.compare(approved, correction)}
    visits, count = cells[CHANGED_VISITS], cells[CHANGED_COUNT]
    assert visits.change == Fraction(10)
    assert (str(visits.old), str(visits.new), visits.change_shown) == (
        "8 / 10 = 80.0%",
        "9 / 10 = 90.0%",
        "+10.0 points",
    )
    assert (str(count.old), str(count.new), count.change_shown) == ("8", "11", "+3")


def test_a_percentage_is_rounded_half_up_to_one_decimal_place():
    assert str(revisions.Figure(2, 3, Indicator.Unit.PERCENTAGE)) == "2 / 3 = 66.7%"
    assert revisions.shown(Fraction(-1, 20), Indicator.Unit.PERCENTAGE, signed=True) == (
        "−0.1 points"
    )


def test_commentary_differences_are_found_word_by_word(approved, correction):
    (note,) = revisions.commentary_differences(approved, correction)
    assert note.changed
    assert note.words == [
        ("same", "Two workers were off"),
        ("del", "sick."),
        ("ins", "sick in May."),
    ]


def test_the_page_highlights_changed_cells_with_a_tag_and_deleted_and_inserted_figures(
    cast, client_for, correction
):
    body = client_for(cast["nct-manager"]).get(compare_url(correction)).content.decode()
    assert "2 of 54 cells changed" in body
    assert "<del>8 / 10 = 80.0%</del>" in body and "<ins>9 / 10 = 90.0%</ins>" in body
    assert "+10.0 points" in body
    assert body.count('<strong class="govuk-tag govuk-tag--yellow">Changed</strong>') == 3
    assert 'class="govuk-table__row tp-changed"' in body


def test_the_page_shows_the_commentary_change(cast, client_for, correction):
    body = client_for(cast["nct-manager"]).get(compare_url(correction)).content.decode()
    assert '<del><span class="govuk-visually-hidden">removed: </span>sick.</del>' in body
    assert '<ins><span class="govuk-visually-hidden">added: </span>sick in May.</ins>' in body


def test_only_changed_cells_are_shown_by_default_and_all_on_request(cast, client_for, correction):
    unchanged = Indicator.objects.get(code="OPEN_LAC").name
    client = client_for(cast["nct-manager"])
    assert unchanged not in client.get(compare_url(correction)).content.decode()
    every = client.get(compare_url(correction, cells="all")).content.decode()
    assert unchanged in every
    assert "Unchanged" in every


def test_each_revision_shows_its_reason_state_and_events(cast, client_for, correction):
    body = client_for(cast["nct-manager"]).get(compare_url(correction)).content.decode()
    assert "NNC visits were under-counted" in body
    assert "The original return" in body
    assert "Approved by every council by" in body  # the original's events
    assert "Correction started by" in body  # the correction's
    assert "govuk-tag--green" in body and "govuk-tag--yellow" in body  # approved, draft


def test_the_default_is_the_two_latest_revisions_the_user_can_see(cast, client_for, correction):
    body = client_for(cast["nct-manager"]).get(compare_url(correction)).content.decode()
    assert '<option value="1" selected>' in body and '<option value="2" selected>' in body


def test_from_and_to_given_the_wrong_way_round_are_put_in_order(approved, cast, client_for,
                                                                 correction):  # fmt: skip
    response = client_for(cast["nct-manager"]).get(compare_url(correction, **{"from": 2, "to": 1}))
    assert response.context["older"] == approved
    assert response.context["newer"] == correction


def test_a_revision_the_user_cannot_see_is_not_found(cast, client_for, correction):
    # The correction is the trust's draft: the councils do not see it yet.
    client = client_for(cast["wnc-officer"])
    assert client.get(compare_url(correction, **{"from": 1, "to": 2})).status_code == 404
    assert client.get(compare_url(correction, to=2)).status_code == 404
    assert client.get(compare_url(correction, to=3)).status_code == 404


def test_with_one_visible_revision_the_page_says_so_plainly(cast, client_for, correction):
    response = client_for(cast["wnc-officer"]).get(compare_url(correction))
    body = response.content.decode()
    assert response.status_code == 200
    assert "only one revision that you can see, so there is nothing to compare" in body
    assert "NNC visits were under-counted" not in body


@pytest.mark.parametrize("who", ["occ-officer", "outsider"])
def test_people_outside_the_arrangement_find_nothing(cast, client_for, correction, who):
    assert client_for(cast[who]).get(compare_url(correction)).status_code == 404


def test_the_change_log_lists_a_save_with_its_user(cast, client_for, nct, correction):
    client = client_for(cast["nct-manager"])
    correction.refresh_from_db()
    data = {"version": correction.lock_version}
    as_corrected = {CHANGED_VISITS: ("9", "10"), CHANGED_COUNT: ("11", None)}
    for (code, area), (numerator, denominator) in full_figures(nct, as_corrected).items():
        data[f"n__{code}__{area}"] = numerator
        data[f"d__{code}__{area}"] = denominator or ""
    data.update({"n__CIN_VISIT_IN_TIME__WNC": "7", "d__CIN_VISIT_IN_TIME__WNC": "9"})
    edit = reverse("performance:return-edit", args=["NCT", "2025-06", correction.revision])
    response = client.post(edit, data)
    assert response.status_code == 302
    latest = revisions.change_log(correction)[0]
    assert (latest.indicator.code, latest.area) == ("CIN_VISIT_IN_TIME", "WNC")
    assert latest.by == cast["nct-manager"]
    assert (str(latest.old), str(latest.new)) == ("8 / 10 = 80.0%", "7 / 9 = 77.8%")
    body = client.get(compare_url(correction)).content.decode()
    assert "<ins>7 / 9 = 77.8%</ins>" in body
    assert str(cast["nct-manager"]) in body


def test_a_corrections_first_change_is_compared_with_the_copied_figures(correction):
    log = revisions.change_log(correction)
    assert {(e.indicator.code, e.area) for e in log} == {CHANGED_VISITS, CHANGED_COUNT}
    visits = next(e for e in log if (e.indicator.code, e.area) == CHANGED_VISITS)
    assert (str(visits.old), str(visits.new)) == ("8 / 10 = 80.0%", "9 / 10 = 90.0%")


def test_a_save_without_a_request_is_attributed_to_the_person_its_event_names(cast, correction):
    # Saves through the API or a background job leave the history's user empty.
    assert {e.by for e in revisions.change_log(correction)} == {cast["nct-manager"]}


def test_the_change_log_is_newest_first_and_leaves_out_saves_that_changed_nothing(
    cast, nct, correction
):
    save(cast, correction, full_figures(nct, {CHANGED_VISITS: ("9", "10"),
                                              CHANGED_COUNT: ("11", None)}))  # fmt: skip
    save(cast, correction, full_figures(nct, {CHANGED_VISITS: ("10", "10"),
                                              CHANGED_COUNT: ("11", None)}))  # fmt: skip
    log = revisions.change_log(correction)
    assert len(log) == 3
    assert (str(log[0].old), str(log[0].new)) == ("9 / 10 = 90.0%", "10 / 10 = 100.0%")
    assert [e.at for e in log] == sorted((e.at for e in log), reverse=True)


def test_the_compare_page_reads_a_bounded_number_of_queries(
    cast, client_for, correction, django_assert_max_num_queries
):
    client = client_for(cast["nct-manager"])
    with django_assert_max_num_queries(30):
        client.get(compare_url(correction, cells="all"))
