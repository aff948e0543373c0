"""A benchmark panel: scored respondents with their profile, ready to compare against.

A panel is made from a table in the batch-CSV layout (profile fields and question ids as
columns, one respondent a row), scored by the batch engine. It keeps only what benchmarking
needs: the peer-group fields as codes, the scores and stages, and one 0/1 indicator per piece of
recommendation evidence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ..instrument.model import Evidence, Instrument
from ..scoring.batch import ANSWERED, DK, BatchScores, Encoded, encode_frame, score_encoded


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
    n: int
    #: peer-group field → option index per respondent (-1 when missing)
    profile: dict[str, np.ndarray]
    scores: BatchScores
    #: evidence key → 1/0/-1 per respondent
    evidence: dict[str, np.ndarray]

    @classmethod
    def from_frame(cls, inst: Instrument, frame: Mapping[str, object], n: int, *, label: str,
                   synthetic: bool) -> Panel:
        """Score a batch-layout table into a panel; invalid cells count as unanswered."""
        enc, _problems = encode_frame(inst, frame, n, inst.scored_questions)
        return cls.from_encoded(inst, enc, frame, label=label, synthetic=synthetic)

    @classmethod
    def from_encoded(cls, inst: Instrument, enc: Encoded, frame: Mapping[str, object], *,
                     label: str, synthetic: bool) -> Panel:
        import pandas as pd

        profile: dict[str, np.ndarray] = {}
        for field in inst.benchmark.peer_group:
            keys = inst.index.option_keys(field)
            if field in frame:
                cat = pd.Categorical(pd.Series(frame[field], dtype=object), categories=keys)
                profile[field] = np.asarray(cat.codes, dtype=np.int16)
            else:
                profile[field] = np.full(enc.n, -1, dtype=np.int16)
        evidence = {}
        for d in inst.dimensions:
            for r in d.recommendations:
                key = evidence_key(r.evidence)
                if key not in evidence:
                    evidence[key] = evidence_indicator(inst, r.evidence, enc)
        return cls(inst.id, inst.version, label, synthetic, enc.n, profile,
                   score_encoded(inst, enc), evidence)

    # -- a pre-scored panel file (.npz): loads a million respondents in well under a second --

    def save(self, path, instrument_hash: str) -> None:
        """Write the scored panel to an ``.npz`` file (numpy arrays and a JSON header)."""
        import json

        s = self.scores
        arrays = {
            "header": np.frombuffer(json.dumps({
                "instrument_id": self.instrument_id, "instrument_version": self.instrument_version,
                "instrument_hash": instrument_hash, "label": self.label,
                "synthetic": self.synthetic, "n": self.n,
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
            raise InputFileError(Problem(str(path), f"not a scored panel file (.npz): {exc}")
                                 ) from None
        if header["instrument_hash"] != inst.content_hash:
            raise InputFileError(Problem(str(path), (
                f"scored with {header['instrument_id']} {header['instrument_version']} "
                f"({header['instrument_hash'][:19]}), not with {inst.id} {inst.version} "
                f"({inst.content_hash[:19]}): build it again from its CSV with "
                f"`socialmaturity panel build`")))

        def group(name: str) -> dict[str, np.ndarray]:
            prefix = name + "/"
            return {k[len(prefix):]: data[k] for k in data.files if k.startswith(prefix)}

        scores = BatchScores(data["overall"], data["level"], data["threshold_level"],
                             data["decided_by"], group("dim"), group("dimlevel"),
                             group("answered"), group("gate"))
        return cls(header["instrument_id"], header["instrument_version"], header["label"],
                   header["synthetic"], header["n"], group("profile"), scores, group("evidence"))
