"""From a file to records: read, parse and check every sheet, settle the year.

`load_workbook` is the one entry point the commands share: it returns one
DataFrame per sheet (valid rows only, typed) and every finding.
"""
from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from .checks import CheckedSheet, check_sheet
from .findings import Finding
from .reader import read_workbook
from .words import Vocabulary


@dataclass
class Workbook:
    source: str
    year: int
    records: dict[str, pl.DataFrame]  # sheet key (= report section) -> typed valid rows
    findings: list[Finding]
    rows_with_errors: int
    last_month: int = 12  # the last month of the year that has any dated row (12 when none)

    @property
    def errors(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == "warning"]

    @property
    def infos(self) -> list[Finding]:
        """What was read as what (a sheet by its header, a header not used): never a fault."""
        return [finding for finding in self.findings if finding.severity == "info"]


def load_workbook(path: str | os.PathLike, year: int | None = None,
                  progress: Callable[[str], None] | None = None, words: Vocabulary | None = None) -> Workbook:
    """Read and check a workbook. Raises UnreadableWorkbook when it cannot be read at all.

    `words`: the config's own sheet names, header names and values (lawreport.toml).
    """
    raw = read_workbook(path, progress, sheet_aliases=words.sheets if words else None,
                        column_aliases=words.columns if words else None)
    if progress:
        progress(f"checking rules of {path}")
    checked = {key: check_sheet(sheet, words) for key, sheet in raw.sheets.items()}
    findings = list(raw.findings)
    for sheet in checked.values():
        findings.extend(sheet.findings)
    workbook_year = year or _year_of(checked, path)
    findings.extend(_outside_year(checked, workbook_year))
    findings.sort()
    # A sheet without its header or a required column gives no figures at all, even with
    # --keep-going: every one of its rows is left out.
    unusable = {key for key, sheet in checked.items() if not sheet.usable}
    records = {key: sheet.records for key, sheet in checked.items() if key not in unusable}
    rows_with_errors = sum(sheet.sheet.frame.height if key in unusable else sheet.rows_with_errors
                           for key, sheet in checked.items())
    return Workbook(str(path), workbook_year, records, findings, rows_with_errors,
                    _last_month(checked, workbook_year))


def _last_month(checked: dict[str, CheckedSheet], year: int) -> int:
    months = []
    for sheet in checked.values():
        row_date = _row_date(sheet)
        if row_date is not None:
            month = sheet.records.select(
                row_date.filter(row_date.dt.year() == year).dt.month().max()).item()
            if month is not None:
                months.append(month)
    return max(months) if months else 12


def _row_date_keys(sheet: CheckedSheet) -> list[str]:
    """The sheet's own-date columns (schema.row_date) that it has, in order of precedence."""
    return [key for key in sheet.sheet.schema.row_date if key in sheet.records.columns]


def _row_date(sheet: CheckedSheet) -> pl.Expr | None:
    keys = _row_date_keys(sheet)
    return pl.coalesce(keys) if keys else None


def _year_of(checked: dict[str, CheckedSheet], path) -> int:
    # DATA.md: the year most of the workbook's dates fall in; a file named 2023.xlsx with no dates is 2023.
    years: Counter[int] = Counter()
    for sheet in checked.values():
        row_date = _row_date(sheet)
        if row_date is None:
            continue
        counts = sheet.records.select(row_date.dt.year().alias("year")).drop_nulls().group_by("year").len()
        for found_year, count in counts.iter_rows():
            years[found_year] += count
    match = re.search(r"(19|20)\d{2}", Path(path).stem)
    named = int(match.group(0)) if match else None
    if years:
        # A tie goes to the year in the file name, else to the earliest year.
        return max(years.items(), key=lambda item: (item[1], item[0] == named, -item[0]))[0]
    if named:
        return named
    import datetime as dt

    return dt.date.today().year


def _outside_year(checked: dict[str, CheckedSheet], year: int) -> list[Finding]:
    findings = []
    for sheet in checked.values():
        keys = _row_date_keys(sheet)
        if not keys:
            continue
        # The row's own date is the first of `row_date` that it has; name that cell.
        which = pl.coalesce([pl.when(pl.col(key).is_not_null()).then(pl.lit(key)) for key in keys])
        hits = sheet.records.select(
            "_row", pl.coalesce(keys).alias("_date"), which.alias("_key")
        ).filter(pl.col("_date").dt.year() != year)
        for row, date, key in hits.iter_rows():
            findings.append(sheet.sheet.finding(row, key, "date-outside-year", date.isoformat(), year))
    return findings
