"""The indicator catalogue, Northamptonshire's dated rules and demo targets (``python manage.py
load_demo``)."""

import json
from datetime import date
from decimal import Decimal

from django.conf import settings

from performance.demo_months import month_figures
from performance.models import Indicator, Measurement, MonthlyReturn, PerformanceSettings, Target
from performance.services import returns
from performance.services.indicators import indicator_revise_definition, target_set
from performance.services.settings import performance_rules_change
from trust_portal.accounts.models import Arrangement, User
from trust_portal.approvals.demo_returns import (
    APPROVED,
    DRAFT,
    ONE_APPROVED,
    RETURNED,
    in_flight,
    load_demo_returns,
)
from trust_portal.approvals.kinds import services_named
from trust_portal.approvals.models import State
from trust_portal.dashboards.demo_packs import issue_pack, packs_to_issue
from trust_portal.demo_time import LAUNCH, at, last_month_to_load, moment, months
from trust_portal.history import audited_save
from trust_portal.periods import financial_year_of

FIXTURES = settings.BASE_DIR / "fixtures"
FIRST_VERSION_FROM = date(2018, 4, 1)  # before the earliest demo month (October 2018)
FIRST_REASON = "First version of the catalogue"
ARRANGEMENT = "NCT"
BASELINE_ENTERED = date(2021, 3, 1)  # the county's 2018/19 figures entered before the launch


def load_catalogue() -> int:
    data = json.loads((FIXTURES / "indicators.json").read_text())
    for row in data["indicators"]:
        fields = {
            k: row[k]
            for k in (
                "name",
                "domain",
                "unit",
                "polarity",
                "national_name",
                "from_extract",
                "additive",
                "entered_in",
            )
            if k in row
        }
        indicator, created = Indicator.objects.get_or_create(
            code=row["code"], defaults={**fields, "display_order": row["display_order"]}
        )
        if not indicator.definitions.exists():
            _versions(indicator, row)
    return len(data["indicators"])


def _versions(indicator: Indicator, row: dict) -> None:
    """An indicator's first version of its words, then any later ones the file gives (the
    workforce rates' census definitions, from the month
    ``performance/migrations/0008_workforce_census_definitions.py`` dates them from)."""
    first = {**row, "valid_from": FIRST_VERSION_FROM, "change_reason": FIRST_REASON}
    for version, reviewed_on in [(first, date(2026, 11, 24))] + [
        ({**v, "valid_from": date.fromisoformat(v["valid_from"])}, date(2026, 12, 7))
        for v in row.get("later_versions", [])
    ]:
        indicator_revise_definition(
            by=None,
            indicator=indicator,
            valid_from=version["valid_from"],
            definition=version["definition"],
            why_it_matters=version["why_it_matters"],
            numerator_words=version["numerator_words"],
            denominator_words=version["denominator_words"],
            reviewed_by="Trust Portal team",
            reviewed_on=reviewed_on,
            change_reason=version["change_reason"],
            allow_past=True,
        )


def load(*, password, log, today, final: bool = True) -> dict:
    count = load_catalogue()
    with at(BASELINE_ENTERED):
        rules = load_rules()
    data = json.loads((FIXTURES / "performance_targets.json").read_text())
    arrangement = Arrangement.objects.get(trust__code=data["arrangement"])
    reason = "Demo: target from the commissioner's report, May 2019, Table 1"
    with at(BASELINE_ENTERED):
        made = load_targets(data, arrangement, None, reason=reason)
    later = {**data, "financial_years": list(range(LAUNCH.year, financial_year_of(today) + 1))}
    made += load_targets(later, arrangement, None, reason=SYNTHETIC_TARGET, dated=True)
    added = load_returns(today, final=final)
    log(
        f"Indicators: {count}; rules recorded: {rules}; targets added: {made}; "
        f"monthly returns added: {added}"
    )
    return {}


DEFAULT_RULES_REASON = "Demo: the portal's default rules, in force from the beginning."


def load_rules() -> int:
    """NCT's dated rules from ``performance_rules.json`` (its first rules in force from the
    beginning, each later one recorded through the service people use), and the defaults from
    the beginning for every other arrangement; an arrangement with rules already is left as it
    is. Returns how many rows were recorded."""
    data = json.loads((FIXTURES / "performance_rules.json").read_text())
    made = 0
    for arrangement in Arrangement.objects.all():
        if PerformanceSettings.objects.filter(arrangement=arrangement).exists():
            continue
        if arrangement.code != data["arrangement"]:
            first = PerformanceSettings(
                arrangement=arrangement, valid_from=FIRST_VERSION_FROM, reason=DEFAULT_RULES_REASON
            )
            audited_save(first, by=None, reason=DEFAULT_RULES_REASON)
            made += 1
            continue
        first, *changes = data["rules"]
        row = PerformanceSettings(arrangement=arrangement, **_rule_fields(first))
        audited_save(row, by=None, reason=row.reason)
        for change in changes:
            performance_rules_change(by=None, arrangement=arrangement, **_rule_fields(change))
        made += len(data["rules"])
    return made


