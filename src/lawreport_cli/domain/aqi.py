"""Air quality maths: HJ 633 (daily AQI, per revision) and HJ 663-2013 (assessment).

Pure functions, no I/O. Pollutant keys are used everywhere:
"so2", "no2", "pm10", "pm25", "co" (24-h means), "o3_8h" (daily maximum
8-h mean) and "o3_1h" (daily maximum 1-h value: an indicator of HJ 633—2012
where the sheet has it). CO is in mg/m³, the others in µg/m³.

The tables and rules of each revision are data (standards.py); every function
takes the `AqiStandard` to apply, HJ 633—2012 when none is given.

Scalar functions use exact arithmetic (Fraction/Decimal), so a concentration
at a breakpoint gives exactly the breakpoint's IAQI. The polars version
(`with_daily_aqi`) works in floats and takes the ceiling of x − 1e-9; it
agrees with the scalar one for any concentration not within ~1e-8 of a
breakpoint (real data have at most a few decimals).
"""
from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import Iterable, Sequence

import polars as pl

from .standards import (
    ANNUAL_STANDARD, AQI_STANDARDS, HJ633_2012, IAQI_BREAKPOINTS, IAQI_CAP, SIX, AqiStandard, Plan, as_standard,
)

# HJ 633-2012's tables, as they were always exported here (the revisions are in standards.py).
BREAKPOINTS: dict[str, tuple[int, ...]] = dict(HJ633_2012.breakpoints)

# The six pollutants every day needs, in this fixed order (also the order of 首要污染物,
# followed by "o3_1h" where it counts).
POLLUTANTS: tuple[str, ...] = SIX

# HJ 663-2013 annual limits (GB 3095-2012 grade II) used by the composite index.
COMPOSITE_LIMITS: dict[str, int] = dict(ANNUAL_STANDARD.composite_limits)

O3_8H_TOP = 800  # the top of the O3_8h table in every revision so far

# Levels (HJ 633 Table 2): upper AQI bound (inclusive) -> label; > 300 is 严重污染.
LEVELS: tuple[str, ...] = ("优", "良", "轻度污染", "中度污染", "重度污染", "严重污染")
_LEVEL_UPPER: tuple[tuple[int, str], ...] = (
    (50, "优"), (100, "良"), (150, "轻度污染"), (200, "中度污染"), (300, "重度污染"),
)
_ORDER: tuple[str, ...] = (*SIX, "o3_1h")

Number = int | float | Decimal | str | Fraction


