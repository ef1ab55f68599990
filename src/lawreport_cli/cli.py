"""The command line: options in, one library call, render, exit code.

Exit codes: 0 ok; 1 the data has errors (with --strict, warnings too);
2 a file cannot be read at all, or the command is misused.
Data libraries are imported inside the commands, so `--help` and shell
completion start as fast as a bare click program.
"""
from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

import click

from .metrics.standards import STANDARD_CHOICES  # pure data, no data library

FORMATS = ("table", "markdown", "json", "csv", "prose")
EXPORT_FORMATS = ("xlsx", "csv", "json", "md", "txt", "docx")
DEFAULT_EXPORT_FORMATS = ("xlsx", "csv", "json", "md", "txt")  # the Word draft only when asked for
MAX_WARNINGS_SHOWN = 20

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


# -- shared options, declared once -------------------------------------------------------

def format_option(choices=FORMATS, default="table"):
    return click.option("--format", "output_format", type=click.Choice(choices), default=default, show_default=True,
                        help="Output format: a table for people, markdown, json (the stable shape of METRICS.md), csv, prose (report sentences).")


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
                              help="Only these sections, comma-separated: air,inspections,penalties,compensation,indicators.")


@contextmanager
def user_errors():
    """Map the errors a user can cause to one line on stderr and an exit code."""
    from .config import ConfigError
    from .jobs import DataErrors
    from .safety import UnreadableWorkbook
    from .summarize import UsageError

    try:
        yield
    except (UnreadableWorkbook, UsageError, ConfigError) as error:
        _clear_progress_line()
        click.echo(f"lawreport: {error}", err=True)
        sys.exit(2)
    except DataErrors as error:
        from .findings import visible
        from .render.findings import findings_lines, tally

        _clear_progress_line()
        workbook = error.workbook
        meta = click.get_current_context().meta
        lang = meta.get("lang", "zh")
        shown = visible(workbook.findings, meta.get("verbose", False))
        for line in findings_lines(shown, lang):
            click.echo(line, err=True)
        click.echo(tally(shown, workbook.source), err=True)
        click.echo(f"lawreport: {workbook.source} has errors; nothing computed "
                   f"(fix them, or use --keep-going to compute from the valid rows)", err=True)
        sys.exit(1)


def _clear_progress_line() -> None:
    if sys.stderr.isatty():
        click.echo("\r\033[K", err=True, nl=False)


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
        self.enabled = not quiet and sys.stderr.isatty()
        self.shown = False

    def __call__(self, message: str) -> None:
        if self.enabled:
            click.echo(f"\r\033[K{message} …", err=True, nl=False)
            self.shown = True

    def done(self) -> None:
        if self.shown:
            click.echo("\r\033[K", err=True, nl=False)
            self.shown = False


def _report_warnings(findings, rows_left_out: int, lang: str, quiet: bool = False) -> None:
    from .render.findings import findings_lines

    if quiet:
        return
    shown = ("warning", "info") if click.get_current_context().meta.get("verbose") else ("warning",)
    warnings = [finding for finding in findings if finding.severity in shown]
    for line in findings_lines(warnings[:MAX_WARNINGS_SHOWN], lang):
        click.echo(line, err=True)
    if len(warnings) > MAX_WARNINGS_SHOWN:
        click.echo(f"... and {len(warnings) - MAX_WARNINGS_SHOWN} more warnings (lawreport validate lists all)", err=True)
    if rows_left_out:
        click.echo(f"lawreport: {rows_left_out} rows with errors were left out of the figures (--keep-going)", err=True)


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
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True))
@format_option(("table", "json"))
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1); info findings never do.")
@lang_option
@year_option
@verbose_option
@config_option
def validate(files, output_format, strict, lang, year, verbose, config_path):
    """Check workbooks against the data contract; list every problem at its cell.

    \b
      lawreport validate data/2023.xlsx
      行政处罚!G17  error    negative-amount   罚款金额为-3000：金额不能为负
      1 finding (1 error, 0 warnings) in data/2023.xlsx

    Exit 0 when no file has an error (with --strict, no warning either), 1 when
    one has, 2 when a file cannot be read at all.
    """
    from .findings import visible
    from .records import load_workbook
    from .render.findings import dumps, findings_json, findings_lines, is_ok, tally
    from .safety import UnreadableWorkbook

    with user_errors():
        config = _settings(config_path)
        lang = _lang(lang, config)
    exit_code = 0
    documents = []
    for path in files:
        try:
            workbook = load_workbook(path, year=year, words=config.words)
        except UnreadableWorkbook as error:
            click.echo(f"lawreport: {error}", err=True)
            exit_code = 2
            continue
        ok = is_ok(workbook.findings, strict)
        if not ok and exit_code == 0:
            exit_code = 1
        if output_format == "json":
            documents.append({"file": str(path), **findings_json(workbook.findings, strict, lang)})
        else:
            shown = visible(workbook.findings, verbose)
            for line in findings_lines(shown, lang):
                click.echo(line)
            click.echo(tally(shown, str(path)))
    if output_format == "json" and documents:
        if len(files) == 1:
            documents[0].pop("file")
            click.echo(dumps(documents[0]))
        else:
            click.echo(dumps({"ok": all(doc["ok"] for doc in documents), "files": documents}))
    sys.exit(exit_code)


