#!/usr/bin/env python3
"""Where does `summarize` spend its time? cProfile of the in-process pipeline.

    .venv/bin/python scripts/profile_summarize.py WORKBOOK [--markdown OUT] [--top 25] [--no-plain]

Runs load_workbook + summarize + JSON rendering (what `lawreport summarize
--format json` does, minus process start) once under cProfile, first in a fresh
process like the CLI (then once more, warm, without the profiler, for
comparison), and splits the profiled time into stages by the functions that do them:

  safe open      safety.check_file (zip directory, every member inflated: CRC/sizes, sheet-shape scan)
  open           fastexcel.read_excel (workbook metadata, sheet list)
  load           ExcelReader.load_sheet (calamine parses the sheet XML into cells)
  to polars      ExcelSheet.to_arrow_with_errors + pl.from_arrow (or to_polars)
  read in parts  sources._read_in_parts: a big sheet's parts, read by calamine on a thread each
                 (cProfile sees the main thread only: their load and Arrow conversion are in here)
  header         reader.find_header
  framing        the rest of reader._read_sheet (strip, blank and 合计/注 rows)
  parsing        the typed columns: checks._parse (older code: check_sheet's DataFrame.with_columns)
  money fallback checks._money_fallback
  checks         the rest of checks.check_sheet (rule masks, findings, dropping error rows)
  year           records.load_workbook less reading and checking (year, outside-year, last month)
  metrics        summarize.summarize
  render         render.jsonout.summary_json
"""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import re
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
try:
    import lawreport_cli  # noqa: F401
except ImportError:
    sys.path.insert(0, str(ROOT / "src"))

from lawreport_cli.records import load_workbook  # noqa: E402
from lawreport_cli.render.jsonout import summary_json  # noqa: E402
from lawreport_cli.summarize import summarize  # noqa: E402


def pipeline(path: str) -> str:
    workbook = load_workbook(path)
    if workbook.errors:
        raise SystemExit(f"{path}: {len(workbook.errors)} errors; profile a valid workbook")
    return summary_json(summarize(workbook))


class Stats:
    def __init__(self, profile: cProfile.Profile):
        self.stats = pstats.Stats(profile).stats  # (file, line, name) -> (cc, nc, tt, ct, callers)

    def keys(self, name: str, where: str) -> list[tuple]:
        return [key for key in self.stats if key[2] == name and where in key[0]]

    def cumulative(self, name: str, where: str, caller: tuple[str, str] | None = None) -> float:
        total = 0.0
        for key in self.keys(name, where):
            if caller is None:
                total += self.stats[key][3]
            else:
                callers = self.stats[key][4]
                for caller_key in self.keys(*caller):
                    if caller_key in callers:
                        total += callers[caller_key][3]
        return total


STAGES = (
    # (stage, how it is measured)
    ("safe open (zip inflate, CRC, sheet-shape scan)", "safety.check_file"),
    ("fastexcel open", "fastexcel.read_excel"),
    ("fastexcel load_sheet (calamine)", "ExcelReader.load_sheet"),
    ("Arrow -> polars", "ExcelSheet.to_arrow_with_errors + pl.from_arrow"),
    ("read in parts (calamine on every core)", "sources._read_in_parts (its threads' load and Arrow are inside)"),
    ("header detection", "reader.find_header"),
    ("row framing (strip, blank/合计 rows)", "reader._read_sheet less find_header"),
    ("parsing (typed columns)", "checks._parse (or check_sheet's with_columns)"),
    ("money fallback", "checks._money_fallback"),
    ("checks (rule masks, findings)", "checks.check_sheet less parsing and fallback"),
    ("year, outside-year, last month", "records.load_workbook less read_workbook and check_sheet"),
    ("metrics", "summarize.summarize"),
    ("render JSON", "jsonout.summary_json"),
)


