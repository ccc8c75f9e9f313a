"""The accounts pages (home, arrangement, users, invitations, signing in), on the root
``world``: its arrangement (a trust and two councils), the outsider's arrangement elsewhere,
and someone in every role."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from trust_portal.accounts.models import Role, User
from trust_portal.accounts.tests.factories import (
    AdministratorFactory,
    UserFactory,
)

PASSWORD = "a-long-test-password"  # noqa: S105  (the factories' password)


def listed(user) -> str:
    """The user list's cell with the username (a bare username may be part of another)."""
    return f'<td class="govuk-table__cell">{user.username}</td>'


def test_home_shows_each_role_its_arrangement_and_links_to_its_access(
    world_cast, world, elsewhere, client_for
):
    page = client_for(world_cast["observer"]).get(reverse("accounts:home")).content.decode()
    # The factory names the trust "<code> Children's Trust"; the page escapes the apostrophe.
    assert f"{world.trust.code} Children&#x27;s Trust ({world.trust.code})" in page
    assert escape(elsewhere.trust.name) not in page
    assert 'data-testid="capabilities"' not in page
    access = reverse("accounts:access")
    assert f'<a class="govuk-link" href="{access}">About your access</a>' in page


def test_about_your_access_shows_each_role_its_arrangement_and_what_it_can_do(
    world_cast, world, elsewhere, client_for
):
    page = client_for(world_cast["observer"]).get(reverse("accounts:access")).content.decode()
    assert f"{world.trust.code} Children&#x27;s Trust ({world.trust.code})" in page
    assert escape(elsewhere.trust.name) not in page
    assert "view approved" in page
    assert "edit" not in page.split('data-testid="capabilities"')[1].split("</dl>")[0]


