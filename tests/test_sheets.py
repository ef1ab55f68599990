"""DATA.md "Real ledgers as clerks keep them": Sheets, Headers and units. Workbooks built as programs write them."""
from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from conftest import INSPECTION_HEADER, PENALTY_HEADER, inspection, located, penalty, write_workbook
from lawreport_cli.cli import cli
from lawreport_cli.metrics.registry import metric_for
from lawreport_cli.model import format_value
from lawreport_cli.reader import match_header, match_sheet, nearest_column, read_workbook
from lawreport_cli.records import load_workbook
from lawreport_cli.schema import INSPECTIONS, PENALTIES
from lawreport_cli.summarize import summarize

D = dt.date


def write(path, sheets: dict, merges: dict | None = None, formats: dict | None = None):
    """sheets: name -> rows; merges: name -> ["A1:B1"]; formats: name -> {"G": '0.00"万元"'} for data cells."""
    return write_workbook(path, sheets, merges=merges, formats=formats)


def fines(path) -> int:
    return summarize(load_workbook(path)).value("penalties.fines")


def wan(metric_id: str, fen: int) -> str:
    return format_value(metric_for(metric_id), fen)


# -- sheets found by a contained name ---------------------------------------------------------

@pytest.mark.parametrize("name", ["行政处罚台账", "2023年行政处罚", "行政处罚（上半年）", "penalties 2023", "PENALTIES"])
def test_a_known_name_contained_in_the_sheet_name(tmp_path, name):
    path = write(tmp_path / "2023.xlsx", {name: [PENALTY_HEADER, penalty("P1", fine=12000), penalty("P2", fine=3000)]})
    workbook = load_workbook(path)
    assert workbook.findings == []
    assert fines(path) == 1_500_000


def test_the_longest_contained_name_wins_and_a_tie_is_not_guessed():
    assert match_sheet("空气质量执法检查") is None  # 空气质量 and 执法检查: four characters each
    assert match_sheet("执法检查") is INSPECTIONS
    assert match_sheet("2023执法检查情况") is INSPECTIONS
    assert match_sheet("repairs") is None  # `air` is not a word of it
    assert match_sheet("air_quality 2023").key == "air"


def test_a_name_fitting_two_kinds_is_read_by_its_header(tmp_path):
    path = write(tmp_path / "2023.xlsx", {"执法检查与行政处罚": [PENALTY_HEADER, penalty(fine=20000)]})
    workbook = load_workbook(path)
    assert located(workbook.findings) == [("执法检查与行政处罚", "sheet-read-by-header")]
    assert fines(path) == 2_000_000


def test_a_name_fitting_two_kinds_without_a_telling_header_is_a_warning(tmp_path):
    path = write(tmp_path / "2023.xlsx", {"执法检查与行政处罚": [["说明"], ["无"]],
                                          "行政处罚": [PENALTY_HEADER, penalty()]})
    workbook = load_workbook(path)
    assert located(workbook.findings) == [("执法检查与行政处罚", "ambiguous-sheet")]
    assert workbook.findings[0].severity == "warning"
    assert "行政处罚" in workbook.findings[0].message("en") and "执法检查" in workbook.findings[0].message("en")


# -- sheets found by their header, several sheets of one kind ------------------------------------

MONTHS = [f"{month}月" for month in range(1, 13)]


def test_twelve_month_sheets_are_one_penalties_table(tmp_path):
    sheets = {}
    for month, name in enumerate(MONTHS, 1):
        decided = D(2023, month, 20)
        sheets[name] = [PENALTY_HEADER, penalty(f"P{month}-1", filed=D(2023, month, 2), decided=decided, fine=10000),
                        penalty(f"P{month}-2", filed=D(2023, month, 3), decided=decided, fine=20000)]
    path = write(tmp_path / "2023.xlsx", sheets)
    workbook = load_workbook(path)
    assert [(finding.location, finding.code, finding.severity) for finding in workbook.findings] == [
        (name, "sheet-read-by-header", "info") for name in sorted(MONTHS)]
    assert workbook.findings[0].message("en") == "sheet '10月' is read as 行政处罚 (penalties) by its header"
    assert (workbook.errors, workbook.warnings, len(workbook.infos)) == ([], [], 12)
    summary = summarize(workbook)
    assert summary.value("penalties.decisions") == 24
    assert summary.value("penalties.fines") == 12 * 3_000_000
    assert wan("penalties.fines", summary.value("penalties.fines")) == "36.0000"


