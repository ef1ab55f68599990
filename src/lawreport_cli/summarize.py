"""summarize: records -> every figure of the report, as one Summary."""
from __future__ import annotations

from .metrics.common import period_for
from .metrics.registry import SECTIONS
from .domain.standards import Plan, forced, like_for_like, plan_for
from .model import Entities, Summary
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
    figures, entities, monthly, notes, extra = {}, {}, {}, [], {}
    # What a section's compute may ask for by name (SectionDef.options): the air plan.
    plan, note = air_plan(period, standard, workbook.year, like_for_like_with)
    context = {"plan": plan}
    records = workbook.records
    for section in SECTIONS.values():
        if section.id not in wanted or section.sheet not in records:
            continue
        result = section.compute(records[section.sheet], period,
                                 **{name: context[name] for name in section.options})
        figures.update(result.figures)
        for table in result.entities:
            _merge(entities, table)
        monthly.update(result.monthly)
        notes.extend(result.notes)
        extra.update(result.extra)
    # "standards" is a top-level entry the renderers also read (Summary.standards).
    standards = extra.pop("standards", None)
    standards_note, recomputed = "", []
    if standards and note:
        standards_note, recomputed = note, [span.to_dict() for span in plan.recomputed]
    return Summary(
        source=workbook.source,
        period=period,
        year=workbook.year,
        figures=figures,
        findings=workbook.findings,
        rows_left_out=workbook.rows_with_errors,
        notes=notes,
        monthly=monthly,
        entities=entities,
        extra=extra,
        standards=standards,
        standards_note=standards_note,
        recomputed=recomputed,
    )


def _merge(entities: dict[str, Entities], table: Entities) -> None:
    """Two sections' tables of the same key (two sections by city) become one, entity by entity."""
    if table.key not in entities:
        entities[table.key] = table
        return
    rows = entities[table.key].rows
    for entity, entity_figures in table.rows.items():
        rows.setdefault(entity, {}).update(entity_figures)


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
