"""Every setting, declared once as a field of :class:`Settings` (type, default, help); the
command line's options, ``socialmaturity settings`` and the README's table derive from it (a
test fails when one is missing from the README). Values come from a command's flag, else the
environment variable ``SOCIALMATURITY_<NAME>``, else the default::

    settings = Settings.from_env(lang="nl")     # a flag given on the command line wins
    settings.min_group_size                      # 30, an int

Secrets (the database URL's password) are masked wherever a value is shown. ``serve`` hands its
settings to the web workers as one serialized variable (:meth:`Settings.export`). This module
imports nothing heavy: the command line reads it to build ``--help``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import MISSING, asdict, dataclass, field, fields
from dataclasses import replace as _replace
from functools import cache, lru_cache
from typing import Any

from ..errors import Problem, SocialMaturityError
from ..i18n.catalog import LANGUAGES, tr

#: Prefix of every setting's environment variable.
PREFIX = "SOCIALMATURITY_"
#: The variable ``serve`` hands its settings to the worker processes in (JSON of Settings).
WORKER_SETTINGS = "SOCIALMATURITY_WORKER_SETTINGS"

# Defaults that other modules use too: defined here once and imported there.
#: Seed of the synthetic demo panel (``panel generate``, ``research run --demo``, the web app).
DEMO_SEED = 2021
#: Respondents of the demo panel: the 2,162 marketers of the study behind the instrument.
DEMO_RESPONDENTS = 2162
#: Smallest peer group shown; smaller ones are widened.
MIN_GROUP_SIZE = 30


class SettingsError(SocialMaturityError):
    """A setting whose value does not fit its type (from a flag or the environment)."""


@dataclass(frozen=True)
class Setting:
    """The declaration of one setting (read from a field of :class:`Settings`)."""

    name: str  #: the attribute, e.g. ``min_group_size``
    type: type  #: ``int`` or ``str``
    default: Any
    help: str
    optional: bool = False  #: empty means "not set" (the default behaviour), value ``None``
    secret: bool = False
    minimum: int | None = None
    choices: tuple[str, ...] | None = None
    metavar: str | None = None

    @property
    def key(self) -> str:
        """The name on the command line and in messages: ``min-group-size``."""
        return self.name.replace("_", "-")

    @property
    def flag(self) -> str:
        return "--" + self.key

    @property
    def env(self) -> str:
        return PREFIX + self.name.upper()

    def parse(self, raw: object, where: str, lang: str) -> Any:
        """``raw`` (text from the environment, or a value given in code) as this setting's
        type; ``SettingsError`` naming ``where`` (the variable or flag) and what is valid,
        in ``lang``."""
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if self.optional:
                return None
            raw = self.default
        if self.type is int:
            value = raw if isinstance(raw, int) and not isinstance(raw, bool) else None
            if value is None and isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
                value = int(raw.strip())
            if value is None or (self.minimum is not None and value < self.minimum):
                raise SettingsError(Problem(where, tr(
                    lang, "{value} is not valid; valid: a whole number of at least {minimum}",
                    value=repr(str(raw)[:80]), minimum=self.minimum)))
            return value
        value = str(raw).strip()
        if self.choices and value not in self.choices:
            raise SettingsError(Problem(where, tr(lang, "{value} is not valid; valid: {choices}",
                                                  value=repr(value[:80]),
                                                  choices=", ".join(self.choices))))
        return value

    def show(self, value: Any) -> str:
        """The value as it may be printed: ``-`` when unset, a secret's password masked."""
        if value is None or value == "":
            return "-"
        return mask_password(str(value)) if self.secret else str(value)


def _setting(default: Any, help: str, **declared: Any) -> Any:
    return field(default=default, metadata={"setting": {"help": help, **declared}})


