"""The output format names, declared once: cli.py offers them, render/ implements them.

A module of plain names so that `lawreport --help` can list them without
importing the renderers (and through them xlsxwriter, tabulate ...).
render/__init__.py checks at import that its tables have exactly these keys.
"""
from __future__ import annotations

SUMMARY_FORMATS = ("table", "markdown", "json", "csv", "prose")  # summarize, compare --format
EXPORT_FORMATS = ("xlsx", "csv", "json", "md", "txt", "docx")  # export --format: file extensions
DEFAULT_EXPORT_FORMATS = ("xlsx", "csv", "json", "md", "txt")  # the Word draft only when asked for
VALIDATE_FORMATS = ("table", "json")  # validate --format
