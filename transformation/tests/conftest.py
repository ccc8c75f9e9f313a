"""Fixtures of the transformation tests built on factories, beside the root ``world``: its
trust's manager, everyone the permission tests try, and the outsider's arrangement."""

import pytest

from trust_portal.accounts.models import Arrangement
from trust_portal.accounts.tests.factories import TrustManagerFactory

# Everyone the permission tests try: the world's people, signed out too, and a second manager
# of the same trust (any of the trust's managers may act).
EVERYONE = [
    *["manager", "second-manager", "officer", "other-officer", "scrutiny", "observer", "admin"],
    *["outsider", "other-manager", "unattached", "leaver", "anonymous"],
]
MANAGERS = {"manager", "second-manager"}


@pytest.fixture
def manager(people):
    """The world's trust manager."""
    return people["manager"]


@pytest.fixture
def everyone(world, people):
    """{name: user} for every name in ``EVERYONE``."""
    return {**people, "second-manager": TrustManagerFactory(organisation=world.trust)}


@pytest.fixture
def elsewhere(world):
    """The outsider's arrangement, whose trust manager is the world's ``other_manager``."""
    return Arrangement.objects.get(councils=world.outsider.organisation)
