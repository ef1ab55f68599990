"""Export: write a set of report files so that readers never see half a report.

All files are rendered in memory first, so an error in the data or a
renderer writes nothing. Then, holding an exclusive lock on
`<out_dir>/.lawreport.lock` (two exports to one folder never interleave),
each file is written to a hidden temporary file beside its target
(`.<name>.<random>`), flushed and fsynced; only when every file of the set is
on disk are they renamed into place with os.replace, which is atomic on one
file system. A failure before the renames removes the temporary files and
leaves every previous report as it was; a process killed mid-write leaves
at most a hidden `.<name>.*` file, which the next export to that folder
removes.
"""
from __future__ import annotations

import fcntl
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from pathlib import Path

from .model import Comparison, Summary
from .render import FILE_EXPORTERS

EXPORT_FORMATS: tuple[str, ...] = tuple(FILE_EXPORTERS)  # xlsx, csv, json, md, txt
LOCK_NAME = ".lawreport.lock"
CHUNK = 1 << 16
FILE_MODE = 0o644

Progress = Callable[[Path, int, int], None]  # (target, bytes written, total bytes)


from .errors import ExportError, OutputError  # noqa: F401  (their old home; errors.py declares them)


def report_name(stem: str, fmt: str) -> str:
    return f"{stem}.{fmt}"


def check_formats(formats: Iterable[str]) -> list[str]:
    """The formats in order, once each; an unknown one is an ExportError."""
    chosen: list[str] = []
    for fmt in formats:
        if fmt not in FILE_EXPORTERS:
            raise ExportError(f"unknown export format {fmt!r} (choose from {', '.join(EXPORT_FORMATS)})")
        if fmt not in chosen:
            chosen.append(fmt)
    if not chosen:
        raise ExportError("no export format given")
    return chosen


def render_files(summary: Summary, comparison: Comparison | None, formats: Iterable[str],
                 lang: str = "zh", stem: str | None = None) -> dict[str, bytes]:
    """File name -> bytes for every format, all in memory (nothing is written)."""
    stem = stem or f"{summary.year}-summary"
    if not stem or "/" in stem or os.sep in stem or stem.startswith("."):
        raise ExportError(f"bad file name stem {stem!r}")
    return {report_name(stem, fmt): FILE_EXPORTERS[fmt](summary, comparison, lang)
            for fmt in check_formats(formats)}


@contextmanager
def locked(out_dir: Path):
    """Hold the folder's export lock (blocks until any other export is done)."""
    fd = os.open(out_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _remove_stale_temps(out_dir: Path, names: Iterable[str]) -> None:
    # Under the lock no other export is writing here, so these are leftovers of a killed one.
    patterns = [re.compile(re.escape(f".{name}.") + r"[A-Za-z0-9_]{8}") for name in names]
    for entry in out_dir.iterdir():
        if any(pattern.fullmatch(entry.name) for pattern in patterns):
            entry.unlink(missing_ok=True)


def _write_temp(target: Path, data: bytes, on_progress: Progress | None) -> Path:
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            for start in range(0, len(data), CHUNK) or [0]:
                handle.write(data[start:start + CHUNK])
                if on_progress is not None:
                    handle.flush()
                    on_progress(target, min(start + CHUNK, len(data)), len(data))
            handle.flush()
            os.fchmod(handle.fileno(), FILE_MODE)
            os.fsync(handle.fileno())
    except BaseException:
        os.unlink(temp)
        raise
    return Path(temp)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_files(out_dir: Path, files: dict[str, bytes], *, on_progress: Progress | None = None) -> list[Path]:
    """Write name -> bytes into out_dir atomically, as a set, under the folder's lock."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    targets = [out_dir / name for name in files]
    with locked(out_dir):
        _remove_stale_temps(out_dir, files)
        temps: list[Path] = []
        try:
            for target in targets:
                temps.append(_write_temp(target, files[target.name], on_progress))
        except BaseException:
            for temp in temps:
                temp.unlink(missing_ok=True)
            raise
        for temp, target in zip(temps, targets):
            os.replace(temp, target)
        _fsync_dir(out_dir)
    return targets


def export_reports(summary: Summary, comparison: Comparison | None, out_dir: Path, formats: list[str],
                   lang: str = "zh", stem: str | None = None, *,
                   on_progress: Progress | None = None) -> list[Path]:
    """Write `<stem>.<ext>` (default stem `<year>-summary`) for each format; return the paths.

    Formats: xlsx (with a 同比 sheet when `comparison` is given), csv and json
    (the summary, as `summarize --format csv/json` prints it; the CSV has a
    UTF-8 BOM for Excel), md (summary, then the comparison if given) and txt
    (the report's prose). `on_progress(target, written, total)` is called after
    each chunk of each file, for progress display.
    """
    files = render_files(summary, comparison, formats, lang, stem)
    return write_files(Path(out_dir), files, on_progress=on_progress)
