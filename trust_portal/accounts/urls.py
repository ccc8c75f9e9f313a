from django.contrib.auth import views as auth_views
from django.urls import path

from trust_portal.accounts import search_page, sign_in_pages, token_pages, views

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path("about-your-access/", views.access, name="access"),
    path("arrangements/<str:code>/", views.arrangement_detail, name="arrangement-detail"),
    path("arrangements/<str:code>/search/", search_page.search_page, name="search"),
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-in/two-factor/", sign_in_pages.two_factor_verify, name="two-factor-verify"),
    path("sign-in/two-factor/set-up/", sign_in_pages.two_factor_set_up, name="two-factor-set-up"),
    path(
        "sign-in/two-factor/recovery-codes/",
        sign_in_pages.two_factor_recovery_codes,
        name="two-factor-recovery-codes",
    ),
    path(
        "about-your-access/new-recovery-codes/",
        sign_in_pages.new_recovery_codes,
        name="new-recovery-codes",
    ),
    path("session/keep-alive/", sign_in_pages.session_keep_alive, name="session-keep-alive"),
    path(
        "about-your-access/password/",
        sign_in_pages.PasswordChangeView.as_view(),
        name="password-change",
    ),
    path("about-your-access/api-tokens/", token_pages.token_list, name="api-tokens"),
    path("about-your-access/api-tokens/new/", token_pages.token_create, name="api-token-create"),
    path(
        "about-your-access/api-tokens/<int:pk>/revoke/",
        token_pages.token_revoke,
        name="api-token-revoke",
    ),
    path(
        "about-your-access/api-tokens/<int:pk>/changes/",
        token_pages.token_uses,
        name="api-token-uses",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password-reset-done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password-reset-complete",
    ),
    path("invitation/<uidb64>/<token>/", views.SetPasswordView.as_view(), name="set-password"),
    path("users/", views.user_list, name="user-list"),
    path("users/invite/", views.user_invite, name="user-invite"),
    path("users/export.csv", views.user_export, name="user-export"),
    path(
        "users/service-accounts/new/",
        token_pages.service_account_create,
        name="service-account-create",
    ),
    path("users/<str:username>/", views.user_detail, name="user-detail"),
    path(
        "users/<str:username>/api-tokens/new/",
        token_pages.service_account_token_create,
        name="service-account-token-create",
    ),
    path(
        "users/<str:username>/api-tokens/<int:pk>/revoke/",
        token_pages.service_account_token_revoke,
        name="service-account-token-revoke",
    ),
    path(
        "users/<str:username>/api-tokens/<int:pk>/changes/",
        token_pages.user_token_uses,
        name="user-api-token-uses",
    ),
    path("users/<str:username>/access/", views.user_change_access, name="user-change-access"),
    path("users/<str:username>/deactivate/", views.user_deactivate, name="user-deactivate"),
    path("users/<str:username>/reactivate/", views.user_reactivate, name="user-reactivate"),
    path(
        "users/<str:username>/reset-two-factor/",
        views.user_reset_two_factor,
        name="user-reset-two-factor",
    ),
    path(
        "users/<str:username>/resend-invitation/",
        views.user_resend_invitation,
        name="user-resend-invitation",
    ),
]