def test_rows_of_several_sheets_keep_their_own_sheet_and_cell(tmp_path):
    path = write(tmp_path / "2023.xlsx", {"1月": [PENALTY_HEADER, penalty("P1"), penalty("P2", fine=-5)],
                                          "2月": [["2月行政处罚"], PENALTY_HEADER, penalty("P3", fine="x")]})
    workbook = load_workbook(path)
    errors = [(finding.location, finding.code, finding.file) for finding in workbook.errors]
    assert errors == [("1月!G3", "negative-amount", str(path)), ("2月!G3", "bad-money", str(path))]
    assert workbook.rows_with_errors == 2
    assert workbook.records["penalties"]["case_no"].to_list() == ["P1"]


def test_a_duplicate_case_number_across_sheets_names_both(tmp_path):
    path = write(tmp_path / "2023.xlsx", {"行政处罚（上半年）": [PENALTY_HEADER, penalty("P1"), penalty("P2")],
                                          "行政处罚（下半年）": [PENALTY_HEADER, penalty("P3"), penalty("P1")]})
    workbook = load_workbook(path)
    assert located(workbook.findings) == [("行政处罚（下半年）!A3", "duplicate-case-number")]
    finding = workbook.findings[0]
    assert finding.message("en") == "case number 'P1' is a duplicate (first on row 2 of sheet '行政处罚（上半年）')"
    assert finding.message("zh") == "案件编号“P1”重复（首次出现在工作表“行政处罚（上半年）”第2行）"
    assert sorted(workbook.records["penalties"]["case_no"].to_list()) == ["P1", "P2", "P3"]


def test_a_duplicate_on_the_same_sheet_still_names_the_row(tmp_path):
    path = write(tmp_path / "2023.xlsx", {"行政处罚": [PENALTY_HEADER, penalty("P1"), penalty("P1")]})
    finding = load_workbook(path).findings[0]
    assert finding.message("en") == "case number 'P1' is a duplicate (first on row 2)"
    assert finding.message("zh") == "案件编号“P1”重复（首次出现在第2行）"


def test_sheets_of_one_kind_in_different_units(tmp_path):
    header_wan = [*PENALTY_HEADER[:6], "罚款金额（万元）", *PENALTY_HEADER[7:]]
    path = write(tmp_path / "2023.xlsx", {"行政处罚": [PENALTY_HEADER, penalty("P1", fine=15000)],
                                          "行政处罚(2)": [header_wan, penalty("P2", fine=1.5)]})
    assert load_workbook(path).findings == []
    assert fines(path) == 1_500_000 + 1_500_000


def test_an_empty_known_sheet_is_an_empty_section_and_sheet2_says_nothing(tmp_path):
    path = write(tmp_path / "2023.xlsx", {"执法检查": [INSPECTION_HEADER, inspection()], "行政处罚": [], "Sheet2": [],
                                          "Sheet3": []})
    workbook = load_workbook(path)
    assert workbook.findings == []
    summary = summarize(workbook)
    assert summary.value("penalties.decisions") == 0
    assert summary.value("penalties.fines") == 0
    assert summary.value("penalties.police_referrals") is None  # an absent optional column gives no figure


def test_an_unknown_sheet_with_data_is_still_a_warning(tmp_path):
    path = write(tmp_path / "2023.xlsx", {"执法检查": [INSPECTION_HEADER, inspection()], "汇总": [["合计", 3]]})
    assert located(load_workbook(path).findings) == [("汇总", "unknown-sheet")]


