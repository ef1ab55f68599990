"""其他指标: named counters, summed per name (METRICS.md, indicators)."""
from __future__ import annotations

from decimal import Decimal

import polars as pl

from ..results import Figure, Period, SectionResult
from ..words import normalize_expr, unit_factor, unit_scale, without_invisible
from .registry import indicator_metric


def compute_indicators(records: pl.DataFrame, period: Period) -> SectionResult:
    """`indicators.<指标>`: the exact sum of its values, in order of first appearance.

    Rows with a 月份 after the period's last month are cut by `--through`; rows
    without a 月份 belong to the whole year and always count (DATA.md).
    """
    rows = records
    if "month" in rows.columns:
        rows = rows.filter(pl.col("month").is_null() | (pl.col("month") <= period.end.month))
    # One indicator, one name: compared normalised (an invisible character makes no second
    # figure), shown as first written without its invisible characters.
    key = normalize_expr(pl.col("name")).alias("_key")
    if "unit" not in rows.columns:
        rows = rows.with_columns(pl.lit(None, pl.Utf8).alias("unit"))
    grouped = (rows.group_by(key, maintain_order=True)
               .agg(pl.col("name").first(), pl.col("value"), pl.col("unit")))
    result: dict[str, Figure] = {}
    for _, name, numbers, units in grouped.iter_rows():
        total, shown_unit = _sum_in_smallest_unit(numbers, units)
        value = int(total) if total == total.to_integral_value() else total.normalize()
        metric = indicator_metric(without_invisible(name), shown_unit)
        result[metric.id] = Figure(metric, value)
    return SectionResult(result)


def _sum_in_smallest_unit(numbers: list[float], units: list[str | None]) -> tuple[Decimal, str | None]:
    """The exact sum in the smallest of the indicator's units (1.1 万份 + 5000 份 = 16000 份).

    A blank unit is the indicator's first given unit. Rows in a unit that is no
    multiple of the first (an error, mixed-units, already) are left out here too.
    """
    given = [unit for unit in units if unit is not None]
    if not given:
        return sum((Decimal(repr(number)) for number in numbers), Decimal(0)), None
    first = given[0]
    base = unit_scale(first)[0]
    same_base = [unit for unit in dict.fromkeys(given) if unit_scale(unit)[0] == base]
    smallest = min(same_base, key=lambda unit: unit_scale(unit)[1])
    total = Decimal(0)
    for number, unit in zip(numbers, units):
        factor = unit_factor(unit or first, smallest)
        if factor is not None:
            # Decimal over each value's shortest repr: counts stay integers and 1.1 + 2.2 is 3.3.
            total += Decimal(repr(number)) * factor
    return total, smallest
