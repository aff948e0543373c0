"""The synthetic demo panel: a seeded, documented model of 2,162 respondents.

No real benchmark data ships with the project, so the default benchmark is generated. The
model (see ``docs/demo-panel.md``):

1. **Organizations.** ``organizations`` (default ``round(respondents / 1.97)``, about 1,100 for
   2,162) with 1–4 respondents each (shares 42/30/17/11%, then nudged so the sizes add up to
   ``respondents``). Sector, size band, region and country are drawn per organization from
   fixed shares (:data:`SECTOR_SHARES`, :data:`SIZE_SHARES`, :data:`REGION_SHARES`,
   :data:`COUNTRIES`); role and department per respondent.
2. **Latent maturity.** ``θ_org ~ Normal(μ + sector effect + size effect + region effect,
   σ_org)``; each respondent ``θ = θ_org + Normal(0, σ_resp)``; per dimension
   ``θ_d = θ + Normal(0, σ_dim)``. Respondents of one organization therefore answer alike,
   and items of one dimension correlate more than items of different dimensions.
3. **Scored answers** from ``θ_d``:

   - single choice: a graded-response (ordered logistic) model over the options ordered by
     points, ``P(answer ≥ k) = logistic(a · (θ_d − b − c_k))`` with discrimination ``a``,
     question difficulty ``b`` and category steps ``c_k`` evenly spread over ``±steps``;
   - multi-select: each option chosen independently with ``logistic(a_j · (θ_d − b_j))``;
     an exclusive option ("none of these") when nothing else is chosen;
   - numeric: ``logistic(a · (θ_d − b) + Normal(0, noise))`` mapped linearly onto the
     question's ``score_range`` with 10% overshoot either side (a reversed range,
     lower-is-better, works too), clipped to ``min``..``max`` and rounded to whole numbers;
   - "don't know" (where allowed) at a base rate of 3%, more often at low maturity (1–5% per
     question); "not applicable" (where allowed) 2%.

   Difficulties come from :attr:`PanelModel.questions` and :attr:`PanelModel.options` where
   listed, otherwise from the dimension's offset plus the question id (a fixed CRC-32 hash
   spread over ±0.5), never from the random stream, so they are the same for every seed.
4. **Classification, on organizations.** The respondents of each organization are rolled up
   to one set of answers (:mod:`socialmaturity.scoring.rollup`) and scored by the real batch
   engine; an organization is mature at stage level ≥ 3.
5. **Perceived outcomes** (agree5), one set per organization given its classified maturity:
   agree (top-2 box) with the probability in :attr:`PanelModel.outcomes` for the
   organization's class, tilted within the class by its overall score (the intercept solved so
   that the class share equals the target exactly in expectation); every respondent of the
   organization gives the organization's answers.

Randomness is one ``numpy.random.default_rng(seed)`` stream drawn in a fixed order, so a
seed gives the same panel on every machine. :data:`TARGETS` lists the study's findings the
default panel is calibrated to, with tolerances; :func:`calibration_report` checks them.
Default panel (seed 2021): 2,162 respondents, 1,097 organizations, stages 1–4 at
25/37/29/9% of the organizations, 38% mature; the score decides 94% of the stages.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..core.settings import DEMO_RESPONDENTS as DEFAULT_RESPONDENTS
from ..core.settings import DEMO_SEED as DEFAULT_SEED
from ..instrument.model import DONT_KNOW, NOT_APPLICABLE, Instrument, Question
from ..scoring.batch import MULTI_SEPARATOR, BatchScores, encode_frame, score_encoded
from ..scoring.rollup import combine_frame

#: Mean respondents per organization in the study (2,162 marketers, ~1,100 organizations).
RESPONDENTS_PER_ORGANIZATION = 1.97
#: Shares of organizations with 1, 2, 3, 4 respondents (mean 1.97).
ORGANIZATION_SIZE_SHARES = (0.42, 0.30, 0.17, 0.11)
#: Stage level from which an organization counts as mature (the bundled instrument's
#: ``benchmark.mature_stage``; the generator runs other instruments too).
MATURE_LEVEL = 3
#: The top-2 box of the agree5 answer set.
AGREE = ("agree", "strongly-agree")

#: Profile questions answered once per organization (the rest per respondent).
ORGANIZATION_FIELDS = ("organization", "sector", "size", "region", "country")

#: Sector shares (percent; unlisted keys 1): roughly even, with some variation.
SECTOR_SHARES: dict[str, float] = {
    "retail-ecommerce": 10, "consumer-goods": 9, "financial-services": 10, "technology": 11,
    "telecom-media": 7, "healthcare-pharma": 8, "manufacturing": 9, "travel-hospitality": 7,
    "professional-services": 9, "education": 7, "government": 6, "non-profit": 7,
}
#: Shares of the size bands, in option order (1–99, 100–999, 1,000–9,999, 10,000+).
SIZE_SHARES = (0.20, 0.33, 0.29, 0.18)
#: Respondents are marketers: role and department shares (percent; unlisted keys 1).
ROLE_SHARES: dict[str, float] = {
    "executive": 5, "cmo": 8, "head-of-social": 15, "social-media-specialist": 20,
    "marketing-manager": 24, "communications-manager": 12, "customer-service-manager": 3,
    "hr-manager": 2, "sales-manager": 3, "consultant": 4, "other": 4,
}
DEPARTMENT_SHARES: dict[str, float] = {
    "marketing": 62, "pr-communications": 20, "customer-service": 4, "hr-recruiting": 2,
    "sales": 4, "product-rd": 2, "it": 1, "executive": 3, "other": 2,
}
#: Region shares by a word in the option key.
REGION_SHARES = {"emea": 0.38, "north": 0.33, "latin": 0.10, "asia": 0.19}
#: Countries (ISO 3166 alpha-2) per region, with relative shares.
COUNTRIES: dict[str, dict[str, float]] = {
    "emea": {"GB": 18, "DE": 14, "FR": 11, "NL": 8, "ES": 7, "IT": 7, "SE": 4, "BE": 4,
             "CH": 4, "PL": 4, "IE": 3, "DK": 3, "ZA": 4, "AE": 4, "SA": 2, "NG": 1, "IL": 2},
    "north": {"US": 86, "CA": 14},
    "latin": {"BR": 38, "MX": 27, "AR": 11, "CO": 10, "CL": 9, "PE": 5},
    "asia": {"AU": 20, "JP": 14, "IN": 18, "SG": 12, "CN": 8, "KR": 7, "NZ": 5, "HK": 6,
             "ID": 4, "MY": 3, "PH": 3},
}


@dataclass(frozen=True)
class Item:
    """Parameters of one question (or one multi-select option): difficulty ``b`` on the
    latent scale and discrimination ``a``; ``None`` keeps the model's default."""

    difficulty: float | None = None
    discrimination: float | None = None
    #: The base "don't know" rate of this question, when not the model's.
    dont_know: float | None = None


