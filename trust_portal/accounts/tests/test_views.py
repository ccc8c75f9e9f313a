import pytest
from django.urls import reverse

from trust_portal.accounts.models import Organisation, Role, User
from trust_portal.accounts.tests.factories import UserFactory


def test_home_shows_each_role_its_arrangement_and_what_it_can_do(cast, client_for):
    page = client_for(cast["dfe-observer"]).get(reverse("accounts:home")).content.decode()
    assert "Northamptonshire Children&#x27;s Trust (NCT)" in page
    assert "Oakshire" not in page
    assert "view approved" in page
    assert "edit" not in page.split('data-testid="capabilities"')[1].split("</dl>")[0]


def test_home_lists_councils_of_an_arrangement_in_words(cast, client_for):
    page = client_for(cast["nct-manager"]).get(reverse("accounts:home")).content.decode()
    assert "Commissioned by North Northamptonshire Council (NNC) and West Northamptonshire" in page


def test_home_says_when_the_summary_is_still_being_calculated(cast, client_for):
    from trust_portal.dashboards.models import Snapshot

    Snapshot.objects.filter(name="summary").delete()
    page = client_for(cast["wnc-officer"]).get(reverse("accounts:home")).content.decode()
    assert "The summary is being calculated" in page


def test_home_shows_the_summary_snapshot_with_its_time(cast, client_for):
    from trust_portal.accounts.models import Arrangement
    from trust_portal.dashboards.services import snapshot_recompute

    snapshot_recompute(arrangement=Arrangement.objects.get(trust__code="NCT"), names=["summary"])
    page = client_for(cast["wnc-officer"]).get(reverse("accounts:home")).content.decode()
    assert "Figures as of" in page
    assert "Active accounts by organisation" in page


def test_an_observer_with_no_grants_is_told_what_to_do(cast, client_for):
    observer = UserFactory(
        role=Role.DFE_OBSERVER, organisation=Organisation.objects.get(code="DFE")
    )
    page = client_for(observer).get(reverse("accounts:home")).content.decode()
    assert "No arrangement has been added to your access list yet" in page


def test_home_page_queries_do_not_grow_with_arrangements(
    cast, client_for, django_assert_max_num_queries
):
    client = client_for(cast["admin"])
    with django_assert_max_num_queries(12):
        client.get(reverse("accounts:home"))


def test_another_arrangements_page_is_not_found_not_forbidden(cast, client_for):
    response = client_for(cast["occ-officer"]).get(
        reverse("accounts:arrangement-detail", args=["NCT"])
    )
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_arrangement_codes_are_not_case_sensitive_in_urls(cast, client_for):
    response = client_for(cast["occ-officer"]).get(
        reverse("accounts:arrangement-detail", args=["oct"])
    )
    assert response.status_code == 200


def test_forbidden_pages_use_the_service_layout(cast, client_for):
    response = client_for(cast["nct-manager"]).get(reverse("accounts:user-list"))
    assert response.status_code == 403
    assert b"You do not have access to this page" in response.content


def test_user_list_filters_by_role_and_status(cast, client_for):
    client = client_for(cast["admin"])
    page = client.get(reverse("accounts:user-list"), {"role": "scrutiny_member"}).content.decode()
    assert "wnc-scrutiny" in page and "nnc-scrutiny" in page
    assert "nct-manager" not in page
    page = client.get(reverse("accounts:user-list"), {"status": "inactive"}).content.decode()
    assert "leaver" in page and "wnc-officer" not in page


def test_user_list_is_paginated(cast, client_for):
    org = Organisation.objects.get(code="WNC")
    UserFactory.create_batch(30, organisation=org, role=Role.COUNCIL_OFFICER)
    client = client_for(cast["admin"])
    first = client.get(reverse("accounts:user-list")).content.decode()
    assert 'rel="next"' in first
    second = client.get(reverse("accounts:user-list"), {"page": 2}).content.decode()
    assert 'rel="prev"' in second


def test_user_list_query_count_is_flat(cast, client_for, django_assert_max_num_queries):
    UserFactory.create_batch(20, organisation=Organisation.objects.get(code="WNC"))
    client = client_for(cast["admin"])
    with django_assert_max_num_queries(10):
        client.get(reverse("accounts:user-list"))


