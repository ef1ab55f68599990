"""summarize: records -> every figure of the report, as one Summary."""
from __future__ import annotations

from .metrics.air import compute_air
from .metrics.common import period_for
from .metrics.compensation import compute_compensation
from .metrics.indicators import compute_indicators
from .metrics.inspections import compute_inspections
from .metrics.penalties import compute_penalties
from .metrics.registry import SECTIONS
from .metrics.standards import Plan, forced, like_for_like, plan_for
from .model import Summary
from .records import Workbook


from .errors import UsageError  # noqa: F401  (its old home; errors.py declares it)


def parse_sections(text: str | None) -> list[str] | None:
    if not text:
        return None
    wanted = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [part for part in wanted if part not in SECTIONS]
    if unknown:
        raise UsageError(f"unknown section {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    return wanted


def summarize(workbook: Workbook, through: int | None = None, sections: list[str] | None = None,
              standard: str = "auto", like_for_like_with: int | None = None) -> Summary:
    """Every figure of the workbook's year, 1 January to the end of month `through`.

    `standard` ("auto", or a --standard value) picks the HJ 633 table of each day;
    `like_for_like_with` (a later year) computes each day with the standard its
    calendar date uses in that year (同口径, for the previous year of a compare).
    """
    if through is not None and not 1 <= through <= 12:
        raise UsageError(f"--through must be a month 1-12, not {through}")
    try:
        forced(standard)
    except ValueError as error:
        raise UsageError(str(error)) from None
    if workbook.year is None:
        raise UsageError(f"{workbook.source}: cannot tell the workbook's year (no dated rows and no year in "
                         f"its name); give it with --year")
    period = period_for(workbook.year, through)
    wanted = set(sections or SECTIONS)
    figures, by_city, monthly = {}, {}, {}
    standards, standards_note, recomputed = None, "", []
    records = workbook.records
    if "air" in records and "air" in wanted:
        plan, note = air_plan(period, standard, workbook.year, like_for_like_with)
        air = compute_air(records["air"], period, plan)
        air_figures, by_city, air_monthly = air
        if air.standards and note:
            standards_note, recomputed = note, [span.to_dict() for span in plan.recomputed]
        standards = air.standards
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
        standards=standards,
        standards_note=standards_note,
        recomputed=recomputed,
    )


def air_plan(period, standard: str, year: int, like_for_like_with: int | None) -> tuple[Plan, str]:
    """The standard of each day of `period`, and the 同口径 note when days were recomputed."""
    if like_for_like_with is None:
        return plan_for(period.start, period.end, standard), ""
    plan = like_for_like(period.start, period.end, like_for_like_with, standard)
    # A forced table is no like-for-like recomputation: every year uses it anyway.
    return plan, like_for_like_note(plan, year, like_for_like_with) if forced(standard) is None else ""


def like_for_like_note(plan: Plan, year: int, current_year: int) -> str:
    """"同口径…" for the days of `year` computed with a standard not in force on them, or ""."""
    if not plan.recomputed:
        return ""
    zh = "、".join(f"{span.start.month}月{span.start.day}日至{span.end.month}月{span.end.day}日按{span.standard.title}"
                  for span in plan.recomputed)
    en = "; ".join(f"{span.start.isoformat()} to {span.end.isoformat()} with {span.standard.id}"
                   for span in plan.recomputed)
    return (f"同口径：{year}年空气质量按{current_year}年同日所用标准重新计算，{zh}计"
            f" (like-for-like: {year} recomputed with the standard of the same date in {current_year}: {en})")
