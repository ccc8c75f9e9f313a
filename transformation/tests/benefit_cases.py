"""Business cases the benefits tests make for themselves (inside each test's transaction), and
the demo's Circle to Success case, which the programme's demo loads."""

from decimal import Decimal

from transformation.models import Benefit, BusinessCase, Project, Theme
from transformation.services import benefits
from trust_portal.accounts.models import Arrangement, User

State = BusinessCase.State


def nct() -> Arrangement:
    return Arrangement.objects.get(trust__code="NCT")


def manager() -> User:
    return User.objects.get(username="nct-manager")


def make_case(reference: str, *, theme=Theme.EFFICIENCY, state=State.APPROVED, arrangement=None,
              title=None) -> BusinessCase:  # fmt: skip
    """A case in a state, made directly (the services that move it there are tested apart)."""
    arrangement = arrangement or nct()
    project, _ = Project.objects.get_or_create(
        arrangement=arrangement,
        name=f"Test project {theme}",
        defaults={"theme": theme, "owner": "Director of Children's Services"},
    )
    return BusinessCase.objects.create(
        project=project,
        reference=reference,
        title=title or f"Test case {reference}",
        summary="For the tests.",
        funding=BusinessCase.Funding.BLOCK3,
        expected_benefits="Fewer children in residential care.",
        state=state,
    )


def make_benefit(case, name="Savings", kind=Benefit.Kind.SAVING, quarters=(), year=2024, by=None):
    """quarters: [(quarter, target, lower tolerance, actual or None)], set as the trust would
    (``by`` its manager: the demo's NCT manager unless named)."""
    by = by or manager()
    reason = "Set by the test"
    benefit = Benefit.objects.filter(business_case=case, name=name).first()
    benefit = benefit or benefits.benefit_save(
        by=by, case=case, name=name, kind=kind, reason=reason
    )
    for quarter, target, tolerance, actual in quarters:
        benefits.quarter_set_target(by=by, benefit=benefit, financial_year=year,
                                    quarter=quarter, target=target, lower_tolerance=tolerance,
                                    reason=reason)  # fmt: skip
        if actual is not None:
            benefits.quarter_report_actual(by=by, benefit=benefit, financial_year=year,
                                           quarter=quarter, actual=actual,
                                           commentary="Reported by the test.")  # fmt: skip
    return benefit


def circle_to_success() -> BusinessCase:
    """The demo's Circle to Success case with its benefits. The programme's demo loads the
    case and the benefits demo its benefits; made here only if the programme's demo has not."""
    from transformation.demo.benefits import find_case, load_benefits

    case = find_case(nct(), "Circle to Success")
    if case is None:
        case = make_case("CTS", title="Circle to Success Delivery", theme=Theme.EFFICIENCY)
    load_benefits(nct())
    return case


D = Decimal
