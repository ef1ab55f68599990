"""The clerk's own words (DATA.md, Cells): every accepted word, placeholder and synonym,
invisible characters, brackets, one enterprise, mixed units, and lawreport.toml's own words."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import (AIR_HEADER, COMPENSATION_HEADER, INDICATOR_HEADER, INSPECTION_HEADER, PENALTY_HEADER, air,
                      compensation, inspection, located, penalty)
from lawreport_cli.config import ConfigError, parse_config
from lawreport_cli.findings import Finding
from lawreport_cli.records import load_workbook
from lawreport_cli.summarize import summarize

D = dt.date


def _values(path, words=None):
    workbook = load_workbook(path, words=words)
    assert workbook.errors == [], located(workbook.errors)
    return {metric_id: figure.value for metric_id, figure in summarize(workbook).figures.items()}, workbook


def _words(text: str):
    return parse_config(text, Path("/tmp/lawreport.toml")).words


# -- synonyms ---------------------------------------------------------------------------

OUTCOME_WORDS = [
    ("罚款", "处罚"), ("不予行政处罚", "不予处罚"), ("免予处罚", "免罚"), ("免于处罚", "免罚"), ("减轻处罚", "减罚"),
    # the contract's own words, and look-alikes of them
    ("处罚", "处罚"), ("处罚\u200b", "处罚"), ("\ufeff减罚", "减罚"), ("不予\u00a0处罚", "不予处罚"),
    ("免\u2060罚", "免罚"), ("处\u00ad罚", "处罚"), ("处\u200c罚\u200d", "处罚"),
]


@pytest.mark.parametrize("word,meaning", OUTCOME_WORDS)
def test_outcome_words(book, word, meaning):
    fine = 10000 if meaning in ("处罚", "减罚") else None
    path = book({"行政处罚": [PENALTY_HEADER, penalty(outcome=word, fine=fine)]})
    _, workbook = _values(path)
    assert workbook.records["penalties"]["outcome"].to_list() == [meaning]


METHOD_WORDS = [
    ("双随机抽查", "双随机"), ("双随机、一公开", "双随机"), ("信访", "信访投诉"), ("投诉", "信访投诉"),
    ("信访举报", "信访投诉"), ("专项检查", "专项行动"), ("督察", "环保督察"), ("双 随 机", "双随机"),
]


@pytest.mark.parametrize("word,meaning", METHOD_WORDS)
def test_method_words(book, word, meaning):
    _, workbook = _values(book({"执法检查": [INSPECTION_HEADER, inspection(method=word)]}))
    assert workbook.records["inspections"]["method"].to_list() == [meaning]


def test_a_lighter_penalty_is_not_one_outcome(book):
    workbook = load_workbook(book({"行政处罚": [PENALTY_HEADER, penalty(outcome="从轻处罚")]}))
    assert located(workbook.findings) == [("行政处罚!F2", "bad-choice")]


def test_the_config_maps_a_lighter_penalty(book):
    words = _words('[values.penalties.outcome]\n"从轻处罚" = "处罚"\n')
    values, workbook = _values(book({"行政处罚": [PENALTY_HEADER, penalty(outcome="从轻处罚", fine=25000)]}), words)
    assert workbook.records["penalties"]["outcome"].to_list() == ["处罚"]
    assert values["penalties.fines"] == 2_500_000  # fen


@pytest.mark.parametrize("word,meaning", [("有", True), ("无", False), ("是", True), ("否", False),
                                          ("—", False), ("/", False), ("有\u200b", True)])
def test_yes_no_words(book, word, meaning):
    _, workbook = _values(book({"执法检查": [INSPECTION_HEADER, inspection(problem=word)]}))
    assert workbook.records["inspections"]["problem_found"].to_list() == [meaning]


# -- placeholders -----------------------------------------------------------------------

PLACEHOLDERS = ["—", "－", "-", "/", "无", "NA"]
PENDING = ["未结案", "办理中", "磋商中", "未签订"]


@pytest.mark.parametrize("word", PLACEHOLDERS + PENDING)
def test_a_pending_decision_date_is_blank(book, word):
    # blank 决定日期 means 办理中: the case is open, and counted so
    path = book({"行政处罚": [PENALTY_HEADER, penalty(decided=word, outcome=None)]})
    values, workbook = _values(path)
    assert workbook.records["penalties"]["decided_on"].to_list() == [None]
    assert workbook.records["penalties"]["outcome"].to_list() == ["办理中"]


@pytest.mark.parametrize("word", PLACEHOLDERS + PENDING)
def test_a_pending_agreement_date_is_blank(book, word):
    path = book({"损害赔偿": [COMPENSATION_HEADER, compensation(agreed=word, amount=None)]})
    _, workbook = _values(path)
    assert workbook.records["compensation"]["agreed_on"].to_list() == [None]


@pytest.mark.parametrize("word", PLACEHOLDERS)
def test_a_placeholder_concentration_is_a_missing_value(book, word):
    path = book({"空气质量": [AIR_HEADER, air(D(2023, 1, 1), pm25=word), air(D(2023, 1, 2))]})
    values, workbook = _values(path)
    assert workbook.records["air"]["pm25"].to_list() == [None, 30.0]
    # the day is out of the AQI figures, as a blank would be: one day of two has an AQI
    assert values["air.valid_days"] == 1


@pytest.mark.parametrize("word", PLACEHOLDERS)
def test_placeholders_in_optional_cells(book, word):
    rows = [PENALTY_HEADER, penalty(outcome="免罚", fine=word, waived=word, code=word, referred=word)]
    _, workbook = _values(book({"行政处罚": rows}))
    record = workbook.records["penalties"].row(0, named=True)
    assert (record["fine"], record["waived"], record["credit_code"], record["referred"]) == (None, None, None, False)


@pytest.mark.parametrize("word", PLACEHOLDERS)
def test_a_required_value_written_as_a_placeholder_is_missing(book, word):
    workbook = load_workbook(book({"执法检查": [INSPECTION_HEADER, inspection(name=word)]}))
    assert located(workbook.findings) == [("执法检查!B2", "missing-value")]
    assert workbook.findings[0].value == word  # shown as written


def test_pending_words_are_no_placeholder_outside_dates(book):
    # 办理中 is an outcome; 未结案 in a case number is no blank
    workbook = load_workbook(book({"执法检查": [INSPECTION_HEADER, inspection(name="未结案")]}))
    assert workbook.findings == []
    assert workbook.records["inspections"]["enterprise"].to_list() == ["未结案"]


def test_the_config_adds_a_placeholder(book):
    words = _words('[values.penalties.decided_on]\n"待定" = ""\n')
    _, workbook = _values(book({"行政处罚": [PENALTY_HEADER, penalty(decided="待定", outcome=None)]}), words)
    assert workbook.records["penalties"]["outcome"].to_list() == ["办理中"]


# -- invisible characters, visibly ------------------------------------------------------

def test_a_refused_value_shows_its_invisible_character(book):
    workbook = load_workbook(book({"行政处罚": [PENALTY_HEADER, penalty(outcome="从轻处罚\u200b")]}))
    [finding] = workbook.findings
    assert finding.code == "bad-choice"
    assert finding.value == "从轻处罚\u200b"  # the value as written
    assert finding.message("en").startswith("处理结果 '从轻处罚<U+200B>' is not one of")
    assert "从轻处罚<U+200B>" in finding.message("zh")


@pytest.mark.parametrize("value,shown", [
    ("处罚\u200b", "处罚<U+200B>"), ("\ufeff处罚", "<U+FEFF>处罚"), ("处\u00a0罚", "处<U+00A0>罚"),
    ("处\u2060罚", "处<U+2060>罚"), ("处罚", "处罚"),
])
def test_finding_message_shows_invisible_characters(value, shown):
    finding = Finding("行政处罚", 2, 5, "bad-choice", "处理结果", value, ("处罚、减罚",))
    assert finding.message("en") == f"处理结果 '{shown}' is not one of 处罚、减罚"


def test_an_indicator_name_with_an_invisible_character_is_one_figure(book):
    rows = [INDICATOR_HEADER, ["学法次数", 4, "次", "", 1], ["学法次数\u200b", 5, "次", "", 2],
            ["\ufeff学法次数", 1, "次", "", 3]]
    values, _ = _values(book({"其他指标": rows}))
    assert values == {"indicators.学法次数": 10}


# -- one case, one number ----------------------------------------------------------------

@pytest.mark.parametrize("second", ["枣环罚字[2023]15号", "枣环罚字（2023）15号", "枣环罚字【2023】15号",
                                    "枣环罚字(2023)15号", "枣环罚字［2023］15号", "枣环罚字〖2023〗15号",
                                    "枣环罚字〔2023〕15号\u200b", "枣环罚字 〔2023〕 15号"])
def test_case_numbers_with_other_brackets_are_a_duplicate(book, second):
    rows = [PENALTY_HEADER, penalty("枣环罚字〔2023〕15号"), penalty(second, name="乙公司")]
    workbook = load_workbook(book({"行政处罚": rows}))
    assert located(workbook.findings) == [("行政处罚!A3", "duplicate-case-number")]
    assert workbook.findings[0].message("en").endswith("is a duplicate (first on row 2)")


def test_different_case_numbers_stay_apart(book):
    rows = [PENALTY_HEADER, penalty("枣环罚字〔2023〕15号"), penalty("枣环罚字〔2023〕16号")]
    assert load_workbook(book({"行政处罚": rows})).findings == []


# -- one enterprise, one count -------------------------------------------------------------

_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _credit_code(serial: int) -> str:
    # GB 32100-2015: 17 characters and a check character; built here, not with the tool's own check.
    body = f"9137040{serial:010d}"
    weights = [pow(3, index, 31) for index in range(17)]
    total = sum(_CODE_CHARS.index(char) * weight for char, weight in zip(body, weights))
    return body + _CODE_CHARS[(31 - total % 31) % 31]


def test_sixty_firms_coded_on_some_visits_count_sixty(book):
    # 46 firms with a coded and an uncoded visit, 14 with two coded visits (one in lower case):
    # 106 if a blank code made a second enterprise; 60 by METRICS.md.
    rows = [INSPECTION_HEADER]
    for firm in range(60):
        name, code = f"枣庄市第{firm}化工有限公司", _credit_code(firm)
        rows.append(inspection(D(2023, 3, 1), name, code))
        rows.append(inspection(D(2023, 6, 1), name, None if firm < 46 else code.lower()))
    values, _ = _values(book({"执法检查": rows}))
    assert values["inspections.visits"] == 120
    assert values["inspections.enterprises"] == 60


def test_fifty_names_in_four_spellings_count_fifty(book):
    rows = [INSPECTION_HEADER]
    for firm in range(50):
        for spelling in (f"山东华源{firm}（集团）有限公司", f"山东华源{firm}(集团)有限公司",
                         f"山东华源{firm}（集团）\u3000有限公司", f"山东华源{firm}\n（集团）有限公司"):
            rows.append(inspection(D(2023, 4, 1), spelling, None))
    values, _ = _values(book({"执法检查": rows}))
    assert values["inspections.visits"] == 200
    assert values["inspections.enterprises"] == 50


def test_an_uncoded_visit_joins_the_coded_firm_of_its_spelled_name(book):
    rows = [INSPECTION_HEADER,
            inspection(name="山东华源（集团）有限公司", code=_credit_code(1)),
            inspection(name="山东华源(集团)\n有限公司", code=None)]
    values, _ = _values(book({"执法检查": rows}))
    assert values["inspections.enterprises"] == 1


def test_one_name_under_two_codes_is_two_firms_and_an_uncoded_visit_adds_none(book):
    rows = [INSPECTION_HEADER,
            inspection(name="甲公司", code=_credit_code(1)),
            inspection(name="甲公司", code=_credit_code(2)),
            inspection(name="甲公司", code=None),
            inspection(name="乙公司", code=None)]
    values, _ = _values(book({"执法检查": rows}))
    assert values["inspections.enterprises"] == 3  # two codes of 甲公司, and 乙公司


# -- indicator units ---------------------------------------------------------------------

@pytest.mark.parametrize("rows,value,unit", [
    ([("环保服务手册", 1.1, "万份"), ("环保服务手册", 5000, "份")], 16000, "份"),
    ([("环保服务手册", 5000, "份"), ("环保服务手册", 1.1, "万份")], 16000, "份"),
    ([("专项资金", 2.5, "万元"), ("专项资金", 300, "元")], 25300, "元"),
    ([("专项资金", 1.5, "亿元"), ("专项资金", 2, "万元")], 15002, "万元"),
    ([("培训人数", 0.12, "万人"), ("培训人数", 30, "人")], 1230, "人"),
    ([("宣传次数", 1, "万次"), ("宣传次数", 1, "千次")], 11, "千次"),
    ([("危废处置量", 1.2, "吨"), ("危废处置量", 300, "千克")], 1500, "千克"),
    ([("环保服务手册", 1.1, "万份"), ("环保服务手册", 0.5, None)], Decimal("1.6"), "万份"),  # blank: the first unit
])
def test_an_indicator_in_multiples_is_summed_in_the_smaller_unit(book, rows, value, unit):
    sheet = [INDICATOR_HEADER] + [[name, number, given, "", None] for name, number, given in rows]
    values, summary_book = _values(book({"其他指标": sheet}))
    metric_id = f"indicators.{rows[0][0]}"
    assert values[metric_id] == value
    assert summarize(summary_book).figures[metric_id].metric.unit == unit


def test_units_that_are_no_multiples_are_an_error_at_the_first_odd_row(book):
    rows = [INDICATOR_HEADER, ["环保服务手册", 3, "份", "", 1], ["环保服务手册", 4, "次", "", 2],
            ["环保服务手册", 5, "次", "", 3], ["学法次数", 9, "次", "", None]]
    workbook = load_workbook(book({"其他指标": rows}))
    assert located(workbook.findings) == [("其他指标!C3", "mixed-units")]
    assert workbook.findings[0].message("en") == (
        "indicator '环保服务手册' is given in '次' and in '份', which are not multiples of each other; "
        "they cannot be summed")


# -- lawreport.toml's own words, validated -------------------------------------------------

def test_the_config_reads_its_sections():
    words = _words('[sheets]\npenalties = ["案件台账"]\n[columns.penalties]\nfine = ["罚没金额", "处罚金额"]\n'
                   '[values.penalties.outcome]\n"从轻处罚" = "处罚"\n')
    assert words.sheets == {"penalties": ("案件台账",)}
    assert words.columns == {"penalties": {"fine": ("罚没金额", "处罚金额")}}
    assert words.values == {"penalties": {"outcome": {"从轻处罚": "处罚"}}}


@pytest.mark.parametrize("text,expected", [
    ('[sheets]\npenalty = ["案件台账"]\n', "unknown sheet kind 'penalty' in 'sheets.penalty'"),
    ('[columns.penalty]\nfine = ["罚没金额"]\n', "unknown sheet kind 'penalty' in 'columns.penalty'"),
    ('[columns.penalties]\nfines = ["罚没金额"]\n', "unknown column 'fines' in 'columns.penalties.fines'"),
    ('[columns.penalties]\nfine = 3\n', "'columns.penalties.fine' must be a list of names"),
    ('[values.penalties.result]\n"从轻处罚" = "处罚"\n', "unknown column 'result' in 'values.penalties.result'"),
    ('[values.penalties.outcome]\n"从轻处罚" = "警告"\n', "'values.penalties.outcome': \"从轻处罚\" = '警告'"),
    ('[values.inspections.enterprise]\n"甲" = "乙"\n', "'values.inspections.enterprise'"),
    ('sheets = "x"\n', "'sheets' must be a table"),
])
def test_the_config_refuses_unknown_words(text, expected):
    with pytest.raises(ConfigError) as caught:
        _words(text)
    message = str(caught.value)
    assert message.startswith("/tmp/lawreport.toml: ") and expected in message
    assert "\n" not in message


def test_a_bad_config_is_one_line_and_exit_2_for_validate(book, tmp_path):
    from click.testing import CliRunner

    from lawreport_cli.cli import cli

    path = book({"行政处罚": [PENALTY_HEADER, penalty()]})
    config = tmp_path / "lawreport.toml"
    config.write_text('[columns.penalties]\nfines = ["罚没金额"]\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(path), "--config", str(config)])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"lawreport: {config}: unknown column 'fines' in 'columns.penalties.fines' (columns of penalties: "
        "case_no, enterprise, credit_code, filed_on, decided_on, outcome, fine, waived, waived_exempted, "
        "waived_reduced, referred, detention, "
        "legal_review)"]


def test_validate_reads_the_config_lang(book, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from lawreport_cli.cli import cli

    path = book({"行政处罚": [PENALTY_HEADER, penalty(fine=-3000)]})
    (tmp_path / "lawreport.toml").write_text('lang = "en"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1
    assert "罚款金额 is -3000: an amount cannot be negative" in result.stdout


def test_indicators_without_a_unit_column(book):
    rows = [["指标", "数值"], ["学法次数", 4], ["学法次数", 5]]
    values, workbook = _values(book({"其他指标": rows}))
    assert values == {"indicators.学法次数": 9}
    assert summarize(workbook).figures["indicators.学法次数"].metric.unit == ""


def test_a_city_with_an_invisible_character_is_the_same_city(book):
    rows = [AIR_HEADER, air(D(2023, 1, 1), "枣庄市"), air(D(2023, 1, 2), "枣庄市\u200b"), air(D(2023, 1, 1), "\ufeff枣庄市")]
    workbook = load_workbook(book({"空气质量": rows}))
    assert located(workbook.findings) == [("空气质量!A4", "duplicate-date")]
    assert workbook.records["air"]["city"].unique().to_list() == ["枣庄市"]
