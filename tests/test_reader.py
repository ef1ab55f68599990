"""Every variation of "What real exports look like" in DATA.md, each in a workbook built here."""
from __future__ import annotations

import datetime as dt
import shutil

import openpyxl
import pytest
import xlsxwriter

from conftest import (INSPECTION_HEADER, PENALTY_HEADER, VALID_CODE, inspection, located, penalty,
                      write_workbook)
from lawreport_cli.records import load_workbook
from lawreport_cli.summarize import summarize

D = dt.date


def test_titles_blank_row_two_row_merged_header_totals_and_notes(book):
    rows = [
        ["2023年执法检查台账"],
        [],
        ["检查日期", "企业信息", None, "检查方式", "区县", "检查结果", None],
        [None, "企业名称", "统一社会信用代码", None, None, "发现问题", "非现场"],
        inspection(),
        [],
        inspection(name="乙公司", problem="是"),
        ["合计", None, None, None, None, 1, 0],
        ["填报人：张三  审核人：李四"],
        ["注：本表为测试数据"],
    ]
    merges = {"执法检查": ["A3:A4", "B3:C3", "D3:D4", "E3:E4", "F3:G3"]}
    workbook = load_workbook(book({"执法检查": rows}, merges=merges))
    assert workbook.findings == []
    records = workbook.records["inspections"]
    assert records["_row"].to_list() == [5, 7]
    assert records["problem_found"].to_list() == [False, True]


def test_a_table_that_starts_away_from_a1_keeps_real_cell_names(tmp_path):
    path = tmp_path / "2023.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "行政处罚"
    for offset, row in enumerate([PENALTY_HEADER, penalty(fine=-1)]):
        for index, value in enumerate(row):
            sheet.cell(row=4 + offset, column=3 + index, value=value)
    workbook.save(path)
    assert located(load_workbook(path).findings) == [("行政处罚!I5", "negative-amount")]


def test_english_aliases_units_spaces_and_case(book):
    header = ["CASE_NO", " Enterprise ", "filed_on", "Decided_On", "outcome", "Fine (万元)", "waived(亿元)",
              "REFERRED"]
    rows = [header, ["P1", "甲", "2023-01-01", "2023-02-01", "减罚", "1.234567", "0.0000001", "y"]]
    workbook = load_workbook(book({"Penalties": rows}))
    assert workbook.findings == []
    record = workbook.records["penalties"].row(0, named=True)
    assert record["fine"] == 1234567  # 1.234567 万元 = 12345.67 元 = 1234567 fen
    assert record["waived"] == 1000  # 0.0000001 亿元 = 10 元
    assert record["referred"] is True


def test_subscripts_and_full_width_in_headers(book):
    header = ["日期", "ＰＭ₂.₅（μg/m³）", "PM₁₀", "SO₂", "NO₂", "CO(mg/m³)", "O₃-8h"]
    workbook = load_workbook(book({"空气质量": [header, [D(2023, 1, 1), 30, 50, 8, 30, 0.8, 90]]}))
    assert workbook.findings == []
    assert workbook.records["air"].columns[:8] == ["_row", "date", "pm25", "pm10", "so2", "no2", "co", "o3_8h"]


@pytest.mark.parametrize("text", ["2023-03-05", "2023/3/5", "2023.3.5", "2023年3月5日", "20230305", 44990,
                                  "44990", D(2023, 3, 5), dt.datetime(2023, 3, 5, 9, 30), "２０２３-３-５",
                                  " 2023-03-05 "])
def test_every_date_form(book, text):
    workbook = load_workbook(book({"执法检查": [INSPECTION_HEADER, inspection(date=text)]}))
    assert workbook.findings == []
    assert workbook.records["inspections"]["date"].to_list() == [D(2023, 3, 5)]


@pytest.mark.parametrize("text, fen", [("1,234.5", 123450), ("１２３", 12300), (" 88 ", 8800), (1234.56, 123456),
                                       ("0.1", 10), (0.1, 10), ("1,000,000", 100000000), ("１，２３４．５", 123450)])
def test_every_number_form_is_exact_money(book, text, fen):
    workbook = load_workbook(book({"行政处罚": [PENALTY_HEADER, penalty(fine=text)]}))
    # DATA.md v2: a fine below 100 元 stands, with a warning (a 万元 column read as 元?).
    assert [finding.code for finding in workbook.findings] == (["fine-implausibly-small"] if fen < 10000 else [])
    assert workbook.records["penalties"]["fine"].to_list() == [fen]


@pytest.mark.parametrize("yes", ["是", "Y", "yes", "TRUE", True, 1, "1", "√", "✓"])
@pytest.mark.parametrize("no", ["否", "n", "No", "false", False, 0, "0", "×", "✗", None])
def test_every_yes_no_form(book, yes, no):
    rows = [INSPECTION_HEADER, inspection(problem=yes, remote=no)]
    workbook = load_workbook(book({"执法检查": rows}))
    assert workbook.findings == []
    record = workbook.records["inspections"].row(0, named=True)
    assert (record["problem_found"], record["remote"]) == (True, False)


