"""HJ 633-2012 IAQI/AQI and HJ 663-2013 percentile/composite index.

Every expected value is worked by hand from the standard's Table 1:
IAQI = (IAQI_hi - IAQI_lo) / (BP_hi - BP_lo) * (C - BP_lo) + IAQI_lo, rounded UP,
a breakpoint belongs to the lower segment, beyond the table's top: 500.
"""
from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest

from lawreport_cli.domain.aqi import (
    BREAKPOINTS,
    POLLUTANTS,
    composite_index,
    daily_aqi,
    iaqi,
    iaqi_expr,
    is_off_scale,
    level,
    percentile,
    primary_pollutants,
    with_daily_aqi,
)

# The standard's table, written out independently of the module.
HJ633_TABLE = {
    "so2": (0, 50, 150, 475, 800, 1600, 2100, 2620),
    "no2": (0, 40, 80, 180, 280, 565, 750, 940),
    "pm10": (0, 50, 150, 250, 350, 420, 500, 600),
    "pm25": (0, 35, 75, 115, 150, 250, 350, 500),
    "co": (0, 2, 4, 14, 24, 36, 48, 60),
    "o3_8h": (0, 100, 160, 215, 265, 800),
    "o3_1h": (0, 160, 200, 300, 400, 800, 1000, 1200),
}


def test_breakpoint_table_is_the_standards():
    assert BREAKPOINTS == HJ633_TABLE


@pytest.mark.parametrize("pollutant, bps", sorted(HJ633_TABLE.items()))
def test_every_breakpoint_gives_exactly_its_iaqi(pollutant, bps):
    iaqis = (0, 50, 100, 150, 200, 300, 400, 500)
    for bp, expected in zip(bps, iaqis):
        assert iaqi(pollutant, bp) == expected, (pollutant, bp)
        assert iaqi(pollutant, float(bp)) == expected, (pollutant, bp)


