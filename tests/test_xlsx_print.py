"""The XLSX export prints: A4, one page wide, header rows repeated, standards and page numbers in the footer."""
from __future__ import annotations

import io

import openpyxl
import pytest

from conftest_render import CITY_AIR, MONTHLY, seed_comparison, summary
from lawreport_cli.render.standards_text import standards_for
from lawreport_cli.render.xlsx import footer_text, summary_xlsx

A4 = 9  # SpreadsheetML paperSize code


@pytest.fixture(scope="module")
def book():
    comparison = seed_comparison()
    comparison.current.monthly = MONTHLY
    return openpyxl.load_workbook(io.BytesIO(summary_xlsx(comparison.current, comparison)))


def test_every_sheet_a4_one_page_wide_header_repeated(book):
    assert book.sheetnames == ["空气质量", "执法检查", "行政处罚", "生态环境损害赔偿", "其他指标", "同比", "月度", "说明"]
    for ws in book.worksheets:
        setup = ws.page_setup
        assert int(setup.paperSize) == A4, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert (int(setup.fitToWidth), int(setup.fitToHeight)) == (1, 0), ws.title  # as many pages tall as needed
        assert ws.print_title_rows == "$1:$1", ws.title


def test_wide_sheets_landscape_narrow_ones_portrait(book):
    orientation = {ws.title: ws.page_setup.orientation for ws in book.worksheets}
    assert orientation["同比"] == "landscape"  # 9 columns: label, unit, two years, change, %, 同比, id
    assert orientation["月度"] == "landscape"  # the charts sit beside the table
    assert orientation["行政处罚"] == orientation["空气质量"] == "portrait"


def test_footer_names_the_standards_and_pages(book):
    air = book["空气质量"].oddFooter
    assert air.left.text == "2023年 空气质量 依据 HJ 633—2012、HJ 663—2013"
    assert air.right.text == "第 &P 页 共 &N 页"
    assert book["行政处罚"].oddFooter.left.text == "2023年 行政处罚"  # no standard behind these counts
    assert "HJ 663—2013" in book["同比"].oddFooter.left.text


def test_standards_from_the_summary_when_it_names_them():
    # METRICS.md's JSON shape of "standards", as the air section reports it for 2026
    standards = {"aqi": [{"id": "HJ 633-2012", "from": "2026-01-01", "to": "2026-02-28"},
                         {"id": "HJ 633-2026", "from": "2026-03-01", "to": "2026-12-31"}],
                 "annual": "HJ 663-2013"}
    result = summary(2026)
    assert standards_for(result, "air") == ["HJ 633—2012", "HJ 663—2013"]  # the fallback table
    result.standards = standards
    assert standards_for(result, "air") == ["HJ 633—2012", "HJ 633—2026", "HJ 663—2013"]
    assert standards_for(result, "penalties") == []


def test_footer_escapes_ampersand_and_fits_excel_limit():
    from lawreport_cli.render.xlsx import _Book

    result = summary(values={}, indicators=[], by_city=CITY_AIR)
    sheet = _Book(io.BytesIO(), "zh").sheet("A&B")
    sheet.section = "air"
    assert footer_text(sheet, result, "zh") == "&L2023年 A&&B 依据 HJ 633—2012、HJ 663—2013&R第 &P 页 共 &N 页"
    result.standards = [f"HJ {number}-2012" for number in range(600, 640)]  # 40 standards: too long
    text = footer_text(sheet, result, "zh")
    assert len(text) <= 255 and "…&R第 &P 页 共 &N 页" in text


def test_print_settings_keep_the_bytes_deterministic():
    comparison = seed_comparison()
    assert summary_xlsx(comparison.current, comparison) == summary_xlsx(comparison.current, comparison)
