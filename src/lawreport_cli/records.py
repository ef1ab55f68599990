"""From a file to records: read, parse and check every sheet, settle the year.

`load_workbook` is the one entry point the commands share: it returns one
DataFrame per sheet (valid rows only, typed) and every finding.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from .checks import CheckedSheet, check_sheet
from .findings import Finding
from .reader import read_workbook, workbook_paths
from .safety import display_path
from .words import Vocabulary


@dataclass
class Workbook:
    source: str
    year: int | None  # None: no dated rows and no year in the file name (figures need --year)
    records: dict[str, pl.DataFrame]  # sheet key (= report section) -> typed valid rows
    findings: list[Finding]
    rows_with_errors: int
    last_month: int = 12  # the last month of the year that has any dated row (12 when none)
    files: tuple[str, ...] = ()  # the files that together are the workbook (display forms)

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


def load_workbook(path, year: int | None = None,
                  progress: Callable[[str], None] | None = None, words: Vocabulary | None = None) -> Workbook:
    """Read and check a workbook: one file, or a list of files that together are one year's
    workbook. Raises UnreadableWorkbook when a file cannot be read at all.

    `words`: the config's own sheet names, header names and values (lawreport.toml).
    """
    raw = read_workbook(path, progress, sheet_aliases=words.sheets if words else None,
                        column_aliases=words.columns if words else None)
    if progress:
        progress(f"checking rules of {raw.path}")
    checked = {key: check_sheet(sheet, words) for key, sheet in raw.sheets.items()}
    findings = list(raw.findings)
    for sheet in checked.values():
        findings.extend(sheet.findings)
    workbook_year = year or _year_of(checked, path)
    outside, outside_ledger = _outside_year(checked, workbook_year) if workbook_year else ([], {})
    findings.extend(outside)
    findings.sort()
    for key, rows in outside_ledger.items():
        # A date that cannot belong to this ledger is an error: the row leaves the figures, counted.
        sheet = checked[key]
        sheet.records = sheet.records.filter(~pl.col("_row").is_in(list(rows)))
        sheet.rows_with_errors += len(rows)  # records hold no error row yet, so none is counted twice
    # A sheet without its header or a required column gives no figures at all, even with
    # --keep-going: every one of its rows is left out.
    unusable = {key for key, sheet in checked.items() if not sheet.usable}
    records = {key: sheet.records for key, sheet in checked.items() if key not in unusable}
    rows_with_errors = sum(sheet.sheet.frame.height if key in unusable else sheet.rows_with_errors
                           for key, sheet in checked.items())
    return Workbook(raw.path, workbook_year, records, findings, rows_with_errors,
                    _last_month(checked, workbook_year), tuple(display_path(one) for one in workbook_paths(path)))


def _last_month(checked: dict[str, CheckedSheet], year: int | None) -> int:
    months = []
    if year is None:
        return 12
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


def _year_of(checked: dict[str, CheckedSheet], path) -> int | None:
    # DATA.md: the year most of the workbook's dates fall in; a file named 2023.xlsx with no dates is 2023.
    years: Counter[int] = Counter()
    for sheet in checked.values():
        row_date = _row_date(sheet)
        if row_date is None:
            continue
        counts = sheet.records.select(row_date.dt.year().alias("year")).drop_nulls().group_by("year").len()
        for found_year, count in counts.iter_rows():
            years[found_year] += count
    # Several files: a year named by any of them (the first that names one).
    named = next((int(match.group(0)) for one in workbook_paths(path)
                  if (match := re.search(r"(19|20)\d{2}", Path(one).stem))), None)
    if years:
        # A tie goes to the year in the file name, else to the earliest year.
        return max(years.items(), key=lambda item: (item[1], item[0] == named, -item[0]))[0]
    # No dates and no year in the name: None, never today's year (the figures would change on 1 January).
    return named


# DATA.md: a row date more than one year after the workbook's, or before 2000, cannot belong to
# this ledger (2203 for 2023): an error. Other years are a warning (date-outside-year).
LEDGER_FIRST_YEAR = 2000


def _outside_year(checked: dict[str, CheckedSheet], year: int) -> tuple[list[Finding], dict[str, set[int]]]:
    """Findings for row dates outside the year, and per sheet the rows whose date is an error."""
    findings = []
    ledger_errors: dict[str, set[int]] = {}
    for sheet_key, sheet in checked.items():
        keys = _row_date_keys(sheet)
        if not keys:
            continue
        # The row's own date is the first of `row_date` that it has; name that cell.
        which = pl.coalesce([pl.when(pl.col(key).is_not_null()).then(pl.lit(key)) for key in keys])
        hits = sheet.records.select(
            "_row", pl.coalesce(keys).alias("_date"), which.alias("_key")
        ).filter(pl.col("_date").dt.year() != year)
        for row, date, key in hits.iter_rows():
            if date.year > year + 1 or date.year < LEDGER_FIRST_YEAR:
                findings.append(sheet.sheet.finding(row, key, "date-outside-ledger", date.isoformat(), year))
                ledger_errors.setdefault(sheet_key, set()).add(row)
            else:
                findings.append(sheet.sheet.finding(row, key, "date-outside-year", date.isoformat(), year))
    return findings, ledger_errors
