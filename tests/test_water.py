"""The 地表水 section end to end: workbooks built here, figures worked out by hand.

The 26-section city: 总磷 decides every class (氨氮 0.4 is Ⅱ everywhere), two
monthly results with the same values, so each mean is the value itself.

  国控 S01 0.1 Ⅱ, S02 0.2 Ⅲ, S03 0.15 Ⅲ, S04 0.05 Ⅱ
  省控 S05 0.02 (Ⅰ, but 氨氮 makes it Ⅱ), S06 0.18 Ⅲ, S07 0.09 Ⅱ, S08 湖泊 0.04 Ⅲ (a river would be Ⅱ), S09 水库 0.02 Ⅱ
  市控 S10 0.25 Ⅳ, S11 0.35 Ⅴ, S12 0.5 劣Ⅴ, S13 0.3 Ⅳ, S14..S26 0.19 Ⅲ (13 sections)

Classes: Ⅰ 0, Ⅱ 5, Ⅲ 4 + 13 = 17, Ⅳ 2, Ⅴ 1, 劣Ⅴ 1. Ⅰ–Ⅲ 22 of 26 = 84.6%; 劣Ⅴ 1 of 26 =
3.8%; 国、省控 9, all Ⅰ–Ⅲ: 100.0%. Targets: Ⅲ except S09 Ⅱ, S10 4 (= Ⅳ), S11 IV, S12 none:
25 with a target, 23 met (S11 Ⅴ > Ⅳ and S13 Ⅳ > Ⅲ are not): 92.0%.
"""
from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pytest
from click.testing import CliRunner

from conftest import located, write_workbook
from lawreport_cli.cli import cli
from lawreport_cli.compare import compare
from lawreport_cli.records import load_workbook
from lawreport_cli.render import FILE_EXPORTERS, SUMMARY_FORMATS
from lawreport_cli.summarize import summarize

D = dt.date
TITLE = ["2023年重点河流断面水质监测结果"]
# (name, level as exported, water body, target, 总磷)
CITY = [
    ("S01", "国考", "河流", "Ⅲ类", 0.1), ("S02", "国考", "河流", "Ⅲ类", 0.2), ("S03", "国控", None, "Ⅲ类", 0.15),
    ("S04", "国控", "河流", "Ⅲ类", 0.05), ("S05", "省考", "河流", "Ⅲ类", 0.02), ("S06", "省控", "河流", "III", 0.18),
    ("S07", "省控", "河流", "Ⅲ类", 0.09), ("S08", "省控", "湖泊", "Ⅲ类", 0.04), ("S09", "省控", "水库", "Ⅱ类", 0.02),
    ("S10", "市控", "河流", "4", 0.25), ("S11", "市考", "河流", "IV", 0.35), ("S12", "市控", "河流", None, 0.5),
    ("S13", "市控", "河流", "3", 0.3),
] + [(f"S{n}", "市控", "河流", "Ⅲ类", 0.19) for n in range(14, 27)]


def city_rows() -> list[list]:
    """Title, a blank row, a header over two merged rows, then two months per section, a note."""
    rows = [TITLE, [],
            ["断面名称", "断面级别", "水体类型", "采样日期", "目标类别", "监测项目（mg/L）", None],
            [None, None, None, None, None, "总磷", "氨氮"]]
    for month in (1, 2):
        for name, level, body, target, tp in CITY:
            rows.append([name, level, body, D(2023, month, 8), target, tp, 0.4])
    rows.append(["注：低于检出限的以“L”表示"])
    return rows


MERGES = ["A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:E4", "F3:G3", "A1:G1"]


@pytest.fixture
def city(tmp_path):
    path = write_workbook(tmp_path / "2023.xlsx", {"2023年地表水水质": city_rows()}, merges={"2023年地表水水质": MERGES})
    workbook = load_workbook(path)
    assert workbook.findings == []
    return summarize(workbook)


def values(summary) -> dict:
    return {mid: figure.value for mid, figure in summary.figures.items() if mid.startswith("water.")}


def test_a_26_section_city(city):
    got = {mid: str(value) for mid, value in values(city).items()}
    assert got == {
        "water.sections": "26", "water.good_sections": "22", "water.good_ratio": "84.6",
        "water.bad5_sections": "1", "water.bad5_ratio": "3.8",
        "water.class_1_sections": "0", "water.class_2_sections": "5", "water.class_3_sections": "17",
        "water.class_4_sections": "2", "water.class_5_sections": "1",
        "water.target_sections": "25", "water.target_met": "23", "water.target_rate": "92.0",
        "water.key_sections": "9", "water.key_good_ratio": "100.0",
    }


