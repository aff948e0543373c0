"""The README documents every command, every setting and every exit status (a habit from
datasette): each test fails when one is added without its documentation."""

from __future__ import annotations

import re
from pathlib import Path

import click

from socialmaturity.cli import cli
from socialmaturity.cli.options import BAD_INPUT, DATABASE_UNAVAILABLE
from socialmaturity.core.settings import declared

README = (Path(__file__).parent.parent / "README.md").read_text()


def commands(group, prefix=()):
    for name, cmd in group.commands.items():
        if hasattr(cmd, "commands"):
            yield from commands(cmd, prefix + (name,))
        else:
            yield " ".join(prefix + (name,))


def settings_table() -> dict[str, list[str]]:
    """flag → the cells of its row in the README's settings table."""
    section = README.split("## Settings", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].startswith("`--"):
            rows[cells[0].strip("`")] = cells
    return rows


def test_every_command_is_in_the_readme():
    missing = [c for c in commands(cli) if f"socialmaturity {c}" not in README]
    assert not missing, missing


def test_every_setting_is_in_the_readme_table_with_its_variable_and_default():
    rows = settings_table()
    for s in declared():
        assert s.flag in rows, f"{s.flag} is not in the README's settings table"
        flag, env, default, meaning = rows[s.flag]
        assert env == f"`{s.env}`", (s.flag, env)
        if s.default is not None:
            assert f"`{s.default}`" in default, (s.flag, default)
        assert meaning, s.flag
    extra = set(rows) - {s.flag for s in declared()}
    assert not extra, f"the README lists settings that do not exist: {extra}"


def test_every_setting_is_an_option_of_some_command():
    def options(group):
        for cmd in group.commands.values():
            yield from (p.opts[0] for p in cmd.params if isinstance(p, click.Option))
            if hasattr(cmd, "commands"):
                yield from options(cmd)

    offered = set(options(cli))
    assert {s.flag for s in declared()} <= offered


def test_the_exit_statuses_are_documented():
    line = re.search(r"Exit status: (.*?)\n\n", README, re.S).group(1)
    assert f"{BAD_INPUT} bad input" in line and f"{DATABASE_UNAVAILABLE} " in line, line
    assert "130" in line


def test_readme_shows_the_two_commands():
    assert "make run" in README and "make test" in README
