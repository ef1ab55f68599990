"""The command line: options in, one library call, render, exit code.

Exit codes: 0 ok; 1 the data has errors (with --strict, warnings too);
2 a file cannot be read at all, or the command is misused.
Data libraries are imported inside the commands, so `--help` and shell
completion start as fast as a bare click program.
"""
from __future__ import annotations

import io
import os
import signal
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from .errors import ConfigError, DataErrors, ExportError, OutputError, UnreadableWorkbook, UsageError
from .formats import DEFAULT_EXPORT_FORMATS, EXPORT_FORMATS, SUMMARY_FORMATS, VALIDATE_FORMATS
from .domain.standards import STANDARD_CHOICES  # pure data, no data library

FORMATS = SUMMARY_FORMATS  # the names live in formats.py, beside nothing heavy
MAX_WARNINGS_SHOWN = 20
MAX_ERRORS_SHOWN = 50  # summarize/compare/export; `validate --format json` has them all
HUMAN_FORMATS = ("table", "prose", "markdown")  # control characters are shown, never sent to the terminal

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


# -- shared options, declared once -------------------------------------------------------

FORMAT_HELP = {"table": "a table for people", "markdown": "markdown", "json": "json (the stable shape of METRICS.md)",
               "csv": "csv", "prose": "prose (report sentences)"}


def format_option(choices=FORMATS, default="table"):
    return click.option("--format", "output_format", type=click.Choice(choices), default=default, show_default=True,
                        help="Output format: " + ", ".join(FORMAT_HELP[name] for name in choices) + ".")


lang_option = click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
                           help="Language of labels and messages (default zh, or the config file's).")
through_option = click.option("--through", type=click.IntRange(1, 12), metavar="MONTH", default=None,
                              help="Cut every figure to 1 January .. the end of MONTH (e.g. 11 for 1-11月).")
keep_going_option = click.option("--keep-going", is_flag=True,
                                 help="Compute from the valid rows even when some rows have errors; "
                                      "says how many rows were left out.")
year_option = click.option("--year", type=click.IntRange(1900, 2999), default=None,
                           help="The workbook's year, when most of its dates do not say it.")
data_dir_option = click.option("--data-dir", type=click.Path(file_okay=False), default=None,
                               help="Where a year argument is looked up as <dir>/<year>.xlsx "
                                    "(default: $LAWREPORT_DATA_DIR, the config file's data_dir, or data/).")
config_option = click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
                             help="A lawreport.toml to read (default: ./lawreport.toml if present).")
standard_option = click.option(
    "--standard", type=click.Choice(STANDARD_CHOICES), default="auto", show_default=True,
    help="HJ 633 table of the daily AQI: auto = the one in force on each day (HJ 633—2012 before "
         "2026-03-01, HJ 633—2026 from then), or one table for every day of every year.")


def _remember_verbose(ctx, _param, value):
    # Where findings are shown for people (also on the error path), info ones are listed only when asked.
    ctx.meta["verbose"] = value
    return value


verbose_option = click.option("--verbose", "-v", "verbose", is_flag=True, callback=_remember_verbose,
                              help="Also list info findings (what each sheet was read as, headers not used).")
section_option = click.option("--section", "sections", metavar="LIST", default=None,
                              help="Only these sections, comma-separated: air,water,inspections,penalties,compensation,indicators.")


# -- where text leaves: stdout, stderr --------------------------------------------------

def _terminal(text: str) -> str:
    from .render.safe_text import for_terminal

    return for_terminal(text)


def say(text: str, human: bool = True) -> None:
    """Write to stdout; an OS error there (full disk, closed pipe) is an OutputError naming stdout."""
    try:
        click.echo(_terminal(text) if human else text)
    except OSError as error:
        _silence_fd(1)  # the buffered rest must not fail again at exit
        raise OutputError("<stdout>", error.strerror or str(error)) from None


def warn(text: str) -> None:
    """Write one line to stderr; a stderr that cannot be written is not worth failing the run for."""
    try:
        click.echo(_terminal(text), err=True)
    except (OSError, ValueError):
        pass


def _silence_fd(fd: int) -> None:
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, fd)
        os.close(null)
    except OSError:
        pass


