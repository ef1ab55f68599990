"""Safe open: refuse what is not a good workbook before any parser sees it.

The readers behind us (calamine, via fastexcel) inflate a sheet whole into
memory and trust the zip's declared sizes, so a decompression bomb or a
malformed container must be stopped here, cheaply, with one clear reason.

Limits (documented in the README):
  MAX_FILE_BYTES      the file on disk
  MAX_INFLATED_BYTES  all members together, as inflated
  MAX_MEMBER_RATIO    inflated/compressed for any member over RATIO_FLOOR_BYTES
  MAX_MEMBERS         entries in the zip
  SPARSE_*            a sheet's used range (rows x columns, which calamine allocates densely)
                      against the cells it really holds
Declared sizes can lie, so every member is inflated (zipstream.py: zipfile's own
header checks, then ISA-L's inflate), never past the declared size, and its size
and CRC are checked: a member that inflates to more than it declares fails,
having produced no more than it declared.

Check what you read: the file is read once, into memory (it is at most
MAX_FILE_BYTES), every check runs on those bytes, and the readers get the same
bytes, so a file swapped or rewritten between the check and the read can
neither slip past the guard nor crash the reader. Only regular files are read:
a FIFO, socket or device is refused from its stat, before any open could block.
"""
from __future__ import annotations

import functools
import io
import os
import posixpath
import re
import stat
import threading
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_INFLATED_BYTES = 2 * 1024 * 1024 * 1024
MAX_MEMBER_RATIO = 200
RATIO_FLOOR_BYTES = 4 * 1024 * 1024
MAX_MEMBERS = 10_000
# calamine allocates a sheet's whole used range (rows x columns) densely, so one value at
# XFD1048576 in a 5 KB file asks for 17 billion cells. A real sheet's range is about as big
# as the cells it holds; a sparse bomb's is millions of times bigger. So the range may
# exceed SPARSE_FLOOR_CELLS only up to SPARSE_RATIO times the cells present.
SPARSE_FLOOR_CELLS = 4 * 1024 * 1024
SPARSE_RATIO = 16
EXCEL_MAX_ROWS = 1_048_576
NARROW_COLUMNS = 52  # up to AZ, without looking at every reference
EXCEL_MAX_COLUMNS = 16_384
_ROW_NUMBER = re.compile(rb'<row r="(\d+)"')
# Column letters in either case: calamine reads r="xfd1048576" as XFD1048576.
_REFERENCE_AT = re.compile(rb'r="([A-Za-z]*)([0-9]+)"')


def _number_above(bound: int) -> str:
    """A regex for a decimal number greater than `bound` (leading zeros allowed): more digits,
    or as many and larger at the first digit that differs."""
    digits = str(bound)
    alternatives = [f"[1-9][0-9]{{{len(digits)},}}"]
    for position, digit in enumerate(map(int, digits)):
        if digit < 9:
            rest = len(digits) - position - 1
            alternatives.append(digits[:position] + f"[{digit + 1}-9]" + (f"[0-9]{{{rest}}}" if rest else ""))
    return "0*(?:" + "|".join(alternatives) + ")"


@functools.lru_cache(maxsize=256)
def _odd_reference_pattern(highest_row: int) -> str:
    """One pass finds both: a cell at column BA (53) or beyond (group 1), or a row number above
    `highest_row`, the highest row element so far (group 2): beyond Excel's last row, or rows out
    of order. Ordinary sheets never match. (Given to polars, which compiles its own.)"""
    return r'r="(?:([A-Za-z]{3,}|[B-Zb-z][A-Za-z])[0-9]|[A-Za-z]*(' + _number_above(highest_row) + r')")'


@functools.lru_cache(maxsize=64)
def _odd_reference(highest_row: int) -> re.Pattern:
    """_odd_reference_pattern for Python's re: only for the pieces polars found one in."""
    return re.compile(_odd_reference_pattern(highest_row).encode())

