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
Declared sizes can lie, so every member is read through `zipfile`, which stops
at the declared size and then checks the CRC: a member that inflates to more
than it declares fails, having produced no more than it declared.
"""
from __future__ import annotations

import os
import re
import zipfile
import zlib
from dataclasses import dataclass
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
EXACT_ROWS_BELOW_CELLS = 1_000_000  # small sheets get their highest row read exactly
# One pass finds both: a cell at column BA (53) or beyond (group 1), or a row number of
# 1,050,000 or more (Excel stops at 1,048,576). Ordinary sheets never match.
_ODD_REFERENCE = re.compile(
    rb'r="(?:([A-Z]{3,}|[B-Z][A-Z])[0-9]|[A-Z]*(?:[0-9]{8,}|[2-9][0-9]{6}|1[1-9][0-9]{5}|10[5-9][0-9]{4})")')
EXCEL_MAX_COLUMNS = 16_384
_ROW_NUMBER = re.compile(rb'<row r="(\d+)"')
# Any row number: of a row element or inside a cell reference (the two can disagree).
_ANY_ROW_NUMBER = re.compile(rb' r="[A-Z]*([0-9]+)"')

CHUNK = 1 << 20
ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
CFB_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # OLE compound file: .xls, or an encrypted OOXML
SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".xlsb"}


from .errors import UnreadableWorkbook  # noqa: E402,F401  (its old home; errors.py declares it)


@dataclass(frozen=True)
class Container:
    path: Path
    kind: str  # "ooxml", "ods", "xls"


def check_file(path: str | os.PathLike) -> Container:
    """Look at the file and refuse it with one clear reason, or say what it is."""
    path = Path(path)
    if not path.exists():
        raise UnreadableWorkbook(path, "no such file")
    if path.is_dir():
        raise UnreadableWorkbook(path, "is a directory, not a workbook")
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as error:
        raise UnreadableWorkbook(path, f"cannot be opened ({error.strerror or error})") from None
    if size == 0:
        raise UnreadableWorkbook(path, "is empty (0 bytes), not a workbook")
    if size > MAX_FILE_BYTES:
        raise UnreadableWorkbook(
            path, f"is {size / 2**20:.0f} MiB, over the {MAX_FILE_BYTES // 2**20} MiB limit for a workbook")
    if head.startswith(CFB_MAGIC):
        return Container(path, _check_compound(path))
    if head.startswith(ZIP_MAGIC) or head.startswith(EMPTY_ZIP_MAGIC):
        return Container(path, _check_zip(path))
    if head[:5].lower() in (b"<?xml", b"<html") or _looks_like_text(path):
        raise UnreadableWorkbook(path, "is a text file, not an Excel workbook (was it renamed or saved as CSV?)")
    raise UnreadableWorkbook(path, "is not an Excel or OpenDocument workbook (unknown file signature)")


def _looks_like_text(path: Path) -> bool:
    with path.open("rb") as handle:
        sample = handle.read(4096)
    try:
        sample.decode("utf-8")
        return True
    except UnicodeDecodeError:
        pass
    try:
        sample.decode("gb18030")
        return b"\x00" not in sample
    except UnicodeDecodeError:
        return False


def _check_compound(path: Path) -> str:
    # An OOXML workbook saved with a password is a compound file holding these streams
    # (MS-OFFCRYPTO 2.3.4); their names are stored in UTF-16LE in the directory sectors.
    with path.open("rb") as handle:
        data = handle.read(min(path.stat().st_size, 8 * 1024 * 1024))
    for marker in ("EncryptionInfo", "EncryptedPackage"):
        if marker.encode("utf-16-le") in data:
            raise UnreadableWorkbook(path, "is encrypted (password-protected); save it without a password and try again")
    return "xls"


def _check_zip(path: Path) -> str:
    try:
        archive = zipfile.ZipFile(path)
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
        for member in members:
            _verify_member(archive, member, path)
    return kind


def _bomb_reason(size: int) -> str:
    return (f"would inflate to {size / 2**30:.1f} GiB, over the {MAX_INFLATED_BYTES // 2**30} GiB limit "
            "(a decompression bomb?)")


def _verify_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, path: Path) -> None:
    is_xml = member.filename.endswith((".xml", ".rels", ".vml"))
    is_sheet = member.filename.startswith("xl/worksheets/") and is_xml
    shape = _SheetShape()
    try:
        with archive.open(member) as stream:
            chunk = stream.read(CHUNK)
            if is_xml:
                _refuse_dtd(chunk, member.filename, path)
            while chunk:
                if is_sheet:
                    shape.see(chunk)
                chunk = stream.read(CHUNK)
            if is_sheet:
                shape.finish()
                if shape.widest > EXCEL_MAX_COLUMNS or shape.beyond_last_row:
                    raise UnreadableWorkbook(path, f"is damaged: {member.filename} refers to a cell beyond "
                                                   "Excel's last row or column")
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
    if is_sheet:
        rows = _highest_row(archive, member) if shape.cells < EXACT_ROWS_BELOW_CELLS else shape.last_row
        columns = shape.widest or NARROW_COLUMNS
        allowed = max(SPARSE_FLOOR_CELLS, SPARSE_RATIO * shape.cells)
        if rows * columns > allowed:
            raise UnreadableWorkbook(
                path, f"sheet part {member.filename} spans {rows:,} rows x {columns:,} columns for "
                f"{shape.cells:,} cells, over the limit of {allowed:,} (a sparse-range bomb?)")


class _SheetShape:
    """What a sheet's XML says about its used range, gathered batch by batch.

    The scan runs in polars' Rust regex engine over 64 MiB batches (a full sheet's XML is
    half a gigabyte; Python's re takes 2.5x as long). Chunks are cut before a '<', so no
    tag, and no cell reference, is ever split between two of them.
    """

    BATCH_CHUNKS = 64

    def __init__(self):
        self.cells = 0
        self.widest = 0  # widest column at BA or beyond, else 0
        self.last_row = 0
        self.beyond_last_row = False
        self._carry = b""
        self._batch: list[bytes] = []

    def see(self, chunk: bytes) -> None:
        chunk = self._carry + chunk
        cut = chunk.rfind(b"<")
        if cut <= 0:
            self._carry = chunk
            return
        self._batch.append(chunk[:cut])
        self._carry = chunk[cut:]
        if len(self._batch) >= self.BATCH_CHUNKS:
            self._scan()

    def finish(self) -> None:
        if self._carry:
            self._batch.append(self._carry)
            self._carry = b""
        self._scan()

    def _scan(self) -> None:
        import polars as pl

        batch, self._batch = self._batch, []
        if not batch:
            return
        try:
            texts = pl.Series(batch, dtype=pl.Binary).cast(pl.Utf8)
            self.cells += int(texts.str.count_matches("<c ", literal=True).sum())
            suspects = texts.str.contains(_ODD_REFERENCE.pattern.decode()).to_list()
        except pl.exceptions.ComputeError:  # not UTF-8: a damaged file; look in Python instead
            self.cells += sum(chunk.count(b"<c ") for chunk in batch)
            suspects = [True] * len(batch)
        for chunk, suspect in zip(batch, suspects):
            if suspect:
                for match in _ODD_REFERENCE.finditer(chunk):
                    if match.group(1):
                        self.widest = max(self.widest, _column_number(match.group(1)))
                    else:
                        self.beyond_last_row = True
        position = batch[-1].rfind(b'<row r="')
        match = _ROW_NUMBER.match(batch[-1], position) if position >= 0 else None
        if match:
            self.last_row = max(self.last_row, min(int(match.group(1)), EXCEL_MAX_ROWS))


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _highest_row(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> int:
    # Only for sheets wider than 52 columns: read again, find the highest row number.
    highest = 0
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(CHUNK):
            numbers = [int(match.group(1)) for match in _ANY_ROW_NUMBER.finditer(tail + chunk)]
            highest = max([highest, *numbers])
            tail = chunk[-16:]
    return min(max(highest, 1), EXCEL_MAX_ROWS) if highest else EXCEL_MAX_ROWS


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
