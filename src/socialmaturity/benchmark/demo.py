"""The synthetic demo panel: a seeded, documented model of 2,162 respondents (no real
benchmark data ships with the project).

The model is written down in ``docs/demo-panel.md``: organizations of 1–4 respondents with
profile fields drawn from fixed shares (:mod:`.demo_model`), a latent maturity per
organization, respondent and dimension, answers from it by graded-response models,
classification of the rolled-up organizations by the real batch engine, and perceived
outcomes given that class. One ``numpy.random.default_rng(seed)`` stream drawn in a fixed
order, so a seed gives the same panel on every machine; :mod:`.calibration` checks the
study's findings (:data:`~.calibration.TARGETS`) on it.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..core.settings import DEMO_RESPONDENTS as DEFAULT_RESPONDENTS
from ..core.settings import DEMO_SEED as DEFAULT_SEED
from ..instrument.model import DONT_KNOW, NOT_APPLICABLE, Instrument, Question
from ..scoring.batch import BatchScores, score_encoded
from ..scoring.encode import MULTI_SEPARATOR, encode_frame
from ..scoring.rollup import combine, combine_frame
from .demo_model import (
    AGREE,
    COUNTRIES,
    DEFAULT_MODEL,
    DEPARTMENT_SHARES,
    MATURE_LEVEL,
    ORGANIZATION_FIELDS,
    ORGANIZATION_SIZE_SHARES,
    REGION_SHARES,
    RESPONDENTS_PER_ORGANIZATION,
    ROLE_SHARES,
    SECTOR_SHARES,
    SIZE_SHARES,
    Item,
    PanelModel,
)

if TYPE_CHECKING:
    import pandas as pd

#: Profile fields drawn from fixed shares of their option keys (unlisted keys 1).
PROFILE_SHARES = {"sector": SECTOR_SHARES, "role": ROLE_SHARES, "department": DEPARTMENT_SHARES}


def _logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return float(np.log(p / (1 - p)))


def _hash_offset(text: str, spread: float) -> float:
    """A fixed number in [-spread, spread] from a string: the same on every machine."""
    return (zlib.crc32(text.encode()) / 0xFFFFFFFF * 2.0 - 1.0) * spread


def _pick(weights: Sequence[float], u: np.ndarray) -> np.ndarray:
    """The index each uniform draw in ``u`` picks, by the given relative weights."""
    p = np.asarray(weights, dtype=float)
    cum = np.cumsum(p / p.sum())
    cum[-1] = 1.0
    return np.searchsorted(cum, u, side="right")


def _organization_sizes(rng: np.random.Generator, respondents: int,
                        organizations: int) -> np.ndarray:
    top = len(ORGANIZATION_SIZE_SHARES)
    sizes = _pick(ORGANIZATION_SIZE_SHARES, rng.random(organizations)) + 1
    while (diff := int(sizes.sum()) - respondents) != 0:
        eligible = np.flatnonzero(sizes > 1 if diff > 0 else sizes < top)
        chosen = rng.choice(eligible, size=min(abs(diff), len(eligible)), replace=False)
        sizes[chosen] -= 1 if diff > 0 else -1
    return sizes


def _ids(prefix: str, n: int, width: int) -> np.ndarray:
    width = max(width, len(str(n)))
    return np.array([f"{prefix}{i:0{width}d}" for i in range(1, n + 1)], dtype=object)


def _key_weight(key: str, table: Mapping[str, float], default: float = 1.0) -> float:
    """The value of the first word of ``table`` found in an option key."""
    return next((weight for word, weight in table.items() if word in key), default)


def _profile(inst: Instrument, model: PanelModel, rng: np.random.Generator, org_of: np.ndarray,
             n_org: int) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The profile columns, and the latent shift per organization from its sector, size and
    region."""
    columns: dict[str, np.ndarray] = {}
    shift = np.zeros(n_org)
    region_keys: np.ndarray | None = None
    for q in inst.profile:
        per_org = q.id in ORGANIZATION_FIELDS
        count = n_org if per_org else len(org_of)
        keys = inst.index.option_keys(q.id) if q.type in ("single", "multi") else None
        if q.id == "country" and region_keys is not None:
            values = _countries(rng, keys, region_keys)
        elif keys is not None:
            if q.id in PROFILE_SHARES:
                weights = [PROFILE_SHARES[q.id].get(k, 1.0) for k in keys]
            elif q.id == "size" and len(keys) == len(SIZE_SHARES):
                weights = list(SIZE_SHARES)
            elif q.id == "region":
                weights = [_key_weight(k, REGION_SHARES) for k in keys]
            else:
                weights = [1.0] * len(keys)
            choice = _pick(weights, rng.random(count))
            values = np.array(keys, dtype=object)[choice]
            if q.id == "sector":
                shift += np.array([model.sector_effects.get(k, 0.0) for k in keys])[choice]
            elif q.id == "size" and len(keys) == len(model.size_effects):
                shift += np.asarray(model.size_effects)[choice]
            elif q.id == "region":
                shift += np.array([_key_weight(k, model.region_effects, 0.0)
                                   for k in keys])[choice]
                region_keys = values
        elif q.id == "organization":
            values = np.array([f"Demo organization {i:04d}" for i in range(1, n_org + 1)],
                              dtype=object)
        else:
            values = np.full(count, None, dtype=object)
        columns[q.id] = values[org_of] if per_org else values
    return columns, shift


