"""Pages of contracts and money, one module per part: ``contracts`` (contracts, obligations,
documents), ``years`` (contract years, lines, grants, adjustments, agreement, rollover),
``variations``, ``payments`` (instalments, the split calculator), ``budget`` (budget
monitoring, a kind of return) and ``matters`` (reserved matters); contracts/urls.py routes them."""
