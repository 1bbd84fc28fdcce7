"""Errors a user can cause and fix. The CLI prints them as one line, never a traceback."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class UserError(Exception):
    """A problem with the user's input (a report, a rubric, a template, an option).

    The message names the file (and for YAML the line and column) and says what to do.
    """

    def __init__(self, message: str, *, path: str | None = None, exit_code: int = 2) -> None:
        self.path = path
        self.exit_code = exit_code
        super().__init__(f"{path}: {message}" if path else message)


class ReportError(UserError):
    """A report file that cannot be read."""


class RubricError(UserError):
    """A rubric that does not validate. Carries every problem found, each located."""

    def __init__(self, problems: list[str], *, path: str | None = None) -> None:
        self.problems = problems
        super().__init__("; ".join(problems) if len(problems) > 1 else problems[0], path=None)
        self.path = path


class TemplateError(UserError):
    """A scorecard template that cannot be rendered."""


def did_you_mean(value: object, allowed: Iterable[object]) -> str:
    """"; did you mean 'x'?" for the allowed value closest to a bad one, or ""."""
    close = difflib.get_close_matches(str(value), [str(a) for a in allowed], n=1, cutoff=0.5)
    return f"; did you mean '{close[0]}'?" if close else ""
