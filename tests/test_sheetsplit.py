"""A big sheet read in parts on every core (sheetsplit.py, sources.join_parts) reads exactly as
the whole read does: the same frame, cell for cell, the same columns, the same figures; and
whenever a part holds anything but its own rows, the sheet is read whole.

Tests cut small sheets by setting the floor to 0 and the cores to 2, 3 or 4, and compare
with the whole read of the same file (the floor out of reach), which is the reference.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
import zlib
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from conftest import PENALTY_HEADER, penalty, sheet_with, write_workbook
from lawreport_cli import sheetsplit
from lawreport_cli.records import load_workbook
from lawreport_cli.render.jsonout import summary_json
from lawreport_cli.safety import UnreadableWorkbook, check_file
from lawreport_cli.sheetsplit import SheetSplitter
from lawreport_cli.sources import join_parts, open_sources
from lawreport_cli.summarize import summarize


def read_sheets(path: Path) -> list[tuple]:
    return [(source.name, *source.load(), source.hidden) for source in open_sources(path)]


def split_and_whole(monkeypatch, path: Path, cores: int = 2) -> tuple[list, list]:
    monkeypatch.setattr(sheetsplit, "cores", lambda: cores)
    monkeypatch.setattr(sheetsplit, "SPLIT_FLOOR_BYTES", 1 << 40)
    whole = read_sheets(path)
    monkeypatch.setattr(sheetsplit, "SPLIT_FLOOR_BYTES", 0)
    split = read_sheets(path)
    return split, whole


def assert_same(split: list, whole: list) -> None:
    assert len(split) == len(whole)
    for (name, frame, offsets, hidden), (whole_name, whole_frame, whole_offsets, whole_hidden) in zip(split, whole):
        assert (name, offsets, hidden) == (whole_name, whole_offsets, whole_hidden)
        assert frame.shape == whole_frame.shape, name
        assert frame.equals(whole_frame), name


def ledger_rows(count: int) -> list[list]:
    """Penalties as clerks keep them: a title, the header, cases with blank rows among them,
    shared strings that repeat, dates, fines with cents, a 合计 row under them."""
    rows: list[list] = [["2023年行政处罚台账"], PENALTY_HEADER]
    for number in range(count):
        if number % 97 == 50:
            rows.append([])
        rows.append(penalty(f"P-{number}", name=f"企业{number % 13}", filed=dt.date(2023, 1 + number % 12, 5),
                            decided=dt.date(2023, 1 + number % 12, 20), fine=1000 + number * 0.01))
    rows.append(["合计", None, None, None, None, None, f"=SUM(G3:G{count + 2})"])
    return rows


def test_an_openpyxl_ledger_read_in_parts_is_the_whole_read(tmp_path, monkeypatch):
    path = write_workbook(tmp_path / "2023.xlsx", {"行政处罚": ledger_rows(3000), "Sheet2": []},
                          merges={"行政处罚": ["A1:K1"]})
    split, whole = split_and_whole(monkeypatch, path)
    assert_same(split, whole)
    assert whole[0][1].height == 3000 + 3000 // 97 + 4  # title, header, blank rows, cases, 合计
    container = check_file(path)
    (cut,) = container.split_sheets.values()
    assert [part.first_row for part in cut.parts][0] == 1 and cut.parts[1].first_row > 1500


@pytest.mark.parametrize("cores", [2, 3, 4])
def test_an_xlsxwriter_workbook_with_every_cell_kind_read_in_parts_is_the_whole_read(tmp_path, monkeypatch, cores):
    """Shared strings, dates, numbers, booleans, errors, formulas with cached values,
    a first column that moves (rows that start at B), a hidden sheet, a comment, a table."""
    path = tmp_path / "2023.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet = workbook.add_worksheet("行政处罚")
    sheet.write_row(0, 1, PENALTY_HEADER)
    for row in range(1, 2500):
        first = 1 if row % 5 else 0  # every fifth row also has a value in column A
        if not first:
            sheet.write(row, 0, "备注")
        sheet.write(row, 1, f"P-{row}")
        sheet.write(row, 2, f"企业{row % 7}")
        sheet.write_datetime(row, 4, dt.datetime(2023, 1 + row % 12, 1 + row % 28), date)
        sheet.write_number(row, 7, row * 10.25)
        sheet.write_boolean(row, 8, row % 2 == 0)
        if row % 300 == 0:
            sheet.write_formula(row, 9, "=1/0", None, "#DIV/0!")
        else:
            sheet.write_formula(row, 9, f"=H{row + 1}*2", None, row * 20.5)
    sheet.write_comment("C2", "已核实")
    other = workbook.add_worksheet("执法检查")
    other.write_row(0, 0, ["检查日期", "企业名称"])
    other.hide()
    workbook.close()
    split, whole = split_and_whole(monkeypatch, path, cores)
    assert_same(split, whole)
    frame = whole[0][1]
    assert whole[0][2][0] == 0 and frame.height == 2500
    assert frame.get_column(frame.columns[9]).to_list()[300] == "#DIV/0!"  # an error cell keeps its text
    assert whole[1][3] is True  # the hidden sheet stays hidden
    assert len(check_file(path).split_sheets["xl/worksheets/sheet1.xml"].parts) == cores


def test_the_figures_of_a_workbook_read_in_parts_are_the_whole_reads(tmp_path, monkeypatch):
    path = write_workbook(tmp_path / "2023.xlsx", {"行政处罚": ledger_rows(2000)})
    monkeypatch.setattr(sheetsplit, "cores", lambda: 2)
    monkeypatch.setattr(sheetsplit, "SPLIT_FLOOR_BYTES", 1 << 40)
    whole = load_workbook(path)
    expected = summary_json(summarize(whole))
    monkeypatch.setattr(sheetsplit, "SPLIT_FLOOR_BYTES", 0)
    split = load_workbook(path)
    assert summary_json(summarize(split)) == expected
    assert [finding.location for finding in split.findings] == [finding.location for finding in whole.findings]
    # 1000 + 0.01 n for n < 2000: 2,000,000 元 + 0.01 x 1,999,000 = 2,019,990 元
    assert Decimal(json.loads(expected)["metrics"]["penalties.fines"]["value"]) == Decimal("201.999")


def test_libreoffice_resave_read_in_parts_is_the_whole_read(monkeypatch):
    path = Path(__file__).resolve().parent / "files" / "libreoffice-2023.xlsx"
    split, whole = split_and_whole(monkeypatch, path)
    assert_same(split, whole)


def sheet_xml(rows: list[bytes], tail: bytes = b"") -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            + b"".join(rows) + b"</sheetData>" + tail + b"</worksheet>")


def row(number: int, text: bytes = b"1") -> bytes:
    return b'<row r="%d"><c r="A%d"><v>%s</v></c></row>' % (number, number, text)


def cut(xml: bytes, parts: int, piece: int = 64) -> list[bytes] | None:
    """The split's parts, inflated again, or None."""
    splitter = SheetSplitter("xl/worksheets/sheet1.xml", len(xml), parts)
    for start in range(0, len(xml), piece):
        splitter.feed(xml[start:start + piece])
    split = splitter.finish()
    if split is None:
        return None
    texts = []
    for part in split.parts:
        text = zlib.decompress(b"".join(part.deflated), -zlib.MAX_WBITS)
        assert (len(text), zlib.crc32(text)) == (part.size, part.crc)
        texts.append(text)
    return texts


