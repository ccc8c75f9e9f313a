from datetime import datetime

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import formats, timezone
from django.views.decorators.http import require_http_methods

from trust_portal.accounts import (
    email_limits,
    forms,
    services,
    sessions,
    sign_in_limits,
    two_factor,
)
from trust_portal.accounts.home import notices_for
from trust_portal.accounts.models import User
from trust_portal.accounts.permissions import (
    Action,
    Kind,
    arrangement_or_404,
    arrangements_for,
    can,
    capabilities,
    permission_required,
)
from trust_portal.accounts.token_pages import token_rows
from trust_portal.client_address import client_address
from trust_portal.dashboards.models import Snapshot
from trust_portal.exports import csv_response
from trust_portal.listing import paged
from trust_portal.overview import headline_for
from trust_portal.work import waiting_for

administer_users = permission_required(Action.ADMINISTER, Kind.USER_ACCOUNT)


# The session key of when the person last signed in before this visit (SignInView sets it).
LAST_VISIT = "last_visit"


def last_visit(request) -> datetime | None:
    """When the person signed in before this visit: None for a first visit, or for a session
    not begun on the sign-in page."""
    value = request.session.get(LAST_VISIT)
    return datetime.fromisoformat(value) if value else None


@login_required
def home(request):
    """What is waiting for the person first, then their arrangements."""
    arrangements = list(arrangements_for(request.user))
    today = timezone.localdate()
    since = last_visit(request)
    context = {
        "waiting": waiting_for(request.user, arrangements, today=today, last_visit=since),
        "last_visit": since,
        "several": len(arrangements) > 1,
        "arrangements": [(a, notices_for(request.user, a, today=today)) for a in arrangements],
    }
    return render(request, "accounts/home.html", context)


@login_required
def access(request):
    """About your access: what the person's role may do, and who has accounts."""
    arrangements = list(arrangements_for(request.user))
    summaries = Snapshot.objects.latest_for(arrangements, name="summary")
    context = {
        "arrangements": [(a, summaries.get(a.pk)) for a in arrangements],
        "capabilities": capabilities(request.user),
        "has_second_factor": two_factor.has_second_factor(request.user),
        "two_factor_required": two_factor.is_required(request.user),
        "recovery_codes_left": two_factor.recovery_codes_left(request.user),
    }
    return render(request, "accounts/access.html", context)


@login_required
def arrangement_detail(request, code):
    """The arrangement's overview: its headline from the apps' snapshots, then every page."""
    arrangement = arrangement_or_404(request.user, code)
    summary = Snapshot.objects.latest_for([arrangement], name="summary").get(arrangement.pk)
    context = {
        "arrangement": arrangement,
        "summary": summary,
        "headline": headline_for(request.user, arrangement),
        "sees_contracts": can(request.user, Action.VIEW_APPROVED, Kind.CONTRACT, arrangement),
    }
    return render(request, "accounts/arrangement_detail.html", context)


def _filtered_users(request):
    filters = forms.UserFilterForm(request.GET or None)
    users = User.objects.select_related("organisation").order_by("username")
    if filters.is_valid():
        data = filters.cleaned_data
        if data["q"]:
            q = data["q"]
            users = users.filter(
                Q(username__icontains=q)
                | Q(first_name__icontains=q)
                | Q(last_name__icontains=q)
                | Q(email__icontains=q)
            )
        if data["role"]:
            users = users.filter(role=data["role"])
        if data["organisation"]:
            users = users.filter(organisation=data["organisation"])
        if data["status"]:
            users = users.filter(is_active=data["status"] == "active")
    return filters, users


@administer_users
def user_list(request):
    filters, users = _filtered_users(request)
    page, query = paged(request, users, 25)
    context = {"filters": filters, "page": page, "query": query}
    return render(request, "accounts/user_list.html", context)


@administer_users
def user_export(request):
    """Who has access to what, as CSV (the same filters as the list)."""
    _, users = _filtered_users(request)
    rows = (
        (
            u.username,
            u.get_full_name(),
            u.email,
            u.organisation.code if u.organisation else "",
            u.role_label,
            _status(u),
            timezone.localtime(u.last_login).strftime("%Y-%m-%d %H:%M") if u.last_login else "",
        )
        for u in users
    )
    header = ["username", "name", "email", "organisation", "role", "status", "last signed in"]
    return csv_response(f"trust-portal-users-{timezone.localdate():%Y-%m-%d}.csv", header, rows)


def _status(user) -> str:
    if not user.is_active:
        return "Deactivated"
    if user.is_service_account:
        return "Service account"
    return "Active" if user.has_usable_password() else "Invited"


