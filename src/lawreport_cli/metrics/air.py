"""The air section: figures of METRICS.md "air" from the 空气质量 records.

Columnar throughout (polars); only per-city scalars and the percentile
neighbours come back to Python, where the figures are made exact (Decimal).
"""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import polars as pl

from ..results import Figure, Period, SectionResult, city_entities
from ..numbers import half_up
from ..domain.ranking import rank_competition
from ..domain.aqi import LEVELS, POLLUTANTS, composite_index, half_up_fraction, percentile, with_daily_aqi
from .registry import BY_ID, METRICS
from ..domain.standards import Plan, plan_for

# Concentrations are summed exactly as integers of 1e-6 of their unit (data carry
# at most a few decimals), so a mean exactly at .5 rounds up, whatever the row count.
_MICRO = 1_000_000
_MEANS = ("pm25", "pm10", "so2", "no2")  # air.<pollutant> means, rounded to integers
UNNAMED_CITY = ""  # the by_city key of rows without a city, when other cities exist


def _in_period(records: pl.DataFrame, period: Period) -> pl.DataFrame:
    return records.filter(
        (pl.col("date") >= pl.lit(period.start)) & (pl.col("date") <= pl.lit(period.end))
    )


def _city_stats(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per city: counts, exact sums of the means, sorted CO and O3_8h values."""
    aqi = pl.col("aqi")
    aggs = [
        pl.len().alias("rows"),
        aqi.is_not_null().sum().alias("valid"),
        (aqi <= 100).sum().alias("good"),
        (aqi <= 50).sum().alias("excellent"),
        (aqi > 200).sum().alias("heavy"),
    ]
    for p in _MEANS:
        micro = (pl.col(p) * _MICRO).round(0).cast(pl.Int64)
        aggs.append(micro.sum().alias(f"{p}__sum"))
        aggs.append(pl.col(p).count().alias(f"{p}__n"))
    aggs.append(pl.col("co").drop_nulls().sort().alias("co__sorted"))
    aggs.append(pl.col("o3_8h").drop_nulls().sort().alias("o3_8h__sorted"))
    return frame.group_by("__city", maintain_order=True).agg(aggs)


def _figures_of(stats: dict) -> dict[str, Figure]:
    """The air figures of one city from its row of `_city_stats`, in registry order."""
    values: dict[str, int | Decimal] = {}
    rows, valid = stats["rows"], stats["valid"]
    if rows:
        values["air.valid_days"] = valid
        values["air.invalid_days"] = rows - valid
    if valid:
        values["air.good_days"] = stats["good"]
        values["air.good_rate"] = half_up_fraction(Fraction(stats["good"] * 100, valid), 1)
        values["air.excellent_days"] = stats["excellent"]
        values["air.heavy_days"] = stats["heavy"]
    for p in _MEANS:
        n = stats[f"{p}__n"]
        if n:
            values[f"air.{p}"] = half_up_fraction(Fraction(stats[f"{p}__sum"], _MICRO * n), 0)
    co = stats["co__sorted"]
    if co:
        values["air.co_p95"] = half_up(percentile(co, 95), 1)
    o3 = stats["o3_8h__sorted"]
    if o3:
        values["air.o3_8h_p90"] = half_up(percentile(o3, 90), 0)
    inputs = ("air.so2", "air.no2", "air.pm10", "air.pm25", "air.co_p95", "air.o3_8h_p90")
    if all(mid in values for mid in inputs):
        values["air.composite_index"] = composite_index(*(values[mid] for mid in inputs))
    return {m.id: Figure(m, values[m.id]) for m in METRICS if m.id in values}


def _monthly(frame: pl.DataFrame, period: Period) -> dict[str, list]:
    months = period.end.month
    counts = (
        frame.filter(pl.col("level").is_not_null())
        .group_by(pl.col("date").dt.month().alias("month"), "level")
        .agg(pl.len().alias("days"))
    )
    series = {f"air.days_by_level.{name}": [0] * months for name in LEVELS}
    for month, name, days in counts.iter_rows():
        if 1 <= month <= months:
            series[f"air.days_by_level.{name}"][month - 1] = int(days)
    return series


def compute_air(records: pl.DataFrame, period: Period, plan: Plan | None = None) -> SectionResult:
    """The air section: top-level figures, by_city figures (entities), monthly series, and
    extra["standards"], the JSON "standards" value ({"aqi": [spans], "annual": ...}) of the
    plan the days were computed with (absent when the period has no air rows).

    Each day's AQI and level come from the standard `plan` gives its date
    (default: the one in force on it); the annual figures follow HJ 663-2013.
    One city (the city column absent, all null, or one name): top-level figures
    and monthly series, by_city empty. Several cities (null counts as one
    unnamed city): every figure per city plus the two ranks, top level empty.
    """
    frame = _in_period(records, period)
    if frame.height == 0:
        return SectionResult()
    plan = plan or plan_for(period.start, period.end)
    standards = {"standards": plan.to_dict()}
    city = pl.col("city") if "city" in frame.columns else pl.lit(None, dtype=pl.String)
    frame = frame.with_columns(city.cast(pl.String).fill_null(UNNAMED_CITY).alias("__city"))
    needed = [*POLLUTANTS] + (["o3_1h"] if "o3_1h" in frame.columns else [])
    frame = with_daily_aqi(
        frame.select("date", "__city", *[pl.col(c).cast(pl.Float64) for c in needed]), plan
    )
    stats = _city_stats(frame)
    per_city = {row["__city"]: _figures_of(row) for row in stats.iter_rows(named=True)}

    if len(per_city) == 1:
        (figures,) = per_city.values()
        return SectionResult(figures, monthly=_monthly(frame, period), extra=standards)

    def value(city_figures: dict[str, Figure], mid: str):
        figure = city_figures.get(mid)
        return figure.value if figure else None

    for mid, rank_id, higher in (
        ("air.good_rate", "air.rank_good_rate", True),
        ("air.composite_index", "air.rank_composite_index", False),
    ):
        ranks = rank_competition({c: value(f, mid) for c, f in per_city.items()}, higher)
        for c, rank in ranks.items():
            per_city[c][rank_id] = Figure(BY_ID[rank_id], rank)
    return SectionResult(entities=[city_entities(per_city)], extra=standards)
