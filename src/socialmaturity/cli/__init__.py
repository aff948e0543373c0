"""The command line: a thin shell over ``services``. Heavy modules are imported inside the
commands, so ``socialmaturity --help`` starts fast.

``options`` derives the shared options from the settings; ``assess`` has the assessment's
commands, ``server`` the web app's and the program's own, ``accounts`` the accounts and the
audit log, ``team`` the team round from files, ``research`` the workbench;
``render`` prints, ``terminal`` runs the interactive assessment.
"""

from __future__ import annotations

import sys

import click

from .. import __version__
from ..i18n.catalog import tr
from . import accounts, assess, org, server, team
from .language import click_speaks, command_language, help_speaks
from .research import research


class Program(click.Group):
    """The command group that reads a command line in its language (:mod:`.language`)."""

    def main(self, args=None, *rest, **kwargs):
        argv = sys.argv[1:] if args is None else list(args)
        lang = command_language(argv)
        with click_speaks(lang), help_speaks(lang, self):
            return super().main(argv, *rest, **kwargs)


@click.group(cls=Program,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="socialmaturity")
def cli() -> None:
    """Measure how mature an organization's use of social media is, benchmark it against its
    peers and get a ranked plan for the next stage.

    Every setting can also be given as an environment variable (see `socialmaturity settings`).
    Exit status: 0 success, 2 bad input, 3 the database cannot be reached, 130 stopped.
    """


for command in (*assess.COMMANDS, *server.COMMANDS, *team.COMMANDS, *accounts.COMMANDS,
                *org.COMMANDS, research):
    cli.add_command(command)


def main() -> None:
    try:
        cli(standalone_mode=True)
    except KeyboardInterrupt:  # pragma: no cover - interactive
        click.echo(tr(command_language(sys.argv[1:]), "interrupted"), err=True)
        sys.exit(130)
