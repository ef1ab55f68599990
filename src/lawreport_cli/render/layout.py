"""The layout every tabular renderer shares: a result as titled blocks of rows.

A result is laid out once as a list of `Block`s: a section title with its
period, column headers and text rows. `table` prints them with tabulate's
"simple" style and Markdown with its "github" style, so both always say the
same. Sections are generic: top-level figures, then each per-entity table
(`Entities`) of the section, so a new section needs no code here.
"""
from __future__ import annotations

from dataclasses import dataclass

from tabulate import tabulate

from ..metrics.registry import SECTIONS, MetricDef, metric_for
from ..model import Change, Comparison, Entities, Figure, Summary, format_value
from ..findings import count_by_severity
from .words import section_title, signed, standards_line, unit_suffix, word, year_label, yoy_text


@dataclass
class Block:
    title: str
    headers: list[str]
    rows: list[list[str]]
    align: tuple[str, ...]
    note: str = ""  # a line under the table (the air section's standards)


def by_section(items: dict) -> dict[str, list]:
    grouped: dict[str, list] = {}
    for item in items.values():
        grouped.setdefault(item.metric.section, []).append(item)
    return {section: grouped[section] for section in ordered_sections(grouped)}


def ordered_sections(sections) -> list[str]:
    known = [section for section in SECTIONS if section in sections]
    return known + sorted(section for section in sections if section not in SECTIONS)


def city_metrics(by_city: dict[str, dict], section: str) -> list[MetricDef]:
    """The metrics of one section that some city has, in first-seen order."""
    seen: dict[str, MetricDef] = {}
    for items in by_city.values():
        for item in items.values():
            if item.metric.section == section:
                seen.setdefault(item.metric.id, item.metric)
    return list(seen.values())


def entity_block(table: Entities, section: str, title: str, lang: str) -> Block | None:
    """A section's per-entity table: entities across (cities) or down (river sections)."""
    metrics = table.columns(section)
    if not metrics:
        return None
    entities = list(table.rows)
    if table.across:
        # Figures down, cities across: a province's 16 cities stay within a wide terminal,
        # while 15 figure columns with long Chinese labels would not.
        headers = [word("figure", lang), *entities, word("unit", lang)]
        rows = []
        for metric in metrics:
            row = [metric.label_for(lang)]
            for entity in entities:
                figure: Figure | None = table.rows[entity].get(metric.id)
                row.append(format_value(metric, figure.value) if figure else "")
            rows.append(row + [metric.unit])
        return Block(title, headers, rows, ("left",) + ("right",) * len(entities) + ("left",))
    headers = [table.name[lang == "en"], *(metric.label_for(lang) + unit_suffix(metric) for metric in metrics)]
    rows = []
    for entity in entities:
        figures = table.rows[entity]
        rows.append([entity, *(format_value(m, figures[m.id].value) if m.id in figures else "" for m in metrics)])
    align = ("left",) + tuple("left" if m.kind == "text" else "right" for m in metrics)
    return Block(title, headers, rows, align)


def present_sections(summary: Summary) -> list[str]:
    """Sections with a top-level figure or an entity table column, in report order."""
    sections = {f.metric.section for f in summary.figures.values()}
    for table in summary.entities.values():
        sections |= {metric.section for metric in table.columns()}
    return ordered_sections(sections)


def summary_blocks(summary: Summary, lang: str = "zh") -> list[Block]:
    period = summary.period.label(lang)
    blocks: list[Block] = []
    top = by_section(summary.figures)
    for section in present_sections(summary):
        title = f"{section_title(section, lang)}  ({period})"
        if section in top:
            rows = [[f.metric.label_for(lang), format_value(f.metric, f.value), f.metric.unit]
                    for f in top[section]]
            blocks.append(Block(title, [word("figure", lang), word("value", lang), word("unit", lang)],
                                rows, ("left", "right", "left")))
        for table in summary.entities.values():
            entity_title = f"{section_title(section, lang)} · {table.title[lang == 'en']}  ({period})"
            block = entity_block(table, section, entity_title, lang)
            if block:
                blocks.append(block)
        if section == "air" and blocks:
            blocks[-1].note = standards_line(summary.standards, lang)
    return blocks