def _written(value: Number) -> Decimal | Fraction:
    """The value as written: a float through its repr, text through Decimal; exact."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"not a finite concentration: {value!r}")
        return Decimal(repr(value))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value).strip())


def _exact(value: Number) -> Fraction:
    """An exact rational for a concentration; a float is read through its repr."""
    return Fraction(_written(value))


def rounded(pollutant: str, concentration: Number, standard: AqiStandard | str = HJ633_2012) -> Fraction:
    """The concentration the standard's IAQI is computed from.

    HJ 633—2026 rounds per GB/T 8170 (half to even, on the value as written:
    60.5 -> 60, 61.5 -> 62, 60.51 -> 61), µg/m³ to integers, CO to 0.1 mg/m³;
    HJ 633—2012 uses the value as given.
    """
    standard = as_standard(standard)
    written = _written(concentration)
    decimals = standard.rounding.get(pollutant) if standard.rounding else None
    if decimals is None:
        return Fraction(written)
    if isinstance(written, Fraction):
        written = Decimal(written.numerator) / Decimal(written.denominator)
    return Fraction(written.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN))


def _table_for(pollutant: str, standard: AqiStandard | str = HJ633_2012) -> tuple[int, ...]:
    try:
        return standard.breakpoints[pollutant]
    except KeyError:
        raise ValueError(f"unknown pollutant for {standard.id}: {pollutant!r}") from None


def _iaqi_exact(table: tuple[int, ...], c: Fraction) -> int:
    if c < 0:
        raise ValueError(f"negative concentration: {c}")
    if c > table[-1]:
        return IAQI_CAP
    for i in range(1, len(table)):
        if c <= table[i]:  # a breakpoint belongs to the lower segment
            bp_lo, bp_hi = table[i - 1], table[i]
            i_lo, i_hi = IAQI_BREAKPOINTS[i - 1], IAQI_BREAKPOINTS[i]
            value = Fraction(i_hi - i_lo, bp_hi - bp_lo) * (c - bp_lo) + i_lo
            return math.ceil(value)  # HJ 633: 向上取整
    raise AssertionError("unreachable")


def iaqi(pollutant: str, concentration: Number, standard: AqiStandard | str = HJ633_2012) -> int:
    """Individual AQI under `standard`, rounded up to an integer, capped at 500.

    For "o3_8h" above the 8-h table: the standard's fixed IAQI (2026: 300), or
    (2012) the 1-h table with the same value — the fallback when the day's
    O3_1h is unknown; `daily_aqi` takes the O3_1h.
    """
    standard = as_standard(standard)
    table = _table_for(pollutant, standard)
    c = rounded(pollutant, concentration, standard)
    if pollutant == "o3_8h" and c > table[-1]:
        if standard.o3_8h_above_top is not None:
            return standard.o3_8h_above_top
        table = standard.breakpoints["o3_1h"]
    return _iaqi_exact(table, c)


def off_scale_top(pollutant: str, standard: AqiStandard | str = HJ633_2012) -> int | None:
    """The concentration beyond which the IAQI is capped at 500, or None where it never is.

    HJ 633—2012's O3_8h above 800 goes to the 1-h table, so its top is 1200;
    HJ 633—2026 gives O3_8h above 800 the IAQI 300 and does not use O3_1h.
    """
    standard = as_standard(standard)
    if pollutant not in standard.breakpoints:
        return None
    if pollutant == "o3_8h":
        if standard.o3_8h_above_top is not None:
            return None
        return standard.breakpoints["o3_1h"][-1]
    return standard.breakpoints[pollutant][-1]


def is_off_scale(pollutant: str, concentration: Number, standard: AqiStandard | str = HJ633_2012) -> bool:
    """True beyond the top of the pollutant's table in `standard` (IAQI capped at 500)."""
    standard = as_standard(standard)
    _table_for(pollutant, HJ633_2012 if pollutant == "o3_1h" else standard)
    top = off_scale_top(pollutant, standard)
    return top is not None and rounded(pollutant, concentration, standard) > top


def iaqis(so2: Number, no2: Number, pm10: Number, pm25: Number, co: Number,
          o3_8h: Number, o3_1h: Number | None = None, standard: AqiStandard | str = HJ633_2012) -> dict[str, int]:
    """The IAQIs of one day's indicators under `standard`, keyed by pollutant.

    HJ 633—2012: the six plus "o3_1h" when the day has one; O3_8h above 800 has
    no IAQI of its own then (the O3 IAQI is the O3_1h one), and with O3_1h blank
    it is the O3_8h value in the 1-h table. HJ 633—2026: the six.
    """
    standard = as_standard(standard)
    values = {
        "so2": iaqi("so2", so2, standard),
        "no2": iaqi("no2", no2, standard),
        "pm10": iaqi("pm10", pm10, standard),
        "pm25": iaqi("pm25", pm25, standard),
        "co": iaqi("co", co, standard),
    }
    one_hour = o3_1h is not None and standard.uses_o3_1h
    above = rounded("o3_8h", o3_8h, standard) > standard.o3_8h_top
    if not (one_hour and above and standard.o3_8h_above_top is None):
        values["o3_8h"] = iaqi("o3_8h", o3_8h, standard)
    if one_hour:
        values["o3_1h"] = _iaqi_exact(standard.breakpoints["o3_1h"], rounded("o3_1h", o3_1h, standard))
    return values


def daily_aqi(so2: Number, no2: Number, pm10: Number, pm25: Number, co: Number,
              o3_8h: Number, o3_1h: Number | None = None, standard: AqiStandard | str = HJ633_2012) -> int:
    """AQI of one day: the largest IAQI of the standard's indicators."""
    standard = as_standard(standard)
    return max(iaqis(so2, no2, pm10, pm25, co, o3_8h, o3_1h, standard).values())


def level(aqi: int) -> str:
    """Air quality level (HJ 633 Table 2) of an AQI."""
    for upper, label in _LEVEL_UPPER:
        if aqi <= upper:
            return label
    return "严重污染"


def primary_pollutants(so2: Number, no2: Number, pm10: Number, pm25: Number, co: Number,
                       o3_8h: Number, o3_1h: Number | None = None,
                       standard: AqiStandard | str = HJ633_2012) -> list[str]:
    """首要污染物: the pollutant(s) with the largest IAQI when AQI > 50, else []."""
    standard = as_standard(standard)
    values = iaqis(so2, no2, pm10, pm25, co, o3_8h, o3_1h, standard)
    top = max(values.values())
    if top <= 50:
        return []
    return [p for p in _ORDER if values.get(p) == top]


