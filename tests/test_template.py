"""`lawreport template`: the blank ledger, its validations, and that lawreport reads what it writes."""
from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.utils.cell import range_boundaries

from lawreport_cli.cli import cli
from lawreport_cli.reader import read_workbook
from lawreport_cli.schema import SHEETS, Column, SheetSchema
from lawreport_cli.template import (LIST_SHEET, TemplateError, build_template, choose_sheets, column_rule,
                                    parse_year, template_bytes)

VALID_CODE = "91110000802100433B"  # a real code that passes the GB 32100-2015 check digit
# Excel serial numbers, worked by hand: 2024-01-01 is serial 45292, a year before is 365 days earlier,
# 2025-12-31 is 365 + 365 days after 2024-01-01 (2024 is a leap year: 366) minus one.
SERIAL_2023_01_01 = 44927
SERIAL_2025_12_31 = 46022


@pytest.fixture(scope="module")
def template_2024(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "2024.xlsx"
    path.write_bytes(template_bytes("2024"))
    return path


def validations(sheet) -> dict[str, object]:
    """Header text (row 2) -> the data validation whose range starts in that column."""
    headers = {cell.column: cell.value for cell in sheet[2]}
    found = {}
    for validation in sheet.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            min_col, min_row, max_col, max_row = range_boundaries(cell_range.coord)
            for column in range(min_col, max_col + 1):
                found[headers[column]] = validation
    return found


def rows_covered(validation) -> tuple[int, int]:
    (cell_range,) = validation.sqref.ranges
    _, min_row, _, max_row = range_boundaries(cell_range.coord)
    return min_row, max_row


# -- the layout --------------------------------------------------------------------------------

def test_one_sheet_per_kind_in_schema_order_then_the_instructions(template_2024):
    workbook = openpyxl.load_workbook(template_2024)
    assert workbook.sheetnames == ["空气质量", "执法检查", "行政处罚", "损害赔偿", "其他指标", "地表水", "说明"]


def test_title_header_units_and_frozen_panes(template_2024):
    sheet = openpyxl.load_workbook(template_2024)["行政处罚"]
    assert sheet["A1"].value == "2024年行政处罚案件台账"
    assert [str(cell_range) for cell_range in sheet.merged_cells.ranges] == ["A1:M1"]
    assert [cell.value for cell in sheet[2]] == [
        "案件编号", "企业名称", "统一社会信用代码", "立案日期", "决定日期", "处理结果",
        "罚款金额（元）", "免减金额（元）", "免罚金额（元）", "减罚金额（元）", "移送公安", "行政拘留", "法制审核"]
    assert sheet.freeze_panes == "A3"
    assert sheet.max_row == 2  # a blank ledger: no data row
    air = openpyxl.load_workbook(template_2024)["空气质量"]
    assert [cell.value for cell in air[2]][2:9] == [
        "PM2.5（μg/m³）", "PM10（μg/m³）", "SO2（μg/m³）", "NO2（μg/m³）", "CO（mg/m³）",
        "O3_8h（μg/m³）", "O3_1h（μg/m³）"]
    assert openpyxl.load_workbook(template_2024)["执法检查"]["A1"].value == "2024年执法检查台账"


def test_number_formats_and_widths(template_2024):
    sheet = openpyxl.load_workbook(template_2024)["行政处罚"]
    formats = {sheet.cell(2, column).value: sheet.column_dimensions[letter].number_format
               for column, letter in enumerate("ABCDEFGHIJK", start=1)}
    assert formats["立案日期"] == "yyyy-mm-dd"
    assert formats["罚款金额（元）"] == "#,##0.00"
    assert formats["统一社会信用代码"] == "@"  # 18 digits typed as a number would lose digits
    indicators = openpyxl.load_workbook(template_2024)["其他指标"]
    assert indicators.column_dimensions["E"].number_format == "0"  # 月份
    # 统一社会信用代码: 8 CJK characters are 16 columns wide, and 18 characters must fit.
    assert sheet.column_dimensions["C"].width >= 18
    assert sheet.column_dimensions["G"].width >= 14  # 罚款金额（元）: 7 wide characters


# -- lawreport reads what it writes --------------------------------------------------------------

def test_every_header_maps_to_its_column_and_money_is_in_yuan(template_2024):
    raw = read_workbook(template_2024)
    assert set(raw.sheets) == {schema.key for schema in SHEETS}
    for schema in SHEETS:
        sheet = raw.sheets[schema.key]
        assert sheet.header_row == 2, schema.key
        assert sheet.positions == {column.key: index for index, column in enumerate(schema.columns)}
        assert sheet.frame.height == 0
        assert sheet.findings == []
    assert set(raw.sheets["penalties"].units.values()) == {"元"}
    assert {"fine", "waived"} <= set(raw.sheets["penalties"].units)
    assert raw.sheets["compensation"].units == {"amount": "元"}
    assert [finding.code for finding in raw.findings] == ["unknown-sheet"]  # the 说明 sheet


def test_blank_template_validates_without_error(template_2024):
    result = CliRunner().invoke(cli, ["validate", str(template_2024), "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["ok"] is True
    assert [finding["code"] for finding in document["findings"]] == ["unknown-sheet"]


# -- the validations, read back ------------------------------------------------------------------

def test_choice_and_yes_no_columns_are_drop_down_lists(template_2024):
    workbook = openpyxl.load_workbook(template_2024)
    penalties = validations(workbook["行政处罚"])
    assert penalties["处理结果"].type == "list"
    assert penalties["处理结果"].formula1 == '"处罚,减罚,免罚,不予处罚,办理中"'
    for header in ("移送公安", "行政拘留", "法制审核"):
        assert penalties[header].type == "list"
        assert penalties[header].formula1 == '"是,否"'
    inspections = validations(workbook["执法检查"])
    assert inspections["检查方式"].formula1 == '"双随机,信访投诉,环保督察,专项行动,其他"'
    assert inspections["发现问题"].formula1 == inspections["非现场"].formula1 == '"是,否"'


def test_dates_money_numbers_months_and_codes(template_2024):
    workbook = openpyxl.load_workbook(template_2024)
    penalties = validations(workbook["行政处罚"])
    for header in ("立案日期", "决定日期"):
        rule = penalties[header]
        assert rule.type == "date" and rule.operator in (None, "between")  # between is OOXML's default
        assert (int(rule.formula1), int(rule.formula2)) == (SERIAL_2023_01_01, SERIAL_2025_12_31)
    for header in ("罚款金额（元）", "免减金额（元）"):
        rule = penalties[header]
        assert (rule.type, rule.operator, rule.formula1) == ("decimal", "greaterThanOrEqual", "0")
    code = penalties["统一社会信用代码"]
    assert (code.type, code.operator, code.formula1) == ("textLength", "equal", "18")
    assert penalties["案件编号"].type == "custom"
    assert penalties["案件编号"].formula1 == "COUNTIF($A$3:$A$1048576,A3)<=1"
    month = validations(workbook["其他指标"])["月份"]
    assert (month.type, month.formula1, month.formula2) == ("whole", "1", "12")
    assert month.operator in (None, "between")
    value = validations(workbook["其他指标"])["数值"]
    assert (value.type, value.operator, value.formula1) == ("decimal", "greaterThanOrEqual", "0")
    pm25 = validations(workbook["空气质量"])["PM2.5（μg/m³）"]
    assert (pm25.type, pm25.formula1) == ("decimal", "0")
    aqi = validations(workbook["空气质量"])["AQI"]
    assert (aqi.type, aqi.operator, aqi.formula1) == ("whole", "greaterThanOrEqual", "0")


def test_every_column_is_validated_on_every_row_with_messages(template_2024):
    workbook = openpyxl.load_workbook(template_2024)
    for schema in SHEETS:
        sheet = workbook[schema.name]
        found = validations(sheet)
        assert len(sheet.data_validations.dataValidation) == len(schema.columns)
        for header, rule in found.items():
            first, last = rows_covered(rule)
            assert first == 3 and last - first + 1 >= 10_000, header
            assert rule.showInputMessage and rule.showErrorMessage and rule.allow_blank
            assert rule.promptTitle and len(rule.promptTitle) <= 32
            assert rule.prompt and len(rule.prompt) <= 255
            assert rule.errorTitle and len(rule.errorTitle) <= 32
            assert rule.error and len(rule.error) <= 255
            assert rule.errorStyle in (None, "stop")
        for column in schema.columns:
            rule = next(rule for header, rule in found.items() if header.startswith(column.name))
            if column.choices:  # any choice column a schema declares, now or later
                assert rule.type == "list"
                assert rule.formula1 == '"' + ",".join(column.choices) + '"'


def test_messages_say_what_goes_there_in_chinese(template_2024):
    penalties = validations(openpyxl.load_workbook(template_2024)["行政处罚"])
    fine = penalties["罚款金额（元）"]
    assert fine.promptTitle == "罚款金额（元）"
    assert "罚款的金额" in fine.prompt and "单位元" in fine.prompt
    assert fine.errorTitle == "罚款金额填写有误"
    assert fine.error == "罚款金额应是不小于0的数字，单位元，只写数字，不写单位或其他文字。"
    assert penalties["案件编号"].prompt.startswith("行政处罚案件的编号（案号）。\n必填")
    assert "2023年1月1日至2025年12月31日" in penalties["决定日期"].error
    assert penalties["处理结果"].error == "处理结果只能从下拉列表中选：处罚、减罚、免罚、不予处罚、办理中。"


def test_a_long_list_goes_to_a_hidden_sheet_by_defined_name(tmp_path):
    many = tuple(f"第{number}号断面" for number in range(1, 61))  # 60 choices, far over 255 characters
    schema = SheetSchema("sections", "断面", "sections", (
        Column("section", "断面名称", ("断面名称",), "choice", True, True, choices=many),
        Column("note", "备注", ("备注",), "text")))
    path = tmp_path / "2024.xlsx"
    path.write_bytes(build_template(2024, [schema]))
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["断面", "说明", LIST_SHEET]
    assert workbook[LIST_SHEET].sheet_state == "hidden"
    rule = validations(workbook["断面"])["断面名称"]
    assert rule.type == "list" and rule.formula1 == "list_sections_section"
    defined = workbook.defined_names["list_sections_section"]
    assert defined.attr_text == f"'{LIST_SHEET}'!$A$2:$A$61"
    listed = [row[0] for row in workbook[LIST_SHEET].iter_rows(min_row=2, max_col=1, values_only=True)]
    assert listed == list(many)


def test_a_long_description_is_cut_to_excel_limits(tmp_path):
    schema = SheetSchema("notes", "备忘", "notes", (
        Column("what", "事项" * 20, ("事项",), "text", description="很长的说明" * 80),
        Column("when", "日期", ("日期",), "date")))
    path = tmp_path / "2024.xlsx"
    path.write_bytes(build_template(2024, [schema]))
    rule = validations(openpyxl.load_workbook(path)["备忘"])["事项" * 20]
    assert len(rule.prompt) == 255 and rule.prompt.endswith("…")
    assert len(rule.promptTitle) == 32


def test_unknown_column_types_get_a_message_and_no_restriction():
    rule = column_rule(Column("ph", "pH", ("pH",), "some_new_type"), 2024)
    assert rule.options == {"validate": "any"}


# -- the 说明 sheet --------------------------------------------------------------------------------

def test_instructions_list_every_column_with_meaning_requirement_and_values(template_2024):
    sheet = openpyxl.load_workbook(template_2024)["说明"]
    rows = [row for row in sheet.iter_rows(values_only=True)]
    header_at = rows.index(("工作表", "列（表头）", "含义", "是否必填", "可填写的内容", "表头也可写作"))
    table = rows[header_at + 1:]
    assert len(table) == sum(len(schema.columns) for schema in SHEETS)
    by_column = {(row[0], row[1]): row for row in table}
    outcome = by_column[("行政处罚", "处理结果")]
    assert outcome[4] == "从下拉列表中选：处罚、减罚、免罚、不予处罚、办理中"
    assert outcome[5] == "处理结果、结果、outcome"
    case = by_column[("行政处罚", "案件编号")]
    assert case[3] == "必填" and "不得重复" in case[4]
    assert by_column[("行政处罚", "法制审核")][3] == "选填"
    referred = by_column[("行政处罚", "移送公安")][4]
    assert "y/yes/true/1/√" in referred and "n/no/false/0/×" in referred
    fine = by_column[("行政处罚", "罚款金额（元）")][4]
    assert "单位元" in fine and "（万元）" in fine
    assert "2024年3月5日" in by_column[("执法检查", "检查日期")][4]
    assert by_column[("空气质量", "CO（mg/m³）")][2] == "一氧化碳的24小时平均浓度"


# -- filled in, it is read and summarized ------------------------------------------------------------

D = dt.date
FILLED = {
    "行政处罚": [
        ["A1", "甲公司", VALID_CODE, D(2024, 1, 10), D(2024, 2, 1), "处罚", 12345.67, None, "是", "否", "是"],
        ["A2", "乙公司", None, D(2024, 3, 1), D(2024, 4, 15), "减罚", 50000, 20000, "否", "否", "否"],
        ["A3", "丙公司", None, D(2024, 5, 1), D(2024, 5, 20), "免罚", 0, 8000, None, None, None],
        ["A4", "丁公司", None, D(2024, 11, 2), None, "办理中", None, None, None, None, None],
    ],
    "执法检查": [
        [D(2024, 2, 3), "甲公司", VALID_CODE, "双随机", "市中区", "是", "否"],
        [D(2024, 6, 10), "乙公司", None, "信访投诉", "薛城区", "否", "是"],
        [D(2024, 9, 1), "甲公司", VALID_CODE, "双随机", "市中区", "否", "否"],
    ],
    "损害赔偿": [
        ["P1", D(2024, 3, 1), D(2024, 8, 1), 150000.5, "沂河"],
        ["P2", D(2024, 10, 1), None, None, "沂河"],
    ],
    "其他指标": [
        ["行政复议案件", 2, "件", "复议", 3],
        ["行政复议案件", 3, "件", "复议", 7],
        ["普法宣传材料", 1.5, "万份", "普法", None],
    ],
    "空气质量": [
        [D(2024, 1, 1), None, 20, 40, 10, 20, 0.5, 80, None, None, None],
        [D(2024, 1, 2), None, 30, 40, 10, 20, 0.5, 80, None, None, None],
        [D(2024, 1, 3), None, 70, 40, 10, 20, 0.5, 80, None, None, None],
    ],
}


# The headers FILLED's values stand under, in order (found by name: the schema may add columns).
FILLED_HEADERS = {
    "行政处罚": ("案件编号", "企业名称", "统一社会信用代码", "立案日期", "决定日期", "处理结果", "罚款金额（元）",
             "免减金额（元）", "移送公安", "行政拘留", "法制审核"),
    "执法检查": ("检查日期", "企业名称", "统一社会信用代码", "检查方式", "区县", "发现问题", "非现场"),
    "损害赔偿": ("案件编号", "启动日期", "协议日期", "赔偿金额（元）", "流域"),
    "其他指标": ("指标", "数值", "单位", "分类", "月份"),
    "空气质量": ("日期", "城市", "PM2.5（μg/m³）", "PM10（μg/m³）", "SO2（μg/m³）", "NO2（μg/m³）", "CO（mg/m³）",
             "O3_8h（μg/m³）", "O3_1h（μg/m³）", "AQI", "质量等级"),
}


def fill(template: Path, target: Path, rows: dict[str, list[list]]) -> Path:
    """Type rows under the header, as a clerk would, keeping the workbook's validations."""
    workbook = openpyxl.load_workbook(template)
    for name, records in rows.items():
        sheet = workbook[name]
        column_of = {cell.value: cell.column for cell in sheet[2]}
        for offset, record in enumerate(records):
            for header, value in zip(FILLED_HEADERS[name], record, strict=True):
                if value is not None:
                    sheet.cell(3 + offset, column_of[header], value)
    workbook.save(target)
    return target


@pytest.fixture(scope="module")
def filled_2024(template_2024, tmp_path_factory) -> Path:
    return fill(template_2024, tmp_path_factory.mktemp("filled") / "2024.xlsx", FILLED)


def metrics_of(path: Path) -> dict:
    result = CliRunner().invoke(cli, ["summarize", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    return {key: value["value"] for key, value in json.loads(result.stdout)["metrics"].items()}


# Worked by hand from FILLED (METRICS.md); money exact, in 万元.
EXPECTED = {
    "penalties.cases_filed": 4,
    "penalties.decisions": 2,  # 处罚 and 减罚 with a 决定日期
    "penalties.fines": "6.234567",  # 12,345.67 + 50,000 元
    "penalties.exempted": 1,
    "penalties.exempted_amount": "0.8000",
    "penalties.reduced": 1,
    "penalties.reduced_amount": "2.0000",
    "penalties.police_referrals": 1,
    "penalties.detentions": 0,
    "penalties.legal_reviews": 1,
    "penalties.legal_review_amount": "1.234567",
    "inspections.visits": 3,
    "inspections.enterprises": 2,
    "inspections.double_random": 2,
    "inspections.complaint": 1,
    "inspections.supervision": 0,
    "inspections.problems_found": 1,
    "inspections.remote": 1,
    "compensation.cases_started": 2,
    "compensation.agreements": 1,
    "compensation.amount": "15.00005",  # 150,000.50 元, to the fen
    "indicators.行政复议案件": 5,
    "indicators.普法宣传材料": 1.5,
    # PM2.5 20, 30, 70: IAQI 28.6, 42.9, 93.75; PM10 40 and O3 80 give 40: AQI 40, 43, 94.
    "air.valid_days": 3,
    "air.good_days": 3,
    "air.excellent_days": 2,
    "air.heavy_days": 0,
    "air.pm25": 40,
    "air.pm10": 40,
}


def test_filled_template_validates_and_keeps_its_validations(filled_2024, template_2024):
    result = CliRunner().invoke(cli, ["validate", str(filled_2024), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [finding["code"] for finding in json.loads(result.output)["findings"]] == ["unknown-sheet"]
    before = validations(openpyxl.load_workbook(template_2024)["行政处罚"])
    after = validations(openpyxl.load_workbook(filled_2024)["行政处罚"])
    assert {header: (rule.type, rule.formula1) for header, rule in after.items()} == \
        {header: (rule.type, rule.formula1) for header, rule in before.items()}


def test_filled_template_summarizes_to_the_figures_of_its_rows(filled_2024):
    metrics = metrics_of(filled_2024)
    for key, value in EXPECTED.items():
        got = metrics[key]
        if isinstance(value, str):  # money: a decimal string, compared as a number
            assert Decimal(got) == Decimal(value), key
        else:
            assert got == value, key


# -- deterministic bytes, and the command --------------------------------------------------------------

def test_same_year_same_bytes_and_the_year_dates_the_workbook():
    first, second = template_bytes("2024"), template_bytes("2024")
    assert first == second
    assert template_bytes("2025") != first
    core = zipfile.ZipFile(io.BytesIO(first)).read("docProps/core.xml").decode()
    assert "<dcterms:created xsi:type=\"dcterms:W3CDTF\">2024-01-01T00:00:00Z</dcterms:created>" in core


@pytest.mark.parametrize("year", ["abc", "1999", "2101", "20.24", "", " "])
def test_a_bad_year_is_refused(year):
    with pytest.raises(TemplateError):
        parse_year(year)


def test_sheets_are_chosen_by_key_in_schema_order():
    assert [schema.name for schema in choose_sheets("penalties, inspections")] == ["执法检查", "行政处罚"]
    with pytest.raises(TemplateError, match="unknown sheet foo"):
        choose_sheets("penalties,foo")


def run(args, cwd: Path):
    with contextlib.chdir(cwd):
        result = CliRunner().invoke(cli, ["template", *args])
    files = sorted(path.name for path in cwd.iterdir() if not path.name.startswith("."))
    return result, files


def test_cli_writes_year_xlsx_in_the_working_directory(tmp_path):
    result, files = run(["--year", "2024"], tmp_path)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "2024.xlsx"
    assert files == ["2024.xlsx"]


def test_cli_output_sheets_and_refusing_to_overwrite(tmp_path):
    target = tmp_path / "out" / "ledger-2024.xlsx"
    result = CliRunner().invoke(cli, ["template", "--year", "2024", "-o", str(target), "--sheets", "penalties"])
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(target).sheetnames == ["行政处罚", "说明"]
    again = CliRunner().invoke(cli, ["template", "--year", "2024", "-o", str(target)])
    assert again.exit_code == 2
    assert again.stderr == f"lawreport: {target} exists; choose another -o, or use --force to replace it\n"
    assert openpyxl.load_workbook(target).sheetnames == ["行政处罚", "说明"]
    forced = CliRunner().invoke(cli, ["template", "--year", "2024", "-o", str(target), "--force"])
    assert forced.exit_code == 0
    assert len(openpyxl.load_workbook(target).sheetnames) == len(SHEETS) + 1


@pytest.mark.parametrize("args, message", [
    (["--year", "abc"], "lawreport: --year must be a year from 2000 to 2100, not 'abc'\n"),
    (["--year", "1999"], "lawreport: --year must be a year from 2000 to 2100, not '1999'\n"),
    ([], "lawreport: --year is required: the ledger's year, e.g. --year 2024\n"),
    (["--year", "2024", "--sheets", "penalty"],
     "lawreport: unknown sheet penalty; choose from air,inspections,penalties,compensation,indicators,water\n"),
    (["--year", "2024", "-o", "ledger.xls"], "lawreport: ledger.xls must end in .xlsx\n"),
])
def test_cli_misuse_is_one_line_and_exit_2(tmp_path, args, message):
    result, files = run(args, tmp_path)
    assert result.exit_code == 2
    assert result.stderr == message
    assert files == []


# -- LibreOffice opens it ------------------------------------------------------------------------------

def test_libreoffice_opens_and_resaves_it(filled_2024, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: the LibreOffice round trip is not checked")
    out = tmp_path / "out"
    subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                    "--convert-to", "xlsx", "--outdir", str(out), str(filled_2024)],
                   check=True, capture_output=True, timeout=180)
    resaved = out / "2024.xlsx"
    assert metrics_of(resaved) == metrics_of(filled_2024)
    rules = validations(openpyxl.load_workbook(resaved)["行政处罚"])
    assert rules["处理结果"].formula1 == '"处罚,减罚,免罚,不予处罚,办理中"'
    # LibreOffice keeps a validation only to about 1,000 rows below the last used row (README).
    first, last = rows_covered(rules["处理结果"])
    assert first == 3 and last < 10_000
