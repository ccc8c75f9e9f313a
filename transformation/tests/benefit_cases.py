"""Business cases the benefits tests make for themselves (inside each test's transaction): any
case (``make_case``) and its benefits (``make_benefit``), a Circle to Success case of the
test's own (``make_circle_to_success``), and the demo's Circle to Success case, which the
programme's demo loads."""

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

# (name, kind, [(quarter, target, lower tolerance, actual or None)]) of 2024/25
CTS_BENEFITS = [
    ("Valuing Care assessments", "count",
     [(1, "250", "200", "290"), (2, "300", "240", "265"), (3, "300", "240", None),
      (4, "300", "240", None)]),
    ("Children and young people worked with", "count",
     [(1, "30", "24", "35"), (2, "35", "25", "28"), (3, "35", "25", None),
      (4, "35", "25", None)]),
    ("Savings", "saving",
     [(1, "1000000.00", "800000.00", "1150000.00"), (2, "1000000.00", "750000.00", "840000.00"),
      (3, "1000000.00", "800000.00", None), (4, "1000000.00", "800000.00", None)]),
]  # fmt: skip


def make_circle_to_success(arrangement, *, by) -> BusinessCase:
    """An approved Circle to Success case of ``arrangement``'s programme with its 2024/25
    benefits (``CTS_BENEFITS``), set and reported by ``by`` (a manager of its trust)."""
    case = make_case(
        "CTS", title="Circle to Success Delivery", theme=Theme.EFFICIENCY, arrangement=arrangement
    )
    for name, kind, quarters in CTS_BENEFITS:
        make_benefit(case, name=name, kind=kind, quarters=quarters, by=by)
    return case