# --- vectorized (polars) -------------------------------------------------------

_EPS = 1e-9
_TIE = 1e-7  # a scaled value this close to n + 0.5 is a tie as written (data carry a few decimals)


def _segments_expr(c: pl.Expr, table: tuple[int, ...], otherwise: pl.Expr | None = None) -> pl.Expr:
    """Float IAQI (before the ceiling) of `c` on `table`; beyond the top: 500 or `otherwise`."""
    expr = None
    for i in range(1, len(table)):
        bp_lo, bp_hi = table[i - 1], table[i]
        i_lo, i_hi = IAQI_BREAKPOINTS[i - 1], IAQI_BREAKPOINTS[i]
        slope = (i_hi - i_lo) / (bp_hi - bp_lo)
        value = (c - bp_lo) * slope + i_lo
        cond = c <= bp_hi
        expr = pl.when(cond).then(value) if expr is None else expr.when(cond).then(value)
    return expr.otherwise(otherwise if otherwise is not None else pl.lit(float(IAQI_CAP)))


def _ceil_int(x: pl.Expr) -> pl.Expr:
    # Round up, forgiving float error just above an integer (50.000000000001 -> 50).
    return (x - _EPS).ceil().cast(pl.Int64)


def round_half_even_expr(c: pl.Expr, decimals: int) -> pl.Expr:
    """GB/T 8170 rounding of a float column as its values are written (0.15 -> 0.2, 0.25 -> 0.2).

    A float carries the written value only approximately (0.15 is 0.1499…), so a
    tie is recognised within 1e-7 of the scaled value and goes to the even neighbour.
    """
    scale = 10.0 ** decimals
    scaled = c * scale
    below = (scaled - 0.5).round(0)  # the lower neighbour, if this is a tie
    tie = (scaled - 0.5 - below).abs() < _TIE
    even = pl.when(below % 2 == 0).then(below).otherwise(below + 1)
    return pl.when(tie).then(even).otherwise(scaled.round(0)) / scale


def _rounded_expr(pollutant: str, c: pl.Expr, standard: AqiStandard) -> pl.Expr:
    decimals = standard.rounding.get(pollutant) if standard.rounding else None
    return c if decimals is None else round_half_even_expr(c, decimals)


def iaqi_expr(pollutant: str, c: pl.Expr, o3_1h: pl.Expr | None = None,
              standard: AqiStandard | str = HJ633_2012) -> pl.Expr:
    """Polars expression: the IAQI (Int64) of column expression `c`; null stays null.

    For "o3_8h" above the 8-h table: the standard's fixed IAQI, or (2012) the
    1-h table with `o3_1h` where given, else with `c` itself.
    """
    standard = as_standard(standard)
    return _iaqi_of_rounded(pollutant, _rounded_expr(pollutant, c, standard), o3_1h, standard)


def _iaqi_of_rounded(pollutant: str, c: pl.Expr, o3_1h: pl.Expr | None, standard: AqiStandard) -> pl.Expr:
    table = _table_for(pollutant, standard)
    if pollutant == "o3_8h":
        if standard.o3_8h_above_top is not None:
            return pl.when(c > table[-1]).then(pl.lit(standard.o3_8h_above_top, dtype=pl.Int64)) \
                .otherwise(_ceil_int(_segments_expr(c, table)))
        one_hour = c if o3_1h is None else pl.coalesce(o3_1h, c)
        beyond = _segments_expr(one_hour, standard.breakpoints["o3_1h"])
        return _ceil_int(_segments_expr(c, table, otherwise=beyond))
    return _ceil_int(_segments_expr(c, table))


def off_scale_expr(pollutant: str, c: pl.Expr, standard: AqiStandard | str = HJ633_2012) -> pl.Expr:
    """True where `c` lies beyond the top of `standard`'s table (see off_scale_top)."""
    standard = as_standard(standard)
    top = off_scale_top(pollutant, standard)
    if top is None:
        return pl.lit(False)
    return _rounded_expr(pollutant, c, standard) > top