def test_header_not_found_names_the_columns_it_looked_for(tmp_path):
    path = write(tmp_path / "2023.xlsx", {"执法检查": [["甲", "乙"], [1, 2]]})
    finding = load_workbook(path).findings[0]
    assert (finding.location, finding.code) == ("执法检查!A1", "header-not-found")
    assert finding.message("en") == "no header row found in the first 30 rows (looked for: 检查日期、企业名称、检查方式)"


def test_the_reading_is_recorded_for_inspect(tmp_path):
    path = write(tmp_path / "2023.xlsx", {"1月": [["2023年1月行政处罚台账（金额单位：万元）"], [], PENALTY_HEADER[:6] + ["罚款金额"],
                                                 penalty(fine=1.5)[:7], ["合计", None, None, None, None, None, 1.5]],
                                          "汇总": [["共1件"]]},
                 merges={"1月": ["A1:G1"]})
    raw = read_workbook(path)
    part = raw.sheets["penalties"].parts[0]
    assert (part.name, part.read_as, part.header_rows) == ("1月", "header", (3, 3))
    assert part.units["fine"] == "万元" and part.unit_source["fine"] == "unit-line"
    assert part.unit_sources["fine"] == [("unit-line", "万元", "A1")]
    assert part.merged == ["A1:G1"]
    assert part.left_out == [(5, "合计")]
    assert part.positions["fine"] == 6 and part.headers["fine"] == "罚款金额"
    assert raw.skipped == [(str(path), "汇总", "unknown")]


# -- money units -----------------------------------------------------------------------------------

HEADING_ROWS = [
    ["案件编号", "企业名称", "立案日期", "决定日期", "处理结果", "罚款情况（万元）", None],
    [None, None, None, None, None, "罚款金额", "免减金额"],
]
HEADING_MERGES = ["A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:E2", "F1:G1"]


def _case(case, outcome="处罚", fine=1.5, waived=None):
    return [case, "甲公司", D(2023, 1, 5), D(2023, 2, 5), outcome, fine, waived]


def test_a_unit_in_a_merged_group_heading(tmp_path):
    rows = HEADING_ROWS + [_case("P1"), _case("P2"), _case("P3"), _case("P4", "减罚", 2, 0.25)]
    path = write(tmp_path / "2023.xlsx", {"行政处罚": rows}, merges={"行政处罚": HEADING_MERGES})
    workbook = load_workbook(path)
    assert workbook.findings == []
    summary = summarize(workbook)
    assert wan("penalties.fines", summary.value("penalties.fines")) == "6.5000"
    assert wan("penalties.reduced_amount", summary.value("penalties.reduced_amount")) == "0.2500"
    part = read_workbook(path).sheets["penalties"].parts[0]
    assert part.unit_source == {"fine": "heading", "waived": "heading"}


def test_three_rows_of_one_and_a_half_wan_from_a_heading(tmp_path):
    rows = HEADING_ROWS + [_case("P1"), _case("P2"), _case("P3")]
    path = write(tmp_path / "2023.xlsx", {"行政处罚": rows}, merges={"行政处罚": HEADING_MERGES})
    assert wan("penalties.fines", fines(path)) == "4.5000"


@pytest.mark.parametrize("line", ["金额单位：万元", "单位：万元", "单位:万元", "2023年行政处罚台账（金额单位：万元）"])
def test_a_unit_line_above_the_header(tmp_path, line):
    rows = [[line], [None], PENALTY_HEADER[:6] + ["罚款金额"], penalty("P1", fine=1.5)[:7],
            penalty("P2", fine="2.25")[:7]]
    path = write(tmp_path / "2023.xlsx", {"行政处罚": rows})
    assert load_workbook(path).findings == []
    assert fines(path) == 3_750_000