@contextmanager
def user_errors():
    """Map the errors a user can cause to one line on stderr and an exit code (the one place that does)."""
    try:
        yield
    except (UnreadableWorkbook, UsageError, ConfigError, ExportError) as error:
        _clear_progress_line()
        warn(f"lawreport: {error}")
        sys.exit(2)
    except OutputError as error:
        _clear_progress_line()
        warn(f"lawreport: {error}")
        sys.exit(2)
    except DataErrors as error:
        from .findings import visible

        _clear_progress_line()
        workbook = error.workbook
        meta = click.get_current_context().meta
        lang = meta.get("lang", "zh")
        _show_findings(visible(workbook.findings, meta.get("verbose", False)), workbook.source, lang,
                       with_file=len(workbook.files) > 1)
        warn(f"lawreport: {workbook.source} has errors; nothing computed "
             f"(fix them, or use --keep-going to compute from the valid rows)")
        sys.exit(1)
    except OSError as error:
        # An OS error not caught nearer (a write the code did not expect to fail): still one line.
        _clear_progress_line()
        warn(f"lawreport: {OutputError.of(error, '?')}")
        sys.exit(2)


def _show_findings(findings, source: str, lang: str, with_file: bool = False) -> None:
    """At most MAX_ERRORS_SHOWN errors and MAX_WARNINGS_SHOWN warnings, then where the full list is."""
    from .render.findings import findings_lines, tally

    errors = [finding for finding in findings if finding.severity == "error"]
    warnings = [finding for finding in findings if finding.severity != "error"]  # warnings (and info, if shown)
    for line in findings_lines(errors[:MAX_ERRORS_SHOWN] + warnings[:MAX_WARNINGS_SHOWN], lang, with_file):
        warn(line)
    hidden = max(len(errors) - MAX_ERRORS_SHOWN, 0) + max(len(warnings) - MAX_WARNINGS_SHOWN, 0)
    if hidden:
        warn(f"... and {hidden} more findings (the full list: lawreport validate --format json {source})")
    warn(tally(findings, source))


def _clear_progress_line() -> None:
    try:
        if sys.stderr is not None and sys.stderr.isatty():
            click.echo("\r\033[K", err=True, nl=False)
    except (OSError, ValueError):
        pass


def _settings(config_path: str | None):
    from .config import load_config

    return load_config(Path(config_path) if config_path else None, Path.cwd())


def _lang(option: str | None, config) -> str:
    lang = option or getattr(config, "lang", None) or "zh"
    click.get_current_context().meta["lang"] = lang
    return lang


class Progress:
    """A one-line progress note on stderr, only when stderr is a terminal (never in cron logs)."""

    def __init__(self, quiet: bool = False):
        try:
            self.enabled = not quiet and sys.stderr is not None and sys.stderr.isatty()
        except (OSError, ValueError):
            self.enabled = False
        self.shown = False

    def __call__(self, message: str) -> None:
        if self.enabled:
            try:
                click.echo(f"\r\033[K{_terminal(message)} …", err=True, nl=False)
                self.shown = True
            except (OSError, ValueError):
                self.enabled = False

    def done(self) -> None:
        if self.shown:
            _clear_progress_line()
            self.shown = False


def _report_warnings(findings, rows_left_out: int, lang: str, quiet: bool = False, source: str = "",
                     year: int | None = None, with_file: bool = False) -> None:
    """Warnings (not under --quiet), then, even under --quiet, one line if rows left the figures."""
    from .render.findings import findings_lines

    if not quiet:
        context = click.get_current_context(silent=True)
        verbose = bool(context and context.meta.get("verbose"))
        shown = ("warning", "info") if verbose else ("warning",)
        warnings = [finding for finding in findings if finding.severity in shown]
        for line in findings_lines(warnings[:MAX_WARNINGS_SHOWN], lang, with_file):
            warn(line)
        if len(warnings) > MAX_WARNINGS_SHOWN:
            warn(f"... and {len(warnings) - MAX_WARNINGS_SHOWN} more warnings "
                 f"(the full list: lawreport validate --format json {source})".replace(" )", ")"))
    line = left_out_line(findings, rows_left_out, source, year)
    if line:
        warn(line)


