"""The API tokens page of every signed-in person, service accounts (administrators), and
``manage.py create_api_token``."""

import hashlib
import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from trust_portal.accounts import api_tokens
from trust_portal.accounts.models import ApiToken, ApiTokenUse, Role, User
from trust_portal.accounts.tests.factories import ApiTokenFactory, ServiceAccountFactory

TOKENS = reverse("accounts:api-tokens")
NEW_TOKEN = reverse("accounts:api-token-create")


def made_key(response) -> str:
    return response.context["key"]


# --- A person's own tokens --------------------------------------------------------------------


def test_the_page_lists_only_the_persons_own_tokens(people, client_for):
    mine = ApiTokenFactory(user=people["officer"], name="Mine")
    ApiTokenFactory(user=people["other-officer"], name="Not mine")

    response = client_for(people["officer"]).get(TOKENS)

    assert response.status_code == 200
    assert [token for token, _ in response.context["rows"]] == [mine]
    assert mine.prefix in response.content.decode()


def test_making_a_token_shows_its_key_once_and_keeps_only_its_hash(people, client_for):
    client = client_for(people["manager"])

    response = client.post(
        NEW_TOKEN, {"name": "Nightly import", "expires_in_days": "30", "read_only": "on"}
    )

    key = made_key(response)
    token = ApiToken.objects.get(user=people["manager"])
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0, no-cache, no-store")
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert (token.name, token.read_only, (token.expires_at - token.created_at).days) == (
        "Nightly import",
        True,
        30,
    )
    assert key not in client.get(TOKENS).content.decode()


@pytest.mark.parametrize(
    ("days", "message"),
    [
        ("400", "A token can last at most a year: enter 365 days or fewer."),
        ("0", "Enter a number of days from 1 to 365."),
        ("ninety", "Enter the number of days as a whole number, for example 90."),
        ("", "Enter the number of days before the token expires."),
    ],
)
def test_the_expiry_is_explained_in_plain_english(people, client_for, days, message):
    response = client_for(people["officer"]).post(
        NEW_TOKEN, {"name": "Import", "expires_in_days": days}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"expires_in_days": [message]}
    assert not ApiToken.objects.exists()


def test_revoking_asks_first_then_revokes(people, client_for):
    token = ApiTokenFactory(user=people["officer"])
    client = client_for(people["officer"])
    url = reverse("accounts:api-token-revoke", args=[token.pk])

    asked = client.get(url)
    token.refresh_from_db()
    assert asked.status_code == 200 and token.revoked_at is None

    response = client.post(url)

    token.refresh_from_db()
    assert response.status_code == 302 and response.url == TOKENS
    assert token.revoked_by == people["officer"]


def test_nobody_reaches_another_persons_token(people, client_for):
    token = ApiTokenFactory(user=people["officer"])
    url = reverse("accounts:api-token-revoke", args=[token.pk])

    response = client_for(people["other-officer"]).post(url)

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_list_is_paged(people, client_for):
    ApiTokenFactory.create_batch(26, user=people["officer"])
    client = client_for(people["officer"])

    first, second = client.get(TOKENS), client.get(TOKENS, {"page": 2})

    assert (len(first.context["rows"]), len(second.context["rows"])) == (25, 1)


# --- Service accounts -------------------------------------------------------------------------


def service_account_data(world, **changes):
    return {
        "first_name": "WNC finance system",
        "username": "wnc-finance",
        "email": "finance.systems@wnc.example.org",
        "organisation": world.councils[0].pk,
        "role": Role.COUNCIL_OFFICER,
        **changes,
    }


def test_an_administrator_makes_a_service_account_with_no_password(world, people, client_for):
    response = client_for(people["admin"]).post(
        reverse("accounts:service-account-create"), service_account_data(world)
    )

    account = User.objects.get(username="wnc-finance")
    assert response.status_code == 302
    assert response.url == reverse("accounts:user-detail", args=["wnc-finance"])
    assert account.is_service_account and not account.has_usable_password()
    assert (account.organisation, account.role) == (world.councils[0], Role.COUNCIL_OFFICER)
    assert account.history.get().history_change_reason == "Service account made"


