import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.test import APIRequestFactory

from trust_portal.api import exception_handler


def context():
    return {"request": APIRequestFactory().get("/"), "view": None}


def test_a_services_field_errors_become_a_400_keyed_by_field():
    response = exception_handler(
        ValidationError({"amount": ["Enter pounds and pence."]}), context()
    )
    assert response.status_code == 400
    assert response.data == {"amount": ["Enter pounds and pence."]}


def test_a_services_plain_error_becomes_a_400_with_non_field_errors():
    response = exception_handler(ValidationError("The month is locked."), context())
    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["The month is locked."]}


def test_a_change_saved_meanwhile_becomes_a_409_with_its_message():
    from trust_portal.approvals.services import ConcurrentChange

    response = exception_handler(ConcurrentChange("Someone else saved this return."), context())
    assert response.status_code == 409
    assert response.data == {"detail": "Someone else saved this return."}


def test_a_services_permission_denied_becomes_a_403_with_its_reason():
    response = exception_handler(PermissionDenied("You cannot approve this."), context())
    assert response.status_code == 403
    assert response.data == {"detail": "You cannot approve this."}


# Every error under /api/ is JSON with a "detail", whatever raised it (trust_portal/errors.py).


def test_an_unknown_api_address_is_a_json_404(client_for, people):
    response = client_for(people["manager"]).get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_a_method_the_api_does_not_allow_is_a_json_405(client_for, people):
    response = client_for(people["manager"]).delete("/api/v1/returns/")
    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "DELETE" not allowed.'}


def test_malformed_json_is_a_json_400(client_for, people):
    response = client_for(people["manager"]).post(
        "/api/v1/returns/", data="{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")


def test_a_json_body_over_the_upload_limit_is_a_json_413(client_for, people, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    body = '{"trust": "%s", "month": "2026-11"}' % ("x" * 100)
    response = client_for(people["manager"]).post(
        "/api/v1/returns/", data=body, content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large."}


def test_a_form_body_over_the_upload_limit_is_a_json_413(client_for, people, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = client_for(people["manager"]).post(
        "/api/v1/returns/", data={"trust": "x" * 200, "month": "2026-11"}
    )
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large."}


def failing_list(error):
    def list_(self, request, *args, **kwargs):
        raise error

    return list_


def test_an_unexpected_error_in_the_api_is_a_json_500(client_for, people, monkeypatch):
    from performance.api import IndicatorViewSet

    monkeypatch.setattr(IndicatorViewSet, "list", failing_list(RuntimeError("boom")))
    client = client_for(people["manager"])
    client.raise_request_exception = False
    response = client.get("/api/v1/indicators/")
    assert response.status_code == 500
    assert response.json() == {"detail": "A server error occurred."}


def test_a_lost_database_connection_in_the_api_is_a_json_503(client_for, people, monkeypatch):
    from django.db import OperationalError

    from performance.api import IndicatorViewSet

    lost = OperationalError("terminating connection due to administrator command")
    monkeypatch.setattr(IndicatorViewSet, "list", failing_list(lost))
    client = client_for(people["manager"])
    client.raise_request_exception = False
    response = client.get("/api/v1/indicators/")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert response.json() == {
        "detail": "The service is having trouble reaching its database. Try again in a few minutes."
    }


@pytest.mark.parametrize("figure", ["١٢", "１２", "१२", "12.５"])
def test_a_figure_written_with_other_digits_is_a_json_400_naming_it(client_for, people, figure):
    body = {"trust": "X", "month": "2026-11", "figures": [{"numerator": figure}]}
    response = client_for(people["manager"]).post(
        "/api/v1/returns/", data=body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Write figures with the digits 0 to 9 only (figures[0].numerator is not)."
    }


def test_text_in_another_script_is_not_taken_for_a_figure():
    from trust_portal.api_parsing import _number_in_another_script

    assert _number_in_another_script({"commentary": "Réduit de ١٢", "n": "12", "m": 12}) is None
