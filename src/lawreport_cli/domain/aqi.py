"""Air quality maths: HJ 633-2012 (AQI) and HJ 663-2013 (assessment).

Pure functions, no I/O. Pollutant keys are used everywhere:
"so2", "no2", "pm10", "pm25", "co" (24-h means), "o3_8h" (daily maximum
8-h mean) and "o3_1h" (daily maximum 1-h value, only for the O3 > 800 rule).
CO is in mg/m³, the others in µg/m³.

Scalar functions use exact arithmetic (Fraction/Decimal), so a concentration
at a breakpoint gives exactly the breakpoint's IAQI. The polars version
(`with_daily_aqi`) works in floats and takes the ceiling of x − 1e-9; it
agrees with the scalar one for any concentration not within ~1e-8 of a
breakpoint (real data have at most a few decimals).
"""
from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from typing import Iterable, Sequence

import polars as pl

# HJ 633-2012 Table 1: IAQI at each breakpoint.
IAQI_BREAKPOINTS: tuple[int, ...] = (0, 50, 100, 150, 200, 300, 400, 500)

# Concentration breakpoints, one per IAQI breakpoint (O3_8h stops at 800 = IAQI 300).
BREAKPOINTS: dict[str, tuple[int, ...]] = {
    "so2": (0, 50, 150, 475, 800, 1600, 2100, 2620),  # 24-h mean, µg/m³
    "no2": (0, 40, 80, 180, 280, 565, 750, 940),  # 24-h mean, µg/m³
    "pm10": (0, 50, 150, 250, 350, 420, 500, 600),  # 24-h mean, µg/m³
    "pm25": (0, 35, 75, 115, 150, 250, 350, 500),  # 24-h mean, µg/m³
    "co": (0, 2, 4, 14, 24, 36, 48, 60),  # 24-h mean, mg/m³
    "o3_8h": (0, 100, 160, 215, 265, 800),  # daily max 8-h mean, µg/m³
    "o3_1h": (0, 160, 200, 300, 400, 800, 1000, 1200),  # 1-h mean, µg/m³
}

# The six pollutants of a daily AQI, in this fixed order (also the order of 首要污染物).
POLLUTANTS: tuple[str, ...] = ("so2", "no2", "pm10", "pm25", "co", "o3_8h")

# HJ 663-2013 annual limits (GB 3095-2012 grade II) used by the composite index.
COMPOSITE_LIMITS: dict[str, int] = {
    "so2": 60, "no2": 40, "pm10": 70, "pm25": 35, "co": 4, "o3_8h": 160,
}

IAQI_CAP = 500
O3_8H_TOP = 800  # above this the O3 IAQI comes from the 1-h table

# Levels (HJ 633 Table 2): upper AQI bound (inclusive) -> label; > 300 is 严重污染.
LEVELS: tuple[str, ...] = ("优", "良", "轻度污染", "中度污染", "重度污染", "严重污染")
_LEVEL_UPPER: tuple[tuple[int, str], ...] = (
    (50, "优"), (100, "良"), (150, "轻度污染"), (200, "中度污染"), (300, "重度污染"),
)

Number = int | float | Decimal | str | Fraction


