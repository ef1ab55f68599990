"""The cheaper parse and checks of a big sheet give exactly what the straightforward ones give.

checks._parse parses a column whose texts repeat once per distinct text (and a money column of
several sheet parts once per text and part); _parse_rows is every row through the parsers.
_Collector evaluates its pending masks together; findings keep the order of the rules.
"""
from __future__ import annotations

import datetime as dt
import os

import polars as pl
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from conftest import PENALTY_HEADER, VALID_CODE, penalty, write_workbook
from lawreport_cli import checks, values, words
from lawreport_cli.reader import ROW_STRIDE, RawSheet, SheetPart, read_workbook
from lawreport_cli.records import load_workbook
from lawreport_cli.schema import INDICATORS, NO, PENALTIES, YES

D = dt.date
# As test_properties.py: `make test` runs few examples, deterministically (each costs two parses
# of a dozen columns); HYPOTHESIS_PROFILE=dev or fuzz runs many.
EXAMPLES = {"dev": 300, "fuzz": 3000}.get(os.environ.get("HYPOTHESIS_PROFILE", "ci"), 20)
PROPERTY = settings(max_examples=EXAMPLES, derandomize=EXAMPLES == 20, deadline=None, database=None,
                    phases=[Phase.explicit, Phase.reuse, Phase.generate] if EXAMPLES == 20 else list(Phase),
                    suppress_health_check=[HealthCheck.too_slow])
FULL_WIDTH_DIGITS = str.maketrans("0123456789.,-", "０１２３４５６７８９．，－")

# -- random raw texts of every form DATA.md accepts, and of forms it does not ------------


@st.composite
def date_texts(draw):
    year = draw(st.sampled_from([1899, 1999, 2023, 2024, 9999]))
    month, day = draw(st.integers(0, 13)), draw(st.integers(0, 32))
    form = draw(st.sampled_from([
        "{y}-{m:02d}-{d:02d}", "{y}-{m:02d}-{d:02d} 00:00:00", "{y}-{m:02d}-{d:02d} 10:30", "{y}/{m}/{d}",
        "{y}.{m}.{d}", "{y}年{m}月{d}日", "{y} 年 {m} 月 {d} 日", "{y}{m:02d}{d:02d}", "{y}-{m}-{d}T08:00:00",
    ]))
    text = form.format(y=year, m=month, d=day)
    serial = str(draw(st.sampled_from([0, 1, 60, 44927, 45000, 2958465, 2958466, 10 ** 7])))
    text = draw(st.sampled_from([text, text.translate(FULL_WIDTH_DIGITS), serial, serial + ".5", f" {text} "]))
    return text


@st.composite
def money_texts(draw):
    whole = draw(st.sampled_from([0, 1, 5, 99, 100, 1234, 15000, 123456789, 10 ** 12, 10 ** 16]))
    fraction = draw(st.sampled_from(["", ".", ".5", ".05", ".005", ".004", ".0049", ".56", ".559999999",
                                     ".120000005", ".123456789", ".1000000", ".00001", ".99999", "0"]))
    sign = draw(st.sampled_from(["", "-", "+"]))
    plain = f"{sign}{whole}{fraction}"
    grouped = f"{sign}{whole:,}{fraction}"
    exponent = draw(st.sampled_from(["1.5E+3", "1.5e+3", "2E-3", "1e300", "-1.25E+2", "1.0E+5"]))
    return draw(st.sampled_from([plain, grouped, plain.translate(FULL_WIDTH_DIGITS), exponent, f" {plain} ",
                                 "1,23", "12 345", ".5", "5.", "三千元", "1_0", "#DIV/0!"]))


YES_NO_TEXTS = [*YES, *NO, "YES", "No", " 是 ", "Ｙ", "也许", "TRUE", "１", "0.0"]
CHOICE_TEXTS = [*PENALTIES.column("outcome").choices,
                *(word for word, _ in PENALTIES.column("outcome").synonyms), "处 罚", "警告", "处罚 ", "減罰"]