def test_an_invalid_invitation_keeps_what_was_typed_and_says_why(cast, client_for):
    response = client_for(cast["admin"]).post(
        reverse("accounts:user-invite"),
        {
            "first_name": "Jo",
            "last_name": "Bloggs",
            "email": "not-an-email",
            "username": "wnc-officer",
            "role": "trust_manager",
            "organisation": Organisation.objects.get(code="WNC").pk,
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
    cast, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast["admin"]).post(
            reverse("accounts:user-invite"),
            {
                "first_name": "Jo",
                "last_name": "Bloggs",
                "email": "Jo.Bloggs@DFE.example.org",
                "username": "dfe-jbloggs",
                "role": "dfe_observer",
                "organisation": Organisation.objects.get(code="DFE").pk,
                "observed_arrangements": [cast["nct-manager"].organisation.arrangement_as_trust.pk],
            },
        )
    assert response.status_code == 302
    user = User.objects.get(username="dfe-jbloggs")
    assert user.email == "jo.bloggs@dfe.example.org"
    assert [g.arrangement.code for g in user.grants.all()] == ["NCT"]
    assert mailoutbox[0].to == ["jo.bloggs@dfe.example.org"]


def test_deactivation_without_a_reason_is_refused_with_a_message(cast, client_for):
    response = client_for(cast["admin"]).post(
        reverse("accounts:user-deactivate", args=["nct-manager"]), {"reason": ""}
    )
    assert response.status_code == 200
    assert b"Enter the reason" in response.content
    assert User.objects.get(username="nct-manager").is_active


def test_user_detail_shows_the_history(cast, client_for):
    client = client_for(cast["admin"])
    client.post(reverse("accounts:user-deactivate", args=["nct-manager"]), {"reason": "Left"})
    page = client.get(reverse("accounts:user-detail", args=["nct-manager"])).content.decode()
    assert "Deactivated: Left" in page
    assert "Morgan Reid" in page


def test_password_reset_sends_a_link_only_to_a_known_address(cast, client, mailoutbox):
    client.post(reverse("accounts:password-reset"), {"email": "nct-manager@nct.example.org"})
    client.post(reverse("accounts:password-reset"), {"email": "nobody@example.org"})
    assert len(mailoutbox) == 1
    assert "/password-reset/" in mailoutbox[0].body


def test_signing_in_with_a_wrong_password_says_so(cast, client):
    response = client.post(
        reverse("accounts:login"), {"username": "wnc-officer", "password": "wrong"}
    )
    assert response.status_code == 200
    assert b"Enter a correct username and password" in response.content


@pytest.mark.parametrize("settings_limit", [3])
def test_repeated_wrong_passwords_lock_the_sign_in(cast, client, settings, settings_limit):
    settings.AXES_FAILURE_LIMIT = settings_limit
    for _ in range(settings_limit):
        client.post(reverse("accounts:login"), {"username": "wnc-officer", "password": "nope"})
    response = client.post(
        reverse("accounts:login"),
        {"username": "wnc-officer", "password": "demo-password-for-tests"},
    )
    assert response.status_code == 429
    assert b"Too many attempts to sign in" in response.content


def test_missing_answers_say_what_to_enter(cast, client_for):
    page = client_for(cast["admin"]).post(reverse("accounts:user-invite"), {}).content.decode()
    assert "Enter first name" in page
    assert "Enter email address" in page
    assert "Select role" in page
    assert "This field is required" not in page


def test_the_user_list_downloads_as_csv_with_the_same_filters(cast, client_for):
    response = client_for(cast["admin"]).get(
        reverse("accounts:user-export"), {"role": "scrutiny_member"}
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "username,name,email,organisation,role,status,last signed in"
    assert [line.split(",")[0] for line in lines[1:]] == ["nnc-scrutiny", "wnc-scrutiny"]
    assert "Scrutiny member,Active" in lines[1]


def test_csv_cells_cannot_smuggle_spreadsheet_formulas(cast, client_for):
    UserFactory(
        username="sneaky",
        first_name="=HYPERLINK(1)",
        organisation=Organisation.objects.get(code="WNC"),
    )
    body = client_for(cast["admin"]).get(reverse("accounts:user-export")).content.decode()
    assert "'=HYPERLINK(1)" in body