@pytest.mark.parametrize("number_format", ['0.00"万元"', '#,##0.00"万元"', '[$万元]0.00', '0.0000"万元";-0.0000"万元"'])
def test_a_unit_in_the_cells_number_format(tmp_path, number_format):
    rows = [PENALTY_HEADER[:6] + ["罚款金额"], penalty("P1", fine=1.5)[:7], penalty("P2", fine=0.5)[:7]]
    path = write(tmp_path / "2023.xlsx", {"行政处罚": rows}, formats={"行政处罚": {"G": number_format}})
    assert load_workbook(path).findings == []
    assert fines(path) == 2_000_000
    assert read_workbook(path).sheets["penalties"].parts[0].unit_source["fine"] == "number-format"


def test_a_yuan_number_format_agrees_with_a_plain_header(tmp_path):
    rows = [PENALTY_HEADER[:6] + ["罚款金额"], penalty("P1", fine=15000)[:7]]
    path = write(tmp_path / "2023.xlsx", {"行政处罚": rows}, formats={"行政处罚": {"G": '#,##0.00"元"'}})
    assert load_workbook(path).findings == []
    assert fines(path) == 1_500_000


@pytest.mark.parametrize("case", ["header and unit line", "header and number format", "heading and header"])
def test_two_units_that_disagree_are_bad_unit(tmp_path, case):
    formats = None
    if case == "header and unit line":
        rows = [["金额单位：万元"], PENALTY_HEADER, penalty()]
        expected = "行政处罚!G2"
        message = "the money unit of 罚款金额 is wrong: the header says 元, the unit line says 万元"
    elif case == "header and number format":
        rows = [PENALTY_HEADER, penalty()]
        formats = {"行政处罚": {"G": '0.00"万元"'}}
        expected = "行政处罚!G1"
        message = "the money unit of 罚款金额 is wrong: the header says 元, the number format says 万元"
    else:
        rows = [["案件编号", "企业名称", "立案日期", "决定日期", "处理结果", "罚款情况（万元）"],
                [None, None, None, None, None, "罚款金额（元）"], _case("P1")[:6]]
        expected = "行政处罚!F2"
        message = "the money unit of 罚款金额 is wrong: the header says 元, the group heading says 万元"
    path = write(tmp_path / "2023.xlsx", {"行政处罚": rows}, formats=formats)
    workbook = load_workbook(path)
    assert located(workbook.errors)[0] == (expected, "bad-unit")
    assert {code for _, code in located(workbook.errors)} == {"bad-unit"}
    assert workbook.errors[0].message("en") == message
    assert "penalties" not in workbook.records  # no figure is scaled by a guess, even with --keep-going


def test_an_unknown_unit_is_bad_unit(tmp_path):
    rows = [["金额单位：千元"], PENALTY_HEADER[:6] + ["罚款金额"], penalty()[:7]]
    workbook = load_workbook(write(tmp_path / "2023.xlsx", {"行政处罚": rows}))
    assert located(workbook.findings) == [("行政处罚!G2", "bad-unit")]
    assert workbook.findings[0].message("en") == "the money unit of 罚款金额 is wrong: '千元' in the unit line is not 元, 万元 or 亿元"


@pytest.mark.parametrize("fine, expected", [(99.99, ["fine-implausibly-small"]), (100, []), (1.5, ["fine-implausibly-small"])])
def test_a_fine_below_100_yuan_is_a_warning(tmp_path, fine, expected):
    workbook = load_workbook(write(tmp_path / "2023.xlsx", {"行政处罚": [PENALTY_HEADER, penalty(fine=fine)]}))
    assert [(finding.location, finding.code) for finding in workbook.findings] == [("行政处罚!G2", code) for code in expected]
    if expected:
        assert workbook.findings[0].severity == "warning"
        assert workbook.findings[0].message("en") == f"the fine is only {fine:.2f} 元 (below 100 元): a 万元 column read as 元?"
    assert workbook.records["penalties"].height == 1  # the figure stands


