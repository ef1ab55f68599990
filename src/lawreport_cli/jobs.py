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


from .errors import DataErrors  # noqa: E402,F401  (its old home; errors.py declares it)


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


def resolve_arguments(arguments, data_dir_option: str | None = None) -> list[Path]:
    """Each argument resolved as resolve_workbook does; the config is read only if a year needs it."""
    if not any(re.fullmatch(r"\d{4}", str(argument)) for argument in arguments):
        return [Path(argument) for argument in arguments]
    config_dir = None
    if not data_dir_option and not os.environ.get(DATA_DIR_ENV):
        from .config import load_config

        config_dir = load_config(None, Path.cwd()).data_dir
    directory = data_dir_of(data_dir_option, config_dir)
    return [resolve_workbook(str(argument), directory) for argument in arguments]


def require_year(workbook: Workbook) -> Workbook:
    if workbook.year is None:
        raise UsageError(f"{workbook.source}: cannot tell the workbook's year (no dated rows and no year in "
                         f"its name); give it with --year")
    return workbook


def load_checked(path: Path, keep_going: bool = False, year: int | None = None, progress=None,
                 words=None) -> Workbook:
    workbook = require_year(load_workbook(path, year=year, progress=progress, words=words))
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
    return compare_workbooks(workbooks, through, sections, standard)


def compare_workbooks(workbooks: list[Workbook], through: int | None = None,
                      sections: list[str] | None = None, standard: str = "auto") -> CompareResult:
    """Each consecutive pair, in the order given, over the span every workbook has (同期).

    The first of each pair is computed like-for-like (同口径) with the second when the
    second is the later year, as compare does; export may give a later year first.
    """
    note = ""
    if through is None:
        shortest = min(workbook.last_month for workbook in workbooks)
        if shortest < 12:
            through = shortest
            short = [str(workbook.year) for workbook in workbooks if workbook.last_month == shortest]
            note = (f"{'、'.join(short)}年数据截至{shortest}月，各年均按1-{shortest}月同期比较"
                    f" (data of {', '.join(short)} end in month {shortest}; every year is cut to months 1-{shortest})")
    currents = [summarize(workbook, through, sections, standard) for workbook in workbooks[1:]]
    befores = [summarize(workbook, through, sections, standard,
                         like_for_like_with=later.year if later.year > workbook.year else None)
               for workbook, later in zip(workbooks, workbooks[1:])]
    comparisons = [compare(before, after, note) for before, after in zip(befores, currents)]
    return CompareResult(comparisons, note)


def export_job(current_path: Path, previous_path: Path | None, through: int | None = None,
               keep_going: bool = False, progress=None, standard: str = "auto",
               words=None) -> tuple[Summary, Comparison | None]:
    """What `export FILE [--compare-with OTHER]` writes: FILE's own summary, and the comparison.

    The summary is always FILE's, for the span asked (--through, else the whole
    year), whatever OTHER's year or span. The comparison is FILE (current)
    against OTHER (previous) over the span both have, and its note says which.
    """
    current = load_checked(current_path, keep_going, progress=progress, words=words)
    summary = summarize(current, through, None, standard)
    if previous_path is None:
        return summary, None
    other = load_checked(previous_path, keep_going, progress=progress, words=words)
    comparison = compare_workbooks([other, current], through, None, standard).comparisons[0]
    if other.year > current.year:
        later = (f"比较对象{other.year}年晚于{current.year}年，变化为{current.year}年相对{other.year}年"
                 f" (the year compared with, {other.year}, is after {current.year}; changes are "
                 f"{current.year} against {other.year})")
        comparison.period_note = "；".join(filter(None, [comparison.period_note, later]))
    return summary, comparison