def _countries(rng: np.random.Generator, keys: list[str] | None,
               region_keys: np.ndarray) -> np.ndarray:
    """A country per organization fitting its region (restricted to ``keys`` if given)."""
    out = np.empty(len(region_keys), dtype=object)
    u = rng.random(len(region_keys))
    for region in sorted(set(region_keys.tolist())):
        table = COUNTRIES.get(next((w for w in COUNTRIES if w in region), ""), {})
        codes = [c for c in table if keys is None or c in keys or c.lower() in keys]
        if keys is not None:
            codes = [c if c in keys else c.lower() for c in codes]
        weights = [table[c.upper()] for c in codes]
        if not codes:  # a region without known countries: any option
            codes = list(keys or ["XX"])
            weights = [1.0] * len(codes)
        cum = np.cumsum(np.asarray(weights, dtype=float))
        cum /= cum[-1]
        rows = region_keys == region
        out[rows] = np.array(codes, dtype=object)[np.searchsorted(cum, u[rows], side="right")]
    return out


def _item(model: PanelModel, q: Question, dimension: str) -> tuple[float, float]:
    """(difficulty, discrimination) of a question: given, or the dimension's offset plus a
    fixed offset from the question id."""
    given = model.questions.get(q.id) or Item()
    b = given.difficulty
    if b is None:
        b = model.dimension_difficulty.get(dimension, 0.0) + _hash_offset(q.id, model.spread)
    return b, given.discrimination or model.discrimination


def _single(inst: Instrument, model: PanelModel, q: Question, dimension: str, theta: np.ndarray,
            u: np.ndarray) -> np.ndarray:
    options = inst.index.options[q.id]
    order = sorted(range(len(options)), key=lambda i: (options[i].points or 0.0, i))
    b, a = _item(model, q, dimension)
    k = len(options)
    steps = np.linspace(-model.steps, model.steps, k - 1) if k > 2 else np.zeros(1)
    category = np.zeros(len(theta), dtype=np.int64)
    for c in steps:
        category += u < _logistic(a * (theta - b - c))
    keys = np.array([options[i].key for i in order], dtype=object)
    return keys[category]


