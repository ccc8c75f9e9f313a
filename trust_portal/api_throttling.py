"""How many API requests each caller may make (DRF throttling, counted in the default cache).

Three kinds of caller, each counted apart with its own rate (``DEFAULT_THROTTLE_RATES``):
a token (keyed on the token, not its user: a person's script cannot use up their colleague's
share, nor one of their tokens another), a signed-in session (keyed on its user) and an
anonymous client (keyed on its address as the sign-in lockout reads it,
``trust_portal.client_address``: behind ``TRUSTED_PROXY_COUNT`` proxies, an IPv6 address as its
/64). Over a rate the API answers 429 with ``Retry-After`` (trust_portal/api/__init__.py).
A request refused for want of valid credentials (401) is anonymous and counts too.
"""

from rest_framework.exceptions import Throttled
from rest_framework.throttling import SimpleRateThrottle

from trust_portal.client_address import client_address


def _token_id(request):
    # request.auth is the ApiToken for a token's call (accounts/api_tokens.py), else None.
    return getattr(request.auth, "pk", None) if request.auth is not None else None


class _Throttle(SimpleRateThrottle):
    def get_ident(self, request):
        return client_address(request)


class TokenThrottle(_Throttle):
    scope = "token"

    def get_cache_key(self, request, view):
        token_id = _token_id(request)
        if token_id is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": token_id}


class SessionUserThrottle(_Throttle):
    scope = "session"

    def get_cache_key(self, request, view):
        if _token_id(request) is not None or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class AnonymousThrottle(_Throttle):
    scope = "anonymous"

    def get_cache_key(self, request, view):
        if request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def refused_anonymous_throttled(request, view):
    """For a request refused with 401 (DRF checks credentials and permissions before its
    throttles): count it against its address's anonymous rate; ``Throttled`` once over it."""
    if request is None:
        return None
    throttle = AnonymousThrottle()
    if throttle.allow_request(request, view):
        return None
    return Throttled(throttle.wait())
