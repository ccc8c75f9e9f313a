"""Service contracts and the money: contract years made of funding lines in three blocks, the
cost split, passported grants, adjustments, variations, payments, budget monitoring and the
reserved matters, one module a sub-domain (the same names as ``services/``, ``views/`` and
``forms/``).

Money is ``DecimalField(max_digits=14, decimal_places=2)`` in pounds; every split and every
rounding happens in ``contracts/money.py``.
"""

from contracts.models.budget import BudgetLine, BudgetReturn
from contracts.models.contracts import ContractDocument, Obligation, ServiceContract
from contracts.models.matters import Consent, ReservedDecision, ReservedMatter
from contracts.models.payments import Instalment
from contracts.models.populations import Population
from contracts.models.variations import Variation
from contracts.models.years import (
    Adjustment,
    ContractYear,
    ContractYearQuerySet,
    CostShare,
    FundingLine,
    PassportedGrant,
)

__all__ = [
    "Adjustment",
    "BudgetLine",
    "BudgetReturn",
    "Consent",
    "ContractDocument",
    "ContractYear",
    "ContractYearQuerySet",
    "CostShare",
    "FundingLine",
    "Instalment",
    "Obligation",
    "PassportedGrant",
    "Population",
    "ReservedDecision",
    "ReservedMatter",
    "ServiceContract",
    "Variation",
]
