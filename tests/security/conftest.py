"""Fixtures of the security tests: the web app on SQLite and PostgreSQL, the CLI as a user
runs it."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from socialmaturity.cli import cli
from tests.web.conftest import (  # noqa: F401  # noqa: F401
    assessor,
    backend,
    client,
    client_on,
    database_url,
    empty_database_url,
    postgres_server,
)


def run(*args, env=None):
    """The CLI in this process (exceptions are not caught: a traceback fails the test)."""
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False, env=env)


def run_process(*args, timeout=120, env=None):
    """A real process: exit code and stderr as a user sees them."""
    import os

    return subprocess.run([sys.executable, "-m", "socialmaturity", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def refused(result) -> str:
    """Assert a clean refusal: exit 2, ``error:`` lines, no traceback; the error text."""
    err = result.stderr if hasattr(result, "stderr") else result.output
    code = result.returncode if hasattr(result, "returncode") else result.exit_code
    assert code == 2, (code, err[-2000:])
    assert "Traceback" not in err, err[-2000:]
    assert err.startswith("error: ") or "\nerror: " in err, err[-2000:]
    return err
