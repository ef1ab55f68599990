"""Faults an operator meets (issue 12): money that leaves the figures, export sets, OS errors, locks,
closed streams and odd locales, hostile cell text, yearless workbooks, floods of findings.

Each test names the point of the issue it holds to. Subprocess tests run the real entry point
(`python -m lawreport_cli.cli`), because streams, locales and rlimits only exist in a process.
"""
from __future__ import annotations

import datetime as dt
import errno
import json
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from conftest import (AIR_HEADER, INDICATOR_HEADER, INSPECTION_HEADER, PENALTY_HEADER, air, inspection, penalty,
                      write_workbook)
from conftest_render import summary as render_summary
from lawreport_cli import errors, export
from lawreport_cli.cli import cli
from lawreport_cli.export import JOURNAL_NAME, LOCK_NAME, OutputError, export_reports, locked, write_files
from lawreport_cli.records import load_workbook

D = dt.date
SRC = Path(__file__).resolve().parent.parent / "src"
ALL = ["xlsx", "csv", "json", "md", "txt"]


def run(*args, env=None):
    return CliRunner().invoke(cli, [str(arg) for arg in args], env=env)


def lawreport(*args, cwd=None, env=None, shell_suffix: str = "", preexec_fn=None, timeout=60):
    """The real program in a child process: (returncode, stdout bytes, stderr bytes)."""
    environment = {**os.environ, "PYTHONPATH": str(SRC), **(env or {})}
    environment.pop("PYTHONIOENCODING", None) if "PYTHONIOENCODING" not in (env or {}) else None
    command = [sys.executable, "-m", "lawreport_cli.cli", *map(str, args)]
    if shell_suffix:
        line = " ".join(f"'{part}'" for part in command) + " " + shell_suffix
        proc = subprocess.run(["/bin/sh", "-c", line], capture_output=True, cwd=cwd, env=environment,
                              timeout=timeout)
    else:
        proc = subprocess.run(command, capture_output=True, cwd=cwd, env=environment, preexec_fn=preexec_fn,
                              timeout=timeout)
    return proc.returncode, proc.stdout, proc.stderr


MANY = """
import os, sys
from lawreport_cli.cli import main
for args in {commands!r}:
    sys.argv = ["lawreport", *args]
    try:
        main()
        code = 0
    except SystemExit as exit:
        code = exit.code or 0
    sys.stdout.flush()
    sys.stderr.flush()
    os.write(1, b"\\n@@exit %d@@\\n" % code)
    try:
        os.write(2, b"\\n@@exit %d@@\\n" % code)
    except OSError:
        pass
"""


def lawreport_many(commands: list[list], env: dict, preexec_fn=None) -> list[tuple[int, bytes, bytes]]:
    """Several commands in one child process (one import of polars): [(exit code, stdout, stderr)]."""
    environment = {**os.environ, "PYTHONPATH": str(SRC), **env}
    if "PYTHONIOENCODING" not in env:
        environment.pop("PYTHONIOENCODING", None)
    script = MANY.format(commands=[[str(arg) for arg in command] for command in commands])
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, env=environment, timeout=120,
                          preexec_fn=preexec_fn)
    outs, errs = proc.stdout.split(b"\n@@exit "), proc.stderr.split(b"\n@@exit ")
    errs += [b""] * (len(outs) - len(errs))
    results = []
    for index in range(len(commands)):
        out = outs[index].split(b"@@\n", 1)[-1] if index else outs[index]
        err = errs[index].split(b"@@\n", 1)[-1] if index else errs[index]
        code = int(outs[index + 1].split(b"@@", 1)[0])
        results.append((code, out, err))
    assert len(outs) == len(commands) + 1, proc.stderr[-2000:]
    return results


def visible(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if not p.name.startswith(".") and p.is_file()}


def hidden(directory: Path) -> set[str]:
    return {p.name for p in directory.iterdir() if p.name.startswith(".")}


