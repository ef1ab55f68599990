"""其他指标: named counters, summed per name (METRICS.md, indicators)."""
from __future__ import annotations

from decimal import Decimal

import polars as pl

from ..results import Figure, Period, SectionResult
from .registry import indicator_metric


def compute_indicators(records: pl.DataFrame, period: Period) -> SectionResult:
    """`indicators.<指标>`: the exact sum of its values, in order of first appearance.

    Rows with a 月份 after the period's last month are cut by `--through`; rows
    without a 月份 belong to the whole year and always count (DATA.md).
    """
    rows = records
    if "month" in rows.columns:
        rows = rows.filter(pl.col("month").is_null() | (pl.col("month") <= period.end.month))
    units = pl.col("unit").drop_nulls().first() if "unit" in rows.columns else pl.lit(None, pl.Utf8)
    grouped = (rows.group_by("name", maintain_order=True)
               .agg(pl.col("value"), units.alias("unit")))
    result: dict[str, Figure] = {}
    for name, numbers, unit in grouped.iter_rows():
        # Decimal over each value's shortest repr: counts stay integers and 1.1 + 2.2 is 3.3.
        total = sum((Decimal(repr(number)) for number in numbers), Decimal(0))
        value = int(total) if total == total.to_integral_value() else total.normalize()
        metric = indicator_metric(name, unit)
        result[metric.id] = Figure(metric, value)
    return SectionResult(result)
