"""The demo panel's model as data: the shares of sectors, sizes, regions, countries, roles and
departments, and the calibrated item parameters (:class:`PanelModel`, :data:`DEFAULT_MODEL`)
that :mod:`socialmaturity.benchmark.demo` draws from (see ``docs/demo-panel.md``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

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