CASES = [
    # SO2: slopes 1, 1/2, 2/13, 2/13, 1/8, 1/5, 5/26
    ("so2", 1, 1),
    ("so2", 49.5, 50),  # 49.5 -> up
    ("so2", 50, 50),
    ("so2", 51, 51),  # 50 + 1*0.5 = 50.5 -> 51
    ("so2", 150, 100),
    ("so2", 151, 101),  # 100 + 2/13 -> 101
    ("so2", 300, 124),  # 100 + 150*2/13 = 123.08 -> 124
    ("so2", 475, 150),
    ("so2", 476, 151),
    ("so2", 800, 200),
    ("so2", 801, 201),  # 200.125
    ("so2", 1600, 300),
    ("so2", 1601, 301),  # 300.2
    ("so2", 2100, 400),
    ("so2", 2101, 401),  # 400.19
    ("so2", 2620, 500),
    ("so2", 2620.1, 500),  # beyond the top: capped
    ("so2", 5000, 500),
    # NO2: slopes 5/4, 5/4, 1/2, 1/2, 100/285, 100/185, 100/190
    ("no2", 20, 25),
    ("no2", 39.9, 50),  # 49.875 -> 50
    ("no2", 40, 50),
    ("no2", 40.1, 51),  # 50.125
    ("no2", 60, 75),  # 50 + 20*1.25 = 75 exactly
    ("no2", 61, 77),  # 76.25 -> 77
    ("no2", 80, 100),
    ("no2", 81, 101),  # 100.5
    ("no2", 180, 150),
    ("no2", 181, 151),
    ("no2", 280, 200),
    ("no2", 281, 201),  # 200.35
    ("no2", 565, 300),
    ("no2", 566, 301),  # 300.54
    ("no2", 750, 400),
    ("no2", 751, 401),  # 400.53
    ("no2", 940, 500),
    ("no2", 941, 500),
    # PM10: slopes 1, 1/2, 1/2, 1/2, 100/70, 100/80, 1
    ("pm10", 50, 50),
    ("pm10", 50.1, 51),  # 50.05
    ("pm10", 100, 75),
    ("pm10", 101, 76),  # 75.5
    ("pm10", 150, 100),
    ("pm10", 151, 101),
    ("pm10", 250, 150),
    ("pm10", 350, 200),
    ("pm10", 351, 202),  # 201.43
    ("pm10", 420, 300),
    ("pm10", 421, 302),  # 301.25
    ("pm10", 500, 400),
    ("pm10", 501, 401),
    ("pm10", 600, 500),
    ("pm10", 601, 500),
    # PM2.5: slopes 10/7, 5/4, 5/4, 10/7, 1, 1, 2/3
    ("pm25", 7, 10),  # 7 * 10/7 = 10 exactly
    ("pm25", 7.1, 11),  # 10.14
    ("pm25", 34.9, 50),  # 49.857
    ("pm25", 35, 50),
    ("pm25", 35.1, 51),  # 50.125
    ("pm25", 55, 75),
    ("pm25", 75, 100),
    ("pm25", 75.1, 101),  # 100.125
    ("pm25", 115, 150),
    ("pm25", 115.1, 151),  # 150.14
    ("pm25", 150, 200),
    ("pm25", 150.5, 201),  # 200.5
    ("pm25", 250, 300),
    ("pm25", 251, 301),
    ("pm25", 350, 400),
    ("pm25", 351, 401),  # 400.67
    ("pm25", 500, 500),
    ("pm25", 500.1, 500),
    # CO (mg/m³): slopes 25, 25, 5, 5, 25/3, 25/3, 25/3
    ("co", 0.3, 8),  # 7.5
    ("co", 0.8, 20),
    ("co", 1.2, 30),  # exactly 30, although 1.2 * 25 is not exact in binary
    ("co", 1.9, 48),  # 47.5
    ("co", 2, 50),
    ("co", 2.1, 53),  # 52.5
    ("co", 4, 100),
    ("co", 4.1, 101),  # 100.5
    ("co", 14, 150),
    ("co", 14.1, 151),
    ("co", 24, 200),
    ("co", 24.1, 201),  # 200.83
    ("co", 36, 300),
    ("co", 36.1, 301),
    ("co", 48, 400),
    ("co", 60, 500),
    ("co", 60.1, 500),
    # O3 8-h: slopes 1/2, 5/6, 10/11, 1, 100/535; > 800 -> 1-h table
    ("o3_8h", 100, 50),
    ("o3_8h", 101, 51),  # 50.83
    ("o3_8h", 160, 100),
    ("o3_8h", 161, 101),  # 100.91
    ("o3_8h", 215, 150),
    ("o3_8h", 216, 151),
    ("o3_8h", 265, 200),
    ("o3_8h", 266, 201),  # 200.19
    ("o3_8h", 800, 300),
    ("o3_8h", 801, 301),  # 1-h table, 300 + 1*0.5 = 300.5
    ("o3_8h", 900, 350),  # 1-h table: 300 + 100*0.5
    ("o3_8h", 1000, 400),
    ("o3_8h", 1001, 401),  # 400.5
    ("o3_8h", 1200, 500),
    ("o3_8h", 1201, 500),
    # O3 1-h: slopes 5/16, 5/4, 1/2, 1/2, 1/4, 1/2, 1/2
    ("o3_1h", 80, 25),
    ("o3_1h", 160, 50),
    ("o3_1h", 161, 52),  # 51.25
    ("o3_1h", 200, 100),
    ("o3_1h", 201, 101),  # 100 + 1*0.5 = 100.5
    ("o3_1h", 300, 150),
    ("o3_1h", 301, 151),
    ("o3_1h", 400, 200),
    ("o3_1h", 401, 201),  # 200.25
    ("o3_1h", 800, 300),
    ("o3_1h", 801, 301),
    ("o3_1h", 1000, 400),
    ("o3_1h", 1200, 500),
    ("o3_1h", 1300, 500),
]


@pytest.mark.parametrize("pollutant, concentration, expected", CASES)
def test_iaqi_by_hand(pollutant, concentration, expected):
    assert iaqi(pollutant, concentration) == expected


@pytest.mark.parametrize("pollutant, concentration, expected", CASES)
def test_iaqi_takes_decimal_and_text(pollutant, concentration, expected):
    assert iaqi(pollutant, Decimal(str(concentration))) == expected
    assert iaqi(pollutant, str(concentration)) == expected


