"""Errors a user can cause. Each names the place (file:line:column, CSV row and column, field)
and what would be valid, in English and Dutch (the message is a msgid of the gettext catalogs,
translated when shown); the command line prints them one a line and exits with status 2.

A database that cannot be reached is not bad input: :class:`DatabaseUnavailable` is no
``SocialMaturityError``; the command line exits with status 3 and the web app answers 503."""

from __future__ import annotations

from collections.abc import Iterable

from .i18n.catalog import ntr, number, tr


class Message(str):
    """A text for a user, kept as its English msgid and fields and translated when shown:
    ``Message("{value} is not a number", value="'x'").text("nl")``. It is the English text
    itself too (a ``str``), so code that only needs English can treat it as one. A field that
    is itself a Message is translated too; a text without fields is shown as written (braces
    and all)."""

    msgid: str
    fields: dict[str, object]

    def __new__(cls, msgid: str, /, **fields: object):
        self = super().__new__(cls, msgid.format(**fields) if fields else msgid)
        self.msgid, self.fields = msgid, fields
        return self

    def text(self, lang: str = "en") -> str:
        return tr(lang, self.msgid, **_fields(self.fields, lang))

    def __repr__(self) -> str:
        return f"Message({self.msgid!r}, **{self.fields!r})"

    def __reduce__(self):
        return (_message, (type(self), str(self), self.__dict__))


class Counted(Message):
    """A :class:`Message` that counts: its form for ``n`` in the language (gettext plurals);
    ``n`` is also a field, written as the language writes numbers (1,200 / 1.200)."""

    plural: str
    n: int

    def __new__(cls, singular: str, plural: str, n: int, /, **fields: object):
        self = str.__new__(cls, ntr("en", singular, plural, n, **fields))
        self.msgid, self.fields, self.plural, self.n = singular, fields, plural, n
        return self

    def text(self, lang: str = "en") -> str:
        return ntr(lang, self.msgid, self.plural, self.n, **_fields(self.fields, lang))


def _message(cls: type, english: str, state: dict) -> Message:
    self = str.__new__(cls, english)
    self.__dict__.update(state)
    return self


class Count(Message):
    """A count among a message's fields, written as the language it is shown in writes it."""

    def __new__(cls, value: int):
        self = super().__new__(cls, f"{value:,}")
        self.value = value
        return self

    def text(self, lang: str = "en") -> str:
        return number(lang, self.value, 0)


def _fields(fields: dict, lang: str) -> dict:
    return {k: v.text(lang) if isinstance(v, Message) else v for k, v in fields.items()}


def text(value: str | Message, lang: str = "en") -> str:
    """A text or :class:`Message` in ``lang``."""
    return value.text(lang) if isinstance(value, Message) else value


class Problem:
    """One thing wrong with an input: where it is and what is wrong with it.

    ``message`` is an English msgid with ``str.format`` fields, translated when shown
    (:meth:`text`): ``Problem("answers.q1", "{value} is not an option; valid: {valid}",
    value="'x'", valid="a, b")``. ``where`` is a place (``file.yaml:3:5``, a field) or a
    :class:`Message` when it has words (``row 3, column 'x'``). ``where`` and ``message``
    as attributes are the English texts; ``raw_message`` is the :class:`Message` itself, to
    hand on to another Problem untranslated."""

    __slots__ = ("_where", "raw_message")

    def __init__(self, where: str | Message, message: str | Message, /, **fields: object):
        self._where = where
        self.raw_message = message if isinstance(message, Message) else Message(message, **fields)

    @property
    def where(self) -> str:
        return text(self._where)

    @property
    def raw_where(self) -> str | Message:
        """The place as given (a :class:`Message` stays untranslated), to hand on."""
        return self._where

    @property
    def message(self) -> str:
        return self.raw_message.text()

    def message_in(self, lang: str) -> str:
        """What is wrong, in ``lang``."""
        return self.raw_message.text(lang)

    def text(self, lang: str = "en") -> str:
        """``where: message`` in ``lang``."""
        where = text(self._where, lang)
        return f"{where}: {self.message_in(lang)}" if where else self.message_in(lang)

    def __str__(self) -> str:
        return self.text("en")

    def __repr__(self) -> str:
        return f"Problem({self.where!r}, {self.message!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Problem) and (self.where, self.message) == (other.where,
                                                                             other.message)

    def __hash__(self) -> int:
        return hash((self.where, self.message))


class SocialMaturityError(Exception):
    """Base of every error a user can cause; carries one or more problems."""

    def __init__(self, problems: Iterable[Problem] | Problem | str | Message, *,
                 total: int | None = None):
        if isinstance(problems, str | Message):
            problems = [Problem("", problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        #: How many problems there were in all, when only the first few are listed.
        self.total = total if total is not None else len(self.problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def text(self, lang: str = "en") -> str:
        """Every problem in ``lang``, one a line."""
        return "\n".join(p.text(lang) for p in self.problems)


class InstrumentError(SocialMaturityError):
    """An instrument file that does not validate."""


class AnswersError(SocialMaturityError):
    """Answers that do not fit the instrument."""


class InputFileError(SocialMaturityError):
    """A file that cannot be read or parsed."""


class NotFound(SocialMaturityError):
    """Something the caller may not see or that does not exist (404: the two are answered
    alike, so nothing tells another organization's ids apart from unknown ones)."""


class Forbidden(SocialMaturityError):
    """A caller who may see a thing but not change it (403): a viewer writing."""


class Unauthorized(SocialMaturityError):
    """No valid session or API token (401 from the API, the login page for a page)."""


class TooManyAttempts(SocialMaturityError):
    """Too many failed logins for an account or an address (429); ``retry_after`` seconds."""

    def __init__(self, problems, *, retry_after: int):
        super().__init__(problems)
        self.retry_after = retry_after


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
