"""The README documents every command and every setting (a habit from datasette)."""

from __future__ import annotations

from pathlib import Path

from socialmaturity.settings import SETTINGS

from socialmaturity.cli import cli

README = (Path(__file__).parent.parent / "README.md").read_text()


def commands(group, prefix=()):
    for name, cmd in group.commands.items():
        if hasattr(cmd, "commands"):
            yield from commands(cmd, prefix + (name,))
        else:
            yield " ".join(prefix + (name,))


def test_every_command_is_in_the_readme():
    missing = [c for c in commands(cli) if f"socialmaturity {c}" not in README]
    assert not missing, missing


def test_every_setting_is_in_the_readme():
    for s in SETTINGS:
        assert f"`--{s.name}`" in README and f"`{s.env}`" in README, s.name


def test_readme_shows_the_two_commands():
    assert "make run" in README and "make test" in README
