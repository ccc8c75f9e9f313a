"""Comparing the revisions of a month's return, and the change log of figures within one.
Built on factories: the root ``world`` and indicators of the test's own (``catalogue``)."""

from datetime import date
from fractions import Fraction

import pytest
from django.urls import reverse

from performance import revisions
from performance.models import Indicator
from performance.services import returns
from performance.tests.conftest import full_figures
from performance.tests.conftest import save as save_as

MONTH = date(2025, 6, 1)  # the world has no return and no target
REASON = "Visits were under-counted"


@pytest.fixture
def changed(world, catalogue):
    """The cells the correction changes: a percentage (8/10 in the original, 9/10 in the
    correction) in the second council's area and a count (8, then 11) in the first's."""
    first, second = world.councils
    return {
        "visits": (catalogue.visits.code, second.code),
        "count": (catalogue.open_cp.code, first.code),
    }


def save(people, monthly_return, figures, commentary=None):
    save_as(people["manager"], monthly_return, figures, commentary)


def corrected(arrangement, changed, visits=("9", "10")):
    return full_figures(arrangement, {changed["visits"]: visits, changed["count"]: ("11", None)})


@pytest.fixture
def approved(people, arrangement, catalogue):
    original = returns.return_start(by=people["manager"], arrangement=arrangement, month=MONTH)
    commentary = {catalogue.visits.code: "Two workers were off sick."}
    save(people, original, full_figures(arrangement), commentary)
    returns.return_submit(by=people["manager"], monthly_return=original)
    returns.return_approve(by=people["officer"], monthly_return=original)
    returns.return_approve(by=people["other-officer"], monthly_return=original)
    original.refresh_from_db()
    return original


@pytest.fixture
def correction(people, arrangement, catalogue, changed, approved):
    """A draft correction with one percentage and one count changed, and a new commentary."""
    new = returns.return_correct(by=people["manager"], monthly_return=approved, reason=REASON)
    commentary = {catalogue.visits.code: "Two workers were off sick in May."}
    save(people, new, corrected(arrangement, changed), commentary)
    return new


def compare_url(monthly_return, **query):
    args = [monthly_return.arrangement.code, f"{monthly_return.period:%Y-%m}"]
    url = reverse("performance:return-compare", args=args)
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_comparison_marks_exactly_the_changed_cells(changed, approved, correction):
    cells = revisions.compare(approved, correction)
    assert {(c.indicator.code, c.area) for c in cells if c.changed} == set(changed.values())
    assert len(cells) == len(returns.cells_of(correction.arrangement, Indicator.objects.all()))


def test_the_change_in_value_is_worked_out_exactly_and_shown_to_one_decimal_place(
    changed, approved, correction
):
    cells = {(c.indicator.code, c.area): c for c in revisions.compare(approved, correction)}
    visits, count = cells[changed["visits"]], cells[changed["count"]]
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
    people, client_for, arrangement, correction
):
    body = client_for(people["manager"]).get(compare_url(correction)).content.decode()
    cells = len(returns.cells_of(arrangement, Indicator.objects.all()))
    assert f"2 of {cells} cells changed" in body
    assert "<del>8 / 10 = 80.0%</del>" in body and "<ins>9 / 10 = 90.0%</ins>" in body
    assert "+10.0 points" in body
    assert body.count('<strong class="govuk-tag govuk-tag--yellow">Changed</strong>') == 3
    assert 'class="govuk-table__row tp-changed"' in body


def test_the_page_shows_the_commentary_change(people, client_for, correction):
    body = client_for(people["manager"]).get(compare_url(correction)).content.decode()
    assert '<del><span class="govuk-visually-hidden">removed: </span>sick.</del>' in body
    assert '<ins><span class="govuk-visually-hidden">added: </span>sick in May.</ins>' in body


def test_only_changed_cells_are_shown_by_default_and_all_on_request(
    people, client_for, catalogue, correction
):
    unchanged = catalogue.open_lac.name
    client = client_for(people["manager"])
    assert unchanged not in client.get(compare_url(correction)).content.decode()
    every = client.get(compare_url(correction, cells="all")).content.decode()
    assert unchanged in every
    assert "Unchanged" in every


def test_each_revision_shows_its_reason_state_and_events(people, client_for, correction):
    body = client_for(people["manager"]).get(compare_url(correction)).content.decode()
    assert REASON in body
    assert "The original return" in body
    assert "Approved by every council by" in body  # the original's events
    assert "Correction started by" in body  # the correction's
    assert "govuk-tag--green" in body and "govuk-tag--yellow" in body  # approved, draft


