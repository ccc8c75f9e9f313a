"""Schemathesis against the API as it runs, with a token of each role: every operation of
``/api/schema/``, with data that fits the schema and data that does not, and every check but
positive-data acceptance (generated data rarely names real objects, so a 404 or a 400 is the
right answer to most of what fits). A role's 403 is a documented answer.

Our own check: no write is answered 2xx for a read-only role (a DfE observer, a scrutiny
member), and none for the outsider (an officer of the other arrangement) on this arrangement's
objects.

In-process (the WSGI application, no server), in the test's transaction, rolled back at its end:
what a write changes is gone before the next test reads the demo. Deterministic (Hypothesis
derandomized, a fixed seed, no example database) and bounded (``MAX_EXAMPLES`` an operation
and a generation mode), so the six roles take a few minutes together."""

import contextlib
import time

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.throttling import SimpleRateThrottle
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import positive_data_acceptance

MAX_EXAMPLES = 3
SEED = 17

# role: the demo user whose token is used
ROLES = {
    "council officer": "wnc-officer",
    "trust manager": "nct-manager",
    "DfE observer": "dfe-observer",
    "scrutiny member": "wnc-scrutiny",
    "administrator": "admin",
    "outsider": "occ-officer",
}
READ_ONLY = {"dfe-observer", "wnc-scrutiny"}
OUTSIDER = "occ-officer"
HOME_TRUST = "NCT"  # the arrangement the outsider is not part of
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def token_for(user) -> str:
    """An API token's key for ``user`` (sent as ``Authorization: Token <key>``)."""
    from trust_portal.accounts.api_tokens import api_token_create

    return api_token_create(by=None, user=user, name="Schema checks")[1]


def names_home_trust(value) -> bool:
    """Whether a JSON answer names the home arrangement (its trust's code, or a key in it)."""
    if isinstance(value, dict):
        return any(names_home_trust(item) for item in value.values())
    if isinstance(value, list):
        return any(names_home_trust(item) for item in value)
    return isinstance(value, str) and (value == HOME_TRUST or value.startswith(f"{HOME_TRUST}-"))


def write_refused_for(username: str):
    """Our check: ``username``'s writes are never answered 2xx where they may not write."""

    def no_write_accepted(ctx, response, case):
        if case.method.upper() not in WRITES or not 200 <= response.status_code < 300:
            return None
        if username in READ_ONLY:
            raise AssertionError(
                f"A read-only role's {case.method} was answered {response.status_code}."
            )
        if username == OUTSIDER and names_home_trust(response.json()):
            raise AssertionError(
                f"The outsider's {case.method} on another arrangement was answered "
                f"{response.status_code}."
            )
        return None

    return no_write_accepted


@pytest.fixture
def application(settings, monkeypatch):
    """Django's WSGI application, on the test's connection: the request signals that would
    close it (and so end the test's transaction) are disconnected meanwhile, as Django's own
    test client does. A token's and an anonymous caller's rates are raised past what the run
    asks (a 429 is documented, but every other check would see nothing else)."""
    settings.ALLOWED_HOSTS = ["localhost"]
    rates = {**SimpleRateThrottle.THROTTLE_RATES, "token": "1000000/hour"}
    rates["anonymous"] = "1000000/hour"  # its checks of missing and wrong credentials
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def failures_of(operation, mode, headers, check) -> list[str]:
    """Each failing example's report for one operation and generation mode (none: all passed)."""
    found = []

    @seed(SEED)
    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        try:
            case.call_and_validate(
                headers=headers,
                excluded_checks=[positive_data_acceptance],
                additional_checks=[check],
            )
        except (FailureGroup, AssertionError) as failure:  # every one is reported, not the first
            found.append(f"{operation.label} ({mode.value}): {failure}")

    # Unsatisfiable: nothing of this mode to generate (no data that fits, or none that does not).
    with contextlib.suppress(Unsatisfiable):
        run()
    return found


def run_as(username: str, application) -> list[str]:
    """Every operation, in both generation modes, with ``username``'s token: the failures."""
    from trust_portal.accounts.models import User

    headers = {"Authorization": f"Token {token_for(User.objects.get(username=username))}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    check = write_refused_for(username)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            failures += failures_of(operation, mode, headers, check)
    return failures


@pytest.mark.parametrize("role", list(ROLES))
def test_every_operation_passes_every_check_for_each_role(role, db, application):
    started, processor = time.monotonic(), time.process_time()
    failures = run_as(ROLES[role], application)
    took = f"{time.monotonic() - started:.0f} s ({time.process_time() - processor:.0f} s processor)"
    print(f"schemathesis as the {role}: {took}")  # noqa: T201
    assert failures == [], "\n\n".join(failures)


class Answer:
    def __init__(self, status_code, body):
        self.status_code, self.body = status_code, body

    def json(self):
        return self.body


class Sent:
    def __init__(self, method):
        self.method = method


def test_our_check_refuses_a_read_only_role_s_accepted_write_only():
    check = write_refused_for("dfe-observer")
    with pytest.raises(AssertionError, match="read-only role's POST was answered 201"):
        check(None, Answer(201, {}), Sent("POST"))
    assert check(None, Answer(403, {"detail": "No."}), Sent("POST")) is None
    assert check(None, Answer(200, {"trust": "NCT"}), Sent("GET")) is None


def test_our_check_refuses_the_outsider_s_accepted_write_on_the_other_arrangement():
    check = write_refused_for(OUTSIDER)
    with pytest.raises(AssertionError, match="another arrangement was answered 200"):
        check(None, Answer(200, {"key": "NCT-R01", "trust": "NCT"}), Sent("PATCH"))
    assert check(None, Answer(200, {"key": "OCT-R01", "trust": "OCT"}), Sent("PATCH")) is None
    assert check(None, Answer(200, {"key": "NCT-R01"}), Sent("GET")) is None