CODE_TEXTS = [VALID_CODE, VALID_CODE.lower(), " " + VALID_CODE, VALID_CODE[:17] + "0", "91370400MA3C5X7Y2K",
              VALID_CODE.translate(FULL_WIDTH_DIGITS), "ABC", VALID_CODE + "\u200b"]
TEXTS = ["甲公司", " 甲公司 ", "甲\u3000公司", "（2023）1号", "〔2023〕1号", "１２３", "Ｐ１", "#N/A", "P\u200b1"]
NUMBER_TEXTS = ["3", "3.5", "1,234", "-2", "1e300", "1.5E+3", "n/a", "３", "12月", "13", "0", "4.0", " 7 "]

COLUMN_TEXTS = {"date": date_texts(), "money": money_texts(), "yes_no": st.sampled_from(YES_NO_TEXTS),
                "choice": st.sampled_from(CHOICE_TEXTS), "credit_code": st.sampled_from(CODE_TEXTS),
                "text": st.sampled_from(TEXTS) | st.text(max_size=6), "number": st.sampled_from(NUMBER_TEXTS),
                "month": st.sampled_from(NUMBER_TEXTS)}


def cell_texts(kind: str):
    return st.none() | st.just("") | COLUMN_TEXTS[kind]


def part(name: str, units: dict[str, str], keys) -> SheetPart:
    return SheetPart("2023.xlsx", name, 0, "ooxml", False, "name", positions={key: i for i, key in enumerate(keys)},
                     units=units)


@st.composite
def raw_sheets(draw, schema=PENALTIES):
    """A raw frame as check_sheet hands it to _parse, texts repeating, in one or two sheet parts."""
    columns = [column for column in schema.columns if column.type in COLUMN_TEXTS]
    keys = [column.key for column in columns]
    height = draw(st.integers(1, 12))
    data = {column.key: draw(st.lists(cell_texts(column.type), min_size=height, max_size=height))
            for column in columns}
    # Every text at least twice, and in a shuffled order: the distinct path has work to share.
    order = draw(st.permutations(list(range(2 * height))))
    data = {key: [(texts + texts)[index] for index in order] for key, texts in data.items()}
    units = {column.key: draw(st.sampled_from(["元", "万元", "亿元"])) for column in columns if column.type == "money"}
    parts = []
    rows = [2 + index for index in range(2 * height)]
    if draw(st.booleans()) and units:
        # Two sheets of the table; the second in other units, its rows after the first's.
        other = {key: draw(st.sampled_from(["元", "万元"])) for key in units}
        parts = [part("行政处罚", units, keys), part("行政处罚(2)", other, keys)]
        split = draw(st.integers(0, 2 * height))
        rows = rows[:split] + [ROW_STRIDE + row for row in rows[split:]]
    frame = pl.DataFrame({"_row": rows, **{f"{key}__raw": texts for key, texts in data.items()}},
                         schema={"_row": pl.Int64, **{f"{key}__raw": pl.Utf8 for key in keys}})
    sheet = RawSheet(schema, "行政处罚", False, 1, {key: i for i, key in enumerate(keys)}, units,
                     frame.rename({f"{key}__raw": key for key in keys}), parts=parts)
    return sheet, frame, columns


@PROPERTY
@given(raw_sheets())
def test_parse_by_distinct_text_is_the_parse_of_every_row(drawn):
    sheet, frame, columns = drawn
    every_row = checks._parse(frame, columns, sheet, by_distinct=False)
    assert_frame_equal(checks._parse(frame, columns, sheet, by_distinct=True), every_row)
    # Money against the one-step regex parser, its flag computing the fen itself (no stages).
    one_step = frame.with_columns(
        expr for column in columns if column.type == "money"
        for expr in checks._money_parsers(column, sheet, lambda raw, unit, fen_column: values.parse_money_fen(raw, unit)))
    money = [name for column in columns if column.type == "money" for name in (column.key, f"{column.key}__finer")]
    assert_frame_equal(every_row.select(money), one_step.select(money))