def test_a_small_fine_of_a_reduced_case_is_a_warning_and_not_an_exempted_one(tmp_path):
    rows = [PENALTY_HEADER, penalty("P1", outcome="减罚", fine=50, waived=10), penalty("P2", outcome="免罚", fine=0)]
    workbook = load_workbook(write(tmp_path / "2023.xlsx", {"行政处罚": rows}))
    assert located(workbook.findings) == [("行政处罚!G2", "fine-implausibly-small")]


# -- 是否X and full names ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, key", [("是否移送公安机关", "referred"), ("移送公安机关", "referred"), ("是否移送", "referred"),
                                       ("是否行政拘留", "detention"), ("是否法制审核", "legal_review"),
                                       ("是否重大案件法制审核", "legal_review")])
def test_yes_no_questions_are_their_columns(text, key):
    assert match_header(PENALTIES, text) == (key, "")


@pytest.mark.parametrize("text, key", [("是否发现问题", "problem_found"), ("是否非现场", "remote"), ("是否非现场执法", "remote")])
def test_inspection_questions(text, key):
    assert match_header(INSPECTIONS, text) == (key, "")


def test_a_question_prefix_does_not_make_a_text_column():
    assert match_header(PENALTIES, "是否企业名称") == (None, "")


def test_question_headers_give_their_figures(tmp_path):
    header = [*PENALTY_HEADER[:8], "是否移送公安机关", "是否行政拘留", "是否法制审核"]
    rows = [header, penalty("P1", referred="是", detention="是", review="是"), penalty("P2", referred="是"),
            penalty("P3", review="是")]
    workbook = load_workbook(write(tmp_path / "2023.xlsx", {"行政处罚": rows}))
    assert workbook.findings == []
    summary = summarize(workbook)
    assert (summary.value("penalties.police_referrals"), summary.value("penalties.detentions"),
            summary.value("penalties.legal_reviews")) == (2, 1, 2)


# -- 免罚金额 and 减罚金额 ------------------------------------------------------------------------------

SPLIT_HEADER = [*PENALTY_HEADER[:7], "免罚金额（万元）", "减罚金额（万元）"]


def _split(case, outcome, fine, exempted=None, reduced=None):
    return [*penalty(case, outcome=outcome, fine=fine)[:7], exempted, reduced]


def test_separate_exempted_and_reduced_columns_each_serve_their_outcome(tmp_path):
    rows = [SPLIT_HEADER, _split("P1", "免罚", None, exempted=1.25), _split("P2", "免罚", 0, exempted=0.5),
            _split("P3", "减罚", 8000, reduced=0.3), _split("P4", "处罚", 10000)]
    workbook = load_workbook(write(tmp_path / "2023.xlsx", {"行政处罚": rows}))
    assert workbook.findings == []
    summary = summarize(workbook)
    assert wan("penalties.exempted_amount", summary.value("penalties.exempted_amount")) == "1.7500"
    assert wan("penalties.reduced_amount", summary.value("penalties.reduced_amount")) == "0.3000"


def test_an_amount_in_the_column_of_another_outcome_is_an_error(tmp_path):
    rows = [SPLIT_HEADER, _split("P1", "减罚", 8000, exempted=0.3), _split("P2", "免罚", None, reduced=1),
            _split("P3", "处罚", 10000, reduced=1), _split("P4", "免罚", None, exempted=1)]
    workbook = load_workbook(write(tmp_path / "2023.xlsx", {"行政处罚": rows}))
    assert located(workbook.findings) == [("行政处罚!H2", "waived-amount-wrong-outcome"),
                                          ("行政处罚!I3", "waived-amount-wrong-outcome"),
                                          ("行政处罚!I4", "waived-amount-wrong-outcome")]
    assert workbook.findings[0].message("en") == "outcome 减罚 must have no 免罚金额, but it is 0.3"
    assert workbook.rows_with_errors == 3
    assert workbook.records["penalties"]["waived"].to_list() == [1_000_000]