def left_out_line(findings, rows_left_out: int, source: str, year: int | None) -> str:
    """One line when rows that carry money or a count are not in the figures; "" when none are.

    Two kinds: rows with errors, left out under --keep-going, and rows dated in a
    near year (date-outside-year), which no period of this workbook counts.
    """
    outside = sum(1 for finding in findings if finding.code == "date-outside-year")
    if not rows_left_out and not outside:
        return ""
    parts = []
    if rows_left_out:
        parts.append(f"{rows_left_out} rows with errors were left out of the figures (--keep-going)")
    if outside:
        parts.append(f"{outside} rows dated outside {year or 'the year'} are in no figure (date-outside-year)")
    where = f" [{source}]" if source else ""
    return "lawreport: " + "; ".join(parts) + where


@click.group(context_settings=CONTEXT)
@click.version_option(package_name="lawreport")
def cli():
    """Check a bureau's Excel ledgers and compute its annual report's figures.

    \b
      lawreport validate data/2023.xlsx        every problem, at its cell
      lawreport summarize data/2023.xlsx       the report's figures
      lawreport compare 2022 2023 --through 11 year on year, same span
      lawreport export data/2023.xlsx --compare-with 2022 --to reports/

    Exit codes: 0 ok, 1 data errors, 2 unreadable file or misuse.
    """


@cli.command(context_settings=CONTEXT)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True), metavar="YEAR_OR_FILE...")
@format_option(VALIDATE_FORMATS)
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1); info findings never do.")
@lang_option
@year_option
@data_dir_option
@verbose_option
@config_option
def validate(files, output_format, strict, lang, year, data_dir, verbose, config_path):
    """Check workbooks against the data contract; list every problem at its cell.

    \b
      lawreport validate data/2023.xlsx
      行政处罚!G17  error    negative-amount   罚款金额为-3000：金额不能为负
      1 finding (1 error, 0 warnings) in data/2023.xlsx

    Several files are one year's workbook (行政处罚.xlsx 执法检查.xlsx): checked together,
    each finding names its file. Every finding is listed (no cap, unlike
    summarize/compare/export). Exit 0 when there is no error (with --strict, no
    warning either), 1 when there is, 2 when a file cannot be read at all.
    """
    from .findings import visible
    from .jobs import resolve_arguments
    from .records import load_workbook
    from .render.findings import dumps, findings_json, findings_lines, is_ok, tally
    from .safety import display_path

    with user_errors():
        config = _settings(config_path)
        lang = _lang(lang, config)
        paths = resolve_arguments(files, data_dir)
        # Files given together are one year's workbook (a case number twice across them is found).
        workbook = load_workbook(_one_or_many(paths), year=year, words=config.words)
        exit_code = 0 if is_ok(workbook.findings, strict) else 1
        if output_format == "json":
            if len(paths) == 1:
                say(dumps(findings_json(workbook.findings, strict, lang)), human=False)
            else:
                names = [display_path(path) for path in paths]
                documents = [{"file": name, **findings_json(
                    [finding for finding in workbook.findings if _file_of(finding, names) == name], strict, lang)}
                    for name in names]
                say(dumps({"ok": is_ok(workbook.findings, strict), "files": documents}), human=False)
        else:
            shown = visible(workbook.findings, verbose)
            for line in findings_lines(shown, lang, with_file=len(paths) > 1):
                say(line)
            say(tally(shown, workbook.source))
    sys.exit(exit_code)


def _one_or_many(paths):
    """One file as itself (the single-file path stays as it was), several as a list: one workbook."""
    return Path(paths[0]) if len(paths) == 1 else [Path(path) for path in paths]


def _file_of(finding, names: list[str]) -> str:
    # A finding about the whole workbook (no one file) is listed under the first file.
    return finding.file if finding.file in names else names[0]


