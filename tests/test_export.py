"""Export (atomic, locked, deterministic files) and lawreport.toml."""
from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from conftest_render import MONTHLY, SEED_2022, seed_comparison, summary
from lawreport_cli.config import Config, ConfigError, load_config
from lawreport_cli.export import LOCK_NAME, ExportError, OutputError, export_reports
from lawreport_cli.metrics.registry import BY_ID
from lawreport_cli.model import Figure
from lawreport_cli.render import FILE_EXPORTERS

ALL = ["xlsx", "csv", "json", "md", "txt"]
TESTS = Path(__file__).parent


def visible(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if not p.name.startswith(".")}


def hidden(directory: Path) -> set[str]:
    return {p.name for p in directory.iterdir() if p.name.startswith(".")}


def old_reports(out: Path) -> dict[str, bytes]:
    """A previous export of 2023 into `out`, with other numbers than the new one."""
    export_reports(summary(2023, values=SEED_2022), None, out, ALL)
    return visible(out)


def wait_for(path: Path, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert proc.poll() is None, f"child exited early with {proc.returncode}"
        assert time.monotonic() < deadline, f"{path} did not appear"
        time.sleep(0.02)


def child(script: str) -> subprocess.Popen:
    code = f"import sys; sys.path.insert(0, {str(TESTS)!r})\n" + textwrap.dedent(script)
    return subprocess.Popen([sys.executable, "-c", code])


# ---------------------------------------------------------------- files


def test_export_writes_every_format(tmp_path):
    comparison = seed_comparison()
    result = comparison.current
    result.monthly = MONTHLY
    out = tmp_path / "new" / "reports"  # created
    paths = export_reports(result, comparison, out, ALL)
    assert [p.name for p in paths] == [f"2023-summary.{ext}" for ext in ALL]
    for path, fmt in zip(paths, ALL):
        assert path.read_bytes() == FILE_EXPORTERS[fmt](result, comparison, "zh")
        assert path.stat().st_mode & 0o777 == 0o644
    files = visible(out)
    assert files["2023-summary.csv"].startswith("\ufeff".encode())
    assert json.loads(files["2023-summary.json"]) == result.to_dict("zh")
    md = files["2023-summary.md"].decode()
    assert "# 2023年统计汇总" in md and "# 2022年—2023年同比" in md
    assert "今年以来，累计检查企业2800余家次" in files["2023-summary.txt"].decode()
    assert hidden(out) == {LOCK_NAME}


def test_stem_language_and_repeated_formats(tmp_path):
    paths = export_reports(summary(), None, tmp_path, ["json", "txt", "json"], lang="en", stem="zaozhuang-2023")
    assert [p.name for p in paths] == ["zaozhuang-2023.json", "zaozhuang-2023.txt"]
    assert json.loads(paths[0].read_text())["metrics"]["penalties.fines"]["label"] == "Fines"


@pytest.mark.parametrize("formats, stem", [(["xlsx", "pdf"], None), ([], None), (["json"], "../evil"),
                                           (["json"], ".hidden")])
def test_bad_requests_write_nothing(tmp_path, formats, stem):
    before = old_reports(tmp_path)
    with pytest.raises(ExportError):
        export_reports(summary(), None, tmp_path, formats, stem=stem)
    assert visible(tmp_path) == before
    assert hidden(tmp_path) == {LOCK_NAME}


def test_output_is_byte_identical(tmp_path):
    comparison = seed_comparison()
    one = export_reports(comparison.current, comparison, tmp_path / "one", ALL)
    two = export_reports(comparison.current, comparison, tmp_path / "two", ALL)
    assert [p.read_bytes() for p in one] == [p.read_bytes() for p in two]
    again = export_reports(comparison.current, comparison, tmp_path / "one", ALL)
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in two]


def test_a_failing_renderer_leaves_the_old_reports(tmp_path):
    before = old_reports(tmp_path)
    broken = summary()
    broken.figures["penalties.fines"] = Figure(BY_ID["penalties.fines"], "609.7157万")  # not fen
    with pytest.raises(ValueError):
        export_reports(broken, None, tmp_path, ALL)
    assert visible(tmp_path) == before
    assert hidden(tmp_path) == {LOCK_NAME}


def test_a_failure_while_writing_leaves_the_whole_set_old(tmp_path):
    before = old_reports(tmp_path)

    def disk_full_at_the_third_file(target: Path, written: int, total: int) -> None:
        if target.name.endswith(".json"):
            raise OSError(28, "No space left on device")

    with pytest.raises(OutputError, match="No space left on device"):  # an OS error is one line, exit 2
        export_reports(summary(), None, tmp_path, ALL, on_progress=disk_full_at_the_third_file)
    assert visible(tmp_path) == before  # not even the xlsx and csv written before it were swapped in
    assert hidden(tmp_path) == {LOCK_NAME}


def test_a_killed_export_leaves_the_old_report_and_only_a_hidden_temp_file(tmp_path):
    before = old_reports(tmp_path)
    marker = tmp_path.parent / f"{tmp_path.name}.writing"
    proc = child(f"""
        import pathlib, time
        from conftest_render import summary
        from lawreport_cli.export import export_reports

        def hold(target, written, total):
            pathlib.Path({str(marker)!r}).write_text(target.name)
            time.sleep(600)

        export_reports(summary(), None, pathlib.Path({str(tmp_path)!r}), ["xlsx", "json"], on_progress=hold)
    """)
    try:
        wait_for(marker, proc)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    assert visible(tmp_path) == before
    leftovers = hidden(tmp_path) - {LOCK_NAME}
    assert len(leftovers) == 1 and leftovers.pop().startswith(".2023-summary.xlsx.")
    # the next export clears what the killed one left
    export_reports(summary(), None, tmp_path, ["xlsx", "json"])
    assert hidden(tmp_path) == {LOCK_NAME}
    assert visible(tmp_path)["2023-summary.json"] == FILE_EXPORTERS["json"](summary(), None, "zh")


