import json

from django.test import RequestFactory

from trust_portal import errors


def test_an_unknown_address_gets_the_services_not_found_page(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"govuk-frontend.min.css" in response.content


def test_a_server_error_gets_a_page_that_needs_no_context():
    response = errors.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"Sorry, there is a problem with the service" in response.content


def test_every_page_carries_a_strict_content_security_policy(client, db):
    policy = client.get("/sign-in/")["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "unsafe-eval" not in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def raising(error):
    """A request handler (as Django's calls handler500) while ``error`` is being handled."""

    def handle(request):
        try:
            raise error
        except type(error):
            return errors.server_error(request)

    return handle


def test_a_lost_database_connection_gets_a_friendly_503_page():
    from django.db import OperationalError

    lost = OperationalError('File "/srv/app/views.py", line 3: connection to server lost')
    response = raising(lost)(RequestFactory().get("/returns/"))
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert b"Sorry, the service is having trouble" in response.content
    assert b"Try again in a few minutes." in response.content
    assert b"views.py" not in response.content and b"connection to server" not in response.content


def test_a_closed_connection_gets_the_503_page_too():
    from django.db import InterfaceError

    response = raising(InterfaceError("connection already closed"))(RequestFactory().get("/"))
    assert response.status_code == 503


def test_another_database_error_is_still_a_500():
    from django.db import IntegrityError

    response = raising(IntegrityError("duplicate key"))(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"Sorry, there is a problem with the service" in response.content


def test_an_unknown_api_address_gets_json_not_the_page(client, db):
    response = client.get("/api/no-such-version/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_bad_request_to_the_api_gets_json():
    response = errors.bad_request(RequestFactory().get("/api/v1/"))
    assert response.status_code == 400
    assert json.loads(response.content) == {"detail": "Bad request."}
