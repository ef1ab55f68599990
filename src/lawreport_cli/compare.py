"""compare: two Summaries of the same span -> changes, read in each figure's good direction."""
from __future__ import annotations

from decimal import Decimal

from .domain.ranking import rank_competition
from .metrics.registry import IMPROVEMENT_RANKED, MetricDef
from .model import Change, Comparison, Figure, Summary
from .numbers import half_up


def trend_of(metric: MetricDef, previous, current) -> str:
    if current == previous:
        return "unchanged"
    if previous == 0:
        return "new"
    rose = current > previous
    if metric.direction == "lower":
        return "worsened" if rose else "improved"
    if metric.direction == "higher":
        return "improved" if rose else "worsened"
    return "up" if rose else "down"


def change_of(metric: MetricDef, previous, current) -> Change:
    """One figure's change; values are already the rounded published ones."""
    if previous is None or current is None:
        return Change(metric, previous, current, None, None, "")
    change = current - previous
    if metric.kind in ("percent", "rank") or previous == 0:
        # A rate changes in 百分点, a rank in places (its percent change means nothing),
        # and nothing grows by a percentage from zero.
        change_pct = None
    else:
        change_pct = half_up(Decimal(change) / Decimal(previous) * 100, 1)
    return Change(metric, previous, current, change, change_pct, trend_of(metric, previous, current))


def _changes(previous: dict[str, Figure], current: dict[str, Figure]) -> dict[str, Change]:
    ids = list(current) + [metric_id for metric_id in previous if metric_id not in current]
    result = {}
    for metric_id in ids:
        metric = (current.get(metric_id) or previous.get(metric_id)).metric
        before = previous[metric_id].value if metric_id in previous else None
        after = current[metric_id].value if metric_id in current else None
        result[metric_id] = change_of(metric, before, after)
    return result


def improvement_ranks(by_city: dict[str, dict[str, Change]]) -> dict[str, dict[str, int]]:
    """Cities ranked by relative fall of each figure (the largest fall ranks 1; ties share)."""
    ranks: dict[str, dict[str, int]] = {city: {} for city in by_city}
    for name in IMPROVEMENT_RANKED:
        metric_id = f"air.{name}"
        falls = {city: changes[metric_id].change_pct for city, changes in by_city.items()
                 if metric_id in changes and changes[metric_id].change_pct is not None}
        if len(falls) < 2:
            continue
        for city, rank in rank_competition(falls, higher_is_better=False).items():
            ranks[city][f"air.rank_{name}_improvement"] = rank
    return {city: city_ranks for city, city_ranks in ranks.items() if city_ranks}


def compare(previous: Summary, current: Summary, period_note: str = "") -> Comparison:
    by_city = {
        city: _changes(previous.by_city[city], current.by_city[city])
        for city in current.by_city if city in previous.by_city
    }
    return Comparison(
        previous=previous,
        current=current,
        period_note=period_note,
        changes=_changes(previous.figures, current.figures),
        by_city=by_city,
        ranks=improvement_ranks(by_city) if len(by_city) > 1 else {},
    )
