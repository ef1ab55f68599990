"""`lawreport inspect` on built workbooks, and the user story: a ledger in a bureau's own
headers and words fails validate; inspect says what to add; with those lines it passes."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from conftest import PENALTY_HEADER, VALID_CODE, penalty, write_workbook
from lawreport_cli.cli import cli
from lawreport_cli.inspect import inspect_files, render_table

D = dt.date


def _run(*args, cwd=None):
    return CliRunner().invoke(cli, [str(arg) for arg in args])


def own_words_ledger(path):
    """A bureau's ledger: its own headers (罚没金额, 检查对象, 指标名称|数量|计量单位) and 从轻处罚."""
    return write_workbook(path, {
        "行政处罚": [
            ["案件编号", "当事人", "立案日期", "决定日期", "处理结果", "罚没金额（万元）"],
            ["枣环罚字〔2023〕1号", "甲公司", D(2023, 1, 5), D(2023, 2, 5), "从轻处罚", 1.5],
            ["枣环罚字〔2023〕2号", "乙公司", D(2023, 3, 1), "未结案", None, None],
            ["枣环罚字〔2023〕3号", "丙公司", D(2023, 4, 1), D(2023, 5, 10), "罚款", 2.25],
            ["枣环罚字〔2023〕4号", "丁公司", D(2023, 4, 2), D(2023, 6, 1), "处罚", 0.8],
            ["合计", None, None, None, None, 4.55],
        ],
        "执法检查": [
            ["检查日期", "检查对象", "统一社会信用代码", "检查方式"],
            [D(2023, 3, 1), "甲公司", VALID_CODE, "双随机抽查"],
            [D(2023, 5, 1), "甲公司", None, "信访"],
            [D(2023, 7, 1), "乙公司", None, "双随机"],
        ],
        "其他指标": [
            ["指标名称", "数量", "计量单位"],
            ["环保服务手册", 1.1, "万份"],
            ["环保服务手册", 5000, "份"],
            ["学法次数", 9, "次"],
        ],
    })


def test_a_ledger_in_its_own_words_passes_with_the_lines_inspect_suggests(tmp_path, monkeypatch):
    ledger = own_words_ledger(tmp_path / "2023.xlsx")
    monkeypatch.chdir(tmp_path)

    refused = _run("validate", ledger)
    assert refused.exit_code == 1
    for line in ("行政处罚!A1  error    missing-column", "执法检查!A1  error    missing-column",
                 "其他指标!A1  error    header-not-found"):
        assert line in refused.stdout

    inspected = _run("inspect", ledger, "--format", "json")
    assert inspected.exit_code == 0, inspected.output
    sheets = {sheet["sheet"]: sheet for sheet in json.loads(inspected.stdout)["files"][0]["sheets"]}
    fine_cell = next(column for column in sheets["行政处罚"]["columns"] if column["cell"] == "F1")
    assert fine_cell["why_not"] == "unknown"
    assert fine_cell["nearest"] == {"name": "罚款金额", "key": "fine", "config_key": "columns.penalties.fine"}
    [missing] = sheets["执法检查"]["missing_columns"]
    assert missing["config_key"] == "columns.inspections.enterprise"
    assert [(word["column"], word["from"], word["to"], word["rows"]) for word in sheets["执法检查"]["words"]] == [
        ("method", "双随机抽查", "双随机", 1), ("method", "信访", "信访投诉", 1)]
    [refused] = sheets["行政处罚"]["refused"]
    assert (refused["value"], refused["rows"], refused["config_key"]) == ("从轻处罚", 1, "values.penalties.outcome")
    suggestions = json.loads(inspected.stdout)["files"][0]["suggestions"]
    assert suggestions == [
        "[columns.penalties]", 'fine = ["罚没金额"]',
        "[values.penalties.outcome]", '"从轻处罚" = "处罚|减罚|免罚|不予处罚|办理中"',
        "[columns.indicators]", 'name = ["指标名称"]', 'value = ["数量"]', 'unit = ["计量单位"]',
    ]
    # The lines as suggested, but for the choice they leave to the clerk (从轻处罚 is 处罚 here)
    # and the enterprise column inspect reported missing (检查对象 is the bureau's header).
    chosen = [line.replace('"处罚|减罚|免罚|不予处罚|办理中"', '"处罚"') for line in suggestions]
    (tmp_path / "lawreport.toml").write_text(
        "\n".join(chosen) + "\n[columns.inspections]\nenterprise = [\"检查对象\"]\n", encoding="utf-8")
    assert _run("validate", ledger).exit_code == 0
    summary = _run("summarize", ledger, "--format", "json")
    assert summary.exit_code == 0, summary.output
    metrics = json.loads(summary.stdout)["metrics"]
    values = {metric_id: metrics[metric_id]["value"] for metric_id in metrics}
    assert values["penalties.cases_filed"] == 4
    assert values["penalties.decisions"] == 3  # the 未结案 case is open
    assert values["penalties.fines"] == "4.5500"  # 1.5 + 2.25 + 0.8 万元, the 合计 row left out
    assert values["inspections.visits"] == 3
    assert values["inspections.enterprises"] == 2  # 甲公司 coded once, uncoded once: one firm
    assert values["inspections.double_random"] == 2
    assert values["inspections.complaint"] == 1
    assert values["indicators.环保服务手册"] == 16000  # 1.1 万份 + 5000 份
    assert metrics["indicators.环保服务手册"]["unit"] == "份"
    assert values["indicators.学法次数"] == 9


