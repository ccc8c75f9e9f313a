"""The national-scale generator's organisations, arrangements and people
(``python manage.py generate_national``; trust_portal/national.py): the trusts, from one to
four councils each, a manager for each trust and an officer for each council (neither can
sign in: they have no password), and the default performance of each council's size."""

import json
import re

from django.conf import settings

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


DEMO_FIXTURE = settings.BASE_DIR / "fixtures" / "organisations.json"
GENERATED_CODE = rf"^({TRUST_PREFIX}|{COUNCIL_PREFIX})[0-9]+$"


def demo_trusts() -> set[str]:
    """The codes of the demo's trusts (``load_demo``'s organisations fixture): NCT, OCT."""
    data = json.loads(DEMO_FIXTURE.read_text())
    return {row["trust"] for row in data["arrangements"]}


def generated(code: str) -> bool:
    return re.match(GENERATED_CODE, code) is not None


def mix_refusal() -> str | None:
    """Why a generation cannot go into this database without --fresh, or None: anything in it
    beyond what a fresh ``migrate`` makes (no organisation, no user) would be mixed with it."""
    arrangements = list(Arrangement.objects.values_list("trust__code", flat=True))
    if arrangements and all(generated(code) for code in arrangements):
        return (
            f"This database already holds a previous generation ({len(arrangements)} "
            "arrangements). Run again with --fresh to empty the database and generate anew."
        )
    if arrangements:
        others = ", ".join(sorted(c for c in arrangements if not generated(c)))
        return (
            f"This database already holds other arrangements ({others}: the demo?), and "
            "generated data must not be mixed with them. Use an empty database, or run again "
            "with --fresh to empty this one first (everything in it is deleted)."
        )
    organisations, users = Organisation.objects.count(), User.objects.count()
    if organisations or users:
        return (
            f"This database already holds {organisations} organisations and {users} users, "
            "and generated data must not be mixed with them. Use a freshly migrated database."
        )
    return None


def fresh_refusal() -> str | None:
    """Why --fresh must not empty this database, or None: it is emptied only when every
    arrangement in it is the demo's (NCT, OCT) or a previous generation's (GT…)."""
    allowed = demo_trusts()
    arrangements = Arrangement.objects.values_list("trust__code", flat=True)
    others = sorted({c for c in arrangements if c not in allowed and not generated(c)})
    if not others:
        return None
    return (
        f"--fresh empties only a database holding the demo or a previous generation, and this "
        f"one holds other arrangements ({', '.join(others)}): nothing was changed."
    )