def write_raw(path: Path, sheets: dict[str, list[list]]) -> Path:
    """A workbook written by xlsxwriter, which stores control characters (as _x001B_) where openpyxl refuses."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"default_date_format": "yyyy-mm-dd"})
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for index, row in enumerate(rows):
            for col, value in enumerate(row):
                if isinstance(value, dt.date):
                    sheet.write_datetime(index, col, dt.datetime(value.year, value.month, value.day))
                elif value is not None:
                    sheet.write(index, col, value)
    workbook.close()
    return path


def ledger(path: Path, penalties=None, air_rows=None, extra: dict | None = None) -> Path:
    sheets = {"行政处罚": [PENALTY_HEADER, *(penalties or [penalty()])]}
    if air_rows:
        sheets["空气质量"] = [AIR_HEADER, *air_rows]
    sheets.update(extra or {})
    return write_workbook(path, sheets)


# -- 1. money dropped with exit 0 ---------------------------------------------------------

def test_a_fine_dated_2203_is_an_error_not_a_warning(tmp_path):
    path = ledger(tmp_path / "2023.xlsx", [penalty(), penalty("P2", fine=5_000_000, decided=D(2203, 3, 1))])
    workbook = load_workbook(path)
    assert [(f.location, f.code, f.severity) for f in workbook.findings] == [
        ("行政处罚!E3", "date-outside-ledger", "error")]
    assert workbook.rows_with_errors == 1
    assert workbook.records["penalties"]["case_no"].to_list() == ["P1"]


def test_export_quiet_says_one_line_when_a_fine_is_left_out(tmp_path):
    path = ledger(tmp_path / "2023.xlsx", [penalty(), penalty("P2", fine=5_000_000, decided=D(2203, 3, 1))])
    stopped = run("export", path, "--to", tmp_path / "out", "--quiet")
    assert stopped.exit_code == 1  # an error stops the export, --quiet or not
    assert not (tmp_path / "out").exists() or visible(tmp_path / "out") == {}
    kept = run("export", path, "--to", tmp_path / "out", "--quiet", "--keep-going", "--format", "json")
    assert kept.exit_code == 0
    lines = kept.stderr.splitlines()
    assert len(lines) == 1
    assert "1 rows with errors were left out of the figures (--keep-going)" in lines[0]
    document = json.loads((tmp_path / "out" / "2023-summary.json").read_text())
    assert document["metrics"]["penalties.fines"]["value"] == "1.0000"  # 10000 元; the 500万 row is out


def test_export_quiet_says_one_line_for_rows_of_a_near_year(tmp_path):
    # 2022-12-30 is a near year: a warning, the row stands, but no figure of 2023 counts it.
    path = ledger(tmp_path / "2023.xlsx", [penalty(), penalty("P2", fine=5_000_000, filed=D(2022, 12, 1),
                                                               decided=D(2022, 12, 30))])
    result = run("export", path, "--to", tmp_path / "out", "--quiet", "--format", "json")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"lawreport: 1 rows dated outside 2023 are in no figure (date-outside-year) [{path}]"]


def test_quiet_export_of_clean_data_prints_nothing(tmp_path):
    path = ledger(tmp_path / "2023.xlsx")
    result = run("export", path, "--to", tmp_path / "out", "--quiet")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


# -- 2. export FILE --compare-with OTHER -------------------------------------------------

@pytest.fixture
def two_years(tmp_path):
    """data/2022.xlsx ending in June (2 decisions), data/2023.xlsx over the year (3 decisions)."""
    data = tmp_path / "data"
    data.mkdir()
    ledger(data / "2022.xlsx", [penalty("A1", filed=D(2022, 1, 5), decided=D(2022, 2, 5), fine=10000),
                                penalty("A2", filed=D(2022, 5, 5), decided=D(2022, 6, 5), fine=20000)])
    ledger(data / "2023.xlsx", [penalty("B1", filed=D(2023, 1, 5), decided=D(2023, 2, 5), fine=10000),
                                penalty("B2", filed=D(2023, 5, 5), decided=D(2023, 6, 5), fine=30000),
                                penalty("B3", filed=D(2023, 9, 5), decided=D(2023, 10, 5), fine=50000)])
    return data


def test_export_writes_the_file_given_even_against_a_later_year(two_years, tmp_path):
    out = tmp_path / "out"
    result = run("export", two_years / "2022.xlsx", "--compare-with", "2023", "--data-dir", two_years,
                 "--to", out, "--format", "json,md")
    assert result.exit_code == 0, result.output
    assert sorted(visible(out)) == ["2022-summary.json", "2022-summary.md"]
    document = json.loads((out / "2022-summary.json").read_text())
    assert document["source"].endswith("2022.xlsx")
    assert document["metrics"]["penalties.decisions"]["value"] == 2


def test_export_keeps_the_asked_span_and_compares_over_the_common_one(two_years, tmp_path):
    out = tmp_path / "out"
    result = run("export", "2023", "--compare-with", "2022", "--data-dir", two_years, "--to", out)
    assert result.exit_code == 0, result.output
    document = json.loads((out / "2023-summary.json").read_text())
    assert document["period"] == {"start": "2023-01-01", "end": "2023-12-31"}  # not cut to 2022's June
    assert document["metrics"]["penalties.decisions"]["value"] == 3
    span_zh = "同期比较区间：2023-01-01 — 2023-06-30 对比 2022-01-01 — 2022-06-30（各年1-6月）"
    markdown = (out / "2023-summary.md").read_text()
    assert span_zh in markdown
    assert "| 下达处罚决定书 | 2 | 2 | 0 | 持平 | 件 |" in markdown.replace("  ", " ") or "持平" in markdown
    assert span_zh in (out / "2023-summary.txt").read_text()
    book = openpyxl.load_workbook(out / "2023-summary.xlsx")
    texts = [cell.value for row in book["同比"].iter_rows() for cell in row if isinstance(cell.value, str)]
    assert span_zh in texts
    decisions = [row for row in book["同比"].iter_rows(values_only=True) if "penalties.decisions" in row]
    assert decisions[0][2:4] == (2, 2)  # 1-6月 of each year, not 2023's whole year


def test_export_with_through_compares_that_span(two_years, tmp_path):
    out = tmp_path / "out"
    result = run("export", "2023", "--compare-with", "2022", "--data-dir", two_years, "--to", out,
                 "--through", "3", "--format", "json,md")
    assert result.exit_code == 0, result.output
    assert json.loads((out / "2023-summary.json").read_text())["period"]["end"] == "2023-03-31"
    assert "（各年1-3月）" in (out / "2023-summary.md").read_text()


# -- 3. a report set is all-or-nothing ----------------------------------------------------

def previous_set(out: Path) -> dict[str, bytes]:
    export_reports(render_summary(2023, values={"penalties.fines": 1_000_000}), None, out, ALL)
    return visible(out)


def new_summary():
    return render_summary(2023, values={"penalties.fines": 9_990_000})


def test_a_directory_in_the_way_of_one_target_changes_nothing(tmp_path):
    before = previous_set(tmp_path)
    (tmp_path / "2023-summary.md").unlink()
    (tmp_path / "2023-summary.md").mkdir()
    before.pop("2023-summary.md")
    with pytest.raises(OutputError, match="2023-summary.md"):
        export_reports(new_summary(), None, tmp_path, ALL)
    assert visible(tmp_path) == before
    assert hidden(tmp_path) == {LOCK_NAME}


def test_a_directory_in_the_way_is_one_line_and_exit_2(tmp_path):
    path = ledger(tmp_path / "2023.xlsx")
    (tmp_path / "out" / "2023-summary.txt").mkdir(parents=True)
    result = run("export", path, "--to", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"lawreport: cannot write {tmp_path / 'out' / '2023-summary.txt'}: "
        "a directory is in the way of the report file"]
    assert visible(tmp_path / "out") == {}


def test_a_failing_rename_rolls_the_whole_set_back(tmp_path):
    before = previous_set(tmp_path)
    calls = []

    def replace_that_fails_on_the_fourth(source, target):
        calls.append(Path(target).name)
        if len(calls) == 4:
            raise PermissionError(errno.EACCES, "Permission denied", str(target))
        os.replace(source, target)

    files = export.render_files(new_summary(), None, ALL)
    with pytest.raises(OutputError, match="Permission denied"):
        write_files(tmp_path, files, replace=replace_that_fails_on_the_fourth)
    assert len(calls) == 4  # xlsx, csv, json were new before the md failed
    assert visible(tmp_path) == before
    assert hidden(tmp_path) == {LOCK_NAME}


def test_a_failing_rename_of_a_first_export_leaves_nothing(tmp_path):
    def replace_that_fails_on_the_second(source, target, calls=[]):
        calls.append(target)
        if len(calls) == 2:
            raise OSError(errno.EBUSY, "Device or resource busy", str(target))
        os.replace(source, target)

    with pytest.raises(OutputError):
        write_files(tmp_path, export.render_files(new_summary(), None, ALL), replace=replace_that_fails_on_the_second)
    assert visible(tmp_path) == {}
    assert hidden(tmp_path) == {LOCK_NAME}


def test_a_crash_in_the_rename_window_is_rolled_back_by_the_next_export(tmp_path):
    before = previous_set(tmp_path)
    child = subprocess.run([sys.executable, "-c", f"""
