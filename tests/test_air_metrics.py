"""The air section's figures from hand-made records, expectations worked by hand."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest

from lawreport_cli.domain.ranking import rank_competition
from lawreport_cli.results import SectionResult
from lawreport_cli.metrics.air import UNNAMED_CITY, compute_air


def air_parts(records, period):
    """(top-level figures, by_city rows, monthly) of the air section's one result."""
    result = compute_air(records, period)
    by_city = {table.key: table.rows for table in result.entities}.get("by_city", {})
    return result.figures, by_city, result.monthly
from lawreport_cli.model import Period

COLUMNS = ("date", "city", "so2", "no2", "pm10", "pm25", "co", "o3_8h")
SCHEMA = {"date": pl.Date, "city": pl.String, **{c: pl.Float64 for c in COLUMNS[2:]}}
YEAR = Period(dt.date(2023, 1, 1), dt.date(2023, 12, 31))
LEVELS = ("优", "良", "轻度污染", "中度污染", "重度污染", "严重污染")


def frame(rows, extra: dict | None = None) -> pl.DataFrame:
    data = {c: [row[i] for row in rows] for i, c in enumerate(COLUMNS)}
    schema = dict(SCHEMA)
    if extra:
        data.update(extra)
        schema.update({name: pl.Float64 for name in extra})
    return pl.DataFrame(data, schema=schema)


def values(figures) -> dict:
    return {mid: figure.value for mid, figure in figures.items()}


def d(month: int, day: int, year: int = 2023) -> dt.date:
    return dt.date(year, month, day)


# One city (city column all null). Day by day (IAQI per pollutant -> AQI):
#  2022-12-31 outside the period, absurd values: must not count
#  01-01 so2 5 no2 20 pm10 40 pm25 30 co .5 o3 60:  5, 25, 40, 42.9->43, 12.5->13, 30 -> 43 优
#  01-02 10, 40, 80, 60, 1.0, 100: 10, 50, 65, 81.25->82, 25, 50 -> 82 良
#  01-03 8, 50, 160, 120, 1.2, 90: pm10 105, pm25 150 + 5*10/7 = 157.1 -> 158 中度污染
#  02-01 12, 60, 250, 160, 2.0, 150: pm10 150, pm25 200 + 10 = 210 重度污染
#  02-02 PM2.5 missing: invalid
#  03-01 SO2 missing: invalid
ONE_CITY = [
    (d(12, 31, 2022), None, 900.0, 900.0, 900.0, 900.0, 50.0, 700.0),
    (d(1, 1), None, 5.0, 20.0, 40.0, 30.0, 0.5, 60.0),
    (d(1, 2), None, 10.0, 40.0, 80.0, 60.0, 1.0, 100.0),
    (d(1, 3), None, 8.0, 50.0, 160.0, 120.0, 1.2, 90.0),
    (d(2, 1), None, 12.0, 60.0, 250.0, 160.0, 2.0, 150.0),
    (d(2, 2), None, 6.0, 30.0, 70.0, None, 0.8, 120.0),
    (d(3, 1), None, None, 10.0, 20.0, 10.0, 0.3, 50.0),
]


def test_one_city_whole_year():
    top, by_city, monthly = air_parts(frame(ONE_CITY), YEAR)
    assert by_city == {}
    assert values(top) == {
        "air.valid_days": 4,
        "air.invalid_days": 2,
        "air.good_days": 2,
        "air.good_rate": Decimal("50.0"),  # 2 / 4
        "air.excellent_days": 1,
        "air.heavy_days": 1,
        "air.pm25": Decimal("76"),  # (30 + 60 + 120 + 160 + 10) / 5 = 76
        "air.pm10": Decimal("103"),  # 620 / 6 = 103.3
        "air.so2": Decimal("8"),  # 41 / 5 = 8.2
        "air.no2": Decimal("35"),  # 210 / 6 = 35
        # CO sorted .3 .5 .8 1.0 1.2 2.0; k = 1 + 5 * .95 = 5.75: 1.2 + .8 * .75 = 1.8
        "air.co_p95": Decimal("1.8"),
        # O3 sorted 50 60 90 100 120 150; k = 1 + 5 * .9 = 5.5: 120 + 30 * .5 = 135
        "air.o3_8h_p90": Decimal("135"),
        # 8/60 + 35/40 + 103/70 + 76/35 + 1.8/4 + 135/160
        # = .13333 + .875 + 1.47143 + 2.17143 + .45 + .84375 = 5.94494 -> 5.94
        "air.composite_index": Decimal("5.94"),
    }
    # registry order, figures carry their metric
    assert list(top)[:3] == ["air.valid_days", "air.invalid_days", "air.good_days"]
    assert all(figure.id == mid for mid, figure in top.items())
    assert isinstance(top["air.valid_days"].value, int)
    assert str(top["air.good_rate"].value) == "50.0"
    zero = [0] * 12
    assert monthly == {
        "air.days_by_level.优": [1] + zero[1:],
        "air.days_by_level.良": [1] + zero[1:],
        "air.days_by_level.轻度污染": zero,
        "air.days_by_level.中度污染": [1] + zero[1:],
        "air.days_by_level.重度污染": [0, 1] + zero[2:],
        "air.days_by_level.严重污染": zero,
    }


