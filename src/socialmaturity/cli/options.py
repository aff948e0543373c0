"""Options every command takes the same way, derived from the settings (``core.settings``):
the same flag, environment variable, type, default and help everywhere; and how a command's
errors end it (status 2 for bad input, 3 when the database cannot be reached)."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable

import click

from ..core.settings import Settings, setting
from ..errors import DatabaseUnavailable, Problem, SocialMaturityError, shorten
from ..i18n.catalog import LANGUAGES, tr

#: Exit status of bad input (one ``error:`` line per problem).
BAD_INPUT = 2
#: Exit status when the database cannot be reached or opened.
DATABASE_UNAVAILABLE = 3


def ask(text: str, where: str, undone: str, *, hide_input: bool = False) -> str:
    """What the user types at the prompt ``text``. Input that ends (or Ctrl-C) before an
    answer is bad input at ``where``: the message ``undone`` says what was not done."""
    try:
        return click.prompt(text, hide_input=hide_input, default="", show_default=False)
    except click.Abort:
        click.echo(err=True)
        raise SocialMaturityError(Problem(where, undone)) from None


def setting_option(name: str, **overrides):
    """The option of the setting ``name``: its flag, variable, type, default and help."""
    s = setting(name)
    kwargs: dict = {"default": s.default, "envvar": s.env, "show_envvar": True,
                    "show_default": s.default is not None, "help": s.help,
                    "metavar": s.metavar}
    if s.type is int:
        kwargs["type"] = click.IntRange(min=s.minimum)
    elif s.choices:
        kwargs["type"] = click.Choice(list(s.choices))
    kwargs.update(overrides)
    if kwargs["metavar"] is None:
        del kwargs["metavar"]
    return click.option(s.flag, s.name, **kwargs)


#: Options with something to add to the setting's declaration.
OVERRIDES: dict[str, dict] = {"panel": {"type": click.Path(dir_okay=False)}}

#: The settings of every command that scores and benchmarks.
ASSESSMENT = ("instrument", "lang", "panel", "min_group_size")


def with_settings(*names: str):
    """Add the options of the settings ``names`` and hand the command one ``settings``
    (:class:`Settings`: the flags given, else the environment, else the defaults) instead of
    one argument per option; errors end the command as :func:`handle_errors` says."""
    def decorate(f: Callable) -> Callable:
        @functools.wraps(f)
        def wrapper(*args, **kwargs):
            given = {n: kwargs.pop(n) for n in names}
            return f(*args, settings=Settings.from_env(**given), **kwargs)

        command = handle_errors(wrapper)
        for n in reversed(names):
            command = setting_option(n, **OVERRIDES.get(n, {}))(command)
        return command

    return decorate


def format_option(*choices: str):
    return click.option("--format", "fmt", type=click.Choice(list(choices)), default=choices[0],
                        show_default=True, help="Output format.")


def fail(problems, total: int | None = None, lang: str = "en") -> None:
    """Print each problem on its own line to stderr (in ``lang``) and exit with status 2."""
    from ..i18n.catalog import ntr

    for p in problems:
        click.echo(tr(lang, "error: {message}", message=shorten(p.text(lang), 2000)),
                   err=True)  # never megabytes of a cell
    if total is not None and total > len(problems):
        click.echo(tr(lang, "error: {message}", message=ntr(lang, "… {n} more", "… {n} more",
                                                            total - len(problems))), err=True)
    sys.exit(BAD_INPUT)


def handle_errors(f: Callable) -> Callable:
    """Bad input: one ``error:`` line per problem, status 2. A database that cannot be
    reached: what to check, status 3. Both in the command's language (its --lang, else the
    lang setting). No traceback."""
    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        try:
            return f(*args, **kwargs)
        except SocialMaturityError as exc:
            fail(exc.problems, exc.total, error_lang(kwargs))
        except DatabaseUnavailable as exc:
            lang = error_lang(kwargs)
            click.echo(tr(lang, "error: {message}", message=exc.message(lang)), err=True)
            sys.exit(DATABASE_UNAVAILABLE)

    return wrapper


def error_lang(kwargs: dict | None = None) -> str:
    """The language of a command's messages: its settings' or --lang, else the lang
    setting."""
    kwargs = kwargs or {}
    settings = kwargs.get("settings")
    lang = settings.lang if isinstance(settings, Settings) else kwargs.get("lang")
    return lang if lang in LANGUAGES else _lang()


def _lang() -> str:
    try:
        return Settings.from_env().lang
    except SocialMaturityError:
        return "en"


#: Single setting options, for commands that take the value itself (the research commands).
instrument_option = setting_option("instrument")
lang_option = setting_option("lang")
