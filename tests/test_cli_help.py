"""The command line's help follows the run's language: every command's and group's help, each
option's and argument's, the settings' (``cli/language.py``: ``help_speaks``); English stays as
it was. A command whose help has no Dutch translation fails here."""

from __future__ import annotations

import inspect
import re

import pytest
from click.testing import CliRunner

from socialmaturity.cli import cli
from socialmaturity.i18n.catalog import read_catalog


def paths(command, path: tuple[str, ...] = ()) -> list[list[str]]:
    """The names that reach every command and group under ``command``, it included."""
    found = [list(path)]
    for name, sub in getattr(command, "commands", {}).items():
        found += paths(sub, (*path, name))
    return found


PATHS = paths(cli)


def flat(text: str) -> str:
    """``text`` with its line breaks and runs of spaces as one space, and a word click broke
    after a hyphen whole again (click wraps help)."""
    return re.sub(r"-\s+", "-", re.sub(r"\s+", " ", text.replace("\b", ""))).strip()


def helps(command) -> list[str]:
    """The English help texts of ``command``: its own and each parameter's."""
    return [inspect.cleandoc(h) for h in (command.help, *(p.help for p in command.params)) if h]


def command_at(path: list[str]):
    command = cli
    for name in path:
        command = command.commands[name]
    return command


def show_help(path: list[str], lang: str) -> str:
    res = CliRunner().invoke(cli, [*path, "--help"], env={"SOCIALMATURITY_LANG": lang})
    assert res.exit_code == 0, res.output
    return res.stdout


def test_the_tree_is_walked_whole():
    names = {" ".join(p) for p in PATHS}
    assert {"", "score", "team", "research", "research import", "research mapping suggest",
            "users add", "org list", "audit", "serve", "db upgrade", "settings", "panel build",
            "instrument show"} <= names


def test_every_help_has_a_dutch_translation():
    dutch = {m.id: m.string for m in read_catalog("nl") if m.id and m.string and not m.fuzzy}
    missing = [f"{' '.join(p) or 'socialmaturity'}: {h!r}" for p in PATHS
               for h in helps(command_at(p)) if dutch.get(h, h) == h]
    assert not missing, "help without Dutch (make messages, translate):\n" + "\n".join(missing)


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "socialmaturity")
def test_help_in_dutch_has_no_english_sentence(path):
    english, dutch = show_help(path, "en"), show_help(path, "nl")
    assert english != dutch
    assert dutch.startswith("Gebruik: ") and "Opties:" in dutch
    english_flat, dutch_flat = flat(english), flat(dutch)
    for text in helps(command_at(path)):
        summary = flat(text.split("\n\n")[0])
        assert summary in english_flat, summary  # not vacuous: English shows it
        assert summary not in dutch_flat, f"English in the Dutch help: {summary!r}"
    # the example command lines stay as they are
    for example in flat(helps(command_at(path))[0]).split("Example: ")[1:]:
        assert "Voorbeeld: " + example.strip() in dutch_flat


def test_english_help_is_unchanged_after_a_dutch_run():
    before = [show_help(p, "en") for p in (["score"], ["research", "compare"], [])]
    show_help(["score"], "nl")
    show_help(["research", "compare"], "nl")
    assert [show_help(p, "en") for p in (["score"], ["research", "compare"], [])] == before
    assert before[0].startswith("Usage: ") and \
        "Show this message and exit." in before[0]
    assert "Toon dit bericht en stop." in show_help(["score"], "nl")


def test_lang_option_chooses_the_help_language():
    res = CliRunner().invoke(cli, ["score", "--help", "--lang", "nl"])
    assert "Scoor een antwoordbestand" in res.stdout


def test_settings_listing_in_dutch():
    res = CliRunner().invoke(cli, ["settings"], env={"SOCIALMATURITY_LANG": "nl",
                                                     "SOCIALMATURITY_MIN_GROUP_SIZE": "12"})
    assert res.exit_code == 0, res.output
    assert "SOCIALMATURITY_LANG  standaard: en  nu: nl" in res.stdout
    assert "SOCIALMATURITY_MIN_GROUP_SIZE  standaard: 30  nu: 12" in res.stdout
    assert "    Taal van teksten en rapporten: en of nl." in res.stdout
    assert "default:" not in res.stdout
    english = CliRunner().invoke(cli, ["settings"], env={"SOCIALMATURITY_LANG": "en"}).stdout
    assert "SOCIALMATURITY_LANG  default: en" in english
    assert "    Language of texts and reports: en or nl." in english