def test_iaqi_rejects_unknown_and_negative():
    with pytest.raises(ValueError):
        iaqi("pm1", 10)
    with pytest.raises(ValueError):
        iaqi("pm25", -1)


# Clean day: IAQIs so2 5 -> 5, no2 20 -> 25, pm10 40 -> 40, pm25 20 -> 28.57 -> 29, co 0.5 -> 12.5 -> 13
CLEAN = dict(so2=5, no2=20, pm10=40, pm25=20, co=0.5)


def test_o3_above_800_uses_the_1h_table():
    # Without O3_1h the 8-h value goes into the 1-h table: 900 -> 300 + 100*0.5 = 350.
    assert daily_aqi(**CLEAN, o3_8h=900) == 350
    assert daily_aqi(**CLEAN, o3_8h=900, o3_1h=None) == 350
    # With O3_1h 1100: 400 + 100*0.5 = 450.
    assert daily_aqi(**CLEAN, o3_8h=900, o3_1h=1100) == 450
    # With O3_1h 500 (inconsistent, but the rule says use it): 200 + 100*0.25 = 225.
    assert daily_aqi(**CLEAN, o3_8h=900, o3_1h=500) == 225
    # At 800 the 8-h table still applies (300), and O3_1h is the seventh indicator
    # (HJ 633-2012 §5.1.2): 1100 -> 450 is the larger.
    assert daily_aqi(**CLEAN, o3_8h=800, o3_1h=1100) == 450
    assert daily_aqi(**CLEAN, o3_8h=800, o3_1h=180) == 300  # 1-h 180 -> 75
    # Above 800 O3_8h has no IAQI of its own: the O3 IAQI is the O3_1h one.
    assert primary_pollutants(**CLEAN, o3_8h=900, o3_1h=1100) == ["o3_1h"]
    assert primary_pollutants(**CLEAN, o3_8h=900) == ["o3_8h"]


def test_aqi_is_capped_at_500():
    assert daily_aqi(so2=3000, no2=20, pm10=40, pm25=20, co=0.5, o3_8h=60) == 500
    assert daily_aqi(**CLEAN, o3_8h=900, o3_1h=1500) == 500


def test_daily_aqi_is_the_largest_iaqi():
    # pm25 80 -> 100 + 5*1.25 = 106.25 -> 107; o3 60 -> 30
    assert daily_aqi(so2=5, no2=20, pm10=40, pm25=80, co=0.5, o3_8h=60) == 107
    assert daily_aqi(so2=5, no2=20, pm10=40, pm25=20, co=0.5, o3_8h=60) == 40  # pm10


@pytest.mark.parametrize("aqi, expected", [
    (0, "优"), (50, "优"), (51, "良"), (100, "良"), (101, "轻度污染"), (150, "轻度污染"),
    (151, "中度污染"), (200, "中度污染"), (201, "重度污染"), (300, "重度污染"),
    (301, "严重污染"), (500, "严重污染"),
])
def test_levels(aqi, expected):
    assert level(aqi) == expected


def test_primary_pollutants():
    # AQI 40 (pm10) <= 50: none
    assert primary_pollutants(**CLEAN, o3_8h=60) == []
    # pm25 35 -> exactly 50: AQI 50, still none
    assert primary_pollutants(so2=5, no2=20, pm10=40, pm25=35, co=0.5, o3_8h=60) == []
    # pm25 80 -> 107
    assert primary_pollutants(so2=5, no2=20, pm10=40, pm25=80, co=0.5, o3_8h=60) == ["pm25"]
    # tie: pm10 150 -> 100 and pm25 75 -> 100
    assert primary_pollutants(so2=5, no2=20, pm10=150, pm25=75, co=0.5, o3_8h=60) == ["pm10", "pm25"]
    # tie: no2 80 -> 100 and co 4 -> 100 (pm25 20 -> 29)
    assert primary_pollutants(so2=5, no2=80, pm10=40, pm25=20, co=4, o3_8h=60) == ["no2", "co"]
    # tie of three at 51: so2 51 -> 50.5, pm10 50.1 -> 50.05, o3 101 -> 50.83, all -> 51
    assert primary_pollutants(so2=51, no2=20, pm10=50.1, pm25=20, co=0.5, o3_8h=101) == [
        "so2", "pm10", "o3_8h"]


