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
