"""Year on year: direction, zero base, one-sided figures, spans, paths and years, exact money."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from conftest import AIR_HEADER, PENALTY_HEADER, air, penalty, write_workbook
from lawreport_cli.compare import change_of, compare
from lawreport_cli.jobs import compare_paths, resolve_workbook
from lawreport_cli.metrics.registry import BY_ID
from lawreport_cli.model import Figure, Period, Summary
from lawreport_cli.summarize import UsageError

D = dt.date


@pytest.mark.parametrize("metric_id, before, after, pct, trend", [
    ("air.so2", Decimal(7), Decimal(6), Decimal("-14.3"), "improved"),
    ("air.so2", Decimal(6), Decimal(7), Decimal("16.7"), "worsened"),
    ("air.composite_index", Decimal("4.10"), Decimal("3.95"), Decimal("-3.7"), "improved"),
    ("air.heavy_days", 5, 8, Decimal("60.0"), "worsened"),
    ("air.good_days", 200, 209, Decimal("4.5"), "improved"),
    ("air.good_days", 209, 200, Decimal("-4.3"), "worsened"),
    ("penalties.cases_filed", 120, 109, Decimal("-9.2"), "down"),
    ("penalties.cases_filed", 100, 109, Decimal("9.0"), "up"),
    ("penalties.cases_filed", 109, 109, Decimal("0.0"), "unchanged"),
    ("penalties.detentions", 0, 1, None, "new"),
    ("penalties.detentions", 0, 0, None, "unchanged"),
])
def test_direction_and_percentages(metric_id, before, after, pct, trend):
    change = change_of(BY_ID[metric_id], before, after)
    assert (change.change, change.change_pct, change.trend) == (after - before, pct, trend)


def test_rates_change_in_points_without_percentage():
    change = change_of(BY_ID["air.good_rate"], Decimal("60.1"), Decimal("62.6"))
    assert (change.change, change.change_pct, change.trend) == (Decimal("2.5"), None, "improved")


def test_half_up_percentage():
    # 1/8 = 12.5% exactly; 1/16 = 6.25% rounds half up to 6.3 (banker's rounding would give 6.2).
    assert change_of(BY_ID["penalties.decisions"], 16, 17).change_pct == Decimal("6.3")


def test_money_changes_stay_exact():
    change = change_of(BY_ID["penalties.fines"], 700000001, 609715700)
    assert change.change == -90284301
    assert change.to_dict()["change"] == "-90.284301"


def _summary(year, figures):
    return Summary(f"{year}.xlsx", Period(D(year, 1, 1), D(year, 12, 31)), year,
                   {metric_id: Figure(BY_ID[metric_id], value) for metric_id, value in figures.items()})


def test_one_sided_figures_are_listed_not_dropped():
    before = _summary(2022, {"penalties.fines": 100, "penalties.detentions": 2})
    after = _summary(2023, {"penalties.fines": 200, "inspections.visits": 5})
    comparison = compare(before, after)
    assert comparison.only_previous == ["penalties.detentions"]
    assert comparison.only_current == ["inspections.visits"]
    document = comparison.to_dict()
    assert list(document["metrics"]) == ["penalties.fines"]
    assert document["only_previous"] == ["penalties.detentions"]
    assert document["metrics"]["penalties.fines"] == {
        "label": "罚款金额", "unit": "万元", "previous": "0.0001", "current": "0.0002", "change": "0.0001",
        "change_pct": 100.0, "trend": "up"}


def _air_year(tmp_path, year, so2_values, months=12, city_rows=None):
    rows = [AIR_HEADER]
    day = D(year, 1, 1)
    index = 0
    while day.year == year and day.month <= months:
        rows.append(air(day, so2=so2_values[index % len(so2_values)]))
        day += dt.timedelta(days=1)
        index += 1
    rows += city_rows or []
    return write_workbook(tmp_path / f"{year}.xlsx", {"空气质量": rows})


def test_unequal_spans_are_cut_to_the_shorter_and_said(tmp_path):
    _air_year(tmp_path, 2022, [7])
    _air_year(tmp_path, 2023, [6], months=11)
    result = compare_paths([tmp_path / "2022.xlsx", tmp_path / "2023.xlsx"])
    comparison = result.comparisons[0]
    assert comparison.previous.period == Period(D(2022, 1, 1), D(2022, 11, 30))
    assert "1-11月" in result.note
    so2 = comparison.changes["air.so2"]
    assert (so2.previous, so2.current, so2.change_pct, so2.trend) == (7, 6, Decimal("-14.3"), "improved")
    assert comparison.changes["air.valid_days"].previous == 334


def test_through_cuts_both_years(tmp_path):
    _air_year(tmp_path, 2022, [7, 9])
    _air_year(tmp_path, 2023, [6])
    comparison = compare_paths([tmp_path / "2022.xlsx", tmp_path / "2023.xlsx"], through=1).comparisons[0]
    assert comparison.current.period.end == D(2023, 1, 31)
    assert comparison.changes["air.valid_days"].current == 31


def test_three_years_give_each_step(tmp_path):
    for year, so2 in ((2021, 9), (2022, 7), (2023, 6)):
        _air_year(tmp_path, year, [so2])
    result = compare_paths([tmp_path / f"{year}.xlsx" for year in (2023, 2021, 2022)])
    assert [(c.previous.year, c.current.year) for c in result.comparisons] == [(2021, 2022), (2022, 2023)]
    assert [c.changes["air.so2"].change for c in result.comparisons] == [-2, -1]


def test_per_city_changes_and_improvement_ranks(tmp_path):
    def two_cities(year, zaozhuang, tengzhou):
        rows = [AIR_HEADER]
        for city, so2 in (("枣庄市", zaozhuang), ("滕州市", tengzhou)):
            rows += [air(D(year, 1, day), city=city, so2=so2) for day in range(1, 11)]
        return write_workbook(tmp_path / f"{year}.xlsx", {"空气质量": rows})

    two_cities(2022, 10, 10)
    two_cities(2023, 8, 9)
    comparison = compare_paths([tmp_path / "2022.xlsx", tmp_path / "2023.xlsx"]).comparisons[0]
    assert comparison.by_city["枣庄市"]["air.so2"].change_pct == Decimal("-20.0")
    assert comparison.ranks["枣庄市"]["air.rank_so2_improvement"] == 1
    assert comparison.ranks["滕州市"]["air.rank_so2_improvement"] == 2
    document = comparison.to_dict()
    assert document["by_city"]["滕州市"]["air.rank_so2_improvement"]["value"] == 2
    assert "air.so2" not in document["metrics"]


def test_years_resolve_in_the_data_dir_and_say_where_they_looked(tmp_path):
    path = write_workbook(tmp_path / "2022.xlsx", {"行政处罚": [PENALTY_HEADER, penalty()]})
    assert resolve_workbook("2022", tmp_path) == path
    assert resolve_workbook(str(path), tmp_path / "elsewhere") == path
    with pytest.raises(UsageError, match=f"looked for {tmp_path / '2019.xlsx'}"):
        resolve_workbook("2019", tmp_path)