def test_json_by_section_exact(city):
    doc = city.to_dict()
    assert list(doc) == ["source", "period", "metrics", "by_section", "findings"]
    assert doc["metrics"]["water.key_good_ratio"] == {"value": 100, "unit": "%", "label": "国、省控断面优良比例"}
    assert doc["metrics"]["water.good_ratio"] == {"value": 84.6, "unit": "%", "label": "水质优良比例"}
    by_section = doc["by_section"]
    assert list(by_section) == [name for name, *_ in CITY]
    assert by_section["S10"] == {
        "class": "Ⅳ", "status": "轻度污染", "level": "市控", "target": "Ⅳ", "met": True,
        "main_pollutants": [{"indicator": "总磷", "exceedance": "0.25"}],
        "indicators": {"总磷": {"mean": "0.25", "class": "Ⅳ"}, "氨氮": {"mean": "0.4", "class": "Ⅱ"}},
    }
    assert by_section["S12"] == {
        "class": "劣Ⅴ", "status": "重度污染", "level": "市控", "target": None, "met": None,
        "main_pollutants": [{"indicator": "总磷", "exceedance": "1.50"}],
        "indicators": {"总磷": {"mean": "0.5", "class": "劣Ⅴ"}, "氨氮": {"mean": "0.4", "class": "Ⅱ"}},
    }
    assert by_section["S08"]["class"] == "Ⅲ" and by_section["S08"]["status"] == "良好"  # a lake's 总磷
    assert by_section["S05"]["status"] == "优" and by_section["S05"]["level"] == "省控"  # 省考 = 省控
    assert by_section["S11"]["met"] is False and by_section["S11"]["target"] == "Ⅳ"
    assert by_section["S01"]["main_pollutants"] == []


def test_every_format_shows_water(city):
    table = SUMMARY_FORMATS["table"](city, "zh")
    assert "地表水 · 分断面" in table and "国、省控断面优良比例" in table
    assert "总磷(1.50)" in table
    markdown = SUMMARY_FORMATS["markdown"](city, "zh")
    assert "## 地表水  (2023-01-01 — 2023-12-31)" in markdown
    prose = SUMMARY_FORMATS["prose"](city, "zh")
    assert "全市26个重点河流断面中，Ⅰ—Ⅲ类断面22个，占84.6%；9个国、省控断面水体优良比例达到100%。" in prose
    csv_text = SUMMARY_FORMATS["csv"](city, "zh")
    assert "water,water.sections,监测断面数,26,个," in csv_text
    assert "water,water.by_section.class,水质类别,劣Ⅴ,,S12" in csv_text
    book = openpyxl.load_workbook(io.BytesIO(FILE_EXPORTERS["xlsx"](city, None, "zh")))
    rows = [list(row) for row in book["地表水"].iter_rows(values_only=True)]
    assert ["水质优良比例", 84.6, "%", "water.good_ratio"] in [row[:4] for row in rows]
    assert any(row[:3] == ["S12", "市控", "劣Ⅴ"] for row in rows)


def test_lake_total_phosphorus_uses_the_lake_limits(book):
    rows = [["断面名称", "水体类型", "监测日期", "总磷"],
            ["湖心", "湖库", D(2023, 1, 5), 0.06], ["河口", "河流", D(2023, 1, 5), 0.06],
            ["库区", "水库", D(2023, 1, 5), 0.025]]
    doc = summarize(load_workbook(book({"地表水": rows}))).to_dict()["by_section"]
    assert doc["湖心"]["class"] == "Ⅳ" and doc["湖心"]["main_pollutants"] == [{"indicator": "总磷", "exceedance": "0.20"}]
    assert doc["河口"]["class"] == "Ⅱ"
    assert doc["库区"]["class"] == "Ⅱ"


def test_through_by_monitoring_date(book):
    rows = [["断面名称", "监测日期", "总磷"], ["甲", D(2023, 1, 5), 0.1], ["甲", D(2023, 12, 5), 0.5]]
    workbook = load_workbook(book({"地表水": rows}))
    assert summarize(workbook).to_dict()["by_section"]["甲"]["indicators"]["总磷"] == {"mean": "0.3", "class": "Ⅳ"}
    assert summarize(workbook, through=11).to_dict()["by_section"]["甲"]["indicators"]["总磷"] == {
        "mean": "0.1", "class": "Ⅱ"}


def test_through_by_month(tmp_path):
    rows = [["断面名称", "月份", "总磷"], ["甲", 1, 0.1], ["甲", "12月", 0.5], ["乙", 12, 0.2]]
    workbook = load_workbook(write_workbook(tmp_path / "2023.xlsx", {"地表水": rows}))
    assert workbook.year == 2023 and workbook.findings == []
    year = summarize(workbook)
    assert year.value("water.sections") == 2 and year.value("water.good_sections") == 1
    november = summarize(workbook, through=11)
    assert november.value("water.sections") == 1  # 乙 has no result in 1-11月
    assert november.value("water.good_sections") == 1


