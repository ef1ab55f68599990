"""The clerk's own words: placeholders, synonyms, the one text normalisation, unit multiples.

Declared once, beside the schema (DATA.md, "Real ledgers as clerks keep them", Cells);
the checks, the metrics, `inspect` and the config's validation all read these tables.

Normalisation for comparing text (`normalize`): NFKC, then the invisible format
characters removed (zero-width space/joiners, BOM, word joiner, soft hyphen; NBSP
and the ideographic space become plain spaces through NFKC). Case numbers also
unify every bracket form (`case_number_key`); enterprise names unify brackets and
drop all whitespace (`enterprise_key`); credit codes ignore case (`credit_code_key`).
Comparison only: findings and outputs show the text as it was written.

This module imports no data library at import time (the config validates against it).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

# -- invisible characters --------------------------------------------------------------

# Format characters that print as nothing but make two spellings differ. NBSP (U+00A0),
# U+202F and U+3000 are spaces, and NFKC turns them into one.
INVISIBLE = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u200f", "\u180e")
_INVISIBLE_CLASS = "[" + "".join(INVISIBLE) + "]"
_INVISIBLE_TABLE = {ord(char): None for char in INVISIBLE}
# Shown in messages so that a value that looks right can be seen to be wrong.
_SHOWN_VISIBLY = set(INVISIBLE) | {"\u00a0", "\u202f"}

# Every bracket form people and systems write around a year or a group name.
OPENING_BRACKETS = "〔[（【(［〖｛{〈《"
CLOSING_BRACKETS = "〕]）】)］〗｝}〉》"
_BRACKET_TABLE = {ord(char): "(" for char in OPENING_BRACKETS}
_BRACKET_TABLE.update({ord(char): ")" for char in CLOSING_BRACKETS})


def normalize(text: str | None) -> str | None:
    """The one form text is compared in: NFKC, invisible characters removed, outer spaces off."""
    if text is None:
        return None
    return unicodedata.normalize("NFKC", str(text).translate(_INVISIBLE_TABLE)).translate(_INVISIBLE_TABLE).strip()


def case_number_key(text: str | None) -> str | None:
    """枣环罚字〔2023〕15号 and 枣环罚字[2023]15号 compare equal."""
    text = normalize(text)
    return None if text is None else re.sub(r"\s+", "", text.translate(_BRACKET_TABLE))


def enterprise_key(text: str | None) -> str | None:
    """山东华源（集团）有限公司, 山东华源(集团)有限公司, with a full-width space or a line break: one name."""
    return case_number_key(text)


def credit_code_key(text: str | None) -> str | None:
    text = normalize(text)
    return None if not text else re.sub(r"\s+", "", text).upper()


def visible(text: str | None) -> str | None:
    """A value for a message: each invisible character written out, `处罚<U+200B>`."""
    if text is None or not any(char in _SHOWN_VISIBLY for char in text):
        return text
    return "".join(f"<U+{ord(char):04X}>" if char in _SHOWN_VISIBLY else char for char in text)


# Columnar twins of the above, for whole columns (polars imported by the caller's module).
# NFKC is the costly step (about 1 s a million cells): it runs only on the cells that hold
# a character it can change, i.e. anything beyond ASCII, CJK ideographs and common CJK
# punctuation; the rest are already in normal form.
_ALREADY_NORMAL = r"^[\x20-\x7e\u3001\u3002\u3008-\u3011\u3014-\u301b\u3400-\u4dbf\u4e00-\u9fff]*$"
_BRACKETS_FROM = list(OPENING_BRACKETS + CLOSING_BRACKETS)
_BRACKETS_TO = ["("] * len(OPENING_BRACKETS) + [")"] * len(CLOSING_BRACKETS)


def normalize_expr(expr):
    return expr.map_batches(normalize_series, return_dtype=_utf8())


def _utf8():
    import polars as pl

    return pl.Utf8


def normalize_series(series):
    """`normalize` over a polars Series: NFKC on the cells that need it only."""
    # A text of the common characters only holds no invisible one either (none is in
    # _ALREADY_NORMAL's class): only the other cells pay for the removal and the NFKC.
    # ASCII is in NFKC already and holds no invisible character (a case number, a credit code):
    # told by a byte count, cheaper than the regex.
    if not (series.str.len_bytes() != series.str.len_chars()).any():
        return series.str.strip_chars()
    unusual = (~series.str.contains(_ALREADY_NORMAL)).fill_null(False)
    if not unusual.any():
        return series.str.strip_chars()
    cleaned = series.filter(unusual).str.replace_all(_INVISIBLE_CLASS, "")
    needs = ~cleaned.str.contains(_ALREADY_NORMAL)
    if needs.any():
        fixed = cleaned.filter(needs).str.normalize("NFKC").str.replace_all(_INVISIBLE_CLASS, "")
        cleaned = cleaned.scatter(needs.arg_true(), fixed)
    return series.clone().scatter(unusual.arg_true(), cleaned).str.strip_chars()


# A bracket or a space: what a case number's key changes after normalize.
_KEY_CHANGES = "[\\s" + "".join(re.escape(char) for char in OPENING_BRACKETS + CLOSING_BRACKETS) + "]"


def case_number_key_series(series):
    """`case_number_key` over a polars Series: brackets and spaces replaced in the cells that hold any."""
    key = normalize_series(series)
    changes = key.str.contains(_KEY_CHANGES).fill_null(False)
    if changes.any():
        fixed = key.filter(changes).str.replace_many(_BRACKETS_FROM, _BRACKETS_TO).str.replace_all(r"\s+", "")
        key = key.scatter(changes.arg_true(), fixed)
    return key


def case_number_key_expr(expr):
    return expr.map_batches(case_number_key_series, return_dtype=_utf8())


def enterprise_key_expr(expr):
    return case_number_key_expr(expr)


def credit_code_key_expr(expr):
    return normalize_expr(expr).str.replace_all(r"\s+", "").str.to_uppercase().replace("", None)


# -- placeholders ----------------------------------------------------------------------

# "Nothing here": blank where a blank is allowed; a required value so written is missing-value.
PLACEHOLDERS = ("—", "——", "－", "-", "/", "无", "NA")
# ... and for a date not set yet (决定日期 of an open case, 协议日期 before an agreement).
PENDING_DATE = ("未结案", "办理中", "磋商中", "未签订")


def _forms(words) -> frozenset[str]:
    # The word as typed, its NFKC form and, for letters, any case: the raw cells are only
    # stripped, so the full-width ＮＡ and the half-width NA must both be listed.
    forms = set()
    for word in words:
        for form in (word, unicodedata.normalize("NFKC", word)):
            forms |= {form, form.lower(), form.upper(), form.capitalize()}
    return frozenset(forms)


PLACEHOLDER_FORMS = _forms(PLACEHOLDERS)
PENDING_DATE_FORMS = PLACEHOLDER_FORMS | _forms(PENDING_DATE)


def is_placeholder(text: str | None, column_type: str) -> bool:
    if text is None:
        return False
    words = PENDING_DATE if column_type == "date" else PLACEHOLDERS
    return normalize(text).lower() in {normalize(word).lower() for word in words}


# -- synonyms --------------------------------------------------------------------------

# (sheet key, column key) -> {the export's word: the contract's word}. 从轻处罚 is not here:
# it is not one outcome (a bureau that means 处罚 by it says so in lawreport.toml).
SYNONYMS: dict[tuple[str, str], dict[str, str]] = {
    ("penalties", "outcome"): {
        "罚款": "处罚",
        "不予行政处罚": "不予处罚",
        "免予处罚": "免罚",
        "免于处罚": "免罚",
        "减轻处罚": "减罚",
    },
    ("inspections", "method"): {
        "双随机抽查": "双随机",
        "双随机、一公开": "双随机",
        "信访": "信访投诉",
        "投诉": "信访投诉",
        "信访举报": "信访投诉",
        "专项检查": "专项行动",
        "督察": "环保督察",
    },
}


# -- units of indicators ----------------------------------------------------------------

# A prefix multiplies the unit after it: 万份 = 10^4 份, 万千瓦时 = 10^7 瓦时.
UNIT_PREFIXES: dict[str, int] = {"万": 10 ** 4, "亿": 10 ** 8, "千": 10 ** 3, "百": 10 ** 2}
# Units that are a multiple of another without a prefix.
UNIT_MULTIPLES: dict[str, tuple[str, int]] = {"吨": ("克", 10 ** 6), "公斤": ("克", 10 ** 3)}


def unit_scale(unit: str | None) -> tuple[str, int]:
    """(base unit, multiple): 万份 -> (份, 10000); 份 -> (份, 1); 吨 -> (克, 10^6); blank -> ("", 1)."""
    text = normalize(unit) or ""
    text = re.sub(r"\s+", "", text)
    multiple = 1
    while True:
        if text in UNIT_MULTIPLES:
            base, factor = UNIT_MULTIPLES[text]
            text, multiple = base, multiple * factor
            continue
        if len(text) > 1 and text[0] in UNIT_PREFIXES:
            text, multiple = text[1:], multiple * UNIT_PREFIXES[text[0]]
            continue
        return text, multiple


def unit_factor(unit: str | None, target: str | None) -> Decimal | None:
    """How many `target` one `unit` is (万份 in 份: 10000), or None when they are not multiples."""
    base, multiple = unit_scale(unit)
    target_base, target_multiple = unit_scale(target)
    if base != target_base:
        return None
    return Decimal(multiple) / Decimal(target_multiple)


# -- the bureau's own words (lawreport.toml) ------------------------------------------

@dataclass(frozen=True)
class Vocabulary:
    """[sheets], [columns.<kind>] and [values.<kind>.<column>] of lawreport.toml, validated."""
    sheets: dict[str, tuple[str, ...]] = field(default_factory=dict)  # kind -> extra sheet names
    columns: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)  # kind -> key -> names
    values: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)  # kind -> key -> word -> word

    def __post_init__(self):
        # Normalised once: header search asks about every cell of its first rows.
        object.__setattr__(self, "_sheet_names", {})
        object.__setattr__(self, "_header_names", {})
        if not (self.sheets or self.columns):
            return  # no data library for an empty vocabulary (a config without these sections)
        from .values import normalize_label

        sheet_names = {normalize_label(extra)[0]: kind for kind, names in self.sheets.items() for extra in names}
        header_names: dict[str, tuple[dict[str, str], dict[str, str]]] = {}
        for kind, table in self.columns.items():
            whole, stripped = header_names.setdefault(kind, ({}, {}))
            for key, names in table.items():
                for extra in names:
                    extra_whole, extra_stripped, _ = normalize_label(extra)
                    whole.setdefault(extra_whole, key)
                    stripped.setdefault(extra_stripped, key)
        object.__setattr__(self, "_sheet_names", sheet_names)
        object.__setattr__(self, "_header_names", header_names)

    def __bool__(self) -> bool:
        return bool(self.sheets or self.columns or self.values)

    def sheet_kind(self, name: str) -> str | None:
        """The kind whose extra names hold this sheet name (compared as headers are)."""
        from .values import normalize_label

        return self._sheet_names.get(normalize_label(name)[0]) if self._sheet_names else None

    def column_key(self, kind: str, whole: str, stripped: str) -> str | None:
        """The column key whose extra header names hold this (normalised) header text."""
        if kind not in self._header_names:
            return None
        by_whole, by_stripped = self._header_names[kind]
        return by_whole.get(whole) or by_stripped.get(stripped)

    def value_words(self, kind: str, key: str) -> dict[str, str]:
        return self.values.get(kind, {}).get(key, {})


def accepted_values(column) -> tuple[str, ...] | None:
    """The words a [values] entry may map to for this column, or None if the column takes none."""
    from .schema import NO, YES

    if column.type == "choice":
        return column.choices
    if column.type == "yes_no":
        return ("是", "否", *YES, *NO)
    return None


def meaning(text: str, column, sheet_key: str, words: Vocabulary | None = None) -> str | None:
    """What one distinct raw cell text means in its column, or None for "blank".

    For choice columns: the contract's word; for yes/no columns 是 or 否; text that
    means nothing known is returned as written, so the parser refuses it at its cell.
    """
    from .schema import NO, YES

    clean = normalize(text)
    own = {normalize(word): target for word, target in (words.value_words(sheet_key, column.key) if words else {}).items()}
    if clean in own:
        return own[clean] or None
    if column.type == "choice":
        compact = re.sub(r"\s+", "", clean)
        for choice in column.choices:
            if compact == choice:
                return choice
        synonyms = SYNONYMS.get((sheet_key, column.key), {})
        if compact in synonyms:
            return synonyms[compact]
        if is_placeholder(clean, column.type):
            return None
        return text
    if column.type == "yes_no":
        folded = clean.lower()
        if folded in YES:
            return "是"
        if folded in NO:
            return "否"
        if is_placeholder(clean, column.type):
            return None
        return text
    return None if is_placeholder(clean, column.type) else text


_CLEAN_TABLE = {**_INVISIBLE_TABLE, 0x00A0: " ", 0x202F: " "}


def without_invisible(text: str) -> str:
    """Text as written, less its invisible characters, NBSP a plain space (how an indicator's name is shown)."""
    return text.translate(_CLEAN_TABLE)
