"""Opening files: every part a spreadsheet program adds is ordinary, the guard still refuses
what is hostile, the bytes checked are the bytes read, a file's kind is its content, CSV is one
sheet, and several files are one year's workbook.

Workbooks are built the way the programs build them (openpyxl, xlsxwriter, LibreOffice); each
test reads the figures exactly: the penalties below sum to 7,034,617 fen (12,345.67 + 50,000 +
8,000.50 元 = 7.034617 万元), and the two inspections are one 双随机 and one 信访投诉.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from click.testing import CliRunner

from conftest import INSPECTION_HEADER, PENALTY_HEADER, inspection, penalty, write_workbook
from lawreport_cli import safety
from lawreport_cli.cli import cli
from lawreport_cli.records import load_workbook
from lawreport_cli.safety import UnreadableWorkbook
from lawreport_cli.sources import open_sources
from lawreport_cli.summarize import summarize

FILES = Path(__file__).resolve().parent / "files"
LAWREPORT = Path(sys.executable).with_name("lawreport")

FINES = [12345.67, 50000, 8000.5]
FINES_FEN = 7_034_617
FINES_WAN = "7.034617"
PENALTY_ROWS = [penalty("P-1", fine=FINES[0]), penalty("P-2", name="乙公司", fine=FINES[1]),
                penalty("P-3", name="丙公司", fine=FINES[2])]
INSPECTION_ROWS = [inspection(), inspection(name="乙公司", method="信访投诉")]


def figures(path_or_paths) -> dict:
    workbook = load_workbook(path_or_paths)
    assert not workbook.errors, workbook.errors
    metrics = summarize(workbook).to_dict()["metrics"]
    return {"fen": sum(workbook.records["penalties"]["fine"].to_list()),
            "fines": metrics["penalties.fines"]["value"], "decisions": metrics["penalties.decisions"]["value"],
            "visits": metrics.get("inspections.visits", {}).get("value"),
            "complaints": metrics.get("inspections.complaint", {}).get("value")}


EXPECTED = {"fen": FINES_FEN, "fines": FINES_WAN, "decisions": 3, "visits": 2, "complaints": 1}


def refused(path) -> str:
    with pytest.raises(UnreadableWorkbook) as caught:
        load_workbook(path)
    return caught.value.reason


def tiny_png() -> io.BytesIO:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(buffer, format="PNG")
    buffer.seek(0)
    return buffer


# -- every part a program adds is ordinary ---------------------------------------------------

PRINTER_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/printerSettings"


def add_printer_settings(path: Path) -> Path:
    """As Excel for Windows saves a sheet with a printer chosen: a binary DEVMODE part, a
    relationship from the sheet, a content type, and r:id on the sheet's pageSetup."""
    with zipfile.ZipFile(path) as original:
        parts = {info.filename: original.read(info) for info in original.infolist()}
    rels = "xl/worksheets/_rels/sheet1.xml.rels"
    relationship = (f'<Relationship Id="rIdPrinter1" Type="{PRINTER_RELATIONSHIP}" '
                    'Target="../printerSettings/printerSettings1.bin"/>').encode()
    if rels in parts:
        parts[rels] = parts[rels].replace(b"</Relationships>", relationship + b"</Relationships>")
    else:
        parts[rels] = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns='
                       b'"http://schemas.openxmlformats.org/package/2006/relationships">' + relationship
                       + b"</Relationships>")
    sheet = parts["xl/worksheets/sheet1.xml"]
    setup = (b'<pageSetup xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
             b'r:id="rIdPrinter1" ')
    assert b"<pageSetup " in sheet
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(b"<pageSetup ", setup, 1)
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.openxmlformats-officedocument.'
                     b'spreadsheetml.printerSettings"/></Types>')
    # A DEVMODE starts with the printer's name in UTF-16; its bytes are no XML at all.
    parts["xl/printerSettings/printerSettings1.bin"] = "HP LaserJet".encode("utf-16-le").ljust(220, b"\x00") + bytes(
        range(256)) * 4
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as rewritten:
        for name, content in parts.items():
            rewritten.writestr(name, content)
    return path