def test_off_scale():
    assert not is_off_scale("pm25", 500)
    assert is_off_scale("pm25", 500.1)
    assert not is_off_scale("co", 60)
    assert is_off_scale("co", 60.5)
    assert not is_off_scale("so2", 2620)
    assert is_off_scale("so2", 2621)
    # O3_8h above 800 goes to the 1-h table, whose top is 1200
    assert not is_off_scale("o3_8h", 900)
    assert not is_off_scale("o3_8h", 1200)
    assert is_off_scale("o3_8h", 1200.5)
    assert is_off_scale("o3_1h", 1201)


# --- vectorized version agrees with the scalar one -----------------------------------


def _grid(pollutant: str) -> list[float]:
    """Around every breakpoint (and of the 1-h table for O3_8h) plus a fine sweep."""
    points = set(HJ633_TABLE[pollutant])
    if pollutant == "o3_8h":
        points |= set(HJ633_TABLE["o3_1h"])
    values = set()
    for bp in points:
        for offset in (-1, -0.5, -0.1, -0.05, -0.01, -0.001, 0, 0.001, 0.01, 0.05, 0.1, 0.5, 1):
            value = round(bp + offset, 3)
            if value >= 0:
                values.add(value)
    top = max(points)
    step = 0.01 if pollutant == "co" else 0.1
    values |= {round(i * step, 3) for i in range(int((top + 5) / step) + 1)}
    return sorted(values)


@pytest.mark.parametrize("pollutant", [*POLLUTANTS, "o3_1h"])
def test_iaqi_expr_agrees_with_scalar(pollutant):
    values = _grid(pollutant)
    frame = pl.DataFrame({"c": values}, schema={"c": pl.Float64})
    got = frame.select(iaqi_expr(pollutant, pl.col("c")).alias("i"))["i"].to_list()
    expected = [iaqi(pollutant, v) for v in values]
    mismatches = [(v, g, e) for v, g, e in zip(values, got, expected) if g != e]
    assert not mismatches, mismatches[:10]


def test_with_daily_aqi_agrees_with_scalar():
    rows = []
    grids = {p: _grid(p) for p in POLLUTANTS}
    # Walk every pollutant's grid with the others at clean values, then mix them.
    base = dict(so2=5.0, no2=20.0, pm10=40.0, pm25=20.0, co=0.5, o3_8h=60.0, o3_1h=None)
    for p in POLLUTANTS:
        for v in grids[p][::7]:
            rows.append({**base, p: v})
    for i in range(3000):
        row = {p: grids[p][(i * (17 + 3 * j)) % len(grids[p])] for j, p in enumerate(POLLUTANTS)}
        row["o3_1h"] = None if i % 3 else grids["o3_8h"][(i * 13) % len(grids["o3_8h"])]
        rows.append(row)
    frame = pl.DataFrame(rows, schema={**{p: pl.Float64 for p in POLLUTANTS}, "o3_1h": pl.Float64})
    out = with_daily_aqi(frame)
    assert out.columns == [*frame.columns, "aqi", "level", "primary"]
    assert out.schema["aqi"] == pl.Int64 and out.schema["level"] == pl.String
    for row in out.iter_rows(named=True):
        args = {p: row[p] for p in POLLUTANTS}
        aqi = daily_aqi(**args, o3_1h=row["o3_1h"])
        primary = primary_pollutants(**args, o3_1h=row["o3_1h"])
        assert row["aqi"] == aqi, row
        assert row["level"] == level(aqi), row
        assert row["primary"] == (",".join(primary) if primary else None), row


