"""The charts' caches (what shows a peer group, a language or the dimensions only is drawn
once): every chart is the same as one drawn with empty caches, for two respondents of one
peer group, in both languages, and after an answer changes; the respondent's own marks are
never those of an earlier result."""

from __future__ import annotations

import copy
from functools import partial

import pytest

from socialmaturity.reports import charts, charts_narrow
from socialmaturity.scoring.answers import load_responses
from socialmaturity.services.assessment import make_assessor

from .test_reports import EXAMPLE

CHARTS = {
    "radar": charts.radar_svg,
    "distribution": charts.distribution_svg,
    "distribution-narrow": partial(charts.distribution_svg, id_prefix="narrow", width=320),
    "ladder": charts.stage_ladder_svg,
    "ladder-narrow": charts_narrow.stage_ladder_vertical_svg,
    "bars": charts_narrow.dimension_bars_svg,
}
CACHES = (charts._stage_ladder, charts._peer_bars, charts._radar_frame,
          charts_narrow._vertical_ladder, charts_narrow._bar_rows)


def clear() -> None:
    for cache in CACHES:
        cache.cache_clear()


def fresh(result) -> dict[str, str]:
    """Every chart of ``result``, drawn with empty caches."""
    clear()
    return {name: draw(result) for name, draw in CHARTS.items()}


@pytest.fixture(scope="module")
def assessor():
    return make_assessor()


@pytest.fixture(scope="module")
def responses(assessor):
    return load_responses(assessor.instrument, EXAMPLE)


def changed(assessor, responses, lowest: bool):
    """The example's answers with one answer (or, ``lowest``, every scored answer) moved to
    another option: the same profile, so the same peer group."""
    inst = assessor.instrument
    other = copy.deepcopy(responses)
    questions = [q for q in inst.scored_questions if q.type == "single"]
    for q in questions if lowest else questions[:1]:
        keys = [o.key for o in inst.index.options[q.id] if o.key != other.answers.get(q.id)]
        other.answers[q.id] = keys[0]
    return other


def test_charts_are_those_drawn_afresh(assessor, responses):
    one = changed(assessor, responses, lowest=False)
    low = changed(assessor, responses, lowest=True)
    results = [assessor.assess(responses, "en"), assessor.assess(low, "en"),
               assessor.assess(responses, "nl"), assessor.assess(one, "en"),
               assessor.assess(low, "nl")]
    assert len({r.benchmark.peer_group.label for r in results if r.language == "en"}) == 1
    expected = [fresh(r) for r in results]
    clear()
    for _ in range(2):  # the second round: every chart from warm caches
        for result, want in zip(results, expected, strict=True):
            assert {name: draw(result) for name, draw in CHARTS.items()} == want
    assert all(cache.cache_info().hits for cache in CACHES)

    example, lowered, dutch, one_changed, _ = expected
    for name in CHARTS:  # another respondent of the group, another language: other charts
        assert example[name] != dutch[name]
        if not name.startswith("ladder"):
            assert example[name] != lowered[name]
    assert results[1].overall.stage.level != results[0].overall.stage.level
    assert example["ladder"] != lowered["ladder"]
    # one answer changed: the new score shows
    assert results[3].overall.score != results[0].overall.score
    assert example["distribution"] != one_changed["distribution"]
    assert example["radar"] != one_changed["radar"]


def test_caches_are_bounded():
    for cache in CACHES:
        assert cache.cache_info().maxsize is not None
