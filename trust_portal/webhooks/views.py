"""The webhook endpoints' pages: administrators only (platform management, as users are)."""

from datetime import datetime, time

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from trust_portal.accounts.permissions import Action, Kind, permission_required
from trust_portal.formpages import act, form_page
from trust_portal.listing import paged
from trust_portal.webhooks import services
from trust_portal.webhooks.forms import EndpointForm, FilterForm, ReplayFailedForm, RotateForm
from trust_portal.webhooks.models import Delivery, Endpoint

administer = permission_required(Action.ADMINISTER, Kind.ARRANGEMENT)


def _endpoint(pk) -> Endpoint:
    return get_object_or_404(Endpoint.objects.select_related("arrangement__trust"), pk=pk)


def _secret_page(request, endpoint, secret, *, created):
    # The only time the secret is shown: never cached, never shown again.
    context = {"endpoint": endpoint, "secret": secret, "created": created}
    response = render(request, "webhooks/endpoint_secret.html", context)
    add_never_cache_headers(response)
    return response


@administer
def endpoint_list(request):
    filters = FilterForm(request.GET or None)
    endpoints = Endpoint.objects.select_related("arrangement__trust")
    if filters.is_valid() and filters.cleaned_data["trust"]:
        endpoints = endpoints.filter(arrangement__trust__code=filters.cleaned_data["trust"])
    page, query = paged(request, endpoints, 25)
    context = {"page": page, "query": query, "filters": filters}
    return render(request, "webhooks/endpoint_list.html", context)


@administer
def endpoint_create(request):
    form = EndpointForm(request.POST or None)

    def save(**cleaned):
        endpoint, secret = services.endpoint_create(by=request.user, **cleaned)
        return _secret_page(request, endpoint, secret, created=True)

    page = lambda: render(request, "webhooks/endpoint_form.html", {"form": form})  # noqa: E731
    return form_page(form, save, page)


@administer
def endpoint_detail(request, pk):
    endpoint = _endpoint(pk)
    page, query = paged(request, endpoint.deliveries.all(), 25)
    return _detail_page(request, endpoint, page, query, ReplayFailedForm())


def _detail_page(request, endpoint, page, query, replay, status=200):
    context = {"endpoint": endpoint, "page": page, "query": query, "replay": replay}
    context["now"] = timezone.now()
    return render(request, "webhooks/endpoint_detail.html", context, status=status)


@administer
def endpoint_edit(request, pk):
    endpoint = _endpoint(pk)
    initial = {"url": endpoint.url, "events": endpoint.events, "description": endpoint.description}
    form = EndpointForm(request.POST or None, initial=initial, editing=True)

    def save(**cleaned):
        services.endpoint_update(by=request.user, endpoint=endpoint, **cleaned)
        return redirect(endpoint)

    context = {"form": form, "endpoint": endpoint}
    return form_page(form, save, lambda: render(request, "webhooks/endpoint_form.html", context))


@administer
@require_POST
def endpoint_pause(request, pk):
    endpoint = _endpoint(pk)
    action = lambda: services.endpoint_pause(by=request.user, endpoint=endpoint)  # noqa: E731
    return act(request, action, "The endpoint is paused: no events are sent to it.", endpoint)


@administer
@require_POST
def endpoint_resume(request, pk):
    endpoint = _endpoint(pk)
    action = lambda: services.endpoint_resume(by=request.user, endpoint=endpoint)  # noqa: E731
    return act(request, action, "The endpoint is active again.", endpoint)


@administer
def endpoint_delete(request, pk):
    endpoint = _endpoint(pk)
    if request.method == "POST":
        services.endpoint_delete(by=request.user, endpoint=endpoint)
        return redirect("webhooks:endpoint-list")
    return render(request, "webhooks/endpoint_delete.html", {"endpoint": endpoint})


@administer
def endpoint_rotate_secret(request, pk):
    endpoint = _endpoint(pk)
    form = RotateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        secret = services.endpoint_rotate_secret(
            by=request.user, endpoint=endpoint, overlap=form.overlap
        )
        return _secret_page(request, endpoint, secret, created=False)
    hours = settings.WEBHOOK_SECRET_OVERLAP_HOURS
    context = {"endpoint": endpoint, "overlap_hours": hours, "form": form}
    return render(request, "webhooks/endpoint_rotate.html", context)


@administer
@require_POST
def endpoint_replay_failed(request, pk):
    endpoint = _endpoint(pk)
    form = ReplayFailedForm(request.POST)
    if not form.is_valid():
        page, query = paged(request, endpoint.deliveries.all(), 25)
        return _detail_page(request, endpoint, page, query, form, status=400)
    since = timezone.make_aware(datetime.combine(form.cleaned_data["since"], time.min))
    try:
        count = services.deliveries_replay_failed(by=request.user, endpoint=endpoint, since=since)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        plural = "delivery" if count == 1 else "deliveries"
        messages.success(request, f"{count} failed {plural} will be sent again.")
    return redirect(endpoint)


@administer
@require_POST
def delivery_replay(request, delivery):
    found = get_object_or_404(Delivery.objects.select_related("endpoint__arrangement"), pk=delivery)
    action = lambda: services.delivery_replay(by=request.user, delivery=found)  # noqa: E731
    said = "The delivery will be sent again, with the same id."
    return act(request, action, said, found.endpoint)