def test_a_sheet_is_cut_before_row_elements_each_part_a_whole_sheet():
    xml = sheet_xml([row(number) for number in range(1, 41)], tail=b'<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>')
    head = xml[:xml.index(b"<sheetData>") + len(b"<sheetData>")]
    texts = cut(xml, 3)
    assert texts is not None and len(texts) == 3
    assert texts[0].startswith(head) and texts[0].endswith(b"</sheetData></worksheet>")
    assert texts[1].startswith(head + b'<row r="') and texts[1].endswith(b"</sheetData></worksheet>")
    assert texts[2].startswith(head + b'<row r="') and texts[2].endswith(b"</mergeCells></worksheet>")
    rows_again = b"".join(text[len(head):text.index(b"</sheetData>")] for text in texts)
    assert rows_again == b"".join(row(number) for number in range(1, 41))  # every row once, in order


def test_a_cut_never_falls_in_the_tail_after_the_rows():
    # The rows end early; the tail (an extension's XML, say) holds the text of a row element.
    tail = b"<extLst>" + b"<x/>" * 400 + b'<row r="999"></row>' + b"</extLst>"
    xml = sheet_xml([row(number) for number in range(1, 4)], tail=tail)
    assert cut(xml, 2) is None


@pytest.mark.parametrize("xml", [
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>',
    b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
    + b"".join(b'<x:row r="%d"/>' % number for number in range(1, 200)) + b"</x:sheetData></x:worksheet>",
], ids=["no-rows", "prefixed"])
def test_a_sheet_that_cannot_be_cut_is_read_whole(xml):
    assert cut(xml, 2, piece=len(xml)) is None


