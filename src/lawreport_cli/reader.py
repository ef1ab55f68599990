"""Read a workbook into raw sheets: find each known sheet, its header, its data rows.

One columnar read per sheet (calamine through fastexcel, every cell as text,
rows counted from the sheet's row 1 so findings name real cells); header
detection looks at the first rows only; totals and notes rows are dropped by
one vectorised test.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from .findings import Finding
from .sources import open_sources
from .schema import NON_RECORD_ROW_PATTERN, SHEETS, SheetSchema
from .values import normalize_label

HEADER_SEARCH_ROWS = 30  # a header lies within the first rows, under titles and blank rows
MIN_HEADER_MATCHES = 2
MONEY_UNITS = ("元", "万元", "亿元")


@dataclass
class RawSheet:
    schema: SheetSchema
    name: str  # as spelled in the workbook
    hidden: bool
    header_row: int  # 1-based; the last row of a two-row header
    # key -> 0-based absolute column index in the sheet
    positions: dict[str, int]
    units: dict[str, str]  # money column key -> 元/万元/亿元
    frame: pl.DataFrame  # "_row" (1-based sheet row) + one Utf8 column per found key, data rows only
    findings: list[Finding] = field(default_factory=list)

    def finding(self, row: int, key: str, code: str, value=None, *params) -> Finding:
        column = self.schema.column(key)
        return Finding(self.name, row, self.positions.get(key, -1), code, column.name,
                       None if value is None else str(value), tuple(params))


@dataclass
class RawWorkbook:
    path: str
    sheets: dict[str, RawSheet]  # schema key -> sheet
    findings: list[Finding]


def _alias_tables(schema: SheetSchema) -> tuple[dict[str, str], dict[str, str]]:
    whole, stripped = {}, {}
    for column in schema.columns:
        for alias in column.aliases:
            alias_whole, alias_stripped, _ = normalize_label(alias)
            whole.setdefault(alias_whole, column.key)
            stripped.setdefault(alias_stripped, column.key)
    return whole, stripped


_ALIASES = {schema.key: _alias_tables(schema) for schema in SHEETS}
_SHEET_NAMES = {}
for _schema in SHEETS:
    for _label in (_schema.name, _schema.alias, _schema.key, *_schema.other_names):
        _SHEET_NAMES[normalize_label(_label)[0]] = _schema


def match_sheet(name: str) -> SheetSchema | None:
    """A sheet by its name, else by the longest known name it contains (2023年地表水水质监测)."""
    folded = normalize_label(name)[0]
    if folded in _SHEET_NAMES:
        return _SHEET_NAMES[folded]
    contained = [label for label in _SHEET_NAMES
                 if label in folded and (len(label) >= 2 and not label.isascii() or len(label) >= 6)]
    return _SHEET_NAMES[max(contained, key=len)] if contained else None


def match_header(schema: SheetSchema, text) -> tuple[str | None, str]:
    """(column key, unit) for one header cell's text, or (None, "")."""
    if text is None or str(text).strip() == "":
        return None, ""
    whole, stripped, unit = normalize_label(text)
    by_whole, by_stripped = _ALIASES[schema.key]
    key = by_whole.get(whole) or by_stripped.get(stripped)
    return key, unit if key else ""


def _label_row(schema: SheetSchema, cells: list) -> dict[int, tuple[str, str]]:
    found: dict[int, tuple[str, str]] = {}
    for index, text in enumerate(cells):
        key, unit = match_header(schema, text)
        if key:
            found[index] = (key, unit)
    return found


def _two_row_labels(schema: SheetSchema, upper: list, lower: list) -> dict[int, tuple[str, str]]:
    # A header over two rows: group labels merged across columns above, column
    # names below; a single label merged down both rows keeps its text in the upper cell.
    found: dict[int, tuple[str, str]] = {}
    for index in range(max(len(upper), len(lower))):
        top = upper[index] if index < len(upper) else None
        bottom = lower[index] if index < len(lower) else None
        for candidate in (bottom, top, f"{top or ''}{bottom or ''}"):
            key, unit = match_header(schema, candidate)
            if key:
                found[index] = (key, unit)
                break
    return found