def test_about_your_access_asks_a_signed_out_person_to_sign_in(client):
    response = client.get(reverse("accounts:access"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={reverse('accounts:access')}"


def test_home_lists_councils_of_an_arrangement_in_words(world_cast, world, client_for):
    page = client_for(world_cast["manager"]).get(reverse("accounts:home")).content.decode()
    first, second = sorted(world.councils, key=lambda council: council.name)
    assert f"Commissioned by {first.name} ({first.code}) and {second.name} ({second.code})." in page


def test_about_your_access_says_when_the_summary_is_still_being_calculated(
    world_cast, arrangement, client_for
):
    from trust_portal.dashboards.models import Snapshot

    # The world's arrangement has no snapshot until one is computed.
    assert not Snapshot.objects.filter(arrangement=arrangement, name="summary").exists()
    page = client_for(world_cast["officer"]).get(reverse("accounts:access")).content.decode()
    assert "The summary is being calculated" in page


def test_about_your_access_shows_the_summary_snapshot_with_its_time(
    world_cast, arrangement, client_for
):
    from trust_portal.dashboards.services import snapshot_recompute

    snapshot_recompute(arrangement=arrangement, names=["summary"])
    client = client_for(world_cast["officer"])
    page = client.get(reverse("accounts:access")).content.decode()
    assert "Figures computed " in page
    assert "Active accounts by organisation" in page
    # The account counts are no longer on the home page.
    home = client.get(reverse("accounts:home")).content.decode()
    assert "Active accounts by organisation" not in home


def test_an_observer_with_no_grants_is_told_what_to_do(world_cast, client_for):
    observer = UserFactory(role=Role.DFE_OBSERVER, organisation=world_cast["observer"].organisation)
    page = client_for(observer).get(reverse("accounts:home")).content.decode()
    assert "No arrangement has been added to your access list yet" in page


def test_home_page_queries_do_not_grow_with_arrangements(
    world_cast, client_for, django_assert_max_num_queries
):
    client = client_for(world_cast["admin"])
    with django_assert_max_num_queries(12):
        client.get(reverse("accounts:access"))


def test_another_arrangements_page_is_not_found_not_forbidden(world_cast, arrangement, client_for):
    response = client_for(world_cast["outsider"]).get(
        reverse("accounts:arrangement-detail", args=[arrangement.code])
    )
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_arrangement_codes_are_not_case_sensitive_in_urls(world_cast, elsewhere, client_for):
    assert elsewhere.code.lower() != elsewhere.code
    response = client_for(world_cast["outsider"]).get(
        reverse("accounts:arrangement-detail", args=[elsewhere.code.lower()])
    )
    assert response.status_code == 200


def test_forbidden_pages_use_the_service_layout(world_cast, client_for):
    response = client_for(world_cast["manager"]).get(reverse("accounts:user-list"))
    assert response.status_code == 403
    assert b"You do not have access to this page" in response.content


def test_user_list_filters_by_role_and_status(world_cast, client_for):
    client = client_for(world_cast["admin"])
    page = client.get(reverse("accounts:user-list"), {"role": "scrutiny_member"}).content.decode()
    assert listed(world_cast["scrutiny"]) in page and listed(world_cast["other-scrutiny"]) in page
    assert listed(world_cast["manager"]) not in page
    page = client.get(reverse("accounts:user-list"), {"status": "inactive"}).content.decode()
    assert listed(world_cast["leaver"]) in page and listed(world_cast["officer"]) not in page


def test_user_list_is_paginated(world_cast, world, client_for):
    org = world.councils[0]
    UserFactory.create_batch(30, organisation=org, role=Role.COUNCIL_OFFICER)
    client = client_for(world_cast["admin"])
    first = client.get(reverse("accounts:user-list")).content.decode()
    assert 'rel="next"' in first
    second = client.get(reverse("accounts:user-list"), {"page": 2}).content.decode()
    assert 'rel="prev"' in second


def test_user_list_query_count_is_flat(
    world_cast, world, client_for, django_assert_max_num_queries
):
    UserFactory.create_batch(20, organisation=world.councils[0])
    client = client_for(world_cast["admin"])
    with django_assert_max_num_queries(10):
        client.get(reverse("accounts:user-list"))


def test_an_invalid_invitation_keeps_what_was_typed_and_says_why(world_cast, world, client_for):
    response = client_for(world_cast["admin"]).post(
        reverse("accounts:user-invite"),
        {
            "first_name": "Jo",
            "last_name": "Bloggs",
            "email": "not-an-email",
            "username": world_cast["officer"].username,
            "role": "trust_manager",
            "organisation": world.councils[0].pk,
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "That username is taken" in page
    assert "Enter a valid email address" in page
    assert "must belong to a children" in page
    assert 'value="Jo"' in page


def test_an_invitation_through_the_page_sends_the_email(
    world_cast, arrangement, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world_cast["admin"]).post(
            reverse("accounts:user-invite"),
            {
                "first_name": "Jo",
                "last_name": "Bloggs",
                "email": "Jo.Bloggs@DFE.example.org",
                "username": "dfe-jbloggs",
                "role": "dfe_observer",
                "organisation": world_cast["observer"].organisation.pk,
                "observed_arrangements": [
                    world_cast["manager"].organisation.arrangement_as_trust.pk
                ],
            },
        )
    assert response.status_code == 302
    user = User.objects.get(username="dfe-jbloggs")
    assert user.email == "jo.bloggs@dfe.example.org"
    assert [g.arrangement.code for g in user.grants.all()] == [arrangement.code]
    assert mailoutbox[0].to == ["jo.bloggs@dfe.example.org"]


def test_deactivation_without_a_reason_is_refused_with_a_message(world_cast, client_for):
    response = client_for(world_cast["admin"]).post(
        reverse("accounts:user-deactivate", args=[world_cast["manager"].username]), {"reason": ""}
    )
    assert response.status_code == 200
    assert b"Enter the reason" in response.content
    assert User.objects.get(username=world_cast["manager"].username).is_active


def test_user_detail_shows_the_history(world_cast, client_for):
    # The history names the administrator who made the change.
    client = client_for(AdministratorFactory(first_name="Morgan", last_name="Reid"))
    manager = world_cast["manager"].username
    client.post(reverse("accounts:user-deactivate", args=[manager]), {"reason": "Left"})
    page = client.get(reverse("accounts:user-detail", args=[manager])).content.decode()
    assert "Deactivated: Left" in page
    assert "Morgan Reid" in page


def test_password_reset_sends_a_link_only_to_a_known_address(
    world_cast, client, mailoutbox, django_capture_on_commit_callbacks
):
    # The email is an outbox job, sent once the request's change commits.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password-reset"), {"email": world_cast["manager"].email})
        client.post(reverse("accounts:password-reset"), {"email": "nobody@example.org"})
    assert len(mailoutbox) == 1
    assert "/password-reset/" in mailoutbox[0].body


def test_signing_in_with_a_wrong_password_says_so(world_cast, client):
    response = client.post(
        reverse("accounts:login"), {"username": world_cast["officer"].username, "password": "wrong"}
    )
    assert response.status_code == 200
    assert b"Enter a correct username and password" in response.content


@pytest.mark.parametrize("settings_limit", [3])
def test_repeated_wrong_passwords_lock_the_sign_in(world_cast, client, settings, settings_limit):
    settings.AXES_FAILURE_LIMIT = settings_limit
    for _ in range(settings_limit):
        client.post(
            reverse("accounts:login"),
            {"username": world_cast["officer"].username, "password": "nope"},
        )
    response = client.post(
        reverse("accounts:login"),
        {"username": world_cast["officer"].username, "password": PASSWORD},
    )
    assert response.status_code == 429
    assert b"Too many attempts to sign in" in response.content


def test_missing_answers_say_what_to_enter(world_cast, client_for):
    page = (
        client_for(world_cast["admin"]).post(reverse("accounts:user-invite"), {}).content.decode()
    )
    assert "Enter first name" in page
    assert "Enter email address" in page
    assert "Select role" in page
    assert "This field is required" not in page


def test_the_user_list_downloads_as_csv_with_the_same_filters(world_cast, client_for):
    # The administrator sees everyone: every scrutiny member in the database, by username,
    # the world's two among them.
    members = User.objects.filter(role=Role.SCRUTINY_MEMBER).order_by("username")
    usernames = list(members.values_list("username", flat=True))
    assert {world_cast["scrutiny"].username, world_cast["other-scrutiny"].username} <= set(
        usernames
    )
    response = client_for(world_cast["admin"]).get(
        reverse("accounts:user-export"), {"role": "scrutiny_member"}
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "username,name,email,organisation,role,status,last signed in"
    assert [line.split(",")[0] for line in lines[1:]] == usernames
    (ours,) = [line for line in lines[1:] if line.startswith(f"{world_cast['scrutiny'].username},")]
    assert "Scrutiny member,Active" in ours


def test_csv_cells_cannot_smuggle_spreadsheet_formulas(world_cast, world, client_for):
    UserFactory(username="sneaky", first_name="=HYPERLINK(1)", organisation=world.councils[0])
    body = client_for(world_cast["admin"]).get(reverse("accounts:user-export")).content.decode()
    assert "'=HYPERLINK(1)" in body
