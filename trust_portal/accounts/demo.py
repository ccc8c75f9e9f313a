"""Demo organisations, arrangements and users (``python manage.py load_demo``)."""

import json
from datetime import date

from django.conf import settings

from trust_portal.accounts.models import (
    Arrangement,
    Commission,
    ObserverGrant,
    Organisation,
    Role,
    User,
)
from trust_portal.demo_time import at

FIXTURE = settings.BASE_DIR / "fixtures" / "organisations.json"
SET_UP = date(2021, 2, 1)


def load(*, password: str, log, today, final: bool = True) -> dict:
    """Create or bring up to date; running it twice leaves the same database."""
    data = json.loads(FIXTURE.read_text())
    # Set up before the trust's launch: their history carries that day.
    with at(SET_UP):
        return _load(data, password=password, log=log)


def _load(data, *, password, log) -> dict:
    orgs = {}
    for row in data["organisations"]:
        org, created = Organisation.objects.get_or_create(code=row["code"], defaults=row)
        if not created and (org.name, org.kind) != (row["name"], row["kind"]):
            org.name, org.kind = row["name"], row["kind"]
            org.full_clean()
            org.save()
        orgs[org.code] = org
    arrangements = {}
    for row in data["arrangements"]:
        arrangement, _ = Arrangement.objects.get_or_create(
            trust=orgs[row["trust"]], defaults={"description": row["description"]}
        )
        for code in row["councils"]:
            Commission.objects.get_or_create(
                council=orgs[code], defaults={"arrangement": arrangement}
            )
        arrangements[arrangement.code] = arrangement
    users = []
    for row in data["users"]:
        users.append(_user(row, orgs=orgs, arrangements=arrangements, password=password))
    _service_account(orgs["NNC"])
    log(f"Organisations: {len(orgs)}, arrangements: {len(arrangements)}, users: {len(users)}")
    return {"arrangements": list(arrangements.values()), "users": users}


def _user(row, *, orgs, arrangements, password) -> User:
    org = orgs.get(row["organisation"]) if row["organisation"] else None
    wanted = {
        "first_name": row["first_name"],
        "last_name": row["last_name"],
        "email": f"{row['username']}@{(org.code.lower() if org else 'platform')}.example.org",
        "organisation": org,
        "role": row["role"],
        "is_active": True,
        "is_staff": row["role"] == Role.ADMINISTRATOR,
        "is_superuser": row["role"] == Role.ADMINISTRATOR,
    }
    user = User.objects.filter(username=row["username"]).first() or User(username=row["username"])
    changed = user.pk is None or any(getattr(user, k) != v for k, v in wanted.items())
    for key, value in wanted.items():
        setattr(user, key, value)
    if not user.check_password(password):
        user.set_password(password)
        changed = True
    if changed:
        user._change_reason = "Demo data"
        user.full_clean()
        user.save()
    for code in row.get("observes", []):
        ObserverGrant.objects.get_or_create(user=user, arrangement=arrangements[code])
    return user


# Another council system using the API: a token is made for it at run time only
# (``python manage.py create_api_token nnc-finance-system --name …``), never in the fixtures.
SERVICE_ACCOUNT = "nnc-finance-system"


def _service_account(council: Organisation) -> User:
    account = User.objects.filter(username=SERVICE_ACCOUNT).first()
    if account is not None:
        return account
    account = User(
        username=SERVICE_ACCOUNT,
        first_name="NNC finance system",
        email="finance.systems@nnc.example.org",
        organisation=council,
        role=Role.COUNCIL_OFFICER,
        is_service_account=True,
    )
    account.set_unusable_password()
    account._change_reason = "Demo data"
    account.full_clean()
    account.save()
    return account
