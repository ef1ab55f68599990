"""Findings are values, not exceptions: one per failed rule, at its cell."""
from __future__ import annotations

from dataclasses import dataclass, field

from .codes import CODES
from .words import visible as shown_visibly

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


class Localized(tuple):
    """A message parameter worded per language: Localized(zh, en) shows as the message's language."""

    def __new__(cls, zh: str, en: str):
        return super().__new__(cls, (zh, en))

    def text(self, lang: str) -> str:
        return self[1] if lang == "en" else self[0]


def column_letter(index: int) -> str:
    """0-based column index to its A1 letters (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True, order=True)
class Finding:
    # Field order is the sort order: by sheet, then row, then column.
    sheet: str
    row: int  # 1-based sheet row; 0 for a finding about the whole sheet or file
    column_index: int  # 0-based; -1 when no single column is at fault
    code: str
    column: str = ""  # canonical column name of DATA.md
    value: str | None = None
    params: tuple = field(default=(), compare=False)
    file: str = field(default="", compare=False)

    @property
    def severity(self) -> str:
        return CODES[self.code].severity

    @property
    def cell(self) -> str:
        if self.row <= 0:
            return ""
        if self.column_index < 0:
            return str(self.row)
        return f"{column_letter(self.column_index)}{self.row}"

    @property
    def location(self) -> str:
        if not self.sheet:
            return self.file
        return f"{self.sheet}!{self.cell}" if self.cell else self.sheet

    def message(self, lang: str = "zh") -> str:
        entry = CODES[self.code]
        template = entry.en if lang == "en" else entry.zh
        # A value that looks right but holds an invisible character shows it: 处罚<U+200B>.
        params = [param.text(lang) if isinstance(param, Localized) else param for param in self.params]
        params = [shown_visibly(param) if isinstance(param, str) else param for param in params]
        return template.format(*params, column=self.column, value=shown_visibly(self.value))

    def to_dict(self, lang: str = "zh") -> dict:
        return {
            "severity": self.severity,
            "code": self.code,
            "sheet": self.sheet,
            "cell": self.cell,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message(lang),
        }


def count_by_severity(findings) -> tuple[int, int]:
    """(errors, warnings); info findings are neither."""
    errors = sum(1 for finding in findings if finding.severity == "error")
    warnings = sum(1 for finding in findings if finding.severity == "warning")
    return errors, warnings


def visible(findings, verbose: bool = False) -> list:
    """The findings a listing for people shows: info ones only when asked (--verbose)."""
    return list(findings) if verbose else [finding for finding in findings if finding.severity != "info"]
