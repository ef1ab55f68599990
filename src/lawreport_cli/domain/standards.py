"""The air standards as data: one table per HJ 633 revision, chosen per day by date.

A later revision is one more `AqiStandard` in `AQI_STANDARDS` (and a test of
its worked values); nothing else changes. Pure Python (no polars), so the CLI
can name the choices without importing a data library.

A `Plan` says which standard computes which days of a period: the registry by
date (`--standard auto`), one forced table, or, for a like-for-like (同口径)
comparison, the standard the same calendar date of the current year uses.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

# HJ 633 Table 1: the IAQI at each breakpoint (both revisions).
IAQI_BREAKPOINTS: tuple[int, ...] = (0, 50, 100, 150, 200, 300, 400, 500)
IAQI_CAP = 500  # beyond the top of a table (a warning)

SIX = ("so2", "no2", "pm10", "pm25", "co", "o3_8h")


@dataclass(frozen=True, eq=False)  # one object per revision: compared and hashed by identity
class AqiStandard:
    """One HJ 633 revision: its tables and the rules that differ between revisions."""

    id: str  # as JSON names it: "HJ 633-2012"
    title: str  # as a report prints it: "HJ 633—2012"
    option: str  # the --standard value: "2012"
    in_force_from: dt.date
    # Concentration breakpoints per pollutant, one per IAQI breakpoint; O3_8h stops at 800.
    breakpoints: Mapping[str, tuple[int, ...]]
    # The indicators of the daily AQI; "o3_1h" counts where the sheet has it and the day has a value.
    indicators: tuple[str, ...]
    # O3_8h beyond its table's top: a fixed IAQI, or None = "no IAQI of its own": the O3 IAQI
    # is the O3_1h one, or with O3_1h blank the O3_8h value in the 1-h table (o3-1h-missing).
    o3_8h_above_top: int | None
    # Decimals each concentration is rounded to (GB/T 8170, half to even) before the IAQI;
    # None: used as given.
    rounding: Mapping[str, int] | None

    @property
    def o3_8h_top(self) -> int:
        return self.breakpoints["o3_8h"][-1]

    @property
    def uses_o3_1h(self) -> bool:
        return "o3_1h" in self.indicators

    def __repr__(self) -> str:
        return f"<{self.id}>"


_TABLE_2012 = {
    "so2": (0, 50, 150, 475, 800, 1600, 2100, 2620),  # 24-h mean, µg/m³
    "no2": (0, 40, 80, 180, 280, 565, 750, 940),  # 24-h mean, µg/m³
    "pm10": (0, 50, 150, 250, 350, 420, 500, 600),  # 24-h mean, µg/m³
    "pm25": (0, 35, 75, 115, 150, 250, 350, 500),  # 24-h mean, µg/m³
    "co": (0, 2, 4, 14, 24, 36, 48, 60),  # 24-h mean, mg/m³
    "o3_8h": (0, 100, 160, 215, 265, 800),  # daily max 8-h mean, µg/m³
    "o3_1h": (0, 160, 200, 300, 400, 800, 1000, 1200),  # daily max 1-h, µg/m³
}

HJ633_2012 = AqiStandard(
    id="HJ 633-2012",
    title="HJ 633—2012",
    option="2012",
    in_force_from=dt.date(2012, 2, 29),
    breakpoints=MappingProxyType(_TABLE_2012),
    indicators=(*SIX, "o3_1h"),  # §5.1.2: the daily report has seven indicators
    o3_8h_above_top=None,
    rounding=None,
)

# HJ 633—2026 Table 3: PM10 and PM2.5 at IAQI 100 move to 120 and 60; the rest as 2012.
_TABLE_2026 = {key: table for key, table in _TABLE_2012.items() if key != "o3_1h"}
_TABLE_2026["pm10"] = (0, 50, 120, 250, 350, 420, 500, 600)
_TABLE_2026["pm25"] = (0, 35, 60, 115, 150, 250, 350, 500)

HJ633_2026 = AqiStandard(
    id="HJ 633-2026",
    title="HJ 633—2026",
    option="2026",
    in_force_from=dt.date(2026, 3, 1),
    breakpoints=MappingProxyType(_TABLE_2026),
    indicators=SIX,
    o3_8h_above_top=300,
    rounding=MappingProxyType({"so2": 0, "no2": 0, "pm10": 0, "pm25": 0, "co": 1, "o3_8h": 0}),
)

# Every revision, oldest first. The one in force on a day is the last one from on or before it.
AQI_STANDARDS: tuple[AqiStandard, ...] = (HJ633_2012, HJ633_2026)
BY_OPTION: dict[str, AqiStandard] = {standard.option: standard for standard in AQI_STANDARDS}
STANDARD_CHOICES: tuple[str, ...] = ("auto", *BY_OPTION)


@dataclass(frozen=True, eq=False)
class AnnualStandard:
    """HJ 663: the annual assessment (means, percentiles, composite index Si)."""

    id: str
    title: str
    # Si of the composite index (GB 3095 grade II annual limits as HJ 663-2013 takes them).
    composite_limits: Mapping[str, int]


# Pinned: HJ 663 has no verified revision yet; a new one would be a new table here.
HJ663_2013 = AnnualStandard(
    id="HJ 663-2013",
    title="HJ 663—2013",
    composite_limits=MappingProxyType({"so2": 60, "no2": 40, "pm10": 70, "pm25": 35, "co": 4, "o3_8h": 160}),
)
ANNUAL_STANDARD = HJ663_2013


def as_standard(standard: "AqiStandard | str | None") -> AqiStandard:
    """An AqiStandard from itself, its --standard value ("2026") or its id ("HJ 633-2026"); None: 2012."""
    if standard is None:
        return HJ633_2012
    if isinstance(standard, AqiStandard):
        return standard
    for candidate in AQI_STANDARDS:
        if standard in (candidate.option, candidate.id, candidate.title):
            return candidate
    raise ValueError(f"unknown standard {standard!r}; choose from {', '.join(BY_OPTION)}")


def title_of(standard_id: str) -> str:
    """How a report prints a standard's id ("HJ 633-2026" -> "HJ 633—2026")."""
    for standard in (*AQI_STANDARDS, ANNUAL_STANDARD):
        if standard.id == standard_id:
            return standard.title
    return standard_id


