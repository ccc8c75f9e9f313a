from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "trust_portal.accounts"
    label = "accounts"
    verbose_name = "Organisations, arrangements and users"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        # Invitations not taken up, on administrators' home pages (registers when imported).
        import trust_portal.accounts.work  # noqa: F401
        from trust_portal.accounts import sign_in_limits
        from trust_portal.accounts.sessions import session_begin

        # Wrong passwords count towards the sign-in pauses; signing in starts the count again.
        user_login_failed.connect(sign_in_limits.note_failure, dispatch_uid="sign-in-limits")
        user_logged_in.connect(sign_in_limits.note_success, dispatch_uid="sign-in-limits")
        # Every sign-in (the sign-in page, an invitation's password, tests' force_login) stamps
        # its session with the moment and the person's session generation.
        user_logged_in.connect(
            lambda sender, request, user, **kwargs: request and session_begin(request, user),
            dispatch_uid="trust_portal.accounts.session_begin",
            weak=False,
        )
