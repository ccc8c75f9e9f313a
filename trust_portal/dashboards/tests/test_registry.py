"""What the apps register for the shared places: the scrutiny pack's sections and the returns on
its cover (the core names no domain app; each app's dashboards.py registers its own)."""

import pytest

from trust_portal.dashboards import registry


def test_the_apps_register_the_packs_sections_in_the_packs_order():
    sections = [(s.name, s.title) for s in registry.pack_sections()]
    assert sections == [
        ("performance-pack", "Performance by domain"),
        ("finance", "Finance summary"),
        ("transformation", "Transformation summary"),
        ("workforce", "Workforce summary"),
    ]


def test_the_apps_register_the_returns_on_the_packs_cover():
    returns = [(r.label, r.model._meta.label) for r in registry.pack_returns()]
    assert returns == [
        ("Performance return", "performance.MonthlyReturn"),
        ("Workforce return", "workforce.WorkforceReturn"),
        ("Budget monitoring", "contracts.BudgetReturn"),
    ]


def test_registering_the_same_section_again_changes_nothing():
    finance = next(s for s in registry.pack_sections() if s.name == "finance")
    registry.pack_section("finance", title=finance.title, missing=finance.missing, order=20)
    assert registry.pack_sections().count(finance) == 1


def test_two_different_sections_cannot_share_a_name():
    with pytest.raises(RuntimeError, match="finance"):
        registry.pack_section("finance", title="Money", missing="None for {month}.", order=99)
