"""Hand-built results for the renderer, export and prose tests (a plain module, not a conftest).

The numbers are the 2023 report's (spec/FIGURES.md): money in integer fen,
e.g. 609.7157万元 = 609715700 fen.
"""
from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

from lawreport_cli.compare import change_of, compare
from lawreport_cli.metrics.registry import BY_ID, metric_for
from lawreport_cli.model import Comparison, Figure, Period, Summary

make_change = change_of

D = Decimal

SEED_2023: dict[str, object] = {
    "inspections.visits": 2836,
    "inspections.enterprises": 1234,
    "inspections.double_random": 1500,
    "inspections.complaint": 600,
    "inspections.supervision": 300,
    "inspections.special_action": 336,
    "inspections.other": 100,
    "inspections.problems_found": 420,
    "inspections.remote": 178,
    "penalties.cases_filed": 109,
    "penalties.decisions": 63,
    "penalties.fines": 609_715_700,
    "penalties.exempted": 87,
    "penalties.exempted_amount": 1_413_220_700,
    "penalties.reduced": 10,
    "penalties.reduced_amount": 81_779_600,
    "penalties.police_referrals": 15,
    "penalties.detentions": 1,
    "penalties.legal_reviews": 37,
    "penalties.legal_review_amount": 355_123_456,  # 355.123456万元: exact to the fen, 6 decimals
    "compensation.cases_started": 47,
    "compensation.agreements": 38,
    "compensation.amount": 754_300_000,
}
AIR_2023: dict[str, object] = {
    "air.valid_days": 334,
    "air.invalid_days": 0,
    "air.good_days": 209,
    "air.good_rate": D("62.6"),
    "air.excellent_days": 61,
    "air.heavy_days": 3,
    "air.pm25": D(38),
    "air.pm10": D(70),
    "air.so2": D(6),
    "air.no2": D(27),
    "air.co_p95": D("1.2"),
    "air.o3_8h_p90": D(172),
    "air.composite_index": D("4.21"),
}
AIR_2022: dict[str, object] = {
    **AIR_2023,
    "air.good_days": 204, "air.good_rate": D("61.4"), "air.heavy_days": 5,
    "air.pm25": D(40), "air.pm10": D(70), "air.so2": D(7), "air.no2": D(26), "air.composite_index": D("4.35"),
}
INDICATORS_2023: list[tuple[str, object, str]] = [
    ("学法次数", D(9), "次"),
    ("人大建议", D(7), "件"),
    ("主动公开信息", D(815), "条"),
    ("环保服务手册", D("1.1"), "万份"),
]
SEED_2022: dict[str, object] = {
    **SEED_2023,
    "inspections.visits": 2700,
    "penalties.cases_filed": 100,
    "penalties.decisions": 63,
    "penalties.fines": 650_000_000,
    "penalties.police_referrals": 0,
    "compensation.amount": 700_000_000,
}


def period(year: int, through: int = 12) -> Period:
    return Period(dt.date(year, 1, 1), dt.date(year, through, calendar.monthrange(year, through)[1]))


def figures(values: dict[str, object], indicators=()) -> dict[str, Figure]:
    out = {mid: Figure(BY_ID[mid], value) for mid, value in values.items()}
    for name, value, unit in indicators:
        metric = metric_for(f"indicators.{name}", unit)
        out[metric.id] = Figure(metric, value)
    return out


def summary(year: int = 2023, values=None, indicators=INDICATORS_2023, through: int = 12,
            by_city=None, monthly=None) -> Summary:
    values = {**AIR_2023, **SEED_2023} if values is None else values
    return Summary(
        source=f"data/{year}.xlsx", period=period(year, through), year=year,
        figures=figures(values, indicators),
        by_city={city: figures(city_values) for city, city_values in (by_city or {}).items()},
        monthly=monthly or {},
    )


def comparison(previous: Summary, current: Summary, period_note: str = "") -> Comparison:
    """The library's own year-on-year (compare.compare), so renderers see what the CLI gives them."""
    return compare(previous, current, period_note)


def seed_comparison(through: int = 12) -> Comparison:
    previous = summary(2022, {**AIR_2022, **SEED_2022}, indicators=[("学法次数", D(8), "次"), ("旧指标", D(3), "个")],
                       through=through)
    current = summary(2023, through=through)
    return comparison(previous, current)


CITY_AIR = {
    "枣庄市": {"air.good_days": 209, "air.good_rate": D("62.6"), "air.so2": D(6), "air.composite_index": D("4.21"),
              "air.rank_good_rate": 2, "air.rank_composite_index": 2},
    "+1": {"air.good_days": 250, "air.good_rate": D("74.9"), "air.so2": D(5), "air.composite_index": D("3.90"),
           "air.rank_good_rate": 1, "air.rank_composite_index": 1},
    "济宁市": {"air.good_days": 190, "air.good_rate": D("56.9"), "air.so2": D(9), "air.composite_index": D("4.80"),
              "air.rank_good_rate": 3, "air.rank_composite_index": 3},
}
CITY_AIR_2022 = {
    "枣庄市": {**CITY_AIR["枣庄市"], "air.so2": D(7), "air.rank_good_rate": 3},
    "+1": {**CITY_AIR["+1"], "air.so2": D(5)},
    "济宁市": {**CITY_AIR["济宁市"], "air.so2": D(8), "air.rank_good_rate": 2},
}

MONTHLY = {
    "air.days_by_level.优": [5, 6, 4, 7, 6, 5, 4, 5, 6, 7, 6],
    "air.days_by_level.良": [14, 12, 15, 13, 14, 12, 13, 15, 14, 12, 13],
    "air.days_by_level.轻度污染": [8, 7, 9, 8, 8, 9, 10, 8, 7, 9, 8],
    "air.days_by_level.重度污染": [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2],
    "penalties.fines": [50_000_000, 61_234_500, 0, 40_000_001, 55_000_000, 60_000_000,
                        70_000_000, 45_481_199, 58_000_000, 90_000_000, 80_000_000],
    "penalties.cases_filed": [9, 10, 8, 11, 12, 9, 10, 10, 8, 12, 10],
    "penalties.decisions": [5, 6, 4, 7, 6, 5, 6, 6, 5, 7, 6],
}