def _multi(inst: Instrument, model: PanelModel, q: Question, dimension: str, theta: np.ndarray,
           rng: np.random.Generator) -> np.ndarray:
    options = inst.index.options[q.id]
    given = model.options.get(q.id, {})
    plain = [i for i, o in enumerate(options) if not o.exclusive]
    exclusive = [i for i, o in enumerate(options) if o.exclusive]
    base, a_default = _item(model, q, dimension)
    spread = np.linspace(-1.0, 1.0, len(plain)) if len(plain) > 1 else np.zeros(1)
    mask = np.zeros(len(theta), dtype=np.int64)
    easiest, easiest_b = plain[0], np.inf
    u = rng.random((len(theta), len(plain)))
    for j, i in enumerate(plain):
        item = given.get(options[i].key) or Item()
        b = item.difficulty if item.difficulty is not None else base + spread[j]
        a = item.discrimination or a_default
        if b < easiest_b:
            easiest, easiest_b = i, b
        mask |= (u[:, j] < _logistic(a * (theta - b))).astype(np.int64) << i
    fallback = exclusive[0] if exclusive else easiest
    mask[mask == 0] = 1 << fallback
    uniques, codes = np.unique(mask, return_inverse=True)
    text = np.array([MULTI_SEPARATOR.join(o.key for i, o in enumerate(options) if m >> i & 1)
                     for m in uniques], dtype=object)
    return text[codes]


def _numeric(model: PanelModel, q: Question, dimension: str, theta: np.ndarray,
             noise: np.ndarray) -> np.ndarray:
    b, a = _item(model, q, dimension)
    lo, hi = q.score_range or (q.min, q.max)
    u = _logistic(a * (theta - b) + model.numeric_noise * noise)
    value = lo + (hi - lo) * ((1 + 2 * model.numeric_overshoot) * u - model.numeric_overshoot)
    return np.rint(np.clip(value, q.min, q.max)).astype(np.int64).astype(object)


def _scored(inst: Instrument, model: PanelModel, rng: np.random.Generator,
            theta: np.ndarray) -> dict[str, np.ndarray]:
    n = len(theta)
    columns: dict[str, np.ndarray] = {}
    for d in inst.dimensions:
        theta_d = theta + model.sd_dimension * rng.standard_normal(n)
        centred = theta_d - model.mean
        for q in d.questions:
            if q.type == "single":
                values = _single(inst, model, q, d.id, theta_d, rng.random(n))
            elif q.type == "multi":
                values = _multi(inst, model, q, d.id, theta_d, rng)
            else:
                values = _numeric(model, q, d.id, theta_d, rng.standard_normal(n))
            special = rng.random(n)
            na = model.not_applicable if q.not_applicable else 0.0
            values[special < na] = NOT_APPLICABLE
            if q.dont_know:
                item = model.questions.get(q.id) or Item()
                rate = model.dont_know if item.dont_know is None else item.dont_know
                p = _logistic(_logit(rate) - model.dont_know_slope * centred)
                values[(special >= na) & (special < na + p)] = DONT_KNOW
            columns[q.id] = values
    return columns


def classify_panel(inst: Instrument, panel: pd.DataFrame) -> BatchScores:
    """Score a panel (batch-CSV layout) with the batch engine; ``ValueError`` on invalid cells."""
    enc, problems = encode_frame(inst, panel, len(panel), inst.scored_questions)
    if problems:
        first = next(iter(problems.values()))[0]
        raise ValueError(f"{len(problems)} invalid rows, first: {first}")
    return score_encoded(inst, enc)


def organizations(inst: Instrument, panel: pd.DataFrame) -> pd.DataFrame:
    """The panel rolled up to one row per organization (:mod:`socialmaturity.scoring.rollup`)."""
    return combine_frame(inst, panel)


def mature_flags(inst: Instrument, organizations: pd.DataFrame) -> np.ndarray:
    """True where an organization (a row of :func:`organizations`) reaches stage level ≥
    :data:`MATURE_LEVEL`."""
    return classify_panel(inst, organizations).level >= MATURE_LEVEL


def _intercept(tilt: np.ndarray, p: float) -> float:
    """c such that mean(logistic(c + tilt)) == p (Newton's method)."""
    c = _logit(p)
    for _ in range(30):
        s = _logistic(c + tilt)
        step = (s.mean() - p) / max(float((s * (1 - s)).mean()), 1e-12)
        c -= step
        if abs(step) < 1e-10:
            break
    return c


