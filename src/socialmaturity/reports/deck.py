"""The assessment result as a board deck (PowerPoint, python-pptx): seven 16:9 slides in the
result's language.

1. title: organization, date, stage and score;
2. the stage and what it means, the conditions for the next stage, the path to it;
3. scores against peers, a native (editable) bar chart of the dimensions against the peer
   median and top quartile;
4. strengths; 5. gaps: the dimensions furthest below the peer median and an unmet condition
   for the next stage;
6. three next steps with their owners (and the effect on the score, where the result has it);
a slide with nothing to list (no strength, no gap, no step) says so in a sentence;
7. method and data, with the synthetic-data note when the peers are generated.

Every text box has a fixed size and font; texts are cut to what the box holds (``_fit``), so
nothing runs off a slide (a test renders the deck with LibreOffice and checks).
"""

from __future__ import annotations

import datetime as dt
import io
import re

from ..i18n.catalog import ntr, number, tr
from .format import num
from .result import AssessmentResult

INK = (0x1F, 0x29, 0x37)
MUTED = (0x4B, 0x55, 0x63)
ACCENT = (0x1D, 0x4E, 0xD8)
SOFT = (0xEE, 0xF2, 0xFB)
TOP = (0x9A, 0x34, 0x12)
GREY = (0x9C, 0xA3, 0xAF)
OK = (0x1E, 0x6B, 0x35)
BAD = (0xA6, 0x1B, 0x1B)
WARN_BG = (0xFF, 0xF4, 0xD6)

#: a font every office suite has (LibreOffice: the metric-compatible Liberation Sans)
FONT = "Arial"
#: slide size, inches (16:9)
WIDTH, HEIGHT = 13.333, 7.5
MARGIN = 0.6


def _fit(text: str, limit: int) -> str:
    """``text`` with its white space one space (a run's leading or trailing space stays, so
    runs do not run together) and cut at a word boundary to at most ``limit`` characters,
    with an ellipsis."""
    text = re.sub(r"\s+", " ", str(text))
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:·-–")
    return cut + "…"


class _Deck:
    """A presentation with the few shapes the slides use, and what several slides print: the
    language, the stage as "stage 2 of 4", the organization, the date, the deck's title, the peer
    group in words, the synthetic-data notice."""

    def __init__(self, result: AssessmentResult, organization: str | None, date: dt.date | None):
        from pptx import Presentation
        from pptx.util import Inches

        from .pdf import _date

        lang = self.lang = result.language
        b = result.benchmark
        org = organization if organization is not None else result.profile.get("organization")
        self.org = (org or "").strip() or None
        self.day = _date(lang, date or dt.date.today())
        self.title = result.instrument.report_title
        self.footer = " · ".join(x for x in (self.title, self.org, self.day) if x)
        self.level = tr(lang, "Stage {level} of {total}", level=result.overall.stage.level,
                        total=len(b.stage_distribution) or result.overall.stage.level)
        self.peers = tr(lang, "{group}, n = {n}", group=b.peer_group.label,
                        n=number(lang, b.peer_group.n, 0))
        self.synthetic = tr(lang, "Demo benchmark (synthetic): the peers in this deck are "
                                  "generated data, not real organizations.") \
            if b.panel.synthetic else None
        self.prs = Presentation()
        self.prs.slide_width = Inches(WIDTH)
        self.prs.slide_height = Inches(HEIGHT)
        self.blank = self.prs.slide_layouts[6]

    def slide(self, title: str | None):
        s = self.prs.slides.add_slide(self.blank)
        if title:
            self.text(s, title, MARGIN, 0.4, WIDTH - 2 * MARGIN, 0.8, size=28, bold=True,
                      limit=60, name="Title")
        number_ = len(self.prs.slides)
        if number_ > 1:
            self.text(s, f"{self.footer} · {number_}", MARGIN, HEIGHT - 0.5,
                      WIDTH - 2 * MARGIN, 0.3, size=10, colour=MUTED, limit=130, name="Footer")
        return s

    def text(self, slide, text: str | list, x: float, y: float, w: float, h: float, *,
             size: float = 16, bold: bool = False, colour=INK, limit: int = 400,
             fill=None, name: str | None = None, bullets: bool = False, spacing: float = 6):
        """A text box; ``text`` a string or a list of paragraphs (each a string, or a list of
        (text, bold, colour) runs)."""
        from pptx.dml.color import RGBColor
        from pptx.enum.text import MSO_AUTO_SIZE
        from pptx.util import Inches, Pt

        box = slide.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h))
        if name:
            box.name = name
        frame = box.text_frame
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.NONE
        for side in ("left", "right", "top", "bottom"):
            setattr(frame, f"margin_{side}", Inches(0.08))
        if fill is not None:
            box.fill.solid()
            box.fill.fore_color.rgb = RGBColor(*fill)
        paragraphs = text if isinstance(text, list) else [text]
        for i, para in enumerate(paragraphs):
            p = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            p.space_after = Pt(spacing)
            runs = para if isinstance(para, list) else [(para, bold, colour)]
            if bullets:
                runs = [("• ", False, ACCENT), *runs]
            for run_text, run_bold, run_colour in runs:
                r = p.add_run()
                r.text = _fit(run_text, limit)
                r.font.size = Pt(size)
                r.font.bold = run_bold
                r.font.name = FONT
                r.font.color.rgb = RGBColor(*run_colour)
        return box

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.prs.save(out)
        return out.getvalue()


