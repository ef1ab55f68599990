"""What each command does, as library calls the CLI (and tests) make.

load -> check -> compute; errors the user can cause surface as DataErrors
(exit 1) or UsageError/UnreadableWorkbook (exit 2), never as a traceback.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from .compare import compare
from .model import Comparison, Summary
from .records import Workbook, load_workbook
from .summarize import UsageError, summarize

DEFAULT_DATA_DIR = "data"
DATA_DIR_ENV = "LAWREPORT_DATA_DIR"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


class DataErrors(Exception):
    """The data has errors and the user did not ask to go on: exit 1."""

    def __init__(self, workbook: Workbook):
        super().__init__(f"{len(workbook.errors)} errors in {workbook.source}")
        self.workbook = workbook


def data_dir_of(option: str | None, config_dir: str | None = None) -> Path:
    """--data-dir, else $LAWREPORT_DATA_DIR, else the config file's data_dir, else data/."""
    return Path(option or os.environ.get(DATA_DIR_ENV) or config_dir or DEFAULT_DATA_DIR)


def resolve_workbook(argument: str, data_dir: Path) -> Path:
    """A year (2023) is <data dir>/2023.xlsx; anything else is a path."""
    if re.fullmatch(r"\d{4}", argument):
        for suffix in WORKBOOK_SUFFIXES:
            candidate = data_dir / f"{argument}{suffix}"
            if candidate.exists():
                return candidate
        raise UsageError(f"no workbook for {argument}: looked for {data_dir / (argument + '.xlsx')}")
    return Path(argument)


def load_checked(path: Path, keep_going: bool = False, year: int | None = None, progress=None,
                 words=None) -> Workbook:
    workbook = load_workbook(path, year=year, progress=progress, words=words)
    if workbook.errors and not keep_going:
        raise DataErrors(workbook)
    return workbook


def summary_of(path: Path, through: int | None = None, sections: list[str] | None = None,
               keep_going: bool = False, year: int | None = None, progress=None, standard: str = "auto",
               words=None) -> Summary:
    return summarize(load_checked(path, keep_going, year, progress, words), through, sections, standard)


@dataclass
class CompareResult:
    comparisons: list[Comparison]  # one per consecutive pair, oldest first
    note: str  # why the span was cut, or ""


def compare_paths(paths: list[Path], through: int | None = None, sections: list[str] | None = None,
                  keep_going: bool = False, progress=None, standard: str = "auto", words=None) -> CompareResult:
    """Year on year over the same span (同期) of every workbook, like-for-like (同口径).

    The earlier year of each pair is computed day by day with the AQI standard the
    same calendar date of the later year uses (or the forced `standard`).
    """
    if len(paths) < 2:
        raise UsageError("compare needs at least two years or workbooks")
    workbooks = [load_checked(path, keep_going, progress=progress, words=words) for path in paths]
    workbooks.sort(key=lambda workbook: workbook.year)
    note = ""
    if through is None:
        shortest = min(workbook.last_month for workbook in workbooks)
        if shortest < 12:
            through = shortest
            short = [str(workbook.year) for workbook in workbooks if workbook.last_month == shortest]
            note = (f"{'、'.join(short)}年数据截至{shortest}月，各年均按1-{shortest}月同期比较"
                    f" (data of {', '.join(short)} end in month {shortest}; every year is cut to months 1-{shortest})")
    currents = [summarize(workbook, through, sections, standard) for workbook in workbooks[1:]]
    befores = [summarize(workbook, through, sections, standard, like_for_like_with=later.year)
               for workbook, later in zip(workbooks, workbooks[1:])]
    comparisons = [compare(before, after, note) for before, after in zip(befores, currents)]
    return CompareResult(comparisons, note)