def test_a_single_waived_column_keeps_working(tmp_path):
    rows = [PENALTY_HEADER, penalty("P1", outcome="免罚", fine=None, waived=5000),
            penalty("P2", outcome="减罚", fine=8000, waived=2000)]
    summary = summarize(load_workbook(write(tmp_path / "2023.xlsx", {"行政处罚": rows})))
    assert (summary.value("penalties.exempted_amount"), summary.value("penalties.reduced_amount")) == (500_000, 200_000)


def test_a_lone_reduced_column_is_the_waived_column(tmp_path):
    rows = [[*PENALTY_HEADER[:7], "减罚金额"], [*penalty("P1", outcome="减罚", fine=8000)[:7], 2000]]
    summary = summarize(load_workbook(write(tmp_path / "2023.xlsx", {"行政处罚": rows})))
    assert summary.value("penalties.reduced_amount") == 200_000


# -- header blocks of 1-3 rows ---------------------------------------------------------------------

def test_a_three_row_header_with_a_name_merged_down_it(tmp_path):
    rows = [
        ["2023年行政处罚案件台账"],
        [],
        ["案件信息", None, None, "办理情况", None, None, "罚款情况（万元）", None, "法制审核"],
        [None, None, None, "日期", None, None, None, None, None],
        ["案件编号", "企业名称", "统一社会信用代码", "立案日期", "决定日期", "处理结果", "罚款金额", "免减金额", None],
        [*penalty("P1", fine=1.5, review="是")[:8], "是"],
        [*penalty("P2", fine=2.5)[:8], "否"],
        [*penalty("P3", fine=1, review="是")[:8], "是"],
    ]
    merges = ["A1:I1", "A3:C4", "D3:F3", "D4:E4", "G3:H4", "I3:I5"]
    workbook = load_workbook(write(tmp_path / "2023.xlsx", {"行政处罚": rows}, merges={"行政处罚": merges}))
    assert workbook.findings == []
    assert workbook.records["penalties"]["_row"].to_list() == [6, 7, 8]
    summary = summarize(workbook)
    assert summary.value("penalties.legal_reviews") == 2
    assert wan("penalties.legal_review_amount", summary.value("penalties.legal_review_amount")) == "2.5000"
    assert wan("penalties.fines", summary.value("penalties.fines")) == "5.0000"


# -- info findings: unused headers that look like known columns -------------------------------------

def test_an_unused_header_that_looks_like_a_known_column_is_an_info(tmp_path):
    header = [*PENALTY_HEADER, "罚款金额合计", "备注", "立案日"]
    workbook = load_workbook(write(tmp_path / "2023.xlsx", {"行政处罚": [header, penalty() + [10000, "无", None]]}))
    assert [(f.location, f.code, f.severity, f.column, f.value) for f in workbook.findings] == [
        ("行政处罚!L1", "unused-header", "info", "罚款金额", "罚款金额合计"),
        ("行政处罚!N1", "unused-header", "info", "立案日期", "立案日")]
    assert workbook.findings[0].message("en") == "header '罚款金额合计' is not used, though it looks like 罚款金额"
    assert load_workbook(write(tmp_path / "b.xlsx", {"行政处罚": [header, penalty() + [1, "", None]]})).errors == []


def test_nearest_column():
    assert nearest_column(PENALTIES, "罚款金额合计") == "罚款金额"
    assert nearest_column(PENALTIES, "是否移送") == "移送公安"
    assert nearest_column(PENALTIES, "序号") == ""
    assert nearest_column(PENALTIES, "备注") == ""


