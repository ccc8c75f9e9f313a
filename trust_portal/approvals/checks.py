"""What stops a return being submitted, one item per figure, in a shape every kind shares: the
check page lists them in one error summary, each linking to the box on the entry page, and
each kind's submit service refuses on the same list (``submission_submit_checked``), so the
page and the service cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One figure that stops submission.

    ``what`` names the row (an indicator, a spend category, a team), ``area`` the council area
    ("" when the row has none), ``message`` what to do, ``field`` the entry form's field to fix
    it in ("" when there is none: the page's ``#id_<field>`` anchor), and ``commentary`` whether
    the figure is entered but needs a commentary (the system's flag) rather than missing.
    """

    what: str
    area: str
    message: str
    field: str = ""
    commentary: bool = False
    key: str = ""  # its key among the submit service's errors (the API's), as the save's are

    @property
    def label(self) -> str:
        return f"{self.what} ({self.area})" if self.area else self.what

    def __str__(self) -> str:
        return f"{self.label}: {self.message}"


def keyed(problems: list[Problem]) -> dict[str, str]:
    """The problems as the submit service's errors: {key: "Row (area): what to do"}."""
    return {problem.key: str(problem) for problem in problems}


def split(problems: list[Problem]) -> tuple[list[Problem], list[Problem]]:
    """(missing figures, figures that need a commentary), each in the order found."""
    return (
        [p for p in problems if not p.commentary],
        [p for p in problems if p.commentary],
    )


def explained_words(flagged: int, explained: int) -> str:
    """How many figures need a commentary and how many have one: "None", "2, both with a
    commentary", "3, 1 with a commentary"."""
    if not flagged:
        return "None"
    if explained == flagged:
        every = {1: "with a commentary", 2: "both with a commentary"}
        return f"{flagged:,}, {every.get(flagged, 'all with a commentary')}"
    return f"{flagged:,}, {explained:,} with a commentary"
