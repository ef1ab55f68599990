"""The fast member inflate (zipstream.py) and the piecewise sheet-shape scan of safety.py.

The inflate must say what zipfile says of every member, at ISA-L's speed; the shape
scan must see every far reference and count every cell however the pieces fall.
"""
from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest

from conftest import PENALTY_HEADER, penalty, sheet_with
from lawreport_cli import safety, zipstream
from lawreport_cli.records import load_workbook
from lawreport_cli.safety import UnreadableWorkbook

SHEET = "xl/worksheets/sheet1.xml"


def _zip(members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _pieces(data: bytes, name: str, chunk: int) -> list[bytes]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return list(zipstream.member_chunks(archive, data, archive.getinfo(name), chunk))


def _patch_size(data: bytes, name: bytes, size: int) -> bytes:
    """Both headers of `name` declare `size` as its inflated size."""
    data = bytearray(data)
    for signature, size_offset, name_offset, length_offset in ((b"PK\x03\x04", 22, 30, 26),
                                                              (b"PK\x01\x02", 24, 46, 28)):
        position = data.find(signature)
        while position >= 0:
            length = struct.unpack_from("<H", data, position + length_offset)[0]
            if data[position + name_offset:position + name_offset + length] == name:
                struct.pack_into("<I", data, position + size_offset, size)
            position = data.find(signature, position + 4)
    return bytes(data)


CONTENT = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (n, n, n * 7) for n in range(1, 20000))


