"""CSV: one row per figure, for other programs and for spreadsheets.

Money is the exact 万元 decimal string of the JSON output, never rounded.
Text taken from the workbooks (indicator names and units, city names) may
begin with a character a spreadsheet reads as a formula; such a cell gets a
leading apostrophe (OWASP "CSV injection"). Number cells are never touched:
a negative change stays a number.
"""
from __future__ import annotations

import csv
import io
from decimal import Decimal

from ..metrics.registry import MetricDef, metric_for
from ..model import Change, Comparison, Summary
from ..numbers import wan_json

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

SUMMARY_COLUMNS = ["section", "id", "label", "value", "unit", "city"]
COMPARE_COLUMNS = ["id", "label", "unit", "previous", "current", "change", "change_pct", "trend", "city"]


def neutralise(text: str) -> str:
    """A text cell a spreadsheet will show as text, never evaluate."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def number_text(metric: MetricDef, value) -> str:
    """A value as a plain number a spreadsheet parses: exact, no grouping, no unit."""
    if value is None:
        return ""
    if metric.kind == "money":
        return wan_json(int(value))
    if metric.kind in ("count", "rank"):
        return str(int(value))
    if metric.kind == "text":
        return neutralise(str(value))
    return f"{Decimal(value):f}"


def _write(columns: list[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue()


def summary_rows(summary: Summary, lang: str = "zh") -> list[list[str]]:
    rows = []
    # Every per-entity table (cities, river sections): the entity goes in the `city` column.
    places = [("", summary.figures)] + [item for table in summary.entities.values() for item in table.rows.items()]
    for city, figures in places:
        for figure in figures.values():
            metric = figure.metric
            rows.append([metric.section, neutralise(metric.id), neutralise(metric.label_for(lang)),
                         number_text(metric, figure.value), neutralise(metric.unit), neutralise(city)])
    return rows


def summary_csv(summary: Summary, lang: str = "zh") -> str:
    return _write(SUMMARY_COLUMNS, summary_rows(summary, lang))


def _change_row(change: Change, city: str, lang: str) -> list[str]:
    metric = change.metric
    pct = f"{Decimal(change.change_pct):f}" if change.change_pct is not None else ""
    return [neutralise(metric.id), neutralise(metric.label_for(lang)), neutralise(metric.unit),
            number_text(metric, change.previous), number_text(metric, change.current),
            number_text(metric, change.change), pct, change.trend, neutralise(city)]


def compare_csv(comparison: Comparison, lang: str = "zh") -> str:
    rows = [_change_row(change, "", lang) for change in comparison.changes.values()]
    for city, changes in comparison.by_city.items():
        rows.extend(_change_row(change, city, lang) for change in changes.values())
    # Improvement ranks exist only in the comparison: the rank is the `current` column.
    for city, ranks in comparison.ranks.items():
        for rank_id, rank in ranks.items():
            metric = metric_for(rank_id)
            rows.append([neutralise(rank_id), neutralise(metric.label_for(lang)), neutralise(metric.unit),
                         "", str(int(rank)), "", "", "", neutralise(city)])
    return _write(COMPARE_COLUMNS, rows)