def frame_of(rows: int, columns: dict[int, list]) -> tuple:
    """What a part's read gives: (frame from sheet row 1, sheet columns, errors, hidden)."""
    offsets = sorted(columns)
    frame = pl.DataFrame({f"__UNNAMED__{i}": columns[offset] + [None] * (rows - len(columns[offset]))
                          for i, offset in enumerate(offsets)}, schema={f"__UNNAMED__{i}": pl.Utf8
                                                                        for i in range(len(offsets))})
    return frame, offsets, [], False


def test_parts_join_at_their_rows_over_every_column_any_part_uses():
    first = frame_of(3, {1: ["t", "a", None]})  # rows 1-3, column B
    second = frame_of(6, {2: [None, None, None, "x", None, "y"]})  # rows 4-6, column C
    frame, offsets, errors, hidden = join_parts([1, 4], [first, second])
    assert offsets == [1, 2]
    assert frame.rows() == [("t", None), ("a", None), (None, None), (None, "x"), (None, None), (None, "y")]


def test_a_last_part_without_cells_ends_the_frame_at_the_last_cell():
    first = frame_of(2, {0: ["a", "b"]})
    frame, _, _, _ = join_parts([1, 5], [first, (pl.DataFrame(), [], [], False)])
    assert frame.rows() == [("a",), ("b",)]


@pytest.mark.parametrize("parts", [
    # a cell of the first part below the second part's first row (rows out of order)
    [frame_of(5, {0: ["a", None, None, None, "late"]}), frame_of(6, {0: [None] * 3 + ["d", "e", "f"]})],
    # a cell of the second part above its first row
    [frame_of(3, {0: ["a", "b", "c"]}), frame_of(6, {0: ["early", None, None, "d", "e", "f"]})],
], ids=["below", "above"])
def test_a_part_with_a_cell_outside_its_rows_is_not_joined(parts):
    assert join_parts([1, 4], parts) is None


def test_rows_out_of_order_read_whole_with_the_whole_reads_cells(tmp_path, monkeypatch):
    rows = [row(number, b"%d" % number) for number in range(1, 400)]
    rows[100], rows[300] = rows[300], rows[100]  # row 301 sits where row 101 should be, and back
    source = write_workbook(tmp_path / "plain.xlsx", {"行政处罚": [["x"]]})
    path = tmp_path / "2023.xlsx"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as rewritten:
        for info in original.infolist():
            content = original.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = sheet_xml(rows)
            rewritten.writestr(info.filename, content)
    split, whole = split_and_whole(monkeypatch, path)
    assert_same(split, whole)
    assert whole[0][1].get_column("__UNNAMED__0").to_list()[300] == "301"


def test_a_cut_inside_a_comment_reads_the_sheet_whole(tmp_path, monkeypatch):
    source = write_workbook(tmp_path / "plain.xlsx", {"行政处罚": ledger_rows(200)})
    # A comment holding most of the sheet's bytes, and a row element's text at its end: the
    # halfway cut lands inside the comment.
    comment = b"<!-- " + b"x" * 200_000 + b' <row r="150"> -->'
    path = sheet_with(source, tmp_path / "2023.xlsx", comment, before=b'<row r="100"')
    monkeypatch.setattr(sheetsplit, "SPLIT_FLOOR_BYTES", 0)
    monkeypatch.setattr(sheetsplit, "cores", lambda: 2)
    split_sheet = check_file(path).split_sheets.get("xl/worksheets/sheet1.xml")
    assert split_sheet is not None and split_sheet.parts[1].first_row == 150  # the cut is in the comment
    split, whole = split_and_whole(monkeypatch, path)
    assert_same(split, whole)