CHUNK = 1 << 20
INFLATE_PIECE = 4 * CHUNK  # the safe-open pass inflates members in pieces of this size
EXACT_BATCH_BYTES = 64 * CHUNK  # the exact measurement of a sheet's range reads it in batches of this size
ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
CFB_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # OLE compound file: .xls, or an encrypted OOXML
SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".xlsb"}
CSV_SUFFIXES = {".csv"}
MAX_RESOLVED_PART_BYTES = 32 * 1024 * 1024  # workbook.xml and its rels: read whole to find the sheets
SAVE_AS_XLSX = "open it in Excel or WPS and save it as Excel 工作簿 (.xlsx)"
# The cell references of a sheet part (row elements have no letters, so they never match).
_CELL_REFERENCE = re.compile(rb' r="([A-Za-z]+)([0-9]+)"')
_ROW_OR_CELL_TAG = re.compile(rb'<(row|c)([\s/][^>]*)?>')
_R_ATTRIBUTE = re.compile(rb'\sr="([A-Za-z]*)([0-9]*)"')


from .errors import UnreadableWorkbook, display_path  # noqa: E402,F401  (their old home; errors.py declares them)
from .sheetsplit import SheetSplitter, SplitSheet, parts_for  # noqa: E402
from .zipstream import member_chunks  # noqa: E402


@dataclass(frozen=True)
class Container:
    path: Path
    kind: str  # "ooxml", "ods", "xls", "csv"
    data: bytes = field(default=b"", repr=False)  # the bytes every check ran on; the readers get these
    text: str = field(default="", repr=False)  # a CSV's decoded text
    sheet_names: dict = field(default_factory=dict, repr=False)  # ooxml: sheet part (or CHART_SHEET + name) -> name
    # ooxml: sheet part -> its rows cut into parts for reading on every core (sheetsplit.py), for big sheets
    split_sheets: dict = field(default_factory=dict, repr=False)


