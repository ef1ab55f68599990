"""What an .xlsx sheet says in its XML that calamine does not expose.

- merged ranges (`<mergeCell ref="A3:A6"/>`, written after the cells),
- formula cells without a cached value (`<f>` with no `<v>`, or a cached 0 in a
  workbook that asks to be recalculated on load: `<calcPr fullCalcOnLoad="1"/>`,
  as xlsxwriter writes when the program gave no value),
- money units carried by the cells' number format (`0.00"万元"`, `[$万元]0.00`).

The sheet part is streamed through ISA-L or zlib in chunks (zipstream.py) and scanned with byte regexes
cut at row boundaries: memory stays at one chunk, and the per-cell patterns run
only when the part holds a formula (`<f`) or the styles hold a unit format.
"""
from __future__ import annotations

import html
import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from xml.etree import ElementTree

from .zipstream import member_chunks

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CHUNK = 1 << 22

MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="\$?([A-Z]{1,3})\$?([0-9]{1,7})(?::\$?([A-Z]{1,3})\$?([0-9]{1,7}))?"')
CELL_REFERENCE = re.compile(rb'<c\s[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"')
FORMULA_TEXT = re.compile(rb'<f\b[^>]*?(?:/>|>([^<]*)</f>)')
CACHED_VALUE = re.compile(rb'<v\s*/>|<v>([^<]*)</v>')
UNIT_IN_FORMAT = re.compile(r"亿元|万元|元")


@dataclass
class SheetFacts:
    # 0-based (first row, first column, last row, last column); row 0 is the sheet's row 1
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    # (0-based row, 0-based column, formula text) of every formula cell without a cached value
    formulas_without_value: list[tuple[int, int, str]] = field(default_factory=list)
    # 0-based column -> {unit: last 0-based row with a cell formatted in that unit}
    format_units: dict[int, dict[str, int]] = field(default_factory=dict)


def column_index(letters: bytes | str) -> int:
    """A1 letters to a 0-based column index (A -> 0, AA -> 26)."""
    index = 0
    for char in letters if isinstance(letters, str) else letters.decode("ascii"):
        index = index * 26 + ord(char) - 64
    return index - 1


def _xml(archive: zipfile.ZipFile, name: str):
    try:
        return ElementTree.fromstring(archive.read(name))
    except (KeyError, ElementTree.ParseError):
        return None


