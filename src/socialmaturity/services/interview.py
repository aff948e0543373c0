"""Use case: take the assessment one question at a time (the terminal's ``assess``).

The interview is the ordered list of questions (profile first, then each dimension, then the
outcome questions) and the answers so far; it can go back, skip, and be saved to an answers
file that ``--resume`` continues.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..files import write_atomically
from ..instrument.model import Instrument, Question
from ..scoring.answers import Responses, load_responses


@dataclass(frozen=True)
class Step:
    section_name: str  # "Profile", a dimension's name, or "Outcomes"
    position: int  # 1-based within the section
    section_size: int
    question: Question


def steps(inst: Instrument, lang: str) -> list[Step]:
    from ..i18n.catalog import tr

    sections = [(tr(lang, "Profile"), inst.profile)]
    sections += [(inst.text(d.name, lang), d.questions) for d in inst.dimensions]
    if inst.outcomes:
        sections.append((tr(lang, "Outcomes"), inst.outcomes))
    return [Step(name, i + 1, len(qs), q) for name, qs in sections for i, q in enumerate(qs)]


@dataclass
class Interview:
    instrument: Instrument
    lang: str
    responses: Responses = field(default_factory=Responses)
    position: int = 0

    def __post_init__(self) -> None:
        self.steps = steps(self.instrument, self.lang)

    @classmethod
    def resume(cls, inst: Instrument, lang: str, path: str | Path) -> Interview:
        """Continue from a saved answers file, at the first unanswered question."""
        interview = cls(inst, lang, load_responses(inst, path, require_profile=False), position=-1)
        interview.advance()
        return interview

    def advance(self) -> None:
        """Move on to the next unanswered question (the end when there is none): the answered
        ones are passed, and reached again by going back."""
        self.position = next((i for i in range(self.position + 1, len(self.steps))
                              if self.answer_of(self.steps[i].question) is None), len(self.steps))

    def answer_of(self, q: Question) -> Any:
        if self.instrument.index.section[q.id] == "profile":
            return self.responses.profile.get(q.id)
        return self.responses.answers.get(q.id)

    def needed(self, q: Question) -> bool:
        """A required profile field: it chooses the peers, so it cannot be skipped."""
        return q.required and self.instrument.index.section[q.id] == "profile"

    def set_answer(self, q: Question, value: Any) -> None:
        target = self.responses.profile if self.instrument.index.section[q.id] == "profile" \
            else self.responses.answers
        if value is None:
            target.pop(q.id, None)
        else:
            target[q.id] = value

    @property
    def done(self) -> bool:
        return self.position >= len(self.steps)

    def document(self) -> dict:
        return {"instrument": self.instrument.id, "profile": dict(self.responses.profile),
                "answers": dict(self.responses.answers)}

    def save(self, path: str | Path) -> None:
        text = yaml.safe_dump(self.document(), allow_unicode=True, sort_keys=False)
        write_atomically(path, lambda f: f.write(text))
