"""The batch (numpy) path equals the single path on random answer sets (hypothesis)."""

from __future__ import annotations

import io

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from socialmaturity.instrument.loader import bundled_instrument, load_instrument
from socialmaturity.instrument.model import DONT_KNOW, NOT_APPLICABLE
from socialmaturity.scoring.answers import Responses
from socialmaturity.scoring.batch import encode_frame, encode_responses, score_encoded
from socialmaturity.scoring.engine import score_responses
from socialmaturity.services.batch import score_table

from .conftest import KITCHEN

INSTRUMENTS = {"kitchen": load_instrument(KITCHEN), "social": bundled_instrument()}


def answer_strategy(inst, q):
    specials = [st.none()]
    if q.dont_know:
        specials.append(st.just(DONT_KNOW))
    if q.not_applicable:
        specials.append(st.just(NOT_APPLICABLE))
    options = inst.index.options[q.id]
    keys = [o.key for o in options]
    if q.type == "single":
        plain = st.sampled_from(keys)
    elif q.type == "multi":
        normal = [o.key for o in options if not o.exclusive]
        exclusive = [[o.key] for o in options if o.exclusive]
        plain = st.one_of(
            st.lists(st.sampled_from(normal), min_size=1, unique=True).map(
                lambda ks: [k for k in keys if k in ks]),
            *([st.sampled_from(exclusive)] if exclusive else []))
    else:
        plain = st.one_of(st.integers(int(q.min), int(q.max)).map(float),
                          st.floats(q.min, q.max, allow_nan=False))
    return st.one_of(plain, *specials)


def responses_strategy(inst):
    return st.fixed_dictionaries(
        {q.id: answer_strategy(inst, q) for q in inst.scored_questions}
    ).map(lambda d: {k: v for k, v in d.items() if v is not None})


def check_equal(inst, answer_sets):
    batch = score_encoded(inst, encode_responses(inst, answer_sets))
    for i, answers in enumerate(answer_sets):
        single = score_responses(inst, Responses({}, answers))
        assert batch.overall[i] == single.overall
        assert batch.level[i] == single.level
        assert batch.threshold_level[i] == single.threshold_level
        for d in single.dimensions:
            got = batch.dimensions[d.id][i]
            assert (d.score is None and got != got) or got == d.score
        for gate, met in single.gates.items():
            assert bool(batch.gates[gate][i]) == met


@settings(max_examples=150, deadline=None)
@given(st.lists(responses_strategy(INSTRUMENTS["kitchen"]), min_size=1, max_size=8))
def test_batch_equals_single_kitchen(answer_sets):
    check_equal(INSTRUMENTS["kitchen"], answer_sets)


@settings(max_examples=150, deadline=None)
@given(st.lists(responses_strategy(INSTRUMENTS["social"]), min_size=1, max_size=8))
def test_batch_equals_single_social(answer_sets):
    check_equal(INSTRUMENTS["social"], answer_sets)


def to_cell(value):
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(value)
    if isinstance(value, float):
        return repr(value)
    return value


@settings(max_examples=60, deadline=None)
@given(st.lists(responses_strategy(INSTRUMENTS["social"]), min_size=1, max_size=6))
def test_csv_round_trip_scores_like_single(answer_sets):
    """Writing answers to CSV cells and reading them back gives the single-path scores."""
    inst = INSTRUMENTS["social"]
    rows = [{"sector": "technology", "size": "1-99", "region": "emea"}
            | {q.id: to_cell(a.get(q.id)) for q in inst.scored_questions} for a in answer_sets]
    buf = io.StringIO()
    pd.DataFrame(rows).to_csv(buf, index=False)
    buf.seek(0)
    frame = pd.read_csv(buf, dtype=str, keep_default_na=False, na_values=[""])
    scores, problems = score_table(inst, frame)
    assert problems == {}
    for i, answers in enumerate(answer_sets):
        single = score_responses(inst, Responses({}, answers))
        assert scores.overall[i] == single.overall
        assert scores.level[i] == single.level


def test_invalid_cells_are_reported_by_row_and_column():
    inst = INSTRUMENTS["kitchen"]
    frame = pd.DataFrame({"kind": ["canteen", "canteen", "ship"],
                          "cleaning-surfaces": ["always", "sparkly", "never"],
                          "cleaning-checks": ["fridge;floor", "fridge;moon", ""]})
    enc, problems = encode_frame(inst, frame, 3, inst.scored_questions)
    assert set(problems) == {1}
    assert problems[1][0][0] == "cleaning-surfaces"
    assert "valid: never, sometimes, mostly, always" in problems[1][0][1]
    assert problems[1][1][0] == "cleaning-checks" and "'moon'" in problems[1][1][1]
