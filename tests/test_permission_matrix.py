"""docs/permissions.md is the rule book; this test reads its table and checks the module."""

import re
from pathlib import Path

import pytest

from trust_portal.accounts.models import Role
from trust_portal.accounts.permissions import Action, Kind, role_allows

DOC = Path(__file__).resolve().parent.parent / "docs" / "permissions.md"
ACTIONS = ["view draft", "view approved", "edit", "submit", "approve", "administer"]


def read_table() -> dict[tuple[str, str], dict[str, str]]:
    header = "| role | kind | " + " | ".join(ACTIONS) + " |"
    lines = DOC.read_text().splitlines()
    start = lines.index(header)
    rows = {}
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        role, kind, *values = cells
        assert (role, kind) not in rows, f"{role} × {kind} appears twice in the table"
        rows[(role, kind)] = dict(zip(ACTIONS, values, strict=True))
    return rows


TABLE = read_table()


def test_the_table_covers_every_role_and_kind():
    expected = {(role.value, kind.value) for role in Role for kind in Kind}
    assert set(TABLE) == expected


def test_the_table_uses_only_known_words():
    for (role, kind), values in TABLE.items():
        for action, value in values.items():
            assert value in ("yes", "no", "once submitted"), (role, kind, action, value)
            if value == "once submitted":
                assert action == "view draft", (role, kind, action)


CASES = [
    (role, kind, action, value)
    for (role, kind), values in sorted(TABLE.items())
    for action, value in values.items()
]


@pytest.mark.parametrize(("role", "kind", "action", "value"), CASES)
def test_module_agrees_with_the_table(role, kind, action, value):
    before = role_allows(role, Kind(kind), Action(action), submitted=False)
    after = role_allows(role, Kind(kind), Action(action), submitted=True)
    expected = {"yes": (True, True), "no": (False, False), "once submitted": (False, True)}
    assert (before, after) == expected[value]


def test_read_only_roles_never_see_drafts_or_change_anything():
    for role in (Role.DFE_OBSERVER, Role.SCRUTINY_MEMBER):
        for kind in Kind:
            for action in Action:
                if action != Action.VIEW_APPROVED:
                    assert TABLE[(role, kind)][action] == "no", (role, kind, action)


def test_the_doc_names_only_real_urls_matrix_test():
    # The doc points readers at the URL matrix test; keep the pointer true.
    assert re.search(r"tests/test_url_matrix\.py", DOC.read_text())
    assert (Path(__file__).parent / "test_url_matrix.py").exists()
