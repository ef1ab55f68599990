"""Columnar parsing of the value forms DATA.md accepts.

Every parser takes a polars expression over raw cell text (as read, stripped,
blank = null) and returns an expression of the typed value, null where the text
is not of the type. "Raw is not null but parsed is null" is then a finding.
No per-cell Python: a full sheet is a million rows.
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from functools import partial

import polars as pl

from .numbers import FEN_PER_UNIT
from .schema import NO, YES

# Full-width forms people type in Chinese input methods, and the spaces Excel keeps.
_FULL_WIDTH = {chr(0xFF10 + digit): str(digit) for digit in range(10)}
_FULL_WIDTH.update({"．": ".", "，": ",", "－": "-", "＋": "+", "／": "/", "：": ":", "\u3000": " ", "\xa0": " "})
_FULL_WIDTH_FROM = list(_FULL_WIDTH)
_FULL_WIDTH_TO = list(_FULL_WIDTH.values())

EXCEL_EPOCH = pl.date(1899, 12, 30)  # serial 1 = 1900-01-01, counting Excel's phantom 1900-02-29
MAX_EXCEL_SERIAL = 2_958_465  # 9999-12-31

_YMD = r"^([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*日?(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?$"
_COMPACT = r"^([0-9]{4})([0-9]{2})([0-9]{2})$"
_SERIAL = r"^([0-9]{1,7})(?:\.[0-9]+)?$"
_THOUSANDS = r"^[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?$"
_PLAIN_NUMBER = r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"
# [0-9], not \d: the regex engine's \d also matches Arabic-Indic and other Unicode digits.
_DECIMAL_PARTS = r"^([+-]?)([0-9]{1,15})?(?:\.([0-9]*))?$"


def clean_text(raw: pl.Expr) -> pl.Expr:
    """Half-width digits and punctuation, no surrounding spaces; blank becomes null."""
    # replace(), not when/then: `text` appears once, so it is computed once (polars' common-
    # subexpression elimination does not reach inside when/then, and parsers nest these).
    return raw.str.replace_many(_FULL_WIDTH_FROM, _FULL_WIDTH_TO).str.strip_chars().replace("", None)


def clean_text_expr(raw: pl.Expr) -> pl.Expr:
    """clean_text of a whole column, each step once and the full-width mapping only where it can apply."""
    return raw.map_batches(clean_text_series, return_dtype=pl.Utf8, is_elementwise=True)


def clean_text_series(text: pl.Series) -> pl.Series:
    """clean_text over a Series: the same text, row for row."""
    # Every full-width form is beyond ASCII: a text of as many bytes as characters holds none.
    wide = (text.str.len_bytes() != text.str.len_chars()).fill_null(False)
    if wide.all():
        text = text.str.replace_many(_FULL_WIDTH_FROM, _FULL_WIDTH_TO)
    elif wide.any():
        text = text.clone().scatter(wide.arg_true(),
                                    text.filter(wide).str.replace_many(_FULL_WIDTH_FROM, _FULL_WIDTH_TO))
    text = text.str.strip_chars()
    return text.zip_with((text != "").fill_null(False), pl.Series([None], dtype=pl.Utf8))


def parse_date_fast(raw: pl.Expr) -> pl.Expr:
    """The form real Excel dates arrive in (2023-03-05, or with 00:00:00): one chrono parse.

    Rows it leaves null are given to parse_date, so this only has to be right, not complete.
    """
    length = raw.str.len_bytes()
    iso_shaped = (length == 10) | ((length == 19) & (raw.str.slice(10, 1) == " "))
    return pl.when(iso_shaped).then(raw.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False))


def parse_date(raw: pl.Expr) -> pl.Expr:
    text = clean_text(raw)
    ymd = text.str.extract_groups(_YMD)
    compact = text.str.extract_groups(_COMPACT)
    year = pl.coalesce(ymd.struct.field("1"), compact.struct.field("1"))
    month = pl.coalesce(ymd.struct.field("2"), compact.struct.field("2"))
    day = pl.coalesce(ymd.struct.field("3"), compact.struct.field("3"))
    from_text = pl.format("{}-{}-{}", year, month.str.zfill(2), day.str.zfill(2)).str.to_date(
        "%Y-%m-%d", strict=False)
    serial = text.str.extract(_SERIAL, 1).cast(pl.Int64, strict=False)
    from_serial = (
        pl.when(serial.is_between(1, MAX_EXCEL_SERIAL) & compact.struct.field("1").is_null())
        .then(EXCEL_EPOCH + pl.duration(days=serial))
        .otherwise(None)
        .cast(pl.Date)
    )
    return pl.coalesce(from_text, from_serial)


def _number_text(raw: pl.Expr) -> pl.Expr:
    text = clean_text(raw).str.replace_all(" ", "")
    return pl.when(text.str.contains(_THOUSANDS)).then(text.str.replace_all(",", "")).otherwise(text)


# No concentration, count or indicator comes near this; beyond it a value is a typo or an
# attack, and would overflow the exact integer arithmetic downstream.
MAX_ABS_NUMBER = 1e12
MAX_MONEY_FEN = 10 ** 14  # 10^12 元: an amount at or beyond it is refused as bad-money


def parse_number(raw: pl.Expr) -> pl.Expr:
    text = _number_text(raw)
    number = pl.when(text.str.contains(_PLAIN_NUMBER)).then(text.cast(pl.Float64, strict=False)).otherwise(None)
    return pl.when(number.abs() < MAX_ABS_NUMBER).then(number).otherwise(None)


def parse_integer(raw: pl.Expr) -> pl.Expr:
    number = parse_number(raw)
    return pl.when(number == number.floor()).then(number.cast(pl.Int64, strict=False)).otherwise(None)


def parse_month(raw: pl.Expr) -> pl.Expr:
    month = parse_integer(clean_text(raw).str.strip_suffix("月"))
    return pl.when(month.is_between(1, 12)).then(month).otherwise(None)


def money_digits(unit: str) -> int:
    """Decimal places of a value in `unit` that still lie at or above the fen."""
    return len(str(FEN_PER_UNIT[unit])) - 1


def parse_money_fen(raw: pl.Expr, unit: str, fen_column: pl.Expr | None = None) -> tuple[pl.Expr, pl.Expr]:
    """(fen as Int64, finer-than-a-fen flag), rounding half-up to the fen.

    Exact by construction: the integer and fraction digits are taken apart as
    text and scaled as integers; no float ever holds the amount. `fen_column`: the
    fen already computed, for the flag (which else computes the fen a second time).
    """
    digits = money_digits(unit)
    text = _number_text(raw)
    parts = text.str.extract_groups(_DECIMAL_PARTS)
    sign = pl.when(parts.struct.field("1") == "-").then(-1).otherwise(1)
    whole = parts.struct.field("2").fill_null("0").cast(pl.Int64, strict=False)
    fraction = parts.struct.field("3").fill_null("").str.pad_end(digits + 1, "0")
    kept = fraction.str.slice(0, digits).cast(pl.Int64, strict=False) if digits else pl.lit(0, pl.Int64)
    round_up = (fraction.str.slice(digits, 1).cast(pl.Int64, strict=False) >= 5).cast(pl.Int64)
    has_digit = parts.struct.field("2").is_not_null() | (parts.struct.field("3").str.len_chars() > 0)
    # Amounts of 10^17 fen or more would overflow Int64 once scaled: they are not money here.
    fits = whole < 10 ** (17 - digits)
    fen = pl.when(has_digit & fits).then(sign * (whole * (10 ** digits) + kept + round_up)).otherwise(None)
    # The reader writes a float cell with 9 decimals (1234.56 may arrive as 1234.559999999 or
    # 123456789.120000005); digits past the fen that start with a run of 0s or 9s are that
    # binary noise, already rounded away, not a real fraction of a fen.
    beyond = fraction.str.slice(digits)
    float_noise = beyond.str.contains("^(?:0{5,}|9{5,})")
    finer = beyond.str.contains("[1-9]") & ~float_noise
    return fen, pl.when((fen if fen_column is None else fen_column).is_not_null()).then(finer).otherwise(False)


def parse_money_fen_fast(raw: pl.Expr, unit: str, fen_column: pl.Expr | None = None) -> tuple[pl.Expr, pl.Expr]:
    """Plain decimals (-1234.56, as float cells arrive) without a regex; others stay null.

    Rows it leaves null are given to parse_money_fen; both compute the same fen.
    """
    digits = money_digits(unit)
    parts = raw.str.split_exact(".", 1)
    whole_text, fraction = parts.struct.field("field_0"), parts.struct.field("field_1").fill_null("")
    whole = whole_text.cast(pl.Int64, strict=False).abs()
    # One dot at most: split_exact keeps two fields and would drop the rest of 5.5.5 (read as 5.5).
    fraction_ok = (raw.str.count_matches(".", literal=True) <= 1) & ((fraction == "") | (
        fraction.cast(pl.UInt64, strict=False).is_not_null() & ~fraction.str.contains("+", literal=True)))
    padded = fraction.str.pad_end(digits + 1, "0")
    kept = padded.str.slice(0, digits).cast(pl.Int64, strict=False) if digits else pl.lit(0, pl.Int64)
    round_up = (padded.str.slice(digits, 1) >= "5").cast(pl.Int64)
    sign = pl.when(raw.str.starts_with("-")).then(-1).otherwise(1)
    # >= 0: the absolute value of Int64's least value (-9223372036854775808) wraps round to it.
    fits = (whole >= 0) & (whole < 10 ** (17 - digits))
    fen = pl.when(fraction_ok & fits).then(sign * (whole * (10 ** digits) + kept + round_up))
    beyond = fraction.str.slice(digits)
    float_noise = beyond.str.starts_with("00000") | beyond.str.starts_with("99999")
    finer = (beyond.str.strip_chars("0") != "") & ~float_noise
    return fen, pl.when((fen if fen_column is None else fen_column).is_not_null()).then(finer).otherwise(False)


def parse_money_fen_plain(raw: pl.Expr, unit: str, fen_column: pl.Expr | None = None) -> tuple[pl.Expr, pl.Expr]:
    """The commonest form only: ASCII digits with at most one dot and no more decimals than reach the fen.

    Such an amount is the digits without the dot, scaled: exact, and never finer than a fen.
    Rows it leaves null are given to parse_money_fen_fast; all three compute the same fen.
    """
    digits = money_digits(unit)
    fen = raw.map_batches(partial(money_fen_plain_series, digits=digits), return_dtype=pl.Int64,
                          is_elementwise=True)
    return fen, pl.lit(False)


def money_fen_plain_series(text: pl.Series, digits: int) -> pl.Series:
    """parse_money_fen_plain over a Series: each step once (an expression would repeat its shared parts)."""
    dot = text.str.find(".", literal=True)
    decimals = (text.str.len_bytes().cast(pl.Int32) - dot.cast(pl.Int32) - 1).fill_null(0)
    # Int64's cast takes [+-]?[0-9]+ and nothing else: with the dot out, that is a plain decimal
    # unless the dot came first and a sign after it (.-5): those are left to the other parsers.
    number = text.str.replace(".", "", literal=True, n=1).cast(pl.Int64, strict=False)
    scale = decimals.replace_strict({count: 10 ** (digits - count) for count in range(digits + 1)},
                                    default=None, return_dtype=pl.Int64)
    # The fast and regex parsers' bound (a whole part below 10^(17 - digits)), on the scaled amount.
    bound = 10 ** 17 // scale
    plain = ((number < bound) & (number > -bound) & (dot.fill_null(1) > 0)).fill_null(False)
    return (number * scale).zip_with(plain, pl.Series([None], dtype=pl.Int64))


def money_fen_slow(text: str, unit: str) -> tuple[int, bool] | None:
    """Per-value fallback for the one form the columnar parser leaves out: exponents (1.5E+3).

    Only the forms DATA.md accepts get here: thousands separators in threes, ASCII
    digits (after the same full-width mapping as clean_text), nothing Decimal() alone
    would take (Unicode digits, `1_0`, a decimal comma).
    """
    cleaned = text
    for full, half in _FULL_WIDTH.items():
        cleaned = cleaned.replace(full, half)
    cleaned = cleaned.strip().replace(" ", "")
    if re.fullmatch(_THOUSANDS, cleaned):
        cleaned = cleaned.replace(",", "")
    if not re.fullmatch(_PLAIN_NUMBER, cleaned):
        return None
    try:
        amount = Decimal(cleaned) * FEN_PER_UNIT[unit]
    except ArithmeticError:  # 9e999999999: beyond what Decimal holds, and no amount of money
        return None
    if not amount.is_finite() or abs(amount) >= Decimal(10) ** 17:
        return None
    fen = int(amount.quantize(Decimal(1), rounding="ROUND_HALF_UP"))
    return fen, amount != fen


def parse_yes_no(raw: pl.Expr) -> pl.Expr:
    """True/False; blank means no; null only for text that is neither."""
    text = clean_text(raw).str.to_lowercase().fill_null("")
    meaning = {"": False, **{word: True for word in YES}, **{word: False for word in NO}}
    return text.replace_strict(meaning, default=None, return_dtype=pl.Boolean)


def parse_choice(raw: pl.Expr, choices: tuple[str, ...], synonyms: tuple[tuple[str, str], ...] = ()) -> pl.Expr:
    text = clean_text(raw).str.replace_all(" ", "", literal=True)
    meaning = {**dict(synonyms), **{choice: choice for choice in choices}}
    return text.replace_strict(meaning, default=None, return_dtype=pl.Utf8)


# Below the detection limit, as laboratories write it: 0.05L, <0.05 (HJ 630 and 环办监测函〔2020〕82号).
_BELOW_LIMIT = r"^(?:([0-9]*\.?[0-9]+)[lL]|[<＜]([0-9]*\.?[0-9]+))$"
NOT_DETECTED = ("nd", "n.d.", "n.d", "未检出", "<dl", "低于检出限")


def parse_measurement(raw: pl.Expr) -> pl.Expr:
    """A laboratory value: a number, or half the detection limit for `0.05L` / `<0.05`.

    Float64; the halving is exact in binary, so the shortest repr of the result is
    the exact half of the limit as written (0.05L -> 0.025).
    """
    text = _number_text(raw)
    parts = text.str.extract_groups(_BELOW_LIMIT)
    limit = pl.coalesce(parts.struct.field("1"), parts.struct.field("2")).cast(pl.Float64, strict=False)
    return pl.when(limit.is_not_null()).then(limit / 2).otherwise(parse_number(raw))


def is_not_detected(raw: pl.Expr) -> pl.Expr:
    """`ND` / `未检出` without its limit: the value cannot be known (write e.g. 0.01L)."""
    return clean_text(raw).str.replace_all(" ", "").str.to_lowercase().is_in(list(NOT_DETECTED)).fill_null(False)


_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CODE_VALUES = {char: index for index, char in enumerate(_CODE_CHARS)}


def credit_code_valid(code: pl.Expr) -> pl.Expr:
    """GB 32100-2015 check digit, columnar (see domain/creditcode.py for the scalar rule)."""
    text = code.str.to_uppercase()
    total = pl.lit(0, pl.Int64)
    for position, weight in enumerate(_CODE_WEIGHTS):
        value = text.str.slice(position, 1).replace_strict(_CODE_VALUES, default=None, return_dtype=pl.Int64)
        total = total + value * weight
    expected = ((31 - total % 31) % 31).replace_strict(
        dict(enumerate(_CODE_CHARS)), default=None, return_dtype=pl.Utf8)
    return (text.str.len_chars() == 18) & (text.str.slice(17, 1) == expected).fill_null(False)


def normalize_label(text: str) -> tuple[str, str, str]:
    """A header or sheet name as matched: (whole, without bracketed unit, unit).

    Matching ignores case, spaces, full-/half-width forms, subscripts (PM₂.₅)
    and a unit in brackets: `罚款金额（万元）` -> ("罚款金额(万元)", "罚款金额", "万元").
    """
    folded = unicodedata.normalize("NFKC", str(text)).lower()
    for char in " \t\r\n_-·.*":
        folded = folded.replace(char, "")
    unit = ""
    stripped = folded
    for opening, closing in ("()", "[]", "【】"):
        while opening in stripped and closing in stripped.split(opening, 1)[1]:
            before, rest = stripped.split(opening, 1)
            inside, after = rest.split(closing, 1)
            unit = unit or inside
            stripped = before + after
    return folded, stripped, unit