@cli.command(context_settings=CONTEXT)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True), metavar="YEAR_OR_FILE...")
@through_option
@format_option()
@section_option
@standard_option
@lang_option
@keep_going_option
@year_option
@data_dir_option
@config_option
@verbose_option
def summarize(files, through, output_format, sections, standard, lang, keep_going, year, data_dir, config_path,
              verbose):
    """Print every figure of the annual report for one workbook (one file, or several files that are one year).

    \b
      lawreport summarize data/2023.xlsx
      lawreport summarize 2023 --through 11 --section air     (2023 = <data dir>/2023.xlsx)
      lawreport summarize data/2023.xlsx --format json > 2023.json

    Errors in the data stop the command (exit 1) and list the findings;
    warnings go to stderr and do not stop it.
    """
    from .jobs import data_dir_of, resolve_workbook, summary_of
    from .render import SUMMARY_FORMATS
    from .summarize import parse_sections

    with user_errors():
        config = _settings(config_path)
        lang = _lang(lang, config)
        directory = data_dir_of(data_dir, config.data_dir)
        paths = [resolve_workbook(file, directory) for file in files]
        progress = Progress()
        summary = summary_of(_one_or_many(paths), through or config.through, parse_sections(sections), keep_going,
                             year, progress, standard, words=config.words)
        progress.done()
        _report_warnings(summary.findings, summary.rows_left_out, lang, source=summary.source, year=summary.year,
                         with_file=len(paths) > 1)
        say(SUMMARY_FORMATS[output_format](summary, lang).rstrip("\n"), human=output_format in HUMAN_FORMATS)


@cli.command(context_settings=CONTEXT)
@click.argument("years", nargs=-1, required=True, metavar="YEAR_OR_FILE...")
@through_option
@format_option()
@section_option
@standard_option
@lang_option
@keep_going_option
@data_dir_option
@config_option
@verbose_option
def compare(years, through, output_format, sections, standard, lang, keep_going, data_dir, config_path, verbose):
    """Year-on-year changes over the same span (同期), read in each figure's good direction.

    \b
      lawreport compare 2022 2023 --through 11
      lawreport compare data/2022.xlsx data/2023.xlsx --format json
      lawreport compare 2021 2022 2023           each step of the series

    A year means <data dir>/<year>.xlsx. Without --through, both years are cut to
    the shorter one's last month with data, and the output says so.
    """
    from .jobs import compare_paths, data_dir_of, resolve_workbook
    from .render import COMPARE_FORMATS
    from .summarize import parse_sections

    with user_errors():
        config = _settings(config_path)
        lang = _lang(lang, config)
        directory = data_dir_of(data_dir, config.data_dir)
        paths = [resolve_workbook(argument, directory) for argument in years]
        progress = Progress()
        result = compare_paths(paths, through or config.through, parse_sections(sections), keep_going, progress,
                               standard, words=config.words)
        progress.done()
        reported = set()
        for comparison in result.comparisons:
            for summary in (comparison.previous, comparison.current):
                if summary.source not in reported:
                    reported.add(summary.source)
                    _report_warnings(summary.findings if summary is comparison.current else [],
                                     summary.rows_left_out, lang, source=summary.source, year=summary.year)
        render = COMPARE_FORMATS[output_format]
        if output_format == "json" and len(result.comparisons) > 1:
            from .render.findings import dumps

            say(dumps({"series": [comparison.to_dict(lang) for comparison in result.comparisons]}), human=False)
        else:
            say("\n\n".join(render(comparison, lang).rstrip("\n") for comparison in result.comparisons),
                human=output_format in HUMAN_FORMATS)


@cli.command(context_settings=CONTEXT)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True), metavar="YEAR_OR_FILE...")
@click.option("--compare-with", "previous", metavar="YEAR_OR_FILE", default=None,
              help="Add year-on-year figures against this year (<data dir>/<year>.xlsx) or workbook.")
