"""What every PDF that Typst writes for us goes through, in the report and the research
report alike."""

from __future__ import annotations

_SUSPECTS = b"/MarkInfo<</Marked true/Suspects false>>"


def without_false_suspects(pdf: bytes) -> bytes:
    """The PDF without ``/Suspects false`` in its catalog's ``/MarkInfo``.

    Typst writes the entry with its default value; poppler (pdftotext, pdftoppm, evince)
    accepts ``/Suspects`` only when true and warns "Suspects object is wrong type (boolean)"
    otherwise. Leaving the key out means the same (false is the default, PDF 1.7 § 14.7.1);
    it is blanked with spaces so that every byte offset in the file stays valid."""
    if pdf.count(_SUSPECTS) != 1:
        return pdf
    short = b"/MarkInfo<</Marked true>>"
    return pdf.replace(_SUSPECTS, short + b" " * (len(_SUSPECTS) - len(short)))