def standard_on(day: dt.date) -> AqiStandard:
    """The HJ 633 revision in force on `day` (the oldest one for days before it)."""
    chosen = AQI_STANDARDS[0]
    for standard in AQI_STANDARDS:
        if standard.in_force_from <= day:
            chosen = standard
    return chosen


def forced(choice: str | None) -> AqiStandard | None:
    """The table a --standard value forces; None for "auto" (or None)."""
    if choice in (None, "auto"):
        return None
    try:
        return BY_OPTION[choice]
    except KeyError:
        raise ValueError(f"unknown standard {choice!r}; choose from {', '.join(STANDARD_CHOICES)}") from None


def same_date_in(year: int, day: dt.date) -> dt.date:
    """`day`'s calendar date in `year`; 29 February becomes the 28th where `year` has none."""
    try:
        return day.replace(year=year)
    except ValueError:
        return dt.date(year, 2, 28)


@dataclass(frozen=True)
class Span:
    standard: AqiStandard
    start: dt.date
    end: dt.date

    def to_dict(self) -> dict:
        return {"id": self.standard.id, "from": self.start.isoformat(), "to": self.end.isoformat()}


@dataclass(frozen=True)
class Plan:
    """Which standard computes which days: consecutive spans covering a period."""

    spans: tuple[Span, ...]
    # The days computed with a standard other than the one in force on them (like-for-like
    # or forced), as spans, for the note that says so.
    recomputed: tuple[Span, ...] = ()

    @property
    def standards(self) -> list[AqiStandard]:
        return list(dict.fromkeys(span.standard for span in self.spans))

    def standard_of(self, day: dt.date) -> AqiStandard:
        for span in self.spans:
            if span.start <= day <= span.end:
                return span.standard
        return standard_on(day)

    def to_dict(self) -> dict:
        """The JSON "standards" value: {"aqi": [{"id", "from", "to"}...], "annual": "HJ 663-2013"}."""
        return {"aqi": [span.to_dict() for span in self.spans], "annual": ANNUAL_STANDARD.id}


def _extend(spans: list[Span], standard: AqiStandard, day: dt.date) -> None:
    """Add `day` to the last span when it continues it with the same standard, else start one."""
    if spans and spans[-1].standard is standard and spans[-1].end == day - dt.timedelta(days=1):
        spans[-1] = Span(standard, spans[-1].start, day)
    else:
        spans.append(Span(standard, day, day))


def plan_by_day(start: dt.date, end: dt.date, standard_of_day: Callable[[dt.date], AqiStandard]) -> Plan:
    """Group the days start..end into spans of one standard each."""
    spans: list[Span] = []
    recomputed: list[Span] = []
    day = start
    while day <= end:
        standard = standard_of_day(day)
        _extend(spans, standard, day)
        if standard is not standard_on(day):
            _extend(recomputed, standard, day)
        day += dt.timedelta(days=1)
    return Plan(tuple(spans), tuple(recomputed))


def plan_for(start: dt.date, end: dt.date, choice: str | None = "auto") -> Plan:
    """Each day with the standard in force on it, or every day with the forced one."""
    table = forced(choice)
    return plan_by_day(start, end, (lambda day: table) if table else standard_on)


def like_for_like(start: dt.date, end: dt.date, current_year: int, choice: str | None = "auto") -> Plan:
    """同口径: each day of a previous period with the standard its calendar date uses in `current_year`."""
    table = forced(choice)
    if table:
        return plan_by_day(start, end, lambda day: table)
    return plan_by_day(start, end, lambda day: standard_on(same_date_in(current_year, day)))