@dataclass(frozen=True)
class PanelModel:
    """Every parameter of the generative model (defaults: the calibrated demo panel)."""

    #: Mean latent maturity before sector, size and region effects.
    mean: float = 0.0
    sd_organization: float = 1.0
    sd_respondent: float = 0.7
    sd_dimension: float = 0.45
    #: Default item discrimination and the half-width of the category steps.
    discrimination: float = 1.3
    steps: float = 1.5
    #: Spread (±) of the default question difficulties derived from the question id.
    spread: float = 0.5
    numeric_noise: float = 0.6
    #: How far (a fraction of the score range) numbers may fall outside ``score_range``.
    numeric_overshoot: float = 0.1
    dont_know: float = 0.03
    #: How much more often low-maturity respondents say "don't know" (logit per unit θ).
    dont_know_slope: float = 0.6
    not_applicable: float = 0.02
    sector_effects: Mapping[str, float] = field(default_factory=dict)
    #: Effects per size band, in option order.
    size_effects: Sequence[float] = (-0.35, -0.1, 0.15, 0.35)
    region_effects: Mapping[str, float] = field(default_factory=dict)
    dimension_difficulty: Mapping[str, float] = field(default_factory=dict)
    questions: Mapping[str, Item] = field(default_factory=dict)
    #: Multi-select options: question id → option key → item.
    options: Mapping[str, Mapping[str, Item]] = field(default_factory=dict)
    #: Outcome question → (P(agree | mature), P(agree | less mature)).
    outcomes: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    default_outcome: tuple[float, float] = (0.70, 0.45)
    #: Within-class tilt of the agree probability per standard deviation of the overall score.
    outcome_tilt: float = 0.5
    #: P(strongly agree | agree) for (mature, less mature); the rest of "agree" is "agree".
    strongly_agree: tuple[float, float] = (0.45, 0.30)
    #: Shares of neutral, disagree, strongly disagree among those who do not agree.
    disagree_split: tuple[float, float, float] = (0.55, 0.33, 0.12)
    #: "Don't know" among those who do not agree (where the outcome question allows it).
    outcome_dont_know: float = 0.04


