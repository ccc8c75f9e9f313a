"""The pages of query threads, for every kind of return: the send-back page with the area's
figures and the row to choose; the trust's entry page listing open queries; a query's page
(answer, accept) and who may see and use it; the review page's "Changed since your query"."""

import pytest

from trust_portal.approvals import queries, services
from trust_portal.approvals.models import Query
from trust_portal.approvals.tests.test_queries import PAGES_KIND, _changed_row


def urls(kind, submission):
    return PAGES_KIND[kind.name].urls(submission)


def text_of(response) -> str:
    return response.content.decode()


def send_back(world, submission, row=None):
    about = (row.key, row.label) if row else None
    return services.submission_return(
        submission=submission, by=world.officers[0], query="Please check this.", row=about
    )


def test_the_send_back_page_shows_the_areas_figures_and_offers_each_row(
    kind, world, submitted, client_for
):
    rows = queries.rows_of(PAGES_KIND[kind.name], submitted, world.councils[0])
    page = text_of(client_for(world.officers[0]).get(urls(kind, submitted)["send_back"]))
    assert "The figures you can query" in page
    assert '<option value="" selected>The whole return</option>' in page
    for row in rows:
        assert f'<option value="{row.key}">' in page
        assert f'<th scope="row" class="govuk-table__header">{row.label}</th>' in page.replace(
            "&#x27;", "'"
        )


def test_sending_back_about_a_row_from_the_page(kind, world, submitted, client_for):
    row = _changed_row(kind, world, submitted)
    response = client_for(world.officers[0]).post(
        urls(kind, submitted)["send_back"], {"row": row.key, "query": "Why so?"}
    )
    assert response.status_code == 302
    query = submitted.queries.get()
    assert (query.row_key, query.row_label, query.text) == (row.key, row.label, "Why so?")


def test_a_row_not_in_the_officers_area_is_refused(kind, world, submitted, client_for):
    response = client_for(world.officers[0]).post(
        urls(kind, submitted)["send_back"], {"row": "NOT_A_ROW", "query": "Why so?"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in text_of(response)
    assert submitted.queries.count() == 0


def test_the_entry_page_lists_open_queries_with_a_link_to_answer(
    kind, world, submitted, client_for
):
    query = send_back(world, submitted, _changed_row(kind, world, submitted))
    page = text_of(client_for(world.manager).get(urls(kind, submitted)["edit"]))
    assert "1 query to answer" in page
    assert f'href="{query.get_absolute_url()}"' in page
    assert f"about {query.row_label}".replace("'", "&#x27;") in page


def test_the_trust_answers_on_the_querys_page(
    kind, world, submitted, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    query = send_back(world, submitted)
    client = client_for(world.manager)
    assert "Send answer" in text_of(client.get(query.get_absolute_url()))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(query.get_absolute_url(), {"text": "Fixed the figure."})
    assert response.status_code == 302
    query.refresh_from_db()
    assert query.state == Query.State.ANSWERED
    assert [m.to for m in mailoutbox] == [[world.officers[0].email]]


def test_an_empty_answer_shows_the_error_on_the_page(kind, world, submitted, client_for):
    query = send_back(world, submitted)
    response = client_for(world.manager).post(query.get_absolute_url(), {"text": ""})
    assert response.status_code == 200
    assert "Enter your answer" in text_of(response)


def test_the_officer_accepts_the_answer_on_the_querys_page(kind, world, submitted, client_for):
    query = send_back(world, submitted)
    services.query_answer(query=query, by=world.manager, text="Fixed.")
    client = client_for(world.officers[0])
    assert "Accept the answer and close the query" in text_of(client.get(query.get_absolute_url()))
    assert client.post(query.get_absolute_url(), {"action": "close"}).status_code == 302
    query.refresh_from_db()
    assert query.state == Query.State.CLOSED


# Reading a returned return's query: the trust and its councils (once submitted); DfE
# observers, scrutiny members and administrators see approved returns only (404), and another
# arrangement's people find nothing (404).
READ = {
    "manager": 200,
    "officer": 200,
    "other-officer": 200,
    "scrutiny": 404,
    "observer": 404,
    "admin": 404,
    "outsider": 404,
    "other-manager": 404,
}
ANSWER = {**dict.fromkeys(READ, 404), "manager": 302, "officer": 403, "other-officer": 403}


@pytest.mark.parametrize("who", sorted(READ))
def test_who_reads_a_query_on_a_returned_return(kind, world, submitted, client_for, who):
    query = send_back(world, submitted)
    response = client_for(world.people[who]).get(query.get_absolute_url())
    assert response.status_code == READ[who]


@pytest.mark.parametrize("who", sorted(ANSWER))
def test_who_may_answer_a_query(kind, world, submitted, client_for, who):
    query = send_back(world, submitted)
    response = client_for(world.people[who]).post(query.get_absolute_url(), {"text": "Done."})
    assert response.status_code == ANSWER[who]
    assert query.answers.count() == (1 if who == "manager" else 0)


@pytest.mark.parametrize("who", ["scrutiny", "observer", "admin"])
def test_read_only_roles_read_the_queries_of_an_approved_return(
    kind, world, submitted, client_for, who
):
    query = send_back(world, submitted)
    services.submission_submit(submission=submitted, by=world.manager)
    for officer in world.officers:
        services.submission_approve_area(submission=submitted, by=officer)
    client = client_for(world.people[who])
    assert client.get(query.get_absolute_url()).status_code == 200
    assert client.post(query.get_absolute_url(), {"text": "x"}).status_code == 403


def test_a_query_of_another_return_is_not_found_at_this_returns_address(
    kind, world, submitted, client_for
):
    query = send_back(world, submitted)
    address = query.get_absolute_url().replace(
        f"/queries/{query.pk}/", f"/queries/{query.pk + 1000}/"
    )
    assert client_for(world.manager).get(address).status_code == 404


def test_the_review_page_shows_the_answer_and_what_changed_since_your_query(
    kind, world, submitted, client_for
):
    row = _changed_row(kind, world, submitted)
    query = send_back(world, submitted, row)
    services.query_answer(query=query, by=world.manager, text="Corrected from the system.")
    kind.change(submitted, world.manager)
    submitted.refresh_from_db()
    services.submission_submit(submission=submitted, by=world.manager)
    page = text_of(client_for(world.officers[0]).get(submitted.get_absolute_url()))
    assert "Changed since your query" in page
    assert "Corrected from the system." in page
    change = queries.changes_since(PAGES_KIND[kind.name], query)[0]
    assert f'<td class="govuk-table__cell">{change.before}</td>' in page
    assert f'<td class="govuk-table__cell">{change.after}</td>' in page
    other = text_of(client_for(world.officers[1]).get(submitted.get_absolute_url()))
    assert "Changed since the query" in other


def test_an_answered_query_leaves_the_entry_pages_list(kind, world, submitted, client_for):
    query = send_back(world, submitted)
    services.query_answer(query=query, by=world.manager, text="Fixed.")
    page = text_of(client_for(world.manager).get(urls(kind, submitted)["edit"]))
    assert 'data-testid="open-queries"' not in page