def test_the_lock_is_held_while_writing(tmp_path):
    seen = []

    def try_lock(target: Path, written: int, total: int) -> None:
        fd = os.open(tmp_path / LOCK_NAME, os.O_RDWR)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            seen.append(target.name)
        finally:
            os.close(fd)

    export_reports(summary(), None, tmp_path, ["json", "csv"], on_progress=try_lock)
    assert seen == ["2023-summary.json", "2023-summary.csv"]
    fd = os.open(tmp_path / LOCK_NAME, os.O_RDWR)  # released afterwards
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    os.close(fd)


def test_a_second_export_waits_for_the_first(tmp_path):
    started = tmp_path.parent / f"{tmp_path.name}.started"
    fd = os.open(tmp_path / LOCK_NAME, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)  # an export in progress
    proc = child(f"""
        import pathlib
        from conftest_render import summary
        from lawreport_cli.export import export_reports

        pathlib.Path({str(started)!r}).touch()
        export_reports(summary(), None, pathlib.Path({str(tmp_path)!r}), ["json"])
    """)
    try:
        wait_for(started, proc)
        time.sleep(0.5)
        assert proc.poll() is None, "the second export did not wait for the lock"
        assert visible(tmp_path) == {}
    finally:
        os.close(fd)
    assert proc.wait(timeout=60) == 0
    assert list(visible(tmp_path)) == ["2023-summary.json"]


# ---------------------------------------------------------------- lawreport.toml


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding=encoding)
    return path


def test_no_config_file_gives_defaults(tmp_path):
    assert load_config(None, tmp_path) == Config()


def test_config_in_the_working_directory(tmp_path):
    write(tmp_path / "lawreport.toml", """
        data_dir = "ledgers"
        output_dir = "/srv/reports"
        formats = ["xlsx", "txt", "xlsx"]
        lang = "en"
        through = 11
    """)
    config = load_config(None, tmp_path)
    assert config == Config(data_dir=tmp_path / "ledgers", output_dir=Path("/srv/reports"),
                            formats=("xlsx", "txt"), lang="en", through=11, path=tmp_path / "lawreport.toml")


def test_explicit_config_paths_are_relative_to_the_file(tmp_path):
    write(tmp_path / "etc" / "bureau.toml", 'data_dir = "../data"\noutput_dir = "out"\n')
    config = load_config(Path("etc/bureau.toml"), tmp_path)
    assert config.data_dir == tmp_path / "etc" / ".." / "data"
    assert config.output_dir == tmp_path / "etc" / "out"
    assert config.formats is None and config.lang is None and config.through is None


def test_a_missing_explicit_config_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml", tmp_path)


def test_a_byte_order_mark_is_accepted(tmp_path):
    write(tmp_path / "lawreport.toml", 'lang = "zh"\n', encoding="utf-8-sig")
    assert load_config(None, tmp_path).lang == "zh"


@pytest.mark.parametrize("text, message", [
    ('output_dirr = "x"\n', "unknown key 'output_dirr'"),
    ('[export]\nformats = ["xlsx"]\n', "unknown key 'export'"),
    ('through = "11"\n', "'through'"),
    ("through = true\n", "'through'"),
    ("through = 13\n", "'through'"),
    ("through = 0\n", "'through'"),
    ('formats = "xlsx"\n', "'formats'"),
    ('formats = ["xlsx", 1]\n', "'formats'"),
    ('formats = ["pdf"]\n', "unknown format 'pdf'"),
    ('lang = "fr"\n', "'lang'"),
    ("data_dir = 3\n", "'data_dir'"),
    ('output_dir = ""\n', "'output_dir'"),
    ("lang = zh\n", "not valid TOML"),
])
def test_config_errors_name_the_key(tmp_path, text, message):
    path = write(tmp_path / "lawreport.toml", text)
    with pytest.raises(ConfigError, match=message) as caught:
        load_config(None, tmp_path)
    assert str(path) in str(caught.value)


def test_config_that_is_not_utf8(tmp_path):
    (tmp_path / "lawreport.toml").write_bytes('lang = "中文"\n'.encode("gbk"))
    with pytest.raises(ConfigError, match="UTF-8"):
        load_config(None, tmp_path)


def test_money_in_exports_is_exact(tmp_path):
    result = summary(values={"penalties.fines": 123_456_789})  # 123.456789万元
    paths = export_reports(result, None, tmp_path, ["csv", "json"])
    csv_text = paths[0].read_text(encoding="utf-8-sig")
    assert "penalties,penalties.fines,罚款金额,123.456789,万元," in csv_text
    assert json.loads(paths[1].read_text())["metrics"]["penalties.fines"]["value"] == "123.456789"
    (xlsx,) = export_reports(result, None, tmp_path, ["xlsx"])
    cells = [cell.value for row in openpyxl.load_workbook(xlsx)["行政处罚"].iter_rows() for cell in row]
    assert Decimal("123.456789") in [Decimal(str(value)) for value in cells if isinstance(value, float)]
