"""The national-scale generator's organisations, arrangements and people
(``python manage.py generate_national``; trust_portal/national.py): the trusts, from one to
four councils each, a manager for each trust and an officer for each council (neither can
sign in: they have no password), and the default performance of each council's size."""

from trust_portal.accounts.models import Arrangement, Commission, Organisation, Role, User
from trust_portal.national import (
    COUNCIL_PREFIX,
    GENERATED,
    TRUST_PREFIX,
    Party,
    Plan,
    bulk,
)

MOST_COUNCILS = 4


def councils_each(plan: Plan) -> list[int]:
    """How many councils each arrangement has: one to four, ``plan.councils`` in all (at most
    four a trust), spread by the seed."""
    count, total = plan.arrangements, min(plan.councils, MOST_COUNCILS * plan.arrangements)
    each = [1] * count
    random = plan.rng("councils")
    for _ in range(total - count):
        room = [i for i, n in enumerate(each) if n < MOST_COUNCILS]
        each[random.choice(room)] += 1
    return each


def generate(*, plan: Plan, log) -> None:
    """Make every arrangement with its trust, councils and people; fill ``plan.parties``."""
    random = plan.rng("sizes")
    trusts, councils = [], []
    for number, many in enumerate(councils_each(plan), start=1):
        trust = Organisation(
            code=f"{TRUST_PREFIX}{number:03}",
            name=f"Generated Children's Trust {number:03} (synthetic)",
            kind=Organisation.Kind.TRUST,
        )
        own = [
            Organisation(
                code=f"{COUNCIL_PREFIX}{len(councils) + i + 1:04}",
                name=f"Generated Council {len(councils) + i + 1:04} (synthetic)",
                kind=Organisation.Kind.COUNCIL,
            )
            for i in range(many)
        ]
        trusts.append(trust)
        councils += own
        sizes = [round(random.uniform(0.3, 2.5), 2) for _ in own]
        plan.parties.append(Party(arrangement=None, trust=trust, councils=own, sizes=sizes))
    bulk(plan, Organisation, trusts + councils)
    arrangements = bulk(
        plan,
        Arrangement,
        (Arrangement(trust=p.trust, description=f"{GENERATED}.") for p in plan.parties),
    )
    for party, arrangement in zip(plan.parties, arrangements, strict=True):
        party.arrangement = arrangement
    bulk(
        plan,
        Commission,
        (
            Commission(arrangement=p.arrangement, council=c)
            for p in plan.parties
            for c in p.councils
        ),
    )
    _people(plan)
    log(f"Arrangements: {len(plan.parties)}, councils: {len(councils)}")


def _person(organisation, role: str, what: str) -> User:
    code = organisation.code.lower()
    user = User(
        username=f"{code}-{what}",
        first_name=f"{organisation.code} {what}",
        last_name="(synthetic)",
        email=f"{what}@{code}.example.org",
        organisation=organisation,
        role=role,
    )
    user.set_unusable_password()
    return user


def _people(plan: Plan) -> None:
    """A manager for each trust and an officer for each council: whom the returns name."""
    managers = [_person(p.trust, Role.TRUST_MANAGER, "manager") for p in plan.parties]
    officers = [
        [_person(c, Role.COUNCIL_OFFICER, "officer") for c in p.councils] for p in plan.parties
    ]
    made = bulk(plan, User, managers + [o for own in officers for o in own])
    made_managers, rest = made[: len(managers)], made[len(managers) :]
    for party, manager in zip(plan.parties, made_managers, strict=True):
        party.manager = manager
        party.officers, rest = rest[: len(party.councils)], rest[len(party.councils) :]


def existing() -> int:
    """How many organisations a previous generation left (found by their codes)."""
    return Organisation.objects.filter(
        code__regex=rf"^({TRUST_PREFIX}|{COUNCIL_PREFIX})[0-9]+$"
    ).count()
