"""Two-factor sign-in: required of administrators, council officers and trust managers (the tests
run with REQUIRE_TWO_FACTOR on, as production does), offered to everyone else; set up with an
authenticator app and recovery codes; a lost device reset by an administrator."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import signed_in_fully
from trust_portal.accounts import two_factor
from trust_portal.accounts.tests.factories import AdministratorFactory, ApiTokenFactory

PASSWORD = "a-long-test-password"  # noqa: S105  (the factories' password)
VERIFY = reverse("accounts:two-factor-verify")
SET_UP = reverse("accounts:two-factor-set-up")


def session_values(client) -> dict:
    """What ``client``'s session holds, as the database-backed session store has it."""
    from django.contrib.sessions.backends.db import SessionStore

    return dict(SessionStore(session_key=client.cookies["sessionid"].value).items())


def code_of(device: TOTPDevice) -> str:
    """What the person's app shows now."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0):06d}"


def with_app(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def password_only(user) -> Client:
    """A browser that has given the person's password, and nothing more yet."""
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


@pytest.mark.parametrize("who", ["officer", "manager", "admin"])
def test_a_required_role_without_an_app_is_sent_to_set_one_up_after_the_password(people, who):
    client = password_only(people[who])

    response = client.get(reverse("accounts:home"))

    assert response.status_code == 302
    assert response.url == f"{SET_UP}?next=%2F"


def test_setting_up_shows_a_qr_code_and_the_key_and_is_confirmed_with_a_code(people):
    officer = people["officer"]
    client = password_only(officer)

    page = client.get(f"{SET_UP}?next=/about-your-access/").content.decode()
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    assert '<img src="data:image/svg+xml' in page
    assert two_factor.key_text(device) in page
    response = client.post(SET_UP, {"code": code_of(device), "next": "/about-your-access/"})

    # The codes are shown in the answer itself, never cached, and kept nowhere in clear.
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    device.refresh_from_db()
    assert device.confirmed is True
    codes = response.content.decode()
    assert '<a href="/about-your-access/" role="button"' in codes
    shown = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", codes)
    assert len(shown) == 10
    stored = StaticToken.objects.filter(device__user=officer)
    assert sorted(two_factor.recovery_code_hash(code) for code in shown) == sorted(
        stored.values_list("token", flat=True)
    )
    assert session_values(client) != {}
    assert not any(code in str(session_values(client)) for code in shown)
    # Shown once only.
    again = client.get(reverse("accounts:two-factor-recovery-codes"))
    assert again.status_code == 302
    assert again.url == reverse("accounts:access")
    assert client.get(reverse("accounts:home")).status_code == 200


def test_a_wrong_code_at_set_up_is_refused_and_the_app_stays_unconfirmed(people):
    client = password_only(people["officer"])
    client.get(SET_UP)
    device = TOTPDevice.objects.get(user=people["officer"])
    wrong = f"{(int(code_of(device)) + 1) % 1_000_000:06d}"

    response = client.post(SET_UP, {"code": wrong})

    assert response.status_code == 200
    assert "The code is not right" in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed is False
    assert client.get(reverse("accounts:home")).status_code == 302


def test_each_set_up_shows_its_own_key_and_a_key_shown_to_another_session_never_works(people):
    # Someone else with the password opens set-up first and copies the key.
    officer = people["officer"]
    other = password_only(officer)
    other.get(SET_UP)
    copied = TOTPDevice.objects.get(user=officer, confirmed=False)
    assert two_factor.key_text(copied) in other.get(SET_UP).content.decode()  # a reload keeps it
    owner = password_only(officer)

    page = owner.get(SET_UP).content.decode()
    mine = TOTPDevice.objects.get(user=officer, confirmed=False)
    assert mine.bin_key != copied.bin_key
    assert two_factor.key_text(mine) in page
    assert two_factor.key_text(copied) not in page
    response = owner.post(SET_UP, {"code": code_of(mine)})

    assert response.status_code == 200
    assert "Two-factor authentication is set up" in response.content.decode()
    assert list(TOTPDevice.objects.filter(user=officer)) == [mine]
    assert two_factor.two_factor_verify(user=officer, code=code_of(copied)) is None
    # The other session is signed out, and its copied key confirms nothing.
    refused = other.post(SET_UP, {"code": code_of(copied)})
    assert refused.status_code == 302
    assert refused.url.startswith(reverse("accounts:login"))
    assert list(TOTPDevice.objects.filter(user=officer, confirmed=True)) == [mine]