def stages(stats: Stats) -> tuple[list[tuple[str, str, float]], float]:
    c = stats.cumulative
    total = c("pipeline", "profile_summarize")
    check_file = c("check_file", "lawreport_cli/safety")
    opened = c("read_excel", "fastexcel/__init__")
    loaded = c("load_sheet", "fastexcel/__init__")
    # Arrow -> polars: ExcelSheet.to_polars, or to_arrow_with_errors + pl.from_arrow (+ error-cell texts)
    to_polars = (c("to_polars", "fastexcel/__init__") + c("to_arrow_with_errors", "fastexcel/__init__")
                 + c("from_arrow", "polars/convert", caller=("read_workbook", "lawreport_cli/reader"))
                 + c("_with_error_texts", "lawreport_cli/sources"))
    in_parts = c("_read_in_parts", "lawreport_cli/sources")
    header = c("find_header", "lawreport_cli/reader")
    read_sheet = c("_read_sheet", "lawreport_cli/reader")
    check_sheet = c("check_sheet", "lawreport_cli/checks")
    parsing = (c("with_columns", "polars/dataframe/frame", caller=("check_sheet", "lawreport_cli/checks"))
               + c("_parse_staged", "lawreport_cli/checks") + c("_parse", "lawreport_cli/checks"))
    fallback = c("_money_fallback", "lawreport_cli/checks")
    load = c("load_workbook", "lawreport_cli/records")
    read = c("read_workbook", "lawreport_cli/reader")
    values = [check_file, opened, loaded, to_polars, in_parts, header, read_sheet - header, parsing, fallback,
              check_sheet - parsing - fallback, load - read - check_sheet,
              c("summarize", "lawreport_cli/summarize"), c("summary_json", "render/jsonout")]
    rows = [(stage, how, value) for (stage, how), value in zip(STAGES, values)]
    rows.append(("other (read_workbook glue, imports)", "pipeline less the above", total - sum(values)))
    return rows, total


def top_functions(profile: cProfile.Profile, top: int) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    text = out.getvalue()
    # Keep the table, drop the header's file name noise; shorten site-packages paths.
    lines = [line for line in text.splitlines() if line.strip()]
    start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
    table = lines[start:]
    return "\n".join(_shorten(line) for line in table)


def _shorten(line: str) -> str:
    return re.sub(r"\S*/(?:site-packages|src|scripts)/", "", line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("workbook")
    parser.add_argument("--markdown", type=Path, default=None, help="write the profile section here")
    parser.add_argument("--json", type=Path, default=None, help="write the stage seconds here as JSON")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--no-plain", action="store_true", help="skip the run without the profiler")
    args = parser.parse_args()

    # The profiled run comes first, in a fresh process, as the CLI's only run does (a second
    # run in the same process is faster: memory already mapped, polars warmed up).
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    pipeline(args.workbook)
    profile.disable()
    profiled = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    plain = None
    if not args.no_plain:
        started = time.perf_counter()
        pipeline(args.workbook)
        plain = time.perf_counter() - started

    rows, total = stages(Stats(profile))
    name = Path(args.workbook).name
    lines = ["## Profile", "",
             f"In-process `load_workbook` + `summarize` + JSON rendering of `{name}` "
             "(`scripts/profile_summarize.py`): "
             + f"{profiled:.2f} s under cProfile, the first run in a fresh process as the CLI's is (peak RSS "
             f"{peak / 2**20:,.0f} MiB)"
             + (f"; a second, warm run in the same process without the profiler took {plain:.2f} s" if plain else "")
             + ". Stages are read off the profile by the functions that do them.",
             "", "| stage | measured as | seconds | share |", "| --- | --- | ---: | ---: |"]
    for stage, how, seconds in rows:
        lines.append(f"| {stage} | {how} | {seconds:.2f} | {seconds / total * 100:.0f}% |")
    lines.append(f"| **total** | pipeline | **{total:.2f}** | 100% |")
    lines += ["", f"Top {args.top} functions by cumulative time:", "", "```",
              top_functions(profile, args.top), "```", ""]
    text = "\n".join(lines)
    if args.json:
        args.json.write_text(json.dumps({"total": total, "plain": plain, "stages": {stage: seconds for stage, _, seconds in rows}},
                                        ensure_ascii=False, indent=1))
    if args.markdown:
        args.markdown.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