@PROPERTY
@given(raw_sheets(INDICATORS))
def test_parse_by_distinct_text_of_numbers_and_months(drawn):
    sheet, frame, columns = drawn
    assert_frame_equal(checks._parse(frame, columns, sheet, by_distinct=True),
                       checks._parse(frame, columns, sheet, by_distinct=False))


def test_parse_by_distinct_text_hand_worked():
    keys = ["filed_on", "fine", "referred", "outcome"]
    columns = [PENALTIES.column(key) for key in keys]
    texts = {"filed_on": ["2023-03-05", "2023年3月5日", "45000", None, "2023-02-30", "2023-03-05"],
             "fine": ["1,234.56", "1.5E+3", "１２３．４５", "100.005", None, "1,234.56"],
             "referred": ["是", "Y", "否", None, "也许", "是"],
             "outcome": ["处罚", "处 罚", "警告", None, "免罚", "处罚"]}
    frame = pl.DataFrame({"_row": list(range(2, 8)), **{f"{key}__raw": value for key, value in texts.items()}})
    sheet = RawSheet(PENALTIES, "行政处罚", False, 1, {}, {"fine": "元"}, frame)
    parsed = checks._parse(frame, columns, sheet, by_distinct=True)
    assert parsed["filed_on"].to_list() == [D(2023, 3, 5), D(2023, 3, 5), D(2023, 3, 15), None, None, D(2023, 3, 5)]
    # 1.5E+3 is left to _money_fallback (one by one), as before.
    assert parsed["fine"].to_list() == [123456, None, 12345, 10001, None, 123456]
    assert parsed["fine__finer"].to_list() == [False, False, False, True, False, False]
    assert parsed["referred"].to_list() == [True, True, False, False, None, True]
    assert parsed["outcome"].to_list() == ["处罚", "处罚", None, None, "免罚", "处罚"]


