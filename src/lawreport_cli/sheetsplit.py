"""A big worksheet read on every core: its rows cut into parts that calamine reads at once.

calamine reads a sheet on one thread: a million-row sheet keeps one core busy for 8 to
11 s while the other waits. The safe-open pass (safety.py) inflates every sheet anyway,
so for a big one it hands its pieces here too, and they are cut, at row elements, into
parts. A part is the sheet's own head (everything up to and including `<sheetData>`), a
run of rows, and the sheet's end: `</sheetData></worksheet>`, or the sheet's real tail
for the last part. Each part is deflated again at ISA-L's fastest level (a fifth of the
XML), on a thread of its own while the next pieces are inflated, and is stored in a
small workbook of its own beside the original's workbook part, relationships, styles and
shared strings (copied as they are stored, not re-read), so every cell reads there as it
reads in the original. sources.py reads the parts on a thread each and joins the frames
at their sheet rows (measured on 2 cores, a 600 MB sheet: 13.1 s whole, 7.4 s in two parts).

The whole read stays the reference. A cut is made only before `<row r="N"`, in the rows
(not after `</sheetData>`), and the joined frame is used only when each part held cells
of its own rows and nothing else (checked on the frames, sources.join_parts). Anything
else (rows out of order, a cut that fell in a comment, a part calamine will not read)
reads the sheet whole, as it always did: the split can make a read faster, never different.
"""
from __future__ import annotations

import os
import re
import struct
import zipfile
import zlib
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

try:
    from isal import isal_zlib as _deflater
except ImportError:  # no wheel for this platform: zlib's fastest level, slower
    _deflater = zlib

def _floor_from_environment(default: int = 48 << 20) -> int:
    text = os.environ.get("LAWREPORT_SPLIT_FLOOR_BYTES", "").strip()
    return int(text) if text.isdigit() else default  # anything but a byte count: the default


# A sheet whose XML declares fewer bytes than this is read whole: under about 80,000 rows
# the second reader's open and the join cost more than they save. Tests set it lower
# through the environment to cut small sheets too.
SPLIT_FLOOR_BYTES = _floor_from_environment()
MAX_PARTS = 4  # each part's reader holds its own copy of the shared strings
_FASTEST = 0  # ISA-L's level 0 (zlib's 1): sheet XML still shrinks to about a fifth
_QUEUED = 4  # pieces the deflating thread may be behind before the inflating one waits

_SHEET_DATA = re.compile(rb"<sheetData>")
_ROOT = re.compile(rb"<([A-Za-z_][\w.:-]*)[\s>]")  # the first element's name (after <?xml ...?>)
_ROW_START = re.compile(rb'<row r="([0-9]{1,7})"')
_END_OF_ROWS = b"</sheetData"
_HEAD_LIMIT = 1 << 20  # a head (sheet properties, views, column widths) is a few hundred bytes in any real sheet


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def parts_for(declared: int) -> int:
    """How many parts a sheet of `declared` bytes is cut into: one (read whole) below the floor."""
    if declared < SPLIT_FLOOR_BYTES or declared >= 1 << 32 or cores() < 2:  # a part must fit a plain (not Zip64) entry
        return 1
    # One part per core: more parts than cores only add readers (measured: 4 parts on 2 cores
    # took as long as 2 and held 200 MB more).
    return min(cores(), MAX_PARTS)


@dataclass
class SheetPart:
    """One part's deflated XML, and the sheet row its rows begin at (1 for the first)."""
    first_row: int
    deflated: list[bytes] = field(default_factory=list, repr=False)
    crc: int = 0
    size: int = 0
    _compressor: object = field(default=None, repr=False)


@dataclass
class SplitSheet:
    """A sheet part's rows in parts, ready to be stored as workbooks (workbook_of)."""
    member: str  # the sheet's part in the zip: xl/worksheets/sheet1.xml
    parts: list[SheetPart]


