"""The interactive terminal assessment: shows one question at a time and reads the answer.

Commands at every prompt: a number (or numbers separated by commas for a multi-select),
``b`` back, ``s`` skip, ``q`` save and stop; Ctrl-C also saves and stops.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..i18n.catalog import ntr, number, tr
from ..instrument.model import DONT_KNOW, NOT_APPLICABLE
from ..scoring.encode import check_value
from ..services.interview import Interview
from ..services.respondents import scored_progress
from ..services.verdict import answer_label

BAR_WIDTH = 24


def _bar(done: int, total: int) -> str:
    filled = round(BAR_WIDTH * done / total) if total else BAR_WIDTH
    return "█" * filled + "░" * (BAR_WIDTH - filled) + f" {done}/{total}"


def _choices(iv: Interview, q) -> list[tuple[str, str]]:
    inst, lang = iv.instrument, iv.lang
    items = [(o.key, inst.text(o.label, lang)) for o in inst.index.options.get(q.id, [])]
    return items + [(v, inst.text(inst.special_labels[v], lang))
                    for v, on in ((DONT_KNOW, q.dont_know), (NOT_APPLICABLE, q.not_applicable))
                    if on]


def _parse(iv: Interview, q, raw: str, items: list[tuple[str, str]]):
    """(value, None) or (None, message in the interview's language)."""
    lang = iv.lang
    if q.type == "text":
        return raw, None
    if q.type == "numeric":
        value: object = {"?": DONT_KNOW, "-": NOT_APPLICABLE}.get(raw, raw)
        value, err = check_value(iv.instrument, q.id, value, iv.lang)
        return (value, None) if err is None else (None, tr(
            lang, "Type a number from {min} to {max}.", min=f"{q.min:g}", max=f"{q.max:g}"))
    picks = [p.strip() for p in raw.split(",") if p.strip()]
    if not picks or not all(p.isdigit() and 1 <= int(p) <= len(items) for p in picks):
        return None, tr(lang, "Type a number from 1 to {n}.", n=len(items))
    keys = [items[int(p) - 1][0] for p in picks]
    if q.type == "single":
        if len(keys) > 1:
            return None, tr(lang, "Choose one answer.")
        value = keys[0]
    else:
        value = keys[0] if keys[0] in (DONT_KNOW, NOT_APPLICABLE) and len(keys) == 1 else keys
    value, err = check_value(iv.instrument, q.id, value, iv.lang)
    return (value, None) if err is None else (None, err)


def _save(iv: Interview, path: str | Path) -> None:
    iv.save(path)
    click.echo("\n" + tr(iv.lang, "Answers saved to {path}. Continue later with: socialmaturity "
                                  "assess --resume {path}", path=path))


def run_interview(iv: Interview, save_to: str | Path) -> bool:
    """Ask until every question has been seen; True when finished, False when stopped."""
    lang = iv.lang
    inst = iv.instrument
    click.secho(inst.text(inst.title, lang), bold=True)
    click.echo(ntr(lang, "{n} question in {d} dimensions, about 15 minutes.",
                   "{n} questions in {d} dimensions, about 15 minutes.",
                   len(inst.scored_questions), d=len(inst.dimensions)))
    click.echo(tr(lang, "Type the number of your answer. b = back, s = skip, q = save and stop "
                        "(Ctrl-C saves too)."))
    try:
        while not iv.done:
            step = iv.steps[iv.position]
            q = step.question
            click.echo()
            click.secho(f"{step.section_name} · {step.position}/{step.section_size}   "
                        f"{_bar(*scored_progress(inst, iv.responses))}", fg="cyan")
            click.secho(inst.text(q.text, lang), bold=True)
            if q.help:
                click.secho(inst.text(q.help, lang), dim=True)
            if not q.required:
                click.secho(tr(lang, "(optional: press Enter to skip)"), dim=True)
            items = _choices(iv, q)
            current = iv.answer_of(q)
            if q.type in ("single", "multi"):
                for i, (key, label) in enumerate(items, 1):
                    chosen = current == key or (isinstance(current, list) and key in current)
                    click.echo(f"  {i:>2}. {label}" + ("  ✓" if chosen else ""))
                if q.type == "multi":
                    click.secho("  " + tr(lang, "Several answers: numbers separated by commas, "
                                                "e.g. 1,3,4"), dim=True)
            elif q.type == "numeric":
                # as the language writes numbers, the unit once: 0–100%, 0–100 %, 0–50 employees
                click.echo(f"  {number(lang, q.min, None)}–{answer_label(inst, q.id, q.max, lang)}")
                if q.dont_know:
                    click.secho("  " + tr(lang, "? = don't know"), dim=True)
                if q.not_applicable:
                    click.secho("  " + tr(lang, "- = not applicable"), dim=True)
            if current is not None and q.type in ("numeric", "text"):
                click.secho("  " + tr(lang, "Current answer: {value}",
                                      value=answer_label(inst, q.id, current, lang)), dim=True)
            raw = click.prompt(">", default="", show_default=False, prompt_suffix=" ").strip()
            low = raw.lower()
            if low == "q":
                _save(iv, save_to)
                return False
            if low == "b":
                iv.position = max(iv.position - 1, 0)
                continue
            if (low == "s" or raw == "") and current is None and iv.needed(q):
                click.secho(tr(lang, "Choose an answer: it decides which organizations you are "
                                     "compared with."), fg="yellow")
                continue
            if low == "s" or (raw == "" and (current is not None or not q.required)):
                iv.advance()
                continue
            if raw == "":
                click.secho(tr(lang, "Please answer, or type s to skip."), fg="yellow")
                continue
            value, err = _parse(iv, q, raw, items)
            if err:
                click.secho(err, fg="red")
                continue
            iv.set_answer(q, value)
            iv.advance()
    except click.Abort:
        _save(iv, save_to)
        return False
    iv.save(save_to)
    click.echo("\n" + tr(lang, "All questions seen. Answers saved to {path}.", path=save_to))
    return True
