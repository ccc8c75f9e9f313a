"""Service contracts, contract years, funding blocks, cost split, payments, budget monitoring
and the transformation programme (issues 4 and 5)."""