def summary_footer(summary: Summary, lang: str = "zh") -> list[str]:
    lines = []
    if summary.rows_left_out:
        lines.append(word("rows_left_out", lang).format(n=summary.rows_left_out))
    errors, warnings = count_by_severity(summary.findings)  # info findings are not counted here
    if errors or warnings:
        lines.append(word("findings", lang).format(errors=errors, warnings=warnings))
    lines.extend(word("note", lang) + note for note in summary.notes)
    return lines


def _change_row(change: Change, lang: str) -> list[str]:
    metric = change.metric
    return [metric.label_for(lang), format_value(metric, change.previous), format_value(metric, change.current),
            signed(metric, change.change), yoy_text(change, lang), metric.unit]


def compare_headers(comparison: Comparison, lang: str) -> list[str]:
    return [word("figure", lang), year_label(comparison.previous.year, lang),
            year_label(comparison.current.year, lang), word("change", lang), word("yoy", lang), word("unit", lang)]


def compare_blocks(comparison: Comparison, lang: str = "zh") -> list[Block]:
    period = comparison.current.period.label(lang)
    headers = compare_headers(comparison, lang)
    align = ("left", "right", "right", "right", "left", "left")
    blocks: list[Block] = []
    both = {mid: change for mid, change in comparison.changes.items() if not change.one_sided}
    last_air = None  # the air block the standards line goes under
    for section, changes in by_section(both).items():
        rows = [_change_row(change, lang) for change in changes]
        blocks.append(Block(f"{section_title(section, lang)}  ({period})", headers, rows, align))
        if section == "air":
            last_air = blocks[-1]
    city_sections = {c.metric.section for changes in comparison.by_city.values() for c in changes.values()}
    for section in ordered_sections(city_sections):
        rows = []
        for city, changes in comparison.by_city.items():
            for change in changes.values():
                if change.metric.section == section:
                    rows.append([city] + _change_row(change, lang))
        title = f"{section_title(section, lang)} · {word('by_city', lang)}  ({period})"
        blocks.append(Block(title, [word("city", lang)] + headers, rows, ("left",) + align))
        if section == "air":
            last_air = blocks[-1]
    metrics = rank_metrics(comparison)
    if metrics:
        rows = [[city] + [str(ranks[m.id]) if m.id in ranks else "" for m in metrics]
                for city, ranks in comparison.ranks.items()]
        title = f"{section_title('air', lang)} · {word('improvement_ranks', lang)}  ({period})"
        blocks.append(Block(title, [word("city", lang)] + [m.label_for(lang) + unit_suffix(m) for m in metrics],
                            rows, ("left",) + ("right",) * len(metrics)))
        last_air = blocks[-1]
    if last_air is not None:
        last_air.note = standards_line(comparison.standards, lang)
    return blocks


def rank_metrics(comparison: Comparison) -> list[MetricDef]:
    """The improvement ranks some city has ("改善幅度居全省第4位"), in first-seen order."""
    ids = dict.fromkeys(rank_id for ranks in comparison.ranks.values() for rank_id in ranks)
    return [metric_for(rank_id) for rank_id in ids]


def compare_header_lines(comparison: Comparison, lang: str = "zh") -> list[str]:
    previous, current = comparison.previous, comparison.current
    lines = [f"{year_label(previous.year, lang)} ({previous.source}) → {year_label(current.year, lang)} ({current.source})",
             comparison.span_line(lang)]
    if comparison.period_note:
        lines.append(word("note", lang) + comparison.period_note)
    if comparison.standards_note:
        lines.append(word("note", lang) + comparison.standards_note)
    return lines


def compare_footer(comparison: Comparison, lang: str = "zh") -> list[str]:
    lines = []
    for year, ids in ((comparison.previous.year, comparison.only_previous),
                      (comparison.current.year, comparison.only_current)):
        if ids:
            labels = "、".join(comparison.changes[mid].metric.label_for(lang) for mid in ids)
            lines.append(word("only_in", lang).format(year=year_label(year, lang)) + labels)
    return lines


def tabulate_block(block: Block, tablefmt: str) -> str:
    # disable_numparse: tabulate would otherwise reformat "0.0010" as 0.001.
    return tabulate(block.rows, headers=block.headers, tablefmt=tablefmt,
                    colalign=block.align, disable_numparse=True)