@cli.command(context_settings=CONTEXT)
@click.argument("file", type=click.Path(dir_okay=True))
@through_option
@format_option()
@section_option
@standard_option
@lang_option
@keep_going_option
@year_option
@config_option
@verbose_option
def summarize(file, through, output_format, sections, standard, lang, keep_going, year, config_path, verbose):
    """Print every figure of the annual report for one workbook.

    \b
      lawreport summarize data/2023.xlsx
      lawreport summarize data/2023.xlsx --through 11 --section air
      lawreport summarize data/2023.xlsx --format json > 2023.json

    Errors in the data stop the command (exit 1) and list the findings;
    warnings go to stderr and do not stop it.
    """
    from .jobs import summary_of
    from .render import SUMMARY_FORMATS
    from .summarize import parse_sections

    with user_errors():
        config = _settings(config_path)
        lang = _lang(lang, config)
        progress = Progress()
        summary = summary_of(Path(file), through or config.through, parse_sections(sections), keep_going, year,
                             progress, standard, words=config.words)
        progress.done()
        _report_warnings(summary.findings, summary.rows_left_out, lang)
        click.echo(SUMMARY_FORMATS[output_format](summary, lang).rstrip("\n"))


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
        for comparison in result.comparisons:
            _report_warnings(comparison.current.findings, comparison.current.rows_left_out, lang)
        render = COMPARE_FORMATS[output_format]
        if output_format == "json" and len(result.comparisons) > 1:
            from .render.findings import dumps

            click.echo(dumps({"series": [comparison.to_dict(lang) for comparison in result.comparisons]}))
        else:
            click.echo("\n\n".join(render(comparison, lang).rstrip("\n") for comparison in result.comparisons))


@cli.command(context_settings=CONTEXT)
@click.argument("file", type=click.Path(dir_okay=True))
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
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@click.option("--template", "template", type=click.Path(dir_okay=False), default=None,
              help="Fill this Word document's placeholders (lawreport fields lists them) into "
                   "<year>-<template name>.docx; other formats only with --format.")
@verbose_option
def export(file, previous, out_dir, formats, through, standard, lang, keep_going, data_dir, config_path, quiet,
           template, verbose):
    """Write the figures as files, atomically, for people and for cron.

    \b
      lawreport export data/2023.xlsx --compare-with 2022 --to reports/ --format xlsx,md,json,txt
      reports/2023-summary.xlsx
      ...

    Each file is written beside its target and renamed into place, so a crash
    never leaves a half-written report; the same input gives the same bytes.
    Exit 0 written, 1 data errors (nothing written), 2 unusable input or arguments.
    """
    from .export import export_reports
    from .jobs import compare_paths, data_dir_of, resolve_workbook, summary_of
    from .summarize import UsageError

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
        current_path = resolve_workbook(file, directory)
        comparison = None
        progress = Progress(quiet)
        if previous:
            result = compare_paths([resolve_workbook(previous, directory), current_path], through, None, keep_going,
                                   progress, standard, words=config.words)
            comparison = result.comparisons[-1]
            summary = comparison.current
        else:
            summary = summary_of(current_path, through, None, keep_going, progress=progress, standard=standard,
                                 words=config.words)
        progress.done()
        _report_warnings(summary.findings, summary.rows_left_out, lang, quiet)
        target = Path(out_dir or config.output_dir or "reports")
        if template:
            from .render.docx_template import export_with_template

            written = export_with_template(summary, comparison, target, chosen, Path(template), lang=lang)
        else:
            written = export_reports(summary, comparison, target, chosen, lang=lang)
        if not quiet:
            for path in written:
                click.echo(str(path))


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
    from .jobs import compare_paths, data_dir_of, resolve_workbook, summary_of
    from .render.docx_template import fields_json, fields_table

    with user_errors():
        config = _settings(config_path)
        lang = _lang(lang, config)
        directory = data_dir_of(data_dir, config.data_dir)
        current_path = resolve_workbook(file, directory)
        through = through or config.through
        progress = Progress()
        comparison = None  # the same summary and comparison as export makes
        if previous:
            comparison = compare_paths([resolve_workbook(previous, directory), current_path], through, None,
                                       keep_going, progress, standard, words=config.words).comparisons[-1]
            summary = comparison.current
        else:
            summary = summary_of(current_path, through, None, keep_going, progress=progress, standard=standard,
                                 words=config.words)
        progress.done()
        _report_warnings(summary.findings, summary.rows_left_out, lang)
        render = fields_json if output_format == "json" else fields_table
        click.echo(render(summary, comparison, lang).rstrip("\n"))


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
    cli(prog_name="lawreport")


if __name__ == "__main__":
    main()
