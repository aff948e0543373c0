from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from socialmaturity.scoring.answers import Responses, validate_responses
from socialmaturity.services.assessment import Assessor, demo_panel
from socialmaturity.teams.round import Respondent

ROOT = Path(__file__).parent.parent.parent
EXAMPLES = ROOT / "examples" / "team"
BASE = yaml.safe_load((ROOT / "examples" / "answers.yaml").read_text())


@pytest.fixture(scope="session")
def assessor(social):
    """An assessor over a small demo panel (300 respondents: fast to make)."""
    return Assessor(social, demo_panel(social, respondents=300))


def respondent(inst, department: str, name: str = "r", **answers) -> Respondent:
    """A respondent with the example's answers, ``answers`` changed (``id_with_dashes`` as
    ``id_with_dashes``: underscores become dashes; ``None`` removes an answer)."""
    data = {"profile": {**BASE["profile"], "department": department},
            "answers": dict(BASE["answers"])}
    for key, value in answers.items():
        qid = key.replace("_", "-")
        if value is None:
            data["answers"].pop(qid, None)
        else:
            data["answers"][qid] = value
    return Respondent(name, department, validate_responses(inst, data))


def responses_of(respondents) -> list[Responses]:
    return [r.responses for r in respondents]