def _check(lang: str, met: bool, text: str, limit: int) -> list:
    """A condition with its verdict: ✓ met or ✗ not met."""
    mark = ("✓ " + tr(lang, "Met"), True, OK) if met else ("✗ " + tr(lang, "Not met"), True, BAD)
    return [mark, (" · " + _fit(text, limit), False, INK)]


def _ranked(result: AssessmentResult) -> list[tuple[str, float, str]]:
    """Dimensions with a score and a peer median, best against the median first: (name, score
    minus median, the score against the median in words)."""
    lang = result.language
    bench = {b.id: b for b in result.benchmark.dimensions}
    rows = [(d.name, d.score, bench[d.id].median) for d in result.dimensions
            if d.score is not None and d.id in bench and bench[d.id].median is not None]
    return [(name, score - median, tr(lang, "Score {score} against a peer median of {median}.",
                                      score=num(lang, score), median=num(lang, median)))
            for name, score, median in sorted(rows, key=lambda r: r[1] - r[2], reverse=True)]


def render_pptx(result: AssessmentResult, *, organization: str | None = None,
                date: dt.date | None = None) -> bytes:
    """The board deck as .pptx bytes, in ``result.language``."""
    deck = _Deck(result, organization, date)
    for slide in (_title_slide, _stage_slide, _scores_slide, _strengths_slide, _gaps_slide,
                  _steps_slide, _method_slide):
        slide(deck, result)
    return deck.bytes()


def _title_slide(deck: _Deck, result: AssessmentResult) -> None:
    lang = deck.lang
    stage = result.overall.stage
    s = deck.slide(None)
    deck.text(s, deck.title.upper(), MARGIN, 1.2, 9, 0.4, size=14, bold=True, colour=MUTED,
              name="Kicker")
    deck.text(s, deck.org or tr(lang, "Your organization"), MARGIN, 1.7, 11.5, 1.3, size=40,
              bold=True, limit=50, name="Organization")
    deck.text(s, deck.day, MARGIN, 3.0, 8, 0.5, size=18, colour=MUTED, name="Date")
    score = tr(lang, "Overall score {score} of 100", score=num(lang, result.overall.score, 1))
    deck.text(s, [[(deck.level + ": ", False, INK), (stage.name, True, ACCENT)], score],
              MARGIN, 4.0, 8.5, 1.3, size=24, fill=SOFT, name="Stage")
    notes = [deck.synthetic] if deck.synthetic else []
    if result.provisional:
        notes.append(tr(lang, "Provisional result.") + " " + tr(
            lang, "{answered} of {asked} questions answered; a result counts from 80%, and only "
                  "then is it compared with peers.", answered=result.answered, asked=result.asked))
    if notes:
        deck.text(s, notes, MARGIN, 5.7, 11.5, 1.0, size=13, fill=WARN_BG, name="Notes",
                  spacing=2)


