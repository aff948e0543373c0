"""Use case: describe a peer group's distributions (the ``benchmark`` command)."""

from __future__ import annotations

from ..errors import Problem, SocialMaturityError
from ..i18n.catalog import number, tr
from ..reports.format import rounded
from .assessment import Assessor

QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)


def describe_peers(assessor: Assessor, filters: dict[str, str], lang: str) -> dict:
    """Score and stage distributions of the peer group for ``filters`` (widened if small)."""
    inst = assessor.instrument
    idx = inst.index
    for field, value in filters.items():
        if field not in idx.questions:
            raise SocialMaturityError(Problem(f"--{field}", "not a profile field of this "
                                                            "instrument"))
        keys = idx.option_keys(field)
        if value not in keys:
            raise SocialMaturityError(Problem(f"--{field}", "{value!r} is not a {field}; valid: "
                                                            "{valid}", value=value, field=field,
                                              valid=", ".join(keys)))
    stats, bench, _ = assessor.group_view(assessor.index.peer_group(filters), lang)

    def dist(d) -> dict:
        return {"n": d.n, **{f"p{round(100 * p)}": rounded(d.quantile(p)) for p in QUANTILES}}

    return {
        "language": lang,
        "panel": bench.panel.model_dump(include={"label", "synthetic", "n"}),
        "requested": filters,
        "peer_group": bench.peer_group.model_dump(
            exclude={"widened_because": True, "widened_from": {"__all__": {"label"}}}),
        "overall": dist(stats.overall),
        "dimensions": [{"id": d.id, "name": inst.text(d.name, lang),
                        **dist(stats.dimensions[d.id])} for d in inst.dimensions],
        "stage_distribution": [s.model_dump(exclude={"min_score"})
                               for s in bench.stage_distribution],
        "mature_share": round(stats.mature / stats.n, 4) if stats.n else 0.0,
    }


def render_peers(view: dict):
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    lang = view["language"]
    g = view["peer_group"]
    parts = [Text(tr(lang, "Peers: {group} (n = {n})", group=g["label"],
                     n=number(lang, g["n"], 0)), style="bold")]
    if g["widened_from"]:
        first = g["widened_from"][0]
        parts.append(Text(tr(lang, "Fewer than {min} respondents matched all filters (n = {n}); "
                                   "the group was widened.", min=g["min_group_size"],
                             n=first["n"]), style="yellow"))
    if view["panel"]["synthetic"]:
        parts.append(Text(tr(lang, "Benchmark: {label}: not real data.",
                             label=view["panel"]["label"]), style="yellow"))
    table = Table(title=tr(lang, "Score distribution (0–100)"), title_justify="left")
    table.add_column(tr(lang, "Dimension"))
    for p in QUANTILES:
        table.add_column(f"P{round(100 * p)}", justify="right")
    rows = [(tr(lang, "Overall"), view["overall"])] + [(d["name"], d) for d in view["dimensions"]]
    for name, d in rows:
        table.add_row(name, *("–" if d[f"p{round(100 * p)}"] is None
                              else number(lang, d[f"p{round(100 * p)}"]) for p in QUANTILES))
    parts.append(table)
    stages = Table(title=tr(lang, "Stages"), title_justify="left")
    stages.add_column(tr(lang, "Stage"))
    stages.add_column(tr(lang, "Peers"), justify="right")
    stages.add_column("%", justify="right")
    for s in view["stage_distribution"]:
        stages.add_row(f"{s['level']}. {s['name']}", str(s["count"]),
                       number(lang, 100 * s["share"], 0))
    parts.append(stages)
    return Group(*parts)