import os, sys
sys.path[:0] = [{str(SRC)!r}, {str(Path(__file__).parent)!r}]
from conftest_render import summary
from lawreport_cli import export
calls = []
def replace(source, target):
    calls.append(target)
    if len(calls) == 3:
        os._exit(9)  # killed with two of five files swapped in
    os.replace(source, target)
files = export.render_files(summary(2023, values={{"penalties.fines": 9_990_000}}), None, {ALL!r})
export.write_files({str(tmp_path)!r}, files, replace=replace)
"""], timeout=60)
    assert child.returncode == 9
    assert JOURNAL_NAME in hidden(tmp_path)  # the crash left its journal
    assert visible(tmp_path) != before  # a mixed set, until someone holds the lock again
    with locked(tmp_path):
        export._recover(tmp_path)
        export._remove_stale_temps(tmp_path, before)
    assert visible(tmp_path) == before
    assert hidden(tmp_path) == {LOCK_NAME}
    written = export_reports(new_summary(), None, tmp_path, ALL)  # and the next export is whole
    assert len(written) == 5 and hidden(tmp_path) == {LOCK_NAME}


# -- 4. OS errors on the output side: one line naming the path, exit 2 --------------------

@pytest.fixture
def clean(tmp_path):
    return ledger(tmp_path / "2023.xlsx")


def test_to_under_a_file_is_one_line(tmp_path, clean):
    (tmp_path / "afile").write_text("x")
    result = run("export", clean, "--to", tmp_path / "afile" / "sub")
    assert result.exit_code == 2
    assert result.stderr == f"lawreport: cannot write {tmp_path / 'afile' / 'sub'}: Not a directory\n"


def test_to_a_dangling_symlink_is_one_line(tmp_path, clean):
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere" / "dir")
    result = run("export", clean, "--to", tmp_path / "dangling")
    assert result.exit_code == 2
    assert result.stderr == f"lawreport: cannot write {tmp_path / 'dangling'}: the folder is a symbolic link to nothing\n"


def test_to_under_proc_is_one_line(clean):
    result = run("export", clean, "--to", "/proc/self/lawreport-reports")
    assert result.exit_code == 2
    assert result.stderr.startswith("lawreport: cannot write /proc/self/lawreport-reports")
    assert len(result.stderr.splitlines()) == 1


def test_a_file_size_limit_is_one_line_exit_2(tmp_path, clean):
    # RLIMIT_FSIZE gives a real EFBIG; SIGXFSZ is left at its default (kill): the program ignores it itself.
    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    code, out, err = lawreport("export", clean, "--to", tmp_path / "out", "--format", "xlsx", preexec_fn=limit)
    assert code == 2, err
    assert err.decode() == f"lawreport: cannot write {tmp_path / 'out' / '2023-summary.xlsx'}: File too large\n"
    assert visible(tmp_path / "out") == {}
    assert hidden(tmp_path / "out") == {LOCK_NAME}


def test_stdout_on_a_full_disk_is_one_line_exit_2(clean):
    code, out, err = lawreport("summarize", clean, shell_suffix="> /dev/full")
    assert code == 2
    assert err.decode() == "lawreport: cannot write <stdout>: No space left on device\n"


def test_a_read_only_folder_is_one_line(tmp_path, clean, monkeypatch):
    # Root writes into a mode-0555 folder, so the refusal is given as the OS gives it (EROFS).
    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", kwargs.get("dir"))

    monkeypatch.setattr(export.tempfile, "mkstemp", read_only)
    result = run("export", clean, "--to", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"lawreport: cannot write {tmp_path / 'out'}: Read-only file system"]


def test_output_error_names_the_path_and_the_cause():
    error = OutputError.of(OSError(errno.ENOSPC, "No space left on device", "/r/2023-summary.md"), "/r")
    assert str(error) == "cannot write /r/2023-summary.md: No space left on device"
    assert str(OutputError.of(OSError(errno.ENOSPC, "No space left on device"), "/r")) == \
        "cannot write /r: No space left on device"


# -- 5. a lock file of another user ------------------------------------------------------

def test_a_read_only_lock_file_does_not_stop_exports(tmp_path, clean):
    out = tmp_path / "out"
    out.mkdir()
    (out / LOCK_NAME).write_text("")
    (out / LOCK_NAME).chmod(0o444)
    result = run("export", clean, "--to", out, "--format", "json")
    assert result.exit_code == 0, result.output
    assert (out / "2023-summary.json").exists()


def test_the_lock_falls_back_to_read_only_then_to_the_folder(tmp_path):
    opened = []

    def foreign_lock(path, flags, *mode):
        opened.append((Path(path).name, flags & (os.O_RDWR | os.O_WRONLY)))
        if Path(path).name == LOCK_NAME and flags & os.O_RDWR:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return os.open(path, flags, *mode)

    (tmp_path / LOCK_NAME).write_text("")
    with locked(tmp_path, open_=foreign_lock):
        pass
    assert opened == [(LOCK_NAME, os.O_RDWR), (LOCK_NAME, 0)]

    def unreadable_too(path, flags, *mode):
        if Path(path).name == LOCK_NAME:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return os.open(path, flags, *mode)

    with locked(tmp_path, open_=unreadable_too):
        # The folder itself is locked: a second, non-blocking try on it must fail while it is held.
        import fcntl

        fd = os.open(tmp_path, os.O_RDONLY)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(fd)


# -- 6. closed stderr, GBK and C locales ------------------------------------------------

@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """A small ledger with air figures (µg/m³, PM₂.₅ labels), two years of it."""
    data = tmp_path_factory.mktemp("streams")
    rows = [air(D(2023, 1, day), pm25=30 + day) for day in range(1, 11)]
    ledger(data / "2023.xlsx", [penalty(code="91370400MA3C5X7Y2K")], rows)
    ledger(data / "2022.xlsx", [penalty(filed=D(2022, 1, 5), decided=D(2022, 2, 5))],
           [air(D(2022, 1, day), pm25=40 + day) for day in range(1, 11)])
    return data


def test_closed_stderr_still_does_the_work(sample, tmp_path):
    broken = ledger(tmp_path / "2023.xlsx", [penalty(fine=-5)])
    commands = [["summarize", sample / "2023.xlsx"], ["compare", "2022", "2023", "--data-dir", sample],
                ["validate", sample / "2023.xlsx"], ["summarize", broken], ["validate", broken]]
    results = lawreport_many(commands, {}, preexec_fn=lambda: os.close(2))
    assert [code for code, _, _ in results] == [0, 0, 0, 1, 1]
    outputs = [out.decode("utf-8") for _, out, _ in results]
    assert "µg/m³" in outputs[0] and "同比" in outputs[1] or "µg/m³" in outputs[1]
    assert outputs[2].endswith(f"1 finding (0 errors, 1 warning) in {sample / '2023.xlsx'}\n")
    assert outputs[3] == "" and "negative-amount" in outputs[4]


def test_closed_stderr_export_writes_its_files(sample, tmp_path):
    code, out, _ = lawreport("export", sample / "2023.xlsx", "--to", tmp_path / "out", shell_suffix="2>&-")
    assert code == 0
    assert sorted(visible(tmp_path / "out")) == [f"2023-summary.{ext}" for ext in sorted(ALL)]
    assert out.decode().splitlines()[0] == str(tmp_path / "out" / "2023-summary.xlsx")


@pytest.fixture(scope="module")
def gbk_env(tmp_path_factory):
    """LC_ALL=zh_CN.GBK for real when the locale can be built here, else Python's view of it."""
    where = tmp_path_factory.mktemp("locale")
    if shutil.which("localedef"):
        built = subprocess.run(["localedef", "-i", "zh_CN", "-f", "GBK", str(where / "zh_CN.GBK")],
                               capture_output=True, timeout=60)
        if built.returncode in (0, 1) and (where / "zh_CN.GBK").exists():
            return {"LC_ALL": "zh_CN.GBK", "LOCPATH": str(where)}
    return {"LC_ALL": "zh_CN.GBK", "PYTHONIOENCODING": "gbk"}