def test_period_cut_through_january():
    through_jan = Period(d(1, 1), d(1, 31))
    top, by_city, monthly = air_parts(frame(ONE_CITY), through_jan)
    assert by_city == {}
    assert values(top) == {
        "air.valid_days": 3,
        "air.invalid_days": 0,
        "air.good_days": 2,
        "air.good_rate": Decimal("66.7"),  # 2 / 3 = 66.67
        "air.excellent_days": 1,
        "air.heavy_days": 0,
        "air.pm25": Decimal("70"),  # 210 / 3
        "air.pm10": Decimal("93"),  # 280 / 3 = 93.3
        "air.so2": Decimal("8"),  # 23 / 3 = 7.67
        "air.no2": Decimal("37"),  # 110 / 3 = 36.67
        # CO .5 1.0 1.2; k = 1 + 2 * .95 = 2.9: 1.0 + .2 * .9 = 1.18 -> 1.2
        "air.co_p95": Decimal("1.2"),
        # O3 60 90 100; k = 1 + 2 * .9 = 2.8: 90 + 10 * .8 = 98
        "air.o3_8h_p90": Decimal("98"),
        # 8/60 + 37/40 + 93/70 + 70/35 + 1.2/4 + 98/160
        # = .13333 + .925 + 1.32857 + 2 + .3 + .6125 = 5.29940 -> 5.30
        "air.composite_index": Decimal("5.30"),
    }
    assert monthly == {
        "air.days_by_level.优": [1],
        "air.days_by_level.良": [1],
        "air.days_by_level.轻度污染": [0],
        "air.days_by_level.中度污染": [1],
        "air.days_by_level.重度污染": [0],
        "air.days_by_level.严重污染": [0],
    }


def test_empty_period_gives_nothing():
    assert compute_air(frame(ONE_CITY), Period(d(6, 1), d(6, 30))) == SectionResult()


def _days(n_good: int, n_bad: int, city=None) -> list[tuple]:
    """n_good days with AQI 43 (pm25 30) then n_bad days with AQI 158 (pm25 120)."""
    start = d(1, 1)
    rows = []
    for i in range(n_good + n_bad):
        pm25 = 30.0 if i < n_good else 120.0
        rows.append((start + dt.timedelta(days=i), city, 6.0, 20.0, 40.0, pm25, 0.4, 80.0))
    return rows


def test_good_rate_209_of_334():
    top, _, _ = air_parts(frame(_days(209, 125)), YEAR)
    assert top["air.valid_days"].value == 334
    assert top["air.good_days"].value == 209
    # 209 / 334 = 62.5748... -> 62.6
    assert top["air.good_rate"].value == Decimal("62.6")


def test_good_rate_rounds_half_up():
    top, _, _ = air_parts(frame(_days(1, 15)), YEAR)
    # 1 / 16 = 6.25 % -> 6.3 (banker's rounding would say 6.2)
    assert top["air.good_rate"].value == Decimal("6.3")


def test_mean_rounds_half_up_exactly():
    rows = [
        (d(1, 1), None, 6.0, 20.0, 78.3, 30.0, 0.4, 80.0),
        (d(1, 2), None, 6.0, 21.0, 44.9, 31.0, 0.4, 80.0),
        (d(1, 3), None, 6.0, 20.0, 4.3, 30.0, 0.4, 80.0),
        (d(1, 4), None, 6.0, 21.0, None, 31.0, 0.4, 80.0),
    ]
    top, _, _ = air_parts(frame(rows), YEAR)
    # (78.3 + 44.9 + 4.3) / 3 = 42.5 exactly (a float mean says 42.49999999999999) -> 43
    assert top["air.pm10"].value == Decimal("43")
    # (30 + 31 + 30 + 31) / 4 = 30.5 -> 31; no2 (20 + 21 + 20 + 21) / 4 = 20.5 -> 21
    assert top["air.pm25"].value == Decimal("31")
    assert top["air.no2"].value == Decimal("21")
    assert top["air.invalid_days"].value == 1


def test_all_days_missing_a_pollutant():
    rows = [(day, city, so2, no2, pm10, None, co, o3) for (day, city, so2, no2, pm10, _, co, o3)
            in ONE_CITY[1:]]
    top, _, monthly = air_parts(frame(rows), YEAR)
    got = values(top)
    # no valid day: only the day counts; no PM2.5 value: no PM2.5 figure, no composite index
    assert got["air.valid_days"] == 0
    assert got["air.invalid_days"] == 6
    for absent in ("air.good_days", "air.good_rate", "air.excellent_days", "air.heavy_days",
                   "air.pm25", "air.composite_index"):
        assert absent not in got
    assert got["air.so2"] == Decimal("8")  # 41 / 5
    assert got["air.pm10"] == Decimal("103")
    assert all(sum(series) == 0 for series in monthly.values())