def test_with_daily_aqi_missing_values_and_no_o3_1h_column():
    frame = pl.DataFrame(
        {
            "so2": [5.0, None, 5.0, 5.0],
            "no2": [20.0, 20.0, 80.0, 20.0],
            "pm10": [40.0, 40.0, 150.0, 40.0],
            "pm25": [35.1, 20.0, 75.0, 20.0],
            "co": [0.5, 0.5, 0.5, 0.5],
            "o3_8h": [60.0, 60.0, 60.0, 900.0],
        }
    )
    out = with_daily_aqi(frame)
    # row 0: pm25 35.1 -> 51 良; row 1: SO2 missing; row 2: no2/pm10/pm25 all 100;
    # row 3: O3_8h 900 without an O3_1h column -> 1-h table -> 350
    assert out["aqi"].to_list() == [51, None, 100, 350]
    assert out["level"].to_list() == ["良", None, "良", "严重污染"]
    assert out["primary"].to_list() == ["pm25", None, "no2,pm10,pm25", "o3_8h"]


def test_with_daily_aqi_null_o3_1h_falls_back_to_o3_8h():
    frame = pl.DataFrame(
        {"so2": [5.0] * 3, "no2": [20.0] * 3, "pm10": [40.0] * 3, "pm25": [20.0] * 3,
         "co": [0.5] * 3, "o3_8h": [900.0, 900.0, 700.0], "o3_1h": [1100.0, None, 1100.0]}
    )
    # 1100 -> 450; null -> 900 in the 1-h table -> 350; 700 <= 800 -> 8-h table:
    # 200 + 435 * 100/535 = 281.3 -> 282, but O3_1h 1100 is the seventh indicator -> 450
    assert with_daily_aqi(frame)["aqi"].to_list() == [450, 350, 450]
    assert with_daily_aqi(frame)["primary"].to_list() == ["o3_1h", "o3_8h", "o3_1h"]


# --- HJ 663-2013 -----------------------------------------------------------------------


def test_percentile_n10():
    values = [7, 3, 10, 1, 5, 9, 2, 8, 4, 6]
    # k = 1 + 9 * 0.95 = 9.55: 9 + (10 - 9) * 0.55
    assert percentile(values, 95) == Decimal("9.55")
    # k = 1 + 9 * 0.90 = 9.1
    assert percentile(values, 90) == Decimal("9.1")
    # k = 1 + 9 * 0.5 = 5.5
    assert percentile(values, 50) == Decimal("5.5")
    assert percentile(values, 0) == 1
    assert percentile(values, 100) == 10


def test_percentile_is_exact_with_decimals():
    co = [0.4, 0.9, 0.6, 1.2, 0.8, 1.0, 0.7, 1.5, 0.5, 1.1]
    # sorted: 0.4 0.5 0.6 0.7 0.8 0.9 1.0 1.1 1.2 1.5; k = 9.55: 1.2 + 0.3 * 0.55 = 1.365 exactly
    assert percentile(co, 95) == Decimal("1.365")
    # k = 9.1: 1.2 + 0.3 * 0.1 = 1.23
    assert percentile(co, 90) == Decimal("1.23")


def test_percentile_one_value_and_a_year():
    assert percentile([42], 90) == 42
    # n = 365: k = 1 + 364 * 0.9 = 328.6 -> 328 + 0.6
    assert percentile(range(1, 366), 90) == Decimal("328.6")
    # k = 1 + 364 * 0.95 = 346.8
    assert percentile(range(1, 366), 95) == Decimal("346.8")
    with pytest.raises(ValueError):
        percentile([], 90)


def test_composite_index_by_hand():
    # 7/60 + 30/40 + 60/70 + 35/35 + 1.2/4 + 160/160
    # = 0.116667 + 0.75 + 0.857143 + 1 + 0.3 + 1 = 4.02381 -> 4.02
    assert composite_index(7, 30, 60, 35, Decimal("1.2"), 160) == Decimal("4.02")
    # 3/60 + 2/40 + 7/70 + 7/35 + 0.1/4 + 16/160 = .05 + .05 + .1 + .2 + .025 + .1 = 0.525
    # half-up -> 0.53 (banker's rounding would give 0.52)
    result = composite_index(3, 2, 7, 7, Decimal("0.1"), 16)
    assert result == Decimal("0.53")
    assert str(result) == "0.53"
