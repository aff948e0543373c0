"""Which survey design the research pipeline uses, and the intra-class correlations it reports.

:func:`choose_design` turns ``--design`` into columns for
:func:`~socialmaturity.research.compare.compare` and friends:

- ``auto`` (default): ``clustered`` when the data has an ``organization_id`` column and at
  least one organization with several respondents (their answers are not independent
  draws); ``simple`` otherwise;
- ``simple``: every respondent an independent draw (``svydesign(ids = ~1, weights = ~w)``);
- ``clustered``: organizations are the primary sampling units (``ids = ~organization_id``);
- ``stratified``: organizations within sectors (``ids = ~organization_id, strata = ~sector,
  nest = TRUE``);
- ``organization``: one row per organization (:func:`~socialmaturity.research.organizations.
  to_organizations`), each organization an independent draw. ``auto`` chooses it when the
  data already has one row per organization (an ``organization_id`` that never repeats and
  an ``n_respondents`` column, as a roll-up writes).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import Problem
from ..instrument.model import Instrument

__all__ = ["DESIGNS", "DesignChoice", "choose_design", "icc_table", "ORG_COLUMN"]

DESIGNS = ("auto", "simple", "clustered", "stratified", "organization")
ORG_COLUMN = "organization_id"
STRATA_COLUMN = "sector"


@dataclass(frozen=True)
class DesignChoice:
    """The design used: ``key`` (one of :data:`DESIGNS` but ``auto``), whether it was
    chosen automatically, the columns, and the organization counts behind the choice."""

    key: str
    automatic: bool
    cluster: str | None
    strata: str | None
    level: str
    organizations: int | None
    respondents: int
    #: The most respondents one organization has.
    largest: int | None
    #: The data arrived with one row per organization (rolled up before the analysis).
    rolled: bool = False


def choose_design(frame: pd.DataFrame, design: str = "auto") -> DesignChoice:
    """The design for ``frame`` (see the module docstring); raises when the design asks for a
    column the data does not have."""
    from ..research.checks import ResearchInputError

    if design not in DESIGNS:
        raise ResearchInputError(Problem("--design", "{value!r}; valid: {valid}", value=design,
                                         valid=", ".join(DESIGNS)))
    n = len(frame)
    orgs = largest = None
    rolled = False
    if ORG_COLUMN in frame.columns:
        counts = frame[ORG_COLUMN].value_counts(dropna=True)
        orgs, largest = int(len(counts)), int(counts.max()) if len(counts) else 0
        if "n_respondents" in frame.columns and largest == 1 and orgs == n:
            # already one row per organization (a roll-up): count its respondents
            sizes = pd.to_numeric(frame["n_respondents"], errors="coerce")
            if sizes.notna().all() and (sizes >= 1).all():
                rolled, n, largest = True, int(sizes.sum()), int(sizes.max())
    key = design
    if design == "auto":
        if rolled:
            key = "organization"
        else:
            key = "clustered" if largest is not None and largest >= 2 \
                and not frame[ORG_COLUMN].isna().any() else "simple"
    if key != "simple" and orgs is None:
        raise ResearchInputError(Problem("--design", "{design} needs an {column} column; "
                                                     "the data has none (use simple)",
                                         design=key, column=ORG_COLUMN))
    if key == "stratified" and STRATA_COLUMN not in frame.columns:
        raise ResearchInputError(Problem("--design", "stratified needs a {column} column; "
                                                     "the data has none", column=STRATA_COLUMN))
    if rolled and key in ("clustered", "stratified"):
        raise ResearchInputError(Problem("--design", "the data has one row per organization "
                                                     "already; {design} needs respondents "
                                                     "(use organization or simple)", design=key))
    return DesignChoice(
        key=key, automatic=design == "auto",
        cluster=ORG_COLUMN if key in ("clustered", "stratified") else None,
        strata=STRATA_COLUMN if key == "stratified" else None,
        level="organization" if key == "organization" else "respondent",
        organizations=orgs, respondents=n, largest=largest, rolled=rolled)


def icc_table(data: pd.DataFrame, inst: Instrument) -> pd.DataFrame | None:
    """ICC(1) of each dimension score and the overall score within organizations
    (:func:`~socialmaturity.research.organizations.icc1`): ``dimension, icc, organizations,
    respondents, mean_size, deff_mean`` (``deff_mean``: Kish's ``1 + (n̄ − 1)·ICC``, the
    design effect of a mean with organizations of mean size ``n̄``); None without
    organization ids."""
    from ..research.organizations import icc1

    if ORG_COLUMN not in data.columns:
        return None
    groups = data[ORG_COLUMN].to_numpy()
    rows = []
    for name in [f"{d.id}_score" for d in inst.dimensions] + ["overall_score"]:
        if name not in data.columns:
            continue
        values = pd.to_numeric(data[name], errors="coerce").to_numpy(dtype=float)
        ok = ~np.isnan(values) & pd.notna(groups)
        orgs = pd.Series(groups[ok]).nunique()
        mean_size = ok.sum() / orgs if orgs else np.nan
        icc = icc1(values[ok], groups[ok])
        rows.append({"dimension": name.removesuffix("_score"), "icc": icc,
                     "organizations": int(orgs), "respondents": int(ok.sum()),
                     "mean_size": mean_size, "deff_mean": 1 + (mean_size - 1) * icc})
    return pd.DataFrame(rows)
