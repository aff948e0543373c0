"""The command line in the language of the command (its ``--lang``, else the lang setting).

click's own messages (usage errors) are worded with the standard library's gettext in each of
its modules, so for one run those modules get our catalog's gettext (:func:`click_speaks`).
The help of ``--help`` is declared in English, the catalog's msgids (``make messages`` extracts
them with the keyword ``help``, :mod:`..i18n.extract`); for one run :func:`help_speaks` puts
each help in the run's language. Both give the English back afterwards.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import click

from ..i18n.catalog import LANGUAGES, translations

#: The modules of click that word a message when a command line is read.
CLICK_MODULES = ("core", "exceptions", "formatting", "parser", "types")


def t(text: str) -> str:
    """Marks one of click's texts for the catalog (``make messages`` extracts it)."""
    return text


def nt(singular: str, plural: str) -> tuple[str, str]:
    """Marks one of click's counted texts for the catalog."""
    return singular, plural


#: click's texts a user meets (click 8), translated in the catalog.
CLICK_TEXTS = (
    t("Error: {message}"), t("Usage:"), t("Try '{command} {option}' for help."),
    t("Invalid value for {param_hint}: {message}"), t("Invalid value: {message}"),
    t("Missing argument"), t("Missing option"), t("Missing parameter"), t("Missing command."),
    t("No such option {name!r}."), t("No such command {name!r}."),
    t("Option {name!r} does not take a value."), t("Choose from:\n\t{choices}"),
    t("{value!r} is not a valid {number_type}."), t("{value} is not in the range {range}."),
    t("Aborted!"), t("Show this message and exit."), t("Show the version and exit."),
    t("Options"), t("Commands"), t("env var: {var}"),
    nt("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"),
    nt("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"),
    nt("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."),
    nt("{value!r} is not {choice}.", "{value!r} is not one of {choices}."),
)


def command_language(args: Sequence[str]) -> str:
    """The language a command line asks for: ``--lang nl`` / ``--lang=nl``, else the lang
    setting; English when neither names a language of the catalog."""
    from .options import _lang

    for i, arg in enumerate(args):
        if arg == "--":
            break
        value = args[i + 1] if arg == "--lang" and i + 1 < len(args) else \
            arg.partition("=")[2] if arg.startswith("--lang=") else None
        if value is not None:
            return value if value in LANGUAGES else "en"
    return _lang()


@contextmanager
def click_speaks(lang: str):
    """click's messages in ``lang`` while the block runs."""
    import importlib

    own = translations(lang)
    swapped = []
    for name in CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        for word, ours in (("_", own.gettext), ("ngettext", own.ngettext)):
            if hasattr(module, word):
                swapped.append((module, word, getattr(module, word)))
                setattr(module, word, ours)
    try:
        yield
    finally:
        for module, word, theirs in swapped:
            setattr(module, word, theirs)


def helps(command: click.Command, parent: click.Context | None = None) -> Iterator[object]:
    """Everything in the tree of ``command`` with a help text: the commands and all their
    parameters, their help option too (click makes it once, in English, for a context as the
    command line would give it: its help option's names)."""
    ctx = click.Context(command, parent=parent, **command.context_settings)
    yield command
    yield from command.params
    if (help_option := command.get_help_option(ctx)) is not None:
        yield help_option
    for sub in getattr(command, "commands", {}).values():
        yield from helps(sub, ctx)


@contextmanager
def help_speaks(lang: str, command: click.Command):
    """The help of ``command``'s tree in ``lang`` while the block runs."""
    swapped = []
    if lang != "en":
        gettext = translations(lang).gettext
        for owner in helps(command):
            if text := getattr(owner, "help", None):
                swapped.append((owner, text))
                owner.help = gettext(inspect.cleandoc(text))
    try:
        yield
    finally:
        for owner, text in swapped:
            owner.help = text