def test_the_choice_of_columns_skips_all_distinct_ones(monkeypatch):
    height = 4000
    frame = pl.DataFrame({"_row": range(2, height + 2),
                          "outcome__raw": ["处罚", "免罚"] * (height // 2),
                          "fine__raw": [str(index) for index in range(height)],
                          "filed_on__raw": ["2023-03-05"] * height})
    columns = [PENALTIES.column(key) for key in ("outcome", "fine", "filed_on")]
    sheet = RawSheet(PENALTIES, "行政处罚", False, 1, {}, {"fine": "元"}, frame)
    monkeypatch.setattr(checks, "DISTINCT_FROM_ROWS", 1000)
    parsed_columns = []
    original = checks._parse_rows

    def spy(frame, present, sheet):
        parsed_columns.append(([column.key for column in present], frame.height))
        return original(frame, present, sheet)

    monkeypatch.setattr(checks, "_parse_rows", spy)
    parsed = checks._parse(frame, columns, sheet)
    # Every distinct amount row by row; the two outcomes and the one date once each.
    assert parsed_columns == [(["fine"], height), (["outcome"], 2), (["filed_on"], 1)]
    assert parsed["fine"].to_list()[:3] == [0, 100, 200]
    assert parsed["outcome"].to_list()[:3] == ["处罚", "免罚", "处罚"]


# -- several sheet parts in different money units -----------------------------------------

HEADER_WAN = [*PENALTY_HEADER[:6], "罚款金额（万元）", "免减金额（万元）", *PENALTY_HEADER[8:]]


def test_parts_in_yuan_and_wan_yuan_by_distinct_text(tmp_path, monkeypatch):
    # The same texts in both sheets: 1.5 is 1.50 元 on one and 15,000.00 元 on the other.
    monkeypatch.setattr(checks, "DISTINCT_FROM_ROWS", 0)
    path = write_workbook(tmp_path / "2023.xlsx", {
        "行政处罚": [PENALTY_HEADER, penalty("P1", fine="1.5"), penalty("P2", fine="12000"),
                 penalty("P3", outcome="减罚", fine="1.5", waived="0.5"), penalty("P4", fine="0.123")],
        "行政处罚(2)": [HEADER_WAN, penalty("P5", fine="1.5"), penalty("P6", fine="12000"),
                     penalty("P7", outcome="减罚", fine="1.5", waived="0.5"), penalty("P8", fine="0.123")],
    })
    workbook = load_workbook(path)
    records = workbook.records["penalties"].sort("_row")
    assert records["case_no"].to_list() == ["P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8"]
    assert records["fine"].to_list() == [150, 1_200_000, 150, 12, 1_500_000, 12_000_000_000, 1_500_000, 123_000]
    assert records["waived"].to_list() == [None, None, 50, None, None, None, 500_000, None]
    # 0.123 元 is finer than a fen; 0.123 万元 is 1,230.00 元 exactly. Small fines below 100 元 are named.
    assert sorted((finding.location, finding.code) for finding in workbook.findings) == [
        ("行政处罚!G2", "fine-implausibly-small"), ("行政处罚!G4", "fine-implausibly-small"),
        ("行政处罚!G5", "fine-implausibly-small"), ("行政处罚!G5", "sub-fen-amount")]


def test_parts_in_yuan_and_wan_yuan_same_either_way(tmp_path, monkeypatch):
    path = write_workbook(tmp_path / "2023.xlsx", {
        "行政处罚": [PENALTY_HEADER, *(penalty(f"A{index}", fine=f"{index % 7}.{index % 3}5") for index in range(40))],
        "行政处罚(2)": [HEADER_WAN, *(penalty(f"B{index}", fine=f"{index % 7}.{index % 3}5") for index in range(40))],
    })
    sheet = read_workbook(path).sheets["penalties"]
    monkeypatch.setattr(checks, "DISTINCT_FROM_ROWS", 10 ** 9)
    every_row = checks.check_sheet(sheet)
    monkeypatch.setattr(checks, "DISTINCT_FROM_ROWS", 0)
    by_distinct = checks.check_sheet(sheet)
    assert_frame_equal(by_distinct.records, every_row.records)
    assert by_distinct.findings == every_row.findings
    fines = dict(zip(every_row.records["case_no"], every_row.records["fine"]))
    assert fines["A3"] == 305 and fines["B3"] == 3_050_000  # 3.05 元; 3.05 万元
    assert fines["A10"] == 315 and fines["B10"] == 3_150_000  # 3.15
    assert fines["A0"] == 5 and fines["B0"] == 50_000  # 0.05


# -- findings keep the order of the rules ---------------------------------------------------

def test_findings_order_of_a_sheet_with_many_kinds(tmp_path, monkeypatch):
    rows = [
        PENALTY_HEADER,
        penalty("P1"),
        penalty("P2", decided="2023-13-45", fine="三千元"),                # bad-date, bad-money
        penalty("P1", name="#N/A", referred="也许"),                     # cell-error, bad-yes-no, duplicate
        penalty("P4", outcome="警告", fine=-5),                          # bad-choice, negative-amount
        penalty("P5", name=None, fine="100.005"),                        # missing-value, sub-fen (100.01: not small)
        penalty("P6", code="91370400MA3C5X7Y2K", detention="是"),        # credit-code-check, detention
        penalty("P7", filed=D(2023, 3, 1), decided=D(2023, 2, 1)),       # decision-before-filing
        penalty("P8", decided=None),                                     # open-case-with-outcome
        penalty("P9", fine=None, filed=None),                            # no fine, no filing date
        penalty("P10", outcome="免罚", fine=500, waived=500),             # waived-with-fine
        penalty("P11", outcome=None),                                    # outcome missing-value
        penalty("P12", fine=50),                                         # fine-implausibly-small
    ]
    sheet = read_workbook(write_workbook(tmp_path / "2023.xlsx", {"行政处罚": rows})).sheets["penalties"]
    # Column by column in the schema's order (each column's checks in check_sheet's order), then
    # the row rules in the schema's order.
    expected = [
        ("行政处罚!A4", "duplicate-case-number"),
        ("行政处罚!B4", "cell-error"),
        ("行政处罚!B6", "missing-value"),
        ("行政处罚!C7", "credit-code-check"),
        ("行政处罚!E3", "bad-date"),
        ("行政处罚!F5", "bad-choice"),
        ("行政处罚!G3", "bad-money"),
        ("行政处罚!G6", "sub-fen-amount"),
        ("行政处罚!G5", "negative-amount"),
        ("行政处罚!I4", "bad-yes-no"),
        ("行政处罚!F9", "open-case-with-outcome"),
        ("行政处罚!F12", "missing-value"),
        ("行政处罚!E8", "decision-before-filing"),
        ("行政处罚!G10", "penalty-without-fine"),
        ("行政处罚!D10", "penalty-without-filing-date"),
        ("行政处罚!G11", "waived-with-fine"),
        ("行政处罚!G13", "fine-implausibly-small"),
        ("行政处罚!J7", "detention-without-referral"),
    ]
    for from_rows in (10 ** 9, 0):
        monkeypatch.setattr(checks, "DISTINCT_FROM_ROWS", from_rows)
        checked = checks.check_sheet(sheet)
        assert [(finding.location, finding.code) for finding in checked.findings] == expected
        assert checked.rows_with_errors == 9
        assert checked.records["case_no"].to_list() == ["P1", "P8", "P12"]


# -- the keys duplicates are told by, over a column: as the one-text functions give them ----------

KEY_TEXT = st.text(alphabet=st.sampled_from(list("A1 -（）()〔〕[]【】{}《》\u3000\xa0\u200b\ufeff\u00ad\t\nｆ１２枣环罚字号"
                                                "\u2460\u00bd")), max_size=12)


@PROPERTY
@given(st.lists(st.none() | KEY_TEXT, max_size=20))
def test_column_keys_are_the_one_text_keys(texts):
    series = pl.Series(texts, dtype=pl.Utf8)
    assert words.normalize_series(series).to_list() == [words.normalize(text) for text in texts]
    assert words.case_number_key_series(series).to_list() == [words.case_number_key(text) for text in texts]
    assert series.to_list() == texts  # the column itself is left as it was


def test_column_keys_hand_worked():
    series = pl.Series(["枣环罚字〔2023〕15号", " 枣环罚字[2023] 15号 ", "2023XZCF0001", None, "\u200bＰ１（二）", ""])
    assert words.case_number_key_series(series).to_list() == [
        "枣环罚字(2023)15号", "枣环罚字(2023)15号", "2023XZCF0001", None, "P1(二)", ""]


def test_parse_by_distinct_text_of_an_empty_or_blank_sheet():
    columns = [PENALTIES.column(key) for key in ("filed_on", "fine", "referred", "outcome")]
    for texts in ([], [None, None, None]):
        frame = pl.DataFrame({"_row": list(range(2, 2 + len(texts))),
                              **{f"{column.key}__raw": texts for column in columns}},
                             schema={"_row": pl.Int64, **{f"{column.key}__raw": pl.Utf8 for column in columns}})
        sheet = RawSheet(PENALTIES, "行政处罚", False, 1, {}, {"fine": "元"}, frame)
        parsed = checks._parse(frame, columns, sheet, by_distinct=True)
        assert_frame_equal(parsed, checks._parse(frame, columns, sheet, by_distinct=False))
        # A blank yes/no is "no"; a blank amount is no amount, and not finer than a fen.
        assert parsed["referred"].to_list() == [False] * len(texts)
        assert parsed["fine"].to_list() == [None] * len(texts)
        assert parsed["fine__finer"].to_list() == [False] * len(texts)
