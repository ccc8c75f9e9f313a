"""Fixtures shared by the accounts app's tests."""

import pytest

# The one proxy in front in the limits' tests: it is REMOTE_ADDR, and the client is the address
# it appends to X-Forwarded-For.
PROXY = "10.0.0.2"


@pytest.fixture
def behind_one_proxy(settings):
    """One trusted proxy in front (``PROXY``), and limits small enough to reach in a test: the
    password-reset and invitation emails' (per client address and per account each hour) and
    signing in's (django-axes' lock, the address's pause, the user name's slowing)."""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.PASSWORD_RESETS_PER_ADDRESS_PER_HOUR = 5
    settings.PASSWORD_RESETS_PER_ACCOUNT_PER_HOUR = 3
    settings.INVITATIONS_PER_ADDRESS_PER_HOUR = 4
    settings.INVITATIONS_PER_ACCOUNT_PER_HOUR = 2
    settings.AXES_FAILURE_LIMIT = 3
    settings.SIGN_IN_ADDRESS_FAILURE_LIMIT = 5
    settings.SIGN_IN_USERNAME_FAILURE_LIMIT = 4
    settings.SIGN_IN_USERNAME_FIRST_DELAY = 60
    settings.SIGN_IN_USERNAME_MAX_DELAY = 200
    return settings


@pytest.fixture
def world_cast(world, people):
    """{name: user}: the factory-built world's people and a scrutiny member of its second
    council (the root ``cast`` is the demo's)."""
    from trust_portal.accounts.tests.factories import ScrutinyMemberFactory

    return {**people, "other-scrutiny": ScrutinyMemberFactory(organisation=world.councils[1])}


@pytest.fixture
def elsewhere(world):
    """The outsider's arrangement (the other manager's trust and its one council)."""
    from trust_portal.accounts.models import Arrangement

    return Arrangement.objects.get(councils=world.outsider.organisation)