@pytest.mark.parametrize("method", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
def test_pieces_are_the_member_and_never_longer_than_asked(method):
    data = _zip({"part.xml": CONTENT}, method)
    pieces = _pieces(data, "part.xml", 4096)
    assert b"".join(pieces) == CONTENT
    assert max(len(piece) for piece in pieces) <= 4096
    assert len(pieces) == -(-len(CONTENT) // 4096)


def test_the_standard_zlib_gives_the_same_bytes(monkeypatch):
    data = _zip({"part.xml": CONTENT})
    monkeypatch.setattr(zipstream, "_inflater", zlib)
    assert b"".join(_pieces(data, "part.xml", 65536)) == CONTENT


def test_a_member_that_inflates_past_its_declared_size_stops_there():
    data = _patch_size(_zip({"part.xml": CONTENT}), b"part.xml", 1000)
    archive = zipfile.ZipFile(io.BytesIO(data))
    produced = 0
    with pytest.raises(zipfile.BadZipFile, match="more than the 1,000 bytes it declares"):
        for piece in zipstream.member_chunks(archive, data, archive.getinfo("part.xml"), 512):
            produced += len(piece)
    assert produced <= 1000 + 512  # the piece that crossed the line is the last one made


def test_a_member_shorter_than_declared_fails():
    data = _patch_size(_zip({"part.xml": CONTENT}), b"part.xml", len(CONTENT) + 10)
    with pytest.raises(zipfile.BadZipFile, match="not the"):
        _pieces(data, "part.xml", 65536)


def test_a_wrong_crc_fails():
    data = bytearray(_zip({"part.xml": CONTENT}))
    for signature, crc_offset in ((b"PK\x03\x04", 14), (b"PK\x01\x02", 16)):
        position = data.find(signature)
        struct.pack_into("<I", data, position + crc_offset, 12345)
    with pytest.raises(zipfile.BadZipFile, match="Bad CRC-32"):
        _pieces(bytes(data), "part.xml", 65536)


def test_a_cut_deflate_stream_fails():
    data = _zip({"part.xml": CONTENT})
    archive = zipfile.ZipFile(io.BytesIO(data))
    member = archive.getinfo("part.xml")
    member.compress_size //= 2  # the directory now ends the stream halfway
    with pytest.raises(EOFError):
        list(zipstream.member_chunks(archive, data, member, 65536))


def test_garbage_in_the_stream_is_a_zlib_error():
    data = bytearray(_zip({"part.xml": CONTENT}))
    start = data.find(b"part.xml") + len(b"part.xml")
    data[start + 10:start + 60] = bytes([0xFF]) * 50
    with pytest.raises((zlib.error, zipfile.BadZipFile)):
        _pieces(bytes(data), "part.xml", 65536)


def test_the_local_header_name_is_checked_as_zipfile_checks_it():
    data = bytearray(_zip({"part.xml": CONTENT}))
    data[30:38] = b"evil.xml"  # the local header's name, not the directory's
    with pytest.raises(zipfile.BadZipFile):
        _pieces(bytes(data), "part.xml", 65536)


# -- the sheet-shape scan, piece by piece -------------------------------------------------

def _cells(path) -> int:
    with zipfile.ZipFile(path) as archive:
        text = archive.read(SHEET)
    return text.count(b"<c ") + text.count(b"<c>")


@pytest.mark.parametrize("piece", [3, 7, 64, 4 * 1024 * 1024])
def test_every_cell_is_counted_however_the_pieces_fall(book, tmp_path, monkeypatch, piece):
    path = book({"行政处罚": [PENALTY_HEADER, *[penalty(case=f"C{n}") for n in range(40)]]})
    monkeypatch.setattr(safety, "INFLATE_PIECE", piece)
    seen = []
    original = safety._SheetShape.finish

    def finish(shape):
        original(shape)
        seen.append(shape.cells)

    monkeypatch.setattr(safety._SheetShape, "finish", finish)
    safety.check_file(path)
    assert seen == [_cells(path)]


@pytest.mark.parametrize("piece", [3, 4, 5, 7, 9, 11])
@pytest.mark.parametrize("far, refusal", [
    (b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row>', "sparse-range bomb"),
    (b'<row r="99"><c r="ZZZZZZ99" t="n"><v>1</v></c></row>', "beyond Excel's last row or column"),
])
def test_a_far_reference_cut_between_pieces_is_still_seen(book, tmp_path, monkeypatch, piece, far, refusal):
    """Pieces of a few bytes cut every reference somewhere; the far cell is refused all the same."""
    path = tmp_path / "far.xlsx"
    sheet_with(book({"行政处罚": [PENALTY_HEADER, penalty()]}), path, far)
    monkeypatch.setattr(safety, "INFLATE_PIECE", piece)
    with pytest.raises(UnreadableWorkbook, match=refusal):
        safety.check_file(path)


def test_enough_cells_is_what_the_cheap_bound_needs():
    shape = safety._SheetShape()
    # 1,048,576 rows x 52 columns (AZ) / 16 = 3,407,872 cells; a row more than AZ needs more.
    assert shape.enough_cells() == 3_407_872
    shape.widest = 16_384
    assert shape.enough_cells() == 1_048_576 * 16_384 // 16


def test_once_the_count_stops_a_sparse_bomb_is_still_measured_exactly(book, tmp_path, monkeypatch):
    """The count stops early on a big sheet; a far cell found after that still goes to the exact
    measurement, which counts again and refuses with the true number of cells."""
    path = tmp_path / "late.xlsx"
    rows = [penalty(case=f"C{n}") for n in range(60)]
    sheet_with(book({"行政处罚": [PENALTY_HEADER, *rows]}), path,
                b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row>')
    monkeypatch.setattr(safety, "INFLATE_PIECE", 64)
    # Pretend 10 cells are enough for a narrow sheet: the count stops after the first pieces.
    monkeypatch.setattr(safety._SheetShape, "enough_cells",
                        lambda shape: 10 if not shape.widest else 10 ** 12)
    with pytest.raises(UnreadableWorkbook, match=f"for {_cells(path):,} cells"):
        safety.check_file(path)


def test_a_big_ordinary_sheet_whose_count_stopped_opens(book, tmp_path, monkeypatch):
    path = book({"行政处罚": [PENALTY_HEADER, *[penalty(case=f"C{n}") for n in range(30)]]})
    monkeypatch.setattr(safety, "INFLATE_PIECE", 64)
    monkeypatch.setattr(safety._SheetShape, "enough_cells", lambda shape: 10)
    counted = []
    original = safety._check_dense_range

    def check(archive, data, member, path_, sheet, shape):
        counted.append(shape.cells)
        return original(archive, data, member, path_, sheet, shape)

    monkeypatch.setattr(safety, "_check_dense_range", check)
    assert load_workbook(path).records["penalties"].height == 30
    assert 10 <= counted[0] < _cells(path)  # the count did stop, and the sheet opened all the same


# -- the sheet-XML facts, piece by piece (sheetxml.py skips pieces without <f or mergeCell) -------

def _facts_workbook(tmp_path):
    """Formulas without a value far apart (openpyxl writes <f> and no <v>), merges at the end."""
    from conftest import write_workbook

    rows = [PENALTY_HEADER]
    for number in range(1, 400):
        row = penalty(case=f"C{number}")
        if number in (3, 150, 151, 398):
            row[6] = f"=SUM(G{number}:G{number})"
        rows.append(row)
    return write_workbook(tmp_path / "facts.xlsx", {"行政处罚": rows}, merges={"行政处罚": ["E4:E7", "I300:I302"]})


@pytest.mark.parametrize("piece", [5, 9, 64, 1000, 70_000])
def test_facts_are_the_same_however_the_pieces_fall(tmp_path, monkeypatch, piece):
    from lawreport_cli import sheetxml

    data = _facts_workbook(tmp_path).read_bytes()
    facts = sheetxml.sheet_facts(data, "行政处罚")
    # Worked by hand from the rows written: the data rows are sheet rows 2..400, so case C3 is row 4.
    assert [(row, column) for row, column, _ in facts.formulas_without_value] == [(3, 6), (150, 6), (151, 6), (398, 6)]
    assert facts.formulas_without_value[0][2] == "SUM(G3:G3)"
    assert facts.merged == [(3, 4, 6, 4), (299, 8, 301, 8)]
    monkeypatch.setattr(sheetxml, "CHUNK", piece)
    again = sheetxml.sheet_facts(data, "行政处罚")
    assert again.formulas_without_value == facts.formulas_without_value
    assert again.merged == facts.merged


# -- the running row bound: rows in order open without an exact measurement ---------------

@pytest.mark.parametrize("bound", [0, 1, 9, 10, 99, 100, 120_000, 1_048_575, 1_048_576, 1_049_999])
def test_number_above_is_exactly_the_numbers_above(bound):
    import re

    pattern = re.compile(safety._number_above(bound))
    for number in {0, 1, 2, 9, 10, 11, 99, 100, 101, bound - 1, bound, bound + 1, bound + 10, bound * 10 + 7,
                   10 ** len(str(bound)), 10 ** len(str(bound)) - 1}:
        if number < 0:
            continue
        assert bool(pattern.fullmatch(str(number))) == (number > bound), (bound, number)
        assert bool(pattern.fullmatch("00" + str(number))) == (number > bound), (bound, number)  # leading zeros


def test_an_ordinary_sheet_needs_no_exact_measurement(book, monkeypatch):
    path = book({"行政处罚": [PENALTY_HEADER, *[penalty(case=f"C{n}") for n in range(50)]]})

    def exact(*args):
        raise AssertionError("rows in order: the scan's bound is enough")

    monkeypatch.setattr(safety, "_used_extent", exact)
    assert load_workbook(path).records["penalties"].height == 50


@pytest.mark.parametrize("far", [b'<row r="1048000"><c r="AZ1048000" t="n"><v>1</v></c></row>',
                                 b'<row r="2"><c r="AZ1048000" t="n"><v>1</v></c></row>'])
def test_rows_out_of_order_are_measured_exactly(book, tmp_path, monkeypatch, far):
    """A far row before the table (or a far cell in a near row): the highest row element so far
    says nothing, so the range is measured from the cells, and 1,048,000 x 52 is refused."""
    path = sheet_with(book({"行政处罚": [PENALTY_HEADER, penalty()]}), tmp_path / "disorder.xlsx", far,
                      before=b'<row r="1"')
    with pytest.raises(UnreadableWorkbook, match="has a cell at AZ1048000"):
        safety.check_file(path)


@pytest.mark.parametrize("reference", [b"xfd1048576", b"Xfd1048576", b"az1048576"])
def test_column_letters_in_lower_case_are_references_too(book, tmp_path, reference):
    """calamine reads r="xfd1048576" as XFD1048576: a 17-billion-cell range in a small row."""
    path = tmp_path / "lower.xlsx"
    sheet_with(book({"行政处罚": [PENALTY_HEADER, penalty()]}), path,
                b'<row r="3"><c r="%s" t="n"><v>1</v></c></row>' % reference)
    with pytest.raises(UnreadableWorkbook, match="sparse-range bomb"):
        safety.check_file(path)
