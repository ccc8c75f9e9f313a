"""Service contracts, contract years, funding blocks, cost split, payments, budget monitoring,
variations and reserved matters (issue 4). The transformation programme is its own app,
transformation/."""
