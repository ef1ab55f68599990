"""Export: write a set of report files so that readers never see half a report, nor half a set.

All files are rendered in memory first, so an error in the data or a
renderer writes nothing. Then, holding an exclusive lock on
`<out_dir>/.lawreport.lock` (two exports to one folder never interleave):

1. Recover: a journal `.lawreport.journal` left by an export killed while
   swapping its set in means that set is incomplete; every target it names
   is put back from its backup (or removed, when it did not exist before).
   Leftover temporary files (`.<name>.` and 8 random characters) and backups
   (`.<name>.lawreport-backup`) are removed.
2. Each file is written to a hidden temporary file beside its target,
   flushed and fsynced.
3. Each existing target gets a backup: a hard link `.<name>.lawreport-backup`
   (the target stays in place for readers; where hard links are not allowed
   the target is renamed to the backup name instead). A target in the way
   that is not a file (a directory) stops the export here, nothing changed.
4. The journal is written (the names, and which had a previous file), fsynced.
5. Every temporary file is renamed over its target (os.replace, atomic on
   one file system).
6. The journal is removed (the commit point), then the backups.

A failure at any step rolls back: the targets already replaced get their
backup back, new targets that had no previous file are removed, temporary
files and backups are removed; the folder holds the complete previous set.
A crash between 4 and 6 is rolled back by the next export (step 1); after 6
the new set is complete. Every OS error (full disk, file-size limit,
read-only or missing folder, permission) is an OutputError naming the path
and the cause: one line and exit 2 in the CLI, never a traceback.

The lock file may belong to another user (root ran once): it is opened
read-write, else read-only (flock works on either), else the folder itself
is locked.
"""
from __future__ import annotations

import errno
import fcntl
import json
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
JOURNAL_NAME = ".lawreport.journal"
BACKUP_SUFFIX = ".lawreport-backup"
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
def locked(out_dir: Path, open_=os.open):
    """Hold the folder's export lock (blocks until any other export is done).

    `open_` is os.open; tests give one that refuses O_RDWR, as a lock file of
    another user does.
    """
    lock_path = Path(out_dir) / LOCK_NAME
    try:
        fd = open_(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except PermissionError:
        try:
            fd = open_(lock_path, os.O_RDONLY)
        except OSError:
            fd = open_(out_dir, os.O_RDONLY)  # the folder itself: every export locks it the same way
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _backup_of(target: Path) -> Path:
    return target.with_name(f".{target.name}{BACKUP_SUFFIX}")


def _remove_stale_temps(out_dir: Path, names: Iterable[str]) -> None:
    # Under the lock no other export is writing here, so these are leftovers of a killed one.
    patterns = [re.compile(re.escape(f".{name}.") + r"[A-Za-z0-9_]{8}") for name in names]
    patterns.append(re.compile(r"\..+" + re.escape(BACKUP_SUFFIX)))
    for entry in out_dir.iterdir():
        if any(pattern.fullmatch(entry.name) for pattern in patterns) and not entry.is_dir():
            entry.unlink(missing_ok=True)


def _recover(out_dir: Path) -> None:
    """Roll back a set an export was killed while swapping in (its journal is still there)."""
    journal = out_dir / JOURNAL_NAME
    try:
        entries = json.loads(journal.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return
    except (OSError, ValueError):
        entries = {}
    _roll_back(out_dir, entries.get("names", []), set(entries.get("existed", [])))
    journal.unlink(missing_ok=True)


def _roll_back(out_dir: Path, names: Iterable[str], existed: set[str]) -> None:
    """Put back every backup; remove the new files of `names` that had no previous file."""
    for name in names:
        target = out_dir / name
        backup = _backup_of(target)
        if name in existed:
            if os.path.lexists(backup):
                os.replace(backup, target)
        elif not target.is_dir():
            target.unlink(missing_ok=True)


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
    except BaseException as error:
        os.unlink(temp)
        if isinstance(error, OSError):
            raise OutputError(target, error.strerror or str(error)) from None  # name the file, not the temp
        raise
    return Path(temp)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _make_backup(target: Path) -> bool:
    """A backup of an existing target file; False when there is none to keep."""
    if not os.path.lexists(target):
        return False
    if target.is_dir():
        raise OutputError(target, "a directory is in the way of the report file")
    backup = _backup_of(target)
    backup.unlink(missing_ok=True)
    try:
        os.link(target, backup, follow_symlinks=False)
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.EXDEV, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise
        os.rename(target, backup)  # no hard links here: the target is briefly absent, never wrong
    return True


def _prepare_dir(out_dir: Path) -> None:
    if os.path.islink(out_dir) and not out_dir.exists():
        raise OutputError(out_dir, "the folder is a symbolic link to nothing")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(out_dir, "exists and is not a folder") from None
    except OSError as error:
        raise OutputError.of(error, out_dir) from None
    if not out_dir.is_dir():
        raise OutputError(out_dir, "not a folder")


def write_files(out_dir: Path, files: dict[str, bytes], *, on_progress: Progress | None = None,
                replace=os.replace) -> list[Path]:
    """Write name -> bytes into out_dir as one all-or-nothing set, under the folder's lock.

    `replace` is os.replace; tests give one that fails, to see the roll-back.
    Raises OutputError (path and cause) for every OS error.
    """
    out_dir = Path(out_dir)
    _prepare_dir(out_dir)
    targets = [out_dir / name for name in files]
    try:
        with locked(out_dir):
            _recover(out_dir)
            _remove_stale_temps(out_dir, files)
            _swap_in(out_dir, targets, files, on_progress, replace)
    except OSError as error:
        raise OutputError.of(error, out_dir) from None
    return targets


def _swap_in(out_dir: Path, targets: list[Path], files: dict[str, bytes], on_progress: Progress | None,
             replace) -> None:
    temps: list[Path] = []
    existed: set[str] = set()
    replaced: list[str] = []
    journal = out_dir / JOURNAL_NAME
    try:
        for target in targets:
            temps.append(_write_temp(target, files[target.name], on_progress))
        for target in targets:
            if _make_backup(target):
                existed.add(target.name)
        journal_temp = _write_temp(journal, json.dumps(
            {"names": [target.name for target in targets], "existed": sorted(existed)}).encode("utf-8"), None)
        os.replace(journal_temp, journal)
        _fsync_dir(out_dir)
        for temp, target in zip(temps, targets):
            replace(temp, target)
            replaced.append(target.name)
        _fsync_dir(out_dir)
    except BaseException:
        try:
            # Every backup goes back (a renamed one too); only the files this export put in place go.
            _roll_back(out_dir, [target.name for target in targets if target.name in existed or
                                 target.name in replaced], existed)
        finally:
            for temp in temps:
                temp.unlink(missing_ok=True)
            for target in targets:
                _backup_of(target).unlink(missing_ok=True)
            journal.unlink(missing_ok=True)
        raise
    journal.unlink()  # the commit point: from here on the new set is the one
    for target in targets:
        _backup_of(target).unlink(missing_ok=True)
    _fsync_dir(out_dir)


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
