"""API tokens: stored hashed, expiring, revocable, read-only if asked, their last use noted at
most hourly and their writes recorded; the API's authentication by them."""

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from trust_portal.accounts import api_tokens
from trust_portal.accounts.models import ApiToken, ApiTokenUse
from trust_portal.accounts.tests.factories import ApiTokenFactory

ORGANISATIONS = "/api/v1/organisations/"


def with_token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def token_updates(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith('UPDATE "accounts_apitoken"')]


# --- Made by the service ----------------------------------------------------------------------


def test_only_the_keys_hash_is_stored(people):
    token, key = api_tokens.api_token_create(
        by=people["officer"], user=people["officer"], name="Finance import"
    )

    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert key.startswith("tp_") and len(key) == 46
    assert stored["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
    assert key not in [str(value) for value in stored.values()]
    assert stored["prefix"] == key[:11]


def test_a_token_expires_after_90_days_unless_told(people):
    token, _ = api_tokens.api_token_create(by=None, user=people["officer"], name="Import")

    assert token.expires_at - token.created_at == timedelta(days=90)


@pytest.mark.parametrize("days", [0, 366, "soon"])
def test_a_token_lasts_one_day_to_a_year(people, days):
    with pytest.raises(ValidationError) as error:
        api_tokens.api_token_create(by=None, user=people["officer"], name="Import", days=days)

    assert error.value.message_dict == {
        "expires_in_days": ["Enter a number of days from 1 to 365 (at most a year)."]
    }


def test_making_and_revoking_a_token_are_in_its_history(people):
    officer = people["officer"]
    token, _ = api_tokens.api_token_create(by=officer, user=officer, name="Import")

    api_tokens.api_token_revoke(by=officer, token=token)

    records = list(token.history.order_by("history_id"))
    assert [(r.history_user, r.history_change_reason) for r in records] == [
        (officer, "API token made"),
        (officer, "API token revoked"),
    ]
    assert records[-1].revoked_by_id == officer.pk


def test_nobody_revokes_someone_elses_personal_token(people):
    token = ApiTokenFactory(user=people["officer"])

    with pytest.raises(ValidationError):
        api_tokens.api_token_revoke(by=people["other-officer"], token=token)

    token.refresh_from_db()
    assert token.revoked_at is None


# --- Authentication ---------------------------------------------------------------------------


def test_a_token_authenticates_as_its_user(people):
    token = ApiTokenFactory(user=people["officer"])

    response = with_token(token.key).get(ORGANISATIONS)

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"revoked_at": timezone.now()}, "This token has been revoked."),
        ({"key_hash": "0" * 64}, "This token is not known."),
    ],
)
def test_a_revoked_or_unknown_token_is_refused(people, change, message):
    token = ApiTokenFactory(user=people["officer"])
    ApiToken.objects.filter(pk=token.pk).update(**change)

    response = with_token(token.key).get(ORGANISATIONS)

    assert response.status_code == 401
    assert response.json() == {"detail": message}


def test_an_expired_token_is_refused_saying_when_it_expired(people):
    with time_machine.travel("2026-03-01 12:00Z", tick=False):
        token = ApiTokenFactory(user=people["officer"])
    with time_machine.travel("2026-06-01 12:00Z", tick=False):
        response = with_token(token.key).get(ORGANISATIONS)

    assert response.status_code == 401
    assert response.json() == {
        "detail": "This token expired on 30 May 2026. Make a new one on your API tokens page."
    }


def test_a_read_only_token_reads_but_may_not_write(people):
    token = ApiTokenFactory(user=people["admin"], read_only=True)
    client = with_token(token.key)

    read = client.get(ORGANISATIONS)
    write = client.post(ORGANISATIONS, {"code": "ZZZ"})

    assert read.status_code == 200
    assert write.status_code == 403
    assert write.json() == {
        "detail": "This token is read-only: it can read the API but not change anything."
    }
    use = ApiTokenUse.objects.get()
    assert (use.token, use.method, use.status, use.answer()) == (
        token,
        "POST",
        403,
        "Refused (403)",
    )


def test_a_write_with_a_token_is_recorded_with_the_token_and_its_answer(people):
    token = ApiTokenFactory(user=people["admin"])

    with_token(token.key).post(ORGANISATIONS, {"code": "ZZZ"})

    use = ApiTokenUse.objects.get()
    assert (use.token, use.method, use.path, use.status) == (token, "POST", ORGANISATIONS, 405)
    assert use.answer() == "Not allowed (405)"