def openpyxl_rich(path: Path) -> Path:
    """Penalties with a comment, a table (ListObject), a hyperlink, data validation, frozen panes,
    a bar chart and a picture; inspections beside them; empty Sheet2 and Sheet3."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.comments import Comment
    from openpyxl.drawing.image import Image
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.table import Table, TableStyleInfo

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "行政处罚"
    for row in [PENALTY_HEADER, *PENALTY_ROWS]:
        sheet.append(row)
    sheet["B2"].comment = Comment("已核实营业执照", "执法科")
    sheet["A3"].hyperlink = "https://example.gov.cn/case/P-2"
    table = Table(displayName="处罚台账", ref="A1:K4")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium9", showRowStripes=True)
    sheet.add_table(table)
    validation = DataValidation(type="list", formula1='"处罚,减罚,免罚,不予处罚,办理中"', allow_blank=True)
    sheet.add_data_validation(validation)
    validation.add("F2:F200")
    sheet.freeze_panes = "A2"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    chart = BarChart()
    chart.add_data(Reference(sheet, min_col=7, min_row=1, max_row=4), titles_from_data=True)
    sheet.add_chart(chart, "M2")
    sheet.add_image(Image(tiny_png()), "M20")
    inspections = workbook.create_sheet("执法检查")
    for row in [INSPECTION_HEADER, *INSPECTION_ROWS]:
        inspections.append(row)
    inspections.auto_filter.ref = "A1:G3"
    workbook.create_sheet("Sheet2")
    workbook.create_sheet("Sheet3")
    workbook.save(path)
    return add_printer_settings(path)


def test_openpyxl_workbook_with_every_ordinary_part_reads_exactly(tmp_path):
    path = openpyxl_rich(tmp_path / "2023.xlsx")
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
    for part in ("xl/worksheets/_rels/sheet1.xml.rels", "xl/comments/comment1.xml", "xl/tables/table1.xml",
                 "xl/printerSettings/printerSettings1.bin", "xl/media/image1.png", "xl/charts/chart1.xml",
                 "xl/drawings/drawing1.xml", "xl/worksheets/sheet4.xml"):
        assert part in names, sorted(names)
    assert any(name.endswith(".vml") for name in names)
    assert figures(path) == EXPECTED
    assert not load_workbook(path).findings  # Sheet2/Sheet3 are empty: not even an unknown-sheet warning


def xlsxwriter_rich(path: Path) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet = workbook.add_worksheet("行政处罚")
    rows = [PENALTY_HEADER, *PENALTY_ROWS]
    sheet.add_table(0, 0, len(rows) - 1, len(PENALTY_HEADER) - 1,
                    {"columns": [{"header": name} for name in PENALTY_HEADER], "style": "Table Style Light 9"})
    for row_index, row in enumerate(rows[1:], start=1):
        for column_index, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write_datetime(row_index, column_index, dt.datetime.combine(value, dt.time()), date)
            elif value is not None:
                sheet.write(row_index, column_index, value)
    sheet.write_comment("B2", "已核实营业执照")
    sheet.write_url("L3", "https://example.gov.cn/case/P-2", string="案卷")
    sheet.data_validation("F2:F200", {"validate": "list", "source": ["处罚", "减罚", "免罚", "不予处罚", "办理中"]})
    sheet.freeze_panes(1, 0)
    chart = workbook.add_chart({"type": "column"})
    chart.add_series({"values": ["行政处罚", 1, 6, 3, 6], "name": "罚款金额"})
    sheet.insert_chart("N2", chart)
    sheet.insert_image("N20", "seal.png", {"image_data": tiny_png()})
    inspections = workbook.add_worksheet("执法检查")
    for row_index, row in enumerate([INSPECTION_HEADER, *INSPECTION_ROWS]):
        for column_index, value in enumerate(row):
            if isinstance(value, dt.date):
                inspections.write_datetime(row_index, column_index, dt.datetime.combine(value, dt.time()), date)
            else:
                inspections.write(row_index, column_index, value)
    inspections.autofilter(0, 0, 2, len(INSPECTION_HEADER) - 1)
    workbook.add_worksheet("Sheet2")
    workbook.close()
    return path


def test_xlsxwriter_workbook_with_comments_tables_charts_images_reads_exactly(tmp_path):
    path = xlsxwriter_rich(tmp_path / "2023.xlsx")
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
    assert {"xl/comments1.xml", "xl/tables/table1.xml", "xl/media/image1.png", "xl/charts/chart1.xml",
            "xl/worksheets/_rels/sheet1.xml.rels"} <= names
    assert figures(path) == EXPECTED


def test_libreoffice_resave_reads_exactly():
    """tests/files/libreoffice-2023.xlsx: the openpyxl workbook above, re-saved by LibreOffice (see README there)."""
    assert figures(FILES / "libreoffice-2023.xlsx") == EXPECTED


def test_empty_sheets_of_a_new_workbook_are_empty(tmp_path):
    # A new workbook's Sheet2/Sheet3 are written as <sheetData/>; the known but empty 执法检查 is an empty section.
    path = write_workbook(tmp_path / "2023.xlsx", {"行政处罚": [PENALTY_HEADER, *PENALTY_ROWS], "执法检查": [],
                                                    "Sheet2": [], "Sheet3": []})
    with zipfile.ZipFile(path) as archive:
        assert b"<c " not in archive.read("xl/worksheets/sheet4.xml")  # no cell, no row: once "1,048,576 rows"
    workbook = load_workbook(path)
    assert workbook.findings == []
    metrics = summarize(workbook).to_dict()["metrics"]
    assert metrics["penalties.fines"]["value"] == FINES_WAN
    assert metrics["inspections.visits"]["value"] == 0


# -- the guard still refuses what is hostile, and names the sheet and the cell ---------------

def test_a_stray_value_far_below_opens_and_is_a_finding_at_its_cell(tmp_path):
    path = tmp_path / "2023.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "行政处罚"
    for row in [PENALTY_HEADER, *PENALTY_ROWS]:
        sheet.append(row)
    sheet["Z120000"] = "核对"
    workbook.save(path)
    assert path.stat().st_size < 10_000
    started = time.monotonic()
    (source,) = open_sources(path)
    frame, offsets = source.load()
    assert frame.height == 120_000
    assert frame.get_column(frame.columns[offsets.index(25)])[119_999] == "核对"
    workbook = load_workbook(path)
    assert [(finding.location, finding.code, finding.value) for finding in workbook.findings] == [
        ("行政处罚!Z120000", "stray-value", "核对")]
    assert sum(workbook.records["penalties"]["fine"].to_list()) == FINES_FEN
    assert time.monotonic() - started < 8


def test_sparse_bomb_is_refused_naming_the_sheet_and_the_cell(tmp_path):
    path = tmp_path / "2023.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.title = "汇总"
    sheet = workbook.create_sheet("Sheet1")
    sheet.append(PENALTY_HEADER)
    sheet["XFD1048576"] = 1
    workbook.save(path)
    reason = refused(path)
    assert reason.startswith("sheet Sheet1 has a cell at XFD1048576, ")
    assert "1,048,576 rows x 16,384 columns" in reason and "sparse-range bomb" in reason
    assert "xl/worksheets" not in reason


def test_sparse_guard_measures_a_sheet_without_references(tmp_path):
    """Cells without r= sit after the one before them: measured by walking the rows."""
    base = write_workbook(tmp_path / "base.xlsx", {"行政处罚": [PENALTY_HEADER, *PENALTY_ROWS]})
    row = b"<row>" + b"<c><v>1</v></c>" * 16_384 + b"</row>"
    sheet_xml = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                 b'spreadsheetml/2006/main"><sheetData>' + row + b'<row r="1048000"><c r="A1048000"><v>1</v></c>'
                 b"</row></sheetData></worksheet>")
    path = tmp_path / "walk.xlsx"
    with zipfile.ZipFile(base) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as rewritten:
        for info in original.infolist():
            content = sheet_xml if info.filename == "xl/worksheets/sheet1.xml" else original.read(info)
            rewritten.writestr(info.filename, content)
    reason = refused(path)
    assert reason.startswith("sheet 行政处罚 has a cell at A1048000 and XFD1, "), reason


def test_only_worksheets_are_scanned_as_sheets(tmp_path):
    """A part under xl/worksheets/_rels/ or any other part never counts as a sheet: a relationship
    part that the old guard read as 1,048,576 rows x 52 columns."""
    path = openpyxl_rich(tmp_path / "2023.xlsx")
    container = safety.check_file(path)
    assert sorted(container.sheet_names.values()) == ["Sheet2", "Sheet3", "执法检查", "行政处罚"]
    assert all(part.startswith("xl/worksheets/sheet") and part.endswith(".xml") for part in container.sheet_names)


# -- check what you read ---------------------------------------------------------------------

def test_the_bytes_checked_are_the_bytes_read(tmp_path):
    """Swap the file after the check: what is read is still the file that was checked."""
    path = write_workbook(tmp_path / "2023.xlsx", {"行政处罚": [PENALTY_HEADER, *PENALTY_ROWS]})
    checked = path.read_bytes()
    sources = open_sources(path)
    assert sources[0].data == checked  # the reader (and any XML-level reader) gets the checked bytes
    other = write_workbook(tmp_path / "other.xlsx", {"行政处罚": [PENALTY_HEADER, penalty("X-1", fine=1)]})
    os.replace(other, path)
    frame, _ = sources[0].load()
    assert frame.get_column(frame.columns[0]).to_list() == ["案件编号", "P-1", "P-2", "P-3"]
    path.write_bytes(b"PK\x03\x04" + bytes(100))  # and overwritten in place with garbage
    frame, _ = sources[0].load()
    assert frame.height == 4


def test_a_file_swapped_between_the_check_and_the_read_is_not_read(tmp_path, monkeypatch):
    """The race itself: the file is replaced by a sparse bomb right after its bytes were read for
    the check. The bomb never reaches the reader; the checked file is what is read."""
    path = write_workbook(tmp_path / "2023.xlsx", {"行政处罚": [PENALTY_HEADER, *PENALTY_ROWS]})
    workbook = openpyxl.Workbook()
    workbook.active.title = "行政处罚"
    workbook.active["XFD1048576"] = 1
    bomb = tmp_path / "bomb.xlsx"
    workbook.save(bomb)
    real_check = safety.check_bytes

    def swap_then_check(where, data):
        os.replace(bomb, path)
        return real_check(where, data)

    monkeypatch.setattr(safety, "check_bytes", swap_then_check)
    assert figures(path) == {**EXPECTED, "visits": None, "complaints": None}
    monkeypatch.undo()
    assert "sparse-range bomb" in refused(path)  # the file now on disk is refused on its own


def test_a_file_rewritten_while_it_is_read_never_crashes(tmp_path):
    """Another program rewrites and truncates the file over and over: every read is the old file,
    the new one, or one clear refusal; never a traceback."""
    path = tmp_path / "2023.xlsx"
    write_workbook(path, {"行政处罚": [PENALTY_HEADER, *PENALTY_ROWS]})
    content = path.read_bytes()
    stop = threading.Event()

    def rewrite():
        cut = 1
        while not stop.is_set():
            with open(path, "r+b") as handle:
                handle.truncate(cut % len(content))
                handle.seek(0)
                handle.write(content[:cut % len(content)])
            with open(path, "wb") as handle:
                handle.write(content)
            cut += 97

    writer = threading.Thread(target=rewrite)
    writer.start()
    outcomes = set()
    try:
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline:
            try:
                outcomes.add(figures(path)["fen"])
            except UnreadableWorkbook as error:
                assert "\n" not in str(error)
                outcomes.add("refused")
    finally:
        stop.set()
        writer.join()
    assert outcomes <= {FINES_FEN, "refused"} and outcomes


def test_a_truncated_read_is_one_line(tmp_path):
    path = write_workbook(tmp_path / "2023.xlsx", {"行政处罚": [PENALTY_HEADER, *PENALTY_ROWS]})
    data = path.read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(data[: len(data) - 300])
    result = CliRunner().invoke(cli, ["validate", str(cut)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f"lawreport: {cut}: is a damaged or truncated zip, not a readable workbook"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_refused_at_once(tmp_path):
    """Refused from its stat: opening a FIFO for reading would wait for a writer forever."""
    fifo = tmp_path / "2023.xlsx"
    os.mkfifo(fifo)
    outcome = []

    def validate():
        outcome.append(CliRunner().invoke(cli, ["validate", str(fifo)]))

    worker = threading.Thread(target=validate, daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert outcome, "validate blocks on a FIFO"
    assert outcome[0].exit_code == 2
    assert outcome[0].output.strip().splitlines() == [f"lawreport: {fifo}: is a FIFO (named pipe), not a workbook file"]


def test_a_gbk_file_name_is_read_and_printed(tmp_path):
    raw = os.fsencode(tmp_path) + b"/" + "行政处罚2023".encode("gbk") + b".xlsx"
    name = os.fsdecode(raw)  # surrogate escapes, as Python gives a GBK name on a UTF-8 system
    assert "\udcd0" in name
    write_workbook(tmp_path / "src.xlsx", {"行政处罚": [PENALTY_HEADER, *PENALTY_ROWS]}).rename(name)
    assert figures(name) == {**EXPECTED, "visits": None, "complaints": None}
    broken = os.fsdecode(os.fsencode(tmp_path) + b"/" + "坏".encode("gbk") + b".xlsx")
    Path(broken).write_bytes(b"PK\x03\x04" + bytes(50))
    # The real executable: its stderr is a real UTF-8 stream, where a surrogate would not encode.
    done = subprocess.run([str(LAWREPORT), "validate", os.fsencode(name), os.fsencode(broken)],
                          capture_output=True, timeout=30, env={**os.environ, "LC_ALL": "C.UTF-8"})
    assert done.returncode == 2
    line = done.stderr.decode("utf-8")
    assert "Traceback" not in line and len(line.strip().splitlines()) == 1
    assert line.startswith("lawreport: ") and "\ufffd" in line and "damaged" in line
    result = CliRunner().invoke(cli, ["validate", "--format", "json", name])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"ok": True, "findings": []}


# -- a file's kind is its content ------------------------------------------------------------

def test_legacy_xls_is_read_by_content_whatever_its_name(tmp_path):
    """tests/files/libreoffice-2023.xls: a real BIFF8 .xls written by LibreOffice (see README there)."""
    data = (FILES / "libreoffice-2023.xls").read_bytes()
    assert data.startswith(safety.CFB_MAGIC)
    for name in ("2023.xls", "2023.xlsx", "2023.et"):
        path = tmp_path / name
        path.write_bytes(data)
        assert open_sources(path)[0].kind == "xls"
        assert figures(path) == EXPECTED


def test_an_xlsx_named_xls_is_read_as_xlsx(tmp_path):
    path = tmp_path / "2023.xls"
    path.write_bytes(write_workbook(tmp_path / "a.xlsx", {"行政处罚": [PENALTY_HEADER, *PENALTY_ROWS]}).read_bytes())
    assert open_sources(path)[0].kind == "ooxml"
    assert figures(path)["fen"] == FINES_FEN


HTML_TABLE = ('<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel">'
              "<head><meta charset=utf-8></head><body><table><tr><td>案件编号</td></tr></table></body></html>")
SPREADSHEET_ML = ('<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
                  '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
                  'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="行政处罚"><Table>'
                  "<Row><Cell><Data ss:Type=\"String\">案件编号</Data></Cell></Row></Table></Worksheet></Workbook>")


@pytest.mark.parametrize("name", ["2023.xls", "2023.xlsx"])
def test_an_html_page_saved_as_a_spreadsheet_is_refused_with_what_to_do(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"\xef\xbb\xbf" + HTML_TABLE.encode("utf-8"))
    assert refused(path) == ("is an HTML page saved with a spreadsheet name, not a workbook: "
                             "open it in Excel or WPS and save it as Excel 工作簿 (.xlsx)")


@pytest.mark.parametrize("name", ["2023.xls", "2023.xml.xlsx"])
def test_spreadsheetml_2003_is_refused_with_what_to_do(tmp_path, name):
    path = tmp_path / name
    path.write_text(SPREADSHEET_ML, encoding="utf-8")
    reason = refused(path)
    assert reason.startswith("is an XML Spreadsheet 2003 file (SpreadsheetML)")
    assert reason.endswith("open it in Excel or WPS and save it as Excel 工作簿 (.xlsx)")


# -- CSV ---------------------------------------------------------------------------------------

def csv_text(separator: str = ",") -> str:
    lines = ["2023年行政处罚案件台账", separator.join(PENALTY_HEADER)]
    for row in PENALTY_ROWS:
        lines.append(separator.join("" if value is None else value.isoformat() if isinstance(value, dt.date)
                                    else str(value) for value in row))
    return "\r\n".join(lines) + "\r\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_csv_in_every_encoding_reads_the_same_figures(tmp_path, encoding):
    path = tmp_path / "行政处罚.csv"
    path.write_bytes(csv_text().encode(encoding))
    (source,) = open_sources(path)
    assert (source.kind, source.name, source.index) == ("csv", "行政处罚", 0)
    assert figures(path) == {**EXPECTED, "visits": None, "complaints": None}


def test_a_csv_is_one_sheet_named_by_its_file_stem(tmp_path):
    path = tmp_path / "行政处罚2023.csv"
    path.write_bytes(csv_text().encode("gbk"))
    (source,) = open_sources(path)
    assert (source.file, source.kind, source.name) == (str(path), "csv", "行政处罚2023")
    frame, offsets = source.load()
    assert frame.row(0)[0] == "2023年行政处罚案件台账" and frame.row(1)[6] == "罚款金额（元）"
    assert frame.row(2)[6] == "12345.67" and len(offsets) == 11


def test_csv_keeps_its_cells_where_the_file_has_them(tmp_path):
    # A quoted field with a line break and a comma is one cell; a bad value is named at its real cell.
    rows = csv_text().splitlines()
    rows[2] = rows[2].replace("甲公司", '"甲公司\n（枣庄）, 分厂"')
    rows[4] = rows[4].replace("8000.5", "八千")
    path = tmp_path / "行政处罚.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    (source,) = open_sources(path)
    frame, offsets = source.load()
    assert offsets == list(range(11)) and frame.height == 5
    assert frame.row(2)[1] == "甲公司\n（枣庄）, 分厂"
    findings = [(finding.location, finding.code) for finding in load_workbook(path).findings]
    assert findings == [("行政处罚!G5", "bad-money")]


@pytest.mark.parametrize("separator", ["\t", ";"])
def test_csv_separator_is_sniffed(tmp_path, separator):
    path = tmp_path / "行政处罚.csv"
    path.write_text(csv_text(separator), encoding="utf-8")
    assert figures(path)["fen"] == FINES_FEN


def test_csv_that_is_no_text_is_refused(tmp_path):
    path = tmp_path / "行政处罚.csv"
    path.write_bytes(bytes(range(256)) * 4)
    assert "not a text CSV" in refused(path)


def test_csv_size_limit(tmp_path, monkeypatch):
    path = tmp_path / "行政处罚.csv"
    path.write_text(csv_text() * 20, encoding="utf-8")
    assert open_sources(path)[0].kind == "csv"
    monkeypatch.setattr(safety, "MAX_FILE_BYTES", 1024)
    assert "limit" in refused(path)


# -- several files, one year -------------------------------------------------------------------

def two_files(tmp_path: Path) -> tuple[Path, Path]:
    inspections = [INSPECTION_HEADER, *INSPECTION_ROWS]
    penalties = write_workbook(tmp_path / "行政处罚.xlsx", {"行政处罚": [PENALTY_HEADER, *PENALTY_ROWS]})
    inspection_file = write_workbook(tmp_path / "执法检查.xlsx", {"执法检查": inspections})
    return penalties, inspection_file


def test_two_files_are_one_year(tmp_path):
    penalties, inspections = two_files(tmp_path)
    assert figures([penalties, inspections]) == EXPECTED
    workbook = load_workbook([penalties, inspections])
    assert workbook.source == f"{penalties} + {inspections}"
    assert workbook.year == 2023
    result = CliRunner().invoke(cli, ["summarize", str(penalties), str(inspections), "--format", "json"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)["metrics"]
    assert (metrics["penalties.fines"]["value"], metrics["inspections.visits"]["value"]) == (FINES_WAN, 2)


def test_the_year_comes_from_any_file_name(tmp_path):
    first = write_workbook(tmp_path / "行政处罚.xlsx", {"其他指标": [["指标", "数值"], ["宣传材料", 3]]})
    second = write_workbook(tmp_path / "执法检查2022.xlsx", {"执法检查": [INSPECTION_HEADER]})
    assert load_workbook([first, second]).year == 2022


def test_findings_name_their_file_when_several_files_are_given(tmp_path):
    penalties = write_workbook(tmp_path / "行政处罚.xlsx", {"行政处罚": [PENALTY_HEADER, *PENALTY_ROWS]})
    inspections = write_workbook(tmp_path / "执法检查.xlsx", {"执法检查": [
        INSPECTION_HEADER, *INSPECTION_ROWS, inspection(name="丁公司", method="夜查")]})
    result = CliRunner().invoke(cli, ["validate", str(penalties), str(inspections)])
    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith(f"{inspections}: 执法检查!D4  error    bad-choice ")
    assert result.output.splitlines()[-1] == f"1 finding (1 error, 0 warnings) in {penalties} + {inspections}"
    document = json.loads(CliRunner().invoke(cli, ["validate", str(penalties), str(inspections),
                                                   "--format", "json"]).output)
    assert document["ok"] is False
    assert document["files"][0] == {"file": str(penalties), "ok": True, "findings": []}
    assert document["files"][1]["file"] == str(inspections) and document["files"][1]["ok"] is False
    assert [(finding["sheet"], finding["cell"], finding["code"]) for finding in document["files"][1]["findings"]] == [
        ("执法检查", "D4", "bad-choice")]
    # The same file alone: no file before the location, today's JSON shape.
    alone = CliRunner().invoke(cli, ["validate", str(inspections)])
    assert alone.output.splitlines()[0].startswith("执法检查!D4  error")


def test_a_case_number_twice_across_files_is_an_error_naming_its_file(tmp_path):
    penalties = write_workbook(tmp_path / "行政处罚.xlsx", {"行政处罚": [PENALTY_HEADER, *PENALTY_ROWS]})
    other = write_workbook(tmp_path / "补录.xlsx", {"行政处罚": [PENALTY_HEADER, penalty("P-2", name="丁公司", fine=500)]})
    result = CliRunner().invoke(cli, ["validate", str(penalties), str(other)])
    assert result.exit_code == 1
    duplicate = [line for line in result.output.splitlines() if "duplicate-case-number" in line]
    assert duplicate and all(line.startswith(f"{other}: 行政处罚!A2") for line in duplicate), result.output
    document = json.loads(CliRunner().invoke(cli, ["validate", str(penalties), str(other), "--format", "json"]).output)
    assert [(finding["sheet"], finding["cell"], finding["code"]) for finding in document["files"][1]["findings"]] == [
        ("行政处罚", "A2", "duplicate-case-number")]


def test_one_unreadable_file_of_several_is_one_line(tmp_path):
    penalties, inspections = two_files(tmp_path)
    inspections.write_bytes(b"PK\x03\x04" + bytes(64))
    result = CliRunner().invoke(cli, ["summarize", str(penalties), str(inspections)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"lawreport: {inspections}: is a damaged or truncated zip, not a readable workbook"]


def test_export_of_several_files_writes_one_report(tmp_path):
    penalties, inspections = two_files(tmp_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["export", str(penalties), str(inspections), "--to", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    (written,) = out.glob("*.json")
    assert written.name == "2023-summary.json"
    metrics = json.loads(written.read_text(encoding="utf-8"))["metrics"]
    assert (metrics["penalties.fines"]["value"], metrics["inspections.complaint"]["value"]) == (FINES_WAN, 1)


def _as_csv(path: Path, rows: list[list], encoding: str) -> Path:
    lines = [",".join("" if value is None else value.isoformat() if isinstance(value, dt.date) else str(value)
                      for value in row) for row in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


@pytest.mark.parametrize("layout", ["xlsx+xlsx", "xlsx+csv", "csv+csv"])
def test_a_year_in_several_files_gives_the_figures_of_one_workbook(tmp_path, layout):
    penalties = [PENALTY_HEADER, *PENALTY_ROWS, penalty("P-4", name="戊公司", outcome="免罚", fine=None, waived=2000),
                 penalty("P-5", name="己公司", decided=None, outcome="办理中", fine=None)]
    inspections = [INSPECTION_HEADER, *INSPECTION_ROWS, inspection(dt.date(2023, 9, 9), "戊公司", method="专项行动",
                                                                   problem="是")]
    whole = write_workbook(tmp_path / "2023.xlsx", {"行政处罚": penalties, "执法检查": inspections})
    first, second = layout.split("+")
    parts = [write_workbook(tmp_path / "行政处罚.xlsx", {"行政处罚": penalties}) if first == "xlsx"
             else _as_csv(tmp_path / "行政处罚.csv", penalties, "gb18030"),
             write_workbook(tmp_path / "执法检查.xlsx", {"执法检查": inspections}) if second == "xlsx"
             else _as_csv(tmp_path / "执法检查.csv", inspections, "utf-8-sig")]
    expected = summarize(load_workbook(whole)).to_dict()
    got = summarize(load_workbook(parts)).to_dict()
    # Hand-counted: P-1..P-3 are decisions (P-4 免罚, P-5 open); P-4 waives 2,000 元; 3 visits, 1 专项行动.
    assert expected["metrics"]["penalties.decisions"]["value"] == 3
    assert expected["metrics"]["penalties.fines"]["value"] == FINES_WAN
    assert expected["metrics"]["penalties.exempted"]["value"] == 1
    assert expected["metrics"]["penalties.exempted_amount"]["value"] == "0.2000"
    assert expected["metrics"]["inspections.visits"]["value"] == 3
    assert expected["metrics"]["inspections.special_action"]["value"] == 1
    assert got.pop("source") == " + ".join(str(part) for part in parts)
    expected.pop("source")
    assert got == expected


def test_a_dtd_deep_in_the_workbook_part_is_refused(tmp_path):
    """The workbook part is parsed whole to find the sheets: a DOCTYPE after 100 KB of comment is still refused."""
    base = write_workbook(tmp_path / "base.xlsx", {"行政处罚": [PENALTY_HEADER, *PENALTY_ROWS]})
    path = tmp_path / "deep.xlsx"
    with zipfile.ZipFile(base) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as rewritten:
        for info in original.infolist():
            content = original.read(info)
            if info.filename == "xl/workbook.xml":
                content = (b"<!--" + b" " * 100_000 + b'-->\n<!DOCTYPE x [<!ENTITY a "b">]>' + content)
            rewritten.writestr(info.filename, content)
    assert "declares a DTD or entities" in refused(path)


def test_a_chart_sheet_is_an_ordinary_part(tmp_path, capfd):
    """A chart kept on a sheet of its own (图表1): no cells, no finding, no reader noise on stderr."""
    from openpyxl.chart import BarChart, Reference

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "行政处罚"
    for row in [PENALTY_HEADER, *PENALTY_ROWS]:
        sheet.append(row)
    chart = BarChart()
    chart.add_data(Reference(sheet, min_col=7, min_row=1, max_row=4), titles_from_data=True)
    workbook.create_chartsheet("图表1").add_chart(chart)
    path = tmp_path / "2023.xlsx"
    workbook.save(path)
    capfd.readouterr()
    assert [source.name for source in open_sources(path)] == ["行政处罚", "图表1"]
    assert figures(path) == {**EXPECTED, "visits": None, "complaints": None}
    assert load_workbook(path).findings == []
    assert capfd.readouterr().err == ""
