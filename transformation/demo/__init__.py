"""Northamptonshire's transformation programme for the demo (``python manage.py load_demo``
loads each app's ``demo``, in INSTALLED_APPS order: after the contracts it draws on)."""

import json
from datetime import date, timedelta

from transformation.demo.benefits import load_benefits
from transformation.demo.cases import FIXTURE, load_programme
from transformation.demo.risks import load_risks
from trust_portal.accounts.models import Arrangement
from trust_portal.demo_time import at

PROGRAMME_LOADED = date(2024, 10, 2)
BENEFITS_REPORTED = date(2025, 4, 15)


def load(*, password, log, today, final: bool = True) -> dict:
    arrangement = Arrangement.objects.get(
        trust__code=json.loads(FIXTURE.read_text())["arrangement"]
    )
    # Each part on a day after the last date its fixture gives (the October 2024 report's
    # programme; the benefits' last quarter of 2024/25), so its history carries that day.
    # Projects, business cases, board meetings, Block 3 draws.
    with at(PROGRAMME_LOADED):
        log(load_programme(arrangement=arrangement, today=today, final=final))
    if not final:  # an earlier pass (a pack's day): the programme's figures are enough
        return {}
    # The risk register comes after the programme: its risks to projects find them by name.
    # It stands as the trust's manager last reviewed it, the day before the demo is loaded
    # (its review dates count from that day: two are overdue on the day of a fresh load).
    with at(today - timedelta(days=1)):
        log(load_risks(arrangement))
    # Benefits come after the programme too: they belong to its approved business cases.
    with at(BENEFITS_REPORTED):
        log(load_benefits(arrangement))
    return {}