def test_a_key_shown_to_a_session_cannot_be_confirmed_after_another_set_up_began(people):
    officer = people["officer"]
    first = password_only(officer)
    first.get(SET_UP)
    copied = TOTPDevice.objects.get(user=officer, confirmed=False)
    password_only(officer).get(SET_UP)

    with pytest.raises(TOTPDevice.DoesNotExist):
        copied.refresh_from_db()
    response = first.post(SET_UP, {"code": code_of(copied)})

    assert response.status_code == 200
    assert "The code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=officer, confirmed=True).exists()


def test_sign_in_asks_for_the_code_after_the_password_of_someone_with_an_app(people):
    officer = people["officer"]
    device = with_app(officer)
    client = password_only(officer)

    response = client.get(reverse("accounts:access"))
    assert response.url == f"{VERIFY}?next=%2Fabout-your-access%2F"
    wrong = client.post(VERIFY, {"code": "000000", "next": "/about-your-access/"})
    assert wrong.status_code == 200
    assert "The code is not right, or has been used" in wrong.content.decode()
    # django-otp makes each wrong code wait longer for the next (1 s, 2 s, 4 s, ...).
    with time_machine.travel(timezone.now() + timedelta(seconds=2)):
        right = client.post(VERIFY, {"code": code_of(device), "next": "/about-your-access/"})

    assert right.status_code == 302
    assert right.url == "/about-your-access/"
    assert client.get(reverse("accounts:access")).status_code == 200


def test_the_code_page_sends_on_only_to_this_sites_pages(people):
    device = with_app(people["officer"])
    client = password_only(people["officer"])

    response = client.post(VERIFY, {"code": code_of(device), "next": "https://evil.example/"})

    assert response.url == reverse("accounts:home")


def test_a_recovery_code_signs_in_once_and_is_then_used_up(people):
    officer = people["officer"]
    with_app(officer)
    code = two_factor.recovery_codes_renew(user=officer)[0]

    first = password_only(officer)
    response = first.post(VERIFY, {"code": code.upper()})
    assert response.status_code == 302
    assert first.get(reverse("accounts:home")).status_code == 200
    second = password_only(officer)
    refused = second.post(VERIFY, {"code": code})

    assert refused.status_code == 200
    assert StaticToken.objects.filter(device__user=officer).count() == 9


@pytest.mark.parametrize(
    "url",
    [
        reverse("accounts:home"),
        reverse("accounts:access"),
        reverse("accounts:password-change"),
        reverse("accounts:user-list"),
        reverse("admin:index"),
        reverse("accounts:login"),
    ],
)
def test_until_the_code_is_given_no_other_page_is_reached(people, url):
    with_app(people["admin"])
    client = password_only(people["admin"])

    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(f"{VERIFY}?next=")


def test_until_the_code_is_given_signing_out_and_the_public_pages_still_work(people):
    with_app(people["officer"])
    client = password_only(people["officer"])

    assert client.get(reverse("pages:privacy")).status_code == 200
    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert response.url == reverse("accounts:login")


def test_until_the_code_is_given_the_api_refuses_the_session_but_not_a_token(people):
    officer = people["officer"]
    with_app(officer)
    client = password_only(officer)

    refused = client.get("/api/v1/organisations/")
    token = ApiTokenFactory(user=officer)
    with_token = Client().get("/api/v1/organisations/", HTTP_AUTHORIZATION=f"Token {token.key}")

    assert refused.status_code == 401
    assert refused.json()["detail"] == "Finish signing in with your second factor first."
    assert with_token.status_code == 200


def test_a_verified_session_reaches_the_api(people, client_for):
    assert client_for(people["officer"]).get("/api/v1/organisations/").status_code == 200


@pytest.mark.parametrize("who", ["scrutiny", "observer"])
def test_others_without_an_app_sign_in_with_their_password_alone(people, who):
    client = password_only(people[who])

    assert client.get(reverse("accounts:home")).status_code == 200
    assert client.get("/api/v1/organisations/").status_code == 200


