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


def test_a_services_permission_denied_becomes_a_403_with_its_reason():
    response = exception_handler(PermissionDenied("You cannot approve this."), context())
    assert response.status_code == 403
    assert response.data == {"detail": "You cannot approve this."}
