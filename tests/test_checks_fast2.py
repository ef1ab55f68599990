"""The second cut of cheaper parsing: each shortcut gives what the parser it stands in front of gives.

- money: plain decimals (values.parse_money_fen_plain) before the fast and the regex parsers;
- free text: values.clean_text_expr for clean_text;
- words.normalize_series on an all-ASCII column: stripped only;
- an Excel error value by checks.EXCEL_ERROR_TEXTS instead of checks.EXCEL_ERROR_PATTERN.
"""
from __future__ import annotations

import random

import polars as pl
import pytest
from polars.testing import assert_frame_equal, assert_series_equal

from lawreport_cli import checks, values, words
from lawreport_cli.reader import RawSheet
from lawreport_cli.schema import PENALTIES

FINE = PENALTIES.column("fine")

# Every edge of a plain decimal, and the forms next to it the plain parser must leave alone.
MONEY_EDGES = [
    "0", "000", "-0", "+5", "5", "5.", ".5", "-.5", "+.5", ".-5", ".+5", "5.-3", "1.-5", "1.+5", "1..5", "..5",
    "5..", "5.5.5", "--5", "+-5", "-", "+", ".", "1.00", "1.0000", "00.10", "-0.01", "1.005", "0.005", "0.0049999",
    "1234.56", "1234.559999999", "123456789.120000005", "1.5E+3", "1e3", " 5", "1 000", "1,000", "1_0", "0x1",
    "nan", "inf", "１２３．４５", "٣", "99999999999.99", "100000000000000", "999999999999999.99",
    "-999999999999999.99", "1000000000000000", "99999999999999999", "99999999999999999999",
    "9223372036854775807", "-9223372036854775808", "-92233720368547758.08", "123456789012345678.5",
    "99999999999.999999", "9999999999.9999999", "1000000000.123456", "-99999999999.000001",
]


def _sheet(unit: str) -> RawSheet:
    return RawSheet(PENALTIES, "行政处罚", False, 1, {}, {"fine": unit}, pl.DataFrame())


def _money_texts() -> list[str | None]:
    rng = random.Random(7)
    texts: list[str | None] = [None, *MONEY_EDGES]
    for _ in range(3000):
        texts.append("".join(rng.choice("0123456789.-+ ,") for _ in range(rng.randint(1, 20))))
        texts.append(str(rng.randint(-10 ** 18, 10 ** 18)) + rng.choice(["", ".", f".{rng.randint(0, 10 ** 9)}"]))
        decimals = "".join(rng.choice("0123456789") for _ in range(rng.randint(0, 8)))
        texts.append(f"{rng.choice(['', '-', '+'])}{rng.randint(0, 10 ** rng.randint(0, 12))}.{decimals}")
    return texts


@pytest.mark.parametrize("unit", ["元", "万元"])
def test_plain_tier_changes_no_value(unit, monkeypatch):
    """_parse_rows with the plain parser first gives what the fast and regex parsers alone give, every text."""
    sheet = _sheet(unit)
    texts = _money_texts()
    frame = pl.DataFrame({"_row": pl.int_range(len(texts), eager=True, dtype=pl.Int64),
                          "fine__raw": pl.Series(texts, dtype=pl.Utf8)})
    tiered = checks._parse_rows(frame, [FINE], sheet)
    tiers = checks._parser_tiers
    monkeypatch.setattr(checks, "_parser_tiers", lambda column, sheet: tiers(column, sheet)[1:])
    assert_frame_equal(tiered, checks._parse_rows(frame, [FINE], sheet))
    fen = dict(zip(texts, tiered.get_column("fine").to_list()))
    assert fen["1234.56"] == (123456 if unit == "元" else 1234560000)
    assert fen[".-5"] is None and fen["5.-3"] is None and fen["--5"] is None


