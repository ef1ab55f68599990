"""DATA.md "Cells": a merged range's value belongs to every cell of it; formulas without a cached value."""
from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
import xlsxwriter

from conftest import AIR_HEADER, PENALTY_HEADER, VALID_CODE, air, located, penalty, write_workbook
from lawreport_cli.records import load_workbook
from lawreport_cli.sheetxml import Workbook, ods_merges, sheet_facts
from lawreport_cli.summarize import summarize

D = dt.date


def write(path, sheets: dict, merges: dict | None = None):
    return write_workbook(path, sheets, merges=merges)


def _review_meeting_cases():
    """26 decided cases; cases 3-6 were decided at one review meeting: 决定日期 and 处理结果 merged over them."""
    rows = [PENALTY_HEADER]
    for number in range(1, 27):
        case = penalty(f"P{number}", filed=D(2023, 3, 1), decided=D(2023, 4, number % 28 + 1), fine=10000)
        if 4 <= number <= 6:  # as openpyxl saves a merge: only the top-left cell keeps its value
            case[4] = case[5] = None
        rows.append(case)
    rows[3][4] = D(2023, 5, 10)
    return rows


def test_decision_date_and_outcome_merged_over_one_meetings_cases(tmp_path):
    path = write(tmp_path / "2023.xlsx", {"行政处罚": _review_meeting_cases()}, merges={"行政处罚": ["E4:E7", "F4:F7"]})
    workbook = load_workbook(path)
    assert workbook.findings == []
    summary = summarize(workbook)
    assert summary.value("penalties.decisions") == 26  # not 23: the merged cells are not blanks
    assert summary.value("penalties.fines") == 26 * 1_000_000
    decided = dict(workbook.records["penalties"].select("case_no", "decided_on").iter_rows())
    assert [decided[f"P{number}"] for number in range(3, 7)] == [D(2023, 5, 10)] * 4


def test_without_the_merge_the_blank_cells_are_open_cases(tmp_path):
    # The same sheet without its merged ranges: what the tool used to read (the control of the test above).
    path = write(tmp_path / "2023.xlsx", {"行政处罚": _review_meeting_cases()})
    assert summarize(load_workbook(path)).value("penalties.decisions") == 23


def test_yes_merged_over_three_referrals(tmp_path):
    rows = [PENALTY_HEADER, penalty("P1", referred="是", detention="是"), penalty("P2", referred=None),
            penalty("P3", referred=None), penalty("P4", referred="否")]
    path = write(tmp_path / "2023.xlsx", {"行政处罚": rows}, merges={"行政处罚": ["I2:I4"]})
    workbook = load_workbook(path)
    assert workbook.findings == []
    summary = summarize(workbook)
    assert (summary.value("penalties.police_referrals"), summary.value("penalties.detentions")) == (3, 1)


def test_a_city_merged_over_its_rows(tmp_path):
    rows = [AIR_HEADER]
    for city in ("枣庄市", "滕州市"):
        for day in range(1, 6):
            rows.append(air(date=D(2023, 1, day), city=city if day == 1 else None, pm25=30 + day))
    path = write(tmp_path / "2023.xlsx", {"空气质量": rows}, merges={"空气质量": ["B2:B6", "B7:B11"]})
    workbook = load_workbook(path)
    assert workbook.findings == []  # no duplicate dates: each row has its city
    assert workbook.records["air"]["city"].to_list() == ["枣庄市"] * 5 + ["滕州市"] * 5
    assert sorted(summarize(workbook).by_city) == ["枣庄市", "滕州市"]


def test_a_merge_across_columns_fills_each_column(tmp_path):
    # A totals row merged across its label cells stays a totals row; a value merged across two known
    # columns belongs to both.
    header = ["指标", "数值", "单位", "分类"]
    rows = [header, ["学法次数", 4, "次", "普法"], ["合计", None, None, None], ["注：合并单元格", None, None, None]]
    path = write(tmp_path / "2023.xlsx", {"其他指标": rows}, merges={"其他指标": ["A3:D3", "A4:D4"]})
    workbook = load_workbook(path)
    assert workbook.findings == []
    assert workbook.records["indicators"]["name"].to_list() == ["学法次数"]


