"""Northamptonshire's transformation programme for the demo (``python manage.py load_demo``
loads each app's ``demo``, in INSTALLED_APPS order: after the contracts it draws on)."""

import json

from transformation.demo.benefits import load_benefits
from transformation.demo.cases import FIXTURE, load_programme
from transformation.demo.risks import load_risks
from trust_portal.accounts.models import Arrangement


def load(*, password, log, today) -> dict:
    arrangement = Arrangement.objects.get(
        trust__code=json.loads(FIXTURE.read_text())["arrangement"]
    )
    # Projects, business cases, board meetings, Block 3 draws.
    log(load_programme(arrangement=arrangement))
    # The risk register comes after the programme: its risks to projects find them by name.
    log(load_risks(arrangement))
    # Benefits come after the programme too: they belong to its approved business cases.
    log(load_benefits(arrangement))
    return {}
