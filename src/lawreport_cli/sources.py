"""Sheet sources: what a file holds, after the safe-open check, as sheets to read.

The seam between opening files (safety.py: what kind of file, is it safe) and
reading tables (reader.py: which section, header, units, rows). Every kind of
file (xlsx/xlsm, ods, xls, csv) gives the same thing: a list of SheetSource,
each of which loads as one all-text frame with the sheet's own row and column
numbers, so findings name real cells.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

import polars as pl

from .safety import CHART_SHEET, UnreadableWorkbook, check_file, display_path

# calamine's names for Excel's error values, and how Excel shows them.
EXCEL_ERRORS = {"Div0": "#DIV/0!", "NA": "#N/A", "Name": "#NAME?", "Null": "#NULL!", "Num": "#NUM!",
                "Ref": "#REF!", "Value": "#VALUE!", "GettingData": "#GETTING_DATA"}


@dataclass
class SheetSource:
    file: str  # the path as the user gave it (display form: a non-UTF-8 name shows U+FFFD)
    kind: str  # "ooxml", "ods", "xls" or "csv": what the content is, whatever the name says
    name: str  # the sheet's name in its workbook (a CSV: the file's stem)
    index: int  # position of the sheet in its file
    hidden: bool  # known once loaded
    data: bytes = field(repr=False, default=b"")  # the file's checked bytes (the only bytes any reader sees)
    _reader: object = field(repr=False, default=None)  # fastexcel's reader over `data`; a CSV: its decoded text
    part: str = ""  # ooxml: the sheet's part in the zip (xl/worksheets/sheet1.xml), when known

    def load(self) -> tuple[pl.DataFrame, list[int]]:
        """(every cell as Utf8, row 0 = sheet row 1; the 0-based sheet column of each frame column).

        Raises UnreadableWorkbook when the sheet cannot be read at all.
        """
        if self.kind == "csv":
            from .csvsource import csv_frame

            return csv_frame(self._reader)
        if self.part.startswith(CHART_SHEET):  # a chart sheet holds no cells (calamine would only complain)
            return pl.DataFrame(), []
        try:
            loaded = self._reader.load_sheet(self.name, header_row=None, skip_rows=0, dtypes="string")
            self.hidden = str(getattr(loaded, "visible", "visible")) != "visible"
            offsets = [info.absolute_index for info in loaded.available_columns()]
            batch, cell_errors = loaded.to_arrow_with_errors()
            frame = _with_error_texts(pl.from_arrow(batch), cell_errors)
        except (KeyboardInterrupt, SystemExit, MemoryError):
            raise
        except BaseException as error:  # noqa: B036 — calamine panics on some malformed sheets
            raise UnreadableWorkbook(self.file, f"sheet {self.name} cannot be read ({first_line(error)})") from None
        return frame, offsets


def open_sources(path: str | os.PathLike) -> list[SheetSource]:
    """Check one file and list its sheets. Raises UnreadableWorkbook with one clear reason.

    The file is read once; the checks and the reader see the same bytes (safety.py).
    """
    container = check_file(path)
    shown = display_path(path)
    if container.kind == "csv":
        stem = display_path(os.path.splitext(os.path.basename(os.fspath(path)))[0])
        return [SheetSource(shown, "csv", stem, 0, False, container.data, container.text)]
    import fastexcel  # a data library: imported only when a workbook is read

    parts = {name: part for part, name in container.sheet_names.items()}
    try:
        reader = fastexcel.read_excel(container.data)
        names = list(reader.sheet_names)
        sources = []
        for index, name in enumerate(names):
            sources.append(SheetSource(shown, container.kind, name, index, False, container.data, reader,
                                       parts.get(name, "")))
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException as error:  # noqa: B036 — a Rust panic (pyo3 PanicException) is a BaseException
        raise UnreadableWorkbook(path, f"cannot be read as a workbook ({first_line(error)})") from None
    return sources


def _with_error_texts(frame: pl.DataFrame, cell_errors) -> pl.DataFrame:
    """Put an error cell's Excel text (#N/A) where calamine left a blank, so the checks see it."""
    errors = getattr(cell_errors, "errors", None) or []
    by_column: dict[int, tuple[list[int], list[str]]] = {}
    for error in errors:
        row, column = error.position
        name = error.detail.rsplit("Error(", 1)[-1].rstrip(")'")
        rows, texts = by_column.setdefault(column, ([], []))
        rows.append(row)
        texts.append(EXCEL_ERRORS.get(name, f"#{name}"))
    if not by_column:
        return frame
    columns = []
    for index, name in enumerate(frame.columns):
        series = frame.get_column(name)
        if index in by_column:
            series = series.cast(pl.Utf8).clone()
            series.scatter(*by_column[index])
        columns.append(series)
    return pl.DataFrame(columns)


def first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__
