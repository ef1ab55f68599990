"""A CSV file as one sheet: every cell as text, row 1 = the file's first record.

The text was decoded by the safe-open stage (UTF-8 with or without BOM, else
GB18030, which covers GBK). Python's csv module splits it: it is correct for
quoted fields holding separators, quotes and line breaks, and for ragged rows
(a title line of one field above a header of ten), where a columnar reader that
fixes the width from the first line would fail or drop fields.
"""
from __future__ import annotations

import csv
import io

import polars as pl

SEPARATORS = (",", "\t", ";")
SNIFF_LINES = 20


def sniff_separator(text: str) -> str:
    """The separator that splits the first lines into the most fields; a comma when none does better."""
    sample = "\n".join(text[:65536].splitlines()[:SNIFF_LINES])
    best, best_width = ",", 1
    for separator in SEPARATORS:
        try:
            width = max((len(row) for row in csv.reader(io.StringIO(sample), delimiter=separator)), default=0)
        except csv.Error:
            continue
        if width > best_width:
            best, best_width = separator, width
    return best


def csv_rows(text: str) -> list[list[str]]:
    separator = sniff_separator(text)
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=False))
    except csv.Error:
        # A NUL or an unterminated field: split the lines plainly rather than give up on the file.
        return [line.split(separator) for line in text.splitlines()]


def csv_frame(text: str) -> tuple[pl.DataFrame, list[int]]:
    """(every cell as Utf8, blank as null; the 0-based sheet column of each frame column), as SheetSource.load."""
    rows = csv_rows(text)
    width = max((len(row) for row in rows), default=0)
    columns = [[None] * len(rows) for _ in range(width)]
    for row_index, row in enumerate(rows):
        for column_index, value in enumerate(row):
            if value != "":
                columns[column_index][row_index] = value
    frame = pl.DataFrame({f"__UNNAMED__{index}": pl.Series(values, dtype=pl.Utf8)
                          for index, values in enumerate(columns)})
    return frame, list(range(width))