class SheetSplitter:
    """Takes a sheet's inflated pieces in order (feed), and gives its parts (finish) or None."""

    def __init__(self, member: str, declared: int, parts: int):
        self.member = member
        self._targets = [declared * k // parts for k in range(1, parts)]  # byte offsets to cut after
        self._seen = 0  # bytes fed so far
        self._head = b""
        self._early = b""  # the first pieces, until the head is among them
        self._end = b""
        self._parts: list[SheetPart] = []
        self._failed = False
        self._rows_ended_at = -1  # where the deflating thread saw </sheetData, before the last cut
        self._last_cut = 0
        self._thread = ThreadPoolExecutor(max_workers=1)
        self._pending: list[Future] = []

    def feed(self, piece: bytes) -> None:
        if self._failed:
            return
        if not self._parts:  # the head is read first, from the first piece or the first few
            self._early += piece
            if not self._open(self._early):
                if len(self._early) > _HEAD_LIMIT:
                    self._fail()
                return
            piece, self._early = self._early, b""
        start = searched = 0
        while self._targets and self._seen + len(piece) > self._targets[0]:
            match = _ROW_START.search(piece, max(self._targets[0] - self._seen, searched))
            if match is None:
                break  # the next row element is in a later piece
            self._deflate(piece[start:match.start()], self._seen + start)
            self._last_cut = self._seen + match.start()
            self._parts.append(SheetPart(int(match.group(1))))
            self._deflate(self._head, None)
            start, searched = match.start(), match.start() + 1  # two targets never cut at one row
            self._targets.pop(0)
        self._deflate(piece[start:] if start else piece, self._seen + start)
        self._seen += len(piece)

    def finish(self) -> SplitSheet | None:
        """The parts, once all are deflated; None when the sheet cannot be cut (read it whole).

        Never raises for the deflating thread's sake: a split that fails is a sheet read whole,
        not a fault of the file."""
        try:
            if not self._wait() or self._failed or len(self._parts) < 2:
                return None
            if 0 <= self._rows_ended_at < self._last_cut:
                return None  # a cut fell after the rows ended: in the sheet's tail, not in its rows
            for part in self._parts[:-1]:
                self._finish_part(part, self._end)
            self._finish_part(self._parts[-1], b"")
            return SplitSheet(self.member, self._parts) if self._wait() else None
        finally:
            self._thread.shutdown()
            self._pending = []

    def _wait(self) -> bool:
        """Wait for the deflating thread; False if any of its work failed."""
        done = True
        for pending in self._pending:
            try:
                pending.result()
            except Exception:  # noqa: BLE001 — MemoryError included: the whole read still follows
                done = False
        self._pending = []
        return done

    def abandon(self) -> None:
        """The member failed its checks: end the thread, keep nothing."""
        self._fail()
        self.finish()

    def _open(self, piece: bytes) -> bool:
        rows = _SHEET_DATA.search(piece)
        root = _ROOT.search(piece, piece.find(b"?>") + 2 if piece.startswith(b"<?xml") else 0)
        if rows is None or root is None or root.start() > rows.start():
            return False
        self._head = piece[:rows.end()]
        self._end = b"</sheetData></" + root.group(1) + b">"
        self._parts.append(SheetPart(1))
        return True

    def _fail(self) -> None:
        self._failed = True
        self._parts = []

    def _deflate(self, text: bytes, offset: int | None) -> None:
        """Give `text` to the current part on the deflating thread; `offset`: where it lies in the sheet
        (None for the head), so text before the last cut is searched for the end of the rows."""
        if not text:
            return
        while len(self._pending) >= _QUEUED:
            self._pending.pop(0).result()
        part = self._parts[-1]
        watch = offset is not None and bool(self._targets) and self._rows_ended_at < 0
        self._pending.append(self._thread.submit(self._compress, part, text, offset if watch else None))

    @staticmethod
    def _compressor_of(part: SheetPart):
        if part._compressor is None:
            part._compressor = _deflater.compressobj(_FASTEST, zlib.DEFLATED, -zlib.MAX_WBITS)
        return part._compressor

    def _compress(self, part: SheetPart, text: bytes, offset: int | None) -> None:
        part.deflated.append(self._compressor_of(part).compress(text))
        part.crc = _deflater.crc32(text, part.crc)
        part.size += len(text)
        if offset is not None and self._rows_ended_at < 0:
            found = text.find(_END_OF_ROWS)
            if found >= 0:
                self._rows_ended_at = offset + found

    def _finish_part(self, part: SheetPart, end: bytes) -> None:
        def close() -> None:
            if end:
                self._compress(part, end, None)
            part.deflated.append(self._compressor_of(part).flush())
            part._compressor = None
        self._pending.append(self._thread.submit(close))


# -- the parts as workbooks --------------------------------------------------------------

_CENTRAL = struct.Struct("<4s6H3L5H2L")
_END = struct.Struct("<4s4H2LH")
_STUB_SHEET = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>')
# What a part's workbook leaves out: calamine reads none of it for cell values (drawings, media,
# pivot caches, printer settings, a sheet's own relationships). Other worksheets are stubs.
_LEFT_OUT = ("xl/worksheets/", "xl/chartsheets/", "xl/drawings/", "xl/media/", "xl/charts/", "xl/embeddings/",
             "xl/pivotCache/", "xl/pivotTables/", "xl/printerSettings/", "xl/externalLinks/", "customXml/",
             "xl/tables/", "xl/queryTables/", "xl/threadedComments/", "xl/persons/", "xl/activeX/", "xl/ctrlProps/",
             "docProps/", "xl/vbaProject.bin")


def workbook_of(archive: zipfile.ZipFile, data: bytes, split: SplitSheet, index: int) -> bytes:
    """Part `index` of the split sheet as a workbook: the original's small parts as stored, every
    other worksheet an empty stub, and this part's rows in the sheet's own place."""
    part = split.parts[index]
    return _zip_of(archive, data, {split.member: (part.crc, part.size, part.deflated)}, leave_out=_LEFT_OUT)


def without_split_sheets(archive: zipfile.ZipFile, data: bytes, splits) -> bytes:
    """The workbook with each split sheet an empty stub: what the reader of the other sheets needs
    (fastexcel keeps its own copy of the bytes it reads, 80 MB for a million rows)."""
    return _zip_of(archive, data, {split.member: None for split in splits}, leave_out=())


def _zip_of(archive: zipfile.ZipFile, data: bytes, replaced: dict, leave_out: tuple[str, ...]) -> bytes:
    """A zip of the archive's members as stored, less `leave_out`'s folders; a member of `replaced`
    is (crc, size, deflated pieces) or None (an empty stub), and with `leave_out` every other
    worksheet is a stub as well."""
    from .safety import is_worksheet_part  # safety imports this module: imported when used
    from .zipstream import LOCAL_HEADER, LOCAL_SIGNATURE, stored_bytes

    entries = []  # (name, method, crc, size, compressed size, bytes or pieces)
    stub = (zipfile.ZIP_STORED, zlib.crc32(_STUB_SHEET), len(_STUB_SHEET), len(_STUB_SHEET), [_STUB_SHEET])
    for member in archive.infolist():
        name = member.filename
        if name in replaced:
            if replaced[name] is None:
                entries.append((name, *stub))
            else:
                crc, size, pieces = replaced[name]
                entries.append((name, zipfile.ZIP_DEFLATED, crc, size, sum(map(len, pieces)), pieces))
        elif leave_out and is_worksheet_part(name):
            entries.append((name, *stub))
        elif not (leave_out and name.startswith(leave_out)):  # as stored, by whatever method it was
            entries.append((name, member.compress_type, member.CRC, member.file_size, member.compress_size,
                            [stored_bytes(data, member)]))
    out: list = []
    central: list[bytes] = []
    offset = 0
    for name, method, crc, size, compressed, pieces in entries:
        encoded = name.encode("utf-8")
        flags = 0x800  # names in UTF-8
        local = LOCAL_HEADER.pack(LOCAL_SIGNATURE, 20, flags, method, 0, 0x21, crc, compressed, size, len(encoded), 0)
        central.append(_CENTRAL.pack(b"PK\x01\x02", 20, 20, flags, method, 0, 0x21, crc, compressed, size,
                                     len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
        out += [local, encoded, *pieces]
        offset += len(local) + len(encoded) + compressed
    directory = b"".join(central)
    out += [directory, _END.pack(b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory), offset, 0)]
    return b"".join(out)