def test_the_gbk_locale_is_really_gbk(gbk_env):
    probe = subprocess.run([sys.executable, "-c", "import sys; print(sys.stdout.encoding)"], capture_output=True,
                           env={**os.environ, **gbk_env}, text=True)
    assert probe.stdout.strip().lower() == "gbk"


FORMATS = ["table", "markdown", "json", "csv", "prose"]


@pytest.mark.parametrize("env", ["gbk", {"LC_ALL": "C"}, {"PYTHONIOENCODING": "ascii"}], ids=["GBK", "C", "ascii"])
def test_every_command_in_a_narrow_locale_writes_utf8(sample, gbk_env, env):
    env = gbk_env if env == "gbk" else env
    every = env is gbk_env  # the full round in GBK; the C and ASCII views get one of each command
    commands = [["summarize", sample / "2023.xlsx", "--format", fmt] for fmt in (FORMATS if every else ["json"])]
    commands += [] if not every else [["compare", "2022", "2023", "--data-dir", sample, "--format", "json"],
                 ["compare", "2022", "2023", "--data-dir", sample],
                 ["validate", sample / "2023.xlsx", "--format", "json"]]
    commands += [["compare", "2022", "2023", "--data-dir", sample, "--format", "prose"], ["validate", sample / "2023.xlsx"]]
    results = lawreport_many(commands, env)
    for command, (code, out, err) in zip(commands, results):
        assert code == 0, (command, err)
        text = out.decode("utf-8")  # UTF-8 whatever the locale
        if "json" in command:
            document = json.loads(text)
            if command[0] == "summarize":
                assert document["metrics"]["air.pm25"]["unit"] == "µg/m³"
        elif command[0] != "validate":
            assert "µg/m³" in text or "PM" in text, command
        if command[0] == "summarize":
            assert "统一社会信用代码" in err.decode("utf-8")  # the warning on stderr, also UTF-8


