from django.contrib.auth import views as auth_views
from django.urls import path

from trust_portal.accounts import search_page, sign_in_pages, token_pages, views

app_name = "accounts"

_TWO_FACTOR = "sign-in/two-factor/"
_ACCESS = "about-your-access/"
_TOKENS = _ACCESS + "api-tokens/"
_RESET = "password-reset/"
_USER = "users/<str:username>/"
_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)
_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)

# (route, view, name): signing in, your own access and tokens, then the administrators' pages.
_PAGES = [
    ("", views.home, "home"),
    (_ACCESS, views.access, "access"),
    ("arrangements/<str:code>/", views.arrangement_detail, "arrangement-detail"),
    ("arrangements/<str:code>/search/", search_page.search_page, "search"),
    ("sign-in/", views.SignInView.as_view(), "login"),
    (_TWO_FACTOR, sign_in_pages.two_factor_verify, "two-factor-verify"),
    (_TWO_FACTOR + "set-up/", sign_in_pages.two_factor_set_up, "two-factor-set-up"),
    (
        _TWO_FACTOR + "recovery-codes/",
        sign_in_pages.two_factor_recovery_codes,
        "two-factor-recovery-codes",
    ),
    (_ACCESS + "new-recovery-codes/", sign_in_pages.new_recovery_codes, "new-recovery-codes"),
    ("session/keep-alive/", sign_in_pages.session_keep_alive, "session-keep-alive"),
    (_ACCESS + "password/", sign_in_pages.PasswordChangeView.as_view(), "password-change"),
    (_TOKENS, token_pages.token_list, "api-tokens"),
    (_TOKENS + "new/", token_pages.token_create, "api-token-create"),
    (_TOKENS + "<int:pk>/revoke/", token_pages.token_revoke, "api-token-revoke"),
    (_TOKENS + "<int:pk>/changes/", token_pages.token_uses, "api-token-uses"),
    ("sign-out/", auth_views.LogoutView.as_view(), "logout"),
    (_RESET, views.PasswordResetView.as_view(), "password-reset"),
    (_RESET + "sent/", _reset_done, "password-reset-done"),
    (
        _RESET + "<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        "password-reset-confirm",
    ),
    (_RESET + "complete/", _reset_complete, "password-reset-complete"),
    ("invitation/<uidb64>/<token>/", views.SetPasswordView.as_view(), "set-password"),
    ("users/", views.user_list, "user-list"),
    ("users/invite/", views.user_invite, "user-invite"),
    ("users/export.csv", views.user_export, "user-export"),
    ("users/service-accounts/new/", token_pages.service_account_create, "service-account-create"),
    (_USER, views.user_detail, "user-detail"),
    (
        _USER + "api-tokens/new/",
        token_pages.service_account_token_create,
        "service-account-token-create",
    ),
    (
        _USER + "api-tokens/<int:pk>/revoke/",
        token_pages.service_account_token_revoke,
        "service-account-token-revoke",
    ),
    (_USER + "api-tokens/<int:pk>/changes/", token_pages.user_token_uses, "user-api-token-uses"),
    (_USER + "access/", views.user_change_access, "user-change-access"),
    (_USER + "deactivate/", views.user_deactivate, "user-deactivate"),
    (_USER + "reactivate/", views.user_reactivate, "user-reactivate"),
    (_USER + "reset-two-factor/", views.user_reset_two_factor, "user-reset-two-factor"),
    (_USER + "resend-invitation/", views.user_resend_invitation, "user-resend-invitation"),
]

urlpatterns = [path(route, view, name=name) for route, view, name in _PAGES]