def by_plan(date: pl.Expr, plan: Plan, make: Callable[[AqiStandard], pl.Expr]) -> pl.Expr:
    """Per row, `make(standard)` of the standard `plan` gives the row's date.

    Rows outside every span (or without a date) get the plan's first standard.
    """
    standards = plan.standards
    if len(standards) == 1:
        return make(standards[0])
    expr = None
    for span in plan.spans:
        cond = (date >= pl.lit(span.start)) & (date <= pl.lit(span.end))
        value = make(span.standard)
        expr = pl.when(cond).then(value) if expr is None else expr.when(cond).then(value)
    return expr.otherwise(make(standards[0]))


def in_force(date: pl.Expr, make: Callable[[AqiStandard], pl.Expr]) -> pl.Expr:
    """Per row, `make(standard)` of the standard in force on the row's date (--standard auto).

    Rows without a date get the oldest standard.
    """
    expr = None
    for standard in reversed(AQI_STANDARDS[1:]):
        cond = date >= pl.lit(standard.in_force_from)
        expr = pl.when(cond).then(make(standard)) if expr is None else expr.when(cond).then(make(standard))
    first = make(AQI_STANDARDS[0])
    return first if expr is None else expr.otherwise(first)


def level_expr(aqi: pl.Expr) -> pl.Expr:
    expr = None
    for upper, label in _LEVEL_UPPER:
        expr = (pl.when(aqi <= upper) if expr is None else expr.when(aqi <= upper)).then(pl.lit(label))
    return pl.when(aqi.is_null()).then(pl.lit(None, dtype=pl.String)).otherwise(
        expr.otherwise(pl.lit("严重污染"))
    )


def _with_daily_aqi_one(df: pl.DataFrame, standard: AqiStandard) -> pl.DataFrame:
    has_1h = "o3_1h" in df.columns and standard.uses_o3_1h
    o3_1h = pl.col("o3_1h").cast(pl.Float64) if has_1h else None
    indicators = [*SIX, "o3_1h"] if has_1h else list(SIX)
    tmp = {p: f"__iaqi_{p}" for p in indicators}
    # The concentrations the IAQIs are computed from, rounded once as columns (an expression
    # repeated in every segment of a table would be evaluated once per segment).
    given = {p: f"__given_{p}" for p in SIX}
    df = df.with_columns(_rounded_expr(p, pl.col(p).cast(pl.Float64), standard).alias(given[p]) for p in SIX)
    iaqi_cols = [_iaqi_of_rounded(p, pl.col(given[p]), None, standard).alias(tmp[p]) for p in SIX if p != "o3_8h"]
    o3_8h = _iaqi_of_rounded("o3_8h", pl.col(given["o3_8h"]), None, standard)
    if has_1h:
        # O3_8h above the 8-h table has no IAQI of its own where the day has an O3_1h.
        above = pl.col(given["o3_8h"]) > standard.o3_8h_top
        o3_8h = pl.when(above & o3_1h.is_not_null()).then(pl.lit(None, dtype=pl.Int64)).otherwise(o3_8h)
        one_hour = _ceil_int(_segments_expr(o3_1h, standard.breakpoints["o3_1h"]))
        iaqi_cols.append(pl.when(o3_1h.is_not_null()).then(one_hour).alias(tmp["o3_1h"]))
    iaqi_cols.append(o3_8h.alias(tmp["o3_8h"]))
    any_missing = pl.any_horizontal([pl.col(p).is_null() for p in SIX])
    out = df.with_columns(iaqi_cols).with_columns(
        pl.when(any_missing).then(pl.lit(None, dtype=pl.Int64))
        .otherwise(pl.max_horizontal([pl.col(tmp[p]) for p in indicators]))
        .alias("aqi")
    )
    aqi = pl.col("aqi")
    primary = pl.concat_str(
        [pl.when(pl.col(tmp[p]) == aqi).then(pl.lit(p)) for p in indicators],
        separator=",", ignore_nulls=True,
    )
    out = out.with_columns(
        level_expr(aqi).alias("level"),
        pl.when(aqi > 50).then(primary).otherwise(pl.lit(None, dtype=pl.String)).alias("primary"),
    )
    return out.drop([*tmp.values(), *given.values()])


