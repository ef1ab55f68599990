"""The hand-mutation round of issue 12: each test here fails on one mutant that survived the suite.

Expected values are worked by hand from DATA.md and METRICS.md (the mutant named in each docstring).
"""
from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from conftest import AIR_HEADER, INSPECTION_HEADER, PENALTY_HEADER, air, located, penalty, write_workbook
from lawreport_cli.cli import cli
from lawreport_cli.config import ConfigError, load_config
from lawreport_cli.jobs import compare_paths, data_dir_of, summary_of
from lawreport_cli.records import load_workbook
from lawreport_cli.summarize import UsageError, summarize

D = dt.date


def run(*args, env=None):
    return CliRunner().invoke(cli, [str(arg) for arg in args], env=env)


def test_an_aqi_of_exactly_200_is_not_a_heavy_day(tmp_path):
    """Mutant: heavy = AQI >= 200. PM2.5 150 µg/m³ is IAQI 200 (HJ 633 Table 1), 151 is above it."""
    rows = [AIR_HEADER, air(D(2023, 1, 1), pm25=150), air(D(2023, 1, 2), pm25=151), air(D(2023, 1, 3), pm25=30)]
    result = summary_of(write_workbook(tmp_path / "2023.xlsx", {"空气质量": rows}))
    assert result.value("air.heavy_days") == 1


@pytest.mark.parametrize("cell", ["12.345", 12.345])
def test_12_345_yuan_is_1235_fen_half_up(tmp_path, cell):
    """Mutant: money rounded down. README: 12.345 元 is 12.35 元 (half up), with a sub-fen warning."""
    workbook = load_workbook(write_workbook(tmp_path / "2023.xlsx", {"行政处罚": [PENALTY_HEADER, penalty(fine=cell)]}))
    assert workbook.records["penalties"]["fine"].to_list() == [1235]
    # (and, since DATA.md's fine-below-100-元 rule, a plausibility warning too)
    assert located(workbook.findings) == [("行政处罚!G2", "fine-implausibly-small"), ("行政处罚!G2", "sub-fen-amount")]


def test_a_detention_with_a_blank_referral_is_an_error(tmp_path):
    """Mutant: a blank 移送公安 taken as yes. DATA.md: 行政拘留 without 移送公安 is an error."""
    workbook = load_workbook(write_workbook(tmp_path / "2023.xlsx", {
        "行政处罚": [PENALTY_HEADER, penalty(referred=None, detention="是")]}))
    assert located(workbook.findings) == [("行政处罚!J2", "detention-without-referral")]


def test_referrals_are_dated_by_the_decision_else_the_filing(tmp_path):
    """Mutant: referrals dated by 立案日期. The row date is 决定日期, else 立案日期 (DATA.md)."""
    rows = [PENALTY_HEADER,
            penalty("P1", filed=D(2022, 12, 20), decided=D(2023, 1, 10), referred="是"),  # a 2023 referral
            penalty("P2", filed=D(2023, 3, 1), decided=None, outcome=None, fine=None, referred="是"),  # open: filed
            penalty("P3", filed=D(2023, 2, 1), decided=D(2023, 3, 5), referred="否")]  # not referred
    result = summary_of(write_workbook(tmp_path / "2023.xlsx", {"行政处罚": rows}))
    assert result.value("penalties.police_referrals") == 2


def test_reduced_fines_count_only_inside_the_period(tmp_path):
    """Mutant: 减罚 counted without the period. With --through 10, a 减罚 decided in November is out."""
    rows = [PENALTY_HEADER,
            penalty("P1", outcome="减罚", decided=D(2023, 10, 31), waived=2000),
            penalty("P2", outcome="减罚", decided=D(2023, 11, 1), waived=5000)]
    path = write_workbook(tmp_path / "2023.xlsx", {"行政处罚": rows})
    result = summary_of(path, through=10)
    assert result.value("penalties.reduced") == 1
    assert result.value("penalties.reduced_amount") == 200_000
    assert summary_of(path).value("penalties.reduced") == 2


def test_a_header_needs_two_known_labels(tmp_path):
    """Mutant: a header accepted with one known label. A row with only 检查日期 is not a header."""
    rows = [["检查日期", "备注", "其他"], [D(2023, 3, 1), "x", "y"]]
    workbook = load_workbook(write_workbook(tmp_path / "2023.xlsx", {"执法检查": rows}))
    assert located(workbook.findings) == [("执法检查!A1", "header-not-found")]
    two = load_workbook(write_workbook(tmp_path / "2023b.xlsx", {"执法检查": [INSPECTION_HEADER[:2] + ["其他"]]}))
    assert {finding.code for finding in two.findings} == {"missing-column"}  # two labels: a header


def test_warnings_are_shown_on_stderr(tmp_path):
    """Mutant: warnings not printed. They go to stderr, one line each, and do not stop the command."""
    path = write_workbook(tmp_path / "2023.xlsx", {"行政处罚": [PENALTY_HEADER, penalty(code="91370400MA3C5X7Y2K")]})
    result = run("summarize", path, "--format", "json", "--lang", "en")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "行政处罚!C2  warning  credit-code-check 统一社会信用代码 91370400MA3C5X7Y2K fails its check digit"]
    json.loads(result.stdout)