def test_hidden_columns_and_extra_columns_are_harmless(tmp_path):
    path = tmp_path / "2023.xlsx"
    write_workbook(path, {"行政处罚": [PENALTY_HEADER + ["备注"], penalty() + ["说明文字"]]})
    workbook = openpyxl.load_workbook(path)
    workbook["行政处罚"].column_dimensions["C"].hidden = True
    workbook.save(path)
    loaded = load_workbook(path)
    assert loaded.findings == []
    assert loaded.records["penalties"]["credit_code"].to_list() == [VALID_CODE]


def test_formula_cached_values_are_read_and_totals_not_double_counted(tmp_path):
    path = tmp_path / "2023.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet("行政处罚")
    sheet.write_row(0, 0, PENALTY_HEADER)
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for index, fine in enumerate([1000.5, 2000.25]):
        row = index + 1
        sheet.write_row(row, 0, [f"P{row}", "甲公司", VALID_CODE])
        sheet.write_datetime(row, 3, dt.datetime(2023, 1, 5), date_format)
        sheet.write_datetime(row, 4, dt.datetime(2023, 2, 5), date_format)
        sheet.write(row, 5, "处罚")
        # The fine is itself a formula: its cached value is what counts.
        sheet.write_formula(row, 6, f"={fine}*1", None, fine)
    sheet.write(3, 0, "合计")
    sheet.write_formula(3, 6, "=SUM(G2:G3)", None, 3000.75)
    workbook.close()
    loaded = load_workbook(path)
    assert loaded.findings == []
    assert summarize(loaded).value("penalties.fines") == 300075


def test_xlsm_is_read(book, tmp_path):
    source = book({"行政处罚": [PENALTY_HEADER, penalty()]})
    target = tmp_path / "2023.xlsm"
    shutil.copy(source, target)
    assert load_workbook(target).records["penalties"].height == 1


def test_ods_is_read(tmp_path):
    odf = pytest.importorskip("odf.opendocument")
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = odf.OpenDocumentSpreadsheet()
    table = Table(name="执法检查")
    for row in [INSPECTION_HEADER, ["2023-03-01", "甲公司", VALID_CODE, "双随机", "市中区", "是", "否"]]:
        table_row = TableRow()
        for value in row:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=str(value)))
            table_row.addElement(cell)
        table.addElement(table_row)
    document.spreadsheet.addElement(table)
    path = tmp_path / "2023.ods"
    document.save(str(path))
    loaded = load_workbook(path)
    assert loaded.findings == []
    assert loaded.records["inspections"]["date"].to_list() == [D(2023, 3, 1)]


def test_blank_and_whitespace_rows_in_the_middle(book):
    rows = [PENALTY_HEADER, penalty("P1"), [None] * 11, ["  ", "", None], penalty("P2 "), [None, "  "]]
    workbook = load_workbook(book({"行政处罚": rows}))
    assert workbook.findings == []
    assert workbook.records["penalties"]["case_no"].to_list() == ["P1", "P2"]


def test_error_cells_from_formulas_are_findings(tmp_path):
    """calamine reads #N/A and #DIV/0! as blanks; they must be named, not silently empty."""
    path = tmp_path / "2023.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet("执法检查")
    sheet.write_row(0, 0, INSPECTION_HEADER)
    sheet.write_row(1, 0, ["2023-03-01", "甲公司", VALID_CODE, "双随机"])
    sheet.write_formula(1, 1, "=NA()", None, "#N/A")
    sheet.write_row(2, 0, ["2023-03-02", "乙公司", VALID_CODE, "双随机"])
    sheet.write_formula(2, 0, "=1/0", None, "#DIV/0!")
    workbook.close()
    loaded = load_workbook(path)
    assert located(loaded.findings) == [("执法检查!B2", "cell-error"), ("执法检查!A3", "cell-error")]
    assert loaded.findings[0].value == "#N/A"
    assert loaded.records["inspections"].height == 0


@pytest.mark.parametrize("fine, fen", [(123456789.12, 12345678912), (123456789.13, 12345678913),
                                       (933931.07, 93393107), (1234.56, 123456)])
def test_float_cells_give_exact_fen_without_noise_warnings(book, fine, fen):
    """The reader gives float cells 9 decimals (123456789.120000005): exact fen, no sub-fen warning."""
    workbook = load_workbook(book({"行政处罚": [PENALTY_HEADER, penalty(fine=fine)]}))
    assert workbook.findings == []
    assert workbook.records["penalties"]["fine"].to_list() == [fen]


@pytest.mark.parametrize("text", ["٣", "１٢", "三"])
def test_digits_that_are_not_ascii_are_not_money(book, text):
    workbook = load_workbook(book({"行政处罚": [PENALTY_HEADER, penalty(fine=text)]}))
    assert [finding.code for finding in workbook.findings] == ["bad-money"]
