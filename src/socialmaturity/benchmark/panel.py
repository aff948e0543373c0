"""A benchmark panel: scored organizations with their profile, ready to compare against.

A panel is made from a table in the batch-CSV layout (profile fields and question ids as
columns, one respondent a row). Peers are organizations: when the table has an
``organization_id`` column, the respondents of one organization are first combined into one set
of answers by the roll-up rule (:mod:`socialmaturity.scoring.rollup`: one organization, one
vote), and those answers are scored by the batch engine. A row without an organization id is an
organization of its own. The panel keeps only what benchmarking needs: the peer-group fields as
codes (the organization's first respondent's), the scores and stages, and one 0/1 indicator per
piece of recommendation evidence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ..instrument.model import Evidence, Instrument
from ..scoring.batch import BatchScores, score_encoded
from ..scoring.encode import ANSWERED, DK, Encoded, distinct
from ..scoring.rollup import combine

#: The column that says which organization a respondent answers for.
ORGANIZATION_COLUMN = "organization_id"


def organization_codes(frame: Mapping[str, object], n: int, by: str = ORGANIZATION_COLUMN
                       ) -> tuple[np.ndarray, int]:
    """(organization code 0..m-1 per row, in order of first appearance, m); rows without an
    id are organizations of their own; without the column every row is one."""
    if by not in frame:
        return np.arange(n, dtype=np.int64), n
    codes, uniques = distinct(frame[by])
    ids: dict[str, int] = {}  # ids that read the same once stripped are one organization
    same = np.array([ids.setdefault(t, len(ids)) if (t := str(u).strip()) else -1
                     for u in uniques] + [-1], dtype=np.int64)[codes]
    alone = same < 0  # a row without an id gets a key of its own
    same[alone] = len(ids) + np.flatnonzero(alone)
    _, first, inverse = np.unique(same, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    return rank[inverse.reshape(-1)], len(first)


def option_codes(values, keys: list[str]) -> np.ndarray:
    """The index of each cell's option in ``keys`` (-1 for a missing or unknown one)."""
    codes, uniques = distinct(values)
    position = {k: i for i, k in enumerate(keys)}
    return np.array([position.get(u, -1) if isinstance(u, str) else -1 for u in uniques]
                    + [-1], dtype=np.int16)[codes]


def evidence_key(ev: Evidence) -> str:
    """A stable name for what an evidence entry counts, shared by recommendations that agree."""
    if ev.min_value is not None:
        return f"{ev.question}>={ev.min_value:g}"
    return f"{ev.question}:{'|'.join(sorted(ev.favorable or []))}"


def evidence_indicator(inst: Instrument, ev: Evidence, enc: Encoded) -> np.ndarray:
    """1 where the respondent does what the evidence counts, 0 where not, -1 unanswered/N/A."""
    col = enc.columns[ev.question]
    q = inst.index.questions[ev.question]
    if q.type == "numeric":
        hit = col.value >= (ev.min_value or 0.0)
    else:
        keys = inst.index.option_keys(q.id)
        wanted = [keys.index(k) for k in ev.favorable or []]
        if q.type == "multi":
            hit = (col.value & sum(1 << i for i in wanted)) != 0
        else:
            hit = np.isin(col.value, wanted)
    out = np.where((col.status == ANSWERED) & hit, 1, 0).astype(np.int8)
    out[(col.status != ANSWERED) & (col.status != DK)] = -1  # missing, N/A; "don't know" is a no
    return out


@dataclass
class Panel:
    """Scored respondents to benchmark against."""

    instrument_id: str
    instrument_version: str
    label: str
    synthetic: bool
    #: organizations
    n: int
    #: peer-group field → option index per respondent (-1 when missing)
    profile: dict[str, np.ndarray]
    scores: BatchScores
    #: evidence key → 1/0/-1 per organization
    evidence: dict[str, np.ndarray]
    #: respondents the organizations were rolled up from
    respondents: int = 0

    @classmethod
    def from_encoded(cls, inst: Instrument, enc: Encoded, frame: Mapping[str, object], *,
                     label: str, synthetic: bool) -> Panel:
        respondents = enc.n
        codes, m = organization_codes(frame, enc.n)
        _, first = np.unique(codes, return_index=True)  # each organization's first row
        if m != enc.n:
            enc = combine(inst, enc, codes, m)
        profile = {field: option_codes(frame[field], inst.index.option_keys(field))[first]
                   if field in frame else np.full(enc.n, -1, dtype=np.int16)
                   for field in inst.benchmark.peer_group}
        evidence = {}
        for d in inst.dimensions:
            for r in d.recommendations:
                key = evidence_key(r.evidence)
                if key not in evidence:
                    evidence[key] = evidence_indicator(inst, r.evidence, enc)
        return cls(inst.id, inst.version, label, synthetic, enc.n, profile,
                   score_encoded(inst, enc), evidence, respondents)

    # -- a pre-scored panel file (.npz): loads a million respondents in well under a second --

    def save(self, path, instrument_hash: str) -> None:
        """Write the scored panel to an ``.npz`` file (numpy arrays and a JSON header)."""
        import json

        s = self.scores
        arrays = {
            "header": np.frombuffer(json.dumps({
                "instrument_id": self.instrument_id, "instrument_version": self.instrument_version,
                "instrument_hash": instrument_hash, "label": self.label,
                "synthetic": self.synthetic, "n": self.n, "respondents": self.respondents,
            }).encode(), dtype=np.uint8),
            "overall": s.overall, "level": s.level, "threshold_level": s.threshold_level,
            "decided_by": s.decided_by,
        }
        for name, group in (("profile", self.profile), ("dim", s.dimensions),
                            ("dimlevel", s.dimension_levels), ("answered", s.answered),
                            ("gate", s.gates), ("evidence", self.evidence)):
            arrays.update({f"{name}/{k}": v for k, v in group.items()})
        np.savez(path, **arrays)

    @classmethod
    def load(cls, inst: Instrument, path) -> Panel:
        """Read a panel written by :meth:`save`; it must match the instrument's content."""
        import json

        from ..errors import InputFileError, Problem

        try:
            data = np.load(path, allow_pickle=False)
            header = json.loads(bytes(data["header"]).decode())
        except (OSError, ValueError, KeyError) as exc:
            raise InputFileError(Problem(str(path), "not a scored panel file (.npz): {error}",
                                         error=exc)) from None
        if header["instrument_hash"] != inst.content_hash:
            raise InputFileError(Problem(str(path), (
                "scored with {used} ({used_hash}), not with {current} ({current_hash}): build it "
                "again from its CSV with `socialmaturity panel build`"),
                used=f"{header['instrument_id']} {header['instrument_version']}",
                used_hash=header["instrument_hash"][:19], current=f"{inst.id} {inst.version}",
                current_hash=inst.content_hash[:19]))

        def group(name: str) -> dict[str, np.ndarray]:
            prefix = name + "/"
            return {k[len(prefix):]: data[k] for k in data.files if k.startswith(prefix)}

        scores = BatchScores(data["overall"], data["level"], data["threshold_level"],
                             data["decided_by"], group("dim"), group("dimlevel"),
                             group("answered"), group("gate"))
        return cls(header["instrument_id"], header["instrument_version"], header["label"],
                   header["synthetic"], header["n"], group("profile"), scores, group("evidence"),
                   header.get("respondents", header["n"]))