@click.option("--to", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Directory to write into (default: the config file's output_dir, or reports/).")
@click.option("--format", "formats", metavar="LIST", default=None,
              help=f"Comma-separated: {','.join(EXPORT_FORMATS)} (default: the config file's, "
                   f"or {','.join(DEFAULT_EXPORT_FORMATS)}).")
@through_option
@standard_option
@lang_option
@keep_going_option
@data_dir_option
@config_option
@click.option("--quiet", "-q", is_flag=True,
              help="Print nothing but errors, and one line when rows are left out of the figures.")
@click.option("--template", "template", type=click.Path(dir_okay=False), default=None,
              help="Fill this Word document's placeholders (lawreport fields lists them) into "
                   "<year>-<template name>.docx; other formats only with --format.")
@verbose_option
def export(files, previous, out_dir, formats, through, standard, lang, keep_going, data_dir, config_path, quiet,
           template, verbose):
    """Write the figures as files, as one all-or-nothing set, for people and for cron (FILE...: one year).

    \b
      lawreport export data/2023.xlsx --compare-with 2022 --to reports/ --format xlsx,md,json,txt
      reports/2023-summary.xlsx
      ...

    The files are FILE's figures for the span asked (--through, else the whole
    year); a comparison is made over the span both years have, and says so.
    The set is written beside its targets and swapped in under a lock: after a
    crash or a failure the folder holds the whole previous set or the whole new
    one. Exit 0 written, 1 data errors (nothing written), 2 unusable input,
    arguments or output folder (one line naming the path and the cause).
    """
    from .export import export_reports
    from .jobs import data_dir_of, export_job, resolve_workbook

    with user_errors():
        config = _settings(config_path)
        lang = _lang(lang, config)
        default_formats = [] if template else list(config.formats or DEFAULT_EXPORT_FORMATS)
        chosen = [part.strip() for part in formats.split(",")] if formats else default_formats
        unknown = [part for part in chosen if part not in EXPORT_FORMATS]
        if unknown or not (chosen or template):
            raise UsageError(f"unknown export format {', '.join(unknown) or '(none)'}; "
                             f"choose from {','.join(EXPORT_FORMATS)}")
        through = through or config.through
        directory = data_dir_of(data_dir, config.data_dir)
        current_path = _one_or_many([resolve_workbook(file, directory) for file in files])
        previous_path = resolve_workbook(previous, directory) if previous else None
        progress = Progress(quiet)
        summary, comparison = export_job(current_path, previous_path, through, keep_going, progress, standard,
                                         words=config.words)
        progress.done()
        _report_warnings(summary.findings, summary.rows_left_out, lang, quiet, source=summary.source,
                         year=summary.year, with_file=len(files) > 1)
        if comparison is not None:
            _report_warnings([], comparison.previous.rows_left_out, lang, quiet,
                             source=comparison.previous.source, year=comparison.previous.year)
        target = Path(out_dir or config.output_dir or "reports")
        if template:
            from .render.docx_template import export_with_template

            written = export_with_template(summary, comparison, target, chosen, Path(template), lang=lang)
        else:
            written = export_reports(summary, comparison, target, chosen, lang=lang)
        if not quiet:
            for path in written:
                say(str(path))


class _QuietWriter(io.RawIOBase):
    """fd 2 for sys.stderr: a write that fails (closed, broken pipe, full disk) is dropped, not raised."""

    def __init__(self, fd: int):
        super().__init__()
        self.fd = fd

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.fd

    def isatty(self) -> bool:
        try:
            return os.isatty(self.fd)
        except OSError:
            return False

    def write(self, data) -> int:
        try:
            os.write(self.fd, bytes(data))
        except OSError:
            pass
        return len(data)


def setup_streams() -> None:
    """Make the process safe to run anywhere: any locale, closed or broken streams, file-size limits.

    - stdout and stderr are UTF-8 whatever the locale (a zh_CN.GBK or C locale
      cannot encode µ or ₂; JSON must be UTF-8 anyway); characters that cannot
      be encoded at all (lone surrogates of an undecodable file name) are
      written as backslash escapes.
    - A closed fd 2 (`2>&-`) gets /dev/null, so no file the run opens becomes
      "stderr"; writes to stderr that fail are dropped: a message lost is
      better than a report lost.
    - SIGXFSZ is ignored, so a file-size limit (ulimit -f) is an EFBIG error
      that export reports in one line, not a silent kill.
    """
    if hasattr(signal, "SIGXFSZ"):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    try:
        os.fstat(2)
    except OSError:
        _silence_fd(2)
    sys.stderr = io.TextIOWrapper(io.BufferedWriter(_QuietWriter(2)), encoding="utf-8",
                                  errors="backslashreplace", line_buffering=True, write_through=True)
    if sys.stdout is not None and hasattr(sys.stdout, "reconfigure"):
        try:
            sys.stdout.reconfigure(encoding="utf-8", errors="backslashreplace")
        except (OSError, ValueError):
            pass


@cli.command(context_settings=CONTEXT)
@click.argument("file", type=click.Path(dir_okay=True))
@click.option("--compare-with", "previous", metavar="YEAR_OR_FILE", default=None,
              help="Add the year-on-year fields, compare['<id>'], against this year or workbook.")
@format_option(("table", "json"))
@through_option
@standard_option
@lang_option
@keep_going_option
@data_dir_option
@config_option
def fields(file, previous, output_format, through, standard, lang, keep_going, data_dir, config_path):
    """List every placeholder a Word template can use (export --template), with its value.

    \b
      lawreport fields data/2023.xlsx --compare-with 2022
      penalties.fines              609.7157
      indicators.学法次数           9
      compare['air.so2'].text      改善14.3%
      tables.penalties             11行 {%tr for row in tables.penalties %} row.label, row.value, ...
    """
    from .jobs import data_dir_of, export_job, resolve_workbook
    from .render.docx_template import fields_json, fields_table

    with user_errors():
        config = _settings(config_path)
        lang = _lang(lang, config)
        directory = data_dir_of(data_dir, config.data_dir)
        current_path = resolve_workbook(file, directory)
        previous_path = resolve_workbook(previous, directory) if previous else None
        progress = Progress()
        # The same summary and comparison as `export --template` fills in.
        summary, comparison = export_job(current_path, previous_path, through or config.through, keep_going,
                                         progress, standard, words=config.words)
        progress.done()
        _report_warnings(summary.findings, summary.rows_left_out, lang, source=summary.source, year=summary.year)
        render = fields_json if output_format == "json" else fields_table
        say(render(summary, comparison, lang).rstrip("\n"), human=output_format != "json")


@cli.command(context_settings=CONTEXT)
@click.option("--year", "year_text", metavar="YEAR", default=None,
              help="The ledger's year, 2000-2100 (titles, and dates allowed within the year ± 1).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="The workbook to write (default: <year>.xlsx in the working directory).")
@click.option("--sheets", metavar="LIST", default=None,
              help="Only these sheets, comma-separated keys: air,inspections,penalties,... "
                   "(default: all; a wrong key lists them).")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
def template(year_text, output, sheets, force):
    """Write a blank ledger for a year that refuses mistakes while it is filled in.

    \b
      lawreport template --year 2024                  writes 2024.xlsx
      lawreport template --year 2024 -o data/2024.xlsx --sheets penalties,inspections

    One sheet per kind with title, header and units; drop-down lists and Excel
    data validation on every column; a 说明 sheet. Exit 0 written, 2 a bad
    option or an existing file (without --force).
    """
    from .export import write_files
    from .template import TemplateError, default_name, parse_year, template_bytes

    try:
        data = template_bytes(year_text, sheets)
        target = Path(output or default_name(parse_year(year_text)))
        if target.suffix.lower() != ".xlsx":
            raise TemplateError(f"{target} must end in .xlsx")
        if target.is_dir() or (target.exists() and not force):
            raise TemplateError(f"{target} exists; choose another -o, or use --force to replace it")
        written = write_files(target.parent, {target.name: data})
    except (TemplateError, OSError) as error:
        click.echo(f"lawreport: {error}", err=True)
        sys.exit(2)
    click.echo(str(written[0]))


@cli.command("inspect", context_settings=CONTEXT)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True))
@format_option(("table", "json"))
@config_option
def inspect_command(files, output_format, config_path):
    """Show how each file was read: sheets, header rows, columns, units, rows left out, words.

    \b
      lawreport inspect data/2023.xlsx
      data/2023.xlsx
        sheet 案件台账: read as penalties (行政处罚) by config, sheets.penalties
          header: row 2
          G2    罚没金额（万元） -> fine (罚款金额) by config, unit 万元 from header  [columns.penalties.fine]
          H2    检查对象 -> not used (unknown; nearest known: 检查日期 -> date [columns.inspections.date])
          refused 从轻处罚 in outcome: 2 rows (bad-choice; map it under [values.penalties.outcome] ...)

    Each column shows the lawreport.toml key that names it ([sheets], [columns.<kind>],
    [values.<kind>.<column>]); add your own names there. --format json gives the same
    facts in stable keys for tools.
    """
    from .inspect import inspect_files, render_table
    from .render.findings import dumps

    with user_errors():
        config = _settings(config_path)
        document = inspect_files(files, config.words)
        click.echo(dumps(document) if output_format == "json" else render_table(document).rstrip("\n"))


def main() -> None:
    setup_streams()
    try:
        cli(prog_name="lawreport")
    finally:
        try:
            if sys.stdout is not None:
                sys.stdout.flush()
        except OSError as error:
            _silence_fd(1)
            warn(f"lawreport: cannot write <stdout>: {error.strerror}")
            sys.exit(2)


if __name__ == "__main__":
    main()
