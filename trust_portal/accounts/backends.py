"""The authentication backend that signs people in: Django's ModelBackend, refusing service
accounts. django-axes's backend and SignInLimitsBackend (listed before it) only ever refuse an
attempt and never return a user, so this is the one backend that could let a service account
in, by a password or by a session."""

from django.contrib.auth.backends import ModelBackend


class AccountBackend(ModelBackend):
    def user_can_authenticate(self, user) -> bool:
        # A service account uses the API with tokens only: never a password, never a session,
        # even if a password were ever set on it. Refused as a wrong password is, so the sign-in
        # page does not tell a service account's name apart, and django-axes counts it.
        if getattr(user, "is_service_account", False):
            return False
        return super().user_can_authenticate(user)
