import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from trust_portal.accounts import services
from trust_portal.accounts.models import Role, User

BASE = "http://testserver/"
# The password every factory-made person has (trust_portal/accounts/tests/factories.py).
PASSWORD = "a-long-test-password"  # noqa: S105


def invite(world, capture, **overrides):
    fields = {
        "by": world.admin,
        "username": "trust-new",
        "email": "new.person@trust.example.org",
        "first_name": "New",
        "last_name": "Person",
        "role": Role.TRUST_MANAGER,
        "organisation": world.trust,
        "base_url": BASE,
    }
    with capture(execute=True):
        return services.user_invite(**{**fields, **overrides})


def test_an_invitation_creates_an_account_without_a_password_and_emails_a_link(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    user = invite(world, django_capture_on_commit_callbacks)
    assert not user.has_usable_password()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["new.person@trust.example.org"]
    assert "trust-new" in mailoutbox[0].body
    assert re.search(r"http://testserver/invitation/\S+/\S+/", mailoutbox[0].body)


def test_the_invitation_link_sets_the_password_once(
    world, client, mailoutbox, django_capture_on_commit_callbacks
):
    invite(world, django_capture_on_commit_callbacks)
    link = re.search(r"http://testserver(/invitation/\S+/)", mailoutbox[0].body).group(1)
    page = client.get(link, follow=True)
    assert b"Set your password" in page.content
    form_url = page.redirect_chain[-1][0]
    new = "a-sound-new-passphrase"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    assert User.objects.get(username="trust-new").check_password(new)
    again = client.get(link, follow=True)
    assert b"This link does not work" in again.content


def test_the_invitation_is_sent_only_after_the_account_is_committed(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.user_invite(
            by=world.admin,
            username="later",
            email="later@council.example.org",
            first_name="L",
            last_name="Ater",
            role=Role.COUNCIL_OFFICER,
            organisation=world.councils[0],
            base_url=BASE,
        )
    assert mailoutbox == []
    assert len(callbacks) == 1


@pytest.mark.parametrize("who", ["officer", "manager", "observer", "scrutiny"])
def test_only_administrators_invite(who, world, django_capture_on_commit_callbacks):
    with pytest.raises(PermissionDenied):
        invite(world, django_capture_on_commit_callbacks, by=world.people[who])


def test_an_invitation_refuses_a_role_from_the_wrong_kind_of_organisation(
    world, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError, match="must belong to a council"):
        invite(world, django_capture_on_commit_callbacks, role=Role.COUNCIL_OFFICER)


def test_changing_a_role_is_recorded_with_who_and_why(world):
    person = world.scrutiny
    services.user_change_access(
        by=world.admin,
        user=person,
        role=Role.COUNCIL_OFFICER,
        organisation=person.organisation,
        reason="Became an officer",
    )
    latest = person.history.order_by("-history_date").first()
    assert latest.role == Role.COUNCIL_OFFICER
    assert latest.history_user == world.admin
    assert latest.history_change_reason == "Became an officer"


def test_an_observers_access_list_is_replaced(world):
    observer = world.observer
    elsewhere = world.other_manager.organisation.arrangement_as_trust
    services.user_change_access(
        by=world.admin,
        user=observer,
        role=Role.DFE_OBSERVER,
        organisation=observer.organisation,
        observed_arrangements=[elsewhere],
    )
    assert [g.arrangement.code for g in observer.grants.all()] == [elsewhere.code]
    assert observer.grants.get().granted_by == world.admin


def test_a_role_change_away_from_observer_clears_the_access_list(world):
    observer = world.observer
    admin_org = observer.organisation
    services.user_change_access(
        by=world.admin, user=observer, role=Role.ADMINISTRATOR, organisation=admin_org
    )
    assert not observer.grants.exists()
    assert observer.is_staff and observer.is_superuser


def test_an_administrator_cannot_remove_their_own_administrator_role(world):
    admin = world.admin
    with pytest.raises(ValidationError, match="your own administrator role"):
        services.user_change_access(
            by=admin,
            user=admin,
            role=Role.COUNCIL_OFFICER,
            organisation=world.councils[0],
        )


def test_a_leaver_is_deactivated_never_deleted(world, client):
    person = world.manager
    services.user_deactivate(by=world.admin, user=person, reason="Left the trust")
    person.refresh_from_db()
    assert not person.is_active
    assert User.objects.filter(username=person.username).exists()
    assert person.history.first().history_change_reason == "Deactivated: Left the trust"
    response = client.post(
        reverse("accounts:login"),
        {"username": person.username, "password": PASSWORD},
    )
    assert response.status_code == 200
    assert (
        b"Enter a correct username and password" in response.content
        or b"deactivated" in response.content
    )


def test_deactivation_needs_a_reason(world):
    with pytest.raises(ValidationError, match="Say why"):
        services.user_deactivate(by=world.admin, user=world.manager, reason="  ")


def test_an_administrator_cannot_deactivate_themselves(world):
    with pytest.raises(PermissionDenied):
        services.user_deactivate(by=world.admin, user=world.admin, reason="oops")


def test_a_reactivated_account_signs_in_again(world, client):
    services.user_reactivate(by=world.admin, user=world.leaver, reason="Returned")
    response = client.post(
        reverse("accounts:login"), {"username": world.leaver.username, "password": PASSWORD}
    )
    assert response.status_code == 302


def test_an_invitation_is_not_resent_to_someone_who_has_a_password(world):
    with pytest.raises(ValidationError, match="already set a password"):
        services.user_send_invitation(user=world.manager, by=world.admin, base_url=BASE)
