"""Small helpers the section modules share."""
from __future__ import annotations

import datetime as dt

import polars as pl

from ..results import Figure, Period
from .registry import BY_ID


def in_period(column: str, period: Period) -> pl.Expr:
    return pl.col(column).is_between(period.start, period.end).fill_null(False)


def figures(values: dict[str, int | None]) -> dict[str, Figure]:
    """Figures in registry order; a None value (its input is absent) gives no figure."""
    return {metric_id: Figure(BY_ID[metric_id], value) for metric_id, value in values.items() if value is not None}


def fen_sum_of(mask: pl.Expr, column: str) -> pl.Expr:
    """Exact sum of an Int64 fen column over the rows of mask (Int128: no overflow drift)."""
    return pl.col(column).filter(mask).cast(pl.Int128).sum()


def count_of(mask: pl.Expr) -> pl.Expr:
    return mask.sum()


def totals(frame: pl.DataFrame, sums: dict[str, pl.Expr | None]) -> dict[str, int | None]:
    """Each figure's sum as a Python int (None stays None), all in one pass over the frame:
    polars evaluates them side by side and computes a shared mask once."""
    given = {key: expr for key, expr in sums.items() if expr is not None}
    row = frame.select(expr.alias(key) for key, expr in given.items()).row(0, named=True) if given else {}
    return {key: (int(row[key] or 0) if key in given else None) for key in sums}


def monthly_counts(frame: pl.DataFrame, date_column: str, mask: pl.Expr, period: Period,
                   weight: str | None = None) -> list[int]:
    return monthly_totals(frame, date_column, period, {"total": (mask, weight)})["total"]


def monthly_totals(frame: pl.DataFrame, date_column: str, period: Period,
                   series: dict[str, tuple[pl.Expr, str | None]]) -> dict[str, list[int]]:
    """Per month of the period, for each (mask, weight column or None for a count), in one group_by."""
    months = period.end.month
    # `& in_period`: a mask that is a literal (every row) is then a column, counted row by row.
    aggregations = [(pl.col(weight).cast(pl.Int128).filter(mask).sum() if weight
                     else (mask & in_period(date_column, period)).sum()).alias(name)
                    for name, (mask, weight) in series.items()]
    rows = (frame.filter(in_period(date_column, period))
            .group_by(pl.col(date_column).dt.month().alias("month"))
            .agg(aggregations))
    by_month = {row["month"]: row for row in rows.iter_rows(named=True)}
    return {name: [int(by_month[month][name] or 0) if month in by_month else 0 for month in range(1, months + 1)]
            for name in series}


def period_for(year: int, through: int | None = None) -> Period:
    end_month = through or 12
    next_month = dt.date(year + (end_month == 12), end_month % 12 + 1, 1)
    return Period(dt.date(year, 1, 1), next_month - dt.timedelta(days=1))
