"""Every write of the transformation programme, one module per part: ``cases`` (projects,
business cases, the board's meetings and decisions, the Block 3 ledger), ``benefits`` and
``risks``."""
