"""The transformation programme's tables move to the transformation app (issue 12). Its
migrations/0001_initial.py takes them over under the same table names; no row moves."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('contracts', '0004_transformation_programme'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay where they are: only Django's idea of which app owns them moves.
            database_operations=[],
            # Each model goes after those that point at it.
            state_operations=[
                migrations.DeleteModel(name='HistoricalBenefit'),
                migrations.DeleteModel(name='HistoricalBenefitQuarter'),
                migrations.DeleteModel(name='HistoricalBlock3Draw'),
                migrations.DeleteModel(name='HistoricalBoardMeeting'),
                migrations.DeleteModel(name='HistoricalBusinessCase'),
                migrations.DeleteModel(name='HistoricalCaseCost'),
                migrations.DeleteModel(name='HistoricalCaseSpend'),
                migrations.DeleteModel(name='HistoricalProject'),
                migrations.DeleteModel(name='HistoricalRisk'),
                migrations.DeleteModel(name='Block3Draw'),
                migrations.DeleteModel(name='BenefitQuarter'),
                migrations.DeleteModel(name='Benefit'),
                migrations.DeleteModel(name='CaseCost'),
                migrations.DeleteModel(name='CaseSpend'),
                migrations.DeleteModel(name='Risk'),
                migrations.DeleteModel(name='BusinessCase'),
                migrations.DeleteModel(name='BoardMeeting'),
                migrations.DeleteModel(name='Project'),
            ],
        ),
    ]
