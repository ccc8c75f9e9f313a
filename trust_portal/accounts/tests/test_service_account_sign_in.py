"""Service accounts are refused by authentication itself (accounts/backends.py), answered as a
wrong password, counted by django-axes, and have no password form in Django's admin."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import authenticate, load_backend
from django.test import Client
from django.urls import reverse

from trust_portal.accounts.tests.factories import ServiceAccountFactory

PASSWORD = "a-long-password-someone-set"
WRONG_PASSWORD = "Enter a correct username and password. Both are case-sensitive."


@pytest.fixture
def account_with_a_password(db):
    account = ServiceAccountFactory()
    account.set_password(PASSWORD)
    account.save()
    return account


def test_no_backend_signs_a_service_account_in_even_with_its_password(account_with_a_password, rf):
    request = rf.post("/sign-in/")
    signed_in = authenticate(request, username=account_with_a_password.username, password=PASSWORD)

    assert signed_in is None
    for path in settings.AUTHENTICATION_BACKENDS:
        backend = load_backend(path)
        if hasattr(backend, "get_user"):
            assert backend.get_user(account_with_a_password.pk) is None, path
        if hasattr(backend, "user_can_authenticate"):
            assert backend.user_can_authenticate(account_with_a_password) is False, path


def test_a_person_is_still_signed_in_by_the_backend(people, rf):
    backend = load_backend("trust_portal.accounts.backends.AccountBackend")

    assert backend.user_can_authenticate(people["officer"]) is True
    assert backend.user_can_authenticate(people["leaver"]) is False


def test_the_sign_in_page_answers_a_service_account_as_a_wrong_password_and_axes_counts_it(
    account_with_a_password,
):
    response = Client().post(
        reverse("accounts:login"),
        {"username": account_with_a_password.username, "password": PASSWORD},
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [WRONG_PASSWORD]
    assert "_auth_user_id" not in response.wsgi_request.session
    attempt = AccessAttempt.objects.get(username=account_with_a_password.username)
    assert attempt.failures_since_start == 1


def test_djangos_admin_shows_no_password_form_for_a_service_account(people, client_for):
    account = ServiceAccountFactory()
    type(account).objects.filter(pk=people["admin"].pk).update(is_superuser=True)
    admin = client_for(people["admin"])
    password_url = reverse("admin:auth_user_password_change", args=[account.pk])

    page = admin.get(reverse("admin:accounts_user_change", args=[account.pk]))
    password_form = admin.get(password_url)
    posted = admin.post(password_url, {"password1": PASSWORD, "password2": PASSWORD})
    persons_page = admin.get(reverse("admin:accounts_user_change", args=[people["officer"].pk]))

    assert page.status_code == 200
    assert 'href="../password/"' not in page.content.decode()
    assert 'href="../password/"' in persons_page.content.decode()
    assert (password_form.status_code, posted.status_code) == (403, 403)
    account.refresh_from_db()
    assert not account.has_usable_password()
