"""The indicator catalogue and Northamptonshire's demo targets (``python manage.py load_demo``)."""

import json
from datetime import date
from decimal import Decimal

from django.conf import settings

from performance.models import Indicator, PerformanceSettings, Target
from performance.services import indicator_revise_definition, target_set
from trust_portal.accounts.models import Arrangement

FIXTURES = settings.BASE_DIR / "fixtures"
FIRST_VERSION_FROM = date(2018, 4, 1)  # before the earliest demo month (December 2018)


def load_catalogue() -> int:
    data = json.loads((FIXTURES / "indicators.json").read_text())
    for row in data["indicators"]:
        fields = {
            k: row[k]
            for k in ("name", "domain", "unit", "polarity", "national_name", "from_extract")
        }
        indicator, created = Indicator.objects.get_or_create(
            code=row["code"], defaults={**fields, "display_order": row["display_order"]}
        )
        if not indicator.definitions.exists():
            indicator_revise_definition(
                by=None,
                indicator=indicator,
                valid_from=FIRST_VERSION_FROM,
                definition=row["definition"],
                why_it_matters=row["why_it_matters"],
                numerator_words=row["numerator_words"],
                denominator_words=row["denominator_words"],
                reviewed_by="Trust Portal team",
                reviewed_on=date(2026, 11, 24),
                change_reason="First version of the catalogue",
                allow_past=True,
            )
    return len(data["indicators"])


def load(*, password, log) -> dict:
    count = load_catalogue()
    for arrangement in Arrangement.objects.all():
        PerformanceSettings.objects.get_or_create(arrangement=arrangement)
    data = json.loads((FIXTURES / "performance_targets.json").read_text())
    arrangement = Arrangement.objects.get(trust__code=data["arrangement"])
    made = 0
    for year in data["financial_years"]:
        for row in data["targets"]:
            indicator = Indicator.objects.get(code=row["indicator"])
            if Target.objects.filter(
                arrangement=arrangement, indicator=indicator, financial_year=year
            ).exists():
                continue
            target_set(
                by=None,
                arrangement=arrangement,
                indicator=indicator,
                financial_year=year,
                target=Decimal(row["target"]),
                tolerance=Decimal(data["tolerance"]),
                reason="Demo: target from the commissioner's report, May 2019, Table 1",
            )
            made += 1
    log(f"Indicators: {count}; targets added: {made}")
    return {}