def _stage_slide(deck: _Deck, result: AssessmentResult) -> None:
    lang = deck.lang
    b = result.benchmark
    stage = result.overall.stage
    s = deck.slide(tr(lang, "Where you stand: {stage}", stage=stage.name))
    left: list = [[(deck.level, True, ACCENT)]]
    if result.meaning:
        left += [_fit(m, 160) for m in result.meaning[:5]]
    else:
        left.append(_fit(stage.decided_by.explanation, 240))
    if b.overall_percentile is not None:
        left.append(tr(lang, "You score higher than {p}% of your peers ({peers}).",
                       p=num(lang, b.overall_percentile, 0), peers=deck.peers))
    deck.text(s, left, MARGIN, 1.4, 6.4, 5.3, size=16, limit=240, name="Meaning")
    right: list = []
    upcoming = result.next_stage
    path = result.path_to_next_stage
    if upcoming is not None:
        right.append([(tr(lang, "What {stage} asks", stage=upcoming.name), True, INK)])
        for c in upcoming.conditions[:4]:
            right.append(_check(lang, c.met, c.text, 100))
        if path:
            right.append([(tr(lang, "The shortest path to {stage}", stage=upcoming.name),
                           True, INK)])
            right.append(ntr(lang, "{n} answer change, one rung, reaches {stage}.",
                             "{n} answer changes, one rung each, reach {stage}.", len(path),
                             stage=upcoming.name))
            for step in path[:2]:
                right.append(_fit(f"{step.question_text} → {step.answer_label}", 110))
    else:
        gates = [x for x in result.gates if x.stage != stage.key]
        if gates:
            right.append([(tr(lang, "Conditions for higher stages"), True, INK)])
        for x in gates[:5]:
            right.append(_check(lang, x.met, x.text, 110))
    if right:
        deck.text(s, right, 7.3, 1.4, WIDTH - 7.3 - MARGIN, 5.3, size=13, fill=SOFT,
                  limit=200, name="Path")


def _scores_slide(deck: _Deck, result: AssessmentResult) -> None:
    from pptx.chart.data import CategoryChartData
    from pptx.dml.color import RGBColor
    from pptx.enum.chart import (
        XL_CHART_TYPE,
        XL_LABEL_POSITION,
        XL_LEGEND_POSITION,
        XL_TICK_LABEL_POSITION,
    )
    from pptx.util import Inches, Pt

    lang = deck.lang
    b = result.benchmark
    g = result.benchmark.peer_group
    s = deck.slide(tr(lang, "Scores against peers"))
    data = CategoryChartData()
    dims = list(reversed(result.dimensions))  # a bar chart draws its first category lowest
    bench = {x.id: x for x in b.dimensions}
    peers = [bench.get(d.id) for d in dims]
    data.categories = [_fit(d.name, 34) for d in dims]
    data.add_series(tr(lang, "Peer top quartile"), [p.top_quartile if p else None for p in peers])
    data.add_series(tr(lang, "Peer median"), [p.median if p else None for p in peers])
    data.add_series(tr(lang, "Your organization"), [d.score for d in dims])
    frame = s.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, Inches(MARGIN), Inches(1.3),
                               Inches(8.9), Inches(5.6), data)
    frame.name = "Chart"
    chart = frame.chart
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.legend.font.size = Pt(12)
    chart.font.size = Pt(11)
    chart.font.name = FONT
    axis = chart.value_axis
    axis.minimum_scale, axis.maximum_scale, axis.major_unit = 0, 100, 20
    axis.has_major_gridlines = True
    axis.tick_labels.font.size = Pt(11)
    chart.category_axis.tick_labels.font.size = Pt(11)
    chart.category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    plot = chart.plots[0]
    plot.gap_width = 60
    plot.overlap = -10
    for series, colour in zip(plot.series, (TOP, GREY, ACCENT), strict=True):
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = RGBColor(*colour)
    for point, d in zip(plot.series[2].points, dims, strict=True):  # as the language writes it
        if d.score is not None:
            label = point.data_label
            label.text_frame.text = num(lang, d.score)
            label.text_frame.paragraphs[0].runs[0].font.size = Pt(10)
            label.text_frame.paragraphs[0].runs[0].font.bold = True
            label.position = XL_LABEL_POSITION.OUTSIDE_END
    side = [[(tr(lang, "Overall"), True, INK)],
            tr(lang, "Your score {score}; peer median {median}; top quartile from {q3}.",
               score=num(lang, result.overall.score, 1), median=num(lang, b.overall_median, 1),
               q3=num(lang, b.overall_top_quartile, 1))]
    if b.overall_percentile is not None:
        side.append(tr(lang, "Percentile {p} among {n} peers.",
                       p=num(lang, b.overall_percentile, 0), n=number(lang, g.n, 0)))
    side.append([(tr(lang, "Peer group"), True, INK)])
    side.append(_fit(g.label, 120))
    deck.text(s, side, 9.8, 1.4, WIDTH - 9.8 - MARGIN, 5.3, size=14, fill=SOFT, limit=160,
              name="Peers")


