"""Workbooks built in code: one per variation, one per rule (few binary files are committed)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

PENALTY_HEADER = ["案件编号", "企业名称", "统一社会信用代码", "立案日期", "决定日期", "处理结果",
                  "罚款金额（元）", "免减金额（元）", "移送公安", "行政拘留", "法制审核"]
INSPECTION_HEADER = ["检查日期", "企业名称", "统一社会信用代码", "检查方式", "区县", "发现问题", "非现场"]
COMPENSATION_HEADER = ["案件编号", "启动日期", "协议日期", "赔偿金额（万元）", "流域"]
AIR_HEADER = ["日期", "城市", "PM2.5", "PM10", "SO2", "NO2", "CO", "O3_8h", "AQI", "质量等级"]
INDICATOR_HEADER = ["指标", "数值", "单位", "分类", "月份"]
VALID_CODE = "91110000802100433B"


def penalty(case="P1", name="甲公司", code=VALID_CODE, filed=dt.date(2023, 1, 5), decided=dt.date(2023, 2, 5),
            outcome="处罚", fine=10000, waived=None, referred="否", detention="否", review="否"):
    return [case, name, code, filed, decided, outcome, fine, waived, referred, detention, review]


def inspection(date=dt.date(2023, 3, 1), name="甲公司", code=VALID_CODE, method="双随机", district="市中区",
               problem="否", remote="否"):
    return [date, name, code, method, district, problem, remote]


def compensation(case="C1", started=dt.date(2023, 2, 1), agreed=dt.date(2023, 5, 1), amount=12.5, basin="南四湖流域"):
    return [case, started, agreed, amount, basin]


def air(date=dt.date(2023, 1, 1), city="枣庄市", pm25=30, pm10=60, so2=8, no2=30, co=0.8, o3=90, aqi=None, level=None):
    return [date, city, pm25, pm10, so2, no2, co, o3, aqi, level]


def write_workbook(path: Path, sheets: dict[str, list[list]], hidden: tuple[str, ...] = (),
                   merges: dict[str, list[str]] | None = None, formats: dict[str, dict[str, str]] | None = None
                   ) -> Path:
    """Write `sheets` (name -> rows, row 1 first) with openpyxl; returns the path.

    formats: name -> {"G": '0.00"万元"'}, the number format of that column's numeric data cells (row 2 on).
    """
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
        for cell_range in (merges or {}).get(name, []):
            sheet.merge_cells(cell_range)
        for letter, number_format in (formats or {}).get(name, {}).items():
            for row in range(2, len(rows) + 1):
                cell = sheet[f"{letter}{row}"]
                if isinstance(cell.value, (int, float)):
                    cell.number_format = number_format
        if name in hidden:
            sheet.sheet_state = "hidden"
    workbook.save(path)
    return path


@pytest.fixture
def book(tmp_path):
    """book({"行政处罚": [header, row, ...]}) -> path of a fresh workbook."""
    counter = iter(range(1000))

    def make(sheets, **options):
        return write_workbook(tmp_path / f"2023-{next(counter)}.xlsx", sheets, **options)

    return make


def located(findings) -> list[tuple[str, str]]:
    """Findings as (sheet!cell, code), the shape the rule tests assert."""
    return [(finding.location, finding.code) for finding in findings]


def sheet_with(source, target, extra: bytes, before: bytes = b"</sheetData>",
               part: str = "xl/worksheets/sheet1.xml") -> Path:
    """A copy of the workbook `source` with `extra` XML written into a sheet part, before the
    first `before`: what a program that writes its own XML (or an attacker) may put there."""
    import zipfile

    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as rewritten:
        for info in original.infolist():
            content = original.read(info.filename)
            if info.filename == part:
                content = content.replace(before, extra + before, 1)
            rewritten.writestr(info.filename, content)
    return Path(target)