def test_the_default_is_the_two_latest_revisions_the_user_can_see(people, client_for, correction):
    body = client_for(people["manager"]).get(compare_url(correction)).content.decode()
    assert '<option value="1" selected>' in body and '<option value="2" selected>' in body


def test_from_and_to_given_the_wrong_way_round_are_put_in_order(
    approved, people, client_for, correction
):
    response = client_for(people["manager"]).get(compare_url(correction, **{"from": 2, "to": 1}))
    assert response.context["older"] == approved
    assert response.context["newer"] == correction


def test_a_revision_the_user_cannot_see_is_not_found(people, client_for, correction):
    # The correction is the trust's draft: the councils do not see it yet.
    client = client_for(people["officer"])
    assert client.get(compare_url(correction, **{"from": 1, "to": 2})).status_code == 404
    assert client.get(compare_url(correction, to=2)).status_code == 404
    assert client.get(compare_url(correction, to=3)).status_code == 404


def test_with_one_visible_revision_the_page_says_so_plainly(people, client_for, correction):
    response = client_for(people["officer"]).get(compare_url(correction))
    body = response.content.decode()
    assert response.status_code == 200
    assert "only one revision that you can see, so there is nothing to compare" in body
    assert REASON not in body


@pytest.mark.parametrize("who", ["outsider", "unattached"])
def test_people_outside_the_arrangement_find_nothing(people, client_for, correction, who):
    assert client_for(people[who]).get(compare_url(correction)).status_code == 404


def test_the_change_log_lists_a_save_with_its_user(
    people, client_for, arrangement, world, catalogue, changed, correction
):
    client = client_for(people["manager"])
    correction.refresh_from_db()
    data = {"version": correction.lock_version}
    for (code, area), (numerator, denominator) in corrected(arrangement, changed).items():
        data[f"n__{code}__{area}"] = numerator
        data[f"d__{code}__{area}"] = denominator or ""
    visits, first = catalogue.visits.code, world.councils[0].code
    data.update({f"n__{visits}__{first}": "7", f"d__{visits}__{first}": "9"})
    edit = reverse(
        "performance:return-edit", args=[arrangement.code, "2025-06", correction.revision]
    )
    response = client.post(edit, data)
    assert response.status_code == 302
    latest = revisions.change_log(correction)[0]
    assert (latest.indicator.code, latest.area) == (visits, first)
    assert latest.by == str(people["manager"])
    assert (str(latest.old), str(latest.new)) == ("8 / 10 = 80.0%", "7 / 9 = 77.8%")
    body = client.get(compare_url(correction)).content.decode()
    assert "<ins>7 / 9 = 77.8%</ins>" in body
    assert str(people["manager"]) in body


def test_a_corrections_first_change_is_compared_with_the_copied_figures(changed, correction):
    log = revisions.change_log(correction)
    assert {(e.indicator.code, e.area) for e in log} == set(changed.values())
    visits = next(e for e in log if (e.indicator.code, e.area) == changed["visits"])
    assert (str(visits.old), str(visits.new)) == ("8 / 10 = 80.0%", "9 / 10 = 90.0%")


def test_a_save_without_a_request_is_attributed_to_the_person_its_event_names(people, correction):
    # Saves through the API or a background job leave the history's user empty.
    assert {e.by for e in revisions.change_log(correction)} == {str(people["manager"])}


def test_the_change_log_is_newest_first_and_leaves_out_saves_that_changed_nothing(
    people, arrangement, changed, correction
):
    save(people, correction, corrected(arrangement, changed))
    save(people, correction, corrected(arrangement, changed, visits=("10", "10")))
    log = revisions.change_log(correction)
    assert len(log) == 3
    assert (str(log[0].old), str(log[0].new)) == ("9 / 10 = 90.0%", "10 / 10 = 100.0%")
    assert [e.at for e in log] == sorted((e.at for e in log), reverse=True)


def test_the_compare_page_reads_a_bounded_number_of_queries(
    people, client_for, correction, django_assert_max_num_queries
):
    client = client_for(people["manager"])
    with django_assert_max_num_queries(30):
        client.get(compare_url(correction, cells="all"))


@pytest.mark.parametrize("typed", ["²", "١", "9" * 5000])
def test_a_revision_number_not_in_digits_0_to_9_is_not_found_rather_than_a_server_error(
    people, client_for, correction, typed
):
    response = client_for(people["manager"]).get(compare_url(correction, **{"from": typed}))
    assert response.status_code == 404
