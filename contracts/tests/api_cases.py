"""The contracts API's tests' world (test_api.py, test_api_writes.py), built on the root
``world`` through the services, as people make it, the way the demo is shaped:

- each council's service contract with the trust, ``<trust>-SC-<council>-2023``, active from
  1 April 2023 to 31 March 2028, with the five ``OBLIGATIONS``;
- 2024/25 agreed (``agreed_contract_year``: contract sum £1,500,000.00 of which Block 1
  £1,200,000.00 and Block 2 £240,000.00 recurring and £60,000.00 not; Block 3 provision
  £100,000.00; split 60/40 by variation 1; a £12,000.00 grant passported to the second council;
  adjustments £30,000.00 and £20,000.00), the first council having paid its 12 instalments and
  the second 11 of its;
- 2025/26 a draft rolled over from it (its two recurring lines and the 60/40 split);
- the reserved matters RM1 to RM3 and RM4, RM5, with three decisions: RM1 decided (both
  consented), RM4 awaiting the second council (the first consented), RM5 refused by the second
  council (the first consented).

Council and trust codes come from the factories' sequences, so expected orders are worked out
from the codes (``by_code``), not assumed."""

from dataclasses import dataclass
from datetime import date

from contracts.models import ContractYear, Instalment, ReservedDecision
from contracts.services import contracts as contract_services
from contracts.services import matters
from contracts.services import years as year_services
from contracts.tests.factories import agreed_contract_year
from trust_portal.accounts.tests.factories import ScrutinyMemberFactory

OBLIGATIONS = [
    "Deliver the council's children's social care functions delegated to the trust.",
    "Report the agreed key performance indicators every month, by council area.",
    "Keep social workers' caseloads within the limit agreed with the councils.",
    "Agree a business plan and budget with the councils each year.",
    "Seek the councils' consent before acting on any reserved matter.",
]
RM5_REFUSAL_NOTE = "Executive, 18 July 2024, minute 45: not before the next Ofsted inspection"


@dataclass
class Codes:
    """The codes the API names things by: the world's trust (``T``) and its councils (``A``
    the first, ``B`` the second), the other arrangement's trust (``OT``) and council (``OC``),
    and an organisation in no arrangement (``XC``: the unattached officer's council)."""

    T: str
    A: str
    B: str
    OT: str
    OC: str
    XC: str

    @property
    def t(self) -> str:
        return self.T.lower()

    @property
    def a(self) -> str:
        return self.A.lower()

    @property
    def b(self) -> str:
        return self.B.lower()

    def contract(self, council: str) -> str:
        return f"{self.T}-SC-{council}-2023"

    def fill(self, value):
        """``value`` with ``{T}``, ``{A}``, ... in its strings (and keys) replaced by codes
        (``{t}``, ``{a}``, ``{b}``: in lower case)."""
        if isinstance(value, str):
            return value.format_map(vars(self) | {"t": self.t, "a": self.a, "b": self.b})
        if isinstance(value, dict):
            return {self.fill(k): self.fill(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(self.fill(v) for v in value)
        return value


def by_code(*codes: str) -> list[str]:
    """Codes in the order the API lists them (by code)."""
    return sorted(codes)


def codes_of(world) -> Codes:
    elsewhere = world.other_manager.organisation
    return Codes(
        T=world.trust.code,
        A=world.councils[0].code,
        B=world.councils[1].code,
        OT=elsewhere.code,
        OC=world.outsider.organisation.code,
        XC=world.unattached.organisation.code,
    )


def cast_of(world) -> dict:
    """{name: user}: the world's people and a scrutiny member of its second council."""
    return {
        **world.people,
        "other-scrutiny": ScrutinyMemberFactory(organisation=world.councils[1]),
        "anonymous": None,
    }


def build(world) -> dict:
    """Make the module docstring's contracts, years and decisions; {"2024": year, "2025": year}."""
    first, second = world.councils
    officers = dict(zip((first.code, second.code), world.officers, strict=True))
    for council, officer in zip(world.councils, world.officers, strict=True):
        contract_services.contract_create(
            by=officer,
            arrangement=world.arrangement,
            council=council,
            reference=f"{world.trust.code}-SC-{council.code}-2023",
            title=f"Children's social care services: {council.code} and {world.trust.code}",
            starts_on=date(2023, 4, 1),
            ends_on=date(2028, 3, 31),
            status="active",
            obligations=OBLIGATIONS,
        )
    agreed = agreed_contract_year(world, paid=(12, 11))
    draft = year_services.contract_year_rollover(by=world.officers[0], contract_year=agreed)
    register = {
        reference: matters.matter_save(
            by=world.officers[0],
            arrangement=world.arrangement,
            reason="The register",
            reference=reference,
            title=f"Reserved matter {reference}",
            description="Reserved to the councils by the articles.",
        )
        for reference in ("RM1", "RM2", "RM3", "RM4", "RM5")
    }
    decisions = [
        # matter, requested on, recorded by, [(council, answer, decided on, note)]
        ("RM1", date(2024, 2, 5), first, [
            (first, "consent", date(2024, 3, 12), "Cabinet, 12 March 2024, minute 101"),
            (second, "consent", date(2024, 3, 14), "Executive, 14 March 2024, minute 215"),
        ]),
        ("RM4", date(2024, 9, 2), second, [
            (first, "consent", date(2024, 9, 17), "Cabinet, 17 September 2024, minute 58"),
        ]),
        ("RM5", date(2024, 6, 10), first, [
            (second, "refuse", date(2024, 7, 18), RM5_REFUSAL_NOTE),
            (first, "consent", date(2024, 7, 23), "Cabinet, 23 July 2024, minute 31"),
        ]),
    ]  # fmt: skip
    for reference, requested_on, recorder, answers in decisions:
        decision = matters.decision_record(
            by=officers[recorder.code],
            matter=register[reference],
            title=f"Decision under {reference}",
            description="What the trust asks the councils.",
            requested_on=requested_on,
        )
        for council, answer, decided_on, note in answers:
            matters.consent_record(
                by=officers[council.code],
                decision=decision,
                answer=answer,
                decided_on=decided_on,
                note=note,
            )
    return {"2024": agreed, "2025": draft}


def year_of(world, financial_year: int) -> ContractYear:
    return ContractYear.objects.get(arrangement=world.arrangement, financial_year=financial_year)


def decision_of(world, matter: str) -> ReservedDecision:
    return ReservedDecision.objects.get(
        matter__arrangement=world.arrangement, matter__reference=matter
    )


def unpaid_instalment(world) -> Instalment:
    """The world's one unpaid 2024/25 instalment: the second council's twelfth (March 2025)."""
    return Instalment.objects.get(
        contract_year=year_of(world, 2024), council=world.councils[1], paid_on__isnull=True
    )