def test_others_are_offered_an_app_on_about_your_access_and_then_asked_for_its_code(people):
    scrutiny = people["scrutiny"]
    client = password_only(scrutiny)

    page = client.get(reverse("accounts:access")).content.decode()
    assert "Off: you sign in with your password only" in page
    assert f'href="{SET_UP}">Set up<span' in page
    client.get(SET_UP)
    device = TOTPDevice.objects.get(user=scrutiny)
    client.post(SET_UP, {"code": code_of(device)})
    later = password_only(scrutiny)

    assert later.get(reverse("accounts:home")).url == f"{VERIFY}?next=%2F"


def test_with_the_requirement_off_an_officer_without_an_app_needs_only_the_password(
    people, settings
):
    settings.REQUIRE_TWO_FACTOR = False
    client = password_only(people["officer"])

    assert client.get(reverse("accounts:home")).status_code == 200


def test_with_the_requirement_off_someone_with_an_app_still_gives_its_code(people, settings):
    settings.REQUIRE_TWO_FACTOR = False
    with_app(people["officer"])
    client = password_only(people["officer"])

    assert client.get(reverse("accounts:home")).url == f"{VERIFY}?next=%2F"


def test_a_password_alone_cannot_replace_an_app(people):
    with_app(people["officer"])
    client = password_only(people["officer"])

    response = client.get(SET_UP)

    assert response.status_code == 302
    assert response.url.startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=people["officer"]).count() == 1


def test_setting_up_a_new_app_replaces_the_old_one_and_its_recovery_codes(people, client_for):
    officer = people["officer"]
    client = client_for(officer)
    old = TOTPDevice.objects.get(user=officer)
    old_codes = two_factor.recovery_codes_renew(user=officer)

    client.get(SET_UP)
    new = TOTPDevice.objects.get(user=officer, confirmed=False)
    client.post(SET_UP, {"code": code_of(new)})

    assert list(TOTPDevice.objects.filter(user=officer)) == [new]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    tokens = set(StaticToken.objects.filter(device__user=officer).values_list("token", flat=True))
    assert len(tokens) == 10
    assert tokens.isdisjoint(two_factor.recovery_code_hash(code) for code in old_codes)


# --- A lost device -------------------------------------------------------------------------------


def test_an_administrator_resets_a_lost_app_with_the_reason_in_the_history(people, client_for):
    manager = people["manager"]
    with_app(manager)
    two_factor.recovery_codes_renew(user=manager)
    managers_browser = signed_in_fully(Client(), manager)
    url = reverse("accounts:user-reset-two-factor", args=[manager.username])

    response = client_for(people["admin"]).post(url, {"reason": "lost their phone"})

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=manager).exists()
    assert not StaticToken.objects.filter(device__user=manager).exists()
    latest = manager.history.latest()
    assert latest.history_change_reason == "Second factor reset: lost their phone"
    assert latest.history_user == people["admin"]
    # Their sessions end, and at the next sign-in they set up a new app.
    assert managers_browser.get(reverse("accounts:home")).url.startswith(reverse("accounts:login"))
    assert password_only(manager).get(reverse("accounts:home")).url.startswith(SET_UP)


def test_the_reset_needs_a_reason(people, client_for):
    with_app(people["manager"])
    url = reverse("accounts:user-reset-two-factor", args=[people["manager"].username])

    response = client_for(people["admin"]).post(url, {"reason": ""})

    assert response.status_code == 200
    assert TOTPDevice.objects.filter(user=people["manager"]).count() == 1


def test_the_users_page_says_whether_an_app_is_set_up_and_links_to_the_reset(people, client_for):
    manager = people["manager"]
    url = reverse("accounts:user-detail", args=[manager.username])
    admin = client_for(people["admin"])
    before = admin.get(url).content.decode()
    with_app(manager)
    after = admin.get(url).content.decode()

    reset = reverse("accounts:user-reset-two-factor", args=[manager.username])
    assert 'data-testid="two-factor-status">Not set up<' in before
    assert reset not in before
    assert 'data-testid="two-factor-status">Set up<' in after
    assert f'href="{reset}"' in after


# --- Django's admin ------------------------------------------------------------------------------


def test_djangos_admin_opens_only_once_the_second_factor_is_given(people, client_for):
    admin = people["admin"]
    device = with_app(admin)
    client = password_only(admin)

    before = client.get(reverse("admin:index"))
    client.post(VERIFY, {"code": code_of(device)})
    after = client.get(reverse("admin:index"))

    assert before.status_code == 302
    assert before.url.startswith(VERIFY)
    assert after.status_code == 200


