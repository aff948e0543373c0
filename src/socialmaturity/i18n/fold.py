"""Keep one catalog a language: ``python -m socialmaturity.i18n.fold LOCALES`` (run by
``make messages``) folds every other ``.po`` file of a language (``web.po``, one a branch
added, …) into its ``socialmaturity.po`` and deletes it; ``--report`` prints what is left to
translate. The texts of a catalog win over those of the folded files; of two folded files,
the later by name wins (the order :func:`~socialmaturity.i18n.catalog.read_catalog` reads
them in)."""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from .catalog import DOMAIN


def _read(path: Path, lang: str) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=lang, domain=DOMAIN)


def fold(folder: Path, lang: str) -> int:
    """Fold the extra ``.po`` files of ``folder`` (``<lang>/LC_MESSAGES``) into
    ``socialmaturity.po``; return how many files were folded."""
    main = folder / f"{DOMAIN}.po"
    others = sorted(p for p in folder.glob("*.po") if p != main)
    if not others:
        return 0
    catalog = _read(main, lang) if main.exists() else Catalog(locale=lang, domain=DOMAIN)
    own = {(m.id, m.context) for m in catalog if m.id and m.string and not m.fuzzy}
    for other in others:
        for message in _read(other, lang):
            if not message.id or (message.id, message.context) in own:
                continue
            if message.string and not message.fuzzy or catalog.get(message.id,
                                                                   message.context) is None:
                catalog.delete(message.id, message.context)  # a no-op when it is not there
                catalog[message.id] = message
    with main.open("wb") as f:
        write_po(f, catalog, width=0, omit_header=False)
    for other in others:
        other.unlink()
    return len(others)


def report(folder: Path, lang: str) -> str:
    catalog = _read(folder / f"{DOMAIN}.po", lang)
    todo = [m for m in catalog if m.id and (not all(m.string if m.pluralizable
                                                     else [m.string]) or m.fuzzy)]
    fuzzy = sum(m.fuzzy for m in todo)
    return (f"{lang}: {len(todo)} of {sum(1 for m in catalog if m.id)} texts to translate"
            + (f" ({fuzzy} fuzzy: check the guess, then remove the fuzzy flag)" if fuzzy else ""))


def main(argv: list[str]) -> None:
    want_report = "--report" in argv
    locales = Path(next(a for a in argv if not a.startswith("--")))
    for folder in sorted(locales.glob("*/LC_MESSAGES")):
        lang = folder.parent.name
        if want_report:
            print(report(folder, lang))
        elif n := fold(folder, lang):
            print(f"{lang}: folded {n} file(s) into {DOMAIN}.po")


if __name__ == "__main__":  # pragma: no cover - make messages
    main(sys.argv[1:])
