"""Every exception a user can cause, in one module; cli.user_errors maps each to one line and an exit code.

    UnreadableWorkbook  a file that cannot be read as a workbook      exit 2
    UsageError          a command asked for something that cannot be  exit 2
    ConfigError         lawreport.toml cannot be used as it is        exit 2
    ExportError         an export that cannot be done as asked        exit 2
    OutputError         the OS refused a write on the output side     exit 2
                        (full disk, file-size limit, read-only or
                        missing folder, permission, stdout closed)
    DataErrors          the data has errors, the user did not ask     exit 1
                        to go on (--keep-going)

The old homes re-export them (`from .safety import UnreadableWorkbook`,
`from .summarize import UsageError`, `from .config import ConfigError`,
`from .jobs import DataErrors`, `from .export import ExportError`), so every
import keeps working. This module imports nothing of the project.
"""
from __future__ import annotations

import os


def display_path(path: str | os.PathLike) -> str:
    """The path as it can always be printed: a name that is not UTF-8 (GBK bytes on Linux come
    in as surrogate escapes) gets U+FFFD for the bytes that cannot be shown."""
    text = os.fspath(path)
    if isinstance(text, bytes):
        return text.decode("utf-8", errors="replace")
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="replace")


class UnreadableWorkbook(Exception):
    """The file cannot be read at all: one line, exit 2."""

    def __init__(self, path: str | os.PathLike, reason: str):
        shown = display_path(path)
        super().__init__(f"{shown}: {reason}")
        self.path = shown
        self.reason = reason


class UsageError(Exception):
    """The user asked for something that cannot be: one line, exit 2."""


class ConfigError(Exception):
    """The configuration file cannot be used as it is; the message says why and where."""


class ExportError(Exception):
    """An export that cannot be done as asked (unknown format, unusable folder)."""


class OutputError(Exception):
    """An OS error while writing output: the path and the cause, one line, exit 2."""

    def __init__(self, path: str | os.PathLike, cause: str):
        super().__init__(f"cannot write {path}: {cause}")
        self.path = str(path)
        self.cause = cause

    @classmethod
    def of(cls, error: OSError, fallback_path: str | os.PathLike) -> "OutputError":
        """From an OSError: its own file name when it has one, else `fallback_path`."""
        path = error.filename if error.filename is not None else fallback_path
        return cls(os.fsdecode(path) if isinstance(path, bytes) else path,
                   error.strerror or error.__class__.__name__)


class DataErrors(Exception):
    """The data has errors and the user did not ask to go on: exit 1."""

    def __init__(self, workbook):
        super().__init__(f"{len(workbook.errors)} errors in {workbook.source}")
        self.workbook = workbook