def test_djangos_admin_itself_refuses_an_administrator_owing_the_second_factor(rf, db):
    # The admin's own check, should the middleware ever be left out.
    from django.contrib.sessions.backends.db import SessionStore

    from trust_portal.urls import _administrators_only

    admin = AdministratorFactory()
    with_app(admin)
    request = rf.get("/admin/")
    request.user = admin
    request.session = SessionStore()
    owed = _administrators_only(request)
    request.session["otp_device_id"] = "otp_totp.totpdevice/1"

    assert owed is False
    assert _administrators_only(request) is True


# --- Recovery codes: kept hashed, used once, replaced on request --------------------------------

NEW_CODES = reverse("accounts:new-recovery-codes")
RECOVERY_CODES = reverse("accounts:two-factor-recovery-codes")


def stored_codes(user) -> set[str]:
    return set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))


def test_recovery_codes_are_kept_only_as_keyed_hashes(people):
    officer = people["officer"]

    codes = two_factor.recovery_codes_renew(user=officer)

    stored = stored_codes(officer)
    assert len(codes) == 10
    assert stored == {two_factor.recovery_code_hash(code) for code in codes}
    assert all(re.fullmatch(r"[0-9a-f]{16}", token) for token in stored)
    assert stored.isdisjoint(codes)
    # Keyed: the same code hashed with another secret is another value.
    assert two_factor.recovery_code_hash(codes[0], "another-secret-key") not in stored


def test_a_recovery_code_works_once_and_its_hash_is_what_goes(people):
    officer = people["officer"]
    codes = two_factor.recovery_codes_renew(user=officer)

    used = two_factor.two_factor_verify(user=officer, code=f" {codes[3][:4]}-{codes[3][4:]} ")
    again = two_factor.two_factor_verify(user=officer, code=codes[3])

    assert used is not None
    assert used.name == two_factor.RECOVERY_NAME
    assert again is None
    assert stored_codes(officer) == {two_factor.recovery_code_hash(c) for c in codes} - {
        two_factor.recovery_code_hash(codes[3])
    }


def test_a_stored_hash_typed_as_a_code_is_refused(people):
    officer = people["officer"]
    two_factor.recovery_codes_renew(user=officer)
    hashed = sorted(stored_codes(officer))[0]

    assert two_factor.two_factor_verify(user=officer, code=hashed) is None
    assert hashed in stored_codes(officer)


def test_recovery_codes_made_before_the_secret_key_was_rotated_still_work(people, settings):
    officer = people["officer"]
    codes = two_factor.recovery_codes_renew(user=officer)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-for-this-test-only-0123456789"

    assert two_factor.two_factor_verify(user=officer, code=codes[0]) is not None
    assert len(stored_codes(officer)) == 9


def test_the_migration_hashes_codes_kept_in_clear_and_they_still_sign_in(people):
    import importlib

    from django.apps import apps
    from django_otp.plugins.otp_static.models import StaticDevice

    migration = importlib.import_module("trust_portal.accounts.migrations.0007_hash_recovery_codes")
    officer = people["officer"]
    device = StaticDevice.objects.create(user=officer, name=two_factor.RECOVERY_NAME)
    StaticToken.objects.create(device=device, token="abcd2345")  # noqa: S106
    already = two_factor.recovery_code_hash("zzzz7777")
    StaticToken.objects.create(device=device, token=already)

    migration.hash_clear_codes(apps, None)

    assert stored_codes(officer) == {two_factor.recovery_code_hash("abcd2345"), already}
    assert two_factor.two_factor_verify(user=officer, code="abcd2345") is not None
    assert stored_codes(officer) == {already}


def test_about_your_access_says_how_many_recovery_codes_are_left_and_offers_new_ones(
    people, client_for
):
    officer = people["officer"]
    client = client_for(officer)
    codes = two_factor.recovery_codes_renew(user=officer)
    two_factor.two_factor_verify(user=officer, code=codes[0])

    page = client.get(reverse("accounts:access")).content.decode()

    assert 'data-testid="recovery-codes-left">9 left,' in page
    assert f'href="{NEW_CODES}">Get new recovery codes</a>' in page


