"""The workforce rates' census definitions as a new version of their words (issue 13).

When the DfE workforce census's definitions were adopted (December 2026), every month's
vacancy, agency and turnover rate came to be worked out by the census method from the
return's stored figures, earlier months included; but each indicator kept only its first
version of its words, so those months read the earlier words beside census figures.

This adds the census words as the next version of each, from the month after the latest
version's first (the first month a new version can start; for a catalogue loaded as the demo
loads it, May 2018, after version 1's April 2018), so every month with a workforce return reads
them. An indicator whose latest words are already the census's (a catalogue loaded between
the two changes) is left as it is, as is a catalogue without these indicators (the demo's
loader gives them both versions, with these same words: ``fixtures/indicators.json``).

The words are written out here, not read from the fixture, so that the migration stays what it
was when it ran; a test holds them to the fixture's.
"""

from datetime import date

from django.db import migrations

REVIEWED_BY = "Trust Portal team"
REVIEWED_ON = date(2026, 12, 7)
REASON = (
    "The DfE children's social work workforce census's definitions, adopted in December 2026. "
    "Every month's rate is now worked out from the return's figures by the census method, "
    "earlier months included, so these words apply from the first month a second version can "
    "start: every month with a workforce return."
)

CENSUS = {
    "WORKFORCE_VACANCY_RATE": {
        "definition": (
            "FTE vacancies divided by FTE vacancies plus FTE (permanent) social workers, as the "
            "DfE workforce census defines it, each month by the census method (the census "
            "itself is at 30 September). The vacancies are every vacant post, including those "
            "covered by agency workers; agency workers over the establishment cover none."
        ),
        "why_it_matters": (
            "Vacancies mean children's cases are held by fewer permanent workers, or by agency "
            "staff who change more often."
        ),
        "numerator_words": "FTE vacancies, agency-covered included",
        "denominator_words": "FTE vacancies plus FTE social workers",
    },
    "WORKFORCE_AGENCY_RATE": {
        "definition": (
            "Agency FTE divided by agency FTE plus FTE (permanent) social workers, as the DfE "
            "workforce census defines it, each month by the census method."
        ),
        "why_it_matters": (
            "Agency staff cost more and stay less long: children see more changes of worker."
        ),
        "numerator_words": "agency FTE",
        "denominator_words": "agency FTE plus FTE social workers",
    },
    "WORKFORCE_TURNOVER_RATE": {
        "definition": (
            "FTE of permanent social worker leavers in the 12 months to the month, divided by "
            "the FTE (permanent) social workers in post in the month (not an average), as the "
            "DfE workforce census defines it, each month by the census method."
        ),
        "why_it_matters": (
            "Leavers take their knowledge of children with them; high turnover feeds vacancies "
            "and agency use."
        ),
        "numerator_words": "leavers FTE in 12 months",
        "denominator_words": "FTE social workers in post in the month",
    },
}


def _month_after(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def add_census_versions(apps, schema_editor):
    Indicator = apps.get_model("performance", "Indicator")
    Definition = apps.get_model("performance", "IndicatorDefinition")
    for indicator in Indicator.objects.filter(code__in=CENSUS):
        words = CENSUS[indicator.code]
        latest = Definition.objects.filter(indicator=indicator).order_by("-version").first()
        if latest is None or latest.definition == words["definition"]:
            continue
        Definition.objects.create(
            indicator=indicator,
            version=latest.version + 1,
            valid_from=_month_after(latest.valid_from),
            reviewed_by=REVIEWED_BY,
            reviewed_on=REVIEWED_ON,
            change_reason=REASON,
            **words,
        )


def remove_census_versions(apps, schema_editor):
    Definition = apps.get_model("performance", "IndicatorDefinition")
    Definition.objects.filter(
        indicator__code__in=CENSUS, change_reason=REASON, version__gt=1
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("performance", "0007_rules_dated"),
    ]

    operations = [
        migrations.RunPython(add_census_versions, remove_census_versions),
    ]