def _outcomes(inst: Instrument, model: PanelModel, rng: np.random.Generator,
              scores: BatchScores) -> dict[str, np.ndarray]:
    mature = scores.level >= MATURE_LEVEL
    n = len(mature)
    z = np.zeros(n)
    for group in (mature, ~mature):
        if group.sum() > 1:
            s = scores.overall[group]
            sd = s.std()
            z[group] = (s - s.mean()) / sd if sd > 0 else 0.0
    columns: dict[str, np.ndarray] = {}
    for q in inst.outcomes:
        keys = inst.index.option_keys(q.id)
        if q.type != "single" or len(keys) < 3:  # not an agree scale: left unanswered
            columns[q.id] = np.full(n, None, dtype=object)
            continue
        agree = [k for k in keys if k in AGREE] or keys[-2:]
        rest = [k for k in keys if k not in agree][::-1]  # neutral first, strongest no last
        p_mature, p_less = model.outcomes.get(q.id, model.default_outcome)
        logit = np.empty(n)
        for group, p in ((mature, p_mature), (~mature, p_less)):
            if group.any():
                tilt = model.outcome_tilt * z[group]
                logit[group] = _intercept(tilt, p) + tilt
        u = rng.random((n, 3))
        agrees = u[:, 0] < _logistic(logit)
        strong = np.where(mature, model.strongly_agree[0], model.strongly_agree[1])
        top = np.where(u[:, 1] < strong, agree[-1], agree[0])
        low = np.array(rest, dtype=object)[_pick(model.disagree_split[: len(rest)], u[:, 1])]
        values = np.where(agrees, top, low).astype(object)
        if q.dont_know:
            values[~agrees & (u[:, 2] < model.outcome_dont_know)] = DONT_KNOW
        columns[q.id] = values
    return columns


def generate_panel(inst: Instrument, seed: int = DEFAULT_SEED,
                   respondents: int = DEFAULT_RESPONDENTS, organizations: int | None = None,
                   *, model: PanelModel | None = None) -> pd.DataFrame:
    """The synthetic demo panel as a table: :func:`generate_columns` in a DataFrame."""
    import pandas as pd

    return pd.DataFrame(generate_columns(inst, seed, respondents, organizations, model=model))


def generate_columns(inst: Instrument, seed: int = DEFAULT_SEED,
                     respondents: int = DEFAULT_RESPONDENTS, organizations: int | None = None,
                     *, model: PanelModel | None = None) -> dict[str, np.ndarray]:
    """The synthetic demo panel, one row per respondent in the batch-CSV layout, as numpy
    columns (no pandas: the web's default benchmark is made from them).

    Columns: ``respondent_id`` (r00001…), ``organization_id`` (o0001…), every profile
    question, every scored question (option keys, multi-selects joined by ``;``, numbers,
    ``dont-know``/``not-applicable``) and every outcome question (agree5 keys). The same
    ``seed`` gives the same panel on every machine.
    """
    model = model or DEFAULT_MODEL
    if respondents < 1:
        raise ValueError(f"respondents must be at least 1, got {respondents}")
    if organizations is None:
        organizations = max(1, round(respondents / RESPONDENTS_PER_ORGANIZATION))
    top = len(ORGANIZATION_SIZE_SHARES)
    if not (respondents / top <= organizations <= respondents):
        raise ValueError(f"organizations must be between {-(-respondents // top)} and "
                         f"{respondents} for {respondents} respondents (1–{top} each), "
                         f"got {organizations}")
    rng = np.random.default_rng(seed)
    sizes = _organization_sizes(rng, respondents, organizations)
    org_of = np.repeat(np.arange(organizations), sizes)
    profile, shift = _profile(inst, model, rng, org_of, organizations)
    theta_org = model.mean + shift + model.sd_organization * rng.standard_normal(organizations)
    theta = theta_org[org_of] + model.sd_respondent * rng.standard_normal(respondents)
    scored = _scored(inst, model, rng, theta)
    enc, _ = encode_frame(inst, scored, respondents, inst.scored_questions)
    scores = score_encoded(inst, combine(inst, enc, org_of, organizations))
    outcomes = {q: v[org_of] for q, v in _outcomes(inst, model, rng, scores).items()}
    return {"respondent_id": _ids("r", respondents, 5),
            "organization_id": _ids("o", organizations, 4)[org_of],
            **profile, **scored, **outcomes}
