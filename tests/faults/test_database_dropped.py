"""The database connection dropped mid-request (a restart, a failover, an administrator ending
sessions): a friendly 503 page, JSON for the API, and the next request works."""

from django.db import connection, connections

from tests.faults.conftest import wait_for


def end_this_threads_connection() -> None:
    """End the server session behind this thread's connection from another connection, as a
    database restart would, and wait until the server has ended it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])

            def gone():
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
                return cursor.fetchone()[0] == 0

            wait_for(gone, within=10, what="the server to end the session")
    finally:
        other.close()


def asked_across_a_dropped_connection(client_for, user, url: str):
    """``url`` asked for by ``user``: once (it works), again after the database ended this
    thread's connection (that answer is returned), and once more, which works again (that
    answer returned too)."""
    client = client_for(user)
    # As in production: an uncaught exception becomes the error page, not a test failure.
    client.raise_request_exception = False
    assert client.get(url).status_code == 200
    end_this_threads_connection()
    dropped = client.get(url)
    again = client.get(url)
    assert again.status_code == 200
    return dropped, again


def test_a_page_answers_a_friendly_503_when_the_connection_drops_and_the_next_one_works(
    committed_cast, client_for
):
    response, _ = asked_across_a_dropped_connection(client_for, committed_cast["nnc-officer"], "/")

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    page = response.content.decode()
    assert "Sorry, the service is having trouble" in page
    assert "Try again in a few minutes." in page
    assert "govuk-frontend.min.css" in page
    for internal in ("Traceback", "OperationalError", "terminating connection", ".py"):
        assert internal not in page


def test_the_api_answers_json_503_when_the_connection_drops_and_the_next_call_works(
    committed_cast, client_for
):
    response, again = asked_across_a_dropped_connection(
        client_for, committed_cast["nnc-officer"], "/api/v1/arrangements/"
    )

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "The service is having trouble reaching its database. Try again in a few minutes."
    }
    assert {a["code"] for a in again.json()["results"]} == {"NCT"}