@pytest.mark.parametrize("unit", ["元", "万元"])
def test_plain_parser_is_the_regex_parser_where_it_reads(unit):
    """Where the plain parser gives a fen, the regex parser gives the same fen and no finer-than-a-fen flag."""
    sheet = _sheet(unit)
    texts = _money_texts()
    frame = pl.DataFrame({"_row": pl.int_range(len(texts), eager=True, dtype=pl.Int64),
                          "fine__raw": pl.Series(texts, dtype=pl.Utf8)})
    regex = checks._in_stages(frame, checks._parse_column(FINE, sheet))
    plain = values.money_fen_plain_series(frame.get_column("fine__raw"), values.money_digits(unit))
    read = plain.is_not_null()
    assert read.sum() > 1000
    assert_series_equal(plain.filter(read), regex.get_column("fine").filter(read), check_names=False)
    assert not regex.get_column("fine__finer").filter(read).any()


@pytest.mark.parametrize("unit, given, fen", [
    ("元", "1234.56", 123456), ("元", "-0.5", -50), ("元", "+.5", 50), ("元", "5.", 500), ("元", "007", 700),
    ("元", "999999999999999.99", 99999999999999999), ("元", "1000000000000000", None), ("元", "1.005", None),
    ("万元", "1.005", 1005000), ("万元", "0.000001", 1), ("万元", "0.0000001", None), ("万元", ".-5", None),
    ("元", "-9223372036854775808", None), ("元", "1e3", None), ("元", "1,000", None), ("元", " 5", None),
])
def test_plain_money_parser_alone(unit, given, fen):
    """Only plain decimals that reach no finer than the fen, within 10^17 fen; the rest is left null."""
    digits = values.money_digits(unit)
    assert values.money_fen_plain_series(pl.Series([given]), digits).to_list() == [fen]


def test_money_by_text_only_when_texts_repeat_often():
    """A money column of many distinct amounts goes row by row; one of a few amounts by distinct text."""
    height = checks.DISTINCT_FROM_ROWS * 2
    amounts = [f"{index}.5" for index in range(height // 10)] * 10  # ten rows per text: row by row
    waived = ["100", "250.5"] * (height // 2)  # a handful: by text
    frame = pl.DataFrame({"_row": pl.int_range(height, eager=True, dtype=pl.Int64),
                          "fine__raw": amounts, "waived__raw": waived})
    sheet = RawSheet(PENALTIES, "行政处罚", False, 1, {}, {"fine": "元", "waived": "元"}, pl.DataFrame())
    seen = []
    original = checks._parse_by_text

    def spy(frame, columns, sheet):
        seen.extend(column.key for column in columns)
        return original(frame, columns, sheet)

    present = [FINE, PENALTIES.column("waived")]
    checks._parse_by_text = spy
    try:
        chosen = checks._parse(frame, present, sheet)
    finally:
        checks._parse_by_text = original
    assert seen == ["waived"]
    assert_frame_equal(chosen, checks._parse(frame, present, sheet, by_distinct=False))
    assert chosen.get_column("fine").head(2).to_list() == [50, 150]
    assert chosen.get_column("waived").head(2).to_list() == [10000, 25050]


def _texts(alphabet: list[str], count: int, seed: int) -> list[str | None]:
    rng = random.Random(seed)
    return [None, "", " ", "\t x \n"] + ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))
                                         for _ in range(count)]


@pytest.mark.parametrize("only_ascii", [False, True])
def test_clean_text_expr_is_clean_text(only_ascii):
    alphabet = list("ab 12\t\n\r") + ([] if only_ascii else [*values._FULL_WIDTH_FROM, *"企业（）\u2003\u200b"])
    frame = pl.DataFrame({"raw": pl.Series(_texts(alphabet, 5000, 11), dtype=pl.Utf8)})
    expected = frame.select(values.clean_text(pl.col("raw")))
    assert_frame_equal(frame.select(values.clean_text_expr(pl.col("raw"))), expected)
    assert_frame_equal(pl.DataFrame({"raw": pl.Series([], dtype=pl.Utf8)}).select(values.clean_text_expr(pl.col("raw"))),
                       pl.DataFrame({"raw": pl.Series([], dtype=pl.Utf8)}))