def test_bad_values_are_findings_at_their_cells(book):
    rows = [["断面名称", "断面级别", "监测日期", "月份", "水质类别", "总磷", "氨氮"],
            ["甲", "国控", D(2023, 1, 5), None, "Ⅲ", -0.1, 0.2],
            ["甲", "国控", D(2023, 2, 5), None, "Ⅲ", "abc", 0.2],
            ["甲", "国控", D(2023, 3, 5), None, "Ⅲ", "ND", 0.2],
            ["甲", "区控", D(2023, 4, 5), None, None, 0.1, 0.2],
            ["甲", "国控", None, 13, None, 0.1, 0.2],
            ["甲", "国控", None, None, None, 0.1, 0.2],
            ["甲", "国控", D(2023, 7, 5), None, "Ⅰ", 0.15, 0.2]]
    workbook = load_workbook(book({"地表水": rows}))
    assert located(workbook.findings) == [
        ("地表水!F2", "negative-concentration"),
        ("地表水!F3", "bad-number"),
        ("地表水!F4", "not-detected-without-limit"),
        ("地表水!B5", "bad-choice"),
        ("地表水!D6", "bad-month"),
        ("地表水!C7", "missing-value"),
        ("地表水!E8", "water-class-mismatch"),
    ]
    assert workbook.findings[-1].severity == "warning"
    assert workbook.findings[-1].message("zh") == "填报水质类别为“Ⅰ”，按GB 3838-2002计算应为“Ⅲ”"
    assert workbook.rows_with_errors == 6


def test_a_sheet_without_any_indicator_is_refused(book):
    workbook = load_workbook(book({"地表水": [["断面名称", "监测日期", "水温"], ["甲", D(2023, 1, 5), 12.5]]}))
    assert located(workbook.errors) == [("地表水!A1", "missing-one-of-columns")]
    assert "water" not in workbook.records


def _year(tmp_path, year: int, tps: list[float], levels: list[str]) -> object:
    rows = [["断面名称", "断面级别", "监测日期", "总磷"]]
    rows += [[f"S{n}", level, D(year, 6, 1), tp] for n, (tp, level) in enumerate(zip(tps, levels), start=1)]
    return summarize(load_workbook(write_workbook(tmp_path / f"{year}.xlsx", {"地表水": rows})))


def test_compare_ratios_in_percentage_points(tmp_path):
    # 2022: 0.1 Ⅱ, 0.25 Ⅳ, 0.5 劣Ⅴ, 0.2 Ⅲ -> good 50.0%, 劣Ⅴ 25.0%, key (S1, S2) 50.0%
    # 2023: 0.1 Ⅱ, 0.15 Ⅲ, 0.35 Ⅴ, 0.2 Ⅲ -> good 75.0%, 劣Ⅴ 0.0%, key 100.0%
    levels = ["国控", "省控", "市控", "市控"]
    comparison = compare(_year(tmp_path, 2022, [0.1, 0.25, 0.5, 0.2], levels),
                         _year(tmp_path, 2023, [0.1, 0.15, 0.35, 0.2], levels))
    metrics = comparison.to_dict()["metrics"]
    assert metrics["water.good_ratio"] == {"label": "水质优良比例", "unit": "%", "previous": 50, "current": 75,
                                           "change": 25, "change_pct": None, "trend": "improved"}
    assert metrics["water.bad5_ratio"]["change"] == -25 and metrics["water.bad5_ratio"]["trend"] == "improved"
    assert metrics["water.key_good_ratio"]["change"] == 50 and metrics["water.key_good_ratio"]["trend"] == "improved"
    assert metrics["water.bad5_sections"]["trend"] == "improved"
    assert metrics["water.sections"]["trend"] == "unchanged"
    table = compare_table(comparison)
    assert "+25.0个百分点" in table
    prose = compare_prose(comparison)
    assert "水质优良比例同比提高25.0个百分点" in prose and "劣Ⅴ类比例同比下降25.0个百分点" in prose


def compare_table(comparison) -> str:
    from lawreport_cli.render import COMPARE_FORMATS

    return COMPARE_FORMATS["table"](comparison, "zh")


def compare_prose(comparison) -> str:
    from lawreport_cli.render import COMPARE_FORMATS

    return COMPARE_FORMATS["prose"](comparison, "zh")


def test_cli_summarize_json_by_section(tmp_path):
    path = write_workbook(tmp_path / "2023.xlsx", {"地表水": city_rows()}, merges={"地表水": MERGES})
    result = CliRunner().invoke(cli, ["summarize", str(path), "--format", "json", "--section", "water"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["metrics"]["water.sections"]["value"] == 26
    assert doc["by_section"]["S02"]["class"] == "Ⅲ"


def test_the_sample_reproduces_the_report(tmp_path):
    # FIGURES.md: "将全市26个重点河流断面水质纳入…考核", "9个国、省控断面水体优良比例达到100%".
    from pathlib import Path

    sample = Path(__file__).resolve().parents[1] / "data" / "2023.xlsx"
    summary = summarize(load_workbook(sample))
    assert summary.value("water.sections") == 26
    assert summary.value("water.key_sections") == 9
    assert str(summary.value("water.key_good_ratio")) == "100.0"
