"""The transformation programme (issue 5): projects under six themes, business cases decided by
the Transformation & Efficiency Board, the Block 3 ledger, benefits realisation and risks."""
