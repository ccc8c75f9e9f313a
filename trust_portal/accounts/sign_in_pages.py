"""The pages of signing in beyond the password: the second factor (giving it, setting it up,
the recovery codes shown once), changing one's password, and keeping a session alive."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from trust_portal.accounts import forms, sessions, two_factor

# The app this session is setting up: its key is shown to this session only.
APP_BEING_SET_UP = "two_factor_app_being_set_up"


def _next(request) -> str:
    """Where to go once this step is done: the page first asked for, if it is this site's."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure()):
        return wanted
    return reverse("accounts:home")


def _with_next(name: str, request) -> str:
    return f"{reverse(name)}?{urlencode({'next': _next(request)})}"


def _verified(request, device) -> None:
    otp_login(request, device)
    # A new session key for the session now trusted with the second factor.
    request.session.cycle_key()


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """The second step of signing in: a code from the app, or a recovery code."""
    if two_factor.is_verified(request):
        return redirect(_next(request))
    if not two_factor.has_second_factor(request.user):
        return redirect(_with_next(two_factor.SET_UP, request))
    form = forms.TwoFactorCodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        device = two_factor.two_factor_verify(user=request.user, code=form.cleaned_data["code"])
        if device is None:
            form.add_error("code", "The code is not right, or has been used. Try again.")
        else:
            _verified(request, device)
            if device.name == two_factor.RECOVERY_NAME:
                left = two_factor.recovery_codes_left(request.user)
                messages.warning(
                    request,
                    f"You used a recovery code; {left} left. If you have lost your app, set up "
                    "a new one from About your access.",
                )
            return redirect(_next(request))
    context = {"form": form, "next": _next(request)}
    return render(request, "accounts/two_factor_verify.html", context)


def _recovery_codes_shown(request, codes: list[str], *, next_page: str, replaced: bool):
    """The recovery codes just made, shown this once in the answer to the form that made
    them: never kept anywhere in clear (not even in the session), never cached."""
    context = {"codes": codes, "next": next_page, "replaced": replaced}
    return render(request, "accounts/two_factor_recovery_codes.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_set_up(request):
    """Set up an authenticator app: its QR code and key, confirmed by one code. Someone who has
    one must give it first (a password alone never replaces a second factor)."""
    user = request.user
    if not two_factor.is_verified(request) and two_factor.has_second_factor(user):
        return redirect(_with_next(two_factor.VERIFY, request))
    device = two_factor.app_being_set_up(user=user, device_id=request.session.get(APP_BEING_SET_UP))
    request.session[APP_BEING_SET_UP] = device.pk
    form = forms.TwoFactorSetUpForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            codes = two_factor.two_factor_confirm(
                user=user, device=device, code=form.cleaned_data["code"]
            )
        except ValidationError as error:
            form.add_error("code", error)
        else:
            del request.session[APP_BEING_SET_UP]
            _verified(request, device)
            # A session elsewhere that gave only the password, or the old app, ends.
            sessions.end_other_sessions(user=user, request=request)
            return _recovery_codes_shown(request, codes, next_page=_next(request), replaced=False)
    context = {
        "form": form,
        "next": _next(request),
        "qr_code": two_factor.qr_code_data_uri(device),
        "key": two_factor.key_text(device),
        "required": two_factor.is_required(user),
    }
    return render(request, "accounts/two_factor_set_up.html", context)


@login_required
def two_factor_recovery_codes(request):
    """Where the recovery codes were once shown after a redirect; they are now shown in the
    answer to the form that made them, so this only leads to About your access."""
    return redirect("accounts:access")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def new_recovery_codes(request):
    """Get new recovery codes (the old ones stop working), with a code from the app now; for
    someone whose app is set up and whose session has given it."""
    user = request.user
    if not two_factor.has_second_factor(user):
        return redirect(_with_next(two_factor.SET_UP, request))
    if not two_factor.is_verified(request):
        return redirect(_with_next(two_factor.VERIFY, request))
    form = forms.NewRecoveryCodesForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            codes = two_factor.recovery_codes_replace(user=user, app_code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            access = reverse("accounts:access")
            return _recovery_codes_shown(request, codes, next_page=access, replaced=True)
    context = {"form": form, "left": two_factor.recovery_codes_left(user)}
    return render(request, "accounts/new_recovery_codes.html", context)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = forms.PasswordChangeGovukForm
    success_url = reverse_lazy("accounts:access")

    def form_valid(self, form):
        response = super().form_valid(form)  # keeps this session signed in
        sessions.password_changed(user=form.user, request=self.request)
        messages.success(
            self.request,
            "Your password has been changed. You have been signed out everywhere else, and "
            "your API tokens no longer work.",
        )
        return response


@login_required
@require_POST
def session_keep_alive(request):
    """ "Stay signed in": the idle time starts again. Answers 204 to the page's script, or
    goes back to the page when sent without JavaScript."""
    sessions.session_touch(request, force=True)
    if request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse(status=204)
    back = request.headers.get("Referer", "")
    if url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        return redirect(back)
    return redirect("accounts:home")
