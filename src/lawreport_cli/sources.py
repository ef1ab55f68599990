"""Sheet sources: what a file holds, after the safe-open check, as sheets to read.

The seam between opening files (safety.py: what kind of file, is it safe) and
reading tables (reader.py: which section, header, units, rows). Every kind of
file (xlsx/xlsm, ods, xls, csv) gives the same thing: a list of SheetSource,
each of which loads as one all-text frame with the sheet's own row and column
numbers, so findings name real cells.
"""
from __future__ import annotations

import functools
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
    split: object = field(repr=False, default=None)  # a big sheet's rows in parts (sheetsplit.SplitSheet), read once
    # `_reader` holds this sheet as an empty stub (it is read in parts); a whole read needs a reader of its own
    stubbed: bool = field(repr=False, default=False)

    def load(self) -> tuple[pl.DataFrame, list[int]]:
        """(every cell as Utf8, row 0 = sheet row 1; the 0-based sheet column of each frame column).

        Raises UnreadableWorkbook when the sheet cannot be read at all.
        """
        if self.kind == "csv":
            from .csvsource import csv_frame

            return csv_frame(self._reader)
        if self.part.startswith(CHART_SHEET):  # a chart sheet holds no cells (calamine would only complain)
            return pl.DataFrame(), []
        split, self.split = self.split, None  # its parts are read once, then freed
        joined = _read_in_parts(self, split) if split is not None else None
        if joined is not None:
            frame, offsets, errors, self.hidden = joined
            return _with_error_texts(frame, errors), offsets
        try:
            if self.stubbed:  # the parts could not be joined, or were read before
                import fastexcel

                self._reader, self.stubbed = fastexcel.read_excel(self.data), False
            frame, offsets, errors, self.hidden = _read_whole(self._reader, self.name)
            frame = _with_error_texts(frame, errors)
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
        if container.split_sheets:  # those are read in parts; the reader of the rest need not copy them
            import io
            import zipfile

            from .sheetsplit import without_split_sheets

            reader = fastexcel.read_excel(without_split_sheets(zipfile.ZipFile(io.BytesIO(container.data)),
                                                               container.data, container.split_sheets.values()))
        else:
            reader = fastexcel.read_excel(container.data)
        names = list(reader.sheet_names)
        sources = []
        for index, name in enumerate(names):
            part = parts.get(name, "")
            split = container.split_sheets.get(part)
            sources.append(SheetSource(shown, container.kind, name, index, False, container.data, reader,
                                       part, split, stubbed=split is not None))
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException as error:  # noqa: B036 — a Rust panic (pyo3 PanicException) is a BaseException
        raise UnreadableWorkbook(path, f"cannot be read as a workbook ({first_line(error)})") from None
    return sources


def _read_whole(reader, name: str) -> tuple[pl.DataFrame, list[int], list[tuple[int, int, str]], bool]:
    """(frame, the sheet column of each frame column, error cells, hidden) of one sheet, as calamine reads it."""
    loaded = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
    hidden = str(getattr(loaded, "visible", "visible")) != "visible"
    offsets = [info.absolute_index for info in loaded.available_columns()]
    batch, cell_errors = loaded.to_arrow_with_errors()
    errors = []
    for error in getattr(cell_errors, "errors", None) or []:
        row, column = error.position
        errors.append((row, column, error.detail.rsplit("Error(", 1)[-1].rstrip(")'")))
    # calamine's cells (half a gigabyte for a million rows) go before polars copies the Arrow
    # batch, not after: the two are never held at once.
    del loaded, cell_errors
    if batch.num_rows * max(batch.num_columns, 1) >= _TRIM_FROM_CELLS:
        _give_back_freed_memory()
    return pl.from_arrow(batch), offsets, errors, hidden


