"""summarize: records -> every figure of the report, as one Summary."""
from __future__ import annotations

from .metrics.common import period_for
from .metrics.registry import SECTIONS
from .model import Entities, Summary
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
    figures, entities, monthly, notes, extra = {}, {}, {}, [], {}
    records = workbook.records
    for section in SECTIONS.values():
        if section.id not in wanted or section.sheet not in records:
            continue
        result = section.compute(records[section.sheet], period)
        figures.update(result.figures)
        for table in result.entities:
            _merge(entities, table)
        monthly.update(result.monthly)
        notes.extend(result.notes)
        extra.update(result.extra)
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
    )


def _merge(entities: dict[str, Entities], table: Entities) -> None:
    """Two sections' tables of the same key (two sections by city) become one, entity by entity."""
    if table.key not in entities:
        entities[table.key] = table
        return
    rows = entities[table.key].rows
    for entity, entity_figures in table.rows.items():
        rows.setdefault(entity, {}).update(entity_figures)
