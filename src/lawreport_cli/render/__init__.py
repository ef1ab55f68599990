"""Renderers: every output is a function of the one result object.

`--format` picks from SUMMARY_FORMATS / COMPARE_FORMATS, functions
`(result, lang) -> str` whose text ends with one newline. FILE_EXPORTERS,
keyed by file extension, give the bytes of an exported file,
`(summary, comparison or None, lang) -> bytes`; `export.export_reports`
writes them.
"""
from __future__ import annotations

from collections.abc import Callable

from ..model import Comparison, Summary
from . import csvout, jsonout, markdown, prose, table, xlsx
from .docx import summary_docx

SUMMARY_FORMATS: dict[str, Callable[[Summary, str], str]] = {
    "table": table.summary_table,
    "markdown": markdown.summary_markdown,
    "json": jsonout.summary_json,
    "csv": csvout.summary_csv,
    "prose": prose.summary_prose,
}

COMPARE_FORMATS: dict[str, Callable[[Comparison, str], str]] = {
    "table": table.compare_table,
    "markdown": markdown.compare_markdown,
    "json": jsonout.compare_json,
    "csv": csvout.compare_csv,
    "prose": prose.compare_prose,
}


def _utf8(text: str) -> bytes:
    return text.encode("utf-8")


def export_csv(summary: Summary, comparison: Comparison | None, lang: str) -> bytes:
    # The BOM makes Excel read the file as UTF-8 instead of the system code page (GBK).
    return ("\ufeff" + csvout.summary_csv(summary, lang)).encode("utf-8")


def export_json(summary: Summary, comparison: Comparison | None, lang: str) -> bytes:
    return _utf8(jsonout.summary_json(summary, lang))


def export_markdown(summary: Summary, comparison: Comparison | None, lang: str) -> bytes:
    text = markdown.summary_markdown(summary, lang)
    if comparison is not None:
        text += "\n" + markdown.compare_markdown(comparison, lang)
    return _utf8(text)


def export_prose(summary: Summary, comparison: Comparison | None, lang: str) -> bytes:
    return _utf8(prose.prose(summary, comparison, lang))


FILE_EXPORTERS: dict[str, Callable[[Summary, Comparison | None, str], bytes]] = {
    "xlsx": xlsx.summary_xlsx,
    "csv": export_csv,
    "json": export_json,
    "md": export_markdown,
    "txt": export_prose,
    "docx": summary_docx,
}


def render_summary(summary: Summary, fmt: str, lang: str = "zh") -> str:
    return SUMMARY_FORMATS[fmt](summary, lang)


def render_comparison(comparison: Comparison, fmt: str, lang: str = "zh") -> str:
    return COMPARE_FORMATS[fmt](comparison, lang)
