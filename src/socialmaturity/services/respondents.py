"""Use cases of one respondent taking the assessment in the browser or through the API:
start, save answers as they are given, see what is missing, get the result and the PDF.

Answers are checked against the instrument with the same rules as the command line before
anything is stored; a request with one bad answer stores none of its answers.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from ..errors import AnswersError, Problem, SocialMaturityError, shorten, shown
from ..instrument.model import TEXT_MAX_LENGTH, Instrument, Question
from ..reports.result import AssessmentResult
from ..scoring.answers import Responses, checked_when_saved, validate_responses
from ..scoring.encode import check_text, check_value
from .assessment import Assessor

RESULT_CACHE_SIZE = 512


class UnknownToken(SocialMaturityError):
    """No assessment has this resume link (a revoked invitation's neither)."""


class RoundClosed(AnswersError):
    """The round of an invitation is closed: it takes no more answers."""


#: The profile fields an invitation fills in and locks (those the instrument asks): the
#: organization's name and profile, and the invitation's department.
LOCKED_FIELDS = ("organization", "sector", "size", "region", "department")


def locked_fields(inst: Instrument, respondent) -> tuple[str, ...]:
    """The profile fields ``respondent`` may not change: for an invitation, those of
    :data:`LOCKED_FIELDS` the instrument has; none for a single respondent."""
    if not getattr(respondent, "invited", False):
        return ()
    return tuple(f for f in LOCKED_FIELDS if f in inst.index.questions
                 and inst.index.section[f] == "profile")


@dataclass(frozen=True)
class Section:
    id: str  # "profile", a dimension id, "outcomes"
    name: str
    description: str
    questions: list[Question]


def sections(inst: Instrument, lang: str) -> list[Section]:
    from ..i18n.catalog import tr

    out = [Section("profile", tr(lang, "Your organization"),
                   tr(lang, "Who you are: used to compare you with similar organizations."),
                   list(inst.profile))]
    out += [Section(d.id, inst.text(d.name, lang), inst.text(d.description, lang),
                    list(d.questions)) for d in inst.dimensions]
    if inst.outcomes:
        out.append(Section("outcomes", tr(lang, "What social media brings you"),
                           tr(lang, "Not scored: used to compare mature with less mature "
                                    "organizations in the benchmark."), list(inst.outcomes)))
    return out


def split(inst: Instrument, stored: dict[str, Any]) -> Responses:
    """Stored answers (question id → value) as profile and answers."""
    section = inst.index.section
    out = Responses()
    for qid, value in stored.items():
        if qid not in section:
            continue  # a question of an older instrument version
        (out.profile if section[qid] == "profile" else out.answers)[qid] = value
    return out


def check_answers(inst: Instrument, values: dict[str, Any], lang: str = "en", *,
                  labels: bool = False) -> tuple[dict[str, Any], list[Problem]]:
    """Normalize raw answers (question id → value, None clears); problems name the field
    (and the options by their labels with ``labels``, for web forms)."""
    clean: dict[str, Any] = {}
    problems = []
    for qid, value in values.items():
        if qid not in inst.index.questions:
            problems.append(Problem(shorten(str(qid)), "unknown question id {qid}{hint}",
                                    qid=shown(qid), hint=""))
            continue
        norm, err = check_value(inst, qid, value, lang, labels=labels)
        if err:
            problems.append(Problem(qid, err))
        else:
            clean[qid] = norm  # None: cleared
    return clean, problems


def form_values(inst: Instrument, questions: list[Question], getlist) -> dict[str, Any]:
    """Raw answers from an HTML form (``getlist(name) -> list[str]``) for these questions: a
    multi-select's ticked boxes as a list; else the one value, and several values (a number
    and a special answer's box) as a list, which the check refuses."""
    values: dict[str, Any] = {}
    for q in questions:
        given = [v.strip() for v in getlist(q.id) if v is not None and v.strip() != ""]
        values[q.id] = given if q.type == "multi" or len(given) > 1 else (given or [None])[0]
    return values


def missing(inst: Instrument, responses: Responses) -> list[Question]:
    """Required questions without an answer, in questionnaire order."""
    have = responses.profile | responses.answers
    order = [*inst.profile, *inst.scored_questions, *inst.outcomes]
    return [q for q in order if q.required and have.get(q.id) is None]


def scored_progress(inst: Instrument, responses: Responses) -> tuple[int, int]:
    """The questionnaire's one question count: its scored questions (the dimensions'), as
    answered and all; the landing page and the web's and the terminal's progress say these."""
    scored = inst.scored_questions
    return sum(responses.answers.get(q.id) is not None for q in scored), len(scored)


class Respondents:
    """The store and the assessor together: what the web and the API call."""

    def __init__(self, store, assessor: Assessor):
        self.store = store
        self.assessor = assessor
        self._results: OrderedDict = OrderedDict()

    @property
    def instrument(self) -> Instrument:
        return self.assessor.instrument

    def check_organization(self, organization: Any, lang: str = "en") -> str:
        """The organization's name as given to /start or the API, checked like the answer to
        the instrument's ``organization`` question (its ``max_length``); raise
        ``AnswersError`` naming the field."""
        q = self.instrument.index.questions.get("organization")
        limit = q.text_limit if q is not None and q.type == "text" else TEXT_MAX_LENGTH
        name, err = check_text(organization, limit, lang)
        if err:
            raise AnswersError(Problem("organization", err))
        return (name or "").strip()

    def start(self, organization: str, lang: str, round_name: str = "") -> str:
        inst = self.instrument
        organization = self.check_organization(organization, lang)
        new = self.store.create(organization=organization, round_name=round_name,
                                instrument_id=inst.id, instrument_version=inst.version,
                                instrument_hash=inst.content_hash, language=lang)
        q = inst.index.questions.get("organization")
        if organization and q is not None and q.type == "text":
            self.store.save_answers(new.respondent_id, {"organization": organization})
        return new.token

    def find(self, token: str):
        """The respondent of the link ``token``; ``UnknownToken`` for an unknown link and for
        a revoked invitation's alike."""
        respondent = self.store.find(token) if token else None
        if respondent is None or respondent.status == "revoked":
            raise UnknownToken(Problem("token", "no assessment has this link; start a new one"))
        return respondent

    def complete(self, token: str) -> None:
        """Mark the assessment of ``token`` as finished (its link opens on the result);
        ``RoundClosed`` when its round is closed."""
        respondent = self.find(token)
        self.refuse_closed(respondent)
        self.store.complete(respondent.respondent_id)

    @staticmethod
    def refuse_closed(respondent) -> None:
        """``RoundClosed`` when the respondent's round is closed."""
        if respondent.round_status == "closed":
            raise RoundClosed(Problem("round", "this round is closed: it takes no more "
                                               "answers. Your answers so far are kept; ask "
                                               "your facilitator if you still want to answer."))

    def responses(self, token: str):
        respondent = self.find(token)
        return respondent, split(self.instrument, self.store.answers(respondent.respondent_id))

    def provisional(self, responses: Responses) -> bool:
        """Fewer than 80% of the scored questions answered (the result's ``provisional``)."""
        from .verdict import PROVISIONAL_BELOW

        answered, scored = scored_progress(self.instrument, responses)
        return answered < PROVISIONAL_BELOW * scored

    def save(self, token: str, values: dict[str, Any], lang: str = "en", *,
             labels: bool = False) -> dict[str, Any]:
        """Check and store answers; raise ``AnswersError`` (nothing stored) on any problem,
        each named in ``lang`` (options by their labels with ``labels``: web forms)."""
        clean, problems = check_answers(self.instrument, values, lang, labels=labels)
        respondent = self.find(token)
        self.refuse_closed(respondent)
        problems += self._locked(respondent, clean, labels=labels)
        if problems:
            raise AnswersError(problems)
        if clean:
            self.store.save_answers(respondent.respondent_id, clean)
        return clean

    def _locked(self, respondent, clean: dict[str, Any], *, labels: bool) -> list[Problem]:
        """A problem per locked profile field (:func:`locked_fields`) that ``clean`` would
        change. A web form (``labels``) shows them read-only and does not send them: a field
        it leaves empty is kept, not cleared."""
        locked = locked_fields(self.instrument, respondent)
        given = [f for f in locked if f in clean]
        if not given:
            return []
        stored = self.store.answers(respondent.respondent_id)
        problems = []
        for f in given:
            if clean[f] == stored.get(f):
                continue
            if clean[f] is None and labels:
                del clean[f]
                continue
            problems.append(Problem(f, "{field} is set for your organization by the facilitator "
                                       "who invited you and cannot be changed here", field=f))
        return problems

    def result(self, token: str, lang: str) -> tuple[Any, AssessmentResult]:
        """The respondent and the complete result; raise ``AnswersError`` naming required
        profile fields that are missing. Answers saved under this very instrument were checked
        then (:func:`~socialmaturity.scoring.answers.checked_when_saved`): only the profile is
        checked again, for its required fields.

        Results are kept per (respondent, time of the last answer, language): a result only
        changes when an answer does, so a repeated visit costs one look-up. The cache is a
        cache only; any process can serve any respondent."""
        respondent = self.find(token)
        key = (respondent.respondent_id, respondent.updated_at, lang)
        cached = self._results.get(key)
        if cached is None:
            responses = split(self.instrument, self.store.answers(respondent.respondent_id))
            taken = checked_when_saved(self.instrument, respondent.instrument_hash)
            checked = validate_responses(self.instrument, {
                "profile": responses.profile, "answers": {} if taken else responses.answers})
            if taken:
                checked.answers = responses.answers
            cached = self.assessor.assess(checked, lang)
            self._results[key] = cached
            while len(self._results) > RESULT_CACHE_SIZE:
                self._results.popitem(last=False)
        else:
            self._results.move_to_end(key)
        return respondent, cached