#: The calibrated parameters of the demo panel (see ``docs/demo-panel.md``).
DEFAULT_MODEL = PanelModel(
    mean=0.45,
    sector_effects={
        "retail-ecommerce": 0.2, "consumer-goods": 0.15, "financial-services": 0.1,
        "technology": 0.3, "telecom-media": 0.2, "healthcare-pharma": -0.1,
        "manufacturing": -0.25, "travel-hospitality": 0.05, "professional-services": 0.0,
        "education": -0.2, "government": -0.3, "non-profit": -0.15,
    },
    region_effects={"north": 0.1, "emea": 0.0, "latin": -0.05, "asia": 0.0},
    dimension_difficulty={
        "strategy": -0.1, "reach": 0.0, "listening": -0.2, "audiences": 0.25,
        "employees": 0.15, "paid": 0.0, "measurement": 0.1, "data": 0.35, "governance": 0.05,
    },
    questions={
        "strategy-sponsor": Item(0.18, 2.0),
        "reach-departments": Item(dont_know=0.01),
        "listening-join-conversations": Item(0.97, 0.98),
        "data-crm": Item(1.07, 2.0),
        "audiences-goals": Item(0.56, 0.83),
        "employees-enrolled": Item(1.2),
        "listening-conversation-share": Item(0.8),
    },
    options={
        "reach-departments": {
            "marketing": Item(-3.25, 1.0),
            "pr-communications": Item(0.17, 1.2),
            "customer-service": Item(0.92, 1.11),
            "hr-recruiting": Item(1.43, 0.78),
            "sales": Item(1.73, 0.8),
            "product-rd": Item(2.26, 0.8),
        },
    },
    outcomes={
        "outcome-prospects": (0.93, 0.78),
        "outcome-relationships": (0.88, 0.44),
        "outcome-brand-health": (0.94, 0.70),
        "outcome-differentiates": (0.84, 0.60),
        "outcome-paid-efficiency": (0.75, 0.50),
        "outcome-partners": (0.67, 0.38),
        "outcome-hiring": (0.62, 0.32),
        "outcome-cpa": (0.60, 0.38),
        "outcome-employee-engagement": (0.72, 0.42),
        "outcome-disruption": (0.82, 0.66),
        "outcome-transformation": (0.72, 0.46),
    },
)


# --- generation ---------------------------------------------------------------------------


def _logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return float(np.log(p / (1 - p)))


def _hash_offset(text: str, spread: float) -> float:
    """A fixed number in [-spread, spread] from a string: the same on every machine."""
    return (zlib.crc32(text.encode()) / 0xFFFFFFFF * 2.0 - 1.0) * spread


def _pick(rng: np.random.Generator, weights: Sequence[float], n: int) -> np.ndarray:
    """n indices drawn with the given relative weights."""
    p = np.asarray(weights, dtype=float)
    cum = np.cumsum(p / p.sum())
    cum[-1] = 1.0
    return np.searchsorted(cum, rng.random(n), side="right")


def _organization_sizes(rng: np.random.Generator, respondents: int,
                        organizations: int) -> np.ndarray:
    top = len(ORGANIZATION_SIZE_SHARES)
    sizes = _pick(rng, ORGANIZATION_SIZE_SHARES, organizations) + 1
    while (diff := int(sizes.sum()) - respondents) != 0:
        eligible = np.flatnonzero(sizes > 1 if diff > 0 else sizes < top)
        chosen = rng.choice(eligible, size=min(abs(diff), len(eligible)), replace=False)
        sizes[chosen] -= 1 if diff > 0 else -1
    return sizes