def find_header(schema: SheetSchema, rows: list[list]) -> tuple[int, int, dict[int, tuple[str, str]]] | None:
    """(first header row index, number of header rows, {cell index: (key, unit)}) or None."""
    best = None
    best_score = MIN_HEADER_MATCHES - 1
    for index, cells in enumerate(rows):
        candidates = [(1, _label_row(schema, cells))]
        if index + 1 < len(rows):
            candidates.append((2, _two_row_labels(schema, cells, rows[index + 1])))
        for height, labels in candidates:
            score = len({key for key, _ in labels.values()})
            if score > best_score:
                best, best_score = (index, height, labels), score
    return best


def read_workbook(path: str | os.PathLike, progress: Callable[[str], None] | None = None) -> RawWorkbook:
    """Read every known sheet; `progress` hears a short line before each slow step."""
    progress = progress or (lambda message: None)
    progress(f"checking {path}")
    sources = open_sources(path)
    findings: list[Finding] = []
    sheets: dict[str, RawSheet] = {}
    for source in sources:
        name = source.name
        schema = match_sheet(name)
        if schema is None:
            findings.append(Finding(name, 0, -1, "unknown-sheet", params=(name,)))
            continue
        if schema.key in sheets:
            findings.append(Finding(name, 0, -1, "duplicate-sheet", params=(name, sheets[schema.key].name)))
            continue
        progress(f"reading {path} [{name}]")
        frame, offsets = source.load()
        sheet = _read_sheet(schema, name, source.hidden, frame, offsets)
        sheets[schema.key] = sheet
        if sheet.hidden:
            findings.append(Finding(name, 0, -1, "hidden-sheet", params=(name,)))
    if not sheets:
        findings.append(Finding("", 0, -1, "no-known-sheet", file=str(path)))
    return RawWorkbook(str(path), sheets, findings)


def _read_sheet(schema: SheetSchema, name: str, hidden: bool, frame: pl.DataFrame, offsets: list[int]) -> RawSheet:
    # Columns as read are __UNNAMED__i; offsets[i] is the sheet column of i (calamine
    # starts a range at its first used column).
    width = frame.width
    head = frame.head(HEADER_SEARCH_ROWS).rows()
    header = find_header(schema, [list(row) for row in head])
    empty = pl.DataFrame({"_row": []}, schema={"_row": pl.Int64})
    if header is None:
        finding = Finding(name, 1, offsets[0] if offsets else 0, "header-not-found", params=(HEADER_SEARCH_ROWS,))
        return RawSheet(schema, name, hidden, 0, {}, {}, empty, [finding])
    first, height, labels = header
    header_row = first + height  # 1-based number of the last header row
    positions: dict[str, int] = {}
    sources: dict[str, str] = {}
    units: dict[str, str] = {}
    findings: list[Finding] = []
    for index, (key, unit) in sorted(labels.items()):
        column = schema.column(key)
        if key in positions:
            findings.append(Finding(name, header_row, offsets[index], "duplicate-column", column.name))
            continue
        positions[key] = offsets[index]
        sources[key] = frame.columns[index]
        if column.type == "money":
            units[key] = unit if unit in MONEY_UNITS else "元"
            if unit and unit not in MONEY_UNITS:
                findings.append(Finding(name, header_row, offsets[index], "bad-unit", column.name, unit))
    first_cell = offsets[0] if offsets else 0
    for column in schema.columns:
        if column.column_required and column.key not in positions:
            findings.append(Finding(name, header_row, first_cell, "missing-column", column.name))

    body = frame.slice(header_row).with_columns(
        pl.int_range(header_row + 1, header_row + 1 + frame.height - header_row, dtype=pl.Int64).alias("_row"))
    # A totals or notes row is recognised by its first non-blank cell, whatever column that is.
    # Every cell stripped once, blank as null; a row's first text is its first non-null cell.
    cells = frame.columns[:width]
    stripped = body.select("_row", *[pl.col(column).str.strip_chars().replace("", None) for column in cells])
    data = stripped.select(
        "_row",
        pl.coalesce(cells).alias("_first"),
        *[pl.col(source).alias(key) for key, source in sources.items()],
    )
    keys = list(sources)
    not_blank = pl.any_horizontal([pl.col(key).is_not_null() for key in keys]) if keys else pl.lit(False)
    is_note = pl.col("_first").str.contains(NON_RECORD_ROW_PATTERN).fill_null(False)
    data = data.filter(not_blank & ~is_note).drop("_first")
    return RawSheet(schema, name, hidden, header_row, positions, units, data, findings)
