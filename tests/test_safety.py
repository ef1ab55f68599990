"""Files that are not good workbooks: one clear line, exit 2, quickly, never a traceback."""
from __future__ import annotations

import struct
import zipfile
import zlib

import pytest
from click.testing import CliRunner

from conftest import PENALTY_HEADER, penalty, sheet_with
from lawreport_cli import safety
from lawreport_cli.cli import cli
from lawreport_cli.records import load_workbook
from lawreport_cli.safety import UnreadableWorkbook


def refused(path) -> str:
    with pytest.raises(UnreadableWorkbook) as caught:
        load_workbook(path)
    return caught.value.reason


def test_text_renamed_xlsx(tmp_path):
    path = tmp_path / "2023.xlsx"
    path.write_text("日期,PM2.5\n2023-01-01,30\n", encoding="utf-8")
    assert "text file" in refused(path)


def test_empty_file(tmp_path):
    path = tmp_path / "2023.xlsx"
    path.write_bytes(b"")
    assert "empty" in refused(path)


def test_truncated_workbook(book, tmp_path):
    data = book({"行政处罚": [PENALTY_HEADER, penalty()]}).read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(data[: len(data) // 2])
    assert "damaged" in refused(path)


def test_corrupt_member(book, tmp_path):
    data = bytearray(book({"行政处罚": [PENALTY_HEADER, penalty()]}).read_bytes())
    for offset in range(200, 1200, 7):
        data[offset] ^= 0xFF
    path = tmp_path / "corrupt.xlsx"
    path.write_bytes(bytes(data))
    assert "damaged" in refused(path)


def test_encrypted_workbook(tmp_path):
    # An OOXML file with a password is a compound file with an EncryptionInfo stream.
    path = tmp_path / "secret.xlsx"
    path.write_bytes(safety.CFB_MAGIC + bytes(504) + "EncryptionInfo".encode("utf-16-le") + bytes(1000))
    assert "encrypted" in refused(path)


def test_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.txt", "hello")
    assert "not a workbook" in refused(path)


def test_word_document_is_not_a_spreadsheet(tmp_path):
    path = tmp_path / "report.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    assert "not a spreadsheet" in refused(path)


SHEET = "xl/worksheets/sheet1.xml"


def _with_doctype(source, target, doctype: bytes, reference: bytes):
    """The real sheet XML with a DTD after its declaration and an entity reference in a cell."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as rewritten:
        for info in original.infolist():
            content = original.read(info.filename)
            if info.filename == SHEET:
                declaration_end = content.index(b"?>") + 2 if content.startswith(b"<?xml") else 0
                content = content[:declaration_end] + doctype + content[declaration_end:]
                content = content.replace("甲公司".encode(), reference, 1)
            rewritten.writestr(info.filename, content)


LAUGHS = (b'<!DOCTYPE lolz [<!ENTITY lol0 "lol">'
          + b"".join(b'<!ENTITY lol%d "%s">' % (level, b"&lol%d;" % (level - 1) * 10) for level in range(1, 10))
          + b"]>")


def test_entity_expansion_is_refused(book, tmp_path):
    source = book({"行政处罚": [PENALTY_HEADER, penalty()]})
    path = tmp_path / "laughs.xlsx"
    _with_doctype(source, path, LAUGHS, b"&lol9;")
    assert "entity" in refused(path)


def test_external_entity_is_refused(book, tmp_path):
    source = book({"行政处罚": [PENALTY_HEADER, penalty()]})
    path = tmp_path / "xxe.xlsx"
    _with_doctype(source, path, b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', b"&xxe;")
    assert "entit" in refused(path)


def test_inflation_ratio_bomb(book, tmp_path):
    source = book({"行政处罚": [PENALTY_HEADER, penalty()]})
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in original.infolist():
            bomb.writestr(info.filename, original.read(info.filename))
        bomb.writestr("xl/media/padding.bin", bytes(64 * 1024 * 1024))
    assert "decompression bomb" in refused(path)


def test_bomb_that_lies_about_its_size(book, tmp_path):
    """Declared sizes say 1 KiB; the member inflates to 64 MiB. Caught after 1 KiB, by the CRC."""
    source = book({"行政处罚": [PENALTY_HEADER, penalty()]})
    path = tmp_path / "liar.xlsx"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in original.infolist():
            bomb.writestr(info.filename, original.read(info.filename))
        bomb.writestr("xl/worksheets/sheet9.xml", bytes(64 * 1024 * 1024))
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet9.xml"
    patched = 0
    # Patch the uncompressed size (local header offset 22, central header offset 24) of that member.
    for signature, size_offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        position = 0
        while True:
            position = data.find(signature, position)
            if position < 0:
                break
            name_offset = 30 if signature == b"PK\x03\x04" else 46
            name_length = struct.unpack_from("<H", data, position + (26 if signature == b"PK\x03\x04" else 28))[0]
            if data[position + name_offset: position + name_offset + name_length] == name:
                struct.pack_into("<I", data, position + size_offset, 1024)
                patched += 1
            position += 4
    path.write_bytes(bytes(data))
    assert patched == 2  # both headers of the member now lie, or the test proves nothing
    assert "damaged" in refused(path)


def test_oversized_file_is_refused_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "big.xlsx"
    path.write_bytes(b"PK\x03\x04" + bytes(2048))
    monkeypatch.setattr(safety, "MAX_FILE_BYTES", 1024)
    assert "limit" in refused(path)


@pytest.mark.parametrize("content", [b"not a workbook at all", b"PK\x03\x04garbage", bytes(range(256)) * 10])
def test_cli_says_one_line_and_exits_2(tmp_path, content):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    for command in (["validate", str(path)], ["summarize", str(path)], ["export", str(path), "--to", str(tmp_path)]):
        result = CliRunner().invoke(cli, command)
        assert result.exit_code == 2, (command, result.output)
        assert result.stdout == ""
        assert result.stderr.splitlines() == [result.stderr.strip()]  # exactly one line
        assert result.stderr.startswith(f"lawreport: {path}: "), result.output


def _sheet_with_cell(source, target, reference: bytes):
    """The real sheet plus one value cell at `reference`, in a row of its own."""
    row = reference.lstrip(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    sheet_with(source, target, b'<row r="%s"><c r="%s" t="n"><v>1</v></c></row>' % (row, reference), part=SHEET)


def test_sparse_range_bomb_is_refused(book, tmp_path):
    """One value at XFD1048576 would make calamine allocate 17 billion cells."""
    path = tmp_path / "sparse.xlsx"
    _sheet_with_cell(book({"行政处罚": [PENALTY_HEADER, penalty()]}), path, b"XFD1048576")
    assert "sparse-range bomb" in refused(path)


def test_a_wide_but_modest_sheet_is_read(book, tmp_path):
    path = tmp_path / "wide.xlsx"
    _sheet_with_cell(book({"行政处罚": [PENALTY_HEADER, penalty()]}), path, b"BZ40")
    assert load_workbook(path).records["penalties"].height == 1


@pytest.mark.parametrize("reference", [b"ZZZZZZ99", b"A99999999"])
def test_cell_beyond_excel_is_refused(book, tmp_path, reference):
    path = tmp_path / "beyond.xlsx"
    _sheet_with_cell(book({"行政处罚": [PENALTY_HEADER, penalty()]}), path, reference)
    assert "beyond Excel's last row or column" in refused(path)