def _exact(value: Number) -> Fraction:
    """An exact rational for a concentration; a float is read through its repr."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"not a finite concentration: {value!r}")
        return Fraction(Decimal(repr(value)))
    if isinstance(value, (int, Decimal)):
        return Fraction(value)
    return Fraction(Decimal(str(value).strip()))


def _table_for(pollutant: str) -> tuple[int, ...]:
    try:
        return BREAKPOINTS[pollutant]
    except KeyError:
        raise ValueError(f"unknown pollutant: {pollutant!r}") from None


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


def iaqi(pollutant: str, concentration: Number) -> int:
    """HJ 633-2012 individual AQI, rounded up to an integer, capped at 500.

    For "o3_8h" above 800 the 1-h table is used with the same value (the
    fallback when the day's O3_1h is unknown; `daily_aqi` takes the O3_1h).
    """
    table = _table_for(pollutant)
    c = _exact(concentration)
    if pollutant == "o3_8h" and c > O3_8H_TOP:
        table = BREAKPOINTS["o3_1h"]
    return _iaqi_exact(table, c)


def is_off_scale(pollutant: str, concentration: Number) -> bool:
    """True beyond the top of the pollutant's table (IAQI capped at 500).

    O3_8h above 800 is not off scale by itself: it goes to the 1-h table, so it
    is off scale only beyond that table's top (1200).
    """
    table = _table_for(pollutant)
    if pollutant == "o3_8h":
        table = BREAKPOINTS["o3_1h"]
    return _exact(concentration) > table[-1]


def _o3_iaqi(o3_8h: Number, o3_1h: Number | None) -> int:
    c8 = _exact(o3_8h)
    if c8 > O3_8H_TOP:
        return _iaqi_exact(BREAKPOINTS["o3_1h"], _exact(o3_1h) if o3_1h is not None else c8)
    return _iaqi_exact(BREAKPOINTS["o3_8h"], c8)


def iaqis(so2: Number, no2: Number, pm10: Number, pm25: Number, co: Number,
          o3_8h: Number, o3_1h: Number | None = None) -> dict[str, int]:
    """The six IAQIs of one day, keyed by pollutant (POLLUTANTS order)."""
    return {
        "so2": iaqi("so2", so2),
        "no2": iaqi("no2", no2),
        "pm10": iaqi("pm10", pm10),
        "pm25": iaqi("pm25", pm25),
        "co": iaqi("co", co),
        "o3_8h": _o3_iaqi(o3_8h, o3_1h),
    }


def daily_aqi(so2: Number, no2: Number, pm10: Number, pm25: Number, co: Number,
              o3_8h: Number, o3_1h: Number | None = None) -> int:
    """AQI of one day: the largest of the six IAQIs."""
    return max(iaqis(so2, no2, pm10, pm25, co, o3_8h, o3_1h).values())


def level(aqi: int) -> str:
    """Air quality level (HJ 633 Table 2) of an AQI."""
    for upper, label in _LEVEL_UPPER:
        if aqi <= upper:
            return label
    return "严重污染"


def primary_pollutants(so2: Number, no2: Number, pm10: Number, pm25: Number, co: Number,
                       o3_8h: Number, o3_1h: Number | None = None) -> list[str]:
    """首要污染物: the pollutant(s) with the largest IAQI when AQI > 50, else []."""
    values = iaqis(so2, no2, pm10, pm25, co, o3_8h, o3_1h)
    top = max(values.values())
    if top <= 50:
        return []
    return [p for p in POLLUTANTS if values[p] == top]


# --- vectorized (polars) -------------------------------------------------------

_EPS = 1e-9


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


def iaqi_expr(pollutant: str, c: pl.Expr, o3_1h: pl.Expr | None = None) -> pl.Expr:
    """Polars expression: the IAQI (Int64) of column expression `c`; null stays null."""
    table = _table_for(pollutant)
    if pollutant == "o3_8h":
        one_hour = c if o3_1h is None else pl.coalesce(o3_1h, c)
        beyond = _segments_expr(one_hour, BREAKPOINTS["o3_1h"])
        return _ceil_int(_segments_expr(c, table, otherwise=beyond))
    return _ceil_int(_segments_expr(c, table))


def level_expr(aqi: pl.Expr) -> pl.Expr:
    expr = None
    for upper, label in _LEVEL_UPPER:
        expr = (pl.when(aqi <= upper) if expr is None else expr.when(aqi <= upper)).then(pl.lit(label))
    return pl.when(aqi.is_null()).then(pl.lit(None, dtype=pl.String)).otherwise(
        expr.otherwise(pl.lit("严重污染"))
    )


def with_daily_aqi(df: pl.DataFrame) -> pl.DataFrame:
    """Add `aqi` (Int64), `level` (String) and `primary` (String) to a frame of concentrations.

    Needs columns so2, no2, pm10, pm25, co, o3_8h (Float64, null = missing) and
    reads o3_1h when present. `aqi` and `level` are null when any of the six is
    null; `primary` lists the top pollutants joined by "," when aqi > 50, else null.
    """
    o3_1h = pl.col("o3_1h").cast(pl.Float64) if "o3_1h" in df.columns else None
    tmp = {p: f"__iaqi_{p}" for p in POLLUTANTS}
    iaqi_cols = [
        iaqi_expr(p, pl.col(p).cast(pl.Float64), o3_1h if p == "o3_8h" else None).alias(tmp[p])
        for p in POLLUTANTS
    ]
    any_missing = pl.any_horizontal([pl.col(p).is_null() for p in POLLUTANTS])
    out = df.with_columns(iaqi_cols).with_columns(
        pl.when(any_missing).then(pl.lit(None, dtype=pl.Int64))
        .otherwise(pl.max_horizontal([pl.col(tmp[p]) for p in POLLUTANTS]))
        .alias("aqi")
    )
    aqi = pl.col("aqi")
    primary = pl.concat_str(
        [pl.when(pl.col(tmp[p]) == aqi).then(pl.lit(p)) for p in POLLUTANTS],
        separator=",", ignore_nulls=True,
    )
    out = out.with_columns(
        level_expr(aqi).alias("level"),
        pl.when(aqi > 50).then(primary).otherwise(pl.lit(None, dtype=pl.String)).alias("primary"),
    )
    return out.drop(list(tmp.values()))


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
