"""The CLI: exact exit codes and output, and parity with the library."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import PENALTY_HEADER, penalty, write_workbook
from lawreport_cli.cli import cli
from lawreport_cli.jobs import summary_of


def run(*args, env=None):
    return CliRunner().invoke(cli, [str(arg) for arg in args], env=env)


@pytest.fixture
def clean(tmp_path):
    return write_workbook(tmp_path / "2023.xlsx", {"行政处罚": [PENALTY_HEADER, penalty("P1", fine="6097157")]})


@pytest.fixture
def broken(tmp_path):
    rows = [PENALTY_HEADER, penalty("P1"), penalty("P2", fine=-3000), penalty("P3", code="91370400MA3C5X7Y2K")]
    return write_workbook(tmp_path / "2023.xlsx", {"行政处罚": rows})


def test_validate_lists_findings_and_exits_1(broken):
    result = run("validate", broken, "--lang", "en")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "行政处罚!G3  error    negative-amount   罚款金额 is -3000: an amount cannot be negative",
        "行政处罚!C4  warning  credit-code-check 统一社会信用代码 91370400MA3C5X7Y2K fails its check digit",
        f"2 findings (1 error, 1 warning) in {broken}",
    ]


def test_validate_json_shape(broken):
    result = run("validate", broken, "--format", "json")
    document = json.loads(result.output)
    assert document["ok"] is False
    assert document["findings"][0] == {
        "severity": "error", "code": "negative-amount", "sheet": "行政处罚", "cell": "G3", "row": 3,
        "column": "罚款金额", "value": "-3000", "message": "罚款金额为-3000：金额不能为负"}


def test_validate_clean_exits_0_and_strict_fails_on_warnings(clean, tmp_path):
    assert run("validate", clean).exit_code == 0
    warned = write_workbook(tmp_path / "w.xlsx", {"行政处罚": [PENALTY_HEADER, penalty(code="91370400MA3C5X7Y2K")]})
    assert run("validate", warned).exit_code == 0
    assert run("validate", warned, "--strict").exit_code == 1


def test_validate_several_files_with_one_unreadable(clean, tmp_path):
    text = tmp_path / "notes.xlsx"
    text.write_text("hello", encoding="utf-8")
    result = run("validate", clean, text)
    assert result.exit_code == 2
    assert f"lawreport: {text}: is a text file" in result.output


def test_summarize_stops_on_errors_and_keep_going_computes(broken):
    stopped = run("summarize", broken)
    assert stopped.exit_code == 1
    assert "--keep-going" in stopped.output
    kept = run("summarize", broken, "--keep-going", "--format", "json")
    assert kept.exit_code == 0
    document = json.loads(kept.stdout)
    assert document["metrics"]["penalties.decisions"]["value"] == 2
    assert "1 rows with errors were left out" in kept.stderr


def test_summarize_json_equals_the_library(clean):
    result = run("summarize", clean, "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.output) == summary_of(clean).to_dict()
    assert json.loads(result.output)["metrics"]["penalties.fines"]["value"] == "609.7157"


def test_summarize_table_is_grouped_with_chinese_labels(clean):
    result = run("summarize", clean)
    assert result.exit_code == 0
    assert "行政处罚  (2023-01-01 — 2023-12-31)" in result.output
    assert "罚款金额" in result.output and "609.7157" in result.output


@pytest.mark.parametrize("args", [["summarize", "{f}", "--through", "13"], ["summarize", "{f}", "--section", "weather"],
                                  ["summarize", "{f}", "--format", "pdf"], ["compare", "2019", "2023"],
                                  ["export", "{f}", "--format", "pdf"], ["summarize"]])
def test_misuse_exits_2(clean, tmp_path, args):
    result = run(*[arg.replace("{f}", str(clean)) for arg in args], "--data-dir" if args[0] == "compare" else "--lang",
                 tmp_path if args[0] == "compare" else "zh")
    assert result.exit_code == 2, result.output


def test_compare_years_from_the_data_dir_env(tmp_path):
    write_workbook(tmp_path / "2022.xlsx", {"行政处罚": [PENALTY_HEADER, penalty(fine=100)]})
    write_workbook(tmp_path / "2023.xlsx", {"行政处罚": [PENALTY_HEADER, penalty(fine=150, decided="2023-02-05",
                                                                              filed="2023-01-05")]})
    result = run("compare", "2022", "2023", "--format", "json", env={"LAWREPORT_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 0, result.output
    fines = json.loads(result.output)["metrics"]["penalties.fines"]
    assert (fines["previous"], fines["current"], fines["change_pct"], fines["trend"]) == ("0.0100", "0.0150", 50.0, "up")


def test_help_imports_no_data_library():
    code = ("import sys; from lawreport_cli.cli import cli\n"
            "try:\n    cli(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('polars', 'fastexcel', 'pyarrow', 'pandas', 'xlsxwriter') if m in sys.modules))")
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip().splitlines()[-1] == "[]"


def test_keep_going_without_a_required_column_leaves_the_section_out(tmp_path):
    header = [name for name in PENALTY_HEADER if name != "处理结果"]
    row = [value for name, value in zip(PENALTY_HEADER, penalty()) if name != "处理结果"]
    path = write_workbook(tmp_path / "2023.xlsx", {"行政处罚": [header, row, row]})
    result = run("summarize", path, "--keep-going", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["metrics"] == {}
    assert "2 rows with errors were left out" in result.stderr
