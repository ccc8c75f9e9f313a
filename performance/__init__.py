"""Indicators, targets, monthly returns, measurements and the child-level extract (issue 3)."""
