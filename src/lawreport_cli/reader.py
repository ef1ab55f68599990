"""Read workbooks into raw tables: find each known sheet, its header, its units, its data rows.

One columnar read per sheet (calamine through fastexcel, every cell as text,
rows counted from the sheet's row 1 so findings name real cells). What calamine
does not expose (merged ranges, formulas without a cached value, units in number
formats) comes from the sheet's XML (sheetxml.py). Merged values are filled in
before the header is looked for; header detection looks at the first rows only;
totals and notes rows are dropped by one vectorised test.

A sheet is found by a known name contained in its name, else by its header.
Several sheets of one kind (in one file or several) are one table: each part
keeps its own sheet, file, header, positions and units, and a row's `_row` is
`part * ROW_STRIDE + sheet row`, unique across the table, so the rules run over
the union while every finding still names its own sheet and cell.
"""
from __future__ import annotations

import os
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import polars as pl

from .findings import Finding, Localized
from .schema import NON_RECORD_ROW_PATTERN, QUESTION_PREFIX, SHEETS, UNIT_LINE_PATTERN, SheetSchema
from .safety import UnreadableWorkbook
from .sources import SheetSource, open_sources
from .strays import stray_values
from .values import normalize_label

HEADER_SEARCH_ROWS = 30  # a header lies within the first rows, under titles and blank rows
MIN_HEADER_MATCHES = 2
MAX_HEADER_ROWS = 3  # group headings over column names: a header block of 1-3 rows
MONEY_UNITS = ("元", "万元", "亿元")
ROW_STRIDE = 1 << 21  # above Excel's 1,048,576 rows: `_row` = part * ROW_STRIDE + sheet row
# Where a money column's unit came from, in the order a unit is taken from them.
UNIT_SOURCES = ("header", "heading", "unit-line", "number-format")
UNIT_SOURCE_WORDS = {"header": ("表头", "the header"), "heading": ("上级表头", "the group heading"),
                     "unit-line": ("单位行", "the unit line"), "number-format": ("数字格式", "the number format")}


@dataclass
class SheetPart:
    """One sheet as read into a table, and how: what `lawreport inspect` shows."""
    file: str
    name: str  # as spelled in the workbook
    index: int  # position in its file
    kind: str  # ooxml, ods, xls, csv
    hidden: bool
    read_as: str  # "name" (the name is, or contains, a known name) or "header"
    matched_label: str = ""  # the known name found in the sheet's name
    empty: bool = False  # no cell at all: an empty section
    header_rows: tuple[int, int] = (0, 0)  # 1-based first and last header row; (0, 0) when none
    positions: dict[str, int] = field(default_factory=dict)  # key -> 0-based sheet column
    headers: dict[str, str] = field(default_factory=dict)  # key -> the header text it was found by
    units: dict[str, str] = field(default_factory=dict)  # money key -> 元/万元/亿元
    unit_sources: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)  # key -> [(source, unit, cell)]
    unit_source: dict[str, str] = field(default_factory=dict)  # money key -> the source used, or "default"
    unused_headers: list[tuple[str, str, str]] = field(default_factory=list)  # (cell, text, nearest column or "")
    merged: list[str] = field(default_factory=list)  # merged ranges filled, A1:B2
    left_out: list[tuple[int, str]] = field(default_factory=list)  # (row, first text) of totals and notes rows
    data_rows: int = 0