def test_a_write_the_role_may_not_make_is_recorded_as_refused(people):
    token = ApiTokenFactory(user=people["observer"])

    response = with_token(token.key).post(ORGANISATIONS, {"code": "ZZZ"})

    assert response.status_code == 403
    assert list(ApiTokenUse.objects.values_list("token", "status")) == [(token.pk, 403)]


def test_a_made_up_method_is_answered_and_recorded_cut_to_size(people):
    token = ApiTokenFactory(user=people["admin"])

    response = with_token(token.key).generic("CHECKOUTXYZ", ORGANISATIONS)

    assert response.status_code == 405
    assert list(ApiTokenUse.objects.values_list("method", "status")) == [("CHECKOUTXY", 405)]


def test_a_use_that_cannot_be_recorded_leaves_the_answer_as_it_was(people, monkeypatch, caplog):
    from django.db import DataError

    from trust_portal.accounts import api_tokens

    def refused(*args, **kwargs):
        raise DataError("value too long for type character varying(10)")

    monkeypatch.setattr(api_tokens, "token_use_record", refused)
    token = ApiTokenFactory(user=people["observer"])

    response = with_token(token.key).post(ORGANISATIONS, {"code": "ZZZ"})

    assert response.status_code == 403
    assert [r.getMessage() for r in caplog.records if r.name.endswith("middleware")] == [
        f"The use of API token {token.pk} was not recorded"
    ]


def test_a_write_that_failed_in_the_view_is_still_recorded(people, monkeypatch):
    from trust_portal.accounts.api import OrganisationViewSet

    def fails(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(OrganisationViewSet, "http_method_not_allowed", fails)
    client = with_token(ApiTokenFactory(user=people["admin"]).key)
    client.raise_request_exception = False

    response = client.post(ORGANISATIONS, {"code": "ZZZ"})

    assert response.status_code == 500
    assert list(ApiTokenUse.objects.values_list("method", "status")) == [("POST", 500)]


def test_reads_with_a_token_are_not_recorded_one_by_one(people):
    client = with_token(ApiTokenFactory(user=people["admin"]).key)

    client.get(ORGANISATIONS)
    client.options(ORGANISATIONS)

    assert not ApiTokenUse.objects.exists()


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (200, "Done (200)"),
        (201, "Done (201)"),
        (204, "Done (204)"),
        (400, "Not accepted (400)"),
        (404, "Not found (404)"),
        (409, "In conflict (409)"),
        (429, "Too many requests (429)"),
        (500, "Failed (500)"),
        (None, "Not recorded"),
    ],
)
def test_each_answer_is_put_in_words(status, words):
    assert ApiTokenUse(status=status).answer() == words


def test_the_last_use_is_written_at_most_once_an_hour(people):
    token = ApiTokenFactory(user=people["officer"])
    client = with_token(token.key)

    with (
        time_machine.travel("2026-12-01 09:00Z", tick=False),
        CaptureQueriesContext(connection) as first,
    ):
        client.get(ORGANISATIONS)
    with (
        time_machine.travel("2026-12-01 09:59Z", tick=False),
        CaptureQueriesContext(connection) as within_the_hour,
    ):
        client.get(ORGANISATIONS)
    with (
        time_machine.travel("2026-12-01 10:00Z", tick=False),
        CaptureQueriesContext(connection) as an_hour_on,
    ):
        client.get(ORGANISATIONS)

    assert [len(token_updates(q.captured_queries)) for q in (first, within_the_hour)] == [1, 0]
    assert len(token_updates(an_hour_on.captured_queries)) == 1
    token.refresh_from_db()
    assert token.last_used_at.isoformat() == "2026-12-01T10:00:00+00:00"


def test_a_deactivated_accounts_token_is_refused(people):
    token = ApiTokenFactory(user=people["leaver"])

    response = with_token(token.key).get(ORGANISATIONS)

    assert response.status_code == 401
    assert response.json() == {"detail": "This token's account is deactivated."}


def test_a_new_password_revokes_the_persons_tokens(people):
    officer = people["officer"]
    token = ApiTokenFactory(user=officer)

    officer.set_password("another-long-password")
    officer.save()

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert with_token(token.key).get(ORGANISATIONS).status_code == 401