# -- 8. cell text reaches outputs raw -----------------------------------------------------

EVIL = "\x1b[2J\x1b]0;owned\x07甲公司\u202e<script>alert(1)</script>"


def test_terminal_output_shows_control_characters(tmp_path):
    path = write_raw(tmp_path / "2023.xlsx", {"行政处罚": [PENALTY_HEADER, penalty(outcome="\x1b[31m警告")],
                                              "其他指标": [INDICATOR_HEADER, [EVIL, 3, "次", "", 2]]})
    stopped = run("summarize", path)
    assert "\x1b" not in stopped.stderr
    assert "<U+001B>[31m警告" in stopped.stderr
    validated = run("validate", path)
    assert "\x1b" not in validated.stdout and "<U+001B>[31m警告" in validated.stdout
    table = run("summarize", path, "--keep-going")
    assert table.exit_code == 0
    for char in "\x1b\x07\u202e":
        assert char not in table.stdout
    assert "<U+001B>[2J<U+001B>]0;owned<U+0007>甲公司<U+202E><script>" in table.stdout


def test_markdown_output_has_no_live_html_or_links(tmp_path):
    names = ['<img src=x onerror="alert(1)">', "[点我](javascript:alert(1))", "![x](http://evil/p.png)", EVIL]
    path = write_raw(tmp_path / "2023.xlsx", {"行政处罚": [PENALTY_HEADER, penalty()],
                                              "其他指标": [INDICATOR_HEADER, *[[name, 1, "次", "", 2] for name in names]]})
    markdown = run("summarize", path, "--format", "markdown")
    assert markdown.exit_code == 0
    text = markdown.stdout
    for live in ("<img", "<script", "](javascript:", "![x](", "\x1b", "\u202e", "javascript:"):
        assert live not in text, live
    assert "&lt;img src=x onerror=\"alert(1)\"&gt;" in text
    assert "\\[点我\\](javascript&#58;alert(1))" in text
    run("export", path, "--to", tmp_path / "out", "--format", "md")
    assert "<script" not in (tmp_path / "out" / "2023-summary.md").read_text()


