"""Errors a user can cause. Each names the place (file:line:column, CSV row and column, field)
and what would be valid; the command line prints them one a line and exits with status 2."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is and what is wrong with it."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class SocialMaturityError(Exception):
    """Base of every error a user can cause; carries one or more problems."""

    def __init__(self, problems: list[Problem] | Problem | str, *, total: int | None = None):
        if isinstance(problems, str):
            problems = [Problem("", problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        #: How many problems there were in all, when only the first few are listed.
        self.total = total if total is not None else len(self.problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class InstrumentError(SocialMaturityError):
    """An instrument file that does not validate."""


class AnswersError(SocialMaturityError):
    """Answers that do not fit the instrument."""


class InputFileError(SocialMaturityError):
    """A file that cannot be read or parsed."""
