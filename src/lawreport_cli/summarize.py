"""summarize: records -> every figure of the report, as one Summary."""
from __future__ import annotations

from .metrics.air import compute_air
from .metrics.common import period_for
from .metrics.compensation import compute_compensation
from .metrics.indicators import compute_indicators
from .metrics.inspections import compute_inspections
from .metrics.penalties import compute_penalties
from .metrics.registry import SECTIONS
from .model import Summary
from .records import Workbook


class UsageError(Exception):
    """The user asked for something that cannot be: one line, exit 2."""


def parse_sections(text: str | None) -> list[str] | None:
    if not text:
        return None
    wanted = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [part for part in wanted if part not in SECTIONS]
    if unknown:
        raise UsageError(f"unknown section {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    return wanted


def summarize(workbook: Workbook, through: int | None = None, sections: list[str] | None = None) -> Summary:
    """Every figure of the workbook's year, 1 January to the end of month `through`."""
    if through is not None and not 1 <= through <= 12:
        raise UsageError(f"--through must be a month 1-12, not {through}")
    period = period_for(workbook.year, through)
    wanted = set(sections or SECTIONS)
    figures, by_city, monthly = {}, {}, {}
    records = workbook.records
    if "air" in records and "air" in wanted:
        air_figures, by_city, air_monthly = compute_air(records["air"], period)
        figures.update(air_figures)
        monthly.update(air_monthly)
    if "inspections" in records and "inspections" in wanted:
        figures.update(compute_inspections(records["inspections"], period))
    if "penalties" in records and "penalties" in wanted:
        penalty_figures, penalty_monthly = compute_penalties(records["penalties"], period)
        figures.update(penalty_figures)
        monthly.update(penalty_monthly)
    if "compensation" in records and "compensation" in wanted:
        figures.update(compute_compensation(records["compensation"], period))
    if "indicators" in records and "indicators" in wanted:
        figures.update(compute_indicators(records["indicators"], period))
    return Summary(
        source=workbook.source,
        period=period,
        year=workbook.year,
        figures=figures,
        by_city=by_city,
        findings=workbook.findings,
        rows_left_out=workbook.rows_with_errors,
        monthly=monthly,
    )
