"""The report's prose cut by section, for documents that put each section under its own heading.

prose.py writes paragraphs as the report does (inspections and penalties share
one "执法" paragraph). A Word draft and a bureau's template want the
sentences of one section at a time, so this runs prose's own paragraph specs
on that section's figures only: a clause whose figure is not there drops
out, and what remains is exactly prose's wording for that section. A section
prose has no phrases for (one added later) gets one plain sentence of its
figures, "标签数值单位，…。".
"""
from __future__ import annotations

from ..model import Comparison, Summary, format_value
from . import prose
from .table import section_title

# lang="en" and sections without phrases: one plain clause per figure.
PLAIN_CLAUSE = "{label}{value}{unit}"


def _only(items: dict, section: str) -> dict:
    return {key: item for key, item in items.items() if item.metric.section == section}


def _cut(summary: Summary, comparison: Comparison | None, section: str) -> tuple[Summary, Comparison | None]:
    """The summary (and comparison) with only `section`'s figures, for prose's paragraph functions."""
    import dataclasses

    cut = dataclasses.replace(summary, figures=_only(summary.figures, section),
                              by_city={city: _only(figures, section) for city, figures in summary.by_city.items()})
    cut.by_city = {city: figures for city, figures in cut.by_city.items() if figures}
    if comparison is None:
        return cut, None
    by_city = {city: _only(changes, section) for city, changes in comparison.by_city.items()}
    cut_comparison = dataclasses.replace(comparison, current=cut, changes=_only(comparison.changes, section),
                                         by_city={city: c for city, c in by_city.items() if c},
                                         ranks=comparison.ranks if section == "air" else {})
    return cut, cut_comparison


def _plain(summary: Summary, section: str, lang: str) -> str:
    clauses = []
    for figure in summary.figures.values():
        if figure.metric.section != section:
            continue
        metric = figure.metric
        unit = "" if metric.unit in ("", "—") else metric.unit
        if lang == "en" and unit:
            unit = unit if unit == "%" else f" {unit}"
        clauses.append(PLAIN_CLAUSE.format(label=metric.label_for(lang) + (" " if lang == "en" else ""),
                                           value=format_value(metric, figure.value), unit=unit))
    if not clauses:
        return ""
    if lang == "en":
        return f"{section_title(section, 'en')}: " + "; ".join(clauses) + "."
    return "，".join(clauses) + "。"


def section_paragraphs(summary: Summary, comparison: Comparison | None, section: str,
                       lang: str = "zh") -> list[str]:
    """The paragraphs prose writes for `section` alone (year on year too when `comparison` is given)."""
    if lang == "en":
        cut, cut_comparison = _cut(summary, comparison, section)
        text = prose.prose(cut, cut_comparison, "en").strip()
        return [part for part in text.split("\n\n") if part] or ([_plain(summary, section, lang)]
                                                                  if _plain(summary, section, lang) else [])
    cut, cut_comparison = _cut(summary, comparison, section)
    text = prose.prose(cut, cut_comparison, "zh").strip()
    paragraphs = [part for part in text.split("\n\n") if part]
    if section == "indicators":
        # prose opens the indicators paragraph with 此外 only after other paragraphs.
        paragraphs = [part.removeprefix(prose.PHRASES.get("besides", "")) for part in paragraphs]
    if not paragraphs:
        plain = _plain(summary, section, lang)
        paragraphs = [plain] if plain else []
    return paragraphs
