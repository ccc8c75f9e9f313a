import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from trust_portal.accounts import services
from trust_portal.accounts.models import Arrangement, Organisation, Role, User

BASE = "http://testserver/"


def invite(cast, capture, **overrides):
    fields = {
        "by": cast["admin"],
        "username": "nct-new",
        "email": "new.person@nct.example.org",
        "first_name": "New",
        "last_name": "Person",
        "role": Role.TRUST_MANAGER,
        "organisation": Organisation.objects.get(code="NCT"),
        "base_url": BASE,
    }
    with capture(execute=True):
        return services.user_invite(**{**fields, **overrides})


def test_an_invitation_creates_an_account_without_a_password_and_emails_a_link(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    user = invite(cast, django_capture_on_commit_callbacks)
    assert not user.has_usable_password()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["new.person@nct.example.org"]
    assert "nct-new" in mailoutbox[0].body
    assert re.search(r"http://testserver/invitation/\S+/\S+/", mailoutbox[0].body)


def test_the_invitation_link_sets_the_password_once(
    cast, client, mailoutbox, django_capture_on_commit_callbacks
):
    invite(cast, django_capture_on_commit_callbacks)
    link = re.search(r"http://testserver(/invitation/\S+/)", mailoutbox[0].body).group(1)
    page = client.get(link, follow=True)
    assert b"Set your password" in page.content
    form_url = page.redirect_chain[-1][0]
    new = "a-sound-new-passphrase"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    assert User.objects.get(username="nct-new").check_password(new)
    again = client.get(link, follow=True)
    assert b"This link does not work" in again.content


def test_the_invitation_is_sent_only_after_the_account_is_committed(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.user_invite(
            by=cast["admin"],
            username="later",
            email="later@wnc.example.org",
            first_name="L",
            last_name="Ater",
            role=Role.COUNCIL_OFFICER,
            organisation=Organisation.objects.get(code="WNC"),
            base_url=BASE,
        )
    assert mailoutbox == []
    assert len(callbacks) == 1


@pytest.mark.parametrize("who", ["wnc-officer", "nct-manager", "dfe-observer", "wnc-scrutiny"])
def test_only_administrators_invite(who, cast, django_capture_on_commit_callbacks):
    with pytest.raises(PermissionDenied):
        invite(cast, django_capture_on_commit_callbacks, by=cast[who])


def test_an_invitation_refuses_a_role_from_the_wrong_kind_of_organisation(
    cast, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError, match="must belong to a council"):
        invite(cast, django_capture_on_commit_callbacks, role=Role.COUNCIL_OFFICER)


def test_changing_a_role_is_recorded_with_who_and_why(cast):
    person = cast["wnc-scrutiny"]
    services.user_change_access(
        by=cast["admin"],
        user=person,
        role=Role.COUNCIL_OFFICER,
        organisation=person.organisation,
        reason="Became an officer",
    )
    latest = person.history.order_by("-history_date").first()
    assert latest.role == Role.COUNCIL_OFFICER
    assert latest.history_user == cast["admin"]
    assert latest.history_change_reason == "Became an officer"


def test_an_observers_access_list_is_replaced(cast):
    observer = cast["dfe-observer"]
    oct_ = Arrangement.objects.get(trust__code="OCT")
    services.user_change_access(
        by=cast["admin"],
        user=observer,
        role=Role.DFE_OBSERVER,
        organisation=observer.organisation,
        observed_arrangements=[oct_],
    )
    assert [g.arrangement.code for g in observer.grants.all()] == ["OCT"]
    assert observer.grants.get().granted_by == cast["admin"]


def test_a_role_change_away_from_observer_clears_the_access_list(cast):
    observer = cast["dfe-observer"]
    admin_org = Organisation.objects.get(code="DFE")
    services.user_change_access(
        by=cast["admin"], user=observer, role=Role.ADMINISTRATOR, organisation=admin_org
    )
    assert not observer.grants.exists()
    assert observer.is_staff and observer.is_superuser


def test_an_administrator_cannot_remove_their_own_administrator_role(cast):
    admin = cast["admin"]
    with pytest.raises(ValidationError, match="your own administrator role"):
        services.user_change_access(
            by=admin,
            user=admin,
            role=Role.COUNCIL_OFFICER,
            organisation=Organisation.objects.get(code="WNC"),
        )


def test_a_leaver_is_deactivated_never_deleted(cast, client):
    person = cast["nct-manager"]
    services.user_deactivate(by=cast["admin"], user=person, reason="Left the trust")
    person.refresh_from_db()
    assert not person.is_active
    assert User.objects.filter(username="nct-manager").exists()
    assert person.history.first().history_change_reason == "Deactivated: Left the trust"
    response = client.post(
        reverse("accounts:login"),
        {"username": "nct-manager", "password": "demo-password-for-tests"},
    )
    assert response.status_code == 200
    assert (
        b"Enter a correct username and password" in response.content
        or b"deactivated" in response.content
    )


def test_deactivation_needs_a_reason(cast):
    with pytest.raises(ValidationError, match="Say why"):
        services.user_deactivate(by=cast["admin"], user=cast["nct-manager"], reason="  ")


def test_an_administrator_cannot_deactivate_themselves(cast):
    with pytest.raises(PermissionDenied):
        services.user_deactivate(by=cast["admin"], user=cast["admin"], reason="oops")


def test_a_reactivated_account_signs_in_again(cast, client):
    services.user_reactivate(by=cast["admin"], user=cast["leaver"], reason="Returned")
    response = client.post(
        reverse("accounts:login"), {"username": "leaver", "password": "demo-password-for-tests"}
    )
    assert response.status_code == 302


def test_an_invitation_is_not_resent_to_someone_who_has_a_password(cast):
    with pytest.raises(ValidationError, match="already set a password"):
        services.user_send_invitation(user=cast["nct-manager"], by=cast["admin"], base_url=BASE)