def test_someone_without_an_app_is_not_offered_recovery_codes(people, client_for):
    client = client_for(people["scrutiny"])
    TOTPDevice.objects.filter(user=people["scrutiny"]).delete()

    page = client.get(reverse("accounts:access")).content.decode()
    response = client.get(NEW_CODES)

    assert NEW_CODES not in page
    assert response.status_code == 302
    assert response.url == f"{SET_UP}?next=%2F"


def test_new_recovery_codes_need_the_apps_code_replace_the_old_and_are_shown_once(
    people, client_for
):
    officer = people["officer"]
    client = client_for(officer)
    device = TOTPDevice.objects.get(user=officer)
    old = two_factor.recovery_codes_renew(user=officer)

    page = client.get(NEW_CODES)
    response = client.post(NEW_CODES, {"code": code_of(device)})

    assert page.status_code == 200
    assert "You have 10 recovery codes left." in page.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    shown_page = response.content.decode()
    assert '<a href="/about-your-access/" role="button"' in shown_page
    shown = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", shown_page)
    assert "You have new recovery codes" in shown_page
    assert "Your old recovery codes no longer work." in shown_page
    assert len(shown) == 10
    assert stored_codes(officer) == {two_factor.recovery_code_hash(code) for code in shown}
    assert set(shown).isdisjoint(old)
    assert not any(code in str(session_values(client)) for code in shown)
    assert two_factor.two_factor_verify(user=officer, code=old[0]) is None
    assert client.get(RECOVERY_CODES).url == reverse("accounts:access")  # shown once only
    # The app and this session are untouched.
    assert list(TOTPDevice.objects.filter(user=officer)) == [device]
    assert client.get(reverse("accounts:home")).status_code == 200


def test_new_recovery_codes_go_in_the_accounts_history(people, client_for):
    officer = people["officer"]
    client = client_for(officer)
    device = TOTPDevice.objects.get(user=officer)
    before = officer.history.count()

    client.post(NEW_CODES, {"code": code_of(device)})

    latest = officer.history.latest()
    assert officer.history.count() == before + 1
    assert latest.history_change_reason == "New recovery codes made"
    assert latest.history_user == officer
    assert latest.username == officer.username


@pytest.mark.parametrize("typed", ["", "000000", "recovery"])
def test_new_recovery_codes_are_refused_without_the_apps_code_of_the_moment(
    people, client_for, typed
):
    officer = people["officer"]
    client = client_for(officer)
    old = two_factor.recovery_codes_renew(user=officer)
    before = officer.history.count()
    typed = old[0] if typed == "recovery" else typed  # a recovery code is not enough either

    response = client.post(NEW_CODES, {"code": typed})

    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert stored_codes(officer) == {two_factor.recovery_code_hash(code) for code in old}
    assert officer.history.count() == before


def test_a_wrong_app_code_for_new_recovery_codes_counts_towards_the_apps_throttling(
    people, client_for
):
    officer = people["officer"]
    client = client_for(officer)
    device = TOTPDevice.objects.get(user=officer)
    wrong = f"{(int(code_of(device)) + 1) % 1_000_000:06d}"

    client.post(NEW_CODES, {"code": wrong})

    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_signed_out_new_recovery_codes_ask_to_sign_in(client):
    response = client.get(NEW_CODES)

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={NEW_CODES}"


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_session_that_has_not_given_its_second_factor_gets_no_new_recovery_codes(people, method):
    officer = people["officer"]
    device = with_app(officer)
    old = two_factor.recovery_codes_renew(user=officer)
    client = password_only(officer)

    response = getattr(client, method)(NEW_CODES, {"code": code_of(device)})

    assert response.status_code == 302
    assert response.url.startswith(f"{VERIFY}?next=")
    assert stored_codes(officer) == {two_factor.recovery_code_hash(code) for code in old}


def test_the_page_itself_refuses_a_session_owing_its_second_factor(people, rf):
    # Should the middleware ever be left out.
    from django.contrib.sessions.backends.db import SessionStore

    from trust_portal.accounts.sign_in_pages import new_recovery_codes

    officer = people["officer"]
    with_app(officer)
    request = rf.get(NEW_CODES)
    request.user = officer
    request.session = SessionStore()

    response = new_recovery_codes(request)

    assert response.status_code == 302
    assert response.url == f"{VERIFY}?next=%2F"
