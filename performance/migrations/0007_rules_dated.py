"""Performance settings become rules dated from a month (issue 13, part 2). Each arrangement's
one row keeps today's values as the rules in force from the beginning: it is dated from the
arrangement's earliest performance return (this month if it has none) and, being the first,
is in force for every month before that too."""

from datetime import date

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


FIRST_REASON = "The settings in force when the rules became dated, kept from the beginning."


def _first_month(apps, arrangement_id, this_month):
    MonthlyReturn = apps.get_model("performance", "MonthlyReturn")
    periods = MonthlyReturn.objects.filter(arrangement_id=arrangement_id).order_by("period")
    return periods.values_list("period", flat=True).first() or this_month


def date_the_rules(apps, schema_editor):
    Rules = apps.get_model("performance", "PerformanceSettings")
    HistoricalRules = apps.get_model("performance", "HistoricalPerformanceSettings")
    this_month = date.today().replace(day=1)
    for row in Rules.objects.all():
        row.valid_from = _first_month(apps, row.arrangement_id, this_month)
        row.reason = FIRST_REASON
        row.save(update_fields=["valid_from", "reason"])
        HistoricalRules.objects.filter(id=row.id).update(valid_from=row.valid_from)
    # Records of rows no longer there keep a date too (the column becomes required).
    HistoricalRules.objects.filter(valid_from__isnull=True).update(valid_from=this_month)


def keep_the_latest(apps, schema_editor):
    """Back to one row per arrangement: the latest rules stay."""
    Rules = apps.get_model("performance", "PerformanceSettings")
    kept = {}
    for row in Rules.objects.order_by("arrangement_id", "valid_from"):
        kept[row.arrangement_id] = row.pk
    Rules.objects.exclude(pk__in=kept.values()).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_change_reasons_in_full"),
        ("performance", "0006_benchmarks"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="historicalperformancesettings",
            options={
                "get_latest_by": ("history_date", "history_id"),
                "ordering": ("-history_date", "-history_id"),
                "verbose_name": "historical performance rules",
                "verbose_name_plural": "historical performance rules",
            },
        ),
        migrations.AlterModelOptions(
            name="performancesettings",
            options={
                "ordering": ["arrangement", "valid_from"],
                "verbose_name": "performance rules",
                "verbose_name_plural": "performance rules",
            },
        ),
        migrations.AddField(
            model_name="historicalperformancesettings",
            name="reason",
            field=models.CharField(
                blank=True, help_text="Why the rules change from this month.", max_length=1000
            ),
        ),
        migrations.AddField(
            model_name="historicalperformancesettings",
            name="set_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="historicalperformancesettings",
            name="set_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalperformancesettings",
            name="valid_from",
            field=models.DateField(
                help_text="First month these rules apply to (the first day of it).",
                null=True,
                verbose_name="applies from",
            ),
        ),
        migrations.AddField(
            model_name="performancesettings",
            name="reason",
            field=models.CharField(
                blank=True, help_text="Why the rules change from this month.", max_length=1000
            ),
        ),
        migrations.AddField(
            model_name="performancesettings",
            name="set_at",
            field=models.DateTimeField(auto_now_add=True, null=True),
        ),
        migrations.AddField(
            model_name="performancesettings",
            name="set_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="performancesettings",
            name="valid_from",
            field=models.DateField(
                help_text="First month these rules apply to (the first day of it).",
                null=True,
                verbose_name="applies from",
            ),
        ),
        migrations.AlterField(
            model_name="performancesettings",
            name="arrangement",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="performance_settings",
                to="accounts.arrangement",
            ),
        ),
        migrations.AddConstraint(
            model_name="performancesettings",
            constraint=models.UniqueConstraint(
                fields=("arrangement", "valid_from"), name="one_rules_change_per_month"
            ),
        ),
        migrations.RunPython(date_the_rules, keep_the_latest),
        migrations.AlterField(
            model_name="historicalperformancesettings",
            name="valid_from",
            field=models.DateField(
                help_text="First month these rules apply to (the first day of it).",
                verbose_name="applies from",
            ),
        ),
        migrations.AlterField(
            model_name="performancesettings",
            name="valid_from",
            field=models.DateField(
                help_text="First month these rules apply to (the first day of it).",
                verbose_name="applies from",
            ),
        ),
    ]
