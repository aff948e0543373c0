from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from socialmaturity.instrument.loader import bundled_instrument, load_instrument, validate_raw
from socialmaturity.instrument.positions import parse_with_positions

# no per-example deadline: a busy CI machine must not turn a slow example into a failure
settings.register_profile("socialmaturity", deadline=None)
settings.load_profile("socialmaturity")

FIXTURES = Path(__file__).parent / "fixtures"
KITCHEN = FIXTURES / "kitchen-hygiene.yaml"


@pytest.fixture(scope="session")
def kitchen():
    return load_instrument(KITCHEN)


@pytest.fixture(scope="session")
def social():
    return bundled_instrument()


def kitchen_variant(*replacements: tuple[str, str]):
    """The kitchen instrument with text replaced, validated like a file."""
    text = KITCHEN.read_text()
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    raw, pos = parse_with_positions(text, "kitchen.yaml")
    return validate_raw(raw, pos)


def kitchen_text(*replacements: tuple[str, str]) -> str:
    text = KITCHEN.read_text()
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return text


@pytest.fixture
def unwritable_folder(tmp_path):
    """A folder no file can be written in (read-only for a user; /sys, which not even root
    can write, for root)."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    yield folder if not os.access(folder, os.W_OK) else Path("/sys")
    folder.chmod(0o755)


def extreme_answers(inst, lowest: bool) -> dict:
    """Every scored question at its lowest answer (``lowest``) or its highest."""
    def pick(q):
        if q.type == "multi":
            plain = [o.key for o in inst.index.options[q.id] if not o.exclusive]
            exclusive = [o.key for o in inst.index.options[q.id] if o.exclusive]
            return exclusive[:1] if lowest else plain
        if q.type == "numeric":
            return float((min if lowest else max)(q.score_range))
        ranked = sorted(inst.index.options[q.id], key=lambda o: o.points or 0.0)
        return ranked[0 if lowest else -1].key
    return {q.id: pick(q) for q in inst.scored_questions}
