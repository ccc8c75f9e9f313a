"""API token pages: a person's own tokens, and service accounts with theirs (administrators)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from trust_portal.accounts import api_tokens, forms
from trust_portal.accounts.models import ApiToken, User
from trust_portal.accounts.permissions import Action, Kind, permission_required
from trust_portal.govuk_forms import add_service_errors
from trust_portal.listing import paged

administer_users = permission_required(Action.ADMINISTER, Kind.USER_ACCOUNT)
TOKENS_PER_PAGE = 25
USES_PER_PAGE = 50


def _service_account_or_404(username: str) -> User:
    return get_object_or_404(User, username=username, is_service_account=True)


def _pages(owner: User, request) -> dict:
    """The addresses of ``owner``'s token pages: their own, or a service account's."""
    if owner.pk == request.user.pk:
        return {"list": reverse("accounts:api-tokens"), "create": "accounts:api-token-create"}
    return {
        "list": reverse("accounts:user-detail", args=[owner.username]),
        "create": "accounts:service-account-token-create",
    }


def token_rows(request, owner: User):
    """The page of ``owner``'s tokens asked for, newest first, each with its state."""
    tokens = (
        ApiToken.objects.filter(user=owner)
        .select_related("created_by", "revoked_by")
        .annotate(use_count=Count("uses"))
        .order_by("-created_at", "-pk")
    )
    page, query = paged(request, tokens, TOKENS_PER_PAGE)
    now = timezone.now()
    return page, query, [(token, token.state(now)) for token in page]


@login_required
def token_list(request):
    page, query, rows = token_rows(request, request.user)
    context = {"page": page, "query": query, "rows": rows, "owner": request.user}
    return render(request, "accounts/api_token_list.html", context)


@never_cache
def _token_create(request, owner: User):
    form = forms.ApiTokenForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            token, key = api_tokens.api_token_create(
                by=request.user,
                user=owner,
                name=data["name"],
                days=data["expires_in_days"],
                read_only=data["read_only"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # Shown here once, never again: only its hash is kept.
            context = {"token": token, "key": key, "owner": owner, "pages": _pages(owner, request)}
            return render(request, "accounts/api_token_made.html", context)
    context = {"form": form, "owner": owner, "pages": _pages(owner, request)}
    return render(request, "accounts/api_token_create.html", context)


def _token_revoke(request, owner: User, pk: int):
    token = get_object_or_404(ApiToken, user=owner, pk=pk)
    pages = _pages(owner, request)
    if request.method == "POST":
        api_tokens.api_token_revoke(by=request.user, token=token)
        messages.success(request, f"The token '{token.name}' is revoked: it no longer works.")
        return redirect(pages["list"])
    context = {"token": token, "owner": owner, "pages": pages}
    return render(request, "accounts/api_token_revoke.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def token_create(request):
    return _token_create(request, request.user)


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request, pk):
    return _token_revoke(request, request.user, pk)


@administer_users
@require_http_methods(["GET", "POST"])
def service_account_create(request):
    form = forms.ServiceAccountForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            account = api_tokens.service_account_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Service account {account.username} made.")
            return redirect("accounts:user-detail", username=account.username)
    return render(request, "accounts/service_account_create.html", {"form": form})


@administer_users
@require_http_methods(["GET", "POST"])
def service_account_token_create(request, username):
    return _token_create(request, _service_account_or_404(username))


@administer_users
@require_http_methods(["GET", "POST"])
def service_account_token_revoke(request, username, pk):
    return _token_revoke(request, _service_account_or_404(username), pk)


def _token_uses(request, owner: User, pk: int):
    """The writes asked with one of ``owner``'s tokens and their answers, newest first."""
    token = get_object_or_404(ApiToken, user=owner, pk=pk)
    page, query = paged(request, token.uses.all(), USES_PER_PAGE)
    context = {"token": token, "owner": owner, "pages": _pages(owner, request)}
    context |= {"page": page, "query": query, "uses": list(page)}
    return render(request, "accounts/api_token_uses.html", context)


@login_required
@require_http_methods(["GET"])
def token_uses(request, pk):
    return _token_uses(request, request.user, pk)


@administer_users
@require_http_methods(["GET"])
def user_token_uses(request, username, pk):
    """Administrators: the uses of any account's token (a service account's, or a person's)."""
    return _token_uses(request, get_object_or_404(User, username=username), pk)
