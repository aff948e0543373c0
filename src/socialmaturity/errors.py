"""Errors a user can cause. Each names the place (file:line:column, CSV row and column, field)
and what would be valid; the command line prints them one a line and exits with status 2.

A database that cannot be reached is not bad input: :class:`DatabaseUnavailable` is no
``SocialMaturityError``; the command line exits with status 3 and the web app answers 503."""

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


class DatabaseUnavailable(Exception):
    """The database could not be reached or opened (a server that is down or refuses the
    connection, a SQLite file whose folder cannot be created or written): an outage, not
    bad input. ``url`` is shown without its password."""

    def __init__(self, url: str, detail: str, *, backend: str = "", host: str = "",
                 port: str = "", folder: str = ""):
        self.url, self.detail, self.backend = url, detail, backend
        self.host, self.port, self.folder = host, port, folder
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        """Which database, that it could not be reached, and how to check, in ``lang``."""
        from .i18n.catalog import tr

        env = "SOCIALMATURITY_DATABASE_URL"
        if self.backend == "sqlite":
            return tr(lang, "the database {url} could not be opened: {detail}. Check that the "
                            "folder {folder} exists and can be written, and that the setting "
                            "--database-url ({env}) names the right file.",
                      url=self.url, detail=self.detail, folder=self.folder or ".", env=env)
        return tr(lang, "the database {url} could not be reached: {detail}. Check that the "
                        "server runs and accepts connections (pg_isready -h {host} -p {port}) "
                        "and that the setting --database-url ({env}) names it.",
                  url=self.url, detail=self.detail, host=self.host or "localhost",
                  port=self.port or "5432", env=env)


#: Longest piece of a bad value an error message repeats.
SHOWN_LIMIT = 80


def shorten(text: str, limit: int = SHOWN_LIMIT) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis, lone surrogates escaped, so a
    5 MB cell gives one short error line that can always be printed and sent as UTF-8."""
    if len(text) > limit:
        text = text[:limit - 1] + "…"
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def shown(value: object, limit: int = SHOWN_LIMIT) -> str:
    """``repr(value)`` for an error message, cut to ``limit`` characters (see :func:`shorten`)."""
    if isinstance(value, str) and len(value) > limit:
        value = value[:limit]  # repr of the head only: never build a repr of 5 MB
    elif isinstance(value, list) and len(value) > 20:
        value = value[:20]
    try:
        text = repr(value)
    except (ValueError, RecursionError):  # a 5,000-digit integer, a deeply nested value
        text = f"<{type(value).__name__}>"
    return shorten(text, limit)
