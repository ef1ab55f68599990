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


def fen_sum(frame: pl.DataFrame, mask: pl.Expr, column: str) -> int:
    """Exact sum of an Int64 fen column over the rows of mask (Python int, no overflow drift)."""
    total = frame.select(pl.col(column).filter(mask).cast(pl.Int128).sum()).item()
    return int(total or 0)


def count(frame: pl.DataFrame, mask: pl.Expr) -> int:
    return int(frame.select(mask.sum()).item() or 0)


def monthly_counts(frame: pl.DataFrame, date_column: str, mask: pl.Expr, period: Period,
                   weight: str | None = None) -> list[int]:
    months = period.end.month
    value = pl.col(weight).cast(pl.Int128) if weight else pl.lit(1)
    rows = (frame.filter(mask & in_period(date_column, period))
            .group_by(pl.col(date_column).dt.month().alias("month"))
            .agg(value.sum().alias("total")))
    by_month = {month: int(total) for month, total in rows.iter_rows()}
    return [by_month.get(month, 0) for month in range(1, months + 1)]


def period_for(year: int, through: int | None = None) -> Period:
    end_month = through or 12
    next_month = dt.date(year + (end_month == 12), end_month % 12 + 1, 1)
    return Period(dt.date(year, 1, 1), next_month - dt.timedelta(days=1))