def test_inspect_table(tmp_path):
    ledger = own_words_ledger(tmp_path / "2023.xlsx")
    text = render_table(inspect_files([ledger]))
    lines = text.splitlines()
    assert lines[0] == str(ledger)
    assert "  sheet 行政处罚: read as penalties (行政处罚) by name" in lines
    assert "    header: row 1" in lines
    assert "    B1    当事人 -> enterprise (企业名称) by alias  [columns.penalties.enterprise]" in lines
    assert ("    F1    罚没金额（万元） -> not used (unknown; nearest known: 罚款金额 -> fine "
            "[columns.penalties.fine])") in lines
    assert "    rows: 4 data rows; left out as totals or notes: row 6 合计" in lines
    assert "    read 未结案 as blank in decided_on (placeholder): 1 row" in lines
    assert "    read 罚款 as 处罚 in outcome (synonym): 1 row" in lines
    assert "    read 信访 as 信访投诉 in method (synonym): 1 row" in lines
    assert "    header: not found (the cells below are the likeliest row)" in lines
    assert "    B1    数量 -> not used (unknown; nearest known: 数值 -> value [columns.indicators.value])" in lines
    assert "  lawreport.toml could read the rest with (choose the values after '='):" in lines


def test_inspect_shows_units_config_columns_and_refused_words(tmp_path):
    ledger = own_words_ledger(tmp_path / "2023.xlsx")
    config = tmp_path / "own.toml"
    config.write_text('[columns.penalties]\nfine = ["罚没金额"]\n', encoding="utf-8")
    result = _run("inspect", ledger, "--config", config)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert ("    F1    罚没金额（万元） -> fine (罚款金额) by config, unit 万元 from header  "
            "[columns.penalties.fine]") in lines
    assert ("    refused 从轻处罚 in outcome: 1 row (bad-choice; map it under [values.penalties.outcome] to one of "
            "处罚, 减罚, 免罚, 不予处罚, 办理中)") in lines


def test_inspect_json_keys_are_stable(tmp_path):
    ledger = own_words_ledger(tmp_path / "2023.xlsx")
    document = inspect_files([ledger])
    [file] = document["files"]
    assert set(file) == {"file", "sheets", "suggestions"}
    for sheet in file["sheets"]:
        assert set(sheet) == {"sheet", "hidden", "read_as", "looks_like", "section", "why", "config_key",
                              "header_rows", "columns", "missing_columns", "data_rows", "left_out_rows",
                              "merged_ranges", "words", "refused"}
        for column in sheet["columns"]:
            assert set(column) == {"cell", "header", "key", "column", "by", "config_key", "why_not", "nearest",
                                   "unit", "unit_source"}
    penalties = file["sheets"][0]
    assert penalties["left_out_rows"] == [{"row": 6, "text": "合计"}]
    assert penalties["data_rows"] == 4
    assert penalties["words"][0] == {"column": "decided_on", "config_key": "values.penalties.decided_on",
                                     "from": "未结案", "to": "", "by": "placeholder", "rows": 1}


def test_a_sheet_under_another_name_is_read_by_its_header(tmp_path):
    ledger = write_workbook(tmp_path / "2023.xlsx", {"案件台账": [PENALTY_HEADER, penalty("P1"), penalty("P2")]})
    [sheet] = inspect_files([ledger])["files"][0]["sheets"]
    assert (sheet["read_as"], sheet["why"], sheet["data_rows"]) == ("penalties", "header", 2)


def test_inspect_help_names_the_config_sections():
    result = _run("inspect", "--help")
    assert result.exit_code == 0
    assert "[columns.<kind>]" in result.stdout and "[values.<kind>.<column>]" in result.stdout


@pytest.mark.parametrize("content", [b"not a workbook"])
def test_inspect_an_unreadable_file_is_one_line_and_exit_2(tmp_path, content):
    path = tmp_path / "2023.xlsx"
    path.write_bytes(content)
    result = _run("inspect", path)
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1


def test_inspect_shows_the_readers_own_facts(tmp_path):
    # A ledger as clerks keep it: a title, a 金额单位 line, 处理结果 merged over two cases of one
    # review meeting, a 合计 row. Inspect says what the reader did with each of these.
    header = [name.replace("（元）", "") for name in PENALTY_HEADER]
    first, second = penalty("P1", fine=1.5), penalty("P2", fine=1.5)
    second[5] = None  # under the merged F4:F5
    rows = [["2023年行政处罚案件台账"], ["金额单位：万元"], header, first, second, ["合计", None, None, None, None, None, 3]]
    ledger = write_workbook(tmp_path / "2023.xlsx", {"2023年行政处罚台账": rows}, merges={"2023年行政处罚台账": ["F4:F5"]})
    [sheet] = inspect_files([ledger])["files"][0]["sheets"]
    assert (sheet["read_as"], sheet["why"], sheet["header_rows"]) == ("penalties", "name", [3])
    assert sheet["merged_ranges"] == ["F4:F5"]
    assert sheet["left_out_rows"] == [{"row": 6, "text": "合计"}]
    assert sheet["data_rows"] == 2
    fine = next(column for column in sheet["columns"] if column["key"] == "fine")
    assert (fine["cell"], fine["unit"], fine["unit_source"]) == ("G3", "万元", "unit-line")
    from lawreport_cli.records import load_workbook
    from lawreport_cli.summarize import summarize

    summary = summarize(load_workbook(ledger))
    assert (summary.value("penalties.decisions"), summary.value("penalties.fines")) == (2, 3_000_000)