@dataclass
class RawSheet:
    schema: SheetSchema
    name: str  # as spelled in the workbook (the first part's, when several sheets make the table)
    hidden: bool
    header_row: int  # 1-based; the last row of the header block (the first part's)
    # key -> 0-based absolute column index in the sheet (the first part that has the key)
    positions: dict[str, int]
    units: dict[str, str]  # money column key -> 元/万元/亿元 (the first part's; see unit_of)
    frame: pl.DataFrame  # "_row" (part * ROW_STRIDE + sheet row) + one Utf8 column per found key, data rows only
    findings: list[Finding] = field(default_factory=list)
    parts: list[SheetPart] = field(default_factory=list)
    # Reader-level errors at cells of data rows: (_row, key, code, value). The row is left out.
    cell_errors: list[tuple[int, str, str, str | None]] = field(default_factory=list)

    def locate(self, row: int) -> tuple[SheetPart | None, int]:
        """(the part a `_row` belongs to, its sheet row)."""
        if not self.parts:
            return None, row
        return self.parts[min(row // ROW_STRIDE, len(self.parts) - 1)], row % ROW_STRIDE

    def finding(self, row: int, key: str, code: str, value=None, *params) -> Finding:
        column = self.schema.column(key)
        part, sheet_row = self.locate(row)
        if part is None:
            return Finding(self.name, row, self.positions.get(key, -1), code, column.name,
                           None if value is None else str(value), tuple(params))
        if code in ("duplicate-case-number", "duplicate-date") and params:
            params = (self.row_label(int(params[0]), part), *params[1:])
        return Finding(part.name, sheet_row, part.positions.get(key, -1), code, column.name,
                       None if value is None else str(value), tuple(params), file=part.file)

    def row_label(self, row: int, seen_from: SheetPart | None = None):
        """A row as a message names it: `2` on its own sheet, `2 of sheet '1月'` from another."""
        part, sheet_row = self.locate(row)
        if part is None or part is seen_from:
            return Localized(f"第{sheet_row}行", str(sheet_row))
        where = part.name if part.file == (seen_from.file if seen_from else part.file) else f"{part.file} {part.name}"
        return Localized(f"工作表“{where}”第{sheet_row}行", f"{sheet_row} of sheet '{where}'")

    def unit_of(self, key: str) -> dict[int, str]:
        """Part index -> unit of a money column (parts without the column are left out)."""
        if not self.parts:
            return {0: self.units.get(key, "元")}
        return {index: part.units.get(key, "元") for index, part in enumerate(self.parts) if key in part.units}


@dataclass
class RawWorkbook:
    path: str  # the files, joined: "行政处罚.xlsx + 执法检查.csv"
    sheets: dict[str, RawSheet]  # schema key -> sheet
    findings: list[Finding]
    # Sheets not read, for `inspect`: (file, sheet name, why: "empty", "unknown", "ambiguous")
    skipped: list[tuple[str, str, str]] = field(default_factory=list)


# -- names of sheets and columns -----------------------------------------------------------

def alias_tables(schema: SheetSchema, extra: dict[str, list[str]] | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """(whole label -> key, label without its bracketed unit -> key); `extra` adds aliases per key."""
    whole, stripped = {}, {}
    for column in schema.columns:
        for alias in (*column.aliases, *((extra or {}).get(column.key, ()))):
            alias_whole, alias_stripped, _ = normalize_label(alias)
            whole.setdefault(alias_whole, column.key)
            stripped.setdefault(alias_stripped, column.key)
    return whole, stripped


_ALIASES = {schema.key: alias_tables(schema) for schema in SHEETS}


def sheet_labels(extra: dict[str, list[str]] | None = None) -> list[tuple[str, SheetSchema]]:
    """Every known sheet name, normalised, with its section; `extra` adds names per section key."""
    labels = []
    for schema in SHEETS:
        for label in (schema.name, schema.alias, schema.key, *schema.other_names, *((extra or {}).get(schema.key, ()))):
            labels.append((normalize_label(label)[0], schema))
    return labels


_SHEET_LABELS = sheet_labels()


def _contains(name: str, label: str) -> bool:
    if not label:
        return False
    if label.isascii():  # `air` is not in `repair`: a Latin label stands as a word of its own
        return re.search(rf"(?<![a-z]){re.escape(label)}(?![a-z])", name) is not None
    return label in name


def sheet_candidates(name: str, labels=None) -> tuple[list[SheetSchema], str]:
    """The sections whose longest known name the sheet's name contains (several: a tie), and that name."""
    folded = normalize_label(name)[0]
    best: dict[str, SheetSchema] = {}
    best_length, best_label = 0, ""
    for label, schema in labels or _SHEET_LABELS:
        if not _contains(folded, label):
            continue
        if len(label) > best_length:
            best, best_length, best_label = {schema.key: schema}, len(label), label
        elif len(label) == best_length:
            best[schema.key] = schema
    return list(best.values()), best_label


def match_sheet(name: str, labels=None) -> SheetSchema | None:
    """The section a sheet's name names (a known name contained in it, the longest); None if none or a tie."""
    candidates, _ = sheet_candidates(name, labels)
    return candidates[0] if len(candidates) == 1 else None


@lru_cache(maxsize=1 << 16)
def _folded(text: str) -> tuple[str, str, str]:
    # Header search tries each cell of the first rows in blocks of 1-3 rows: fold each text once.
    return normalize_label(text)


def match_header(schema: SheetSchema, text, tables=None) -> tuple[str | None, str]:
    """(column key, unit) for one header cell's text, or (None, "")."""
    if text is None or str(text).strip() == "":
        return None, ""
    whole, stripped, unit = _folded(str(text))
    by_whole, by_stripped = (tables or _ALIASES)[schema.key]
    key = by_whole.get(whole) or by_stripped.get(stripped)
    if key is None and stripped.startswith(QUESTION_PREFIX) and len(stripped) > len(QUESTION_PREFIX):
        # 是否移送公安机关 is 移送公安机关: only a yes/no column is asked as a question.
        rest = stripped[len(QUESTION_PREFIX):]
        asked = by_whole.get(rest) or by_stripped.get(rest)
        if asked and schema.column(asked).type == "yes_no":
            key = asked
    return key, unit if key else ""


def _label_block(schema: SheetSchema, block: list[list], tables=None) -> dict[int, tuple[str, str, int]]:
    """{cell index: (key, unit, row within the block)} of a header block of 1-3 rows.

    Column names stand in the lowest row, under group headings; a name merged down the
    block (or written only in its top cell) is found higher up; a name split over the
    rows (罚款 over 金额) is found by joining them.
    """
    found: dict[int, tuple[str, str, int]] = {}
    width = max(len(row) for row in block)
    def text_at(depth: int, index: int) -> str:
        row = block[depth]
        cell = row[index] if 0 <= index < len(row) else None
        return "" if cell is None else str(cell).strip()

    for index in range(width):
        cells = [row[index] if index < len(row) else None for row in block]
        bottom = text_at(len(block) - 1, index)
        for depth in range(len(block) - 1, -1, -1):
            if depth < len(block) - 1 and bottom and text_at(depth, index) in (
                    text_at(depth, index - 1), text_at(depth, index + 1)):
                # A heading spread over several columns (merged across) that each have their own
                # name below: it names the group, not this column (法制审核 over 是否审核 | 审核金额).
                continue
            key, unit = match_header(schema, cells[depth], tables)
            if key:
                found[index] = (key, unit, depth)
                break
        else:
            if len(block) > 1:
                texts = [str(cell) for cell in cells if cell is not None and str(cell).strip()]
                joined = "".join(text for position, text in enumerate(texts)
                                 if position == 0 or text != texts[position - 1])
                key, unit = match_header(schema, joined, tables) if len(texts) > 1 else (None, "")
                if key:
                    found[index] = (key, unit, len(block) - 1)
    return found


def find_header(schema: SheetSchema, rows: list[list], tables=None) -> tuple[int, int, dict] | None:
    """(first header row index, number of header rows, {cell index: (key, unit, row in block)}) or None.

    The block with the most distinct known columns wins; on a tie the earlier and
    shorter one, so a header is never taken to run into the data below it.
    """
    best = None
    best_score = MIN_HEADER_MATCHES - 1
    for index in range(len(rows)):
        if not any(cell is not None and str(cell).strip() for cell in rows[index]):
            continue
        for height in range(1, MAX_HEADER_ROWS + 1):
            if index + height > len(rows):
                break
            labels = _label_block(schema, rows[index:index + height], tables)
            score = len({key for key, _, _ in labels.values()})
            if score > best_score:
                best, best_score = (index, height, labels), score
    if best is None:
        return None
    # A heading merged across columns fills the row above with names too: the block may score as
    # well without its lower row. Take that row in when it is all header (names, names merged
    # down from above, names under a heading spread over several columns), never a data row.
    index, height, labels = best
    while height < MAX_HEADER_ROWS and index + height < len(rows) and _is_header_row(
            schema, rows[index + height - 1], rows[index + height], tables):
        wider = _label_block(schema, rows[index:index + height + 1], tables)
        if len({key for key, _, _ in wider.values()}) < best_score:
            break
        height, labels = height + 1, wider
    return index, height, labels


def _is_header_row(schema: SheetSchema, above: list, row: list, tables=None) -> bool:
    def text(cells: list, at: int) -> str:
        cell = cells[at] if 0 <= at < len(cells) else None
        return "" if cell is None else str(cell).strip()

    named = False
    filled = [at for at in range(len(row)) if text(row, at)]
    for at in filled:
        over = text(above, at)
        if text(row, at) == over:
            continue  # a name merged down
        if match_header(schema, row[at], tables)[0] is not None:
            named = True
            continue
        if over and over in (text(above, at - 1), text(above, at + 1)):
            named = True  # a name under a heading spread over several columns
            continue
        return False
    return named


def _edit_distance(left: str, right: str) -> int:
    previous = list(range(len(right) + 1))
    for i, a in enumerate(left, 1):
        current = [i]
        for j, b in enumerate(right, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b)))
        previous = current
    return previous[-1]


def nearest_column(schema: SheetSchema, text, extra: dict[str, list[str]] | None = None) -> str:
    """The canonical name of the known column a header text resembles, or "" (for an info finding)."""
    stripped = normalize_label(text)[1]
    if stripped.startswith(QUESTION_PREFIX):
        stripped = stripped[len(QUESTION_PREFIX):]
    if len(stripped) < 2:
        return ""
    best, best_rank = "", None
    for column in schema.columns:
        for alias in (*column.aliases, *((extra or {}).get(column.key, ()))):
            label = normalize_label(alias)[1]
            short = 4 if label.isascii() else 2
            if len(label) >= short and (label in stripped or (len(stripped) >= short and stripped in label)):
                rank = (0, -len(label))
            elif len(label) >= 3 and abs(len(label) - len(stripped)) <= 1 and _edit_distance(label, stripped) <= 1:
                rank = (1, -len(label))
            else:
                continue
            if best_rank is None or rank < best_rank:
                best, best_rank = column.name, rank
    return best


# -- units ---------------------------------------------------------------------------------

def _unit_word(text: str) -> str:
    """A money unit named by a bracket of a heading: 元/万元/亿元, another *元 (wrong), or ""."""
    unit = normalize_label(text)[2]
    return unit if unit.endswith("元") and len(unit) <= 4 else ""


def _unit_line(rows: list[list], above: int, offsets: list[int]) -> tuple[str, str] | None:
    """(unit, cell) of the nearest `金额单位：万元` line above the header, or None."""
    for index in range(above - 1, -1, -1):
        for position, cell in enumerate(rows[index]):
            if cell is None:
                continue
            match = re.search(UNIT_LINE_PATTERN, normalize_label(cell)[0].replace(":", "："))
            if match:
                return match.group(1), cell_name(index + 1, offsets[position])
    return None


def cell_name(row: int, column: int) -> str:
    from .findings import column_letter

    return f"{column_letter(column)}{row}"


def _settle_unit(part: SheetPart, key: str, column_name: str, header_row: int, column: int,
                 sources: list[tuple[str, str, str]]) -> Finding | None:
    """The unit of one money column from its sources; two that disagree are `bad-unit`."""
    part.unit_sources[key] = sources
    known = [(source, unit) for source, unit, _ in sources if unit in MONEY_UNITS]
    wrong = next(((source, unit) for source, unit, _ in sources if unit not in MONEY_UNITS), None)
    part.units[key] = known[0][1] if known else "元"
    part.unit_source[key] = known[0][0] if known else "default"
    if wrong:
        source, unit = wrong
        words = UNIT_SOURCE_WORDS[source]
        reason = Localized(f"{words[0]}的“{unit}”不是元、万元或亿元", f"'{unit}' in {words[1]} is not 元, 万元 or 亿元")
        return Finding(part.name, header_row, column, "bad-unit", column_name, unit, (reason,), file=part.file)
    distinct = list(dict.fromkeys(unit for _, unit in known))
    if len(distinct) > 1:
        first = next((source, unit) for source, unit in known if unit == distinct[0])
        second = next((source, unit) for source, unit in known if unit == distinct[1])
        zh = f"{UNIT_SOURCE_WORDS[first[0]][0]}为“{first[1]}”，{UNIT_SOURCE_WORDS[second[0]][0]}为“{second[1]}”"
        en = f"{UNIT_SOURCE_WORDS[first[0]][1]} says {first[1]}, {UNIT_SOURCE_WORDS[second[0]][1]} says {second[1]}"
        return Finding(part.name, header_row, column, "bad-unit", column_name, "/".join(distinct),
                       (Localized(zh, en),), file=part.file)
    return None


# -- merged ranges -------------------------------------------------------------------------

def fill_merged(frame: pl.DataFrame, offsets: list[int], merged: list[tuple[int, int, int, int]]
                ) -> tuple[pl.DataFrame, list[str]]:
    """Give every cell of a merged range the value of its top-left cell; touches only those cells."""
    if not merged or frame.height == 0:
        return frame, []
    where = {column: index for index, column in enumerate(offsets)}
    # calamine ends the range at its last cell with a value: a range merged down past it
    # (the last cases of a review meeting) needs its rows.
    last = max((last_row + 1 for first_row, first_column, last_row, _ in merged
                if first_row < frame.height and first_column in where), default=0)
    if last > frame.height:
        frame = pl.concat([frame, pl.DataFrame({name: [None] * (last - frame.height) for name in frame.columns},
                                               schema=frame.schema)])
    series = {index: frame.to_series(index) for index in range(frame.width)}
    targets: dict[int, tuple[list[int], list[str]]] = {}
    filled = []
    for first_row, first_column, last_row, last_column in merged:
        source = where.get(first_column)
        if source is None or first_row >= frame.height:
            continue
        value = series[source][first_row]
        filled.append(f"{cell_name(first_row + 1, first_column)}:{cell_name(last_row + 1, last_column)}")
        if value is None:
            continue
        last_row = min(last_row, frame.height - 1)
        for column in range(first_column, last_column + 1):
            index = where.get(column)
            if index is None:
                continue
            rows, values = targets.setdefault(index, ([], []))
            span = range(first_row + (column == first_column), last_row + 1)
            rows.extend(span)
            values.extend([value] * len(span))
    if not targets:
        return frame, filled
    columns = []
    for index, name in enumerate(frame.columns):
        column = series[index]
        if index in targets:
            column = column.cast(pl.Utf8).clone()
            column.scatter(*targets[index])
        columns.append(column)
    return pl.DataFrame(columns), filled


def _facts(source: SheetSource, cache: dict):
    """Merged ranges, formulas without a value, number-format units of one sheet (xlsx/xlsm; ods merges)."""
    from . import sheetxml

    if source.kind == "ooxml":
        if source.file not in cache:
            data = source.data or Path(source.file).read_bytes()
            try:
                cache[source.file] = sheetxml.Workbook(data)
            except Exception:  # noqa: BLE001 — the safe-open check passed; facts are a bonus, never a refusal
                cache[source.file] = None
        workbook = cache[source.file]
        try:
            return workbook.facts(source.name) if workbook is not None else sheetxml.SheetFacts()
        except Exception:  # noqa: BLE001
            return sheetxml.SheetFacts()
    if source.kind == "ods":
        key = ("ods", source.file)
        if key not in cache:
            data = source.data or Path(source.file).read_bytes()
            cache[key] = sheetxml.ods_merges(data)
        return sheetxml.SheetFacts(merged=cache[key].get(source.name, []))
    return sheetxml.SheetFacts()


# -- reading -------------------------------------------------------------------------------

def _is_empty(frame: pl.DataFrame) -> bool:
    if frame.height == 0 or frame.width == 0:
        return True
    blank = pl.all_horizontal(pl.all().cast(pl.Utf8).str.strip_chars().replace("", None).is_null()).all()
    # The first rows nearly always tell; a million-row sheet is not stripped twice for this.
    if not frame.head(HEADER_SEARCH_ROWS).select(blank).item():
        return False
    return frame.select(blank).item()


def _by_header(frame: pl.DataFrame, tables) -> list[SheetSchema]:
    """The sections whose every required column the sheet's header holds, best first."""
    head = [list(row) for row in frame.head(HEADER_SEARCH_ROWS).rows()]
    fits = []
    for schema in SHEETS:
        header = find_header(schema, head, tables)
        if header is None:
            continue
        keys = {key for key, _, _ in header[2].values()}
        if all(column.key in keys for column in schema.columns if column.column_required):
            fits.append((len(keys), schema))
    fits.sort(key=lambda fit: -fit[0])
    if len(fits) > 1 and fits[0][0] == fits[1][0]:
        return [schema for score, schema in fits if score == fits[0][0]]
    return [schema for _, schema in fits[:1]]


def workbook_paths(path) -> list:
    """One path, or several that together are one year's workbook, as a list."""
    if isinstance(path, (str, bytes, os.PathLike)):
        return [path]
    return list(path)


def workbook_name(path) -> str:
    """How the workbook is named in output: its file, or its files joined with " + "."""
    from .safety import display_path

    return " + ".join(display_path(one) for one in workbook_paths(path))


def read_workbook(path, progress: Callable[[str], None] | None = None,
                  sheet_aliases: dict[str, list[str]] | None = None,
                  column_aliases: dict[str, dict[str, list[str]]] | None = None,
                  sources: list[SheetSource] | None = None) -> RawWorkbook:
    """Read every known sheet of one file or of several (one year's workbook kept as files);
    `progress` hears a short line before each slow step.

    `sheet_aliases` (section key -> names) and `column_aliases` (section key -> column key
    -> names) add a bureau's own words to the contract's.
    """
    progress = progress or (lambda message: None)
    if sources is None:
        sources = []
        for one in workbook_paths(path):
            progress(f"checking {workbook_name(one)}")
            sources.extend(open_sources(one))
    labels = sheet_labels(sheet_aliases) if sheet_aliases else _SHEET_LABELS
    tables = ({schema.key: alias_tables(schema, (column_aliases or {}).get(schema.key)) for schema in SHEETS}
              if column_aliases else _ALIASES)
    findings: list[Finding] = []
    skipped: list[tuple[str, str, str]] = []
    parts: dict[str, list[tuple[SheetPart, pl.DataFrame, list[Finding], list]]] = {}
    schemas: dict[str, SheetSchema] = {}
    cache: dict = {}
    # The XML facts (merges, formulas, number formats) of a sheet are scanned on the second core
    # while calamine reads the same sheet: both mostly inflate, and zlib and calamine let go of
    # the GIL. The one worker thread is the only writer of `cache`.
    scanner = ThreadPoolExecutor(max_workers=1)
    for source in sources:
        name = source.name
        candidates, label = sheet_candidates(name, labels)
        progress(f"reading {source.file} [{name}]")
        pending = scanner.submit(_facts, source, cache)
        try:
            frame, offsets = source.load()
        except UnreadableWorkbook:
            pending.result()  # the scan of this sheet is no use now; let it end first
            if candidates:
                scanner.shutdown()
                raise
            # A sheet that names no section was never read before; one that cannot be read
            # stays what it was: an unknown sheet, not a refused file.
            findings.append(Finding(name, 0, -1, "unknown-sheet", params=(name,), file=source.file))
            skipped.append((source.file, name, "unknown"))
            continue
        facts = pending.result()
        frame, filled = fill_merged(frame, offsets, facts.merged)
        empty = _is_empty(frame)
        read_as = "name"
        if len(candidates) == 1:
            schema = candidates[0]
        else:
            schema = None
            if not empty:
                fits = _by_header(frame, tables)
                fits = [fit for fit in fits if not candidates or fit in candidates]
                if len(fits) == 1:
                    schema, read_as = fits[0], "header"
            if schema is None:
                if candidates:
                    kinds = Localized("、".join(c.name for c in candidates), " and ".join(c.name for c in candidates))
                    findings.append(Finding(name, 0, -1, "ambiguous-sheet", params=(name, kinds), file=source.file))
                    skipped.append((source.file, name, "ambiguous"))
                elif empty:
                    skipped.append((source.file, name, "empty"))  # Sheet2 of a new workbook: nothing to say
                else:
                    findings.append(Finding(name, 0, -1, "unknown-sheet", params=(name,), file=source.file))
                    skipped.append((source.file, name, "unknown"))
                continue
        if source.hidden:
            findings.append(Finding(name, 0, -1, "hidden-sheet", params=(name,), file=source.file))
        if read_as == "header":
            findings.append(Finding(name, 0, -1, "sheet-read-by-header",
                                    params=(name, Localized(schema.name, f"{schema.name} ({schema.alias})")),
                                    file=source.file))
        part = SheetPart(source.file, name, source.index, source.kind, source.hidden, read_as,
                         label if read_as == "name" else "", empty, merged=filled)
        number = len(parts.get(schema.key, []))
        schemas[schema.key] = schema
        parts.setdefault(schema.key, []).append(
            _read_part(schema, part, number, frame, offsets, facts, tables, (column_aliases or {}).get(schema.key)))
    scanner.shutdown()
    sheets = {key: _table(schemas[key], read) for key, read in parts.items()}
    if not sheets:
        findings.append(Finding("", 0, -1, "no-known-sheet", file=workbook_name(path)))
    return RawWorkbook(workbook_name(path), sheets, findings, skipped)


def _table(schema: SheetSchema, read: list[tuple[SheetPart, pl.DataFrame, list[Finding], list]]) -> RawSheet:
    """Several parts of one kind as one table (one part: the sheet as it is)."""
    parts = [part for part, _, _, _ in read]
    frames = [frame for _, frame, _, _ in read if frame.height or frame.width > 1]
    findings = [finding for _, _, part_findings, _ in read for finding in part_findings]
    cell_errors = [error for _, _, _, errors in read for error in errors]
    if len(frames) > 1:
        frame = pl.concat(frames, how="diagonal_relaxed")
    elif frames:
        frame = frames[0]
    else:
        frame = read[0][1]
    positions: dict[str, int] = {}
    units: dict[str, str] = {}
    for part in parts:
        for key, column in part.positions.items():
            positions.setdefault(key, column)
        for key, unit in part.units.items():
            units.setdefault(key, unit)
    first = parts[0]
    return RawSheet(schema, first.name, any(part.hidden for part in parts), first.header_rows[1], positions, units,
                    frame, findings, parts, cell_errors)


def _empty_frame(keys) -> pl.DataFrame:
    return pl.DataFrame({"_row": [], **{key: [] for key in keys}},
                        schema={"_row": pl.Int64, **{key: pl.Utf8 for key in keys}})


def _read_part(schema: SheetSchema, part: SheetPart, number: int, frame: pl.DataFrame, offsets: list[int],
               facts, tables, extra_aliases) -> tuple[SheetPart, pl.DataFrame, list[Finding], list]:
    # Columns as read are __UNNAMED__i; offsets[i] is the sheet column of i (calamine
    # starts a range at its first used column).
    base = number * ROW_STRIDE
    if part.empty:
        # An empty known sheet is an empty section: its required columns, no rows.
        return part, _empty_frame([c.key for c in schema.columns if c.column_required]), [], []
    findings, data, cell_errors = _read_sheet(schema, part, frame, offsets, facts, tables, extra_aliases)
    findings += stray_values(part.name, part.file, part.header_rows[1], part.positions, frame, offsets)
    if base:
        data = data.with_columns(pl.col("_row") + base)
        cell_errors = [(row + base, key, code, value) for row, key, code, value in cell_errors]
    return part, data, findings, cell_errors


def _kept(frame: pl.DataFrame, keep: pl.Series) -> pl.DataFrame:
    """The rows of `keep`; a slice, not a copy, when they are one run (a table above its 合计 rows)."""
    kept = keep.arg_true()
    if len(kept) and kept[-1] - kept[0] + 1 == len(kept):
        return frame.slice(kept[0], len(kept))
    return frame.filter(keep)


def _read_sheet(schema: SheetSchema, part: SheetPart, frame: pl.DataFrame, offsets: list[int], facts,
                tables=None, extra_aliases=None) -> tuple[list[Finding], pl.DataFrame, list]:
    """(findings, data rows, cell errors) of one sheet; what was read as what is recorded on `part`."""
    name = part.name
    width = frame.width
    last_formula = max((row + 1 for row, column, _ in facts.formulas_without_value if column in offsets), default=0)
    if last_formula > frame.height and width:
        # calamine ends the range at its last cell with a value; a formula without one lies beyond it.
        padding = pl.DataFrame({column: [None] * (last_formula - frame.height) for column in frame.columns},
                               schema=frame.schema)
        frame = pl.concat([frame, padding])
    head = [list(row) for row in frame.head(HEADER_SEARCH_ROWS).rows()]
    header = find_header(schema, head, tables)
    findings: list[Finding] = []
    if header is None:
        looked_for = [column.name for column in schema.columns if column.column_required]
        findings.append(Finding(name, 1, offsets[0] if offsets else 0, "header-not-found",
                                params=(HEADER_SEARCH_ROWS, "、".join(looked_for)), file=part.file))
        return findings, _empty_frame([]), []
    first, height, labels = header
    header_row = first + height  # 1-based number of the last header row
    block = head[first:header_row]
    # As shown: the block without the titles and blank rows a tie may have put on top of it.
    depths = {depth for _, _, depth in labels.values()}
    top = 0
    while top < len(block) - 1 and top not in depths and len(
            {str(cell).strip() for cell in block[top] if cell is not None and str(cell).strip()}) <= 1:
        top += 1
    part.header_rows = (first + top + 1, header_row)
    sources: dict[str, str] = {}
    depth_of: dict[str, int] = {}
    # Above the column names, not only above the block: a title in the block may say the unit.
    unit_line = _unit_line(head, header_row - 1, offsets)
    for index, (key, unit, depth) in sorted(labels.items()):
        column = schema.column(key)
        if key in part.positions:
            findings.append(Finding(name, header_row, offsets[index], "duplicate-column", column.name,
                                    file=part.file))
            continue
        part.positions[key] = offsets[index]
        part.headers[key] = str(block[depth][index])
        sources[key] = frame.columns[index]
        depth_of[key] = depth
    for key, source_column in sources.items():
        column = schema.column(key)
        if column.type != "money":
            continue
        index = frame.columns.index(source_column)
        found = []
        header_unit = normalize_label(part.headers[key])[2]
        if header_unit:
            found.append(("header", header_unit, cell_name(header_row, offsets[index])))
        # A group heading above the column's name (罚款情况（万元） over 罚款金额 | 免减金额).
        for above in range(depth_of[key] - 1, -1, -1):
            text = block[above][index] if index < len(block[above]) else None
            if text is not None and str(text) != part.headers[key]:
                unit = "" if re.search(UNIT_LINE_PATTERN, normalize_label(text)[0]) else _unit_word(str(text))
                if unit:
                    found.append(("heading", unit, cell_name(first + above + 1, offsets[index])))
                    break
        if unit_line:
            found.append(("unit-line", unit_line[0], unit_line[1]))
        format_units = [unit for unit, last in facts.format_units.get(offsets[index], {}).items() if last >= header_row]
        for unit in sorted(format_units, key=MONEY_UNITS.index):
            found.append(("number-format", unit, cell_name(header_row + 1, offsets[index])))
        problem = _settle_unit(part, key, column.name, header_row, offsets[index], found)
        if problem:
            findings.append(problem)
    first_cell = offsets[0] if offsets else 0
    for column in schema.columns:
        if column.column_required and column.key not in part.positions:
            findings.append(Finding(name, header_row, first_cell, "missing-column", column.name, file=part.file))
    # Header cells not used that look like a known column: an info finding, so no misread heading passes unseen.
    used = set(sources.values())
    for index in range(width):
        if index in labels:
            continue
        text = next((block[d][index] for d in range(len(block) - 1, -1, -1)
                     if index < len(block[d]) and block[d][index] is not None and str(block[d][index]).strip()), None)
        if text is None or frame.columns[index] in used:
            continue
        nearest = nearest_column(schema, text, extra_aliases)
        part.unused_headers.append((cell_name(header_row, offsets[index]), str(text), nearest))
        if nearest:
            findings.append(Finding(name, header_row, offsets[index], "unused-header", nearest, str(text),
                                    file=part.file))

    body = frame.slice(header_row).with_columns(
        pl.int_range(header_row + 1, header_row + 1 + frame.height - header_row, dtype=pl.Int64).alias("_row"))
    # A totals or notes row is recognised by its first non-blank cell, whatever column that is.
    # Every cell stripped once, blank as null; a row's first text is its first non-null cell.
    cells = frame.columns[:width]
    stripped = body.select("_row", *[pl.col(column).str.strip_chars().replace("", None) for column in cells])
    data = stripped.select(
        "_row",
        pl.coalesce(cells).alias("_first") if cells else pl.lit(None, pl.Utf8).alias("_first"),
        *[pl.col(source).alias(key) for key, source in sources.items()],
    )
    keys = list(sources)
    # A formula without a cached value reads as blank: its row is data all the same, and an error.
    key_at = {part.positions[key]: key for key in keys}
    formulas = [(row + 1, key_at[column], text) for row, column, text in facts.formulas_without_value
                if row + 1 > header_row and column in key_at]
    formula_rows = sorted({row for row, _, _ in formulas})
    not_blank = pl.any_horizontal([pl.col(key).is_not_null() for key in keys]) if keys else pl.lit(False)
    if formula_rows:
        not_blank = not_blank | pl.col("_row").is_in(formula_rows)
    is_note = pl.col("_first").str.contains(NON_RECORD_ROW_PATTERN).fill_null(False)
    flags = data.select(is_note.alias("note"), (not_blank & ~is_note).alias("keep"))  # the regex runs once
    part.left_out = data.filter(flags.get_column("note")).select("_row", "_first").rows()
    data = _kept(data, flags.get_column("keep")).drop("_first")
    part.data_rows = data.height
    cell_errors = []
    if formulas:
        kept = set(data.filter(pl.col("_row").is_in(formula_rows))["_row"].to_list())
        cell_errors = [(row, key, "formula-without-value", f"={text}" if text else "=")
                       for row, key, text in formulas if row in kept]
    return findings, data, cell_errors
