"""Surface water classes: GB 3838-2002 Table 1, evaluated as 环办〔2011〕22号 says.

The limits are ONE data table (`INDICATORS`): per indicator the Ⅰ..Ⅴ limits in
mg/L, as decimal strings so that a mean exactly at a limit is that class.
Rivers and lakes (湖库) differ only in 总磷. Pure functions of exact numbers
(Fraction/Decimal), plus one polars expression for the per-row check.

Class numbers: 1..5 = Ⅰ..Ⅴ, 6 = 劣Ⅴ (worse than Ⅴ).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import polars as pl

CLASSES: tuple[str, ...] = ("Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ", "劣Ⅴ")
WORST = 6  # 劣Ⅴ
GOOD_UP_TO = 3  # 优良 = Ⅰ–Ⅲ
# 环办〔2011〕22号 Table 1: the words for a section's class.
STATUS: dict[int, str] = {1: "优", 2: "优", 3: "良好", 4: "轻度污染", 5: "中度污染", 6: "重度污染"}


@dataclass(frozen=True)
class Indicator:
    key: str  # the records' column (schema.WATER)
    name: str  # as GB 3838-2002 names it, and as JSON and main pollutants write it
    limits: tuple[str, ...] = ()  # Ⅰ..Ⅴ, mg/L; () = read but never decides a class
    lake_limits: tuple[str, ...] = ()  # 湖库, where they differ
    kind: str = "max"  # max: C ≤ limit; min: C ≥ limit (溶解氧); range: pH 6–9

    @property
    def evaluated(self) -> bool:
        return bool(self.limits)

    def limits_for(self, lake: bool) -> tuple[Decimal, ...]:
        return tuple(Decimal(text) for text in (self.lake_limits if lake and self.lake_limits else self.limits))


def _i(key, name, *limits, lake=(), kind="max") -> Indicator:
    return Indicator(key, name, tuple(limits), tuple(lake), kind)


# GB 3838-2002 Table 1 (基本项目标准限值), in the table's order. 水温, 总氮 and 粪大肠菌群
# are in the table too, but 环办〔2011〕22号 leaves them out of the evaluation.
INDICATORS: tuple[Indicator, ...] = (
    _i("temp", "水温"),
    _i("ph", "pH", "6", "6", "6", "6", "6", kind="range"),
    _i("do", "溶解氧", "7.5", "6", "5", "3", "2", kind="min"),
    _i("codmn", "高锰酸盐指数", "2", "4", "6", "10", "15"),
    _i("cod", "化学需氧量", "15", "15", "20", "30", "40"),
    _i("bod5", "五日生化需氧量", "3", "3", "4", "6", "10"),
    _i("nh3n", "氨氮", "0.15", "0.5", "1.0", "1.5", "2.0"),
    _i("tp", "总磷", "0.02", "0.1", "0.2", "0.3", "0.4", lake=("0.01", "0.025", "0.05", "0.1", "0.2")),
    _i("tn", "总氮"),
    _i("cu", "铜", "0.01", "1.0", "1.0", "1.0", "1.0"),
    _i("zn", "锌", "0.05", "1.0", "1.0", "2.0", "2.0"),
    _i("f", "氟化物", "1.0", "1.0", "1.0", "1.5", "1.5"),
    _i("se", "硒", "0.01", "0.01", "0.01", "0.02", "0.02"),
    _i("as", "砷", "0.05", "0.05", "0.05", "0.1", "0.1"),
    _i("hg", "汞", "0.00005", "0.00005", "0.0001", "0.001", "0.001"),
    _i("cd", "镉", "0.001", "0.005", "0.005", "0.005", "0.01"),
    _i("cr6", "六价铬", "0.01", "0.05", "0.05", "0.05", "0.1"),
    _i("pb", "铅", "0.01", "0.01", "0.05", "0.05", "0.1"),
    _i("cn", "氰化物", "0.005", "0.05", "0.2", "0.2", "0.2"),
    _i("phenol", "挥发酚", "0.002", "0.002", "0.005", "0.01", "0.1"),
    _i("oil", "石油类", "0.05", "0.05", "0.05", "0.5", "1.0"),
    _i("las", "阴离子表面活性剂", "0.2", "0.2", "0.2", "0.3", "0.3"),
    _i("s", "硫化物", "0.05", "0.1", "0.2", "0.5", "1.0"),
    _i("coli", "粪大肠菌群"),
)
BY_KEY: dict[str, Indicator] = {indicator.key: indicator for indicator in INDICATORS}
EVALUATED: tuple[Indicator, ...] = tuple(indicator for indicator in INDICATORS if indicator.evaluated)
PH_RANGE = (Decimal(6), Decimal(9))


def class_name(number: int) -> str:
    return CLASSES[number - 1]


def class_number(name: str) -> int:
    return CLASSES.index(name) + 1


def indicator_class(indicator: Indicator | str, concentration, lake: bool = False) -> int:
    """The best class whose limit the exact value meets; 6 (劣Ⅴ) when it meets none."""
    indicator = BY_KEY[indicator] if isinstance(indicator, str) else indicator
    if not indicator.evaluated:
        raise ValueError(f"{indicator.name} does not decide a class")
    value = _exact(concentration)
    if indicator.kind == "range":
        low, high = PH_RANGE
        return 1 if Fraction(low) <= value <= Fraction(high) else WORST
    for number, limit in enumerate(indicator.limits_for(lake), start=1):
        meets = value >= Fraction(limit) if indicator.kind == "min" else value <= Fraction(limit)
        if meets:
            return number
    return WORST


def exceedance(indicator: Indicator | str, concentration, lake: bool = False) -> Decimal | None:
    """超标倍数 over the Ⅲ limit, (C − C_Ⅲ) / C_Ⅲ, 2 decimals half up; None for pH and 溶解氧."""
    indicator = BY_KEY[indicator] if isinstance(indicator, str) else indicator
    if indicator.kind != "max":
        return None
    limit = Fraction(indicator.limits_for(lake)[GOOD_UP_TO - 1])
    ratio = (_exact(concentration) - limit) / limit
    return (Decimal(ratio.numerator) / Decimal(ratio.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def main_pollutants(means: dict[str, object], lake: bool = False, most: int = 3) -> list[tuple[str, Decimal | None]]:
    """Indicators worse than Ⅲ: worst class first, then by 超标倍数, at most three: [(name, 超标倍数)].

    Ties keep the order of GB 3838 Table 1.
    """
    found = []
    for order, indicator in enumerate(EVALUATED):
        if indicator.key not in means:
            continue
        number = indicator_class(indicator, means[indicator.key], lake)
        if number <= GOOD_UP_TO:
            continue
        times = exceedance(indicator, means[indicator.key], lake)
        exact = None
        if indicator.kind == "max":
            limit = Fraction(indicator.limits_for(lake)[GOOD_UP_TO - 1])
            exact = (_exact(means[indicator.key]) - limit) / limit
        found.append((-number, -(exact if exact is not None else Fraction(-10 ** 9)), order, indicator.name, times))
    found.sort(key=lambda item: item[:3])
    return [(name, times) for *_, name, times in found[:most]]


def pollutant_text(name: str, times: Decimal | None) -> str:
    """`总磷(0.25)`; pH and 溶解氧 have no 超标倍数."""
    return name if times is None else f"{name}({times:f})"


def _exact(value) -> Fraction:
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        return Fraction(Decimal(repr(value)))
    return Fraction(Decimal(str(value)) if not isinstance(value, (int, Decimal)) else value)


def class_expr(indicator: Indicator, value: pl.Expr, lake: pl.Expr) -> pl.Expr:
    """Columnar `indicator_class` of one value per row (null stays null); `lake` is a boolean column."""
    if indicator.kind == "range":
        low, high = (float(bound) for bound in PH_RANGE)
        return pl.when(value.is_null()).then(None).when(value.is_between(low, high)).then(1).otherwise(WORST)

    def chain(limits: tuple[Decimal, ...]) -> pl.Expr:
        expr = pl.when(value.is_null()).then(None)
        for number, limit in enumerate(limits, start=1):
            meets = value >= float(limit) if indicator.kind == "min" else value <= float(limit)
            expr = expr.when(meets).then(number)
        return expr.otherwise(WORST)

    river = chain(indicator.limits_for(False))
    if not indicator.lake_limits:
        return river
    return pl.when(lake.fill_null(False)).then(chain(indicator.limits_for(True))).otherwise(river)