def test_sheet_facts_reads_merges_at_the_end_of_the_sheet(tmp_path):
    path = write(tmp_path / "x.xlsx", {"甲 & 乙": [["a", "b"], [1, 2]], "第二": [["x"]]},
                 merges={"甲 & 乙": ["A1:B1", "C3:C40"], "第二": ["B2:D2"]})
    data = path.read_bytes()
    assert sorted(sheet_facts(data, "甲 & 乙").merged) == [(0, 0, 0, 1), (2, 2, 39, 2)]
    assert sheet_facts(data, "第二").merged == [(1, 1, 1, 3)]
    assert sheet_facts(data, "no such sheet").merged == []
    assert sheet_facts(b"not a zip", "x").merged == []


def test_merged_cells_in_an_ods(tmp_path):
    odf = pytest.importorskip("odf.opendocument")
    from odf.table import CoveredTableCell, Table, TableCell, TableRow
    from odf.text import P

    document = odf.OpenDocumentSpreadsheet()
    table = Table(name="行政处罚")
    header = ["案件编号", "企业名称", "立案日期", "决定日期", "处理结果", "罚款金额", "移送公安"]
    body = [["P1", "甲", "2023-01-05", "2023-02-05", "处罚", "10000", "是"],
            ["P2", "乙", "2023-01-06", None, None, "20000", None],
            ["P3", "丙", "2023-01-07", "2023-03-01", "处罚", "30000", "否"]]
    for index, values in enumerate([header, *body]):
        row = TableRow()
        for column, value in enumerate(values):
            if index == 1 and column in (3, 4, 6):
                cell = TableCell(valuetype="string", numberrowsspanned=2)
                cell.addElement(P(text=value))
            elif index == 2 and column in (3, 4, 6):
                cell = CoveredTableCell()
            else:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=value))
            row.addElement(cell)
        table.addElement(row)
    document.spreadsheet.addElement(table)
    path = tmp_path / "2023.ods"
    document.save(str(path))
    assert ods_merges(path.read_bytes()) == {"行政处罚": [(1, 3, 2, 3), (1, 4, 2, 4), (1, 6, 2, 6)]}
    workbook = load_workbook(path)
    assert workbook.findings == []
    summary = summarize(workbook)
    assert (summary.value("penalties.decisions"), summary.value("penalties.police_referrals")) == (3, 2)


# -- formulas without a cached value -----------------------------------------------------------

def test_an_openpyxl_formula_has_no_cached_value(tmp_path):
    rows = [PENALTY_HEADER, penalty("P1", fine=10000), penalty("P2", fine="=5000*2"), penalty("P3", fine=20000),
            ["合计", None, None, None, None, None, "=SUM(G2:G4)"]]
    path = write(tmp_path / "2023.xlsx", {"行政处罚": rows})
    workbook = load_workbook(path)
    assert located(workbook.findings) == [("行政处罚!G3", "formula-without-value")]  # the totals row is left out first
    finding = workbook.findings[0]
    assert (finding.severity, finding.value) == ("error", "=5000*2")
    assert "open and save the file in Excel or WPS" in finding.message("en")
    assert workbook.rows_with_errors == 1
    assert workbook.records["penalties"]["case_no"].to_list() == ["P1", "P3"]  # never read as 0


