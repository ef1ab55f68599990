"""GB 3838-2002 Table 1 at every boundary, for rivers and lakes, written out here by hand.

The limits below are copied from the standard (as METRICS.md lists them), not from
the code: a shifted class in domain/gb3838.py (the Hg, Cd, Cr6+ slip of another
implementation) fails here.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from lawreport_cli.domain import gb3838
from lawreport_cli.records import load_workbook
from lawreport_cli.summarize import summarize

CLASS = ("Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ", "劣Ⅴ")

# GB 3838-2002 Table 1, mg/L, classes Ⅰ..Ⅴ, "not more than" (≤).
AT_MOST = {
    "codmn": ("2", "4", "6", "10", "15"),
    "cod": ("15", "15", "20", "30", "40"),
    "bod5": ("3", "3", "4", "6", "10"),
    "nh3n": ("0.15", "0.5", "1.0", "1.5", "2.0"),
    "tp": ("0.02", "0.1", "0.2", "0.3", "0.4"),
    "cu": ("0.01", "1.0", "1.0", "1.0", "1.0"),
    "zn": ("0.05", "1.0", "1.0", "2.0", "2.0"),
    "f": ("1.0", "1.0", "1.0", "1.5", "1.5"),
    "se": ("0.01", "0.01", "0.01", "0.02", "0.02"),
    "as": ("0.05", "0.05", "0.05", "0.1", "0.1"),
    "hg": ("0.00005", "0.00005", "0.0001", "0.001", "0.001"),
    "cd": ("0.001", "0.005", "0.005", "0.005", "0.01"),
    "cr6": ("0.01", "0.05", "0.05", "0.05", "0.1"),
    "pb": ("0.01", "0.01", "0.05", "0.05", "0.1"),
    "cn": ("0.005", "0.05", "0.2", "0.2", "0.2"),
    "phenol": ("0.002", "0.002", "0.005", "0.01", "0.1"),
    "oil": ("0.05", "0.05", "0.05", "0.5", "1.0"),
    "las": ("0.2", "0.2", "0.2", "0.3", "0.3"),
    "s": ("0.05", "0.1", "0.2", "0.5", "1.0"),
}
LAKE_TP = ("0.01", "0.025", "0.05", "0.1", "0.2")
TINY = Decimal("0.000001")


def expected_class(limits: tuple[str, ...], value: Decimal) -> str:
    """The best class whose limit the value does not exceed (equal limits: the better class)."""
    for name, limit in zip(CLASS, limits):
        if value <= Decimal(limit):
            return name
    return "劣Ⅴ"


def limits_of(key: str, lake: bool) -> tuple[str, ...]:
    return LAKE_TP if key == "tp" and lake else AT_MOST[key]  # rivers and 湖库 differ only in 总磷


BOUNDARIES = [(key, limit, lake) for lake in (False, True) for key in AT_MOST
              for limit in dict.fromkeys(limits_of(key, lake))]


@pytest.mark.parametrize("key,limit,lake", BOUNDARIES)
def test_at_the_limit_is_that_class_and_just_above_is_the_next(key, limit, lake):
    limits = limits_of(key, lake)
    at, above = Decimal(limit), Decimal(limit) + TINY
    assert gb3838.class_name(gb3838.indicator_class(key, at, lake)) == expected_class(limits, at)
    assert gb3838.class_name(gb3838.indicator_class(key, above, lake)) == expected_class(limits, above)


@pytest.mark.parametrize("key,value,river,lake", [
    ("tp", "0.02", "Ⅰ", "Ⅱ"), ("tp", "0.025", "Ⅱ", "Ⅱ"), ("tp", "0.026", "Ⅱ", "Ⅲ"),
    ("tp", "0.05", "Ⅱ", "Ⅲ"), ("tp", "0.1", "Ⅱ", "Ⅳ"), ("tp", "0.2", "Ⅲ", "Ⅴ"),
    ("tp", "0.21", "Ⅳ", "劣Ⅴ"), ("tp", "0.4", "Ⅴ", "劣Ⅴ"), ("tp", "0.41", "劣Ⅴ", "劣Ⅴ"),
    # The classes another implementation shifted: Hg, Cd, Cr6+.
    ("hg", "0.00005", "Ⅰ", "Ⅰ"), ("hg", "0.00006", "Ⅲ", "Ⅲ"), ("hg", "0.0001", "Ⅲ", "Ⅲ"),
    ("hg", "0.00011", "Ⅳ", "Ⅳ"), ("hg", "0.001", "Ⅳ", "Ⅳ"), ("hg", "0.0011", "劣Ⅴ", "劣Ⅴ"),
    ("cd", "0.001", "Ⅰ", "Ⅰ"), ("cd", "0.0011", "Ⅱ", "Ⅱ"), ("cd", "0.005", "Ⅱ", "Ⅱ"),
    ("cd", "0.0051", "Ⅴ", "Ⅴ"), ("cd", "0.01", "Ⅴ", "Ⅴ"), ("cd", "0.011", "劣Ⅴ", "劣Ⅴ"),
    ("cr6", "0.01", "Ⅰ", "Ⅰ"), ("cr6", "0.011", "Ⅱ", "Ⅱ"), ("cr6", "0.05", "Ⅱ", "Ⅱ"),
    ("cr6", "0.051", "Ⅴ", "Ⅴ"), ("cr6", "0.1", "Ⅴ", "Ⅴ"), ("cr6", "0.11", "劣Ⅴ", "劣Ⅴ"),
    ("cod", "15", "Ⅰ", "Ⅰ"), ("cod", "15.1", "Ⅲ", "Ⅲ"), ("bod5", "3.1", "Ⅲ", "Ⅲ"),
    ("nh3n", "1.0", "Ⅲ", "Ⅲ"), ("nh3n", "1.01", "Ⅳ", "Ⅳ"),
])
def test_worked_classes_rivers_and_lakes(key, value, river, lake):
    assert gb3838.class_name(gb3838.indicator_class(key, Decimal(value), lake=False)) == river
    assert gb3838.class_name(gb3838.indicator_class(key, Decimal(value), lake=True)) == lake


@pytest.mark.parametrize("value,expected", [
    ("10", "Ⅰ"), ("7.5", "Ⅰ"), ("7.49", "Ⅱ"), ("6", "Ⅱ"), ("5.99", "Ⅲ"), ("5", "Ⅲ"), ("4.99", "Ⅳ"),
    ("3", "Ⅳ"), ("2.99", "Ⅴ"), ("2", "Ⅴ"), ("1.99", "劣Ⅴ"), ("0", "劣Ⅴ"),
])
def test_dissolved_oxygen_is_at_least_its_limit(value, expected):
    assert gb3838.class_name(gb3838.indicator_class("do", Decimal(value))) == expected


@pytest.mark.parametrize("value,expected", [
    ("6", "Ⅰ"), ("7.2", "Ⅰ"), ("9", "Ⅰ"), ("5.99", "劣Ⅴ"), ("9.01", "劣Ⅴ"), ("3", "劣Ⅴ"),
])
def test_ph_inside_6_to_9_is_class_1_outside_worse_than_5(value, expected):
    assert gb3838.class_name(gb3838.indicator_class("ph", Decimal(value))) == expected


def test_the_three_indicators_that_never_decide_a_class():
    for key in ("temp", "tn", "coli"):
        assert not gb3838.BY_KEY[key].evaluated
    assert len(gb3838.EVALUATED) == 21


def test_exceedance_over_class_3_half_up_and_none_for_ph_and_do():
    assert gb3838.exceedance("tp", Decimal("0.25")) == Decimal("0.25")  # (0.25 - 0.2) / 0.2
    assert gb3838.exceedance("tp", Decimal("0.301")) == Decimal("0.51")  # 0.505 rounds up, not to even
    assert gb3838.exceedance("tp", Decimal("0.06"), lake=True) == Decimal("0.20")  # lake Ⅲ is 0.05
    assert gb3838.exceedance("codmn", Decimal(16)) == Decimal("1.67")  # 10/6
    assert gb3838.exceedance("do", Decimal(1)) is None
    assert gb3838.exceedance("ph", Decimal(10)) is None


def test_main_pollutants_worst_class_first_then_exceedance_at_most_three():
    means = {
        "tp": Decimal("0.3"),  # Ⅳ, 0.50
        "nh3n": Decimal("1.8"),  # Ⅴ, 0.80
        "codmn": Decimal(16),  # 劣Ⅴ, 1.67
        "do": Decimal("2.5"),  # Ⅴ, no 超标倍数
        "cod": Decimal(25),  # Ⅳ, 0.25
        "ph": Decimal("7.5"),  # Ⅰ
    }
    pollutants = gb3838.main_pollutants(means)
    assert [gb3838.pollutant_text(*p) for p in pollutants] == ["高锰酸盐指数(1.67)", "氨氮(0.80)", "溶解氧"]


def test_main_pollutants_only_worse_than_class_3():
    assert gb3838.main_pollutants({"tp": Decimal("0.2"), "nh3n": Decimal("1.0")}) == []
    assert [gb3838.pollutant_text(*p) for p in gb3838.main_pollutants({"tp": Decimal("0.25")})] == ["总磷(0.25)"]


# -- through the reader: detection limits and blanks ---------------------------------------

HEADER = ["断面名称", "监测日期", "总磷", "氨氮", "溶解氧", "高锰酸盐指数"]


def _by_section(book, rows):
    workbook = load_workbook(book({"地表水": [HEADER, *rows]}))
    assert workbook.findings == []
    return summarize(workbook).to_dict()["by_section"]


@pytest.mark.parametrize("written", ["0.05L", "0.05l", "<0.05", "＜0.05", "< 0.05", "0.05 L"])
def test_below_the_detection_limit_counts_as_half_the_limit(book, written):
    doc = _by_section(book, [["甲", dt.date(2023, 1, 5), written, 0.2, 6.5, 3]])
    assert doc["甲"]["indicators"]["总磷"] == {"mean": "0.025", "class": "Ⅱ"}


def test_a_mean_with_a_detection_limit_value(book):
    # 0.05L = 0.025 and 0.175: mean 0.1, class Ⅱ (≤ 0.1)
    doc = _by_section(book, [["甲", dt.date(2023, 1, 5), "0.05L", 0.2, 6.5, 3],
                             ["甲", dt.date(2023, 2, 5), 0.175, 0.2, 6.5, 3]])
    assert doc["甲"]["indicators"]["总磷"] == {"mean": "0.1", "class": "Ⅱ"}


def test_a_blank_is_not_measured_never_zero(book):
    # 乙 measures 总磷 and 氨氮 only: a blank 溶解氧 read as 0 would make it 劣Ⅴ.
    doc = _by_section(book, [["乙", dt.date(2023, 1, 5), 0.15, 0.4, None, None],
                             ["乙", dt.date(2023, 2, 5), 0.17, None, None, None]])
    assert doc["乙"]["class"] == "Ⅲ"
    assert doc["乙"]["indicators"] == {"总磷": {"mean": "0.16", "class": "Ⅲ"}, "氨氮": {"mean": "0.4", "class": "Ⅱ"}}


def test_the_exact_mean_decides_at_the_boundary(book):
    # 0.19 and 0.21: the mean is exactly 0.2, class Ⅲ (a float mean could be 0.20000000000000001).
    doc = _by_section(book, [["甲", dt.date(2023, 1, 5), 0.19, 0.2, 6.5, 3],
                             ["甲", dt.date(2023, 2, 5), 0.21, 0.2, 6.5, 3]])
    assert doc["甲"]["indicators"]["总磷"] == {"mean": "0.2", "class": "Ⅲ"}
    assert doc["甲"]["class"] == "Ⅲ"
