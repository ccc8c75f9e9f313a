"""How long a session lasts (30 minutes idle, 8 hours at most, with a warning before the idle
end) and what a new password ends (API tokens, the person's other sessions)."""

import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.tokens import default_token_generator
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from conftest import signed_in_fully
from trust_portal.accounts import sessions
from trust_portal.accounts.models import ApiToken
from trust_portal.accounts.tests.factories import ApiTokenFactory

HOME = reverse("accounts:home")
NEW_PASSWORD = "a-brand-new-long-password"  # noqa: S105


def later(**delta):
    """The clock moved on by ``delta`` (and ticking from there)."""
    return time_machine.travel(timezone.now() + timedelta(**delta))


def signed_out(response) -> bool:
    return response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_a_session_ends_after_thirty_minutes_without_a_request(people, client_for):
    client = client_for(people["officer"])
    assert client.get(HOME).status_code == 200

    with later(minutes=29):
        assert client.get(HOME).status_code == 200
    with later(minutes=29 + 31):
        response = client.get(HOME)

    assert signed_out(response)
    page = client.get(response.url).content.decode()
    assert "You were signed out because you had not used the service for 30 minutes." in page


def test_a_session_ends_after_eight_hours_however_busy(people, client_for):
    client = client_for(people["officer"])

    for step in range(1, 18):  # a request every 29 minutes: never idle
        with later(minutes=29 * step):
            response = client.get(HOME)
            if step * 29 <= 8 * 60:
                assert response.status_code == 200, step
    assert signed_out(response)


def test_the_durations_are_settings(people, client_for, settings):
    settings.SESSION_IDLE_TIMEOUT = 120
    client = client_for(people["officer"])

    with later(seconds=121):
        assert signed_out(client.get(HOME))


def test_activity_is_written_at_most_once_a_minute(people, client_for):
    client = client_for(people["officer"])
    began = client.session[sessions.LAST_ACTIVITY]

    with later(seconds=40):
        client.get(HOME)
        unchanged = client.session[sessions.LAST_ACTIVITY]
    with later(seconds=70):
        client.get(HOME)
        moved = client.session[sessions.LAST_ACTIVITY]

    assert unchanged == began
    assert moved - began >= 70


def test_a_request_within_the_minute_does_not_write_the_session(people, client_for):
    client = client_for(people["officer"])
    client.get(HOME)

    with CaptureQueriesContext(connection) as queries:
        assert client.get(HOME).status_code == 200
    with later(seconds=61), CaptureQueriesContext(connection) as a_minute_on:
        client.get(HOME)

    def session_writes(captured):
        return [
            q["sql"]
            for q in captured
            if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")
        ]

    assert session_writes(queries) == []
    assert len(session_writes(a_minute_on)) == 1


def test_stay_signed_in_starts_the_idle_time_again(people, client_for):
    client = client_for(people["officer"])

    with later(minutes=25):
        response = client.post(
            reverse("accounts:session-keep-alive"), HTTP_X_REQUESTED_WITH="fetch"
        )
        assert response.status_code == 204
    with later(minutes=25 + 29):
        assert client.get(HOME).status_code == 200


def test_stay_signed_in_without_javascript_goes_back_to_the_page(people, client_for):
    client = client_for(people["officer"])

    page = "http://testserver/about-your-access/"
    response = client.post(reverse("accounts:session-keep-alive"), HTTP_REFERER=page)
    elsewhere = client.post(
        reverse("accounts:session-keep-alive"), HTTP_REFERER="https://evil.example/"
    )

    assert response.status_code == 302
    assert response.url == page
    assert elsewhere.url == reverse("accounts:home")


def test_every_signed_in_page_carries_the_warning_and_its_script(people, client_for):
    page = client_for(people["officer"]).get(HOME).content.decode()

    assert 'data-warn-after="1500" data-end-after="1800"' in page
    assert 'src="/static/js/session-timeout.mjs"' in page
    assert f'action="{reverse("accounts:session-keep-alive")}"' in page


def test_the_warning_counts_from_the_sessions_last_noted_activity_not_the_page(people, client_for):
    client = client_for(people["officer"])
    client.get(HOME)

    began = datetime.fromtimestamp(client.session[sessions.LAST_ACTIVITY], tz=UTC)
    # 40 seconds on, the last activity is not written again: the session has 1760 s left. (The
    # clock stands still in each request, so the seconds are exact.)
    with time_machine.travel(began + timedelta(seconds=40), tick=False):
        page = client.get(HOME).content.decode()
    with time_machine.travel(began + timedelta(seconds=70), tick=False):
        written = client.get(HOME).content.decode()

    assert 'data-warn-after="1500" data-end-after="1800" data-left="1760"' in page
    assert 'data-left="1800"' in written