def _access_kwargs(data):
    return {
        "role": data["role"],
        "organisation": data["organisation"],
        "observes_all_arrangements": data["observes_all_arrangements"],
        "observed_arrangements": data["observed_arrangements"],
    }


@administer_users
@require_http_methods(["GET", "POST"])
def user_invite(request):
    form = forms.InviteForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        data = form.cleaned_data
        refusal = email_limits.invitation_refusal(
            address=client_address(request), username=data["username"]
        )
        try:
            if refusal:
                raise ValidationError(refusal)
            user = services.user_invite(
                by=request.user,
                username=data["username"],
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                base_url=request.build_absolute_uri("/"),
                **_access_kwargs(data),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Invitation sent to {user.email}.")
            return redirect("accounts:user-detail", username=user.username)
    return render(request, "accounts/user_invite.html", {"form": form})


@administer_users
def user_detail(request, username):
    person = get_object_or_404(User.objects.select_related("organisation"), username=username)
    history = person.history.select_related("history_user").order_by("-history_date")[:50]
    context = {
        "person": person,
        "history": history,
        "has_second_factor": two_factor.has_second_factor(person),
        "grants": person.grants.select_related("arrangement__trust", "granted_by"),
    }
    if person.is_service_account:
        context["page"], context["query"], context["rows"] = token_rows(request, person)
        context["owner"] = person
    return render(request, "accounts/user_detail.html", context)


@administer_users
@require_http_methods(["GET", "POST"])
def user_change_access(request, username):
    person = get_object_or_404(User, username=username)
    initial = {
        "role": person.role,
        "organisation": person.organisation,
        "observes_all_arrangements": person.observes_all_arrangements,
        "observed_arrangements": person.observed_arrangements.all(),
    }
    form = forms.ChangeAccessForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    if form.is_valid():
        try:
            services.user_change_access(
                by=request.user,
                user=person,
                reason=form.cleaned_data["reason"],
                **_access_kwargs(form.cleaned_data),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Access for {person} updated.")
            return redirect("accounts:user-detail", username=person.username)
    return render(request, "accounts/user_change_access.html", {"form": form, "person": person})


def _reason_page(service, verb: str, template: str):
    """The page changing a person's account with a reason: ``service``, then "<person>
    <verb>." said."""

    @administer_users
    @require_http_methods(["GET", "POST"])
    def page(request, username):
        person = get_object_or_404(User, username=username)
        form = forms.ReasonForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            try:
                service(by=request.user, user=person, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"{person} {verb}.")
                return redirect("accounts:user-detail", username=person.username)
        return render(request, template, {"form": form, "person": person})

    return page


user_deactivate = _reason_page(
    services.user_deactivate, "deactivated", "accounts/user_deactivate.html"
)
user_reactivate = _reason_page(
    services.user_reactivate, "reactivated", "accounts/user_reactivate.html"
)
user_reset_two_factor = _reason_page(
    two_factor.two_factor_reset,
    "must set up two-factor authentication again when they next sign in",
    "accounts/user_reset_two_factor.html",
)


@administer_users
@require_http_methods(["POST"])
def user_resend_invitation(request, username):
    person = get_object_or_404(User, username=username)
    refusal = email_limits.invitation_refusal(
        address=client_address(request), username=person.username
    )
    try:
        if refusal:
            raise ValidationError(refusal)
        services.user_send_invitation(
            user=person, by=request.user, base_url=request.build_absolute_uri("/")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Invitation sent again to {person.email}.")
    return redirect("accounts:user-detail", username=person.username)


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = forms.SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        # Signing in sets last_login to now: keep the one before, for "since your last visit".
        previous = form.get_user().last_login
        response = super().form_valid(form)
        self.request.session[LAST_VISIT] = previous.isoformat() if previous else None
        # This browser is now one the person uses: a pause on their user name spares it.
        sign_in_limits.device_cookie_set(response, username=form.get_user().get_username())
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = forms.PasswordResetRequestForm
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-done")

    def form_valid(self, form):
        address = client_address(self.request)
        until = email_limits.password_reset_paused_until(address=address)
        if until:
            again = formats.time_format(timezone.localtime(until), "H:i")
            form.add_error(None, f"Too many requests from your network. Try again after {again}.")
            return self.render_to_response(self.get_context_data(form=form), status=429)
        if not email_limits.password_reset_note(address=address, email=form.cleaned_data["email"]):
            # The account has had its share this hour: the same answer, and no email.
            return redirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = forms.NewPasswordForm
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        sessions.password_changed(user=form.user)
        return response


class SetPasswordView(PasswordResetConfirmView):
    """The link in an invitation: the same token as a password reset, worded as a welcome."""

    template_name = "accounts/set_password.html"