def test_o3_1h_column_is_used_above_800():
    rows = [(d(1, 1), None, 5.0, 20.0, 40.0, 20.0, 0.5, 900.0),
            (d(1, 2), None, 5.0, 20.0, 40.0, 20.0, 0.5, 900.0)]
    # with O3_1h 300 -> 150 (轻度污染); blank O3_1h -> 900 in the 1-h table -> 350 (严重污染)
    top, _, monthly = air_parts(frame(rows, {"o3_1h": [300.0, None]}), YEAR)
    assert top["air.heavy_days"].value == 1
    assert monthly["air.days_by_level.轻度污染"][0] == 1
    assert monthly["air.days_by_level.严重污染"][0] == 1
    # without the column both days fall back -> both 350
    top, _, _ = air_parts(frame(rows), YEAR)
    assert top["air.heavy_days"].value == 2


def test_one_named_city_is_top_level():
    top, by_city, monthly = air_parts(frame(_days(3, 1, city="甲市")), YEAR)
    assert by_city == {}
    assert top["air.good_days"].value == 3
    assert set(monthly) == {f"air.days_by_level.{name}" for name in LEVELS}


def test_several_cities_with_tied_ranks():
    # Every day: so2 6, no2 20, pm10 40, co .4, o3 80; pm25 30 (AQI 43) or 120 (AQI 158).
    # Common part of the composite: 6/60 + 20/40 + 40/70 + .4/4 + 80/160 = 1.771429
    rows = (_days(2, 0, "甲市") + _days(1, 1, "乙市") + _days(1, 1, "丙市") + _days(0, 2, "丁市"))
    top, by_city, monthly = air_parts(frame(rows), YEAR)
    assert top == {} and monthly == {}
    assert list(by_city) == ["甲市", "乙市", "丙市", "丁市"]  # sheet order
    expected = {
        # city: good_days, good_rate, pm25, composite, rank good_rate, rank composite
        "甲市": (2, "100.0", "30", "2.63", 1, 1),  # 1.771429 + 30/35 = 2.628571
        "乙市": (1, "50.0", "75", "3.91", 2, 2),  # + 75/35 = 3.914286
        "丙市": (1, "50.0", "75", "3.91", 2, 2),
        "丁市": (0, "0.0", "120", "5.20", 4, 4),  # + 120/35 = 5.2
    }
    for city, (good, rate, pm25, composite, rank_rate, rank_ci) in expected.items():
        got = values(by_city[city])
        assert got["air.valid_days"] == 2
        assert got["air.invalid_days"] == 0
        assert got["air.good_days"] == good
        assert got["air.good_rate"] == Decimal(rate)
        assert got["air.pm25"] == Decimal(pm25)
        assert got["air.composite_index"] == Decimal(composite)
        assert str(got["air.composite_index"]) == composite
        assert got["air.rank_good_rate"] == rank_rate
        assert got["air.rank_composite_index"] == rank_ci
        assert got["air.co_p95"] == Decimal("0.4")
        assert got["air.o3_8h_p90"] == Decimal("80")
        assert list(got)[-2:] == ["air.rank_good_rate", "air.rank_composite_index"]


def test_city_without_figures_gets_no_rank_and_null_city_is_unnamed():
    rows = _days(2, 0, "甲市") + _days(0, 2, None)
    # 乙市 has only days without PM2.5: no good rate, no composite index, no rank
    rows += [(day, "乙市", so2, no2, pm10, None, co, o3)
             for (day, _, so2, no2, pm10, _, co, o3) in _days(2, 0)]
    _, by_city, _ = air_parts(frame(rows), YEAR)
    assert list(by_city) == ["甲市", UNNAMED_CITY, "乙市"]
    assert by_city["甲市"]["air.rank_good_rate"].value == 1
    assert by_city[UNNAMED_CITY]["air.rank_good_rate"].value == 2
    assert by_city[UNNAMED_CITY]["air.rank_composite_index"].value == 2
    assert "air.rank_good_rate" not in by_city["乙市"]
    assert "air.rank_composite_index" not in by_city["乙市"]
    assert by_city["乙市"]["air.invalid_days"].value == 2


def test_rank_competition():
    rates = {"a": Decimal("80.1"), "b": Decimal("90.0"), "c": Decimal("80.1"), "d": Decimal("70")}
    assert rank_competition(rates, higher_is_better=True) == {"a": 2, "b": 1, "c": 2, "d": 4}
    assert rank_competition(rates, higher_is_better=False) == {"a": 2, "b": 4, "c": 2, "d": 1}
    three_way = {"x": Decimal("3.91"), "y": Decimal("3.91"), "z": Decimal("3.91"), "w": Decimal("4")}
    assert rank_competition(three_way, higher_is_better=False) == {"x": 1, "y": 1, "z": 1, "w": 4}
    assert rank_competition({"a": Decimal(1), "b": None}, True) == {"a": 1}
    assert rank_competition({}, True) == {}