def test_info_findings_never_change_the_exit_code_and_show_only_when_verbose(tmp_path):
    sheets = {name: [PENALTY_HEADER, penalty(f"P{index}")] for index, name in enumerate(MONTHS[:2])}
    path = write(tmp_path / "2023.xlsx", sheets)
    runner = CliRunner()
    plain = runner.invoke(cli, ["validate", str(path), "--strict"])
    assert (plain.exit_code, plain.output) == (0, f"0 findings (0 errors, 0 warnings) in {path}\n")
    verbose = runner.invoke(cli, ["validate", str(path), "--strict", "-v", "--lang", "en"])
    assert verbose.exit_code == 0
    assert "1月  info     sheet-read-by-header sheet '1月' is read as 行政处罚 (penalties) by its header" in verbose.output
    assert verbose.output.endswith(f"2 findings (0 errors, 0 warnings, 2 info) in {path}\n")
    as_json = runner.invoke(cli, ["validate", str(path), "--format", "json", "--strict"])
    assert as_json.exit_code == 0
    assert '"severity": "info"' in as_json.output and '"ok": true' in as_json.output
    for command in (["summarize", str(path)], ["export", str(path), "--to", str(tmp_path / "out"), "--format", "json"]):
        quiet = runner.invoke(cli, command)
        assert quiet.exit_code == 0 and "sheet-read-by-header" not in quiet.output
        loud = runner.invoke(cli, [*command, "--verbose"])
        assert loud.exit_code == 0 and "sheet-read-by-header" in loud.output


def test_a_reporting_unit_line_is_not_a_money_unit(tmp_path):
    rows = [["填报单位：某某元和区生态环境局"], PENALTY_HEADER[:6] + ["罚款金额"], penalty(fine=15000)[:7]]
    path = write(tmp_path / "2023.xlsx", {"行政处罚": rows})
    assert load_workbook(path).findings == []
    assert fines(path) == 1_500_000
    assert read_workbook(path).sheets["penalties"].parts[0].unit_source["fine"] == "default"


def test_compare_takes_verbose_and_the_error_path_hides_info(tmp_path):
    runner = CliRunner()
    paths = []
    for year in (2022, 2023):
        rows = [PENALTY_HEADER, penalty("P1", filed=D(year, 1, 5), decided=D(year, 2, 5))]
        paths.append(str(write(tmp_path / f"{year}.xlsx", {"1月": rows})))
    quiet = runner.invoke(cli, ["compare", *paths])
    assert quiet.exit_code == 0 and "sheet-read-by-header" not in quiet.output
    loud = runner.invoke(cli, ["compare", *paths, "-v"])
    assert loud.exit_code == 0 and "sheet-read-by-header" in loud.output
    broken = str(write(tmp_path / "2024.xlsx", {"1月": [PENALTY_HEADER, penalty(fine=-1)]}))
    failed = runner.invoke(cli, ["summarize", broken])
    assert failed.exit_code == 1
    assert "negative-amount" in failed.output and "sheet-read-by-header" not in failed.output
    assert "sheet-read-by-header" in runner.invoke(cli, ["summarize", broken, "--verbose"]).output


def test_a_heading_merged_across_named_columns_is_not_one_of_them(tmp_path):
    rows = [["案件编号", "企业名称", "立案日期", "决定日期", "处理结果", "罚款金额", "移送公安", None],
            [None, None, None, None, None, None, "是否移送", "移送日期"],
            ["P1", "甲公司", D(2023, 1, 5), D(2023, 2, 5), "处罚", 10000, "是", D(2023, 3, 1)]]
    merges = ["A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:E2", "F1:F2", "G1:H1"]
    workbook = load_workbook(write(tmp_path / "2023.xlsx", {"行政处罚": rows}, merges={"行政处罚": merges}))
    assert [finding.code for finding in workbook.findings if finding.severity != "info"] == []
    assert summarize(workbook).value("penalties.police_referrals") == 1
    part = read_workbook(tmp_path / "2023.xlsx").sheets["penalties"].parts[0]
    assert part.positions["referred"] == 6 and part.headers["referred"] == "是否移送"