def test_a_pages_background_poll_does_not_keep_the_session_alive(people, client_for):
    client = client_for(people["officer"])
    began = client.session[sessions.LAST_ACTIVITY]

    for minutes in (5, 15, 29):
        with later(minutes=minutes):
            assert client.get(HOME, HTTP_X_REQUESTED_BY="poll").status_code == 200
    assert client.session[sessions.LAST_ACTIVITY] == began
    with later(minutes=31):
        assert signed_out(client.get(HOME, HTTP_X_REQUESTED_BY="poll"))


def test_the_extract_progress_script_marks_its_polls_as_background(settings):
    script = (settings.BASE_DIR / "static" / "js" / "extract-progress.mjs").read_text()

    assert 'headers: { Accept: "application/json", "X-Requested-By": "poll" }' in script


def test_the_sign_in_page_has_no_warning(client):
    page = client.get(reverse("accounts:login")).content.decode()

    assert "session-timeout" not in page


# --- A new password -------------------------------------------------------------------------


@pytest.fixture
def officer_elsewhere(people):
    """The officer signed in on another computer, and an API token of theirs."""
    officer = people["officer"]
    return signed_in_fully(Client(), officer), ApiTokenFactory(user=officer)


def test_changing_the_password_revokes_tokens_and_ends_other_sessions_only(
    people, client_for, officer_elsewhere
):
    officer = people["officer"]
    elsewhere, token = officer_elsewhere
    client = client_for(officer)

    response = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": "a-long-test-password",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 302
    assert not ApiToken.objects.filter(user=officer, revoked_at=None).exists()
    assert client.get(HOME).status_code == 200
    assert signed_out(elsewhere.get(HOME))
    api = Client().get("/api/v1/organisations/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.status_code == 401


def test_resetting_the_password_revokes_tokens_and_ends_every_session(people, officer_elsewhere):
    officer = people["officer"]
    elsewhere, _ = officer_elsewhere
    uid = urlsafe_base64_encode(force_bytes(officer.pk))
    token = default_token_generator.make_token(officer)
    client = Client()
    form = client.get(reverse("accounts:password-reset-confirm", args=[uid, token]))
    assert form.status_code == 302  # to the same page without the token in the address

    response = client.post(form.url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("accounts:password-reset-complete")
    assert not ApiToken.objects.filter(user=officer, revoked_at=None).exists()
    assert signed_out(elsewhere.get(HOME))


def test_the_generation_alone_ends_a_session(people, client_for):
    # Without the password's own check: a raised generation is enough.
    officer = people["officer"]
    client = client_for(officer)
    type(officer).objects.filter(pk=officer.pk).update(session_generation=5)

    assert signed_out(client.get(HOME))


def test_a_password_set_in_djangos_admin_revokes_tokens_and_ends_the_persons_sessions(
    people, client_for, officer_elsewhere
):
    officer = people["officer"]
    elsewhere, _ = officer_elsewhere
    type(officer).objects.filter(pk=people["admin"].pk).update(is_superuser=True)
    admin = client_for(people["admin"])
    url = reverse("admin:auth_user_password_change", args=[officer.pk])

    response = admin.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert not ApiToken.objects.filter(user=officer, revoked_at=None).exists()
    assert signed_out(elsewhere.get(HOME))
    assert admin.get(HOME).status_code == 200  # the administrator's own session goes on


def test_a_password_set_by_the_changepassword_command_revokes_tokens_and_sessions(
    people, officer_elsewhere, monkeypatch
):
    from django.contrib.auth.management.commands.changepassword import Command
    from django.core.management import call_command

    # Django's own command: the model revokes and ends them, wherever the password is set.
    officer = people["officer"]
    elsewhere, _ = officer_elsewhere
    monkeypatch.setattr(Command, "_get_pass", lambda self, prompt="Password: ": NEW_PASSWORD)

    call_command("changepassword", officer.username, stdout=io.StringIO())

    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)
    assert not ApiToken.objects.filter(user=officer, revoked_at=None).exists()
    assert signed_out(elsewhere.get(HOME))