def test_a_sparse_bomb_is_refused_as_before_when_sheets_are_cut(tmp_path, monkeypatch):
    source = write_workbook(tmp_path / "plain.xlsx", {"行政处罚": ledger_rows(50)})
    path = sheet_with(source, tmp_path / "2023.xlsx", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    monkeypatch.setattr(sheetsplit, "SPLIT_FLOOR_BYTES", 0)
    monkeypatch.setattr(sheetsplit, "cores", lambda: 2)
    with pytest.raises(UnreadableWorkbook, match="XFD1048576|beyond Excel"):
        open_sources(path)


def test_a_parts_workbook_holds_what_calamine_reads_and_no_more(tmp_path, monkeypatch):
    from test_open import xlsxwriter_rich

    path = xlsxwriter_rich(tmp_path / "2023.xlsx")
    monkeypatch.setattr(sheetsplit, "SPLIT_FLOOR_BYTES", 0)
    monkeypatch.setattr(sheetsplit, "cores", lambda: 2)
    container = check_file(path)
    split = container.split_sheets["xl/worksheets/sheet1.xml"]
    archive = zipfile.ZipFile(io.BytesIO(container.data))
    book = zipfile.ZipFile(io.BytesIO(sheetsplit.workbook_of(archive, container.data, split, 1)))
    assert book.testzip() is None  # every member's CRC-32 holds
    names = set(book.namelist())
    assert {"xl/workbook.xml", "xl/styles.xml", "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"} <= names
    assert not any(name.startswith(("xl/media/", "xl/drawings/", "xl/charts/", "xl/tables/", "xl/worksheets/_rels/"))
                   for name in names)
    assert b"<sheetData/>" in book.read("xl/worksheets/sheet2.xml")  # the other sheets are stubs
    split_whole = read_sheets(path)
    monkeypatch.setattr(sheetsplit, "SPLIT_FLOOR_BYTES", 1 << 40)
    assert_same(split_whole, read_sheets(path))


def test_parts_are_read_only_when_all_their_ranges_pass_the_guard_together():
    from lawreport_cli.safety import NARROW_COLUMNS, SPARSE_RATIO, _parts_fit, _SheetShape

    shape = _SheetShape(2)
    shape.last_row, shape.cells = 100_000, 400_000  # 100,000 rows x AZ = 5.2 million cells of range
    assert shape.last_row * NARROW_COLUMNS <= SPARSE_RATIO * shape.cells  # read whole: within the guard
    assert _parts_fit(shape, 1)
    assert not _parts_fit(shape, 2)  # two readers, each up to the whole range: twice what is allowed
    shape.out_of_order = True
    assert not _parts_fit(shape, 1)


def test_a_sheet_read_in_parts_reads_the_same_when_loaded_again(tmp_path, monkeypatch):
    path = write_workbook(tmp_path / "2023.xlsx", {"行政处罚": ledger_rows(500)})
    monkeypatch.setattr(sheetsplit, "SPLIT_FLOOR_BYTES", 0)
    monkeypatch.setattr(sheetsplit, "cores", lambda: 2)
    (source,) = open_sources(path)
    assert source.split is not None
    first, offsets = source.load()
    again, offsets_again = source.load()  # the parts are gone: the sheet is read whole
    assert source.split is None and again.equals(first) and offsets_again == offsets


@pytest.mark.parametrize("text, floor", [("0", 0), ("1000", 1000), ("", 48 << 20), ("lots", 48 << 20), ("-5", 48 << 20)])
def test_the_floor_from_the_environment_is_a_byte_count_or_the_default(monkeypatch, text, floor):
    monkeypatch.setenv("LAWREPORT_SPLIT_FLOOR_BYTES", text)
    assert sheetsplit._floor_from_environment() == floor
