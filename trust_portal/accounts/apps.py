from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "trust_portal.accounts"
    label = "accounts"
    verbose_name = "Organisations, arrangements and users"

    def ready(self):
        # Invitations not taken up, on administrators' home pages (registers when imported).
        from django.contrib.auth.signals import user_logged_in

        import trust_portal.accounts.work  # noqa: F401
        from trust_portal.accounts.sessions import session_begin

        # Every sign-in (the sign-in page, an invitation's password, tests' force_login) stamps
        # its session with the moment and the person's session generation.
        user_logged_in.connect(
            lambda sender, request, user, **kwargs: request and session_begin(request, user),
            dispatch_uid="trust_portal.accounts.session_begin",
            weak=False,
        )