_SPECIAL_FILES = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
                  (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


def _not_regular(mode: int) -> str:
    for test, what in _SPECIAL_FILES:
        if test(mode):
            return what
    return "not a regular file"


def read_checked_bytes(path: str | os.PathLike) -> bytes:
    """The file's bytes, read once: only a regular file, at most MAX_FILE_BYTES."""
    try:
        status = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        raise UnreadableWorkbook(path, "no such file") from None
    except (OSError, ValueError) as error:
        raise UnreadableWorkbook(path, f"cannot be opened ({getattr(error, 'strerror', None) or error})") from None
    if stat.S_ISDIR(status.st_mode):
        raise UnreadableWorkbook(path, "is a directory, not a workbook")
    if not stat.S_ISREG(status.st_mode):
        raise UnreadableWorkbook(path, f"is {_not_regular(status.st_mode)}, not a workbook file")
    if status.st_size > MAX_FILE_BYTES:
        raise UnreadableWorkbook(path, _too_big(status.st_size))
    try:
        # O_NONBLOCK: if a FIFO took the file's place since the stat, opening it must not wait for a writer.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise UnreadableWorkbook(path, "no such file") from None
    except OSError as error:
        raise UnreadableWorkbook(path, f"cannot be opened ({error.strerror or error})") from None
    try:
        opened = os.fstat(descriptor)
        if not stat.S_ISREG(opened.st_mode):
            raise UnreadableWorkbook(path, f"is {_not_regular(opened.st_mode)}, not a workbook file")
        parts = []
        size = 0
        # The size stat gave, in one read (one buffer, nothing joined); more reads only if the
        # file grew or the system gave less.
        step = min(opened.st_size + 1, MAX_FILE_BYTES + 1)
        while size <= MAX_FILE_BYTES:
            chunk = os.read(descriptor, min(max(step, CHUNK), MAX_FILE_BYTES + 1 - size))
            if not chunk:
                break
            parts.append(chunk)
            size += len(chunk)
    except OSError as error:
        raise UnreadableWorkbook(path, f"cannot be read ({error.strerror or error})") from None
    finally:
        os.close(descriptor)
    if size > MAX_FILE_BYTES:
        raise UnreadableWorkbook(path, _too_big(size))
    return parts[0] if len(parts) == 1 else b"".join(parts)


def _too_big(size: int) -> str:
    return f"is {size / 2**20:.0f} MiB, over the {MAX_FILE_BYTES // 2**20} MiB limit for a workbook"


def check_file(path: str | os.PathLike) -> Container:
    """Read the file once and refuse it with one clear reason, or say what it is (with its bytes)."""
    return check_bytes(path, read_checked_bytes(path))


def check_bytes(path: str | os.PathLike, data: bytes) -> Container:
    """A file's kind is its content, not its name; a CSV (by suffix) is text that must decode."""
    path = Path(path)
    if not data:
        raise UnreadableWorkbook(path, "is empty (0 bytes), not a workbook")
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableWorkbook(path, _too_big(len(data)))
    if data.startswith(CFB_MAGIC):
        return Container(path, _check_compound(data, path), data)
    if data.startswith(ZIP_MAGIC) or data.startswith(EMPTY_ZIP_MAGIC):
        kind, sheet_names, split_sheets = _check_zip(data, path)
        return Container(path, kind, data, sheet_names=sheet_names, split_sheets=split_sheets)
    disguised = _disguised_page(data)
    if disguised:
        raise UnreadableWorkbook(path, disguised)
    if path.suffix.lower() in CSV_SUFFIXES:
        return Container(path, "csv", data, text=decode_text(data, path))
    if _looks_like_text(data):
        raise UnreadableWorkbook(path, "is a text file, not an Excel workbook (was it renamed or saved as CSV? "
                                       "a CSV file is read when its name ends in .csv)")
    raise UnreadableWorkbook(path, "is not an Excel or OpenDocument workbook (unknown file signature)")


def _disguised_page(data: bytes) -> str:
    """Web pages and XML Spreadsheet 2003 files that spreadsheet programs save under .xls names."""
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    if head.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in head:
        return f"is an XML Spreadsheet 2003 file (SpreadsheetML) saved with a spreadsheet name, not a workbook: {SAVE_AS_XLSX}"
    if head.startswith(b"mime-version:") or b"\nmime-version:" in head[:2048]:
        return f"is a web archive (MHTML) saved with a spreadsheet name, not a workbook: {SAVE_AS_XLSX}"
    if head.startswith((b"<html", b"<!doctype html", b"<table", b"<meta", b"<head", b"<body")) or (
            head.startswith((b"<?xml", b"<!--")) and b"<html" in head):
        return f"is an HTML page saved with a spreadsheet name, not a workbook: {SAVE_AS_XLSX}"
    return ""


def decode_text(data: bytes, path: str | os.PathLike) -> str:
    """A CSV's text: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (which covers GBK)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise UnreadableWorkbook(path, "is not a text CSV in UTF-8 or GB18030 (GBK); save it again as "
                                   "CSV UTF-8, or as Excel 工作簿 (.xlsx)")


def _looks_like_text(data: bytes) -> bool:
    sample = data[:4096]
    try:
        sample.decode("utf-8")
        return True
    except UnicodeDecodeError as error:
        if error.start >= len(sample) - 3:  # a character cut by the sample's end
            return True
    try:
        sample.decode("gb18030")
        return b"\x00" not in sample
    except UnicodeDecodeError:
        return False


def _check_compound(data: bytes, path: Path) -> str:
    # An OOXML workbook saved with a password is a compound file holding these streams
    # (MS-OFFCRYPTO 2.3.4); their names are stored in UTF-16LE in the directory sectors.
    # Any other compound file is read as a legacy .xls, whatever its name (.xlsx, .et).
    head = data[:8 * 1024 * 1024]
    for marker in ("EncryptionInfo", "EncryptedPackage"):
        if marker.encode("utf-16-le") in head:
            raise UnreadableWorkbook(path, "is encrypted (password-protected); save it without a password and try again")
    return "xls"


def _check_zip(data: bytes, path: Path) -> tuple[str, dict[str, str], dict]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UnreadableWorkbook(path, "is a damaged or truncated zip, not a readable workbook") from None
    except NotImplementedError as error:
        raise UnreadableWorkbook(path, f"uses an unsupported zip feature ({error})") from None
    except (OSError, ValueError, EOFError) as error:
        raise UnreadableWorkbook(path, f"is a damaged zip ({error})") from None
    with archive:
        members = archive.infolist()
        names = {member.filename for member in members}
        if len(members) > MAX_MEMBERS:
            raise UnreadableWorkbook(path, f"holds {len(members)} zip entries, over the limit of {MAX_MEMBERS}")
        if "[Content_Types].xml" in names and any(name.startswith("xl/") for name in names):
            kind = "ooxml"
        elif "mimetype" in names and "content.xml" in names:
            kind = "ods"
        elif "[Content_Types].xml" in names:
            raise UnreadableWorkbook(path, "is an Office file but not a spreadsheet (no xl/ part; a Word or PowerPoint file?)")
        else:
            raise UnreadableWorkbook(path, "is a zip archive, not a workbook")
        declared = sum(member.file_size for member in members)
        if declared > MAX_INFLATED_BYTES:
            raise UnreadableWorkbook(path, _bomb_reason(declared))
        for member in members:
            if member.file_size > RATIO_FLOOR_BYTES and member.file_size > MAX_MEMBER_RATIO * max(member.compress_size, 1):
                raise UnreadableWorkbook(
                    path, f"member {member.filename} inflates {member.file_size // max(member.compress_size, 1)}:1, "
                    f"over the {MAX_MEMBER_RATIO}:1 limit (a decompression bomb?)")
        # The workbook part and its relationships first (checked like any member): they say
        # which parts are worksheets and what each sheet is called.
        first = [member for member in members if member.filename in _WORKBOOK_PARTS]
        for member in first:
            _verify_member(archive, data, member, path, None)
        sheet_names = _worksheet_parts(archive, names, path) if kind == "ooxml" else {}
        split_sheets = {}
        for member in members:
            if member.filename not in _WORKBOOK_PARTS:
                split = _verify_member(archive, data, member, path, sheet_names.get(member.filename))
                if split is not None:
                    split_sheets[member.filename] = split
    return kind, sheet_names, split_sheets


_WORKBOOK_PARTS = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")
CHART_SHEET = "chartsheet:"  # sheet_names key of a chart sheet (a chart, no cells): "chartsheet:<name>"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def is_worksheet_part(name: str) -> bool:
    """A part where worksheets live by convention (xl/worksheets/sheet1.xml), not their relationships."""
    return name.startswith("xl/worksheets/") and name.endswith(".xml") and name.count("/") == 2


def _worksheet_parts(archive: zipfile.ZipFile, names: set[str], path: Path) -> dict[str, str]:
    """Sheet part -> the sheet's name in the workbook: every part the workbook's relationships call a
    worksheet, and (in case a reader finds them otherwise) every xl/worksheets/*.xml, named by its part."""
    import xml.etree.ElementTree as ElementTree

    parts = {name: name for name in names if is_worksheet_part(name)}
    try:
        workbook = ElementTree.fromstring(_small_part(archive, "xl/workbook.xml", path))
        relationships = ElementTree.fromstring(_small_part(archive, "xl/_rels/workbook.xml.rels", path))
    except (KeyError, ValueError, ElementTree.ParseError):
        return parts
    targets, charts = {}, set()
    for element in relationships.iter():
        if _local(element.tag) != "Relationship":
            continue
        if element.get("Type", "").endswith("/worksheet"):
            target = element.get("Target", "")
            resolved = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            targets[element.get("Id")] = resolved
        elif element.get("Type", "").endswith("/chartsheet"):
            charts.add(element.get("Id"))
    for element in workbook.iter():
        if _local(element.tag) != "sheet":
            continue
        identifier = next((value for key, value in element.attrib.items() if _local(key) == "id"), None)
        part = targets.get(identifier)
        if part in names:
            parts[part] = element.get("name") or part
        elif identifier in charts and element.get("name"):
            parts[CHART_SHEET + element.get("name")] = element.get("name")
    return parts


def _small_part(archive: zipfile.ZipFile, name: str, path: Path) -> bytes:
    if archive.getinfo(name).file_size > MAX_RESOLVED_PART_BYTES:
        raise ValueError(f"{name} is too big to resolve")
    data = archive.read(name)
    # Parsed whole here, so a DTD anywhere in it (not only in the head _refuse_dtd reads) is refused.
    text = data.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore") if data.startswith(
        (b"\xff\xfe", b"\xfe\xff")) else data
    lowered = text.lower()
    if b"<!doctype" in lowered or b"<!entity" in lowered:
        raise UnreadableWorkbook(path, f"member {name} declares a DTD or entities, which workbooks never need "
                                       "(refused: XML entity-expansion attack?)")
    return data


def _bomb_reason(size: int) -> str:
    return (f"would inflate to {size / 2**30:.1f} GiB, over the {MAX_INFLATED_BYTES // 2**30} GiB limit "
            "(a decompression bomb?)")


def _verify_member(archive: zipfile.ZipFile, data: bytes, member: zipfile.ZipInfo, path: Path,
                   sheet: str | None) -> SplitSheet | None:
    """Inflate the member (sizes, CRC), refuse a DTD in any XML part; `sheet` (its name) when it is a worksheet.

    A big worksheet's pieces are also cut into parts for the reader (sheetsplit.py): returned
    once the sheet has passed every check, else None.
    """
    is_xml = member.filename.endswith((".xml", ".rels", ".vml"))
    is_sheet = sheet is not None
    parts = parts_for(member.file_size) if is_sheet else 1
    shape = _SheetShape(parts) if is_sheet else None
    splitter = SheetSplitter(member.filename, member.file_size, parts) if parts > 1 else None
    passed = False
    try:
        try:
            head = True
            for chunk in member_chunks(archive, data, member, INFLATE_PIECE):
                if head and is_xml:
                    _refuse_dtd(chunk, member.filename, path)
                head = False
                if shape is not None:
                    shape.see(chunk)
                if splitter is not None:
                    splitter.feed(chunk)
        finally:
            if shape is not None:
                shape.finish()
        if is_sheet:
            if shape.widest > EXCEL_MAX_COLUMNS or shape.beyond_last_row:
                raise UnreadableWorkbook(path, f"is damaged: sheet {sheet} ({member.filename}) refers to a "
                                               "cell beyond Excel's last row or column")
            if shape.cells:
                _check_dense_range(archive, data, member, path, sheet, shape)
        passed = True
        if splitter is None:
            return None
        if not _parts_fit(shape, parts):
            splitter.abandon()
            return None
        return splitter.finish()
    except zlib.error as error:
        raise UnreadableWorkbook(path, f"is damaged: member {member.filename} cannot be inflated ({error})") from None
    except zipfile.BadZipFile as error:
        raise UnreadableWorkbook(path, f"is damaged: member {member.filename} fails its check ({error})") from None
    except NotImplementedError as error:
        raise UnreadableWorkbook(path, f"uses an unsupported zip feature ({error})") from None
    except RuntimeError as error:  # zipfile says "encrypted, password required"
        raise UnreadableWorkbook(path, f"is encrypted ({error})") from None
    except (OSError, EOFError, ValueError) as error:
        raise UnreadableWorkbook(path, f"is damaged: member {member.filename} cannot be inflated ({error})") from None
    finally:
        if splitter is not None and not passed:
            splitter.abandon()


def _parts_fit(shape: "_SheetShape", parts: int) -> bool:
    # Each part's reader allocates its own range. With the rows in order, no part refers
    # above the highest row element, so each range is within last_row x the widest column,
    # and all of them together must pass the bound the whole sheet's range is held to.
    # Rows out of order cannot be cut into runs of rows at all: such a sheet is read whole.
    allowed = max(SPARSE_FLOOR_CELLS, SPARSE_RATIO * shape.cells)
    return not shape.out_of_order and parts * shape.last_row * (shape.widest or NARROW_COLUMNS) <= allowed


def _check_dense_range(archive: zipfile.ZipFile, data: bytes, member: zipfile.ZipInfo, path: Path, sheet: str,
                       shape: "_SheetShape") -> None:
    # calamine allocates rows x columns up to the farthest used cell. The scan bounds both:
    # no reference above the highest row element (unless the rows came out of order), none
    # at BA or beyond unless `widest` says so. Within that bound the sheet opens; beyond it
    # (rows out of order, or row elements with no cells far below the table) the range is
    # measured exactly from the cells. shape.cells may be a lower bound (the count stops once
    # no range could exceed what it allows); the exact measurement counts the cells again.
    allowed = max(SPARSE_FLOOR_CELLS, SPARSE_RATIO * shape.cells)
    if not shape.out_of_order and shape.last_row * (shape.widest or NARROW_COLUMNS) <= allowed:
        return
    extent = _used_extent(archive, data, member)
    allowed = max(SPARSE_FLOOR_CELLS, SPARSE_RATIO * extent.cells)
    if extent.rows * extent.columns <= allowed:
        return
    cells = " and ".join(dict.fromkeys(extent.farthest))
    raise UnreadableWorkbook(
        path, f"sheet {sheet} has a cell at {cells}, so its used range spans {extent.rows:,} rows x "
        f"{extent.columns:,} columns for {extent.cells:,} cells, over the limit of {allowed:,} "
        "(a sparse-range bomb? if the far cell is a stray value, delete it and save the file again)")


@dataclass
class _Extent:
    rows: int = 0
    columns: int = 0
    farthest: tuple = ()  # A1 references of the cell in the highest row and of the one in the widest column
    cells: int = 0  # cell elements in the sheet


def _used_extent(archive: zipfile.ZipFile, data: bytes, member: zipfile.ZipInfo) -> _Extent:
    """The highest row and the widest column that hold a cell, exactly, from the cells' references.

    The references are taken out by polars' Rust regex engine, a 64 MiB batch at a time (a
    sheet of a million cells: 0.3 s, against 1.3 s for Python's re); a batch that is not
    UTF-8 (a damaged file) is read by Python's re.
    """
    extent = _Extent()
    referenced = 0
    highest = widest = (0, "")  # (row or column number, the cell's reference)
    batch: list[bytes] = []
    size = 0
    tail = b""
    chunks = member_chunks(archive, data, member, CHUNK)
    while True:
        chunk = next(chunks, b"")
        if chunk:
            batch.append(chunk)
            size += len(chunk)
            if size < EXACT_BATCH_BYTES:
                continue
        text = b"".join([tail, *batch])
        batch, size = [], 0
        cut = text.rfind(b"<") if chunk else len(text)
        text, tail = (text[:cut], text[cut:]) if cut > 0 else (text, b"")
        extent.cells += text.count(b"<c ") + text.count(b"<c>")
        found, row, column = _references_in(text)
        referenced += found
        # Strictly more: the first cell that reaches a row or column is the one named.
        highest = row if row[0] > highest[0] else highest
        widest = column if column[0] > widest[0] else widest
        if not chunk:
            break
    if referenced < extent.cells:
        return _walked_extent(archive, data, member)  # cells without a reference sit after the one before them
    extent.rows, extent.columns = min(highest[0], EXCEL_MAX_ROWS), min(widest[0], EXCEL_MAX_COLUMNS)
    extent.farthest = (highest[1], widest[1])
    return extent


def _references_in(text: bytes) -> tuple[int, tuple[int, str], tuple[int, str]]:
    """(cell references in `text`, (highest row, its cell), (widest column, its cell))."""
    import polars as pl

    if not text:
        return 0, (0, ""), (0, "")
    try:
        matches = pl.Series([text], dtype=pl.Binary).cast(pl.Utf8).str.extract_all(
            _CELL_REFERENCE.pattern.decode()).explode().drop_nulls()
    except pl.exceptions.ComputeError:  # not UTF-8
        found = [(letters.decode().upper(), int(digits)) for letters, digits in _CELL_REFERENCE.findall(text)]
    else:
        parts = matches.str.extract_groups(_CELL_REFERENCE.pattern.decode())
        letters = parts.struct.field("1").str.to_uppercase()
        digits = parts.struct.field("2").cast(pl.Int64, strict=False)
        if not len(matches):
            return 0, (0, ""), (0, "")
        row = digits.max()
        top = letters.filter(digits == row)[0]
        # The widest column: the longest letters, then the last in the alphabet (AB > AA, BA > AZ).
        lengths = letters.str.len_bytes()
        wide = letters.filter(lengths == lengths.max()).max()
        at = digits.filter(letters == wide)[0]
        return len(matches), (row, f"{top}{row}"), (_column_number(wide.encode()), f"{wide}{at}")
    if not found:
        return 0, (0, ""), (0, "")
    row_cell = max(found, key=lambda cell: cell[1])
    column_cell = max(found, key=lambda cell: _column_number(cell[0].encode()))
    return (len(found), (row_cell[1], f"{row_cell[0]}{row_cell[1]}"),
            (_column_number(column_cell[0].encode()), f"{column_cell[0]}{column_cell[1]}"))


def _walked_extent(archive: zipfile.ZipFile, data: bytes, member: zipfile.ZipInfo) -> _Extent:
    """As _used_extent, for a sheet whose rows or cells leave out their reference: walk every tag."""
    from .findings import column_letter

    row = column = 0
    extent = _Extent()
    highest = widest = (0, 0)
    tail = b""
    chunks = member_chunks(archive, data, member, CHUNK)
    while True:
        chunk = next(chunks, b"")
        text = tail + chunk
        cut = text.rfind(b"<") if chunk else len(text)
        text, tail = (text[:cut], text[cut:]) if cut > 0 else (text, b"")
        for match in _ROW_OR_CELL_TAG.finditer(text):
            reference = _R_ATTRIBUTE.search(match.group(2) or b"")
            letters, digits = reference.groups() if reference else (b"", b"")
            if match.group(1) == b"row":
                row = int(digits) if digits else row + 1
                column = 0
                continue
            column = _column_number(letters) if letters else column + 1
            extent.cells += 1
            cell_row = int(digits) if digits else row
            if cell_row > highest[0]:
                highest = (cell_row, column)
            if column > widest[1]:
                widest = (cell_row, column)
        if not chunk:
            break
    extent.rows = min(highest[0], EXCEL_MAX_ROWS)
    extent.columns = min(widest[1], EXCEL_MAX_COLUMNS)
    extent.farthest = tuple(f"{column_letter(max(col, 1) - 1)}{max(r, 1)}" for r, col in (highest, widest))
    return extent


class _SheetShape:
    """What a sheet's XML says about its used range, gathered piece by piece as it is inflated.

    Odd references (a column at BA or beyond, a row above the highest row element so far)
    are looked for in polars' Rust regex engine (Python's re takes 2.5x as long), one piece
    at a time on the second core while the next piece is inflated, or here when the second
    core is QUEUED_PIECES behind. Cells
    are counted here, with bytes.count, and only until there are enough of them for any
    used range up to Excel's last row at the widest column seen: past that the count
    cannot change the verdict, and a full sheet's XML is half a gigabyte.

    Pieces are inflated as they come, not cut at tags (copying half a gigabyte to cut it
    costs more than the scan). Neither a reference nor "<c " holds a '<' after its first
    character, so every one lies between one '<' and the next: inside a piece, where the
    piece's own scan finds it, or in the edge between a piece's last '<' and the next
    piece's first, which is scanned here (a few bytes).
    """

    QUEUED_PIECES = 3  # pieces the second core may be behind before the first scans one itself

    def __init__(self, readers: int = 1):
        self.readers = readers  # calamine readers that will read the sheet, each a part of it (sheetsplit.py)
        self.cells = 0  # cell elements counted: all of them, or at least enough_cells()
        self.widest = 0  # widest column at BA or beyond, else 0
        self.last_row = 0  # the highest row element so far: with rows in order, the highest reference
        self.out_of_order = False  # a reference above the highest row element before it
        self.beyond_last_row = False
        self._edge = b""  # from the last '<' of the pieces so far
        # The piece before is scanned on the second core while this one is inflated:
        # ISA-L (or zlib) and polars both let go of the GIL, so the two overlap.
        self._executor = None
        self._pending: list = []  # scans handed to the second core, oldest first
        self._lock = threading.Lock()

    def enough_cells(self) -> int:
        """Cells that let any range up to Excel's last row pass the cheap bound of _check_dense_range
        (for each of the readers: _parts_fit)."""
        columns = self.widest or NARROW_COLUMNS
        return -(-self.readers * EXCEL_MAX_ROWS * columns // SPARSE_RATIO)

    def see(self, piece: bytes) -> None:
        first = piece.find(b"<")
        if first < 0:  # no tag starts here: all of it belongs to the edge
            self._edge += piece
            return
        last = piece.rfind(b"<")
        self._note_rows(piece)
        edge = self._edge + piece[:first]
        self._note_rows(edge)
        self._scan_edge(edge)
        self._edge = piece[last:]
        if self.cells < self.enough_cells():
            # "<c " only: a cell with no attribute at all (<c>) has no reference either, and
            # is rare; leaving it out only makes the count lower, never the guard weaker (a
            # sheet of such cells goes to the exact measurement, which counts them).
            self.cells += piece.count(b"<c ", first, last)
        self._scan_in_background(piece, first, last)

    def _note_rows(self, text: bytes) -> None:
        """The highest row so far, from the last complete row element of `text` (rows ascend)."""
        position = text.rfind(b'<row r="')
        while position >= 0:
            match = _ROW_NUMBER.match(text, position)
            if match:
                self.last_row = max(self.last_row, min(int(match.group(1)), EXCEL_MAX_ROWS))
                return
            position = text.rfind(b'<row r="', 0, position)

    def _scan_in_background(self, piece: bytes, first: int, last: int) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self._collect_done()
        if len(self._pending) >= self.QUEUED_PIECES:
            # The second core is behind by this many pieces: scan this one here rather than
            # wait (the two cores share the scan when it costs more than the inflate).
            self._scan(piece, first, last, self.last_row)
            return
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1)
        self._pending.append(self._executor.submit(self._scan, piece, first, last, self.last_row))

    def _collect_done(self) -> None:
        while self._pending and self._pending[0].done():
            self._pending.pop(0).result()  # a scan's exception is raised here

    def _wait(self) -> None:
        while self._pending:
            self._pending.pop(0).result()

    def finish(self) -> None:
        """Scan what is left and wait for the scan; also after a failure (then only to end the thread)."""
        try:
            self._wait()
            self._note_rows(self._edge)
            self._scan_edge(self._edge)
            self._edge = b""
        finally:
            if self._executor is not None:
                self._executor.shutdown()
                self._executor = None

    def _scan_edge(self, edge: bytes) -> None:
        # An edge is a tag or two: each reference in it is read as it is (no pattern to compile).
        if edge:
            self.cells += edge.count(b"<c ") + edge.count(b"<c>")
            for match in _REFERENCE_AT.finditer(edge):
                self._note_reference(match.group(1), int(match.group(2)), self.last_row)

    def _scan(self, piece: bytes, first: int, last: int, highest_row: int) -> None:
        import polars as pl

        pattern = _odd_reference_pattern(highest_row)
        try:
            suspect = pl.Series([piece], dtype=pl.Binary).cast(pl.Utf8).str.contains(pattern).item()
        except pl.exceptions.ComputeError:
            # A character cut at either end of the piece (or a damaged file): the part between
            # its first and last '<' then, else Python's re.
            try:
                suspect = pl.Series([piece[first:last]], dtype=pl.Binary).cast(pl.Utf8).str.contains(pattern).item()
            except pl.exceptions.ComputeError:
                suspect = True
        if suspect:
            self._odd_references(piece, highest_row)

    def _odd_references(self, text: bytes, highest_row: int) -> None:
        for match in _odd_reference(highest_row).finditer(text):
            if match.group(1):
                # A wide column: its row may be high as well (XFD1048576 in a row of its own or not).
                whole = _REFERENCE_AT.match(text, match.start())
                if whole:  # else it runs past the piece's end, into the edge, which reads it whole
                    self._note_reference(whole.group(1), int(whole.group(2)), highest_row)
            else:
                self._note_reference(b"", int(match.group(2)), highest_row)

    def _note_reference(self, letters: bytes, row: int, highest_row: int) -> None:
        column = _column_number(letters) if len(letters) > 1 else 0  # A..Z are narrow
        with self._lock:  # both threads scan pieces: no update may be lost
            if column > NARROW_COLUMNS:
                self.widest = max(self.widest, column)
            if row > EXCEL_MAX_ROWS:
                self.beyond_last_row = True
            elif row > highest_row:
                self.out_of_order = True


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def _refuse_dtd(head: bytes, member: str, path: Path) -> None:
    # No spreadsheet part needs a DTD; entity declarations are how entity-expansion
    # ("billion laughs") and external-entity attacks start, so any DOCTYPE is refused.
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
    else:
        text = head
    lowered = text[:65536].lower()
    if b"<!doctype" in lowered or b"<!entity" in lowered:
        raise UnreadableWorkbook(path, f"member {member} declares a DTD or entities, which workbooks never need "
                                       "(refused: XML entity-expansion attack?)")
