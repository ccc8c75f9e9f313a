"""The webhook pages: administrators register, change, pause, resume, rotate, delete and
replay; the secret is shown once; everybody else is refused."""

from unittest import mock

import pytest
from django.urls import reverse

from trust_portal.outbox.models import Job
from trust_portal.webhooks import sending, services
from trust_portal.webhooks.models import Delivery, Endpoint, Event
from trust_portal.webhooks.tests.conftest import record

pytestmark = pytest.mark.django_db

NEW = {"url": "https://hooks.example.org/in", "events": [Event.PACK_ISSUED], "description": "Mine"}


def test_an_administrator_registers_an_endpoint_and_sees_its_secret_once(
    people, arrangement, client_for, dns
):
    client = client_for(people["admin"])
    response = client.post(
        reverse("webhooks:endpoint-create"), {**NEW, "arrangement": arrangement.pk}
    )
    endpoint = Endpoint.objects.get()
    assert response.status_code == 200
    assert endpoint.secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert (endpoint.arrangement, endpoint.events, endpoint.created_by) == (
        arrangement,
        ["pack.issued"],
        people["admin"],
    )
    page = client.get(reverse("webhooks:endpoint-detail", args=[endpoint.pk])).content.decode()
    assert endpoint.secret not in page
    assert "https://hooks.example.org/in" in page


def test_a_private_address_is_refused_beside_the_field(people, arrangement, client_for, dns):
    dns("10.0.0.1")
    response = client_for(people["admin"]).post(
        reverse("webhooks:endpoint-create"), {**NEW, "arrangement": arrangement.pk}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "url": ["The address must be a public HTTPS address, not one inside a private network."]
    }
    assert Endpoint.objects.count() == 0


def test_rotating_shows_the_new_secret_once_and_keeps_the_old_for_the_overlap(
    people, endpoint, client_for
):
    old = endpoint.secret
    response = client_for(people["admin"]).post(
        reverse("webhooks:endpoint-rotate", args=[endpoint.pk])
    )
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.previous_secret == old
    assert endpoint.secret in response.content.decode()
    assert old not in response.content.decode()


def test_pausing_and_resuming_from_the_page(people, endpoint, client_for):
    client = client_for(people["admin"])
    client.post(reverse("webhooks:endpoint-pause", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert endpoint.state == Endpoint.State.PAUSED
    page = client.get(reverse("webhooks:endpoint-detail", args=[endpoint.pk])).content.decode()
    assert "No events are sent to this endpoint" in page
    client.post(reverse("webhooks:endpoint-resume", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert endpoint.state == Endpoint.State.ACTIVE


def test_changing_an_endpoints_events(people, endpoint, client_for):
    response = client_for(people["admin"]).post(
        reverse("webhooks:endpoint-edit", args=[endpoint.pk]),
        {"url": endpoint.url, "events": [Event.CASE_DECIDED, Event.VARIATION_APPROVED]},
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.events == ["business_case.decided", "variation.approved"]


def test_deleting_an_endpoint(people, endpoint, client_for):
    response = client_for(people["admin"]).post(
        reverse("webhooks:endpoint-delete", args=[endpoint.pk])
    )
    assert response.status_code == 302
    assert Endpoint.objects.count() == 0


def failed(endpoint, settings):
    (delivery,) = record(endpoint.arrangement)
    with mock.patch.object(sending, "post", return_value=sending.Answer(500, "boom", "", 3)):
        services.delivery_attempt(delivery_id=delivery.pk, attempt=settings.WEBHOOK_MAX_ATTEMPTS)
    Job.objects.all().delete()
    return delivery


def test_the_delivery_log_lists_failures_and_a_failed_delivery_is_sent_again_with_its_id(
    people, endpoint, client_for, settings
):
    delivery = failed(endpoint, settings)
    client = client_for(people["admin"])
    page = client.get(reverse("webhooks:endpoint-detail", args=[endpoint.pk])).content.decode()
    assert "boom" in page and str(delivery.pk) in page
    response = client.post(reverse("webhooks:delivery-replay", args=[delivery.pk]))
    assert response.status_code == 302
    assert [job.args for job in Job.objects.all()] == [[str(delivery.pk), 1]]
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.PENDING


def test_every_failed_delivery_since_a_date_is_sent_again_from_the_page(
    people, endpoint, client_for, settings
):
    delivery = failed(endpoint, settings)
    response = client_for(people["admin"]).post(
        reverse("webhooks:endpoint-replay", args=[endpoint.pk]), {"since": "1/1/2020"}, follow=True
    )
    assert "1 failed delivery will be sent again." in response.content.decode()
    assert [job.args for job in Job.objects.all()] == [[str(delivery.pk), 1]]


def test_the_list_filters_by_arrangement(people, endpoint, client_for):
    client = client_for(people["admin"])
    mine = client.get(reverse("webhooks:endpoint-list"), {"trust": endpoint.arrangement.trust.code})
    assert list(mine.context["page"].object_list) == [endpoint]
    other = client.get(reverse("webhooks:endpoint-list"), {"trust": "NCT"})
    assert endpoint not in list(other.context["page"].object_list)


NOT_ADMINS = ["manager", "officer", "scrutiny", "observer", "outsider", "unattached"]


@pytest.mark.parametrize("who", NOT_ADMINS)
def test_nobody_but_administrators_sees_or_changes_endpoints(people, endpoint, client_for, who):
    client = client_for(people[who])
    assert client.get(reverse("webhooks:endpoint-list")).status_code == 403
    assert client.get(reverse("webhooks:endpoint-detail", args=[endpoint.pk])).status_code == 403
    assert client.post(reverse("webhooks:endpoint-rotate", args=[endpoint.pk])).status_code == 403
    assert client.post(reverse("webhooks:endpoint-delete", args=[endpoint.pk])).status_code == 403
    endpoint.refresh_from_db()
    assert endpoint.previous_secret == ""


def test_signed_out_people_are_sent_to_sign_in(endpoint, client_for):
    response = client_for(None).get(reverse("webhooks:endpoint-detail", args=[endpoint.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