def test_clean_text_expr_hand_worked():
    frame = pl.DataFrame({"raw": ["  枣环罚字〔２０２３〕１５号\u3000", " ", "", "A 1", None, "\xa0１．５\xa0"]})
    assert frame.select(values.clean_text_expr(pl.col("raw"))).to_series().to_list() == [
        "枣环罚字〔2023〕15号", None, None, "A 1", None, "1.5"]


@pytest.mark.parametrize("only_ascii", [False, True])
def test_normalize_and_case_key_series_are_the_scalar_rules(only_ascii):
    """The columnar normalize and case-number key give words.normalize / case_number_key per cell."""
    alphabet = list("ab 1\t\n\x7f\x00([{}])") + ([] if only_ascii else list("（〔\u200b\u3000\xa0ｅ企"))
    texts = _texts(alphabet, 5000, 13)
    series = pl.Series(texts, dtype=pl.Utf8)
    assert words.normalize_series(series).to_list() == [words.normalize(text) for text in texts]
    assert words.case_number_key_series(series).to_list() == [words.case_number_key(text) for text in texts]
    assert series.to_list() == texts  # the input is not changed in place


def test_normalize_series_of_ascii_strips_only():
    series = pl.Series([" 2023XZCF0000001 ", "\t91370400MA3C5X7Y2K\n", None, "a\x00b"])
    assert words.normalize_series(series).to_list() == ["2023XZCF0000001", "91370400MA3C5X7Y2K", None, "a\x00b"]


def test_excel_error_texts_are_what_the_pattern_matches():
    near = ["#N/A ", " #N/A", "#n/a", "#N/A\n", "#DIV/0", "#NAME", "#NAME?!", "#", "N/A", "#REF!#REF!", "#VALUE!x"]
    texts = [*checks.EXCEL_ERROR_TEXTS, *near, None, ""]
    frame = pl.DataFrame({"raw": pl.Series(texts, dtype=pl.Utf8)})
    by_pattern = frame.select(pl.col("raw").str.contains(checks.EXCEL_ERROR_PATTERN).fill_null(False)).to_series()
    by_set = frame.select(pl.col("raw").is_in(checks.EXCEL_ERROR_TEXTS).fill_null(False)).to_series()
    assert_series_equal(by_set, by_pattern)
    assert by_set.sum() == 10


@pytest.mark.parametrize("numbers, duplicates", [
    (["A1", "A2", "A3", "A4"], []),  # ascending: distinct without a count
    (["A1", "A2", "A2", "A3"], [(4, "3")]),  # ascending but for one repeat
    (["A1", "A2", "A3", "A1"], [(5, "2")]),  # the repeat far from its first
    (["A4", "A3", "A2", "A1"], []),
    (["A4", "A3", "A4", "A1"], [(4, "2")]),
    (["A1", None, "A2", "A3"], []),  # a blank number is no duplicate (it is missing)
    (["A1", "A2", None, "A2"], [(5, "3")]),
    (["A1", "a 2", "A[3]", "A（3）"], [(5, "4")]),  # equal once keyed: A(3) twice
])
def test_duplicate_case_numbers_in_and_out_of_order(numbers, duplicates):
    rows = list(range(2, 2 + len(numbers)))
    frame = pl.DataFrame({"_row": rows, "case_no": numbers}, schema={"_row": pl.Int64, "case_no": pl.Utf8})
    sheet = RawSheet(PENALTIES, "行政处罚", False, 1, {"case_no": 0}, {}, frame)
    found = [(finding.row, finding.params[0]) for finding in checks.check_sheet(sheet).findings
             if finding.code == "duplicate-case-number"]
    assert found == duplicates