def _rels(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type's last word, part name) of one part."""
    folder, name = posixpath.split(part)
    root = _xml(archive, posixpath.join(folder, "_rels", f"{name}.rels"))
    found = {}
    for rel in root.iter(f"{PACKAGE_REL}Relationship") if root is not None else ():
        target = rel.get("Target", "")
        resolved = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        found[rel.get("Id", "")] = (rel.get("Type", "").rsplit("/", 1)[-1], resolved)
    return found


class Workbook:
    """The workbook-level parts of one .xlsx: sheet parts by name, unit styles, calcPr."""

    def __init__(self, data: bytes):
        self.data = data
        self.archive = zipfile.ZipFile(io.BytesIO(data))
        root_rels = _rels(self.archive, "")
        self.part = next((part for kind, part in root_rels.values() if kind == "officeDocument"), "xl/workbook.xml")
        workbook = _xml(self.archive, self.part)
        rels = _rels(self.archive, self.part)
        self.sheet_parts: dict[str, str] = {}
        self.full_calc_on_load = False
        if workbook is not None:
            for sheet in workbook.iter(f"{MAIN}sheet"):
                target = rels.get(sheet.get(f"{REL}id", ""))
                if target:
                    self.sheet_parts[sheet.get("name", "")] = target[1]
            calc = workbook.find(f"{MAIN}calcPr")
            self.full_calc_on_load = calc is not None and calc.get("fullCalcOnLoad") in ("1", "true")
        styles = next((part for kind, part in rels.values() if kind == "styles"), "xl/styles.xml")
        self.unit_styles = _unit_styles(_xml(self.archive, styles))

    def facts(self, sheet_name: str) -> SheetFacts:
        part = self.sheet_parts.get(sheet_name)
        if part is None or part not in self.archive.namelist():
            return SheetFacts()
        return _scan(self.archive, self.data, part, self.unit_styles, self.full_calc_on_load)


def _unit_styles(styles) -> dict[int, str]:
    """Cell style index (a cell's s=) -> money unit named by its number format."""
    if styles is None:
        return {}
    units_by_format = {}
    for number_format in styles.iter(f"{MAIN}numFmt"):
        match = UNIT_IN_FORMAT.search(number_format.get("formatCode", ""))
        if match:
            units_by_format[number_format.get("numFmtId")] = match.group(0)
    cell_xfs = styles.find(f"{MAIN}cellXfs")
    if not units_by_format or cell_xfs is None:
        return {}
    return {index: units_by_format[xf.get("numFmtId")]
            for index, xf in enumerate(cell_xfs.findall(f"{MAIN}xf")) if xf.get("numFmtId") in units_by_format}


def _scan(archive: zipfile.ZipFile, data: bytes, part: str, unit_styles: dict[int, str],
          full_calc: bool) -> SheetFacts:
    facts = SheetFacts()
    style_cell = None
    if unit_styles:
        ids = b"|".join(str(index).encode() for index in sorted(unit_styles))
        # r= then s=, the order Excel, WPS, LibreOffice, openpyxl and xlsxwriter write them in.
        style_cell = re.compile(rb'<c r="([A-Z]{1,3})[0-9]{1,7}" s="(' + ids + rb')"')
    pending = b""  # the text after the last </row> of the pieces scanned so far
    chunks = member_chunks(archive, data, archive.getinfo(part), CHUNK)
    while True:
        chunk = next(chunks, b"")
        if chunk and style_cell is None and not _may_hold_facts(chunk) and not _may_hold_facts(
                pending + chunk[:len(b"mergeCell")]):
            # Neither a formula nor a merge is in this piece, in the row before it or across its
            # start: keep only what a later piece may need, the row it ends in. Most pieces of
            # most sheets go here.
            cut = chunk.rfind(b"</row>")
            pending = pending + chunk if cut < 0 else chunk[cut + len(b"</row>"):]
            continue
        text = pending + chunk
        if chunk:
            cut = text.rfind(b"</row>")
            if cut < 0:  # no complete row yet (or the tail after the cells): keep reading
                pending = text
                continue
            cut += len(b"</row>")
            text, pending = text[:cut], text[cut:]
        _scan_text(text, facts, unit_styles, style_cell, full_calc)
        if not chunk:
            break
    return facts


def _may_hold_facts(text: bytes) -> bool:
    """Whether a formula (<f) or a merged range may be in `text`: substring tests at memchr speed."""
    return _formula_start(text, 0) >= 0 or b"mergeCell" in text


def _formula_start(text: bytes, start: int) -> int:
    """Where the next `<f` at or after `start` is, or -1. Found by its 'f' (one byte: memchr; rare in sheet XML,
    while '<' is every tenth byte), then checked for the '<' before it."""
    position = text.find(b"f", start + 1)
    while position >= 0:
        if text[position - 1] == 0x3C:  # '<'
            return position - 1
        position = text.find(b"f", position + 1)
    return -1


def _scan_text(text: bytes, facts: SheetFacts, unit_styles, style_cell, full_calc: bool) -> None:
    # Formulas: found by a substring search (memchr speed), each then read around its <f>;
    # a regex over every cell costs seconds on a 100k-row sheet.
    position = _formula_start(text, 0)
    while position >= 0:
        if text[position + 2:position + 3] in (b">", b" ", b"/"):
            _formula_at(text, position, facts, full_calc)
        position = _formula_start(text, position + 1)
    if style_cell is not None:
        # Distinct (column, style) pairs in C; then only the last such cell of each pair is read.
        for letters, style in set(style_cell.findall(text)):
            last = _last_row(text, letters, style)
            units = facts.format_units.setdefault(column_index(letters), {})
            unit = unit_styles[int(style)]
            units[unit] = max(units.get(unit, -1), last)
    if b"mergeCell" in text:
        for first_letters, first_row, last_letters, last_row in MERGE_CELL.findall(text):
            if not last_letters:
                continue
            facts.merged.append((int(first_row) - 1, column_index(first_letters),
                                 int(last_row) - 1, column_index(last_letters)))


def _last_row(text: bytes, letters: bytes, style: bytes) -> int:
    """0-based row of the last cell of column `letters` with style `style` in `text` (rows ascend)."""
    pattern = re.compile(rb'<c r="' + letters + rb'([0-9]{1,7})" s="' + style + rb'"')
    probe = b'<c r="' + letters
    end = len(text)
    while True:
        start = text.rfind(probe, 0, end)
        if start < 0:
            return -1
        match = pattern.match(text, start)
        if match:
            return int(match.group(1)) - 1
        end = start


def _formula_at(text: bytes, position: int, facts: SheetFacts, full_calc: bool) -> None:
    start = text.rfind(b"<c", 0, position)
    end = text.find(b"</c>", position)
    reference = CELL_REFERENCE.match(text, start) if start >= 0 else None
    if reference is None:
        return
    end = len(text) if end < 0 else end
    formula = FORMULA_TEXT.match(text, position)
    cached = CACHED_VALUE.search(text, formula.end() if formula else position, end)
    value = cached.group(1) if cached else None
    # No <v>, an empty one, or a 0 in a workbook to be recalculated on load: no value is stored.
    if value is None or value.strip() == b"" or (full_calc and _is_zero(value)):
        text_of = (formula.group(1) or b"") if formula else b""
        facts.formulas_without_value.append((int(reference.group(2)) - 1, column_index(reference.group(1)),
                                             html.unescape(text_of.decode("utf-8", "replace"))))


def _is_zero(cached: bytes) -> bool:
    try:
        return float(cached) == 0
    except ValueError:
        return False


def sheet_facts(data: bytes, sheet_name: str) -> SheetFacts:
    """The XML facts of one sheet of an .xlsx/.xlsm given as bytes (nothing when it cannot tell)."""
    try:
        return Workbook(data).facts(sheet_name)
    except (zipfile.BadZipFile, zlib.error, KeyError, ValueError, OSError, EOFError):
        return SheetFacts()


TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


def ods_merges(data: bytes) -> dict[str, list[tuple[int, int, int, int]]]:
    """Merged ranges of every table of an .ods (table:number-rows/columns-spanned in content.xml).

    Only a content.xml that spans cells is walked (a cell at a time, so this is for the
    hand-kept sizes .ods ledgers have); the rest cost one substring test.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        content = archive.read("content.xml")
    except (zipfile.BadZipFile, KeyError, OSError, EOFError):
        return {}
    if b"number-rows-spanned" not in content and b"number-columns-spanned" not in content:
        return {}
    merges: dict[str, list[tuple[int, int, int, int]]] = {}
    table_name, row, column, repeat_rows = None, 0, 0, 1
    try:
        for event, element in ElementTree.iterparse(io.BytesIO(content), events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == f"{TABLE}table":
                    table_name, row = element.get(f"{TABLE}name", ""), 0
                    merges.setdefault(table_name, [])
                elif tag == f"{TABLE}table-row":
                    column, repeat_rows = 0, int(element.get(f"{TABLE}number-rows-repeated", "1"))
                elif tag in (f"{TABLE}table-cell", f"{TABLE}covered-table-cell"):
                    rows_spanned = int(element.get(f"{TABLE}number-rows-spanned", "1"))
                    columns_spanned = int(element.get(f"{TABLE}number-columns-spanned", "1"))
                    if tag == f"{TABLE}table-cell" and (rows_spanned > 1 or columns_spanned > 1):
                        merges[table_name].append((row, column, row + rows_spanned - 1, column + columns_spanned - 1))
                    column += int(element.get(f"{TABLE}number-columns-repeated", "1"))
            else:
                if tag == f"{TABLE}table-row":
                    row += repeat_rows
                element.clear()
    except (ElementTree.ParseError, ValueError):
        return {}
    return merges