def _read_in_parts(source: SheetSource, split) -> tuple[pl.DataFrame, list[int], list, bool] | None:
    """A big sheet read as its parts, one calamine reader per core, joined at their rows (sheetsplit.py).

    None, and the sheet is read whole, unless every part held cells of its own rows only:
    then the join is the frame the whole read gives, cell for cell.
    """
    import io
    import zipfile
    from concurrent.futures import ThreadPoolExecutor

    import fastexcel

    from .sheetsplit import cores, workbook_of

    archive = zipfile.ZipFile(io.BytesIO(source.data))

    def read(index: int):
        book = workbook_of(archive, source.data, split, index)
        split.parts[index].deflated = []  # the workbook holds them now
        reader = fastexcel.read_excel(book)
        del book
        return _read_whole(reader, source.name)

    try:
        with ThreadPoolExecutor(max_workers=min(cores(), len(split.parts))) as pool:
            read_parts = list(pool.map(read, range(len(split.parts))))
        return join_parts([part.first_row for part in split.parts], read_parts)
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException:  # noqa: B036 — a part calamine will not read (or panics on): the whole read decides
        return None


_TRIM_FROM_CELLS = 1_000_000  # a smaller sheet's cells are not worth a walk over the arenas


@functools.cache
def _malloc_trim():
    try:
        import ctypes

        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc: nothing to do
        return None


def _give_back_freed_memory() -> None:
    # glibc keeps what a thread frees in that thread's own arena: a part's reader frees
    # calamine's cells (millions of small strings) where no other thread's allocations can
    # reuse them, so without a trim they stay in the process's memory.
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def join_parts(first_rows: list[int], read_parts: list) -> tuple[pl.DataFrame, list[int], list, bool] | None:
    """The frames of a sheet's parts (part i: sheet rows first_rows[i] to the next part's first less
    one, each frame from sheet row 1) as one frame, or None when a part holds a cell outside its rows."""
    used = [(offsets[0], offsets[-1]) for frame, offsets, _, _ in read_parts if frame.width and offsets]
    if not used:
        return read_parts[0][0], read_parts[0][1], [], read_parts[0][3]
    low, high = min(first for first, _ in used), max(last for _, last in used)
    names = [f"__UNNAMED__{index}" for index in range(high - low + 1)]
    pieces, errors, height = [], [], 0
    for number, (frame, offsets, part_errors, _) in enumerate(read_parts):
        start = first_rows[number] - 1  # 0-based frame row of the part's first sheet row
        end = first_rows[number + 1] - 1 if number + 1 < len(first_rows) else max(frame.height, start)
        if frame.height > end:
            return None  # a cell at or below the next part's first row
        above = frame.head(min(start, frame.height))
        if above.height and any(count != above.height for count in above.null_count().row(0)):
            return None  # a cell above the part's first row
        if any(not start <= row < end for row, _, _ in part_errors):
            return None
        errors += [(row, offsets[column] - low, name) for row, column, name in part_errors]
        if frame.height > start or part_errors:  # the part holds cells of its own
            height = max(height, frame.height, *(row + 1 for row, _, _ in part_errors))
        by_column = dict(zip(offsets, frame.columns))
        own = frame.slice(start, end - start)
        columns = [own.get_column(by_column[low + index]).cast(pl.Utf8).alias(name) if low + index in by_column
                   else pl.Series(name, [None] * own.height, dtype=pl.Utf8) for index, name in enumerate(names)]
        piece = pl.DataFrame(columns)
        if piece.height < end - start:
            piece = pl.concat([piece, pl.DataFrame({name: [None] * (end - start - piece.height) for name in names},
                                                   schema={name: pl.Utf8 for name in names})])
        pieces.append(piece)
    frame = pl.concat(pieces, rechunk=False).head(height)
    return frame, list(range(low, high + 1)), errors, read_parts[0][3]


def _with_error_texts(frame: pl.DataFrame, errors: list[tuple[int, int, str]]) -> pl.DataFrame:
    """Put an error cell's Excel text (#N/A) where calamine left a blank, so the checks see it.

    `errors`: (frame row, frame column, calamine's name of the error) of each error cell."""
    by_column: dict[int, tuple[list[int], list[str]]] = {}
    for row, column, name in errors:
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
