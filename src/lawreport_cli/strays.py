"""Stray values: a cell with something in it on a row that has nothing in the table's columns.

DATA.md (Files): a stray value far below the table (or beside it) is a finding at
its cell, not a refused file and not silence. The safe-open stage lets such a
sheet through (its range is measured exactly); this names the cell, so a fine
typed into the wrong column or a row below the table never passes unseen.
"""
from __future__ import annotations

import polars as pl

from .findings import Finding
from .schema import NON_RECORD_ROW_PATTERN

MAX_STRAYS_PER_SHEET = 200  # a sheet with more has another problem; the first ones say where


def stray_values(name: str, file: str, header_row: int, positions: dict[str, int], frame: pl.DataFrame,
                 offsets: list[int]) -> list[Finding]:
    """One `stray-value` finding per row below the header whose table columns are all blank but
    some other cell is not (totals and notes rows excepted), at that row's first such cell."""
    if header_row <= 0 or not positions or frame.height <= header_row:
        return []
    known = set(positions.values())
    body = frame.slice(header_row)
    # Only columns that hold anything at all below the header (null counts are free): a wide
    # sheet costs what its filled columns cost.
    filled = [(column, offset) for (column, offset), nulls in zip(zip(frame.columns, offsets), body.null_count().row(0))
              if nulls < body.height]
    table = [column for column, offset in zip(frame.columns, offsets) if offset in known]
    others = [(column, offset) for column, offset in filled if offset not in known]
    if not others:
        return []

    def cleaned(column: str) -> pl.Expr:
        return pl.col(column).cast(pl.Utf8).str.strip_chars().replace("", None)

    # Candidates first, by null tests and one table column (a record has something in its
    # first columns): the full test then runs on the few rows left, not a million.
    numbered = body.with_columns(
        pl.int_range(header_row + 1, header_row + 1 + body.height, dtype=pl.Int64).alias("_row"))
    candidates = pl.any_horizontal([pl.col(column).is_not_null() for column, _ in others])
    if table:
        candidates = candidates & cleaned(table[0]).is_null()
    body = numbered.filter(candidates)
    rows = body.select(
        "_row",
        (pl.all_horizontal([cleaned(column).is_null() for column in table]) if table else pl.lit(True)).alias("_blank"),
        pl.coalesce([cleaned(column) for column, _ in filled]).alias("_first"),
        *[cleaned(column).alias(f"_o{index}") for index, (column, _) in enumerate(others)],
    )
    is_note = pl.col("_first").str.contains(NON_RECORD_ROW_PATTERN).fill_null(False)
    hits = rows.filter(pl.col("_blank") & ~is_note & pl.any_horizontal(
        [pl.col(f"_o{index}").is_not_null() for index in range(len(others))])).head(MAX_STRAYS_PER_SHEET)
    findings = []
    for row in hits.iter_rows():
        values = row[3:]
        index = next(position for position, value in enumerate(values) if value is not None)
        findings.append(Finding(name, row[0], others[index][1], "stray-value", value=values[index], file=file))
    return findings
