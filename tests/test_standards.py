"""The air standards as data: HJ 633—2012 and HJ 633—2026, HJ 663-2013's Si, the registry by date.

Every expected value is worked by hand from the standards' tables:
IAQI = (IAQI_hi - IAQI_lo) / (BP_hi - BP_lo) * (C - BP_lo) + IAQI_lo, rounded UP;
a breakpoint belongs to the lower segment.

  HJ 633—2012 PM2.5: 0, 35, 75, 115, 150, 250, 350, 500    PM10: 0, 50, 150, 250, 350, 420, 500, 600
  HJ 633—2026 PM2.5: 0, 35, 60, 115, 150, 250, 350, 500    PM10: 0, 50, 120, 250, 350, 420, 500, 600
  O3_8h (both): 0, 100, 160, 215, 265, 800      O3_1h (2012 only): 0, 160, 200, 300, 400, 800, 1000, 1200
  CO (both): 0, 2, 4, 14, 24, 36, 48, 60 mg/m³

A clean day used below (IAQI in both standards): SO2 5 -> 5, NO2 20 -> 25, PM10 40 -> 40,
PM2.5 20 -> 20*50/35 = 28.6 -> 29, CO 0.5 -> 12.5 -> 13, O3_8h 60 -> 30; AQI 40 (PM10).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import polars as pl
import pytest

from lawreport_cli.domain.aqi import (
    COMPOSITE_LIMITS, daily_aqi, iaqi, iaqi_expr, iaqis, is_off_scale, primary_pollutants, rounded, with_daily_aqi,
)
from lawreport_cli.domain.standards import (
    AQI_STANDARDS, BY_OPTION, HJ633_2012, HJ633_2026, HJ663_2013, STANDARD_CHOICES, forced, like_for_like, plan_for,
    same_date_in, standard_on, title_of,
)

D = dt.date
CLEAN = dict(so2=5, no2=20, pm10=40, pm25=20, co=0.5)

# The tables written out again from the standards, independently of the module.
TABLE_2012 = {
    "so2": (0, 50, 150, 475, 800, 1600, 2100, 2620),
    "no2": (0, 40, 80, 180, 280, 565, 750, 940),
    "pm10": (0, 50, 150, 250, 350, 420, 500, 600),
    "pm25": (0, 35, 75, 115, 150, 250, 350, 500),
    "co": (0, 2, 4, 14, 24, 36, 48, 60),
    "o3_8h": (0, 100, 160, 215, 265, 800),
    "o3_1h": (0, 160, 200, 300, 400, 800, 1000, 1200),
}
TABLE_2026 = {  # Table 3: PM10 at IAQI 100 is 120 (was 150), PM2.5 60 (was 75); O3_1h not used
    "so2": (0, 50, 150, 475, 800, 1600, 2100, 2620),
    "no2": (0, 40, 80, 180, 280, 565, 750, 940),
    "pm10": (0, 50, 120, 250, 350, 420, 500, 600),
    "pm25": (0, 35, 60, 115, 150, 250, 350, 500),
    "co": (0, 2, 4, 14, 24, 36, 48, 60),
    "o3_8h": (0, 100, 160, 215, 265, 800),
}


# --- the tables ---------------------------------------------------------------------------

def test_tables_are_the_standards():
    assert dict(HJ633_2012.breakpoints) == TABLE_2012
    assert dict(HJ633_2026.breakpoints) == TABLE_2026
    assert HJ633_2012.id == "HJ 633-2012" and HJ633_2026.id == "HJ 633-2026"
    assert HJ633_2026.in_force_from == D(2026, 3, 1)
    assert HJ633_2012.indicators == ("so2", "no2", "pm10", "pm25", "co", "o3_8h", "o3_1h")
    assert HJ633_2026.indicators == ("so2", "no2", "pm10", "pm25", "co", "o3_8h")
    assert HJ633_2012.rounding is None
    assert dict(HJ633_2026.rounding) == {"so2": 0, "no2": 0, "pm10": 0, "pm25": 0, "co": 1, "o3_8h": 0}
    assert AQI_STANDARDS == (HJ633_2012, HJ633_2026)
    assert STANDARD_CHOICES == ("auto", "2012", "2026")
    assert BY_OPTION == {"2012": HJ633_2012, "2026": HJ633_2026}


def test_hj663_si_are_pinned_at_2013():
    assert HJ663_2013.id == "HJ 663-2013"
    assert dict(HJ663_2013.composite_limits) == {"so2": 60, "no2": 40, "pm10": 70, "pm25": 35, "co": 4, "o3_8h": 160}
    assert COMPOSITE_LIMITS == dict(HJ663_2013.composite_limits)


@pytest.mark.parametrize("pollutant, bps", sorted(TABLE_2026.items()))
def test_every_2026_breakpoint_gives_exactly_its_iaqi(pollutant, bps):
    for bp, expected in zip(bps, (0, 50, 100, 150, 200, 300, 400, 500)):
        assert iaqi(pollutant, bp, HJ633_2026) == expected, (pollutant, bp)


# --- the worked values of the issue --------------------------------------------------------

@pytest.mark.parametrize("pollutant, concentration, standard, expected", [
    ("pm25", 60, HJ633_2026, 100),  # a breakpoint of Table 3
    ("pm25", 60, HJ633_2012, 82),  # 50 + (60-35)*50/40 = 81.25 -> 82
    ("pm25", 61, HJ633_2026, 101),  # 100 + 1*50/55 = 100.9 -> 101
    ("pm10", 130, HJ633_2026, 104),  # 100 + 10*50/130 = 103.8 -> 104
    ("pm10", 130, HJ633_2012, 90),  # 50 + 80*50/100 = 90
    ("pm25", 60.5, HJ633_2026, 100),  # rounds to 60 (half to even) -> 100
    ("pm25", 60.5, HJ633_2012, 82),  # as given: 50 + 25.5*1.25 = 81.875 -> 82
    ("pm25", 61.5, HJ633_2026, 102),  # rounds to 62: 100 + 2*50/55 = 101.8 -> 102
    ("pm25", 60.51, HJ633_2026, 101),  # rounds to 61 -> 101
    ("pm25", "60.5", HJ633_2026, 100),  # text as written
    ("pm25", Decimal("59.5"), HJ633_2026, 100),  # rounds to 60 (even)
    ("pm25", 70, HJ633_2012, 94),  # 50 + 35*1.25 = 93.75 -> 94 (良)
    ("pm25", 70, HJ633_2026, 110),  # 100 + 10*50/55 = 109.1 -> 110 (轻度污染)
    ("pm10", 121, HJ633_2026, 101),  # 100 + 50/130 = 100.4 -> 101
    ("pm25", 115, HJ633_2026, 150),  # unchanged from 2012
    ("o3_8h", 850, HJ633_2026, 300),  # above the 8-h table: 300
    ("o3_8h", 1500, HJ633_2026, 300),
    ("o3_8h", 850, HJ633_2012, 325),  # 2012: the 1-h table, 300 + 50*100/200 = 325
    ("o3_8h", 800, HJ633_2026, 300),
    ("o3_8h", 180, HJ633_2026, 119),  # 100 + 20*50/55 = 118.2 -> 119
    ("co", 2.25, HJ633_2026, 55),  # rounds to 2.2 (even): 50 + 0.2*25 = 55
    ("co", 2.25, HJ633_2012, 57),  # as given: 50 + 0.25*25 = 56.25 -> 57
    ("co", 2.35, HJ633_2026, 60),  # rounds to 2.4: 50 + 0.4*25 = 60
    ("co", 0.15, HJ633_2026, 5),  # the float 0.1499… is written 0.15 -> 0.2 -> 5
    ("co", 0.15, HJ633_2012, 4),  # 0.15*25 = 3.75 -> 4
])
def test_worked_iaqi(pollutant, concentration, standard, expected):
    assert iaqi(pollutant, concentration, standard) == expected


@pytest.mark.parametrize("value, decimals_of, expected", [
    (60.5, "pm25", Fraction(60)), (61.5, "pm25", Fraction(62)), (60.51, "pm25", Fraction(61)),
    (59.49, "pm25", Fraction(59)), ("0.05", "co", Fraction(0)), (0.25, "co", Fraction(2, 10)),
    (0.35, "co", Fraction(4, 10)), (1.449, "co", Fraction(14, 10)), (7, "so2", Fraction(7)),
])
def test_gb_t_8170_rounding_half_to_even_on_the_written_value(value, decimals_of, expected):
    assert rounded(decimals_of, value, HJ633_2026) == expected
    assert rounded(decimals_of, value, HJ633_2012) == Fraction(Decimal(str(value)))  # 2012: as given


def test_the_2012_day_with_seven_indicators():
    # O3_1h 250: 100 + (250-200)*50/100 = 125; O3_8h 180: 119; the rest clean -> AQI 125 (O3_1h).
    day = dict(CLEAN, o3_8h=180, o3_1h=250)
    assert iaqis(**day, standard=HJ633_2012) == {"so2": 5, "no2": 25, "pm10": 40, "pm25": 29, "co": 13,
                                                 "o3_8h": 119, "o3_1h": 125}
    assert daily_aqi(**day, standard=HJ633_2012) == 125
    assert primary_pollutants(**day, standard=HJ633_2012) == ["o3_1h"]
    # HJ 633—2026: six indicators, O3_1h not used -> O3_8h 119.
    assert daily_aqi(**day, standard=HJ633_2026) == 119
    assert primary_pollutants(**day, standard=HJ633_2026) == ["o3_8h"]
    # Without an O3_1h value, 2012 has six too.
    assert daily_aqi(**dict(CLEAN, o3_8h=180), standard=HJ633_2012) == 119


def test_o3_above_800_in_each_standard():
    # 2012 with O3_1h 1100: O3_8h has no IAQI of its own; 1-h 1100 -> 400 + 100*100/200 = 450.
    assert iaqis(**CLEAN, o3_8h=900, o3_1h=1100, standard=HJ633_2012).get("o3_8h") is None
    assert daily_aqi(**CLEAN, o3_8h=900, o3_1h=1100, standard=HJ633_2012) == 450
    # 2012, O3_1h blank: 900 in the 1-h table -> 300 + 100*100/200 = 350.
    assert daily_aqi(**CLEAN, o3_8h=900, standard=HJ633_2012) == 350
    # 2026: 300, whatever O3_1h says.
    assert daily_aqi(**CLEAN, o3_8h=900, o3_1h=1100, standard=HJ633_2026) == 300
    assert daily_aqi(**CLEAN, o3_8h=850, standard=HJ633_2026) == 300


def test_off_scale_is_the_top_of_the_days_table():
    assert is_off_scale("pm25", 500.4, HJ633_2012)
    assert not is_off_scale("pm25", 500.4, HJ633_2026)  # rounds to 500
    assert not is_off_scale("pm25", 500.5, HJ633_2026)  # half to even: 500
    assert is_off_scale("pm25", 500.6, HJ633_2026)
    assert iaqi("pm25", 500.6, HJ633_2026) == 500
    assert is_off_scale("o3_8h", 1300, HJ633_2012)  # beyond the 1-h table
    assert not is_off_scale("o3_8h", 1300, HJ633_2026)  # 300, never capped
    assert not is_off_scale("o3_1h", 1300, HJ633_2026)  # not an indicator of 2026
    assert is_off_scale("o3_1h", 1300, HJ633_2012)


def test_a_standard_by_its_option_or_id():
    day = dict(CLEAN, o3_8h=180, o3_1h=250)
    assert daily_aqi(**day, standard="2026") == daily_aqi(**day, standard="HJ 633-2026") == 119
    assert daily_aqi(**day, standard="2012") == 125
    with pytest.raises(ValueError):
        daily_aqi(**day, standard="HJ 633-2019")


def test_2026_has_no_o3_1h_table():
    with pytest.raises(ValueError):
        iaqi("o3_1h", 100, HJ633_2026)


# --- the vectorised version agrees with the scalar one, rounding included ----------------

def _grid_2026(pollutant: str) -> list[float]:
    points = set(TABLE_2026[pollutant])
    values = set()
    step = 0.05 if pollutant == "co" else 0.5  # lands on the ties of GB/T 8170
    for bp in points:
        for k in range(-12, 13):
            value = round(bp + k * (step / 5 if k % 3 else step), 4)
            if value >= 0:
                values.add(value)
    top = max(points)
    values |= {round(i * step, 4) for i in range(int((top + 5) / step) + 1)}
    return sorted(values)


@pytest.mark.parametrize("pollutant", sorted(TABLE_2026))
def test_iaqi_expr_2026_agrees_with_scalar(pollutant):
    values = _grid_2026(pollutant)
    frame = pl.DataFrame({"c": values}, schema={"c": pl.Float64})
    got = frame.select(iaqi_expr(pollutant, pl.col("c"), standard=HJ633_2026).alias("i"))["i"].to_list()
    expected = [iaqi(pollutant, v, HJ633_2026) for v in values]
    mismatches = [(v, g, e) for v, g, e in zip(values, got, expected) if g != e]
    assert not mismatches, mismatches[:10]


def test_with_daily_aqi_per_standard_agrees_with_scalar():
    rows = []
    grids = {p: _grid_2026(p) for p in TABLE_2026}
    for i in range(800):
        row = {p: grids[p][(i * (7 + 5 * j)) % len(grids[p])] for j, p in enumerate(TABLE_2026)}
        row["o3_1h"] = None if i % 2 else TABLE_2012["o3_1h"][i % 8] + (i % 5) * 0.5
        rows.append(row)
    frame = pl.DataFrame(rows, schema={**{p: pl.Float64 for p in TABLE_2026}, "o3_1h": pl.Float64})
    for standard in (HJ633_2012, HJ633_2026):
        out = with_daily_aqi(frame, standard)
        for row in out.iter_rows(named=True):
            args = {p: row[p] for p in TABLE_2026}
            assert row["aqi"] == daily_aqi(**args, o3_1h=row["o3_1h"], standard=standard), (standard, row)
            primary = primary_pollutants(**args, o3_1h=row["o3_1h"], standard=standard)
            assert row["primary"] == (",".join(primary) if primary else None), (standard, row)


def test_with_daily_aqi_by_date_uses_each_days_standard():
    # PM2.5 70: 94 under 2012 (to 2026-02-28), 110 under 2026 (from 2026-03-01).
    frame = pl.DataFrame({
        "date": [D(2026, 3, 1), D(2026, 2, 28), None],
        "so2": [5.0] * 3, "no2": [20.0] * 3, "pm10": [40.0] * 3, "pm25": [70.0] * 3, "co": [0.5] * 3,
        "o3_8h": [60.0] * 3,
    })
    out = with_daily_aqi(frame, "auto", name_standard=True)
    assert out["aqi"].to_list() == [110, 94, 94]  # no date: the oldest standard
    assert out["level"].to_list() == ["轻度污染", "良", "良"]
    assert out["standard"].to_list() == ["HJ 633-2026", "HJ 633-2012", "HJ 633-2012"]
    plan = plan_for(D(2026, 1, 1), D(2026, 12, 31))
    assert with_daily_aqi(frame, plan)["aqi"].to_list() == [110, 94, 94]


# --- the registry by date ------------------------------------------------------------------

def test_standard_in_force_by_date():
    assert standard_on(D(2026, 2, 28)) is HJ633_2012
    assert standard_on(D(2026, 3, 1)) is HJ633_2026
    assert standard_on(D(2030, 1, 1)) is HJ633_2026
    assert standard_on(D(2023, 6, 1)) is HJ633_2012
    assert standard_on(D(2000, 1, 1)) is HJ633_2012  # before any: the oldest
    assert forced("auto") is None and forced("2012") is HJ633_2012 and forced("2026") is HJ633_2026
    with pytest.raises(ValueError):
        forced("2019")
    assert title_of("HJ 633-2026") == "HJ 633—2026" and title_of("HJ 663-2013") == "HJ 663—2013"


def test_plans():
    assert plan_for(D(2026, 1, 1), D(2026, 12, 31)).to_dict() == {
        "aqi": [{"id": "HJ 633-2012", "from": "2026-01-01", "to": "2026-02-28"},
                {"id": "HJ 633-2026", "from": "2026-03-01", "to": "2026-12-31"}],
        "annual": "HJ 663-2013"}
    assert plan_for(D(2023, 1, 1), D(2023, 11, 30)).to_dict() == {
        "aqi": [{"id": "HJ 633-2012", "from": "2023-01-01", "to": "2023-11-30"}], "annual": "HJ 663-2013"}
    assert plan_for(D(2026, 1, 1), D(2026, 1, 31)).to_dict()["aqi"] == [
        {"id": "HJ 633-2012", "from": "2026-01-01", "to": "2026-01-31"}]
    assert plan_for(D(2026, 1, 1), D(2026, 12, 31), "2012").to_dict()["aqi"] == [
        {"id": "HJ 633-2012", "from": "2026-01-01", "to": "2026-12-31"}]
    assert plan_for(D(2023, 1, 1), D(2023, 12, 31), "2026").to_dict()["aqi"] == [
        {"id": "HJ 633-2026", "from": "2023-01-01", "to": "2023-12-31"}]


def test_like_for_like_takes_the_current_years_date():
    plan = like_for_like(D(2025, 1, 1), D(2025, 12, 31), 2026)
    assert plan.to_dict()["aqi"] == [{"id": "HJ 633-2012", "from": "2025-01-01", "to": "2025-02-28"},
                                     {"id": "HJ 633-2026", "from": "2025-03-01", "to": "2025-12-31"}]
    assert [span.to_dict() for span in plan.recomputed] == [
        {"id": "HJ 633-2026", "from": "2025-03-01", "to": "2025-12-31"}]
    # Comparing 2024 with 2025: 2025 is all HJ 633—2012, nothing is recomputed.
    assert like_for_like(D(2024, 1, 1), D(2024, 12, 31), 2025).to_dict()["aqi"] == [
        {"id": "HJ 633-2012", "from": "2024-01-01", "to": "2024-12-31"}]
    # A leap previous year: 29 February takes the standard of 28 February of the current year.
    assert same_date_in(2026, D(2024, 2, 29)) == D(2026, 2, 28)
    assert same_date_in(2028, D(2027, 3, 1)) == D(2028, 3, 1)
    assert like_for_like(D(2024, 1, 1), D(2024, 12, 31), 2026).to_dict()["aqi"] == [
        {"id": "HJ 633-2012", "from": "2024-01-01", "to": "2024-02-29"},
        {"id": "HJ 633-2026", "from": "2024-03-01", "to": "2024-12-31"}]
    # Forced: one table for every day, whatever the current year.
    assert like_for_like(D(2025, 1, 1), D(2025, 12, 31), 2026, "2012").to_dict()["aqi"] == [
        {"id": "HJ 633-2012", "from": "2025-01-01", "to": "2025-12-31"}]


def test_with_daily_aqi_defaults_to_the_standard_in_force_where_there_are_dates():
    frame = pl.DataFrame({
        "date": [D(2026, 2, 28), D(2026, 3, 1)],
        "so2": [5.0] * 2, "no2": [20.0] * 2, "pm10": [130.0] * 2, "pm25": [20.0] * 2, "co": [0.5] * 2,
        "o3_8h": [60.0] * 2,
    })
    # PM10 130: 90 under 2012, 104 under 2026.
    assert with_daily_aqi(frame)["aqi"].to_list() == [90, 104]
    assert with_daily_aqi(frame.drop("date"))["aqi"].to_list() == [90, 90]  # no dates: HJ 633—2012
    assert with_daily_aqi(frame, "2026")["aqi"].to_list() == [104, 104]


def test_no_rows_still_names_the_standard_column():
    # validate's AQI check asks for the standard of each row; a sheet whose rows all have
    # errors leaves none, and the (empty) frame must still have the column.
    import polars as pl

    from lawreport_cli.domain import aqi as aqi_module

    schema = {"_row": pl.Int64, "date": pl.Date, **{p: pl.Float64 for p in aqi_module.POLLUTANTS}}
    empty = pl.DataFrame(schema=schema)
    out = aqi_module.with_daily_aqi(empty, "auto", name_standard=True)
    assert out.height == 0
    assert "standard" in out.columns
