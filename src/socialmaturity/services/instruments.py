"""Use cases on instruments: validate a file fully, describe one for people and programs."""

from __future__ import annotations

from pathlib import Path

from ..errors import InstrumentError
from ..instrument.loader import load_instrument
from ..instrument.model import Instrument, Question
from ..scoring.reachability import check_reachable


def validate_file(path: str | Path) -> Instrument:
    """Load and check an instrument, stage reachability included; raise ``InstrumentError``."""
    inst = load_instrument(path)
    problems = check_reachable(inst, f"{path}:stages")
    if problems:
        raise InstrumentError(problems)
    return inst


def _question(inst: Instrument, q: Question, dimension: str | None, lang: str) -> dict:
    entry: dict = {
        "id": q.id, "type": q.type, "dimension": dimension, "text": inst.text(q.text, lang),
        "required": q.required,
    }
    if q.help:
        entry["help"] = inst.text(q.help, lang)
    if q.type in ("single", "multi"):
        entry["options"] = [
            {"key": o.key, "points": o.points, "label": inst.text(o.label, lang)}
            | ({"exclusive": True} if o.exclusive else {})
            for o in inst.index.options[q.id]
        ]
    if q.type == "numeric":
        entry.update({"min": q.min, "max": q.max, "unit": inst.text(q.unit, lang) or None})
    return entry | {"dont_know": q.dont_know, "not_applicable": q.not_applicable}


def describe(inst: Instrument, lang: str) -> dict:
    """The instrument as JSON data: every question (profile and outcomes included)."""
    questions = [_question(inst, q, None, lang) | {"section": "profile"} for q in inst.profile]
    for d in inst.dimensions:
        questions += [_question(inst, q, d.id, lang) | {"section": "dimension"}
                      for q in d.questions]
    questions += [_question(inst, q, None, lang) | {"section": "outcomes"} for q in inst.outcomes]
    return {
        "id": inst.id, "version": inst.version, "hash": inst.content_hash, "language": lang,
        "title": inst.text(inst.title, lang),
        "stages": [{"level": s.level, "key": s.key, "name": inst.text(s.name, lang),
                    "min_score": s.min_score, "summary": inst.text(s.summary, lang)}
                   for s in inst.stages],
        "gates": [{"id": g.id, "stage": g.stage, "text": inst.text(g.text, lang)}
                  for g in inst.rules.gates],
        "weakest_link": inst.rules.weakest_link.max_above if inst.rules.weakest_link else None,
        "dimensions": [{"id": d.id, "name": inst.text(d.name, lang),
                        "description": inst.text(d.description, lang),
                        "questions": [q.id for q in d.questions]} for d in inst.dimensions],
        "questions": questions,
    }


def render_text(inst: Instrument, lang: str):
    """The instrument as a rich renderable for the terminal."""
    from rich.console import Group
    from rich.text import Text

    from ..i18n.catalog import tr

    data = describe(inst, lang)
    parts = [Text(f"{data['title']} · {inst.id} {inst.version}", style="bold"),
             Text(tr(lang, "Stages") + ": " + ", ".join(
                 f"{s['level']}. {s['name']} (≥ {s['min_score']:g})" for s in data["stages"]))]
    for g in data["gates"]:
        parts.append(Text(f"  {tr(lang, 'Rule')} {g['id']}: {g['text']}", style="dim"))
    section = None
    for q in data["questions"]:
        title = q["dimension"] or q["section"]
        if title != section:
            section = title
            name = next((d["name"] for d in data["dimensions"] if d["id"] == title),
                        tr(lang, "Profile") if title == "profile" else tr(lang, "Outcomes"))
            parts.append(Text("\n" + name, style="bold underline"))
        line = Text(f"{q['id']}", style="cyan")
        line.append(f"  [{q['type']}]  {q['text']}")
        parts.append(line)
        for o in q.get("options", []):
            pts = f" ({o['points']:g})" if o["points"] is not None else ""
            parts.append(Text(f"    {o['key']}{pts}: {o['label']}", style="dim"))
        if q["type"] == "numeric":
            parts.append(Text(f"    {q['min']:g}–{q['max']:g} {q['unit'] or ''}", style="dim"))
    return Group(*parts)