@dataclass(frozen=True, repr=False)
class Settings:
    """Every setting of socialmaturity, typed. Build it with :meth:`from_env`."""

    instrument: str = _setting(
        "social-maturity", "Instrument to use: the id of a bundled instrument or the path of "
        "a YAML file.", metavar="ID|PATH")
    panel: str | None = _setting(
        None, "Benchmark panel: a CSV in the batch layout, or a .npz made by `panel build`. "
        "Empty: the synthetic demo panel.", type=str, optional=True, metavar="CSV")
    min_group_size: int = _setting(
        MIN_GROUP_SIZE, "Smallest peer group shown; smaller groups are widened (sector + size, "
        "sector, all).", minimum=1)
    lang: str = _setting("en", "Language of texts and reports: en or nl.", choices=LANGUAGES)
    team_min_group: int = _setting(
        3, "Fewest respondents a department of a team round is shown with; smaller "
        "departments are pooled into \"other\".", minimum=1)
    database_url: str | None = _setting(
        None, "Database of the web app: sqlite:///PATH or postgresql+psycopg://USER@HOST/DB. "
        "Empty: socialmaturity.sqlite in the current folder.", type=str, optional=True,
        secret=True, metavar="URL")
    max_header_kb: int = _setting(
        16, "Largest request head (request line and headers, kB) the web app reads; a larger "
        "one gets 431.", minimum=1)
    header_timeout: int = _setting(
        10, "Seconds a client has to send a request's headers before the connection is "
        "closed.", minimum=1)
    session_hours: int = _setting(
        12, "Hours a login lasts: the session cookie and its row in the database expire "
        "then.", minimum=1)
    login_max_failures_account: int = _setting(
        5, "Failed logins for one e-mail address (since its last successful login) within "
        "the login window before further logins for it are refused (429).", minimum=1)
    login_max_failures_address: int = _setting(
        20, "Failed logins from one client address within the login window before further "
        "logins from it are refused (429).", minimum=1)
    login_window_minutes: int = _setting(
        15, "Minutes the failed logins of the two limits are counted over.", minimum=1)
    argon2_time_cost: int = _setting(
        2, "argon2id passes over memory when a password is hashed (more is slower to "
        "guess and to log in).", minimum=1)
    argon2_memory_kib: int = _setting(
        19456, "argon2id memory per password hash in KiB (19456 = 19 MiB, OWASP's minimum "
        "with 2 passes).", minimum=1024)
    xlsx_max_unpacked_mb: int = _setting(
        200, "Largest XLSX workbook read, unpacked (MB): a small file can unpack to gigabytes "
        "(a zip bomb); checked before parsing.", minimum=1)
    xlsx_max_cells: int = _setting(
        2_000_000, "Most cells an XLSX workbook may hold (all sheets), counted before parsing.",
        minimum=1)

    def __post_init__(self) -> None:
        lang = self.lang if self.lang in LANGUAGES else "en"
        for s in declared():  # values given in code are checked like the environment's
            object.__setattr__(self, s.name, s.parse(getattr(self, s.name), s.flag, lang))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **given: Any) -> Settings:
        """The settings from ``given`` values (flags; ``None`` = not given), else the
        environment, else the defaults. In a worker of ``serve``: the settings it was handed."""
        environ = os.environ if environ is None else environ
        handed = environ.get(WORKER_SETTINGS)
        if handed:
            return _handed(handed).replace(**given)
        lang = environ.get(setting("lang").env, "")
        lang = lang if lang in LANGUAGES else "en"
        values = {s.name: s.parse(environ.get(s.env), s.env, lang) for s in declared()}
        values.update({k: v for k, v in given.items() if v is not None})
        return cls(**values)

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes`` (``None`` values are ignored: not given)."""
        changes = {k: v for k, v in changes.items() if v is not None}
        return _replace(self, **changes) if changes else self

    def shown(self) -> list[tuple[Setting, str]]:
        """Each setting with its value as it may be printed (secrets masked)."""
        return [(s, s.show(getattr(self, s.name))) for s in declared()]

    def __repr__(self) -> str:
        values = ((s, getattr(self, s.name)) for s in declared())
        inner = ", ".join(f"{s.name}={(mask_password(v) if s.secret and v else v)!r}"
                          for s, v in values)
        return f"Settings({inner})"

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    def export(self) -> None:
        """Hand these settings to processes started from here on (``serve``'s workers): they
        get them in one variable of this class, read first by :meth:`from_env`."""
        os.environ[WORKER_SETTINGS] = self.to_json()


@lru_cache(maxsize=4)
def _handed(text: str) -> Settings:
    """The settings ``serve`` handed over (parsed once per process: the HTTP protocol asks for
    them at every connection)."""
    try:
        values = json.loads(text)
    except ValueError as e:
        raise SettingsError(Problem(WORKER_SETTINGS, "not JSON ({error})", error=e)) from None
    known = {s.name for s in declared()}
    return Settings(**{k: v for k, v in values.items() if k in known})


@cache
def declared() -> tuple[Setting, ...]:
    """Every setting's declaration, in the order of :class:`Settings`."""
    out = []
    for f in fields(Settings):
        meta = dict(f.metadata["setting"])
        kind = meta.pop("type", None) or type(f.default)
        default = None if f.default is MISSING else f.default
        out.append(Setting(name=f.name, type=kind, default=default, **meta))
    return tuple(out)


def setting(name: str) -> Setting:
    """The declaration of the setting ``name`` (``min_group_size`` or ``min-group-size``)."""
    return {s.name: s for s in declared()}[name.replace("-", "_")]


_ACTIVE: ContextVar[Settings | None] = ContextVar("socialmaturity_settings", default=None)


def current() -> Settings:
    """The settings in force: those of the running command (:func:`use`), else the
    environment's. Code deep in the stack (the XLSX limits, the HTTP protocol) reads them
    here instead of from ``os.environ``."""
    return _ACTIVE.get() or Settings.from_env()


@contextmanager
def use(settings: Settings) -> Iterator[Settings]:
    """Make ``settings`` the ones :func:`current` gives, inside the ``with`` block."""
    token = _ACTIVE.set(settings)
    try:
        yield settings
    finally:
        _ACTIVE.reset(token)


def mask_password(url: str) -> str:
    """A URL as text with the password replaced by ``***``
    (``postgresql://app:pw@db/sm`` → ``postgresql://app:***@db/sm``)."""
    scheme, sep, rest = url.partition("://")
    creds, at, host = rest.rpartition("@")
    if sep and at and ":" in creds:
        return f"{scheme}://{creds.split(':', 1)[0]}:***@{host}"
    return url