def _ids(prefix: str, n: int, width: int) -> np.ndarray:
    width = max(width, len(str(n)))
    return np.array([f"{prefix}{i:0{width}d}" for i in range(1, n + 1)], dtype=object)


def _key_weight(key: str, table: Mapping[str, float], default: float = 1.0) -> float:
    for word, weight in table.items():
        if word in key:
            return weight
    return default


def _region_word(key: str) -> str | None:
    for word in COUNTRIES:
        if word in key:
            return word
    return None


class _Profile(NamedTuple):
    columns: dict[str, np.ndarray]
    theta_shift: np.ndarray  # per organization


def _profile(inst: Instrument, model: PanelModel, rng: np.random.Generator, org_of: np.ndarray,
             n_org: int) -> _Profile:
    idx = inst.index
    n = len(org_of)
    columns: dict[str, np.ndarray] = {}
    shift = np.zeros(n_org)
    region_keys: np.ndarray | None = None
    for q in inst.profile:
        per_org = q.id in ORGANIZATION_FIELDS
        count = n_org if per_org else n
        if q.type in ("single", "multi"):
            keys = idx.option_keys(q.id)
            if q.id == "country" and region_keys is not None:
                values = _countries(rng, keys, region_keys)
            else:
                if q.id in ("sector", "role", "department"):
                    table = {"sector": SECTOR_SHARES, "role": ROLE_SHARES,
                             "department": DEPARTMENT_SHARES}[q.id]
                    weights = [table.get(k, 1.0) for k in keys]
                elif q.id == "size" and len(keys) == len(SIZE_SHARES):
                    weights = list(SIZE_SHARES)
                elif q.id == "region":
                    weights = [_key_weight(k, REGION_SHARES) for k in keys]
                else:
                    weights = [1.0] * len(keys)
                choice = _pick(rng, weights, count)
                values = np.array(keys, dtype=object)[choice]
                if q.id == "sector":
                    shift += np.array([model.sector_effects.get(k, 0.0) for k in keys])[choice]
                elif q.id == "size" and len(keys) == len(model.size_effects):
                    shift += np.asarray(model.size_effects)[choice]
                elif q.id == "region":
                    shift += np.array([_key_weight(k, model.region_effects, 0.0)
                                       for k in keys])[choice]
                    region_keys = values
        elif q.id == "country" and region_keys is not None:
            values = _countries(rng, None, region_keys)
        elif q.id == "organization":
            values = np.array([f"Demo organization {i:04d}" for i in range(1, n_org + 1)],
                              dtype=object)
        else:
            values = np.full(count, None, dtype=object)
        columns[q.id] = values[org_of] if per_org else values
    return _Profile(columns, shift)


def _countries(rng: np.random.Generator, keys: list[str] | None,
               region_keys: np.ndarray) -> np.ndarray:
    """A country per organization fitting its region (restricted to ``keys`` if given)."""
    out = np.empty(len(region_keys), dtype=object)
    u = rng.random(len(region_keys))
    for region in sorted(set(region_keys.tolist())):
        table = COUNTRIES.get(_region_word(region) or "", {})
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
    codes, uniques = pd.factorize(mask)
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


def classify_organizations(inst: Instrument, panel: pd.DataFrame) -> BatchScores:
    """The organizations' scores: each organization's combined answers, scored."""
    return classify_panel(inst, organizations(inst, panel))


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
        split = np.asarray(model.disagree_split[: len(rest)], dtype=float)
        low = np.array(rest, dtype=object)[_pick_from(split, u[:, 1])]
        values = np.where(agrees, top, low).astype(object)
        if q.dont_know:
            values[~agrees & (u[:, 2] < model.outcome_dont_know)] = DONT_KNOW
        columns[q.id] = values
    return columns


def _pick_from(weights: np.ndarray, u: np.ndarray) -> np.ndarray:
    cum = np.cumsum(weights / weights.sum())
    cum[-1] = 1.0
    return np.searchsorted(cum, u, side="right")


