"""Every rule of DATA.md: a workbook built here, and the exact (cell, code) it must produce."""
from __future__ import annotations

import datetime as dt

import pytest

from conftest import (AIR_HEADER, COMPENSATION_HEADER, INDICATOR_HEADER, INSPECTION_HEADER, PENALTY_HEADER, air,
                      compensation, inspection, located, penalty)
from lawreport_cli.records import load_workbook

D = dt.date

CASES = {
    # -- errors --
    "missing column": ("行政处罚", [PENALTY_HEADER[:5] + PENALTY_HEADER[6:]], [("行政处罚!A1", "missing-column")]),
    "bad date": ("行政处罚", [PENALTY_HEADER, penalty(decided="2023-13-45")], [("行政处罚!E2", "bad-date")]),
    "bad money": ("行政处罚", [PENALTY_HEADER, penalty(fine="三千元")], [("行政处罚!G2", "bad-money")]),
    # Two points is no amount (it was read as 5.5); Int64's least value and an exponent beyond
    # Decimal's range are no amounts either (they were 0, and a traceback).
    "money with two decimal points": ("行政处罚", [PENALTY_HEADER, penalty(fine="5.5.5")], [("行政处罚!G2", "bad-money")]),
    "money with a trailing point after decimals": ("行政处罚", [PENALTY_HEADER, penalty(fine="68.0.")],
                                                    [("行政处罚!G2", "bad-money")]),
    "money at Int64's least value": ("行政处罚", [PENALTY_HEADER, penalty(fine="-9223372036854775808")],
                                     [("行政处罚!G2", "bad-money")]),
    "money with a vast exponent": ("行政处罚", [PENALTY_HEADER, penalty(fine="9e999999999")],
                                   [("行政处罚!G2", "bad-money")]),
    "bad yes/no": ("行政处罚", [PENALTY_HEADER, penalty(referred="也许")], [("行政处罚!I2", "bad-yes-no")]),
    "bad choice": ("行政处罚", [PENALTY_HEADER, penalty(outcome="警告")], [("行政处罚!F2", "bad-choice")]),
    "bad number": ("空气质量", [AIR_HEADER, air(pm25="n/a")], [("空气质量!C2", "bad-number")]),
    "Excel error in a text column": ("行政处罚", [PENALTY_HEADER, penalty(name="#N/A")], [("行政处罚!B2", "cell-error")]),
    "Excel error in a money column": ("行政处罚", [PENALTY_HEADER, penalty(fine="#DIV/0!")],
                                      [("行政处罚!G2", "cell-error")]),
    "absurd number": ("空气质量", [AIR_HEADER, air(so2="1e300")], [("空气质量!E2", "bad-number")]),
    "absurd negative number": ("空气质量", [AIR_HEADER, air(o3="-1e20", aqi=50)], [("空气质量!H2", "bad-number")]),
    "bad month": ("其他指标", [INDICATOR_HEADER, ["学法次数", 9, "次", "", 13]], [("其他指标!E2", "bad-month")]),
    "negative amount": ("行政处罚", [PENALTY_HEADER, penalty(fine=-3000)], [("行政处罚!G2", "negative-amount")]),
    "negative concentration": ("空气质量", [AIR_HEADER, air(so2=-1)], [("空气质量!E2", "negative-concentration")]),
    "duplicate case number": ("行政处罚", [PENALTY_HEADER, penalty(), penalty(name="乙公司")],
                              [("行政处罚!A3", "duplicate-case-number")]),
    "duplicate compensation case": ("损害赔偿", [COMPENSATION_HEADER, compensation(), compensation()],
                                    [("损害赔偿!A3", "duplicate-case-number")]),
    "duplicate date for a city": ("空气质量", [AIR_HEADER, air(), air(city="滕州市"), air()],
                                  [("空气质量!A4", "duplicate-date")]),
    "decision before filing": ("行政处罚", [PENALTY_HEADER, penalty(filed=D(2023, 3, 1), decided=D(2023, 2, 1))],
                               [("行政处罚!E2", "decision-before-filing")]),
    "agreement before start": ("损害赔偿", [COMPENSATION_HEADER, compensation(agreed=D(2023, 1, 1))],
                               [("损害赔偿!C2", "agreement-before-start")]),
    "penalty without fine": ("行政处罚", [PENALTY_HEADER, penalty(fine=None)], [("行政处罚!G2", "penalty-without-fine")]),
    "reduced with zero fine": ("行政处罚", [PENALTY_HEADER, penalty(outcome="减罚", fine=0, waived=100)],
                               [("行政处罚!G2", "penalty-without-fine")]),
    "penalty without filing date": ("行政处罚", [PENALTY_HEADER, penalty(filed=None)],
                                    [("行政处罚!D2", "penalty-without-filing-date")]),
    "waived with a fine": ("行政处罚", [PENALTY_HEADER, penalty(outcome="免罚", fine=500, waived=500)],
                           [("行政处罚!G2", "waived-with-fine")]),
    "not punished with a fine": ("行政处罚", [PENALTY_HEADER, penalty(outcome="不予处罚", fine=1)],
                                 [("行政处罚!G2", "waived-with-fine")]),
    "agreement without amount": ("损害赔偿", [COMPENSATION_HEADER, compensation(amount=None)],
                                 [("损害赔偿!D2", "agreement-without-amount")]),
    "detention without referral": ("行政处罚", [PENALTY_HEADER, penalty(detention="是")],
                                   [("行政处罚!J2", "detention-without-referral")]),
    "required value blank": ("执法检查", [INSPECTION_HEADER, inspection(name=None)], [("执法检查!B2", "missing-value")]),
    "required date blank": ("执法检查", [INSPECTION_HEADER, inspection(date=None)], [("执法检查!A2", "missing-value")]),
    "outcome blank on a decided case": ("行政处罚", [PENALTY_HEADER, penalty(outcome=None)],
                                        [("行政处罚!F2", "missing-value")]),
    "row date that cannot belong to the ledger": (
        "行政处罚", [PENALTY_HEADER, penalty(), penalty(case="P2", decided=D(2203, 2, 5))],
        [("行政处罚!E3", "date-outside-ledger")]),
    "row date before 2000": ("执法检查", [INSPECTION_HEADER, inspection(), inspection(date=D(1999, 12, 31))],
                             [("执法检查!A3", "date-outside-ledger")]),
    "ND without its limit": ("地表水", [["断面名称", "监测日期", "总磷"], ["甲桥", D(2023, 1, 5), "ND"]],
                             [("地表水!C2", "not-detected-without-limit")]),
    "neither 监测日期 nor 月份": ("地表水", [["断面名称", "总磷", "氨氮"], ["甲桥", 0.1, 0.2]],
                              [("地表水!A1", "missing-one-of-columns")]),
    "indicator in two units that are not multiples": (
        "其他指标", [INDICATOR_HEADER, ["环保服务手册", 3, "份", "", 1], ["环保服务手册", 2, "万份", "", 2],
                 ["环保服务手册", 4, "次", "", 3], ["环保服务手册", 5, "次", "", 4]],
        [("其他指标!C4", "mixed-units")]),
    # -- warnings --
    "given 水质类别 differs": ("地表水", [["断面名称", "监测日期", "水质类别", "总磷"], ["甲桥", D(2023, 1, 5), "Ⅱ", 0.15]],
                           [("地表水!C2", "water-class-mismatch")]),
    "credit code check digit": ("执法检查", [INSPECTION_HEADER, inspection(code="91370400MA3C5X7Y2K")],
                                [("执法检查!C2", "credit-code-check")]),
    "given AQI differs": ("空气质量", [AIR_HEADER, air(pm25=30, aqi=50)], [("空气质量!I2", "aqi-mismatch")]),
    "given level differs": ("空气质量", [AIR_HEADER, air(pm25=30, level="优")], [("空气质量!J2", "level-mismatch")]),
    "row date outside the year": ("执法检查", [INSPECTION_HEADER, inspection(), inspection(date=D(2022, 12, 31))],
                                  [("执法检查!A3", "date-outside-year")]),
    "penalty counted by its decision date": (
        "行政处罚", [PENALTY_HEADER, penalty(), penalty(case="P2", filed=D(2022, 12, 1), decided=D(2024, 1, 2))],
        [("行政处罚!E3", "date-outside-year")]),
    "concentration beyond the table": ("空气质量", [AIR_HEADER, air(pm25=600, aqi=500, level="严重污染")],
                                       [("空气质量!C2", "concentration-off-scale")]),
    "O3 over 800 without O3_1h": ("空气质量", [AIR_HEADER, air(o3=900, aqi=None)], [("空气质量!H2", "o3-1h-missing")]),
    "amount finer than a fen": ("行政处罚", [PENALTY_HEADER, penalty(fine="100.005")],
                                [("行政处罚!G2", "sub-fen-amount")]),
    "final outcome on an open case": ("行政处罚", [PENALTY_HEADER, penalty(decided=None)],
                                      [("行政处罚!F2", "open-case-with-outcome")]),
    "unknown money unit": ("行政处罚", [[*PENALTY_HEADER[:6], "罚款金额（千元）", *PENALTY_HEADER[7:]], penalty()],
                           [("行政处罚!G1", "bad-unit")]),
    "column given twice": ("执法检查", [INSPECTION_HEADER + ["区县"], inspection() + ["薛城区"]],
                           [("执法检查!H1", "duplicate-column")]),
    "stray value below the table": ("行政处罚", [PENALTY_HEADER, penalty(), *[[]] * 37, [None] * 25 + ["核对"]],
                                    [("行政处罚!Z40", "stray-value")]),
    "no header": ("执法检查", [["a", "b"], [1, 2]], [("执法检查!A1", "header-not-found")]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_rule_finding_at_its_cell(book, name):
    sheet, rows, expected = CASES[name]
    workbook = load_workbook(book({sheet: rows}))
    assert located(workbook.findings) == expected


ERROR_CASES = [name for name, (_, _, expected) in CASES.items()
               if expected[0][1] not in ("credit-code-check", "aqi-mismatch", "level-mismatch", "date-outside-year",
                                         "concentration-off-scale", "o3-1h-missing", "sub-fen-amount",
                                         "open-case-with-outcome", "duplicate-column", "stray-value", "water-class-mismatch")]


@pytest.mark.parametrize("name", ERROR_CASES)
def test_errors_are_errors(book, name):
    sheet, rows, _ = CASES[name]
    assert load_workbook(book({sheet: rows})).errors


def test_a_row_with_an_error_is_left_out_and_counted(book):
    rows = [PENALTY_HEADER, penalty("P1"), penalty("P2", fine=-5), penalty("P3")]
    workbook = load_workbook(book({"行政处罚": rows}))
    assert workbook.rows_with_errors == 1
    assert workbook.records["penalties"]["case_no"].to_list() == ["P1", "P3"]


def test_warnings_leave_the_row_in(book):
    rows = [INSPECTION_HEADER, inspection(code="91370400MA3C5X7Y2K")]
    workbook = load_workbook(book({"执法检查": rows}))
    assert workbook.records["inspections"].height == 1
    assert workbook.rows_with_errors == 0


def test_same_date_in_two_cities_is_fine(book):
    workbook = load_workbook(book({"空气质量": [AIR_HEADER, air(), air(city="滕州市")]}))
    assert workbook.findings == []


def test_the_first_of_a_duplicate_pair_is_named(book):
    rows = [PENALTY_HEADER, penalty("P1"), penalty("P2"), penalty("P1")]
    finding = load_workbook(book({"行政处罚": rows})).findings[0]
    assert finding.message("en") == "case number 'P1' is a duplicate (first on row 2)"


def test_unknown_and_hidden_sheets_are_warnings(book):
    path = book({"行政处罚": [PENALTY_HEADER, penalty()], "说明": [["随便写写"]], "执法检查": [INSPECTION_HEADER, inspection()]},
                hidden=("执法检查",))
    workbook = load_workbook(path)
    assert located(workbook.findings) == [("执法检查", "hidden-sheet"), ("说明", "unknown-sheet")]
    assert workbook.records["inspections"].height == 1


def test_no_known_sheet_is_an_error(book):
    workbook = load_workbook(book({"Sheet1": [["a"]]}))
    assert [finding.code for finding in workbook.errors] == ["no-known-sheet"]


def test_every_code_has_a_test_or_is_file_level():
    from lawreport_cli.codes import CODES

    tested = {expected[0][1] for _, _, expected in CASES.values()}
    tested |= {"hidden-sheet", "unknown-sheet", "no-known-sheet"}
    # Tested at their cells in test_sheets.py and test_merged.py.
    tested |= {"sheet-read-by-header", "ambiguous-sheet", "unused-header", "fine-implausibly-small",
               "waived-amount-wrong-outcome", "formula-without-value"}
    assert set(CODES) - tested == set()
