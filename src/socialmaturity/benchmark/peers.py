"""Peer groups, percentiles and distributions over a panel.

The peer group is every panel organization that shares the profile values of the instrument's
``benchmark.peer_group`` fields (for the social model: sector, size, region). When it holds
fewer than the minimum group size, the last field is dropped, then the next, down to the whole
panel, and the group says from what it was widened and why.

Percentile of a score x among peers = 100 · (#{peers < x} + ½ · #{peers = x}) / n.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ..core.settings import MIN_GROUP_SIZE as DEFAULT_MIN_GROUP_SIZE
from ..instrument.model import Instrument
from .panel import Panel


@dataclass(frozen=True)
class PeerGroup:
    """Which respondents a result is compared with."""

    #: field → option key of the group actually used (fewer fields when widened)
    filters: dict[str, str]
    n: int
    #: the groups tried first, each (filters, n), when the group was widened
    widened_from: list[tuple[dict[str, str], int]] = field(default_factory=list)
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE
    level: int = 0
    key: int = 0


@dataclass
class Distribution:
    """Sorted scores of one measure within a peer group."""

    sorted: np.ndarray

    @property
    def n(self) -> int:
        return len(self.sorted)

    def percentile(self, x: float) -> float | None:
        """100 · (below + ½ tied) / n; None for an empty group or no score."""
        values = self.sorted
        if not len(values) or x is None or x != x:  # x != x: not a number
            return None
        below = int(values.searchsorted(x - 1e-9, side="left"))
        upto = int(values.searchsorted(x + 1e-9, side="right"))
        return 100.0 * (below + 0.5 * (upto - below)) / len(values)

    def histogram(self, bands: int = 10) -> list[int]:
        """Peers per equal band of 0–100 (the last band includes 100)."""
        edges = np.linspace(0, 100, bands + 1)
        counts = np.searchsorted(self.sorted, edges[1:-1] - 1e-9, side="left")
        bounds = np.concatenate([[0], counts, [self.n]])
        return [int(x) for x in np.diff(bounds)]

    def quantile(self, p: float) -> float | None:
        """The p-quantile, interpolated between order statistics as numpy's and R's default
        (type 7): h = p·(n − 1), x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋ + 1] − x[⌊h⌋]). The scores are
        sorted already, so this is O(1)."""
        if not self.n:
            return None
        h = p * (self.n - 1)
        lo = int(h)
        hi = min(lo + 1, self.n - 1)
        return float(self.sorted[lo] + (h - lo) * (self.sorted[hi] - self.sorted[lo]))


@dataclass
class GroupStats:
    n: int
    overall: Distribution
    dimensions: dict[str, Distribution]
    #: stage level → number of peers
    stages: dict[int, int]
    mature: int
    #: evidence key → (mature count, mature yes, less-mature count, less-mature yes)
    evidence: dict[str, tuple[int, int, int, int]]


class PeerIndex:
    """A panel indexed by peer-group fields, with per-group statistics computed once."""

    def __init__(self, inst: Instrument, panel: Panel,
                 min_group_size: int = DEFAULT_MIN_GROUP_SIZE):
        self.inst = inst
        self.panel = panel
        self.min_group_size = min_group_size
        self.mature_level = inst.mature_level
        self.fields = list(inst.benchmark.peer_group)
        self._keys = {f: inst.index.option_keys(f) for f in self.fields}
        # level k groups by the first k fields; combined key = mixed-radix number of codes
        self._orders: list[tuple[np.ndarray, np.ndarray]] = []
        for k in range(len(self.fields) + 1):
            key = np.zeros(panel.n, dtype=np.int64) + self._combined(
                k, [panel.profile[f].astype(np.int64) for f in self.fields[:k]])
            order = np.argsort(key, kind="stable")
            self._orders.append((order, key[order]))
        self._stats = lru_cache(maxsize=4096)(self._compute)
        #: (group level, group key, evidence key) → its figures
        #: (:func:`~socialmaturity.benchmark.evidence.evidence_figures` fills it)
        self.figures: dict[tuple[int, int, str], object] = {}

    def _combined(self, k: int, codes: list) -> np.ndarray | int:
        """Mixed-radix key of the first k fields' codes (arrays for the panel, ints for one)."""
        key: np.ndarray | int = 0
        for f, c in zip(self.fields[:k], codes, strict=True):
            radix = len(self._keys[f]) + 1
            key = key * radix + (c + 1)  # -1 (missing) → 0
        return key

    def rows(self, level: int, key: int) -> np.ndarray:
        order, sorted_keys = self._orders[level]
        lo = np.searchsorted(sorted_keys, key, side="left")
        hi = np.searchsorted(sorted_keys, key, side="right")
        return order[lo:hi]

    def _level_key(self, profile: dict[str, str], level: int) -> int | None:
        codes = []
        for f in self.fields[:level]:
            value = profile.get(f)
            if value not in self._keys[f]:
                return None
            codes.append(self._keys[f].index(value))
        return int(self._combined(level, codes))

    def peer_group(self, profile: dict[str, str]) -> PeerGroup:
        """The narrowest group of at least the minimum size, widening field by field."""
        tried: list[tuple[dict[str, str], int]] = []
        for level in range(len(self.fields), -1, -1):
            key = self._level_key(profile, level)
            if key is None:
                continue
            filters = {f: profile[f] for f in self.fields[:level]}
            n = len(self.rows(level, key))
            if n >= self.min_group_size or level == 0:
                return PeerGroup(filters, n, tried, self.min_group_size, level, key)
            tried.append((filters, n))
        raise AssertionError("level 0 always matches")  # pragma: no cover

    def wider(self, group: PeerGroup) -> PeerGroup:
        """The next wider group (one field fewer) of a group that is not the whole panel."""
        level = group.level - 1
        filters = dict(list(group.filters.items())[:level])
        key = self._level_key(filters, level)
        return PeerGroup(filters, len(self.rows(level, key)), [], self.min_group_size, level, key)

    def stats(self, group: PeerGroup) -> GroupStats:
        return self._stats(group.level, group.key)

    def _compute(self, level: int, key: int) -> GroupStats:
        rows = self.rows(level, key)
        s = self.panel.scores

        def dist(values: np.ndarray) -> Distribution:
            v = values[rows]
            return Distribution(np.sort(v[~np.isnan(v)]))

        levels = s.level[rows]
        mature = levels >= self.mature_level
        stages = {st.level: int(np.count_nonzero(levels == st.level)) for st in self.inst.stages}
        evidence = {}
        for ek, ind in self.panel.evidence.items():
            v = ind[rows]
            known = v >= 0
            m, lm = known & mature, known & ~mature
            evidence[ek] = (int(m.sum()), int((v[m] == 1).sum()),
                            int(lm.sum()), int((v[lm] == 1).sum()))
        return GroupStats(len(rows), dist(s.overall),
                          {d: dist(v) for d, v in s.dimensions.items()}, stages,
                          int(mature.sum()), evidence)

    def evidence_group(self, group: PeerGroup, ek: str) -> tuple[PeerGroup, tuple[int, ...]]:
        """The narrowest group, from ``group`` outwards, with at least the instrument's
        ``min_evidence`` mature and less mature organizations answering evidence ``ek`` (the
        whole panel when none has); its figures are kept in :attr:`figures`."""
        need = self.inst.benchmark.min_evidence
        current, counts = group, self.stats(group).evidence[ek]
        while min(counts[0], counts[2]) < need and current.level > 0:
            current = self.wider(current)
            counts = self.stats(current).evidence[ek]
        return current, counts
