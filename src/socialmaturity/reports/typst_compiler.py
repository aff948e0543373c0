"""The one way our PDFs are typeset: Typst, with the shipped fonts, through a bounded pool of
reused compilers. The assessment report (``reports/typst/report.typ``, web and ``score
--pdf``) and the research report (``research/typst/research.typ``) both come through here.

Typst sees only the fonts shipped in ``socialmaturity/fonts`` (Inter), never the system's, so
a PDF looks the same on every machine. A compiler is bound to one template; compilers are kept
and reused (the fonts are read once and Typst's caches stay warm), at most ``MAX_COMPILERS``
per template: that many PDFs of a kind are made at once in a process and further requests wait
their turn, so a flood of requests costs bounded memory and CPU.

The data a template prints arrives as JSON in the file ``data.json`` next to it, which the
template reads with ``json("data.json")``: user text is data for the template, never markup.
Each compiler has a private folder of its own (``mkdtemp``, mode 0700) holding a copy of the
template's folder and that file, rewritten before each compile. A file, not ``sys.inputs``:
Typst keys every cached layout on its inputs, so new inputs would lay out every page anew,
while a changed file invalidates only what was computed from it. Typeset text that does not
depend on the data (headings, question texts, the method pages) is then reused from the
compiles before: a new report costs a third of the time.
"""

from __future__ import annotations

import atexit
import json
import queue
import shutil
import tempfile
import threading
from importlib import resources
from pathlib import Path

#: PDFs of one template compiled at the same time in one process (each compiler holds the
#: fonts and caches).
MAX_COMPILERS = 2

_SUSPECTS = b"/MarkInfo<</Marked true/Suspects false>>"

#: The file, next to the template, that holds the data a template prints.
DATA_FILE = "data.json"


def fonts_dir() -> Path:
    """The folder of the shipped fonts (also served to web pages for ``@font-face``)."""
    return Path(str(resources.files("socialmaturity") / "fonts"))


class _Compiler:
    """A Typst compiler of one template, in a private folder holding a copy of the template's
    folder and the data file."""

    def __init__(self, template: Path):
        import typst

        self.template = template
        self.folder = Path(tempfile.mkdtemp(prefix="socialmaturity-typst-"))
        atexit.register(shutil.rmtree, self.folder, ignore_errors=True)
        self._copy()
        self.compiler = typst.Compiler(str(self.folder / template.name), root=str(self.folder),
                                       font_paths=[str(fonts_dir())], ignore_system_fonts=True)

    def _copy(self) -> None:
        self.folder.mkdir(mode=0o700, exist_ok=True)
        for source in self.template.parent.glob("*.typ"):
            shutil.copyfile(source, self.folder / source.name)

    def compile(self, data: dict) -> bytes:
        if not (self.folder / self.template.name).exists():
            self._copy()  # a long-running server's temporary files were cleaned up meanwhile
        (self.folder / DATA_FILE).write_text(json.dumps(data, ensure_ascii=False),
                                            encoding="utf-8")
        return self.compiler.compile()


class _Pool:
    """Idle compilers of one template, and a slot for each of the ``MAX_COMPILERS`` that may
    be in use at once."""

    def __init__(self, template: Path):
        self.template = template
        self.idle: queue.LifoQueue = queue.LifoQueue()
        self.slots = threading.BoundedSemaphore(MAX_COMPILERS)

    def take(self) -> _Compiler:
        """A free slot's compiler: an idle one, else a new one (there are never more than the
        slots). Waits for a slot while all are in use; :meth:`give` hands it back."""
        self.slots.acquire()
        try:
            return self.idle.get_nowait()
        except queue.Empty:
            pass
        try:
            return _Compiler(self.template)
        except BaseException:
            self.slots.release()
            raise

    def give(self, compiler: _Compiler) -> None:
        self.idle.put(compiler)
        self.slots.release()


_pools: dict[Path, _Pool] = {}
_pools_lock = threading.Lock()


def template_path(package: str, name: str) -> Path:
    """A Typst template shipped in ``package`` (``socialmaturity.reports``, ``.research``)."""
    return Path(str(resources.files(package) / "typst" / name))


def compile_pdf(template: Path, data: dict) -> bytes:
    """``template`` typeset with ``data`` (JSON in ``data.json``) as PDF bytes."""
    with _pools_lock:
        pool = _pools.get(template) or _pools.setdefault(template, _Pool(template))
    compiler = pool.take()
    try:
        pdf = compiler.compile(data)
    finally:
        pool.give(compiler)
        _release_free_memory()
    return without_false_suspects(pdf)


#: Free memory is given back after every this many compiles (in each process).
TRIM_EVERY = 4
_compiles = 0


def _release_free_memory() -> None:
    """Give the memory the compiles freed back to the system (glibc's ``malloc_trim``), after
    every ``TRIM_EVERY`` compiles: Typst allocates and frees a lot per document, and without
    this a server's resident size keeps what its busiest moment needed. A trim costs about
    4 ms of CPU, so it is not paid on every PDF; what a few compiles leave is bounded. A
    no-op where the C library has no ``malloc_trim``."""
    global _trim, _compiles
    with _pools_lock:
        _compiles += 1
        if _compiles % TRIM_EVERY:
            return
    if _trim is None:
        import ctypes
        import ctypes.util

        try:
            _trim = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _trim = False
    if _trim:
        _trim(0)


_trim = None


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