def with_daily_aqi(df: pl.DataFrame, standard: AqiStandard | Plan | str | None = None,
                   name_standard: bool = False) -> pl.DataFrame:
    """Add `aqi` (Int64), `level` (String) and `primary` (String) to a frame of concentrations.

    Needs columns so2, no2, pm10, pm25, co, o3_8h (Float64, null = missing) and
    reads o3_1h when present (where the standard counts it). `aqi` and `level`
    are null when any of the six is null; `primary` lists the top pollutants
    joined by "," when aqi > 50, else null.

    `standard`: one table for every row (an AqiStandard, its option or id); a
    Plan, which computes each row with the standard of its `date` (rows outside
    the plan or without a date: the plan's first standard); "auto": each row
    with the standard in force on its `date`; None: "auto" where the frame has
    a `date` column, else HJ 633—2012. `name_standard` adds a `standard` column
    with the id of the standard each row was computed with.
    """
    if standard is None and "date" in df.columns:
        standard = "auto"
    if isinstance(standard, Plan):
        standards = standard.standards
        choose = partial(by_plan, plan=standard)
    elif standard == "auto":
        standards = list(AQI_STANDARDS)
        choose = in_force
    else:
        chosen = as_standard(standard)
        out = _with_daily_aqi_one(df, chosen)
        return out.with_columns(pl.lit(chosen.id).alias("standard")) if name_standard else out
    if len(standards) == 1:
        return with_daily_aqi(df, standards[0], name_standard)
    index = "__row_order"
    which = "__standard_index"
    framed = df.with_columns(choose(pl.col("date"), make=lambda s: pl.lit(standards.index(s))).alias(which))
    used = framed[which].unique().to_list()
    if len(used) <= 1:  # the usual sheet: every day under one standard (or no rows at all)
        return with_daily_aqi(df, standards[used[0] if used else 0], name_standard)
    framed = framed.with_row_index(index)
    parts = []
    for position, table in enumerate(standards):
        part = framed.filter(pl.col(which) == position).drop(which)
        if part.height:
            part = _with_daily_aqi_one(part, table)
            parts.append(part.with_columns(pl.lit(table.id).alias("standard")) if name_standard else part)
    out = pl.concat(parts, how="vertical") if parts else _with_daily_aqi_one(framed.drop(which), standards[0])
    return out.sort(index).drop(index)


# --- HJ 663-2013 -------------------------------------------------------------------


def _to_decimal(value: Number) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(value)


def percentile(values: Iterable[Number], p: Number) -> Decimal:
    """HJ 663-2013 percentile: k = 1 + (n−1)·p/100, linear between neighbours. Exact.

    Raises ValueError for an empty sequence or p outside 0..100.
    """
    ordered: Sequence[Number] = sorted(values)
    n = len(ordered)
    if n == 0:
        raise ValueError("percentile of no values")
    pf = _exact(p)
    if not 0 <= pf <= 100:
        raise ValueError(f"percentile out of range: {p!r}")
    k = 1 + (n - 1) * pf / 100
    s = math.floor(k)  # 1-based position of the lower neighbour
    low = _exact(ordered[s - 1])
    if s >= n or k == s:
        return _fraction_to_decimal(low)
    high = _exact(ordered[s])
    return _fraction_to_decimal(low + (high - low) * (k - s))


def _fraction_to_decimal(value: Fraction) -> Decimal:
    """Exact Decimal of a fraction whose denominator has only the factors 2 and 5,
    else a 28-digit approximation (never the case for decimal inputs and integer p)."""
    return Decimal(value.numerator) / Decimal(value.denominator)


def half_up_fraction(value: Fraction, decimals: int = 0) -> Decimal:
    """Round an exact fraction half away from zero to `decimals` places."""
    scale = 10 ** decimals
    scaled = abs(value) * scale
    units = math.floor(scaled + Fraction(1, 2))
    if value < 0:
        units = -units
    return Decimal(units).scaleb(-decimals)


def composite_index(so2: Number, no2: Number, pm10: Number, pm25: Number,
                    co_p95: Number, o3_8h_p90: Number) -> Decimal:
    """HJ 663-2013 composite index: Σ Ci/Si, rounded half-up to 2 decimals.

    Pass the published (rounded) figures: annual means of SO2, NO2, PM10, PM2.5,
    the CO 24-h 95th percentile and the O3 daily max 8-h 90th percentile.
    """
    concentrations = {"so2": so2, "no2": no2, "pm10": pm10, "pm25": pm25,
                      "co": co_p95, "o3_8h": o3_8h_p90}
    total = sum(
        (_exact(concentrations[p]) / COMPOSITE_LIMITS[p] for p in POLLUTANTS), Fraction(0)
    )
    return half_up_fraction(total, 2)