def _xlsxwriter_penalties(path, fine_cells):
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet("行政处罚")
    sheet.write_row(0, 0, PENALTY_HEADER)
    dates = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for index, fine in enumerate(fine_cells):
        row = index + 1
        sheet.write_row(row, 0, [f"P{row}", "甲公司", VALID_CODE])
        sheet.write_datetime(row, 3, dt.datetime(2023, 1, 5), dates)
        sheet.write_datetime(row, 4, dt.datetime(2023, 2, 5), dates)
        sheet.write(row, 5, "处罚")
        if isinstance(fine, tuple):
            formula, value = fine
            if value is None:
                sheet.write_formula(row, 6, formula)  # no value given: <v>0</v> and fullCalcOnLoad
            else:
                sheet.write_formula(row, 6, formula, None, value)
        else:
            sheet.write_number(row, 6, fine)
    workbook.close()
    return path


def test_xlsxwriter_formulas_with_and_without_a_value(tmp_path):
    path = _xlsxwriter_penalties(tmp_path / "2023.xlsx", [("=1500*2", 3000), ("=A1*0", None), 4000, ("=B9", 0)])
    workbook = load_workbook(path)
    assert located(workbook.findings) == [("行政处罚!G3", "formula-without-value"), ("行政处罚!G5", "formula-without-value")]
    assert workbook.records["penalties"]["fine"].to_list() == [300_000, 400_000]


def _without_full_calc(path):
    """The same workbook as Excel saves it once recalculated: no fullCalcOnLoad."""
    source = zipfile.ZipFile(path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = data.replace(b' fullCalcOnLoad="1"', b"")
            target.writestr(item, data)
    source.close()
    path.write_bytes(buffer.getvalue())
    return path


def test_a_cached_zero_is_a_value_when_the_workbook_is_not_recalculated_on_load(tmp_path):
    path = _without_full_calc(_xlsxwriter_penalties(tmp_path / "2023.xlsx", [("=1500*2", 3000), ("=A1*0", 0)]))
    assert Workbook(path.read_bytes()).full_calc_on_load is False
    workbook = load_workbook(path)
    # A stored 0 is a value: here it is a 处罚 without a fine, which is its own error.
    assert located(workbook.findings) == [("行政处罚!G3", "penalty-without-fine")]


def test_a_formula_in_a_column_not_used_is_not_an_error(tmp_path):
    rows = [["序号", *PENALTY_HEADER], ["=ROW()-1", *penalty("P1")], ["=ROW()-1", *penalty("P2", fine=20000)]]
    workbook = load_workbook(write(tmp_path / "2023.xlsx", {"行政处罚": rows}))
    assert workbook.findings == []
    assert summarize(workbook).value("penalties.fines") == 3_000_000


def test_a_row_of_nothing_but_formulas_without_values_is_named(tmp_path):
    rows = [PENALTY_HEADER, penalty("P1"), ["=A2&\"-2\"", "=B2", None, "=D2", "=E2", "=F2", "=G2"]]
    workbook = load_workbook(write(tmp_path / "2023.xlsx", {"行政处罚": rows}))
    assert {(finding.location.rsplit("!", 1)[1][1:], finding.code) for finding in workbook.findings} == {
        ("3", "formula-without-value")}
    assert workbook.findings[0].value == '=A2&"-2"'  # as Excel shows it, not as the XML escapes it
    assert workbook.rows_with_errors == 1


def test_a_formula_and_a_merge_at_the_end_of_a_long_sheet(tmp_path):
    # The XML is streamed in chunks cut at </row>: a formula and a merge after 20,000 rows are found.
    path = tmp_path / "big.xlsx"
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = workbook.add_worksheet("Sheet1")
    for row in range(20_000):
        sheet.write_row(row, 0, [row, "甲公司", 1.5])
    sheet.write_formula(20_000, 2, "=SUM(C1:C20000)")
    sheet.merge_range(20_001, 0, 20_001, 2, "注：合计")
    workbook.close()
    facts = sheet_facts(path.read_bytes(), "Sheet1")
    assert facts.formulas_without_value == [(20_000, 2, "SUM(C1:C20000)")]
    assert facts.merged == [(20_001, 0, 20_001, 2)]