def test_a_service_account_must_fit_its_organisation(world, people, client_for):
    response = client_for(people["admin"]).post(
        reverse("accounts:service-account-create"),
        service_account_data(world, role=Role.TRUST_MANAGER),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["role"] == [
        f"A trust manager must belong to a children's trust; {world.councils[0].name} is a council."
    ]


@pytest.mark.parametrize("who", ["officer", "manager", "observer", "scrutiny", "outsider"])
def test_only_administrators_make_service_accounts(world, people, client_for, who):
    response = client_for(people[who]).post(
        reverse("accounts:service-account-create"), service_account_data(world)
    )

    assert response.status_code == 403
    assert not User.objects.filter(username="wnc-finance").exists()


def test_an_administrator_makes_and_revokes_a_service_accounts_tokens(people, client_for):
    account = ServiceAccountFactory()
    client = client_for(people["admin"])

    made = client.post(
        reverse("accounts:service-account-token-create", args=[account.username]),
        {"name": "Nightly", "expires_in_days": "365"},
    )
    token = ApiToken.objects.get(user=account)
    page = client.get(reverse("accounts:user-detail", args=[account.username]))
    revoked = client.post(
        reverse("accounts:service-account-token-revoke", args=[account.username, token.pk])
    )

    assert made.status_code == 200 and token.created_by == people["admin"]
    assert [t for t, _ in page.context["rows"]] == [token]
    assert revoked.url == reverse("accounts:user-detail", args=[account.username])
    token.refresh_from_db()
    assert token.revoked_by == people["admin"]


def test_a_service_accounts_page_says_two_factor_does_not_apply(people, client_for):
    account = ServiceAccountFactory()
    page = client_for(people["admin"]).get(reverse("accounts:user-detail", args=[account.username]))
    status = page.content.decode().split('data-testid="two-factor-status">')[1].split("</dd>")[0]
    assert status == "Does not apply: a service account never signs in to the pages"
    person = client_for(people["admin"]).get(
        reverse("accounts:user-detail", args=[people["officer"].username])
    )
    assert 'data-testid="two-factor-status">Not set up</dd>' in person.content.decode()


def test_a_persons_tokens_are_not_managed_on_the_administrators_pages(people, client_for):
    url = reverse("accounts:service-account-token-create", args=[people["officer"].username])

    response = client_for(people["admin"]).post(url, {"name": "x", "expires_in_days": "9"})

    assert response.status_code == 404


def test_a_service_account_cannot_sign_in_and_is_answered_as_a_wrong_password(db):
    account = ServiceAccountFactory()

    response = Client().post(
        reverse("accounts:login"), {"username": account.username, "password": "anything"}
    )
    unknown = Client().post(
        reverse("accounts:login"), {"username": "nobody-at-all", "password": "anything"}
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Enter a correct username and password. Both are case-sensitive."
    ]
    assert unknown.context["form"].non_field_errors() == (
        response.context["form"].non_field_errors()
    )


def test_a_service_accounts_session_is_ended_and_refused_by_the_api(db):
    client = Client()
    client.force_login(
        ServiceAccountFactory(), backend="trust_portal.accounts.backends.AccountBackend"
    )

    api = client.get("/api/v1/organisations/")
    page = client.get(reverse("accounts:home"))

    assert api.status_code == 401
    assert page.status_code == 302 and page.url.startswith(reverse("accounts:login"))


def test_a_service_accounts_token_works_as_its_role(world):
    account = ServiceAccountFactory(organisation=world.councils[0])
    _, key = api_tokens.api_token_create(by=None, user=account, name="Import")

    response = Client().get("/api/v1/arrangements/", HTTP_AUTHORIZATION=f"Token {key}")

    assert response.status_code == 200
    assert [row["code"] for row in response.json()["results"]] == [world.arrangement.code]


# --- manage.py create_api_token ---------------------------------------------------------------


def test_the_command_prints_the_new_token_on_its_last_line(people):
    out = io.StringIO()

    call_command(
        "create_api_token",
        people["officer"].username,
        "--name",
        "Finance",
        "--expires",
        "10",
        "--read-only",
        stdout=out,
    )

    key = out.getvalue().splitlines()[-1]
    token = ApiToken.objects.get(key_hash=hashlib.sha256(key.encode()).hexdigest())
    assert (token.user, token.name, token.read_only) == (people["officer"], "Finance", True)
    assert (token.expires_at - token.created_at).days == 10


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["nobody-here", "--name", "x"], "There is no user called nobody-here."),
        (
            ["{officer}", "--name", "x", "--expires", "400"],
            "Enter a number of days from 1 to 365 (at most a year).",
        ),
        (
            ["{officer}", "--name", "x", "--expires", "soon"],
            "Enter a number of days from 1 to 365 (at most a year).",
        ),
    ],
)
def test_the_command_refuses_an_unknown_user_or_bad_days(people, arguments, message):
    arguments = [a.format(officer=people["officer"].username) for a in arguments]

    with pytest.raises(CommandError) as error:
        call_command("create_api_token", *arguments, stdout=io.StringIO())

    assert str(error.value) == message
    assert not ApiToken.objects.exists()


def test_a_service_account_is_no_invitation_waiting_nor_a_person_counted(world, people):
    from django.utils import timezone

    from trust_portal.accounts.dashboards import build_summary
    from trust_portal.accounts.work import invitations

    council = world.councils[0]
    before = build_summary(world.arrangement)["active_users"][council.code]["total"]
    ServiceAccountFactory(organisation=council)

    waiting = invitations(people["admin"], [], today=timezone.localdate())

    assert build_summary(world.arrangement)["active_users"][council.code]["total"] == before
    assert [item.title for item in waiting if "Finance system" in item.title] == []