def _rule_fields(row: dict) -> dict:
    return {**row, "valid_from": date.fromisoformat(row["valid_from"])}


SYNTHETIC_TARGET = (
    "Demo: synthetic target, the commissioner's report's (May 2019, Table 1) carried forward"
)


def load_targets(data, arrangement, by, *, reason: str, dated: bool = False) -> int:
    """The demo's targets (``data``: "financial_years" and "targets", each with its tolerance
    or the file's), set through the service people use for every year an indicator has none
    in yet; ``dated``: each year's set in the March before it starts. Returns how many were
    set."""
    made = 0
    for year in data["financial_years"]:
        if dated:
            with at(moment(date(year, 3, 10))):
                made += load_targets(
                    {**data, "financial_years": [year]}, arrangement, by, reason=reason
                )
            continue
        for row in data["targets"]:
            indicator = Indicator.objects.get(code=row["indicator"])
            if Target.objects.filter(
                arrangement=arrangement, indicator=indicator, financial_year=year
            ).exists():
                continue
            target_set(
                by=by,
                arrangement=arrangement,
                indicator=indicator,
                financial_year=year,
                target=Decimal(row["target"]),
                tolerance=Decimal(row.get("tolerance", data.get("tolerance"))),
                reason=reason,
            )
            made += 1
    return made


def _figures(row) -> dict:
    """A demo month's figures as the save service takes them."""
    figures = {
        (code, area): tuple(None if v is None else str(v) for v in pair)
        for code, areas in row["figures"].items()
        for area, pair in areas.items()
    }
    commentary = row.get("commentary", {})
    return {"figures": figures, "commentary": commentary, "source": Measurement.Source.DEMO}


QUERY = (
    "North's open children in need do not match the number the council's early help team "
    "was given for the same day. Please check the figure against the case management system "
    "and explain the difference."
)
# The row of the return the query is about (the kind's key and words, as the send-back page
# offers it: performance.views.returns.query_rows).
QUERY_ROW = ("OPEN_CIN:NNC", "Open children in need (NNC)")


def load_returns(today, *, final: bool = True) -> int:
    """Demo returns, made through the same services people use: the trust's manager enters
    and submits, each council's officer approves its area. The county council's 2018/19
    months (fixtures/performance_returns.json, entered as the baseline before the launch),
    then a synthetic month for every month from the launch to the last complete one; the last
    three in flight: the last in draft, the one before approved by one council only, the one
    before that sent back with a query."""
    path = FIXTURES / "performance_returns.json"
    data = json.loads(path.read_text())
    rows = [{**row, "state": APPROVED} for row in data["returns"]]
    synthetic = months(LAUNCH, last_month_to_load(today, final=final))
    states = in_flight(synthetic, [DRAFT, ONE_APPROVED, RETURNED] if final else [])
    for month in synthetic:
        made = month_figures(month)
        rows.append({"month": f"{month:%Y-%m}", "state": states.get(month, APPROVED), **made})
    rows[-3]["query"], rows[-3]["query_row"] = QUERY, QUERY_ROW
    return load_demo_returns(
        rows,
        model=MonthlyReturn,
        services=services_named(returns, "return_"),
        object_name="monthly_return",
        arrangement=Arrangement.objects.get(trust__code=data["arrangement"]),
        manager=User.objects.get(username="nct-manager"),
        officers=[User.objects.get(username=u) for u in ("wnc-officer", "nnc-officer")],
        figures=_figures,
    )


def earlier_passes(today) -> list:
    """The days of the earlier passes: the issue day of each of the last three committee
    meetings' packs not issued yet (``demo_packs``)."""
    # Before a first load there is no arrangement yet, and no pack.
    arrangement = Arrangement.objects.filter(trust__code=ARRANGEMENT).first()
    return packs_to_issue(arrangement, today)


def finish(*, log, today, final: bool = True) -> None:
    """After an earlier pass: the scrutiny pack of the meeting whose issue day it is, for the
    latest month whose return both councils had approved by then."""
    if final:
        return
    arrangement = Arrangement.objects.get(trust__code=ARRANGEMENT)
    returns = MonthlyReturn.objects.filter(arrangement=arrangement, state=State.APPROVED)

    def month_at(moment_):
        approved = returns.filter(approved_at__lte=moment_).order_by("-period")
        return approved.values_list("period", flat=True).first()

    by = User.objects.get(username="wnc-officer")
    issued = issue_pack(arrangement=arrangement, by=by, day=today, month_at=month_at)
    meeting = f"{issued.committee}, {issued.meeting_date:%-d %B %Y}"
    log(f"Scrutiny pack issued: {issued.title} ({meeting})")