def _strengths_slide(deck: _Deck, result: AssessmentResult) -> None:
    """The result's strengths (dimensions above the peer median, up to three), each with its
    best answers, question and answer; none: the result's sentence saying why."""
    lang = deck.lang
    cards: list = []
    for x in result.strengths[:3]:
        head = tr(lang, "Score {score}", score=num(lang, x.score))
        if x.percentile is not None:
            head += " · " + tr(lang, "percentile {p}", p=num(lang, x.percentile, 0))
        lines: list = [[(head, True, MUTED)]]
        lines += [[(_fit(a.text, 80) + " ", False, MUTED), (_fit(a.answer_label, 90), True, INK)]
                  for a in x.best[:2] if a.answer_label]
        cards.append((x.name, lines))
    _cards(deck, tr(lang, "Strengths to build on"), cards, ACCENT, empty=result.no_strengths)


def _gaps_slide(deck: _Deck, result: AssessmentResult) -> None:
    """The (up to three) dimensions furthest below the peer median (ties in dimension order),
    the last place taken by an unmet condition for the next stage if there is one; none: a
    sentence saying so."""
    lang = deck.lang
    behind = sorted((r for r in _ranked(result) if r[1] < 0), key=lambda r: r[1])
    gaps = [(name, text) for name, _, text in behind[:3]]
    upcoming = result.next_stage
    unmet = [c.text for c in upcoming.conditions if not c.met] if upcoming is not None else []
    if unmet:
        gaps = gaps[:2] + [(tr(lang, "Not met: a condition for {stage}", stage=upcoming.name),
                            unmet[0])]
    _cards(deck, tr(lang, "The largest gaps"), gaps, BAD,
           empty=tr(lang, "No dimension scores below the peer median."))


def _steps_slide(deck: _Deck, result: AssessmentResult) -> None:
    lang = deck.lang
    steps = []
    for r in result.recommendations[:3]:
        text = tr(lang, "Effect: overall {o0} → {o1}", o0=num(lang, r.effect.overall_before, 1),
                  o1=num(lang, r.effect.overall_after, 1))
        if r.lifts_stage:
            text += " · " + tr(lang, "lifts your stage")
        steps.append((r.title, [[(tr(lang, "Owner: {owner}", owner=r.owner), True, MUTED)],
                                _fit(f"{r.change.question_text} → {r.change.answer_label}", 150),
                                [(text, True, OK)]]))
    _cards(deck, tr(lang, "Next steps"), steps, OK, numbered=True,
           empty=result.no_steps)


def _method_slide(deck: _Deck, result: AssessmentResult) -> None:
    lang = deck.lang
    b = result.benchmark
    g = result.benchmark.peer_group
    s = deck.slide(tr(lang, "Method and data"))
    rows = [
        tr(lang, "Scores from 0 to 100: each dimension the weighted average of its questions, "
                 "the overall score the weighted average of the dimensions. Stages follow the "
                 "instrument's thresholds and conditions."),
        tr(lang, "Benchmark: {panel}, {n} organizations. Peer group: {group} (n = {peers}).",
           panel=b.panel.label, n=number(lang, b.panel.n, 0), group=g.label,
           peers=number(lang, g.n, 0)),
        tr(lang, "Instrument {id}, version {version}", id=result.instrument.id,
           version=result.instrument.version),
    ]
    if g.widened_because:
        rows.append(_fit(g.widened_because, 220))
    deck.text(s, rows, MARGIN, 1.4, WIDTH - 2 * MARGIN, 3.9, size=16, bullets=True,
              limit=260, name="Method")
    if deck.synthetic:
        deck.text(s, deck.synthetic, MARGIN, 5.6, WIDTH - 2 * MARGIN, 0.7, size=15, fill=WARN_BG,
                  name="Synthetic")


def _cards(deck: _Deck, title: str, items: list, colour, *, empty: str,
           numbered: bool = False) -> None:
    """A slide of up to three cards side by side: a heading and a few lines each; no items:
    the sentence ``empty``."""
    slide = deck.slide(title)
    if not items:
        deck.text(slide, empty, MARGIN, 1.5, WIDTH - 2 * MARGIN, 1.25, size=18, fill=SOFT,
                  name="None")
        return
    gap = 0.3
    width = (WIDTH - 2 * MARGIN - 2 * gap) / 3
    for i, (head, body) in enumerate(items[:3]):
        x = MARGIN + i * (width + gap)
        label = f"{i + 1}. {head}" if numbered else head
        deck.text(slide, [[(_fit(label, 62), True, colour)]], x, 1.5, width, 1.25, size=18,
                  fill=SOFT, limit=62, name=f"Card {i + 1} title")
        lines = body if isinstance(body, list) else [_fit(body, 220)]
        deck.text(slide, lines, x, 2.9, width, 3.8, size=16, limit=220,
                  name=f"Card {i + 1} text")