def test_a_service_account_is_never_sent_an_invitation(people):
    from trust_portal.accounts.services import user_send_invitation

    account = ServiceAccountFactory()

    with pytest.raises(ValidationError) as error:
        user_send_invitation(user=account, by=people["admin"], base_url="http://testserver/")

    assert error.value.messages == [f"{account} is a service account: it has no password to set."]


def test_a_service_account_is_not_emailed_as_its_councils_officers_are(world, people):
    from trust_portal.approvals.notifications import _people

    account = ServiceAccountFactory(organisation=world.councils[0], email="system@example.org")

    recipients = _people(world.arrangement, councils=True, trust=False)

    assert people["officer"].email in recipients
    assert account.email not in recipients


# --- Changes made with a token ----------------------------------------------------------------


def used(token, *answers):
    """``token``'s recorded writes, one a minute apart, the first oldest: (method, status)."""
    start = timezone.now() - timedelta(days=1)
    return [
        ApiTokenUse.objects.create(
            token=token,
            at=start + timedelta(minutes=n),
            method=method,
            path="/api/v1/returns/7/approve/",
            status=status,
        )
        for n, (method, status) in enumerate(answers)
    ]


def test_each_token_links_to_the_changes_made_with_it_and_counts_them(people, client_for):
    token = ApiTokenFactory(user=people["officer"])
    used(token, ("POST", 200), ("POST", 403))
    url = reverse("accounts:api-token-uses", args=[token.pk])

    page = client_for(people["officer"]).get(TOKENS)

    assert f'href="{url}">Changes made with it (2)<' in page.content.decode()


def test_the_changes_are_listed_newest_first_with_their_answer_in_words(people, client_for):
    token = ApiTokenFactory(user=people["officer"])
    older, newer = used(token, ("POST", 201), ("PATCH", 403))
    url = reverse("accounts:api-token-uses", args=[token.pk])

    response = client_for(people["officer"]).get(url)

    assert response.status_code == 200
    assert response.context["uses"] == [newer, older]
    text = response.content.decode()
    assert text.index("Refused (403)") < text.index("Done (201)")


def test_a_token_without_changes_says_so(people, client_for):
    token = ApiTokenFactory(user=people["officer"])

    response = client_for(people["officer"]).get(
        reverse("accounts:api-token-uses", args=[token.pk])
    )

    assert "No changes have been asked with this token yet." in response.content.decode()


def test_the_changes_are_paged(people, client_for):
    token = ApiTokenFactory(user=people["officer"])
    used(token, *[("POST", 200)] * 51)
    url = reverse("accounts:api-token-uses", args=[token.pk])
    client = client_for(people["officer"])

    first, second = client.get(url), client.get(url, {"page": 2})

    assert (len(first.context["uses"]), len(second.context["uses"])) == (50, 1)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("officer", 200),
        ("other-officer", 404),
        ("manager", 404),
        ("observer", 404),
        ("admin", 404),
        ("outsider", 404),
    ],
)
def test_only_the_owner_sees_their_tokens_changes_on_their_own_page(
    people, client_for, who, status
):
    token = ApiTokenFactory(user=people["officer"])

    response = client_for(people[who]).get(reverse("accounts:api-token-uses", args=[token.pk]))

    assert response.status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 200),
        ("officer", 403),
        ("manager", 403),
        ("observer", 403),
        ("scrutiny", 403),
        ("outsider", 403),
    ],
)
def test_only_administrators_see_the_changes_made_with_any_accounts_token(
    people, client_for, who, status
):
    account = ServiceAccountFactory()
    token = ApiTokenFactory(user=account)
    used(token, ("POST", 200))
    persons = ApiTokenFactory(user=people["officer"])
    client = client_for(people[who])

    service = client.get(reverse("accounts:user-api-token-uses", args=[account.username, token.pk]))
    person = client.get(
        reverse("accounts:user-api-token-uses", args=[people["officer"].username, persons.pk])
    )

    assert (service.status_code, person.status_code) == (status, status)


def test_a_service_accounts_page_links_to_the_changes_made_with_each_token(people, client_for):
    account = ServiceAccountFactory()
    token = ApiTokenFactory(user=account)
    used(token, ("POST", 200))
    url = reverse("accounts:user-api-token-uses", args=[account.username, token.pk])
    client = client_for(people["admin"])

    page = client.get(reverse("accounts:user-detail", args=[account.username]))
    uses = client.get(url)

    assert f'href="{url}">Changes made with it (1)<' in page.content.decode()
    assert [use.token for use in uses.context["uses"]] == [token]


def test_a_token_of_another_account_is_not_found_under_this_one(people, client_for):
    token = ApiTokenFactory(user=people["officer"])
    url = reverse("accounts:user-api-token-uses", args=[people["manager"].username, token.pk])

    assert client_for(people["admin"]).get(url).status_code == 404