def test_rows_of_other_years_do_not_set_the_compare_span(tmp_path):
    """Mutant: the last month taken over every row. 2022's data end in June; a 2021-12 row does not count."""
    old = write_workbook(tmp_path / "2022.xlsx", {"行政处罚": [
        PENALTY_HEADER, penalty("A1", filed=D(2022, 1, 5), decided=D(2022, 2, 5)),
        penalty("A2", filed=D(2022, 5, 5), decided=D(2022, 6, 5)),
        penalty("A3", filed=D(2021, 12, 1), decided=D(2021, 12, 15))]})
    new = write_workbook(tmp_path / "2023.xlsx", {"行政处罚": [
        PENALTY_HEADER, penalty("B1", decided=D(2023, 2, 5)), penalty("B2", decided=D(2023, 12, 5))]})
    result = compare_paths([old, new])
    comparison = result.comparisons[0]
    assert comparison.current.period.end == D(2023, 6, 30)
    assert result.note.startswith("2022年数据截至6月")
    assert comparison.changes["penalties.decisions"].current == 1


def test_through_13_is_a_usage_error(tmp_path):
    """Mutant: --through 13 giving January (13 % 12). A month beyond 12 is refused everywhere."""
    path = write_workbook(tmp_path / "2023.xlsx", {"行政处罚": [PENALTY_HEADER, penalty()]})
    for command in ("summarize", "export"):
        result = run(command, path, "--through", "13", *(["--to", tmp_path / "out"] if command == "export" else []))
        assert result.exit_code == 2
        assert "13 is not in the range 1<=x<=12" in result.stderr
    with pytest.raises(UsageError, match="--through must be a month 1-12, not 13"):
        summarize(load_workbook(path), 13)
    (tmp_path / "lawreport.toml").write_text("through = 13\n")
    with pytest.raises(ConfigError, match="'through' must be a month number 1-12, not 13"):
        load_config(None, tmp_path)


def test_data_dir_precedence(tmp_path, monkeypatch):
    """Mutant: $LAWREPORT_DATA_DIR ignored. --data-dir > $LAWREPORT_DATA_DIR > the config's data_dir > data/."""
    monkeypatch.delenv("LAWREPORT_DATA_DIR", raising=False)
    assert str(data_dir_of(None, None)) == "data"
    assert str(data_dir_of(None, tmp_path / "conf")) == str(tmp_path / "conf")
    monkeypatch.setenv("LAWREPORT_DATA_DIR", str(tmp_path / "env"))
    assert str(data_dir_of(None, tmp_path / "conf")) == str(tmp_path / "env")
    assert str(data_dir_of(str(tmp_path / "opt"), tmp_path / "conf")) == str(tmp_path / "opt")


def test_data_dir_and_lang_precedence_in_the_cli(tmp_path, monkeypatch):
    """Mutants: config lang ignored; the environment ignored. Each level wins over the ones below it."""
    for name, fine in (("conf", 10000), ("env", 20000), ("opt", 30000)):
        (tmp_path / name).mkdir()
        write_workbook(tmp_path / name / "2023.xlsx", {"行政处罚": [PENALTY_HEADER, penalty(fine=fine)]})
    (tmp_path / "lawreport.toml").write_text('data_dir = "conf"\nlang = "en"\n')
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LAWREPORT_DATA_DIR", raising=False)

    def fines(*args, env=None):
        result = run("summarize", "2023", "--format", "json", *args, env=env)
        assert result.exit_code == 0, result.output
        document = json.loads(result.stdout)
        return document["metrics"]["penalties.fines"]["value"], document["metrics"]["penalties.fines"]["label"]

    assert fines() == ("1.0000", "Fines")  # the config's data_dir, the config's lang
    assert fines(env={"LAWREPORT_DATA_DIR": str(tmp_path / "env")}) == ("2.0000", "Fines")
    assert fines("--data-dir", tmp_path / "opt", "--lang", "zh",
                 env={"LAWREPORT_DATA_DIR": str(tmp_path / "env")}) == ("3.0000", "罚款金额")


def test_a_mean_exactly_at_half_rounds_up_despite_float_noise(tmp_path):
    """Mutant: concentrations truncated to micro-units. 1.001 * 1e6 is 1000999.9999999999 in a float:
    truncated, 1.001 + 1.999 sums to 2.999999 and the mean 1.4999995 rounds to 1; exactly, it is 1.5 -> 2."""
    rows = [AIR_HEADER, air(D(2023, 1, 1), pm25=1.001, so2=1.001), air(D(2023, 1, 2), pm25=1.999, so2=1.999)]
    result = summary_of(write_workbook(tmp_path / "2023.xlsx", {"空气质量": rows}))
    assert result.value("air.pm25") == 2
    assert result.value("air.so2") == 2
