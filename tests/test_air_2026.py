"""A year under two standards: 2026 computed day by day, --standard, the like-for-like compare.

Hand-worked IAQIs (tables in tests/test_standards.py). The clean background of every day:
SO2 5 -> 5, NO2 20 -> 25, PM10 40 -> 40, PM2.5 20 -> 29, CO 0.5 -> 13, O3_8h 60 -> 30: AQI 40 (优).
The days that differ:
  PM2.5 70:   2012: 50 + 35*50/40 = 93.75 -> 94 良      2026: 100 + 10*50/55 = 109.1 -> 110 轻度污染
  PM10 130:   2012: 50 + 80*50/100 = 90 良              2026: 100 + 10*50/130 = 103.8 -> 104 轻度污染
  PM2.5 60.5: 2012: 50 + 25.5*1.25 = 81.9 -> 82 良      2026: rounds to 60 -> 100 良
  PM2.5 60:   2012: 82 良                               2026: 100 良
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import polars as pl
from click.testing import CliRunner

from conftest import AIR_HEADER, air, write_workbook
from lawreport_cli.cli import cli
from lawreport_cli.jobs import compare_paths, summary_of
from lawreport_cli.metrics.air import compute_air
from lawreport_cli.model import Period
from lawreport_cli.records import load_workbook

D = dt.date
CLEAN = dict(pm25=20, pm10=40, so2=5, no2=20, co=0.5, o3=60)

STANDARDS_2026 = {
    "aqi": [{"id": "HJ 633-2012", "from": "2026-01-01", "to": "2026-02-28"},
            {"id": "HJ 633-2026", "from": "2026-03-01", "to": "2026-12-31"}],
    "annual": "HJ 663-2013",
}
LINE_2026 = "标准：HJ 633—2012（2026-01-01至2026-02-28）、HJ 633—2026（2026-03-01至2026-12-31）；年评价 HJ 663—2013"


def day(date, **changes):
    return air(date=date, **{**CLEAN, **changes})


def days_of(year: int, clean_september: bool) -> list[list]:
    rows = [
        day(D(year, 1, 10), pm25=70),  # 2012: 94 良
        day(D(year, 2, 28), pm25=70),  # 2012: 94 良 (the last day of HJ 633—2012 in 2026)
        day(D(year, 3, 1), pm25=70),  # 2026: 110 轻度污染
        day(D(year, 6, 1), pm10=130),  # 2026: 104 轻度污染
        day(D(year, 7, 1), pm25=60.5),  # 2026: 100 良
        day(D(year, 8, 1)),  # 40 优
    ]
    if clean_september:
        rows.append(day(D(year, 9, 1)))  # 40 优
    rows.append(day(D(year, 12, 1)))  # 40 优; both years have data to December (no 同期 cut)
    return rows


def workbook(tmp_path: Path, year: int, rows: list[list]) -> Path:
    return write_workbook(tmp_path / f"{year}.xlsx", {"空气质量": [AIR_HEADER, *rows]})


def run(*args):
    return CliRunner().invoke(cli, [str(arg) for arg in args])


def value(document: dict, metric_id: str):
    return document["metrics"][metric_id]["value"]


# --- a mixed year --------------------------------------------------------------------------

def test_2026_is_computed_day_by_day(tmp_path):
    path = workbook(tmp_path, 2026, days_of(2026, clean_september=True))
    summary = summary_of(path)
    # Good: 01-10 (94), 02-28 (94), 07-01 (100), 08-01, 09-01, 12-01 (40); not: 03-01 (110), 06-01 (104).
    assert summary.value("air.valid_days") == 8
    assert summary.value("air.good_days") == 6
    assert summary.value("air.good_rate") == Decimal("75.0")  # 6/8
    assert summary.value("air.excellent_days") == 3
    assert summary.value("air.heavy_days") == 0
    assert summary.monthly["air.days_by_level.良"][:9] == [1, 1, 0, 0, 0, 0, 1, 0, 0]
    assert summary.monthly["air.days_by_level.轻度污染"][:9] == [0, 0, 1, 0, 0, 1, 0, 0, 0]
    assert summary.monthly["air.days_by_level.优"] == [0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1]
    # Annual means stay HJ 663 on the values as given: PM2.5 (70*3 + 60.5 + 20*4)/8 = 350.5/8 = 43.8 -> 44.
    assert summary.value("air.pm25") == 44
    assert summary.standards == STANDARDS_2026


def test_standard_forces_one_table(tmp_path):
    path = workbook(tmp_path, 2026, days_of(2026, clean_september=True))
    everything_2012 = summary_of(path, standard="2012")
    # 2012 for every day: 03-01 94, 06-01 90 — all eight are good.
    assert everything_2012.value("air.good_days") == 8
    assert everything_2012.standards == {"aqi": [{"id": "HJ 633-2012", "from": "2026-01-01", "to": "2026-12-31"}],
                                         "annual": "HJ 663-2013"}
    everything_2026 = summary_of(path, standard="2026")
    # 2026 for every day: 01-10 and 02-28 become 110 too; good: 07-01, 08-01, 09-01, 12-01.
    assert everything_2026.value("air.good_days") == 4
    assert everything_2026.value("air.good_rate") == Decimal("50.0")  # 4/8


def test_cli_json_names_the_standards_exactly(tmp_path):
    path = workbook(tmp_path, 2026, days_of(2026, clean_september=True))
    result = run("summarize", path, "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["standards"] == STANDARDS_2026
    assert value(document, "air.good_days") == 6
    forced = json.loads(run("summarize", path, "--format", "json", "--standard", "2026").stdout)
    assert forced["standards"] == {"aqi": [{"id": "HJ 633-2026", "from": "2026-01-01", "to": "2026-12-31"}],
                                   "annual": "HJ 663-2013"}
    assert value(forced, "air.good_days") == 4
    cut = json.loads(run("summarize", path, "--format", "json", "--through", "2").stdout)
    assert cut["standards"] == {"aqi": [{"id": "HJ 633-2012", "from": "2026-01-01", "to": "2026-02-28"}],
                                "annual": "HJ 663-2013"}
    assert value(cut, "air.good_days") == 2


def test_no_standards_without_the_air_section(tmp_path):
    path = workbook(tmp_path, 2026, days_of(2026, clean_september=False))
    document = json.loads(run("summarize", path, "--format", "json", "--section", "penalties").stdout)
    assert "standards" not in document


def test_bad_standard_is_a_usage_error(tmp_path):
    path = workbook(tmp_path, 2026, days_of(2026, clean_september=False))
    result = run("summarize", path, "--standard", "2019")
    assert result.exit_code == 2


def test_table_and_markdown_name_the_standards_under_the_air_section(tmp_path):
    path = workbook(tmp_path, 2026, days_of(2026, clean_september=True))
    table = run("summarize", path).stdout
    air_block = table.split("\n\n")[1]
    assert air_block.startswith("空气质量")
    assert air_block.splitlines()[-1] == LINE_2026
    markdown = run("summarize", path, "--format", "markdown").stdout
    assert f"\n\n{LINE_2026}\n" in markdown
    english = run("summarize", path, "--lang", "en").stdout
    assert ("Standards: HJ 633-2012 (2026-01-01 to 2026-02-28), HJ 633-2026 (2026-03-01 to 2026-12-31); "
            "annual assessment HJ 663-2013") in english
    prose = run("summarize", path, "--format", "prose").stdout
    assert prose.startswith("全年，1月1日至2月28日按HJ 633—2012计、3月1日至12月31日按HJ 633—2026计，全市空气优良天数达到6天")


def test_prose_of_a_year_under_one_standard(tmp_path):
    path = workbook(tmp_path, 2026, days_of(2026, clean_september=True))
    prose = run("summarize", path, "--format", "prose", "--standard", "2026").stdout
    assert prose.startswith("全年，按HJ 633—2026计，全市空气优良天数达到4天")


# --- the like-for-like compare ----------------------------------------------------------------

def test_compare_2025_with_2026_recomputes_2025_from_march(tmp_path):
    previous = workbook(tmp_path, 2025, days_of(2025, clean_september=False))
    current = workbook(tmp_path, 2026, days_of(2026, clean_september=True))
    # 2025 on its own (all HJ 633—2012): every one of its seven days is good.
    assert summary_of(previous).value("air.good_days") == 7
    (comparison,) = compare_paths([previous, current]).comparisons
    # Like for like: 2025-03-01 onwards with HJ 633—2026: 03-01 (110) and 06-01 (104) are not good.
    change = comparison.changes["air.good_days"]
    assert (change.previous, change.current, change.change, change.trend) == (5, 6, 1, "improved")
    assert comparison.previous.standards == {
        "aqi": [{"id": "HJ 633-2012", "from": "2025-01-01", "to": "2025-02-28"},
                {"id": "HJ 633-2026", "from": "2025-03-01", "to": "2025-12-31"}],
        "annual": "HJ 663-2013"}
    assert "同口径" in comparison.standards_note and "3月1日至12月31日按HJ 633—2026" in comparison.standards_note


def test_compare_outputs_say_like_for_like(tmp_path):
    previous = workbook(tmp_path, 2025, days_of(2025, clean_september=False))
    current = workbook(tmp_path, 2026, days_of(2026, clean_september=True))
    document = json.loads(run("compare", previous, current, "--format", "json").stdout)
    assert document["standards"] == {
        "aqi": [{"id": "HJ 633-2012", "from": "2025-01-01", "to": "2025-02-28"},
                {"id": "HJ 633-2026", "from": "2025-03-01", "to": "2025-12-31"},
                {"id": "HJ 633-2012", "from": "2026-01-01", "to": "2026-02-28"},
                {"id": "HJ 633-2026", "from": "2026-03-01", "to": "2026-12-31"}],
        "annual": "HJ 663-2013"}
    assert document["current"]["standards"] == STANDARDS_2026
    assert "同口径" in document["standards_note"]
    assert document["note"] == document["standards_note"]  # the one note of this comparison
    assert document["metrics"]["air.good_days"]["previous"] == 5
    for output_format in ("table", "markdown"):
        text = run("compare", previous, current, "--format", output_format).stdout
        assert "同口径" in text and "HJ 633—2026（2025-03-01至2025-12-31）" in text, output_format
    prose = run("compare", previous, current, "--format", "prose").stdout
    assert prose.startswith("全年，1月1日至2月28日按HJ 633—2012计、3月1日至12月31日按HJ 633—2026计，"
                            "同比按同口径（2025年3月1日至12月31日按HJ 633—2026重新计算），")


def test_compare_with_a_forced_standard(tmp_path):
    previous = workbook(tmp_path, 2025, days_of(2025, clean_september=False))
    current = workbook(tmp_path, 2026, days_of(2026, clean_september=True))
    document = json.loads(run("compare", previous, current, "--format", "json", "--standard", "2012").stdout)
    # HJ 633—2012 for every day of both years: 7 and 8 good days; nothing recomputed like-for-like.
    assert document["metrics"]["air.good_days"]["previous"] == 7
    assert document["metrics"]["air.good_days"]["current"] == 8
    assert "standards_note" not in document
    assert [span["id"] for span in document["standards"]["aqi"]] == ["HJ 633-2012", "HJ 633-2012"]


def test_export_takes_the_standard(tmp_path):
    current = workbook(tmp_path, 2026, days_of(2026, clean_september=True))
    out = tmp_path / "out"
    result = run("export", current, "--to", out, "--format", "json,md,xlsx", "--standard", "2026", "--quiet")
    assert result.exit_code == 0, result.output
    document = json.loads((out / "2026-summary.json").read_text(encoding="utf-8"))
    assert value(document, "air.good_days") == 4
    assert document["standards"]["aqi"] == [{"id": "HJ 633-2026", "from": "2026-01-01", "to": "2026-12-31"}]
    assert "标准：HJ 633—2026（2026-01-01至2026-12-31）；年评价 HJ 663—2013" in (
        out / "2026-summary.md").read_text(encoding="utf-8")
    import openpyxl

    sheet = openpyxl.load_workbook(out / "2026-summary.xlsx")["空气质量"]
    cells = [cell for row in sheet.iter_rows(values_only=True) for cell in row if isinstance(cell, str)]
    assert "标准：HJ 633—2026（2026-01-01至2026-12-31）；年评价 HJ 663—2013" in cells


# --- several cities under 2026 -----------------------------------------------------------------

def test_city_ranks_under_2026():
    # April 2026 (HJ 633—2026), two days per city, the second one clean:
    #   甲市 PM2.5 70 -> 110: 1 of 2 good, 50.0 %     乙市 PM2.5 60 -> 100: 2 of 2, 100.0 %
    #   丙市 PM10 130 -> 104: 1 of 2, 50.0 %          (under 2012 all three would be 100.0 %)
    # Composite (Si 60, 40, 70, 35, 4, 160; SO2 5, NO2 20, CO p95 0.5, O3 p90 60 everywhere):
    #   甲 PM2.5 45, PM10 40: 5/60 + 20/40 + 40/70 + 45/35 + 0.5/4 + 60/160 = 2.9405 -> 2.94
    #   乙 PM2.5 40, PM10 40: ... + 40/35 ... = 2.7976 -> 2.80
    #   丙 PM2.5 20, PM10 85: 5/60 + 20/40 + 85/70 + 20/35 + 0.5/4 + 60/160 = 2.8690 -> 2.87
    rows = []
    for city, dirty in (("甲市", {"pm25": 70.0}), ("乙市", {"pm25": 60.0}), ("丙市", {"pm10": 130.0})):
        for date, changes in ((D(2026, 4, 1), dirty), (D(2026, 4, 2), {})):
            values = {"so2": 5.0, "no2": 20.0, "pm10": 40.0, "pm25": 20.0, "co": 0.5, "o3_8h": 60.0, **changes}
            rows.append({"date": date, "city": city, **values})
    frame = pl.DataFrame(rows)
    top, by_city, _ = compute_air(frame, Period(D(2026, 1, 1), D(2026, 12, 31)))
    assert top == {}
    got = {city: (figures["air.good_days"].value, figures["air.good_rate"].value,
                  figures["air.rank_good_rate"].value, figures["air.composite_index"].value,
                  figures["air.rank_composite_index"].value) for city, figures in by_city.items()}
    assert got == {
        "甲市": (1, Decimal("50.0"), 2, Decimal("2.94"), 3),
        "乙市": (2, Decimal("100.0"), 1, Decimal("2.80"), 1),
        "丙市": (1, Decimal("50.0"), 2, Decimal("2.87"), 2),
    }


# --- validate: each row with its day's standard ---------------------------------------------

def test_validate_checks_each_row_with_its_days_standard(tmp_path):
    rows = [
        day(D(2026, 2, 27), pm25=70, aqi=110),  # row 2: 2012 gives 94 -> aqi-mismatch
        day(D(2026, 2, 28), pm25=70, aqi=94, level="良"),  # row 3: right under 2012
        day(D(2026, 3, 1), pm25=70, aqi=94, level="良"),  # row 4: 2026 gives 110 轻度污染 -> both mismatch
        day(D(2026, 3, 2), pm25=70, aqi=110, level="轻度污染"),  # row 5: right under 2026
        day(D(2026, 2, 26), pm25=500.4),  # row 6: beyond 500 under 2012 -> off scale
        day(D(2026, 3, 3), pm25=500.4),  # row 7: rounds to 500 under 2026 -> not off scale
        day(D(2026, 2, 25), o3=900),  # row 8: 2012 takes 900 into the 1-h table -> o3-1h-missing
        day(D(2026, 3, 4), o3=900),  # row 9: 2026 gives 300, no O3_1h needed
    ]
    path = write_workbook(tmp_path / "2026.xlsx", {"空气质量": [AIR_HEADER, *rows]})
    findings = load_workbook(path).findings
    got = [(f.location, f.code, f.message("zh")) for f in findings]
    assert sorted(got) == sorted([
        ("空气质量!I2", "aqi-mismatch", "填报AQI为110，按HJ 633-2012计算应为94"),
        ("空气质量!I4", "aqi-mismatch", "填报AQI为94，按HJ 633-2026计算应为110"),
        ("空气质量!J4", "level-mismatch", "填报质量等级为“良”，按HJ 633-2026 AQI 110应为“轻度污染”"),
        ("空气质量!C6", "concentration-off-scale", "PM2.5为500.4，超出HJ 633-2012分指数表上限，分指数按500计"),
        ("空气质量!H8", "o3-1h-missing", "O3_8h超过800，O3_1h为空，按O3_8h计算"),
    ])
    english = {f.code: f.message("en") for f in findings if f.location == "空气质量!I4"}
    assert english == {"aqi-mismatch": "the given AQI is 94; HJ 633-2026 gives 110"}


def test_o3_1h_is_the_seventh_indicator_of_2012_only(tmp_path):
    # O3_8h 150: 50 + 50*50/60 = 91.7 -> 92 (良); O3_1h 210: 100 + 10*50/100 = 105 (轻度污染).
    # 2026-02-01 (HJ 633—2012, seven indicators): AQI 105; 2026-04-01 (HJ 633—2026, six): AQI 92.
    # 2026-04-02: O3_1h blank, O3_8h 150 -> 92 under either.
    header = AIR_HEADER + ["O3_1h"]
    rows = [day(D(2026, 2, 1), o3=150) + [210], day(D(2026, 4, 1), o3=150) + [210],
            day(D(2026, 4, 2), o3=150) + [None], day(D(2026, 12, 1)) + [None]]
    path = write_workbook(tmp_path / "2026.xlsx", {"空气质量": [header, *rows]})
    summary = summary_of(path)
    assert summary.value("air.good_days") == 3  # 04-01, 04-02, 12-01
    assert summary.monthly["air.days_by_level.轻度污染"][1] == 1
    assert summary_of(path, standard="2012").value("air.good_days") == 2  # 04-01 is 105 too
    assert summary_of(path, standard="2026").value("air.good_days") == 4


def test_compare_2026_with_2027_recomputes_only_january_and_february(tmp_path):
    # 2027 is all HJ 633—2026, so like-for-like 2026 takes HJ 633—2026 for 01-01..02-28 too:
    # 01-10 and 02-28 (PM2.5 70) become 110; 2026's good days go from 6 to 4.
    previous = workbook(tmp_path, 2026, days_of(2026, clean_september=True))
    current = workbook(tmp_path, 2027, days_of(2027, clean_september=True))
    (comparison,) = compare_paths([previous, current]).comparisons
    assert comparison.changes["air.good_days"].previous == 4
    assert comparison.changes["air.good_days"].current == 4
    assert comparison.previous.standards["aqi"] == [{"id": "HJ 633-2026", "from": "2026-01-01", "to": "2026-12-31"}]
    assert comparison.previous.recomputed == [{"id": "HJ 633-2026", "from": "2026-01-01", "to": "2026-02-28"}]
    assert "1月1日至2月28日按HJ 633—2026计" in comparison.standards_note
    prose = run("compare", previous, current, "--format", "prose").stdout
    assert prose.startswith("全年，按HJ 633—2026计，同比按同口径（2026年1月1日至2月28日按HJ 633—2026重新计算），")


def test_english_prose_says_like_for_like(tmp_path):
    previous = workbook(tmp_path, 2025, days_of(2025, clean_september=False))
    current = workbook(tmp_path, 2026, days_of(2026, clean_september=True))
    prose = run("compare", previous, current, "--format", "prose", "--lang", "en").stdout
    assert ("Like-for-like: 2025 is recomputed with the standard of the same date in 2026"
            " (2025-03-01 to 2025-12-31 with HJ 633-2026).") in prose