def generate_panel(inst: Instrument, seed: int = DEFAULT_SEED,
                   respondents: int = DEFAULT_RESPONDENTS, organizations: int | None = None,
                   *, model: PanelModel | None = None) -> pd.DataFrame:
    """The synthetic demo panel: one row per respondent in the batch-CSV layout.

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
    profile = _profile(inst, model, rng, org_of, organizations)
    theta_org = model.mean + profile.theta_shift + model.sd_organization * rng.standard_normal(
        organizations)
    theta = theta_org[org_of] + model.sd_respondent * rng.standard_normal(respondents)
    scored = _scored(inst, model, rng, theta)
    frame = pd.DataFrame({
        "respondent_id": _ids("r", respondents, 5),
        "organization_id": _ids("o", organizations, 4)[org_of],
        **profile.columns,
        **scored,
    })
    scores = classify_organizations(inst, frame)
    outcomes = {q: v[org_of] for q, v in _outcomes(inst, model, rng, scores).items()}
    return pd.concat([frame, pd.DataFrame(outcomes, index=frame.index)], axis=1)


# --- calibration targets ------------------------------------------------------------------

Observe = Callable[[pd.DataFrame, np.ndarray], float]


def _hits(panel: pd.DataFrame, question: str, keys: Sequence[str]) -> np.ndarray:
    """True where the answer is one of ``keys`` (for a multi-select: includes one of them)."""
    codes, uniques = pd.factorize(pd.Series(panel[question], dtype=object))
    wanted = set(keys)
    table = np.array([bool(wanted & {p.strip() for p in str(u).split(MULTI_SEPARATOR)})
                      for u in uniques] + [False])
    return table[codes]


def _share(question: str, keys: Sequence[str], group: str = "all") -> Observe:
    def observe(panel: pd.DataFrame, mature: np.ndarray) -> float:
        hits = _hits(panel, question, keys)
        rows = {"all": np.ones(len(hits), bool), "mature": mature, "less": ~mature}[group]
        return float(hits[rows].mean()) if rows.any() else float("nan")
    return observe


def _ratio(question: str, keys: Sequence[str]) -> Observe:
    def observe(panel: pd.DataFrame, mature: np.ndarray) -> float:
        hits = _hits(panel, question, keys)
        less = hits[~mature].mean() if (~mature).any() else 0.0
        more = hits[mature].mean() if mature.any() else float("nan")
        return float(more / less) if less > 0 else float("inf")
    return observe


def _difference(question: str, keys: Sequence[str]) -> Observe:
    def observe(panel: pd.DataFrame, mature: np.ndarray) -> float:
        hits = _hits(panel, question, keys)
        return float(hits[mature].mean() - hits[~mature].mean())
    return observe


def _mature_share(panel: pd.DataFrame, mature: np.ndarray) -> float:
    return float(np.mean(mature))


@dataclass(frozen=True)
class Target:
    """A finding of the study the demo panel reproduces: ``observe(panel, mature)`` should lie
    within ``tolerance`` of ``target`` (absolute, or a fraction of the target when
    ``relative``)."""

    name: str
    description: str
    target: float
    tolerance: float
    relative: bool
    observe: Observe

    @property
    def half_width(self) -> float:
        """The tolerance in the units of the observed value."""
        return self.tolerance * abs(self.target) if self.relative else self.tolerance

    def holds(self, observed: float) -> bool:
        return bool(abs(observed - self.target) <= self.half_width + 1e-12)


_CS, _HR = "customer-service", "hr-recruiting"
_SPONSOR = ("vice-president", "c-level")
#: The top two options of listening-join-conversations.
_JOIN_TOP = ("often", "always")

_BEYOND = ("one-other", "several-others", "all-audiences")

#: The study's findings (MODEL.md §1) as checks on the organizations of a panel of the bundled
#: instrument and their mature flags. Tolerances are 3–5 seed-to-seed standard deviations at
#: 2,162 rows (measured over 200 seeds); targets stated as bounds ("over 80%") sit so that the
#: whole band keeps the finding. See docs/demo-panel.md.
TARGETS: tuple[Target, ...] = (
    Target("mature-share", "share of organizations at stage 3 or 4 (about 40% strategic)",
           0.40, 0.05, False, _mature_share),
    Target("customer-service-ratio", "mature ÷ less mature: customer service uses social "
           "(more than twice as likely)", 2.2, 0.15, True,
           _ratio("reach-departments", [_CS])),
    Target("hr-recruiting-ratio", "mature ÷ less mature: HR and recruiting use social (about "
           "twice as likely)", 2.0, 0.15, True, _ratio("reach-departments", [_HR])),
    Target("executive-sponsor-ratio", "mature ÷ less mature: a primary sponsor on the "
           "executive board or reporting directly to it (five times as likely; from the latent "
           "maturity, no rule asks for it)", 5.0, 0.20, True,
           _ratio("strategy-sponsor", _SPONSOR)),
    Target("differentiates-ratio", "mature ÷ less mature: agree social differentiates the "
           "brand (1.4 times as likely)", 1.4, 0.10, True,
           _ratio("outcome-differentiates", AGREE)),
    Target("paid-efficiency-mature", "mature agreeing social improves paid search, TV and "
           "other advertising (75%)", 0.75, 0.05, False,
           _share("outcome-paid-efficiency", AGREE, "mature")),
    Target("prospects-overall", "all agreeing social reaches prospects more efficiently "
           "(over 80%)", 0.84, 0.035, False, _share("outcome-prospects", AGREE)),
    Target("transformation-mature", "mature agreeing social prepared them for digital "
           "transformation (more than two thirds)", 0.72, 0.05, False,
           _share("outcome-transformation", AGREE, "mature")),
    Target("disruption-overall", "all agreeing social prepared them for disruption "
           "(COVID-19) (more than two thirds)", 0.72, 0.05, False,
           _share("outcome-disruption", AGREE)),
    Target("disruption-mature-lead", "mature minus less mature agreeing social prepared "
           "them for disruption (mature best prepared)", 0.16, 0.08, False,
           _difference("outcome-disruption", AGREE)),
    Target("relationships-mature", "mature agreeing social built strong relationships (the "
           "vast majority)", 0.88, 0.05, False,
           _share("outcome-relationships", AGREE, "mature")),
    Target("relationships-less", "less mature agreeing social built strong relationships "
           "(fewer than half)", 0.44, 0.05, False,
           _share("outcome-relationships", AGREE, "less")),
    Target("partners-mature", "mature agreeing social improved how they find and keep "
           "partners (two thirds)", 0.67, 0.05, False,
           _share("outcome-partners", AGREE, "mature")),
    Target("brand-health-mature", "mature agreeing social improved brand relevance and "
           "sentiment (nearly every)", 0.94, 0.04, False,
           _share("outcome-brand-health", AGREE, "mature")),
    Target("beyond-customers-overall", "all with goals for audiences beyond customers (only "
           "about half)", 0.50, 0.05, False,
           _share("audiences-goals", _BEYOND)),
    Target("beyond-customers-mature", "mature with goals for audiences beyond customers "
           "(most)", 0.75, 0.06, False,
           _share("audiences-goals", _BEYOND, "mature")),
    Target("marketing-overall", "all whose marketing team uses social (nearly every)",
           0.97, 0.02, False, _share("reach-departments", ["marketing"])),
    Target("pr-overall", "all whose PR/communications team uses social (nearly two thirds)",
           0.65, 0.05, False, _share("reach-departments", ["pr-communications"])),
    Target("listening-join-ratio", "mature ÷ less mature: join the conversations they listen "
           "to, top two answers (many times more likely: at least 3)", 4.2, 1.2, False,
           _ratio("listening-join-conversations", _JOIN_TOP)),
)


class CalibrationRow(NamedTuple):
    name: str
    target: float
    observed: float
    #: Allowed distance from the target, in the units of the observed value.
    tolerance: float
    ok: bool


def calibration_report(inst: Instrument, panel: pd.DataFrame,
                       mature: np.ndarray | None = None) -> list[CalibrationRow]:
    """Each of :data:`TARGETS` observed on ``panel`` (classified by the batch engine unless
    ``mature`` flags are given). The targets name questions of the bundled instrument."""
    orgs = organizations(inst, panel)
    if mature is None:
        mature = mature_flags(inst, orgs)
    rows = []
    for t in TARGETS:
        observed = t.observe(orgs, mature)
        rows.append(CalibrationRow(t.name, t.target, observed, t.half_width, t.holds(observed)))
    return rows
