from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import pytest

EXPORTS = Path(__file__).parent.parent / "fixtures" / "exports"


def _load_generator():
    spec = importlib.util.spec_from_file_location("make_exports", EXPORTS / "make_exports.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


#: tests/fixtures/exports/make_exports.py, the script that made the export fixtures.
make_exports = _load_generator()


@pytest.fixture(scope="session")
def inst():
    from socialmaturity.instrument.loader import resolve_instrument

    return resolve_instrument(None)


@pytest.fixture(scope="session")
def panel(inst):
    """The demo panel the export fixtures were made from (60 respondents, seed 7)."""
    return make_exports.panel()[1]


def cell(value) -> str:
    """A tidy cell as comparable text: numbers without trailing zeros, missing as ''."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float | int):
        return f"{float(value):g}"
    return str(value)