def test_safe_text_by_hand():
    from lawreport_cli.render.safe_text import for_markdown, for_terminal

    assert for_terminal("a\x1b[2Jb\tc\nd\x9b\u2066e") == "a<U+001B>[2Jb\tc\nd<U+009B><U+2066>e"
    assert for_terminal("PM₂.₅ µg/m³ 枣庄市") == "PM₂.₅ µg/m³ 枣庄市"
    assert for_markdown("a & b <i>") == "a &amp; b &lt;i&gt;"
    assert for_markdown("JavaScript:x") == "JavaScript&#58;x"
    assert for_markdown("[a](b)") == "\\[a\\](b)"


# -- 9. the year of a workbook; floods of findings -------------------------------------------

def test_a_workbook_without_dates_takes_the_year_of_its_name(tmp_path):
    path = write_workbook(tmp_path / "2021.xlsx", {"其他指标": [INDICATOR_HEADER, ["学法次数", 9, "次", "", 3]]})
    result = run("summarize", path, "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["period"] == {"start": "2021-01-01", "end": "2021-12-31"}


def test_a_workbook_whose_year_cannot_be_told_is_refused(tmp_path):
    path = write_workbook(tmp_path / "ledger.xlsx", {"其他指标": [INDICATOR_HEADER, ["学法次数", 9, "次", "", 3]]})
    assert load_workbook(path).year is None  # never today's year
    for command in (["summarize", path], ["export", path, "--to", tmp_path / "out"]):
        result = run(*command)
        assert result.exit_code == 2
        assert result.stderr.splitlines() == [
            f"lawreport: {path}: cannot tell the workbook's year (no dated rows and no year in its name); "
            "give it with --year"]
    given = run("summarize", path, "--year", "2020", "--format", "json")
    assert json.loads(given.stdout)["period"]["start"] == "2020-01-01"
    assert run("validate", path).exit_code == 0  # validate needs no year for these rows


def test_findings_shown_by_summarize_are_capped(tmp_path):
    rows = [penalty(f"P{i}", fine=-1) for i in range(120)]
    path = ledger(tmp_path / "2023.xlsx", rows)
    result = run("summarize", path, "--format", "json")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 50 + 3
    assert lines[50] == f"... and 70 more findings (the full list: lawreport validate --format json {path})"
    assert lines[51] == f"120 findings (120 errors, 0 warnings) in {path}"
    full = run("validate", path, "--format", "json")
    assert len(json.loads(full.stdout)["findings"]) == 120  # validate is always complete


# -- 10. money limit, year arguments, format names ------------------------------------------

@pytest.mark.parametrize("fine,header", [(5 * 10**12, "罚款金额（元）"), ("1000000000000", "罚款金额（元）"),
                                         (100_000_000, "罚款金额（万元）")])
def test_money_of_a_trillion_yuan_is_refused(tmp_path, fine, header):
    path = write_workbook(tmp_path / "2023.xlsx", {"行政处罚": [
        [*PENALTY_HEADER[:6], header, *PENALTY_HEADER[7:]], penalty(fine=fine)]})
    assert [(f.location, f.code) for f in load_workbook(path).findings] == [("行政处罚!G2", "bad-money")]


def test_just_under_a_trillion_yuan_is_money(tmp_path):
    path = ledger(tmp_path / "2023.xlsx", [penalty(fine="999999999999.99")])
    workbook = load_workbook(path)
    assert workbook.findings == []
    assert workbook.records["penalties"]["fine"].to_list() == [99_999_999_999_999]


def test_summarize_and_validate_take_a_year(tmp_path, monkeypatch):
    data = tmp_path / "ledgers"
    data.mkdir()
    ledger(data / "2023.xlsx", [penalty(fine=-5)])
    monkeypatch.chdir(tmp_path)
    result = run("summarize", "2023", "--data-dir", data, "--keep-going", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["source"] == str(data / "2023.xlsx")
    by_env = run("validate", "2023", env={"LAWREPORT_DATA_DIR": str(data)})
    assert by_env.exit_code == 1 and "negative-amount" in by_env.stdout
    missing = run("summarize", "2019", "--data-dir", data)
    assert missing.exit_code == 2
    assert missing.stderr == f"lawreport: no workbook for 2019: looked for {data / '2019.xlsx'}\n"


def test_format_names_are_declared_once():
    from lawreport_cli import formats
    from lawreport_cli.cli import EXPORT_FORMATS, FORMATS
    from lawreport_cli.render import COMPARE_FORMATS, FILE_EXPORTERS, SUMMARY_FORMATS

    assert FORMATS is formats.SUMMARY_FORMATS and EXPORT_FORMATS is formats.EXPORT_FORMATS
    assert tuple(SUMMARY_FORMATS) == tuple(COMPARE_FORMATS) == ("table", "markdown", "json", "csv", "prose")
    assert tuple(FILE_EXPORTERS) == ("xlsx", "csv", "json", "md", "txt", "docx")


def test_validate_help_lists_only_what_it_takes():
    text = run("validate", "--help").output
    assert "[table|json]" in text
    for refused in ("markdown", "csv", "prose"):
        assert refused not in text


# -- one module of exception types, one place that maps them ---------------------------------

def test_exception_types_live_in_errors_and_keep_their_old_homes():
    from lawreport_cli.config import ConfigError
    from lawreport_cli.export import ExportError
    from lawreport_cli.jobs import DataErrors
    from lawreport_cli.safety import UnreadableWorkbook
    from lawreport_cli.summarize import UsageError

    assert (UnreadableWorkbook, UsageError, ConfigError, DataErrors, ExportError) == (
        errors.UnreadableWorkbook, errors.UsageError, errors.ConfigError, errors.DataErrors, errors.ExportError)


@pytest.mark.parametrize("error,line,code", [
    (errors.UsageError("bad --section"), "lawreport: bad --section", 2),
    (errors.ExportError("bad stem"), "lawreport: bad stem", 2),
    (errors.OutputError("/r/x.md", "Disk quota exceeded"), "lawreport: cannot write /r/x.md: Disk quota exceeded", 2),
    (PermissionError(errno.EACCES, "Permission denied", "/r/x.md"), "lawreport: cannot write /r/x.md: Permission denied", 2),
])
def test_user_errors_map_to_one_line_and_an_exit_code(error, line, code, capsys):
    import click

    from lawreport_cli.cli import user_errors

    with click.Context(cli), pytest.raises(SystemExit) as exited:
        with user_errors():
            raise error
    assert exited.value.code == code
    assert capsys.readouterr().err == line + "\n"
